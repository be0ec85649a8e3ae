/*
 * internal.h — the runtime's private data structures, shared by its parts:
 *   sched.c   the scheduler kernel: run queue, spawn/join/exit, host ticks
 *   switch.c  stack switching: Asyncify unwind/rewind, C stacks, save areas
 *   timer.c   the timer heap and the one host timer armed for it
 *   registry.c  id -> coroutine map
 *   report.c  error strings, fatal coroutine errors, deadlock report
 *   bridge.c, fetch.c  host operations, weft_call, exports, fetch
 *   chan.c, sync.c, gen.c, group.c  the toolkit built on the kernel
 *   host.h    the imports the JS host provides
 */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

#include <stdbool.h>
#include "weft.h"

/* Why a coroutine is not running. */
typedef enum {
  WAIT_NONE = 0, /* running or ready */
  WAIT_SLEEP,    /* in the timer heap, wait_obj unused */
  WAIT_JOIN,     /* wait_obj: the coroutine being joined */
  WAIT_HOST,     /* weft_yield_host: until the host's next turn */
  WAIT_CHAN,     /* channel ops / select: co->waiters[0..nwaiters) */
  WAIT_SYNC,     /* mutex, semaphore, event, wait group, group: wait_obj is a sync_q */
  /* Host operations; wait_obj: the op id, co->what: what it is about. */
  WAIT_JS_CALL,  /* weft_call: co->what is the function's name */
  WAIT_FETCH,    /* weft_fetch: co->what is the URL */
  WAIT_BODY,     /* weft_response_read */
  WAIT_KINDS
} wait_kind;

typedef enum { CO_READY, CO_RUNNING, CO_BLOCKED, CO_DONE } co_state;

/* Per-coroutine flags beyond the public WEFT_DETACHED/WEFT_COMPACT. */
#define CO_STARTED 0x100u /* has run once: resume means rewind */
#define CO_MAIN    0x200u /* runs the program's main() */
#define CO_EXITING 0x400u /* weft_exit() or a fatal error: finish on unwind */
#define CO_CANCELLED 0x800u /* weft_cancel(): suspending calls return WEFT_ECANCELED */
#define CO_JS_TREE  0x1000u /* started by JS (an export, a spawn from JS) or by such a
                               coroutine: not main's, so the end of main does not stop it */
#define CO_SUPERVISED 0x2000u /* its on_exit hands its failure to its JS caller (an export) */
#define CO_JS_OWNED (CO_JS_TREE | CO_SUPERVISED)
#define CO_STOPPED  0x4000u /* stopped without running on (the program ended): no fault */

typedef struct weft_co weft_co;
struct weft_co {
  weft_co *next, *prev; /* run queue or a wait list */
  weft_id id;
  uint16_t state;       /* co_state */
  uint16_t wait;        /* wait_kind */
  unsigned flags;
  int wake;             /* what the suspending call returns on resume */
  int exit_err;         /* 0, or the error that stopped it */
  weft_fn fn;
  void *arg;
  void *result;
  void *wait_obj;
  weft_co *joiner;      /* the coroutine blocked joining this one */
  void (*on_exit)(weft_co *); /* called when it finishes, however it ends */
  double limit;         /* deadline of its innermost scope, INFINITY if none */
  const char *what;     /* host op description (weft_call's name, fetch's URL) */
  struct waiter *waiters; /* channel waits (several for select), heap-allocated */
  int nwaiters, waiters_cap;
  struct weft_gen *gen; /* the generator this coroutine produces for */
  struct weft_group *group; /* the group it was spawned into */
  char *errmsg;         /* weft_last_error(): message of its last failed host call */
  char *fault;          /* what stopped it (a fault), until it is joined */
  int scope_depth;      /* deadline scopes it is inside */
  /* timer heap membership */
  double deadline;
  uint32_t tseq;        /* FIFO order among equal deadlines */
  int32_t heap_index;   /* -1 when not in the heap */
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

/* Doubly linked FIFO of coroutines. */
typedef struct { weft_co *head, *tail; uint32_t n; } co_list;

typedef struct {
  weft_co *current;     /* running coroutine, NULL in the scheduler */
  co_list ready;
  weft_co *timed_tail;  /* the last of the sleepers the timer queued at the
                         * head of `ready` that has not run yet, or NULL */
  co_list host_wait;    /* weft_yield_host() callers, released next tick */
  bool booted, in_tick;
  bool failed;          /* the program cannot go on (deadlock, stall, a fault nobody
                           took, exit()): everything is stopped and the tick idles */
  int main_status;
  uint32_t live;        /* spawned and not finished */
  uint32_t forever;     /* sleepers with no deadline at all (not in the timer heap) */
  uint32_t host_pending;/* host operations that will wake someone later */
  weft_id last_id;
  weft_stats st;
  weft_hook hook;
  void *hook_ctx;
  uint32_t resumes_in_tick;
  double slice_end;
} weft_sched;

extern weft_sched S;

/* sched.c */
void co_list_push(co_list *l, weft_co *co);
weft_co *co_list_pop(co_list *l);
void co_list_insert_after(co_list *l, weft_co *at, co_list *in); /* at NULL: in front */
void co_list_remove(co_list *l, weft_co *co);
void sched_make_ready(weft_co *co, int wake);
int sched_block(wait_kind why, void *obj); /* suspend current; returns co->wake */
void sched_interrupt(weft_co *co, int err); /* end its wait early with err */
/* weft_spawn for the runtime's own spawners: the control block, or NULL and *err. */
weft_co *sched_spawn(weft_fn fn, void *arg, const weft_opts *opts, int *err);
#define SCHED_EVENT(ev, co, detail) \
  do { if (S.hook) sched_event((ev), (co), (detail)); } while (0)
void sched_event(int ev, weft_co *co, int detail); /* call the hook, outside any coroutine */
void sched_finish(weft_co *co);            /* co has returned or was stopped */
/* The program cannot go on: the host rejects run() and the JS calls in
 * flight with `msg` (also printed), and every coroutine is stopped. */
void sched_fail(int code, const char *msg);
int sched_check_current(void);             /* WEFT_ENOTCO outside a coroutine */
const char *co_name(weft_co *co);          /* its name, "co<id>" by default */

/* switch.c */
int switch_init(void);
void switch_resume(weft_co *co);        /* run co until it suspends or ends */
int weft__suspend(void);               /* from inside a coroutine */
int switch_alloc_stack(weft_co *co, size_t size);
void switch_release(weft_co *co);       /* free stack and save area */
size_t switch_held_bytes(const weft_co *co);
void switch_recover(int err, const char *what); /* after a trap: stop current */
weft_co *switch_abandon(void);          /* after exit(): back on the scheduler's stack */
void switch_end_tick(void);             /* the main stack's limits, before JS runs */

/* timer.c */
int timer_reserve(uint32_t n);           /* room for n members, or WEFT_ENOMEM */
int timer_insert(weft_co *co, double deadline); /* never fails after timer_reserve(live) */
void timer_remove(weft_co *co);
int timer_fire_due(double now);         /* wake due sleepers; returns count */
void timer_sync_host(void);             /* arm/clear the one host timer */
void timer_host_fired(void);            /* the host timer ran: it is disarmed */
uint32_t timer_count(void);

/* registry.c */
int registry_put(weft_co *co);
weft_co *registry_get(weft_id id);
void registry_del(weft_id id);
/* Visit every registered coroutine (fn must not add or remove any). */
void registry_each(void (*fn)(weft_co *, void *), void *ctx);
uint32_t registry_count(void);

/* bridge.c */
/* A value crossing between C and JS (runtime/js/bridge.mjs reads and
 * writes this layout): type is 'i','d','s','b','h' or 0 (none). */
typedef struct {
  int32_t type;
  uint32_t len;  /* bytes of a string (without NUL) or byte buffer */
  union { int32_t i; double d; void *p; } u;
} weft_val;

int host_op_begin(void);                /* an op id for the running coroutine */
#define IS_HOST_OP(w) ((w) >= WAIT_JS_CALL)
int host_op_wait(int op, wait_kind kind, const char *what); /* until weft__settle(op, status) */
void host_op_end(int op);               /* give the id back after its result was taken */
int host_op_take(int op, int status, weft_val *out); /* take the result, end the op */
/* It waits no more: the host drops the op (aborting what it can). If the
 * coroutine is gone for good (`final`) the id is free at once; else it
 * stays reserved until the coroutine, resumed with an error, takes it. */
void host_op_drop(weft_co *co, bool final);
void host_set_error(weft_co *co, char *msg); /* takes a malloc'd message */
/* Fail a host call: err, with the formatted weft_last_error() message. */
int host_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* chan.c */
void chan_unlink(weft_co *co);          /* drop its channel waits (cancel, timeout, stop) */
void chan_release(weft_co *co);         /* free its waiter block */
const char *chan_describe(const weft_co *co, char *buf, size_t n);

/* sync.c: the FIFO of coroutines every synchronization object starts with */
typedef struct { co_list q; const char *kind; } sync_q;
int sync_wait(sync_q *s);                /* block in s until woken; returns the wake value */
void sync_wake(sync_q *s, int value);    /* wake the first waiter */

/* report.c */
void report_fatal(weft_co *co, int err, const char *detail); /* and keeps it in co->fault */
/* Every blocked coroutine and what it waits for, under `headline`; then the
 * program fails with WEFT_EDEADLK. */
void report_stuck(const char *headline);
const char *wait_describe(const weft_co *co, char *buf, size_t n);

#endif
