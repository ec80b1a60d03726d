/*
 * parser.y - the .strav grammar (lemon). docs/language.md is the contract; every action is
 * one call into a p_* helper of compiler/parse.c, which builds the AST of ast.h in the arena.
 * Error recovery: the `error` rules at the end; parse.c decides where parsing resumes.
 */
%name StravParse
%token_prefix TK_
%token_type {Token}
%default_type {AstTerm *}
%extra_context {ParseCtx *ctx}
%start_symbol file
%default_destructor { (void)ctx; (void)$$; }
%syntax_error {
    (void)yymajor;
    int expected[64];
    int n = expected_tokens(yypParser, expected, (int)ARRAY_LEN(expected));
    p_syntax_error(ctx, TOKEN, expected, n);
}
%stack_overflow { p_stack_overflow(ctx); }
%include {
#include "parse.h"
struct yyParser;
static int expected_tokens(struct yyParser *p, int *out, int max);
}
%code {
/* The terminals that the state on top of the stack can shift: the "expected" note of a
 * syntax error. A keyword that would only be accepted as a name is not listed. */
static int expected_tokens(struct yyParser *p, int *out, int max)
{
    int n = 0;
    YYACTIONTYPE state = p->yytos->stateno;
    if (state > YY_MAX_SHIFT)
        return 0;
    YYACTIONTYPE as_name = yy_find_shift_action((YYCODETYPE)TK_IDENT, state);
    for (int t = 1; t < YYNTOKEN && n < max; t++) {
        YYACTIONTYPE act = yy_find_shift_action((YYCODETYPE)t, state);
        if (act > YY_MAX_SHIFTREDUCE)
            continue;
        if (StravParseFallback(t) == TK_IDENT && act == as_name)
            continue;
        out[n++] = t;
    }
    return n;
}

/* For the driver's error recovery (parse.c): how many symbols are on the stack (0 after a
 * failed parse was reset, 1 between declarations, more inside one), and ending lemon's
 * three-token quiet period once parse.c has resynchronized on a member or declaration. */
int StravParseDepth(void *p)
{
    struct yyParser *yp = p;
    return (int)(yp->yytos - yp->yystack);
}

void StravParseResync(void *p)
{
    ((struct yyParser *)p)->yyerrcnt = -1;
}
}

/* ORDER TOKENS: lex_token_name() in lexer.re follows these lines. Pseudo-tokens first:
 * the lexer returns them, the driver handles them, the grammar never sees them. */
%token ILLEGAL NUL UNTERM_STRING UNTERM_QIDENT UNTERM_COMMENT COMMENT DOC_COMMENT.
%token RECOVER. /* made up by parse.c: the end of the input skipped after a syntax error */
%token IDENT QIDENT STRING NUMBER.
%token LPAREN RPAREN LBRACE RBRACE LBRACKET RBRACKET COMMA COLON DOT QUESTION EQ MINUS AT ATAT.
%token ENTITY COMPONENT ATTRIBUTE ASSOCIATION EVENT REFERENCE CONFIGURATION CONTRIBUTION
       TABLE ENUM DOMAIN OF BETWEEN AS SQL TRUE FALSE NULL.
/* objects (issue 14): a dollar-quoted SQL body, $$...$$ or $tag$...$tag$ */
%token DOLLAR.
%token TYPE. /* types branch: composite types */

/* Every keyword is also a name wherever it cannot mean anything else. */
%fallback IDENT ENTITY COMPONENT ATTRIBUTE ASSOCIATION EVENT REFERENCE CONFIGURATION
          CONTRIBUTION TABLE ENUM DOMAIN OF BETWEEN AS SQL TRUE FALSE NULL TYPE.

/* ---- file and declarations ---- */

file ::= decls.
decls ::= .
decls ::= decls decl.

/* The archetypes differ only in the implicit columns sema adds (docs/language.md). */
%token_class archetype ENTITY|COMPONENT|ATTRIBUTE|EVENT|REFERENCE|CONFIGURATION|CONTRIBUTION.

decl ::= archetype(K) name(N) LBRACE body(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); }
decl ::= archetype(K) name(N) OF namelist(P) LBRACE body(B) RBRACE(E).
    { p_decl(ctx, K, N, P.head, B, E); }
decl ::= ASSOCIATION(K) name(N) BETWEEN namelist2(P) LBRACE body(B) RBRACE(E).
    { p_decl(ctx, K, N, P.head, B, E); }
decl ::= TABLE(K) name(N) LBRACE body(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); /* table */ }
decl ::= ENUM(K) name(N) LBRACE enumbody(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); /* enum */ }
decl ::= DOMAIN(K) LBRACE attrbody(B) RBRACE(E).
    { p_decl(ctx, K, NULL, NULL, B, E); }
decl ::= DOMAIN(K) name(N) LBRACE attrbody(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); /* domain */ }
/* objects (issue 14): extension, view, function, procedure, trigger, policy,
 * row_level_security - the word is an identifier, p_decl checks it */
decl ::= IDENT(K) name(N) LBRACE attrbody(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); /* object */ }

/* ---- types branch: SQL domains, `domain name type [= default] { @@check(...) }` (told apart
 * from a domain block by the type after the name) ---- */
decl ::= DOMAIN(K) name(N) ftype(T) default(D) LBRACE attrbody(B) RBRACE(E).
    { p_type_domain(ctx, K, N, T, D, B, E); }
/* composite types, `type name { field ... }` */
decl ::= TYPE(K) name(N) LBRACE body(B) RBRACE(E).
    { p_decl(ctx, K, N, NULL, B, E); /* composite type */ }

%type namelist {TermList}
namelist(A) ::= name(N).                   { A = p_terms((TermList){NULL, NULL}, N); }
namelist(A) ::= namelist(L) COMMA name(N). { A = p_terms(L, N); }

%type namelist2 {TermList}
namelist2(A) ::= name(X) COMMA name(Y).    { A = p_terms(p_terms((TermList){NULL, NULL}, X), Y); }

name(A) ::= IDENT(T).  { A = p_term(ctx, TERM_IDENT, T); }
name(A) ::= QIDENT(T). { A = p_term(ctx, TERM_QIDENT, T); }

/* ---- bodies: fields, @@attributes, as, enum values ---- */

%type body {Body *}
body(A) ::= .                      { A = p_body(ctx); }
body(A) ::= body(B) field(F).      { A = p_body_field(B, F); }
body(A) ::= body(B) tattr(X).      { A = p_body_attr(B, X); }
body(A) ::= body(B) AS aslist(L).  { A = p_body_as(B, L); }

%type attrbody {Body *}
/* (the comments in these actions keep lemon from merging them into fall-through cases) */
attrbody(A) ::= .                  { A = p_body(ctx); /* domain */ }
attrbody(A) ::= attrbody(B) tattr(X). { A = p_body_attr(B, X); /* domain */ }

%type enumbody {Body *}
enumbody(A) ::= .                            { A = p_body(ctx); /* enum */ }
enumbody(A) ::= enumbody(B) value(V).        { A = p_body_value(B, V); }
enumbody(A) ::= enumbody(B) value(V) COMMA.  { A = p_body_value(B, V); }
enumbody(A) ::= enumbody(B) tattr(X).        { A = p_body_attr(B, X); /* enum */ }

%type value {AstEnumValue *}
value(A) ::= IDENT(T) attrs(L).  { A = p_value(ctx, p_term(ctx, TERM_IDENT, T), L.head); }
value(A) ::= QIDENT(T) attrs(L). { A = p_value(ctx, p_term(ctx, TERM_QIDENT, T), L.head); }
value(A) ::= STRING(T) attrs(L). { A = p_value(ctx, p_term(ctx, TERM_STRING, T), L.head); }

%type aslist {AsList}
%type asentry {AstAs *}
aslist(A) ::= asentry(X).                  { A = p_as((AsList){NULL, NULL}, X); }
aslist(A) ::= aslist(L) COMMA asentry(X).  { A = p_as(L, X); }
asentry(A) ::= name(T) COLON name(R).      { A = p_as_entry(ctx, T, R); }

/* ---- fields and types ---- */

%type field {AstField *}
field(A) ::= name(N) ftype(T) default(D) attrs(L). { A = p_field(ctx, N, T, D, L.head); }
/* a field called `as`: told apart from `as x: y` by the ':' after the first name */
field(A) ::= AS(K) ftype(T) default(D) attrs(L).
    { A = p_field(ctx, p_term(ctx, TERM_IDENT, K), T, D, L.head); }

default(A) ::= .             { A = NULL; }
default(A) ::= EQ term(T).   { A = T; }

%type ftype {AstType}
%type type {AstType}
ftype(A) ::= type(T).                      { A = T; }
ftype(A) ::= type(T) QUESTION(E).          { A = p_type_nullable(ctx, T, E); }
type(A) ::= typename(N).                   { A = p_type(ctx, N, false, NULL, (Token){0, 0, 0}); }
type(A) ::= typename(N) LPAREN args(G) RPAREN(E). { A = p_type(ctx, N, true, G.head, E); }
type(A) ::= type(T) LBRACKET RBRACKET(E).  { A = p_type_dim(ctx, T, E); }

typename(A) ::= name(N).                   { A = N; }
typename(A) ::= name(Q) DOT name(N).       { A = ast_term_qualified(ctx->arena, Q, N); }

/* ---- attributes and arguments ---- */

%type attrs {AttrList}
attrs(A) ::= .                   { A = (AttrList){NULL, NULL}; }
attrs(A) ::= attrs(L) attr(X).   { A = p_attrs(L, X); }

%type attr {AstAttr *}
attr(A) ::= AT(S) IDENT(N).                       { A = p_attr(ctx, S, N, false, false, NULL, N); }
attr(A) ::= AT(S) IDENT(N) LPAREN RPAREN(E).      { A = p_attr(ctx, S, N, false, true, NULL, E); }
attr(A) ::= AT(S) IDENT(N) LPAREN args(G) RPAREN(E). { A = p_attr(ctx, S, N, false, true, G.head, E); }

%type tattr {AstAttr *}
tattr(A) ::= ATAT(S) IDENT(N).                    { A = p_attr(ctx, S, N, true, false, NULL, N); }
tattr(A) ::= ATAT(S) IDENT(N) LPAREN RPAREN(E).   { A = p_attr(ctx, S, N, true, true, NULL, E); }
tattr(A) ::= ATAT(S) IDENT(N) LPAREN args(G) RPAREN(E). { A = p_attr(ctx, S, N, true, true, G.head, E); }

%type args {ArgList}
args(A) ::= arg(X).                { A = p_args((ArgList){NULL, NULL}, X); }
args(A) ::= args(L) COMMA arg(X).  { A = p_args(L, X); }

%type arg {AstArg *}
arg(A) ::= terms(T).                    { A = p_arg(ctx, NULL, T.head); }
arg(A) ::= IDENT(K) COLON terms(T).     { A = p_arg(ctx, p_term(ctx, TERM_IDENT, K), T.head); }

%type terms {TermList}
terms(A) ::= term(T).            { A = p_terms((TermList){NULL, NULL}, T); }
terms(A) ::= terms(L) term(T).   { A = p_terms(L, T); }

term(A) ::= IDENT(T).            { A = p_term(ctx, TERM_IDENT, T); }
term(A) ::= QIDENT(T).           { A = p_term(ctx, TERM_QIDENT, T); }
term(A) ::= name(Q) DOT name(N). { A = ast_term_qualified(ctx->arena, Q, N); }
term(A) ::= NUMBER(T).           { A = p_term(ctx, TERM_NUMBER, T); }
term(A) ::= MINUS(M) NUMBER(T).  { A = p_term_neg(ctx, M, T); }
term(A) ::= STRING(T).           { A = p_term(ctx, TERM_STRING, T); }
term(A) ::= SQL(K) LPAREN STRING(S) RPAREN(E). { A = p_term_sql(ctx, K, S, E); }
term(A) ::= TRUE(T).             { A = p_term(ctx, TERM_TRUE, T); }
term(A) ::= FALSE(T).            { A = p_term(ctx, TERM_FALSE, T); }
term(A) ::= NULL(T).             { A = p_term(ctx, TERM_NULL, T); }
/* objects (issue 14) */
term(A) ::= DOLLAR(T).           { A = p_term(ctx, TERM_DOLLAR, T); }

/* ---- error recovery (syntax diagnostics) ----
 * A syntax error inside a body pops back to the body and shifts `error`; every token is then
 * discarded until parse.c, having skipped the rest of the broken member (to the next line at
 * the members' indentation or the closing '}'), feeds RECOVER. Outside a body nothing shifts
 * `error`: the parse resets and parse.c resumes at the next line that starts a declaration. */
body(A) ::= body(B) error RECOVER.          { A = B; }
attrbody(A) ::= attrbody(B) error RECOVER.  { A = B; /* domain */ }
enumbody(A) ::= enumbody(B) error RECOVER.  { A = B; /* enum */ }
