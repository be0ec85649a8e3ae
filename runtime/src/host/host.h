/*
 * host.h — what the host bridges share (runtime/src/host: host operations,
 * weft_call, exports JS calls, fetch), built on the kernel's interface
 * (core/core.h). Their JS halves are in runtime/js; what both sides must
 * agree on is in ../abi.h.
 */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "../abi.h"
#include "../core/core.h"

/* Every import, declared from abi.h's one list. */
WEFT_IMPORTS(WEFT_HOST_DECLARE)

/* A value crossing between C and JS: type is a WEFT_ABI_TYPE_* letter or 0. */
typedef struct {
  int32_t type;
  uint32_t len; /* bytes of a string (without NUL) or byte buffer */
  union { int32_t i; double d; void *p; } u;
} weft_val;

/* The JS host reads and writes it through abi.h's numbers. */
_Static_assert(sizeof(weft_val) == WEFT_ABI_VAL_SIZE, "abi.h: WEFT_ABI_VAL_SIZE");
_Static_assert(offsetof(weft_val, type) == WEFT_ABI_VAL_TYPE, "abi.h: WEFT_ABI_VAL_TYPE");
_Static_assert(offsetof(weft_val, len) == WEFT_ABI_VAL_LEN, "abi.h: WEFT_ABI_VAL_LEN");
_Static_assert(offsetof(weft_val, u) == WEFT_ABI_VAL_WORD, "abi.h: WEFT_ABI_VAL_WORD");
_Static_assert('i' == WEFT_ABI_TYPE_INT && 'd' == WEFT_ABI_TYPE_DOUBLE && 's' == WEFT_ABI_TYPE_STRING &&
               'b' == WEFT_ABI_TYPE_BYTES && 'h' == WEFT_ABI_TYPE_HANDLE, "abi.h: WEFT_ABI_TYPE_*");

/* fetch's header list, and fd_write's iovec (runtime/js reads both). */
#include <sys/uio.h>
_Static_assert(2 * sizeof(const char *) == WEFT_ABI_HEADER_STRIDE, "abi.h: WEFT_ABI_HEADER_STRIDE");
_Static_assert(sizeof(struct iovec) == WEFT_ABI_IOV_STRIDE && offsetof(struct iovec, iov_len) == 4,
               "abi.h: WEFT_ABI_IOV_STRIDE");

/* ops.c: host operations. A coroutine starts something asynchronous in JS
 * under an op id and blocks; when it settles the host calls weft__settle(),
 * and once resumed the coroutine takes the result into its own memory. */
typedef enum { OP_CALL, OP_FETCH, OP_BODY } op_kind; /* how the wait is described */
int host_op_begin(void);                /* an op id for the running coroutine */
extern const weft_wait_ops host_op_waits[]; /* by op_kind */
void host_op_describe(int op, const char *what);
/* Wait until weft__settle(op, status); `what` describes it (kept, not
 * copied). Inlined: the calling function's frame is the only one saved. */
static inline __attribute__((always_inline)) int host_op_wait(int op, op_kind kind, const char *what) {
  host_op_describe(op, what);
  return sched_block(&host_op_waits[kind], (void *)(intptr_t)op, INFINITY);
}
void host_op_end(int op);               /* give the id back after its result was taken */
int host_op_take(int op, int status, weft_val *out); /* take the result, end the op */

/* fd.c, pipe.c, stdin.c: descriptors that wait. A descriptor is a class
 * (its operations) and an object; fd.c numbers them, blocks their callers
 * and overrides libc's calls on them. */
typedef struct fd_class {
  const char *name;
  bool external; /* the host ends its waits (stdin): not a deadlock */
  short (*poll)(void *obj, short events); /* POLLIN/POLLOUT/POLLHUP/POLLERR ready now */
  long (*read)(void *obj, void *buf, size_t n); /* bytes, 0 at the end, -EAGAIN, -errno */
  /* bytes taken, -EAGAIN, -errno; `whole`: the caller cannot wait, take all */
  long (*write)(void *obj, const void *buf, size_t n, bool whole);
  void (*close)(void *obj);
} fd_class;
int fd_install(const fd_class *cls, void *obj, int flags); /* a descriptor, or -errno */
void fd_changed(void); /* readiness changed: wake the waiters now ready */
extern const fd_class stdin_class;

#endif
