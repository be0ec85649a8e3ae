/*
 * bridge.c — the C half of the host bridges (the JS half is
 * runtime/js/bridge.mjs):
 *   - host operations: a coroutine starts something asynchronous in JS under
 *     an op id and blocks; when its promise settles the host calls
 *     weft__settle(), and once resumed the coroutine takes the result into
 *     its own memory (the host never writes into a suspended stack);
 *   - weft_last_error(): every failing host call leaves its own message;
 *   - weft_call(): await any JS function from C, values marshalled by sig;
 *   - WEFT_EXPORT functions that JS starts as coroutines (program.call).
 */
#include <emscripten.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "internal.h"

#define MAX_ARGS 16

/* ---- host operations ---------------------------------------------------- */

static weft_co **ops;      /* op id - 1 -> waiting coroutine */
static int *free_ops, nfree, nops;

int host_op_begin(void) {
  if (!nfree) {
    if (nops > INT_MAX / 2) return WEFT_ENOMEM;
    int n = nops ? nops * 2 : 64;
    weft_co **o = realloc(ops, sizeof *o * (size_t)n);
    if (o) ops = o;
    int *f = o ? realloc(free_ops, sizeof *f * (size_t)n) : NULL;
    if (!f) return WEFT_ENOMEM;
    free_ops = f;
    for (int i = n; i > nops; i--) free_ops[nfree++] = i;
    nops = n;
  }
  int op = free_ops[--nfree];
  ops[op - 1] = S.current;
  return op;
}

/* Give the op id back once its result was taken (or it was never used).
 * Until then the id stays reserved, so the host's entry for it cannot be
 * confused with a newer op's. */
void host_op_end(int op) {
  ops[op - 1] = NULL;
  free_ops[nfree++] = op;
}

int host_op_wait(int op, wait_kind kind, const char *what) {
  S.host_pending++;
  S.current->what = what;
  return sched_block(kind, (void *)(intptr_t)op);
}

/* The coroutine stops waiting for its op (it is being stopped). */
void host_op_drop(weft_co *co, bool final) {
  int op = (int)(intptr_t)co->wait_obj;
  weft_host_drop(op);
  S.host_pending--;
  ops[op - 1] = NULL;
  if (final) free_ops[nfree++] = op;
}

/* The host: op has settled with `status` (0 or a WEFT_E* code). The host
 * follows settles with one weft__tick in the same microtask checkpoint, so
 * a resolved promise resumes its coroutine without a macrotask hop. */
EMSCRIPTEN_KEEPALIVE void weft__settle(int op, int status) {
  if (op < 1 || op > nops || !ops[op - 1]) return;
  weft_co *co = ops[op - 1];
  ops[op - 1] = NULL; /* settled: the id stays reserved until host_op_end */
  S.host_pending--;
  sched_make_ready(co, status > 0 ? WEFT_EJS : status); /* the host runs a tick right after (a microtask) */
}

/* ---- errors ---------------------------------------------------------------- */

/* When not even a message fits in memory, this one stands in (never freed). */
static char no_room[] = "weft: out of memory (the error's own message did not fit either)";
/* weft_last_error() outside any coroutine: the last such failure's. */
static const char *outside_error = "";

void host_set_error(weft_co *co, char *msg) {
  if (co->errmsg != no_room) free(co->errmsg);
  co->errmsg = msg;
}

int host_fail(int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (!S.current) { /* no coroutine to keep it: a fixed text */
    outside_error = err == WEFT_ENOTCO ? "weft: a suspending call was made outside any coroutine" : weft_strerror(err);
    return err;
  }
  char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (msg) {
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  host_set_error(S.current, msg ? msg : no_room);
  return err;
}

const char *weft_last_error(void) {
  if (!S.current) return outside_error;
  return S.current->errmsg ? S.current->errmsg : "";
}

/* Take a finished op's result (the coroutine runs again), give its id back
 * and return the status: the wait's (an interrupt) or the host's. On
 * success *out holds the value (its strings and bytes are the caller's);
 * on failure the host's message, if it sent one, becomes weft_last_error()
 * (else that is empty: the caller then names the failure itself). An
 * interrupted wait finds nothing: the host dropped the op, releasing what
 * it held. */
int host_op_take(int op, int status, weft_val *out) {
  weft_val v = {0};
  int taken = weft_host_take(op, &v);
  host_op_end(op);
  if (status == 0) status = taken > 0 ? WEFT_EJS : taken;
  else if (taken == 0) { /* a value after all (not from weft's own host): not the caller's */
    if (v.type == 's' || v.type == 'b') free(v.u.p);
    else if (v.type == 'h') weft_host_handle_free(v.u.i);
    v = (weft_val){0};
  }
  if (status < 0) {
    host_set_error(S.current, v.type == 's' ? v.u.p : NULL);
  } else {
    host_set_error(S.current, NULL);
    *out = v;
  }
  return status;
}

/* ---- weft_call ------------------------------------------------------------- */

/* Why `sig` is not "ARGS>RESULT" (NULL if it is); *nargs: the argument count. */
static const char *sig_check(const char *sig, int *nargs, char *why, size_t n) {
  const char *arrow = strchr(sig, '>');
  for (const char *c = sig; *c; c++) {
    if (c == arrow || strchr("idsbh", *c)) continue;
    if (*c == '>') snprintf(why, n, "more than one '>'");
    else if (*c > ' ' && *c < 127) snprintf(why, n, "'%c' is not a type (i d s b h)", *c);
    else snprintf(why, n, "character 0x%02x is not a type (i d s b h)", (unsigned char)*c);
    return why;
  }
  if (!arrow) return "the signature has no '>' (write ARGS>RESULT, e.g. \"ii>i\")";
  if (arrow - sig > MAX_ARGS) return "at most 16 arguments";
  if (arrow[1] && arrow[2]) return "at most one result after '>'";
  *nargs = (int)(arrow - sig);
  return NULL;
}

/* weft_call("name", "sig"): how failures name the call. */
#define CALL_FMT "weft_call(%s%.60s%s, %s%.40s%s)"
#define CALL_ARGS(name, sig) name ? "\"" : "", name ? name : "NULL", name ? "\"" : "", \
                             sig ? "\"" : "", sig ? sig : "NULL", sig ? "\"" : ""

int weft_call(const char *name, const char *sig, ...) {
  int nargs = 0, err = sched_check_current();
  if (err) return host_fail(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
  char why[64];
  const char *bad = !name ? "the function name is NULL"
                    : !sig ? "the signature is NULL"
                           : sig_check(sig, &nargs, why, sizeof why);
  if (bad) return host_fail(WEFT_EINVAL, CALL_FMT ": %s", CALL_ARGS(name, sig), bad);
  weft_val args[MAX_ARGS];
  va_list ap;
  va_start(ap, sig);
  for (int i = 0; i < nargs; i++) {
    weft_val *v = &args[i];
    v->type = sig[i];
    v->len = 0;
    switch (sig[i]) {
    case 'i': v->u.i = va_arg(ap, int32_t); break;
    case 'h': v->u.i = va_arg(ap, weft_handle); break;
    case 'd': v->u.d = va_arg(ap, double); break;
    case 's': v->u.p = va_arg(ap, char *); v->len = v->u.p ? (uint32_t)strlen(v->u.p) : 0; break;
    case 'b': v->u.p = va_arg(ap, void *); v->len = (uint32_t)va_arg(ap, size_t); break;
    }
  }
  /* The result pointers follow the arguments: checked before anything starts. */
  char want = sig[nargs + 1];
  void *res = want ? va_arg(ap, void *) : NULL, *res_len = want == 'b' ? va_arg(ap, void *) : NULL;
  va_end(ap);
  if (want && (!res || (want == 'b' && !res_len)))
    return host_fail(WEFT_EINVAL, CALL_FMT ": the result pointer is NULL", CALL_ARGS(name, sig));
  for (int i = 0; i < nargs; i++)
    if (args[i].type == 'b' && !args[i].u.p && args[i].len)
      return host_fail(WEFT_EINVAL, CALL_FMT ": argument %d is NULL with length %u", CALL_ARGS(name, sig), i + 1,
                       args[i].len);
  int op = host_op_begin();
  if (op < 0) return host_fail(op, CALL_FMT ": out of memory", CALL_ARGS(name, sig));
  weft_host_call(op, name, sig, args, nargs); /* reads args now: they may live on a compact stack */
  weft_val r;
  err = host_op_take(op, host_op_wait(op, WAIT_JS_CALL, name), &r);
  if (err < 0) {
    if (!*weft_last_error()) host_fail(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
    return err;
  }
  if (!want) return 0;
  if (r.type != want || ((want == 's' || want == 'b') && !r.u.p)) { /* never from weft's own host */
    if (r.type == 's' || r.type == 'b') free(r.u.p);
    return host_fail(WEFT_EINVAL, CALL_FMT ": the host gave no '%c' result", CALL_ARGS(name, sig), want);
  }
  switch (want) {
  case 'i': *(int32_t *)res = r.u.i; break;
  case 'h': *(weft_handle *)res = r.u.i; break;
  case 'd': *(double *)res = r.u.d; break;
  case 's': *(char **)res = r.u.p; break;
  case 'b':
    *(void **)res = r.u.p;
    *(size_t *)res_len = r.len;
    break;
  }
  return 0;
}

int weft_handle_free(weft_handle h) { return weft_host_handle_free(h); }

/* ---- exports: JS calls C as a coroutine ------------------------------------ */

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
 * host hears of it and settles the promise. */
static void export_exited(weft_co *co) {
  weft_args *a = co->arg;
  int status = a->status ? a->status : co->exit_err;
  const char *msg = a->message ? a->message : status ? weft_strerror(status) : NULL;
  weft_host_export_done(a->call, status, &a->result, msg);
  if (a->result.type == 's' || a->result.type == 'b') free(a->result.u.p);
  free(a->message);
  free(a);
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
  weft_co *co = sched_spawn(export_entry_run, a, &(weft_opts){.name = name, .flags = WEFT_DETACHED}, &err);
  if (!co) {
    free(a);
    return err;
  }
  co->on_exit = export_exited;
  co->flags |= CO_SUPERVISED; /* its JS caller takes its failure */
  return co->id;
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
  int err = sched_check_current();
  if (err) return err;
  if (!a || S.current->arg != a) return WEFT_EINVAL;
  int op = host_op_begin();
  if (op < 0) return op;
  weft_val v;
  err = weft_host_export_yield(a->call, &a->result, op); /* the host copies the value now */
  if (err) return host_op_take(op, err, &v);
  set_result(a, (weft_val){0});
  return host_op_take(op, host_op_wait(op, WAIT_JS_CALL, "next() from JS"), &v);
}

int weft_args_fail(weft_args *a, int err, const char *message) {
  if (!a) return WEFT_EINVAL;
  a->status = err < 0 ? err : WEFT_EINVAL;
  free(a->message);
  a->message = message ? strdup(message) : NULL;
  return a->status;
}
