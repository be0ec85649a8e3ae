/*
 * fd.c — descriptors that wait: libc's read, write, readv, writev, poll,
 * select, close, fcntl (and the stdio on top of them) suspend only the
 * calling coroutine until a descriptor is ready.
 *
 * What is overridden, and why it holds on every Emscripten weft supports
 * (3.1.6 to 3.1.69): musl's read(), readv() and stdio's __stdio_read all
 * call __wasi_fd_read(), and close() calls __wasi_fd_close(); these WASI
 * calls are defined here (the linker takes them over the imports) and
 * pass every other descriptor on to the real imports, declared below
 * under other names. Writes that may wait are write() and writev(),
 * defined here; stdio's output (__stdio_write) calls __wasi_fd_write
 * from functions that cannot suspend (fflush, __fwritex), so on a
 * descriptor of ours that call never waits: a pipe takes all of it, past
 * its capacity. poll(), select(), pipe(), pipe2() and fcntl() are libc's
 * own names.
 *
 * Descriptors: 0 is stdin (stdin.c, fed by the host), pipes (pipe.c) are
 * numbered from FD_BASE up, below FD_SETSIZE so select() sees them, and
 * above the numbers Emscripten's file system hands out first. Every other
 * descriptor is Emscripten's: 1 and 2 are always writable, files always
 * ready.
 *
 * Waiting: in a coroutine, a descriptor without O_NONBLOCK waits until
 * ready (WEFT_WAIT_FD: one descriptor; WEFT_WAIT_POLL: poll and select).
 * A cancel or a deadline scope interrupts the wait as a signal would:
 * EINTR, with weft_last_error() saying which. Outside any coroutine
 * nothing can wait: the call fails with EAGAIN as on an O_NONBLOCK
 * descriptor (poll and select report what is ready now).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <unistd.h>
#include <wasi/api.h>
#include "host.h"

#define FD_BASE 512
#define FD_END FD_SETSIZE /* 1024 */

/* The real WASI imports, for Emscripten's own descriptors. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")))
__wasi_errno_t weft_wasi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, __wasi_size_t *nread);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
__wasi_errno_t weft_wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, __wasi_size_t *nwritten);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_close")))
__wasi_errno_t weft_wasi_fd_close(__wasi_fd_t fd);
long __syscall_fcntl64(long fd, long cmd, ...);
long __syscall_poll(long fds, long nfds, long timeout);

typedef struct { const fd_class *cls; void *obj; int flags; unsigned gen; } fd_entry;
static fd_entry table[FD_END - FD_BASE];
static fd_entry stdin_entry = {&stdin_class, NULL, 0, 0};
static int next_free; /* a hint: table slots below it are taken */

static fd_entry *lookup(int fd) {
  if (fd == 0) return stdin_entry.cls ? &stdin_entry : NULL;
  if (fd >= FD_BASE && fd < FD_END && table[fd - FD_BASE].cls) return &table[fd - FD_BASE];
  return NULL;
}
static bool ours(int fd) { return fd == 0 || (fd >= FD_BASE && fd < FD_END); }

int fd_install(const fd_class *cls, void *obj, int flags) {
  for (int i = next_free; i < FD_END - FD_BASE; i++) {
    if (!table[i].cls) {
      table[i] = (fd_entry){cls, obj, flags & O_NONBLOCK, table[i].gen + 1};
      next_free = i + 1;
      return FD_BASE + i;
    }
  }
  return -EMFILE;
}

/* ---- waiting ------------------------------------------------------------------
 * A waiter is a poll set in the heap (never on the coroutine's stack);
 * fd_changed() wakes each waiter with a ready descriptor. */
typedef struct waiter {
  weft_co *co;
  struct pollfd *fds;
  nfds_t n;
  struct waiter *prev, *next;
} waiter;
static waiter *waiters;

static void unlink_waiter(waiter *w) {
  if (w->prev) w->prev->next = w->next;
  else waiters = w->next;
  if (w->next) w->next->prev = w->prev;
  w->prev = w->next = NULL;
}

/* revents for one entry; the number of entries with any. */
static short revents_of(const struct pollfd *p) {
  if (p->fd < 0) return 0;
  short want = p->events | POLLHUP | POLLERR;
  fd_entry *e = lookup(p->fd);
  if (e) return e->cls->poll(e->obj, p->events) & want;
  if (ours(p->fd)) return POLLNVAL;
  if (p->fd == 1 || p->fd == 2) return POLLOUT & p->events;
  struct pollfd one = {p->fd, p->events, 0}; /* Emscripten's file system, now */
  return __syscall_poll((long)&one, 1, 0) < 0 ? POLLNVAL : one.revents;
}
static int ready(struct pollfd *fds, nfds_t n) {
  int count = 0;
  for (nfds_t i = 0; i < n; i++) {
    fds[i].revents = revents_of(&fds[i]);
    if (fds[i].revents) count++;
  }
  return count;
}

static bool host_ticks; /* fd_changed from weft__fd_ready: the host ticks next */

void fd_changed(void) {
  for (waiter *w = waiters, *next; w; w = next) {
    next = w->next;
    if (ready(w->fds, w->n)) {
      unlink_waiter(w);
      if (host_ticks) sched_wake_by_host(w->co, 0);
      else sched_wake(w->co, 0);
    }
  }
}

/* The host: a descriptor it feeds (stdin, a stream, a socket) has data,
 * room or its end. It runs the tick itself, in the same microtask
 * checkpoint, as after a settled host op. */
EMSCRIPTEN_KEEPALIVE void weft__fd_ready(void) {
  host_ticks = true;
  fd_changed();
  host_ticks = false;
}

static void abort_wait(weft_co *co, void *obj, bool final) {
  waiter *w = obj;
  unlink_waiter(w);
  if (final) {
    free(w->fds);
    free(w);
  }
}
static void describe_fd(const weft_co *co, const void *obj, char *buf, size_t n) {
  const waiter *w = obj;
  const fd_entry *e = lookup(w->fds[0].fd);
  snprintf(buf, n, "%s fd %d (%s)", w->fds[0].events & POLLIN ? "read" : "write", w->fds[0].fd,
           e ? e->cls->name : "closed");
}
static void describe_poll(const weft_co *co, const void *obj, char *buf, size_t n) {
  snprintf(buf, n, "poll on %u descriptors", (unsigned)((const waiter *)obj)->n);
}
#define TIMED_OUT 1 /* a poll's own timeout passed (a scope's deadline gives WEFT_ETIMEDOUT) */
static const weft_wait_ops fd_waits[2] = {
  {WEFT_WAIT_FD, false, TIMED_OUT, abort_wait, describe_fd},
  {WEFT_WAIT_FD, true, TIMED_OUT, abort_wait, describe_fd},
};
static const weft_wait_ops poll_waits[2] = {
  {WEFT_WAIT_POLL, false, TIMED_OUT, abort_wait, describe_poll},
  {WEFT_WAIT_POLL, true, TIMED_OUT, abort_wait, describe_poll},
};

/* An interrupted wait is EINTR, with weft_last_error() saying why. */
static int interrupted(int rc) {
  if (rc == WEFT_ECANCELED || rc == WEFT_ETIMEDOUT) {
    report_error(rc, "%s", weft_strerror(rc));
    return EINTR;
  }
  return rc == WEFT_ENOMEM ? ENOMEM : EINVAL;
}

/* Wait until one of fds is ready or `ms` passed (< 0: no limit). Returns
 * 0 (fds[].revents set; all 0 on a timeout) or an errno value. */
static int wait_set(const struct pollfd *fds, nfds_t n, double ms, bool single) {
  int rc = sched_check();
  if (rc == WEFT_ENOTCO) return EAGAIN;
  if (rc) return interrupted(rc);
  waiter *w = calloc(1, sizeof *w);
  struct pollfd *copy = malloc(sizeof *copy * (n ? n : 1));
  if (!w || !copy) {
    free(w);
    free(copy);
    return ENOMEM;
  }
  memcpy(copy, fds, sizeof *copy * n);
  bool external = false;
  for (nfds_t i = 0; i < n; i++) {
    fd_entry *e = lookup(fds[i].fd);
    if (e && e->cls->external) external = true;
  }
  *w = (waiter){sched_current(), copy, n, NULL, waiters};
  if (waiters) waiters->prev = w;
  waiters = w;
  rc = sched_block(single ? &fd_waits[external] : &poll_waits[external], w,
                   ms < 0 ? INFINITY : weft_now() + ms);
  free(copy);
  free(w);
  if (rc == TIMED_OUT || rc == 0) return 0;
  return interrupted(rc);
}

/* ---- read and write ---------------------------------------------------------- */

static int blocking_read(int fd, void *buf, size_t n, size_t *got) {
  fd_entry *e = lookup(fd);
  if (!e) return EBADF;
  if (!buf && n) return EFAULT;
  if (n > SSIZE_MAX) n = SSIZE_MAX;
  for (;;) {
    unsigned gen = e->gen;
    long r = e->cls->read(e->obj, buf, n);
    if (r >= 0) {
      *got = (size_t)r;
      if (r > 0) fd_changed(); /* room for writers */
      return 0;
    }
    if (r != -EAGAIN) return (int)-r;
    if (e->flags & O_NONBLOCK) return EAGAIN;
    struct pollfd p = {fd, POLLIN, 0};
    int rc = wait_set(&p, 1, -1, true);
    if (rc) return rc;
    e = lookup(fd);
    if (!e || e->gen != gen) return EBADF; /* closed while we waited */
  }
}

__wasi_errno_t __wasi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, __wasi_size_t *nread) {
  if (!ours((int)fd)) return weft_wasi_fd_read(fd, iovs, n, nread);
  size_t total = 0, i = 0;
  while (i < n && !iovs[i].buf_len) i++;
  if (i == n) { /* nothing asked: only whether the descriptor is valid */
    *nread = 0;
    return lookup((int)fd) ? 0 : EBADF;
  }
  int rc = blocking_read((int)fd, iovs[i].buf, iovs[i].buf_len, &total);
  if (rc) return (__wasi_errno_t)rc;
  /* The rest of the vector takes what is there without waiting more. */
  while (total == iovs[i].buf_len && ++i < n) {
    fd_entry *e = lookup((int)fd);
    if (!e || !iovs[i].buf_len) continue;
    long r = e->cls->read(e->obj, iovs[i].buf, iovs[i].buf_len);
    if (r <= 0) break;
    total += (size_t)r;
    if ((size_t)r < iovs[i].buf_len) break;
  }
  *nread = total;
  return 0;
}

/* Write all n bytes, waiting for room as needed (a pipe's writes of up to
 * PIPE_BUF bytes go in whole). Returns what was written or -errno. */
static long blocking_write(int fd, const void *buf, size_t n) {
  fd_entry *e = lookup(fd);
  if (!e) return -EBADF;
  if (!buf && n) return -EFAULT;
  if (n > SSIZE_MAX) n = SSIZE_MAX;
  size_t done = 0;
  while (done < n || n == 0) {
    unsigned gen = e->gen;
    long r = e->cls->write(e->obj, (const char *)buf + done, n - done, false);
    if (r >= 0) {
      done += (size_t)r;
      if (r > 0) fd_changed(); /* data for readers */
      if (n == 0) return 0;
      continue;
    }
    if (r != -EAGAIN || (e->flags & O_NONBLOCK)) return done ? (long)done : r;
    struct pollfd p = {fd, POLLOUT, 0};
    int rc = wait_set(&p, 1, -1, true);
    if (rc) return done ? (long)done : -rc;
    e = lookup(fd);
    if (!e || e->gen != gen) return done ? (long)done : -EBADF;
  }
  return (long)done;
}

static ssize_t ret(long r) {
  if (r >= 0) return r;
  errno = (int)-r;
  return -1;
}

ssize_t write(int fd, const void *buf, size_t n) {
  if (!ours(fd)) {
    __wasi_ciovec_t iov = {buf, n};
    __wasi_size_t num;
    __wasi_errno_t err = weft_wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &num);
    return err ? ret(-(long)err) : (ssize_t)num;
  }
  return ret(blocking_write(fd, buf, n));
}

ssize_t writev(int fd, const struct iovec *iov, int count) {
  if (count < 0 || count > IOV_MAX || (count && !iov)) return ret(-EINVAL);
  if (!ours(fd)) {
    __wasi_size_t num;
    __wasi_errno_t err = weft_wasi_fd_write((__wasi_fd_t)fd, (const __wasi_ciovec_t *)iov, (size_t)count, &num);
    return err ? ret(-(long)err) : (ssize_t)num;
  }
  if (!lookup(fd)) return ret(-EBADF);
  size_t total = 0;
  for (int i = 0; i < count; i++) {
    long r = blocking_write(fd, iov[i].iov_base, iov[i].iov_len);
    if (r < 0) return total ? (ssize_t)total : ret(r);
    total += (size_t)r;
    if ((size_t)r < iov[i].iov_len) break;
  }
  return (ssize_t)total;
}

/* stdio's output: it cannot wait, so a descriptor of ours takes it all. */
__wasi_errno_t __wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, __wasi_size_t *nwritten) {
  if (!ours((int)fd)) return weft_wasi_fd_write(fd, iovs, n, nwritten);
  fd_entry *e = lookup((int)fd);
  if (!e) return EBADF;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!iovs[i].buf_len) continue;
    long r = e->cls->write(e->obj, iovs[i].buf, iovs[i].buf_len, true);
    if (r < 0) {
      if (total) break;
      return (__wasi_errno_t)-r;
    }
    total += (size_t)r;
  }
  if (total) fd_changed();
  *nwritten = total;
  return 0;
}

__wasi_errno_t __wasi_fd_close(__wasi_fd_t fd) {
  if (!ours((int)fd)) return weft_wasi_fd_close(fd);
  fd_entry *e = lookup((int)fd);
  if (!e) return EBADF;
  const fd_class *cls = e->cls;
  void *obj = e->obj;
  e->cls = NULL;
  e->obj = NULL;
  e->gen++;
  if (e != &stdin_entry && (int)(e - table) < next_free) next_free = (int)(e - table);
  cls->close(obj);
  fd_changed(); /* the other end's waiters, and any waiting on this one */
  return 0;
}

/* ---- fcntl: O_NONBLOCK on ours; the rest is Emscripten's ----------------------- */
int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  if (!ours(fd)) {
    if (cmd == F_SETFL) arg |= O_LARGEFILE;
    long r = __syscall_fcntl64(fd, cmd, arg);
    return (int)ret(r);
  }
  fd_entry *e = lookup(fd);
  if (!e) return (int)ret(-EBADF);
  switch (cmd) {
  case F_GETFL: return e->flags;
  case F_SETFL: e->flags = (int)arg & O_NONBLOCK; return 0;
  case F_GETFD: return FD_CLOEXEC;
  case F_SETFD: return 0;
  default: return (int)ret(-EINVAL);
  }
}

/* ---- poll and select ------------------------------------------------------------ */

int poll(struct pollfd *fds, nfds_t n, int timeout) {
  if (n > (nfds_t)FD_END * 16 || (n && !fds)) return (int)ret(n && !fds ? -EFAULT : -EINVAL);
  double until = timeout < 0 ? -1 : weft_now() + timeout;
  for (;;) {
    int count = ready(fds, n);
    if (count || timeout == 0) return count;
    double ms = until < 0 ? -1 : until - weft_now();
    if (until >= 0 && ms <= 0) return 0;
    int rc = wait_set(fds, n, ms, false);
    if (rc == EAGAIN) return 0; /* outside any coroutine: what is ready now */
    if (rc) return (int)ret(-rc);
  }
}

int select(int nfds, fd_set *rfds, fd_set *wfds, fd_set *efds, struct timeval *tv) {
  if (nfds < 0 || nfds > FD_SETSIZE) return (int)ret(-EINVAL);
  if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)) return (int)ret(-EINVAL);
  struct pollfd *p = malloc(sizeof *p * (nfds ? (size_t)nfds : 1));
  if (!p) return (int)ret(-ENOMEM);
  nfds_t n = 0;
  for (int fd = 0; fd < nfds; fd++) {
    short ev = (rfds && FD_ISSET(fd, rfds) ? POLLIN : 0) | (wfds && FD_ISSET(fd, wfds) ? POLLOUT : 0) |
               (efds && FD_ISSET(fd, efds) ? POLLPRI : 0);
    if (ev) p[n++] = (struct pollfd){fd, ev, 0};
  }
  int timeout = -1;
  if (tv) {
    long long ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
    timeout = ms > INT_MAX ? INT_MAX : (int)ms;
  }
  int r = poll(p, n, timeout);
  if (r < 0) {
    free(p);
    return -1;
  }
  for (nfds_t i = 0; i < n; i++) {
    if (p[i].revents & POLLNVAL) {
      free(p);
      return (int)ret(-EBADF);
    }
  }
  if (rfds) FD_ZERO(rfds);
  if (wfds) FD_ZERO(wfds);
  if (efds) FD_ZERO(efds);
  int count = 0;
  for (nfds_t i = 0; i < n; i++) {
    short re = p[i].revents;
    if ((p[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) FD_SET(p[i].fd, rfds), count++;
    if ((p[i].events & POLLOUT) && (re & (POLLOUT | POLLERR))) FD_SET(p[i].fd, wfds), count++;
    if ((p[i].events & POLLPRI) && (re & POLLPRI)) FD_SET(p[i].fd, efds), count++;
  }
  free(p);
  return count;
}
