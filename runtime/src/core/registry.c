/*
 * registry.c — coroutine ids to control blocks: an open-addressing hash
 * table with linear probing and backward-shift deletion. Only join, detach
 * and introspection look ids up; the switch path never does.
 */
#include <stdlib.h>
#include "kernel.h"

static weft_co **tab;
static uint32_t cap, used; /* cap is a power of two, used <= cap / 2 */

static uint32_t home(weft_id id) { return ((uint32_t)id * 2654435761u) & (cap - 1); }

static void insert(weft_co *co) {
  uint32_t i = home(co->id);
  while (tab[i]) i = (i + 1) & (cap - 1);
  tab[i] = co;
}

static int grow(void) {
  uint32_t ocap = cap;
  weft_co **old = tab;
  uint32_t ncap = cap ? cap * 2 : 256;
  weft_co **n = calloc(ncap, sizeof *n);
  if (!n) return WEFT_ENOMEM;
  tab = n;
  cap = ncap;
  for (uint32_t i = 0; i < ocap; i++)
    if (old[i]) insert(old[i]);
  free(old);
  return 0;
}

int registry_put(weft_co *co) {
  if ((used + 1) * 2 > cap && grow()) return WEFT_ENOMEM;
  insert(co);
  used++;
  return 0;
}

weft_co *registry_get(weft_id id) {
  if (!cap) return NULL;
  for (uint32_t i = home(id);; i = (i + 1) & (cap - 1)) {
    if (!tab[i]) return NULL;
    if (tab[i]->id == id) return tab[i];
  }
}

void registry_del(weft_id id) {
  uint32_t i = home(id);
  while (tab[i]->id != id) i = (i + 1) & (cap - 1);
  tab[i] = NULL;
  used--;
  /* Move later members of the probe run back so lookups never stop early. */
  for (uint32_t j = (i + 1) & (cap - 1); tab[j]; j = (j + 1) & (cap - 1)) {
    uint32_t h = home(tab[j]->id);
    if (((j - h) & (cap - 1)) >= ((j - i) & (cap - 1))) {
      tab[i] = tab[j];
      tab[j] = NULL;
      i = j;
    }
  }
}

uint32_t registry_count(void) { return used; }

void registry_each(void (*fn)(weft_co *, void *), void *ctx) {
  for (uint32_t i = 0; i < cap; i++)
    if (tab[i]) fn(tab[i], ctx);
}
