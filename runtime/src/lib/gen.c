/*
 * gen.c — generators: a producer coroutine hands values to its consumer
 * over a rendezvous channel, one at a time. The producer's whole call
 * chain stays frozen between values, however deep the weft_gen_yield.
 */
#include <stdlib.h>
#include "lib.h"

struct weft_gen {
  weft_chan *ch;
  weft_id producer;
  int done;     /* the producer has finished */
  int orphaned; /* the consumer let go first: the producer frees it */
};

/* However the producer ends (returning, cancelled, or stopped by a fault),
 * the consumer's next weft_gen_next gives WEFT_ECLOSED. */
static void producer_exited(void *ctx, weft_id id, int err, void *result) {
  weft_gen *g = ctx;
  g->done = 1;
  weft_chan_close(g->ch);
  if (g->orphaned) {
    weft_chan_free(g->ch);
    free(g);
  }
}

weft_gen *weft_gen_new(weft_fn fn, void *arg, size_t elem_size) {
  if (!fn) return NULL;
  weft_gen *g = calloc(1, sizeof *g);
  if (!g || !(g->ch = weft_chan_new(elem_size, 0))) {
    free(g);
    return NULL;
  }
  int err;
  /* weft_gen_yield finds g as the producer's owner context. */
  weft_co *co = sched_spawn(fn, arg, &(weft_opts){.name = "generator", .flags = WEFT_DETACHED}, producer_exited, g, 0,
                            &err);
  if (!co) {
    weft_chan_free(g->ch);
    free(g);
    return NULL;
  }
  g->producer = co_id(co);
  return g;
}

int weft_gen_next(weft_gen *g, void *out) {
  if (!g) return WEFT_EINVAL;
  /* The producer would wait for a value only it can yield. */
  if (sched_owner(producer_exited) == g) return WEFT_EDEADLK;
  return weft_chan_recv(g->ch, out);
}

int weft_gen_yield(const void *value) {
  weft_gen *g = sched_owner(producer_exited);
  if (!g) return sched_current() ? WEFT_EINVAL : WEFT_ENOTCO;
  int rc = weft_chan_send(g->ch, value);
  return rc == WEFT_EPIPE ? WEFT_ECANCELED : rc;
}

/* Let go of the generator: a producer still running is cancelled (its
 * yields fail and it unwinds through its own code) and frees it on exit.
 * A consumer already handed a value does not read the generator again. */
int weft_gen_free(weft_gen *g) {
  if (!g || g->orphaned) return WEFT_EINVAL; /* orphaned: freed once already */
  if (g->done) {
    weft_chan_free(g->ch);
    free(g);
    return 0;
  }
  g->orphaned = 1;
  weft_cancel(g->producer);
  return 0;
}
