/*
 * ops.c — host operations, the C half of runtime/js's: a coroutine starts
 * something asynchronous in JS (a call, a fetch, a body read) under an op
 * id and blocks in the op's wait; when the promise settles the host calls
 * weft__settle(), and once resumed the coroutine takes the result into its
 * own memory (the host never writes into a suspended stack): from the op's
 * slot here when it is a number that came with the settle, else from the
 * host (weft_host_take).
 */
#include <emscripten.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"

typedef struct {
  weft_co *co;      /* the waiting coroutine */
  const char *what; /* what it waits on, for reports */
  bool delivered;   /* the host settled it with its number result: no take */
  weft_val value;
} op_slot;
static op_slot *ops;       /* op id - 1 -> its slot */
static int *free_ops, nfree, nops;

int host_op_begin(void) {
  if (!nfree) {
    if (nops > INT_MAX / 2) return WEFT_ENOMEM;
    int n = nops ? nops * 2 : 64;
    op_slot *o = realloc(ops, sizeof *o * (size_t)n);
    if (o) ops = o;
    int *f = o ? realloc(free_ops, sizeof *f * (size_t)n) : NULL;
    if (!f) return WEFT_ENOMEM;
    free_ops = f;
    for (int i = n; i > nops; i--) free_ops[nfree++] = i;
    nops = n;
  }
  int op = free_ops[--nfree];
  ops[op - 1] = (op_slot){sched_current(), NULL, false, {0}};
  return op;
}

/* Give the op id back once its result was taken (or it was never used).
 * Until then the id stays reserved, so the host's entry for it cannot be
 * confused with a newer op's. */
void host_op_end(int op) {
  ops[op - 1].co = NULL;
  free_ops[nfree++] = op;
}

/* The wait ends early (a cancel, a deadline, the program's end): the host
 * drops the op, aborting what it can. If the coroutine is gone for good
 * (`final`) the id is free at once; else it stays reserved until the
 * coroutine, resumed with the error, takes it. */
static void abort_op(weft_co *co, void *obj, bool final) {
  int op = (int)(intptr_t)obj;
  weft_host_drop(op);
  ops[op - 1].co = NULL;
  if (final) free_ops[nfree++] = op;
}

/* The coroutine's op ended (settled, or dropped early) but the coroutine
 * is stopped before it took the result: as a final abort, the host lets go
 * of what it holds for the op (a string, a response), and the id is free
 * again (host_op_begin clears the rest of the slot). */
static void release_op(weft_co *co, void *obj) { abort_op(co, obj, true); }

static const char *op_what(const void *obj) { return ops[(int)(intptr_t)obj - 1].what; }

static void describe_call(const weft_co *co, const void *obj, char *buf, size_t n) {
  snprintf(buf, n, "JS call %.80s", op_what(obj));
}
static void describe_fetch(const weft_co *co, const void *obj, char *buf, size_t n) {
  snprintf(buf, n, "fetch %.80s", op_what(obj));
}
static void describe_body(const weft_co *co, const void *obj, char *buf, size_t n) {
  snprintf(buf, n, "a response body chunk");
}

/* Only the host ends these waits: `external`. */
const weft_wait_ops host_op_waits[] = {
  [OP_CALL] = {WEFT_WAIT_JS_CALL, true, WEFT_ETIMEDOUT, abort_op, describe_call, release_op},
  [OP_FETCH] = {WEFT_WAIT_FETCH, true, WEFT_ETIMEDOUT, abort_op, describe_fetch, release_op},
  [OP_BODY] = {WEFT_WAIT_BODY, true, WEFT_ETIMEDOUT, abort_op, describe_body, release_op},
};

void host_op_describe(int op, const char *what) { ops[op - 1].what = what; }

/* The host: op has settled with `status` (0 or a WEFT_E* code). A number
 * result (weft_call's 'i' or 'd', or none) comes with it: `type` is its
 * WEFT_ABI_TYPE_* (0: none) and `value` the number, so that the coroutine
 * takes it without calling back into JS; WEFT_ABI_SETTLE_TAKE says the
 * result waits in the host. The host follows its settles with one tick in
 * the same microtask checkpoint; `tick`: that tick is now, in this call
 * (a settle no other can share it with: one crossing instead of two). */
static void settle(int op, int status, int type, double value) {
  if (op < 1 || op > nops || !ops[op - 1].co) return;
  op_slot *slot = &ops[op - 1];
  weft_co *co = slot->co;
  slot->co = NULL; /* settled: the id stays reserved until host_op_end */
  if (type != WEFT_ABI_SETTLE_TAKE && status == 0) {
    slot->delivered = true;
    slot->value = (weft_val){.type = type};
    if (type == WEFT_ABI_TYPE_INT) slot->value.u.i = (int32_t)value;
    else if (type == WEFT_ABI_TYPE_DOUBLE) slot->value.u.d = value;
  }
  sched_wake_by_host(co, status > 0 ? WEFT_EJS : status);
}

EMSCRIPTEN_KEEPALIVE void weft__settle(int op, int status, int type, double value, int tick) {
  settle(op, status, type, value);
  if (tick) weft__tick();
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
  op_slot *slot = &ops[op - 1];
  int taken;
  if (slot->delivered && status == 0) { /* the host handed it over as it settled */
    v = slot->value;
    taken = 0;
  } else {
    taken = weft_host_take(op, &v);
  }
  slot->delivered = false;
  host_op_end(op);
  if (status == 0) status = taken > 0 ? WEFT_EJS : taken;
  else if (taken == 0) { /* a value after all (not from weft's own host): not the caller's */
    if (v.type == 's' || v.type == 'b') free(v.u.p);
    else if (v.type == 'h') weft_host_handle_free(v.u.i);
    v = (weft_val){0};
  }
  if (status < 0) {
    report_set_error(v.type == 's' ? v.u.p : NULL);
  } else {
    report_set_error(NULL);
    *out = v;
  }
  return status;
}

