/*
 * calc.c — a small line-oriented calculator, written as a plain POSIX C
 * program (nothing of weft in it): it reads commands from stdin with
 * fgets, one per line, and answers on stdout. With weft, it runs unchanged
 * in Node with stdin piped in, or in a page with a `stdin` source:
 *
 *   printf 'let r = 2\n3.14159 * r ^ 2\nquit\n' | node -e \
 *     "import('weft-wasm').then(w => w.run('./calc.mjs'))"
 *
 * Commands:
 *   EXPR               evaluate and print (+ - * / % ^, parentheses,
 *                      unary minus, variables, sqrt() abs() min() max())
 *   let NAME = EXPR    assign a variable
 *   vars               list the variables
 *   help               this list
 *   quit               leave (so does the end of input)
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 64
#define NAME_LEN 32

static struct { char name[NAME_LEN]; double value; } vars[MAX_VARS];
static int nvars;

static const char *p;     /* the parser's position in the line */
static char error[128];   /* the first error in this line, or "" */

static void fail(const char *msg) {
  if (!error[0]) snprintf(error, sizeof error, "%s", msg);
}

static double *lookup(const char *name, int create) {
  for (int i = 0; i < nvars; i++)
    if (strcmp(vars[i].name, name) == 0) return &vars[i].value;
  if (!create) return NULL;
  if (nvars == MAX_VARS) {
    fail("too many variables");
    return NULL;
  }
  snprintf(vars[nvars].name, NAME_LEN, "%s", name);
  vars[nvars].value = 0;
  return &vars[nvars++].value;
}

static void skip(void) {
  while (isspace((unsigned char)*p)) p++;
}

static int accept(char c) {
  skip();
  if (*p == c) {
    p++;
    return 1;
  }
  return 0;
}

static int name(char *out) {
  skip();
  if (!isalpha((unsigned char)*p) && *p != '_') return 0;
  int n = 0;
  while (isalnum((unsigned char)*p) || *p == '_') {
    if (n < NAME_LEN - 1) out[n++] = *p;
    p++;
  }
  out[n] = 0;
  return 1;
}

static double expr(void);

static double call(const char *fn) {
  double a = expr(), b = 0;
  int two = accept(',');
  if (two) b = expr();
  if (!accept(')')) fail("missing ')'");
  if (!strcmp(fn, "sqrt") && !two) return a < 0 ? (fail("sqrt of a negative number"), 0) : sqrt(a);
  if (!strcmp(fn, "abs") && !two) return fabs(a);
  if (!strcmp(fn, "min") && two) return a < b ? a : b;
  if (!strcmp(fn, "max") && two) return a > b ? a : b;
  fail("unknown function");
  return 0;
}

static double primary(void) {
  char id[NAME_LEN];
  skip();
  if (accept('(')) {
    double v = expr();
    if (!accept(')')) fail("missing ')'");
    return v;
  }
  if (accept('-')) return -primary();
  if (isdigit((unsigned char)*p) || *p == '.') {
    char *end;
    double v = strtod(p, &end);
    p = end;
    return v;
  }
  if (name(id)) {
    if (accept('(')) return call(id);
    double *v = lookup(id, 0);
    if (!v) {
      char msg[80];
      snprintf(msg, sizeof msg, "unknown variable '%s'", id);
      fail(msg);
      return 0;
    }
    return *v;
  }
  fail(*p ? "unexpected character" : "unexpected end of line");
  return 0;
}

static double power(void) {
  double base = primary();
  if (accept('^')) return pow(base, power()); /* right-associative */
  return base;
}

static double term(void) {
  double v = power();
  for (;;) {
    if (accept('*')) v *= power();
    else if (accept('/')) {
      double d = power();
      if (d == 0) fail("division by zero");
      else v /= d;
    } else if (accept('%')) {
      double d = power();
      if (d == 0) fail("division by zero");
      else v = fmod(v, d);
    } else return v;
  }
}

static double expr(void) {
  double v = term();
  for (;;) {
    if (accept('+')) v += term();
    else if (accept('-')) v -= term();
    else return v;
  }
}

static void print_number(double v) {
  if (v == floor(v) && fabs(v) < 1e15) printf("%.0f\n", v);
  else printf("%.6g\n", v);
}

/* One line: returns 0 to quit. */
static int command(char *line) {
  char id[NAME_LEN];
  line[strcspn(line, "\r\n")] = 0;
  p = line;
  error[0] = 0;
  skip();
  if (!*p || *p == '#') return 1;
  if (!strcmp(p, "quit") || !strcmp(p, "exit")) return 0;
  if (!strcmp(p, "help")) {
    puts("EXPR | let NAME = EXPR | vars | help | quit");
    return 1;
  }
  if (!strcmp(p, "vars")) {
    for (int i = 0; i < nvars; i++) {
      printf("%s = ", vars[i].name);
      print_number(vars[i].value);
    }
    return 1;
  }
  if (!strncmp(p, "let", 3) && isspace((unsigned char)p[3])) {
    p += 3;
    if (!name(id) || !accept('=')) {
      puts("error: usage: let NAME = EXPR");
      return 1;
    }
    double v = expr();
    skip();
    if (*p) fail("unexpected text after the expression");
    double *slot = error[0] ? NULL : lookup(id, 1);
    if (error[0]) printf("error: %s\n", error);
    else {
      *slot = v;
      printf("%s = ", id);
      print_number(v);
    }
    return 1;
  }
  double v = expr();
  skip();
  if (*p) fail("unexpected text after the expression");
  if (error[0]) printf("error: %s\n", error);
  else print_number(v);
  return 1;
}

int main(void) {
  char line[512];
  int lines = 0;
  printf("calc: type 'help' for commands\n");
  for (;;) {
    printf("> ");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) {
      printf("\n");
      break;
    }
    lines++;
    if (!command(line)) break;
  }
  printf("bye after %d lines\n", lines);
  return 0;
}
