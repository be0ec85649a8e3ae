/*
 * sleepers.c — coroutines asleep in numbers, one kernel per argv[1]:
 *   sleepers N [compact|default]  N coroutines, each two calls deep in a
 *       sleep of 11 days, all asleep at once (checked: the timer heap holds
 *       exactly N), then woken by weft_cancel and joined. Measured: spawn
 *       until all sleep, and cancel until all joined; between the two, the
 *       heap bytes each one holds.
 *   timers N  N sleepers at pseudo-random 0-999 ms; the lateness of each
 *       wake (never early: checked).
 * Prints one line of key=value figures for bench/kernels.mjs.
 */
#include <malloc.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "weft.h"

#define LONG_SLEEP_MS 1e9 /* never reached: every sleeper is cancelled */

static __attribute__((noinline)) long level2(long x) {
  int rc = weft_sleep(LONG_SLEEP_MS);
  return rc == WEFT_ECANCELED ? x * 2 : -1; /* woken any other way: wrong */
}
static __attribute__((noinline)) long level1(long x) { return level2(x + 1) + 1; }
static void *chain(void *arg) { return (void *)level1((long)arg); }

static size_t heap_in_use(void) { return mallinfo().uordblks; }

static void bench_sleepers(long n, unsigned flags) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  if (!ids) bench_fail("sleepers: no memory for %ld ids", n);
  weft_opts o = {.flags = flags};
  weft_stats st0, st;
  weft_get_stats(&st0);
  size_t heap0 = heap_in_use();
  bench_begin();
  for (long i = 0; i < n; i++)
    if ((ids[i] = weft_spawn(chain, (void *)i, &o)) <= 0)
      bench_fail("sleepers: spawn %ld of %ld failed: %s", i + 1, n, weft_strerror(ids[i]));
  weft_yield(); /* every new coroutine runs once: to its sleep */
  bench_end();
  weft_get_stats(&st);
  if (st.sleeping != (uint32_t)n || st.live != st0.live + (uint32_t)n)
    bench_fail("sleepers: %u of %ld coroutines asleep at once (%u live), expected all", st.sleeping, n,
               st.live - st0.live);
  double bytes = (double)(heap_in_use() - heap0) / (double)n;
  double held = (double)(st.held_bytes - st0.held_bytes) / (double)n;
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) bad += weft_cancel(ids[i]) != 0;
  for (long i = 0; i < n; i++) {
    void *r = NULL;
    bad += weft_join(ids[i], &r) != 0 || (long)r != 2 * (i + 1) + 1;
  }
  bench_end();
  if (bad) bench_fail("sleepers: %ld of %ld were not woken by their cancel with the right result", bad, n);
  printf("sleepers mode=%s n=%ld ops=%ld asleep=%u bytes_per_coroutine=%.1f held_per_coroutine=%.1f heap_mb=%.1f\n",
         flags ? "compact" : "default", n, n, st.sleeping, bytes, held, (double)(uintptr_t)sbrk(0) / 1048576.0);
  free(ids);
}

/* ---- timers: sleepers at pseudo-random 0-999 ms ----------------------------- */

static double *lateness;
static void *timed_sleeper(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  double ms = (double)((i * 2654435761u) % 1000);
  double t0 = weft_now();
  int rc = weft_sleep(ms);
  lateness[i] = weft_now() - t0 - ms;
  return (void *)(intptr_t)rc;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void bench_timers(long n) {
  lateness = malloc(sizeof *lateness * (size_t)n);
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  if (!lateness || !ids) bench_fail("timers: no memory");
  weft_opts o = {.flags = WEFT_COMPACT};
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(timed_sleeper, (void *)(uintptr_t)i, &o);
  for (long i = 0; i < n; i++) {
    void *r = (void *)-1;
    bad += weft_join(ids[i], &r) != 0 || r != NULL;
  }
  bench_end();
  if (bad) bench_fail("timers: %ld of %ld sleeps failed", bad, n);
  qsort(lateness, (size_t)n, sizeof *lateness, by_value);
  if (lateness[0] < -1e-3) bench_fail("timers: a sleeper woke %.3f ms early", -lateness[0]);
  printf("timers n=%ld ops=1 p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", n, lateness[n / 2], lateness[n * 99 / 100],
         lateness[n - 1]);
  free(ids);
  free(lateness);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  long n = bench_arg(argc, argv, 2, 1000000);
  if (n <= 0) bench_fail("N must be positive");
  if (!strcmp(what, "sleepers")) bench_sleepers(n, argc > 3 && !strcmp(argv[3], "default") ? 0 : WEFT_COMPACT);
  else if (!strcmp(what, "timers")) bench_timers(n);
  else bench_fail("unknown kernel '%s'", what);
  return 0;
}
