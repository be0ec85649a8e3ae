/*
 * scale.c — how the switch cost grows, one kernel per argv[1]:
 *   depth D N    two coroutines that each recurse D frames (noinline, each
 *                with a live local) before yielding N times: every switch
 *                unwinds and rewinds D more frames. bytes_per_unwind shows
 *                the frames really are on the stack.
 *   ring K R [compact|default]  K coroutines round-robin yielding R times;
 *                measured once all K are suspended at once (checked), with
 *                the heap bytes each one holds.
 *   park D K     K coroutines (default stacks) each recurse D frames and
 *                suspend there, all at once (checked): the time to spawn
 *                and park them, the heap bytes each holds, and a probe
 *                (bench_probe) where the host reads its own memory.
 * Prints one line of key=value figures for bench/kernels.mjs.
 */
#include <malloc.h>
#include <string.h>
#include "bench.h"
#include "weft.h"

static long yields;

/* The host's memory probe: phase 0 before the coroutines exist, 1 when all
 * are parked (kernels.mjs reads the process's memory there, in Node). */
EM_JS(void, bench_probe, (int phase), {
  if (globalThis.weftBenchProbe) globalThis.weftBenchProbe(phase);
});
static long yield_loop(void) {
  long done = 0;
  for (long i = 0; i < yields; i++) done += weft_yield() == 0;
  return done;
}

/* The volatile local is read after the call: the frame stays a real frame
 * (no tail call, no recursion turned into a loop). */
static __attribute__((noinline)) long descend(int d) {
  if (d == 0) return yield_loop();
  volatile int here = d;
  long r = descend(d - 1);
  return r + here - d;
}
static void *deep(void *arg) { return (void *)descend((int)(intptr_t)arg); }

static void bench_depth(int depth, long n) {
  yields = n;
  weft_stats a, b;
  weft_id x = weft_spawn(deep, (void *)(intptr_t)depth, NULL), y = weft_spawn(deep, (void *)(intptr_t)depth, NULL);
  weft_yield(); /* both descend and make their first yield: not measured */
  weft_get_stats(&a);
  bench_begin();
  void *rx = NULL, *ry = NULL;
  int jx = weft_join(x, &rx), jy = weft_join(y, &ry);
  bench_end();
  weft_get_stats(&b);
  if (jx || jy || (long)rx != n || (long)ry != n)
    bench_fail("depth: the coroutines returned %ld and %ld (join %d, %d), expected %ld", (long)rx, (long)ry, jx, jy, n);
  unsigned long long switches = b.switches - a.switches;
  printf("depth depth=%d n=%ld ops=%llu bytes_per_unwind=%.1f\n", depth, n, switches,
         (double)(b.saved_bytes - a.saved_bytes) / (double)(b.unwinds - a.unwinds));
}

/* ---- K coroutines parked D frames deep ------------------------------------- */
static void bench_park(int depth, long k) {
  yields = 2; /* each suspends once at depth D (measured there), then once more */
  weft_id *ids = malloc(sizeof *ids * (size_t)k);
  if (!ids) bench_fail("park: no memory for %ld ids", k);
  weft_stats st0, st;
  weft_get_stats(&st0);
  bench_probe(0);
  size_t heap0 = mallinfo().uordblks;
  bench_begin();
  for (long i = 0; i < k; i++)
    if ((ids[i] = weft_spawn(deep, (void *)(intptr_t)depth, NULL)) <= 0)
      bench_fail("park: spawn %ld of %ld failed: %s", i + 1, k, weft_strerror(ids[i]));
  weft_yield(); /* each runs down D frames to its first yield */
  bench_end();
  weft_get_stats(&st);
  if (st.ready != (uint32_t)k || st.live != st0.live + (uint32_t)k)
    bench_fail("park: %u of %ld coroutines suspended at once, expected all", st.ready, k);
  double bytes = (double)(mallinfo().uordblks - heap0) / (double)k;
  bench_probe(1);
  long bad = 0;
  for (long i = 0; i < k; i++) {
    void *got = NULL;
    bad += weft_join(ids[i], &got) != 0 || (long)got != 2;
  }
  if (bad) bench_fail("park: %ld of %ld coroutines did not come back up from depth %d", bad, k, depth);
  printf("park depth=%d k=%ld ops=%ld bytes_per_coroutine=%.1f\n", depth, k, k, bytes);
  free(ids);
}

/* ---- K coroutines round-robin ------------------------------------------------- */

static void *ringer(void *arg) { return (void *)yield_loop(); }

static void bench_ring(long k, long r, unsigned flags) {
  if (r < 2) bench_fail("ring: R must be at least 2");
  yields = r;
  weft_id *ids = malloc(sizeof *ids * (size_t)k);
  if (!ids) bench_fail("ring: no memory for %ld ids", k);
  weft_opts o = {.flags = flags};
  weft_stats st0, st, a, b;
  weft_get_stats(&st0);
  size_t heap0 = mallinfo().uordblks;
  for (long i = 0; i < k; i++)
    if ((ids[i] = weft_spawn(ringer, NULL, &o)) <= 0)
      bench_fail("ring: spawn %ld of %ld failed: %s", i + 1, k, weft_strerror(ids[i]));
  weft_yield(); /* each runs to its first yield */
  weft_get_stats(&st);
  if (st.ready != (uint32_t)k || st.live != st0.live + (uint32_t)k)
    bench_fail("ring: %u of %ld coroutines suspended in the run queue at once, expected all", st.ready, k);
  double bytes = (double)(mallinfo().uordblks - heap0) / (double)k;
  double held = (double)(st.held_bytes - st0.held_bytes) / (double)k;
  weft_get_stats(&a);
  bench_begin();
  for (long i = 1; i < r; i++) weft_yield(); /* each pass: every coroutine resumes and yields again */
  bench_end();
  weft_get_stats(&b);
  long bad = 0;
  for (long i = 0; i < k; i++) {
    void *got = NULL;
    bad += weft_join(ids[i], &got) != 0 || (long)got != r;
  }
  if (bad) bench_fail("ring: %ld of %ld coroutines did not yield %ld times", bad, k, r);
  unsigned long long switches = b.switches - a.switches;
  if (switches < (unsigned long long)(k * (r - 1)))
    bench_fail("ring: %llu switches, expected at least %ld", switches, k * (r - 1));
  printf("ring mode=%s k=%ld ops=%llu bytes_per_coroutine=%.1f held_per_coroutine=%.1f\n",
         flags ? "compact" : "default", k, switches, bytes, held);
  free(ids);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  long a = bench_arg(argc, argv, 2, 0), b = bench_arg(argc, argv, 3, 0);
  if (!strcmp(what, "depth") && a >= 0 && b > 0) bench_depth((int)a, b);
  else if (!strcmp(what, "park") && a >= 0 && b > 0) bench_park((int)a, b);
  else if (!strcmp(what, "ring") && a > 0 && b > 0)
    bench_ring(a, b, argc > 4 && !strcmp(argv[4], "default") ? 0 : WEFT_COMPACT);
  else bench_fail("usage: depth D N | park D K | ring K R [compact|default] (got '%s')", what);
  return 0;
}
