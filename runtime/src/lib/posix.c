/*
 * posix.c — libc's blocking time calls, made to suspend only the calling
 * coroutine. musl's sleep(), usleep(), nanosleep() and C11's thrd_sleep()
 * all end in __clock_nanosleep(), which Emscripten implements as a busy
 * wait; defining it here (and clock_nanosleep, sched_yield and
 * emscripten_sleep) makes a ported program's sleeps weft_sleep() and its
 * yields weft_yield(). The linker takes these definitions over libc's,
 * since the runtime library comes first on its command line.
 *
 * In a coroutine, a cancel or a deadline scope interrupts the sleep as a
 * signal would: EINTR, the time left in *rem (nanosleep) or in sleep()'s
 * result, and weft_last_error() saying which ("cancelled", "deadline or
 * timeout expired"). Outside any coroutine (a constructor, a C function
 * JS calls through Module) they busy-wait as Emscripten's own do.
 */
#include <emscripten/emscripten.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib.h"

void emscripten_thread_sleep(double ms); /* Emscripten's busy wait */

static double to_ms(const struct timespec *t) { return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6; }

static void from_ms(struct timespec *t, double ms) {
  if (ms < 0) ms = 0;
  double s = floor(ms / 1e3);
  t->tv_sec = (time_t)s;
  t->tv_nsec = (long)((ms - s * 1e3) * 1e6);
  if (t->tv_nsec > 999999999L) t->tv_nsec = 999999999L;
}

/* The time calls' common core: returns 0 or an errno value, as
 * clock_nanosleep does. `abs_at` is the wake time on `clk` when
 * TIMER_ABSTIME is given. */
int __clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem) {
  if (clk == CLOCK_THREAD_CPUTIME_ID || clk == CLOCK_PROCESS_CPUTIME_ID) return EINVAL;
  if (!req || req->tv_nsec < 0 || req->tv_nsec > 999999999L || req->tv_sec < 0) return EINVAL;
  double ms = to_ms(req);
  if (flags & TIMER_ABSTIME) {
    struct timespec now;
    clock_gettime(clk, &now);
    ms -= to_ms(&now);
    if (ms <= 0) return 0;
  }
  if (!weft_self()) {
    emscripten_thread_sleep(ms);
    return 0;
  }
  double until = weft_now() + ms;
  int rc = weft_sleep(ms);
  if (rc == 0) return 0;
  if (rc == WEFT_ECANCELED || rc == WEFT_ETIMEDOUT) {
    /* Interrupted, as by a signal: say by what, and how long was left. */
    report_error(rc, "%s", weft_strerror(rc));
    if (rem && !(flags & TIMER_ABSTIME)) from_ms(rem, until - weft_now());
    return EINTR;
  }
  return rc == WEFT_ENOMEM ? ENOMEM : EINVAL;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem) {
  return __clock_nanosleep(clk, flags, req, rem);
}

/* Yields to every other ready coroutine; 0 outside any coroutine too. */
int sched_yield(void) {
  if (weft_self()) weft_yield();
  return 0;
}

/* Emscripten's own sleep, which would unwind through Emscripten's
 * Asyncify state and corrupt weft's: here it is weft_sleep(). */
void emscripten_sleep(unsigned ms) {
  if (weft_self()) weft_sleep((double)ms);
  else emscripten_thread_sleep((double)ms);
}
