/*
 * ast.c - constructors for the syntax tree (called by the parser actions through parse.c)
 * and ast_dump(), the stable text form the golden tests compare (stravc dump ast).
 * Pipeline: parser -> AST (this) -> sema.
 */
#include "ast.h"

#include <string.h>

#include "strbuf.h"

/* ORDER DECL_KIND */
static const char *const decl_kind_names[] = {
    "entity",        "component",    "attribute", "association", "event",  "reference",
    "configuration", "contribution", "table",     "enum",        "domain",
    /* objects (issue 14) */
    "extension", "view", "function", "procedure", "trigger", "policy", "row_level_security",
    "type",
};

const char *ast_decl_kind_name(DeclKind k)
{
    if ((size_t)k >= ARRAY_LEN(decl_kind_names))
        BUG("bad DeclKind %d", (int)k);
    return decl_kind_names[k];
}

Span ast_span_cover(Span from, Span to)
{
    Span s = from;
    if (to.off + to.len > from.off)
        s.len = to.off + to.len - from.off;
    return s;
}

AstTerm *ast_term(Arena *a, TermKind kind, Span span, const char *text)
{
    AstTerm *t = ARENA_NEW(a, AstTerm);
    t->kind = kind;
    t->span = span;
    t->text = text;
    return t;
}

/* qual.name: the result reuses the name's text and records how both parts were written. */
AstTerm *ast_term_qualified(Arena *a, AstTerm *qual, AstTerm *name)
{
    AstTerm *t = ast_term(a, TERM_QUALIFIED, ast_span_cover(qual->span, name->span), name->text);
    t->qual = qual->text;
    t->qual_quoted = qual->kind == TERM_QIDENT;
    t->text_quoted = name->kind == TERM_QIDENT;
    return t;
}

AstArg *ast_arg(Arena *a, AstTerm *key, AstTerm *terms)
{
    AstArg *arg = ARENA_NEW(a, AstArg);
    AstTerm *last = terms;
    while (last->next)
        last = last->next;
    if (key) {
        arg->key = key->text;
        arg->key_span = key->span;
    }
    arg->span = ast_span_cover(key ? key->span : terms->span, last->span);
    arg->terms = terms;
    return arg;
}

AstAttr *ast_attr(
    Arena *a, Span at, AstTerm *name, bool table_level, bool has_parens, AstArg *args, Span end)
{
    AstAttr *x = ARENA_NEW(a, AstAttr);
    x->span = ast_span_cover(at, end);
    x->name_span = name->span;
    x->name = name->text;
    x->table_level = table_level;
    x->has_parens = has_parens;
    x->args = args;
    return x;
}

static Span attrs_end(AstAttr *attrs, Span dflt)
{
    for (AstAttr *x = attrs; x; x = x->next)
        dflt = x->span;
    return dflt;
}

AstField *ast_field(Arena *a, AstTerm *name, AstType type, AstTerm *def, AstAttr *attrs)
{
    AstField *f = ARENA_NEW(a, AstField);
    f->name = name;
    f->type = type;
    f->def = def;
    f->attrs = attrs;
    f->span = ast_span_cover(name->span, attrs_end(attrs, def ? def->span : type.span));
    return f;
}

AstAs *ast_as(Arena *a, AstTerm *target, AstTerm *relname)
{
    AstAs *x = ARENA_NEW(a, AstAs);
    x->span = ast_span_cover(target->span, relname->span);
    x->target = target;
    x->relname = relname;
    return x;
}

AstEnumValue *ast_enum_value(Arena *a, AstTerm *name, AstAttr *attrs)
{
    AstEnumValue *v = ARENA_NEW(a, AstEnumValue);
    v->span = ast_span_cover(name->span, attrs_end(attrs, name->span));
    v->name = name;
    v->attrs = attrs;
    return v;
}

AstDecl *ast_decl(Arena *a, DeclKind kind, Span kw, AstTerm *name, AstTerm *parents, Span end)
{
    AstDecl *d = ARENA_NEW(a, AstDecl);
    d->kind = kind;
    d->kw_span = kw;
    d->span = ast_span_cover(kw, end);
    d->name = name;
    d->parents = parents;
    return d;
}

/* ---- dump ---- */

static void indent(StrBuf *out, int depth)
{
    for (int i = 0; i < depth; i++)
        sb_adds(out, "  ");
}

/* A C-style quoted string: control bytes and the quote escaped, other bytes as they are. */
static void quoted(StrBuf *out, const char *s)
{
    sb_addch(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            sb_addch(out, '\\');
            sb_addch(out, (char)*p);
        } else if (*p == '\n') {
            sb_adds(out, "\\n");
        } else if (*p < 0x20 || *p == 0x7f) {
            sb_addf(out, "\\x%02x", *p);
        } else {
            sb_addch(out, (char)*p);
        }
    }
    sb_addch(out, '"');
}

static void span(StrBuf *out, Span s)
{
    if (!s.src) {
        sb_addch(out, '\n');
        return;
    }
    uint32_t line, col;
    source_line_col(s.src, s.off, &line, &col);
    sb_addf(out, " @%u:%u+%u\n", line, col, s.len);
}

static const char *const term_kind_names[] = {
    "ident", "qident", "qualified", "number", "string", "sql", "dollar", "true", "false", "null",
};

static void dump_term(StrBuf *out, const AstTerm *t, int depth)
{
    indent(out, depth);
    sb_adds(out, term_kind_names[t->kind]);
    if (t->kind == TERM_QUALIFIED) {
        sb_addch(out, ' ');
        sb_adds(out, t->qual_quoted ? "q:" : "");
        quoted(out, t->qual);
        sb_addch(out, ' ');
        sb_adds(out, t->text_quoted ? "q:" : "");
        quoted(out, t->text);
    } else if (t->kind < TERM_TRUE) {
        sb_addch(out, ' ');
        quoted(out, t->text);
    }
    span(out, t->span);
}

static void dump_args(StrBuf *out, const AstArg *args, int depth)
{
    for (const AstArg *g = args; g; g = g->next) {
        indent(out, depth);
        sb_adds(out, "arg");
        if (g->key) {
            sb_adds(out, " key=");
            quoted(out, g->key);
        }
        span(out, g->span);
        for (const AstTerm *t = g->terms; t; t = t->next)
            dump_term(out, t, depth + 1);
    }
}

static void dump_attrs(StrBuf *out, const AstAttr *attrs, int depth)
{
    for (const AstAttr *x = attrs; x; x = x->next) {
        indent(out, depth);
        sb_addf(out, "attr %s%s%s", x->table_level ? "@@" : "@", x->name,
                x->has_parens ? "()" : "");
        span(out, x->span);
        dump_args(out, x->args, depth + 1);
    }
}

static void dump_doc(StrBuf *out, AstDoc doc, int depth)
{
    if (!doc)
        return;
    indent(out, depth);
    sb_adds(out, "doc ");
    quoted(out, doc);
    sb_addch(out, '\n');
}

static void dump_field(StrBuf *out, const AstField *f, int depth)
{
    indent(out, depth);
    sb_adds(out, "field");
    span(out, f->span);
    dump_doc(out, f->doc, depth + 1);
    dump_term(out, f->name, depth + 1);
    indent(out, depth + 1);
    sb_addf(out, "type%s dims=%d%s", f->type.has_args ? "()" : "", f->type.ndims,
            f->type.nullable ? " nullable" : "");
    span(out, f->type.span);
    dump_term(out, f->type.name, depth + 2);
    dump_args(out, f->type.args, depth + 2);
    if (f->def) {
        indent(out, depth + 1);
        sb_adds(out, "default\n");
        dump_term(out, f->def, depth + 2);
    }
    dump_attrs(out, f->attrs, depth + 1);
}

static void dump_decl(StrBuf *out, const AstDecl *d)
{
    sb_addf(out, "decl %s", ast_decl_kind_name(d->kind));
    span(out, d->span);
    dump_doc(out, d->doc, 1);
    if (d->name)
        dump_term(out, d->name, 1);
    if (d->parents) {
        indent(out, 1);
        sb_adds(out, d->kind == DECL_ASSOCIATION ? "between\n" : "of\n");
        for (const AstTerm *t = d->parents; t; t = t->next)
            dump_term(out, t, 2);
    }
    for (const AstAs *x = d->as; x; x = x->next) {
        indent(out, 1);
        sb_adds(out, "as");
        span(out, x->span);
        dump_term(out, x->target, 2);
        dump_term(out, x->relname, 2);
    }
    for (const AstEnumValue *v = d->values; v; v = v->next) {
        indent(out, 1);
        sb_adds(out, "value");
        span(out, v->span);
        dump_doc(out, v->doc, 2);
        dump_term(out, v->name, 2);
        dump_attrs(out, v->attrs, 2);
    }
    if (d->base) /* types branch: a SQL domain's base type */
        dump_field(out, d->base, 1);
    for (const AstField *f = d->fields; f; f = f->next)
        dump_field(out, f, 1);
    dump_attrs(out, d->attrs, 1);
}

void ast_dump(StrBuf *out, const AstFile *file)
{
    for (const AstDecl *d = file->decls; d; d = d->next)
        dump_decl(out, d);
    for (const AstComment *c = file->comments; c; c = c->next) {
        sb_adds(out, c->doc ? "doc-comment" : "comment");
        span(out, c->span);
    }
}
