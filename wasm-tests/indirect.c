/*
 * indirect.c — suspending through a function pointer, the case Asyncify's
 * analysis cannot see through: coroutines reach weft_sleep by a call
 * through a table. wasm-tests/cc.test.mjs builds it with weft-cc's default
 * flags (every indirect call outside the runtime and stdio is instrumented)
 * and with --ignore-indirect, with and without --suspends.
 */
#include <stdio.h>
#include "weft.h"

typedef int (*step_fn)(int);

static int nap(int ms) {
  int rc = weft_sleep(ms);
  return rc ? rc : ms;
}
static int twice(int v) { return 2 * v; }
static step_fn steps[] = {twice, nap};
static volatile int which_step = 1; /* opaque to the optimizer */

/* Calls a step through the table; the local lives across the suspension. */
int call_through(int v) {
  int before = v * 3;
  int r = steps[which_step](v);
  return r + before;
}

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  printf("worker %d starts\n", id);
  int r = call_through(10 * id);
  printf("worker %d got %d\n", id, r);
  return NULL;
}

int main(void) {
  weft_id a = weft_spawn(worker, (void *)1, NULL);
  weft_id b = weft_spawn(worker, (void *)2, NULL);
  weft_join(a, NULL);
  weft_join(b, NULL);
  which_step = 0;
  printf("twice: %d\n", call_through(4));
  return 0;
}
