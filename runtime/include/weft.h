/*
 * weft.h — the public C API of weft: stackful coroutines for C programs
 * compiled to WebAssembly with Emscripten, joined to the host's event loop.
 *
 * A weft program is an ordinary C program: `main` already runs as a
 * coroutine, so it may sleep, yield and join. Every function below that
 * "suspends" pauses only the calling coroutine: its wasm stack is unwound
 * by Asyncify into the coroutine's own save area, other coroutines run, and
 * when nothing is runnable control returns to the JS event loop. When the
 * awaited thing is ready the stack is rewound and the call returns.
 *
 * Conventions
 *   - Functions returning `int` return 0 (WEFT_OK) or a negative WEFT_E*
 *     error code; weft_strerror() names it.
 *   - Suspending calls made outside any coroutine (e.g. from a function JS
 *     calls directly) return WEFT_ENOTCO and do nothing.
 *   - Coroutine ids are positive ints, never reused while the coroutine
 *     can still be joined.
 */
#ifndef WEFT_H
#define WEFT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

enum {
  WEFT_OK        =   0,
  WEFT_EINVAL    =  -1, /* invalid argument */
  WEFT_ENOMEM    =  -2, /* out of memory */
  WEFT_ENOTCO    =  -3, /* suspending call made outside any coroutine */
  WEFT_ESRCH     =  -4, /* no coroutine with that id was ever spawned */
  WEFT_EJOINED   =  -5, /* coroutine already joined or detached */
  WEFT_EBUSY     =  -6, /* another coroutine is already joining it */
  WEFT_EDEADLK   =  -7, /* the wait could never end (joining yourself; deadlock) */
  WEFT_ESAVEAREA =  -8, /* the coroutine's stack did not fit its save area: it was stopped */
  WEFT_ESTACK    =  -9, /* the coroutine overflowed its C stack: it was stopped */
  WEFT_EHOST     = -10, /* a JS exception or wasm trap ended the coroutine */
  WEFT_ECANCELED = -11, /* the coroutine was cancelled */
  WEFT_ETIMEDOUT = -12  /* a deadline expired */
};

/* A static string describing an error code ("unknown error" if none). */
const char *weft_strerror(int err);

/* ---- coroutines -------------------------------------------------------- */

typedef int weft_id;
typedef void *(*weft_fn)(void *arg);

/* Spawn flags. */
#define WEFT_DETACHED 0x1u /* never joined: resources are freed at exit */
#define WEFT_COMPACT  0x2u /* run on the shared run stack; when suspended,
                              only the used part of the C stack is kept
                              (copied out and back). Pointers into a compact
                              coroutine's stack must not be used by others
                              while it is suspended. ~0.3–1 KiB per sleeper. */

/* Default C stack of a (non-compact) coroutine, in bytes: room for a
 * PATH_MAX buffer plus printf (~1.5 KiB in wasm), while a sleeping coroutine
 * with its control block and save area stays under 8 KiB. */
#define WEFT_DEFAULT_STACK (7 * 1024)
/* Smallest stack weft accepts (the guard zone is inside it). */
#define WEFT_MIN_STACK 1024

typedef struct weft_opts {
  const char *name;  /* copied (up to 23 bytes); NULL: "co<id>" */
  size_t stack_size; /* C stack bytes; 0: WEFT_DEFAULT_STACK; ignored if compact */
  unsigned flags;    /* WEFT_DETACHED | WEFT_COMPACT */
} weft_opts;

/* Start `fn(arg)` as a new coroutine; it first runs when the caller next
 * suspends (or, outside coroutines, when the scheduler next runs).
 * Returns its id (> 0) or WEFT_EINVAL / WEFT_ENOMEM. `opts` may be NULL. */
weft_id weft_spawn(weft_fn fn, void *arg, const weft_opts *opts);

/* Wait for coroutine `id` to finish; store its return value in *result
 * (if non-NULL) and release it. Returns 0, or: WEFT_ESRCH, WEFT_EJOINED,
 * WEFT_EBUSY, WEFT_EDEADLK (own id), WEFT_ENOTCO, or the error that stopped
 * the coroutine (WEFT_ESTACK, WEFT_ESAVEAREA, WEFT_EHOST). Suspends. */
int weft_join(weft_id id, void **result);

/* Let `id` free itself when it finishes; it can no longer be joined. */
int weft_detach(weft_id id);

/* Finish the calling coroutine now with `result`, without returning
 * through its frames (like pthread_exit). Only returns on error (WEFT_ENOTCO). */
int weft_exit(void *result);

/* Let every other ready coroutine run once, then continue. Stays in wasm. Suspends. */
int weft_yield(void);

/* Wait until the host event loop has had a turn (pending DOM events,
 * I/O callbacks, other JS tasks), without paying any setTimeout clamp. Suspends. */
int weft_yield_host(void);

/* Sleep at least `ms` milliseconds (fractions allowed; 0 lets other ready
 * coroutines run first). Due sleepers run before other ready coroutines, in
 * deadline order. Returns 0, or WEFT_EINVAL for negative or NaN. Suspends. */
int weft_sleep(double ms);

/* Id of the running coroutine, or 0 outside any coroutine. */
weft_id weft_self(void);

/* Name of coroutine `id` (0: the running one), or NULL if unknown. */
const char *weft_name(weft_id id);

/* Monotonic clock in milliseconds (the host's performance.now()). */
double weft_now(void);

/* ---- statistics -------------------------------------------------------- */

typedef struct weft_stats {
  uint64_t spawned;     /* coroutines ever spawned */
  uint64_t switches;    /* resumes of a coroutine by the scheduler */
  uint64_t unwinds;     /* stacks unwound into a save area */
  uint64_t rewinds;     /* stacks rewound from a save area */
  uint64_t saved_bytes; /* bytes of wasm stack state saved, in total */
  uint32_t live;        /* coroutines not yet finished */
  uint32_t ready;       /* in the run queue */
  uint32_t sleeping;    /* in the timer heap */
  uint32_t host_timers; /* host timers armed right now (0 or 1) */
  size_t held_bytes;    /* bytes held by suspended coroutines: save areas,
                           C stacks and control blocks */
} weft_stats;

void weft_get_stats(weft_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
