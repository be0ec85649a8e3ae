/*
 * bridge.c — the host bridges' benchmark kernels (bench/run.mjs runs the JS
 * baselines beside them): concurrent fetches, awaiting an already-resolved
 * JS promise, and a trivial export for JS-to-C call throughput.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

static const char *target;
static void *fetch_body(void *arg) {
  weft_response r;
  if (weft_fetch(target, NULL, &r)) return NULL;
  void *body;
  size_t len = 0;
  weft_response_body(r, &body, &len);
  free(body);
  weft_response_free(r);
  return (void *)len;
}

static void bench_fetch(const char *url, int n) {
  target = url;
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  double t0 = weft_now();
  for (int i = 0; i < n; i++) ids[i] = weft_spawn(fetch_body, NULL, NULL);
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    void *len;
    weft_join(ids[i], &len);
    total += (size_t)len;
  }
  printf("fetch n=%d bytes=%zu ms=%.1f\n", n, total, weft_now() - t0);
  free(ids);
}

static void bench_await(int n) {
  int32_t v = 0;
  long sum = 0;
  double t0 = weft_now();
  for (int i = 0; i < n; i++) {
    weft_call("resolved", ">i", &v);
    sum += v;
  }
  double ms = weft_now() - t0;
  printf("await n=%d sum=%ld ns_per_await=%.1f\n", n, sum, ms * 1e6 / n);
}

WEFT_EXPORT(noop) {
  weft_return_double(a, weft_args_double(a, 0));
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "fetch")) bench_fetch(argv[2], atoi(argv[3]));
  else if (!strcmp(what, "await")) bench_await(atoi(argv[2]));
  else if (!strcmp(what, "idle")) return 0;
  else {
    printf("unknown benchmark '%s'\n", what);
    return 2;
  }
  return 0;
}
