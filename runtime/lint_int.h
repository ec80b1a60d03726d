/*
 * lint_int.h - inside the linter: one statement as tokens, shared by the engine (lint.c: the
 * tokenizer, state and findings) and the recognisers (lint_rules.c).
 */
#ifndef STRAV_LINT_INT_H
#define STRAV_LINT_INT_H

#include "lint.h"

typedef enum LTokKind { LT_WORD, LT_QIDENT, LT_STRING, LT_NUMBER, LT_PUNCT } LTokKind;

typedef struct LTok {
    LTokKind k;
    const char *s; /* word: lower-cased; quoted identifier: unquoted; string: its body */
} LTok;

typedef struct LStmt {
    Lint *l;
    const LTok *t;
    size_t n;
    const char *file;
    unsigned line;
    const char *ignores; /* "CODE reason\n" lines of strav-lint comments before it, or NULL */
} LStmt;

/* Token i is the keyword w (an unquoted word). */
bool lt_kw(const LStmt *st, size_t i, const char *w);
/* Token i is an identifier (word or quoted). */
bool lt_ident(const LStmt *st, size_t i);

/* Record a finding (printf message) for the statement; returns it (name can be set). */
/* SL405 for table, once per table and file, unless the run sets a lock_timeout (lint_rules.c;
 * also the typed-plan path, lint_plan.c). */
void lint_lock_check(const LStmt *st, const char *table, const char *what);
LintFinding *lint_add(const LStmt *st, const char *code, const char *table, const char *column,
                      const char *fmt, ...) PRINTF_LIKE(5, 6);

bool lint_names_has(const LintNames *n, const char *s);
void lint_names_add(Lint *l, LintNames *n, const char *s);

/* lint_rules.c: recognise one statement. */
void lint_statement(const LStmt *st);

#endif
