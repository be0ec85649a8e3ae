/*
 * bridge.c — the host bridges from C: awaiting JS functions (weft_call),
 * handles, functions JS calls as coroutines (WEFT_EXPORT), and fetch
 * against the test server (argv[2] is its base URL). One scenario per
 * argv[1]; wasm-tests/bridge.test.mjs checks what each prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "weft.h"

static const char *base, *refused_url; /* argv[2], argv[3] */
static char *url(const char *path) {
  static char buf[8][256];
  static int next;
  char *u = buf[next++ % 8];
  snprintf(u, 256, "%s%s", base, path);
  return u;
}

#define SHOW(expr) printf("%s = %s\n", #expr, weft_strerror(expr))
#define CONCURRENT 200 /* weft_calls in flight at once */

/* ---- weft_call ---------------------------------------------------------- */

WEFT_JS_FUNCTION(c_declared, async (a, b) => { await new Promise((r) => setTimeout(r, 5)); return a * b; })

static void *concurrent_caller(void *arg) {
  int32_t r = 0;
  int rc = weft_call("gate", "ii>i", (int32_t)(intptr_t)arg, (int32_t)CONCURRENT, &r);
  return (void *)(intptr_t)(rc == 0 && r == 2 * (int32_t)(intptr_t)arg);
}

static int calls(void) {
  int32_t i = 0;
  double d = 0;
  char *s = NULL;
  void *bytes = NULL;
  size_t len = 0;
  printf("int rc=%d v=%d\n", weft_call("add", "ii>i", 40, 2, &i), i);
  printf("double rc=%d v=%.3f\n", weft_call("half", "d>d", 5.0, &d), d);
  printf("string rc=%d v=%s\n", weft_call("greet", "s>s", "wörld", &s), s);
  free(s);
  unsigned char all[256];
  for (int k = 0; k < 256; k++) all[k] = (unsigned char)k;
  int rc = weft_call("reverse", "b>b", all, sizeof all, &bytes, &len);
  int ok = len == 256;
  for (size_t k = 0; ok && k < len; k++) ok = ((unsigned char *)bytes)[k] == 255 - k;
  printf("bytes rc=%d len=%zu reversed=%d\n", rc, len, ok);
  free(bytes);
  printf("c-declared rc=%d v=%d\n", weft_call("c_declared", "ii>i", 6, 7, &i), i);
  printf("void rc=%d\n", weft_call("nothing", ">"));
  rc = weft_call("reject", "s>", "bad news");
  printf("reject rc=%s msg=%s\n", weft_strerror(rc), weft_last_error());
  rc = weft_call("throws", ">");
  printf("throws rc=%s msg=%s\n", weft_strerror(rc), weft_last_error());
  rc = weft_call("no_such_fn", ">");
  printf("unknown rc=%s msg=%s\n", weft_strerror(rc), weft_last_error());
  rc = weft_call("greet", "s>i", "x", &i);
  printf("wrong type rc=%s msg=%s\n", weft_strerror(rc), weft_last_error());
  SHOW(weft_call("add", "iq>i", 1, 2, &i));
  SHOW(weft_call("add", "ii", 1, 2));
  SHOW(weft_call(NULL, ">"));
  printf("after success msg=[%s]\n", (weft_call("add", "ii>i", 1, 1, &i), weft_last_error()));
  char *big = NULL;
  rc = weft_call("big_text", "i>s", 64 << 20, &big);
  printf("big string rc=%d len=%zu\n", rc, big ? strlen(big) : 0);
  free(big);

  enum { N = CONCURRENT };
  weft_id ids[N];
  for (int k = 0; k < N; k++) ids[k] = weft_spawn(concurrent_caller, (void *)(intptr_t)k, NULL);
  int good = 0;
  for (int k = 0; k < N; k++) {
    void *r;
    weft_join(ids[k], &r);
    good += r != NULL;
  }
  printf("concurrent good=%d\n", good);
  return 0;
}

/* ---- handles ------------------------------------------------------------- */

static int handles(void) {
  weft_handle h = 0;
  int32_t n = 0;
  printf("make rc=%d\n", weft_call("make_counter", ">h", &h));
  weft_call("bump", "h>i", h, &n);
  weft_call("bump", "h>i", h, &n);
  printf("bumped n=%d\n", n);
  printf("free rc=%d\n", weft_handle_free(h));
  int rc = weft_call("bump", "h>i", h, &n);
  printf("stale rc=%s msg=%s\n", weft_strerror(rc), weft_last_error());
  SHOW(weft_call("bump", "h>i", (weft_handle)12345, &n));
  SHOW(weft_call("bump", "h>i", (weft_handle)-7, &n));
  SHOW(weft_handle_free(h));
  SHOW(weft_handle_free(0));
  return 0;
}

/* ---- exported to JS --------------------------------------------------------- */

WEFT_EXPORT(add_numbers) {
  weft_return_double(a, weft_args_double(a, 0) + weft_args_double(a, 1));
  return 0;
}

WEFT_EXPORT(shout) {
  const char *s = weft_args_string(a, 0);
  size_t n;
  const unsigned char *b = weft_args_bytes(a, 1, &n);
  if (!s || !b) return weft_args_fail(a, WEFT_EINVAL, "shout wants a string and bytes");
  char out[64];
  snprintf(out, sizeof out, "%s! (%zu bytes, last %u)", s, n, n ? b[n - 1] : 0);
  weft_return_string(a, out);
  return 0;
}

WEFT_EXPORT(nap_then_double) {
  double x = weft_args_double(a, 0);
  char mine[32]; /* a local that must survive the sleep */
  snprintf(mine, sizeof mine, "%.0f", x);
  weft_sleep(20);
  weft_return_double(a, atof(mine) * 2);
  return 0;
}

WEFT_EXPORT(calls_js) {
  int32_t r = 0;
  int rc = weft_call("add", "ii>i", weft_args_int(a, 0), 1, &r);
  if (rc) return rc;
  weft_return_int(a, r);
  return 0;
}

/* A generator consumed from JS with for await. */
static int producer_stops;
WEFT_EXPORT(count_up) {
  int n = weft_args_int(a, 0);
  for (int i = 0; i < n; i++) {
    weft_return_int(a, i * 10);
    if (weft_args_yield(a)) { /* JS left the loop: clean up and return */
      producer_stops++;
      return 0;
    }
    weft_sleep(1);
  }
  return 0;
}

WEFT_EXPORT(stops) {
  weft_return_int(a, producer_stops);
  return 0;
}

WEFT_EXPORT(refuses) { return weft_args_fail(a, WEFT_EINVAL, "refused: bad input"); }

EM_JS(void, js_throw, (void), { throw new Error('boom from a host callback'); });
WEFT_EXPORT(crashes) {
  weft_yield();
  js_throw();
  return 0;
}

EMSCRIPTEN_KEEPALIVE int outside_call(void) {
  int32_t r;
  return weft_call("add", "ii>i", 1, 2, &r);
}

/* ---- fetch ----------------------------------------------------------------- */

static void show_fetch_error(const char *what, int rc) {
  printf("%s rc=%s msg=%s\n", what, weft_strerror(rc), weft_last_error());
}

static int fetch_basic(void) {
  weft_response r;
  int rc = weft_fetch(url("/t/hello"), NULL, &r);
  char text[64], name[64], value[64];
  printf("hello rc=%d status=%d\n", rc, weft_response_status(r));
  weft_response_status_text(r, text, sizeof text);
  printf("status text=%s\n", text);
  int n = weft_response_header(r, "X-Weft", value, sizeof value);
  printf("x-weft=%s len=%d missing=%s\n", value, n,
         weft_strerror(weft_response_header(r, "x-absent", value, sizeof value)));
  int found = 0;
  for (int i = 0; weft_response_header_at(r, i, name, sizeof name, value, sizeof value) >= 0; i++)
    if (!strcmp(name, "content-type") && !strcmp(value, "text/plain")) found = 1;
  printf("iterated content-type=%d\n", found);
  void *body;
  size_t len;
  rc = weft_response_body(r, &body, &len);
  printf("body rc=%d [%.*s]\n", rc, (int)len, (char *)body);
  free(body);
  char buf[16];
  printf("read after end = %s\n", weft_strerror((int)weft_response_read(r, buf, sizeof buf)));
  weft_response_free(r);
  printf("read after free = %s\n", weft_strerror((int)weft_response_read(r, buf, sizeof buf)));
  printf("status after free = %s\n", weft_strerror(weft_response_status(r)));

  for (int code = 404; code <= 500; code += 96) {
    char path[32];
    snprintf(path, sizeof path, "/t/status/%d", code);
    rc = weft_fetch(url(path), NULL, &r);
    weft_response_body(r, &body, &len);
    printf("status %d rc=%d body=%.*s\n", weft_response_status(r), rc, (int)len, (char *)body);
    free(body);
    weft_response_free(r);
  }
  rc = weft_fetch(url("/t/redirect"), NULL, &r);
  weft_response_body(r, &body, &len);
  printf("redirect rc=%d status=%d body=%.*s\n", rc, weft_response_status(r), (int)len, (char *)body);
  free(body);
  weft_response_free(r);
  return 0;
}

static int fetch_echo(void) {
  unsigned char payload[512];
  for (int i = 0; i < 512; i++) payload[i] = (unsigned char)(i & 255);
  const char *headers[] = {"X-Test", "tested", "X-Other", "ünïcode-free", NULL};
  headers[3] = "other value";
  weft_response r;
  int rc = weft_fetch(url("/t/echo"),
                      &(weft_fetch_opts){.method = "PUT", .headers = headers, .body = payload, .body_len = 512}, &r);
  char value[64];
  weft_response_header(r, "x-echo-method", value, sizeof value);
  printf("echo rc=%d status=%d method=%s", rc, weft_response_status(r), value);
  weft_response_header(r, "x-echo-x-test", value, sizeof value);
  printf(" x-test=%s", value);
  weft_response_header(r, "x-echo-x-other", value, sizeof value);
  printf(" x-other=%s\n", value);
  void *body;
  size_t len;
  weft_response_body(r, &body, &len);
  printf("echo body len=%zu same=%d\n", len, len == 512 && !memcmp(body, payload, 512));
  free(body);
  weft_response_free(r);

  rc = weft_fetch(url("/t/bytes"), NULL, &r);
  unsigned char small[7]; /* odd-sized reads across chunk boundaries */
  size_t total = 0;
  int ok = 1;
  long n;
  while ((n = weft_response_read(r, small, sizeof small)) > 0) {
    for (long k = 0; k < n; k++) ok &= small[k] == ((total + (size_t)k) & 255);
    total += (size_t)n;
  }
  printf("bytes total=%zu every-value=%d end=%ld\n", total, ok, n);
  weft_response_free(r);
  return 0;
}

static int fetch_stream(void) {
  weft_response r;
  int rc = weft_fetch(url("/t/chunked?n=6&ms=15"), NULL, &r);
  char buf[256];
  long n, total = 0;
  while ((n = weft_response_read(r, buf, sizeof buf)) > 0) total += n;
  printf("chunked rc=%d total=%ld end=%ld\n", rc, total, n);
  weft_response_free(r);

  /* The body streams: its first half is read while the server still holds
   * the second, which only this coroutine's next request releases. */
  static int gate_id;
  char path[64], first[32] = "", rest[32] = "";
  snprintf(path, sizeof path, "/t/gated/%d", ++gate_id);
  rc = weft_fetch(url(path), NULL, &r);
  n = weft_response_read(r, first, sizeof first - 1);
  if (n > 0) first[n] = 0;
  snprintf(path, sizeof path, "/t/release/%d", gate_id);
  weft_response r2;
  void *body;
  size_t len;
  if (weft_fetch(url(path), NULL, &r2) == 0) {
    weft_response_body(r2, &body, &len);
    free(body);
    weft_response_free(r2);
  }
  long m = weft_response_read(r, rest, sizeof rest - 1);
  if (m > 0) rest[m] = 0;
  n = weft_response_read(r, buf, sizeof buf);
  first[strcspn(first, "\n")] = rest[strcspn(rest, "\n")] = 0;
  printf("gated rc=%d first=[%s] rest=[%s] end=%ld\n", rc, first, rest, n);
  weft_response_free(r);

  /* A large body streamed through one small buffer: memory stays bounded. */
  size_t heap0 = (size_t)sbrk(0);
  rc = weft_fetch(url("/t/big?mb=64"), NULL, &r);
  static unsigned char big[64 * 1024];
  size_t got = 0;
  int same = 1;
  while ((n = weft_response_read(r, big, sizeof big)) > 0) {
    for (long k = 0; k < n; k += 4099) same &= big[k] == (((got + (size_t)k) % 65536 * 31 + 7) & 255);
    got += (size_t)n;
  }
  printf("big rc=%d mb=%zu same=%d end=%ld heap_growth_kb=%zu\n", rc, got >> 20, same, n,
         ((size_t)sbrk(0) - heap0) >> 10);
  weft_response_free(r);
  return 0;
}

static int fetch_failures(void) {
  weft_response r;
  show_fetch_error("invalid", weft_fetch("http://[bad", NULL, &r));
  show_fetch_error("refused", weft_fetch(refused_url, NULL, &r));
  show_fetch_error("bad signal", weft_fetch(url("/t/hello"), &(weft_fetch_opts){.signal = 4242}, &r));

  int rc = weft_fetch(url("/t/reset"), NULL, &r);
  char buf[8192];
  long n, got = 0;
  while ((n = weft_response_read(r, buf, sizeof buf)) > 0) got += n;
  printf("reset fetch rc=%d got>0:%d ", rc, got > 0);
  show_fetch_error("read", (int)n);
  weft_response_free(r);

  double t0 = weft_now();
  /* The answer would take a minute: only the timeout can end this soon. */
  rc = weft_fetch(url("/t/slow?ms=60000"), &(weft_fetch_opts){.timeout_ms = 100}, &r);
  printf("timeout quick=%d ", weft_now() - t0 < 30000);
  show_fetch_error("timeout", rc);
  return 0;
}

static weft_handle stopper;
static void *abort_later(void *arg) {
  weft_sleep(50);
  printf("abort rc=%d\n", weft_abort(stopper));
  return NULL;
}

static int fetch_abort(void) {
  stopper = weft_abort_new();
  weft_id helper = weft_spawn(abort_later, NULL, NULL);
  weft_response r;
  int rc = weft_fetch(url("/t/slow?ms=60000"), &(weft_fetch_opts){.signal = stopper}, &r);
  show_fetch_error("aborted", rc);
  weft_join(helper, NULL);
  /* Aborting a body read in progress. */
  weft_handle s2 = weft_abort_new();
  rc = weft_fetch(url("/t/chunked?n=50&ms=20"), &(weft_fetch_opts){.signal = s2}, &r);
  char buf[64];
  weft_response_read(r, buf, sizeof buf);
  weft_abort(s2);
  long n;
  while ((n = weft_response_read(r, buf, sizeof buf)) > 0) {}
  show_fetch_error("aborted read", (int)n);
  weft_response_free(r);
  weft_handle_free(stopper);
  weft_handle_free(s2);
  return 0;
}

static void *fetch_one(void *arg) {
  weft_response r;
  if (weft_fetch(arg, NULL, &r)) return NULL;
  void *body;
  size_t len;
  int ok = weft_response_body(r, &body, &len) == 0 && len == 4 && !memcmp(body, "slow", 4);
  free(body);
  weft_response_free(r);
  return (void *)(intptr_t)ok;
}

/* n concurrent fetches: each answered after delay_ms, or (delay_ms < 0) held
 * by the server until all n are open at once. */
static int fetch_many(int n, int delay_ms) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  char path[64];
  if (delay_ms < 0) snprintf(path, sizeof path, "/t/crowd?n=%d", n);
  else snprintf(path, sizeof path, "/t/slow?ms=%d", delay_ms);
  char *u = url(path);
  double t0 = weft_now();
  for (int i = 0; i < n; i++) ids[i] = weft_spawn(fetch_one, u, NULL);
  int ok = 0;
  for (int i = 0; i < n; i++) {
    void *r;
    weft_join(ids[i], &r);
    ok += r != NULL;
  }
  printf("many n=%d ok=%d ms=%.0f\n", n, ok, weft_now() - t0);
  free(ids);
  return 0;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  base = argc > 2 ? argv[2] : "";
  refused_url = argc > 3 ? argv[3] : "";
  if (!strcmp(t, "calls")) return calls();
  if (!strcmp(t, "handles")) return handles();
  if (!strcmp(t, "fetch-basic")) return fetch_basic();
  if (!strcmp(t, "fetch-echo")) return fetch_echo();
  if (!strcmp(t, "fetch-stream")) return fetch_stream();
  if (!strcmp(t, "fetch-failures")) return fetch_failures();
  if (!strcmp(t, "fetch-abort")) return fetch_abort();
  if (!strcmp(t, "fetch-many")) return fetch_many(argc > 4 ? atoi(argv[4]) : 500, argc > 5 ? atoi(argv[5]) : 200);
  if (!strcmp(t, "idle")) return 0;
  printf("unknown scenario '%s'\n", t);
  return 2;
}
