/*
 * abi.h — the contract between the C runtime and its JS host, written once.
 *
 * Everything JS must agree on with C is here (or, for the error codes, in
 * weft.h's WEFT_ERRNO_MAP): the layouts JS reads and writes in linear
 * memory, the numbers both sides pass, the names of the wasm imports the
 * host provides and of the exports it calls, and the runtime's own
 * function names weft-cc hands to the Asyncify pass. tools/contract.mjs
 * reads this file and writes runtime/js/contract.mjs; a test fails when
 * that module is out of date, and the C side checks its layouts against
 * these numbers with _Static_assert (runtime/src/host/host.h).
 *
 * Format, for the generator: constants are `#define WEFT_ABI_NAME value`
 * (integers only); lists are X-macros `#define WEFT_LIST(XX)` of `XX(...)`
 * entries whose first argument is the name.
 */
#ifndef WEFT_ABI_H
#define WEFT_ABI_H

#include <stddef.h>
#include <stdint.h>

/* ---- weft_val: a value crossing between C and JS ------------------------
 * { int32 type; uint32 len; union { int32 i; double d; void *p; } u; } */
#define WEFT_ABI_VAL_SIZE 16     /* sizeof(weft_val): arrays of them have this stride */
#define WEFT_ABI_VAL_TYPE 0      /* int32: a type letter below, or 0 for none */
#define WEFT_ABI_VAL_LEN 4       /* uint32: bytes of a string (without NUL) or buffer */
#define WEFT_ABI_VAL_WORD 8      /* the value: int32, double, or a pointer */
#define WEFT_ABI_TYPE_INT 105    /* 'i' */
#define WEFT_ABI_TYPE_DOUBLE 100 /* 'd' */
#define WEFT_ABI_TYPE_STRING 115 /* 's' */
#define WEFT_ABI_TYPE_BYTES 98   /* 'b' */
#define WEFT_ABI_TYPE_HANDLE 104 /* 'h' */
#define WEFT_ABI_SETTLE_TAKE -1  /* weft__settle's type: the result waits in the host (weft_host_take) */

/* ---- fetch ---------------------------------------------------------------- */
#define WEFT_ABI_READ_PENDING -1000 /* weft_host_response_read: nothing buffered yet */
#define WEFT_ABI_TEXT_STATUS 0      /* weft_host_response_text: the status text */
#define WEFT_ABI_TEXT_HEADER 1      /* ...a header by name */
#define WEFT_ABI_TEXT_HEADER_AT 2   /* ...the name and value of header i */
#define WEFT_ABI_TEXT_URL 3         /* ...the response's URL (after redirects) */
#define WEFT_ABI_HEADER_STRIDE 8    /* weft_fetch_opts.headers: (name, value) pointer pairs */

/* ---- descriptors (runtime/src/host/fd.c, runtime/js/fd.mjs) ---------------- */
#define WEFT_ABI_FD_PENDING -1000 /* stdin_read, stream_read/write: not now (the host will call weft__fd_ready) */
#define WEFT_ABI_FD_EFAULT -2     /* ...the buffer lies outside memory */
#define WEFT_ABI_FD_EBADF -3      /* ...the stream has no such side (not readable, not writable) */
#define WEFT_ABI_FD_EIO -4        /* ...the readable stream failed */
#define WEFT_ABI_FD_EPIPE -5      /* ...the writable stream failed or was closed */
#define WEFT_ABI_FD_READABLE 1    /* stream_poll's bits: a read would not wait */
#define WEFT_ABI_FD_WRITABLE 2    /* ...a write would not wait */
#define WEFT_ABI_FD_ERROR 4       /* ...the stream failed */

/* ---- tracing (runtime/js/trace.mjs) ------------------------------------------
 * weft_host_trace(event, co, detail, text)'s events, sent only while the
 * host has turned tracing on (weft__trace(1)). The first four are
 * weft_set_hook's WEFT_EV_* (runtime/src/core/sched.c checks). */
#define WEFT_ABI_TRACE_SPAWN 0   /* co was spawned; text: its name */
#define WEFT_ABI_TRACE_SUSPEND 1 /* co stopped running; detail: its wait kind (WEFT_WAIT_*); text: what it waits for (NULL: yield) */
#define WEFT_ABI_TRACE_RESUME 2  /* co starts running */
#define WEFT_ABI_TRACE_EXIT 3    /* co ended; detail: its exit error (0: it returned) */
#define WEFT_ABI_TRACE_WAKE 4    /* co's wait ended (it is ready); detail: the coroutine that woke it, 0: none (the host, a timer) */

/* ---- output ----------------------------------------------------------------- */
#define WEFT_ABI_IOV_STRIDE 8 /* fd_write's iovec: { uint32 base; uint32 len } */

/* ---- imports: what the host provides -----------------------------------------
 * XX(name, result, parameters): the C function weft_host_<name>. Each is
 * declared by WEFT_HOST_DECLARE below, forwarded by
 * runtime/js/library_weft.js to the host object, whose `imports.<name>`
 * implements it. The kernel's come first. */
#define WEFT_IMPORTS(XX)                                                                         \
  XX(timer, void, (double ms))                                                                   \
  XX(wake, void, (void))                                                                         \
  XX(exit, void, (int status))                                                                   \
  XX(fatal, void, (int code, const char *msg))                                                   \
  XX(stack_checked, int, (void))                                                                 \
  XX(stack_limits, void, (void *base, void *end))                                                \
  XX(trace, void, (int event, int co, int detail, const char *text))                             \
  XX(call, void, (int op, const char *name, const char *sig, const void *vals, int nargs))      \
  XX(take, int, (int op, void *out))                                                             \
  XX(drop, void, (int op))                                                                       \
  XX(handle_free, int, (int32_t h))                                                              \
  XX(export_done, void, (int call, int status, const void *result, const char *msg))            \
  XX(export_yield, int, (int call, const void *result, int op))                                  \
  XX(fetch, int, (int op, const char *url, const char *method, const char *const *headers,      \
                  const void *body, size_t body_len, double timeout_ms, int32_t signal,           \
                  int redirect))                                                                 \
  XX(response_status, int, (int32_t r))                                                          \
  XX(response_text, int, (int32_t r, int what, const char *name, int index, char *buf,          \
                          size_t cap, char *buf2, size_t cap2))                                  \
  XX(response_read, long, (int32_t r, int op, void *buf, size_t cap))                            \
  XX(response_free, int, (int32_t r))                                                            \
  XX(abort_new, int32_t, (void))                                                                 \
  XX(abort, int, (int32_t h))                                                                    \
  XX(stdin_read, int, (void *buf, size_t cap))                                                   \
  XX(stdin_close, void, (void))                                                                  \
  XX(stream_open, int, (int32_t handle))                                                         \
  XX(stream_read, int, (int id, void *buf, size_t cap))                                          \
  XX(stream_write, int, (int id, const void *buf, size_t n, int whole))                          \
  XX(stream_poll, int, (int id, int events))                                                     \
  XX(stream_close, void, (int id))

#define WEFT_HOST_DECLARE(name, result, params) result weft_host_##name params;

/* The JSPI backend's imports (runtime/src/core/switch_jspi.c; weft-cc
 * --jspi builds only), declared and forwarded like the ones above:
 * co_start runs a coroutine's first part (a promising call of
 * weft__co_run), co_suspend (wrapped with WebAssembly.Suspending) parks the
 * running one until co_resume, and co_drop ends a parked one's stack, or
 * the running one's (it throws). */
#define WEFT_JSPI_IMPORTS(XX)                                                                    \
  XX(co_start, void, (void *co))                                                                 \
  XX(co_resume, void, (void *co))                                                                \
  XX(co_suspend, void, (void *co))                                                               \
  XX(co_drop, void, (void *co))

/* ---- exports: what the host calls ---------------------------------------------
 * XX(name): the C function weft__<name>, exported as _weft__<name>. */
#define WEFT_ENTRY_POINTS(XX)                                                                    \
  XX(boot)                                                                                       \
  XX(tick)                                                                                       \
  XX(timer_fired)                                                                                \
  XX(recover)                                                                                    \
  XX(recover_text)                                                                               \
  XX(current)                                                                                    \
  XX(stall)                                                                                      \
  XX(halt)                                                                                       \
  XX(settle)                                                                                     \
  XX(invoke)                                                                                     \
  XX(cancel_export)                                                                              \
  XX(list_text)                                                                                  \
  XX(fd_ready)                                                                                   \
  XX(stream_install)                                                                             \
  XX(trace)

/* The JSPI backend's entry points (weft-cc --jspi builds only): a
 * coroutine's bottom frame, which the host wraps with
 * WebAssembly.promising; the report of a coroutine whose promising call
 * rejected (a trap, a JS exception); the cap on live coroutines. */
#define WEFT_JSPI_ENTRY_POINTS(XX)                                                               \
  XX(co_run)                                                                                     \
  XX(co_fault)                                                                                   \
  XX(jspi_cap)

/* ---- Asyncify ------------------------------------------------------------------
 * Functions that hold an indirect call but never sit on a suspended
 * coroutine's stack. Asyncify cannot see that, and would instrument them
 * and every caller: the scheduler, the switch and the host's entry points;
 * the dynCall_ thunks JS uses; and musl's stdio on its output side, whose
 * writes never suspend (runtime/src/host/fd.c). Its input side, __uflow
 * and __shgetc (under fgets, getc, scanf), is left out: a read of stdin
 * or a pipe suspends beneath them. (A missing name costs only size; a
 * wrong one is a function that suspends: tests catch it.) */
#define WEFT_NEVER_SUSPENDS(XX)                                                                  \
  XX("weft__boot") XX("weft__tick") XX("weft__timer_fired") XX("weft__settle")                   \
  XX("weft__invoke") XX("weft__recover") XX("weft__stall") XX("weft__halt") XX("weft__list_text") \
  XX("sched_spawn") XX("sched_finish") XX("sched_event") XX("sched_interrupt") XX("sched_unlink")\
  XX("wait_describe") XX("registry_each") XX("weft_spawn")                                       \
  XX("weft_get_stats") XX("dynCall_*") XX("legalstub$dynCall_*")                                 \
  XX("fflush") XX("__fwritex") XX("__towrite") XX("__toread")                                  \
  XX("puts") XX("printf_core") XX("__vfprintf_internal") XX("pop_arg") XX("fclose")              \
  XX("fseeko") XX("__fseeko_unlocked") XX("ftello") XX("__stdio_exit")

/* The runtime's own indirect calls that can reach a suspend point, for
 * builds with --ignore-indirect. A coroutine's first function is called
 * by the (uninstrumented) scheduler, so only trampolines inside a
 * coroutine need naming: the one that runs a WEFT_EXPORT function. */
#define WEFT_RUNTIME_SUSPENDS(XX) XX("export_entry_run")

#endif
