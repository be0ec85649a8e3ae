/*
 * demo.c — the program the demo page runs: coroutines that sleep-sort a few
 * numbers (each waits on its own stack while the page stays live), then a
 * ping-pong that measures the switch cost in this browser.
 */
#include <stdio.h>
#include "weft.h"

static void *sorter(void *arg) {
  int v = (int)(intptr_t)arg;
  char label[24]; /* an address-taken local, kept across the sleep */
  snprintf(label, sizeof label, "value %d", v);
  weft_sleep(v * 120.0);
  printf("%s woke after %d ms (coroutine #%d \"%s\")\n", label, v * 120, weft_self(), weft_name(0));
  return arg;
}

static long rounds;
static void *pinger(void *arg) {
  for (long i = 0; i < rounds; i++) weft_yield();
  return NULL;
}

int main(void) {
  int values[] = {5, 3, 9, 1, 7, 2, 8, 4, 6};
  enum { N = sizeof values / sizeof values[0] };
  weft_id ids[N];
  puts("sleep sort: 9 coroutines, each sleeping for its value x 120 ms");
  for (int i = 0; i < N; i++) {
    char name[16];
    snprintf(name, sizeof name, "sorter-%d", values[i]);
    ids[i] = weft_spawn(sorter, (void *)(intptr_t)values[i], &(weft_opts){.name = name});
  }
  for (int i = 0; i < N; i++) weft_join(ids[i], NULL);

  rounds = 500000;
  weft_stats a, b;
  weft_get_stats(&a);
  double t0 = weft_now();
  weft_id x = weft_spawn(pinger, NULL, NULL), y = weft_spawn(pinger, NULL, NULL);
  weft_join(x, NULL);
  weft_join(y, NULL);
  double ms = weft_now() - t0;
  weft_get_stats(&b);
  printf("ping-pong: %llu switches in %.1f ms = %.1f ns per switch, inside wasm\n",
         (unsigned long long)(b.switches - a.switches), ms, ms * 1e6 / (double)(b.switches - a.switches));
  printf("totals: %llu coroutines spawned, %llu unwinds, %llu rewinds, %llu bytes of stack state saved\n",
         (unsigned long long)b.spawned, (unsigned long long)b.unwinds, (unsigned long long)b.rewinds,
         (unsigned long long)b.saved_bytes);
  puts("demo finished");
  return 0;
}
