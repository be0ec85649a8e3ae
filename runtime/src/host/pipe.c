/*
 * pipe.c — pipe() and pipe2() between coroutines, with POSIX semantics
 * (the waiting is fd.c's): a read waits for data or the end (every write
 * end closed: 0); a write waits while the pipe is full, and one of up to
 * PIPE_BUF bytes goes in whole; a write once the read end is closed fails
 * with EPIPE (no SIGPIPE). Closing either end wakes whoever waits on the
 * other. Capacity: 64 KiB, as Linux's default; stdio's output, which
 * cannot wait, is taken past it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host.h"

#define PIPE_CAPACITY 65536

typedef struct {
  char *buf;
  size_t cap, head, len; /* a ring: len bytes from head */
  bool reader, writer;   /* the ends still open */
} weft_pipe;

static void put(weft_pipe *p, const char *src, size_t n) {
  size_t tail = (p->head + p->len) % p->cap, first = p->cap - tail < n ? p->cap - tail : n;
  memcpy(p->buf + tail, src, first);
  memcpy(p->buf, src + first, n - first);
  p->len += n;
}

/* Make room for `more` bytes past the capacity (stdio's output). */
static bool grow(weft_pipe *p, size_t more) {
  size_t need = p->len + more;
  if (need <= p->cap) return true;
  size_t cap = p->cap;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) return false;
    cap *= 2;
  }
  char *b = malloc(cap);
  if (!b) return false;
  size_t first = p->cap - p->head < p->len ? p->cap - p->head : p->len;
  memcpy(b, p->buf + p->head, first);
  memcpy(b + first, p->buf, p->len - first);
  free(p->buf);
  p->buf = b;
  p->cap = cap;
  p->head = 0;
  return true;
}

static long pipe_read(void *obj, void *buf, size_t n) {
  weft_pipe *p = obj;
  if (!p->len) return p->writer ? -EAGAIN : 0;
  if (n > p->len) n = p->len;
  size_t first = p->cap - p->head < n ? p->cap - p->head : n;
  memcpy(buf, p->buf + p->head, first);
  memcpy((char *)buf + first, p->buf, n - first);
  p->head = (p->head + n) % p->cap;
  p->len -= n;
  if (!p->len) p->head = 0;
  return (long)n;
}

static long pipe_write(void *obj, const void *buf, size_t n, bool whole) {
  weft_pipe *p = obj;
  if (!p->reader) return -EPIPE;
  if (whole) return grow(p, n) ? (put(p, buf, n), (long)n) : -ENOMEM;
  size_t room = p->len < PIPE_CAPACITY ? PIPE_CAPACITY - p->len : 0;
  if (n <= PIPE_BUF ? room < n : room == 0) return -EAGAIN;
  if (n > room) n = room;
  if (!grow(p, n)) return -ENOMEM;
  put(p, buf, n);
  return (long)n;
}

static short read_poll(void *obj, short events) {
  weft_pipe *p = obj;
  return (p->len ? POLLIN : 0) | (p->writer ? 0 : POLLHUP);
}
static short write_poll(void *obj, short events) {
  weft_pipe *p = obj;
  if (!p->reader) return POLLERR;
  return p->len + PIPE_BUF <= PIPE_CAPACITY ? POLLOUT : 0;
}

static void release(weft_pipe *p) {
  if (p->reader || p->writer) return;
  free(p->buf);
  free(p);
}
static void close_reader(void *obj) { ((weft_pipe *)obj)->reader = false, release(obj); }
static void close_writer(void *obj) { ((weft_pipe *)obj)->writer = false, release(obj); }

static long no_read(void *obj, void *buf, size_t n) { return -EBADF; }
static long no_write(void *obj, const void *buf, size_t n, bool whole) { return -EBADF; }

static const fd_class read_end = {"pipe read end", false, read_poll, pipe_read, no_write, close_reader};
static const fd_class write_end = {"pipe write end", false, write_poll, no_read, pipe_write, close_writer};

int pipe2(int fds[2], int flags) {
  if (!fds) return errno = EFAULT, -1;
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return errno = EINVAL, -1;
  weft_pipe *p = calloc(1, sizeof *p);
  if (p) p->buf = malloc(p->cap = 4096);
  if (!p || !p->buf) {
    free(p);
    return errno = ENOMEM, -1;
  }
  p->reader = p->writer = true;
  int r = fd_install(&read_end, p, flags);
  int w = r < 0 ? r : fd_install(&write_end, p, flags);
  if (r < 0 || w < 0) {
    if (r >= 0) close(r); /* frees p once the writer is gone too */
    p->writer = false;
    if (r < 0) p->reader = false;
    release(p);
    return errno = -(r < 0 ? r : w), -1;
  }
  fds[0] = r;
  fds[1] = w;
  return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }
