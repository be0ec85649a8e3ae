/*
 * core.h — the kernel's interface: all that the library (runtime/src/lib)
 * and the host bridges (runtime/src/host) may use of it. The kernel
 * (scheduler, stack switching, timers, ids, reports) knows nothing of
 * what is built on it; it blocks, wakes, cancels and describes any wait
 * through the wait's own operations (weft_wait_ops), the way trio hands
 * each wait an abort function and libdill gives each clause its own cancel.
 *
 * A blocking primitive:
 *   1. records the wait in its own structures (a channel's queue, a host
 *      op table...) in memory that stays put while the coroutine sleeps
 *      (never the coroutine's stack: a compact one's is copied away);
 *   2. calls sched_block(&its_ops, obj, deadline), which suspends the
 *      calling coroutine and returns the value it is woken with;
 *   3. whoever completes the wait unlinks it and calls sched_wake(co, v).
 * If the wait ends early instead (weft_cancel, a deadline, the program's
 * end), the kernel calls ops->abort(co, obj, final) to unlink it, and the
 * blocked call returns WEFT_ECANCELED or WEFT_ETIMEDOUT.
 */
#ifndef WEFT_CORE_H
#define WEFT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include "weft.h"

typedef struct weft_co weft_co; /* a coroutine's control block: the kernel's own */

/* ---- waits ---------------------------------------------------------------- */

typedef struct weft_wait_ops {
  int kind;      /* WEFT_WAIT_*: what weft_set_hook's WEFT_EV_SUSPEND reports */
  bool external; /* only the host ends it (a promise, a fetch): while any such
                    wait is pending, all coroutines blocked is not a deadlock */
  int on_deadline; /* what the wait returns when its own deadline passes
                      (a scope's deadline always gives WEFT_ETIMEDOUT) */
  /* The wait ends before it completed: unlink it from wherever it is
   * recorded. `final`: the coroutine will never run again (the program or
   * the coroutine is being stopped), so what the wait holds is freed now. */
  void (*abort)(weft_co *co, void *obj, bool final);
  /* A few words for weft_list and the deadlock report. */
  void (*describe)(const weft_co *co, const void *obj, char *buf, size_t n);
  /* Optional (NULL: none). The wait ended (woken, or early) and left
   * something for the coroutine to take when it runs (a host op's result,
   * its reserved id); but it is stopped for good before it ran again: free
   * that now. */
  void (*release)(weft_co *co, void *obj);
} weft_wait_ops;

/* Whether the running coroutine may suspend now: WEFT_ENOTCO outside any
 * coroutine, WEFT_ECANCELED once cancelled, WEFT_ETIMEDOUT past its scope's
 * deadline, else 0. Every suspending call starts with this. */
int sched_check(void);
/* Suspend the running coroutine in a wait until sched_wake (returns its
 * value) or, past `deadline` (a weft_now() time; INFINITY: none) or its
 * scope's deadline, ops->on_deadline / WEFT_ETIMEDOUT.
 *
 * It is two calls, inlined into the blocking function: sched_wait records
 * the wait (never suspends), and weft__suspend, the suspend point, unwinds.
 * So the only runtime frame Asyncify saves and restores between the user's
 * code and the suspend point is the blocking function's own (each
 * instrumented frame costs on every switch). Keep the work before the wait
 * in functions that return before it, and the work after it in the
 * blocking function or in functions it calls afterwards. */
int sched_wait(const weft_wait_ops *ops, void *obj, double deadline); /* 0, or WEFT_ENOMEM */
int weft__suspend(void);
static inline __attribute__((always_inline)) int sched_block(const weft_wait_ops *ops, void *obj, double deadline) {
  int err = sched_wait(ops, obj, deadline);
  return err ? err : weft__suspend();
}
/* Complete co's wait (already unlinked by the caller): it runs next with
 * `value` as its blocked call's result. Asks the host for a tick when
 * called outside one (from JS-called code). */
void sched_wake(weft_co *co, int value);
/* The same for a wake from the host's settle, which ticks right after. */
void sched_wake_by_host(weft_co *co, int value);
/* Run the ready coroutines: the host's entry point (a no-op inside a tick). */
void weft__tick(void);

weft_co *sched_current(void); /* NULL outside any coroutine */
weft_id co_id(const weft_co *co);
const char *co_name(weft_co *co); /* "co<id>" unless named */
bool co_alive(weft_id id);        /* exists and has not finished */
/* The running coroutine's deadline (INFINITY: none) is `limit` from now
 * on; returns the one it replaces. For waits that must outlast a deadline. */
double sched_set_limit(double limit);

/* ---- queues of blocked coroutines ------------------------------------------
 * A FIFO linked through the coroutines' own list node (a blocked
 * coroutine is in no other list): the wait queue of a mutex, a semaphore... */
typedef struct { weft_co *head, *tail; unsigned n; } co_queue;
void co_queue_push(co_queue *q, weft_co *co);
weft_co *co_queue_pop(co_queue *q); /* NULL if empty */
void co_queue_remove(co_queue *q, weft_co *co);

/* ---- spawning with an owner -----------------------------------------------
 * A coroutine the runtime itself starts (a generator's producer, a group's
 * child, an export JS called) has an owner that hears how it ended. */
/* The owner's hook returns true if it took the coroutine's failure (a
 * fault is then no one else's); false leaves it to a join, or it fails the
 * program as any untaken fault does. */
typedef bool (*co_exit_fn)(void *ctx, weft_id id, int err, void *result);
#define CO_JS_TREE 0x1000u /* JS's: the end of main does not stop it (an export) */
/* weft_spawn, with `exited(ctx, ...)` called when it ends however it ends
 * (NULL: none) and `flags` (CO_JS_TREE) added. Returns the new coroutine or
 * NULL with *err. */
weft_co *sched_spawn(weft_fn fn, void *arg, const weft_opts *opts, co_exit_fn exited, void *ctx, unsigned flags,
                     int *err);
/* The running coroutine's owner context, if its owner is `exited`; else NULL. */
void *sched_owner(co_exit_fn exited);

/* ---- errors ---------------------------------------------------------------- */

/* Fail a call: returns err, with weft_last_error() set to the formatted
 * message (a fixed text outside any coroutine). */
int report_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* weft_last_error() becomes `msg` (malloc'd; taken over), or "" for NULL. */
void report_set_error(char *msg);

#endif
