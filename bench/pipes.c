/*
 * pipes.c — the descriptors' benchmark kernel (bench/kernels.mjs):
 * pipe ping-pong, a round trip of one long through two pipes between two
 * coroutines with read() and write(), every value checked; throughput of
 * N MiB through a pipe between two coroutines, and from a WebSocket server
 * (bench/ws-source.mjs), read() in 64 KiB, every byte compared with the
 * xorshift32 pattern both sides make. Prints one line of key=value figures.
 */
#include <stdint.h>
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

/* ---- throughput --------------------------------------------------------------
 * The bytes: byte i of a stream is pattern[i % PERIOD], the low bytes of
 * xorshift32 from 2463534242 (bench/throughput.mjs makes the same). The
 * pattern is stored twice over, so any read of up to PERIOD bytes at any
 * offset compares with one memcmp. */
enum { CHUNK = 65536, PERIOD = 1 << 20 };
static unsigned char pattern[2 * PERIOD], inbuf[CHUNK];

static void make_pattern(void) {
  uint32_t x = 2463534242u;
  for (int i = 0; i < PERIOD; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    pattern[i] = pattern[i + PERIOD] = (unsigned char)x;
  }
}

/* Read fd to its end, checking every byte; how many came. */
static long drain(int fd, long *wrong, ssize_t *last) {
  long total = 0;
  ssize_t r;
  while ((r = read(fd, inbuf, CHUNK)) > 0) {
    if (memcmp(inbuf, pattern + total % PERIOD, (size_t)r)) ++*wrong;
    total += r;
  }
  *last = r;
  return total;
}

static int tp[2];
static void *pipe_writer(void *arg) {
  long n = *(long *)arg, off = 0;
  while (off < n) {
    long len = n - off < CHUNK ? n - off : CHUNK;
    ssize_t w = write(tp[1], pattern + off % PERIOD, (size_t)len);
    if (w <= 0) break;
    off += w;
  }
  close(tp[1]); /* the reader sees the end */
  return (void *)(intptr_t)(off != n);
}

static void bench_pipe_throughput(long mib) {
  long n = mib << 20, wrong = 0;
  ssize_t last;
  make_pattern();
  if (mib < 1 || pipe(tp)) bench_fail("pipe-throughput: no pipe, or %ld MiB", mib);
  bench_begin();
  weft_id w = weft_spawn(pipe_writer, &n, &(weft_opts){.name = "writer"});
  long total = drain(tp[0], &wrong, &last);
  void *wbad = (void *)1;
  int jr = weft_join(w, &wbad);
  bench_end();
  close(tp[0]);
  if (jr || wbad || last != 0 || total != n || wrong)
    bench_fail("pipe-throughput: read %ld of %ld bytes (last read %zd), %ld reads wrong, writer %s", total, n, last,
               wrong, jr || wbad ? "failed" : "ok");
  printf("pipe-throughput bytes=%ld ops=%ld\n", total, mib);
}

static void bench_ws_throughput(const char *url, long mib) {
  long n = mib << 20, wrong = 0;
  ssize_t last;
  char req[32];
  int len = snprintf(req, sizeof req, "%ld", n);
  make_pattern();
  if (mib < 1) bench_fail("ws-throughput: %ld MiB", mib);
  bench_begin();
  int fd = weft_socket_connect(url);
  if (fd < 0) bench_fail("ws-throughput: cannot connect to %s: %s", url, weft_strerror(fd));
  if (write(fd, req, (size_t)len) != len) bench_fail("ws-throughput: the request was not sent");
  long total = drain(fd, &wrong, &last);
  close(fd);
  bench_end();
  if (last != 0 || total != n || wrong)
    bench_fail("ws-throughput: read %ld of %ld bytes (last read %zd), %ld reads wrong", total, n, last, wrong);
  printf("ws-throughput bytes=%ld ops=%ld\n", total, mib);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "ws-throughput")) {
    if (argc < 4) bench_fail("usage: ws-throughput URL MiB");
    bench_ws_throughput(argv[2], atol(argv[3]));
    return 0;
  }
  long n = bench_arg(argc, argv, 2, 100000);
  if (!strcmp(what, "pipe-pingpong")) bench_pipe_pingpong(n);
  else if (!strcmp(what, "pipe-throughput")) bench_pipe_throughput(n);
  else bench_fail("unknown kernel %s", what);
  return 0;
}
