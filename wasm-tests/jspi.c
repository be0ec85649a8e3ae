/*
 * jspi.c — what only the JSPI backend (weft-cc --jspi) has, one scenario
 * per argv[1]; wasm-tests/jspi.test.mjs checks the lines it prints.
 *   cap N       spawn up to N sleepers until weft_spawn refuses one: the
 *               cap on live coroutines (each holds an engine stack) gives
 *               WEFT_ENOMEM instead of the engine aborting the process;
 *               then they are cancelled and joined, and spawning works again
 *   depth D N   N switches between two coroutines, each D frames deep
 *               (the bench's depth curve, here a correctness check)
 *   js-spawn    main yields a few times and returns; the test calls
 *               jspi_spawn_from_js from JS while the tick is paused (a
 *               resumed coroutine not yet back): that coroutine is JS's,
 *               so the end of main does not stop it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <emscripten/emscripten.h>
#include "weft.h"

static void *sleeper(void *arg) {
  int rc = weft_sleep(1e9);
  return (void *)(intptr_t)rc;
}

static int cap(int n) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  int spawned = 0, err = 0;
  for (; spawned < n; spawned++) {
    weft_id id = weft_spawn(sleeper, NULL, &(weft_opts){.flags = WEFT_COMPACT});
    if (id < 0) {
      err = id;
      break;
    }
    ids[spawned] = id;
    if (spawned % 1000 == 999) weft_yield(); /* they all start and park */
  }
  weft_yield();
  printf("spawned=%d err=%s\n", spawned, err ? weft_strerror(err) : "none");
  if (err) printf("message=%s\n", weft_last_error());
  int cancelled = 0;
  for (int i = 0; i < spawned; i++) {
    weft_cancel(ids[i]);
    void *r;
    if (weft_join(ids[i], &r) == 0 && (intptr_t)r == WEFT_ECANCELED) cancelled++;
  }
  printf("cancelled=%d\n", cancelled);
  weft_id again = weft_spawn(sleeper, NULL, NULL);
  printf("again=%s\n", again > 0 ? "ok" : weft_strerror(again));
  weft_cancel(again);
  weft_join(again, NULL);
  free(ids);
  return 0;
}

static volatile int sink;
static int switches;

static int dive(int d, int n) {
  if (d > 0) {
    int r = dive(d - 1, n) + 1;
    sink += r;
    return r;
  }
  for (int i = 0; i < n; i++) {
    weft_yield();
    switches++;
  }
  return 0;
}

static void *diver(void *arg) { return (void *)(intptr_t)dive((int)(intptr_t)arg >> 20, (int)(intptr_t)arg & 0xfffff); }

static int depth(int d, int n) {
  weft_id a = weft_spawn(diver, (void *)(intptr_t)((d << 20) | n), NULL);
  weft_id b = weft_spawn(diver, (void *)(intptr_t)((d << 20) | n), NULL);
  void *ra, *rb;
  weft_join(a, &ra);
  weft_join(b, &rb);
  printf("depth=%d switches=%d results=%d,%d\n", d, switches, (int)(intptr_t)ra, (int)(intptr_t)rb);
  return 0;
}

static void *lingerer(void *arg) {
  for (int i = 0; i < 10; i++) weft_yield();
  puts("lingerer: done");
  return NULL;
}

/* Called from JS, outside any coroutine. */
EMSCRIPTEN_KEEPALIVE int jspi_spawn_from_js(void) {
  return weft_spawn(lingerer, NULL, &(weft_opts){.name = "lingerer", .flags = WEFT_DETACHED});
}

static int js_spawn(void) {
  for (int i = 0; i < 3; i++) weft_yield();
  puts("main: returns");
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "cap")) return cap(argc > 2 ? atoi(argv[2]) : 100);
  if (!strcmp(what, "js-spawn")) return js_spawn();
  if (!strcmp(what, "depth")) return depth(argc > 2 ? atoi(argv[2]) : 8, argc > 3 ? atoi(argv[3]) : 1000);
  fprintf(stderr, "jspi: unknown scenario \"%s\"\n", what);
  return 2;
}
