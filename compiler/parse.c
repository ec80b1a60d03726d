/*
 * parse.c - the parser driver: runs the lexer, feeds the lemon parser (grammar/parser.y),
 * keeps comments for the formatter, attaches /// doc blocks, and recovers from lexical and
 * syntax errors (skips to the next member or declaration; the messages are parse_error.c's).
 * Also the p_* helpers the grammar actions call to build the AST (ast.h).
 * Pipeline: Source -> lexer -> parser (this) -> AST -> sema.
 */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
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
    case TERM_DOLLAR: { /* objects (issue 14): $tag$body$tag$ */
        size_t tag = 1;
        while (s[tag] != '$')
            tag++;
        text = arena_strndup(ctx->arena, s + tag + 1, t.len - 2 * (tag + 1));
        AstTerm *d = ast_term(ctx->arena, kind, span_of(ctx, t), text);
        d->qual = arena_strndup(ctx->arena, s + 1, tag - 1);
        return d;
    }
    case TERM_QIDENT:
        text = unquote(ctx->arena, s, t.len, '"');
        if (!*text) {
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
    p_check_repeats(ctx, attrs);
    return ast_field(ctx->arena, name, type, def, attrs);
}

AstAs *p_as_entry(ParseCtx *ctx, AstTerm *target, AstTerm *relname)
{
    return ast_as(ctx->arena, target, relname);
}

AstEnumValue *p_value(ParseCtx *ctx, AstTerm *name, AstAttr *attrs)
{
    p_check_repeats(ctx, attrs);
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

static bool is_decl_kw(int k);

/* objects (issue 14): the declaration word of `<word> name { ... }`. */
static const char *const object_words[] = {"extension", "view",   "function",
                                           "procedure", "trigger", "policy",
                                           "row_level_security"};

static size_t object_word(const ParseCtx *ctx, Token kw)
{
    size_t i = 0;
    while (i < ARRAY_LEN(object_words) &&
           (strlen(object_words[i]) != kw.len ||
            memcmp(object_words[i], ctx->src->buf + kw.off, kw.len)))
        i++;
    return i;
}

/* objects (issue 14): t, an identifier where a declaration starts, is no declaration word:
 * "did you mean" the closest object word, else the grammar's own message for a word that
 * starts no declaration (with the closest keyword). */
static void not_a_declaration(ParseCtx *ctx, Token t)
{
    static const int decl_tokens[] = { TK_ENTITY, TK_COMPONENT, TK_ATTRIBUTE, TK_ASSOCIATION,
                                       TK_EVENT, TK_REFERENCE, TK_CONFIGURATION, TK_CONTRIBUTION,
                                       TK_TABLE, TK_ENUM, TK_DOMAIN, TK_TYPE };
    char w[64];
    size_t best = ARRAY_LEN(object_words);
    if (t.len < sizeof w) {
        memcpy(w, ctx->src->buf + t.off, t.len);
        w[t.len] = '\0';
        size_t max = t.len / 3 < 1 ? 1 : t.len / 3, bestd = max + 1;
        for (size_t i = 0; i < ARRAY_LEN(object_words); i++) {
            size_t dist = name_distance(w, object_words[i], max);
            if (dist < bestd)
                bestd = dist, best = i;
        }
    }
    if (best == ARRAY_LEN(object_words)) {
        p_syntax_error(ctx, t, decl_tokens, (int)ARRAY_LEN(decl_tokens));
        return;
    }
    ctx->nsyntax++;
    if (ctx->quiet)
        return;
    ctx->nerr++;
    diag_at(ctx->diag, DIAG_ERROR, span_of(ctx, t), "'%s' does not start a declaration", w);
    diag_at(ctx->diag, DIAG_NOTE, span_of(ctx, t), "did you mean '%s'?", object_words[best]);
}

void p_decl(ParseCtx *ctx, Token kw, AstTerm *name, AstTerm *parents, Body *b, Token end)
{
    DeclKind kind = DECL_DOMAIN;
    /* objects (issue 14): the word is an identifier, or a keyword read as one (%fallback) */
    if (!is_decl_kw(kw.kind)) {
        size_t i = object_word(ctx, kw);
        if (i == ARRAY_LEN(object_words)) {
            if (!ctx->nerr++)
                diag_at(ctx->diag, DIAG_ERROR, span_of(ctx, kw),
                        "unknown declaration '%.*s'", (int)kw.len, ctx->src->buf + kw.off);
            return;
        }
        kind = (DeclKind)(DECL_EXTENSION + (int)i);
    } else {
        kind = decl_kind(kw.kind);
    }
    AstDecl *d = ast_decl(ctx->arena, kind, span_of(ctx, kw), name, parents,
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

void p_stack_overflow(ParseCtx *ctx)
{
    Span s = { ctx->src, 0, 0 };
    diag_at(ctx->diag, DIAG_ERROR, s, "schema nesting too deep");
    ctx->nerr++;
    ctx->overflow = true;
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

/* ---- driver and error recovery ---- */

/* Where the driver is after a syntax error (docs/language.md, "Errors"). */
typedef enum Skip {
    SKIP_NONE,
    SKIP_MEMBER, /* inside a body: drop tokens up to the next member or the body's '}' */
    SKIP_DECL,   /* the parse was reset: drop tokens up to the next line starting a declaration */
} Skip;

typedef struct Driver {
    ParseCtx *ctx;
    void *parser;
    Lexer lx;
    uint32_t line_ix;    /* index into src->line_start of the current token's line */
    uint32_t last_line;  /* 1-based line of the previous token (0: none yet) */
    uint32_t decl_col;   /* column the last declaration started at */
    uint32_t member_col; /* column of the open body's first member (UINT32_MAX: unknown) */
    bool want_member_col;
    Token open_brace; /* the '{' of the open body */
    bool brace_eaten; /* an unterminated string in the open body ran to the end of its line */
    Skip skip;
    bool in_error;     /* the grammar shifted `error` and waits for RECOVER */
    uint32_t err_line; /* line of the token of the last syntax error */
} Driver;

static void locate(Driver *dr, uint32_t off, uint32_t *line, uint32_t *col)
{
    const Source *s = dr->ctx->src;
    while (dr->line_ix + 1 < s->nlines && s->line_start[dr->line_ix + 1] <= off)
        dr->line_ix++;
    *line = dr->line_ix + 1;
    *col = off - (s->nlines ? s->line_start[dr->line_ix] : 0) + 1;
}

static bool is_lex_error(int k)
{
    return k == TK_ILLEGAL || k == TK_NUL || k == TK_UNTERM_STRING || k == TK_UNTERM_QIDENT ||
           k == TK_UNTERM_COMMENT;
}

static bool is_decl_kw(int k)
{
    return k == TK_ENTITY || k == TK_COMPONENT || k == TK_ATTRIBUTE || k == TK_ASSOCIATION ||
           k == TK_EVENT || k == TK_REFERENCE || k == TK_CONFIGURATION ||
           k == TK_CONTRIBUTION || k == TK_TABLE || k == TK_ENUM || k == TK_DOMAIN || k == TK_TYPE;
}

static bool is_name_kind(int k)
{
    return k == TK_IDENT || k == TK_QIDENT || StravParseFallback(k) == TK_IDENT;
}

/* A token that can begin a member of the open body (or end it). */
static bool member_start(const Driver *dr, int k)
{
    int kw = dr->ctx->decl_kw;
    if (k == TK_ATAT || k == TK_RBRACE)
        return true;
    if (kw == TK_DOMAIN || kw == TK_IDENT) /* objects' bodies hold only @@ attributes */
        return false;
    return is_name_kind(k) || (k == TK_STRING && kw == TK_ENUM);
}

/* The next two tokens after the current one (comments skipped), without consuming them. */
static void peek2(const Driver *dr, Token out[2])
{
    Lexer l = dr->lx;
    int got = 0;
    out[0] = out[1] = (Token){ 0, 0, 0 };
    while (got < 2) {
        Token t;
        int k = lex_next(&l, &t);
        if (k == TK_COMMENT || k == TK_DOC_COMMENT)
            continue;
        out[got++] = t;
        if (k == 0 || is_lex_error(k))
            break;
    }
}

/* t (first on its line) reads like the start of a declaration: `keyword name {`, `keyword name
 * of`, `keyword name between`, `domain {` - or the same with a misspelled keyword. Where a
 * member could also be meant (strict: inside an unclosed body) that is all; resuming after a
 * broken declaration, a declaration keyword followed by a name is enough. */
static bool starts_decl(const Driver *dr, Token t, bool strict)
{
    if (!is_decl_kw(t.kind) && t.kind != TK_IDENT)
        return false;
    /* resuming after a broken declaration, a keyword that starts a line is where the next one
     * begins, whatever follows it (`entity: user {` has its own error to report) */
    if (!strict && is_decl_kw(t.kind))
        return true;
    Token nx[2];
    peek2(dr, nx);
    if (t.kind == TK_DOMAIN && nx[0].kind == TK_LBRACE)
        return true;
    if (!is_name_kind(nx[0].kind))
        return false;
    if (!strict && t.kind != TK_IDENT)
        return true;
    if (t.kind == TK_DOMAIN && is_name_kind(nx[1].kind)) /* types branch: `domain name type` */
        return true;
    return nx[1].kind == TK_LBRACE || nx[1].kind == TK_OF || nx[1].kind == TK_BETWEEN;
}

/* Parse normally again: after an error inside a body, first end the `error` the grammar
 * shifted (parser.y, error recovery) with RECOVER. */
static void resync(Driver *dr)
{
    if (dr->in_error) {
        dr->ctx->quiet = true;
        StravParse(dr->parser, TK_RECOVER, (Token){ TK_RECOVER, 0, 0 });
        dr->ctx->quiet = false;
        dr->in_error = false;
    }
    dr->skip = SKIP_NONE;
    dr->ctx->nparens = 0;
    StravParseResync(dr->parser);
}

/* Feed a token the driver made up or already reported: a syntax error it causes is not
 * reported again. Returns false when it caused one (the grammar is then in its error state). */
static bool feed_quiet(Driver *dr, Token t)
{
    ParseCtx *ctx = dr->ctx;
    int before = ctx->nsyntax;
    ctx->quiet = true;
    StravParse(dr->parser, t.kind, t);
    ctx->quiet = false;
    if (ctx->nsyntax == before)
        return true;
    dr->in_error = StravParseDepth(dr->parser) >= 2;
    return false;
}

/* Brace bookkeeping, for every token whether fed or skipped. */
static void track_braces(Driver *dr, Token t, uint32_t col)
{
    ParseCtx *ctx = dr->ctx;
    if (dr->want_member_col && t.kind != TK_LBRACE) {
        dr->member_col = col;
        dr->want_member_col = false;
    }
    if (t.kind == TK_LBRACE) {
        if (ctx->braces == 0) {
            dr->open_brace = t;
            dr->brace_eaten = false;
            dr->want_member_col = true;
            dr->member_col = UINT32_MAX;
        }
        ctx->braces++;
    } else if (t.kind == TK_RBRACE && ctx->braces > 0) {
        if (--ctx->braces == 0) {
            ctx->decl_kw = 0;
            dr->want_member_col = false;
        }
    }
}

/* The open body has no '}' before next (a declaration, or the end of input): report it at the
 * '{' (unless an unterminated string may have swallowed it, already reported), and close the
 * body so its declaration is kept. */
static void close_body(Driver *dr, Token next)
{
    ParseCtx *ctx = dr->ctx;
    if (!dr->brace_eaten)
        p_unclosed_brace(ctx, dr->open_brace, next);
    resync(dr);
    if (StravParseDepth(dr->parser) > 1) {
        uint32_t end = ctx->prev.kind ? ctx->prev.off + ctx->prev.len : next.off;
        Token rb = { TK_RBRACE, end, 0 };
        if (!feed_quiet(dr, rb)) { /* in the middle of a member: drop it, then close */
            resync(dr);
            feed_quiet(dr, rb);
        }
    }
    ctx->braces = 0;
    ctx->decl_kw = 0;
    dr->want_member_col = false;
    resync(dr);
}

/* After the grammar reported a syntax error at e: decide how far to skip. */
static void recover(Driver *dr, Token e, uint32_t line, bool first)
{
    dr->err_line = line;
    if (StravParseDepth(dr->parser) < 2) {
        dr->skip = SKIP_DECL; /* outside a body: the parse was reset */
        dr->ctx->decl_kw = 0;
        return;
    }
    /* Inside a body the grammar shifted `error` and dropped e. A '}', or a token that starts a
     * line and can start a member, is where parsing resumes: give it back. */
    dr->in_error = true;
    dr->skip = SKIP_MEMBER;
    if (e.kind == TK_RBRACE || (first && member_start(dr, e.kind))) {
        resync(dr);
        if (!feed_quiet(dr, e))
            dr->skip = SKIP_MEMBER;
        else
            StravParseResync(dr->parser);
    }
}

static void feed(Driver *dr, Token t, uint32_t line, uint32_t col, bool first)
{
    ParseCtx *ctx = dr->ctx;
    int before = ctx->nsyntax;
    ctx->line = line;
    StravParse(dr->parser, t.kind, t);
    if (ctx->braces == 0 && !ctx->decl_kw && (is_decl_kw(t.kind) || t.kind == TK_IDENT)) {
        ctx->decl_kw = t.kind; /* a declaration starts (or something that should) */
        ctx->decl_name = (Token){ 0, 0, 0 };
        dr->decl_col = col;
    } else if (ctx->braces == 0 && ctx->decl_kw && !ctx->decl_name.kind &&
               ctx->prev.kind == ctx->decl_kw && is_name_kind(t.kind)) {
        ctx->decl_name = t;
    }
    if (t.kind == TK_LPAREN || t.kind == TK_LBRACKET) {
        if (ctx->nparens < PARSE_MAX_PARENS)
            ctx->parens[ctx->nparens] = t;
        ctx->nparens++;
    } else if ((t.kind == TK_RPAREN || t.kind == TK_RBRACKET) && ctx->nparens > 0) {
        ctx->nparens--;
    }
    ctx->prev2 = ctx->prev;
    ctx->prev = t;
    ctx->prev_first = first;
    bool err = ctx->nsyntax != before;
    /* a stray '{' inside a body opens nothing: the body's '}' still closes the body */
    if (!(err && t.kind == TK_LBRACE && ctx->braces > 0))
        track_braces(dr, t, col);
    if (err)
        recover(dr, t, line, first);
}

static void finish(Driver *dr, Token eof)
{
    ParseCtx *ctx = dr->ctx;
    if (ctx->braces > 0)
        close_body(dr, eof);
    if (dr->skip != SKIP_NONE) { /* the input ends inside what is being skipped */
        resync(dr);
        feed_quiet(dr, eof);
    } else {
        StravParse(dr->parser, 0, eof);
    }
}

AstFile *parse_file(Arena *a, Source *src, Diag *d)
{
    ParseCtx ctx = { 0 };
    ctx.arena = a;
    ctx.src = src;
    ctx.diag = d;
    AstFile *f = ARENA_NEW(a, AstFile);
    f->src = src;
    AstComment *ctail = NULL;
    DocState ds = { 0 };
    Driver dr = { 0 };
    dr.ctx = &ctx;
    dr.decl_col = 1;
    dr.member_col = UINT32_MAX;
    lex_init(&dr.lx, src->buf, src->len);
    dr.parser = StravParseAlloc(xmalloc, &ctx);
    Token t;
    for (;;) {
        int k = lex_next(&dr.lx, &t);
        if (k == TK_COMMENT || k == TK_DOC_COMMENT) {
            note_comment(&ctx, f, &ctail, &ds, t);
            continue;
        }
        uint32_t line, col;
        locate(&dr, t.off, &line, &col);
        bool first = line != dr.last_line;
        dr.last_line = line;
        if (is_lex_error(k)) {
            /* Skipping the rest of a line after an error, a stray quote there is most likely
             * the same mistake (one misplaced quote turns the line inside out): not reported. */
            bool report = dr.skip == SKIP_NONE || line != dr.err_line;
            if (p_lex_error(&ctx, t, (uint32_t)(dr.lx.cur - dr.lx.start), report))
                break; /* a NUL byte: not a text file, nothing after it is worth reading */
            /* an unterminated string or name ran to the end of the line: a '}' there is gone */
            if (ctx.braces > 0 && (k == TK_UNTERM_STRING || k == TK_UNTERM_QIDENT))
                dr.brace_eaten = true;
            if (dr.skip == SKIP_NONE && !feed_quiet(&dr, t)) {
                /* the grammar recovers from it like from a syntax error (already reported) */
                dr.err_line = line;
                dr.skip = dr.in_error ? SKIP_MEMBER : SKIP_DECL;
                if (!dr.in_error)
                    ctx.decl_kw = 0;
            }
            if (d->capped)
                break;
            continue;
        }
        attach_pending(&ctx, &ds, t);
        if (k == 0) {
            finish(&dr, t);
            break;
        }
        if (first && col <= dr.decl_col && (dr.skip != SKIP_NONE || ctx.braces > 0) &&
            starts_decl(&dr, t, ctx.braces > 0)) {
            if (ctx.braces > 0)
                close_body(&dr, t);
            resync(&dr);
        } else if (dr.skip == SKIP_MEMBER) {
            bool closes = t.kind == TK_RBRACE && ctx.braces == 1;
            bool member = first && line > dr.err_line && ctx.braces == 1 &&
                          col <= dr.member_col && member_start(&dr, k);
            if (!closes && !member) {
                track_braces(&dr, t, col);
                continue;
            }
            resync(&dr);
        } else if (dr.skip == SKIP_DECL) {
            track_braces(&dr, t, col);
            continue;
        }
        /* objects (issue 14): an identifier (or a keyword read as one) that starts a
         * declaration must be an object word (extension, view, ...); anything else is the
         * syntax error it was before those existed, with its "did you mean" */
        if ((k == TK_IDENT || (StravParseFallback(k) == TK_IDENT && !is_decl_kw(k))) &&
            ctx.braces == 0 && !ctx.decl_kw && dr.skip == SKIP_NONE &&
            object_word(&ctx, t) == ARRAY_LEN(object_words)) {
            not_a_declaration(&ctx, t);
            dr.err_line = line;
            dr.skip = SKIP_DECL;
            continue;
        }
        feed(&dr, t, line, col, first);
        if (ctx.overflow || d->capped)
            break; /* past the error limit ("too many errors"): the rest is not read */
    }
    StravParseFree(dr.parser, free);
    f->decls = ctx.decls;
    attach_docs(f, &ds);
    free(ds.docs);
    return f;
}
