/*
 * stdin.c — descriptor 0, fed by the host (runtime/js/fd.mjs): in Node
 * process.stdin, read only while a coroutine waits for it; in a page or
 * a worker the `stdin` source given to run() or load() (none: at its end
 * at once). A read takes what the host has buffered; with nothing there
 * the host starts reading its source and calls weft__fd_ready() when a
 * chunk or the end arrives, which wakes the waiters (fd.c).
 */
#include <emscripten.h>
#include <errno.h>
#include <poll.h>
#include "host.h"

static long stdin_read(void *obj, void *buf, size_t n) {
  int r = weft_host_stdin_read(buf, n > (size_t)INT32_MAX ? (size_t)INT32_MAX : n);
  if (r == WEFT_ABI_FD_PENDING) return -EAGAIN;
  return r == -2 ? -EFAULT : r < 0 ? -EIO : r;
}
static short stdin_poll(void *obj, short events) {
  if (!(events & POLLIN)) return 0;
  int r = weft_host_stdin_read(NULL, 0); /* 1: data or the end is there */
  return r == WEFT_ABI_FD_PENDING ? 0 : r > 0 ? POLLIN : POLLERR;
}
static long stdin_write(void *obj, const void *buf, size_t n, bool whole) { return -EBADF; }
static void stdin_close(void *obj) { weft_host_stdin_close(); }

const fd_class stdin_class = {"stdin", true, stdin_poll, stdin_read, stdin_write, stdin_close};

