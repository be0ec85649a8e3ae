/*
 * core.c — the core runtime's behaviour, one scenario per argv[1]. Each
 * prints facts as lines; wasm-tests/core.test.mjs checks them. Nothing here
 * decides pass or fail alone: the test compares against what must hold.
 */
#include <emscripten.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

/* ---- yield order: round-robin fairness ------------------------------- */

static void *yielder(void *arg) {
  for (int i = 0; i < 3; i++) {
    printf("turn %s %d\n", weft_name(0), i);
    weft_yield();
  }
  return NULL;
}

static int yield_order(void) {
  weft_id ids[4];
  for (int i = 0; i < 4; i++) {
    char name[8];
    snprintf(name, sizeof name, "y%d", i);
    ids[i] = weft_spawn(yielder, NULL, &(weft_opts){.name = name});
  }
  for (int i = 0; i < 4; i++) weft_join(ids[i], NULL);
  return 0;
}

/* ---- sleep order and lateness --------------------------------------- */

/* Each sleeper notes the time just before its weft_sleep; they start one
 * after another, so a sleeper's deadline lies between its own start + ms
 * and the next one's start + ms (the last is followed by "closer"). */
typedef struct { double ms; int tag; double t0; } sleep_req;

static void *sleeper(void *arg) {
  sleep_req *r = arg;
  r->t0 = weft_now();
  int rc = weft_sleep(r->ms);
  printf("woke %d ms=%g rc=%d late=%.3f t0=%.6f\n", r->tag, r->ms, rc, weft_now() - r->t0 - r->ms, r->t0);
  return NULL;
}

static void *closer(void *arg) {
  *(double *)arg = weft_now();
  return NULL;
}

static int sleep_order(void) {
  /* Shuffled, with ties (FIFO among equal deadlines) and zero delays. */
  static sleep_req reqs[] = {{30, 0, 0}, {10, 1, 0}, {0, 2, 0}, {20, 3, 0}, {10, 4, 0}, {0, 5, 0}, {5, 6, 0}, {20, 7, 0}};
  enum { N = sizeof reqs / sizeof reqs[0] };
  weft_id ids[N];
  double last_start = 0;
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(sleeper, &reqs[i], NULL);
  weft_id c = weft_spawn(closer, &last_start, NULL);
  for (int i = 0; i < N; i++) weft_join(ids[i], NULL);
  weft_join(c, NULL);
  printf("closer t0=%.6f\n", last_start);
  return 0;
}

/* ---- join results ----------------------------------------------------- */

static void *square(void *arg) {
  intptr_t x = (intptr_t)arg;
  weft_sleep((double)(x % 3));
  return (void *)(x * x);
}

static void *early_exit(void *arg) {
  weft_exit((void *)(intptr_t)77);
  printf("weft_exit returned\n"); /* must not print */
  return NULL;
}

static int join_results(void) {
  weft_id ids[20];
  for (int i = 0; i < 20; i++) ids[i] = weft_spawn(square, (void *)(intptr_t)i, NULL);
  for (int i = 19; i >= 0; i--) { /* join in reverse: some finished long ago */
    void *r = NULL;
    int rc = weft_join(ids[i], &r);
    printf("join %d rc=%d result=%d\n", i, rc, (int)(intptr_t)r);
  }
  void *r = NULL;
  int rc = weft_join(weft_spawn(early_exit, NULL, NULL), &r);
  printf("exit rc=%d result=%d\n", rc, (int)(intptr_t)r);
  return 0;
}

/* ---- address-taken locals across suspensions ------------------------- */

typedef struct { uint32_t words[16]; double d; char tag[12]; } box;

static uint32_t mix(uint32_t x) { x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; return x; }

static void fill(box *b, uint32_t seed) {
  memset(b, 0, sizeof *b); /* padding and the tag's tail compare too */
  for (int i = 0; i < 16; i++) b->words[i] = mix(seed + (uint32_t)i);
  b->d = seed * 0.5;
  snprintf(b->tag, sizeof b->tag, "%u", seed % 100000);
}

static int check(const box *b, uint32_t seed) {
  box want;
  fill(&want, seed);
  return memcmp(b, &want, sizeof want) == 0;
}

static int bad_locals;

/* A 2-deep chain whose frames hold pointers into their own stacks. */
static __attribute__((noinline)) void deep(box *outer, uint32_t seed, int rounds) {
  box inner;
  uint32_t arr[8];
  fill(&inner, seed ^ 0xabcdef);
  for (int i = 0; i < 8; i++) arr[i] = seed * (uint32_t)(i + 1);
  for (int r = 0; r < rounds; r++) {
    if (r % 3 == 2) weft_sleep(0); else weft_yield();
    if (!check(outer, seed) || !check(&inner, seed ^ 0xabcdef)) bad_locals++;
    for (int i = 0; i < 8; i++) if (arr[i] != seed * (uint32_t)(i + 1)) { bad_locals++; break; }
  }
}

static void *local_keeper(void *arg) {
  uint32_t seed = (uint32_t)(uintptr_t)arg;
  box mine;
  fill(&mine, seed);
  deep(&mine, seed, 5);
  return check(&mine, seed) ? (void *)1 : NULL;
}

static int locals(int n, unsigned flags) {
  weft_id *ids = malloc(sizeof *ids * (size_t)n);
  for (int i = 0; i < n; i++)
    ids[i] = weft_spawn(local_keeper, (void *)(uintptr_t)(i * 2654435761u + 1),
                        &(weft_opts){.flags = flags});
  int ok = 0;
  for (int i = 0; i < n; i++) {
    void *r = NULL;
    if (weft_join(ids[i], &r) == 0 && r) ok++;
  }
  free(ids);
  weft_stats st;
  weft_get_stats(&st);
  printf("locals n=%d ok=%d bad=%d switches=%llu unwinds=%llu rewinds=%llu\n", n, ok, bad_locals,
         (unsigned long long)st.switches, (unsigned long long)st.unwinds,
         (unsigned long long)st.rewinds);
  return 0;
}

/* ---- timers: zero delays, one host timer ----------------------------- */

static void *spin_sleep0(void *arg) {
  for (int i = 0; i < 1000; i++) weft_sleep(0);
  return NULL;
}

static int parked;
static void *far_sleeper(void *arg) {
  parked++;
  return (void *)(intptr_t)weft_sleep(1e9 + (double)((uintptr_t)arg % 40)); /* until cancelled */
}

static void *spread_sleeper(void *arg) {
  return (void *)(intptr_t)weft_sleep(1 + (double)((uintptr_t)arg % 40));
}

static void print_timers(const char *when) {
  weft_stats st;
  weft_get_stats(&st);
  printf("%s sleeping=%u host_timers=%u\n", when, st.sleeping, st.host_timers);
}

static int timers(void) {
  weft_join(weft_spawn(spin_sleep0, NULL, NULL), NULL);
  printf("sleep0 done\n");
  enum { N = 500 };
  weft_id ids[N];
  /* 500 sleepers asleep at once (their deadlines are far off, however slow
   * the machine): one host timer for all of them. */
  EM_ASM({ globalThis.weftTestMark && globalThis.weftTestMark('park'); });
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(far_sleeper, (void *)(uintptr_t)(i * 7919u), NULL);
  while (parked < N) weft_yield();
  weft_yield_host(); /* the tick ends: the host timer is armed */
  print_timers("parked:");
  for (int i = 0; i < N; i++) weft_cancel(ids[i]);
  int bad = 0;
  for (int i = 0; i < N; i++) {
    void *r = NULL;
    bad += weft_join(ids[i], &r) != 0 || (intptr_t)r != WEFT_ECANCELED;
  }
  print_timers("cancelled:");
  /* 500 sleepers over 40 ms, woken by the host timer. */
  EM_ASM({ globalThis.weftTestMark && globalThis.weftTestMark('many'); });
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(spread_sleeper, (void *)(uintptr_t)(i * 7919u), NULL);
  for (int i = 0; i < N; i++) {
    void *r = (void *)1;
    bad += weft_join(ids[i], &r) != 0 || r != NULL;
  }
  printf("bad=%d\n", bad);
  print_timers("after");
  return 0;
}

/* ---- yield to the host ------------------------------------------------ */

EM_JS(int, host_turns, (void), { return globalThis.weftHostTurns | 0; });

static int yield_host(void) {
  int seen = 0;
  for (int i = 0; i < 5; i++) {
    int before = host_turns();
    weft_yield_host();
    if (host_turns() > before) seen++;
  }
  printf("host turns seen %d of 5\n", seen);
  return 0;
}

/* Two coroutines yield to each other until the host has had 3 turns (a
 * program that never gave it one would stop at the cap instead). */
static long slice_yields;
static void *busy(void *arg) {
  int until = *(int *)arg;
  while (host_turns() < until && slice_yields < 50 * 1000 * 1000) {
    weft_yield();
    slice_yields++;
  }
  return NULL;
}

static int slice(void) {
  int before = host_turns(), until = before + 3;
  weft_id a = weft_spawn(busy, &until, NULL), b = weft_spawn(busy, &until, NULL);
  weft_join(a, NULL);
  weft_join(b, NULL);
  printf("host_turns=%d yields=%ld\n", host_turns() - before, slice_yields);
  return 0;
}

/* ---- identity and argv ------------------------------------------------ */

static void *who(void *arg) {
  printf("self=%d name=%s\n", weft_self(), weft_name(0));
  return NULL;
}

static int identity(int argc, char **argv) {
  printf("main self=%d name=%s argc=%d argv1=%s\n", weft_self(), weft_name(0), argc, argv[1]);
  weft_id id = weft_spawn(who, NULL, &(weft_opts){.name = "a-rather-long-coroutine-name-here"});
  weft_join(id, NULL);
  weft_id d = weft_spawn(who, NULL, &(weft_opts){.flags = WEFT_DETACHED});
  weft_sleep(1);
  printf("detached gone=%d\n", weft_name(d) == NULL);
  return 0;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  int rc;
  if (!strcmp(t, "yield-order")) rc = yield_order();
  else if (!strcmp(t, "sleep-order")) rc = sleep_order();
  else if (!strcmp(t, "join")) rc = join_results();
  else if (!strcmp(t, "locals")) rc = locals(argc > 2 ? atoi(argv[2]) : 10000, 0);
  else if (!strcmp(t, "locals-compact")) rc = locals(argc > 2 ? atoi(argv[2]) : 10000, WEFT_COMPACT);
  else if (!strcmp(t, "timers")) rc = timers();
  else if (!strcmp(t, "yield-host")) rc = yield_host();
  else if (!strcmp(t, "slice")) rc = slice();
  else if (!strcmp(t, "identity")) rc = identity(argc, argv);
  else if (!strcmp(t, "exit-code")) rc = 42;
  else if (!strcmp(t, "c-exit")) { weft_sleep(1); exit(9); }
  else { printf("unknown scenario '%s'\n", t); rc = 2; }
  return rc;
}
