/*
 * faults.c — every error the core runtime must report clearly, one scenario
 * per argv[1]. Scenarios that stop a coroutine show that the rest of the
 * program carries on: main joins the victim, prints the error and goes on.
 * Built twice: plain, and with -sSTACK_OVERFLOW_CHECK=2 (faults-checked).
 */
#include <emscripten.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

#define SHOW(expr) printf("%s = %s\n", #expr, weft_strerror(expr))

/* Runs during module start-up, before main: outside any coroutine. */
static int ctor_sleep, ctor_yield, ctor_join, ctor_self;
__attribute__((constructor)) static void before_main(void) {
  ctor_sleep = weft_sleep(1);
  ctor_yield = weft_yield();
  ctor_join = weft_join(1, NULL);
  ctor_self = weft_self();
}

/* Exported: the JS test calls them directly, outside any coroutine. */
EMSCRIPTEN_KEEPALIVE int outside_sleep(void) { return weft_sleep(5); }
EMSCRIPTEN_KEEPALIVE int outside_live(void) { return weft_list(NULL, 0); }

static void *nap(void *arg) {
  weft_sleep(5);
  return arg;
}

static void *join_target(void *arg) {
  return (void *)(intptr_t)weft_join((weft_id)(intptr_t)arg, NULL);
}

static int misuse(void) {
  printf("ctor: sleep=%s yield=%s join=%s self=%d\n", weft_strerror(ctor_sleep),
         weft_strerror(ctor_yield), weft_strerror(ctor_join), ctor_self);
  SHOW(weft_join(123456, NULL));
  SHOW(weft_join(-3, NULL));
  SHOW(weft_join(weft_self(), NULL));
  weft_id a = weft_spawn(nap, (void *)5, NULL);
  weft_id helper = weft_spawn(join_target, (void *)(intptr_t)a, NULL);
  weft_yield(); /* helper starts joining a */
  SHOW(weft_join(a, NULL));
  void *r;
  weft_join(helper, &r);
  printf("helper's join = %s\n", weft_strerror((int)(intptr_t)r));
  SHOW(weft_join(a, NULL));
  weft_id d = weft_spawn(nap, NULL, NULL);
  SHOW(weft_detach(d));
  SHOW(weft_join(d, NULL));
  SHOW(weft_detach(d));
  SHOW(weft_sleep(-1));
  SHOW(weft_sleep(NAN));
  SHOW(weft_spawn(NULL, NULL, NULL));
  SHOW(weft_spawn(nap, NULL, &(weft_opts){.stack_size = 100}));
  SHOW(weft_spawn(nap, NULL, &(weft_opts){.flags = 0x80}));
  printf("strerror(999) = %s\n", weft_strerror(999));
  return 0;
}

/* ---- deadlock --------------------------------------------------------- */

static weft_id main_id;
static void *join_main(void *arg) {
  weft_join(main_id, NULL);
  return NULL;
}

static int deadlock(void) {
  main_id = weft_self();
  weft_id a = weft_spawn(join_main, NULL, &(weft_opts){.name = "joiner"});
  weft_join(a, NULL);
  printf("deadlock not detected\n");
  return 0;
}

/* Two coroutines join each other; main returns meanwhile. */
static weft_id pair[2];
static void *join_other(void *arg) {
  weft_join(pair[1 - (int)(intptr_t)arg], NULL);
  return NULL;
}

static int deadlock_after_main(void) {
  pair[0] = weft_spawn(join_other, (void *)0, &(weft_opts){.name = "x"});
  pair[1] = weft_spawn(join_other, (void *)1, &(weft_opts){.name = "y"});
  return 0;
}

/* ---- C stack overflow ------------------------------------------------- */

/* Use `n` bytes of C stack (really written), suspending with it in use or
 * after releasing it. A 4 KiB stack keeps its lowest 512 bytes as guard
 * headroom: 3800 bytes reach into it without leaving the stack's block.
 * Going further (overflow-deep) tramples the memory below, which only a
 * -sSTACK_OVERFLOW_CHECK build stops before it happens. */
static __attribute__((noinline)) int use_stack(size_t n, int suspend) {
  char *pad = __builtin_alloca(n);
  memset(pad, 0x3c, n);
  __asm__ volatile("" : : "r"(pad) : "memory");
  if (suspend) weft_sleep(0);
  return pad[n - 1];
}

typedef struct { size_t bytes; int suspend_inside; } burn_req;

static void *burner(void *arg) {
  burn_req *r = arg;
  use_stack(r->bytes, r->suspend_inside);
  weft_sleep(0);
  printf("overflowing coroutine carried on\n");
  return NULL;
}

static int stack_overflow(size_t bytes, int suspend_inside) {
  burn_req r = {bytes, suspend_inside};
  weft_id v = weft_spawn(burner, &r, &(weft_opts){.name = "greedy", .stack_size = 4096});
  int rc = weft_join(v, NULL);
  printf("join greedy = %s\n", weft_strerror(rc));
  weft_join(weft_spawn(nap, NULL, NULL), NULL);
  printf("main carried on\n");
  return 0;
}

/* ---- save area overflow ----------------------------------------------- */

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
  printf("deep result %g\n", recurse((int)(intptr_t)arg, 1.0));
  return NULL;
}

static int save_area(void) {
  weft_id ok = weft_spawn(deep_sleeper, (void *)100, &(weft_opts){.name = "shallow", .stack_size = 64 << 10});
  weft_id v = weft_spawn(deep_sleeper, (void *)4000, &(weft_opts){.name = "deep", .stack_size = 4 << 20});
  printf("join deep = %s\n", weft_strerror(weft_join(v, NULL)));
  printf("join shallow = %s\n", weft_strerror(weft_join(ok, NULL)));
  return 0;
}

/* ---- a JS exception in a host callback -------------------------------- */

EM_JS(int, host_call_that_throws, (int x), { throw new TypeError('host callback failed on ' + x); });

static void *calls_js(void *arg) {
  weft_yield();
  host_call_that_throws(7);
  printf("after throwing call\n");
  return NULL;
}

static int js_exception(void) {
  weft_id v = weft_spawn(calls_js, NULL, &(weft_opts){.name = "caller"});
  printf("join caller = %s\n", weft_strerror(weft_join(v, NULL)));
  return 5;
}

/* ---- recursion deeper than the engine's own stack ------------------------ */

static volatile int sink;
static __attribute__((noinline)) int plunge(int n) {
  if (n == 0) return 0;
  int x = plunge(n - 1);
  sink = x;
  return x + 1;
}

static void *plunger(void *arg) {
  printf("plunged %d\n", plunge(50 * 1000 * 1000));
  return NULL;
}

static int native_stack(void) {
  weft_id v = weft_spawn(plunger, NULL, &(weft_opts){.name = "plunger"});
  printf("join plunger = %s\n", weft_strerror(weft_join(v, NULL)));
  return 0;
}

/* ---- the stack-hungry parts of libc fit the default stack ---------------- */

static void *libc_user(void *arg) {
  int i = (int)(intptr_t)arg;
  char buf[64];
  weft_yield();
  snprintf(buf, sizeof buf, "%.3f %g %e", i * 0.5, i * 1e-3, i * 1e10);
  double a = atof(buf), b = strtod(buf, NULL), c = 0;
  sscanf(buf, "%lf", &c);
  weft_sleep(0);
  return (void *)(intptr_t)(a == i * 0.5 && b == a && c == a);
}

static int libc_stack(void) {
  enum { N = 300 };
  weft_id ids[N];
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(libc_user, (void *)(intptr_t)i, NULL);
  int ok = 0;
  for (int i = 0; i < N; i++) {
    void *r = NULL;
    ok += weft_join(ids[i], &r) == 0 && r;
  }
  printf("libc on default stacks: %d of %d ok\n", ok, N);
  return 0;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  if (!strcmp(t, "misuse")) return misuse();
  if (!strcmp(t, "deadlock")) return deadlock();
  if (!strcmp(t, "deadlock-after-main")) return deadlock_after_main();
  if (!strcmp(t, "overflow-at-suspend")) return stack_overflow(3800, 1);
  if (!strcmp(t, "overflow-before-suspend")) return stack_overflow(3800, 0);
  if (!strcmp(t, "overflow-deep")) return stack_overflow(64 * 1024, 0);
  if (!strcmp(t, "save-area")) return save_area();
  if (!strcmp(t, "js-exception")) return js_exception();
  if (!strcmp(t, "native-stack")) return native_stack();
  if (!strcmp(t, "libc-stack")) return libc_stack();
  printf("unknown scenario '%s'\n", t);
  return 2;
}
