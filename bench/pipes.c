/*
 * pipes.c — the descriptors' benchmark kernel (bench/kernels.mjs):
 * pipe ping-pong, a round trip of one long through two pipes between two
 * coroutines with read() and write(), every value checked. Prints one
 * line of key=value figures.
 */
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "weft.h"

static int ping[2], pong[2];

static void *ponger(void *arg) {
  long v, bad = 0, expect = 0;
  while (read(ping[0], &v, sizeof v) == (ssize_t)sizeof v) {
    bad += v != expect++;
    if (write(pong[1], &v, sizeof v) != (ssize_t)sizeof v) bad++;
  }
  return (void *)bad;
}

static void bench_pipe_pingpong(long n) {
  if (pipe(ping) || pipe(pong)) bench_fail("pipe-pingpong: no pipes");
  weft_id p = weft_spawn(ponger, NULL, NULL);
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) {
    long v = i, back = -1;
    if (write(ping[1], &v, sizeof v) != (ssize_t)sizeof v || read(pong[0], &back, sizeof back) != (ssize_t)sizeof back ||
        back != i)
      bad++;
  }
  bench_end();
  close(ping[1]); /* the ponger reads the end */
  void *pbad = (void *)-1;
  weft_join(p, &pbad);
  close(ping[0]);
  close(pong[0]);
  close(pong[1]);
  if (bad || pbad) bench_fail("pipe-pingpong: %ld wrong round trips here, %ld in the ponger", bad, (long)pbad);
  printf("pipe-pingpong n=%ld ops=%ld\n", n, n);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  long n = bench_arg(argc, argv, 2, 100000);
  if (!strcmp(what, "pipe-pingpong")) bench_pipe_pingpong(n);
  else bench_fail("unknown kernel %s", what);
  return 0;
}
