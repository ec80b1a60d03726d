/*
 * parse.c - the parser driver: runs the lexer, feeds the lemon parser (grammar/parser.y),
 * keeps comments for the formatter, attaches /// doc blocks, and reports lexical and syntax
 * errors. Also the p_* helpers the grammar actions call to build the AST (ast.h).
 * Pipeline: Source -> lexer -> parser (this) -> AST -> sema.
 */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "strbuf.h"

/* A doc block waiting for (or attached to) the declaration, field or value starting at off. */
struct DocEntry {
    uint32_t off;
    const char *text;
};

static Span span_of(ParseCtx *ctx, Token t)
{
    Span s = { ctx->src, t.off, t.len };
    return s;
}

/* ---- terms ---- */

/* The text between the delimiters of a 'string' or "identifier", with doubled q undone. */
static char *unquote(Arena *a, const char *s, size_t len, char q)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        out[n++] = s[i];
        if (s[i] == q)
            i++; /* the second of a doubled quote */
    }
    out[n] = '\0';
    return out;
}

AstTerm *p_term(ParseCtx *ctx, TermKind kind, Token t)
{
    const char *s = ctx->src->buf + t.off;
    const char *text;
    switch (kind) {
    case TERM_STRING:
        text = unquote(ctx->arena, s, t.len, '\'');
        break;
    case TERM_QIDENT:
        text = unquote(ctx->arena, s, t.len, '"');
        if (!*text && !ctx->nerr) {
            diag_at(ctx->diag, DIAG_ERROR, span_of(ctx, t), "zero-length quoted identifier");
            ctx->nerr++;
        }
        break;
    default:
        text = arena_strndup(ctx->arena, s, t.len);
        break;
    }
    return ast_term(ctx->arena, kind, span_of(ctx, t), text);
}

AstTerm *p_term_neg(ParseCtx *ctx, Token minus, Token num)
{
    const char *text = arena_printf(ctx->arena, "-%.*s", (int)num.len, ctx->src->buf + num.off);
    return ast_term(ctx->arena, TERM_NUMBER, ast_span_cover(span_of(ctx, minus), span_of(ctx, num)),
                    text);
}

AstTerm *p_term_sql(ParseCtx *ctx, Token kw, Token str, Token rparen)
{
    const char *text = unquote(ctx->arena, ctx->src->buf + str.off, str.len, '\'');
    return ast_term(ctx->arena, TERM_SQL, ast_span_cover(span_of(ctx, kw), span_of(ctx, rparen)),
                    text);
}

/* ---- lists ---- */

/*
 * Append the chain first..last to the list (head, tail) in O(1): every list the parser
 * builds is a head plus a tail pointer, and every append is this.
 */
#define LIST_SPLICE(head, tail, first, last) \
    do {                                     \
        if (tail)                            \
            (tail)->next = (first);          \
        else                                 \
            (head) = (first);                \
        (tail) = (last);                     \
    } while (0)
#define LIST_APPEND(head, tail, x) LIST_SPLICE(head, tail, x, x)

TermList p_terms(TermList l, AstTerm *t)
{
    LIST_APPEND(l.head, l.tail, t);
    return l;
}

ArgList p_args(ArgList l, AstArg *x)
{
    LIST_APPEND(l.head, l.tail, x);
    return l;
}

AttrList p_attrs(AttrList l, AstAttr *x)
{
    LIST_APPEND(l.head, l.tail, x);
    return l;
}

AsList p_as(AsList l, AstAs *x)
{
    LIST_APPEND(l.head, l.tail, x);
    return l;
}

/* ---- nodes ---- */

AstArg *p_arg(ParseCtx *ctx, AstTerm *key, AstTerm *terms)
{
    return ast_arg(ctx->arena, key, terms);
}

AstAttr *
p_attr(ParseCtx *ctx, Token at, Token name, bool table_level, bool parens, AstArg *args, Token end)
{
    return ast_attr(ctx->arena, span_of(ctx, at), p_term(ctx, TERM_IDENT, name), table_level,
                    parens, args, span_of(ctx, end));
}

/* end is the closing ')' when has_args, ignored otherwise. */
AstType p_type(ParseCtx *ctx, AstTerm *name, bool has_args, AstArg *args, Token end)
{
    AstType t = { 0 };
    t.name = name;
    t.has_args = has_args;
    t.args = args;
    t.span = has_args ? ast_span_cover(name->span, span_of(ctx, end)) : name->span;
    return t;
}

AstType p_type_dim(ParseCtx *ctx, AstType t, Token end)
{
    t.ndims++;
    t.span = ast_span_cover(t.span, span_of(ctx, end));
    return t;
}

AstType p_type_nullable(ParseCtx *ctx, AstType t, Token end)
{
    t.nullable = true;
    t.span = ast_span_cover(t.span, span_of(ctx, end));
    return t;
}

AstField *p_field(ParseCtx *ctx, AstTerm *name, AstType type, AstTerm *def, AstAttr *attrs)
{
    return ast_field(ctx->arena, name, type, def, attrs);
}

AstAs *p_as_entry(ParseCtx *ctx, AstTerm *target, AstTerm *relname)
{
    return ast_as(ctx->arena, target, relname);
}

AstEnumValue *p_value(ParseCtx *ctx, AstTerm *name, AstAttr *attrs)
{
    return ast_enum_value(ctx->arena, name, attrs);
}

Body *p_body(ParseCtx *ctx)
{
    return ARENA_NEW(ctx->arena, Body);
}

Body *p_body_field(Body *b, AstField *f)
{
    LIST_APPEND(b->fields, b->fields_tail, f);
    return b;
}

Body *p_body_attr(Body *b, AstAttr *x)
{
    LIST_APPEND(b->attrs, b->attrs_tail, x);
    return b;
}

Body *p_body_as(Body *b, AsList l)
{
    LIST_SPLICE(b->as, b->as_tail, l.head, l.tail);
    return b;
}

Body *p_body_value(Body *b, AstEnumValue *v)
{
    LIST_APPEND(b->values, b->values_tail, v);
    return b;
}

static DeclKind decl_kind(int tk)
{
    switch (tk) {
    case TK_ENTITY:
        return DECL_ENTITY;
    case TK_COMPONENT:
        return DECL_COMPONENT;
    case TK_ATTRIBUTE:
        return DECL_ATTRIBUTE;
    case TK_ASSOCIATION:
        return DECL_ASSOCIATION;
    case TK_EVENT:
        return DECL_EVENT;
    case TK_REFERENCE:
        return DECL_REFERENCE;
    case TK_CONFIGURATION:
        return DECL_CONFIGURATION;
    case TK_CONTRIBUTION:
        return DECL_CONTRIBUTION;
    case TK_TABLE:
        return DECL_TABLE;
    case TK_ENUM:
        return DECL_ENUM;
    case TK_DOMAIN:
        return DECL_DOMAIN;
    case TK_TYPE:
        return DECL_TYPE; /* types branch */
    default:
        BUG("token %d starts no declaration", tk);
    }
}

void p_decl(ParseCtx *ctx, Token kw, AstTerm *name, AstTerm *parents, Body *b, Token end)
{
    AstDecl *d = ast_decl(ctx->arena, decl_kind(kw.kind), span_of(ctx, kw), name, parents,
                          span_of(ctx, end));
    d->fields = b->fields;
    d->attrs = b->attrs;
    d->as = b->as;
    d->values = b->values;
    LIST_APPEND(ctx->decls, ctx->decls_tail, d);
}

void p_type_domain(ParseCtx *ctx, Token kw, AstTerm *name, AstType type, AstTerm *def, Body *b,
                   Token end)
{
    p_decl(ctx, kw, name, NULL, b, end);
    ctx->decls_tail->base = ast_field(ctx->arena, name, type, def, NULL);
}

/* ---- errors ---- */

/* The token as it reads in the source, shortened, for "near '...'". */
static void token_text(StrBuf *sb, ParseCtx *ctx, Token t)
{
    const unsigned char *s = (const unsigned char *)ctx->src->buf + t.off;
    size_t n = t.len > 40 ? 40 : t.len;
    for (size_t i = 0; i < n && s[i] != '\n'; i++) {
        if (s[i] < 0x20 || s[i] == 0x7f)
            sb_addf(sb, "\\x%02x", s[i]);
        else
            sb_addch(sb, (char)s[i]);
    }
    if (n < t.len)
        sb_adds(sb, "...");
}

void p_syntax_error(ParseCtx *ctx, Token t, const int *expected, int nexpected)
{
    if (ctx->nerr++)
        return;
    if (t.kind == 0) {
        diag_at(ctx->diag, DIAG_ERROR, span_of(ctx, t), "unexpected end of input");
    } else {
        StrBuf sb = SB_INIT;
        token_text(&sb, ctx, t);
        diag_at(ctx->diag, DIAG_ERROR, span_of(ctx, t), "syntax error near '%s'", sb_str(&sb));
        sb_release(&sb);
    }
    if (nexpected < 1 || nexpected > 6)
        return;
    StrBuf sb = SB_INIT;
    for (int i = 0; i < nexpected; i++) {
        if (i > 0)
            sb_adds(&sb, i == nexpected - 1 ? " or " : ", ");
        sb_adds(&sb, lex_token_name(expected[i]));
    }
    diag_at(ctx->diag, DIAG_NOTE, span_of(ctx, t), "expected %s", sb_str(&sb));
    sb_release(&sb);
}

void p_stack_overflow(ParseCtx *ctx)
{
    Span s = { ctx->src, 0, 0 };
    diag_at(ctx->diag, DIAG_ERROR, s, "schema nesting too deep");
    ctx->nerr++;
}

static void lex_error(ParseCtx *ctx, const Lexer *lx, Token t)
{
    uint32_t end = (uint32_t)(lx->cur - lx->start);
    unsigned char c = (unsigned char)ctx->src->buf[t.off];
    Span at = { ctx->src, t.off, 1 };
    ctx->nerr++;
    /* An unterminated token that stopped at an embedded NUL: the NUL is the real problem. */
    if (t.kind != TK_ILLEGAL && t.kind != TK_NUL && end < ctx->src->len &&
        ctx->src->buf[end] == '\0') {
        t.kind = TK_NUL;
        at.off = end;
    }
    switch (t.kind) {
    case TK_NUL:
        diag_at(ctx->diag, DIAG_ERROR, at, "NUL byte in source file");
        break;
    case TK_UNTERM_STRING:
        diag_at(ctx->diag, DIAG_ERROR, at, "unterminated string");
        diag_at(ctx->diag, DIAG_NOTE, at, "a string ends on the line it starts on");
        break;
    case TK_UNTERM_QIDENT:
        diag_at(ctx->diag, DIAG_ERROR, at, "unterminated quoted identifier");
        break;
    case TK_UNTERM_COMMENT:
        at.len = 2;
        diag_at(ctx->diag, DIAG_ERROR, at, "unterminated comment");
        break;
    default:
        if (c >= 0x20 && c < 0x7f)
            diag_at(ctx->diag, DIAG_ERROR, at, "unrecognized character '%c'", c);
        else
            diag_at(ctx->diag, DIAG_ERROR, at, "unrecognized character '\\x%02x'", c);
        break;
    }
}

/* ---- comments and doc blocks ---- */

typedef struct DocState {
    DocEntry *docs; /* attached blocks, by offset of the token that follows (malloc'd) */
    size_t n, cap;
    uint32_t first, last_end; /* pending block: first /// and end of the last one */
    bool pending;
} DocState;

/* Join the /// lines in [first, end) into the doc text: slashes and one space removed. */
static const char *doc_text(ParseCtx *ctx, uint32_t first, uint32_t end)
{
    StrBuf sb = SB_INIT;
    const char *p = ctx->src->buf + first, *lim = ctx->src->buf + end;
    while (p < lim) {
        while (p < lim && *p != '/')
            p++; /* whitespace between lines */
        if (p >= lim)
            break;
        p += 3;
        if (p < lim && *p == ' ')
            p++;
        const char *e = p;
        while (e < lim && *e != '\n')
            e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
            t--;
        if (sb.len)
            sb_addch(&sb, '\n');
        sb_add(&sb, p, (size_t)(t - p));
        p = e;
    }
    const char *text = arena_strdup(ctx->arena, sb_str(&sb));
    sb_release(&sb);
    return text;
}

/* Only whitespace, and at most one newline, between a and b: consecutive lines. */
static bool adjacent_lines(const char *buf, uint32_t a, uint32_t b)
{
    int nl = 0;
    for (uint32_t i = a; i < b; i++)
        nl += buf[i] == '\n';
    return nl <= 1;
}

static void note_comment(ParseCtx *ctx, AstFile *f, AstComment **tail, DocState *ds, Token t)
{
    AstComment *c = ARENA_NEW(ctx->arena, AstComment);
    c->span = span_of(ctx, t);
    c->doc = t.kind == TK_DOC_COMMENT;
    LIST_APPEND(f->comments, *tail, c);
    if (!c->doc) {
        ds->pending = false;
        return;
    }
    if (!ds->pending || !adjacent_lines(ctx->src->buf, ds->last_end, t.off))
        ds->first = t.off;
    ds->pending = true;
    ds->last_end = t.off + t.len;
}

static void attach_pending(ParseCtx *ctx, DocState *ds, Token t)
{
    if (!ds->pending)
        return;
    ds->pending = false;
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? ds->cap * 2 : 16;
        ds->docs = xrealloc(ds->docs, ds->cap * sizeof(*ds->docs));
    }
    ds->docs[ds->n].off = t.off;
    ds->docs[ds->n].text = doc_text(ctx, ds->first, ds->last_end);
    ds->n++;
}

static AstDoc find_doc(const DocState *ds, Span s)
{
    size_t lo = 0, hi = ds->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->docs[mid].off < s.off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ds->n && ds->docs[lo].off == s.off ? ds->docs[lo].text : NULL;
}

static void attach_docs(AstFile *f, const DocState *ds)
{
    if (!ds->n)
        return;
    for (AstDecl *d = f->decls; d; d = d->next) {
        d->doc = find_doc(ds, d->span);
        for (AstField *x = d->fields; x; x = x->next)
            x->doc = find_doc(ds, x->span);
        for (AstEnumValue *v = d->values; v; v = v->next)
            v->doc = find_doc(ds, v->span);
    }
}

/* ---- driver ---- */

AstFile *parse_file(Arena *a, Source *src, Diag *d)
{
    ParseCtx ctx = { a, src, d, 0, NULL, NULL };
    AstFile *f = ARENA_NEW(a, AstFile);
    f->src = src;
    AstComment *ctail = NULL;
    DocState ds = { 0 };
    Lexer lx;
    lex_init(&lx, src->buf, src->len);
    void *parser = StravParseAlloc(xmalloc, &ctx);
    Token t;
    for (;;) {
        int k = lex_next(&lx, &t);
        if (k == TK_COMMENT || k == TK_DOC_COMMENT) {
            note_comment(&ctx, f, &ctail, &ds, t);
            continue;
        }
        if (k == TK_ILLEGAL || k == TK_NUL || k == TK_UNTERM_STRING || k == TK_UNTERM_QIDENT ||
            k == TK_UNTERM_COMMENT) {
            lex_error(&ctx, &lx, t);
            break;
        }
        attach_pending(&ctx, &ds, t);
        StravParse(parser, k, t);
        if (ctx.nerr || k == 0)
            break;
    }
    StravParseFree(parser, free);
    f->decls = ctx.decls;
    attach_docs(f, &ds);
    free(ds.docs);
    return f;
}
