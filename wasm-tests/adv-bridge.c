/*
 * adv-bridge.c — the adversarial catalogue of the host bridges: weft_call,
 * handles, the weft_args_/weft_return_ functions and fetch fed NULL,
 * garbage, boundary values and hostile host functions. main runs the case
 * named by argv[1] (argv[2], argv[3]: the test server's base URL and a
 * refused URL), then proves the program still works and held nothing:
 * a plain weft_call, no host op in flight, no coroutine but main, the C
 * heap as before, the zero page untouched. The exports below serve the
 * cases JS drives (program.call, iterate). wasm-tests/adv-bridge.test.mjs
 * checks every line; it also runs this program linked with
 * -sMAXIMUM_MEMORY=64MB (out of memory) and with its heap above 2 GiB.
 */
#include <limits.h>
#include <malloc.h>
#include <math.h>
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

/* ---- reporting ------------------------------------------------------------ */

static const char *code(long rc) {
  static const char *names[] = {"OK", "EINVAL", "ENOMEM", "ENOTCO", "ESRCH", "EJOINED", "EBUSY",
                                "EDEADLK", "ESAVEAREA", "ESTACK", "EHOST", "ECANCELED", "ETIMEDOUT",
                                "EJS", "EHANDLE", "ENET", "ECLOSED", "EPIPE", "EAGAIN", "ENOASYNC"};
  static char other[32];
  if (rc <= 0 && rc >= -19) return names[-rc];
  snprintf(other, sizeof other, "%ld", rc);
  return other;
}

/* "what rc=CODE msg=..." : the code and weft_last_error() of a failed call. */
static void show(const char *what, long rc) {
  printf("%s rc=%s msg=", what, code(rc));
  for (const char *m = weft_last_error(); *m; m++) fputs(*m == '\n' ? "\\n" : (char[]){*m, 0}, stdout);
  putchar('\n');
}
#define SHOW(expr) printf("%s = %s\n", #expr, code(expr))

/* The zero page: a write through NULL lands here without trapping in wasm. */
static volatile uintptr_t zero_addr = 0;
static unsigned char zero_page[64];
static void zero_snapshot(void) { memcpy(zero_page, (const void *)zero_addr, sizeof zero_page); }
static int zero_same(void) { return !memcmp(zero_page, (const void *)zero_addr, sizeof zero_page); }

/* One past the last byte of linear memory. */
static uintptr_t memory_end(void) { return (uintptr_t)__builtin_wasm_memory_size(0) * 65536u; }

EMSCRIPTEN_KEEPALIVE size_t heap_used(void) { return mallinfo().uordblks; }

/* ---- weft_call: signatures and arguments ------------------------------------ */

static void sig_bad_char(void) { int32_t i; show("iq>i", weft_call("add", "iq>i", 1, 2, &i)); }
static void sig_no_arrow(void) { show("ii", weft_call("add", "ii", 1, 2)); }
static void sig_two_results(void) { int32_t i, j; show("i>ii", weft_call("add", "i>ii", 1, &i, &j)); }
static void sig_too_many(void) {
  int32_t r;
  show("17 args", weft_call("add", "iiiiiiiiiiiiiiiii>i", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, &r));
}
static void sig_empty(void) { show("empty", weft_call("add", "")); }
static void sig_null(void) { show("sig NULL", weft_call("add", NULL)); }
static void name_null(void) { show("name NULL", weft_call(NULL, ">")); }
static void sig_max_args(void) {
  int32_t r = 0;
  int rc = weft_call("sum", "iiiiiiiiiiiiiiii>i", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, &r);
  printf("16 args rc=%s r=%d\n", code(rc), r);
}

static void msg_not_stale(void) {
  show("reject", weft_call("fail", "s>", "error"));
  show("bad sig", weft_call("add", "x>"));
  show("unknown", weft_call("nope", ">"));
  int32_t i;
  show("null result", weft_call("add", "ii>i", 1, 2, NULL));
  (void)i;
}

/* The case: an unknown name's message, then a bad signature's own. */
static void sig_after_unknown(void) {
  char *a, *b;
  show("lookpu", weft_call("lookpu", "s>s", "x", &a));
  show("si>ss", weft_call("lookup", "si>ss", "x", 1, &a, &b));
  show("second >", weft_call("add", "i>i>", 1));
  show("control byte", weft_call("add", "i\x01>i", 1));
}

/* WEFT_CALL: the C arguments' types against the signature. */
static void call_checked(void) {
  int32_t r = 0;
  double d = 0;
  char *s = NULL;
  void *b = NULL;
  size_t n = 0;
  unsigned char bytes[3] = {1, 2, 3};
  show("ok", WEFT_CALL("add", "ii>i", 2, 3, &r));
  printf("ok r=%d\n", r);
  show("int for d", WEFT_CALL("half", "d>d", 5, &d));
  show("double for i", WEFT_CALL("add", "ii>i", 2.5, 3, &r));
  show("int for s", WEFT_CALL("kind", "s>s", 7, &s));
  show("double * for i", WEFT_CALL("add", "ii>i", 2, 3, &d));
  show("long long", WEFT_CALL("add", "ii>i", 2, 3LL, &r));
  show("too few", WEFT_CALL("add", "ii>i", 2, 3));
  show("too many", WEFT_CALL("add", "ii>i", 2, 3, &r, &r));
  show("b without length", WEFT_CALL("bytelen", "b>i", bytes, &r));
  show("b", WEFT_CALL("bytelen", "b>i", bytes, sizeof bytes, &r));
  printf("b r=%d\n", r);
  show("s NULL", WEFT_CALL("kind", "s>s", NULL, &s));
  printf("s NULL s=%s\n", s);
  free(s);
  show("b result", WEFT_CALL("val", "s>b", "bytes", &b, &n));
  printf("b result len=%zu\n", n);
  free(b);
  show("none", WEFT_CALL("add", ">"));
  show("bad sig", WEFT_CALL("add", "iq>i", 1, 2, &r));
  (void)d;
}

static void unknown_fn(void) { show("unknown", weft_call("no_such_fn", ">")); }

static void result_null(void) {
  zero_snapshot();
  int rc = weft_call("add", "ii>i", 1, 2, NULL);
  show("i NULL", rc);
  void *p = NULL;
  show("b NULL len", weft_call("val", "s>b", "bytes", &p, NULL));
  show("s NULL", weft_call("val", "s>s", "string", NULL));
  printf("zero page same=%d p=%s\n", zero_same(), p ? "set" : "NULL");
}

static void arg_b_null_len(void) {
  int32_t n = -99;
  int rc = weft_call("bytelen", "b>i", NULL, (size_t)16, &n);
  show("NULL,16", rc);
  printf("n=%d\n", n);
}

static void arg_b_null_zero(void) {
  int32_t n = -99;
  int rc = weft_call("bytelen", "b>i", NULL, (size_t)0, &n);
  printf("NULL,0 rc=%s n=%d\n", code(rc), n);
}

static void arg_b_beyond(void) {
  int32_t n = -99;
  const char *last = (const char *)(memory_end() - 8);
  show("end-8,1MiB", weft_call("bytelen", "b>i", last, (size_t)1 << 20, &n));
  show("end-8,SIZE_MAX", weft_call("bytelen", "b>i", last, (size_t)SIZE_MAX, &n));
  int rc = weft_call("bytelen", "b>i", last, (size_t)8, &n);
  printf("end-8,8 rc=%s n=%d\n", code(rc), n);
}

static void arg_s_null(void) {
  char *s = NULL;
  int rc = weft_call("kind", "s>s", NULL, &s);
  printf("NULL string rc=%s kind=%s\n", code(rc), s ? s : "(null)");
  free(s);
}

static void all_types(void) {
  weft_handle h = 0;
  weft_call("make", "s>h", "tagged", &h);
  unsigned char bytes[3] = {1, 2, 250};
  char *s = NULL;
  int rc = weft_call("roundtrip", "idsbh>s", -7, 2.5, "wörld", bytes, sizeof bytes, h, &s);
  printf("roundtrip rc=%s s=%s\n", code(rc), s ? s : "(null)");
  free(s);
  int32_t i = 0;
  double d = 0;
  void *b = NULL;
  size_t len = 0;
  weft_handle h2 = 0;
  char *s2 = NULL;
  printf("i rc=%s v=%d\n", code(weft_call("val", "s>i", "int", &i)), i);
  printf("d rc=%s v=%g\n", code(weft_call("val", "s>d", "double", &d)), d);
  printf("s rc=%s v=%s\n", code(weft_call("val", "s>s", "string", &s2)), s2);
  printf("b rc=%s len=%zu first=%d\n", code(weft_call("val", "s>b", "bytes", &b, &len)), len,
         b ? ((unsigned char *)b)[0] : -1);
  printf("h rc=%s tag ok=%d\n", code(weft_call("val", "s>h", "object", &h2)), h2 > 0);
  free(s2);
  free(b);
  weft_handle_free(h2);
  weft_handle_free(h);
}

/* ---- weft_call: what the host function returns -------------------------------- */

static void res_kind(const char *sig, const char *kind) {
  int32_t i = -99;
  double d = -99;
  char *s = NULL;
  void *b = NULL;
  size_t len = 0;
  weft_handle h = -99;
  int rc;
  switch (sig[2]) {
  case 'i': rc = weft_call("val", "s>i", kind, &i); break;
  case 'd': rc = weft_call("val", "s>d", kind, &d); break;
  case 's': rc = weft_call("val", "s>s", kind, &s); break;
  case 'b': rc = weft_call("val", "s>b", kind, &b, &len); break;
  default: rc = weft_call("val", "s>h", kind, &h); break;
  }
  char what[64];
  snprintf(what, sizeof what, "%s %s", sig, kind);
  show(what, rc);
  if (rc == 0) printf("  i=%d d=%g s=%s len=%zu h=%d\n", i, d, s ? s : "(null)", len, h > 0);
  free(s);
  free(b);
  if (rc == 0 && h > 0) weft_handle_free(h);
}

static void res_s_nul(void) { res_kind("s>s", "nul-string"); }
static void res_i_string(void) { res_kind("s>i", "string"); }
static void res_i_fraction(void) { res_kind("s>i", "fraction"); }
static void res_i_range(void) { res_kind("s>i", "huge"); res_kind("s>i", "nan"); }
static void res_i_bool(void) { res_kind("s>i", "true"); }
static void res_d_bigint(void) { res_kind("s>d", "bigint"); }
static void res_h_number(void) { res_kind("s>h", "int"); res_kind("s>h", "null"); }
static void res_b_string(void) { res_kind("s>b", "string"); }
static void res_s_undefined(void) { res_kind("s>s", "undefined"); }

static void res_b_liar(void) {
  void *b = NULL;
  size_t len = 0;
  int rc = weft_call("val", "s>b", "liar", &b, &len);
  int ok = len == 1000;
  for (size_t k = 0; ok && k < len; k++) ok = ((unsigned char *)b)[k] == (unsigned char)(k * 7);
  printf("liar rc=%s len=%zu same=%d\n", code(rc), len, ok);
  free(b);
}

static void res_b_dataview(void) {
  void *b = NULL;
  size_t len = 0;
  int rc = weft_call("val", "s>b", "dataview", &b, &len);
  printf("dataview rc=%s len=%zu bytes=%d,%d\n", code(rc), len, len > 1 ? ((unsigned char *)b)[0] : -1,
         len > 1 ? ((unsigned char *)b)[len - 1] : -1);
  free(b);
}

static void res_b_detached(void) {
  void *b = NULL;
  size_t len = 99;
  int rc = weft_call("val", "s>b", "detached", &b, &len);
  printf("detached rc=%s len=%zu\n", code(rc), len);
  free(b);
}

/* The host hands back a view of this program's own memory, so large that
 * copying it in grows the memory (which detaches the view's buffer). */
static void res_b_memview(void) {
  size_t n = 24u << 20;
  unsigned char *src = malloc(n);
  for (size_t k = 0; k < n; k++) src[k] = (unsigned char)(k * 13 + 1);
  void *b = NULL;
  size_t len = 0;
  int rc = weft_call("memview", "ii>b", (int32_t)(intptr_t)src, (int32_t)n, &b, &len);
  int same = len == n && !memcmp(b, src, n);
  printf("memview rc=%s len=%zu same=%d\n", code(rc), len, same); if (rc) printf("  %s\n", weft_last_error());
  free(b);
  free(src);
}

/* ---- weft_call: rejections ----------------------------------------------------- */

static void rej(const char *kind) {
  int rc = weft_call("fail", "s>", kind);
  printf("%s rc=%s msg=%s\n", kind, code(rc), weft_last_error());
}
static void rej_null_proto(void) { rej("null-proto"); }
static void rej_getter_throws(void) { rej("getter-throws"); }
static void rej_weftcode_5(void) { rej("weftcode-5"); }
static void rej_weftcode_unknown(void) { rej("weftcode-999"); rej("weftcode-string"); }
static void rej_known_code(void) { rej("known-code"); }
static void rej_string(void) { rej("string"); rej("undefined"); rej("symbol"); }
static void rej_bad_then(void) { rej("bad-then"); }
static void rej_revoked_proxy(void) { rej("revoked-proxy"); }
static void rej_tostring_throws(void) { rej("tostring-throws"); }
/* A native promise returned as it is, with hostile own properties. */
static void rej_hostile_promise(void) {
  const char *kinds[] = {"then-throws", "constructor-throws", "species-throws"};
  for (int i = 0; i < 3; i++) {
    int32_t v = -99;
    int rc = weft_call("hostile", "s>i", kinds[i], &v);
    printf("%s rc=%s v=%d msg=%s\n", kinds[i], code(rc), v, weft_last_error());
  }
}

/* ---- handles ------------------------------------------------------------------- */

static void handle_stale(void) {
  weft_handle h = 0;
  int32_t n = 0;
  weft_call("make", "s>h", "x", &h);
  weft_handle_free(h);
  show("stale", weft_call("bump", "h>i", h, &n));
}

static void handle_forged(void) {
  int32_t n = 0;
  const weft_handle forged[] = {0, -7, 12345, 0x7fffffff, INT32_MIN, 1 << 20};
  for (size_t k = 0; k < sizeof forged / sizeof *forged; k++) {
    char what[32];
    snprintf(what, sizeof what, "forged %d", forged[k]);
    show(what, weft_call("bump", "h>i", forged[k], &n));
  }
}

/* A freed handle stays refused however many handles come and go after it. */
static void handle_wrap(void) {
  weft_handle first = weft_abort_new();
  weft_handle_free(first);
  int bad = 0;
  for (int k = 0; k < 5000; k++) {
    weft_handle h = weft_abort_new();
    if (h <= 0 || h == first) bad++;
    weft_handle_free(h);
  }
  printf("wrap bad=%d abort(first)=%s free(first)=%s\n", bad, code(weft_abort(first)), code(weft_handle_free(first)));
  int32_t s = -1;
  show("call with first", weft_call("signal_state", "h>i", first, &s));
}

/* More than 2^20 live handles, each its own. */
static void handle_many(void) {
  int n = (1 << 20) + 16;
  weft_handle *hs = malloc(sizeof *hs * (size_t)n);
  int bad = 0;
  for (int k = 0; k < n; k++) if ((hs[k] = weft_abort_new()) <= 0) bad++;
  int last = n - 1, mid = 1 << 20;
  printf("many bad=%d abort(last)=%s abort(mid)=%s\n", bad, code(weft_abort(hs[last])), code(weft_abort(hs[mid])));
  int32_t a = -1, b = -1, c = -1;
  weft_call("signal_state", "h>i", hs[0], &a);
  weft_call("signal_state", "h>i", hs[mid], &b);
  weft_call("signal_state", "h>i", hs[last], &c);
  printf("aborted first=%d mid=%d last=%d\n", a, b, c);
  int freed = 0;
  for (int k = 0; k < n; k++) freed += weft_handle_free(hs[k]) == 0;
  printf("freed=%d\n", freed);
  free(hs);
}

/* The table is close to exhausted (the test set it so): allocation fails
 * cleanly and freeing does not recycle values. */
static void handle_exhaust(void) {
  int made = 0, rc = 0;
  weft_handle hs[64];
  for (int k = 0; k < 64; k++) {
    rc = weft_abort_new();
    if (rc <= 0) break;
    hs[made++] = rc;
  }
  printf("made=%d then %s\n", made, code(rc));
  for (int k = 0; k < made; k++) weft_handle_free(hs[k]);
  printf("after free: %s\n", code(weft_abort_new() > 0 ? 0 : WEFT_ENOMEM));
  int32_t i = 0;
  show("call >h", weft_call("make", "s>h", "x", &i));
}

static void handle_free_garbage(void) {
  SHOW(weft_handle_free(0));
  SHOW(weft_handle_free(-1));
  SHOW(weft_handle_free(INT32_MAX));
  weft_handle h = weft_abort_new();
  SHOW(weft_handle_free(h));
  SHOW(weft_handle_free(h));
}

/* weft_handle_free on a response releases it as weft_response_free does. */
static void handle_free_response(void) {
  weft_response r;
  int rc = weft_fetch(url("/t/chunked?n=200&ms=50"), &(weft_fetch_opts){.timeout_ms = 600000}, &r);
  printf("fetch rc=%s\n", code(rc));
  char buf[8];
  weft_response_read(r, buf, sizeof buf);
  printf("handle_free(r)=%s status after=%s\n", code(weft_handle_free(r)), code(weft_response_status(r)));
}

/* ---- weft_args_ / weft_return_ with NULL ------------------------------------------ */

static void args_null(void) {
  zero_snapshot();
  size_t len = 99;
  printf("count=%d int=%d double=%s string=%s bytes=%s len=%zu handle=%d\n", weft_args_count(NULL),
         weft_args_int(NULL, 0), isnan(weft_args_double(NULL, 0)) ? "nan" : "number",
         weft_args_string(NULL, 0) ? "set" : "NULL", weft_args_bytes(NULL, 0, &len) ? "set" : "NULL", len,
         weft_args_handle(NULL, 0));
  weft_args_bytes(NULL, 0, NULL);
  weft_return_int(NULL, 7);
  weft_return_double(NULL, 7);
  weft_return_string(NULL, "x");
  weft_return_bytes(NULL, "x", 1);
  weft_return_handle(NULL, 7);
  printf("yield=%s fail=%s\n", code(weft_args_yield(NULL)), code(weft_args_fail(NULL, WEFT_EINVAL, "x")));
  printf("zero page same=%d\n", zero_same());
}

/* ---- names and signatures in mutable buffers ----------------------------------------- */

static void mutable_name(void) {
  char name[8], sig[8];
  int32_t r = 0;
  double d = 0;
  strcpy(name, "add");
  strcpy(sig, "ii>i");
  printf("add rc=%s r=%d\n", code(weft_call(name, sig, 2, 3, &r)), r);
  strcpy(name, "sub");
  printf("sub rc=%s r=%d\n", code(weft_call(name, sig, 2, 3, &r)), r);
  strcpy(name, "half");
  strcpy(sig, "d>d");
  printf("half rc=%s d=%g\n", code(weft_call(name, sig, 5.0, &d)), d);
}

/* ---- cancellation and deadlines give a message too --------------------------------- */

static void *call_forever(void *arg) {
  int rc = weft_call("forever", ">");
  printf("cancelled call rc=%s msg=%s\n", code(rc), weft_last_error());
  return NULL;
}

static void *fetch_slow(void *arg) {
  weft_response r;
  int rc = weft_fetch(url("/t/slow?ms=60000"), NULL, &r);
  printf("cancelled fetch rc=%s msg=%s\n", code(rc), weft_last_error());
  return NULL;
}

static void cancel_msg(void) {
  weft_id a = weft_spawn(call_forever, NULL, NULL), b = weft_spawn(fetch_slow, NULL, NULL);
  weft_sleep(20);
  weft_cancel(a);
  weft_cancel(b);
  weft_join(a, NULL);
  weft_join(b, NULL);
}

static void scope_msg(void) {
  weft_scope s;
  weft_scope_enter(&s, 30);
  weft_response r;
  int rc = weft_fetch(url("/t/slow?ms=60000"), NULL, &r);
  printf("scope fetch rc=%s msg=%s\n", code(rc), weft_last_error());
  weft_scope_exit(&s);
  weft_scope_enter(&s, 30);
  rc = weft_call("forever", ">");
  printf("scope call rc=%s msg=%s\n", code(rc), weft_last_error());
  weft_scope_exit(&s);
}

/* ---- fetch: requests ---------------------------------------------------------------- */

static void fetch_case(const char *what, const char *u, const weft_fetch_opts *o) {
  weft_response r = -99;
  int rc = weft_fetch(u, o, &r);
  show(what, rc);
  if (rc == 0) {
    printf("  status=%d\n", weft_response_status(r));
    weft_response_free(r);
  }
}

static void fetch_null(void) {
  weft_response r;
  show("url NULL", weft_fetch(NULL, NULL, &r));
  show("out NULL", weft_fetch(url("/t/hello"), NULL, NULL));
}

static void fetch_bad_method(void) {
  fetch_case("bad method", url("/t/hello"), &(weft_fetch_opts){.method = "BAD METHOD"});
  fetch_case("CONNECT", url("/t/hello"), &(weft_fetch_opts){.method = "CONNECT"});
}

static void fetch_bad_header(void) {
  const char *bad_name[] = {"bad name", "v", NULL};
  fetch_case("bad header name", url("/t/hello"), &(weft_fetch_opts){.headers = bad_name});
  const char *bad_value[] = {"X-A", "line\nbreak", NULL};
  fetch_case("bad header value", url("/t/hello"), &(weft_fetch_opts){.headers = bad_value});
}

static void fetch_header_no_value(void) {
  const char *h[] = {"X-A", NULL, NULL};
  fetch_case("header without value", url("/t/hello"), &(weft_fetch_opts){.headers = h});
}

static void fetch_body_null(void) {
  fetch_case("body NULL,16", url("/t/echo"), &(weft_fetch_opts){.method = "POST", .body_len = 16});
}

static void fetch_body_beyond(void) {
  const char *last = (const char *)(memory_end() - 8);
  fetch_case("body end-8,1MiB", url("/t/echo"), &(weft_fetch_opts){.method = "POST", .body = last, .body_len = 1 << 20});
}

static void fetch_get_body(void) {
  fetch_case("GET with body", url("/t/echo"), &(weft_fetch_opts){.body = "abc", .body_len = 3});
}

static void fetch_timeouts(void) {
  double big[] = {INFINITY, 2147483648.0, 1e300, 2147483647.0};
  const char *names[] = {"Infinity", "2^31", "1e300", "2^31-1"};
  for (int k = 0; k < 4; k++) {
    char what[32];
    snprintf(what, sizeof what, "timeout %s", names[k]);
    fetch_case(what, url("/t/slow?ms=30"), &(weft_fetch_opts){.timeout_ms = big[k]});
  }
}

static void fetch_timeout_bad(void) {
  fetch_case("timeout NaN", url("/t/hello"), &(weft_fetch_opts){.timeout_ms = NAN});
  fetch_case("timeout -1", url("/t/hello"), &(weft_fetch_opts){.timeout_ms = -1});
  fetch_case("timeout -Infinity", url("/t/hello"), &(weft_fetch_opts){.timeout_ms = -INFINITY});
}

static void fetch_signal_bad(void) {
  weft_response r;
  weft_fetch(url("/t/hello"), NULL, &r);
  fetch_case("response as signal", url("/t/hello"), &(weft_fetch_opts){.signal = r});
  weft_response_free(r);
  weft_handle s = weft_abort_new();
  weft_abort(s);
  fetch_case("aborted signal", url("/t/hello"), &(weft_fetch_opts){.signal = s});
  weft_handle_free(s);
  fetch_case("freed signal", url("/t/hello"), &(weft_fetch_opts){.signal = s});
}

/* ---- fetch: responses ----------------------------------------------------------------- */

static weft_response hello(void) {
  weft_response r = 0;
  if (weft_fetch(url("/t/hello"), NULL, &r)) printf("fetch failed: %s\n", weft_last_error());
  return r;
}

static void resp_header_invalid(void) {
  weft_response r = hello();
  char v[32];
  SHOW(weft_response_header(r, "bad name", v, sizeof v));
  SHOW(weft_response_header(r, "x-\n", v, sizeof v));
  SHOW(weft_response_header(r, "", v, sizeof v));
  SHOW(weft_response_header(r, NULL, v, sizeof v));
  printf("x-weft len=%d\n", weft_response_header(r, "x-weft", v, sizeof v));
  weft_response_free(r);
}

static void resp_text_buffers(void) {
  weft_response r = hello();
  char buf[64];
  memset(buf, '#', sizeof buf);
  printf("measure NULL,0 = %d\n", weft_response_status_text(r, NULL, 0));
  printf("NULL,64 = %s\n", code(weft_response_status_text(r, NULL, 64)));
  printf("cap 0 = %d untouched=%d\n", weft_response_status_text(r, buf, 0), buf[0] == '#');
  printf("cap 5 = %d [%s]\n", weft_response_status_text(r, buf, 5), buf);
  printf("cap SIZE_MAX = %d [%s]\n", weft_response_status_text(r, buf, SIZE_MAX), buf);
  memset(buf, '#', sizeof buf);
  printf("cap 2^31 = %d [%s]\n", weft_response_status_text(r, buf, (size_t)1 << 31), buf);
  char *past = (char *)(memory_end() + 64);
  printf("past the end = %s\n", code(weft_response_status_text(r, past, 16)));
  char *last = (char *)(memory_end() - 4);
  printf("at the end, cap 64 = %s\n", code(weft_response_status_text(r, last, 64)));
  printf("header value NULL,8 = %s\n", code(weft_response_header(r, "x-weft", NULL, 8)));
  printf("header measure = %d\n", weft_response_header(r, "x-weft", NULL, 0));
  weft_response_free(r);
}

static void resp_url(void) {
  weft_response r = hello();
  char buf[64];
  memset(buf, '#', sizeof buf);
  int full = weft_response_url(r, NULL, 0);
  printf("measure ok=%d\n", full == (int)strlen(url("/t/hello")));
  printf("NULL,64 = %s\n", code(weft_response_url(r, NULL, 64)));
  printf("cap 0 untouched=%d\n", weft_response_url(r, buf, 0) == full && buf[0] == '#');
  printf("cap 5 = [%s] %d\n", (weft_response_url(r, buf, 5), buf), (int)strlen(buf));
  weft_response_url(r, buf, sizeof buf);
  printf("full ok=%d\n", !strcmp(buf, url("/t/hello")));
  printf("past the end = %s\n", code(weft_response_url(r, (char *)(memory_end() + 64), 16)));
  weft_response_free(r);
  printf("stale = %s\n", code(weft_response_url(r, buf, sizeof buf)));
  printf("garbage = %s %s\n", code(weft_response_url(0, buf, sizeof buf)), code(weft_response_url(-7, buf, sizeof buf)));
  weft_handle s = weft_abort_new();
  printf("signal = %s\n", code(weft_response_url(s, buf, sizeof buf)));
  weft_handle_free(s);
}

/* The redirect option: follow (the final URL), error, manual, garbage. */
static void fetch_redirect(void) {
  const weft_redirect modes[] = {WEFT_REDIRECT_FOLLOW, WEFT_REDIRECT_ERROR, WEFT_REDIRECT_MANUAL};
  const char *names[] = {"follow", "error", "manual"};
  for (int k = 0; k < 3; k++) {
    weft_response r;
    int rc = weft_fetch(url("/t/redirect"), &(weft_fetch_opts){.redirect = modes[k]}, &r);
    if (rc) {
      show(names[k], rc);
      continue;
    }
    char u[256], loc[64] = "";
    weft_response_url(r, u, sizeof u);
    weft_response_header(r, "location", loc, sizeof loc);
    const char *rel = strncmp(u, base, strlen(base)) ? u : u + strlen(base);
    printf("%s status=%d url=%s location=%s\n", names[k], weft_response_status(r), rel, loc);
    weft_response_free(r);
  }
  fetch_case("redirect 3", url("/t/redirect"), &(weft_fetch_opts){.redirect = 3});
  fetch_case("redirect -1", url("/t/redirect"), &(weft_fetch_opts){.redirect = -1});
}

static void resp_header_at(void) {
  weft_response r = hello();
  char n[32], v[32];
  SHOW(weft_response_header_at(r, -1, n, sizeof n, v, sizeof v));
  SHOW(weft_response_header_at(r, 1000, n, sizeof n, v, sizeof v));
  SHOW(weft_response_header_at(r, INT_MAX, n, sizeof n, v, sizeof v));
  printf("name NULL,0 value=%d\n", weft_response_header_at(r, 0, NULL, 0, v, sizeof v) > 0);
  printf("name NULL,8 = %s\n", code(weft_response_header_at(r, 0, NULL, 8, v, sizeof v)));
  weft_response_free(r);
}

static void read_caps(void) {
  char buf[64];
  weft_response r = hello();
  long n = weft_response_read(r, buf, (size_t)1 << 31);
  printf("cap 2^31 n=%ld [%.*s]\n", n, n > 0 ? (int)n : 0, buf);
  weft_response_free(r);
  r = hello();
  n = weft_response_read(r, buf, SIZE_MAX);
  printf("cap SIZE_MAX n=%ld\n", n);
  printf("NULL = %s, cap 0 = %s\n", code(weft_response_read(r, NULL, 8)), code(weft_response_read(r, buf, 0)));
  weft_response_free(r);
}

static void read_beyond(void) {
  weft_response r = hello();
  long n = weft_response_read(r, (char *)(memory_end() - 4), 64);
  show("end-4,64", n);
  char buf[64];
  n = weft_response_read(r, buf, sizeof buf);
  printf("then n=%ld [%.*s]\n", n, n > 0 ? (int)n : 0, buf);
  n = weft_response_read(r, (char *)(memory_end() + 64), 8);
  show("past the end", n);
  weft_response_free(r);
}

/* Two coroutines read one body that arrives faster than they take it:
 * together they get every byte once, in order (each checks the offsets it got). */
static weft_response shared;
static size_t shared_total;
static int shared_same = 1;
static void *reader(void *arg) {
  unsigned char buf[4096];
  long n;
  while ((n = weft_response_read(shared, buf, sizeof buf)) > 0) {
    for (long k = 0; k < n; k++) shared_same &= buf[k] == (((shared_total + (size_t)k) % 65536 * 31 + 7) & 255);
    shared_total += (size_t)n;
  }
  return (void *)(intptr_t)n;
}

static void read_concurrent(void) {
  weft_fetch(url("/t/big?kb=1024"), NULL, &shared);
  weft_id a = weft_spawn(reader, NULL, NULL), b = weft_spawn(reader, NULL, NULL);
  void *ra, *rb;
  weft_join(a, &ra);
  weft_join(b, &rb);
  intptr_t lo = (intptr_t)ra < (intptr_t)rb ? (intptr_t)ra : (intptr_t)rb, hi = (intptr_t)ra ^ (intptr_t)rb ^ lo;
  printf("total=%zu same=%d ends=%s,", shared_total, shared_same, code(lo));
  printf("%s\n", code(hi));
  weft_response_free(shared);
}

static void status_garbage(void) {
  weft_handle s = weft_abort_new();
  SHOW(weft_response_status(0));
  SHOW(weft_response_status(-1));
  SHOW(weft_response_status(INT32_MAX));
  SHOW(weft_response_status(s));
  char buf[8];
  SHOW(weft_response_status_text(s, buf, sizeof buf));
  SHOW(weft_response_read(s, buf, sizeof buf));
  SHOW(weft_response_free(s));
  weft_handle_free(s);
}

static void free_twice(void) {
  weft_response r = hello();
  SHOW(weft_response_free(r));
  SHOW(weft_response_free(r));
  SHOW(weft_response_free(0));
}

static void body_null(void) {
  weft_response r = hello();
  void *d;
  size_t len;
  SHOW(weft_response_body(r, NULL, &len));
  SHOW(weft_response_body(r, &d, NULL));
  SHOW(weft_response_body(0, &d, &len));
  weft_response_free(r);
}

static void abort_garbage(void) {
  weft_response r = hello();
  SHOW(weft_abort(0));
  SHOW(weft_abort(-5));
  SHOW(weft_abort(r));
  weft_handle s = weft_abort_new();
  SHOW(weft_abort(s));
  SHOW(weft_abort(s));
  weft_handle_free(s);
  SHOW(weft_abort(s));
  weft_response_free(r);
}

/* ---- the program ends while requests are in flight ---------------------------------------- */

static void *slow_body(void *arg) {
  weft_response r;
  if (weft_fetch(url("/t/chunked?n=1000&ms=100"), &(weft_fetch_opts){.timeout_ms = 600000}, &r)) return NULL;
  char buf[64];
  while (weft_response_read(r, buf, sizeof buf) > 0) {}
  return NULL;
}

static void exit_pending(void) {
  weft_spawn(fetch_slow, NULL, &(weft_opts){.flags = WEFT_DETACHED});
  weft_spawn(slow_body, NULL, &(weft_opts){.flags = WEFT_DETACHED});
  weft_response held; /* a response nobody reads */
  weft_fetch(url("/t/chunked?n=1000&ms=100"), NULL, &held);
  int32_t n = 0;
  weft_call("wait_server", "i>i", 3, &n); /* until the server sees all three */
  printf("exiting with %d requests open\n", n);
  fflush(stdout);
  exit(3);
}

/* ---- out of memory (the -sMAXIMUM_MEMORY=64MB build) ---------------------------------------- */

static void oom_call(void) {
  char *s = NULL;
  show("s>s 100MB", weft_call("val", "s>s", "100MB-string", &s));
  printf("s=%s\n", s ? "set" : "NULL");
  void *b = NULL;
  size_t len = 7;
  show("s>b 100MB", weft_call("val", "s>b", "100MB-bytes", &b, &len));
  printf("b=%s len=%zu\n", b ? "set" : "NULL", len);
}

/* Fill the heap until even small allocations fail, then call the host.
 * A first round with the heap free grows this coroutine's save area to
 * what these calls need (with none left, it could not even suspend). */
static void exhausted_round(int fill) {
  enum { MAX_BLOCKS = 1 << 16 };
  void **blocks = malloc(sizeof(void *) * MAX_BLOCKS);
  int n = 0;
  for (size_t size = 32u << 20; fill && size >= 8 && n < MAX_BLOCKS;) {
    void *p = malloc(size);
    if (p) blocks[n++] = p;
    else size /= 2;
  }
  /* The string result first, while not a byte is left for it. */
  char *s = NULL;
  int rc2 = weft_call("val", "s>s", "string", &s);
  int msg2 = weft_last_error()[0] != 0;
  int rc = weft_call("fail", "s>", "error");
  int msg = weft_last_error()[0] != 0;
  int32_t i = 0;
  int rc3 = weft_call("add", "ii>i", 2, 3, &i);
  for (int k = 0; k < n; k++) free(blocks[k]);
  free(blocks);
  free(s);
  if (fill)
    printf("full: reject rc=%s msg=%d s>s rc=%s msg=%d add rc=%s i=%d\n", code(rc), msg, code(rc2), msg2, code(rc3), i);
}

static void oom_exhausted(void) {
  exhausted_round(0);
  exhausted_round(1);
}

static void oom_body(void) {
  weft_response r;
  int rc = weft_fetch(url("/t/big?mb=100"), NULL, &r);
  void *d = NULL;
  size_t len = 0;
  show("body 100MB", weft_response_body(r, &d, &len));
  printf("fetch rc=%s d=%s free=%s\n", code(rc), d ? "set" : "NULL", code(weft_response_free(r)));
}

/* ---- exports for the cases JS drives ----------------------------------------------------- */

/* Called from JS directly (no coroutine, no argument memory): take nearly
 * all of the heap so that the host's next malloc fails, and give it back. */
static void *ballast;
EMSCRIPTEN_KEEPALIVE int fill_heap(void) {
  void **blocks = NULL;
  int n = 0;
  for (size_t size = 32u << 20; size >= 16;) {
    void **p = malloc(size);
    if (!p) {
      size /= 2;
      continue;
    }
    *p = blocks; /* a list through the blocks themselves */
    blocks = p;
    n++;
  }
  ballast = blocks;
  return n;
}

EMSCRIPTEN_KEEPALIVE void release_heap(void) {
  for (void **p = ballast; p;) {
    void **next = *p;
    free(p);
    p = next;
  }
  ballast = NULL;
}

WEFT_EXPORT(add_numbers) {
  weft_return_double(a, weft_args_double(a, 0) + weft_args_double(a, 1));
  return 0;
}

/* What it was given: "count:type,type,..." with s<len>, b<len>, h, d, - (none). */
WEFT_EXPORT(describe) {
  char out[256];
  int n = weft_args_count(a);
  size_t o = (size_t)snprintf(out, sizeof out, "%d:", n);
  for (int i = 0; i < n && o < sizeof out - 16; i++) {
    size_t len;
    const char *s = weft_args_string(a, i);
    const void *b = weft_args_bytes(a, i, &len);
    if (s) o += (size_t)snprintf(out + o, sizeof out - o, "s%zu,", strlen(s));
    else if (b) o += (size_t)snprintf(out + o, sizeof out - o, "b%zu,", len);
    else if (weft_args_handle(a, i)) o += (size_t)snprintf(out + o, sizeof out - o, "h,");
    else if (!isnan(weft_args_double(a, i))) o += (size_t)snprintf(out + o, sizeof out - o, "d,");
    else o += (size_t)snprintf(out + o, sizeof out - o, "-,");
  }
  weft_return_string(a, out);
  return 0;
}

/* "length:sum" of the bytes of argument 0, as a check that they arrived intact. */
WEFT_EXPORT(byte_sum) {
  size_t len;
  const unsigned char *b = weft_args_bytes(a, 0, &len);
  if (!b) return weft_args_fail(a, WEFT_EINVAL, "byte_sum wants bytes");
  unsigned long long sum = 0;
  for (size_t k = 0; k < len; k++) sum += b[k];
  char out[48];
  snprintf(out, sizeof out, "%zu:%llu", len, sum);
  weft_return_string(a, out);
  return 0;
}

WEFT_EXPORT(probe_args) {
  size_t len = 99;
  char out[200];
  snprintf(out, sizeof out, "int(-1)=%d double(n)=%s string(INT_MAX)=%s bytes(0)=%s/%zu handle(0)=%d int(string)=%d",
           weft_args_int(a, -1), isnan(weft_args_double(a, weft_args_count(a))) ? "nan" : "number",
           weft_args_string(a, INT_MAX) ? "set" : "NULL", weft_args_bytes(a, 0, &len) ? "set" : "NULL", len,
           weft_args_handle(a, 0), weft_args_int(a, 1));
  weft_return_string(a, out);
  return 0;
}

WEFT_EXPORT(to_int) {
  weft_return_int(a, weft_args_int(a, 0));
  return 0;
}

WEFT_EXPORT(return_null_string) {
  weft_return_string(a, NULL);
  return 0;
}

WEFT_EXPORT(return_null_bytes) {
  weft_return_bytes(a, NULL, (size_t)weft_args_int(a, 0));
  return 0;
}

WEFT_EXPORT(return_handle) {
  weft_return_handle(a, weft_args_count(a) ? weft_args_handle(a, 0) : 12345);
  return 0;
}

WEFT_EXPORT(fail_with) {
  return weft_args_fail(a, weft_args_int(a, 0), weft_args_string(a, 1));
}

WEFT_EXPORT(return_big_bytes) {
  size_t n = (size_t)weft_args_int(a, 0);
  void *p = malloc(n);
  if (!p) return weft_args_fail(a, WEFT_ENOMEM, "return_big_bytes: no room for the source");
  memset(p, 1, n);
  weft_return_bytes(a, p, n);
  free(p);
  return 0;
}

/* Yields 0, 10, 20, ... args[0] times. */
WEFT_EXPORT(count_up) {
  int n = weft_args_int(a, 0);
  for (int i = 0; i < n; i++) {
    weft_return_int(a, i * 10);
    if (weft_args_yield(a)) return 0;
  }
  return 0;
}

/* The mutable-buffer check from JS: calls `name` through one buffer. */
WEFT_EXPORT(call_by_name) {
  static char name[32];
  snprintf(name, sizeof name, "%s", weft_args_string(a, 0) ? weft_args_string(a, 0) : "");
  int32_t r = 0;
  int rc = weft_call(name, "ii>i", 7, 2, &r);
  if (rc) return weft_args_fail(a, rc, weft_last_error());
  weft_return_int(a, r);
  return 0;
}

/* ---- heap above 2 GiB ------------------------------------------------------------------------ */

/* With ballast below, everything else lands above 2 GiB: this coroutine's
 * stack, its buffers, the host's copies. Every bridge path runs here. */
static void *high_work(void *arg) {
  char local[64];
  char *heap = malloc(4096);
  printf("stack high=%d heap high=%d\n", (uintptr_t)local >= 0x80000000u, (uintptr_t)heap >= 0x80000000u);
  int32_t i = 0;
  double d = 0;
  char *s = NULL;
  void *b = NULL;
  size_t len = 0;
  weft_handle h = 0;
  strcpy(heap, "wörld");
  unsigned char bytes[3] = {1, 2, 250};
  weft_call("make", "s>h", "high", &h);
  printf("roundtrip rc=%s", code(weft_call("roundtrip", "idsbh>s", -7, 2.5, heap, bytes, sizeof bytes, h, &s)));
  printf(" s=%s high=%d\n", s ? s : "(null)", (uintptr_t)s >= 0x80000000u);
  free(s);
  s = NULL;
  printf("i rc=%s v=%d\n", code(weft_call("val", "s>i", "int", &i)), i);
  printf("d rc=%s v=%g\n", code(weft_call("val", "s>d", "double", &d)), d);
  printf("s rc=%s v=%s\n", code(weft_call("val", "s>s", "string", &s)), s);
  printf("b rc=%s len=%zu\n", code(weft_call("val", "s>b", "bytes", &b, &len)), len);
  weft_handle h2 = 0;
  printf("h rc=%s live=%d\n", code(weft_call("val", "s>h", "object", &h2)), h2 > 0);
  show("reject", weft_call("fail", "s>", "error"));
  show("bad sig", weft_call("add", "x>"));
  free(s);
  free(b);
  weft_handle_free(h2);
  weft_handle_free(h);

  const char *headers[] = {"X-Test", heap, NULL};
  weft_response r = 0;
  int rc = weft_fetch(url("/t/echo"), &(weft_fetch_opts){.method = "PUT", .headers = headers, .body = heap,
                                                         .body_len = strlen(heap)}, &r);
  printf("fetch rc=%s r>0=%d status=%d\n", code(rc), r > 0, weft_response_status(r));
  printf("header rc=%d value=%s\n", weft_response_header(r, "x-echo-x-test", local, sizeof local), local);
  long n = weft_response_read(r, heap + 100, 64);
  printf("read n=%ld [%.*s]\n", n, n > 0 ? (int)n : 0, heap + 100);
  weft_response_free(r);
  void *body = NULL;
  rc = weft_fetch(url("/t/bytes"), NULL, &r);
  rc = rc ? rc : weft_response_body(r, &body, &len);
  printf("body rc=%s len=%zu high=%d\n", code(rc), len, (uintptr_t)body >= 0x80000000u);
  free(body);
  weft_response_free(r);
  show("bad url", weft_fetch("http://[bad", NULL, &r));
  free(heap);
  return NULL;
}

static void high(void) {
  weft_id id = weft_spawn(high_work, NULL, NULL);
  weft_join(id, NULL);
}

/* ---- soak: 100k fetches (WEFT_LONG=1) ---------------------------------------------------------- */

static const char *soak_url;
static int soak_ok;
static void *soak_worker(void *arg) {
  for (int k = 0, n = (int)(intptr_t)arg; k < n; k++) {
    weft_response r;
    if (weft_fetch(soak_url, NULL, &r)) continue;
    void *d;
    size_t len;
    if (weft_response_body(r, &d, &len) == 0) {
      soak_ok += len == 15;
      free(d);
    }
    weft_response_free(r);
  }
  return NULL;
}

static void soak(void) {
  enum { WORKERS = 20 };
  soak_url = strdup(url("/t/hello"));
  int done = 0;
  for (int phase = 0; phase < 2; phase++) {
    int n = phase ? 90000 : 10000;
    weft_id ids[WORKERS];
    for (int k = 0; k < WORKERS; k++) ids[k] = weft_spawn(soak_worker, (void *)(intptr_t)(n / WORKERS), NULL);
    for (int k = 0; k < WORKERS; k++) weft_join(ids[k], NULL);
    done += n;
    int32_t r;
    weft_call("mark", "i>i", done, &r);
  }
  printf("soak ok=%d\n", soak_ok);
  free((void *)soak_url);
}

/* ---- main ------------------------------------------------------------------------------------ */

typedef void (*case_fn)(void);
static const struct { const char *name; case_fn fn; } cases[] = {
  {"sig-bad-char", sig_bad_char}, {"sig-no-arrow", sig_no_arrow}, {"sig-two-results", sig_two_results},
  {"sig-too-many", sig_too_many}, {"sig-empty", sig_empty}, {"sig-null", sig_null}, {"name-null", name_null},
  {"sig-max-args", sig_max_args}, {"msg-not-stale", msg_not_stale},
  {"sig-after-unknown", sig_after_unknown}, {"call-checked", call_checked}, {"resp-url", resp_url},
  {"fetch-redirect", fetch_redirect}, {"unknown-fn", unknown_fn},
  {"result-null", result_null}, {"arg-b-null-len", arg_b_null_len}, {"arg-b-null-zero", arg_b_null_zero},
  {"arg-b-beyond", arg_b_beyond}, {"arg-s-null", arg_s_null}, {"all-types", all_types},
  {"res-s-nul", res_s_nul}, {"res-i-string", res_i_string}, {"res-i-fraction", res_i_fraction},
  {"res-i-range", res_i_range}, {"res-i-bool", res_i_bool}, {"res-d-bigint", res_d_bigint},
  {"res-h-number", res_h_number}, {"res-b-string", res_b_string}, {"res-s-undefined", res_s_undefined},
  {"res-b-liar", res_b_liar}, {"res-b-dataview", res_b_dataview}, {"res-b-detached", res_b_detached},
  {"res-b-memview", res_b_memview},
  {"rej-null-proto", rej_null_proto}, {"rej-getter-throws", rej_getter_throws}, {"rej-weftcode-5", rej_weftcode_5},
  {"rej-weftcode-unknown", rej_weftcode_unknown}, {"rej-known-code", rej_known_code}, {"rej-string", rej_string},
  {"rej-bad-then", rej_bad_then}, {"rej-revoked-proxy", rej_revoked_proxy}, {"rej-tostring-throws", rej_tostring_throws},
  {"rej-hostile-promise", rej_hostile_promise},
  {"handle-stale", handle_stale}, {"handle-forged", handle_forged}, {"handle-wrap", handle_wrap},
  {"handle-many", handle_many}, {"handle-exhaust", handle_exhaust}, {"handle-free-garbage", handle_free_garbage},
  {"handle-free-response", handle_free_response},
  {"args-null", args_null}, {"mutable-name", mutable_name}, {"cancel-msg", cancel_msg}, {"scope-msg", scope_msg},
  {"fetch-null", fetch_null}, {"fetch-bad-method", fetch_bad_method}, {"fetch-bad-header", fetch_bad_header},
  {"fetch-header-no-value", fetch_header_no_value}, {"fetch-body-null", fetch_body_null},
  {"fetch-body-beyond", fetch_body_beyond}, {"fetch-get-body", fetch_get_body}, {"fetch-timeouts", fetch_timeouts},
  {"fetch-timeout-bad", fetch_timeout_bad}, {"fetch-signal-bad", fetch_signal_bad},
  {"resp-header-invalid", resp_header_invalid}, {"resp-text-buffers", resp_text_buffers},
  {"resp-header-at", resp_header_at}, {"read-caps", read_caps}, {"read-beyond", read_beyond},
  {"read-concurrent", read_concurrent}, {"status-garbage", status_garbage}, {"free-twice", free_twice},
  {"body-null", body_null}, {"abort-garbage", abort_garbage}, {"exit-pending", exit_pending},
  {"oom-call", oom_call}, {"oom-exhausted", oom_exhausted}, {"oom-body", oom_body}, {"high", high}, {"soak", soak},
};

/* Warm the lazily allocated parts (stdio, the op table, the timer heap,
 * control blocks) so that the heap before and after a case compares. */
static void *nothing(void *arg) { return arg; }
static void warm_up(void) {
  int32_t r;
  weft_call("add", "ii>i", 1, 1, &r);
  weft_id ids[4];
  for (int k = 0; k < 4; k++) ids[k] = weft_spawn(nothing, NULL, NULL);
  for (int k = 0; k < 4; k++) weft_join(ids[k], NULL);
  weft_sleep(1);
  printf("case %s\n", "start");
}

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "";
  base = argc > 2 ? argv[2] : "";
  refused_url = argc > 3 ? argv[3] : "";
  if (argc > 4 && !strcmp(argv[4], "high")) {
    /* The low 2 GiB, in pieces (sbrk takes a signed increment) and never
     * touched: what comes after lies above. */
    static void *volatile pieces[16]; /* kept, or the compiler drops the mallocs */
    for (int k = 0; k < 16 && (uintptr_t)sbrk(0) < 0x80000000u + (64u << 20); k++)
      if (!(pieces[k] = malloc(256u << 20))) printf("no ballast\n");
  }
  if (!strcmp(name, "idle")) return 0;
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    if (strcmp(cases[k].name, name)) continue;
    warm_up();
    weft_stats st0;
    weft_get_stats(&st0);
    size_t heap0 = heap_used(), held0 = st0.held_bytes;
    cases[k].fn();
    int32_t r = 0;
    int rc = weft_call("add", "ii>i", 2, 3, &r); /* still works; clears the last error */
    weft_stats st;
    weft_get_stats(&st);
    /* (what main itself holds may grow: a deeper suspension needs a larger save area) */
    printf("after rc=%s r=%d host_ops=%u live=%u heap_delta=%ld\n", code(rc), r, st.host_ops, st.live,
           (long)(heap_used() - heap0) - (long)(st.held_bytes - held0));
    return 0;
  }
  printf("unknown case '%s'\n", name);
  return 2;
}
