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

#include <emscripten/em_js.h>
#include <emscripten/em_macros.h> /* EMSCRIPTEN_KEEPALIVE, for the macros below */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

/* Every error code once: name, value, and the text weft_strerror() gives.
 * The C enum below, weft_strerror() and the JS host's `codes`
 * (runtime/js/contract.mjs, generated from this table by
 * tools/contract.mjs) all come from here; a test fails if they drift. */
#define WEFT_ERRNO_MAP(XX)                                                                  \
  XX(EINVAL, -1, "invalid argument")                                                        \
  XX(ENOMEM, -2, "out of memory")                                                           \
  XX(ENOTCO, -3, "suspending call made outside any coroutine")                             \
  XX(ESRCH, -4, "not found (no such coroutine, export, header or index)")                  \
  XX(EJOINED, -5, "coroutine already joined or detached")                                  \
  XX(EBUSY, -6, "busy: already being joined, or waited on")                                \
  XX(EDEADLK, -7, "deadlock: the wait could never end")                                    \
  XX(ESAVEAREA, -8, "coroutine stack did not fit its save area")                           \
  XX(ESTACK, -9, "coroutine overflowed its C stack")                                       \
  XX(EHOST, -10, "JS exception or wasm trap in a coroutine")                               \
  XX(ECANCELED, -11, "cancelled")                                                           \
  XX(ETIMEDOUT, -12, "deadline or timeout expired")                                         \
  XX(EJS, -13, "host function threw or its promise rejected")                              \
  XX(EHANDLE, -14, "stale, freed or forged handle")                                        \
  XX(ENET, -15, "network error")                                                            \
  XX(ECLOSED, -16, "closed: read after the end, or channel closed and drained")            \
  XX(EPIPE, -17, "send on a closed channel")                                                \
  XX(EAGAIN, -18, "nothing ready (non-blocking select)")                                  \
  XX(ENOASYNC, -19, "linked without Asyncify: this program cannot suspend")

/* What each means where it is returned:
 *   EINVAL     invalid argument
 *   ENOMEM     out of memory
 *   ENOTCO     suspending call made outside any coroutine
 *   ESRCH      not found: no such coroutine id, export, header or index
 *   EJOINED    coroutine already joined or detached
 *   EBUSY      already being joined; a channel still waited on
 *   EDEADLK    the wait could never end (joining yourself; deadlock)
 *   ESAVEAREA  the coroutine's stack did not fit its save area: it was stopped
 *   ESTACK     the coroutine overflowed its C stack: it was stopped
 *   EHOST      a JS exception or wasm trap ended the coroutine
 *   ECANCELED  cancelled (e.g. a fetch aborted through its signal)
 *   ETIMEDOUT  a deadline or timeout expired
 *   EJS        a host function threw or its promise rejected
 *   EHANDLE    stale, freed or forged handle
 *   ENET       network error: refused, reset, DNS, CORS...
 *   ECLOSED    read after the end; receive from a closed, drained channel
 *   EPIPE      send on a closed channel
 *   EAGAIN     non-blocking select: no case was ready
 *   ENOASYNC   the program was linked without Asyncify (-sASYNCIFY=0), and a
 *              coroutine tried to suspend: it was stopped */
enum {
  WEFT_OK = 0,
#define WEFT__ERRNO_ENUM(name, value, text) WEFT_##name = value,
  WEFT_ERRNO_MAP(WEFT__ERRNO_ENUM)
#undef WEFT__ERRNO_ENUM
};

/* A static string describing an error code ("unknown error" if none). */
const char *weft_strerror(int err);

/* ---- coroutines -------------------------------------------------------- */

typedef int weft_id;
typedef void *(*weft_fn)(void *arg);

/* Spawn flags. */
#define WEFT_DETACHED 0x1u /* never joined: resources are freed at exit */
#define WEFT_COMPACT  0x2u /* run on the one shared run stack: while suspended
                              it keeps only the used part of its C stack,
                              copied into its save area (about 270 B in all
                              for a sleeper two calls deep) and back when it
                              next runs after another compact coroutine.
                              Pointers into its stack must not be used by
                              other coroutines while it is suspended. */

/* Default C stack of a (non-compact) coroutine, in bytes. musl's strtod
 * (atof, strtod, scanf "%f") keeps an 8 KiB array on the stack when long
 * double is 128-bit, as in wasm32, and ported C code often has a PATH_MAX
 * buffer: 16 KiB holds both. An overflow is caught at the next suspend or
 * resume when it stays within the guard zone (512 bytes); only a
 * -sSTACK_OVERFLOW_CHECK=2 build catches every overflow before it writes. */
#define WEFT_DEFAULT_STACK (16 * 1024)
/* Smallest and largest stack weft accepts (the guard zone is inside it). */
#define WEFT_MIN_STACK 1024
#define WEFT_MAX_STACK (256u << 20)

typedef struct weft_opts {
  const char *name;  /* copied (up to 23 bytes); NULL: "co<id>" */
  size_t stack_size; /* C stack bytes; 0: WEFT_DEFAULT_STACK; ignored if compact */
  unsigned flags;    /* WEFT_DETACHED | WEFT_COMPACT */
} weft_opts;

/* Start `fn(arg)` as a new coroutine; it first runs when the caller next
 * suspends (or, outside coroutines, when the scheduler next runs).
 * Returns its id (> 0), or WEFT_EINVAL (NULL fn, unknown flags, a
 * stack_size outside [WEFT_MIN_STACK, WEFT_MAX_STACK]) or WEFT_ENOMEM.
 * `opts` may be NULL.
 *
 * The end of the program: returning from main (or weft_exit in main, or
 * C exit()) ends it, as in C: the coroutines main's code started are
 * stopped where they wait, without running more of their code (their
 * timers and host operations are released), and run() resolves. Only
 * coroutines JS started (program.call) and theirs go on. A coroutine
 * stopped by a fault (trap, abort(), assert(), stack overflow) fails the
 * program unless its failure is taken: by a join (which returns the
 * error), its group, or its JS caller. A detached one fails it at once;
 * one that could still be joined, when main returns without joining it.
 * A failed program rejects run() with a WeftError naming the coroutine. */
weft_id weft_spawn(weft_fn fn, void *arg, const weft_opts *opts);

/* Wait for coroutine `id` to finish; store its return value in *result
 * (if non-NULL) and release it. Returns 0, or: WEFT_ESRCH (no such id,
 * e.g. <= 0), WEFT_EJOINED (already joined, or detached), WEFT_EBUSY
 * (another coroutine joins it), WEFT_EDEADLK (own id), WEFT_ENOTCO, or the
 * error that stopped the coroutine (WEFT_ESTACK, WEFT_ESAVEAREA, WEFT_EHOST).
 * *result is left alone on error. Suspends. */
int weft_join(weft_id id, void **result);

/* Let `id` free itself when it finishes (at once if it has); it can no
 * longer be joined. A coroutine may detach itself. 0, WEFT_ESRCH,
 * WEFT_EJOINED (joined or detached already), WEFT_EBUSY (being joined). */
int weft_detach(weft_id id);

/* Finish the calling coroutine now with `result`, without returning
 * through its frames (like pthread_exit). Only returns on error (WEFT_ENOTCO). */
int weft_exit(void *result);

/* Let every other ready coroutine run once, then continue. Stays in wasm.
 * Returns 0, WEFT_ENOTCO or WEFT_ECANCELED; deadline scopes do not bound
 * it. Suspends. */
int weft_yield(void);

/* Wait until the host event loop has had a turn (pending DOM events,
 * I/O callbacks, other JS tasks), without paying any setTimeout clamp. Suspends. */
int weft_yield_host(void);

/* Sleep at least `ms` milliseconds (fractions allowed; 0 lets other ready
 * coroutines run first). Due sleepers run before other ready coroutines, in
 * deadline order. INFINITY sleeps until cancelled (if nothing else can
 * ever run, that is a deadlock, reported). Returns 0, or WEFT_EINVAL for
 * negative or NaN. Suspends. */
int weft_sleep(double ms);

/* Id of the running coroutine, or 0 outside any coroutine. */
weft_id weft_self(void);

/* Name of coroutine `id` (0: the running one), or NULL if unknown (freed,
 * never spawned, or 0 outside any coroutine). */
const char *weft_name(weft_id id);

/* Monotonic clock in milliseconds (the host's performance.now()). */
double weft_now(void);

/* Message of the last failed host call (weft_call, weft_fetch,
 * weft_response_read/_body) made by the running coroutine, e.g. the JS
 * rejection's message or what was wrong with the call; "" after a success.
 * Every failure sets its own. Valid until its next host call. Outside any
 * coroutine: a fixed text for the last failure there. */
const char *weft_last_error(void);

/* ---- JS values and handles ----------------------------------------------
 * JS objects that C must hold (a Response, an AbortController, anything a
 * host function returns as 'h') live in the host's handle table; C holds
 * a weft_handle (> 0). A freed, stale or forged handle is rejected with
 * WEFT_EHANDLE and never dereferenced: handle values are never reused, so
 * this holds for the life of the program. Once 2^31 - 1 handles have been
 * handed out, calls that make one fail with WEFT_ENOMEM. */

typedef int32_t weft_handle;

/* Release a handle (a response as weft_response_free does); WEFT_EHANDLE
 * if it is not live. */
int weft_handle_free(weft_handle h);

/* ---- calling JS: await any promise from C --------------------------------
 * weft_call(name, sig, ...) calls the host function `name` (registered from
 * JS with load(url, {functions: {name: fn}}) or program.define(), or from C
 * with WEFT_JS_FUNCTION) and suspends the calling coroutine until the value
 * or promise it returns settles. Any number of calls may be in flight.
 *
 * `sig` is "ARGS>RESULT", one letter per argument, then the result:
 *   i  int32_t            d  double           s  const char * (UTF-8)
 *   b  const void *, size_t (two C arguments; a Uint8Array in JS)
 *   h  weft_handle (the JS object itself in JS)
 * A NULL 's' is null in JS; a NULL 'b' must have length 0 (empty bytes).
 * Results are written through pointers after the arguments (none may be NULL):
 *   i int32_t *  d double *  s char ** (malloc'd; free it)
 *   b void **, size_t * (malloc'd; free it)  h weft_handle *  (none: ">")
 * The host function must give: i an integer in int32_t's range (or a
 * boolean), d a number, s a string without NUL characters, b a Uint8Array,
 * ArrayBuffer or other view, h an object or function; anything is fine for ">".
 * Returns 0, or WEFT_EJS with weft_last_error() holding the message (a
 * rejection carrying a negative weft code as `weftCode` gives that code),
 * WEFT_EINVAL (bad sig, NULL result pointer, bytes outside memory, unknown
 * function, result of the wrong type: the message names expected and got),
 * WEFT_ENOMEM (no room for a result), WEFT_EHANDLE, WEFT_ENOTCO; each sets
 * weft_last_error(). Nothing is written through the result pointers on failure. */
int weft_call(const char *name, const char *sig, ...);

/* WEFT_CALL(name, sig, ...): weft_call with its C arguments' types checked
 * against `sig`. The macro captures each argument's type with _Generic;
 * weft_call_checked compares them with the signature before anything is
 * called, and a mismatch (an int for 'd', a double for 'i', a non-string
 * for 's', a result pointer of the wrong type, too few or too many
 * arguments) is WEFT_EINVAL naming the argument, its C type and the
 * signature's letter. The check runs at run time: C cannot read a string
 * literal's characters at compile time. Up to 40 C arguments after sig. */
int weft_call_checked(const char *types, const char *name, const char *sig, ...);
#define WEFT_CALL(name, sig, ...) \
  weft_call_checked((const char[]){WEFT__EACH(WEFT__CTYPE, ##__VA_ARGS__) 0}, name, sig, ##__VA_ARGS__)
/* The letter for an argument's C type: integers 'i' (64-bit: 'L'), floating
 * 'd', char pointers 's', void pointers 'v', int/double/char * / void * /
 * size_t pointers 'I' 'D' 'S' 'V' 'Z', any other type '?'. */
#define WEFT__CTYPE(x) _Generic((x),                                                     \
  _Bool: 'i', char: 'i', signed char: 'i', unsigned char: 'i', short: 'i',                \
  unsigned short: 'i', int: 'i', unsigned int: 'i', long: 'i', unsigned long: 'i',        \
  long long: 'L', unsigned long long: 'L', float: 'd', double: 'd', long double: 'L',     \
  char *: 's', const char *: 's', void *: 'v', const void *: 'v',                         \
  int *: 'I', double *: 'D', char **: 'S', void **: 'V', unsigned long *: 'Z',            \
  default: '?'),
#define WEFT__EACH(F, ...) WEFT__EACH_N(_, ##__VA_ARGS__, WEFT__E40, WEFT__E39, WEFT__E38, WEFT__E37,   \
  WEFT__E36, WEFT__E35, WEFT__E34, WEFT__E33, WEFT__E32, WEFT__E31, WEFT__E30, WEFT__E29,          \
  WEFT__E28, WEFT__E27, WEFT__E26, WEFT__E25, WEFT__E24, WEFT__E23, WEFT__E22, WEFT__E21,          \
  WEFT__E20, WEFT__E19, WEFT__E18, WEFT__E17, WEFT__E16, WEFT__E15, WEFT__E14, WEFT__E13,          \
  WEFT__E12, WEFT__E11, WEFT__E10, WEFT__E9, WEFT__E8, WEFT__E7, WEFT__E6, WEFT__E5, WEFT__E4,     \
  WEFT__E3, WEFT__E2, WEFT__E1, WEFT__E0)(F, ##__VA_ARGS__)
#define WEFT__EACH_N(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17,    \
  _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36,  \
  _37, _38, _39, _40, N, ...) N
#define WEFT__E0(F, ...)
#define WEFT__E1(F, x) F(x)
#define WEFT__E2(F, x, ...) F(x) WEFT__E1(F, __VA_ARGS__)
#define WEFT__E3(F, x, ...) F(x) WEFT__E2(F, __VA_ARGS__)
#define WEFT__E4(F, x, ...) F(x) WEFT__E3(F, __VA_ARGS__)
#define WEFT__E5(F, x, ...) F(x) WEFT__E4(F, __VA_ARGS__)
#define WEFT__E6(F, x, ...) F(x) WEFT__E5(F, __VA_ARGS__)
#define WEFT__E7(F, x, ...) F(x) WEFT__E6(F, __VA_ARGS__)
#define WEFT__E8(F, x, ...) F(x) WEFT__E7(F, __VA_ARGS__)
#define WEFT__E9(F, x, ...) F(x) WEFT__E8(F, __VA_ARGS__)
#define WEFT__E10(F, x, ...) F(x) WEFT__E9(F, __VA_ARGS__)
#define WEFT__E11(F, x, ...) F(x) WEFT__E10(F, __VA_ARGS__)
#define WEFT__E12(F, x, ...) F(x) WEFT__E11(F, __VA_ARGS__)
#define WEFT__E13(F, x, ...) F(x) WEFT__E12(F, __VA_ARGS__)
#define WEFT__E14(F, x, ...) F(x) WEFT__E13(F, __VA_ARGS__)
#define WEFT__E15(F, x, ...) F(x) WEFT__E14(F, __VA_ARGS__)
#define WEFT__E16(F, x, ...) F(x) WEFT__E15(F, __VA_ARGS__)
#define WEFT__E17(F, x, ...) F(x) WEFT__E16(F, __VA_ARGS__)
#define WEFT__E18(F, x, ...) F(x) WEFT__E17(F, __VA_ARGS__)
#define WEFT__E19(F, x, ...) F(x) WEFT__E18(F, __VA_ARGS__)
#define WEFT__E20(F, x, ...) F(x) WEFT__E19(F, __VA_ARGS__)
#define WEFT__E21(F, x, ...) F(x) WEFT__E20(F, __VA_ARGS__)
#define WEFT__E22(F, x, ...) F(x) WEFT__E21(F, __VA_ARGS__)
#define WEFT__E23(F, x, ...) F(x) WEFT__E22(F, __VA_ARGS__)
#define WEFT__E24(F, x, ...) F(x) WEFT__E23(F, __VA_ARGS__)
#define WEFT__E25(F, x, ...) F(x) WEFT__E24(F, __VA_ARGS__)
#define WEFT__E26(F, x, ...) F(x) WEFT__E25(F, __VA_ARGS__)
#define WEFT__E27(F, x, ...) F(x) WEFT__E26(F, __VA_ARGS__)
#define WEFT__E28(F, x, ...) F(x) WEFT__E27(F, __VA_ARGS__)
#define WEFT__E29(F, x, ...) F(x) WEFT__E28(F, __VA_ARGS__)
#define WEFT__E30(F, x, ...) F(x) WEFT__E29(F, __VA_ARGS__)
#define WEFT__E31(F, x, ...) F(x) WEFT__E30(F, __VA_ARGS__)
#define WEFT__E32(F, x, ...) F(x) WEFT__E31(F, __VA_ARGS__)
#define WEFT__E33(F, x, ...) F(x) WEFT__E32(F, __VA_ARGS__)
#define WEFT__E34(F, x, ...) F(x) WEFT__E33(F, __VA_ARGS__)
#define WEFT__E35(F, x, ...) F(x) WEFT__E34(F, __VA_ARGS__)
#define WEFT__E36(F, x, ...) F(x) WEFT__E35(F, __VA_ARGS__)
#define WEFT__E37(F, x, ...) F(x) WEFT__E36(F, __VA_ARGS__)
#define WEFT__E38(F, x, ...) F(x) WEFT__E37(F, __VA_ARGS__)
#define WEFT__E39(F, x, ...) F(x) WEFT__E38(F, __VA_ARGS__)
#define WEFT__E40(F, x, ...) F(x) WEFT__E39(F, __VA_ARGS__)

/* Declare a host function from C source:
 *   WEFT_JS_FUNCTION(delay_double, async (ms, x) => { ...; return x * 2; })
 * defines it for weft_call("delay_double", "dd>d", ...), at start-up. */
#define WEFT_JS_FUNCTION(name, ...)                                         \
  EM_JS(void, weft_define_js_##name, (void),                                \
        { Module["weftHost"].define(#name, __VA_ARGS__); })                   \
  __attribute__((constructor)) static void weft_register_js_##name(void) {  \
    weft_define_js_##name();                                                \
  }

/* ---- being called from JS ------------------------------------------------
 * WEFT_EXPORT(name) registers `int name(weft_args *a)` so that JS can call
 * it: program.call("name", ...args) starts it as a new coroutine and returns
 * a Promise of its result. A negative return rejects the promise with a
 * WeftError (message: weft_args_fail's, or the code's description). */

typedef struct weft_args weft_args;         /* one call from JS */
typedef int (*weft_export_fn)(weft_args *a); /* 0, or < 0 to reject */

/* The call's arguments, valid until the export returns: JS numbers and
 * booleans are doubles, strings are UTF-8, Uint8Array/ArrayBuffer are
 * bytes, other objects are handles (freed when the call ends); null and
 * undefined have no type. Each reader returns its "not" value for an index
 * out of range or of another type (or a NULL `a`). */
int weft_args_count(const weft_args *a);
/* 0 if not a number or NaN; truncated toward zero, saturated at INT32_MIN/MAX */
int32_t weft_args_int(const weft_args *a, int i);
double weft_args_double(const weft_args *a, int i);        /* NaN if not a number */
const char *weft_args_string(const weft_args *a, int i);   /* NULL if not a string */
const void *weft_args_bytes(const weft_args *a, int i, size_t *len); /* NULL if not bytes */
weft_handle weft_args_handle(const weft_args *a, int i);   /* 0 if not a handle */
/* Set what the call's promise resolves with (replacing an earlier one);
 * no effect with a NULL `a`. A copy that finds no memory fails the call
 * with WEFT_ENOMEM, a stale handle with WEFT_EHANDLE. */
void weft_return_int(weft_args *a, int32_t v);
void weft_return_double(weft_args *a, double v);
void weft_return_string(weft_args *a, const char *s);      /* copied; NULL: null */
void weft_return_bytes(weft_args *a, const void *p, size_t n); /* copied; NULL with n > 0 fails the call (EINVAL) */
void weft_return_handle(weft_args *a, weft_handle h);      /* h stays live (one of the call's own arguments too) */
/* Reject the call's promise with WeftError(err, message); err >= 0 (or not
 * a weft code) becomes WEFT_EINVAL, message is copied (NULL:
 * weft_strerror(err)). Returns the code (WEFT_EINVAL for a NULL `a`). */
int weft_args_fail(weft_args *a, int err, const char *message);
/* In an export consumed from JS as an async iterator
 * (for await (const v of program.iterate("name", ...))): hand the value set
 * with weft_return_* to JS and wait until JS asks for the next one. Returns
 * 0 to go on, WEFT_ECANCELED when JS stopped early (break): return then.
 * WEFT_EINVAL when the export was started by program.call. Suspends. */
int weft_args_yield(weft_args *a);

/* What WEFT_EXPORT calls at start-up; `name` is kept, not copied. */
void weft_register_export(const char *name, weft_export_fn fn);
#define WEFT_EXPORT(name)                                                    \
  int name(weft_args *a);                                                   \
  __attribute__((constructor)) static void weft_register_export_##name(void) { \
    weft_register_export(#name, name);                                      \
  }                                                                         \
  int name(weft_args *a)

/* ---- fetch ------------------------------------------------------------------
 * The host's fetch(), suspending only the calling coroutine: the browser's
 * (CORS rules apply) or Node's (>= 18). An HTTP 4xx/5xx is not an error:
 * check weft_response_status(). */

typedef weft_handle weft_response;

typedef struct weft_fetch_opts {
  const char *method;          /* NULL: "GET" */
  const char *const *headers;  /* NULL, or "Name", "value", ..., NULL */
  const void *body;            /* request body, or NULL */
  size_t body_len;
  double timeout_ms;           /* > 0: abort after this long (WEFT_ETIMEDOUT); 0, or
                                  2^31 - 1 (24.8 days) and more, INFINITY included: none;
                                  negative or NaN: WEFT_EINVAL */
  weft_handle signal;          /* 0, or a weft_abort_new() handle */
  int redirect;                /* a weft_redirect: WEFT_REDIRECT_FOLLOW (0, the default),
                                  _ERROR or _MANUAL; another value: WEFT_EINVAL */
} weft_fetch_opts;

/* What fetch does with a redirect (fetch()'s `redirect` option):
 *   FOLLOW  follow it; weft_response_url gives the final URL
 *   ERROR   fail with WEFT_ENET, the message saying the redirect was refused
 *   MANUAL  do not follow: Node gives the 3xx response itself (status,
 *           location header); browsers an opaque-redirect response
 *           (status 0, no headers) */
typedef enum { WEFT_REDIRECT_FOLLOW = 0, WEFT_REDIRECT_ERROR = 1, WEFT_REDIRECT_MANUAL = 2 } weft_redirect;

/* Start a request and wait for the response's status and headers; the
 * body is then read with weft_response_read or weft_response_body.
 * A request the host refuses to build (bad URL, method, header name or
 * value, a body with GET, a NULL body with body_len > 0, a header without
 * its value) is WEFT_EINVAL before anything is sent. When the program
 * ends by exit(), every request still open is aborted. */
int weft_fetch(const char *url, const weft_fetch_opts *opts, weft_response *out);
/* HTTP status (e.g. 200, 404), or WEFT_EHANDLE. */
int weft_response_status(weft_response r);
/* Copy the status text / a header's value / the i-th header into `buf`
 * (NUL-terminated, truncated to `cap`; buf may be NULL only with cap 0, to
 * measure). Return the full length, or WEFT_ESRCH (no such header or
 * index), WEFT_EHANDLE, WEFT_EINVAL (not a header name; a NULL buf with
 * cap > 0; what would be written lies outside memory). Names are lower case. */
int weft_response_status_text(weft_response r, char *buf, size_t cap);
int weft_response_header(weft_response r, const char *name, char *buf, size_t cap);
int weft_response_header_at(weft_response r, int i, char *name, size_t name_cap, char *value,
                            size_t value_cap);
/* The response's URL, after any redirects it followed (resolve relative
 * links against this one), copied as the calls above copy; "" (length 0)
 * where the platform gives none. */
int weft_response_url(weft_response r, char *buf, size_t cap);
/* Read the next bytes of the body into buf (at most LONG_MAX): returns how
 * many (> 0), 0 at the end, WEFT_ECLOSED if read again after that, or an
 * error (WEFT_ENET when the connection breaks, WEFT_ECANCELED,
 * WEFT_ETIMEDOUT; WEFT_EINVAL for a NULL buf, cap 0, or bytes that would
 * land outside memory). Coroutines reading one body share it: each byte
 * goes to one of them. Suspends. */
long weft_response_read(weft_response r, void *buf, size_t cap);
/* Read the rest of the body into one malloc'd block (free it). Suspends. */
int weft_response_body(weft_response r, void **data, size_t *len);
/* Release the response (aborting an unread body). */
int weft_response_free(weft_response r);

/* An AbortController (a handle, or WEFT_ENOMEM): pass it as opts.signal;
 * weft_abort() makes every fetch and body read using it fail with WEFT_ECANCELED. */
weft_handle weft_abort_new(void);
int weft_abort(weft_handle signal);

/* ---- channels and select ----------------------------------------------------
 * Channels carry fixed-size elements, copied in and out (a sender may reuse
 * its buffer as soon as send returns). Capacity 0 is a rendezvous. A NULL
 * channel or element pointer gives WEFT_EINVAL. */

typedef struct weft_chan weft_chan;

/* NULL if elem_size is 0 or over 1 MiB, capacity over 16 Mi (2^24), their
 * product does not fit in a size_t, or there is no memory for the ring. */
weft_chan *weft_chan_new(size_t elem_size, size_t capacity);
/* 0, or WEFT_EPIPE (closed), WEFT_ECANCELED, WEFT_ETIMEDOUT, WEFT_ENOTCO. Suspends. */
int weft_chan_send(weft_chan *ch, const void *elem);
/* 0, or WEFT_ECLOSED (closed and drained), WEFT_ECANCELED, WEFT_ETIMEDOUT... Suspends. */
int weft_chan_recv(weft_chan *ch, void *out);
/* Wake every receiver (WEFT_ECLOSED once drained) and sender (WEFT_EPIPE).
 * WEFT_EINVAL if already closed. Buffered elements can still be received. */
int weft_chan_close(weft_chan *ch);
/* Free a channel (buffered elements are dropped); WEFT_EBUSY while
 * coroutines wait on it. One whose send or receive has completed but that
 * has not resumed yet never touches the channel again: freeing is safe. */
int weft_chan_free(weft_chan *ch);

enum { WEFT_SEND = 1, WEFT_RECV = 2 };
typedef struct weft_case {
  weft_chan *ch;
  int op;        /* WEFT_SEND or WEFT_RECV */
  void *val;     /* element to send, or where to receive */
  int result;    /* set for the case that fired: 0, WEFT_EPIPE, WEFT_ECLOSED */
} weft_case;

/* Wait until one case can proceed and do it; returns its index. Among
 * ready cases one is picked at random, so none starves. A case whose ch is
 * NULL is never ready (Go's nil channel: it disables the case; its op and
 * val are not looked at). timeout_ms < 0 or +Infinity waits forever; 0
 * never blocks (WEFT_EAGAIN if nothing is ready); > 0 gives WEFT_ETIMEDOUT
 * when it runs out. With no channel at all (n == 0, when cases may be
 * NULL, or every ch NULL) it waits for the timeout, a cancel or a deadline
 * (the deadlock report if nothing else can run). WEFT_EINVAL: n < 0, cases
 * NULL with n > 0, a NaN timeout, an unknown op or NULL val in a case with
 * a channel, or (when it has to wait) cases whose elements add up past
 * 2 GiB. Suspends. */
int weft_select(weft_case *cases, int n, double timeout_ms);

/* ---- generators ---------------------------------------------------------------
 * A coroutine that yields values to its consumer, one at a time. The
 * producer runs `fn(arg)`; anything it calls, however deep, may call
 * weft_gen_yield. weft_gen_free cancels a producer that has not finished. */

typedef struct weft_gen weft_gen;
/* Spawn the producer (detached, named "generator"); NULL on bad arguments
 * (fn NULL, elem_size as for weft_chan_new) or no memory. */
weft_gen *weft_gen_new(weft_fn fn, void *arg, size_t elem_size);
/* 0 with the next value, WEFT_ECLOSED when the producer has finished,
 * WEFT_EINVAL (g or out NULL), WEFT_EDEADLK in the producer itself. Suspends. */
int weft_gen_next(weft_gen *g, void *out);
/* From inside the producer: hand a value over; waits until it is taken.
 * WEFT_EINVAL outside a producer; WEFT_ECANCELED once the consumer let go. */
int weft_gen_yield(const void *value);
/* Release the generator (do not use it afterwards); a running producer is
 * cancelled and frees it when it exits (until then a second free gives
 * WEFT_EINVAL). A consumer already handed a value still gets it. */
int weft_gen_free(weft_gen *g);

/* ---- synchronization ----------------------------------------------------------
 * All FIFO-fair: waiters are served in arrival order, and a released mutex
 * or semaphore unit goes straight to the first waiter (no barging). Waits
 * return WEFT_ECANCELED / WEFT_ETIMEDOUT like every suspending call, and a
 * NULL object gives WEFT_EINVAL. A woken waiter does not touch the object
 * again: it may be freed as soon as nobody is blocked on it (or holds it). */

typedef struct weft_mutex weft_mutex;
weft_mutex *weft_mutex_new(void);
/* WEFT_EDEADLK if the caller holds it, or if its holder exited without
 * unlocking: then no one ever can (waiters queued before are woken with
 * WEFT_EDEADLK too). Suspends. */
int weft_mutex_lock(weft_mutex *m);
int weft_mutex_unlock(weft_mutex *m);   /* WEFT_EINVAL if the caller does not hold it */
int weft_mutex_free(weft_mutex *m);     /* WEFT_EBUSY while a live holder has it or it is waited on */

typedef struct weft_sem weft_sem;
weft_sem *weft_sem_new(int count);      /* NULL if count < 0 */
int weft_sem_acquire(weft_sem *s);      /* Suspends while the count is 0. */
int weft_sem_release(weft_sem *s);      /* to the first waiter, else count + 1 (WEFT_EINVAL past INT_MAX) */
int weft_sem_free(weft_sem *s);

typedef struct weft_event weft_event;
weft_event *weft_event_new(void);
int weft_event_set(weft_event *e);      /* wakes every waiter; stays set until cleared */
int weft_event_clear(weft_event *e);
int weft_event_wait(weft_event *e);     /* returns at once if set. Suspends. */
int weft_event_free(weft_event *e);

typedef struct weft_waitgroup weft_waitgroup;
weft_waitgroup *weft_waitgroup_new(void);
int weft_waitgroup_add(weft_waitgroup *w, int n); /* WEFT_EINVAL if the count would leave 0..INT_MAX */
int weft_waitgroup_done(weft_waitgroup *w);       /* add(w, -1) */
int weft_waitgroup_wait(weft_waitgroup *w);       /* until the count is 0. Suspends. */
int weft_waitgroup_free(weft_waitgroup *w);

/* ---- structured groups (nurseries) --------------------------------------------
 * Children spawned into a group; weft_group_wait waits for all of them. A
 * child fails when it is stopped by a fault or returns a negative int
 * ((void *)(intptr_t)WEFT_E...). The first failure cancels its siblings
 * and is what weft_group_wait returns. A group cannot be freed while
 * children live or a weft_group_wait on it has not returned (WEFT_EBUSY):
 * wait first. */

typedef struct weft_group weft_group;
weft_group *weft_group_new(void);
/* weft_spawn into the group; children are always detached. */
weft_id weft_group_spawn(weft_group *g, weft_fn fn, void *arg, const weft_opts *opts);
/* 0 or the first failure, to every waiter; WEFT_EDEADLK in a child of g. Suspends. */
int weft_group_wait(weft_group *g);
int weft_group_cancel(weft_group *g);   /* cancel every child */
int weft_group_free(weft_group *g);

/* ---- cancellation and deadlines ----------------------------------------------
 * weft_cancel(id) makes the coroutine's current suspending call, and every
 * later one, return WEFT_ECANCELED until it exits: its own code unwinds and
 * cleans up (nothing is skipped with longjmp). What it waited on is released:
 * its timer, its place in a join, its host operation (a fetch is aborted, a
 * promise's result dropped).
 *
 * A deadline scope gives every suspending call inside it a deadline; nested
 * scopes take the earliest. Expiry makes calls return WEFT_ETIMEDOUT, and
 * weft_scope_exit() reports whether the scope's own deadline passed:
 *
 *   weft_scope s;
 *   weft_scope_enter(&s, 250);          // like trio's move_on_after(0.25)
 *   rc = weft_fetch(url, NULL, &r);     // WEFT_ETIMEDOUT after 250 ms
 *   if (weft_scope_exit(&s)) ...        // 1: this scope's deadline expired
 */
int weft_cancel(weft_id id);   /* 0 (also when finished already), WEFT_ESRCH, WEFT_EJOINED; never suspends */

/* Scopes nest and must be exited innermost first, by the coroutine that
 * entered them: exiting any other (an outer one, someone else's, one not
 * entered or already exited) returns WEFT_EINVAL and changes nothing.
 * ms may be INFINITY (no deadline); NaN or negative is WEFT_EINVAL. */
typedef struct weft_scope { double at, outer; weft_id owner; int depth; } weft_scope;
int weft_scope_enter(weft_scope *s, double ms);  /* WEFT_ENOTCO, WEFT_EINVAL */
int weft_scope_exit(weft_scope *s);              /* 1 if expired, 0 if not, or an error */

/* ---- introspection ----------------------------------------------------------- */

enum { WEFT_READY = 0, WEFT_RUNNING = 1, WEFT_BLOCKED = 2, WEFT_DONE = 3 };

typedef struct weft_info {
  weft_id id;
  int state;              /* WEFT_READY, WEFT_RUNNING, WEFT_BLOCKED, WEFT_DONE */
  char name[24];
  char waits[96];         /* what it waits for: "sleep until 1523.0 ms", "join of #4 \"x\"", ... */
  size_t save_bytes;      /* its save area */
  size_t stack_bytes;     /* its C stack (or, compact, the part kept) */
} weft_info;

/* Fill up to `max` entries (ordered by id; which ones, when `max` is less
 * than the count, is unspecified); returns how many coroutines exist,
 * finished ones not yet joined included. With out NULL or max < 1 it only
 * counts: weft_list(NULL, 0). */
int weft_list(weft_info *out, int max);
/* Print the list as a table to stderr. */
void weft_dump(void);

/* Events for tools such as the demo's visualizer; the hook runs in the
 * scheduler, never inside a coroutine (weft_self() is 0 there, and
 * suspending calls return WEFT_ENOTCO), even for a spawn made by one. A
 * trap in the hook is a trap in the scheduler: the program fails. `detail` is
 * the wait kind (WEFT_WAIT_*) for WEFT_EV_SUSPEND, the exit code for
 * WEFT_EV_EXIT, else 0. A NULL hook removes it. */
enum { WEFT_EV_SPAWN, WEFT_EV_SUSPEND, WEFT_EV_RESUME, WEFT_EV_EXIT };
/* What a suspended coroutine waits for. New kinds are added at the end. */
enum {
  WEFT_WAIT_YIELD,     /* weft_yield: its next turn */
  WEFT_WAIT_SLEEP,     /* weft_sleep and libc's sleeps */
  WEFT_WAIT_JOIN,      /* weft_join */
  WEFT_WAIT_HOST_TURN, /* weft_yield_host */
  WEFT_WAIT_CHANNEL,   /* channel send, receive, select; generators */
  WEFT_WAIT_SYNC,      /* mutex, semaphore, event, wait group, group */
  WEFT_WAIT_JS_CALL,   /* weft_call, weft_args_yield */
  WEFT_WAIT_FETCH,     /* weft_fetch */
  WEFT_WAIT_BODY,      /* weft_response_read */
  WEFT_WAIT_FD,        /* read or write on one descriptor (stdin, a pipe) */
  WEFT_WAIT_POLL       /* poll, select */
};
typedef void (*weft_hook)(int event, weft_id id, int detail, void *ctx);
void weft_set_hook(weft_hook hook, void *ctx);

/* ---- host streams as descriptors --------------------------------------------
 * A JS ReadableStream, WritableStream or { readable, writable } pair, held
 * by handle h (from weft_call), becomes a descriptor for read, write, poll,
 * select and stdio (fdopen): reads wait for a chunk, writes wait while the
 * stream pushes back. close() releases it (a writable is closed once what
 * was written has gone out, a readable cancelled); so does the program's
 * end. JS opens one with program.openStream(stream). Returns the
 * descriptor, or WEFT_EHANDLE, WEFT_EINVAL (not a stream, or one already
 * locked), WEFT_ENOMEM (no descriptor free). The handle stays the caller's. */
int weft_stream_open(weft_handle h);

/* A WebSocket to `url` ("ws://..." or "wss://...") as a descriptor, once
 * open: each write() is sent as one binary message; what arrives (text as
 * UTF-8) reads as a stream of bytes, as over TCP, with 0 once the
 * connection closed. Suspends until connected. Returns the descriptor, or
 * WEFT_ENET (refused, or no WebSocket in this JS engine: Node 20 needs
 * --experimental-websocket), WEFT_EINVAL (NULL or a bad URL), WEFT_ENOMEM,
 * WEFT_ECANCELED, WEFT_ETIMEDOUT, WEFT_ENOTCO; weft_last_error() says more. */
int weft_socket_connect(const char *url);

/* ---- statistics -------------------------------------------------------- */

typedef struct weft_stats {
  uint64_t spawned;     /* coroutines ever spawned */
  uint64_t switches;    /* resumes of a coroutine by the scheduler */
  uint64_t unwinds;     /* stacks unwound into a save area */
  uint64_t rewinds;     /* stacks rewound from a save area */
  uint64_t saved_bytes; /* bytes of wasm stack state saved, in total */
  uint32_t live;        /* coroutines not yet finished */
  uint32_t ready;       /* in the run queue */
  uint32_t sleeping;    /* in the timer heap, or asleep forever */
  uint32_t host_timers; /* host timers armed right now (0 or 1) */
  uint32_t host_ops;    /* host operations (promises, fetches) in flight */
  size_t held_bytes;    /* bytes held by unfinished coroutines (running,
                           ready or suspended): control blocks, save
                           areas and C stacks */
} weft_stats;

void weft_get_stats(weft_stats *out); /* NULL: does nothing */

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
