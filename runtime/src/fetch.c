/*
 * fetch.c — fetch from C. The request, the response and its body reader
 * live in the host (runtime/js/fetch.mjs) behind a handle; each call here
 * either completes at once (status, headers, body bytes already buffered)
 * or starts a host operation and suspends the calling coroutine only.
 */
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "internal.h"

#define READ_PENDING (-1000) /* weft_host_response_read: nothing buffered yet */

enum { TEXT_STATUS, TEXT_HEADER, TEXT_HEADER_AT };

/* An op's status, or on success the int it produced (a response handle). */
static int take_status(int op, int status) {
  weft_val v = {0};
  if ((status = host_op_take(op, status, &v)) < 0) return status;
  if (v.type == 's' || v.type == 'b') free(v.u.p);
  return v.u.i;
}

int weft_fetch(const char *url, const weft_fetch_opts *opts, weft_response *out) {
  int err = sched_check_current();
  if (err) return err;
  if (!url || !out) return WEFT_EINVAL;
  weft_fetch_opts o = opts ? *opts : (weft_fetch_opts){0};
  int op = host_op_begin();
  if (op < 0) return op;
  err = weft_host_fetch(op, url, o.method ? o.method : "GET", o.headers, o.body, o.body_len,
                        o.timeout_ms, o.signal);
  if (err < 0) { /* refused before it started: bad URL, bad handle */
    take_status(op, err);
    return err;
  }
  int r = take_status(op, host_op_wait(op, WAIT_FETCH, url));
  if (r < 0) return r;
  *out = r;
  return 0;
}

int weft_response_status(weft_response r) { return weft_host_response_status(r); }

int weft_response_status_text(weft_response r, char *buf, size_t cap) {
  return weft_host_response_text(r, TEXT_STATUS, NULL, 0, buf, cap, NULL, 0);
}

int weft_response_header(weft_response r, const char *name, char *buf, size_t cap) {
  if (!name) return WEFT_EINVAL;
  return weft_host_response_text(r, TEXT_HEADER, name, 0, buf, cap, NULL, 0);
}

int weft_response_header_at(weft_response r, int i, char *name, size_t name_cap, char *value,
                            size_t value_cap) {
  return weft_host_response_text(r, TEXT_HEADER_AT, NULL, i, name, name_cap, value, value_cap);
}

/* Bytes already buffered are copied at once; otherwise one host op reads
 * the next chunk, and the copy happens when this coroutine runs again. */
long weft_response_read(weft_response r, void *buf, size_t cap) {
  int err = sched_check_current();
  if (err) return err;
  if (!buf || !cap) return WEFT_EINVAL;
  long n = weft_host_response_read(r, 0, buf, cap);
  if (n != READ_PENDING) return n;
  int op = host_op_begin();
  if (op < 0) return op;
  weft_host_response_read(r, op, buf, cap);
  err = take_status(op, host_op_wait(op, WAIT_BODY, NULL));
  return err < 0 ? err : weft_host_response_read(r, 0, buf, cap);
}

/* Read everything into one block, growing it only when a full block turns
 * out not to be the end (a small read is tried first). */
int weft_response_body(weft_response r, void **data, size_t *len) {
  if (!data || !len) return WEFT_EINVAL;
  size_t cap = 64 * 1024, used = 0;
  char *buf = malloc(cap);
  if (!buf) return WEFT_ENOMEM;
  for (;;) {
    char peek[1024];
    int full = used == cap;
    long n = weft_response_read(r, full ? peek : buf + used, full ? sizeof peek : cap - used);
    if (n <= 0) {
      if (n < 0) {
        free(buf);
        return (int)n;
      }
      break;
    }
    if (full) {
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger) {
        free(buf);
        return WEFT_ENOMEM;
      }
      buf = bigger;
      memcpy(buf + used, peek, (size_t)n);
    }
    used += (size_t)n;
  }
  *data = buf;
  *len = used;
  return 0;
}

int weft_response_free(weft_response r) { return weft_host_response_free(r); }

weft_handle weft_abort_new(void) { return weft_host_abort_new(); }

int weft_abort(weft_handle signal) { return weft_host_abort(signal); }
