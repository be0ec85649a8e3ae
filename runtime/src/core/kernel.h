/*
 * kernel.h — the kernel's private data structures, shared by its parts:
 *   sched.c     the scheduler: run queue, spawn/join/exit, waits, host ticks
 *   switch.c    stack switching: Asyncify unwind/rewind, C stacks, save areas
 *   switch_jspi.c  the same on JSPI instead (weft-cc --jspi: -DWEFT_JSPI)
 *   timer.c     the timer heap, weft_sleep, and the one host timer armed for it
 *   registry.c  id -> coroutine map
 *   report.c    error strings and messages, fatal reports, weft_list
 * Nothing outside runtime/src/core includes this: the library and the host
 * bridges see only core.h.
 */
#ifndef WEFT_KERNEL_H
#define WEFT_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include "../abi.h"
#include "core.h"

/* The host's imports, from abi.h's one list. The kernel calls only its
 * own: timer, wake, exit, fatal, stack_checked, stack_limits, trace. They are
 * called from the scheduler and from coroutines alike; a switch between
 * coroutines calls none (unless -sSTACK_OVERFLOW_CHECK: stack_limits). */
WEFT_IMPORTS(WEFT_HOST_DECLARE)

typedef enum { CO_READY, CO_RUNNING, CO_BLOCKED, CO_DONE } co_state;

/* Per-coroutine flags beyond the public WEFT_DETACHED/WEFT_COMPACT and
 * core.h's CO_JS_TREE. */
#define CO_STARTED   0x100u /* has run once: resume means rewind */
#define CO_MAIN      0x200u /* runs the program's main() */
#define CO_EXITING   0x400u /* weft_exit() or a fatal error: finish on unwind */
#define CO_CANCELLED 0x800u /* weft_cancel(): suspending calls return WEFT_ECANCELED */
#define CO_TAKEN     0x2000u /* its owner's exit hook took its failure: a fault is no one else's */
#define CO_STOPPED   0x4000u /* stopped without running on (the program ended): no fault */

struct weft_co {
  weft_co *next, *prev; /* run queue or a wait queue */
  weft_id id;
  uint16_t state;       /* co_state */
  unsigned flags;
  int wake;             /* what the suspending call returns on resume */
  int exit_err;         /* 0, or the error that stopped it */
  weft_fn fn;
  void *arg;
  void *result;
  const weft_wait_ops *wait; /* what it waits on while blocked, else NULL */
  void *wait_obj;       /* the wait's own record; kept while `left` is set */
  const weft_wait_ops *left; /* a wait it left with something to take (ops->release), until it runs */
  weft_co *joiner;      /* the coroutine blocked joining this one */
  co_exit_fn on_exit;   /* its owner's hook, called when it finishes however it ends */
  void *exit_ctx;
  double limit;         /* deadline of its innermost scope, INFINITY if none */
  char *errmsg;         /* weft_last_error(): message of its last failed call */
  char *fault;          /* what stopped it (a fault), until it is joined */
  int scope_depth;      /* deadline scopes it is inside */
  int32_t heap_index;   /* its place in the timer heap, -1 when not in it */
  /* C stack: own region [stack_lo, stack_lo+stack_size), or the shared one */
  char *stack_lo;
  uint32_t stack_size;
  uintptr_t sp;         /* stack pointer while suspended */
  /* save area: [asyncify header | unwound frames | compact stack copy] */
  char *save;
  uint32_t save_cap;
  uint32_t save_used;   /* bytes of unwound frames */
  uint32_t stack_copy;  /* compact: bytes of C stack copied after them */
  char name[24];
};

typedef struct {
  weft_co *current;     /* running coroutine, NULL in the scheduler */
  co_queue ready;
  weft_co *timed_tail;  /* the last of the sleepers the timer queued at the
                         * head of `ready` that has not run yet, or NULL */
  co_queue host_wait;   /* weft_yield_host() callers, released next tick */
  bool booted, in_tick;
  bool failed;          /* the program cannot go on (deadlock, stall, a fault nobody
                           took, exit()): everything is stopped and the tick idles */
  int main_status;
  int main_argc;        /* main's arguments, from weft__boot */
  char **main_argv;
  uint32_t live;        /* spawned and not finished */
  uint32_t forever;     /* sleepers with no deadline at all (not in the timer heap) */
  uint32_t external;    /* coroutines in an external wait (core.h) */
  weft_id last_id;
  weft_stats st;
  weft_hook hook;
  void *hook_ctx;
  uint8_t watch;        /* WATCH_*: who hears of the coroutines' events */
} weft_sched;

#define WATCH_HOOK  1u /* weft_set_hook's hook */
#define WATCH_TRACE 2u /* the host's trace (weft__trace) */

extern weft_sched S;

/* The program's main, under whichever name its compiler gave it: clang
 * before 19 keeps `main`; later ones name main(argc, argv)
 * `__main_argc_argv` and main(void) `__main_void`. Weak: a program may have
 * none (it then serves only WEFT_EXPORT calls). */
int weft__main_plain(int argc, char **argv) __asm__("main") __attribute__((weak));
int weft__main_args(int argc, char **argv) __asm__("__main_argc_argv") __attribute__((weak));
int weft__main_void(void) __asm__("__main_void") __attribute__((weak));
/* Call main(argc, argv). Inlined into the Asyncify switch's bottom frame
 * for main's coroutine (CO_MAIN), so that no trampoline frame of its own
 * is unwound and rewound each time main suspends. */
static inline __attribute__((always_inline)) int sched_main_call(void) {
  return weft__main_args   ? weft__main_args(S.main_argc, S.main_argv)
         : weft__main_void ? weft__main_void()
                           : weft__main_plain(S.main_argc, S.main_argv);
}

/* sched.c */
/* Move all of `in` (which ends empty) into `q` right after `at`, or in
 * front when `at` is NULL. */
void co_queue_insert_after(co_queue *q, weft_co *at, co_queue *in);
/* End co's wait early with `value` into `into` (the run queue, or a list
 * the timer gathers due sleepers in). */
void sched_interrupt(weft_co *co, int value, co_queue *into);
/* A coroutine's event (abi.h's WEFT_ABI_TRACE_*): one branch while no one
 * watches. */
#define SCHED_EVENT(ev, co, detail) \
  do { if (__builtin_expect(S.watch, 0)) sched_event((ev), (co), (detail)); } while (0)
void sched_event(int ev, weft_co *co, int detail); /* tell the trace, then the hook, outside any coroutine */
/* The program cannot go on: the host rejects run() and the JS calls in
 * flight with `msg` (also printed), and every coroutine is stopped. */
void sched_fail(int code, const char *msg);

/* switch.c: a leaf. It runs a coroutine until it suspends or ends and
 * says which; the scheduler acts on it. */
typedef enum {
  SWITCH_SUSPENDED, /* its wait is recorded (CO_BLOCKED), or it yielded (still CO_RUNNING) */
  SWITCH_FINISHED,  /* returned, or weft_exit() */
  SWITCH_FAULTED,   /* stopped: co->exit_err, and *why says how */
  SWITCH_PENDING,   /* JSPI: it runs on from a promise job; the tick pauses
                       until it reports back through sched_resumed */
} switch_result;
int switch_init(void);
switch_result switch_resume(weft_co *co, const char **why);
const char *switch_guard_broken(const weft_co *co); /* before a resume: why it cannot, or NULL */
int switch_alloc_stack(weft_co *co, size_t size);
void switch_release(weft_co *co);       /* free stack and save area */
size_t switch_held_bytes(const weft_co *co);
void switch_stats(weft_stats *st);      /* unwinds, rewinds, saved_bytes */
/* After a trap: Asyncify and the stack pointer back in order, on the
 * scheduler's stack. Returns the coroutine that was running (or NULL) and
 * fills *f: the error and words for it (a trap while unwinding is
 * WEFT_ESAVEAREA), and how far an unwind ran past the scratch area over
 * the scheduler's live stack (0: not at all) and whether into the heap. */
typedef struct { int err; const char *what; unsigned long overrun; bool into_heap; } switch_fault;
weft_co *switch_recover(int err, const char *what, switch_fault *f);
weft_co *switch_abandon(void);          /* after exit(): back on the scheduler's stack */
void switch_end_tick(void);             /* the main stack's limits, before JS runs */
bool switch_tick_paused(void);          /* JSPI: the tick waits for a resumed coroutine, and JS runs */

/* sched.c, JSPI: the coroutine the paused tick waited for has suspended
 * or ended (r, why as switch_resume's): the tick goes on from there. Runs
 * on the scheduler's C stack, inside that coroutine's suspend point. */
void sched_resumed(weft_co *co, switch_result r, const char *why);

/* timer.c */
int timer_reserve(uint32_t n);           /* room for n members, or WEFT_ENOMEM */
int timer_insert(weft_co *co, double deadline); /* never fails after timer_reserve(live) */
void timer_remove(weft_co *co);
int timer_fire_due(double now);         /* wake due sleepers; returns count */
void timer_sync_host(void);             /* arm/clear the one host timer */
void timer_host_fired(void);            /* the host timer ran: it is disarmed */
uint32_t timer_count(void);
bool timer_armed(void);
double timer_deadline(const weft_co *co); /* INFINITY when not in the heap */

/* registry.c */
int registry_put(weft_co *co);
weft_co *registry_get(weft_id id);
void registry_del(weft_id id);
/* Visit every registered coroutine (fn must not add or remove any). */
void registry_each(void (*fn)(weft_co *, void *), void *ctx);
uint32_t registry_count(void);

/* report.c */
void report_fatal(weft_co *co, int err, const char *detail); /* and keeps it in co->fault */
/* Every blocked coroutine and what it waits for, under `headline`; then the
 * program fails with WEFT_EDEADLK. */
void report_stuck(const char *headline);
const char *wait_describe(const weft_co *co, char *buf, size_t n);
void report_clear_error(weft_co *co);    /* its weft_last_error() is freed */

#endif
