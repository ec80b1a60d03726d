/*
 * sqlnorm.h - canonical forms of column defaults and SQL expression text, so that a default the
 * compiler emits and the text PostgreSQL gives back (pg_get_expr) compare equal in the model.
 * Pure string functions; used by introspection (runtime/introspect.c), and meant for sema and the
 * diff too (default_canonicalize) so both sides of a comparison go through the same rules.
 */
#ifndef STRAV_SQLNORM_H
#define STRAV_SQLNORM_H

#include "arena.h"
#include "model.h"

/* The spelling every "current time" default is reduced to: now(), CURRENT_TIMESTAMP,
 * transaction_timestamp() all become this DEF_EXPR text. */
#define SQLNORM_NOW "CURRENT_TIMESTAMP"

/* Parse a default as pg_get_expr(adbin, adrelid, true) prints it for a column of type t:
 *   'x'::text, 'x'::character varying  -> DEF_STRING x (quotes undoubled)
 *   42, -1.5, (-1), '-1'::integer       -> DEF_NUMBER (on numeric columns)
 *   true, false                         -> DEF_BOOL;  NULL, NULL::text -> DEF_NONE
 *   now(), CURRENT_TIMESTAMP            -> DEF_EXPR CURRENT_TIMESTAMP
 *   anything else                       -> DEF_EXPR with the text
 * nextval() is not special here (the caller knows the owned sequences). Arena-owned result. */
Default sqlnorm_default(Arena *a, const char *expr, const SqlType *t);

/* Bring a default written in a .strav file (or read from JSON) to the same canonical form:
 * numbers on string columns become strings and numeric strings on numeric columns numbers,
 * DEFAULT NULL becomes no default (PostgreSQL does not store it), now() becomes
 * CURRENT_TIMESTAMP. */
void default_canonicalize(Arena *a, Default *d, const SqlType *t);

/* True when s is a decimal number as SQL writes it (-1, 3.5, 1e6, .5). */
bool sqlnorm_is_number(const char *s);
/* A number (sqlnorm_is_number) as numeric_out prints the literal: no '+', no exponent, no
 * leading zeros, the fraction digits as written shifted by the exponent (1.50 -> 1.50,
 * 1e6 -> 1000000, 1.5e-3 -> 0.0015), no sign on zero. NULL when the exponent is beyond +-1000. */
const char *sqlnorm_canon_number(Arena *a, const char *txt);

/* expr on one line: every run of white space holding a line break, outside quotes ('...',
 * "..."), becomes one space (pretty-printed CASE expressions); expr itself when it has none.
 * SQL does not care, and a .strav string cannot hold a line break. */
const char *sqlnorm_oneline(Arena *a, const char *expr);

/* expr without one pair of parentheses around the whole of it ("(a + 1)" -> "a + 1");
 * returns expr itself when there is none. */
const char *sqlnorm_strip_parens(Arena *a, const char *expr);

/* Parse a PostgreSQL array literal of text ({a,"b c","d\"e"}) into an arena array of strings.
 * Returns false on malformed input. NULL elements are not supported. */
bool sqlnorm_parse_text_array(Arena *a, const char *lit, const char ***out, size_t *n);

#endif
