/*
 * lex.h - the .strav tokenizer (grammar/lexer.re, generated into build/gen/lexer.c).
 * Pipeline: Source -> lex_next (this) -> parser. Tokens are views into the source buffer
 * (offset + length, no copies); comments come out as tokens so the driver can keep them.
 */
#ifndef STRAV_LEX_H
#define STRAV_LEX_H

#include "base.h"

/* kind is a TK_* code from build/gen/parser.h, or 0 at end of input. */
typedef struct Token {
    int kind;
    uint32_t off, len; /* bytes in the source buffer */
} Token;

typedef struct Lexer {
    const unsigned char *start; /* the buffer (NUL-terminated) */
    const unsigned char *cur;   /* next byte to read */
    const unsigned char *lim;   /* the terminating NUL: start + len */
} Lexer;

void lex_init(Lexer *lx, const char *buf, size_t len);
/* Fill *out with the next token (comments included) and return its kind; 0 at end of input.
 * Errors come back as tokens: TK_ILLEGAL (a byte that starts no token), TK_NUL (a NUL byte
 * inside the file), TK_UNTERM_STRING, TK_UNTERM_QIDENT, TK_UNTERM_COMMENT. After an error
 * token the lexer may be called again: it resumes after the bad bytes. */
int lex_next(Lexer *lx, Token *out);
/* A printable name for a token kind: "identifier", "'{'", "'entity'", "end of input". */
const char *lex_token_name(int kind);

#endif
