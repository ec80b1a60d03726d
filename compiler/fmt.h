/*
 * fmt.h - the canonical formatter (stravc fmt): AST + comments -> .strav text.
 * Pipeline: source -> parser -> AST -> fmt_file (this). Idempotent, and the output parses to
 * the same AST (spans aside).
 */
#ifndef STRAV_FMT_H
#define STRAV_FMT_H

#include "ast.h"
#include "strbuf.h"

/* Append the canonical text of f (parsed without errors) to out. */
void fmt_file(StrBuf *out, const AstFile *f);

#endif
