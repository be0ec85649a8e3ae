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
int sync_wait(sync_q *s);             /* block in s until woken; returns the wake value */
void sync_wake(sync_q *s, int value); /* wake the first waiter */

#endif
