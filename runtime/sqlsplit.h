/*
 * sqlsplit.h - cutting a migration file into statements at top-level ';' as PostgreSQL's lexer
 * sees the text, so apply.c can send them in one pipeline and point at the failing one by
 * file:line:col, and finding statements that would take the transaction or the session away
 * from the runtime (migset.c refuses such files). Pure functions over a NUL-terminated buffer.
 */
#ifndef STRAV_SQLSPLIT_H
#define STRAV_SQLSPLIT_H

#include "base.h"

/* Statements of s as [start, end) byte offsets in (*out)[2i], (*out)[2i+1]; each ends just after
 * its ';' (the last one may have none). A ';' inside a quoted string ('...', E'...' with
 * backslash escapes, doubled quotes), a quoted identifier ("..."), a dollar-quoted body
 * ($$...$$, $tag$...$tag$), a -- comment or a nested block comment does not split. A trailing
 * part holding only whitespace is not a statement; an unterminated quote or comment runs to the
 * end; a leading UTF-8 byte order mark is in no statement. Returns the count; the caller frees
 * *out (also when the count is 0). */
size_t sqlsplit_statements(const char *s, size_t **out);

/* Whether s holds a SQL-standard function body (BEGIN ATOMIC ... END), whose inner semicolons
 * are top-level to the splitter: such a file must be sent whole, as one simple query. */
bool sqlsplit_has_begin_atomic(const char *s);

/* The first statement of s that takes over what the runtime owns: the transaction (BEGIN,
 * START TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION,
 * COMMIT/ROLLBACK PREPARED) or the session (SET without LOCAL, including SET ROLE,
 * SET SESSION AUTHORIZATION and SET search_path; RESET; DISCARD; COPY ... FROM STDIN, whose
 * inline rows a file sent as statements cannot carry). SET LOCAL, SET CONSTRAINTS
 * and SET TRANSACTION only touch the current transaction and are allowed. Words inside strings,
 * quoted identifiers, comments, dollar-quoted bodies and BEGIN ATOMIC ... END bodies are not
 * statement starts. Returns what was found ("COMMIT", "SET search_path", ...) in a static
 * buffer of the caller's (why, at least 64 bytes) with *off = the byte offset of the
 * statement's first word, or NULL when there is none. */
const char *sqlsplit_session_control(const char *s, size_t *off, char *why, size_t whylen);

#endif
