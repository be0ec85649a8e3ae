/*
 * stack.h — what both stack-switching backends (switch.c for Asyncify,
 * switch_jspi.c for JSPI) need of a coroutine's C stack: the stack
 * pointer itself, the guard zone at its low end and its canary,
 * AddressSanitizer's view of memory they copy or hand out again, and the
 * pool of default-size stacks with the save area's release. Private
 * to the kernel; only the two backends include it.
 */
#ifndef WEFT_STACK_H
#define WEFT_STACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "kernel.h"

/* Under AddressSanitizer, frames that never ran their epilogues (unwound
 * by Asyncify, or a dropped JSPI stack) keep their redzones poisoned: the
 * runtime unpoisons the stack memory it copies or hands to a coroutine. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#endif
#endif
#ifndef UNPOISON
#define UNPOISON(p, n) ((void)0)
#endif

/* The C stack pointer, read and written directly: the library functions
 * stackSave/stackRestore are JS stand-ins in later Emscripten versions, and
 * in some of them stackRestore is bound to stackSave. */
__asm__(".globaltype __stack_pointer, i32\n");
static inline void *sp_get(void) {
  void *sp;
  __asm__ volatile("global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
  return sp;
}
static inline void sp_set(void *sp) {
  __asm__ volatile("local.get %0\n\tglobal.set __stack_pointer" : : "r"(sp));
}

#define SHARED_STACK  (256 * 1024) /* run stack of compact coroutines */
#define GUARD_BYTES   512          /* headroom at the low end of a stack: reaching it is an overflow */
#define CANARY_BYTES  64           /* checked words at the top of the guard zone */
#define GUARD_WORD    0x5745465447554152ull
#define POOL_MAX      256          /* default-size stacks kept for reuse */
#define ALIGN16(x)    ((x) & ~(uintptr_t)15)

static inline void guard_set(char *lo) {
  uint64_t *g = (uint64_t *)(lo + GUARD_BYTES - CANARY_BYTES);
  for (int i = 0; i < CANARY_BYTES / 8; i++) g[i] = GUARD_WORD;
}

/* At resume: only stray writes while suspended can have touched it. */
static inline bool guard_top_ok(const char *lo) {
  const uint64_t *g = (const uint64_t *)(lo + GUARD_BYTES) - 2;
  return ((g[0] ^ GUARD_WORD) | (g[1] ^ GUARD_WORD)) == 0;
}

static inline bool guard_ok(const char *lo) {
  const uint64_t *g = (const uint64_t *)(lo + GUARD_BYTES - CANARY_BYTES);
  uint64_t bad = 0;
  for (int i = 0; i < CANARY_BYTES / 8; i++) bad |= g[i] ^ GUARD_WORD;
  return bad == 0;
}

/* Default-size stacks kept for reuse: malloc of 16 KiB and its first-touch
 * cost dominate a spawn otherwise. */
typedef struct { void *free[POOL_MAX]; int n; } stack_pool;

/* A stack of `size` bytes for co (not compact), its guard set: 0 or
 * WEFT_ENOMEM. */
static inline int stack_take(stack_pool *pool, weft_co *co, size_t size) {
  if (size == WEFT_DEFAULT_STACK && pool->n) {
    co->stack_lo = pool->free[--pool->n];
    UNPOISON(co->stack_lo, size);
  } else if (!(co->stack_lo = malloc(size))) {
    return WEFT_ENOMEM;
  }
  co->stack_size = (uint32_t)size;
  guard_set(co->stack_lo);
  return 0;
}

/* co's stack back to the pool (or freed), and its save area freed. */
static inline void stack_give(stack_pool *pool, weft_co *co) {
  if (co->stack_lo) {
    if (co->stack_size == WEFT_DEFAULT_STACK && pool->n < POOL_MAX) pool->free[pool->n++] = co->stack_lo;
    else free(co->stack_lo);
    co->stack_lo = NULL;
  }
  free(co->save);
  co->save = NULL;
  co->save_cap = co->save_used = co->stack_copy = 0;
}

#endif
