/*
 * chan.c — channels and select. A channel is a ring of fixed-size
 * elements plus two queues of waiters. A waiter is one case of a blocked
 * coroutine (a plain send or receive is a select with one case), with a
 * heap slot for its element: values in transit never touch a suspended
 * coroutine's stack, so compact coroutines are safe. A blocked select's
 * waiters are one heap block, its wait record; blocks are kept for reuse.
 * Whoever completes a waiter removes all of that block's waiters and wakes
 * the coroutine with the index of the case that fired. From then on
 * nothing refers to the channel: the resumed coroutine copies its value
 * out of its own slot, so the channel may be freed before it runs.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib.h"

/* Limits of weft_chan_new (weft.h): an element of at most 1 MiB, at most
 * 16 Mi of them buffered, and their product must fit in a size_t. */
#define WEFT_CHAN_MAX_ELEM ((size_t)1 << 20)
#define WEFT_CHAN_MAX_CAP  ((size_t)1 << 24)

typedef struct waiter {
  struct waiter *next, *prev;
  struct wait_block *block; /* the select it is a case of */
  weft_chan *ch;    /* NULL: a disabled case, never linked */
  char *buf;       /* the element: to send, or received */
  size_t elem;     /* its size, kept here so that resuming never reads ch */
  int index;       /* case index */
  int is_send;
  int result;      /* 0, WEFT_EPIPE, WEFT_ECLOSED once fired */
  int linked;      /* in ch's queue */
} waiter;

typedef struct { waiter *head, *tail; } wait_queue;

/* A blocked select: its coroutine, n waiters, then their element slots. */
typedef struct wait_block {
  struct wait_block *next_free;
  weft_co *co;
  size_t cap; /* bytes after the header */
  int n;
  waiter w[];
} wait_block;

struct weft_chan {
  size_t elem, cap, count, head;
  char *ring;
  int closed;
  wait_queue sendq, recvq;
};

/* An element's copy: the common small sizes inline (a word or two),
 * others through memcpy. */
static inline void copy_elem(void *dst, const void *src, size_t n) {
  if (n == 8) memcpy(dst, src, 8);
  else if (n == 4) memcpy(dst, src, 4);
  else memcpy(dst, src, n);
}

static void wq_push(wait_queue *q, waiter *w) {
  w->next = NULL;
  w->prev = q->tail;
  if (q->tail) q->tail->next = w; else q->head = w;
  q->tail = w;
  w->linked = 1;
}

static void wq_remove(wait_queue *q, waiter *w) {
  if (w->prev) w->prev->next = w->next; else q->head = w->next;
  if (w->next) w->next->prev = w->prev; else q->tail = w->prev;
  w->next = w->prev = NULL;
  w->linked = 0;
}

/* ---- a blocked select: its waiters, kept in a reusable block -------------- */

#define POOL_MAX 64      /* free blocks kept */
#define POOL_BYTES 1024  /* larger ones are freed at once */
static wait_block *pool;
static int pooled;

static wait_block *block_get(size_t bytes) {
  wait_block **p = &pool;
  while (*p && (*p)->cap < bytes) p = &(*p)->next_free;
  wait_block *b = *p;
  if (b) {
    *p = b->next_free;
    pooled--;
    return b;
  }
  b = malloc(sizeof *b + (bytes < 256 ? 256 : bytes));
  if (b) b->cap = bytes < 256 ? 256 : bytes;
  return b;
}

static void block_put(wait_block *b) {
  if (pooled >= POOL_MAX || b->cap > POOL_BYTES) {
    free(b);
    return;
  }
  b->next_free = pool;
  pool = b;
  pooled++;
}

static void unlink_block(wait_block *b) {
  for (int i = 0; i < b->n; i++) {
    waiter *w = &b->w[i];
    if (w->linked) wq_remove(w->is_send ? &w->ch->sendq : &w->ch->recvq, w);
  }
}

/* Cancelled, timed out or stopped: out of every channel's queue. The
 * block is freed now if the coroutine will never run again, else when it
 * resumes (in select_block). */
static void abort_select(weft_co *co, void *b, bool final) {
  unlink_block(b);
  if (final) block_put(b);
}

static void describe_select(const weft_co *co, const void *obj, char *buf, size_t n) {
  const wait_block *b = obj;
  int active = 0;
  for (int i = 0; i < b->n; i++) active += b->w[i].ch != NULL;
  if (active == 1 && b->n == 1) {
    const waiter *w = &b->w[0];
    snprintf(buf, n, "%s on channel %p", w->is_send ? "send" : "receive", (void *)w->ch);
  } else if (active == 0) {
    snprintf(buf, n, "select over no channel"); /* only a cancel or deadline ends it */
  } else {
    snprintf(buf, n, "select over %d case%s", active, active == 1 ? "" : "s");
  }
}

static const weft_wait_ops select_wait = {WEFT_WAIT_CHANNEL, false, WEFT_ETIMEDOUT, abort_select, describe_select};

/* Complete w's select: case w fired with `result`. */
static void fire(waiter *w, int result) {
  w->result = result;
  if (w->linked) wq_remove(w->is_send ? &w->ch->sendq : &w->ch->recvq, w);
  unlink_block(w->block);
  sched_wake(w->block->co, w->index);
}

/* ---- channels ---------------------------------------------------------------- */

weft_chan *weft_chan_new(size_t elem_size, size_t capacity) {
  if (!elem_size || elem_size > WEFT_CHAN_MAX_ELEM || capacity > WEFT_CHAN_MAX_CAP) return NULL;
  size_t ring;
  if (__builtin_mul_overflow(elem_size, capacity, &ring)) return NULL; /* e.g. 4096 x 2^20 */
  weft_chan *ch = calloc(1, sizeof *ch);
  if (!ch) return NULL;
  ch->elem = elem_size;
  ch->cap = capacity;
  if (capacity && !(ch->ring = malloc(ring))) {
    free(ch);
    return NULL;
  }
  return ch;
}

int weft_chan_close(weft_chan *ch) {
  if (!ch || ch->closed) return WEFT_EINVAL;
  ch->closed = 1;
  while (ch->recvq.head) fire(ch->recvq.head, WEFT_ECLOSED); /* none buffered, or they'd not wait */
  while (ch->sendq.head) fire(ch->sendq.head, WEFT_EPIPE);
  return 0;
}

int weft_chan_free(weft_chan *ch) {
  if (!ch) return WEFT_EINVAL;
  if (ch->sendq.head || ch->recvq.head) return WEFT_EBUSY;
  free(ch->ring);
  free(ch);
  return 0;
}

/* Try case c now; 1 if it completed (c->result set). */
static int try_case(weft_case *c) {
  weft_chan *ch = c->ch;
  if (c->op == WEFT_SEND) {
    if (ch->closed) {
      c->result = WEFT_EPIPE;
      return 1;
    }
    if (ch->recvq.head) { /* hand over to a waiting receiver */
      waiter *w = ch->recvq.head;
      copy_elem(w->buf, c->val, ch->elem);
      fire(w, 0);
    } else if (ch->count < ch->cap) {
      copy_elem(ch->ring + ((ch->head + ch->count) % ch->cap) * ch->elem, c->val, ch->elem);
      ch->count++;
    } else {
      return 0;
    }
    c->result = 0;
    return 1;
  }
  if (ch->count) {
    copy_elem(c->val, ch->ring + ch->head * ch->elem, ch->elem);
    ch->head = (ch->head + 1) % ch->cap;
    ch->count--;
    if (ch->sendq.head) { /* a blocked sender's element takes the free place */
      waiter *w = ch->sendq.head;
      copy_elem(ch->ring + ((ch->head + ch->count) % ch->cap) * ch->elem, w->buf, ch->elem);
      ch->count++;
      fire(w, 0);
    }
  } else if (ch->sendq.head) { /* rendezvous with a waiting sender */
    waiter *w = ch->sendq.head;
    copy_elem(c->val, w->buf, ch->elem);
    fire(w, 0);
  } else if (ch->closed) {
    c->result = WEFT_ECLOSED;
    return 1;
  } else {
    return 0;
  }
  c->result = 0;
  return 1;
}

static uint32_t rng = 2463534242u;
static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* After the wait: the fired case's result and received value (copied out
 * of its slot, never read from the channel), and the block goes back. */
static __attribute__((noinline)) int select_done(weft_case *cases, wait_block *b, int fired) {
  if (fired >= 0) { /* else cancelled or timed out: already unlinked */
    waiter *w = &b->w[fired];
    cases[fired].result = w->result;
    if (!w->is_send && w->result == 0) copy_elem(cases[fired].val, w->buf, w->elem);
  }
  block_put(b);
  return fired;
}

/* A case's element slot in the waiter block, 8-byte aligned. */
static size_t slot_size(const weft_case *c) { return c->ch ? (c->ch->elem + 7) & ~(size_t)7 : 0; }

static int link_error; /* why link_cases returned NULL */

/* Before the wait: a waiter per case, linked into its channel's queue (a
 * case without a channel gets one that is never linked, so that waiter i
 * is still case i). The block, or NULL with link_error. */
static __attribute__((noinline)) wait_block *link_cases(weft_case *cases, int n) {
  size_t bytes;
  /* The block must not wrap around (4096 cases of a 1 MiB channel are
   * 2^32 bytes), and its size is kept in an int. */
  bool wraps = __builtin_mul_overflow((size_t)n, sizeof(waiter), &bytes);
  for (int i = 0; i < n && !wraps; i++) wraps = __builtin_add_overflow(bytes, slot_size(&cases[i]), &bytes);
  if (wraps || bytes > INT_MAX) return link_error = WEFT_EINVAL, NULL;
  wait_block *b = block_get(bytes);
  if (!b) return link_error = WEFT_ENOMEM, NULL;
  b->co = sched_current();
  b->n = n;
  char *slots = (char *)(b->w + n);
  for (int i = 0; i < n; i++) {
    waiter *w = &b->w[i];
    *w = (waiter){.block = b, .ch = cases[i].ch, .buf = slots, .index = i, .is_send = cases[i].op == WEFT_SEND};
    slots += slot_size(&cases[i]);
    if (!w->ch) continue;
    w->elem = w->ch->elem;
    if (w->is_send) copy_elem(w->buf, cases[i].val, w->elem);
    wq_push(w->is_send ? &w->ch->sendq : &w->ch->recvq, w);
  }
  return b;
}

/* Block on all cases until one fires: the slow half of a select, inlined
 * into the public calls so that theirs is the only runtime frame saved. */
static inline __attribute__((always_inline)) int block_cases(weft_case *cases, int n, double timeout_ms) {
  wait_block *b = link_cases(cases, n);
  if (!b) return link_error;
  /* An infinite timeout, or a negative one, is none. */
  double until = timeout_ms > 0 && timeout_ms != INFINITY ? weft_now() + timeout_ms : INFINITY;
  return select_done(cases, b, sched_block(&select_wait, b, until));
}

int weft_select(weft_case *cases, int n, double timeout_ms) {
  int err = sched_check();
  if (err) return err;
  if ((!cases && n > 0) || n < 0 || isnan(timeout_ms)) return WEFT_EINVAL;
  /* A case without a channel is disabled (Go's nil channel): not checked. */
  for (int i = 0; i < n; i++)
    if (cases[i].ch && (!cases[i].val || (cases[i].op != WEFT_SEND && cases[i].op != WEFT_RECV)))
      return WEFT_EINVAL;
  /* Ready cases first, from a random start so that none starves. */
  int start = n ? (int)(next_random() % (uint32_t)n) : 0;
  for (int k = 0; k < n; k++) {
    int i = (start + k) % n;
    if (cases[i].ch && try_case(&cases[i])) return i;
  }
  if (timeout_ms == 0) return WEFT_EAGAIN;
  return block_cases(cases, n, timeout_ms);
}

/* A plain send or receive: one case, no polling order, no timeout. */
static inline __attribute__((always_inline)) int one(weft_chan *ch, int op, void *val) {
  if (!ch || !val) return WEFT_EINVAL;
  int err = sched_check();
  if (err) return err;
  weft_case c = {ch, op, val, 0};
  if (!try_case(&c)) {
    err = block_cases(&c, 1, -1);
    if (err < 0) return err;
  }
  return c.result;
}

int weft_chan_send(weft_chan *ch, const void *elem) { return one(ch, WEFT_SEND, (void *)elem); }
int weft_chan_recv(weft_chan *ch, void *out) { return one(ch, WEFT_RECV, out); }
