/*
 * model.c — randomized model-based test: worker coroutines run random
 * sequences of spawn/yield/sleep/send/recv/select/close/cancel/deadline
 * operations on a few channels; every observable result is checked against
 * a reference model kept beside the runtime:
 *   - per channel, the values whose send succeeded and not yet received;
 *     a receive must return the oldest outstanding value of its sender
 *     (per-sender FIFO) and must see WEFT_ECLOSED only when the channel is
 *     closed and the model holds nothing for it;
 *   - send on a closed channel must give WEFT_EPIPE;
 *   - sleeps never wake early; WEFT_ETIMEDOUT never comes before the
 *     deadline; a cancelled coroutine's calls give WEFT_ECANCELED;
 *   - at the end every successfully sent value was received exactly once
 *     or is still buffered.
 * argv: seed, number of operations. Prints one summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

#define NCHAN 4
#define MAXW 64
#define MAXV (1 << 20)

static uint32_t rng;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng % n;
}

static weft_chan *chans[NCHAN];
static int closed[NCHAN];
static long ops_left, ops_done, violations, sent_ok, received, epipe, eclosed, cancels, timeouts;

/* The model: per channel and sender, the sequence numbers sent and not yet
 * received (a ring per pair is enough: receives take the oldest). */
typedef struct { int *seq; int head, tail, cap; } fifo;
static fifo model[NCHAN][MAXW];
static int next_seq[MAXW];
static int cancelled[MAXW];
static int sending_on[MAXW]; /* channel + 1 while the worker is inside a send */

static void fifo_push(fifo *f, int v) {
  if (f->tail - f->head == f->cap) {
    int ncap = f->cap ? f->cap * 2 : 16;
    int *n = malloc(sizeof *n * (size_t)ncap);
    for (int i = f->head; i < f->tail; i++) n[i - f->head] = f->seq[i % f->cap];
    free(f->seq);
    f->seq = n;
    f->tail -= f->head;
    f->head = 0;
    f->cap = ncap;
  }
  f->seq[f->tail++ % f->cap] = v;
}

/* Values the model holds for channel c, not counting the one a sender
 * still blocked in send has in flight (close fails that send). */
static long model_count(int c) {
  long n = 0;
  for (int w = 0; w < MAXW; w++) n += model[c][w].tail - model[c][w].head - (sending_on[w] == c + 1);
  return n;
}

static void violation(const char *what, long a, long b) {
  if (violations++ < 10) printf("VIOLATION: %s (%ld, %ld)\n", what, a, b);
}

/* Receivers record a value when they run again, which may be after other
 * receivers recorded later values of the same sender: the order a sender's
 * values reach ONE receiver must increase, and each value is received once. */
static int last_seq[MAXW][NCHAN][MAXW];
static int receiving_on[MAXW]; /* channel mask + 1 while inside a receive */

static int fifo_take(fifo *f, int seq) {
  for (int i = f->head; i < f->tail; i++)
    if (f->seq[i % f->cap] == seq) {
      for (int j = i; j > f->head; j--) f->seq[j % f->cap] = f->seq[(j - 1) % f->cap];
      f->head++;
      return 1;
    }
  return 0;
}

static void check_received(int me, int c, int v) {
  int w = v >> 20, seq = v & (MAXV - 1);
  if (w >= MAXW || !fifo_take(&model[c][w], seq)) return violation("received a value not outstanding", c, v);
  if (me >= 0) {
    if (seq < last_seq[me][c][w]) violation("a receiver got a sender's values out of order", last_seq[me][c][w], seq);
    last_seq[me][c][w] = seq + 1;
  }
  received++;
}

/* Receivers that may hold a delivered value they have not recorded yet. */
static int unrecorded_possible(int c, int me) {
  int n = 0;
  for (int w = 0; w < MAXW; w++)
    if (w != me && (receiving_on[w] & (1 << c))) n++;
  return n;
}

static void check_rc(int me, int rc, double t0, double deadline) {
  if (rc == WEFT_ECANCELED && !cancelled[me]) violation("cancelled without weft_cancel", me, rc);
  /* A wait that ended before the cancel (done, or timed out) keeps its outcome. */
  if (cancelled[me] && rc != WEFT_ECANCELED && rc != 0 && rc != WEFT_ETIMEDOUT)
    violation("call after cancel failed otherwise", me, rc);
  if (rc == WEFT_ETIMEDOUT) {
    timeouts++;
    if (weft_now() < deadline) violation("timed out before its deadline", (long)(weft_now() - t0), (long)(deadline - t0));
  }
}

static weft_id ids[MAXW];
static int nworkers;
static unsigned features = 15; /* argv[3]: 1 scopes, 2 close, 4 cancel, 8 select */

static void *worker(void *arg) {
  int me = (int)(intptr_t)arg;
  while (ops_left > 0) {
    ops_left--;
    ops_done++;
    int c = (int)rnd(NCHAN), rc;
    double t0 = weft_now(), deadline = 1e300;
    weft_scope scope;
    int scoped = (features & 1) && rnd(8) == 0;
    if (scoped) {
      double ms = rnd(4);
      weft_scope_enter(&scope, ms);
      deadline = t0 + ms;
    }
    switch (rnd(10)) {
    case 0: /* yield */
      rc = weft_yield();
      check_rc(me, rc, t0, deadline);
      break;
    case 1: { /* sleep */
      double ms = rnd(3);
      rc = weft_sleep(ms);
      check_rc(me, rc, t0, deadline);
      if (rc == 0 && weft_now() - t0 < ms) violation("woke early", (long)((weft_now() - t0) * 1000), (long)ms);
      break;
    }
    case 2: case 3: case 4: { /* send */
      int seq = next_seq[me]++ & (MAXV - 1), v = (me << 20) | seq;
      int was_closed = closed[c];
      /* Record first: a receiver may take it before this call returns. */
      fifo_push(&model[c][me], seq);
      sending_on[me] = c + 1;
      rc = weft_chan_send(chans[c], &v);
      sending_on[me] = 0;
      if (rc == 0) {
        sent_ok++;
      } else {
        fifo *f = &model[c][me]; /* not delivered: withdraw it (it is the newest of ours) */
        if (!fifo_take(f, seq)) violation("a failed send's value was received", rc, seq);
        if (rc == WEFT_EPIPE) epipe++;
        else check_rc(me, rc, t0, deadline);
        if (rc == WEFT_EPIPE && !closed[c]) violation("EPIPE on an open channel", c, 0);
      }
      if (was_closed && rc == 0) violation("send succeeded on a closed channel", c, v);
      break;
    }
    case 5: case 6: case 7: { /* receive, plain or by select */
      int v = -1, k = c;
      receiving_on[me] = 1 << c;
      if (!(features & 8) || rnd(2)) {
        rc = weft_chan_recv(chans[c], &v);
      } else {
        int vs[NCHAN];
        weft_case cs[NCHAN];
        for (int i = 0; i < NCHAN; i++) cs[i] = (weft_case){chans[i], WEFT_RECV, &vs[i], 0};
        receiving_on[me] = (1 << NCHAN) - 1;
        double timeout = rnd(3) == 0 ? 0 : rnd(2) ? -1 : 1 + rnd(3);
        if (timeout > 0 && t0 + timeout < deadline) deadline = t0 + timeout;
        rc = weft_select(cs, NCHAN, timeout);
        if (rc >= 0) {
          k = rc;
          v = vs[rc];
          rc = cs[rc].result;
        } else if (rc == WEFT_EAGAIN) {
          receiving_on[me] = 0;
          break;
        }
      }
      receiving_on[me] = 0;
      if (rc == 0) check_received(me, k, v);
      else if (rc == WEFT_ECLOSED) {
        eclosed++;
        if (!closed[k] || model_count(k) > unrecorded_possible(k, me))
          violation("ECLOSED with values outstanding", k, model_count(k));
      } else {
        check_rc(me, rc, t0, deadline);
      }
      break;
    }
    case 8: /* close, rarely */
      if ((features & 2) && rnd(1500) == 0 && !closed[c]) {
        closed[c] = 1;
        if (weft_chan_close(chans[c])) violation("close failed", c, 0);
      }
      break;
    case 9: /* cancel someone, rarely */
      if ((features & 4) && rnd(60) == 0) {
        int victim = (int)rnd((uint32_t)nworkers);
        if (victim != me && !cancelled[victim]) {
          cancelled[victim] = 1;
          cancels++;
          weft_cancel(ids[victim]);
        }
      }
      break;
    }
    if (scoped) weft_scope_exit(&scope);
    if (cancelled[me]) { /* every later suspending call must fail */
      int a = weft_yield(), b = weft_sleep(1), v2 = 0, d = weft_chan_send(chans[c], &v2);
      if (a != WEFT_ECANCELED || b != WEFT_ECANCELED || d != WEFT_ECANCELED)
        violation("a call after weft_cancel did not fail", a, b);
      break;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  rng = (argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1) * 2654435761u + 0x9e3779b9u;
  if (!rng) rng = 1;
  long total = argc > 2 ? atol(argv[2]) : 20000;
  ops_left = total;
  if (argc > 3) features = (unsigned)atoi(argv[3]);
  for (int i = 0; i < NCHAN; i++) chans[i] = weft_chan_new(sizeof(int), rnd(2) ? 0 : 1 + rnd(4));
  nworkers = 24;
  for (int i = 0; i < nworkers; i++)
    ids[i] = weft_spawn(worker, (void *)(intptr_t)i, &(weft_opts){.flags = rnd(2) ? WEFT_COMPACT : 0});
  /* Workers blocked forever on channels nobody will use again are released
   * by closing everything at the end (the model drains what is buffered). */
  for (long before = -1; ops_left > 0 && ops_done != before;) { /* until done or stuck */
    before = ops_done;
    weft_sleep(20);
  }
  for (int c = 0; c < NCHAN; c++)
    if (!closed[c]) {
      closed[c] = 1;
      weft_chan_close(chans[c]);
    }
  for (int i = 0; i < nworkers; i++) weft_join(ids[i], NULL);
  long left = 0;
  for (int c = 0; c < NCHAN; c++) {
    int v;
    while (weft_chan_recv(chans[c], &v) == 0) check_received(-1, c, v);
    left += model_count(c);
  }
  if (left) violation("values sent but never received", left, 0);
  printf("model ops=%ld sent=%ld received=%ld epipe=%ld eclosed=%ld cancels=%ld timeouts=%ld violations=%ld\n",
         ops_done, sent_ok, received, epipe, eclosed, cancels, timeouts, violations);
  return violations ? 1 : 0;
}
