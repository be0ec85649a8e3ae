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
  SHOW("bad case", weft_select(&(weft_case){NULL, WEFT_RECV, &va, 0}, 1, -1));
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

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  if (!strcmp(t, "channels")) return channels();
  if (!strcmp(t, "select")) return selects();
  if (!strcmp(t, "generators")) return generators();
  printf("unknown scenario '%s'\n", t);
  return 2;
}
