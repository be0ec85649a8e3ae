/*
 * core.c — the core runtime's benchmark kernels, one per argv[1]; each
 * prints one line of key=value figures for bench/run.mjs, which runs the
 * JS baselines in the same process and prints the ratios.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "weft.h"

static long arg_long(int argc, char **argv, int i, long dflt) {
  return argc > i ? atol(argv[i]) : dflt;
}

/* ---- switch: two coroutines yield to each other through the scheduler -- */

static long rounds;
static void *pinger(void *arg) {
  for (long i = 0; i < rounds; i++) weft_yield();
  return NULL;
}

static void bench_switch(long n) {
  rounds = n;
  weft_stats a, b;
  weft_get_stats(&a);
  double t0 = weft_now();
  weft_id x = weft_spawn(pinger, NULL, NULL), y = weft_spawn(pinger, NULL, NULL);
  weft_join(x, NULL);
  weft_join(y, NULL);
  double ms = weft_now() - t0;
  weft_get_stats(&b);
  unsigned long long switches = b.switches - a.switches;
  printf("switch switches=%llu ns_per_switch=%.2f bytes_per_unwind=%.1f\n", switches,
         ms * 1e6 / (double)switches,
         (double)(b.saved_bytes - a.saved_bytes) / (double)(b.unwinds - a.unwinds));
}

/* ---- spawn + exit --------------------------------------------------------- */

static void *nothing(void *arg) { return arg; }

static void bench_spawn(long n, unsigned flags) {
  enum { BATCH = 1000 };
  static weft_id ids[BATCH];
  double t0 = weft_now();
  for (long done = 0; done < n; done += BATCH) {
    for (int i = 0; i < BATCH; i++) ids[i] = weft_spawn(nothing, NULL, &(weft_opts){.flags = flags});
    for (int i = 0; i < BATCH; i++) weft_join(ids[i], NULL);
  }
  double ms = weft_now() - t0;
  printf("spawn mode=%s n=%ld ns_per_spawn_exit=%.1f\n", flags ? "compact" : "default", n,
         ms * 1e6 / (double)n);
}

/* ---- memory per suspended coroutine (2-deep chain, sleeping) ----------- */

static double wake_at;
static __attribute__((noinline)) int level2(int x) {
  int r = weft_sleep(wake_at - weft_now());
  return r + x * 2;
}
static __attribute__((noinline)) int level1(int x) {
  int y = level2(x + 1);
  return y + 1;
}
static void *chain(void *arg) { return (void *)(intptr_t)level1((int)(intptr_t)arg); }

static size_t heap_in_use(void) { return mallinfo().uordblks; }

static void bench_memory(long n, unsigned flags) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  size_t heap0 = heap_in_use();
  wake_at = weft_now() + 3000; /* one deadline for all, after the measurement */
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(chain, (void *)(intptr_t)i, &(weft_opts){.flags = flags});
  weft_yield(); /* every coroutine runs to its sleep */
  weft_stats st;
  weft_get_stats(&st);
  size_t heap1 = heap_in_use();
  printf("memory mode=%s n=%ld sleeping=%u bytes_per_coroutine=%.1f held_per_coroutine=%.1f\n",
         flags ? "compact" : "default", n, st.sleeping, (double)(heap1 - heap0) / (double)n,
         (double)st.held_bytes / (double)n);
  long ok = 0;
  for (long i = 0; i < n; i++) {
    void *r;
    if (weft_join(ids[i], &r) == 0 && r == (void *)(intptr_t)(2 * (i + 1) + 1)) ok++;
  }
  printf("memory-joined ok=%ld\n", ok);
  free(ids);
}

/* ---- a million concurrent sleepers ----------------------------------------- */

static void *sleeper(void *arg) {
  weft_sleep((double)((uintptr_t)arg % 1000));
  return arg;
}

static void bench_million(long n) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  double t0 = weft_now();
  for (long i = 0; i < n; i++)
    ids[i] = weft_spawn(sleeper, (void *)(uintptr_t)(i * 2654435761u), &(weft_opts){.flags = WEFT_COMPACT});
  weft_yield();
  double t1 = weft_now();
  weft_stats st;
  weft_get_stats(&st);
  long ok = 0;
  for (long i = 0; i < n; i++) {
    void *r;
    if (weft_join(ids[i], &r) == 0 && r == (void *)(uintptr_t)(i * 2654435761u)) ok++;
  }
  double t2 = weft_now();
  printf("million n=%ld ok=%ld sleeping_at_peak=%u spawn_ms=%.0f total_ms=%.0f heap_peak_mb=%.1f\n", n, ok,
         st.sleeping, t1 - t0, t2 - t0, (double)(uintptr_t)sbrk(0) / 1048576.0);
  free(ids);
}

/* ---- timers: sleepers at random 0-999 ms, lateness of each wake -------- */

static double *lateness;
static void *timed_sleeper(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  double ms = (double)((i * 2654435761u) % 1000);
  double t0 = weft_now();
  weft_sleep(ms);
  lateness[i] = weft_now() - t0 - ms;
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void bench_timers(long n) {
  lateness = malloc(sizeof *lateness * (size_t)n);
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  double t0 = weft_now();
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(timed_sleeper, (void *)(uintptr_t)i, &(weft_opts){.flags = WEFT_COMPACT});
  for (long i = 0; i < n; i++) weft_join(ids[i], NULL);
  double wall = weft_now() - t0;
  qsort(lateness, (size_t)n, sizeof *lateness, by_value);
  printf("timers n=%ld wall_ms=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", n, wall, lateness[n / 2],
         lateness[n * 99 / 100], lateness[n - 1]);
  free(ids);
  free(lateness);
}

/* ---- toolkit: channel ping-pong, mutex contention, select over 8 ------ */

static weft_chan *ping, *pong;
static void *ponger(void *arg) {
  long v;
  while (weft_chan_recv(ping, &v) == 0) weft_chan_send(pong, &v);
  return NULL;
}

static void bench_pingpong(long n) {
  ping = weft_chan_new(sizeof(long), 0);
  pong = weft_chan_new(sizeof(long), 0);
  weft_id p = weft_spawn(ponger, NULL, NULL);
  double t0 = weft_now();
  for (long i = 0; i < n; i++) {
    long v = i;
    weft_chan_send(ping, &v);
    weft_chan_recv(pong, &v);
  }
  double ms = weft_now() - t0;
  weft_chan_close(ping);
  weft_join(p, NULL);
  printf("pingpong n=%ld ns_per_round_trip=%.1f\n", n, ms * 1e6 / (double)n);
}

static weft_mutex *mu;
static long shared;
static void *contender(void *arg) {
  weft_mutex_lock(mu);
  long v = shared;
  weft_yield();
  shared = v + 1;
  weft_mutex_unlock(mu);
  return NULL;
}

static void bench_mutex(long n) {
  mu = weft_mutex_new();
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  double t0 = weft_now();
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(contender, NULL, &(weft_opts){.flags = WEFT_COMPACT});
  for (long i = 0; i < n; i++) weft_join(ids[i], NULL);
  double ms = weft_now() - t0;
  printf("mutex n=%ld shared=%ld ms=%.1f ns_per_coroutine=%.1f\n", n, shared, ms, ms * 1e6 / (double)n);
  free(ids);
}

static void bench_select8(long n) {
  weft_chan *chs[8];
  weft_case cases[8];
  long vals[8];
  for (int i = 0; i < 8; i++) {
    chs[i] = weft_chan_new(sizeof(long), 64);
    cases[i] = (weft_case){chs[i], WEFT_RECV, &vals[i], 0};
  }
  long got = 0;
  double t0 = weft_now();
  for (long i = 0; i < n; i++) {
    long v = i;
    weft_chan_send(chs[(i * 7) & 7], &v); /* buffered: never blocks */
    if (weft_select(cases, 8, -1) >= 0) got++;
  }
  double ms = weft_now() - t0;
  printf("select8 n=%ld got=%ld ns_per_send_and_select=%.1f\n", n, got, ms * 1e6 / (double)n);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  long n = arg_long(argc, argv, 2, 1000000);
  if (!strcmp(what, "switch")) bench_switch(n);
  else if (!strcmp(what, "spawn")) bench_spawn(n, 0);
  else if (!strcmp(what, "spawn-compact")) bench_spawn(n, WEFT_COMPACT);
  else if (!strcmp(what, "memory")) bench_memory(n, 0);
  else if (!strcmp(what, "memory-compact")) bench_memory(n, WEFT_COMPACT);
  else if (!strcmp(what, "million")) bench_million(n);
  else if (!strcmp(what, "timers")) bench_timers(n);
  else if (!strcmp(what, "pingpong")) bench_pingpong(n);
  else if (!strcmp(what, "mutex")) bench_mutex(n);
  else if (!strcmp(what, "select8")) bench_select8(n);
  else {
    printf("unknown benchmark '%s'\n", what);
    return 2;
  }
  return 0;
}
