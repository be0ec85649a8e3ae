/*
 * control.c — cancellation, deadline scopes, introspection and the event
 * hook, one scenario per argv[1] (argv[2]: the test server's base URL).
 * wasm-tests/control.test.mjs checks what each prints and counts the host
 * resources left afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weft.h"

static const char *base;
static char url_buf[256];
static const char *url(const char *path) {
  snprintf(url_buf, sizeof url_buf, "%s%s", base, path);
  return url_buf;
}

#define SHOW(label, expr) printf("%s = %s\n", label, weft_strerror(expr))

/* ---- cancellation ------------------------------------------------------ */

static int cleaned_up;
static void *long_sleeper(void *arg) {
  SHOW("sleep", weft_sleep(1e9)); /* ends by the cancel, however slow the machine */
  SHOW("sleep again", weft_sleep(1));
  SHOW("yield", weft_yield());
  SHOW("join", weft_join(1, NULL));
  cleaned_up = 1; /* its own code runs to the end */
  return (void *)7;
}

static void *joins_other(void *arg) {
  SHOW("join", weft_join((weft_id)(intptr_t)arg, NULL));
  return NULL;
}

static void *fetcher(void *arg) {
  weft_response r;
  SHOW("fetch", weft_fetch(arg, NULL, &r));
  return NULL;
}

static void *caller(void *arg) {
  SHOW("call", weft_call("never", ">"));
  return NULL;
}

static void *first_call(void *arg) {
  SHOW("first sleep", weft_sleep(1));
  return NULL;
}

static int cancel(void) {
  weft_stats st;
  weft_id a = weft_spawn(long_sleeper, NULL, &(weft_opts){.name = "sleeper"});
  weft_sleep(5);
  weft_get_stats(&st);
  printf("before: sleeping=%u host_timers=%u\n", st.sleeping, st.host_timers);
  SHOW("cancel", weft_cancel(a));
  void *r = NULL;
  SHOW("join cancelled", weft_join(a, &r));
  weft_get_stats(&st);
  printf("after: result=%d cleaned=%d sleeping=%u\n", (int)(intptr_t)r, cleaned_up, st.sleeping);

  /* A cancelled joiner lets go of its target. */
  weft_id b = weft_spawn(long_sleeper, NULL, &(weft_opts){.name = "b"});
  weft_id j = weft_spawn(joins_other, (void *)(intptr_t)b, NULL);
  weft_sleep(5);
  weft_cancel(j);
  weft_join(j, NULL);
  weft_cancel(b);
  SHOW("join b after its joiner was cancelled", weft_join(b, NULL));

  /* Host operations are released: the fetch aborted, the promise dropped. */
  weft_id f = weft_spawn(fetcher, (void *)url("/t/slow?ms=5000"), NULL);
  weft_id c = weft_spawn(caller, NULL, NULL);
  weft_yield(); /* both start their host operation and wait */
  weft_get_stats(&st);
  printf("in flight: host_ops=%u\n", st.host_ops);
  weft_cancel(f);
  weft_cancel(c);
  weft_join(f, NULL);
  weft_join(c, NULL);
  weft_get_stats(&st);
  printf("released: host_ops=%u\n", st.host_ops);

  /* Cancelled before it ever ran; cancelling yourself; bad ids. */
  weft_id d = weft_spawn(first_call, NULL, NULL);
  weft_cancel(d);
  weft_join(d, NULL);
  SHOW("cancel self", weft_cancel(weft_self()));
  SHOW("sleep after cancelling self", weft_sleep(1));
  SHOW("cancel unknown", weft_cancel(99999));
  return 0;
}

/* ---- deadline scopes -------------------------------------------------- */

static void *nap_long(void *arg) {
  weft_sleep(1e9); /* ends by a cancel */
  return NULL;
}

static int scopes(void) {
  weft_scope s, outer, inner;
  double t0 = weft_now();
  weft_scope_enter(&s, 40);
  int rc = weft_sleep(1e9);
  printf("sleep in 40 ms scope = %s after_ms>=40:%d cut_short:%d\n", weft_strerror(rc), weft_now() - t0 >= 40,
         weft_now() - t0 < 1e9);
  SHOW("sleep past the deadline", weft_sleep(0));
  printf("exit expired = %d\n", weft_scope_exit(&s));
  SHOW("sleep after the scope", weft_sleep(1));

  weft_scope_enter(&outer, 30);
  weft_scope_enter(&inner, 1e9);
  SHOW("nested sleep", weft_sleep(1e9));
  printf("inner exit = %d\n", weft_scope_exit(&inner));
  printf("outer exit = %d\n", weft_scope_exit(&outer));

  weft_scope_enter(&s, 1e9);
  SHOW("short sleep in a long scope", weft_sleep(5));
  printf("exit not expired = %d\n", weft_scope_exit(&s));

  weft_id n = weft_spawn(nap_long, NULL, NULL);
  weft_scope_enter(&s, 20);
  SHOW("join in scope", weft_join(n, NULL));
  weft_scope_exit(&s);
  weft_cancel(n);
  SHOW("join after the scope", weft_join(n, NULL));

  weft_response r;
  weft_scope_enter(&s, 30);
  SHOW("fetch in scope", weft_fetch(url("/t/slow?ms=5000"), NULL, &r));
  weft_scope_exit(&s);
  weft_scope_enter(&s, 30);
  SHOW("call in scope", weft_call("never", ">"));
  weft_scope_exit(&s);
  weft_stats st;
  weft_get_stats(&st);
  printf("after scopes: host_ops=%u sleeping=%u\n", st.host_ops, st.sleeping);
  SHOW("exit foreign scope", weft_scope_exit(&(weft_scope){0}));
  SHOW("negative scope", weft_scope_enter(&s, -1));
  return 0;
}

/* ---- introspection and events ----------------------------------------- */

static weft_id sleeper_id;
static void *join_sleeper(void *arg) {
  weft_join(sleeper_id, NULL);
  return NULL;
}

static int introspect(void) {
  sleeper_id = weft_spawn(nap_long, NULL, &(weft_opts){.name = "napper"});
  weft_id j = weft_spawn(join_sleeper, NULL, &(weft_opts){.name = "waiter"});
  weft_id c = weft_spawn(caller, NULL, &(weft_opts){.name = "promiser", .flags = WEFT_COMPACT});
  weft_yield();
  weft_id fresh = weft_spawn(nap_long, NULL, &(weft_opts){.name = "fresh"});
  weft_info all[8];
  int n = weft_list(all, 8);
  printf("count=%d\n", n);
  for (int i = 0; i < n && i < 8; i++)
    printf("#%d %s state=%d waits=[%.*s] save>0:%d stack>0:%d\n", all[i].id, all[i].name, all[i].state,
           all[i].state == WEFT_BLOCKED && strncmp(all[i].waits, "sleep", 5) == 0 ? 11 : 96, all[i].waits,
           all[i].save_bytes > 0, all[i].stack_bytes > 0);
  weft_dump();
  weft_id ids[] = {sleeper_id, j, c, fresh};
  for (int i = 0; i < 4; i++) weft_cancel(ids[i]);
  for (int i = 0; i < 4; i++) weft_join(ids[i], NULL);
  printf("after count=%d\n", weft_list(NULL, 0));
  return 0;
}

static char events[256];
static void record(int ev, weft_id id, int detail, void *ctx) {
  static const char *const names[] = {"spawn", "suspend", "resume", "exit"};
  if (id == 1) return; /* main */
  char e[24];
  snprintf(e, sizeof e, "%s:%d ", names[ev], detail);
  strncat(events, e, sizeof events - strlen(events) - 1);
}

static void *sleep_once(void *arg) {
  weft_sleep(1);
  return NULL;
}

static int hook(void) {
  weft_set_hook(record, NULL);
  weft_join(weft_spawn(sleep_once, NULL, NULL), NULL);
  weft_set_hook(NULL, NULL);
  printf("events: %s\n", events);
  return 0;
}

int main(int argc, char **argv) {
  const char *t = argc > 1 ? argv[1] : "";
  base = argc > 2 ? argv[2] : "";
  if (!strcmp(t, "cancel")) return cancel();
  if (!strcmp(t, "scopes")) return scopes();
  if (!strcmp(t, "introspect")) return introspect();
  if (!strcmp(t, "hook")) return hook();
  printf("unknown scenario '%s'\n", t);
  return 2;
}
