/*
 * inspect.c — the demo's view of its own coroutines, included by web/demo.c
 * (build.sh relinks the demo when a file in web/demo/ changes: link()).
 *
 *   - a table of what the demo knows about each live coroutine (its role, a
 *     live note, how often it was resumed, since when it is in its state),
 *     kept up to date by a weft_set_hook() hook;
 *   - a ring of recently finished coroutines and how each ended;
 *   - names for the channels and semaphores that appear in wait reasons;
 *   - weft_demo_snapshot(), which the page polls: weft_list() + weft_get_stats()
 *     + all of the above, as one JSON string.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

#define RECENT 128 /* finished coroutines remembered (the page polls often enough to see each) */

typedef struct {
  weft_id id;
  char role[16];     /* "crawler", "ticker", ... */
  char note[64];     /* what it is doing, written by the coroutine itself */
  char ended[16];    /* "done", "cancelled", "timed-out", "failed"; "" while running */
  char outcome[80];  /* how it ended, in words */
  uint32_t resumes;
  double since;      /* time of its last spawn, resume or suspend */
  int cancel_asked;
} co_meta;

static struct {
  co_meta *v;        /* ordered by id (ids only grow) */
  int n, cap;
  co_meta recent[RECENT]; /* ring of finished coroutines */
  double recent_at[RECENT];
  char recent_name[RECENT][24];
  unsigned nrecent;
  uint64_t events[4];/* per WEFT_EV_* */
  weft_id last_spawned;
  struct { const void *p; char name[40]; } objs[32];
} M;

static co_meta *meta_find(weft_id id) {
  int lo = 0, hi = M.n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (M.v[mid].id == id) return &M.v[mid];
    if (M.v[mid].id < id) lo = mid + 1; else hi = mid - 1;
  }
  return NULL;
}

static void meta_add(weft_id id) {
  if (M.n == M.cap) {
    int cap = M.cap ? M.cap * 2 : 256;
    co_meta *v = realloc(M.v, sizeof *v * (size_t)cap);
    if (!v) return;
    M.v = v;
    M.cap = cap;
  }
  int i = M.n;
  while (i > 0 && M.v[i - 1].id > id) i--; /* ids wrap only after 2^31 spawns */
  memmove(&M.v[i + 1], &M.v[i], sizeof *M.v * (size_t)(M.n - i));
  M.v[i] = (co_meta){.id = id, .since = weft_now()};
  M.n++;
}

static void set_role(weft_id id, const char *role, const char *fmt, ...) {
  co_meta *m = id > 0 ? meta_find(id) : NULL;
  if (!m) return;
  snprintf(m->role, sizeof m->role, "%s", role);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->note, sizeof m->note, fmt, ap);
  va_end(ap);
}

/* The coroutine ended: keep how, for the "recently finished" rows. */
static void meta_retire(weft_id id, int exit_err) {
  co_meta *m = meta_find(id);
  if (!m) return;
  if (!m->ended[0]) {
    snprintf(m->ended, sizeof m->ended, "%s", exit_err ? "failed" : m->cancel_asked ? "cancelled" : "done");
    snprintf(m->outcome, sizeof m->outcome, "%s", exit_err ? weft_strerror(exit_err) : "");
  }
  if (strcmp(m->role, "control") != 0) { /* the page's own calls are not worth a row */
    unsigned k = M.nrecent++ % RECENT;
    M.recent[k] = *m;
    M.recent_at[k] = weft_now();
    snprintf(M.recent_name[k], 24, "%s", weft_name(id) ? weft_name(id) : "?");
  }
  int i = (int)(m - M.v);
  memmove(&M.v[i], &M.v[i + 1], sizeof *M.v * (size_t)(M.n - i - 1));
  M.n--;
}

/* The hook runs in the scheduler, between coroutines: count, never suspend. */
static void on_event(int ev, weft_id id, int detail, void *ctx) {
  (void)ctx;
  M.events[ev]++;
  if (ev == WEFT_EV_SPAWN) {
    meta_add(id);
    M.last_spawned = id;
    const char *name = weft_name(id);
    if (name && strncmp(name, "weft_demo_", 10) == 0) set_role(id, "control", "a call from the page (program.call)");
    return;
  }
  if (ev == WEFT_EV_EXIT) {
    meta_retire(id, detail);
    return;
  }
  co_meta *m = meta_find(id);
  if (!m) return;
  m->since = weft_now();
  if (ev == WEFT_EV_RESUME) m->resumes++;
}

/* The running coroutine says what it is doing now. */
static void note(const char *fmt, ...) {
  co_meta *m = meta_find(weft_self());
  if (!m) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->note, sizeof m->note, fmt, ap);
  va_end(ap);
}

/* The running coroutine says how it ends: rc decides the class. */
static void outcome(int rc, const char *fmt, ...) {
  co_meta *m = meta_find(weft_self());
  if (!m) return;
  snprintf(m->ended, sizeof m->ended, "%s",
           rc == 0 ? "done" : rc == WEFT_ECANCELED ? "cancelled" : rc == WEFT_ETIMEDOUT ? "timed-out" : "failed");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->outcome, sizeof m->outcome, fmt, ap);
  va_end(ap);
}

static void name_object(const void *p, const char *name) {
  for (int i = 0; i < 32; i++)
    if (!M.objs[i].p || M.objs[i].p == p) {
      M.objs[i].p = name ? p : NULL;
      if (name) snprintf(M.objs[i].name, sizeof M.objs[i].name, "%s", name);
      return;
    }
}

/* ---- the snapshot -------------------------------------------------------- */

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void json_meta(FILE *f, const co_meta *m) {
  fputs(",\"role\":", f);
  json_str(f, m ? m->role : "");
  fputs(",\"note\":", f);
  json_str(f, m ? m->note : "");
}

#define SNAPSHOT_ROWS 300
static void snapshot_extra(FILE *f); /* the workload's own counters (demo.c) */

static const char *const state_names[] = {"ready", "running", "blocked", "done"};

WEFT_EXPORT(weft_demo_snapshot) {
  int total = weft_list(NULL, 0), n = total < SNAPSHOT_ROWS ? total : SNAPSHOT_ROWS;
  weft_info *all = calloc((size_t)n + 1, sizeof *all);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!all || !f) return weft_args_fail(a, WEFT_ENOMEM, "no memory for the snapshot");
  n = weft_list(all, n);
  n = n < SNAPSHOT_ROWS ? n : SNAPSHOT_ROWS;
  double now = weft_now();
  weft_stats st;
  weft_get_stats(&st);
  fprintf(f, "{\"now\":%.1f,\"self\":%d,\"total\":%d,\"stats\":{\"spawned\":%llu,\"switches\":%llu,"
             "\"unwinds\":%llu,\"rewinds\":%llu,\"saved_bytes\":%llu,\"live\":%u,\"ready\":%u,"
             "\"sleeping\":%u,\"host_timers\":%u,\"host_ops\":%u,\"held_bytes\":%zu},",
          now, weft_self(), total, (unsigned long long)st.spawned, (unsigned long long)st.switches,
          (unsigned long long)st.unwinds, (unsigned long long)st.rewinds, (unsigned long long)st.saved_bytes,
          st.live, st.ready, st.sleeping, st.host_timers, st.host_ops, st.held_bytes);
  fprintf(f, "\"events\":{\"spawn\":%llu,\"suspend\":%llu,\"resume\":%llu,\"exit\":%llu},\"rows\":[",
          (unsigned long long)M.events[0], (unsigned long long)M.events[1], (unsigned long long)M.events[2],
          (unsigned long long)M.events[3]);
  for (int i = 0; i < n; i++) {
    const weft_info *in = &all[i];
    const co_meta *m = meta_find(in->id);
    fprintf(f, "%s{\"id\":%d,\"name\":", i ? "," : "", in->id);
    json_str(f, in->name);
    fprintf(f, ",\"state\":\"%s\",\"waits\":", state_names[in->state & 3]);
    json_str(f, in->waits);
    json_meta(f, m);
    fprintf(f, ",\"save\":%zu,\"stack\":%zu,\"resumes\":%u,\"for\":%.0f}", in->save_bytes, in->stack_bytes,
            m ? m->resumes : 0, m ? now - m->since : 0.0);
  }
  fputs("],\"finished\":[", f);
  unsigned count = M.nrecent < RECENT ? M.nrecent : RECENT;
  for (unsigned i = 0; i < count; i++) {
    unsigned k = (M.nrecent - 1 - i) % RECENT;
    const co_meta *m = &M.recent[k];
    if (now - M.recent_at[k] > 10000) break; /* newest first: the rest is older */
    fprintf(f, "%s{\"id\":%d,\"name\":", i ? "," : "", m->id);
    json_str(f, M.recent_name[k]);
    fprintf(f, ",\"state\":\"%s\",\"waits\":", m->ended);
    json_str(f, m->outcome);
    json_meta(f, m);
    fprintf(f, ",\"ago\":%.0f}", now - M.recent_at[k]);
  }
  fputs("],\"objects\":{", f);
  int first = 1;
  for (int i = 0; i < 32; i++) {
    if (!M.objs[i].p) continue;
    fprintf(f, "%s\"%p\":", first ? "" : ",", M.objs[i].p);
    json_str(f, M.objs[i].name);
    first = 0;
  }
  fputs("},", f);
  snapshot_extra(f);
  fputc('}', f);
  fclose(f);
  weft_return_string(a, text);
  free(text);
  free(all);
  return 0;
}
