/*
 * parse.h - the .strav parser: parse_file() runs the lexer (lex.h) and the lemon parser
 * (grammar/parser.y) over one Source and returns its AST (ast.h). Also the helpers the
 * grammar actions call and the prototypes of lemon's generated API (so the generated parser
 * compiles under -Wmissing-prototypes).
 */
#ifndef STRAV_PARSE_H
#define STRAV_PARSE_H

#include <stdio.h>

#include "arena.h"
#include "ast.h"
#include "base.h"
#include "diag.h"
#include "lex.h"
#include "source.h"

/* Parse one file. Never returns NULL. Syntax errors are reported to d (check
 * diag_count_errors); after each one parsing resumes at the next member of the body or the
 * next declaration (docs/language.md, "Errors"), so the AST holds every declaration that
 * could be recovered. Everything is allocated from a; src must outlive the AST. */
AstFile *parse_file(Arena *a, Source *src, Diag *d);

/* ---- used by the grammar actions only ---- */

typedef struct DocEntry DocEntry;

#define PARSE_MAX_PARENS 8

typedef struct ParseCtx {
    Arena *arena;
    Source *src;
    Diag *diag;
    int nerr;                    /* errors reported (syntax, lexical, repeated attributes) */
    AstDecl *decls, *decls_tail; /* completed declarations */
    /* Error recovery (parse.c): */
    int nsyntax;   /* syntax errors the grammar hit; the driver resynchronizes after each */
    bool quiet;    /* the token being fed was made up by the driver: do not report it */
    bool overflow; /* the parser stack overflowed: parsing stops */
    /* What the driver knows about the token being fed, for the messages of parse_error.c: */
    Token prev, prev2;  /* the two tokens fed before it (kind 0: none) */
    bool prev_first;    /* prev was the first token on its line */
    uint32_t line;      /* 1-based line of the token being fed */
    int braces;         /* '{' open before it */
    int decl_kw;        /* TK_ kind of the keyword of the open declaration (0 outside one) */
    Token decl_name;    /* its name (kind 0: none yet) */
    Token parens[PARSE_MAX_PARENS]; /* the innermost open '(' / '[' (nparens may be larger) */
    int nparens;
} ParseCtx;

/* List builders: head plus tail so appending stays O(1) on huge inputs. */
typedef struct TermList {
    AstTerm *head, *tail;
} TermList;
typedef struct ArgList {
    AstArg *head, *tail;
} ArgList;
typedef struct AttrList {
    AstAttr *head, *tail;
} AttrList;
typedef struct AsList {
    AstAs *head, *tail;
} AsList;

/* A declaration body while it is being parsed. */
typedef struct Body {
    AstField *fields, *fields_tail;
    AstAttr *attrs, *attrs_tail;
    AstAs *as, *as_tail;
    AstEnumValue *values, *values_tail;
} Body;

AstTerm *p_term(ParseCtx *ctx, TermKind kind, Token t);
AstTerm *p_term_neg(ParseCtx *ctx, Token minus, Token num);
AstTerm *p_term_sql(ParseCtx *ctx, Token kw, Token str, Token rparen);
TermList p_terms(TermList l, AstTerm *t);
ArgList p_args(ArgList l, AstArg *x);
AttrList p_attrs(AttrList l, AstAttr *x);
AsList p_as(AsList l, AstAs *x);
AstArg *p_arg(ParseCtx *ctx, AstTerm *key, AstTerm *terms);
AstAttr *
p_attr(ParseCtx *ctx, Token at, Token name, bool table_level, bool parens, AstArg *args, Token end);
AstType p_type(ParseCtx *ctx, AstTerm *name, bool has_args, AstArg *args, Token end);
AstType p_type_dim(ParseCtx *ctx, AstType t, Token end);
AstType p_type_nullable(ParseCtx *ctx, AstType t, Token end);
AstField *p_field(ParseCtx *ctx, AstTerm *name, AstType type, AstTerm *def, AstAttr *attrs);
AstAs *p_as_entry(ParseCtx *ctx, AstTerm *target, AstTerm *relname);
AstEnumValue *p_value(ParseCtx *ctx, AstTerm *name, AstAttr *attrs);
Body *p_body(ParseCtx *ctx);
Body *p_body_field(Body *b, AstField *f);
Body *p_body_attr(Body *b, AstAttr *x);
Body *p_body_as(Body *b, AsList l);
Body *p_body_value(Body *b, AstEnumValue *v);
void p_decl(ParseCtx *ctx, Token kw, AstTerm *name, AstTerm *parents, Body *b, Token end);
/* types branch: `domain name type [= default] { ... }`, a DECL_DOMAIN with `base` set. */
void p_type_domain(ParseCtx *ctx, Token kw, AstTerm *name, AstType type, AstTerm *def, Body *b,
                   Token end);
void p_stack_overflow(ParseCtx *ctx);

/* ---- error messages (parse_error.c) ---- */

/* A syntax error at t, with the terminals the parser could have shifted instead. */
void p_syntax_error(ParseCtx *ctx, Token t, const int *expected, int nexpected);
/* A lexical error token (TK_ILLEGAL, TK_NUL, TK_UNTERM_*); end is where the lexer stopped.
 * Not reported unless report (a NUL byte always is). Returns true when parsing cannot go on
 * (a NUL byte). */
bool p_lex_error(ParseCtx *ctx, Token t, uint32_t end, bool report);
/* The '{' at open is never closed: the next declaration starts at next (kind 0: the file
 * ends there). */
void p_unclosed_brace(ParseCtx *ctx, Token open, Token next);
/* A field attribute (or enum value attribute) written twice. */
void p_check_repeats(ParseCtx *ctx, const AstAttr *attrs);

/* lemon's generated API (build/gen/parser.c), called only from parse.c. */
void *StravParseAlloc(void *(*mallocProc)(size_t), ParseCtx *ctx);
void StravParseFree(void *p, void (*freeProc)(void *));
void StravParse(void *yyp, int yymajor, Token yyminor);
void StravParseTrace(FILE *TraceFILE, char *zTracePrompt);
int StravParseFallback(int iToken);
int StravParseDepth(void *p);
void StravParseResync(void *p);
void StravParseInit(void *yypRawParser, ParseCtx *ctx);
void StravParseFinalize(void *p);

#endif
