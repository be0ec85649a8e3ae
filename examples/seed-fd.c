/*
 * seed-fd.c — the seed's file-descriptor question in C: "write my own
 * functions that call read or write and then inform some top level loop
 * that they're waiting for the file descriptor to become readable or
 * writeable ... and that top level loop resumes them (and the whole
 * intermediate chain) once those conditions become true."
 *
 * Four workers (five with a WebSocket URL in argv[1]) call plain read()
 * and write() a few ordinary functions deep: consumer → read_line →
 * read_byte → read(). None of these functions knows it runs in a
 * coroutine. When read() finds nothing there, it suspends this coroutine
 * only, with its whole chain, and records what it waits for: "read fd 512
 * (pipe read end)". The `loop` coroutine is the top-level loop: told by a
 * hook that someone waits for a descriptor, it lists the coroutines
 * (weft_list), reports what each waits for, poll()s those descriptors,
 * and reports who resumes once one is ready (weft itself resumes them). The chains come
 * back where they stopped, in the middle of read_byte or write_all.
 *
 *   node -e "import('weft-wasm').then(w => w.run('./seed-fd.mjs', { args: ['ws://127.0.0.1:8080/'] }))"
 *
 * The socket part expects an echo server that answers each message
 * upper-cased (wasm-tests/ws-fixture.mjs); without a URL it is skipped.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "weft.h"

/* ---- ordinary functions that call read and write ---------------------- */

static int write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);       /* waits while the pipe is full */
    if (w < 0) return -1;
    buf += w, n -= (size_t)w;
  }
  return 0;
}
static int send_line(int fd, const char *text) {
  char line[64];
  int n = snprintf(line, sizeof line, "%s\n", text);
  return write_all(fd, line, (size_t)n);
}

static int read_byte(int fd) {
  unsigned char c;
  return read(fd, &c, 1) == 1 ? c : -1;  /* the chain of waits ends here */
}
static int read_line(int fd, char *line, size_t max) {
  size_t n = 0;
  int c;
  while ((c = read_byte(fd)) >= 0 && c != '\n')
    if (n + 1 < max) line[n++] = (char)c;
  line[n] = 0;
  return c < 0 && n == 0 ? -1 : (int)n;
}

/* ---- the workers -------------------------------------------------------- */

static int lines[2], bulk[2];            /* two pipes */
static int sock = -1;                    /* the WebSocket, if any */
static int workers_left;
enum { BULK = 100000 };                  /* more than a pipe holds (64 KiB) */

static void *producer(void *arg) {
  const char *words[] = {"one", "two", "three"};
  for (int i = 0; i < 3; i++) {
    usleep(20000);                       /* libc's sleep: only this coroutine waits */
    send_line(lines[1], words[i]);
    printf("producer: sent '%s'\n", words[i]);
  }
  close(lines[1]);                       /* the consumer reads the end */
  return NULL;
}

static void *consumer(void *arg) {
  char line[64];
  int count = 0;
  while (read_line(lines[0], line, sizeof line) >= 0) printf("consumer: got '%s'\n", line), count++;
  printf("consumer: %d lines, then the end\n", count);
  return NULL;
}

static void *flooder(void *arg) {
  static char data[BULK];
  for (int i = 0; i < BULK; i++) data[i] = (char)(i % 251);
  int rc = write_all(bulk[1], data, BULK);
  printf("flooder: wrote %d bytes (rc %d)\n", BULK, rc);
  close(bulk[1]);
  return NULL;
}

static void *drainer(void *arg) {
  usleep(30000);                         /* let the flooder fill the pipe first */
  char buf[4096];
  long total = 0, wrong = 0;
  ssize_t r;
  while ((r = read(bulk[0], buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++, total++) wrong += buf[i] != (char)(total % 251);
  printf("drainer: %ld bytes, %ld wrong\n", total, wrong);
  return NULL;
}

static void ask(int fd, const char *question) {
  char answer[64];
  write_all(fd, question, strlen(question));  /* one WebSocket message */
  ssize_t r = read(fd, answer, sizeof answer - 1);
  answer[r > 0 ? r : 0] = 0;
  printf("client: asked '%s', got '%s'\n", question, answer);
}
static void *client(void *arg) {
  ask(sock, "hello");
  ask(sock, "goodbye");
  close(sock);
  return NULL;
}

/* ---- the top-level loop ------------------------------------------------- */

/* "Inform the top-level loop": weft calls this hook whenever a coroutine
 * suspends; one that waits for a descriptor rings the loop's doorbell (a
 * pipe the loop polls too), so the loop looks at the list again. */
static int doorbell[2];
static void on_event(int event, weft_id id, int detail, void *ctx) {
  if (event == WEFT_EV_SUSPEND && detail == WEFT_WAIT_FD) write(doorbell[1], "!", 1);
}

static void *loop(void *arg) {
  static char seen[64][96];              /* what each coroutine was last reported waiting for */
  while (workers_left > 0) {
    weft_info info[16];
    int n = weft_list(info, 16);
    struct pollfd fds[17];
    weft_id who[17];
    int k = 0;
    for (int i = 0; i < n && i < 16; i++) {
      char *last = seen[info[i].id % 64], dir[8];
      int fd;
      if (info[i].state != WEFT_BLOCKED || sscanf(info[i].waits, "%7s fd %d", dir, &fd) != 2) {
        last[0] = 0;                     /* not waiting for a descriptor */
        continue;
      }
      if (strcmp(last, info[i].waits)) { /* a new wait: report it */
        printf("loop: %s waits: %s\n", info[i].name, info[i].waits);
        strcpy(last, info[i].waits);
      }
      who[k] = info[i].id;
      fds[k++] = (struct pollfd){fd, strcmp(dir, "read") ? POLLOUT : POLLIN, 0};
    }
    fds[k] = (struct pollfd){doorbell[0], POLLIN, 0};
    /* Suspends the loop until a descriptor is ready or the doorbell rings. */
    if (poll(fds, (nfds_t)k + 1, -1) > 0) {
      char drain[64];
      while (read(doorbell[0], drain, sizeof drain) > 0) {}
      for (int j = 0; j < k; j++) {
        if (!fds[j].revents) continue;
        weft_info one;
        for (int i = 0; i < n; i++) if (info[i].id == who[j]) one = info[i];
        printf("loop: fd %d is %s: %s resumes\n", fds[j].fd, fds[j].revents & POLLOUT ? "writable" : "readable", one.name);
        seen[who[j] % 64][0] = 0;
      }
    }
    weft_yield();                        /* the resumed chains run now */
  }
  puts("loop: every worker is done");
  return NULL;
}

/* ---- main --------------------------------------------------------------- */

static void *counted(void *fn) {
  ((void *(*)(void *))fn)(NULL);
  workers_left--;
  write(doorbell[1], "!", 1);            /* the loop looks again, and may stop */
  return NULL;
}

int main(int argc, char **argv) {
  if (pipe(lines) || pipe(bulk) || pipe2(doorbell, O_NONBLOCK)) return perror("pipe"), 1;
  if (argc > 1 && (sock = weft_socket_connect(argv[1])) < 0) {
    fprintf(stderr, "connect %s: %s\n", argv[1], weft_strerror(sock));
    return 1;
  }
  struct { const char *name; void *(*fn)(void *); } work[] = {
      {"consumer", consumer}, {"producer", producer}, {"flooder", flooder}, {"drainer", drainer}, {"client", client}};
  int count = sock >= 0 ? 5 : 4;
  weft_id ids[6];
  workers_left = count;
  for (int i = 0; i < count; i++) ids[i] = weft_spawn(counted, (void *)work[i].fn, &(weft_opts){.name = work[i].name});
  ids[count] = weft_spawn(loop, NULL, &(weft_opts){.name = "loop"});
  weft_set_hook(on_event, NULL);
  for (int i = 0; i <= count; i++) weft_join(ids[i], NULL);
  weft_set_hook(NULL, NULL);
  close(lines[0]);
  close(bulk[0]);
  return 0;
}
