/*
 * sync.c — mutex, counting semaphore, event and wait group. Each starts
 * with a sync_q, a FIFO of blocked coroutines (linked through the
 * coroutine's own list node, since a coroutine waits on one thing at a
 * time). Releases hand over directly to the first waiter, so service is in
 * arrival order. A hand-over completes the wait: a coroutine cancelled
 * after it keeps what it was given and fails at its next suspending call.
 * A woken coroutine does not read the object again, so it may be freed
 * before the coroutine resumes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib.h"

/* The wait: in the object's queue until a release hands it over. */
static void abort_sync(weft_co *co, void *q, bool final) { co_queue_remove(&((sync_q *)q)->q, co); }

static void describe_sync(const weft_co *co, const void *q, char *buf, size_t n) {
  snprintf(buf, n, "%s %p", ((const sync_q *)q)->kind, q);
}

const weft_wait_ops sync_wait_ops = {WEFT_WAIT_SYNC, false, WEFT_ETIMEDOUT, abort_sync, describe_sync};

void sync_wake(sync_q *s, int value) { sched_wake(co_queue_pop(&s->q), value); }

/* Free a synchronization object nobody holds or waits on. */
static int free_idle(void *obj, const sync_q *q, int held) {
  if (!obj) return WEFT_EINVAL;
  if (held || q->q.n) return WEFT_EBUSY;
  free(obj);
  return 0;
}

/* ---- mutex -------------------------------------------------------------------
 * The holder is kept by id, not by control block: a block is reused by a
 * later coroutine, which must not look like the holder. A holder that
 * exits without unlocking leaves the mutex locked for good (only it may
 * unlock): a lock then fails at once with WEFT_EDEADLK, the wait could
 * never end, and the mutex may be freed. */

struct weft_mutex {
  sync_q waiters;
  weft_id owner;   /* 0: unlocked */
  char what[56];   /* the waiters' description: "mutex held by #4 "name" at" */
};

weft_mutex *weft_mutex_new(void) {
  weft_mutex *m = calloc(1, sizeof *m);
  if (m) m->waiters.kind = strcpy(m->what, "mutex");
  return m;
}

/* The holder finished (or was stopped) without unlocking. */
static bool holder_gone(const weft_mutex *m) { return !co_alive(m->owner); }

/* Name the holder for the deadlock report and weft_list. */
static void describe_holder(weft_mutex *m) {
  const char *name = weft_name(m->owner);
  snprintf(m->what, sizeof m->what, "mutex held by #%d \"%s\" at", m->owner, name ? name : "?");
}

int weft_mutex_lock(weft_mutex *m) {
  int err = sched_check();
  if (err) return err;
  if (!m) return WEFT_EINVAL;
  weft_id self = weft_self();
  if (m->owner == self) return WEFT_EDEADLK;
  if (!m->owner) {
    m->owner = self;
    return 0;
  }
  if (holder_gone(m)) {
    while (m->waiters.q.n) sync_wake(&m->waiters, WEFT_EDEADLK); /* queued before it left */
    return WEFT_EDEADLK;
  }
  describe_holder(m);
  return sync_wait(&m->waiters); /* 0: unlock handed it to us */
}

int weft_mutex_unlock(weft_mutex *m) {
  if (!m || !weft_self() || m->owner != weft_self()) return WEFT_EINVAL;
  weft_co *next = m->waiters.q.head; /* straight to the first waiter */
  m->owner = next ? co_id(next) : 0;
  if (next) {
    sync_wake(&m->waiters, 0);
    if (m->waiters.q.n) describe_holder(m);
  }
  return 0;
}

int weft_mutex_free(weft_mutex *m) {
  return m ? free_idle(m, &m->waiters, m->owner && !holder_gone(m)) : WEFT_EINVAL;
}

/* ---- semaphore --------------------------------------------------------------- */

struct weft_sem { sync_q waiters; int count; };

weft_sem *weft_sem_new(int count) {
  if (count < 0) return NULL;
  weft_sem *s = calloc(1, sizeof *s);
  if (s) {
    s->count = count;
    s->waiters.kind = "semaphore";
  }
  return s;
}

int weft_sem_acquire(weft_sem *s) {
  int err = sched_check();
  if (err) return err;
  if (!s) return WEFT_EINVAL;
  if (s->count > 0 && !s->waiters.q.n) {
    s->count--;
    return 0;
  }
  return sync_wait(&s->waiters);
}

int weft_sem_release(weft_sem *s) {
  if (!s) return WEFT_EINVAL;
  if (s->waiters.q.n) sync_wake(&s->waiters, 0); /* the unit goes to the first waiter */
  else if (s->count == INT_MAX) return WEFT_EINVAL; /* the count would overflow */
  else s->count++;
  return 0;
}

int weft_sem_free(weft_sem *s) { return s ? free_idle(s, &s->waiters, 0) : WEFT_EINVAL; }

/* ---- event --------------------------------------------------------------------- */

struct weft_event { sync_q waiters; int set; };

weft_event *weft_event_new(void) {
  weft_event *e = calloc(1, sizeof *e);
  if (e) e->waiters.kind = "event";
  return e;
}

int weft_event_set(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  e->set = 1;
  while (e->waiters.q.n) sync_wake(&e->waiters, 0);
  return 0;
}

int weft_event_clear(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  e->set = 0;
  return 0;
}

int weft_event_wait(weft_event *e) {
  int err = sched_check();
  if (err) return err;
  if (!e) return WEFT_EINVAL;
  return e->set ? 0 : sync_wait(&e->waiters);
}

int weft_event_free(weft_event *e) { return e ? free_idle(e, &e->waiters, 0) : WEFT_EINVAL; }

/* ---- wait group ------------------------------------------------------------------ */

struct weft_waitgroup { sync_q waiters; int count; };

weft_waitgroup *weft_waitgroup_new(void) {
  weft_waitgroup *w = calloc(1, sizeof *w);
  if (w) w->waiters.kind = "wait group";
  return w;
}

int weft_waitgroup_add(weft_waitgroup *w, int n) {
  int count;
  if (!w || __builtin_add_overflow(w->count, n, &count) || count < 0) return WEFT_EINVAL;
  w->count = count;
  if (w->count == 0)
    while (w->waiters.q.n) sync_wake(&w->waiters, 0);
  return 0;
}

int weft_waitgroup_done(weft_waitgroup *w) { return weft_waitgroup_add(w, -1); }

int weft_waitgroup_wait(weft_waitgroup *w) {
  int err = sched_check();
  if (err) return err;
  if (!w) return WEFT_EINVAL;
  return w->count == 0 ? 0 : sync_wait(&w->waiters);
}

int weft_waitgroup_free(weft_waitgroup *w) { return w ? free_idle(w, &w->waiters, 0) : WEFT_EINVAL; }
