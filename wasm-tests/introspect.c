/*
 * introspect.c — coroutines in known states, for program.list(),
 * program.dump(), Ctrl-C in Node and the stalled report
 * (wasm-tests/introspect.test.mjs).
 *   snapshot  a sleeper, a coroutine blocked on a channel and one ready
 *             to run; main calls host function "snapshot" (which lists
 *             them from JS), then lets them finish
 *   forever   prints "sleeping" and sleeps for a day (for SIGINT)
 *   stall     waits for a JS promise that never settles
 */
#include <stdio.h>
#include <string.h>
#include "weft.h"

static weft_chan *ch;

static void *sleeper(void *arg) { weft_sleep(60000); return arg; }
static void *receiver(void *arg) {
  int v = 0;
  weft_chan_recv(ch, &v);
  return arg;
}
static void *runner(void *arg) { return arg; }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "forever")) {
    weft_spawn(sleeper, NULL, &(weft_opts){.name = "napper"});
    printf("sleeping\n");
    fflush(stdout);
    weft_sleep(86400000);
    return 0;
  }
  if (!strcmp(mode, "stall")) return weft_call("never", ">");
  ch = weft_chan_new(sizeof(int), 0);
  weft_id s = weft_spawn(sleeper, NULL, &(weft_opts){.name = "sleeper"});
  weft_id r = weft_spawn(receiver, NULL, &(weft_opts){.name = "receiver"});
  weft_yield(); /* both start and block */
  weft_id q = weft_spawn(runner, NULL, &(weft_opts){.name = "runner"});
  int32_t n = 0;
  int rc = weft_call("snapshot", ">i", &n);
  printf("snapshot rc=%d n=%d\n", rc, n);
  weft_cancel(s);
  int v = 1;
  weft_chan_send(ch, &v);
  weft_join(s, NULL);
  weft_join(r, NULL);
  weft_join(q, NULL);
  weft_chan_free(ch);
  return 0;
}
