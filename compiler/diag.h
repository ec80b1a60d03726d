/*
 * diag.h - compiler diagnostics: collect, sort, render as
 *   path:line:col: error: message / the source line / a caret under the span / note: lines.
 * Used by every compiler stage; the runtime prints its own errors in the same format.
 */
#ifndef STRAV_DIAG_H
#define STRAV_DIAG_H

#include <stdio.h>

#include "base.h"
#include "source.h"

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct DiagItem DiagItem;
typedef struct Diag {
    DiagItem *items; /* in insertion order */
    size_t n, cap;
    int nerrors, nwarnings;
    int max_errors;  /* stop collecting after this many errors (default 20) */
    bool capped;     /* max_errors was reached: "too many errors, stopping" */
} Diag;

void diag_init(Diag *d);
void diag_release(Diag *d);

/* Report at a span. A note attaches to the diagnostic reported just before it.
 * Messages are lowercase, one line, no trailing period; user names in single quotes. */
void diag_at(Diag *d, DiagLevel level, Span span, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Report with no location: "stravc: error: ..." */
void diag_global(Diag *d, DiagLevel level, const char *fmt, ...) PRINTF_LIKE(3, 4);

int diag_count_errors(const Diag *d);
bool diag_full(const Diag *d); /* true once max_errors errors were collected */

/* Print everything sorted by (path, offset, insertion order), notes kept after their
 * diagnostic. color: use ANSI colours. Clears the list. */
void diag_flush(Diag *d, FILE *out, bool color);

/* Read access for consumers that render diagnostics themselves (the LSP server, lsp.c):
 * the items in insertion order; parent is the diagnostic a note belongs to (its own index for
 * errors and warnings). located is false for diag_global ones. */
typedef struct DiagView {
    DiagLevel level;
    Span span;
    bool located;
    const char *msg;
    size_t parent;
} DiagView;
size_t diag_size(const Diag *d);
DiagView diag_view(const Diag *d, size_t i);

/* Program name used for location-less diagnostics (default "stravc"). */
extern const char *diag_progname;

#endif
