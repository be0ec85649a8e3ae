/* debug.c — a small program for the debug builds (build.sh links it with
 * -O0, -g, -sASSERTIONS=1/2 and --debug; debug.test.mjs and
 * browser-debug.test.mjs run them). `main` alone: two coroutines sleep in
 * turns and are joined. `assert` and `trap`: a coroutine faults in a named
 * function, and the report names it; `main` goes on. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "weft.h"

static void *stepper(void *arg) {
  const char *name = arg;
  char line[32]; /* on this coroutine's own stack, across the sleeps */
  for (int step = 1; step <= 2; step++) {
    weft_sleep(2);
    snprintf(line, sizeof line, "%s %d", name, step);
    puts(line);
  }
  return arg;
}

static int debug_checked(int n) {
  assert(n < 3 && "n stays small");
  return n;
}

static void *debug_asserter(void *arg) {
  weft_sleep(1);
  return (void *)(long)debug_checked((int)(long)arg);
}

static void *debug_trapper(void *arg) {
  weft_sleep(1);
  if (arg) __builtin_trap();
  return arg;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "main";
  if (strcmp(what, "main") == 0) {
    weft_id a = weft_spawn(stepper, "a", NULL), b = weft_spawn(stepper, "b", NULL);
    void *ra, *rb;
    weft_join(a, &ra);
    weft_join(b, &rb);
    printf("joined %s and %s\n", (char *)ra, (char *)rb);
    return 0;
  }
  weft_id c = weft_spawn(strcmp(what, "assert") == 0 ? debug_asserter : debug_trapper, (void *)7L, NULL);
  printf("join = %s\n", weft_strerror(weft_join(c, NULL)));
  return 0;
}
