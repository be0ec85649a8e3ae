/*
 * sched.c — the scheduler kernel: coroutine life cycle (spawn, join,
 * detach, exit), the run queue, and the host tick that runs every ready
 * coroutine and then hands control back to the JS event loop.
 *
 * The loop in weft__tick() is the "top-level loop" of the program: a
 * coroutine that waits records what on (co->wait: the wait's operations,
 * co->wait_obj: its record) and where it can be found (the timer heap, a
 * join target, a channel's queue, a host op); whoever ends the wait calls
 * sched_wake() and the loop resumes it. Waits the kernel does not own
 * (core.h) are cancelled and described only through their operations.
 *
 * How a program ends, as in C and Go: returning from main (or exit()) ends
 * it, stopping the coroutines main's code started; a fault that nobody
 * takes (a join, a group, a JS caller) fails it; so does a state from
 * which nothing can ever run again (deadlock, or a host with nothing left
 * to do). Coroutines JS started (program.call) are the JS caller's and
 * outlive main: a program keeps serving calls after main returned.
 */
#include <emscripten.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel.h"

#define SLICE_MS    8.0           /* run at most this long before the host gets a turn */
#define MAIN_STACK  (1024 * 1024) /* C stack of the coroutine running main() */

weft_sched S;

static weft_co *free_cos; /* control blocks kept for reuse */
static weft_id main_id;   /* the coroutine running main(), once booted */

/* main's control block while it is not yet freed. */
static weft_co *main_co(void) {
  weft_co *co = main_id ? registry_get(main_id) : NULL;
  return co && (co->flags & CO_MAIN) ? co : NULL;
}

/* ---- queues ------------------------------------------------------------ */

void co_queue_push(co_queue *q, weft_co *co) {
  co->next = NULL;
  co->prev = q->tail;
  if (q->tail) q->tail->next = co; else q->head = co;
  q->tail = co;
  q->n++;
}

void co_queue_remove(co_queue *q, weft_co *co) {
  if (co->prev) co->prev->next = co->next; else q->head = co->next;
  if (co->next) co->next->prev = co->prev; else q->tail = co->prev;
  co->next = co->prev = NULL;
  q->n--;
}

void co_queue_insert_after(co_queue *q, weft_co *at, co_queue *in) {
  if (!in->head) return;
  weft_co *next = at ? at->next : q->head;
  in->head->prev = at;
  in->tail->next = next;
  if (at) at->next = in->head; else q->head = in->head;
  if (next) next->prev = in->tail; else q->tail = in->tail;
  q->n += in->n;
  *in = (co_queue){0};
}

weft_co *co_queue_pop(co_queue *q) {
  weft_co *co = q->head;
  if (co) co_queue_remove(q, co);
  return co;
}

/* ---- waiting and waking ------------------------------------------------ */

int sched_check(void) {
  weft_co *co = S.current;
  if (!co) return WEFT_ENOTCO;
  if (co->flags & CO_CANCELLED) return WEFT_ECANCELED;
  if (co->limit != INFINITY && weft_now() >= co->limit) return WEFT_ETIMEDOUT;
  return 0;
}

weft_co *sched_current(void) { return S.current; }
weft_id co_id(const weft_co *co) { return co->id; }

bool co_alive(weft_id id) {
  weft_co *co = id > 0 ? registry_get(id) : NULL;
  return co && co->state != CO_DONE;
}

double sched_set_limit(double limit) {
  double old = S.current->limit;
  S.current->limit = limit;
  return old;
}

/* The wait is over, however it ended: out of the timer heap, no longer
 * counted among the external waits. */
static void leave_wait(weft_co *co) {
  if (co->heap_index >= 0) timer_remove(co);
  if (!co->wait) return; /* not waiting (wait_obj may be what `left` left) */
  if (co->wait->external) S.external--;
  co->wait = NULL;
  co->wait_obj = NULL;
}

static weft_id finishing; /* the coroutine whose end is being told (its joiner, its owner) */

static void make_ready(weft_co *co, int wake, co_queue *into) {
  SCHED_EVENT(WEFT_ABI_TRACE_WAKE, co, S.current ? S.current->id : finishing);
  const weft_wait_ops *w = co->wait;
  void *obj = co->wait_obj;
  leave_wait(co);
  if (w && w->release) { /* what it left to take is released if it never runs again (stop) */
    co->left = w;
    co->wait_obj = obj;
  }
  co->wake = wake;
  co->state = CO_READY;
  co_queue_push(into, co);
}

/* The one place that asks the host for a tick when something became ready
 * outside one (in code JS called: a spawn, a channel closed, a cancel...). */
static void tick_soon(void) {
  if (!S.in_tick) weft_host_wake();
}

void sched_wake(weft_co *co, int value) {
  make_ready(co, value, &S.ready);
  tick_soon();
}

void sched_wake_by_host(weft_co *co, int value) { make_ready(co, value, &S.ready); }

int sched_wait(const weft_wait_ops *ops, void *obj, double deadline) {
  weft_co *co = S.current;
  co->state = CO_BLOCKED;
  co->wait = ops;
  co->wait_obj = obj;
  if (ops->external) S.external++;
  /* The wait's own deadline or its scope's, whichever comes first. */
  double at = deadline < co->limit ? deadline : co->limit;
  if (at != INFINITY && timer_insert(co, at)) { /* room was reserved at spawn: never */
    ops->abort(co, obj, false);
    leave_wait(co);
    co->state = CO_RUNNING;
    return WEFT_ENOMEM;
  }
  return 0;
}

/* Undo whatever a coroutine was waiting on; `final` if it will never run again. */
static __attribute__((noinline)) void sched_unlink(weft_co *co, bool final) {
  if (co->state == CO_READY) {
    if (co == S.timed_tail) S.timed_tail = co->prev; /* the timer-woken run ends earlier */
    co_queue_remove(&S.ready, co);
  } else if (co->wait) {
    co->wait->abort(co, co->wait_obj, final);
  }
  leave_wait(co);
}

__attribute__((noinline)) void sched_interrupt(weft_co *co, int value, co_queue *into) {
  if (co->wait) co->wait->abort(co, co->wait_obj, false);
  make_ready(co, value, into);
}

/* ---- the kernel's own waits ------------------------------------------------ */

static void abort_join(weft_co *co, void *target, bool final) { ((weft_co *)target)->joiner = NULL; }
static void describe_join(const weft_co *co, const void *target, char *buf, size_t n) {
  snprintf(buf, n, "join of #%d \"%s\"", ((const weft_co *)target)->id, co_name((weft_co *)target));
}
static const weft_wait_ops join_wait = {WEFT_WAIT_JOIN, false, WEFT_ETIMEDOUT, abort_join, describe_join};

static void abort_turn(weft_co *co, void *obj, bool final) { co_queue_remove(&S.host_wait, co); }
static void describe_turn(const weft_co *co, const void *obj, char *buf, size_t n) { snprintf(buf, n, "host turn"); }
static const weft_wait_ops turn_wait = {WEFT_WAIT_HOST_TURN, false, WEFT_ETIMEDOUT, abort_turn, describe_turn};

/* ---- life cycle -------------------------------------------------------- */

static void reap(weft_co *co) {
  free(co->fault);
  co->fault = NULL;
  registry_del(co->id);
  co->next = free_cos;
  free_cos = co;
}

static void main_finished(weft_co *main);
static void fail_untaken(weft_co *co);
static weft_id failing; /* detached after a fault nobody took: fails the program */

/* A fault (not a stop at the program's end) whose failure no one takes:
 * no joiner waits, and no group or JS caller hears of it. A coroutine
 * someone may still join keeps it until then, or until main returns. */
static bool fault_untaken(const weft_co *co) {
  return co->exit_err && !(co->flags & (CO_STOPPED | CO_TAKEN)) && !co->joiner;
}

/* co has returned or was stopped. */
static __attribute__((noinline)) void sched_finish(weft_co *co) {
  sched_unlink(co, true);
  SCHED_EVENT(WEFT_EV_EXIT, co, co->exit_err);
  co->state = CO_DONE;
  switch_release(co);
  report_clear_error(co);
  S.live--;
  weft_id outer = finishing;
  finishing = co->id;
  if (co->on_exit && co->on_exit(co->exit_ctx, co->id, co->exit_err, co->result)) co->flags |= CO_TAKEN;
  if (co->flags & CO_MAIN) main_finished(co);
  else if (co->joiner) sched_wake(co->joiner, 0);
  else if ((co->flags & WEFT_DETACHED) && fault_untaken(co)) fail_untaken(co);
  else if (co->flags & WEFT_DETACHED) reap(co);
  finishing = outer;
}

static weft_id next_id(void) {
  do {
    S.last_id = S.last_id == INT32_MAX ? 1 : S.last_id + 1;
  } while (registry_get(S.last_id));
  return S.last_id;
}

weft_co *sched_spawn(weft_fn fn, void *arg, const weft_opts *opts, co_exit_fn exited, void *ctx, unsigned flags,
                     int *err) {
  weft_opts o = opts ? *opts : (weft_opts){0};
  if (!o.stack_size) o.stack_size = WEFT_DEFAULT_STACK;
  if (!fn) return *err = report_error(WEFT_EINVAL, "weft_spawn: the function is NULL"), NULL;
  if (o.flags & ~(WEFT_DETACHED | WEFT_COMPACT))
    return *err = report_error(WEFT_EINVAL, "weft_spawn: unknown flags 0x%x (WEFT_DETACHED, WEFT_COMPACT)",
                               o.flags & ~(WEFT_DETACHED | WEFT_COMPACT)), NULL;
  if (!(o.flags & WEFT_COMPACT) && (o.stack_size < WEFT_MIN_STACK || o.stack_size > WEFT_MAX_STACK))
    return *err = report_error(WEFT_EINVAL, "weft_spawn: stack_size %zu is %s (WEFT_%s_STACK, %ld bytes)",
                               (size_t)o.stack_size, o.stack_size < WEFT_MIN_STACK ? "below the minimum" : "above the maximum",
                               o.stack_size < WEFT_MIN_STACK ? "MIN" : "MAX",
                               (long)(o.stack_size < WEFT_MIN_STACK ? WEFT_MIN_STACK : WEFT_MAX_STACK)), NULL;
  static bool inited;
  if (!inited) {
    if (switch_init()) return *err = WEFT_ENOMEM, NULL;
    inited = true;
  }
  weft_co *co = free_cos;
  if (co) free_cos = co->next;
  else if (!(co = malloc(sizeof *co))) return *err = WEFT_ENOMEM, NULL;
  memset(co, 0, sizeof *co);
  co->fn = fn;
  co->arg = arg;
  co->flags = o.flags | (flags & CO_JS_TREE);
  co->on_exit = exited;
  co->exit_ctx = ctx;
  co->heap_index = -1;
  co->limit = INFINITY;
  co->id = next_id();
  /* Every coroutine can be in the timer heap at once: room is made now, so
   * that a wait never fails for want of it. */
  if (timer_reserve(S.live + 1) || switch_alloc_stack(co, o.stack_size) || registry_put(co)) {
    switch_release(co);
    co->next = free_cos;
    free_cos = co;
    return *err = WEFT_ENOMEM, NULL;
  }
  if (o.name) strncpy(co->name, o.name, sizeof co->name - 1); /* else named on demand */
  /* Whose it is: spawned from JS (no coroutine runs, and no tick, or a
   * paused one: an export, a function JS called) or by one of JS's
   * coroutines, it outlives main. */
  if (S.current ? (S.current->flags & CO_JS_TREE) : (S.booted && (!S.in_tick || switch_tick_paused())))
    co->flags |= CO_JS_TREE;
  S.live++;
  S.st.spawned++;
  co->state = CO_BLOCKED; /* not yet anywhere: sched_wake queues it */
  SCHED_EVENT(WEFT_EV_SPAWN, co, 0);
  sched_wake(co, 0); /* spawned from JS: the host is asked for a tick */
  return co;
}

void *sched_owner(co_exit_fn exited) {
  weft_co *co = S.current;
  return co && co->on_exit == exited ? co->exit_ctx : NULL;
}

weft_id weft_spawn(weft_fn fn, void *arg, const weft_opts *opts) {
  int err;
  weft_co *co = sched_spawn(fn, arg, opts, NULL, NULL, 0, &err);
  return co ? co->id : err;
}

/* Look a coroutine up for join/detach, with the error for a missing one. */
static int lookup(weft_id id, weft_co **out) {
  if (id <= 0) return WEFT_ESRCH;
  *out = registry_get(id);
  if (*out) return 0;
  return id <= S.last_id ? WEFT_EJOINED : WEFT_ESRCH;
}

int weft_join(weft_id id, void **result) {
  weft_co *co;
  int err = sched_check();
  if (!err) err = lookup(id, &co);
  if (err) return err;
  if (co == S.current) return WEFT_EDEADLK;
  if (co->flags & WEFT_DETACHED) return WEFT_EJOINED;
  if (co->joiner) return WEFT_EBUSY;
  if (co->state != CO_DONE) {
    co->joiner = S.current;
    err = sched_block(&join_wait, co, INFINITY);
    co->joiner = NULL;
    if (err) return err;
  }
  if (result) *result = co->result;
  err = co->exit_err;
  reap(co);
  return err;
}

int weft_detach(weft_id id) {
  weft_co *co;
  int err = lookup(id, &co);
  if (err) return err;
  if (co->flags & WEFT_DETACHED) return WEFT_EJOINED;
  if (co->joiner) return WEFT_EBUSY;
  co->flags |= WEFT_DETACHED;
  if (co->state != CO_DONE) return 0;
  if (!fault_untaken(co)) reap(co);
  else if (S.current || S.in_tick) failing = co->id; /* no one will take its fault: at the tick's end */
  else fail_untaken(co);
  return 0;
}

int weft_exit(void *result) {
  if (!S.current) return WEFT_ENOTCO;
  S.current->result = result;
  S.current->flags |= CO_EXITING;
  return weft__suspend(); /* never resumed */
}

int weft_yield_host(void) {
  int err = sched_check();
  if (err) return err;
  co_queue_push(&S.host_wait, S.current);
  return sched_block(&turn_wait, NULL, INFINITY);
}

weft_id weft_self(void) { return S.current ? S.current->id : 0; }

/* The default name "co<id>" is written the first time someone asks. */
const char *co_name(weft_co *co) {
  if (!co->name[0]) snprintf(co->name, sizeof co->name, "co%d", co->id);
  return co->name;
}

const char *weft_name(weft_id id) {
  weft_co *co = id ? registry_get(id) : S.current;
  return co ? co_name(co) : NULL;
}

double weft_now(void) { return emscripten_get_now(); }

static void count_held(weft_co *co, void *ctx) {
  if (co->state != CO_DONE) *(size_t *)ctx += switch_held_bytes(co);
}

void weft_get_stats(weft_stats *out) {
  if (!out) return;
  *out = S.st;
  out->live = S.live;
  out->ready = S.ready.n;
  out->sleeping = timer_count() + S.forever;
  out->host_timers = timer_armed();
  out->host_ops = S.external;
  switch_stats(out);
  out->held_bytes = 0;
  registry_each(count_held, &out->held_bytes);
}

void weft_set_hook(weft_hook hook, void *ctx) {
  S.hook = hook;
  S.hook_ctx = hook ? ctx : NULL;
  S.watch = (uint8_t)((S.watch & ~WATCH_HOOK) | (hook ? WATCH_HOOK : 0));
}

_Static_assert(WEFT_ABI_TRACE_SPAWN == WEFT_EV_SPAWN && WEFT_ABI_TRACE_SUSPEND == WEFT_EV_SUSPEND &&
                   WEFT_ABI_TRACE_RESUME == WEFT_EV_RESUME && WEFT_ABI_TRACE_EXIT == WEFT_EV_EXIT,
               "abi.h's trace events are weft.h's WEFT_EV_*");

/* The host traces (1) or not (0): runtime/js/trace.mjs. */
EMSCRIPTEN_KEEPALIVE void weft__trace(int on) {
  S.watch = (uint8_t)((S.watch & ~WATCH_TRACE) | (on ? WATCH_TRACE : 0));
}

/* One event to the host's trace, with its words: a spawned coroutine's
 * name, what a suspended one waits for. */
static void trace_event(int ev, weft_co *co, int detail) {
  char buf[160];
  const char *text = NULL;
  if (ev == WEFT_ABI_TRACE_SPAWN) text = co_name(co);
  else if (ev == WEFT_ABI_TRACE_SUSPEND && co->wait) text = wait_describe(co, buf, sizeof buf);
  weft_host_trace(ev, co->id, detail, text);
}

/* The hook runs in the scheduler even for a spawn made by a coroutine:
 * nothing it calls may suspend that coroutine, whose stack the scheduler
 * does not own at that point. */
void sched_event(int ev, weft_co *co, int detail) {
  if (S.watch & WATCH_TRACE) trace_event(ev, co, detail);
  if (!S.hook || ev == WEFT_ABI_TRACE_WAKE) return;
  weft_co *running = S.current;
  S.current = NULL;
  S.hook(ev, co->id, detail, S.hook_ctx);
  S.current = running;
}

/* ---- cancellation and deadline scopes ----------------------------------- */

int weft_cancel(weft_id id) {
  weft_co *co;
  int err = lookup(id, &co);
  if (err) return err;
  if (co->state == CO_DONE || (co->flags & CO_CANCELLED)) return 0;
  co->flags |= CO_CANCELLED;
  /* A blocked call ends now; one that already completed (ready to resume
   * with its result, e.g. a granted lock) keeps it, and the next fails. */
  if (co->state == CO_BLOCKED) {
    sched_interrupt(co, WEFT_ECANCELED, &S.ready);
    tick_soon();
  }
  return 0;
}

/* Scopes nest: each knows its depth, and only the innermost may be exited
 * (restoring the deadline it replaced); any other exit is refused with
 * WEFT_EINVAL and changes nothing, so no stale deadline can come back. */
int weft_scope_enter(weft_scope *s, double ms) {
  if (!S.current) return WEFT_ENOTCO;
  if (!s || !(ms >= 0)) return WEFT_EINVAL;
  weft_co *co = S.current;
  s->owner = co->id;
  s->depth = ++co->scope_depth;
  s->outer = co->limit;
  s->at = weft_now() + ms;
  if (s->at < co->limit) co->limit = s->at;
  return 0;
}

int weft_scope_exit(weft_scope *s) {
  if (!S.current) return WEFT_ENOTCO;
  weft_co *co = S.current;
  if (!s || s->owner != co->id || s->depth != co->scope_depth || s->depth <= 0) return WEFT_EINVAL;
  co->limit = s->outer;
  co->scope_depth--;
  s->owner = 0;
  return weft_now() >= s->at;
}

/* ---- the end of the program ---------------------------------------------- */

/* Whether the end of the program stops this coroutine: main's code and
 * what it started, or (`all`, the program failed) every one. */
static bool stopping(const weft_co *co, bool all) { return all || !(co->flags & CO_JS_TREE); }

/* Stop one coroutine without running any more of its code, as exit() ends
 * threads: its wait is released (timer, host operation, place in a queue),
 * then it finishes as if cancelled, and is freed unless a coroutine that
 * goes on waits to join it. */
static void stop(weft_co *co, bool all) {
  weft_co *j = co->joiner;
  if (j && stopping(j, all)) { /* its joiner is stopped too: it waits no more */
    if (j->wait == &join_wait) {
      j->wait = NULL;
      j->wait_obj = NULL;
    }
    co->joiner = NULL;
  }
  if (co->state == CO_DONE) { /* finished, never joined */
    if (!co->joiner) reap(co);
    return;
  }
  sched_unlink(co, true);
  if (co->left) { /* woken, but it will not run to take what its wait left */
    co->left->release(co, co->wait_obj);
    co->left = NULL;
    co->wait_obj = NULL;
  }
  co->state = CO_BLOCKED; /* in no queue: nothing can wake it now */
  co->flags |= CO_STOPPED | CO_CANCELLED;
  co->exit_err = WEFT_ECANCELED;
  if (!co->joiner) co->flags |= WEFT_DETACHED;
  sched_finish(co);
}

typedef struct { weft_id *ids; uint32_t n, cap; bool all; } stop_set;

static void collect_stoppable(weft_co *co, void *arg) {
  stop_set *set = arg;
  if (!(co->flags & CO_MAIN) && stopping(co, set->all) && set->n < set->cap) set->ids[set->n++] = co->id;
}

/* Stop main's coroutines, or (`all`) every one. By id, since stopping one
 * can finish others (a group's, a generator's hooks run). */
static void stop_coroutines(bool all) {
  stop_set set = {NULL, 0, registry_count(), all};
  set.ids = malloc(sizeof *set.ids * (set.cap ? set.cap : 1));
  if (!set.ids) set.cap = 1; /* out of memory: one at a time, rescanning */
  weft_id one;
  if (!set.ids) set.ids = &one;
  do {
    set.n = 0;
    registry_each(collect_stoppable, &set);
    for (uint32_t i = 0; i < set.n; i++) {
      weft_co *co = registry_get(set.ids[i]);
      if (co && stopping(co, all)) stop(co, all);
    }
  } while (set.ids == &one && set.n);
  if (set.ids != &one) free(set.ids);
}

/* The program is over: every coroutine goes, main last. */
static void stop_all(void) {
  S.failed = true;
  stop_coroutines(true);
  weft_co *main = main_co();
  if (main) stop(main, true);
}

void sched_fail(int code, const char *msg) {
  if (S.failed) return;
  S.failed = true;
  fflush(stdout);
  fprintf(stderr, "%s%s", msg, msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
  weft_host_fatal(code, msg); /* first: the host rejects with this, not "cancelled" */
  stop_all();
}

static void fail_untaken(weft_co *co) {
  char msg[320];
  snprintf(msg, sizeof msg, "weft: coroutine #%d \"%s\" was stopped: %s%s", co->id, co_name(co),
           co->fault ? co->fault : weft_strerror(co->exit_err),
           (co->flags & CO_MAIN) ? "" : ", and nothing took its failure (no join, group or JS caller)");
  sched_fail(co->exit_err, msg);
}

typedef struct { weft_co *found; } untaken_ctx;
static void find_untaken(weft_co *co, void *arg) {
  untaken_ctx *u = arg;
  if (!u->found && co->state == CO_DONE && !(co->flags & (CO_JS_TREE | CO_MAIN)) && fault_untaken(co))
    u->found = co;
}

/* main returned (or called weft_exit, or was stopped by a fault). */
static void main_finished(weft_co *main) {
  if (main->exit_err && !(main->flags & CO_STOPPED)) {
    fail_untaken(main); /* run() takes it: it rejects */
    return;
  }
  if (S.failed) { /* stopped with the rest */
    if (!main->joiner) reap(main);
    return;
  }
  S.main_status = (int)(intptr_t)main->result;
  untaken_ctx u = {NULL};
  registry_each(find_untaken, &u); /* a fault left for a join that never came */
  if (u.found) {
    fail_untaken(u.found);
    return;
  }
  stop_coroutines(false);
  if (main->joiner) sched_wake(main->joiner, 0);
  else reap(main);
  fflush(stdout);
  weft_host_exit(S.main_status);
}

/* ---- the host tick ----------------------------------------------------- */

/* After a tick: what was printed goes out, and the host is asked for what
 * comes next; when nothing could ever run again, the program fails. */
static void hand_back(void) {
  fflush(stdout);
  weft_co *failed = failing ? registry_get(failing) : NULL;
  failing = 0;
  if (failed) fail_untaken(failed);
  if (S.failed) return;
  if (S.ready.n || S.host_wait.n) weft_host_wake();
  timer_sync_host();
  if (S.live && !S.ready.n && !S.host_wait.n && !timer_count() && !S.external)
    report_stuck("deadlock: %u coroutine(s) blocked, none can run and no host event is pending:");
}

/* Act on how a coroutine's run ended (switch_resume's result). */
static void ran(weft_co *co, switch_result r, const char *why) {
  S.current = NULL;
  if (r == SWITCH_SUSPENDED) {
    if (co->state == CO_RUNNING) { /* weft_yield */
      co->state = CO_READY;
      co_queue_push(&S.ready, co);
    }
    SCHED_EVENT(WEFT_EV_SUSPEND, co, co->wait ? co->wait->kind : WEFT_WAIT_YIELD);
    return;
  }
  if (why) report_fatal(co, co->exit_err, why);
  sched_finish(co);
}

/* Run one ready coroutine until it suspends or ends, and act on which.
 * False when it runs on from a promise job (JSPI): the tick pauses. */
static bool run(weft_co *co) {
  const char *why = (co->flags & CO_STARTED) ? switch_guard_broken(co) : NULL;
  if (why) {
    co->exit_err = WEFT_ESTACK;
    ran(co, SWITCH_FAULTED, why);
    return true;
  }
  SCHED_EVENT(WEFT_EV_RESUME, co, 0);
  S.current = co;
  co->state = CO_RUNNING;
  co->left = NULL; /* it runs: it takes what its wait left itself */
  co->wait_obj = NULL;
  S.st.switches++;
  switch_result r = switch_resume(co, &why);
  if (r == SWITCH_PENDING) {
    S.current = NULL; /* until it runs: JS may call in meanwhile */
    return false;
  }
  ran(co, r, why);
  return true;
}

/* The tick's loop state, kept across a pause (JSPI). */
static uint32_t tick_runs;
static double tick_slice_end;

/* After each run: every 128, due sleepers join the queue; true once the
 * slice is used up. */
static bool slice_over(void) {
  if ((++tick_runs & 127) != 0) return false;
  double now = weft_now();
  if (tick_slice_end == INFINITY) tick_slice_end = now + SLICE_MS;
  timer_fire_due(now);
  return now >= tick_slice_end;
}

static void tick_end(void) {
  S.in_tick = false;
  switch_end_tick();
  hand_back();
}

static void tick_loop(void) {
  for (;;) {
    weft_co *co = co_queue_pop(&S.ready);
    if (co == S.timed_tail) S.timed_tail = NULL; /* the last timer-woken one runs */
    if (!co) {
      if (timer_count() && timer_fire_due(weft_now())) continue;
      break;
    }
    if (!run(co)) return; /* paused: sched_resumed goes on */
    if (slice_over()) break;
  }
  tick_end();
}

void sched_resumed(weft_co *co, switch_result r, const char *why) {
  ran(co, r, why);
  if (!S.in_tick) return; /* the tick was abandoned meanwhile (exit(), a fault) */
  if (slice_over()) tick_end();
  else tick_loop();
}

/* Run ready coroutines until none is left or the slice is used up. The
 * host calls this on its immediate callback and when its timer fires. */
EMSCRIPTEN_KEEPALIVE void weft__tick(void) {
  if (S.in_tick || S.failed) return;
  S.in_tick = true;
  for (weft_co *co; (co = co_queue_pop(&S.host_wait));) make_ready(co, 0, &S.ready);
  /* The clock (a call out to JS) is read only when a deadline is pending
   * or the tick runs long: a tick that resumes a few coroutines after a
   * promise settled reads it not at all. The slice is timed from the
   * first reading. */
  double now = timer_count() ? weft_now() : INFINITY;
  tick_slice_end = now + SLICE_MS;
  tick_runs = 0;
  if (now != INFINITY) timer_fire_due(now);
  tick_loop();
}

/* The host's timer fired: it is no longer armed. */
EMSCRIPTEN_KEEPALIVE void weft__timer_fired(void) {
  timer_host_fired();
  weft__tick();
}

/* Where the host writes the message of an exception that escaped a
 * coroutine: the host must not call malloc while the stack pointer (and,
 * in -sSTACK_OVERFLOW_CHECK builds, the stack limits) are still the broken
 * coroutine's. */
static char recover_text[256];
EMSCRIPTEN_KEEPALIVE char *weft__recover_text(void) { return recover_text; }

static switch_fault fault; /* what switch_recover found */

/* Back on the scheduler's stack after a trap in `co`. An unwind that ran
 * past the scratch area over the scheduler's live frames (and maybe the
 * heap beyond) leaves nothing in memory to trust: the program stops at
 * once, loudly, without touching the heap again. Otherwise only the
 * coroutine is lost. */
static __attribute__((noinline)) void recovered(weft_co *co) {
  if (fault.overrun) {
    static char msg[400];
    snprintf(msg, sizeof msg,
             "weft: coroutine #%d \"%s\" did not fit the save area: its unwind ran %lu bytes past the scratch "
             "area, over the scheduler's stack%s; memory can no longer be trusted, so the program stops. "
             "Link with a larger main stack (-sTOTAL_STACK; weft-cc's default is 5MB)",
             co->id, co_name(co), fault.overrun, fault.into_heap ? " and into the heap" : "");
    S.failed = true;
    fputs(msg, stderr);
    fputc('\n', stderr);
    weft_host_fatal(WEFT_ESAVEAREA, msg);
    return;
  }
  co->exit_err = fault.err;
  report_fatal(co, fault.err, fault.what);
  sched_finish(co);
}

/* A JS exception or trap escaped a coroutine: stop it, keep the rest.
 * This and switch_recover() must have no stack frame of their own: its
 * epilogue would put back the stack pointer they move away from. */
EMSCRIPTEN_KEEPALIVE void weft__recover(int err, const char *what) {
  S.in_tick = false;
  weft_co *co = switch_recover(err, what, &fault);
  S.current = NULL;
  if (co) recovered(co);
}

EMSCRIPTEN_KEEPALIVE weft_id weft__current(void) { return weft_self(); }

/* The host's event loop has nothing left to do (Node's 'beforeExit') while
 * JS still waits for run() or a call: whatever those coroutines wait for
 * (a promise that never settles, a sleep with no end) can never come.
 * Returns 1 after reporting them, 0 if no coroutine lives. */
EMSCRIPTEN_KEEPALIVE int weft__stall(void) {
  if (S.failed || !S.live) return 0;
  report_stuck("stalled: the host's event loop has nothing left to do, and %u coroutine(s) wait:");
  return 1;
}

/* The host: C exit() left wasm by an exception (Emscripten's ExitStatus).
 * The program is over: the switch is put back in order, output flushed,
 * and every coroutine stopped, which releases what they held. */
EMSCRIPTEN_KEEPALIVE void weft__halt(void) {
  S.in_tick = false;
  switch_abandon();
  S.current = NULL;
  fflush(NULL);
  if (S.failed) return;
  stop_all();
  timer_sync_host();
}

/* ---- main as a coroutine ----------------------------------------------- */

/* main's coroutine runs main() through sched_main_call (kernel.h); its
 * function is this for the JSPI switch, while the Asyncify switch calls
 * sched_main_call from its own bottom frame. */
static bool have_main(void) { return weft__main_args || weft__main_void || weft__main_plain; }

static void *main_entry(void *unused) {
  (void)unused;
  return (void *)(intptr_t)sched_main_call();
}

/* Start the program: main(argc, argv) becomes coroutine #1. */
EMSCRIPTEN_KEEPALIVE int weft__boot(int argc, char **argv) {
  if (S.booted) return WEFT_EINVAL;
  if (!have_main()) return WEFT_ESRCH;
  S.main_argc = argc;
  S.main_argv = argv;
  S.in_tick = true; /* no wake request: we run the tick ourselves */
  int err;
  weft_co *co =
      sched_spawn(main_entry, NULL, &(weft_opts){.name = "main", .stack_size = MAIN_STACK}, NULL, NULL, 0, &err);
  S.in_tick = false;
  if (!co) return err;
  co->flags |= CO_MAIN;
  main_id = co->id;
  S.booted = true;
  weft__tick();
  return 0;
}
