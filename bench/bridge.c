/*
 * bridge.c — the host bridges' benchmark kernels, one per argv[1]:
 *   fetch URL N  N concurrent fetches of URL (the fixture's /t/big?kb=64);
 *                every body is checked byte by byte after the measurement
 *   await N      N weft_calls of the host function "resolved", which returns
 *                one already-resolved promise of 42; every value is checked
 *   idle         returns at once, leaving the export `noop` for JS to call
 * Prints one line of key=value figures for bench/kernels.mjs.
 */
#include <string.h>
#include "bench.h"
#include "weft.h"

typedef struct {
  int rc;
  void *body;
  size_t len;
  char why[120]; /* weft_last_error() of a failed fetch */
} fetched;

static const char *target;
static void *fetch_body(void *arg) {
  fetched *f = arg;
  weft_response r;
  if ((f->rc = weft_fetch(target, NULL, &r)) == 0) {
    int status = weft_response_status(r);
    if (status != 200) snprintf(f->why, sizeof f->why, "HTTP status %d", status), f->rc = WEFT_EINVAL;
    else f->rc = weft_response_body(r, &f->body, &f->len);
    weft_response_free(r);
  }
  if (f->rc && !f->why[0]) snprintf(f->why, sizeof f->why, "%s", weft_last_error());
  return NULL;
}

/* /t/big repeats one 64 KiB piece whose byte i is (i * 31 + 7) & 255
 * (wasm-tests/http-fixture.mjs). */
static int body_ok(const fetched *f, size_t expect) {
  const unsigned char *p = f->body;
  if (f->rc || f->len != expect) return 0;
  for (size_t i = 0; i < f->len; i++)
    if (p[i] != (((i % 65536) * 31 + 7) & 255)) return 0;
  return 1;
}

static void bench_fetch(const char *url, long n, size_t expect) {
  target = url;
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  fetched *got = calloc((size_t)n, sizeof *got);
  if (!ids || !got) bench_fail("fetch: no memory");
  bench_begin();
  for (long i = 0; i < n; i++) ids[i] = weft_spawn(fetch_body, &got[i], NULL);
  for (long i = 0; i < n; i++) weft_join(ids[i], NULL);
  bench_end();
  long bad = 0;
  for (long i = 0; i < n; i++) {
    if (!body_ok(&got[i], expect) && bad++ == 0)
      fprintf(stderr, "fetch %ld: %s, %zu bytes (%s)\n", i, weft_strerror(got[i].rc), got[i].len, got[i].why);
    free(got[i].body);
  }
  if (bad) bench_fail("fetch: %ld of %ld bodies were not the %zu bytes expected", bad, n, expect);
  printf("fetch n=%ld ops=1 bytes=%zu\n", n, (size_t)n * expect);
  free(ids);
  free(got);
}

static void bench_await(long n) {
  long bad = 0;
  bench_begin();
  for (long i = 0; i < n; i++) {
    int32_t v = 0;
    bad += weft_call("resolved", ">i", &v) != 0 || v != 42;
  }
  bench_end();
  if (bad) bench_fail("await: %ld of %ld calls did not give 42 (%s)", bad, n, weft_last_error());
  printf("await n=%ld ops=%ld\n", n, n);
}

WEFT_EXPORT(noop) {
  weft_return_double(a, weft_args_double(a, 0));
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "fetch") && argc > 4) bench_fetch(argv[2], atol(argv[3]), (size_t)atol(argv[4]));
  else if (!strcmp(what, "await") && argc > 2) bench_await(atol(argv[2]));
  else if (strcmp(what, "idle")) bench_fail("usage: fetch URL N BYTES | await N | idle (got '%s')", what);
  return 0;
}
