/*
 * fibers.c — the baseline for the switch benchmark: Emscripten's own Fibers
 * API, two fibers swapping back and forth (each swap goes through JS).
 * Built with plain emcc (build.sh); prints "fibers swaps=... ops=...".
 */
#include <emscripten/emscripten.h>
#include <emscripten/fiber.h>
#include "bench.h"

static emscripten_fiber_t main_fiber, other_fiber;
static char other_stack[64 * 1024], other_astack[64 * 1024], main_astack[64 * 1024];
static long swapped;

static void other(void *arg) {
  for (;;) {
    swapped++;
    emscripten_fiber_swap(&other_fiber, &main_fiber);
  }
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 100000);
  emscripten_fiber_init_from_current_context(&main_fiber, main_astack, sizeof main_astack);
  emscripten_fiber_init(&other_fiber, other, NULL, other_stack, sizeof other_stack, other_astack,
                        sizeof other_astack);
  bench_begin();
  for (long i = 0; i < n; i++) emscripten_fiber_swap(&main_fiber, &other_fiber);
  bench_end();
  if (swapped != n) bench_fail("fibers: the other fiber ran %ld times for %ld swaps", swapped, n);
  printf("fibers swaps=%ld ops=%ld\n", 2 * n, 2 * n);
  return 0;
}
