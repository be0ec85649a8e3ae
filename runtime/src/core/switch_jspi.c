/*
 * switch_jspi.c — stack switching on JSPI (JavaScript Promise Integration)
 * instead of Asyncify: what weft-cc --jspi builds (-DWEFT_JSPI) compile in
 * place of switch.c. The same leaf of the kernel, with one outcome more:
 * SWITCH_PENDING, a coroutine that runs on from a promise job.
 *
 * Each coroutine runs as its own promising call of weft__co_run (the host
 * wraps that export with WebAssembly.promising), so the engine keeps its
 * wasm stack while it is suspended: nothing is unwound or copied, and no
 * code is instrumented. A suspend point parks the coroutine by calling the
 * import co_suspend, which the host wraps with WebAssembly.Suspending: it
 * returns a promise, and the engine suspends the coroutine's stack until
 * the host resolves it (co_resume). The C shadow stack pointer and the
 * stack limits are switched here around every suspend and resume, as
 * switch.c does: each coroutine keeps its own C stack (what Emscripten's
 * own -sJSPI does not do, so it allows one suspended call at a time).
 *
 * Starting a coroutine is synchronous: switch_resume calls co_start, which
 * makes the promising call; it returns once the coroutine first suspends
 * or ends, and the scheduler acts on it as today. Resuming one is not: a
 * suspended JSPI stack goes on only from a promise job. So switch_resume
 * resolves its promise and answers SWITCH_PENDING, and the tick pauses
 * (sched.c keeps its loop state). When that coroutine suspends or ends
 * again, its suspend point (or weft__co_run) switches to the scheduler's
 * C stack and calls sched_resumed, which goes on with the tick right
 * there, on the coroutine's engine stack, before it parks: it may start
 * other coroutines (promising calls nested one level deep), and ends by
 * resolving the next started one's promise (or by ending the tick). If the
 * tick picks the same coroutine again, it does not park at all. So exactly
 * one coroutine runs at a time, in the run queue's order, as with
 * Asyncify.
 *
 * A trap or JS exception in a coroutine rejects its promising call; the
 * host reports it through weft__co_fault, which stops that coroutine and
 * abandons the paused tick (the host asks for a new one).
 *
 * Limits: every live coroutine has an engine stack, and engines bound
 * their number (Node 26 aborts the process near 32,600 suspended calls
 * where vm.max_map_count is 65530), so spawning past the cap
 * (WEFT_JSPI_MAX_COROUTINES, or the host's load option) gives WEFT_ENOMEM.
 * The bottom frames (weft__co_run, the suspend points) must have no shadow
 * stack frame of their own (their epilogues would put a stale stack
 * pointer back): built with optimization, as weft-cc does; --debug (-O0)
 * is refused with --jspi.
 */
#ifdef WEFT_JSPI
#include <emscripten/emscripten.h>
#include <emscripten/stack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include "stack.h"

WEFT_JSPI_IMPORTS(WEFT_HOST_DECLARE)
void weft__recover(int err, const char *what); /* sched.c */

#ifndef WEFT_JSPI_MAX_COROUTINES
#define WEFT_JSPI_MAX_COROUTINES 12000 /* Node 26 aborts near 32,600 here; a Chromium page that ran big programs crashed near 13,000 */
#endif

#define CO_COUNTED   0x8000u /* counted against the cap */
#define CO_PARKED    0x10000u /* its engine stack waits in co_suspend */

static struct {
  uintptr_t sched_base, sched_end; /* the main C stack: the scheduler's */
  void *sched_sp;        /* the scheduler's stack pointer while it starts one */
  char *shared_lo, *shared_hi;
  weft_co *shared_owner; /* whose frames are on the shared stack now */
  weft_co *starting;     /* started by switch_resume, which waits for it */
  weft_co *awaited;      /* the one the paused tick waits for */
  weft_co *leaving;      /* the one whose suspend point runs the tick now */
  weft_co *doomed;       /* released while awaited or leaving: its stack must end */
  bool again;            /* the tick picked `leaving` again: it runs on */
  bool reported;         /* `starting` suspended or ended: */
  switch_result result;  /*   how */
  const char *why;
  bool checked;          /* built with -sSTACK_OVERFLOW_CHECK */
  uint32_t live, cap;    /* coroutines counted against the cap */
  uint64_t suspends, resumes, saved_bytes;
  stack_pool pool;
} X = {.cap = WEFT_JSPI_MAX_COROUTINES};

/* ---- limits (as switch.c) ------------------------------------------------- */

static void set_limits(void *base, void *end) {
  emscripten_stack_set_limits(base, end);
  if (X.checked) weft_host_stack_limits(base, end);
}
static void limits_to_scheduler(void) {
  if (X.checked) set_limits((void *)X.sched_base, (void *)X.sched_end);
}
void switch_end_tick(void) { emscripten_stack_set_limits((void *)X.sched_base, (void *)X.sched_end); }
/* Between a resume and that coroutine's return to the tick, promise jobs run JS. */
bool switch_tick_paused(void) { return X.awaited != NULL; }

static char *stack_lo(const weft_co *co) { return (co->flags & WEFT_COMPACT) ? X.shared_lo : co->stack_lo; }
static char *stack_hi(const weft_co *co) {
  return (co->flags & WEFT_COMPACT) ? X.shared_hi : (char *)ALIGN16((uintptr_t)co->stack_lo + co->stack_size);
}

/* ---- set-up and stacks ------------------------------------------------- */

int switch_init(void) {
  emscripten_stack_init();
  X.sched_base = ALIGN16(emscripten_stack_get_base());
  X.sched_end = emscripten_stack_get_end();
  X.shared_lo = malloc(SHARED_STACK);
  if (!X.shared_lo) return WEFT_ENOMEM;
  X.shared_hi = (char *)ALIGN16((uintptr_t)X.shared_lo + SHARED_STACK);
  guard_set(X.shared_lo);
  X.checked = weft_host_stack_checked();
  return 0;
}

/* The host's load option: at most n live coroutines (0: the default). */
EMSCRIPTEN_KEEPALIVE int weft__jspi_cap(int n) {
  if (n > 0) X.cap = (uint32_t)n;
  return (int)X.cap;
}

int switch_alloc_stack(weft_co *co, size_t size) {
  if (X.live >= X.cap)
    return report_error(WEFT_ENOMEM, "weft_spawn: %u coroutines live, the most this JSPI build allows (each holds an "
                        "engine stack; the engine aborts the process past its own limit)", X.live);
  if (!(co->flags & WEFT_COMPACT) && stack_take(&X.pool, co, size)) return WEFT_ENOMEM;
  co->flags |= CO_COUNTED;
  X.live++;
  return 0;
}

void switch_release(weft_co *co) {
  if (co->flags & CO_PARKED) { /* stopped while suspended: its engine stack goes */
    co->flags &= ~CO_PARKED;
    weft_host_co_drop(co);
  } else if (co == X.leaving || co == X.awaited) {
    /* Its engine stack is live (it runs the tick, or was resumed or
     * faulted and not yet back): it ends when it gets control. */
    X.doomed = co;
    if (co == X.awaited) { /* the tick waited for it: it waits no more */
      X.awaited = NULL;
      S.in_tick = false;
      if (!S.failed) weft_host_wake();
    }
  }
  if (co->flags & CO_COUNTED) {
    co->flags &= ~CO_COUNTED;
    X.live--;
  }
  if (X.shared_owner == co) X.shared_owner = NULL;
  stack_give(&X.pool, co);
}

size_t switch_held_bytes(const weft_co *co) {
  return sizeof *co + co->save_cap + ((co->flags & WEFT_COMPACT) ? 0 : co->stack_size);
}

void switch_stats(weft_stats *st) {
  st->unwinds = X.suspends;
  st->rewinds = X.resumes;
  st->saved_bytes = X.saved_bytes;
}

const char *switch_guard_broken(const weft_co *co) {
  return guard_top_ok(stack_lo(co)) ? NULL : "its stack guard was overwritten while it was suspended";
}

/* ---- the switch -------------------------------------------------------- */

/* A compact coroutine's used part of the shared stack, kept while others use it. */
static bool save_compact(weft_co *co) {
  uint32_t copy = (uint32_t)(X.shared_hi - (char *)co->sp);
  if (copy > co->save_cap) {
    uint32_t cap = (copy + 63) & ~63u;
    char *block = malloc(cap);
    if (!block) return false;
    free(co->save);
    co->save = block;
    co->save_cap = cap;
  }
  UNPOISON((void *)co->sp, copy);
  memcpy(co->save, (void *)co->sp, copy);
  co->stack_copy = copy;
  X.saved_bytes += copy;
  return true;
}

/* What a coroutine that stopped running does next. */
typedef enum { LEFT_PARK, LEFT_AGAIN, LEFT_END } left_how;

/* co stops running (it suspended, or ended: r, why). Back on the
 * scheduler's C stack: if the scheduler waits in switch_resume, it is
 * told; else the paused tick goes on here. Then co parks, or runs on at
 * once (the tick picked it again), or its stack ends (it was released). */
static __attribute__((noinline)) left_how leave(weft_co *co, switch_result r, const char *why) {
  limits_to_scheduler();
  if (X.starting == co) {
    X.reported = true;
    X.result = r;
    X.why = why;
    sp_set(X.sched_sp);
    return LEFT_PARK;
  }
  X.awaited = NULL;
  X.leaving = co;
  X.again = false;
  sp_set((void *)X.sched_base);
  sched_resumed(co, r, why);
  X.leaving = NULL;
  left_how how = X.again ? LEFT_AGAIN : LEFT_PARK;
  X.again = false;
  if (X.doomed == co) {
    X.doomed = NULL;
    how = LEFT_END;
  }
  return how;
}

/* co runs again: its C stack and limits back, its frames in place. */
static __attribute__((noinline)) int resumed(weft_co *co) {
  S.current = co; /* the tick cleared it when it paused */
  if (co->flags & WEFT_COMPACT) {
    if (X.shared_owner != co) {
      UNPOISON((void *)co->sp, co->stack_copy);
      memcpy((void *)co->sp, co->save, co->stack_copy);
    }
    X.shared_owner = co;
  }
  X.resumes++;
  set_limits(stack_hi(co), stack_lo(co) + GUARD_BYTES);
  sp_set((void *)co->sp);
  return co->wake;
}

/* The bottom frame of every coroutine: the host's promising call. */
EMSCRIPTEN_KEEPALIVE void weft__co_run(weft_co *co);

static __attribute__((noinline)) void co_finished(weft_co *co, void *result) {
  co->result = result;
  const char *why = NULL;
  if (!guard_ok(stack_lo(co))) {
    co->exit_err = WEFT_ESTACK;
    why = "it overflowed its C stack";
  }
  leave(co, why ? SWITCH_FAULTED : SWITCH_FINISHED, why);
}

void weft__co_run(weft_co *co) { co_finished(co, co->fn(co->arg)); }

/* Run co (the scheduler has made it current): start it, or resume it. */
switch_result switch_resume(weft_co *co, const char **why) {
  *why = NULL;
  if (co->flags & CO_STARTED) {
    X.awaited = co;
    if (co == X.leaving) {
      X.again = true; /* it has not parked yet: it runs on */
    } else {
      co->flags &= ~CO_PARKED;
      weft_host_co_resume(co); /* it goes on from a promise job */
    }
    return SWITCH_PENDING;
  }
  co->flags |= CO_STARTED;
  char *lo = stack_lo(co), *hi = stack_hi(co);
  if (co->flags & WEFT_COMPACT) X.shared_owner = co;
  X.starting = co;
  X.reported = false;
  X.sched_sp = sp_get();
  set_limits(hi, lo + GUARD_BYTES);
  sp_set(hi);
  weft_host_co_start(co); /* returns when it first suspends or ends */
  limits_to_scheduler(); /* (before the stack pointer: checked builds check each move) */
  sp_set(X.sched_sp);
  X.starting = NULL;
  if (!X.reported) { /* its promising call rejected: the host reports how */
    X.awaited = co;
    return SWITCH_PENDING;
  }
  *why = X.why;
  return X.why ? SWITCH_FAULTED : X.result;
}

/* The suspend point: every blocking call records its wait, then calls
 * this (through sched_block); weft_yield and weft_exit too. */
int weft__suspend(void) {
  weft_co *co = S.current;
  co->sp = (uintptr_t)sp_get();
  switch_result r = SWITCH_SUSPENDED;
  const char *why = NULL;
  char *lo = stack_lo(co);
  if ((char *)co->sp < lo + GUARD_BYTES || !guard_ok(lo)) {
    co->exit_err = WEFT_ESTACK;
    why = "it overflowed its C stack";
  } else if (co->flags & CO_EXITING) {
    r = SWITCH_FINISHED;
  } else if ((co->flags & WEFT_COMPACT) && !save_compact(co)) {
    co->exit_err = WEFT_ENOMEM;
    why = "there was no memory for its save area";
  }
  if (why) r = SWITCH_FAULTED;
  X.suspends++;
  left_how how = leave(co, r, why);
  if (how == LEFT_AGAIN) return resumed(co);
  if (how == LEFT_END || r != SWITCH_SUSPENDED) weft_host_co_drop(co); /* throws: its engine stack ends here */
  co->flags |= CO_PARKED;
  weft_host_co_suspend(co); /* JSPI: the engine suspends this stack until co_resume */
  if (X.doomed == co) { /* released after its promise was resolved */
    X.doomed = NULL;
    weft_host_co_drop(co);
  }
  return resumed(co);
}

int weft_yield(void) {
  weft_co *co = S.current;
  if (!co) return WEFT_ENOTCO;
  if (co->flags & CO_CANCELLED) return WEFT_ECANCELED;
  co->wake = 0;
  return weft__suspend();
}

/* Back on the scheduler's stack, nothing running or awaited. */
static weft_co *reset(void) {
  weft_co *co = X.awaited;
  X.awaited = X.starting = X.leaving = NULL;
  X.again = false;
  set_limits((void *)X.sched_base, (void *)X.sched_end);
  sp_set((void *)X.sched_base);
  return co;
}

/* A coroutine's promising call rejected (the host, through weft__co_fault
 * and weft__recover): it is the one the tick awaits. */
weft_co *switch_recover(int err, const char *what, switch_fault *f) {
  weft_co *co = reset();
  *f = (switch_fault){err, what, 0, false};
  return co;
}

weft_co *switch_abandon(void) { return reset(); }

/* The host: co's promising call rejected with a trap or JS exception
 * (what: its text, in weft__recover_text's buffer). If the tick awaited
 * co, co stops and the rest go on; else the scheduler itself failed (it
 * ran on co's engine stack). */
EMSCRIPTEN_KEEPALIVE void weft__co_fault(weft_co *co, int err, const char *what) {
  if (co == X.doomed) { /* released meanwhile: nothing to report */
    X.doomed = NULL;
    return;
  }
  if (co != X.awaited) {
    reset();
    S.in_tick = false;
    S.current = NULL;
    char msg[320];
    snprintf(msg, sizeof msg, "weft: a JS exception or trap escaped the scheduler: %s", what);
    sched_fail(WEFT_EHOST, msg);
    return;
  }
  weft__recover(err, what);
}
#endif /* WEFT_JSPI */
