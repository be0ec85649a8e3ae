/*
 * fd.c — descriptors that wait (runtime/src/host/fd.c, pipe.c, stdin.c):
 * stdin and pipes read, written, polled and selected in coroutines while
 * others run; O_NONBLOCK, cancels, deadlines, every errno path, and the
 * calls outside any coroutine. One scenario per argv[1];
 * wasm-tests/fd.test.mjs feeds stdin and checks what each prints.
 */
#include <emscripten/emscripten.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <unistd.h>
#include "weft.h"

static volatile int ticks, stop;
static void *ticker(void *arg) {
  while (!stop) {
    ticks++;
    weft_sleep(1);
  }
  return NULL;
}
static weft_id start_ticker(void) {
  ticks = 0;
  stop = 0;
  return weft_spawn(ticker, NULL, NULL);
}
static int stop_ticker(weft_id id) {
  stop = 1;
  weft_join(id, NULL);
  return ticks;
}
#define ERR(rc) ((rc) < 0 ? strerror(errno) : "-")

/* ---- stdin ------------------------------------------------------------------ */

/* fgets line by line while a ticker runs: the host feeds lines slowly. */
static int stdin_lines(void) {
  weft_id t = start_ticker();
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    printf("line %d: %s\n", ++n, line);
  }
  printf("eof=%d ticks>0=%d\n", feof(stdin) != 0, stop_ticker(t) > 0);
  return 0;
}

/* getchar, scanf, fread and read() on the same stream of input. */
static int stdin_mixed(void) {
  int c = getchar();
  printf("getchar=%c\n", c);
  int a = 0, b = 0;
  int k = scanf("%d %d", &a, &b);
  printf("scanf=%d a=%d b=%d\n", k, a, b);
  char buf[16] = {0};
  size_t got = fread(buf, 1, 5, stdin);
  printf("fread=%zu [%.*s]\n", got, (int)got, buf);
  /* stdio has buffered what it read: what follows comes through it */
  char rest[64] = {0};
  got = fread(rest, 1, sizeof rest - 1, stdin);
  printf("rest=%zu [%s] eof=%d\n", got, rest, feof(stdin) != 0);
  ssize_t r = read(0, buf, sizeof buf);
  printf("read after the end=%zd\n", r);
  return 0;
}

/* read(0) in one coroutine and poll(0) in another; another runs meanwhile. */
static void *poll_stdin(void *arg) {
  struct pollfd p = {0, POLLIN, 0};
  int r = poll(&p, 1, -1);
  printf("poll stdin=%d revents=%s\n", r, p.revents & POLLIN ? "POLLIN" : "?");
  return NULL;
}
static int stdin_raw(void) {
  weft_id t = start_ticker();
  weft_id p = weft_spawn(poll_stdin, NULL, NULL);
  char buf[64];
  ssize_t r = read(0, buf, sizeof buf);
  printf("read=%zd [%.*s] ticks>0=%d\n", r, (int)(r > 0 ? r : 0), buf, ticks > 0);
  weft_join(p, NULL);
  struct iovec iov[2] = {{buf, 3}, {buf + 3, 10}};
  r = readv(0, iov, 2);
  printf("readv=%zd [%.*s]\n", r, (int)(r > 0 ? r : 0), buf);
  while ((r = read(0, buf, sizeof buf)) > 0) {}
  printf("end=%zd\n", r);
  stop_ticker(t);
  /* Closed: EBADF; the host lets its source go. */
  printf("close=%d read=%zd errno=%s\n", close(0), read(0, buf, 1), strerror(errno));
  return 0;
}

/* A read of stdin cancelled, and one under a deadline scope. */
static void *read_forever(void *arg) {
  char buf[8];
  ssize_t r = read(0, buf, sizeof buf);
  printf("cancelled read=%zd errno=%s why=%s\n", r, ERR(r), weft_last_error());
  return NULL;
}
static int stdin_interrupt(void) {
  weft_id id = weft_spawn(read_forever, NULL, NULL);
  weft_sleep(20);
  weft_cancel(id);
  weft_join(id, NULL);
  weft_scope s;
  weft_scope_enter(&s, 20);
  char line[16];
  char *g = fgets(line, sizeof line, stdin);
  printf("fgets in a scope=%s errno=%s why=%s\n", g ? "line" : "NULL", strerror(errno), weft_last_error());
  printf("scope expired=%d\n", weft_scope_exit(&s));
  clearerr(stdin);
  struct pollfd p = {0, POLLIN, 0};
  weft_scope_enter(&s, 20);
  int r = poll(&p, 1, -1);
  printf("poll in a scope=%d errno=%s\n", r, ERR(r));
  weft_scope_exit(&s);
  return 0;
}

/* ---- pipes ------------------------------------------------------------------ */

static int pfd[2];
static void *pipe_reader(void *arg) {
  static char buf[100000];
  size_t total = 0;
  ssize_t r;
  while ((r = read(pfd[0], buf, sizeof buf)) > 0) total += (size_t)r;
  printf("reader got %zu then %zd\n", total, r);
  return NULL;
}
static int pipes(void) {
  if (pipe(pfd)) return printf("pipe: %s\n", strerror(errno)), 1;
  printf("fds>=512=%d\n", pfd[0] >= 512 && pfd[1] >= 512);
  weft_id t = start_ticker();
  weft_id r = weft_spawn(pipe_reader, NULL, NULL);
  /* 200000 bytes: more than the pipe holds, so the writer waits for the reader */
  static char big[200000];
  memset(big, 'x', sizeof big);
  ssize_t w = write(pfd[1], big, sizeof big);
  printf("write=%zd\n", w);
  close(pfd[1]);
  weft_join(r, NULL);
  printf("ticks>0=%d\n", stop_ticker(t) > 0);
  close(pfd[0]);
  /* EPIPE once the read end is closed (no SIGPIPE) */
  pipe(pfd);
  close(pfd[0]);
  w = write(pfd[1], "a", 1);
  printf("write to a closed pipe=%zd errno=%s\n", w, ERR(w));
  close(pfd[1]);
  return 0;
}

/* Writes of up to PIPE_BUF bytes from several writers never interleave. */
static int afd[2];
static void *atomic_writer(void *arg) {
  char chunk[PIPE_BUF];
  memset(chunk, (int)(intptr_t)arg, sizeof chunk);
  for (int i = 0; i < 40; i++) write(afd[1], chunk, sizeof chunk);
  return NULL;
}
static int atomic(void) {
  pipe(afd);
  weft_id a = weft_spawn(atomic_writer, (void *)(intptr_t)'a', NULL);
  weft_id b = weft_spawn(atomic_writer, (void *)(intptr_t)'b', NULL);
  char chunk[PIPE_BUF];
  int whole = 0, torn = 0;
  for (int i = 0; i < 80; i++) {
    size_t got = 0;
    while (got < sizeof chunk) {
      ssize_t r = read(afd[0], chunk + got, sizeof chunk - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    int same = 1;
    for (size_t k = 1; k < sizeof chunk; k++) same &= chunk[k] == chunk[0];
    same ? whole++ : torn++;
  }
  weft_join(a, NULL);
  weft_join(b, NULL);
  printf("PIPE_BUF=%d whole=%d torn=%d\n", PIPE_BUF, whole, torn);
  close(afd[0]);
  close(afd[1]);
  return 0;
}

/* Closing a descriptor another coroutine waits on wakes it: EBADF. */
static int cfd[2];
static void *blocked_reader(void *arg) {
  char c;
  ssize_t r = read(cfd[0], &c, 1);
  printf("blocked read after close=%zd errno=%s\n", r, ERR(r));
  return NULL;
}
static void *blocked_writer(void *arg) {
  static char big[70000];
  ssize_t r = write(cfd[1], big, sizeof big);
  printf("blocked write after the reader closed=%zd errno=%s\n", r, ERR(r));
  return NULL;
}
static int closing(void) {
  pipe(cfd);
  weft_id r = weft_spawn(blocked_reader, NULL, NULL);
  weft_sleep(5);
  close(cfd[0]);
  weft_join(r, NULL);
  close(cfd[1]);
  pipe(cfd);
  weft_id w = weft_spawn(blocked_writer, NULL, NULL);
  weft_sleep(5);
  close(cfd[0]);
  weft_join(w, NULL);
  close(cfd[1]);
  return 0;
}

/* O_NONBLOCK: EAGAIN instead of waiting. */
static int nonblock(void) {
  int fds[2];
  pipe2(fds, O_NONBLOCK);
  char buf[8];
  ssize_t r = read(fds[0], buf, sizeof buf);
  printf("empty read=%zd errno=%s\n", r, ERR(r));
  static char big[70000];
  r = write(fds[1], big, sizeof big);
  printf("big write=%zd\n", r);
  r = write(fds[1], big, 1);
  printf("full write=%zd errno=%s\n", r, ERR(r));
  printf("getfl nonblock=%d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
  fcntl(fds[0], F_SETFL, 0);
  printf("setfl cleared=%d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) == 0);
  close(fds[0]);
  close(fds[1]);
  return 0;
}

/* ---- poll and select ---------------------------------------------------------- */

static int qfd[2];
static void *late_writer(void *arg) {
  weft_sleep(30);
  write(qfd[1], "hi", 2);
  return NULL;
}
static int polling(void) {
  pipe(qfd);
  struct pollfd p[3] = {{qfd[0], POLLIN, 0}, {qfd[1], POLLOUT, 0}, {1, POLLOUT, 0}};
  int r = poll(p, 3, 0);
  printf("poll(0)=%d in=%d out=%d stdout=%d\n", r, p[0].revents, (p[1].revents & POLLOUT) != 0,
         (p[2].revents & POLLOUT) != 0);
  double t0 = weft_now();
  r = poll(p, 1, 30);
  printf("poll(30) on empty=%d waited=%d\n", r, weft_now() - t0 >= 25);
  weft_id w = weft_spawn(late_writer, NULL, NULL);
  weft_id t = start_ticker();
  r = poll(p, 1, -1);
  printf("poll(-1)=%d POLLIN=%d ticks>0=%d\n", r, (p[0].revents & POLLIN) != 0, ticks > 0);
  weft_join(w, NULL);
  stop_ticker(t);
  char buf[4];
  read(qfd[0], buf, 2);
  /* select: timeout, then ready */
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(qfd[0], &rs);
  struct timeval tv = {0, 20000};
  r = select(qfd[0] + 1, &rs, NULL, NULL, &tv);
  printf("select timeout=%d set=%d\n", r, FD_ISSET(qfd[0], &rs) != 0);
  w = weft_spawn(late_writer, NULL, NULL);
  FD_SET(qfd[0], &rs);
  fd_set ws;
  FD_ZERO(&ws);
  r = select(qfd[0] + 1, &rs, &ws, NULL, NULL);
  printf("select=%d readable=%d\n", r, FD_ISSET(qfd[0], &rs) != 0);
  weft_join(w, NULL);
  FD_ZERO(&ws);
  FD_SET(1, &ws);
  FD_SET(qfd[1], &ws);
  r = select(qfd[1] + 1, NULL, &ws, NULL, NULL);
  printf("select writable=%d stdout=%d pipe=%d\n", r, FD_ISSET(1, &ws) != 0, FD_ISSET(qfd[1], &ws) != 0);
  /* the write end closed: POLLHUP on the read end */
  close(qfd[1]);
  p[0].revents = 0;
  r = poll(p, 1, -1);
  printf("hangup=%d POLLHUP=%d POLLIN=%d\n", r, (p[0].revents & POLLHUP) != 0, (p[0].revents & POLLIN) != 0);
  close(qfd[0]);
  return 0;
}

static void *poll_forever(void *arg) {
  int fds[2];
  pipe(fds);
  struct pollfd p = {fds[0], POLLIN, 0};
  int r = poll(&p, 1, -1);
  printf("cancelled poll=%d errno=%s why=%s\n", r, ERR(r), weft_last_error());
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(fds[0], &rs);
  r = select(fds[0] + 1, &rs, NULL, NULL, NULL);
  printf("select after cancel=%d errno=%s\n", r, ERR(r));
  close(fds[0]);
  close(fds[1]);
  return NULL;
}
static int poll_interrupt(void) {
  weft_id id = weft_spawn(poll_forever, NULL, NULL);
  weft_sleep(10);
  weft_cancel(id);
  weft_join(id, NULL);
  int fds[2];
  pipe(fds);
  weft_scope s;
  weft_scope_enter(&s, 20);
  char c;
  ssize_t r = read(fds[0], &c, 1);
  printf("read in a scope=%zd errno=%s why=%s\n", r, ERR(r), weft_last_error());
  printf("scope expired=%d\n", weft_scope_exit(&s));
  close(fds[0]);
  close(fds[1]);
  return 0;
}

/* ---- errors --------------------------------------------------------------------- */
static int errors(void) {
  char buf[8];
  int fds[2];
  pipe(fds);
  ssize_t r;
  r = read(700, buf, 1);
  printf("read(700)=%zd %s\n", r, ERR(r));
  r = write(900, buf, 1);
  printf("write(900)=%zd %s\n", r, ERR(r));
  r = read(fds[0], NULL, 5);
  printf("read NULL=%zd %s\n", r, ERR(r));
  r = write(fds[1], NULL, 5);
  printf("write NULL=%zd %s\n", r, ERR(r));
  r = write(fds[0], "a", 1);
  printf("write to the read end=%zd %s\n", r, ERR(r));
  r = read(fds[1], buf, 1);
  printf("read of the write end=%zd %s\n", r, ERR(r));
  r = write(fds[1], "abc", 3);
  r = read(fds[0], buf, SIZE_MAX);
  printf("read SIZE_MAX=%zd\n", r);
  printf("close twice=%d,%d %s\n", close(fds[1]), close(fds[1]), strerror(errno));
  r = read(fds[0], buf, 1);
  printf("read at the end=%zd\n", r);
  struct pollfd p = {fds[0], POLLIN, 0};
  int k = poll(&p, (nfds_t)-1, 0);
  printf("poll nfds huge=%d %s\n", k, ERR(k));
  k = poll(NULL, 3, 0);
  printf("poll NULL=%d %s\n", k, ERR(k));
  struct pollfd bad[2] = {{800, POLLIN, 0}, {-1, POLLIN, 0}};
  k = poll(bad, 2, 0);
  printf("poll bad fd=%d POLLNVAL=%d negative ignored=%d\n", k, (bad[0].revents & POLLNVAL) != 0, bad[1].revents == 0);
  fd_set rs;
  FD_ZERO(&rs);
  k = select(FD_SETSIZE + 1, &rs, NULL, NULL, NULL);
  printf("select nfds>FD_SETSIZE=%d %s\n", k, ERR(k));
  k = select(-1, &rs, NULL, NULL, NULL);
  printf("select nfds<0=%d %s\n", k, ERR(k));
  FD_SET(800, &rs);
  k = select(801, &rs, NULL, NULL, NULL);
  printf("select bad fd=%d %s\n", k, ERR(k));
  struct timeval tv = {0, -1};
  FD_ZERO(&rs);
  k = select(1, &rs, NULL, NULL, &tv);
  printf("select bad timeout=%d %s\n", k, ERR(k));
  printf("pipe2 bad flags=%d %s\n", pipe2(fds, 0x40000000), strerror(errno));
  close(fds[0]);
  /* Many pipes: descriptors run out with EMFILE, then come back. */
  int opened = 0, last[2], err = 0;
  while (pipe(last) == 0) opened++;
  err = errno;
  for (int fd = 512; fd < 1024; fd++) close(fd);
  printf("pipes until EMFILE=%d %s; after closing: pipe=%d\n", opened, strerror(err), pipe(last));
  close(last[0]);
  close(last[1]);
  return 0;
}

/* ---- stdio over a pipe ---------------------------------------------------------- */
static int sfd[2];
static void *stdio_reader(void *arg) {
  FILE *in = fdopen(sfd[0], "r");
  char line[64];
  while (fgets(line, sizeof line, in)) printf("via stdio: %s", line);
  fclose(in);
  return NULL;
}
static int stdio_pipe(void) {
  pipe(sfd);
  weft_id r = weft_spawn(stdio_reader, NULL, NULL);
  FILE *out = fdopen(sfd[1], "w");
  for (int i = 1; i <= 3; i++) {
    fprintf(out, "line %d\n", i);
    fflush(out);
    weft_sleep(5);
  }
  fclose(out);
  weft_join(r, NULL);
  return 0;
}

/* ---- JS streams ------------------------------------------------------------------ */

/* argv: the descriptors JS opened with program.openStream: a readable
 * (lines in) and a writable (upper-cased lines out, through write() and
 * through stdio). The writable pushes back: writes wait while others run. */
static int streams(int in, int out) {
  weft_id t = start_ticker();
  FILE *f = fdopen(in, "r");
  char line[128];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    for (char *c = line; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    ssize_t w = write(out, line, strlen(line));
    if (w != (ssize_t)strlen(line)) printf("write=%zd %s\n", w, ERR(w));
    n++;
  }
  fclose(f);
  FILE *o = fdopen(out, "w");
  fprintf(o, "%d lines\n", n);
  fclose(o);
  printf("lines=%d ticks>0=%d\n", n, stop_ticker(t) > 0);
  return 0;
}

/* C opens streams it got from JS (weft_call gives their handles). */
static int stream_open(void) {
  weft_handle h = 0;
  int rc = weft_call("make_stream", "s>h", "from JS\nsecond\n", &h);
  int fd = weft_stream_open(h);
  printf("call=%d fd>=512=%d again=%d\n", rc, fd >= 512, weft_stream_open(h) == WEFT_EINVAL);
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  int r = poll(&p, 1, -1);
  printf("poll=%d POLLIN=%d POLLOUT=%d\n", r, (p.revents & POLLIN) != 0, (p.revents & POLLOUT) != 0);
  char buf[64];
  size_t total = 0;
  ssize_t k;
  while ((k = read(fd, buf + total, sizeof buf - 1 - total)) > 0) total += (size_t)k;
  buf[total] = 0;
  printf("read [%s] end=%zd\n", buf, k);
  k = write(fd, "x", 1);
  printf("write to a readable=%zd %s\n", k, ERR(k));
  close(fd);
  weft_handle_free(h);
  weft_handle obj = 0;
  weft_call("make_object", ">h", &obj);
  printf("not a stream=%d bad handle=%d\n", weft_stream_open(obj) == WEFT_EINVAL, weft_stream_open(99999) == WEFT_EHANDLE);
  weft_handle_free(obj);
  /* A failing readable: EIO; a failing writable: EPIPE. */
  weft_call("make_failing", ">h", &h);
  fd = weft_stream_open(h);
  k = read(fd, buf, sizeof buf);
  printf("failed readable=%zd %s\n", k, ERR(k));
  k = write(fd, "abc", 3);
  weft_sleep(5);
  k = write(fd, "abc", 3);
  printf("failed writable=%zd %s\n", k, ERR(k));
  close(fd);
  weft_handle_free(h);
  /* A read that waits forever, interrupted by a deadline; the program's
   * end releases a stream left open. */
  weft_call("make_never", ">h", &h);
  fd = weft_stream_open(h);
  weft_scope s;
  weft_scope_enter(&s, 20);
  k = read(fd, buf, sizeof buf);
  weft_scope_exit(&s);
  printf("never=%zd %s\n", k, ERR(k));
  weft_handle_free(h);
  return 0;
}

/* ---- sockets over WebSocket ------------------------------------------------------- */

/* argv: the echo server's URL and a refused one. */
static int sockets(const char *url, const char *refused) {
  weft_id t = start_ticker();
  int fd = weft_socket_connect(url);
  printf("connect fd>=512=%d\n", fd >= 512);
  ssize_t w = write(fd, "ping", 4);
  char buf[64];
  ssize_t r = read(fd, buf, sizeof buf);
  printf("write=%zd read=%zd [%.*s] ticks>0=%d\n", w, r, (int)(r > 0 ? r : 0), buf, ticks > 0);
  /* poll: nothing to read yet, writable */
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  int k = poll(&p, 1, 0);
  printf("poll=%d POLLIN=%d POLLOUT=%d\n", k, (p.revents & POLLIN) != 0, (p.revents & POLLOUT) != 0);
  /* stdio both ways */
  FILE *f = fdopen(fd, "r+");
  fprintf(f, "over stdio\n");
  fflush(f);
  char line[64];
  r = read(fd, line, sizeof line - 1);
  line[r > 0 ? r : 0] = 0;
  printf("echo=[%s]\n", strtok(line, "\n"));
  /* a 100000-byte message comes back whole, in reads */
  static char big[100000];
  memset(big, 'q', sizeof big);
  w = write(fd, big, sizeof big);
  size_t got = 0;
  while (got < sizeof big && (r = read(fd, big, sizeof big)) > 0) got += (size_t)r;
  printf("big write=%zd got=%zu first=%c\n", w, got, big[0]);
  /* the server closes: reads end with 0 */
  write(fd, "bye", 3);
  r = read(fd, buf, sizeof buf);
  printf("after bye read=%zd\n", r);
  fclose(f);
  /* a deadline interrupts a read; the end releases the socket */
  int fd2 = weft_socket_connect(url);
  weft_scope s;
  weft_scope_enter(&s, 20);
  r = read(fd2, buf, sizeof buf);
  weft_scope_exit(&s);
  printf("read in a scope=%zd %s\n", r, ERR(r));
  int bad = weft_socket_connect(refused);
  printf("refused=%d %s\n", bad, weft_strerror(bad));
  bad = weft_socket_connect("not a url");
  printf("bad url=%d\n", bad);
  printf("NULL=%d\n", weft_socket_connect(NULL));
  stop_ticker(t);
  return 0;
}

/* A read nobody will ever answer: the deadlock report names it. */
static int dfd[2];
static void *stuck_reader(void *arg) {
  char c;
  read(dfd[0], &c, 1);
  return NULL;
}
static int stuck(void) {
  pipe(dfd);
  weft_id id = weft_spawn(stuck_reader, NULL, &(weft_opts){.name = "reader"});
  return weft_join(id, NULL);
}

/* ---- outside any coroutine (JS calls these directly) ------------------------------ */
EMSCRIPTEN_KEEPALIVE int outside_calls(void) {
  int fds[2], ok = 1;
  char buf[4];
  ok &= pipe(fds) == 0;
  ok &= read(fds[0], buf, 1) == -1 && errno == EAGAIN;
  struct pollfd p = {fds[0], POLLIN, 0};
  ok &= poll(&p, 1, 1000) == 0; /* what is ready now: nothing, at once */
  ok &= write(fds[1], "ab", 2) == 2;
  ok &= poll(&p, 1, -1) == 1 && (p.revents & POLLIN);
  ok &= read(fds[0], buf, 4) == 2;
  ok &= close(fds[0]) == 0 && close(fds[1]) == 0;
  return ok;
}

int main(int argc, char **argv) {
  const char *s = argc > 1 ? argv[1] : "";
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!strcmp(s, "stdin-lines")) return stdin_lines();
  if (!strcmp(s, "stdin-mixed")) return stdin_mixed();
  if (!strcmp(s, "stdin-raw")) return stdin_raw();
  if (!strcmp(s, "stdin-interrupt")) return stdin_interrupt();
  if (!strcmp(s, "pipes")) return pipes();
  if (!strcmp(s, "atomic")) return atomic();
  if (!strcmp(s, "closing")) return closing();
  if (!strcmp(s, "nonblock")) return nonblock();
  if (!strcmp(s, "poll")) return polling();
  if (!strcmp(s, "poll-interrupt")) return poll_interrupt();
  if (!strcmp(s, "errors")) return errors();
  if (!strcmp(s, "stdio-pipe")) return stdio_pipe();
  if (!strcmp(s, "idle")) return 0;
  if (!strcmp(s, "stuck")) return stuck();
  if (!strcmp(s, "streams") && argc > 3) return streams(atoi(argv[2]), atoi(argv[3]));
  if (!strcmp(s, "stream-open")) return stream_open();
  if (!strcmp(s, "sockets") && argc > 3) return sockets(argv[2], argv[3]);
  printf("unknown scenario %s\n", s);
  return 2;
}
