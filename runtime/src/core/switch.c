/*
 * switch.c — stack switching: the only code that talks to Asyncify. A
 * leaf of the kernel: it runs a coroutine until it suspends or ends and
 * says which (switch_resume's result); the scheduler acts on it.
 *
 * A coroutine runs as a call from the scheduler: switch_resume() points the
 * C stack pointer at the coroutine's own stack and calls co_entry(). When the
 * coroutine suspends, weft__suspend() (or weft_yield()) starts an Asyncify unwind: every
 * instrumented frame between it and co_entry() writes its locals into the
 * scratch save area and returns, until co_entry() returns to switch_resume(),
 * which stops the unwind and copies the frames (and, for compact coroutines,
 * the used part of the shared C stack) into the coroutine's right-sized save
 * block. Resuming is the mirror image: start a rewind from that block and
 * call co_entry() again; each frame restores its locals and re-enters the
 * call it was in, down to the suspend point, which stops the rewind and
 * returns the wake value. No JS frame is ever on this path.
 *
 * The functions here that call the intrinsics are not instrumented by the
 * Asyncify pass (it treats them as runtime code). emcc runs Binaryen's
 * inliner before Asyncify and it ignores LLVM's noinline: were a suspend
 * point inlined into a caller, that caller would become runtime code and
 * re-run its side effects on every rewind. So the suspend points
 * (weft__suspend, and weft_yield for the hottest path) are exported:
 * Binaryen never inlines an exported function that makes calls.
 * wasm-tests/boundary.test.mjs checks this in the built wasm.
 *
 * Asyncify does not save the shadow stack pointer (__stack_pointer), so it
 * is switched here on every resume and suspend, together with the stack
 * limits that -sSTACK_OVERFLOW_CHECK builds check on every frame.
 */
#ifndef WEFT_JSPI /* else switch_jspi.c */
#include <emscripten/emscripten.h>
#include <emscripten/stack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
#include "stack.h"

#define IMPORT(name) __attribute__((import_module("asyncify"), import_name(name)))
IMPORT("start_unwind") void asyncify_start_unwind(void *data);
IMPORT("stop_unwind") void asyncify_stop_unwind(void);
IMPORT("start_rewind") void asyncify_start_rewind(void *data);
IMPORT("stop_rewind") void asyncify_stop_rewind(void);

/* Asyncify's save area header; the unwound frames follow it. */
typedef struct { char *cur, *end; } asy_hdr;

#define SCHED_RESERVE (128 * 1024) /* top of the main C stack kept for the scheduler */
#define SCRATCH_MIN   (256 * 1024)

static struct {
  asy_hdr *scratch;       /* unwind area: the idle low part of the main C stack */
  char *scratch_end;
  char *shared_lo, *shared_hi;
  weft_co *shared_owner;  /* whose frames are on the shared stack now */
  void *sched_sp;         /* scheduler's stack while a coroutine runs */
  uintptr_t sched_base, sched_end;
  bool unwinding, rewinding;
  bool checked;           /* built with -sSTACK_OVERFLOW_CHECK */
  uint64_t unwinds, rewinds, saved_bytes; /* weft_stats */
  stack_pool pool;        /* free default-size stacks */
} X;

/* Stack limits. Emscripten's (emscripten_stack_get_base/end/free) follow
 * the running coroutine; in -sSTACK_OVERFLOW_CHECK builds so do the
 * checker's, kept in globals only JS can reach in 3.1.6. Going back to the
 * scheduler needs no change except for the checker: the scheduler never
 * reads them, and switch_end_tick() restores the main stack's before JS
 * runs again. */
static void set_limits(void *base, void *end) {
  emscripten_stack_set_limits(base, end);
  if (X.checked) weft_host_stack_limits(base, end);
}

static void limits_to_scheduler(void) {
  if (X.checked) set_limits((void *)X.sched_base, (void *)X.sched_end);
}

void switch_end_tick(void) {
  emscripten_stack_set_limits((void *)X.sched_base, (void *)X.sched_end);
}

bool switch_tick_paused(void) { return false; } /* an Asyncify tick runs to its end */

static char *stack_lo(const weft_co *co) {
  return (co->flags & WEFT_COMPACT) ? X.shared_lo : co->stack_lo;
}

static char *stack_hi(const weft_co *co) {
  return (co->flags & WEFT_COMPACT) ? X.shared_hi
                                    : (char *)ALIGN16((uintptr_t)co->stack_lo + co->stack_size);
}

/* ---- set-up and stacks ------------------------------------------------- */

/* Asyncify checks the save area's end only in its intrinsics, after an
 * unwind has written every frame; an unwind that does not fit has already
 * run past the end. So frames are unwound into the low part of the main C
 * stack (-sTOTAL_STACK: weft-cc sets 5 MiB), which is idle while coroutines
 * run on their own stacks: the scheduler keeps SCHED_RESERVE at the top,
 * and anything running past the scratch's end lands in that reserve, not
 * in the heap. Real unwinds stay far below: V8's native stack (~1 MB)
 * overflows long before 4.8 MiB of frames could be saved. */
int switch_init(void) {
  emscripten_stack_init(); /* 3.1.6 only calls it in stack-checked builds */
  X.sched_base = emscripten_stack_get_base();
  uintptr_t lo = (emscripten_stack_get_end() + 15) & ~(uintptr_t)15;
  if (X.sched_base < lo || X.sched_base - lo < SCHED_RESERVE + SCRATCH_MIN) { /* no wrap-around */
    fprintf(stderr, "weft: the main C stack is too small (%lu bytes); link with -sTOTAL_STACK=1MB or more\n",
            (unsigned long)(X.sched_base - lo));
    return WEFT_ENOMEM;
  }
  X.sched_end = X.sched_base - SCHED_RESERVE;
  X.scratch = (asy_hdr *)lo;
  X.scratch_end = (char *)X.sched_end;
  X.shared_lo = malloc(SHARED_STACK);
  if (!X.shared_lo) return WEFT_ENOMEM;
  X.shared_hi = (char *)ALIGN16((uintptr_t)X.shared_lo + SHARED_STACK);
  guard_set(X.shared_lo);
  X.checked = weft_host_stack_checked();
  return 0;
}

int switch_alloc_stack(weft_co *co, size_t size) {
  return (co->flags & WEFT_COMPACT) ? 0 : stack_take(&X.pool, co, size);
}

void switch_release(weft_co *co) {
  if (X.shared_owner == co) X.shared_owner = NULL;
  stack_give(&X.pool, co);
}

size_t switch_held_bytes(const weft_co *co) {
  return sizeof *co + co->save_cap + ((co->flags & WEFT_COMPACT) ? 0 : co->stack_size);
}

/* ---- the switch -------------------------------------------------------- */

/* The bottom frame of every coroutine. Binaryen's inliner may fold it into
 * the (uninstrumented) scheduler; that is harmless, since the frames below
 * rewind through the plain indirect call, as long as the value an unwinding
 * call returns is not taken for the result. main's coroutine calls main()
 * from here directly: no trampoline frame between. */
static __attribute__((noinline)) void co_entry(weft_co *co) {
  void *result = (co->flags & CO_MAIN) ? (void *)(intptr_t)sched_main_call() : co->fn(co->arg);
  if (!X.unwinding) co->result = result;
}

/* Frames are a few dozen bytes; a word loop beats a call to memcpy. Both
 * regions are 8-byte aligned and sizes are multiples of 4. */
static inline void copy_words(void *dst, const void *src, uint32_t n) {
  uint32_t *d = dst;
  const uint32_t *s = src;
  for (uint32_t i = 0; i < n / 4; i++) d[i] = s[i];
}

/* Copy the unwound frames (and a compact coroutine's used stack) out of the
 * scratch area into the coroutine's own block, growing it if needed. */
static bool save_frames(weft_co *co) {
  uint32_t used = (uint32_t)(X.scratch->cur - (char *)(X.scratch + 1));
  uint32_t copy = (co->flags & WEFT_COMPACT) ? (uint32_t)(X.shared_hi - (char *)co->sp) : 0;
  uint32_t need = (uint32_t)sizeof(asy_hdr) + used + copy;
  if (need > co->save_cap) {
    uint32_t cap = (need + 63) & ~63u;
    char *block = malloc(cap);
    if (!block) return false;
    free(co->save);
    co->save = block;
    co->save_cap = cap;
  }
  char *data = co->save + sizeof(asy_hdr);
  copy_words(data, X.scratch + 1, used);
  if (copy) {
    UNPOISON((void *)co->sp, copy);
    memcpy(data + used, (void *)co->sp, copy);
  }
  co->save_used = used;
  co->stack_copy = copy;
  X.unwinds++;
  X.saved_bytes += used + copy;
  return true;
}

void switch_stats(weft_stats *st) {
  st->unwinds = X.unwinds;
  st->rewinds = X.rewinds;
  st->saved_bytes = X.saved_bytes;
}

const char *switch_guard_broken(const weft_co *co) {
  return guard_top_ok(stack_lo(co)) ? NULL : "its stack guard was overwritten while it was suspended";
}

/* Run co (the scheduler has made it current) until it suspends or ends. */
switch_result switch_resume(weft_co *co, const char **why) {
  bool started = co->flags & CO_STARTED;
  char *lo = stack_lo(co), *hi = stack_hi(co);
  if (started && co->stack_copy && X.shared_owner != co)
    memcpy((void *)co->sp, co->save + sizeof(asy_hdr) + co->save_used, co->stack_copy);
  if (co->flags & WEFT_COMPACT) X.shared_owner = co;

  X.sched_sp = sp_get();
  set_limits(hi, lo + GUARD_BYTES);
  sp_set(started ? (void *)co->sp : hi);
  if (started) {
    asy_hdr *h = (asy_hdr *)co->save;
    h->cur = co->save + sizeof(asy_hdr) + co->save_used;
    h->end = h->cur;
    X.rewinding = true;
    X.rewinds++;
    asyncify_start_rewind(h);
  } else {
    co->flags |= CO_STARTED;
  }
  co_entry(co);
  switch_result r = SWITCH_FINISHED;
  *why = NULL;
  if (!X.unwinding && !guard_ok(lo)) {
    co->exit_err = WEFT_ESTACK;
    *why = "it overflowed its C stack";
  } else if (X.unwinding) {
    asyncify_stop_unwind();
    X.unwinding = false;
    co->sp = (uintptr_t)sp_get();
    if (co->exit_err == WEFT_ESTACK) {
      *why = "it overflowed its C stack";
    } else if (!(co->flags & CO_EXITING)) {
      r = SWITCH_SUSPENDED;
      if (!save_frames(co)) {
        r = SWITCH_FINISHED;
        co->exit_err = WEFT_ENOMEM;
        *why = "there was no memory for its save area";
      }
    }
  }
  limits_to_scheduler();
  sp_set(X.sched_sp);
  return *why ? SWITCH_FAULTED : r;
}

/* A suspend point is an exported function that starts with the rewinding
 * check and ends by starting an unwind; between the two it may record the
 * wait (that part runs once: on resume the rewind re-enters the call and
 * returns at the check). These are its two halves. */
static inline int finish_rewind(void) {
  X.rewinding = false;
  asyncify_stop_rewind();
  return S.current->wake;
}

static inline void begin_unwind(weft_co *co) {
  char *lo = stack_lo(co);
  if ((char *)sp_get() < lo + GUARD_BYTES || !guard_ok(lo)) {
    co->flags |= CO_EXITING; /* reported from the scheduler's stack */
    co->exit_err = WEFT_ESTACK;
  }
  X.scratch->cur = (char *)(X.scratch + 1);
  X.scratch->end = X.scratch_end;
  X.unwinding = true;
  asyncify_start_unwind(X.scratch);
}

/* The general suspend point: every blocking call records its wait, then
 * calls this (through sched_block). */
EMSCRIPTEN_KEEPALIVE __attribute__((noinline)) int weft__suspend(void) {
  if (X.rewinding) return finish_rewind();
  begin_unwind(S.current);
  return 0;
}

/* weft_yield is a suspend point of its own: the hottest switch then unwinds
 * one frame less. It suspends still CO_RUNNING, waiting on nothing: the
 * scheduler queues it. */
EMSCRIPTEN_KEEPALIVE __attribute__((noinline)) int weft_yield(void) {
  if (X.rewinding) return finish_rewind();
  weft_co *co = S.current;
  if (!co) return WEFT_ENOTCO;
  if (co->flags & CO_CANCELLED) return WEFT_ECANCELED;
  co->wake = 0;
  begin_unwind(co);
  return 0;
}

/* Asyncify back to normal after an exception left wasm in the middle of
 * an unwind or rewind. Returns how far an unwind had written. */
static char *reset_asyncify(void) {
  char *reached = NULL;
  if (X.unwinding) {
    reached = X.scratch->cur;
    X.scratch->cur = (char *)(X.scratch + 1); /* or stop_unwind traps again */
    asyncify_stop_unwind();
    X.unwinding = false;
  } else if (X.rewinding) {
    X.scratch->cur = X.scratch->end = (char *)(X.scratch + 1);
    asyncify_start_rewind(X.scratch); /* point Asyncify at a sane header */
    asyncify_stop_rewind();
    X.rewinding = false;
  }
  return reached;
}

/* Back on the scheduler's stack; returns the coroutine that ran. */
static weft_co *back_to_scheduler(void) {
  weft_co *co = S.current;
  if (!co) return NULL;
  set_limits((void *)X.sched_base, (void *)X.sched_end);
  sp_set(X.sched_sp);
  return co;
}

/* A JS exception or wasm trap escaped while a coroutine ran (the host calls
 * this through weft__recover): put Asyncify and the stack pointer back in
 * order and say what the scheduler must do. No stack frame here (what
 * needs one is in functions it calls): entered on the coroutine's stack,
 * its epilogue would go back there. */
weft_co *switch_recover(int err, const char *what, switch_fault *f) {
  bool was_unwinding = X.unwinding;
  char *reached = reset_asyncify();
  if (was_unwinding && err == WEFT_EHOST) { /* a trap: Asyncify's bound check */
    err = WEFT_ESAVEAREA;
    what = "its stack did not fit the save area while unwinding";
  }
  weft_co *co = back_to_scheduler();
  f->err = err;
  f->what = what;
  f->overrun = reached && reached > (char *)X.sched_sp ? (unsigned long)(reached - X.scratch_end) : 0;
  f->into_heap = reached > (char *)X.sched_base;
  return co;
}

/* C exit() left wasm from wherever it was called. */
weft_co *switch_abandon(void) {
  reset_asyncify();
  return back_to_scheduler();
}
#endif /* !WEFT_JSPI */
