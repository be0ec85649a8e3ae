/*
 * fibers.c — the baseline for the switch benchmark: Emscripten's own Fibers
 * API, two fibers swapping back and forth (each swap goes through JS).
 */
#include <emscripten/emscripten.h>
#include <emscripten/fiber.h>
#include <stdio.h>
#include <stdlib.h>

static emscripten_fiber_t main_fiber, other_fiber;
static char other_stack[64 * 1024], other_astack[64 * 1024], main_astack[64 * 1024];

static void other(void *arg) {
  for (;;) emscripten_fiber_swap(&other_fiber, &main_fiber);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  emscripten_fiber_init_from_current_context(&main_fiber, main_astack, sizeof main_astack);
  emscripten_fiber_init(&other_fiber, other, NULL, other_stack, sizeof other_stack, other_astack,
                        sizeof other_astack);
  double t0 = emscripten_get_now();
  for (long i = 0; i < n; i++) emscripten_fiber_swap(&main_fiber, &other_fiber);
  double ms = emscripten_get_now() - t0;
  printf("fibers swaps=%ld ns_per_swap=%.2f\n", 2 * n, ms * 1e6 / (double)(2 * n));
  return 0;
}
