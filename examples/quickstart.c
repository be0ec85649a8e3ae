#include <stdio.h>
#include "weft.h"

static void *worker(void *arg) {
  const char *name = arg;
  char line[32];                   /* lives on this coroutine's own C stack */
  for (int step = 1; step <= 3; step++) {
    weft_sleep(10);                /* only this coroutine waits */
    snprintf(line, sizeof line, "%s: step %d", name, step);
    puts(line);
  }
  return (void *)name;
}

int main(void) {                   /* main already runs as a coroutine */
  weft_id a = weft_spawn(worker, "a", NULL);
  weft_id b = weft_spawn(worker, "b", NULL);
  void *first, *second;
  weft_join(a, &first);
  weft_join(b, &second);
  printf("joined %s and %s\n", (char *)first, (char *)second);
  return 0;
}
