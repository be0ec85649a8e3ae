/*
 * timer.c — sleeping coroutines in a binary min-heap ordered by deadline
 * (FIFO among equal deadlines): O(log n) insert and removal, O(1) earliest.
 *
 * Every wait with a deadline is here (a sleep, a select's timeout, any wait
 * inside a deadline scope), not only sleeps.
 *
 * However many there are, the host has at most one timer armed, for the
 * earliest deadline; `armed` is the one record of it. timer_sync_host(),
 * at the end of each tick, re-arms it when that deadline changed, asks for
 * an immediate tick instead when it is already due (a slice ended first),
 * and clears it when the heap is empty; removing the last member clears
 * it at once. An infinite deadline is no deadline: such a waiter stays out
 * of the heap, so that a program whose coroutines all wait forever is
 * seen as a deadlock.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include "kernel.h"

#define HOST_TIMER_MAX 2147483647.0 /* setTimeout's largest delay */

/* A member: its key inline, so that sifting never loads a control block
 * (a million of them are scattered over hundreds of MB). */
typedef struct {
  double at;      /* deadline */
  uint32_t seq;   /* FIFO order among equal deadlines */
  weft_co *co;
} entry;

static entry *heap;
static uint32_t count, cap, seq;
static double armed = INFINITY; /* deadline the host timer is armed for */

static bool before(const entry *a, const entry *b) {
  if (a->at != b->at) return a->at < b->at;
  return (int32_t)(a->seq - b->seq) < 0;
}

static void place(uint32_t i, entry e) {
  heap[i] = e;
  e.co->heap_index = (int32_t)i;
}

static void sift_up(uint32_t i, entry e) {
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!before(&e, &heap[parent])) break;
    place(i, heap[parent]);
    i = parent;
  }
  place(i, e);
}

static void sift_down(uint32_t i, entry e) {
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= count) break;
    if (child + 1 < count && before(&heap[child + 1], &heap[child])) child++;
    if (!before(&heap[child], &e)) break;
    place(i, heap[child]);
    i = child;
  }
  place(i, e);
}

int timer_reserve(uint32_t n) {
  if (n <= cap) return 0;
  uint32_t ncap = cap ? cap : 64;
  while (ncap < n) ncap *= 2;
  entry *h = realloc(heap, ncap * sizeof *h);
  if (!h) return WEFT_ENOMEM;
  heap = h;
  cap = ncap;
  return 0;
}

int timer_insert(weft_co *co, double deadline) {
  if (deadline == INFINITY) return 0;
  if (count == cap && timer_reserve(cap + 1)) return WEFT_ENOMEM;
  sift_up(count++, (entry){deadline, seq++, co});
  return 0;
}

void timer_remove(weft_co *co) {
  uint32_t i = (uint32_t)co->heap_index;
  entry last = heap[--count];
  co->heap_index = -1;
  if (i < count) {
    if (i > 0 && before(&last, &heap[(i - 1) / 2])) sift_up(i, last);
    else sift_down(i, last);
  }
  /* The last sleeper is gone (woken inside a tick, or cancelled): clear the
   * host timer now rather than at the end of the tick, so that no one in
   * this tick sees a timer armed for nothing. */
  if (!count && armed != INFINITY) timer_sync_host();
}

double timer_deadline(const weft_co *co) { return co->heap_index >= 0 ? heap[co->heap_index].at : INFINITY; }

uint32_t timer_count(void) { return count; }

/* Due waiters go to the front of the run queue, in deadline order: a
 * timer's lateness should not grow with the number of ready coroutines.
 * Those an earlier call queued there and that have not run yet (a slice
 * ended first) stay ahead of them: their deadlines came first. */
int timer_fire_due(double now) {
  co_queue due = {0};
  while (count && heap[0].at <= now) {
    weft_co *co = heap[0].co;
    /* The wait's own deadline (a sleep's end, a select's timeout) unless
     * its scope's came first. */
    sched_interrupt(co, heap[0].at < co->limit ? co->wait->on_deadline : WEFT_ETIMEDOUT, &due);
  }
  int n = (int)due.n;
  weft_co *last = due.tail;
  co_queue_insert_after(&S.ready, S.timed_tail, &due);
  if (n) S.timed_tail = last;
  return n;
}

void timer_sync_host(void) {
  double want = count ? heap[0].at : INFINITY;
  if (count && want <= weft_now()) {
    weft_host_wake(); /* already due (a slice ended first): no clamped setTimeout(0) */
    return;
  }
  if (want == armed) return;
  armed = want;
  if (!count) {
    weft_host_timer(-1);
    return;
  }
  double delay = want - weft_now();
  weft_host_timer(delay < 0 ? 0 : delay > HOST_TIMER_MAX ? HOST_TIMER_MAX : delay);
}

void timer_host_fired(void) { armed = INFINITY; }

bool timer_armed(void) { return armed != INFINITY; }

/* ---- sleep: the kernel's own wait ------------------------------------------
 * Its record is NULL for a sleep with a deadline, FOREVER for one without
 * (infinite ms and no scope): only a cancel ends that one. */
#define FOREVER ((void *)1)

static void abort_sleep(weft_co *co, void *obj, bool final) {
  if (obj == FOREVER) S.forever--;
}

static void describe_sleep(const weft_co *co, const void *obj, char *buf, size_t n) {
  if (obj == FOREVER) snprintf(buf, n, "sleep forever");
  else snprintf(buf, n, "sleep until %.1f ms (in %.1f ms)", timer_deadline(co), timer_deadline(co) - weft_now());
}

static const weft_wait_ops sleep_wait = {WEFT_WAIT_SLEEP, false, 0, abort_sleep, describe_sleep};

int weft_sleep(double ms) {
  int err = sched_check();
  if (err) return err;
  if (!(ms >= 0)) return WEFT_EINVAL;
  double until = weft_now() + ms;
  bool forever = until == INFINITY && S.current->limit == INFINITY;
  if (forever) S.forever++;
  return sched_block(&sleep_wait, forever ? FOREVER : NULL, until);
}
