/*
 * demo.c — the program the demo page (web/index.html) runs and watches:
 * many coroutines at once, each blocking in plain C while the page stays live.
 *
 *   crawler    a crawl of the synthetic site web/site.mjs serves under
 *              /demo/site/: one coroutine per page, at most CRAWL_POOL
 *              fetches at a time (a semaphore); repeats every few seconds
 *   timers     tickers and sleepers (weft_sleep)
 *   pipeline   producer -> 2 squarers -> consumer, over two channels
 *   generator  the seed's question: bar takes 5 and 6 out of foo, called
 *              through intermediary (examples/seed.c), again and again
 *
 * The page drives it through WEFT_EXPORT functions (program.call): spawn
 * more, cancel one, run a job under a deadline, stop, and the snapshot it
 * polls (web/demo/inspect.c). main keeps a service loop alive until stopped.
 */
#include "demo/inspect.c"

#define CRAWL_POOL 4
#define SITE_PAGES 40               /* web/site.mjs: PAGES */
enum { PAGE_SLOW = SITE_PAGES, PAGE_MISSING, PAGE_KINDS };

static struct {
  int stop;
  long ticks, produced, squared, consumed, gens, got[2];
  long long sum;
  long rounds, pages_ok, pages_404, pages_timed_out, pages_cancelled, fetching;
} G;

static weft_chan *numbers, *squares;
static const char *site = "/demo/site/"; /* argv[1] + "/demo/site/" when given (Node) */
static uint32_t seed = 2463534242u;
static uint32_t rnd(uint32_t n) { /* xorshift: sleep lengths, work times */
  seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
  return seed % n;
}

static weft_id spawn(weft_fn fn, void *arg, const char *name, unsigned flags) {
  return weft_spawn(fn, arg, &(weft_opts){.name = name, .flags = WEFT_DETACHED | flags});
}

/* ---- the crawler ----------------------------------------------------------- */

typedef struct {
  int refs;                /* the coordinator and every page coroutine */
  weft_sem *pool;          /* CRAWL_POOL fetches at a time */
  weft_waitgroup *pending; /* page coroutines not finished */
  double deadline_at;      /* INFINITY: none */
  uint64_t seen;           /* one bit per page */
  int ok, timed_out;
} crawl;

typedef struct { crawl *c; int page; } page_job;

static void crawl_unref(crawl *c) {
  if (--c->refs) return;
  name_object(c->pool, NULL);
  weft_sem_free(c->pool);
  weft_waitgroup_free(c->pending);
  free(c);
}

static void page_name(char *buf, size_t n, int page) {
  if (page == PAGE_SLOW) snprintf(buf, n, "slow.html");
  else if (page == PAGE_MISSING) snprintf(buf, n, "missing.html");
  else snprintf(buf, n, "%d.html", page);
}

static void *crawl_page(void *arg);

static void crawl_visit(crawl *c, int page) {
  if (c->seen & (1ull << page)) return;
  c->seen |= 1ull << page;
  page_job *job = malloc(sizeof *job);
  if (!job) return;
  *job = (page_job){c, page};
  char file[16], name[24];
  page_name(file, sizeof file, page);
  snprintf(name, sizeof name, "page %s", file);
  weft_id id = spawn(crawl_page, job, name, 0);
  if (id < 0) {
    free(job);
    return;
  }
  c->refs++;
  weft_waitgroup_add(c->pending, 1);
  set_role(id, "crawler", "queued for a pool slot");
}

/* Follow every href="/demo/site/NAME" in the body. */
static int crawl_links(crawl *c, const char *body, size_t len) {
  static const char pre[] = "href=\"/demo/site/";
  int found = 0;
  for (size_t i = 0; i + sizeof pre < len; i++) {
    if (memcmp(body + i, pre, sizeof pre - 1)) continue;
    const char *p = body + i + sizeof pre - 1;
    int page = -1;
    if (!strncmp(p, "slow.html", 9)) page = PAGE_SLOW;
    else if (!strncmp(p, "missing.html", 12)) page = PAGE_MISSING;
    else if (*p >= '0' && *p <= '9') page = atoi(p);
    if (page >= 0 && page < PAGE_KINDS) {
      found += !(c->seen & (1ull << page));
      crawl_visit(c, page);
    }
  }
  return found;
}

static int crawl_fetch(crawl *c, int page) {
  char file[16], url[160];
  page_name(file, sizeof file, page);
  snprintf(url, sizeof url, "%s%s", site, file);
  note("fetching %s", file);
  weft_response r;
  int rc = weft_fetch(url, NULL, &r);
  if (rc) return rc;
  int status = weft_response_status(r);
  void *body;
  size_t len;
  note("reading the body of %s (HTTP %d)", file, status);
  rc = weft_response_body(r, &body, &len);
  weft_response_free(r);
  if (rc) return rc;
  int found = crawl_links(c, body, len);
  free(body);
  if (status == 200) c->ok++, G.pages_ok++;
  else G.pages_404++;
  outcome(0, "HTTP %d, %zu bytes, %d new links", status, len, found);
  return 0;
}

static void *crawl_page(void *arg) {
  page_job job = *(page_job *)arg;
  free(arg);
  crawl *c = job.c;
  weft_scope scope;
  int scoped = c->deadline_at < INFINITY;
  if (scoped) weft_scope_enter(&scope, fmax(0, c->deadline_at - weft_now()));
  int rc = weft_sem_acquire(c->pool);
  if (rc == 0) {
    G.fetching++;
    rc = crawl_fetch(c, job.page);
    G.fetching--;
    weft_sem_release(c->pool);
  }
  if (scoped) weft_scope_exit(&scope);
  if (rc == WEFT_ETIMEDOUT) c->timed_out++, G.pages_timed_out++;
  if (rc == WEFT_ECANCELED) G.pages_cancelled++;
  if (rc) outcome(rc, "%s", weft_strerror(rc));
  weft_waitgroup_done(c->pending);
  crawl_unref(c);
  return NULL;
}

/* One crawl from page 0; arg: a deadline in ms, or NULL to crawl forever. */
static void *crawler(void *arg) {
  double deadline = arg ? *(double *)arg : INFINITY;
  free(arg);
  for (;;) {
    crawl *c = calloc(1, sizeof *c);
    if (!c || !(c->pool = weft_sem_new(CRAWL_POOL)) || !(c->pending = weft_waitgroup_new())) return NULL;
    c->refs = 1;
    c->deadline_at = weft_now() + deadline;
    char what[40];
    snprintf(what, sizeof what, "crawl #%ld: pool of %d fetches", ++G.rounds, CRAWL_POOL);
    name_object(c->pool, what);
    name_object(c->pending, "the crawl's pages");
    double t0 = weft_now();
    crawl_visit(c, 0);
    note("crawl #%ld%s", G.rounds, deadline < INFINITY ? " under a deadline" : "");
    int rc = weft_waitgroup_wait(c->pending);
    int ok = c->ok, late = c->timed_out;
    name_object(c->pending, NULL);
    crawl_unref(c);
    if (rc) return outcome(rc, "%s", weft_strerror(rc)), NULL;
    if (deadline < INFINITY)
      return outcome(late ? WEFT_ETIMEDOUT : 0, "%d pages, %d cut by the %.0f ms deadline", ok, late, deadline), NULL;
    note("last crawl: %d pages in %.0f ms; next soon", ok, weft_now() - t0);
    if ((rc = weft_sleep(1500))) return outcome(rc, "%s", weft_strerror(rc)), NULL;
  }
}

/* ---- timers -------------------------------------------------------------------- */

static void *ticker(void *arg) {
  double period = (double)(intptr_t)arg;
  for (long n = 1;; n++) {
    note("every %.0f ms: tick %ld", period, n - 1);
    int rc = weft_sleep(period);
    if (rc) return outcome(rc, "stopped after %ld tick%s", n - 1, n == 2 ? "" : "s"), NULL;
    G.ticks++;
  }
}

/* Naps of random length; arg: how many (0: forever). */
static void *sleeper(void *arg) {
  int naps = (int)(intptr_t)arg;
  for (int i = 1; !naps || i <= naps; i++) {
    double ms = 300 + rnd(3700);
    if (naps) note("nap %d of %d: %.0f ms", i, naps, ms);
    else note("nap %d: %.0f ms", i, ms);
    int rc = weft_sleep(ms);
    if (rc) return outcome(rc, "woken in nap %d: %s", i, weft_strerror(rc)), NULL;
  }
  outcome(0, "%d naps taken", naps);
  return NULL;
}

/* ---- the pipeline ---------------------------------------------------------------- */

static void *producer(void *arg) {
  for (int n = 1;; n++) {
    int rc = weft_sleep(150);
    if (!rc) rc = weft_chan_send(numbers, &n);
    if (rc) return outcome(rc, "stopped after %d numbers", n - 1), NULL;
    G.produced++;
    note("sent %d", n);
  }
}

static void *squarer(void *arg) {
  int n, rc;
  while ((rc = weft_chan_recv(numbers, &n)) == 0) {
    note("squaring %d", n);
    long long sq = (long long)n * n;
    if ((rc = weft_sleep(200 + rnd(500))) || (rc = weft_chan_send(squares, &sq))) break; /* the "work" */
    G.squared++;
    note("sent %d^2 = %lld", n, sq);
  }
  outcome(rc, "%s", weft_strerror(rc));
  return NULL;
}

static void *consumer(void *arg) {
  long long v;
  int rc;
  while ((rc = weft_chan_recv(squares, &v)) == 0) {
    G.consumed++;
    G.sum += v;
    note("%ld squares, sum %lld", G.consumed, G.sum);
  }
  outcome(rc, "%s", weft_strerror(rc));
  return NULL;
}

/* ---- the seed's generator (examples/seed.c) --------------------------------------- */

static void *foo(void *arg) {
  int x = *(int *)arg;
  weft_gen_yield(&x); /* the chain of waits ends here: foo <- intermediary <- generator */
  int next = x + 1;
  weft_gen_yield(&next);
  return NULL;
}

static void *intermediary(void *y) { return foo(y); }

static void *bar(void *arg) {
  for (;;) {
    int five = 5, value, rc;
    weft_gen *c = weft_gen_new(intermediary, &five, sizeof(int));
    if (!c) return NULL;
    set_role(M.last_spawned, "generator", "foo(5), called by intermediary");
    G.gens++;
    while ((rc = weft_gen_next(c, &value)) == 0) {
      printf("bar: got %d from the coroutine\n", value);
      G.got[value == 6] = value;
      note("got %d; pausing", value);
      if ((rc = weft_sleep(900))) break;
    }
    weft_gen_free(c);
    if (rc == WEFT_ECLOSED) {
      note("the generator is done; a new one soon");
      rc = weft_sleep(1200);
    }
    if (rc) return outcome(rc, "%s", weft_strerror(rc)), NULL;
  }
}

/* ---- a job under a deadline ------------------------------------------------------- */

static void *deadline_job(void *arg) {
  double ms = *(double *)arg, t0 = weft_now();
  free(arg);
  weft_scope scope;
  weft_scope_enter(&scope, ms);
  char url[160];
  snprintf(url, sizeof url, "%sslow.html", site);
  weft_response r;
  int rc = weft_fetch(url, NULL, &r), status = 0;
  if (rc == 0) {
    void *body;
    size_t len;
    status = weft_response_status(r);
    if ((rc = weft_response_body(r, &body, &len)) == 0) free(body);
    weft_response_free(r);
  }
  int expired = weft_scope_exit(&scope);
  if (rc == 0) outcome(0, "HTTP %d in %.0f ms, within %.0f ms", status, weft_now() - t0, ms);
  else outcome(rc, "%s after %.0f ms (deadline %.0f ms)", expired == 1 ? "deadline expired" : weft_strerror(rc),
               weft_now() - t0, ms);
  return NULL;
}

/* ---- what the page calls ---------------------------------------------------------- */

static void snapshot_extra(FILE *f) {
  fprintf(f, "\"crawl\":{\"rounds\":%ld,\"ok\":%ld,\"missing\":%ld,\"timed_out\":%ld,\"cancelled\":%ld,"
             "\"fetching\":%ld,\"pool\":%d},",
          G.rounds, G.pages_ok, G.pages_404, G.pages_timed_out, G.pages_cancelled, G.fetching, CRAWL_POOL);
  fprintf(f, "\"pipeline\":{\"produced\":%ld,\"squared\":%ld,\"consumed\":%ld,\"sum\":%lld},", G.produced,
          G.squared, G.consumed, G.sum);
  fprintf(f, "\"generator\":{\"rounds\":%ld,\"got\":[%ld,%ld]},\"ticks\":%ld", G.gens, G.got[0], G.got[1], G.ticks);
}

static weft_id spawn_kind(const char *kind, int i) {
  char name[24];
  weft_id id = WEFT_EINVAL;
  if (!strcmp(kind, "sleepers")) {
    int naps = 3 + (int)rnd(4);
    snprintf(name, sizeof name, "sleeper +%d", i);
    if ((id = spawn(sleeper, (void *)(intptr_t)naps, name, 0)) > 0) set_role(id, "timer", "");
  } else if (!strcmp(kind, "compact")) {
    snprintf(name, sizeof name, "compact sleeper +%d", i);
    if ((id = spawn(sleeper, (void *)(intptr_t)3, name, WEFT_COMPACT)) > 0) set_role(id, "timer", "");
  } else if (!strcmp(kind, "ticker")) {
    if ((id = spawn(ticker, (void *)(intptr_t)500, "ticker 500 ms", 0)) > 0) set_role(id, "timer", "");
  } else if (!strcmp(kind, "squarer")) {
    if ((id = spawn(squarer, NULL, "squarer", 0)) > 0) set_role(id, "pipeline", "");
  } else if (!strcmp(kind, "generator")) {
    if ((id = spawn(bar, NULL, "bar", 0)) > 0) set_role(id, "generator", "");
  }
  return id;
}

/* program.call("weft_demo_spawn", kind, count): spawn more; returns the first id. */
WEFT_EXPORT(weft_demo_spawn) {
  const char *kind = weft_args_string(a, 0);
  int count = weft_args_int(a, 1), first = 0;
  if (!kind || count < 1 || count > 1000) return weft_args_fail(a, WEFT_EINVAL, "spawn: kind, count (1..1000)");
  for (int i = 0; i < count; i++) {
    weft_id id = spawn_kind(kind, i + 1);
    if (id < 0) return weft_args_fail(a, id, "spawn: unknown kind, or no memory");
    if (!first) first = id;
  }
  weft_return_int(a, first);
  return 0;
}

/* program.call("weft_demo_cancel", id) */
WEFT_EXPORT(weft_demo_cancel) {
  weft_id id = weft_args_int(a, 0);
  if (id == 1 || id == weft_self()) return weft_args_fail(a, WEFT_EINVAL, "main and the page's calls stay");
  co_meta *m = meta_find(id);
  if (m) m->cancel_asked = 1;
  int rc = weft_cancel(id);
  return rc ? weft_args_fail(a, rc, weft_strerror(rc)) : 0;
}

/* program.call("weft_demo_deadline", "fetch" | "crawl", ms): returns the job's id. */
WEFT_EXPORT(weft_demo_deadline) {
  const char *kind = weft_args_string(a, 0);
  double ms = weft_args_double(a, 1);
  double *arg = malloc(sizeof *arg);
  if (!kind || !(ms >= 0) || !arg) return free(arg), weft_args_fail(a, WEFT_EINVAL, "deadline: kind, ms");
  *arg = ms;
  int crawl = !strcmp(kind, "crawl");
  if (!crawl && strcmp(kind, "fetch")) return free(arg), weft_args_fail(a, WEFT_EINVAL, "deadline: kind is fetch or crawl");
  char name[24];
  snprintf(name, sizeof name, "%s %.0f ms", crawl ? "crawl in" : "slow fetch in", ms);
  weft_id id = spawn(crawl ? crawler : deadline_job, arg, name, 0);
  if (id < 0) return free(arg), weft_args_fail(a, id, weft_strerror(id));
  set_role(id, crawl ? "crawler" : "deadline", "deadline %.0f ms", ms);
  weft_return_int(a, id);
  return 0;
}

/* program.call("weft_demo_stop"): main cancels everyone and returns. */
WEFT_EXPORT(weft_demo_stop) {
  G.stop = 1;
  return 0;
}

/* ---- main: start everything, then keep a service loop until stopped ---------------- */

static void cancel_others(void) {
  int n = weft_list(NULL, 0);
  weft_info *all = calloc((size_t)n + 1, sizeof *all);
  if (!all) return;
  n = weft_list(all, n);
  for (int i = 0; i < n; i++)
    if (all[i].id != weft_self() && all[i].state != WEFT_DONE) weft_cancel(all[i].id);
  free(all);
}

int main(int argc, char **argv) {
  static char base[128];
  if (argc > 1) snprintf(base, sizeof base, "%s/demo/site/", argv[1]), site = base;
  weft_set_hook(on_event, NULL);
  meta_add(weft_self()); /* spawned before the hook was set */
  set_role(weft_self(), "main", "starting");
  numbers = weft_chan_new(sizeof(int), 4);
  squares = weft_chan_new(sizeof(long long), 0);
  name_object(numbers, "numbers (4 slots)");
  name_object(squares, "squares (rendezvous)");
  set_role(spawn(crawler, NULL, "crawler", 0), "crawler", "");
  set_role(spawn(ticker, (void *)(intptr_t)250, "ticker 250 ms", 0), "timer", "");
  set_role(spawn(ticker, (void *)(intptr_t)1000, "ticker 1 s", 0), "timer", "");
  for (int i = 1; i <= 6; i++) {
    char name[24];
    snprintf(name, sizeof name, "sleeper %d", i);
    set_role(spawn(sleeper, NULL, name, 0), "timer", "");
  }
  set_role(spawn(producer, NULL, "producer", 0), "pipeline", "");
  set_role(spawn(squarer, NULL, "squarer", 0), "pipeline", "");
  set_role(spawn(squarer, NULL, "squarer", 0), "pipeline", "");
  set_role(spawn(consumer, NULL, "consumer", 0), "pipeline", "");
  set_role(spawn(bar, NULL, "bar", 0), "generator", "");
  puts("weft demo: running; the page polls weft_demo_snapshot");
  while (!G.stop) {
    weft_stats st;
    weft_get_stats(&st);
    note("service loop: %u coroutines live", st.live);
    weft_sleep(200);
  }
  note("stopping: cancelling everyone");
  for (weft_stats st; weft_get_stats(&st), st.live > 1;) {
    cancel_others();
    weft_sleep(20);
  }
  weft_chan_free(numbers);
  weft_chan_free(squares);
  puts("weft demo: stopped");
  return 0;
}
