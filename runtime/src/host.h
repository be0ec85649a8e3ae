/*
 * host.h — what the JS host provides to the runtime (runtime/js/library_weft.js
 * forwards each import to the host object that runtime/js/weft.mjs installs).
 * The runtime calls these only from the scheduler, never on a coroutine's
 * switch path, so a switch stays inside wasm.
 */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H

#include <stddef.h>
#include <stdint.h>

/* Arm the single host timer to call weft__tick() after `ms` (>= 0), or
 * clear it (ms < 0). Replaces any timer armed before. */
void weft_host_timer(double ms);
/* Ask for weft__tick() on the host's next turn (setImmediate or
 * MessageChannel, never a clamped setTimeout). Idempotent until it runs. */
void weft_host_wake(void);
/* The program has finished: main returned `status` and no coroutine lives. */
void weft_host_exit(int status);
/* The program cannot go on (deadlock): `code` is a WEFT_E*, `msg` the report. */
void weft_host_fatal(int code, const char *msg);

/* ---- host operations (runtime/js/bridge.mjs) ----
 * An op is started by one of the calls below under an id from C; when it
 * settles the host calls weft__settle(op, status). weft_host_take() then
 * hands its result over while the coroutine runs again. */
void weft_host_call(int op, const char *name, const char *sig, const void *vals, int nargs);
/* Write the op's result into *out (strings and bytes malloc'd); on failure
 * out holds the message as a malloc'd 's'. Returns the status; forgets the op. */
int weft_host_take(int op, void *out);
void weft_host_drop(int op);            /* abandon: never settle it */
int weft_host_handle_free(int32_t h);
void weft_host_export_done(int call, int status, const void *result, const char *msg);
/* An iterated export yields `result`; the host settles `op` on the next next(). */
int weft_host_export_yield(int call, const void *result, int op);

/* fetch (runtime/js/fetch.mjs) */
int weft_host_fetch(int op, const char *url, const char *method, const char *const *headers,
                    const void *body, size_t body_len, double timeout_ms, int32_t signal);
int weft_host_response_status(int32_t r);
int weft_host_response_text(int32_t r, int what, const char *name, int index, char *buf,
                            size_t cap, char *buf2, size_t cap2);
long weft_host_response_read(int32_t r, int op, void *buf, size_t cap);
int weft_host_response_free(int32_t r);
int32_t weft_host_abort_new(void);
int weft_host_abort(int32_t h);

/* Whether the program was linked with -sSTACK_OVERFLOW_CHECK; if so, the
 * runtime moves the checker's limits with weft_host_stack_limits() on
 * every switch (a debugging mode: the switch then crosses into JS). */
int weft_host_stack_checked(void);
void weft_host_stack_limits(void *base, void *end);

#endif
