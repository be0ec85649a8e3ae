/*
 * trace.c — a known program for wasm-tests/trace.test.mjs, which checks
 * the trace load()'s `trace` option writes of it. One scenario per argv[1]:
 *   known   main spawns "sleeper" (weft_sleep), "receiver" (waits on a
 *           channel main sends on) and "caller" (awaits the host function
 *           "later", a JS promise), then joins all three;
 *   fail    a coroutine nobody joins faults: the program fails;
 *   many    "spinner" yields argv[2] times (for the trace's bound).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

static weft_chan *ch;

static void *sleeper(void *arg) {
  weft_sleep(5);
  return NULL;
}

static void *receiver(void *arg) {
  int v = 0;
  weft_chan_recv(ch, &v);
  printf("receiver got %d\n", v);
  return NULL;
}

static void *caller(void *arg) {
  int v = 0;
  int rc = weft_call("later", ">i", &v);
  printf("caller rc=%d got %d\n", rc, v);
  return NULL;
}

static void *faulty(void *arg) {
  weft_sleep(1);
  __builtin_trap(); /* a wasm trap: the coroutine is stopped, and nobody takes its failure */
  return NULL;
}

static void *spinner(void *arg) {
  long n = (long)arg;
  for (long i = 0; i < n; i++) weft_yield();
  return NULL;
}

static int known(void) {
  ch = weft_chan_new(sizeof(int), 0);
  weft_id ids[3] = {weft_spawn(sleeper, NULL, &(weft_opts){.name = "sleeper"}),
                    weft_spawn(receiver, NULL, &(weft_opts){.name = "receiver"}),
                    weft_spawn(caller, NULL, &(weft_opts){.name = "caller"})};
  weft_sleep(10);
  int v = 42;
  weft_chan_send(ch, &v);
  for (int i = 0; i < 3; i++) weft_join(ids[i], NULL);
  puts("joined");
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "known")) return known();
  if (!strcmp(what, "fail")) {
    weft_spawn(faulty, NULL, &(weft_opts){.name = "faulty", .flags = WEFT_DETACHED});
    weft_sleep(1000);
    return 0;
  }
  if (!strcmp(what, "many")) {
    weft_id id = weft_spawn(spinner, (void *)atol(argv[2]), &(weft_opts){.name = "spinner"});
    weft_join(id, NULL);
    return 0;
  }
  fprintf(stderr, "trace: unknown scenario %s\n", what);
  return 2;
}
