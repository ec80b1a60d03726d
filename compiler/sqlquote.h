/*
 * sqlquote.h - the only way names and literals reach generated SQL (and strav-run's SQL).
 * sql_ident follows PostgreSQL's fmtId/quote_ident: bare when it is a plain lowercase name
 * that is not a reserved (or type/column-name) keyword, otherwise double-quoted with "
 * doubled. sql_literal writes a standard-conforming string literal with ' doubled.
 */
#ifndef STRAV_SQLQUOTE_H
#define STRAV_SQLQUOTE_H

#include "base.h"

struct StrBuf;

/* When true, sql_ident quotes every identifier (stravc --quote-all-identifiers). */
extern bool sql_quote_all;

void sql_ident(struct StrBuf *out, const char *name);
/* name double-quoted with " doubled, whatever it is (sql_ident's quoted form). */
void sql_ident_quoted(struct StrBuf *out, const char *name);
/* Lowercase letters, digits and _, not starting with a digit: the names sql_ident may leave
 * bare unless they are keywords. */
bool sql_ident_is_plain(const char *s);
void sql_literal(struct StrBuf *out, const char *value);
/* schema.name, with schema omitted when NULL */
void sql_qualified(struct StrBuf *out, const char *schema, const char *name);
bool sql_is_keyword(const char *word); /* a keyword that is not UNRESERVED */

#endif
