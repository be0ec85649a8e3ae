/*
 * report.c — words for what went wrong: error strings, each coroutine's
 * weft_last_error(), the message printed when a coroutine is stopped by a
 * fatal error, and the deadlock report and weft_list, which say what every
 * blocked coroutine waits for (in its wait's own words).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel.h"

const char *weft_strerror(int err) {
  switch (err) {
  case WEFT_OK: return "success";
#define WEFT__ERRNO_TEXT(name, value, text) case WEFT_##name: return text;
  WEFT_ERRNO_MAP(WEFT__ERRNO_TEXT)
#undef WEFT__ERRNO_TEXT
  default: return "unknown error";
  }
}

/* ---- weft_last_error ------------------------------------------------------ */

/* When not even a message fits in memory, this one stands in (never freed). */
static char no_room[] = "weft: out of memory (the error's own message did not fit either)";
/* weft_last_error() outside any coroutine: the last such failure's. */
static const char *outside_error = "";

static void set_error(weft_co *co, char *msg) {
  if (co->errmsg && co->errmsg != no_room) free(co->errmsg); /* (no call on every success) */
  co->errmsg = msg;
}

void report_clear_error(weft_co *co) { set_error(co, NULL); }

void report_set_error(char *msg) {
  if (S.current) set_error(S.current, msg);
  else free(msg);
}

int report_error(int err, const char *fmt, ...) {
  if (!S.current) { /* no coroutine to keep it: a fixed text */
    outside_error = err == WEFT_ENOTCO ? "weft: a suspending call was made outside any coroutine" : weft_strerror(err);
    return err;
  }
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (msg) {
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  set_error(S.current, msg ? msg : no_room);
  return err;
}

const char *weft_last_error(void) {
  if (!S.current) return outside_error;
  return S.current->errmsg ? S.current->errmsg : "";
}

/* ---- faults and waits ------------------------------------------------------- */

/* Printed at once; kept in co->fault for whoever takes the failure (or,
 * when no one does, for the message that fails the program). */
void report_fatal(weft_co *co, int err, const char *detail) {
  char what[200];
  snprintf(what, sizeof what, "%s (%s)", detail ? detail : weft_strerror(err), weft_strerror(err));
  fprintf(stderr, "weft: coroutine #%d \"%s\" was stopped: %s\n", co->id, co_name(co), what);
  if (!co->fault) co->fault = strdup(what);
}

__attribute__((noinline)) const char *wait_describe(const weft_co *co, char *buf, size_t n) {
  if (co->wait) co->wait->describe(co, co->wait_obj, buf, n);
  else snprintf(buf, n, "nothing");
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

/* ---- the host's view: program.list() ------------------------------------ */

/* weft_list as text for the JS host, malloc'd (the host frees it; NULL when
 * no memory): one line per coroutine, ordered by id, of tab-separated
 * fields: id, name, state (0-3), save bytes, stack bytes, what it waits
 * for. Tabs and line ends inside a name or a wait become spaces. */
static void no_breaks(char *s) {
  for (; *s; s++)
    if (*s == '\t' || *s == '\n' || *s == '\r') *s = ' ';
}

EMSCRIPTEN_KEEPALIVE char *weft__list_text(void) {
  int n = weft_list(NULL, 0);
  weft_info *all = calloc((size_t)n + 1, sizeof *all);
  if (!all) return NULL;
  n = weft_list(all, n);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (f) {
    for (int i = 0; i < n; i++) {
      no_breaks(all[i].name);
      no_breaks(all[i].waits);
      fprintf(f, "%d\t%s\t%d\t%zu\t%zu\t%s\n", all[i].id, all[i].name, all[i].state, all[i].save_bytes,
              all[i].stack_bytes, all[i].waits);
    }
    fclose(f);
  }
  free(all);
  return text;
}
