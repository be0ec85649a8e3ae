/*
 * stream.c — JS streams as descriptors (runtime/js/fd.mjs's StreamHost):
 * a ReadableStream, a WritableStream or a { readable, writable } pair. A
 * read takes what the host has buffered, or starts a read of the stream
 * and waits (fd.c) until weft__fd_ready; a write hands its bytes to the
 * stream's writer, or waits while the stream pushes back (its
 * desiredSize <= 0). The host's id of the stream is the object.
 */
#include <emscripten.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include "host.h"

#define ID(obj) ((int)(intptr_t)(obj))

static long host_errno(int r) {
  switch (r) {
  case WEFT_ABI_FD_PENDING: return -EAGAIN;
  case WEFT_ABI_FD_EFAULT: return -EFAULT;
  case WEFT_ABI_FD_EBADF: return -EBADF;
  case WEFT_ABI_FD_EPIPE: return -EPIPE;
  default: return -EIO;
  }
}
static size_t clamp(size_t n) { return n > (size_t)INT32_MAX ? (size_t)INT32_MAX : n; }

static long stream_read(void *obj, void *buf, size_t n) {
  int r = weft_host_stream_read(ID(obj), buf, clamp(n));
  return r >= 0 ? r : host_errno(r);
}
static long stream_write(void *obj, const void *buf, size_t n, bool whole) {
  int r = weft_host_stream_write(ID(obj), buf, clamp(n), whole);
  return r >= 0 ? r : host_errno(r);
}
static short stream_poll(void *obj, short events) {
  int want = (events & POLLIN ? WEFT_ABI_FD_READABLE : 0) | (events & POLLOUT ? WEFT_ABI_FD_WRITABLE : 0);
  int r = weft_host_stream_poll(ID(obj), want);
  return (r & WEFT_ABI_FD_READABLE ? POLLIN : 0) | (r & WEFT_ABI_FD_WRITABLE ? POLLOUT : 0) |
         (r & WEFT_ABI_FD_ERROR ? POLLERR : 0);
}
static void stream_close(void *obj) { weft_host_stream_close(ID(obj)); }

static const fd_class stream_class = {"JS stream", true, stream_poll, stream_read, stream_write, stream_close};

static int install(int id) {
  int fd = fd_install(&stream_class, (void *)(intptr_t)id, 0);
  if (fd < 0) weft_host_stream_close(id);
  return fd < 0 ? WEFT_ENOMEM : fd;
}

int weft_stream_open(weft_handle h) {
  int id = weft_host_stream_open(h);
  return id > 0 ? install(id) : id < 0 ? id : WEFT_EINVAL;
}

/* The host: program.openStream(stream) made stream `id`; its descriptor. */
EMSCRIPTEN_KEEPALIVE int weft__stream_install(int id) { return install(id); }
