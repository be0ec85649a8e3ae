/*
 * lib.h — what the library's parts share (runtime/src/lib: channels and
 * select, mutex/semaphore/event/wait group, generators, groups, libc's
 * blocking calls). Built on the kernel's interface (core/core.h) alone.
 */
#ifndef WEFT_LIB_H
#define WEFT_LIB_H

#include <math.h>
#include "../core/core.h"

/* sync.c: the FIFO of blocked coroutines every synchronization object
 * (and a group) starts with; `kind` names it in reports. */
typedef struct { co_queue q; const char *kind; } sync_q;
extern const weft_wait_ops sync_wait_ops;
/* Block in s until woken; returns the wake value. Inlined: the blocking
 * call's frame is the only one saved (core.h, sched_block). */
static inline __attribute__((always_inline)) int sync_wait(sync_q *s) {
  co_queue_push(&s->q, sched_current());
  return sched_block(&sync_wait_ops, s, INFINITY);
}
void sync_wake(sync_q *s, int value); /* wake the first waiter */

#endif
