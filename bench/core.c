/*
 * core.c — the scheduler's benchmark kernels, one per argv[1] (argv[2] is
 * N): the switch, spawn + exit, channel ping-pong, select over 8 channels
 * and a contended mutex. Each brackets what it measures with bench_begin/
 * bench_end, checks every value it receives (bench_fail otherwise) and
 * prints one line of key=value figures for bench/kernels.mjs; `ops` is
 * what the harness divides the time by.
 */
#include <string.h>
#include "bench.h"
#include "weft.h"

static weft_opts opts_for(unsigned flags) { return (weft_opts){.flags = flags}; }

/* ---- switch: two coroutines yield to each other through the scheduler -- */

static long rounds;
static void *yielder(void *arg) {
  long done = 0;
  for (long i = 0; i < rounds; i++) done += weft_yield() == 0;
  return (void *)done;
}

static void bench_switch(long n) {
  rounds = n;
  weft_stats a, b;
  weft_get_stats(&a);
  bench_begin();
  weft_id x = weft_spawn(yielder, NULL, NULL), y = weft_spawn(yielder, NULL, NULL);
  void *rx = NULL, *ry = NULL;
  int jx = weft_join(x, &rx), jy = weft_join(y, &ry);
  bench_end();
  weft_get_stats(&b);
  if (jx || jy || (long)rx != n || (long)ry != n)
    bench_fail("switch: the yielders returned %ld and %ld (join %d, %d), expected %ld yields each", (long)rx,
               (long)ry, jx, jy, n);
  unsigned long long switches = b.switches - a.switches;
  if (switches < 2ull * (unsigned long long)n) bench_fail("switch: %llu switches for %ld yields", switches, 2 * n);
  printf("switch n=%ld ops=%llu bytes_per_unwind=%.1f\n", n, switches,
         (double)(b.saved_bytes - a.saved_bytes) / (double)(b.unwinds - a.unwinds));
}

/* ---- spawn + exit ---------------------------------------------------------- */

static void *identity(void *arg) { return arg; }

static void bench_spawn(long n, unsigned flags) {
  enum { BATCH = 1000 };
  static weft_id ids[BATCH];
  weft_opts o = opts_for(flags);
  long bad = 0;
  bench_begin();
  for (long done = 0; done < n; done += BATCH) {
    int k = n - done < BATCH ? (int)(n - done) : BATCH;
    for (int i = 0; i < k; i++) ids[i] = weft_spawn(identity, (void *)(done + i + 1), &o);
    for (int i = 0; i < k; i++) {
      void *r = NULL;
      bad += weft_join(ids[i], &r) != 0 || r != (void *)(done + i + 1);
    }
  }
  bench_end();
  if (bad) bench_fail("spawn: %ld of %ld coroutines did not return their argument", bad, n);
  printf("spawn mode=%s n=%ld ops=%ld\n", flags ? "compact" : "default", n, n);
}

/* ---- channel ping-pong: every value is checked at both ends -------------- */

static weft_chan *ping, *pong;
static void *ponger(void *arg) {
  long v, expect = 0, bad = 0;
  while (weft_chan_recv(ping, &v) == 0) {
    bad += v != expect++;
    if (weft_chan_send(pong, &v)) bad++;
  }
  return (void *)bad;
}

static void bench_pingpong(long n) {
  ping = weft_chan_new(sizeof(long), 0);
  pong = weft_chan_new(sizeof(long), 0);
  if (!ping || !pong) bench_fail("pingpong: no channels");
  weft_id p = weft_spawn(ponger, NULL, NULL);
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) {
    long v = i, back = -1;
    if (weft_chan_send(ping, &v) || weft_chan_recv(pong, &back) || back != i) bad++;
  }
  bench_end();
  weft_chan_close(ping);
  void *pbad = (void *)-1;
  weft_join(p, &pbad);
  if (bad || pbad) bench_fail("pingpong: %ld wrong round trips here, %ld in the ponger", bad, (long)pbad);
  printf("pingpong n=%ld ops=%ld\n", n, n);
}

/* ---- select over 8 buffered channels ---------------------------------------- */

static void bench_select8(long n) {
  weft_chan *chs[8];
  weft_case cases[8];
  long vals[8];
  for (int i = 0; i < 8; i++) {
    if (!(chs[i] = weft_chan_new(sizeof(long), 64))) bench_fail("select8: no channel");
    cases[i] = (weft_case){chs[i], WEFT_RECV, &vals[i], 0};
  }
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) {
    long v = i;
    int to = (int)((i * 7) & 7);
    weft_chan_send(chs[to], &v); /* buffered: never blocks */
    int got = weft_select(cases, 8, -1);
    bad += got != to || cases[got < 0 ? 0 : got].result != 0 || vals[to] != i;
  }
  bench_end();
  if (bad) bench_fail("select8: %ld of %ld selects received the wrong channel or value", bad, n);
  printf("select8 n=%ld ops=%ld\n", n, n);
}

/* ---- a contended mutex: each holder yields while holding it -------------- */

static weft_mutex *mu;
static long shared;
static void *contender(void *arg) {
  if (weft_mutex_lock(mu)) return (void *)1;
  long v = shared;
  weft_yield();
  shared = v + 1;
  return (void *)(long)(weft_mutex_unlock(mu) != 0);
}

static void bench_mutex(long n) {
  mu = weft_mutex_new();
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  if (!mu || !ids) bench_fail("mutex: no memory");
  weft_opts o = opts_for(WEFT_COMPACT);
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(contender, NULL, &o);
  for (long i = 0; i < n; i++) {
    void *r = (void *)1;
    bad += weft_join(ids[i], &r) != 0 || r != NULL;
  }
  bench_end();
  if (bad || shared != n) bench_fail("mutex: count %ld after %ld exclusive increments (%ld failed)", shared, n, bad);
  printf("mutex n=%ld ops=%ld\n", n, n);
  free(ids);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  long n = bench_arg(argc, argv, 2, 1000000);
  if (n <= 0) bench_fail("N must be positive");
  if (!strcmp(what, "switch")) bench_switch(n);
  else if (!strcmp(what, "spawn")) bench_spawn(n, 0);
  else if (!strcmp(what, "spawn-compact")) bench_spawn(n, WEFT_COMPACT);
  else if (!strcmp(what, "pingpong")) bench_pingpong(n);
  else if (!strcmp(what, "select8")) bench_select8(n);
  else if (!strcmp(what, "mutex")) bench_mutex(n);
  else bench_fail("unknown kernel '%s'", what);
  return 0;
}
