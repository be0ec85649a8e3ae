/*
 * group.c — structured groups (nurseries): children are spawned into a
 * group, the group's owner waits for all of them, and the first failure
 * cancels the siblings and is what the wait returns. Children report
 * through their exit hook, however they end.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include "lib.h"

struct weft_group {
  sync_q waiter;      /* the coroutines blocked in weft_group_wait */
  weft_id *children;  /* live children */
  int live, cap;
  int first_error;
  int waiting;        /* in weft_group_wait, blocked or woken: it reads g until it returns */
};

weft_group *weft_group_new(void) {
  weft_group *g = calloc(1, sizeof *g);
  if (g) g->waiter.kind = "group";
  return g;
}

/* The group takes every child's failure: the first is what its wait returns. */
static bool child_exited(void *ctx, weft_id id, int exit_err, void *result) {
  weft_group *g = ctx;
  intptr_t rc = (intptr_t)result;
  int err = exit_err ? exit_err : rc < 0 && rc >= -1000 ? (int)rc : 0;
  for (int i = 0; i < g->live; i++)
    if (g->children[i] == id) {
      g->children[i] = g->children[--g->live];
      break;
    }
  if (err && !g->first_error && err != WEFT_ECANCELED) {
    g->first_error = err;
    weft_group_cancel(g);
  }
  if (!g->live)
    while (g->waiter.q.n) sync_wake(&g->waiter, 0); /* every waiter, not just the first */
  return true;
}

weft_id weft_group_spawn(weft_group *g, weft_fn fn, void *arg, const weft_opts *opts) {
  if (!g) return WEFT_EINVAL;
  if (g->live == g->cap) {
    if (g->cap > INT_MAX / 2) return WEFT_ENOMEM; /* the count would wrap */
    int cap = g->cap ? g->cap * 2 : 8;
    size_t bytes;
    if (__builtin_mul_overflow(sizeof *g->children, (size_t)cap, &bytes)) return WEFT_ENOMEM;
    weft_id *c = realloc(g->children, bytes);
    if (!c) return WEFT_ENOMEM;
    g->children = c;
    g->cap = cap;
  }
  weft_opts o = opts ? *opts : (weft_opts){0};
  o.flags |= WEFT_DETACHED;
  int err;
  weft_co *co = sched_spawn(fn, arg, &o, child_exited, g, 0, &err);
  if (!co) return err;
  weft_id id = co_id(co);
  g->children[g->live++] = id;
  if (g->first_error) weft_cancel(id); /* the group is already failing */
  return id;
}

int weft_group_cancel(weft_group *g) {
  if (!g) return WEFT_EINVAL;
  for (int i = 0; i < g->live; i++) weft_cancel(g->children[i]);
  return 0;
}

/* Wait for every child. Cancelled or past its deadline, the owner cancels
 * the children and still waits for them (without the deadline), so no
 * child outlives the group; then it reports why it was interrupted. */
int weft_group_wait(weft_group *g) {
  if (!g) return WEFT_EINVAL;
  if (!sched_current()) return WEFT_ENOTCO;
  if (sched_owner(child_exited) == g) return WEFT_EDEADLK; /* a child would wait for itself */
  double limit = NAN; /* the deadline it put aside, once stopped */
  g->waiting++;
  int stopped = 0;
  while (g->live) {
    if (!stopped) {
      int why = sched_check();
      if (why == WEFT_ECANCELED || why == WEFT_ETIMEDOUT) stopped = why;
    }
    if (stopped) {
      weft_group_cancel(g);
      if (limit != limit) limit = sched_set_limit(INFINITY);
    }
    int r = sync_wait(&g->waiter);
    if (r < 0 && !stopped) stopped = r;
  }
  if (limit == limit) sched_set_limit(limit);
  g->waiting--;
  return g->first_error ? g->first_error : stopped;
}

int weft_group_free(weft_group *g) {
  if (!g) return WEFT_EINVAL;
  if (g->live || g->waiting) return WEFT_EBUSY;
  free(g->children);
  free(g);
  return 0;
}
