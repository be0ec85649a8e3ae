/*
 * call.c — weft_call(): await any JS function from C. The arguments are
 * marshalled by the signature into weft_val records the host reads at
 * once; the result comes back through a host operation (ops.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"

#define MAX_ARGS 16

/* Why `sig` is not "ARGS>RESULT", naming the position (from 1) and the
 * character (NULL if it is fine); *nargs: the argument count. */
static const char *sig_check(const char *sig, int *nargs, char *why, size_t n) {
  const char *arrow = strchr(sig, '>');
  for (const char *c = sig; *c; c++) {
    int at = (int)(c - sig) + 1;
    if (c == arrow || strchr("idsbh", *c)) {
      if (arrow && c > arrow + 1) {
        snprintf(why, n, "character %d, '%c': at most one result after '>'", at, *c);
        return why;
      }
      continue;
    }
    if (*c == '>') snprintf(why, n, "character %d is a second '>' (write ARGS>RESULT)", at);
    else if (*c > ' ' && *c < 127) snprintf(why, n, "character %d, '%c', is not a type (i d s b h)", at, *c);
    else snprintf(why, n, "character %d, byte 0x%02x, is not a type (i d s b h)", at, (unsigned char)*c);
    return why;
  }
  if (!arrow) return "the signature has no '>' (write ARGS>RESULT, e.g. \"ii>i\")";
  if (arrow - sig > MAX_ARGS) {
    snprintf(why, n, "%d arguments before '>': at most 16", (int)(arrow - sig));
    return why;
  }
  *nargs = (int)(arrow - sig);
  return NULL;
}

/* weft_call("name", "sig"): how failures name the call. */
#define CALL_FMT "weft_call(%s%.60s%s, %s%.40s%s)"
#define CALL_ARGS(name, sig) name ? "\"" : "", name ? name : "NULL", name ? "\"" : "", \
                             sig ? "\"" : "", sig ? sig : "NULL", sig ? "\"" : ""

/* What each C type letter of WEFT_CALL (weft.h's WEFT__CTYPE) is, for messages. */
static const char *ctype_name(char t) {
  switch (t) {
  case 'i': return "an integer"; case 'L': return "a 64-bit integer or long double"; case 'd': return "a double";
  case 's': return "a char *"; case 'v': return "a void *"; case 'I': return "an int *"; case 'D': return "a double *";
  case 'S': return "a char **"; case 'V': return "a void **"; case 'Z': return "a size_t *";
  default: return "another type (a pointer or struct)";
  }
}

/* Whether C type letter `t` may stand for `want`: a signature's argument
 * letter, or for the results ('I' 'D' 'S' 'V' 'Z' 'n': a length). */
static bool ctype_fits(char want, char t) {
  switch (want) {
  case 'i': case 'h': case 'n': return t == 'i';
  case 'd': return t == 'd';
  case 's': return t == 's' || t == 'v';
  case 'b': return t == 's' || t == 'v' || t == 'I' || t == 'D' || t == 'S' || t == 'V' || t == 'Z' || t == '?';
  case 'I': return t == 'I';
  case 'D': case 'S': case 'V': case 'Z': return t == want;
  default: return false;
  }
}

/* Why the C argument types `types` (WEFT_CALL's) do not fit `sig`, a
 * valid signature with `nargs` arguments, or NULL. */
static const char *types_check(const char *types, const char *sig, int nargs, char *why, size_t n) {
  char want[2 * MAX_ARGS + 2]; /* what each C argument must be */
  int at[2 * MAX_ARGS + 2];    /* the signature character it stands for (0-based) */
  int k = 0;
  for (int i = 0; i < nargs; i++) {
    want[k] = sig[i], at[k++] = i;
    if (sig[i] == 'b') want[k] = 'n', at[k++] = i;
  }
  char r = sig[nargs + 1];
  if (r) {
    want[k] = r == 'i' || r == 'h' ? 'I' : r == 'd' ? 'D' : r == 's' ? 'S' : 'V', at[k++] = nargs + 1;
    if (r == 'b') want[k] = 'Z', at[k++] = nargs + 1;
  }
  int given = (int)strlen(types);
  for (int j = 0; j < k && j < given; j++) {
    if (ctype_fits(want[j], types[j])) continue;
    static const char *const needs[] = {"I", "an int32_t *", "D", "a double *", "S", "a char **", "V", "a void **",
                                        "Z", "a size_t *", "n", "a size_t length", "i", "an int32_t", "h",
                                        "a weft_handle", "d", "a double", "s", "a const char *", "b", "a pointer"};
    const char *need = "?";
    for (size_t q = 0; q < sizeof needs / sizeof *needs; q += 2)
      if (needs[q][0] == want[j]) need = needs[q + 1];
    snprintf(why, n, "C argument %d after the signature is %s, but character %d, '%c', needs %s", j + 1,
             ctype_name(types[j]), at[j] + 1, sig[at[j]], need);
    return why;
  }
  if (given != k) {
    snprintf(why, n, "%d C argument%s after the signature, which takes %d", given, given == 1 ? "" : "s", k);
    return why;
  }
  return NULL;
}

/* Where weft_call's result goes: the signature's result letter and the
 * caller's pointers for it. */
typedef struct {
  char want;
  void *res, *res_len;
} call_out;

/* Everything before the wait: the checks, the arguments read into records
 * the host reads at once, the op begun and the host called. Returns the op,
 * or an error (reported). A function of its own, so that the frame Asyncify
 * saves and restores on every await holds only what the wait needs (core.h).
 * LLVM does not inline it; Binaryen's inliner, which ignores noinline, keeps
 * it apart while weft_call and weft_call_checked both call it, and folds it
 * back into weft_call in a program that never calls the other. */
static __attribute__((noinline)) int call_start(const char *types, const char *name, const char *sig, va_list ap,
                                                call_out *out) {
  int nargs = 0, err = sched_check();
  if (err) return report_error(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
  char why[160];
  const char *bad = !name ? "the function name is NULL"
                    : !sig ? "the signature is NULL"
                           : sig_check(sig, &nargs, why, sizeof why);
  if (!bad && types) bad = types_check(types, sig, nargs, why, sizeof why);
  if (bad) return report_error(WEFT_EINVAL, CALL_FMT ": %s", CALL_ARGS(name, sig), bad);
  weft_val args[MAX_ARGS];
  for (int i = 0; i < nargs; i++) {
    weft_val *v = &args[i];
    v->type = sig[i];
    v->len = 0;
    switch (sig[i]) {
    case 'i': v->u.i = va_arg(ap, int32_t); break;
    case 'h': v->u.i = va_arg(ap, weft_handle); break;
    case 'd': v->u.d = va_arg(ap, double); break;
    case 's': v->u.p = va_arg(ap, char *); v->len = v->u.p ? (uint32_t)strlen(v->u.p) : 0; break;
    case 'b': v->u.p = va_arg(ap, void *); v->len = (uint32_t)va_arg(ap, size_t); break;
    }
  }
  /* The result pointers follow the arguments: checked before anything starts. */
  char want = sig[nargs + 1];
  out->want = want;
  out->res = want ? va_arg(ap, void *) : NULL;
  out->res_len = want == 'b' ? va_arg(ap, void *) : NULL;
  if (want && (!out->res || (want == 'b' && !out->res_len)))
    return report_error(WEFT_EINVAL, CALL_FMT ": the result pointer is NULL", CALL_ARGS(name, sig));
  for (int i = 0; i < nargs; i++)
    if (args[i].type == 'b' && !args[i].u.p && args[i].len)
      return report_error(WEFT_EINVAL, CALL_FMT ": argument %d is NULL with length %u", CALL_ARGS(name, sig), i + 1,
                       args[i].len);
  int op = host_op_begin();
  if (op < 0) return report_error(op, CALL_FMT ": out of memory", CALL_ARGS(name, sig));
  weft_host_call(op, name, sig, args, nargs); /* reads args now: they may live on a compact stack */
  return op;
}

/* Everything after the wait: the result taken and handed to the caller
 * (kept apart as call_start is). */
static __attribute__((noinline)) int call_finish(int op, int status, const call_out *out, const char *name,
                                                 const char *sig) {
  weft_val r;
  int err = host_op_take(op, status, &r);
  if (err < 0) {
    if (!*weft_last_error()) report_error(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
    return err;
  }
  char want = out->want;
  if (!want) return 0;
  if (r.type != want || ((want == 's' || want == 'b') && !r.u.p)) { /* never from weft's own host */
    if (r.type == 's' || r.type == 'b') free(r.u.p);
    return report_error(WEFT_EINVAL, CALL_FMT ": the host gave no '%c' result", CALL_ARGS(name, sig), want);
  }
  switch (want) {
  case 'i': *(int32_t *)out->res = r.u.i; break;
  case 'h': *(weft_handle *)out->res = r.u.i; break;
  case 'd': *(double *)out->res = r.u.d; break;
  case 's': *(char **)out->res = r.u.p; break;
  case 'b':
    *(void **)out->res = r.u.p;
    *(size_t *)out->res_len = r.len;
    break;
  }
  return 0;
}

/* The blocking function itself: start, wait, finish. */
static inline __attribute__((always_inline)) int call_v(const char *types, const char *name, const char *sig,
                                                      va_list ap) {
  call_out out;
  int op = call_start(types, name, sig, ap, &out);
  if (op < 0) return op;
  return call_finish(op, host_op_wait(op, OP_CALL, name), &out, name, sig);
}

int weft_call(const char *name, const char *sig, ...) {
  va_list ap;
  va_start(ap, sig);
  int rc = call_v(NULL, name, sig, ap);
  va_end(ap);
  return rc;
}

int weft_call_checked(const char *types, const char *name, const char *sig, ...) {
  va_list ap;
  va_start(ap, sig);
  int rc = call_v(types ? types : "", name, sig, ap);
  va_end(ap);
  return rc;
}

int weft_handle_free(weft_handle h) { return weft_host_handle_free(h); }

