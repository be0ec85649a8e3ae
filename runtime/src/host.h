/*
 * host.h — what the JS host provides to the runtime (runtime/js/library_weft.js
 * forwards each import to the host object that runtime/js/weft.mjs installs).
 * The runtime calls these only from the scheduler, never on a coroutine's
 * switch path, so a switch stays inside wasm.
 */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H

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

/* Whether the program was linked with -sSTACK_OVERFLOW_CHECK; if so, the
 * runtime moves the checker's limits with weft_host_stack_limits() on
 * every switch (a debugging mode: the switch then crosses into JS). */
int weft_host_stack_checked(void);
void weft_host_stack_limits(void *base, void *end);

#endif
