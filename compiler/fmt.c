/*
 * fmt.c - print an AST back as canonical .strav text: 2-space indent, one member per line,
 * fields aligned in columns (name, type, rest), one blank line between declarations, at most
 * one blank line kept between members. Comments come from AstFile.comments and are put back
 * by offset: a comment on the line where a member ends stays at the end of that line, any
 * other comment goes on its own line before the next member (or before the closing brace).
 */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

#include "sqlquote.h"

typedef struct Fmt {
    StrBuf *out;
    const char *buf;        /* source text */
    const AstComment *next; /* first comment not yet printed */
    uint32_t prev_end;      /* source offset where the last printed thing ended */
} Fmt;

/* ---- terms, types, attributes ---- */

/* The language quotes "names" and 'strings' as SQL does (the quote doubled), so the
 * formatter writes them with sqlquote's functions. */
static void name_part(StrBuf *out, const char *s, bool q)
{
    if (q)
        sql_ident_quoted(out, s);
    else
        sb_adds(out, s);
}

static void term(StrBuf *out, const AstTerm *t)
{
    switch (t->kind) {
    case TERM_IDENT:
    case TERM_NUMBER:
        sb_adds(out, t->text);
        break;
    case TERM_QIDENT:
        sql_ident_quoted(out, t->text);
        break;
    case TERM_QUALIFIED:
        name_part(out, t->qual, t->qual_quoted);
        sb_addch(out, '.');
        name_part(out, t->text, t->text_quoted);
        break;
    case TERM_STRING:
        sql_literal(out, t->text);
        break;
    case TERM_SQL:
        sb_adds(out, "sql(");
        sql_literal(out, t->text);
        sb_addch(out, ')');
        break;
    case TERM_DOLLAR: /* objects (issue 14): the body exactly as written */
        sb_addf(out, "$%s$%s$%s$", t->qual ? t->qual : "", t->text, t->qual ? t->qual : "");
        break;
    case TERM_TRUE:
        sb_adds(out, "true");
        break;
    case TERM_FALSE:
        sb_adds(out, "false");
        break;
    case TERM_NULL:
        sb_adds(out, "null");
        break;
    }
}

static void args(StrBuf *out, const AstArg *g)
{
    for (; g; g = g->next) {
        if (g->key)
            sb_addf(out, "%s: ", g->key);
        for (const AstTerm *t = g->terms; t; t = t->next) {
            term(out, t);
            if (t->next)
                sb_addch(out, ' ');
        }
        if (g->next)
            sb_adds(out, ", ");
    }
}

static void attr(StrBuf *out, const AstAttr *x)
{
    sb_adds(out, x->table_level ? "@@" : "@");
    sb_adds(out, x->name);
    if (x->has_parens) {
        sb_addch(out, '(');
        args(out, x->args);
        sb_addch(out, ')');
    }
}

static void attrs(StrBuf *out, const AstAttr *x, bool lead_space)
{
    for (; x; x = x->next) {
        if (lead_space)
            sb_addch(out, ' ');
        lead_space = true;
        attr(out, x);
    }
}

static void type(StrBuf *out, const AstType *t)
{
    term(out, t->name);
    if (t->has_args) {
        sb_addch(out, '(');
        args(out, t->args);
        sb_addch(out, ')');
    }
    for (int i = 0; i < t->ndims; i++)
        sb_adds(out, "[]");
    if (t->nullable)
        sb_addch(out, '?');
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

/* ---- comments and line layout ---- */

static void indent(Fmt *F, int depth)
{
    for (int i = 0; i < depth; i++)
        sb_adds(F->out, "  ");
}

static uint32_t end_of(Span s)
{
    return s.off + s.len;
}

static bool newline_between(const Fmt *F, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b; i++)
        if (F->buf[i] == '\n')
            return true;
    return false;
}

static int newlines_between(const Fmt *F, uint32_t a, uint32_t b)
{
    int n = 0;
    for (uint32_t i = a; i < b && n < 2; i++)
        n += F->buf[i] == '\n';
    return n;
}

static void comment_text(Fmt *F, const AstComment *c)
{
    const char *s = F->buf + c->span.off;
    size_t n = c->span.len;
    if (s[1] == '/') /* line comment: no trailing blanks */
        while (n > 2 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
    sb_add(F->out, s, n);
    F->prev_end = end_of(c->span);
}

/* Comments on the line where code ended at `end` (or inside that code), and before the
 * next piece of code at `limit`, go at the end of the current line; the line is then
 * finished. */
static void end_line(Fmt *F, uint32_t end, uint32_t limit)
{
    if (F->prev_end < end)
        F->prev_end = end;
    while (F->next && F->next->span.off < limit &&
           (F->next->span.off < end || !newline_between(F, end, F->next->span.off))) {
        sb_addch(F->out, ' ');
        /* after a // comment or a multi-line block the line is over: anything else
         * would not read back as trailing the code */
        Span s = F->next->span;
        bool last = F->buf[s.off + 1] == '/' || memchr(F->buf + s.off, '\n', s.len) != NULL;
        comment_text(F, F->next);
        F->next = F->next->next;
        if (last)
            break;
    }
    sb_addch(F->out, '\n');
}

/* Print the comments before `off` on their own lines, keeping one blank line where the
 * source had one: never before the first (at the start of a body or after a blank line
 * already printed), and before `off` itself only when blank_after. */
static void leading(Fmt *F, uint32_t off, int depth, bool first, bool blank_after)
{
    while (F->next && F->next->span.off < off) {
        if (!first && newlines_between(F, F->prev_end, F->next->span.off) >= 2)
            sb_addch(F->out, '\n');
        first = false;
        indent(F, depth);
        comment_text(F, F->next);
        F->next = F->next->next;
        end_line(F, F->prev_end, off);
    }
    if (blank_after && !first && newlines_between(F, F->prev_end, off) >= 2)
        sb_addch(F->out, '\n');
}

/* ---- bodies ---- */

typedef enum ItemKind { IT_FIELD, IT_ATTR, IT_AS, IT_VALUE } ItemKind;

typedef struct Item {
    ItemKind kind;
    uint32_t off;
    const void *node;
} Item;

static int cmp_items(const void *pa, const void *pb)
{
    const Item *a = pa, *b = pb;
    return a->off < b->off ? -1 : a->off > b->off;
}

/* All members of a declaration in source order (malloc'd; *n set). */
static Item *collect(const AstDecl *d, size_t *n)
{
    size_t cap = 0;
    for (const AstField *f = d->fields; f; f = f->next)
        cap++;
    for (const AstAttr *x = d->attrs; x; x = x->next)
        cap++;
    for (const AstAs *x = d->as; x; x = x->next)
        cap++;
    for (const AstEnumValue *v = d->values; v; v = v->next)
        cap++;
    Item *items = xmalloc((cap ? cap : 1) * sizeof(*items));
    size_t i = 0;
    for (const AstField *f = d->fields; f; f = f->next)
        items[i++] = (Item){ IT_FIELD, f->span.off, f };
    for (const AstAttr *x = d->attrs; x; x = x->next)
        items[i++] = (Item){ IT_ATTR, x->span.off, x };
    for (const AstAs *x = d->as; x; x = x->next)
        items[i++] = (Item){ IT_AS, x->span.off, x };
    for (const AstEnumValue *v = d->values; v; v = v->next)
        items[i++] = (Item){ IT_VALUE, v->span.off, v };
    qsort(items, i, sizeof(*items), cmp_items);
    *n = i;
    return items;
}

typedef struct Columns {
    size_t name, type; /* widths of the name and type columns */
} Columns;

static void field_columns(const AstDecl *d, Columns *c, StrBuf *tmp)
{
    c->name = c->type = 0;
    for (const AstField *f = d->fields; f; f = f->next) {
        sb_reset(tmp);
        term(tmp, f->name);
        size_t w = width(tmp->buf, tmp->len);
        if (w > c->name)
            c->name = w;
        if (!f->def && !f->attrs)
            continue;
        sb_reset(tmp);
        type(tmp, &f->type);
        w = width(tmp->buf, tmp->len);
        if (w > c->type)
            c->type = w;
    }
}

static void pad_to(StrBuf *out, size_t from_len, size_t col)
{
    size_t w = width(out->buf + from_len, out->len - from_len);
    for (; w < col; w++)
        sb_addch(out, ' ');
}

static void field(Fmt *F, const AstField *f, const Columns *c)
{
    StrBuf *out = F->out;
    size_t start = out->len;
    term(out, f->name);
    bool rest = f->def || f->attrs;
    pad_to(out, start, c->name + 1);
    size_t tstart = out->len;
    type(out, &f->type);
    if (!rest)
        return;
    pad_to(out, tstart, c->type + 1);
    if (f->def) {
        sb_adds(out, "= ");
        term(out, f->def);
    }
    attrs(out, f->attrs, f->def != NULL);
}

/* Print the item at items[i] (an `as` line takes the following as entries too) and return
 * the index of the next unprinted item. */
static size_t item(Fmt *F, const Item *items, size_t n, size_t i, const Columns *c, uint32_t dend)
{
    uint32_t end = 0;
    switch (items[i].kind) {
    case IT_FIELD: {
        const AstField *f = items[i].node;
        field(F, f, c);
        end = end_of(f->span);
        break;
    }
    case IT_ATTR: {
        const AstAttr *x = items[i].node;
        attr(F->out, x);
        end = end_of(x->span);
        break;
    }
    case IT_AS:
        sb_adds(F->out, "as ");
        for (size_t j = i; j < n && items[j].kind == IT_AS; j++) {
            const AstAs *x = items[j].node;
            if (j > i)
                sb_adds(F->out, ", ");
            term(F->out, x->target);
            sb_adds(F->out, ": ");
            term(F->out, x->relname);
            end = end_of(x->span);
            i = j;
        }
        break;
    case IT_VALUE: {
        const AstEnumValue *v = items[i].node;
        term(F->out, v->name);
        attrs(F->out, v->attrs, true);
        end = end_of(v->span);
        break;
    }
    }
    end_line(F, end, i + 1 < n ? items[i + 1].off : dend);
    return i + 1;
}

/* ---- declarations ---- */

static uint32_t header(Fmt *F, const AstDecl *d)
{
    StrBuf *out = F->out;
    uint32_t end = end_of(d->kw_span);
    sb_adds(out, ast_decl_kind_name(d->kind));
    if (d->name) {
        sb_addch(out, ' ');
        term(out, d->name);
        end = end_of(d->name->span);
    }
    if (d->base) { /* types branch: a SQL domain's base type and default */
        sb_addch(out, ' ');
        type(out, &d->base->type);
        end = end_of(d->base->type.span);
        if (d->base->def) {
            sb_adds(out, " = ");
            term(out, d->base->def);
            end = end_of(d->base->def->span);
        }
    }
    if (d->parents)
        sb_adds(out, d->kind == DECL_ASSOCIATION ? " between " : " of ");
    for (const AstTerm *t = d->parents; t; t = t->next) {
        term(out, t);
        if (t->next)
            sb_adds(out, ", ");
        end = end_of(t->span);
    }
    return end;
}

static void decl(Fmt *F, const AstDecl *d)
{
    uint32_t hend = header(F, d);
    uint32_t dend = end_of(d->span);
    uint32_t next = d->next ? d->next->span.off : UINT32_MAX;
    size_t n;
    Item *items = collect(d, &n);
    bool inner_comments = F->next && F->next->span.off < dend;
    if (n == 0 && !inner_comments) {
        sb_adds(F->out, " {}");
        free(items);
        end_line(F, dend, next);
        return;
    }
    sb_adds(F->out, " {");
    end_line(F, hend, n ? items[0].off : dend);
    Columns c;
    StrBuf tmp = SB_INIT;
    field_columns(d, &c, &tmp);
    sb_release(&tmp);
    bool first = true;
    for (size_t i = 0; i < n;) {
        leading(F, items[i].off, 1, first, true);
        first = false;
        indent(F, 1);
        i = item(F, items, n, i, &c, dend);
    }
    free(items);
    leading(F, dend, 1, first, false); /* comments before the closing brace */
    sb_addch(F->out, '}');
    end_line(F, dend, next);
}

void fmt_file(StrBuf *out, const AstFile *f)
{
    Fmt F = { out, f->src->buf, f->comments, 0 };
    size_t start = out->len;
    for (const AstDecl *d = f->decls; d; d = d->next) {
        bool first = out->len == start;
        if (!first)
            sb_addch(out, '\n'); /* the one blank line between declarations */
        leading(&F, d->span.off, 0, true, true);
        decl(&F, d);
    }
    leading(&F, (uint32_t)f->src->len, 0, out->len == start, false);
}
