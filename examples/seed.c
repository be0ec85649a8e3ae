/*
 * seed.c — the C twin of the question weft grew from ("what do I put in bar
 * to get the 5 and the 6 out of c?"):
 *
 *     async def foo(x):            async def intermediary(y):
 *         yield x                      await foo(y)
 *         yield x + 1
 *     def bar():
 *         c = intermediary(5)
 *
 * Here foo yields through an ordinary C call chain: intermediary calls foo
 * like any function. Each weft_gen_yield suspends the producer coroutine,
 * and Asyncify freezes foo's and intermediary's frames until bar asks for
 * the next value. No frame needs to know it is part of a generator.
 */
#include <stdio.h>
#include "weft.h"

static void *foo(void *arg) {
  int x = *(int *)arg;
  weft_gen_yield(&x);        /* the chain of waits ends here: a suspend point */
  int next = x + 1;
  weft_gen_yield(&next);
  return NULL;
}

static void *intermediary(void *y) {
  return foo(y);             /* a plain call: foo's yields suspend this frame too */
}

static void bar(void) {
  int five = 5;
  weft_gen *c = weft_gen_new(intermediary, &five, sizeof(int));
  int value;
  while (weft_gen_next(c, &value) == 0) printf("Got %d from the coroutine.\n", value);
  weft_gen_free(c);
  puts("The generator is done.");
}

int main(void) {
  bar();
  return 0;
}
