/*
 * fetch.c — fetch from C. The request, the response and its body reader
 * live in the host (runtime/js/fetch.mjs) behind a handle; each call here
 * either completes at once (status, headers, body bytes already buffered)
 * or starts a host operation and suspends the calling coroutine only.
 * Every failure of weft_fetch, weft_response_read and weft_response_body
 * leaves its own weft_last_error().
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"


/* An op's status, or on success the int it produced (a response handle). */
static int take_status(int op, int status) {
  weft_val v = {0};
  if ((status = host_op_take(op, status, &v)) < 0) return status;
  if (v.type == 's' || v.type == 'b') free(v.u.p);
  return v.u.i;
}

int weft_fetch(const char *url, const weft_fetch_opts *opts, weft_response *out) {
  int err = sched_check();
  if (err) return report_error(err, "weft_fetch(\"%.200s\"): %s", url ? url : "NULL", weft_strerror(err));
  if (!url) return report_error(WEFT_EINVAL, "weft_fetch: the URL is NULL");
  if (!out) return report_error(WEFT_EINVAL, "weft_fetch(\"%.200s\"): the response pointer (out) is NULL", url);
  weft_fetch_opts o = opts ? *opts : (weft_fetch_opts){0};
  int op = host_op_begin();
  if (op < 0) return report_error(op, "weft_fetch(\"%.200s\"): out of memory", url);
  err = weft_host_fetch(op, url, o.method ? o.method : "GET", o.headers, o.body, o.body_len,
                        o.timeout_ms, o.signal, o.redirect);
  /* Refused before it started (bad URL, options or handle): the host has
   * the message ready. Otherwise wait for the response's headers. */
  int r = err < 0 ? take_status(op, 0) : take_status(op, host_op_wait(op, OP_FETCH, url));
  if (r < 0) {
    if (!*weft_last_error()) report_error(r, "weft_fetch(\"%.200s\"): %s", url, weft_strerror(r));
    return r;
  }
  *out = r;
  return 0;
}

int weft_response_status(weft_response r) { return weft_host_response_status(r); }

int weft_response_status_text(weft_response r, char *buf, size_t cap) {
  return weft_host_response_text(r, WEFT_ABI_TEXT_STATUS, NULL, 0, buf, cap, NULL, 0);
}

int weft_response_header(weft_response r, const char *name, char *buf, size_t cap) {
  if (!name) return WEFT_EINVAL;
  return weft_host_response_text(r, WEFT_ABI_TEXT_HEADER, name, 0, buf, cap, NULL, 0);
}

int weft_response_header_at(weft_response r, int i, char *name, size_t name_cap, char *value,
                            size_t value_cap) {
  return weft_host_response_text(r, WEFT_ABI_TEXT_HEADER_AT, NULL, i, name, name_cap, value, value_cap);
}

int weft_response_url(weft_response r, char *buf, size_t cap) {
  return weft_host_response_text(r, WEFT_ABI_TEXT_URL, NULL, 0, buf, cap, NULL, 0);
}

static long read_failed(weft_response r, long err, const void *buf, size_t cap) {
  switch (err) {
  case WEFT_EHANDLE: return report_error(WEFT_EHANDLE, "weft_response_read: handle %d is not a live response", r);
  case WEFT_ECLOSED: return report_error(WEFT_ECLOSED, "weft_response_read: read again after the end of the body");
  case WEFT_EINVAL:
    return report_error(WEFT_EINVAL, "weft_response_read: the buffer (%zu bytes at %p) lies outside the program's memory",
                     cap, buf);
  default: return report_error((int)err, "weft_response_read: %s", weft_strerror((int)err));
  }
}

/* Bytes already buffered are copied at once; otherwise one host op waits
 * for the next chunk, and the copy happens when this coroutine runs again
 * (another coroutine reading the same body may have taken it: then wait again). */
long weft_response_read(weft_response r, void *buf, size_t cap) {
  int err = sched_check();
  if (err) return report_error(err, "weft_response_read: %s", weft_strerror(err));
  if (!buf || !cap) return report_error(WEFT_EINVAL, "weft_response_read: %s", buf ? "cap is 0" : "the buffer is NULL");
  if (cap > LONG_MAX) cap = LONG_MAX; /* the count must fit the result */
  for (;;) {
    long n = weft_host_response_read(r, 0, buf, cap);
    if (n >= 0) return n;
    if (n != WEFT_ABI_READ_PENDING) return read_failed(r, n, buf, cap);
    int op = host_op_begin();
    if (op < 0) return report_error(op, "weft_response_read: out of memory");
    n = weft_host_response_read(r, op, buf, cap);
    if (n != WEFT_ABI_READ_PENDING) { /* no op was started after all */
      host_op_end(op);
      return read_failed(r, n, buf, cap);
    }
    err = take_status(op, host_op_wait(op, OP_BODY, NULL));
    if (err < 0) {
      if (!*weft_last_error()) read_failed(r, err, buf, cap);
      return err;
    }
  }
}

/* Read everything into one block, growing it only when a full block turns
 * out not to be the end (a small read is tried first). */
int weft_response_body(weft_response r, void **data, size_t *len) {
  if (!data || !len) return report_error(WEFT_EINVAL, "weft_response_body: %s is NULL", data ? "len" : "data");
  size_t cap = 64 * 1024, used = 0;
  char *buf = malloc(cap);
  if (!buf) return report_error(WEFT_ENOMEM, "weft_response_body: out of memory");
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
      char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (!bigger) {
        free(buf);
        return report_error(WEFT_ENOMEM, "weft_response_body: no memory for a body of more than %zu bytes", cap);
      }
      buf = bigger;
      cap *= 2;
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
