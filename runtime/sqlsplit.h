/*
 * sqlsplit.h - cutting a migration file into statements at top-level ';' as PostgreSQL's lexer
 * sees the text, so apply.c can send them in one pipeline and point at the failing one by
 * file:line:col. Pure functions over a NUL-terminated buffer.
 */
#ifndef STRAV_SQLSPLIT_H
#define STRAV_SQLSPLIT_H

#include "base.h"

/* Statements of s as [start, end) byte offsets in (*out)[2i], (*out)[2i+1]; each ends just after
 * its ';' (the last one may have none). A ';' inside a quoted string ('...', E'...' with
 * backslash escapes, doubled quotes), a quoted identifier ("..."), a dollar-quoted body
 * ($$...$$, $tag$...$tag$), a -- comment or a nested block comment does not split. A trailing
 * part holding only whitespace is not a statement; an unterminated quote or comment runs to the
 * end. Returns the count; the caller frees *out (also when the count is 0). */
size_t sqlsplit_statements(const char *s, size_t **out);

/* Whether s holds a SQL-standard function body (BEGIN ATOMIC ... END), whose inner semicolons
 * are top-level to the splitter: such a file must be sent whole, as one simple query. */
bool sqlsplit_has_begin_atomic(const char *s);

#endif
