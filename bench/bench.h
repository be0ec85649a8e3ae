/*
 * bench.h — shared by the benchmark programs. bench_begin()/bench_end()
 * bracket the measured part of a kernel: bench/harness.mjs reads its wall
 * and CPU clocks there (a kernel may have several such segments; they are
 * summed), so loading, start-up and checks are never timed. Run alone, the
 * marks do nothing. bench_fail() stops the program loudly (exit status 70)
 * when a kernel's precondition or a received value is wrong: a benchmark
 * that measured something else must not print a figure.
 */
#ifndef BENCH_H
#define BENCH_H
#include <emscripten/emscripten.h> /* EM_JS and what it needs */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

EM_JS(void, bench_mark, (int begin), {
  if (globalThis.weftBenchMark) globalThis.weftBenchMark(begin);
});
#define bench_begin() bench_mark(1)
#define bench_end() bench_mark(0)

__attribute__((noreturn, unused, format(printf, 1, 2))) static void bench_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fflush(stdout);
  exit(70);
}

__attribute__((unused)) static long bench_arg(int argc, char **argv, int i, long dflt) {
  return argc > i ? atol(argv[i]) : dflt;
}
#endif
