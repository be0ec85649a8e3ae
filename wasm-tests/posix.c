/*
 * posix.c — libc's blocking time calls in coroutines (runtime/src/lib/posix.c):
 * sleep, usleep, nanosleep, clock_nanosleep, thrd_sleep, sched_yield and
 * emscripten_sleep suspend only their caller; a cancel or a deadline
 * interrupts them with EINTR and the time left. One scenario per argv[1];
 * wasm-tests/posix.test.mjs checks what each prints.
 */
#include <emscripten/emscripten.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>
#include "weft.h"

/* ---- they suspend only the caller --------------------------------------- */

static volatile int progress, stop;
static void *spinner(void *arg) {
  while (!stop) {
    progress++;
    sched_yield();
  }
  return NULL;
}

/* While main sleeps, the spinner runs: with a busy wait it could not. */
static int others_run(void) {
  const char *names[] = {"sleep(0)", "usleep", "nanosleep", "clock_nanosleep", "thrd_sleep", "emscripten_sleep"};
  for (int k = 0; k < 6; k++) {
    stop = 0;
    progress = 0;
    weft_id id = weft_spawn(spinner, NULL, NULL);
    struct timespec ts = {0, 20 * 1000000};
    int rc = 0;
    switch (k) {
      case 0: rc = (int)sleep(0); weft_yield(); break; /* sleep(0) returns at once; the yield lets it start */
      case 1: rc = usleep(20000); break;
      case 2: rc = nanosleep(&ts, NULL); break;
      case 3: rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL); break;
      case 4: rc = thrd_sleep(&ts, NULL); break;
      case 5: emscripten_sleep(20); break;
    }
    int seen = progress;
    stop = 1;
    weft_join(id, NULL);
    printf("%s rc=%d others ran=%d\n", names[k], rc, seen > 0);
  }
  return 0;
}

/* ---- interrupted by a cancel or a deadline ------------------------------ */

static void *long_nanosleep(void *arg) {
  struct timespec ts = {100, 0}, rem = {0, 0};
  int rc = nanosleep(&ts, &rem);
  printf("nanosleep rc=%d errno=%s rem_s>50=%d why=%s\n", rc, rc ? strerror(errno) : "-", rem.tv_sec > 50,
         weft_last_error());
  return NULL;
}
static void *long_sleep(void *arg) {
  unsigned left = sleep(100);
  printf("sleep left>50=%d why=%s\n", left > 50 && left <= 100, weft_last_error());
  return NULL;
}
static void *long_usleep(void *arg) {
  int rc = usleep(100 * 1000000);
  printf("usleep rc=%d errno=%s\n", rc, rc ? strerror(errno) : "-");
  return NULL;
}
static void *long_emscripten_sleep(void *arg) {
  emscripten_sleep(100000);
  printf("emscripten_sleep returned, cancelled: next sleep rc=%d\n", usleep(1));
  return NULL;
}

static int interrupted(void) {
  weft_fn fns[] = {long_nanosleep, long_sleep, long_usleep, long_emscripten_sleep};
  for (int k = 0; k < 4; k++) {
    weft_id id = weft_spawn(fns[k], NULL, NULL);
    weft_yield(); /* it runs to its sleep */
    weft_cancel(id);
    weft_join(id, NULL);
  }
  /* A deadline scope ends a sleep the same way. */
  weft_scope s;
  weft_scope_enter(&s, 30);
  struct timespec ts = {100, 0}, rem = {0, 0};
  int rc = nanosleep(&ts, &rem);
  int e = errno;
  printf("in a 30 ms scope: nanosleep rc=%d errno=%s rem_s>50=%d why=%s\n", rc, strerror(e), rem.tv_sec > 50,
         weft_last_error());
  printf("scope expired=%d\n", weft_scope_exit(&s));
  /* ...and a sleep after the scope is over is whole again. */
  printf("after: usleep rc=%d\n", usleep(1000));
  return 0;
}

/* ---- arguments -------------------------------------------------------------- */

static int arguments(void) {
  struct timespec bad = {0, 1000000000L}, neg = {-1, 0}, ok = {0, 1000};
  printf("nsec 1e9: nanosleep rc=%d errno=%s\n", nanosleep(&bad, NULL), strerror(errno));
  printf("negative: nanosleep rc=%d errno=%s\n", nanosleep(&neg, NULL), strerror(errno));
  printf("NULL: nanosleep rc=%d errno=%s\n", nanosleep(NULL, NULL), strerror(errno));
  printf("cpu clock: clock_nanosleep=%s\n", strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ok, NULL)));
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  printf("absolute, past: clock_nanosleep=%d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL));
  now.tv_nsec += 20 * 1000000;
  if (now.tv_nsec > 999999999L) now.tv_sec++, now.tv_nsec -= 1000000000L;
  double t0 = weft_now();
  int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
  printf("absolute, 20 ms ahead: clock_nanosleep=%d waited=%d\n", rc, weft_now() - t0 >= 15);
  return 0;
}

/* ---- many in flight --------------------------------------------------------- */

static void *napper(void *arg) {
  int i = (int)(intptr_t)arg;
  emscripten_sleep((unsigned)(i % 7));
  usleep((useconds_t)(i % 5) * 1000);
  return (void *)(intptr_t)(i * 3);
}

/* Emscripten's own emscripten_sleep allows one in flight; here any number. */
static int many(void) {
  enum { N = 200 };
  weft_id ids[N];
  for (int i = 0; i < N; i++) ids[i] = weft_spawn(napper, (void *)(intptr_t)i, &(weft_opts){.flags = WEFT_COMPACT});
  int good = 0;
  for (int i = 0; i < N; i++) {
    void *r;
    if (weft_join(ids[i], &r) == 0 && r == (void *)(intptr_t)(i * 3)) good++;
  }
  printf("many: %d of %d right\n", good, N);
  return 0;
}

/* ---- sched_yield takes turns ---------------------------------------------- */

static void *turn_taker(void *arg) {
  for (int i = 1; i <= 3; i++) {
    printf("%s%d\n", (const char *)arg, i);
    sched_yield();
  }
  return NULL;
}

static int turns(void) {
  weft_id a = weft_spawn(turn_taker, "a", NULL), b = weft_spawn(turn_taker, "b", NULL);
  weft_join(a, NULL);
  weft_join(b, NULL);
  return 0;
}

/* Called from JS outside any coroutine: the calls busy-wait as Emscripten's do. */
EMSCRIPTEN_KEEPALIVE int outside_sleeps(void) {
  struct timespec ts = {0, 2 * 1000000};
  double t0 = weft_now();
  int rc = usleep(2000) | nanosleep(&ts, NULL) | sched_yield();
  emscripten_sleep(2);
  return rc == 0 && weft_now() - t0 >= 5 ? 1 : -1;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "others-run")) return others_run();
  if (!strcmp(what, "interrupted")) return interrupted();
  if (!strcmp(what, "arguments")) return arguments();
  if (!strcmp(what, "many")) return many();
  if (!strcmp(what, "turns")) return turns();
  printf("unknown scenario '%s'\n", what);
  return 2;
}
