/*
 * report.c — words for what went wrong: error strings, the message printed
 * when a coroutine is stopped by a fatal error, and the deadlock report
 * that lists every blocked coroutine and what it waits for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "internal.h"

const char *weft_strerror(int err) {
  switch (err) {
  case WEFT_OK: return "success";
  case WEFT_EINVAL: return "invalid argument";
  case WEFT_ENOMEM: return "out of memory";
  case WEFT_ENOTCO: return "suspending call made outside any coroutine";
  case WEFT_ESRCH: return "not found (no such coroutine, export, header or index)";
  case WEFT_EJOINED: return "coroutine already joined or detached";
  case WEFT_EBUSY: return "busy: already being joined, or waited on";
  case WEFT_EDEADLK: return "deadlock: the wait could never end";
  case WEFT_ESAVEAREA: return "coroutine stack did not fit its save area";
  case WEFT_ESTACK: return "coroutine overflowed its C stack";
  case WEFT_EHOST: return "JS exception or wasm trap in a coroutine";
  case WEFT_ECANCELED: return "cancelled";
  case WEFT_ETIMEDOUT: return "deadline or timeout expired";
  case WEFT_EJS: return "host function threw or its promise rejected";
  case WEFT_EHANDLE: return "stale, freed or forged handle";
  case WEFT_ENET: return "network error";
  case WEFT_ECLOSED: return "closed: read after the end, or channel closed and drained";
  case WEFT_EPIPE: return "send on a closed channel";
  case WEFT_EAGAIN: return "nothing ready (non-blocking select)";
  default: return "unknown error";
  }
}

/* Printed at once; kept in co->fault for whoever takes the failure (or,
 * when no one does, for the message that fails the program). */
void report_fatal(weft_co *co, int err, const char *detail) {
  char what[200];
  snprintf(what, sizeof what, "%s (%s)", detail ? detail : weft_strerror(err), weft_strerror(err));
  fprintf(stderr, "weft: coroutine #%d \"%s\" was stopped: %s\n", co->id, co_name(co), what);
  if (!co->fault) co->fault = strdup(what);
}

static const char *const wait_names[WAIT_KINDS] = {
  [WAIT_NONE] = "nothing", [WAIT_SLEEP] = "sleep", [WAIT_JOIN] = "join",
  [WAIT_HOST] = "host turn", [WAIT_BODY] = "a response body chunk",
};

const char *wait_describe(const weft_co *co, char *buf, size_t n) {
  const weft_co *target = co->wait_obj;
  switch (co->wait) {
  case WAIT_SLEEP:
    if (co->heap_index < 0) snprintf(buf, n, "sleep forever");
    else snprintf(buf, n, "sleep until %.1f ms (in %.1f ms)", co->deadline, co->deadline - weft_now());
    break;
  case WAIT_JOIN:
    snprintf(buf, n, "join of #%d \"%s\"", target->id, co_name((weft_co *)target));
    break;
  case WAIT_CHAN:
    chan_describe(co, buf, n);
    break;
  case WAIT_SYNC:
    snprintf(buf, n, "%s %p", ((const sync_q *)co->wait_obj)->kind, co->wait_obj);
    break;
  case WAIT_JS_CALL:
    snprintf(buf, n, "JS call %.80s", co->what);
    break;
  case WAIT_FETCH:
    snprintf(buf, n, "fetch %.80s", co->what);
    break;
  default:
    snprintf(buf, n, "%s", wait_names[co->wait]);
  }
  return buf;
}

/* ---- introspection ---------------------------------------------------- */

typedef struct { weft_info *out; int max, n; } list_ctx;

static void collect(weft_co *co, void *arg) {
  list_ctx *l = arg;
  if (l->n < l->max) {
    weft_info *i = &l->out[l->n];
    memset(i, 0, sizeof *i);
    i->id = co->id;
    i->state = co->state;
    snprintf(i->name, sizeof i->name, "%s", co_name(co));
    if (co->state == CO_BLOCKED) wait_describe(co, i->waits, sizeof i->waits);
    i->save_bytes = co->save_cap;
    i->stack_bytes = (co->flags & WEFT_COMPACT) ? co->stack_copy : co->stack_size;
  }
  l->n++;
}

static int by_id(const void *a, const void *b) {
  return ((const weft_info *)a)->id - ((const weft_info *)b)->id;
}

/* A NULL `out` or a `max` below 1 only counts. */
int weft_list(weft_info *out, int max) {
  list_ctx l = {out, out && max > 0 ? max : 0, 0};
  registry_each(collect, &l);
  if (l.max) qsort(out, (size_t)(l.n < l.max ? l.n : l.max), sizeof *out, by_id);
  return l.n;
}

void weft_dump(void) {
  static const char *const states[] = {"ready", "running", "blocked", "done"};
  int n = weft_list(NULL, 0);
  weft_info *all = calloc((size_t)n + 1, sizeof *all);
  if (!all) {
    fprintf(stderr, "weft: %d coroutine(s); no memory to list them\n", n);
    return;
  }
  n = weft_list(all, n);
  fprintf(stderr, "weft: %d coroutine(s)\n%6s  %-23s  %-8s  %8s  %8s  %s\n", n, "id", "name", "state",
          "save B", "stack B", "waits for");
  for (int i = 0; i < n; i++)
    fprintf(stderr, "%6d  %-23s  %-8s  %8zu  %8zu  %s\n", all[i].id, all[i].name, states[all[i].state],
            all[i].save_bytes, all[i].stack_bytes, all[i].waits);
  free(all);
}

static void list_blocked(weft_co *co, void *ctx) {
  char what[96];
  if (co->state == CO_BLOCKED)
    fprintf(ctx, "  #%d \"%s\" waits for %s\n", co->id, co_name(co), wait_describe(co, what, sizeof what));
}

void report_stuck(const char *headline) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (f) {
    fputs("weft: ", f);
    fprintf(f, headline, S.live);
    fputc('\n', f);
    registry_each(list_blocked, f);
    fclose(f);
  }
  sched_fail(WEFT_EDEADLK, text ? text : "weft: deadlock: no memory for the report");
  free(text);
}
