/*
 * gen.c — generators: a producer coroutine hands values to its consumer
 * over a rendezvous channel, one at a time. The producer's whole call
 * chain stays frozen between values, however deep the weft_gen_yield.
 */
#include <stdlib.h>
#include "lib.h"

struct weft_gen {
  weft_chan *ch;
  weft_id producer; /* joinable: its failure is the consumer's to take */
  int done;     /* the producer has finished */
  int joined;   /* ...and the consumer took how it ended (weft_join) */
  int orphaned; /* the consumer let go first: the producer frees it */
  int reading;  /* consumers inside weft_gen_next: the last one out frees an orphan */
};

static void gen_release(weft_gen *g) {
  weft_chan_free(g->ch);
  free(g);
}

/* However the producer ends, its values run out: weft_gen_next gives
 * WEFT_ECLOSED once they are taken. The producer is joinable, so a fault
 * that stopped it is no one's until the consumer's weft_gen_next joins it
 * at the end (and returns it, once); a generator let go of before that
 * detaches it, and the fault then fails the program, as an unjoined one
 * does. */
static bool producer_exited(void *ctx, weft_id id, int err, void *result) {
  weft_gen *g = ctx;
  g->done = 1;
  weft_chan_close(g->ch);
  if (g->orphaned && !g->reading) gen_release(g);
  return false;
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
  weft_co *co = sched_spawn(fn, arg, &(weft_opts){.name = "generator"}, producer_exited, g, 0,
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
  g->reading++;
  int rc = weft_chan_recv(g->ch, out);
  g->reading--;
  if (g->orphaned) { /* let go of while this call waited */
    if (g->done && !g->reading) gen_release(g);
    return rc;
  }
  /* The end: how did the producer end? (Not by a consumer that may not
   * wait now, cancelled or past its deadline: weft_join would refuse.) */
  if (rc == WEFT_ECLOSED && g->done && !g->joined && sched_check() == 0) {
    g->joined = 1;
    int err = weft_join(g->producer, NULL);
    if (err && err != WEFT_ECANCELED)
      return report_error(err, "the generator's producer #%d was stopped: %s", g->producer, weft_strerror(err));
  }
  return rc;
}

int weft_gen_yield(const void *value) {
  weft_gen *g = sched_owner(producer_exited);
  if (!g) return sched_current() ? WEFT_EINVAL : WEFT_ENOTCO;
  int rc = weft_chan_send(g->ch, value);
  return rc == WEFT_EPIPE ? WEFT_ECANCELED : rc;
}

/* Let go of the generator: a producer still running is cancelled (its
 * yields fail and it unwinds through its own code); a producer's fault that
 * weft_gen_next did not return fails the program. The generator is freed
 * when the producer has exited and no consumer is still inside
 * weft_gen_next (a consumer blocked there when this is called wakes with
 * WEFT_ECLOSED, and the last one out frees it). */
int weft_gen_free(weft_gen *g) {
  if (!g || g->orphaned) return WEFT_EINVAL; /* orphaned: freed once already */
  if (!g->done) weft_cancel(g->producer);
  if (!g->joined) weft_detach(g->producer); /* a fault no one took fails the program */
  if (g->done && !g->reading) {
    gen_release(g);
    return 0;
  }
  g->orphaned = 1;
  return 0;
}
