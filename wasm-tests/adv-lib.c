/*
 * adv-lib.c — the adversarial catalogue of the library layer: channels,
 * select, generators, mutex, semaphore, event, wait group and groups fed
 * NULL, garbage and boundary values, run out of memory and misused (freed
 * while in use, closed twice, used from the wrong coroutine). One scenario
 * per argv[1]; wasm-tests/adv-lib.test.mjs checks what each prints.
 *
 * Unless a scenario ends the program, it runs twice, the first time
 * silently, and then prints what the second run left behind: coroutines,
 * bytes held for them and heap bytes. The runtime's caches (control blocks,
 * the timer heap, the registry) warm up in the first run, so any difference
 * is a leak. Every wait that the old code could leave hanging is ended by a
 * cancel once its coroutine is seen blocked, never by a timer.
 */
#include <emscripten.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADV_ASAN 1
#include <sanitizer/allocator_interface.h>
/* A request that cannot be met gives NULL, as it does without ASan. */
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif
#endif

static size_t heap_bytes(void) {
#ifdef ADV_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo().uordblks;
#endif
}

static int quiet; /* the first, silent run */

/* printf unless quiet; its arguments are evaluated either way. */
static void SAY(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (!quiet) vprintf(fmt, ap);
  va_end(ap);
}
#define CHECK(label, expr) SAY("%s=%s\n", label, code(expr))

static const char *code(int rc) {
  static const char *const names[] = {"0", "EINVAL", "ENOMEM", "ENOTCO", "ESRCH", "EJOINED", "EBUSY",
    "EDEADLK", "ESAVEAREA", "ESTACK", "EHOST", "ECANCELED", "ETIMEDOUT", "EJS", "EHANDLE", "ENET",
    "ECLOSED", "EPIPE", "EAGAIN"};
  static char other[4][16];
  static int next;
  if (rc <= 0 && rc >= -18) return names[-rc];
  char *s = other[next++ & 3];
  snprintf(s, 16, "%d", rc);
  return s;
}

static const char *obj(const void *p) { return p ? "object" : "NULL"; }

/* A coroutine's int result, or the error that ended it. */
static int join_rc(weft_id id) {
  void *r = NULL;
  int err = weft_join(id, &r);
  return err ? err : (int)(intptr_t)r;
}

/* State of coroutine `id` (WEFT_READY...), -1 once it is gone. */
static int state_of(weft_id id) {
  static weft_info all[64];
  int n = weft_list(all, 64);
  for (int i = 0; i < n && i < 64; i++)
    if (all[i].id == id) return all[i].state;
  return -1;
}

/* Let others run until `id` waits for something (or has finished). */
static void until_blocked(weft_id id) {
  for (int s; (s = state_of(id)) != WEFT_BLOCKED && s != WEFT_DONE && s != -1;) weft_yield();
}

static const char *waits_of(weft_id id) {
  static weft_info all[64];
  int n = weft_list(all, 64);
  for (int i = 0; i < n && i < 64; i++)
    if (all[i].id == id) return all[i].waits;
  return "";
}

static weft_id spawn(weft_fn fn, void *arg) { return weft_spawn(fn, arg, NULL); }

/* Fill freed heap blocks of small sizes with 0x7f bytes, so that a use
 * after free reads garbage even without ASan (whose quarantine keeps them). */
static void *junk[96];
static void scribble(void) {
  for (int i = 0; i < 96; i++) {
    size_t size = 8 + (size_t)(i % 12) * 8;
    if ((junk[i] = malloc(size))) memset(junk[i], 0x7f, size);
  }
}
static void unscribble(void) {
  for (int i = 0; i < 96; i++) free(junk[i]);
}

/* A channel still carries values both ways. */
static const char *round_trip(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 1);
  int in = 1234, out = 0;
  int ok = ch && !weft_chan_send(ch, &in) && !weft_chan_recv(ch, &out) && out == in;
  if (ch) weft_chan_free(ch);
  return ok ? "ok" : "BROKEN";
}

/* ---- channels ------------------------------------------------------------- */

static int chan_new_sizes(void) {
  SAY("elem 0=%s\n", obj(weft_chan_new(0, 1)));
  SAY("elem 0 cap 0=%s\n", obj(weft_chan_new(0, 0)));
  SAY("elem SIZE_MAX=%s\n", obj(weft_chan_new(SIZE_MAX, 1)));
  SAY("cap SIZE_MAX=%s\n", obj(weft_chan_new(1, SIZE_MAX)));
  SAY("elem 1MiB+1=%s\n", obj(weft_chan_new((1u << 20) + 1, 1)));
  SAY("cap 16Mi+1=%s\n", obj(weft_chan_new(1, (1u << 24) + 1)));
  /* The largest element, and the largest capacity, still work. */
  weft_chan *big = weft_chan_new(1u << 20, 2);
  char *in = malloc(1u << 20), *out = calloc(1, 1u << 20);
  memset(in, 'a', 1u << 20);
  in[(1u << 20) - 1] = 'z';
  int rc = weft_chan_send(big, in);
  if (!rc) rc = weft_chan_recv(big, out);
  SAY("elem 1MiB: %s last=%c\n", code(rc), out[(1u << 20) - 1]);
  free(in);
  free(out);
  weft_chan_free(big);
  weft_chan *wide = weft_chan_new(1, 1u << 24);
  char c = 'x', d = 0;
  for (int i = 0; i < 3; i++) weft_chan_send(wide, &c);
  weft_chan_recv(wide, &d);
  SAY("cap 16Mi: %c\n", d);
  weft_chan_free(wide);
  return 0;
}

/* elem * cap wraps around 2^32: the ring must not be allocated short. */
static int wrapped(size_t elem, size_t cap) {
  weft_chan *ch = weft_chan_new(elem, cap);
  SAY("new(%zu, %zu)=%s\n", elem, cap, obj(ch));
  if (ch) { /* the old code: these sends write past a short ring */
    char *v = calloc(1, elem);
    for (int i = 0; i < 8; i++) weft_chan_send(ch, v);
    free(v);
    weft_chan_free(ch);
  }
  SAY("after: %s\n", round_trip());
  return 0;
}
static int chan_new_wrap(void) { return wrapped(4096, 1u << 20); }
static int chan_new_wrap_odd(void) { return wrapped(65537, 65537); }

static int chan_new_oom(void) {
  /* 4095 MiB: representable, but no 32-bit heap beside the program has it. */
  SAY("new(1MiB, 4095)=%s\n", obj(weft_chan_new(1u << 20, 4095)));
  SAY("after: %s\n", round_trip());
  return 0;
}

static int chan_many(void) {
  enum { N = 10000 };
  static weft_chan *all[N];
  int made = 0, moved = 0;
  for (int i = 0; i < N; i++) made += (all[i] = weft_chan_new(sizeof(int), 4)) != NULL;
  for (int i = 0; i < N; i++) {
    int v = -1;
    if (!weft_chan_send(all[i], &i) && !weft_chan_recv(all[i], &v) && v == i) moved++;
  }
  int freed = 0;
  for (int i = 0; i < N; i++) freed += weft_chan_free(all[i]) == 0;
  SAY("made=%d moved=%d freed=%d\n", made, moved, freed);
  return 0;
}

static int chan_null_args(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 1);
  int v = 7;
  CHECK("send(NULL, &v)", weft_chan_send(NULL, &v));
  CHECK("send(ch, NULL)", weft_chan_send(ch, NULL));
  CHECK("recv(NULL, &v)", weft_chan_recv(NULL, &v));
  CHECK("recv(ch, NULL)", weft_chan_recv(ch, NULL));
  CHECK("close(NULL)", weft_chan_close(NULL));
  CHECK("free(NULL)", weft_chan_free(NULL));
  /* Nothing was sent or lost by the bad calls. */
  int out = 0;
  CHECK("send", weft_chan_send(ch, &v));
  CHECK("recv", weft_chan_recv(ch, &out));
  SAY("value=%d\n", out);
  CHECK("free", weft_chan_free(ch));
  return 0;
}

static int chan_double_close(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 2);
  int v = 5, out = 0;
  weft_chan_send(ch, &v);
  CHECK("close", weft_chan_close(ch));
  CHECK("close again", weft_chan_close(ch));
  CHECK("send after close", weft_chan_send(ch, &v));
  CHECK("recv buffered", weft_chan_recv(ch, &out));
  SAY("value=%d\n", out);
  CHECK("recv drained", weft_chan_recv(ch, &out));
  CHECK("recv drained again", weft_chan_recv(ch, &out));
  CHECK("free", weft_chan_free(ch));
  SAY("after: %s\n", round_trip());
  return 0;
}

static void *receiver(void *arg) {
  int v = -1;
  int rc = weft_chan_recv(arg, &v);
  return (void *)(intptr_t)(rc ? rc : v);
}
static void *sender(void *arg) {
  int v = 99;
  return (void *)(intptr_t)weft_chan_send(arg, &v);
}

static int chan_free_waited(void) {
  weft_chan *rv = weft_chan_new(sizeof(int), 0), *sv = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(receiver, rv), s = spawn(sender, sv);
  until_blocked(r);
  until_blocked(s);
  CHECK("free with a receiver", weft_chan_free(rv));
  CHECK("free with a sender", weft_chan_free(sv));
  weft_chan_close(rv);
  weft_chan_close(sv);
  CHECK("receiver", join_rc(r));
  CHECK("sender", join_rc(s));
  CHECK("free", weft_chan_free(rv));
  CHECK("free", weft_chan_free(sv));
  SAY("after: %s\n", round_trip());
  return 0;
}

/* A receiver handed a value, not resumed yet, when the channel is freed. */
static int chan_free_handed(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(receiver, ch);
  until_blocked(r);
  int v = 4242;
  CHECK("send", weft_chan_send(ch, &v)); /* handed over: r is ready */
  CHECK("free", weft_chan_free(ch));
  scribble();
  SAY("receiver got=%s\n", code(join_rc(r)));
  unscribble();
  SAY("after: %s\n", round_trip());
  return 0;
}

/* The same through a select over two channels, both freed. */
static weft_chan *sel_a, *sel_b;
static void *select_two(void *arg) {
  int va = -1, vb = -1;
  weft_case cs[2] = {{sel_a, WEFT_RECV, &va, 0}, {sel_b, WEFT_RECV, &vb, 0}};
  int k = weft_select(cs, 2, -1);
  return (void *)(intptr_t)(k < 0 ? k : k == 0 ? va : vb);
}
static int chan_free_handed_select(void) {
  sel_a = weft_chan_new(sizeof(int), 0);
  sel_b = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(select_two, NULL);
  until_blocked(r);
  int v = 77;
  CHECK("send", weft_chan_send(sel_b, &v));
  CHECK("free a", weft_chan_free(sel_a));
  CHECK("free b", weft_chan_free(sel_b));
  scribble();
  SAY("select got=%s\n", code(join_rc(r)));
  unscribble();
  SAY("after: %s\n", round_trip());
  return 0;
}

/* A sender whose element moved into the ring, freed with it buffered. */
static int chan_free_buffered(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 1);
  int v = 1, out = 0;
  weft_chan_send(ch, &v);
  weft_id s = spawn(sender, ch);
  until_blocked(s);
  CHECK("recv", weft_chan_recv(ch, &out)); /* s's 99 takes the free place */
  CHECK("free with one buffered", weft_chan_free(ch));
  scribble();
  CHECK("sender", join_rc(s));
  unscribble();
  SAY("after: %s\n", round_trip());
  return 0;
}

static int chan_waiter_cancel(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(receiver, ch);
  until_blocked(r);
  CHECK("cancel", weft_cancel(r));
  CHECK("receiver", join_rc(r));
  CHECK("free", weft_chan_free(ch)); /* its wait left the queue */
  SAY("after: %s\n", round_trip());
  return 0;
}

static int chan_waiter_deadline(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  int v;
  weft_scope sc;
  weft_scope_enter(&sc, 1);
  CHECK("recv past the deadline", weft_chan_recv(ch, &v));
  SAY("scope expired=%d\n", weft_scope_exit(&sc));
  CHECK("free", weft_chan_free(ch));
  SAY("after: %s\n", round_trip());
  return 0;
}

static int chan_close_wakes_all(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  weft_id r[3], s[3];
  for (int i = 0; i < 3; i++) r[i] = spawn(receiver, ch);
  for (int i = 0; i < 3; i++) until_blocked(r[i]);
  CHECK("close with receivers", weft_chan_close(ch));
  for (int i = 0; i < 3; i++) SAY("receiver %d=%s\n", i, code(join_rc(r[i])));
  weft_chan_free(ch);
  ch = weft_chan_new(sizeof(int), 1);
  int v = 0;
  weft_chan_send(ch, &v);
  for (int i = 0; i < 3; i++) s[i] = spawn(sender, ch);
  for (int i = 0; i < 3; i++) until_blocked(s[i]);
  CHECK("close with senders", weft_chan_close(ch));
  for (int i = 0; i < 3; i++) SAY("sender %d=%s\n", i, code(join_rc(s[i])));
  CHECK("recv buffered", weft_chan_recv(ch, &v));
  CHECK("free", weft_chan_free(ch));
  return 0;
}

/* ---- select ---------------------------------------------------------------- */

static int select_bad_args(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 1);
  int v = 3;
  weft_case ok = {ch, WEFT_RECV, &v, 0};
  CHECK("cases NULL, n 1", weft_select(NULL, 1, 0));
  CHECK("n -1", weft_select(&ok, -1, 0));
  CHECK("n INT_MIN", weft_select(&ok, INT_MIN, -1));
  CHECK("op 0", weft_select(&(weft_case){ch, 0, &v, 0}, 1, 0));
  CHECK("op 3", weft_select(&(weft_case){ch, 3, &v, 0}, 1, 0));
  CHECK("val NULL", weft_select(&(weft_case){ch, WEFT_SEND, NULL, 0}, 1, 0));
  CHECK("timeout NaN", weft_select(&ok, 1, NAN));
  /* Nothing was done by the bad calls: the channel is empty, then works. */
  CHECK("poll", weft_select(&ok, 1, 0));
  weft_case snd = {ch, WEFT_SEND, &v, 0};
  SAY("send case=%s\n", code(weft_select(&snd, 1, -1)));
  v = 0;
  SAY("recv case=%s value=%d\n", code(weft_select(&ok, 1, -1)), v);
  CHECK("free", weft_chan_free(ch));
  return 0;
}

static void *send_one(void *arg) {
  int v = 31;
  return (void *)(intptr_t)weft_chan_send(arg, &v);
}

/* A case with a NULL channel is never ready: Go's nil channel. */
static int select_nil_case(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  int v = -1, junkv;
  weft_case cs[3] = {{NULL, WEFT_RECV, &junkv, 0}, {ch, WEFT_RECV, &v, 0}, {NULL, 0, NULL, 0}};
  CHECK("poll", weft_select(cs, 3, 0));
  CHECK("timeout 1", weft_select(cs, 3, 1));
  weft_id s = spawn(send_one, ch);
  int k = weft_select(cs, 3, -1);
  SAY("fired=%s value=%d result=%s\n", code(k), v, code(cs[1].result));
  CHECK("sender", join_rc(s));
  CHECK("free", weft_chan_free(ch));
  return 0;
}

static int select_all_nil(void) {
  int v;
  weft_case cs[2] = {{NULL, WEFT_RECV, &v, 0}, {NULL, WEFT_SEND, &v, 0}};
  CHECK("all nil, poll", weft_select(cs, 2, 0));
  CHECK("all nil, timeout 1", weft_select(cs, 2, 1));
  CHECK("no cases, poll", weft_select(NULL, 0, 0));
  CHECK("no cases, timeout 1", weft_select(NULL, 0, 1));
  SAY("after: %s\n", round_trip());
  return 0;
}

static void *select_forever(void *arg) {
  weft_case c = {NULL, WEFT_RECV, NULL, 0};
  return (void *)(intptr_t)(arg ? weft_select(&c, 1, -1) : weft_select(NULL, 0, -1));
}

/* A select that can never fire blocks until cancelled. */
static int select_empty_cancel(void) {
  for (intptr_t nil = 0; nil < 2; nil++) {
    weft_id f = spawn(select_forever, (void *)nil);
    until_blocked(f);
    SAY("%s: state=%s waits=%s\n", nil ? "nil case" : "no cases", state_of(f) == WEFT_BLOCKED ? "blocked" : "not blocked",
        waits_of(f));
    weft_cancel(f);
    SAY("result=%s\n", code(join_rc(f)));
  }
  return 0;
}

static int select_empty_deadline(void) {
  weft_scope sc;
  weft_scope_enter(&sc, 1);
  CHECK("no cases in a scope", weft_select(NULL, 0, -1));
  SAY("scope expired=%d\n", weft_scope_exit(&sc));
  weft_scope_enter(&sc, 1);
  CHECK("nil case in a scope", weft_select(&(weft_case){NULL, WEFT_SEND, NULL, 0}, 1, -1));
  SAY("scope expired=%d\n", weft_scope_exit(&sc));
  return 0;
}

/* Ends in the deadlock report: main waits on a select that cannot fire. */
static int select_deadlock_empty(void) {
  printf("waiting\n");
  int rc = weft_select(NULL, 0, -1);
  printf("select returned %s\n", code(rc));
  return 0;
}
static int select_deadlock_nil(void) {
  printf("waiting\n");
  int v;
  int rc = weft_select(&(weft_case){NULL, WEFT_RECV, &v, 0}, 1, -1);
  printf("select returned %s\n", code(rc));
  return 0;
}
/* An infinite timeout is no timeout: nothing else can run, so deadlock. */
static int select_deadlock_infinite(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  int v;
  printf("waiting\n");
  int rc = weft_select(&(weft_case){ch, WEFT_RECV, &v, 0}, 1, INFINITY);
  printf("select returned %s\n", code(rc));
  return 0;
}

static weft_chan *inf_ch;
static void *select_timeout(void *arg) {
  int v = -1;
  weft_case c = {inf_ch, WEFT_RECV, &v, 0};
  int k = weft_select(&c, 1, *(double *)arg);
  return (void *)(intptr_t)(k < 0 ? k : v);
}

/* Infinity, -Infinity and negative timeouts wait with no timer. */
static int select_infinite(void) {
  static double timeouts[] = {INFINITY, -INFINITY, -5};
  inf_ch = weft_chan_new(sizeof(int), 0);
  for (int i = 0; i < 3; i++) {
    weft_id s = spawn(select_timeout, &timeouts[i]);
    until_blocked(s);
    weft_stats st;
    weft_get_stats(&st);
    int v = 55;
    weft_chan_send(inf_ch, &v);
    SAY("timeout %g: sleeping=%u got=%s\n", timeouts[i], st.sleeping, code(join_rc(s)));
  }
  weft_chan_free(inf_ch);
  return 0;
}

/* 4096 cases of a 1 MiB channel: their slots add up past 2^32. */
static weft_chan *wrap_ch;
static void *select_huge(void *arg) {
  enum { N = 4096 };
  weft_case *cs = calloc(N, sizeof *cs);
  char *out = malloc(1u << 20);
  for (int i = 0; i < N; i++) cs[i] = (weft_case){wrap_ch, WEFT_RECV, out, 0};
  int k = weft_select(cs, N, -1);
  free(cs);
  free(out);
  return (void *)(intptr_t)k;
}
static int select_wrap(void) {
  wrap_ch = weft_chan_new(1u << 20, 0);
  weft_id s = spawn(select_huge, NULL);
  until_blocked(s);
  if (state_of(s) == WEFT_BLOCKED) { /* the old code: hand it a value */
    char *v = calloc(1, 1u << 20);
    weft_chan_send(wrap_ch, v);
    free(v);
  }
  SAY("select=%s\n", code(join_rc(s)));
  CHECK("free", weft_chan_free(wrap_ch));
  SAY("after: %s\n", round_trip());
  return 0;
}

static int select_closed(void) {
  weft_chan *ch = weft_chan_new(sizeof(int), 0);
  int v = 1;
  weft_chan_close(ch);
  weft_case s = {ch, WEFT_SEND, &v, 0}, r = {ch, WEFT_RECV, &v, 0};
  int k = weft_select(&s, 1, -1);
  SAY("send case on closed: %s result=%s\n", code(k), code(s.result));
  k = weft_select(&r, 1, -1);
  SAY("recv case on closed: %s result=%s\n", code(k), code(r.result));
  CHECK("free", weft_chan_free(ch));
  return 0;
}

/* The same channel in two cases; one fires, no wait is left behind. */
static weft_chan *dup_ch;
static void *select_dup(void *arg) {
  int a = -1, b = -1;
  weft_case cs[2] = {{dup_ch, WEFT_RECV, &a, 0}, {dup_ch, WEFT_RECV, &b, 0}};
  int k = weft_select(cs, 2, -1);
  return (void *)(intptr_t)(k < 0 ? k : (k == 0 ? a : b));
}
static int select_same_channel(void) {
  dup_ch = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(select_dup, NULL);
  until_blocked(r);
  int v = 8;
  CHECK("send", weft_chan_send(dup_ch, &v));
  SAY("got=%s\n", code(join_rc(r)));
  CHECK("free", weft_chan_free(dup_ch));
  return 0;
}

/* 1000 cases over 1000 channels: one fires, all can be freed. */
static weft_chan *many_ch[1000];
static void *select_many(void *arg) {
  static weft_case cs[1000];
  static int vals[1000];
  for (int i = 0; i < 1000; i++) cs[i] = (weft_case){many_ch[i], WEFT_RECV, &vals[i], 0};
  int k = weft_select(cs, 1000, -1);
  return (void *)(intptr_t)(k < 0 ? k : k * 1000 + vals[k]);
}
static int select_many_cases(void) {
  for (int i = 0; i < 1000; i++) many_ch[i] = weft_chan_new(sizeof(int), 0);
  weft_id r = spawn(select_many, NULL);
  until_blocked(r);
  int v = 5;
  weft_chan_send(many_ch[777], &v);
  SAY("fired*1000+value=%s\n", code(join_rc(r)));
  int freed = 0;
  for (int i = 0; i < 1000; i++) freed += weft_chan_free(many_ch[i]) == 0;
  SAY("freed=%d\n", freed);
  return 0;
}

/* ---- generators ------------------------------------------------------------- */

static void *count_up(void *arg) {
  int n = (int)(intptr_t)arg;
  for (int i = 0; i < n; i++)
    if (weft_gen_yield(&i)) break;
  return NULL;
}

static int gen_new_bad(void) {
  weft_stats a, b;
  weft_get_stats(&a);
  SAY("fn NULL=%s\n", obj(weft_gen_new(NULL, NULL, sizeof(int))));
  SAY("elem 0=%s\n", obj(weft_gen_new(count_up, NULL, 0)));
  SAY("elem SIZE_MAX=%s\n", obj(weft_gen_new(count_up, NULL, SIZE_MAX)));
  SAY("elem 1GiB=%s\n", obj(weft_gen_new(count_up, NULL, 1u << 30)));
  weft_get_stats(&b);
  SAY("producers spawned=%u\n", (unsigned)(b.spawned - a.spawned));
  return 0;
}

static int yield_null_rc;
static void *yields_null_first(void *arg) {
  yield_null_rc = weft_gen_yield(NULL);
  int v = 10;
  weft_gen_yield(&v);
  return NULL;
}

static int gen_null_args(void) {
  weft_gen *g = weft_gen_new(count_up, (void *)3, sizeof(int));
  int v = -1;
  CHECK("next(NULL)", weft_gen_next(NULL, &v));
  CHECK("next(g, NULL)", weft_gen_next(g, NULL));
  CHECK("next", weft_gen_next(g, &v)); /* the first value was not lost */
  SAY("value=%d\n", v);
  CHECK("free(NULL)", weft_gen_free(NULL));
  CHECK("free", weft_gen_free(g));
  g = weft_gen_new(yields_null_first, NULL, sizeof(int));
  CHECK("next after yield(NULL)", weft_gen_next(g, &v));
  SAY("yield(NULL)=%s value=%d\n", code(yield_null_rc), v);
  CHECK("next at the end", weft_gen_next(g, &v));
  CHECK("free", weft_gen_free(g));
  return 0;
}

static void *not_a_producer(void *arg) {
  int v = 1;
  return (void *)(intptr_t)weft_gen_yield(&v);
}

static int gen_yield_wrong(void) {
  int v = 1;
  CHECK("yield in main", weft_gen_yield(&v));
  CHECK("yield in a plain coroutine", join_rc(spawn(not_a_producer, NULL)));
  SAY("after: %s\n", round_trip());
  return 0;
}

/* The producer asks its own generator for a value: it would wait forever. */
static weft_gen *self_gen;
static int self_next_rc;
static void *next_from_producer(void *arg) {
  int v;
  self_next_rc = weft_gen_next(self_gen, &v);
  v = 1;
  weft_gen_yield(&v);
  return NULL;
}
static void *gen_consumer(void *arg);
static int gen_next_in_producer(void) {
  self_next_rc = 1;
  self_gen = weft_gen_new(next_from_producer, NULL, sizeof(int));
  weft_id c = spawn(gen_consumer, &self_gen);
  weft_yield(); /* the producer, then the consumer, run once */
  if (state_of(c) == WEFT_BLOCKED) weft_cancel(c); /* the old code: both wait as receivers */
  int got = join_rc(c);
  SAY("producer's next=%s consumer's next=%s\n", code(self_next_rc), code(got));
  CHECK("free", weft_gen_free(self_gen));
  weft_yield(); /* the cancelled producer ends */
  return 0;
}

static int gen_free_twice(void) {
  weft_gen *g = weft_gen_new(count_up, (void *)100, sizeof(int));
  int v;
  weft_gen_next(g, &v);
  CHECK("free", weft_gen_free(g));
  CHECK("free again", weft_gen_free(g)); /* the producer has not ended yet */
  weft_yield();
  SAY("after: %s\n", round_trip());
  return 0;
}

/* A consumer handed the last value; the producer then ended and a third
 * coroutine frees the generator before the consumer resumes. */
static weft_gen *hand_gen;
static void *gen_consumer(void *arg) { /* arg: where the generator is */
  int v = -1;
  int rc = weft_gen_next(*(weft_gen **)arg, &v);
  return (void *)(intptr_t)(rc ? rc : v);
}
static void *one_value(void *arg) {
  int v = 321;
  weft_gen_yield(&v);
  return NULL;
}
static int gen_free_handed(void) {
  hand_gen = NULL;
  weft_id c = spawn(gen_consumer, &hand_gen); /* runs first: it waits in next */
  hand_gen = weft_gen_new(one_value, NULL, sizeof(int));
  weft_yield(); /* c waits, the producer hands over and ends */
  CHECK("free", weft_gen_free(hand_gen));
  scribble();
  SAY("consumer got=%s\n", code(join_rc(c)));
  unscribble();
  SAY("after: %s\n", round_trip());
  return 0;
}

static void *slow_producer(void *arg) {
  weft_sleep(1e9); /* until cancelled */
  return NULL;
}
static int gen_free_blocked_consumer(void) {
  hand_gen = weft_gen_new(slow_producer, NULL, sizeof(int));
  weft_id c = spawn(gen_consumer, &hand_gen);
  until_blocked(c);
  CHECK("free", weft_gen_free(hand_gen));
  SAY("consumer got=%s\n", code(join_rc(c)));
  SAY("after: %s\n", round_trip());
  return 0;
}

static int gen_exhausted(void) {
  weft_gen *g = weft_gen_new(count_up, (void *)2, sizeof(int));
  int v, sum = 0, rc;
  while ((rc = weft_gen_next(g, &v)) == 0) sum += v;
  SAY("sum=%d end=%s\n", sum, code(rc));
  CHECK("next again", weft_gen_next(g, &v));
  CHECK("free", weft_gen_free(g));
  return 0;
}

static void *exits_midway(void *arg) {
  int v = 1;
  weft_gen_yield(&v);
  weft_exit(NULL);
  return NULL;
}
static int gen_producer_exit(void) {
  weft_gen *g = weft_gen_new(exits_midway, NULL, sizeof(int));
  int v = 0;
  CHECK("first", weft_gen_next(g, &v));
  CHECK("after weft_exit", weft_gen_next(g, &v));
  CHECK("free", weft_gen_free(g));
  return 0;
}

/* A cancelled consumer loses nothing: the next consumer gets the value. */
static int gen_cancel_consumer(void) {
  hand_gen = weft_gen_new(count_up, (void *)2, sizeof(int));
  weft_yield(); /* the producer waits with value 0 */
  weft_id c = spawn(gen_consumer, &hand_gen);
  weft_cancel(c); /* before it ever runs */
  SAY("cancelled consumer=%s\n", code(join_rc(c)));
  int v = -1;
  CHECK("next", weft_gen_next(hand_gen, &v));
  SAY("value=%d\n", v);
  CHECK("free", weft_gen_free(hand_gen));
  return 0;
}

static int gen_many(void) {
  enum { N = 1000 };
  static weft_gen *gs[N];
  int made = 0, took = 0;
  for (int i = 0; i < N; i++) made += (gs[i] = weft_gen_new(count_up, (void *)(intptr_t)(i % 2 ? 1 : 5), sizeof(int))) != NULL;
  for (int i = 0; i < N; i++) {
    int v;
    took += weft_gen_next(gs[i], &v) == 0;
    if (i % 2) weft_gen_next(gs[i], &v); /* runs the 1-value producer to its end */
  }
  int freed = 0;
  for (int i = 0; i < N; i++) freed += weft_gen_free(gs[i]) == 0;
  weft_yield(); /* the cancelled producers end */
  weft_stats st;
  weft_get_stats(&st);
  SAY("made=%d took=%d freed=%d live=%u\n", made, took, freed, st.live);
  return 0;
}

/* ---- mutex ----------------------------------------------------------------------- */

static weft_mutex *mx;
static int lock_rc, unlock_rc;

static int mutex_null(void) {
  CHECK("lock(NULL)", weft_mutex_lock(NULL));
  CHECK("unlock(NULL)", weft_mutex_unlock(NULL));
  CHECK("free(NULL)", weft_mutex_free(NULL));
  weft_mutex *m = weft_mutex_new();
  CHECK("lock", weft_mutex_lock(m));
  CHECK("unlock", weft_mutex_unlock(m));
  CHECK("free", weft_mutex_free(m));
  return 0;
}

static void *lock_and_leave(void *arg) { return (void *)(intptr_t)weft_mutex_lock(mx); }
static void *lock_then_unlock(void *arg) {
  lock_rc = weft_mutex_lock(mx);
  unlock_rc = weft_mutex_unlock(mx);
  return NULL;
}

/* The holder exits without unlocking; the next coroutine reuses its
 * control block. No one can ever unlock the mutex now. */
static int mutex_exited_holder(void) {
  mx = weft_mutex_new();
  CHECK("holder's lock", join_rc(spawn(lock_and_leave, NULL)));
  join_rc(spawn(lock_then_unlock, NULL));
  SAY("next coroutine: lock=%s unlock=%s\n", code(lock_rc), code(unlock_rc));
  weft_id w = spawn(lock_and_leave, NULL);
  until_blocked(w); /* the old code: it waits for ever; end it */
  weft_cancel(w);
  CHECK("another coroutine's lock", join_rc(w));
  CHECK("main's lock", weft_mutex_lock(mx));
  CHECK("main's unlock", weft_mutex_unlock(mx));
  CHECK("free", weft_mutex_free(mx));
  return 0;
}

/* Ends in the deadlock report: a waiter queued before the holder exited. */
static void *hold_briefly(void *arg) {
  weft_mutex_lock(mx);
  weft_yield();
  return NULL; /* without unlocking */
}
static int mutex_exited_holder_waiter(void) {
  mx = weft_mutex_new();
  weft_opts o = {.name = "holder"};
  weft_id h = weft_spawn(hold_briefly, NULL, &o);
  o.name = "waiter";
  weft_id w = weft_spawn(lock_and_leave, NULL, &o);
  join_rc(h);
  printf("holder left; waiter %s\n", state_of(w) == WEFT_BLOCKED ? "blocked" : "not blocked");
  printf("waiter=%s\n", code(join_rc(w)));
  return 0;
}

static void *hold_until_cancelled(void *arg) {
  weft_mutex_lock(mx);
  weft_sleep(1e9);
  return (void *)(intptr_t)weft_mutex_unlock(mx);
}
static int mutex_wrong_unlock(void) {
  mx = weft_mutex_new();
  weft_id h = spawn(hold_until_cancelled, NULL);
  until_blocked(h);
  CHECK("unlock by another", weft_mutex_unlock(mx));
  CHECK("free while held", weft_mutex_free(mx));
  weft_id w = spawn(lock_then_unlock, NULL);
  until_blocked(w);
  SAY("waiter's wait names the holder=%d\n", strstr(waits_of(w), "mutex held by #") != NULL);
  CHECK("free while waited on", weft_mutex_free(mx));
  weft_cancel(h);
  CHECK("holder's unlock", join_rc(h));
  join_rc(w);
  SAY("waiter: lock=%s unlock=%s\n", code(lock_rc), code(unlock_rc));
  CHECK("main's lock", weft_mutex_lock(mx));
  CHECK("lock again", weft_mutex_lock(mx));
  CHECK("unlock", weft_mutex_unlock(mx));
  CHECK("unlock again", weft_mutex_unlock(mx));
  CHECK("free", weft_mutex_free(mx));
  return 0;
}

/* A waiter handed the lock and cancelled before it runs keeps the lock. */
static int mutex_handover_cancel(void) {
  mx = weft_mutex_new();
  weft_mutex_lock(mx);
  weft_id w = spawn(lock_then_unlock, NULL);
  until_blocked(w);
  weft_mutex_unlock(mx);
  weft_cancel(w);
  join_rc(w);
  SAY("waiter: lock=%s unlock=%s\n", code(lock_rc), code(unlock_rc));
  CHECK("free", weft_mutex_free(mx));
  return 0;
}

static int mutex_waiter_deadline(void) {
  mx = weft_mutex_new();
  weft_id h = spawn(hold_until_cancelled, NULL);
  until_blocked(h);
  weft_scope sc;
  weft_scope_enter(&sc, 1);
  CHECK("lock past the deadline", weft_mutex_lock(mx));
  weft_scope_exit(&sc);
  weft_cancel(h);
  CHECK("holder's unlock", join_rc(h));
  CHECK("free", weft_mutex_free(mx)); /* no waiter left behind */
  return 0;
}

static int mutex_many(void) {
  enum { N = 10000 };
  static weft_mutex *ms[N];
  int ok = 0;
  for (int i = 0; i < N; i++) ms[i] = weft_mutex_new();
  for (int i = 0; i < N; i++) ok += !weft_mutex_lock(ms[i]);
  for (int i = N - 1; i >= 0; i--) ok += !weft_mutex_unlock(ms[i]);
  for (int i = 0; i < N; i++) ok += !weft_mutex_free(ms[i]);
  SAY("ok=%d of %d\n", ok, 3 * N);
  return 0;
}

/* ---- semaphore, event, wait group --------------------------------------------------- */

static int sem_bad(void) {
  SAY("new(-1)=%s\n", obj(weft_sem_new(-1)));
  SAY("new(INT_MIN)=%s\n", obj(weft_sem_new(INT_MIN)));
  CHECK("acquire(NULL)", weft_sem_acquire(NULL));
  CHECK("release(NULL)", weft_sem_release(NULL));
  CHECK("free(NULL)", weft_sem_free(NULL));
  weft_sem *s = weft_sem_new(0);
  CHECK("release", weft_sem_release(s));
  CHECK("acquire", weft_sem_acquire(s));
  CHECK("free", weft_sem_free(s));
  return 0;
}

static weft_sem *sm;
static void *acquirer(void *arg) { return (void *)(intptr_t)weft_sem_acquire(sm); }

static int sem_overflow(void) {
  sm = weft_sem_new(INT_MAX);
  SAY("new(INT_MAX)=%s\n", obj(sm));
  CHECK("release at INT_MAX", weft_sem_release(sm));
  /* The count is still INT_MAX: an acquire does not wait. */
  weft_id a = spawn(acquirer, NULL);
  until_blocked(a);
  if (state_of(a) == WEFT_BLOCKED) weft_cancel(a); /* the old code */
  CHECK("acquire", join_rc(a));
  CHECK("release", weft_sem_release(sm));
  CHECK("free", weft_sem_free(sm));
  return 0;
}

static int sem_free_waited(void) {
  sm = weft_sem_new(0);
  weft_id a = spawn(acquirer, NULL), b = spawn(acquirer, NULL);
  until_blocked(a);
  until_blocked(b);
  CHECK("free while waited on", weft_sem_free(sm));
  weft_cancel(a);
  CHECK("cancelled waiter", join_rc(a));
  CHECK("release", weft_sem_release(sm)); /* to b, which has not resumed */
  CHECK("free", weft_sem_free(sm));
  scribble();
  CHECK("woken waiter", join_rc(b));
  unscribble();
  return 0;
}

static int event_null(void) {
  CHECK("set(NULL)", weft_event_set(NULL));
  CHECK("clear(NULL)", weft_event_clear(NULL));
  CHECK("wait(NULL)", weft_event_wait(NULL));
  CHECK("free(NULL)", weft_event_free(NULL));
  weft_event *e = weft_event_new();
  weft_scope sc;
  weft_scope_enter(&sc, 1);
  CHECK("wait unset in a scope", weft_event_wait(e));
  weft_scope_exit(&sc);
  CHECK("set", weft_event_set(e));
  CHECK("set again", weft_event_set(e));
  CHECK("wait", weft_event_wait(e));
  CHECK("free", weft_event_free(e));
  return 0;
}

static weft_event *ev;
static void *event_waiter(void *arg) { return (void *)(intptr_t)weft_event_wait(ev); }
static int event_free_waited(void) {
  ev = weft_event_new();
  weft_id w[3];
  for (int i = 0; i < 3; i++) w[i] = spawn(event_waiter, NULL);
  for (int i = 0; i < 3; i++) until_blocked(w[i]);
  CHECK("free while waited on", weft_event_free(ev));
  CHECK("set", weft_event_set(ev)); /* all woken, none resumed yet */
  CHECK("free", weft_event_free(ev));
  scribble();
  for (int i = 0; i < 3; i++) SAY("waiter %d=%s\n", i, code(join_rc(w[i])));
  unscribble();
  return 0;
}

static int waitgroup_null(void) {
  CHECK("add(NULL, 1)", weft_waitgroup_add(NULL, 1));
  CHECK("done(NULL)", weft_waitgroup_done(NULL));
  CHECK("wait(NULL)", weft_waitgroup_wait(NULL));
  CHECK("free(NULL)", weft_waitgroup_free(NULL));
  weft_waitgroup *w = weft_waitgroup_new();
  CHECK("done at 0", weft_waitgroup_done(w));
  CHECK("add(INT_MIN)", weft_waitgroup_add(w, INT_MIN));
  CHECK("wait at 0", weft_waitgroup_wait(w));
  CHECK("free", weft_waitgroup_free(w));
  return 0;
}

static weft_waitgroup *wgp;
static void *wg_waiter(void *arg) { return (void *)(intptr_t)weft_waitgroup_wait(wgp); }
static int waitgroup_overflow(void) {
  wgp = weft_waitgroup_new();
  CHECK("add(INT_MAX)", weft_waitgroup_add(wgp, INT_MAX));
  CHECK("add(1)", weft_waitgroup_add(wgp, 1));
  CHECK("add(INT_MAX)", weft_waitgroup_add(wgp, INT_MAX));
  weft_id w = spawn(wg_waiter, NULL);
  until_blocked(w);
  CHECK("free while waited on", weft_waitgroup_free(wgp));
  CHECK("add(-INT_MAX)", weft_waitgroup_add(wgp, -INT_MAX)); /* back to 0: wakes w */
  CHECK("free", weft_waitgroup_free(wgp));
  scribble();
  CHECK("waiter", join_rc(w));
  unscribble();
  return 0;
}

/* ---- groups --------------------------------------------------------------------- */

static void *child_returns(void *arg) { return arg; }
static void *child_sleeps(void *arg) { return (void *)(intptr_t)weft_sleep(1e9); }
static weft_event *gate;
static void *child_gated(void *arg) {
  weft_event_wait(gate);
  return arg;
}

static int group_null(void) {
  CHECK("spawn(NULL)", weft_group_spawn(NULL, child_returns, NULL, NULL));
  CHECK("wait(NULL)", weft_group_wait(NULL));
  CHECK("cancel(NULL)", weft_group_cancel(NULL));
  CHECK("free(NULL)", weft_group_free(NULL));
  weft_group *g = weft_group_new();
  CHECK("spawn fn NULL", weft_group_spawn(g, NULL, NULL, NULL));
  CHECK("spawn stack 1", weft_group_spawn(g, child_returns, NULL, &(weft_opts){.stack_size = 1}));
  CHECK("spawn flags ~0", weft_group_spawn(g, child_returns, NULL, &(weft_opts){.flags = ~0u}));
  SAY("spawn ok=%d\n", weft_group_spawn(g, child_returns, NULL, NULL) > 0);
  CHECK("wait", weft_group_wait(g));
  CHECK("wait again", weft_group_wait(g));
  CHECK("cancel with none", weft_group_cancel(g));
  CHECK("free", weft_group_free(g));
  return 0;
}

static weft_group *grp;
static void *group_waiter(void *arg) { return (void *)(intptr_t)weft_group_wait(grp); }

static int group_two_waiters(void) {
  for (int fail = 0; fail < 2; fail++) {
    gate = weft_event_new();
    grp = weft_group_new();
    weft_group_spawn(grp, child_gated, (void *)(intptr_t)(fail ? WEFT_EPIPE : 0), NULL);
    weft_id a = spawn(group_waiter, NULL), b = spawn(group_waiter, NULL);
    until_blocked(a);
    until_blocked(b);
    weft_event_set(gate);
    SAY("%s: waiter a=%s waiter b=%s\n", fail ? "child fails" : "child succeeds", code(join_rc(a)), code(join_rc(b)));
    CHECK("free", weft_group_free(grp));
    weft_event_free(gate);
  }
  return 0;
}

/* A child waits for its own group: it would wait for itself. */
static void *waits_for_own_group(void *arg) { return (void *)(intptr_t)weft_group_wait(grp); }
static int group_wait_in_child(void) {
  grp = weft_group_new();
  weft_id c = weft_group_spawn(grp, waits_for_own_group, NULL, NULL);
  until_blocked(c);
  if (state_of(c) == WEFT_BLOCKED) weft_cancel(c); /* the old code */
  CHECK("wait (the child's error)", weft_group_wait(grp));
  CHECK("free", weft_group_free(grp));
  return 0;
}

/* The last child exits, waking a waiter; the group is freed before it resumes. */
static int group_free_woken(void) {
  gate = weft_event_new();
  grp = weft_group_new();
  weft_group_spawn(grp, child_gated, NULL, NULL);
  weft_id w = spawn(group_waiter, NULL);
  until_blocked(w);
  weft_event_set(gate);
  weft_yield(); /* the child runs and ends: w is ready, not resumed */
  int rc = weft_group_free(grp);
  CHECK("free before the waiter resumed", rc);
  scribble();
  CHECK("waiter", join_rc(w));
  unscribble();
  if (rc) CHECK("free", weft_group_free(grp));
  weft_event_free(gate);
  return 0;
}

/* One of two waiters is cancelled: it cancels the children, still waits
 * for them, and leaves; the group can then be freed. */
static int group_waiter_cancel(void) {
  grp = weft_group_new();
  for (int i = 0; i < 2; i++) weft_group_spawn(grp, child_sleeps, NULL, NULL);
  weft_id a = spawn(group_waiter, NULL), b = spawn(group_waiter, NULL);
  until_blocked(a);
  until_blocked(b);
  weft_cancel(a);
  SAY("cancelled waiter=%s other waiter=%s\n", code(join_rc(a)), code(join_rc(b)));
  CHECK("free", weft_group_free(grp));
  return 0;
}

static int group_many_children(void) {
  weft_group *g = weft_group_new();
  int ok = 0;
  for (int i = 0; i < 1000; i++) ok += weft_group_spawn(g, child_returns, NULL, &(weft_opts){.flags = WEFT_COMPACT}) > 0;
  SAY("spawned=%d\n", ok);
  CHECK("wait", weft_group_wait(g));
  /* Reused after a wait: more children, a failure, cancelled siblings. */
  for (int i = 0; i < 10; i++) weft_group_spawn(g, child_sleeps, NULL, NULL);
  weft_group_spawn(g, child_returns, (void *)(intptr_t)WEFT_ENET, NULL);
  CHECK("wait with a failure", weft_group_wait(g));
  CHECK("cancel after", weft_group_cancel(g));
  CHECK("free", weft_group_free(g));
  weft_stats st;
  weft_get_stats(&st);
  SAY("live=%u\n", st.live);
  return 0;
}

static int group_cancel(void) {
  weft_group *g = weft_group_new();
  for (int i = 0; i < 3; i++) weft_group_spawn(g, child_sleeps, NULL, NULL);
  CHECK("free with children", weft_group_free(g));
  CHECK("cancel", weft_group_cancel(g));
  CHECK("cancel again", weft_group_cancel(g));
  CHECK("wait (cancelled children are no failure)", weft_group_wait(g));
  CHECK("free", weft_group_free(g));
  return 0;
}

/* ---- out of memory (the -sMAXIMUM_MEMORY=64MB build) ----------------------------- */

static int oom_channels(void) {
  enum { N = 200 };
  static weft_chan *all[N];
  int made = 0;
  while (made < N && (all[made] = weft_chan_new(1u << 20, 1))) made++;
  SAY("1 MiB channels until NULL: some=%d all=%d\n", made > 4, made == N);
  int freed = 0;
  for (int i = 0; i < made; i++) freed += weft_chan_free(all[i]) == 0;
  SAY("freed all=%d\n", freed == made);
  SAY("after: %s\n", round_trip());
  return 0;
}

static weft_chan *oom_ch;
static int oom_select(void) {
  oom_ch = weft_chan_new(1u << 20, 0);
  /* 100 cases of 1 MiB: their slots (100 MiB) cannot be had. */
  weft_case *cs = calloc(100, sizeof *cs);
  char *out = malloc(1u << 20);
  for (int i = 0; i < 100; i++) cs[i] = (weft_case){oom_ch, WEFT_RECV, out, 0};
  CHECK("select", weft_select(cs, 100, -1));
  CHECK("free (no wait left behind)", weft_chan_free(oom_ch));
  free(cs);
  free(out);
  SAY("after: %s\n", round_trip());
  return 0;
}

static int oom_objects(void) {
  /* Every kind of object until NULL, then all freed. */
  enum { N = 1 << 22 };
  void **all = malloc(N * sizeof *all);
  int n = 0;
  while (n < N && (all[n] = weft_mutex_new())) n++;
  SAY("mutexes until NULL: %d\n", n > 1000 && n < N);
  int freed = 0;
  for (int i = 0; i < n; i++) freed += weft_mutex_free(all[i]) == 0;
  SAY("freed all=%d\n", freed == n);
  n = 0;
  while (n < N && (all[n] = weft_gen_new(count_up, (void *)1, 4096))) n++;
  SAY("generators until NULL: %d\n", n > 10 && n < N);
  freed = 0;
  for (int i = 0; i < n; i++) freed += weft_gen_free(all[i]) == 0;
  weft_yield(); /* the producers, cancelled before they ran, end */
  SAY("freed all=%d\n", freed == n);
  free(all);
  weft_stats st;
  weft_get_stats(&st);
  SAY("live=%u after: %s\n", st.live, round_trip());
  return 0;
}

static int oom_group(void) {
  weft_group *g = weft_group_new();
  int n = 0, rc;
  gate = weft_event_new();
  /* Children with 4 MiB stacks until the spawn fails. */
  while ((rc = weft_group_spawn(g, child_gated, NULL, &(weft_opts){.stack_size = 4u << 20})) > 0) n++;
  SAY("spawned some=%d then %s\n", n > 2, code(rc));
  weft_event_set(gate);
  CHECK("wait", weft_group_wait(g));
  CHECK("free", weft_group_free(g));
  weft_event_free(gate);
  SAY("after: %s\n", round_trip());
  return 0;
}

/* ---- outside any coroutine (called from JS) ---------------------------------------- */

/* Case k of the library's calls made outside any coroutine: the suspending
 * ones return WEFT_ENOTCO and do nothing; the others work. */
EMSCRIPTEN_KEEPALIVE int adv_outside(int k) {
  int v = 1, rc = 99;
  weft_chan *ch = weft_chan_new(sizeof(int), 1);
  weft_case c = {ch, WEFT_SEND, &v, 0};
  weft_gen *g = k == 4 ? weft_gen_new(count_up, (void *)1, sizeof(int)) : NULL;
  weft_mutex *m = weft_mutex_new();
  weft_sem *s = weft_sem_new(1);
  weft_event *e = weft_event_new();
  weft_waitgroup *w = weft_waitgroup_new();
  weft_group *gr = weft_group_new();
  switch (k) {
  case 0: rc = weft_chan_send(ch, &v); break;
  case 1: rc = weft_chan_recv(ch, &v); break;
  case 2: rc = weft_select(&c, 1, 0); break;
  case 3: rc = weft_select(NULL, 0, -1); break;
  case 4: rc = weft_gen_next(g, &v); break;
  case 5: rc = weft_gen_yield(&v); break;
  case 6: rc = weft_mutex_lock(m); break;
  case 7: rc = weft_sem_acquire(s); break;
  case 8: rc = weft_event_wait(e); break;
  case 9: weft_waitgroup_add(w, 1); rc = weft_waitgroup_wait(w); weft_waitgroup_done(w); break;
  case 10: rc = weft_group_wait(gr); break;
  /* non-suspending: they work */
  case 11: rc = weft_chan_close(ch); break;
  case 12: rc = weft_mutex_unlock(m); break; /* not held by the caller */
  case 13: rc = weft_sem_release(s); break;
  case 14: rc = weft_event_set(e); break;
  case 15: rc = weft_waitgroup_add(w, 1) || weft_waitgroup_done(w); break;
  case 16: rc = weft_group_cancel(gr); break;
  }
  weft_chan_free(ch);
  if (g) weft_gen_free(g); /* its producer, cancelled, ends at the next tick */
  weft_mutex_free(m);
  weft_sem_free(s);
  weft_event_free(e);
  weft_waitgroup_free(w);
  weft_group_free(gr);
  return rc;
}

/* The JS test calls adv_outside before and after this run. */
static int outside(void) {
  printf("main ran\n");
  return 0;
}

/* ---- the scenarios ---------------------------------------------------------------- */

typedef struct {
  const char *name;
  int (*fn)(void);
  int once; /* run once, without a leak line: it ends in the deadlock report, or JS checks it */
} scenario;

static const scenario scenarios[] = {
  {"chan-new-sizes", chan_new_sizes, 0},
  {"chan-new-wrap", chan_new_wrap, 0},
  {"chan-new-wrap-odd", chan_new_wrap_odd, 0},
  {"chan-new-oom", chan_new_oom, 0},
  {"chan-many", chan_many, 0},
  {"chan-null-args", chan_null_args, 0},
  {"chan-double-close", chan_double_close, 0},
  {"chan-free-waited", chan_free_waited, 0},
  {"chan-free-handed", chan_free_handed, 0},
  {"chan-free-handed-select", chan_free_handed_select, 0},
  {"chan-free-buffered", chan_free_buffered, 0},
  {"chan-waiter-cancel", chan_waiter_cancel, 0},
  {"chan-waiter-deadline", chan_waiter_deadline, 0},
  {"chan-close-wakes-all", chan_close_wakes_all, 0},
  {"select-bad-args", select_bad_args, 0},
  {"select-nil-case", select_nil_case, 0},
  {"select-all-nil", select_all_nil, 0},
  {"select-empty-cancel", select_empty_cancel, 0},
  {"select-empty-deadline", select_empty_deadline, 0},
  {"select-deadlock-empty", select_deadlock_empty, 1},
  {"select-deadlock-nil", select_deadlock_nil, 1},
  {"select-deadlock-infinite", select_deadlock_infinite, 1},
  {"select-infinite", select_infinite, 0},
  {"select-wrap", select_wrap, 0},
  {"select-closed", select_closed, 0},
  {"select-same-channel", select_same_channel, 0},
  {"select-many-cases", select_many_cases, 0},
  {"gen-new-bad", gen_new_bad, 0},
  {"gen-null-args", gen_null_args, 0},
  {"gen-yield-wrong", gen_yield_wrong, 0},
  {"gen-next-in-producer", gen_next_in_producer, 0},
  {"gen-free-twice", gen_free_twice, 0},
  {"gen-free-handed", gen_free_handed, 0},
  {"gen-free-blocked-consumer", gen_free_blocked_consumer, 0},
  {"gen-exhausted", gen_exhausted, 0},
  {"gen-producer-exit", gen_producer_exit, 0},
  {"gen-cancel-consumer", gen_cancel_consumer, 0},
  {"gen-many", gen_many, 0},
  {"mutex-null", mutex_null, 0},
  {"mutex-exited-holder", mutex_exited_holder, 0},
  {"mutex-exited-holder-waiter", mutex_exited_holder_waiter, 1},
  {"mutex-wrong-unlock", mutex_wrong_unlock, 0},
  {"mutex-handover-cancel", mutex_handover_cancel, 0},
  {"mutex-waiter-deadline", mutex_waiter_deadline, 0},
  {"mutex-many", mutex_many, 0},
  {"sem-bad", sem_bad, 0},
  {"sem-overflow", sem_overflow, 0},
  {"sem-free-waited", sem_free_waited, 0},
  {"event-null", event_null, 0},
  {"event-free-waited", event_free_waited, 0},
  {"waitgroup-null", waitgroup_null, 0},
  {"waitgroup-overflow", waitgroup_overflow, 0},
  {"group-null", group_null, 0},
  {"group-two-waiters", group_two_waiters, 0},
  {"group-wait-in-child", group_wait_in_child, 0},
  {"group-free-woken", group_free_woken, 0},
  {"group-waiter-cancel", group_waiter_cancel, 0},
  {"group-many-children", group_many_children, 0},
  {"group-cancel", group_cancel, 0},
  {"oom-channels", oom_channels, 0},
  {"oom-select", oom_select, 0},
  {"oom-objects", oom_objects, 0},
  {"oom-group", oom_group, 0},
  {"outside", outside, 1},
};

/* What main keeps once it has blocked at least once: a save area as large
 * as its deepest suspension needs, and its channel waiter slots. A case
 * whose short deadline may expire before or after its wait blocks (as the
 * machine's load decides) must not look like a leak the one time main
 * blocks there first: so main blocks deep and on a wide select up front. */
static __attribute__((noinline)) int deep_yield(int depth) {
  volatile char frame[96];
  frame[0] = (char)depth;
  int r = depth ? deep_yield(depth - 1) : weft_yield();
  return r + frame[0];
}
static void warm_main(void) {
  deep_yield(40);
  weft_chan *chs[16];
  weft_case cases[16];
  int vals[16];
  for (int i = 0; i < 16; i++) {
    chs[i] = weft_chan_new(sizeof(int), 0);
    cases[i] = (weft_case){chs[i], WEFT_RECV, &vals[i], 0};
  }
  weft_id s = spawn(sender, chs[15]); /* runs once main blocks in the select */
  weft_select(cases, 16, -1);
  weft_join(s, NULL);
  for (int i = 0; i < 16; i++) weft_chan_free(chs[i]);
}

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "";
  const scenario *s = NULL;
  for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
    if (!strcmp(scenarios[i].name, name)) s = &scenarios[i];
  if (!s) {
    printf("unknown scenario '%s'\n", name);
    return 2;
  }
  if (s->once) return s->fn();
  warm_main();
  quiet = 1;
  s->fn();
  quiet = 0;
  weft_stats a, b;
  weft_get_stats(&a);
  size_t heap = heap_bytes();
  s->fn();
  weft_get_stats(&b);
  printf("left: live=%d held=%ld heap=%ld\n", (int)b.live - (int)a.live, (long)b.held_bytes - (long)a.held_bytes,
         (long)heap_bytes() - (long)heap);
  return 0;
}
