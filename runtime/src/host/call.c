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

/* Why `sig` is not "ARGS>RESULT" (NULL if it is); *nargs: the argument count. */
static const char *sig_check(const char *sig, int *nargs, char *why, size_t n) {
  const char *arrow = strchr(sig, '>');
  for (const char *c = sig; *c; c++) {
    if (c == arrow || strchr("idsbh", *c)) continue;
    if (*c == '>') snprintf(why, n, "more than one '>'");
    else if (*c > ' ' && *c < 127) snprintf(why, n, "'%c' is not a type (i d s b h)", *c);
    else snprintf(why, n, "character 0x%02x is not a type (i d s b h)", (unsigned char)*c);
    return why;
  }
  if (!arrow) return "the signature has no '>' (write ARGS>RESULT, e.g. \"ii>i\")";
  if (arrow - sig > MAX_ARGS) return "at most 16 arguments";
  if (arrow[1] && arrow[2]) return "at most one result after '>'";
  *nargs = (int)(arrow - sig);
  return NULL;
}

/* weft_call("name", "sig"): how failures name the call. */
#define CALL_FMT "weft_call(%s%.60s%s, %s%.40s%s)"
#define CALL_ARGS(name, sig) name ? "\"" : "", name ? name : "NULL", name ? "\"" : "", \
                             sig ? "\"" : "", sig ? sig : "NULL", sig ? "\"" : ""

int weft_call(const char *name, const char *sig, ...) {
  int nargs = 0, err = sched_check();
  if (err) return report_error(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
  char why[64];
  const char *bad = !name ? "the function name is NULL"
                    : !sig ? "the signature is NULL"
                           : sig_check(sig, &nargs, why, sizeof why);
  if (bad) return report_error(WEFT_EINVAL, CALL_FMT ": %s", CALL_ARGS(name, sig), bad);
  weft_val args[MAX_ARGS];
  va_list ap;
  va_start(ap, sig);
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
  void *res = want ? va_arg(ap, void *) : NULL, *res_len = want == 'b' ? va_arg(ap, void *) : NULL;
  va_end(ap);
  if (want && (!res || (want == 'b' && !res_len)))
    return report_error(WEFT_EINVAL, CALL_FMT ": the result pointer is NULL", CALL_ARGS(name, sig));
  for (int i = 0; i < nargs; i++)
    if (args[i].type == 'b' && !args[i].u.p && args[i].len)
      return report_error(WEFT_EINVAL, CALL_FMT ": argument %d is NULL with length %u", CALL_ARGS(name, sig), i + 1,
                       args[i].len);
  int op = host_op_begin();
  if (op < 0) return report_error(op, CALL_FMT ": out of memory", CALL_ARGS(name, sig));
  weft_host_call(op, name, sig, args, nargs); /* reads args now: they may live on a compact stack */
  weft_val r;
  err = host_op_take(op, host_op_wait(op, OP_CALL, name), &r);
  if (err < 0) {
    if (!*weft_last_error()) report_error(err, CALL_FMT ": %s", CALL_ARGS(name, sig), weft_strerror(err));
    return err;
  }
  if (!want) return 0;
  if (r.type != want || ((want == 's' || want == 'b') && !r.u.p)) { /* never from weft's own host */
    if (r.type == 's' || r.type == 'b') free(r.u.p);
    return report_error(WEFT_EINVAL, CALL_FMT ": the host gave no '%c' result", CALL_ARGS(name, sig), want);
  }
  switch (want) {
  case 'i': *(int32_t *)res = r.u.i; break;
  case 'h': *(weft_handle *)res = r.u.i; break;
  case 'd': *(double *)res = r.u.d; break;
  case 's': *(char **)res = r.u.p; break;
  case 'b':
    *(void **)res = r.u.p;
    *(size_t *)res_len = r.len;
    break;
  }
  return 0;
}

int weft_handle_free(weft_handle h) { return weft_host_handle_free(h); }

