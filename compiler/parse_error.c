/*
 * parse_error.c - the messages of lexical and syntax errors: what the parser driver (parse.c)
 * and the grammar's %syntax_error (grammar/parser.y) report, worded for what users actually
 * mistype - a misspelled keyword gets "did you mean", `email: text` a hint that fields are
 * written `name type`, an unclosed '{' is reported at the '{'. Also the repeated-attribute
 * check the field actions call. Pipeline: lexer -> parser -> (errors: this) -> AST.
 */
#include <string.h>

#include "names.h"
#include "parse.h"
#include "parser.h"
#include "strbuf.h"

static Span span_of(const ParseCtx *ctx, Token t)
{
    Span s = { ctx->src, t.off, t.len };
    return s;
}

/* The token as it reads in the source, shortened, for "near '...'". */
static void token_text(StrBuf *sb, const ParseCtx *ctx, Token t)
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

static bool is_name_kind(int k)
{
    return k == TK_IDENT || k == TK_QIDENT || StravParseFallback(k) == TK_IDENT;
}

static bool has_kind(const int *v, int n, int k)
{
    for (int i = 0; i < n; i++)
        if (v[i] == k)
            return true;
    return false;
}

/* The keyword among the expected tokens closest to the identifier t (within a third of its
 * length, at least one edit; a swap of two letters is one), or NULL. Returned without quotes,
 * into buf. */
static const char *
closest_keyword(const ParseCtx *ctx, Token t, const int *exp, int n, char *buf, size_t cap)
{
    char w[64];
    if (t.len >= sizeof(w))
        return NULL;
    memcpy(w, ctx->src->buf + t.off, t.len);
    w[t.len] = '\0';
    size_t max = t.len / 3 < 1 ? 1 : t.len / 3, bestd = max + 1;
    const char *best = NULL;
    size_t bestlen = 0;
    for (int i = 0; i < n; i++) {
        const char *name = lex_token_name(exp[i]);
        size_t len = strlen(name);
        if (StravParseFallback(exp[i]) != TK_IDENT || len < 3 || name[0] != '\'')
            continue;
        char kw[32];
        if (len - 2 >= sizeof(kw))
            continue;
        memcpy(kw, name + 1, len - 2);
        kw[len - 2] = '\0';
        size_t dist = name_distance(w, kw, max);
        if (dist < bestd) {
            bestd = dist;
            best = name + 1;
            bestlen = len - 2;
        }
    }
    if (!best || bestlen + 1 > cap)
        return NULL;
    memcpy(buf, best, bestlen);
    buf[bestlen] = '\0';
    return buf;
}

static void note_expected(ParseCtx *ctx, Token t, const int *expected, int n)
{
    if (n < 1 || n > 6)
        return;
    StrBuf sb = SB_INIT;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            sb_adds(&sb, i == n - 1 ? " or " : ", ");
        sb_adds(&sb, lex_token_name(expected[i]));
    }
    diag_at(ctx->diag, DIAG_NOTE, span_of(ctx, t), "expected %s", sb_str(&sb));
    sb_release(&sb);
}

/* A '(' or '[' left open on an earlier line is the likely cause of an error further down. */
static void note_open_paren(ParseCtx *ctx)
{
    if (ctx->nparens < 1 || ctx->nparens > PARSE_MAX_PARENS)
        return;
    Token p = ctx->parens[ctx->nparens - 1];
    uint32_t line, col;
    source_line_col(ctx->src, p.off, &line, &col);
    if (line < ctx->line)
        diag_at(ctx->diag, DIAG_NOTE, span_of(ctx, p), "the '%c' opened here is not closed",
                ctx->src->buf[p.off]);
}

static const char decl_keywords[] =
    "entity, component, attribute, association, event, reference, configuration, "
    "contribution, table, enum, domain, type, or an object word (extension, view, function, "
    "procedure, trigger, policy, row_level_security)";

void p_syntax_error(ParseCtx *ctx, Token t, const int *expected, int n)
{
    ctx->nsyntax++;
    if (ctx->quiet)
        return;
    ctx->nerr++;
    Diag *d = ctx->diag;
    Span at = span_of(ctx, t);
    /* Inside a body, outside parentheses, with prev the first word of a member. */
    bool in_body = ctx->braces > 0 && ctx->nparens == 0 && ctx->decl_kw != TK_ENUM &&
                   ctx->decl_kw != TK_DOMAIN && ctx->decl_kw != TK_IDENT;
    bool after_field_name = in_body && is_name_kind(ctx->prev.kind) && ctx->prev.kind != TK_AS &&
                            (ctx->prev_first || ctx->prev2.kind == TK_LBRACE);
    StrBuf sb = SB_INIT;
    if (t.kind == 0) {
        diag_at(d, DIAG_ERROR, at, "unexpected end of input");
        note_expected(ctx, t, expected, n);
    } else if (t.kind == TK_RBRACE && ctx->braces == 0) {
        diag_at(d, DIAG_ERROR, at, "unmatched '}'");
        diag_at(d, DIAG_NOTE, at, "no declaration is open here");
    } else if (after_field_name && t.kind == TK_COLON) {
        token_text(&sb, ctx, ctx->prev);
        diag_at(d, DIAG_ERROR, at, "unexpected ':' after field name '%s'", sb_str(&sb));
        /* the example uses the type written after the ':' when there is one */
        Lexer lx;
        Token ty;
        lex_init(&lx, ctx->src->buf, ctx->src->len);
        lx.cur = lx.start + t.off + t.len;
        int k;
        while ((k = lex_next(&lx, &ty)) == TK_COMMENT || k == TK_DOC_COMMENT)
            ;
        StrBuf ex = SB_INIT;
        if (is_name_kind(ty.kind) && !memchr(ctx->src->buf + t.off, '\n', ty.off - t.off))
            token_text(&ex, ctx, ty);
        else
            sb_adds(&ex, "text");
        diag_at(d, DIAG_NOTE, at, "a field is written 'name type', without ':' ('%s %s')",
                sb_str(&sb), sb_str(&ex));
        sb_release(&ex);
    } else if (after_field_name && has_kind(expected, n, TK_IDENT)) {
        token_text(&sb, ctx, ctx->prev);
        diag_at(d, DIAG_ERROR, span_of(ctx, ctx->prev), "field '%s' has no type", sb_str(&sb));
        diag_at(d, DIAG_NOTE, span_of(ctx, ctx->prev), "a field is written 'name type' ('%s text')",
                sb_str(&sb));
    } else if (ctx->nparens > 0 && (t.kind == TK_RPAREN || t.kind == TK_COMMA) &&
               ctx->prev.kind == TK_COLON && is_name_kind(ctx->prev2.kind)) {
        token_text(&sb, ctx, ctx->prev2);
        diag_at(d, DIAG_ERROR, at, "missing value after '%s:'", sb_str(&sb));
        diag_at(d, DIAG_NOTE, at, "a keyed argument is written '%s: value'", sb_str(&sb));
    } else if (ctx->nparens > 0 && (t.kind == TK_RPAREN || t.kind == TK_COMMA) &&
               (ctx->prev.kind == TK_COMMA ||
                (ctx->prev.kind == TK_LPAREN && t.kind == TK_COMMA))) {
        diag_at(d, DIAG_ERROR, at, "missing argument before '%c'", ctx->src->buf[t.off]);
        if (t.kind == TK_RPAREN)
            diag_at(d, DIAG_NOTE, at, "remove the trailing ','");
        else
            diag_at(d, DIAG_NOTE, at, "arguments are separated by single ','; write '()' for none");
    } else if (in_body && t.kind == TK_COMMA) {
        diag_at(d, DIAG_ERROR, at, "unexpected ',' after a member");
        diag_at(d, DIAG_NOTE, at, "members are written one per line, without ',' or ';'");
    } else if (t.kind == TK_IDENT && has_kind(expected, n, TK_ENTITY) && ctx->braces == 0) {
        char kw[32];
        token_text(&sb, ctx, t);
        diag_at(d, DIAG_ERROR, at, "'%s' does not start a declaration", sb_str(&sb));
        if (closest_keyword(ctx, t, expected, n, kw, sizeof(kw)))
            diag_at(d, DIAG_NOTE, at, "did you mean '%s'?", kw);
        else
            diag_at(d, DIAG_NOTE, at, "a declaration starts with %s", decl_keywords);
    } else {
        char kw[32];
        token_text(&sb, ctx, t);
        diag_at(d, DIAG_ERROR, at, "syntax error near '%s'", sb_str(&sb));
        if (t.kind == TK_IDENT && closest_keyword(ctx, t, expected, n, kw, sizeof(kw)))
            diag_at(d, DIAG_NOTE, at, "did you mean '%s'?", kw);
        else
            note_expected(ctx, t, expected, n);
    }
    sb_release(&sb);
    note_open_paren(ctx);
}

bool p_lex_error(ParseCtx *ctx, Token t, uint32_t end, bool report)
{
    unsigned char c = (unsigned char)ctx->src->buf[t.off];
    Span at = { ctx->src, t.off, 1 };
    Diag *d = ctx->diag;
    /* An unterminated token that stopped at an embedded NUL: the NUL is the real problem. */
    if (t.kind != TK_ILLEGAL && t.kind != TK_NUL && end < ctx->src->len &&
        ctx->src->buf[end] == '\0') {
        t.kind = TK_NUL;
        at.off = end;
    }
    if (!report && t.kind != TK_NUL)
        return false;
    ctx->nerr++;
    switch (t.kind) {
    case TK_NUL:
        diag_at(d, DIAG_ERROR, at, "NUL byte in source file");
        return true;
    case TK_UNTERM_STRING:
        diag_at(d, DIAG_ERROR, at, "unterminated string");
        if (c == '$') /* objects (issue 14): an unclosed $tag$ */
            diag_at(d, DIAG_NOTE, at, "dollar-quoted text ends at the same tag that opens it");
        else
            diag_at(d, DIAG_NOTE, at, "a string ends on the line it starts on");
        break;
    case TK_UNTERM_QIDENT:
        diag_at(d, DIAG_ERROR, at, "unterminated quoted identifier");
        diag_at(d, DIAG_NOTE, at, "a quoted identifier ends on the line it starts on");
        break;
    case TK_UNTERM_COMMENT:
        at.len = 2;
        diag_at(d, DIAG_ERROR, at, "unterminated comment");
        break;
    default:
        if (c >= 0x20 && c < 0x7f)
            diag_at(d, DIAG_ERROR, at, "unrecognized character '%c'", c);
        else
            diag_at(d, DIAG_ERROR, at, "unrecognized character '\\x%02x'", c);
        if (c == ';' && ctx->braces > 0)
            diag_at(d, DIAG_NOTE, at, "members are written one per line, without ',' or ';'");
        break;
    }
    return false;
}

void p_unclosed_brace(ParseCtx *ctx, Token open, Token next)
{
    Diag *d = ctx->diag;
    ctx->nerr++;
    if (ctx->decl_name.kind) {
        StrBuf sb = SB_INIT;
        token_text(&sb, ctx, ctx->decl_name);
        diag_at(d, DIAG_ERROR, span_of(ctx, open), "the '{' of '%s' is never closed", sb_str(&sb));
        sb_release(&sb);
    } else {
        diag_at(d, DIAG_ERROR, span_of(ctx, open), "this '{' is never closed");
    }
    if (next.kind == 0)
        diag_at(d, DIAG_NOTE, span_of(ctx, next), "the file ends before its '}'");
    else
        diag_at(d, DIAG_NOTE, span_of(ctx, next), "expected '}' before this declaration");
    note_open_paren(ctx);
}

/* The text of an attribute after its name: "(name: 'x')", or "" for a bare one. */
static bool same_args(const ParseCtx *ctx, const AstAttr *a, const AstAttr *b)
{
    uint32_t ao = a->name_span.off + a->name_span.len, bo = b->name_span.off + b->name_span.len;
    uint32_t ae = a->span.off + a->span.len, be = b->span.off + b->span.len;
    uint32_t al = ae > ao ? ae - ao : 0, bl = be > bo ? be - bo : 0;
    return al == bl && !memcmp(ctx->src->buf + ao, ctx->src->buf + bo, al);
}

/*
 * An attribute written twice on one field or enum value is an error, except the ones that
 * mean something each time: @lint_ignore (one finding each) and @index with different
 * arguments (two indexes). Only the first 32 distinct names are tracked, so a hostile field
 * with thousands of attributes stays linear.
 */
void p_check_repeats(ParseCtx *ctx, const AstAttr *attrs)
{
    enum { MAXN = 32 };
    const AstAttr *seen[MAXN];
    int n = 0;
    for (const AstAttr *a = attrs; a; a = a->next) {
        const AstAttr *prev = NULL;
        for (int i = 0; i < n && !prev; i++)
            if (!strcmp(seen[i]->name, a->name))
                prev = seen[i];
        if (!prev) {
            if (n < MAXN)
                seen[n++] = a;
            continue;
        }
        if (!strcmp(a->name, "lint_ignore") ||
            (!strcmp(a->name, "index") && !same_args(ctx, prev, a)))
            continue;
        ctx->nerr++;
        diag_at(ctx->diag, DIAG_ERROR, a->span, "repeated attribute '@%s'", a->name);
        diag_at(ctx->diag, DIAG_NOTE, prev->span, "'@%s' is already written here", a->name);
    }
}
