/*
 * toolkit.c — channels, select and generators, one scenario per argv[1];
 * wasm-tests/toolkit.test.mjs checks what each prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

#define SHOW(label, expr) printf("%s = %s\n", label, weft_strerror(expr))

/* ---- channels ------------------------------------------------------------ */

typedef struct { int seq; char text[20]; } msg;

static void *producer(void *arg) {
  weft_chan *ch = arg;
  msg m; /* one buffer, reused at once after every send: values are copied */
  for (int i = 0; i < 5; i++) {
    m.seq = i;
    snprintf(m.text, sizeof m.text, "item %d", i);
    weft_chan_send(ch, &m);
    memset(&m, 0xff, sizeof m);
  }
  weft_chan_close(ch);
  return NULL;
}

static void *blocked_receiver(void *arg) {
  msg m;
  return (void *)(intptr_t)weft_chan_recv(arg, &m);
}

static void *blocked_sender(void *arg) {
  msg m = {0};
  return (void *)(intptr_t)weft_chan_send(arg, &m);
}

static int channels(void) {
  for (size_t cap = 0; cap <= 3; cap += 3) {
    weft_chan *ch = weft_chan_new(sizeof(msg), cap);
    weft_id p = weft_spawn(producer, ch, NULL);
    msg m;
    int rc;
    printf("cap %zu:", cap);
    while ((rc = weft_chan_recv(ch, &m)) == 0) printf(" [%d %s]", m.seq, m.text);
    printf(" then %s\n", weft_strerror(rc));
    weft_join(p, NULL);
    SHOW("send on closed", weft_chan_send(ch, &m));
    SHOW("close again", weft_chan_close(ch));
    SHOW("free", weft_chan_free(ch));
  }
  /* Buffered items outlive close; waiters are woken by it. */
  weft_chan *ch = weft_chan_new(sizeof(int), 2);
  int one = 1, two = 2, got = 0;
  weft_chan_send(ch, &one);
  weft_chan_send(ch, &two);
  weft_chan_close(ch);
  weft_chan_recv(ch, &got);
  printf("drain %d", got);
  weft_chan_recv(ch, &got);
  printf(" %d then %s\n", got, weft_strerror(weft_chan_recv(ch, &got)));
  weft_chan_free(ch);

  weft_chan *rv = weft_chan_new(sizeof(msg), 0), *sv = weft_chan_new(sizeof(msg), 0);
  weft_id r = weft_spawn(blocked_receiver, rv, NULL), s = weft_spawn(blocked_sender, sv, NULL);
  weft_yield();
  SHOW("free while waited on", weft_chan_free(rv));
  weft_chan_close(rv);
  weft_chan_close(sv);
  void *rr, *sr;
  weft_join(r, &rr);
  weft_join(s, &sr);
  printf("woken by close: receiver %s, sender %s\n", weft_strerror((int)(intptr_t)rr), weft_strerror((int)(intptr_t)sr));
  weft_chan_free(rv);
  weft_chan_free(sv);
  printf("bad: new(0)=%d new(huge)=%d send(NULL)=%s\n", weft_chan_new(0, 1) == NULL,
         weft_chan_new(1u << 30, 1) == NULL, weft_strerror(weft_chan_send(NULL, &got)));
  return 0;
}

/* ---- select ------------------------------------------------------------------ */

static void *send_later(void *arg) {
  weft_sleep(20);
  int v = 42;
  weft_chan_send(arg, &v);
  return NULL;
}

static int selects(void) {
  weft_chan *a = weft_chan_new(sizeof(int), 4000), *b = weft_chan_new(sizeof(int), 4000);
  for (int i = 0; i < 2000; i++) {
    weft_chan_send(a, &i);
    weft_chan_send(b, &i);
  }
  int va, vb, picks[2] = {0, 0};
  for (int i = 0; i < 2000; i++) {
    weft_case cs[2] = {{a, WEFT_RECV, &va, 0}, {b, WEFT_RECV, &vb, 0}};
    int k = weft_select(cs, 2, -1);
    if (k >= 0) picks[k]++;
  }
  printf("fair: both picked often: %d\n", picks[0] > 800 && picks[1] > 800);

  weft_chan *empty = weft_chan_new(sizeof(int), 0);
  weft_case c1 = {empty, WEFT_RECV, &va, 0};
  SHOW("nothing ready, no wait", weft_select(&c1, 1, 0));
  double t0 = weft_now();
  int rc = weft_select(&c1, 1, 30);
  printf("timeout = %s after>=30:%d\n", weft_strerror(rc), weft_now() - t0 >= 30);

  weft_id later = weft_spawn(send_later, empty, NULL);
  int full = 0;
  weft_chan *fullc = weft_chan_new(sizeof(int), 1);
  weft_chan_send(fullc, &full);
  weft_case mix[2] = {{fullc, WEFT_SEND, &full, 0}, {empty, WEFT_RECV, &va, 0}};
  rc = weft_select(mix, 2, -1);
  printf("blocked select: case %d result %s value %d\n", rc, weft_strerror(mix[rc].result), va);
  weft_join(later, NULL);
  SHOW("bad case", weft_select(&(weft_case){empty, 0, &va, 0}, 1, -1));
  /* A NULL channel disables its case (Go's nil channel): never ready. */
  SHOW("nil channel, no wait", weft_select(&(weft_case){NULL, WEFT_RECV, &va, 0}, 1, 0));
  weft_chan_free(a);
  weft_chan_free(b);
  weft_chan_free(empty);
  weft_chan_free(fullc);
  return 0;
}

/* ---- generators ------------------------------------------------------------- */

static int producer_cleaned;
static void *naturals(void *arg) {
  for (int i = 0;; i++) {
    int rc = weft_gen_yield(&i);
    if (rc) {
      printf("producer stopped by: %s\n", weft_strerror(rc));
      break;
    }
  }
  producer_cleaned = 1;
  return NULL;
}

static int generators(void) {
  weft_gen *g = weft_gen_new(naturals, NULL, sizeof(int));
  int v, sum = 0;
  for (int i = 0; i < 3 && weft_gen_next(g, &v) == 0; i++) sum += v;
  printf("took 0+1+2 = %d\n", sum);
  weft_gen_free(g); /* early: the producer is cancelled */
  weft_sleep(1);
  weft_stats st;
  weft_get_stats(&st);
  printf("producer cleaned up: %d, live: %u\n", producer_cleaned, st.live);
  SHOW("yield outside a producer", weft_gen_yield(&v));
  return 0;
}

/* ---- synchronization ------------------------------------------------------------ */

static weft_mutex *mu;
static char order[64];
static int holders, max_holders, counter;

static void *locker(void *arg) {
  if (weft_mutex_lock(mu)) return NULL;
  holders++;
  if (holders > max_holders) max_holders = holders;
  if ((intptr_t)arg >= 0) { /* -1: contention run, order not recorded */
    char c[4];
    snprintf(c, sizeof c, "%d", (int)(intptr_t)arg);
    strcat(order, c);
  }
  int v = counter;
  weft_yield(); /* others run while this one holds the lock */
  counter = v + 1;
  holders--;
  weft_mutex_unlock(mu);
  return NULL;
}

static weft_sem *sem;
static void *sem_user(void *arg) {
  weft_sem_acquire(sem);
  holders++;
  if (holders > max_holders) max_holders = holders;
  weft_sleep(3);
  holders--;
  weft_sem_release(sem);
  return NULL;
}

static weft_event *ev;
static int woke;
static void *event_waiter(void *arg) {
  if (weft_event_wait(ev) == 0) woke++;
  return NULL;
}

static weft_waitgroup *wg;
static void *wg_worker(void *arg) {
  weft_sleep((double)(intptr_t)arg);
  woke++;
  weft_waitgroup_done(wg);
  return NULL;
}

static void join_all(weft_id *ids, int n) {
  for (int i = 0; i < n; i++) weft_join(ids[i], NULL);
}

static int sync_prims(void) {
  weft_id ids[200];
  mu = weft_mutex_new();
  weft_mutex_lock(mu);
  for (int i = 0; i < 5; i++) ids[i] = weft_spawn(locker, (void *)(intptr_t)i, NULL);
  weft_yield();
  SHOW("lock twice", weft_mutex_lock(mu));
  SHOW("free while held", weft_mutex_free(mu));
  weft_mutex_unlock(mu);
  join_all(ids, 5);
  printf("mutex order %s\n", order);
  counter = max_holders = 0;
  for (int i = 0; i < 200; i++) ids[i] = weft_spawn(locker, (void *)-1, NULL);
  join_all(ids, 200);
  printf("mutex counter=%d max_holders=%d\n", counter, max_holders);
  SHOW("unlock not held", weft_mutex_unlock(mu));

  /* A cancelled waiter leaves the queue; the next one gets the lock. */
  order[0] = 0;
  weft_mutex_lock(mu);
  for (int i = 0; i < 3; i++) ids[i] = weft_spawn(locker, (void *)(intptr_t)i, NULL);
  weft_yield();
  weft_cancel(ids[1]);
  weft_mutex_unlock(mu);
  join_all(ids, 3);
  printf("after cancelling waiter 1: order %s\n", order);
  SHOW("free", weft_mutex_free(mu));

  sem = weft_sem_new(2);
  max_holders = holders = 0;
  for (int i = 0; i < 6; i++) ids[i] = weft_spawn(sem_user, NULL, NULL);
  join_all(ids, 6);
  printf("semaphore max holders=%d\n", max_holders);
  weft_sem_free(sem);

  ev = weft_event_new();
  for (int i = 0; i < 3; i++) ids[i] = weft_spawn(event_waiter, NULL, NULL);
  weft_yield();
  printf("before set woke=%d\n", woke);
  weft_event_set(ev);
  join_all(ids, 3);
  printf("after set woke=%d\n", woke);
  SHOW("wait on a set event", weft_event_wait(ev));
  weft_event_clear(ev);
  weft_scope sc;
  weft_scope_enter(&sc, 10);
  SHOW("wait on a cleared event", weft_event_wait(ev));
  weft_scope_exit(&sc);
  weft_event_free(ev);

  wg = weft_waitgroup_new();
  woke = 0;
  weft_waitgroup_add(wg, 3);
  for (int i = 0; i < 3; i++) ids[i] = weft_spawn(wg_worker, (void *)(intptr_t)(5 * i), NULL);
  weft_waitgroup_wait(wg);
  printf("wait group done after %d workers\n", woke);
  SHOW("add below zero", weft_waitgroup_add(wg, -5));
  join_all(ids, 3);
  weft_waitgroup_free(wg);
  return 0;
}

/* ---- structured groups -------------------------------------------------------- */

static int child_cleanups;
static void *child_ok(void *arg) {
  weft_sleep((double)(intptr_t)arg);
  return (void *)0;
}
static void *child_sleeps_long(void *arg) {
  int rc = weft_sleep(10000);
  child_cleanups++;
  return (void *)(intptr_t)rc;
}
static void *child_fails(void *arg) {
  weft_sleep(10);
  return (void *)(intptr_t)WEFT_EINVAL;
}

static int groups(void) {
  weft_group *g = weft_group_new();
  for (int i = 0; i < 5; i++) weft_group_spawn(g, child_ok, (void *)(intptr_t)i, NULL);
  SHOW("all succeed", weft_group_wait(g));
  weft_group_free(g);

  g = weft_group_new();
  for (int i = 0; i < 3; i++) weft_group_spawn(g, child_sleeps_long, NULL, NULL);
  weft_group_spawn(g, child_fails, NULL, NULL);
  SHOW("free while children live", weft_group_free(g));
  double t0 = weft_now();
  SHOW("first failure", weft_group_wait(g));
  printf("siblings cancelled and cleaned up: %d, quickly: %d\n", child_cleanups, weft_now() - t0 < 1000);
  SHOW("free", weft_group_free(g));

  g = weft_group_new();
  child_cleanups = 0;
  for (int i = 0; i < 2; i++) weft_group_spawn(g, child_sleeps_long, NULL, NULL);
  weft_scope sc;
  weft_scope_enter(&sc, 20);
  SHOW("wait past the deadline", weft_group_wait(g));
  weft_scope_exit(&sc);
  weft_stats st;
  weft_get_stats(&st);
  printf("children waited for: cleanups=%d live=%u\n", child_cleanups, st.live);
  weft_group_free(g);
  return 0;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  if (!strcmp(t, "channels")) return channels();
  if (!strcmp(t, "select")) return selects();
  if (!strcmp(t, "generators")) return generators();
  if (!strcmp(t, "sync")) return sync_prims();
  if (!strcmp(t, "groups")) return groups();
  printf("unknown scenario '%s'\n", t);
  return 2;
}
