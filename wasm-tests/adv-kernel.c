/*
 * adv-kernel.c — the adversarial catalogue of the kernel: every public
 * function of the scheduler (spawn, join, detach, exit, yield, sleep, self,
 * name, now, last_error, cancel, scopes, list, dump, hooks, stats, strerror)
 * fed NULL, garbage and boundary values, exhaustion and faults.
 * wasm-tests/adv-kernel.test.mjs runs one case or scenario per argv[1].
 *
 * A case prints nothing when all is well, and otherwise lines starting with
 *   FAIL     a documented result that did not come (the wrong error)
 *   CORRUPT  memory the call must not touch was written
 * Then main checks, after each case, that the program still works (a
 * default and a compact coroutine sleep, yield and are joined) and that
 * nothing leaked: weft_get_stats back to what it was before the case, and
 * the C heap no larger after the last of three runs of the case than after
 * the one before (pools and tables fill on the first runs). Those print "works" and
 * "LEAK ..." lines. Scenarios test whole-program outcomes (faults, the end
 * of main, hangs, output) and print what the test compares.
 */
#include <assert.h>
#include <emscripten.h>
#include <emscripten/heap.h>
#include <float.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

static int failures;

static void expect(const char *where, const char *what, long long got, long long want) {
  if (got == want) return;
  failures++;
  printf("FAIL %s: %s = %lld (%s), want %lld (%s)\n", where, what, got, weft_strerror((int)got), want,
         weft_strerror((int)want));
}
#define EXPECT(expr, want) expect(__func__, #expr, (long long)(expr), (long long)(want))
#define CHECK(cond)                                                \
  do {                                                             \
    if (!(cond)) {                                                 \
      failures++;                                                  \
      printf("FAIL %s: %s (line %d)\n", __func__, #cond, __LINE__); \
    }                                                              \
  } while (0)
#define CHECK_INTACT(cond)                                            \
  do {                                                                \
    if (!(cond)) {                                                    \
      failures++;                                                     \
      printf("CORRUPT %s: %s (line %d)\n", __func__, #cond, __LINE__); \
    }                                                                 \
  } while (0)

/* ---- helpers ------------------------------------------------------------- */

static void *nap(void *arg) {
  weft_sleep(1);
  return arg;
}

static void *quick(void *arg) { return arg; }

static void *sleep_forever(void *arg) { return (void *)(intptr_t)weft_sleep(INFINITY); }

static void *yield_then_return(void *arg) {
  weft_yield();
  return arg;
}

static void *trap_now(void *arg) {
  weft_yield();
  __builtin_trap();
}

static void *yield_one_then_trap(void *arg) {
  int one = 1;
  weft_gen_yield(&one);
  __builtin_trap();
}

/* A producer whose clean-up, once its consumer let go, traps. */
static void *trap_when_cancelled(void *arg) {
  int one = 1;
  while (weft_gen_yield(&one) == 0) {
  }
  __builtin_trap();
}

/* Bytes at address 0 (in wasm, a plain address that writes do not trap on). */
static unsigned char *volatile zero_page;
static unsigned char zero_copy[64];
static void zero_page_save(void) { memcpy(zero_copy, (const void *)zero_page, sizeof zero_copy); }
static int zero_page_same(void) { return memcmp(zero_copy, (const void *)zero_page, sizeof zero_copy) == 0; }

/* A buffer between two canaries, for calls that must write only where told. */
#define FILL 0xa5
static int untouched(const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i] != FILL) return 0;
  return 1;
}

/* ---- spawn ---------------------------------------------------------------- */

static void case_spawn_null_fn(void) {
  EXPECT(weft_spawn(NULL, NULL, NULL), WEFT_EINVAL);
  EXPECT(weft_spawn(NULL, NULL, &(weft_opts){.name = "x", .flags = WEFT_DETACHED}), WEFT_EINVAL);
}

static void case_spawn_bad_flags(void) {
  EXPECT(weft_spawn(quick, NULL, &(weft_opts){.flags = 0x80}), WEFT_EINVAL);
  EXPECT(weft_spawn(quick, NULL, &(weft_opts){.flags = ~0u}), WEFT_EINVAL);
  EXPECT(weft_spawn(quick, NULL, &(weft_opts){.flags = 0x80000000u | WEFT_DETACHED}), WEFT_EINVAL);
}

static void case_spawn_stack_too_small(void) {
  size_t sizes[] = {1, 16, 512, WEFT_MIN_STACK - 1};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    EXPECT(weft_spawn(quick, NULL, &(weft_opts){.stack_size = sizes[i]}), WEFT_EINVAL);
  /* The message says what the limit is. */
  CHECK(strstr(weft_last_error(), "stack_size 1023 is below the minimum (WEFT_MIN_STACK, 1024 bytes)"));
}

static void case_spawn_stack_too_big(void) {
  size_t sizes[] = {SIZE_MAX, SIZE_MAX - 15, (size_t)INT32_MAX + 1, (256u << 20) + 1, 1u << 30};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    EXPECT(weft_spawn(quick, NULL, &(weft_opts){.stack_size = sizes[i]}), WEFT_EINVAL);
  CHECK(strstr(weft_last_error(), "is above the maximum (WEFT_MAX_STACK, 268435456 bytes)"));
}

/* Uses `arg` bytes of its stack (really written), then suspends with them in use. */
static __attribute__((noinline)) void *stack_user(void *arg) {
  size_t n = (size_t)(uintptr_t)arg;
  char *pad = __builtin_alloca(n);
  memset(pad, 1, n);
  __asm__ volatile("" : : "r"(pad) : "memory");
  weft_sleep(0);
  size_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += (size_t)pad[i];
  return (void *)(uintptr_t)sum;
}

static void case_spawn_stack_boundaries(void) {
  size_t sizes[] = {WEFT_MIN_STACK, WEFT_MIN_STACK + 1, WEFT_MIN_STACK + 7, 0, 65536 + 3};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    weft_id id = weft_spawn(stack_user, (void *)200, &(weft_opts){.stack_size = sizes[i]});
    CHECK(id > 0);
    void *r = NULL;
    EXPECT(weft_join(id, &r), 0);
    EXPECT((intptr_t)r, 200);
  }
}

static void case_spawn_compact_ignores_size(void) {
  weft_id id = weft_spawn(yield_then_return, (void *)5, &(weft_opts){.stack_size = SIZE_MAX, .flags = WEFT_COMPACT});
  CHECK(id > 0);
  void *r = NULL;
  EXPECT(weft_join(id, &r), 0);
  EXPECT((intptr_t)r, 5);
}

static void case_spawn_names(void) {
  char longname[200];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  weft_id a = weft_spawn(nap, NULL, &(weft_opts){.name = longname});
  weft_id b = weft_spawn(nap, NULL, &(weft_opts){.name = ""});
  weft_id c = weft_spawn(nap, NULL, &(weft_opts){.name = "%s%n%s"});
  const char *na = weft_name(a);
  CHECK(na && strlen(na) == 23 && strspn(na, "n") == 23);
  char want[32];
  snprintf(want, sizeof want, "co%d", b);
  CHECK(weft_name(b) && strcmp(weft_name(b), want) == 0);
  CHECK(weft_name(c) && strcmp(weft_name(c), "%s%n%s") == 0);
  longname[0] = 'X'; /* the name was copied */
  CHECK(weft_name(a)[0] == 'n');
  EXPECT(weft_join(a, NULL), 0);
  EXPECT(weft_join(b, NULL), 0);
  EXPECT(weft_join(c, NULL), 0);
}

static void case_spawn_many(void) {
  enum { N = 20000 };
  weft_id *ids = malloc(sizeof *ids * N);
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(i % 2 ? nap : quick, (void *)(intptr_t)i,
                                                   &(weft_opts){.flags = i % 3 == 0 ? WEFT_COMPACT : 0});
  int bad = 0;
  for (int i = 0; i < N; i++) {
    void *r = NULL;
    if (ids[i] <= 0 || weft_join(ids[i], &r) || (intptr_t)r != i) bad++;
  }
  EXPECT(bad, 0);
  free(ids);
}

/* ---- join ------------------------------------------------------------------ */

static void case_join_garbage(void) {
  weft_id ids[] = {0, -1, -3, INT_MIN, INT_MAX, 123456789};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    EXPECT(weft_join(ids[i], NULL), WEFT_ESRCH);
    void *r = (void *)1;
    EXPECT(weft_join(ids[i], &r), WEFT_ESRCH);
    CHECK(r == (void *)1); /* untouched on error */
  }
}

static void case_join_self(void) {
  EXPECT(weft_join(weft_self(), NULL), WEFT_EDEADLK);
  EXPECT(weft_join(weft_self(), NULL), WEFT_EDEADLK);
}

static void case_join_twice(void) {
  weft_id a = weft_spawn(quick, (void *)3, NULL);
  void *r = NULL;
  EXPECT(weft_join(a, &r), 0);
  EXPECT((intptr_t)r, 3);
  r = (void *)9;
  EXPECT(weft_join(a, &r), WEFT_EJOINED);
  CHECK(r == (void *)9);
}

static void *join_arg(void *arg) { return (void *)(intptr_t)weft_join((weft_id)(intptr_t)arg, NULL); }

static void case_join_busy(void) {
  weft_id a = weft_spawn(nap, NULL, NULL);
  weft_id helper = weft_spawn(join_arg, (void *)(intptr_t)a, NULL);
  weft_yield(); /* the helper is now joining a */
  EXPECT(weft_join(a, NULL), WEFT_EBUSY);
  EXPECT(weft_detach(a), WEFT_EBUSY);
  void *r = (void *)1;
  EXPECT(weft_join(helper, &r), 0);
  EXPECT((intptr_t)r, 0);
}

static void case_join_detached(void) {
  weft_id d = weft_spawn(nap, NULL, &(weft_opts){.flags = WEFT_DETACHED});
  EXPECT(weft_join(d, NULL), WEFT_EJOINED);
  weft_sleep(5); /* it finishes and frees itself */
  while (weft_name(d)) weft_sleep(1);
  EXPECT(weft_join(d, NULL), WEFT_EJOINED);
}

static void case_join_faulted(void) {
  weft_id v = weft_spawn(trap_now, NULL, &(weft_opts){.name = "victim"});
  void *r = (void *)1;
  EXPECT(weft_join(v, &r), WEFT_EHOST);
  EXPECT(weft_join(v, NULL), WEFT_EJOINED);
}

/* ---- detach ----------------------------------------------------------------- */

static void case_detach_garbage(void) {
  weft_id ids[] = {0, -1, INT_MIN, INT_MAX};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) EXPECT(weft_detach(ids[i]), WEFT_ESRCH);
}

static void case_detach_twice(void) {
  weft_id d = weft_spawn(nap, NULL, NULL);
  EXPECT(weft_detach(d), 0);
  EXPECT(weft_detach(d), WEFT_EJOINED);
  while (weft_name(d)) weft_sleep(1);
  EXPECT(weft_detach(d), WEFT_EJOINED);
}

static void *detach_self(void *arg) {
  int rc = weft_detach(weft_self());
  weft_sleep(1);
  return (void *)(intptr_t)rc;
}

static void case_detach_self(void) {
  weft_id d = weft_spawn(detach_self, NULL, NULL);
  weft_yield();
  EXPECT(weft_join(d, NULL), WEFT_EJOINED);
  while (weft_name(d)) weft_sleep(1);
}

static void case_detach_finished(void) {
  weft_id d = weft_spawn(quick, NULL, NULL);
  weft_yield(); /* it has finished, unjoined */
  CHECK(weft_name(d) != NULL);
  EXPECT(weft_detach(d), 0);
  CHECK(weft_name(d) == NULL); /* freed at once */
}

/* ---- exit ------------------------------------------------------------------- */

static int after_exit;
static __attribute__((noinline)) void exit_deep(int depth) {
  if (depth == 0) weft_exit((void *)77);
  else exit_deep(depth - 1);
  after_exit = 1;
}

static void *exiter(void *arg) {
  weft_yield();
  exit_deep(20);
  after_exit = 1;
  return NULL;
}

static void case_exit_deep(void) {
  void *r = NULL;
  EXPECT(weft_join(weft_spawn(exiter, NULL, NULL), &r), 0);
  EXPECT((intptr_t)r, 77);
  EXPECT(after_exit, 0);
  void *r2 = NULL; /* compact too */
  EXPECT(weft_join(weft_spawn(exiter, NULL, &(weft_opts){.flags = WEFT_COMPACT}), &r2), 0);
  EXPECT((intptr_t)r2, 77);
}

/* ---- yield, sleep ---------------------------------------------------------------- */

static void case_sleep_bad(void) {
  EXPECT(weft_sleep(NAN), WEFT_EINVAL);
  EXPECT(weft_sleep(-NAN), WEFT_EINVAL);
  EXPECT(weft_sleep(-1), WEFT_EINVAL);
  EXPECT(weft_sleep(-DBL_MIN), WEFT_EINVAL);
  EXPECT(weft_sleep(-INFINITY), WEFT_EINVAL);
  EXPECT(weft_sleep(-DBL_MAX), WEFT_EINVAL);
  EXPECT(weft_sleep(-0.0), 0);
  EXPECT(weft_sleep(DBL_MIN), 0);
}

static void *sleep_ms(void *arg) { return (void *)(intptr_t)weft_sleep(*(double *)arg); }

/* Sleeps that never end by themselves: woken by a cancel, no timer left. */
static void case_sleep_endless_cancelled(void) {
  static double lengths[] = {INFINITY, 1e300, DBL_MAX, 4e9};
  for (int i = 0; i < 4; i++) {
    weft_id id = weft_spawn(sleep_ms, &lengths[i], NULL);
    weft_yield();
    weft_stats st;
    weft_get_stats(&st);
    EXPECT(st.sleeping, 1);
    EXPECT(weft_cancel(id), 0);
    void *r = NULL;
    EXPECT(weft_join(id, &r), 0);
    EXPECT((intptr_t)r, WEFT_ECANCELED);
    weft_get_stats(&st);
    EXPECT(st.sleeping, 0);
    EXPECT(st.host_timers, 0);
  }
}

static void *yield_cancelled(void *arg) {
  weft_cancel(weft_self());
  int a = weft_yield(), b = weft_yield_host(), c = weft_sleep(0);
  return (void *)(intptr_t)(a == WEFT_ECANCELED && b == WEFT_ECANCELED && c == WEFT_ECANCELED);
}

static void case_yield_cancelled(void) {
  void *r = NULL;
  EXPECT(weft_join(weft_spawn(yield_cancelled, NULL, NULL), &r), 0);
  EXPECT((intptr_t)r, 1);
}

static void case_yield_host_in_expired_scope(void) {
  weft_scope s;
  EXPECT(weft_scope_enter(&s, 0), 0);
  EXPECT(weft_yield_host(), WEFT_ETIMEDOUT);
  EXPECT(weft_sleep(0), WEFT_ETIMEDOUT);
  EXPECT(weft_yield(), 0); /* not bounded by scopes */
  EXPECT(weft_scope_exit(&s), 1);
  EXPECT(weft_yield_host(), 0);
}

/* ---- self, name, now, last_error ------------------------------------------------ */

static void case_name_garbage(void) {
  CHECK(weft_name(-1) == NULL);
  CHECK(weft_name(INT_MIN) == NULL);
  CHECK(weft_name(INT_MAX) == NULL);
  CHECK(weft_name(123456789) == NULL);
  CHECK(weft_name(0) && strcmp(weft_name(0), "main") == 0);
  CHECK(weft_name(weft_self()) == weft_name(0));
  weft_id a = weft_spawn(quick, NULL, &(weft_opts){.name = "gone"});
  weft_yield();
  CHECK(weft_name(a) && strcmp(weft_name(a), "gone") == 0); /* finished, not yet joined */
  weft_join(a, NULL);
  CHECK(weft_name(a) == NULL);
}

static void case_now_monotonic(void) {
  double last = weft_now();
  int backwards = 0;
  for (int i = 0; i < 100000; i++) {
    double t = weft_now();
    if (!(t >= last)) backwards++;
    last = t;
  }
  EXPECT(backwards, 0);
  double t0 = weft_now();
  weft_sleep(2);
  CHECK(weft_now() - t0 >= 2);
  CHECK(isfinite(t0) && t0 >= 0);
}

static void *last_error_fresh(void *arg) {
  const char *e = weft_last_error();
  return (void *)(intptr_t)(e != NULL && e[0] == 0);
}

static void case_last_error_empty(void) {
  const char *e = weft_last_error();
  CHECK(e != NULL && e[0] == 0);
  void *r = NULL;
  weft_join(weft_spawn(last_error_fresh, NULL, NULL), &r);
  EXPECT((intptr_t)r, 1);
}

/* ---- cancel ---------------------------------------------------------------------- */

static void case_cancel_garbage(void) {
  weft_id ids[] = {0, -1, INT_MIN, INT_MAX, 123456789};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) EXPECT(weft_cancel(ids[i]), WEFT_ESRCH);
  weft_id a = weft_spawn(quick, NULL, NULL);
  weft_join(a, NULL);
  EXPECT(weft_cancel(a), WEFT_EJOINED);
}

static void case_cancel_twice_and_finished(void) {
  weft_id a = weft_spawn(sleep_forever, NULL, NULL);
  weft_yield();
  EXPECT(weft_cancel(a), 0);
  EXPECT(weft_cancel(a), 0);
  void *r = NULL;
  EXPECT(weft_join(a, &r), 0);
  EXPECT((intptr_t)r, WEFT_ECANCELED);
  weft_id b = weft_spawn(quick, (void *)4, NULL);
  weft_yield(); /* finished, not joined: cancel changes nothing */
  EXPECT(weft_cancel(b), 0);
  EXPECT(weft_join(b, &r), 0);
  EXPECT((intptr_t)r, 4);
}

static int ran_before_cancel_seen;
static void *count_then_sleep(void *arg) {
  ran_before_cancel_seen = 1; /* code runs; only suspending calls fail */
  return (void *)(intptr_t)weft_sleep(1);
}

static void case_cancel_before_start(void) {
  weft_id a = weft_spawn(count_then_sleep, NULL, NULL);
  EXPECT(weft_cancel(a), 0);
  void *r = NULL;
  EXPECT(weft_join(a, &r), 0);
  EXPECT((intptr_t)r, WEFT_ECANCELED);
  EXPECT(ran_before_cancel_seen, 1);
}

/* ---- deadline scopes --------------------------------------------------------------- */

static void case_scope_null_and_bad_ms(void) {
  weft_scope s;
  EXPECT(weft_scope_enter(NULL, 10), WEFT_EINVAL);
  EXPECT(weft_scope_exit(NULL), WEFT_EINVAL);
  EXPECT(weft_scope_enter(&s, NAN), WEFT_EINVAL);
  EXPECT(weft_scope_enter(&s, -1), WEFT_EINVAL);
  EXPECT(weft_scope_enter(&s, -INFINITY), WEFT_EINVAL);
  EXPECT(weft_sleep(1), 0); /* no deadline was left behind */
}

static void case_scope_infinite(void) {
  weft_scope s, t;
  EXPECT(weft_scope_enter(&s, INFINITY), 0);
  EXPECT(weft_scope_enter(&t, 1e300), 0);
  EXPECT(weft_sleep(1), 0);
  EXPECT(weft_scope_exit(&t), 0);
  EXPECT(weft_scope_exit(&s), 0);
}

static void case_scope_exit_unentered(void) {
  weft_scope z = {0}, g;
  memset(&g, 0xab, sizeof g);
  EXPECT(weft_scope_exit(&z), WEFT_EINVAL);
  EXPECT(weft_scope_exit(&g), WEFT_EINVAL);
  weft_scope s;
  EXPECT(weft_scope_enter(&s, 1e9), 0);
  EXPECT(weft_scope_exit(&s), 0);
  EXPECT(weft_scope_exit(&s), WEFT_EINVAL); /* twice */
  EXPECT(weft_sleep(1), 0);
}

/* Exiting a scope that is not the innermost is refused and changes nothing;
 * in order, later waits are bounded by no stale deadline. */
static void case_scope_out_of_order(void) {
  weft_scope a, b;
  EXPECT(weft_scope_enter(&a, 20), 0);
  EXPECT(weft_scope_enter(&b, 1e9), 0);
  EXPECT(weft_scope_exit(&a), WEFT_EINVAL);
  EXPECT(weft_scope_exit(&b), 0);
  int ra = weft_scope_exit(&a);
  CHECK(ra == 0 || ra == 1);
  EXPECT(weft_sleep(30), 0); /* no deadline of a or b remains */
  EXPECT(weft_sleep(0), 0);
}

static weft_scope shared_scope;
static void *enter_shared(void *arg) {
  int rc = weft_scope_enter(&shared_scope, 1e9);
  weft_sleep(1);
  return (void *)(intptr_t)rc;
}
static void *leaks_scope(void *arg) {
  weft_scope s;
  return (void *)(intptr_t)weft_scope_enter(&s, 0); /* returns inside it */
}

static void case_scope_foreign_and_leaked(void) {
  weft_id a = weft_spawn(enter_shared, NULL, NULL);
  weft_yield();
  EXPECT(weft_scope_exit(&shared_scope), WEFT_EINVAL); /* someone else's */
  EXPECT(weft_join(a, NULL), 0);
  EXPECT(weft_scope_exit(&shared_scope), WEFT_EINVAL); /* its owner is gone */
  void *r = (void *)1;
  EXPECT(weft_join(weft_spawn(leaks_scope, NULL, NULL), &r), 0);
  EXPECT((intptr_t)r, 0);
  /* A coroutine that reuses that control block has no deadline. */
  EXPECT(weft_join(weft_spawn(nap, NULL, NULL), NULL), 0);
}

static void case_scope_deep_nesting(void) {
  enum { N = 5000 };
  weft_scope *s = malloc(sizeof *s * N);
  int bad = 0;
  for (int i = 0; i < N; i++) bad += weft_scope_enter(&s[i], 1e9 - i) != 0;
  EXPECT(weft_sleep(0), 0);
  for (int i = N - 1; i >= 0; i--) bad += weft_scope_exit(&s[i]) != 0;
  EXPECT(bad, 0);
  free(s);
  weft_scope z;
  EXPECT(weft_scope_enter(&z, 0), 0);
  EXPECT(weft_sleep(1000), WEFT_ETIMEDOUT);
  EXPECT(weft_scope_exit(&z), 1);
  EXPECT(weft_sleep(0), 0);
}

/* ---- list, dump --------------------------------------------------------------------- */

typedef struct { weft_info info[4]; unsigned char after[256]; } list_buf;

static void case_list_bad_max(void) {
  weft_id kids[5];
  for (int i = 0; i < 5; i++) kids[i] = weft_spawn(nap, NULL, NULL);
  list_buf b;
  int maxes[] = {-1, -100, INT_MIN, 0};
  for (int m = 0; m < 4; m++) {
    memset(&b, FILL, sizeof b);
    EXPECT(weft_list(b.info, maxes[m]), 6);
    CHECK_INTACT(untouched(&b, sizeof b));
  }
  EXPECT(weft_list(NULL, 5), 6);
  EXPECT(weft_list(NULL, -1), 6);
  EXPECT(weft_list(NULL, INT_MAX), 6);
  memset(&b, FILL, sizeof b);
  EXPECT(weft_list(b.info, 3), 6); /* exactly 3 entries, in id order */
  CHECK_INTACT(untouched(&b.info[3], sizeof b.info[3] + sizeof b.after));
  CHECK(b.info[0].id < b.info[1].id && b.info[1].id < b.info[2].id);
  for (int i = 0; i < 5; i++) weft_join(kids[i], NULL);
}

static void case_list_states(void) {
  weft_id s = weft_spawn(sleep_forever, NULL, &(weft_opts){.name = "forever"});
  weft_id d = weft_spawn(quick, NULL, &(weft_opts){.name = "done"});
  weft_yield();
  weft_id r = weft_spawn(quick, NULL, &(weft_opts){.name = "ready"});
  weft_info all[8];
  int n = weft_list(all, 8);
  EXPECT(n, 4);
  int seen = 0;
  for (int i = 0; i < n && i < 8; i++) {
    if (all[i].id == s) seen += all[i].state == WEFT_BLOCKED && strstr(all[i].waits, "sleep forever") != NULL;
    if (all[i].id == d) seen += all[i].state == WEFT_DONE;
    if (all[i].id == r) seen += all[i].state == WEFT_READY;
    if (all[i].id == weft_self()) seen += all[i].state == WEFT_RUNNING;
    CHECK(memchr(all[i].name, 0, sizeof all[i].name) && memchr(all[i].waits, 0, sizeof all[i].waits));
  }
  EXPECT(seen, 4);
  weft_cancel(s);
  weft_join(s, NULL);
  weft_join(d, NULL);
  weft_join(r, NULL);
}

static void case_dump_many(void) {
  enum { N = 1500 };
  weft_id *ids = malloc(sizeof *ids * N);
  for (int i = 0; i < N; i++)
    ids[i] = weft_spawn(sleep_forever, NULL, &(weft_opts){.flags = i % 2 ? WEFT_COMPACT : 0});
  weft_yield(); /* all asleep, until cancelled */
  weft_dump();
  for (int i = 0; i < N; i++) weft_cancel(ids[i]);
  for (int i = 0; i < N; i++) weft_join(ids[i], NULL);
  free(ids);
}

/* ---- hook ----------------------------------------------------------------------------- */

static int hook_events, hook_bad;
static void nasty_hook(int ev, weft_id id, int detail, void *ctx) {
  hook_events++;
  /* The hook runs in the scheduler: nothing may suspend there. */
  weft_scope s;
  if (weft_sleep(1) != WEFT_ENOTCO) hook_bad++;
  if (weft_yield() != WEFT_ENOTCO) hook_bad++;
  if (weft_yield_host() != WEFT_ENOTCO) hook_bad++;
  if (weft_join(id, NULL) != WEFT_ENOTCO) hook_bad++;
  if (weft_scope_enter(&s, 1) != WEFT_ENOTCO) hook_bad++;
  if (weft_self() != 0) hook_bad++;
  if (ctx != (void *)&hook_events) hook_bad++;
}

static void case_hook_cannot_suspend(void) {
  hook_events = hook_bad = 0;
  weft_set_hook(nasty_hook, &hook_events);
  weft_id a = weft_spawn(nap, NULL, NULL);
  weft_join(a, NULL);
  weft_set_hook(NULL, &hook_events); /* NULL removes it, whatever the ctx */
  int seen = hook_events;
  EXPECT(weft_join(weft_spawn(nap, NULL, NULL), NULL), 0);
  EXPECT(hook_events, seen);
  CHECK(seen >= 4);
  EXPECT(hook_bad, 0);
}

static int hook_spawned;
static void *hook_child(void *arg) {
  hook_spawned++;
  return NULL;
}
static void spawning_hook(int ev, weft_id id, int detail, void *ctx) {
  static int budget;
  if (ctx) budget = 3;
  if (ev == WEFT_EV_EXIT && budget > 0) {
    budget--;
    weft_spawn(hook_child, NULL, &(weft_opts){.flags = WEFT_DETACHED});
  }
  if (ev == WEFT_EV_SPAWN && id < 0) hook_spawned = -100;
}

static void case_hook_spawns(void) {
  hook_spawned = 0;
  spawning_hook(-1, 0, 0, (void *)1);
  weft_set_hook(spawning_hook, NULL);
  EXPECT(weft_join(weft_spawn(quick, NULL, NULL), NULL), 0);
  for (int i = 0; i < 100 && hook_spawned < 3; i++) weft_sleep(0);
  weft_set_hook(NULL, NULL);
  EXPECT(hook_spawned, 3);
}

/* ---- stats, strerror -------------------------------------------------------------------- */

static void case_stats_null(void) {
  zero_page_save();
  weft_get_stats(NULL);
  CHECK_INTACT(zero_page_same());
  weft_stats st;
  memset(&st, FILL, sizeof st);
  weft_get_stats(&st);
  EXPECT(st.live, 1);
  EXPECT(st.ready, 0);
  CHECK(st.spawned >= 1 && st.switches >= 1);
}

static void case_strerror_all(void) {
  for (int e = WEFT_ENOASYNC; e <= 0; e++) {
    const char *s = weft_strerror(e);
    CHECK(s && *s && strcmp(s, "unknown error") != 0);
    for (int f = WEFT_ENOASYNC; f < e; f++) CHECK(strcmp(weft_strerror(f), s) != 0);
  }
  int odd[] = {1, WEFT_ENOASYNC - 1, INT_MIN, INT_MAX, -1000};
  for (int i = 0; i < 5; i++) CHECK(weft_strerror(odd[i]) && strcmp(weft_strerror(odd[i]), "unknown error") == 0);
}

/* ---- out of memory (the -sMAXIMUM_MEMORY=64MB build) ------------------------------------ */

static int spawn_until_full(weft_id *ids, int max) {
  int n = 0;
  for (; n < max; n++) {
    int id = weft_spawn(sleep_forever, NULL, &(weft_opts){.stack_size = 1 << 20});
    if (id < 0) {
      EXPECT(id, WEFT_ENOMEM);
      break;
    }
    ids[n] = id;
  }
  return n;
}

static void release_all(weft_id *ids, int n) {
  for (int i = 0; i < n; i++) weft_cancel(ids[i]);
  int bad = 0;
  for (int i = 0; i < n; i++) bad += weft_join(ids[i], NULL) != 0;
  EXPECT(bad, 0);
}

static void case_oom_spawn(void) {
  static weft_id ids[256];
  int n = spawn_until_full(ids, 256);
  CHECK(n > 4 && n < 256);
  weft_yield(); /* they all start and sleep; each saves its frames */
  release_all(ids, n);
  EXPECT(weft_spawn(quick, NULL, &(weft_opts){.stack_size = 200u << 20}), WEFT_ENOMEM);
  int again = spawn_until_full(ids, 256); /* the memory came back */
  CHECK(again >= n - 1);
  release_all(ids, again);
}

/* ---- the catalogue's cases ---------------------------------------------------------------- */

typedef struct { const char *name; void (*fn)(void); int runs; } kcase;
static const kcase cases[] = {
  {"spawn-null-fn", case_spawn_null_fn, 3},
  {"spawn-bad-flags", case_spawn_bad_flags, 3},
  {"spawn-stack-too-small", case_spawn_stack_too_small, 3},
  {"spawn-stack-too-big", case_spawn_stack_too_big, 3},
  {"spawn-stack-boundaries", case_spawn_stack_boundaries, 3},
  {"spawn-compact-ignores-size", case_spawn_compact_ignores_size, 3},
  {"spawn-names", case_spawn_names, 3},
  {"spawn-many", case_spawn_many, 3},
  {"join-garbage", case_join_garbage, 3},
  {"join-self", case_join_self, 3},
  {"join-twice", case_join_twice, 3},
  {"join-busy", case_join_busy, 3},
  {"join-detached", case_join_detached, 3},
  {"join-faulted", case_join_faulted, 3},
  {"detach-garbage", case_detach_garbage, 3},
  {"detach-twice", case_detach_twice, 3},
  {"detach-self", case_detach_self, 3},
  {"detach-finished", case_detach_finished, 3},
  {"exit-deep", case_exit_deep, 3},
  {"sleep-bad", case_sleep_bad, 3},
  {"sleep-endless-cancelled", case_sleep_endless_cancelled, 3},
  {"yield-cancelled", case_yield_cancelled, 3},
  {"yield-host-expired-scope", case_yield_host_in_expired_scope, 3},
  {"name-garbage", case_name_garbage, 3},
  {"now-monotonic", case_now_monotonic, 1},
  {"last-error-empty", case_last_error_empty, 3},
  {"cancel-garbage", case_cancel_garbage, 3},
  {"cancel-twice-and-finished", case_cancel_twice_and_finished, 3},
  {"cancel-before-start", case_cancel_before_start, 3},
  {"scope-null-bad-ms", case_scope_null_and_bad_ms, 3},
  {"scope-infinite", case_scope_infinite, 3},
  {"scope-exit-unentered", case_scope_exit_unentered, 3},
  {"scope-out-of-order", case_scope_out_of_order, 3},
  {"scope-foreign-and-leaked", case_scope_foreign_and_leaked, 3},
  {"scope-deep-nesting", case_scope_deep_nesting, 3},
  {"list-bad-max", case_list_bad_max, 3},
  {"list-states", case_list_states, 3},
  {"dump-many", case_dump_many, 1},
  {"hook-cannot-suspend", case_hook_cannot_suspend, 3},
  {"hook-spawns", case_hook_spawns, 3},
  {"stats-null", case_stats_null, 3},
  {"strerror-all", case_strerror_all, 1},
  {"oom-spawn", case_oom_spawn, 1},
};

/* ---- after each case: still working, nothing leaked -------------------------------------------- */

static void *worker(void *arg) {
  weft_sleep(1);
  weft_yield();
  return (void *)((intptr_t)arg + 1);
}

static void still_works(void) {
  void *a = NULL, *b = NULL;
  int ra = weft_join(weft_spawn(worker, (void *)10, NULL), &a);
  int rb = weft_join(weft_spawn(worker, (void *)20, &(weft_opts){.flags = WEFT_COMPACT}), &b);
  int rs = weft_sleep(0);
  if (ra || rb || rs || (intptr_t)a != 11 || (intptr_t)b != 21)
    printf("FAIL works: join=%d,%d sleep=%d results=%d,%d\n", ra, rb, rs, (int)(intptr_t)a, (int)(intptr_t)b);
  else
    printf("works\n");
}

/* What the coroutines other than main hold, and what waits. */
typedef struct { uint32_t live, ready, sleeping, host_timers, host_ops; size_t others_bytes; } footprint;

static footprint measure(void) {
  weft_stats st;
  weft_get_stats(&st);
  weft_info me;
  memset(&me, 0, sizeof me);
  size_t mine = 0;
  weft_info all[4];
  int n = weft_list(all, 4);
  for (int i = 0; i < n && i < 4; i++)
    if (all[i].id == weft_self()) me = all[i];
  mine = sizeof(void *) * 0 + me.save_bytes;
  return (footprint){st.live, st.ready, st.sleeping, st.host_timers, st.host_ops, st.held_bytes - mine};
}

static size_t heap_used(void) { return mallinfo().uordblks; }

static int run_case(const kcase *c) {
  still_works(); /* warm the pools up */
  footprint before = measure();
  size_t heap1 = 0, heap2 = 0;
  for (int r = 0; r < c->runs; r++) {
    c->fn();
    if (r == c->runs - 2) heap1 = heap_used();
    else if (r == c->runs - 1) heap2 = heap_used();
  }
  footprint after = measure();
  still_works();
  if (memcmp(&before, &after, sizeof before))
    printf("LEAK stats: live %u->%u ready %u->%u sleeping %u->%u host_timers %u->%u host_ops %u->%u held %zu->%zu\n",
           before.live, after.live, before.ready, after.ready, before.sleeping, after.sleeping, before.host_timers,
           after.host_timers, before.host_ops, after.host_ops, before.others_bytes, after.others_bytes);
  if (c->runs > 1 && heap2 > heap1) printf("LEAK heap: %zu bytes more after the last run\n", heap2 - heap1);
  printf("done %s failures=%d\n", c->name, failures);
  return 0;
}

/* ---- entry points JS calls directly: outside any coroutine ---------------------------------------- */

EMSCRIPTEN_KEEPALIVE int adv_outside(int what) {
  weft_scope s;
  switch (what) {
  case 0: return weft_sleep(1);
  case 1: return weft_yield();
  case 2: return weft_yield_host();
  case 3: return weft_join(1, NULL);
  case 4: return weft_exit(NULL);
  case 5: return weft_self();
  case 6: return weft_name(0) == NULL;
  case 7: return weft_scope_enter(&s, 10);
  case 8: return weft_scope_exit(&(weft_scope){0});
  case 9: return weft_last_error() != NULL && weft_last_error()[0] == 0;
  case 10: return weft_list(NULL, 0);
  case 11: weft_dump(); return 0;
  case 12: return weft_cancel(123456789);
  case 13: { weft_stats st; weft_get_stats(&st); return (int)st.live; }
  case 14: return weft_now() > 0;
  default: return -1000;
  }
}

static int from_js_ran;
static void *from_js(void *arg) {
  weft_sleep(1);
  from_js_ran++;
  return NULL;
}
/* Spawned from JS, outside any coroutine: it runs at the host's next turn. */
EMSCRIPTEN_KEEPALIVE int adv_spawn_from_js(void) {
  return weft_spawn(from_js, NULL, &(weft_opts){.flags = WEFT_DETACHED});
}
EMSCRIPTEN_KEEPALIVE int adv_from_js_ran(void) { return from_js_ran; }
EMSCRIPTEN_KEEPALIVE int adv_cancel(int id) { return weft_cancel(id); }

WEFT_EXPORT(adv_ping) {
  weft_sleep(0);
  weft_return_int(a, 1);
  return 0;
}

WEFT_EXPORT(adv_live) {
  weft_stats st;
  weft_get_stats(&st);
  weft_return_int(a, (int32_t)st.live);
  return 0;
}

static weft_chan *never_chan;
WEFT_EXPORT(adv_block) {
  int v;
  if (!never_chan) never_chan = weft_chan_new(sizeof v, 0);
  return weft_chan_recv(never_chan, &v);
}

WEFT_EXPORT(adv_never) { return weft_call("never", ">"); }

/* ---- the save area: an unwind bigger than the scratch area ------------------------------------------- */

/* Many values live across the recursive call: each frame saves them all. */
static __attribute__((noinline)) double recurse(int depth, double x) {
  if (depth == 0) {
    weft_yield();
    return x;
  }
  double v[12];
  for (int i = 0; i < 12; i++) v[i] = x * (i + 1) + depth;
  double r = recurse(depth - 1, v[depth % 12]);
  for (int i = 0; i < 12; i++) r += v[i] * 1e-9;
  return r;
}

static void *deep_sleeper(void *arg) {
  double r = recurse((int)(intptr_t)arg, 1.0);
  return (void *)(intptr_t)(r > 0);
}

/* Main keeps data on its stack and in the heap, and checks it after a
 * coroutine's unwind outgrew the scratch area. */
static int save_deep(void) {
  unsigned char mine[4096];
  enum { BLOCKS = 64 };
  unsigned char *blocks[BLOCKS];
  for (int i = 0; i < BLOCKS; i++) {
    blocks[i] = malloc(4096);
    memset(blocks[i], 0x5a ^ i, 4096);
  }
  memset(mine, 0x3c, sizeof mine);
  weft_id ok = weft_spawn(deep_sleeper, (void *)100, &(weft_opts){.name = "shallow", .stack_size = 64 << 10});
  weft_id v = weft_spawn(deep_sleeper, (void *)4000, &(weft_opts){.name = "deep", .stack_size = 4 << 20});
  printf("join deep = %s\n", weft_strerror(weft_join(v, NULL)));
  printf("join shallow = %s\n", weft_strerror(weft_join(ok, NULL)));
  int bad = 0;
  for (size_t i = 0; i < sizeof mine; i++) bad += mine[i] != 0x3c;
  for (int i = 0; i < BLOCKS; i++) {
    for (int k = 0; k < 4096; k++) bad += blocks[i][k] != (0x5a ^ i);
    free(blocks[i]);
  }
  printf("main's data: %s\n", bad ? "CORRUPT" : "intact");
  still_works();
  return 0;
}

/* ---- recursion without end: the C stack (checked builds) or the engine's overflows ---- */

static volatile int sink;
static __attribute__((noinline)) int plunge(int n) {
  if (n == 0) return 0;
  int x = plunge(n - 1);
  sink = x;
  return x + 1;
}

static void *plunger(void *arg) { return (void *)(intptr_t)plunge(50 * 1000 * 1000); }

/* ---- AddressSanitizer reports (the -fsanitize=address build) ------------------------------------------ */

static __attribute__((noinline)) int read_past(const char *p, int i) { return p[i]; }

static void *asan_victim(void *arg) {
  char *p = malloc(8);
  weft_yield();
  int v = read_past(p, 8); /* one byte past the block */
  free(p);
  return (void *)(intptr_t)v;
}

/* ---- soak: spawn and exit, memory flat ------------------------------------------------------------------- */

static void *soak_child(void *arg) {
  if ((uintptr_t)arg % 4 == 0) weft_yield();
  return arg;
}

static int soak(long n) {
  enum { BATCH = 1000 };
  static weft_id ids[BATCH];
  size_t heap0 = 0, mem0 = 0;
  long bad = 0;
  for (long done = 0; done < n; done += BATCH) {
    for (int i = 0; i < BATCH; i++) {
      unsigned f = (i % 3 == 0 ? WEFT_COMPACT : 0) | (i % 2 ? WEFT_DETACHED : 0);
      ids[i] = weft_spawn(soak_child, (void *)(uintptr_t)i, &(weft_opts){.flags = f});
    }
    for (int i = 0; i < BATCH; i += 2) {
      void *r = NULL;
      bad += weft_join(ids[i], &r) != 0 || (uintptr_t)r != (uintptr_t)i;
    }
    weft_stats st;
    for (weft_get_stats(&st); st.live > 1; weft_get_stats(&st)) weft_yield(); /* the detached ones */
    if (done == 100 * BATCH) {
      heap0 = heap_used();
      mem0 = emscripten_get_heap_size();
    }
  }
  weft_stats st;
  weft_get_stats(&st);
  printf("soak n=%ld bad=%ld spawned=%llu heap_then=%zu heap_now=%zu memory_then=%zu memory_now=%zu\n", n, bad,
         (unsigned long long)st.spawned, heap0, heap_used(), mem0, emscripten_get_heap_size());
  return 0;
}

/* ---- scenarios: whole-program outcomes ------------------------------------------------------------- */

static void *abort_now(void *arg) {
  weft_yield();
  abort();
}

static void *assert_now(void *arg) {
  weft_yield();
  assert(arg == NULL && "the worker's invariant");
  return NULL;
}

static void *call_never(void *arg) { return (void *)(intptr_t)weft_call("never", ">"); }

static void *recv_never(void *arg) {
  int v;
  return (void *)(intptr_t)weft_chan_recv(arg, &v);
}

/* Coroutines waiting on everything that holds a host resource. */
static void start_waiters(int detached) {
  unsigned f = detached ? WEFT_DETACHED : 0;
  static double long_sleep = 60000;
  weft_spawn(sleep_ms, &long_sleep, &(weft_opts){.name = "long sleeper", .flags = f});
  weft_spawn(sleep_forever, NULL, &(weft_opts){.name = "forever", .flags = f});
  weft_spawn(call_never, NULL, &(weft_opts){.name = "caller", .flags = f | WEFT_COMPACT});
  weft_spawn(recv_never, weft_chan_new(sizeof(int), 0), &(weft_opts){.name = "receiver", .flags = f});
}

/* Its call settles, but main returns before it runs to take the text. */
static void *call_text(void *arg) {
  char *s = NULL;
  weft_call("text", ">s", &s);
  printf("caller took %s\n", s ? s : "(null)");
  free(s);
  return NULL;
}

static int scenario(const char *t, int argc, char **argv) {
  if (!strcmp(t, "fault-unjoined")) {
    weft_spawn(trap_now, NULL, &(weft_opts){.name = "victim"});
    weft_yield(); /* it yields too, */
    weft_yield(); /* and traps */
    printf("main returns\n");
    return 0;
  }
  if (!strcmp(t, "fault-detached")) {
    weft_spawn(trap_now, NULL, &(weft_opts){.name = "victim", .flags = WEFT_DETACHED});
    start_waiters(0);
    weft_sleep(60000);
    printf("main woke\n");
    return 0;
  }
  if (!strcmp(t, "fault-abort")) {
    weft_spawn(abort_now, NULL, &(weft_opts){.name = "aborter", .flags = WEFT_DETACHED});
    weft_sleep(60000);
    return 0;
  }
  if (!strcmp(t, "fault-assert")) {
    weft_spawn(assert_now, (void *)1, &(weft_opts){.name = "asserter"});
    weft_yield();
    weft_yield();
    return 0;
  }
  if (!strcmp(t, "fault-detached-later")) { /* detaching a failed coroutine gives its failure up */
    weft_id v = weft_spawn(trap_now, NULL, &(weft_opts){.name = "victim"});
    weft_yield();
    weft_yield();
    printf("detach = %s\n", weft_strerror(weft_detach(v)));
    weft_sleep(60000);
    printf("main woke\n");
    return 0;
  }
  if (!strcmp(t, "fault-joined")) {
    weft_id v = weft_spawn(abort_now, NULL, &(weft_opts){.name = "victim", .flags = WEFT_COMPACT});
    printf("join = %s\n", weft_strerror(weft_join(v, NULL)));
    return 0;
  }
  if (!strcmp(t, "fault-generator")) { /* the consumer takes its producer's fault */
    weft_gen *g = weft_gen_new(yield_one_then_trap, NULL, sizeof(int));
    int v = 0;
    int rc = weft_gen_next(g, &v);
    printf("next = %s (%d)\n", weft_strerror(rc), v);
    rc = weft_gen_next(g, &v);
    printf("next = %s: %s\n", weft_strerror(rc), weft_last_error());
    printf("next = %s\n", weft_strerror(weft_gen_next(g, &v)));
    weft_gen_free(g);
    return 0;
  }
  if (!strcmp(t, "fault-generator-untaken")) { /* it faulted, but the consumer lets go without taking it */
    weft_gen *g = weft_gen_new(yield_one_then_trap, NULL, sizeof(int));
    int v = 0;
    printf("next = %s (%d)\n", weft_strerror(weft_gen_next(g, &v)), v);
    weft_sleep(10); /* the producer runs on, and traps */
    weft_gen_free(g);
    weft_sleep(60000);
    printf("main woke\n");
    return 0;
  }
  if (!strcmp(t, "fault-generator-orphaned")) { /* let go of: no one takes it */
    weft_gen *g = weft_gen_new(trap_when_cancelled, NULL, sizeof(int));
    int v = 0;
    printf("next = %s (%d)\n", weft_strerror(weft_gen_next(g, &v)), v);
    weft_gen_free(g);
    weft_sleep(60000);
    printf("main woke\n");
    return 0;
  }
  if (!strcmp(t, "settled-unrun")) { /* main's call settles first: main runs first, and returns */
    weft_spawn(call_text, NULL, &(weft_opts){.name = "caller"});
    char *s = NULL;
    weft_call("text", ">s", &s);
    free(s);
    printf("main returns\n");
    return 0;
  }
  if (!strcmp(t, "fault-main")) {
    weft_yield();
    __builtin_trap();
  }
  if (!strcmp(t, "fault-group")) {
    weft_group *g = weft_group_new();
    weft_group_spawn(g, trap_now, NULL, &(weft_opts){.name = "child"});
    weft_group_spawn(g, sleep_forever, NULL, NULL);
    printf("group = %s\n", weft_strerror(weft_group_wait(g)));
    weft_group_free(g);
    return 0;
  }
  if (!strcmp(t, "main-returns")) {
    start_waiters(0);
    start_waiters(1);
    weft_yield();
    weft_stats st;
    weft_get_stats(&st);
    printf("before return: live=%u host_ops=%u sleeping=%u\n", st.live, st.host_ops, st.sleeping);
    return 3;
  }
  if (!strcmp(t, "exit-pending")) {
    start_waiters(0);
    weft_yield();
    printf("exiting");
    exit(4);
  }
  if (!strcmp(t, "main-exits")) {
    start_waiters(0);
    weft_yield();
    weft_exit((void *)6);
  }
  if (!strcmp(t, "deadlock-call")) { /* JS called adv_block before run() */
    int v;
    return weft_chan_recv(weft_chan_new(sizeof v, 0), &v);
  }
  if (!strcmp(t, "hook-trap")) {
    weft_set_hook((weft_hook)(uintptr_t)0xdead, NULL); /* not a function: traps in the scheduler */
    weft_join(weft_spawn(quick, NULL, NULL), NULL);
    return 0;
  }
  if (!strcmp(t, "sleep-forever")) return weft_sleep(INFINITY);
  if (!strcmp(t, "select-forever")) {
    int v;
    weft_case c = {weft_chan_new(sizeof v, 1), WEFT_RECV, &v, 0};
    return weft_select(&c, 1, INFINITY);
  }
  if (!strcmp(t, "call-never")) return weft_call("never", ">");
  if (!strcmp(t, "idle")) return 0;
  /* output */
  if (!strcmp(t, "out-partial")) {
    printf("no newline");
    return 0;
  }
  if (!strcmp(t, "out-exit")) {
    printf("line\nbefore exit");
    exit(0);
  }
  if (!strcmp(t, "out-stderr")) {
    fprintf(stderr, "err partial");
    return 0;
  }
  if (!strcmp(t, "out-turn")) {
    printf("waiting");
    fflush(stdout);
    weft_sleep(20); /* the host turn ends here: the partial line must go out */
    EM_ASM({ globalThis.advMark && globalThis.advMark(); }); /* what JS got meanwhile */
    printf(" done\n");
    return 0;
  }
  if (!strcmp(t, "out-utf8")) {
    const char *s = "h\xc3\xa9llo \xe2\x82\xac"; /* "héllo €" */
    for (const char *p = s; *p; p++) {
      putchar(*p);
      fflush(stdout);
    }
    putchar('\n');
    return 0;
  }
  if (!strcmp(t, "out-progress")) {
    for (int i = 0; i <= 3; i++) {
      printf("\r%d%%", i * 33);
      fflush(stdout);
      weft_sleep(1);
    }
    printf("\nend");
    fprintf(stderr, "E1\nE2");
    return 0;
  }
  if (!strcmp(t, "out-file")) { /* other descriptors: files of Emscripten's FS */
    FILE *f = fopen("/data.txt", "w");
    int w = f ? fprintf(f, "in a file") : -1;
    if (f) fclose(f);
    char buf[32] = "";
    f = fopen("/data.txt", "r");
    if (f && fgets(buf, sizeof buf, f)) fclose(f);
    printf("wrote %d, read back: %s", w, buf);
    return 0;
  }
  if (!strcmp(t, "out-big")) {
    for (int i = 0; i < 100000; i++) putchar('a' + i % 26);
    return 0;
  }
  /* faults of the switch, in builds linked for them */
  if (!strcmp(t, "overflow")) {
    void *r = NULL;
    /* 900 bytes of a 1 KiB stack: into its guard zone, not past its block. */
    weft_id v = weft_spawn(stack_user, (void *)900, &(weft_opts){.name = "greedy", .stack_size = WEFT_MIN_STACK});
    printf("join greedy = %s\n", weft_strerror(weft_join(v, &r)));
    still_works();
    return 0;
  }
  if (!strcmp(t, "save-deep")) return save_deep();
  if (!strcmp(t, "asan-overflow")) {
    weft_id v = weft_spawn(asan_victim, NULL, &(weft_opts){.name = "reader"});
    printf("join reader = %s\n", weft_strerror(weft_join(v, NULL)));
    return 0;
  }
  if (!strcmp(t, "soak")) return soak(argc > 2 ? atol(argv[2]) : 10000000L);
  if (!strcmp(t, "overflow-recursion")) {
    weft_id v = weft_spawn(plunger, NULL, &(weft_opts){.name = "plunger"});
    printf("join plunger = %s\n", weft_strerror(weft_join(v, NULL)));
    still_works();
    return 0;
  }
  printf("unknown case or scenario '%s'\n", t);
  return 2;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (!strcmp(t, cases[i].name)) return run_case(&cases[i]);
  return scenario(t, argc, argv);
}
