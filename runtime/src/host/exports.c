/*
 * exports.c — WEFT_EXPORT functions that JS starts as coroutines
 * (program.call, program.iterate): their arguments, results and failures,
 * and weft_args_yield, which hands JS one value at a time.
 */
#include <emscripten.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"

struct weft_args {
  weft_val *vals;
  int n;
  int call;           /* the host's id for this call */
  int status;
  weft_val result;    /* strings and bytes malloc'd */
  char *message;
  weft_export_fn fn;
};

typedef struct export_entry { const char *name; weft_export_fn fn; struct export_entry *next; } export_entry;
static export_entry *exports_list;

void weft_register_export(const char *name, weft_export_fn fn) {
  if (!name || !fn) return;
  export_entry *e = malloc(sizeof *e);
  if (!e) return;
  *e = (export_entry){name, fn, exports_list};
  exports_list = e;
}

static void *export_entry_run(void *arg) {
  weft_args *a = arg;
  int rc = a->fn(a);
  if (rc < 0 && !a->status) a->status = rc;
  return NULL;
}

/* However the coroutine ended (returned, or was stopped by a fault), the
 * host hears of it and settles the promise: its JS caller takes the failure. */
static bool export_exited(void *ctx, weft_id id, int exit_err, void *result) {
  weft_args *a = ctx;
  int status = a->status ? a->status : exit_err;
  const char *msg = a->message ? a->message : status ? weft_strerror(status) : NULL;
  weft_host_export_done(a->call, status, &a->result, msg);
  if (a->result.type == 's' || a->result.type == 'b') free(a->result.u.p);
  free(a->message);
  free(a);
  return true;
}

/* The host: start export `name` with `n` arguments (freed by the host after
 * the call settles) as a coroutine. Returns its id or an error. */
EMSCRIPTEN_KEEPALIVE int weft__invoke(const char *name, weft_val *vals, int n, int call) {
  if (!name || n < 0 || (n && !vals)) return WEFT_EINVAL;
  export_entry *e = exports_list;
  while (e && strcmp(e->name, name)) e = e->next;
  if (!e) return WEFT_ESRCH;
  weft_args *a = calloc(1, sizeof *a);
  if (!a) return WEFT_ENOMEM;
  *a = (weft_args){.vals = vals, .n = n, .call = call, .fn = e->fn};
  int err;
  /* JS's, and its JS caller takes its failure. */
  weft_co *co = sched_spawn(export_entry_run, a, &(weft_opts){.name = name, .flags = WEFT_DETACHED}, export_exited, a,
                            CO_JS_TREE, &err);
  if (!co) {
    free(a);
    return err;
  }
  return co_id(co);
}

/* The host: JS left an iterated export early while it was not waiting in
 * weft_args_yield; cancelling makes its next yield return WEFT_ECANCELED. */
EMSCRIPTEN_KEEPALIVE int weft__cancel_export(weft_id id) { return weft_cancel(id); }

static const weft_val *arg_at(const weft_args *a, int i, int type) {
  return a && i >= 0 && i < a->n && a->vals[i].type == type ? &a->vals[i] : NULL;
}

int weft_args_count(const weft_args *a) { return a ? a->n : 0; }

/* A JS number as int32_t: truncated toward zero, saturated at the ends, NaN
 * is 0 (a plain cast of an out-of-range double traps in wasm). */
int32_t weft_args_int(const weft_args *a, int i) {
  const weft_val *v = arg_at(a, i, 'd');
  double d = v ? v->u.d : 0;
  if (!(d == d)) return 0;
  if (d >= 2147483647.0) return INT32_MAX;
  if (d <= -2147483648.0) return INT32_MIN;
  return (int32_t)d;
}

double weft_args_double(const weft_args *a, int i) {
  const weft_val *v = arg_at(a, i, 'd');
  return v ? v->u.d : NAN;
}

const char *weft_args_string(const weft_args *a, int i) {
  const weft_val *v = arg_at(a, i, 's');
  return v ? v->u.p : NULL;
}

const void *weft_args_bytes(const weft_args *a, int i, size_t *len) {
  const weft_val *v = arg_at(a, i, 'b');
  if (len) *len = v ? v->len : 0;
  return v ? v->u.p : NULL;
}

weft_handle weft_args_handle(const weft_args *a, int i) {
  const weft_val *v = arg_at(a, i, 'h');
  return v ? v->u.i : 0;
}

static void set_result(weft_args *a, weft_val v) {
  if (a->result.type == 's' || a->result.type == 'b') free(a->result.u.p);
  a->result = v;
}

void weft_return_int(weft_args *a, int32_t x) { if (a) set_result(a, (weft_val){.type = 'i', .u.i = x}); }
void weft_return_double(weft_args *a, double x) { if (a) set_result(a, (weft_val){.type = 'd', .u.d = x}); }
void weft_return_handle(weft_args *a, weft_handle h) { if (a) set_result(a, (weft_val){.type = 'h', .u.i = h}); }

/* A copy of [p, p+n) plus a NUL, as type `type` ('b' or 's'). */
static void return_copy(weft_args *a, int type, const void *p, size_t n) {
  void *copy = n < SIZE_MAX ? malloc(n + 1) : NULL;
  if (!copy) {
    weft_args_fail(a, WEFT_ENOMEM, NULL);
    return;
  }
  memcpy(copy, p, n);
  ((char *)copy)[n] = 0;
  set_result(a, (weft_val){.type = type, .len = (uint32_t)n, .u.p = copy});
}

void weft_return_bytes(weft_args *a, const void *p, size_t n) {
  if (!a) return;
  if (!p && n) {
    char msg[80];
    snprintf(msg, sizeof msg, "weft_return_bytes: the bytes are NULL with length %zu", n);
    weft_args_fail(a, WEFT_EINVAL, msg);
    return;
  }
  return_copy(a, 'b', p ? p : "", n);
}

/* NULL resolves the call's promise with null. */
void weft_return_string(weft_args *a, const char *s) {
  if (!a) return;
  if (!s) set_result(a, (weft_val){.type = 's'});
  else return_copy(a, 's', s, strlen(s));
}

int weft_args_yield(weft_args *a) {
  int err = sched_check();
  if (err) return err;
  if (!a || sched_owner(export_exited) != a) return WEFT_EINVAL;
  int op = host_op_begin();
  if (op < 0) return op;
  weft_val v;
  err = weft_host_export_yield(a->call, &a->result, op); /* the host copies the value now */
  if (err) return host_op_take(op, err, &v);
  set_result(a, (weft_val){0});
  return host_op_take(op, host_op_wait(op, OP_CALL, "next() from JS"), &v);
}

int weft_args_fail(weft_args *a, int err, const char *message) {
  if (!a) return WEFT_EINVAL;
  a->status = err < 0 ? err : WEFT_EINVAL;
  free(a->message);
  a->message = message ? strdup(message) : NULL;
  return a->status;
}
