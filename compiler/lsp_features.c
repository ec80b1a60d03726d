/*
 * lsp_features.c - formatting, definition, hover and completion for the LSP server
 * (lsp_features.h). Definition and completion work on the ASTs (so they keep working while a
 * file has a syntax error: the parser keeps the declarations before it); hover reads the
 * model sema built, and says so when the domain has errors.
 */
#include "lsp_features.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "diag.h"
#include "fmt.h"
#include "lex.h"
#include "lsp_text.h"
#include "parse.h"
#include "parser.h"
#include "sqlquote.h"
#include "strbuf.h"

json_t *lsp_range_json(const char *text, size_t len, size_t off, size_t end)
{
    if (end < off)
        end = off;
    LspPos a = lsp_pos_of(text, len, off), b = lsp_pos_of(text, len, end);
    return json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "start", "line", (json_int_t)a.line,
                     "character", (json_int_t)a.character, "end", "line", (json_int_t)b.line,
                     "character", (json_int_t)b.character);
}

json_t *lsp_json_text(const char *s, size_t n)
{
    StrBuf sb = SB_INIT;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp == 0) {
            sb_adds(&sb, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
        } else {
            sb_add(&sb, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
    json_t *j = json_stringn(sb_str(&sb), sb.len);
    sb_release(&sb);
    return j ? j : json_string("");
}

json_t *lsp_uri_json(const char *path, const LspBuffer *bufs, size_t nbufs)
{
    for (size_t i = 0; i < nbufs; i++)
        if (!strcmp(bufs[i].path, path))
            return json_string(bufs[i].uri);
    char *u = lsp_path_to_uri(path);
    json_t *j = json_string(u);
    free(u);
    return j;
}

static bool in_span(Span sp, size_t off)
{
    return sp.src && off >= sp.off && off <= (size_t)sp.off + sp.len;
}

/* ---- formatting ---- */

json_t *lspf_formatting(const LspBuffer *b)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    Source *src = source_from_mem(b->path, b->text, b->len);
    AstFile *f = parse_file(&a, src, &d);
    json_t *r = json_null();
    if (!diag_count_errors(&d)) {
        StrBuf out = SB_INIT;
        fmt_file(&out, f);
        r = json_array();
        if (out.len != b->len || memcmp(sb_str(&out), b->text, out.len) != 0)
            json_array_append_new(
                r, json_pack("{s:o, s:o}", "range", lsp_range_json(b->text, b->len, 0, b->len),
                             "newText", lsp_json_text(sb_str(&out), out.len)));
        sb_release(&out);
    }
    diag_release(&d);
    source_free(src);
    arena_free(&a);
    return r;
}

/* ---- what is under the cursor ---- */

typedef enum Spot {
    SPOT_NONE,
    SPOT_KEYWORD,   /* the declaration's archetype keyword */
    SPOT_DECL_NAME, /* the declaration's name */
    SPOT_PARENT,    /* an `of` / `between` name or an `as` target: term */
    SPOT_REF,       /* the table in ref(...): term */
    SPOT_TYPE,      /* a field's type name (an enum when not built in): term */
    SPOT_FIELD,     /* elsewhere in a field: field */
} Spot;

typedef struct Where {
    Spot spot;
    const AstDecl *decl;
    const AstField *field;
    const AstTerm *term;
} Where;

static Where where_at(const LspUnit *u, size_t off)
{
    Where w = { SPOT_NONE, NULL, NULL, NULL };
    for (const AstDecl *d = u->ast->decls; d; d = d->next) {
        if (!in_span(d->span, off))
            continue;
        w.decl = d;
        if (in_span(d->kw_span, off)) {
            w.spot = SPOT_KEYWORD;
            return w;
        }
        if (d->name && in_span(d->name->span, off)) {
            w.spot = SPOT_DECL_NAME;
            return w;
        }
        for (const AstTerm *p = d->parents; p; p = p->next)
            if (in_span(p->span, off)) {
                w.spot = SPOT_PARENT;
                w.term = p;
                return w;
            }
        for (const AstAs *as = d->as; as; as = as->next)
            if (as->target && in_span(as->target->span, off)) {
                w.spot = SPOT_PARENT;
                w.term = as->target;
                return w;
            }
        for (const AstField *f = d->fields; f; f = f->next) {
            if (!in_span(f->span, off))
                continue;
            w.field = f;
            w.spot = SPOT_FIELD;
            const AstTerm *tn = f->type.name;
            if (tn && tn->text && !strcmp(tn->text, "ref") && tn->kind == TERM_IDENT) {
                for (const AstArg *a = f->type.args; a; a = a->next)
                    for (const AstTerm *t = a->terms; t; t = t->next)
                        if (in_span(t->span, off)) {
                            w.spot = SPOT_REF;
                            w.term = t;
                        }
            } else if (tn && in_span(tn->span, off)) {
                w.spot = SPOT_TYPE;
                w.term = tn;
            }
            return w;
        }
        return w;
    }
    return w;
}

/* ---- definition ---- */

json_t *lspf_definition(LspProject *p, const LspUnit *u, size_t off, const LspBuffer *bufs,
                        size_t nbufs)
{
    Where w = where_at(u, off);
    if (w.spot != SPOT_PARENT && w.spot != SPOT_REF && w.spot != SPOT_TYPE)
        return json_null();
    const AstDecl *d = lspp_find_decl(p, w.term, w.spot == SPOT_TYPE);
    if (!d)
        return json_null();
    const Source *src = d->name->span.src;
    return json_pack("{s:o, s:o}", "uri", lsp_uri_json(src->path, bufs, nbufs), "range",
                     lsp_range_json(src->buf, src->len, d->name->span.off,
                                    (size_t)d->name->span.off + d->name->span.len));
}

/* ---- hover ---- */

static bool span_eq(Span a, Span b)
{
    return a.src == b.src && a.off == b.off && a.len == b.len;
}

static bool has_col(const char *const *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cols[i], name))
            return true;
    return false;
}

static void default_text(StrBuf *sb, const Default *d)
{
    switch (d->kind) {
    case DEF_NONE:
        break;
    case DEF_STRING:
        sql_literal(sb, d->text);
        break;
    case DEF_NULL:
        sb_adds(sb, "NULL");
        break;
    case DEF_NUMBER:
    case DEF_BOOL:
    case DEF_EXPR:
        sb_adds(sb, d->text);
        break;
    }
}

/* One column as a markdown list item: name, SQL type, nullability, default, constraints. */
static void column_md(StrBuf *sb, const Table *t, const Column *c)
{
    sb_addf(sb, "- `%s` `", c->name);
    type_to_sql(sb, &c->type);
    sb_addf(sb, "`%s", c->nullable ? "" : " NOT NULL");
    if (c->def.kind != DEF_NONE) {
        sb_adds(sb, " DEFAULT `");
        default_text(sb, &c->def);
        sb_adds(sb, "`");
    }
    if (c->identity != IDENTITY_NONE)
        sb_addf(sb, " GENERATED %s AS IDENTITY",
                c->identity == IDENTITY_ALWAYS ? "ALWAYS" : "BY DEFAULT");
    if (c->generated)
        sb_addf(sb, " GENERATED ALWAYS AS (`%s`) STORED", c->generated);
    sb_adds(sb, "\n");
    if (t->pk.name && has_col(t->pk.cols, t->pk.ncols, c->name))
        sb_addf(sb, "  - PRIMARY KEY `%s`\n", t->pk.name);
    for (size_t i = 0; i < t->nfks; i++) {
        const ForeignKey *fk = &t->fks[i];
        if (!has_col(fk->cols, fk->ncols, c->name))
            continue;
        sb_addf(sb, "  - FOREIGN KEY `%s` → `%s%s%s(", fk->name,
                fk->ref_schema ? fk->ref_schema : "", fk->ref_schema ? "." : "", fk->ref_table);
        for (size_t k = 0; k < fk->ncols; k++)
            sb_addf(sb, "%s%s", k ? ", " : "", fk->ref_cols[k]);
        sb_addf(sb, ")` ON DELETE %s ON UPDATE %s\n", fk_action_sql(fk->on_delete),
                fk_action_sql(fk->on_update));
    }
    for (size_t i = 0; i < t->nuniques; i++)
        if (has_col(t->uniques[i].cols, t->uniques[i].ncols, c->name))
            sb_addf(sb, "  - UNIQUE `%s`\n", t->uniques[i].name);
    for (size_t i = 0; i < t->nindexes; i++) {
        const Index *ix = &t->indexes[i];
        for (size_t k = 0; k < ix->nelems; k++)
            if (ix->elems[k].column && !strcmp(ix->elems[k].column, c->name)) {
                sb_addf(sb, "  - %sINDEX `%s` (%s)\n", ix->unique ? "UNIQUE " : "", ix->name,
                        ix->method);
                break;
            }
    }
    static const char *const vnames[] = { "@email", "@url", "@min", "@max", "@length",
                                          "@regex" };
    for (size_t i = 0; i < c->nvalidators; i++) {
        const Validator *v = &c->validators[i];
        sb_addf(sb, "  - validator %s", vnames[v->kind]);
        if (v->arg1)
            sb_addf(sb, "(%s%s%s)", v->arg1, v->arg2 ? ", " : "", v->arg2 ? v->arg2 : "");
        sb_adds(sb, " (no SQL)\n");
    }
    if (c->sensitive)
        sb_adds(sb, "  - sensitive (no SQL)\n");
}

static json_t *hover_md(StrBuf *sb, const char *text, size_t len, Span range)
{
    json_t *r = json_pack("{s:{s:s, s:o}}", "contents", "kind", "markdown", "value",
                          lsp_json_text(sb_str(sb), sb->len));
    if (range.src)
        json_object_set_new(r, "range",
                            lsp_range_json(text, len, range.off, (size_t)range.off + range.len));
    sb_release(sb);
    return r;
}

/* The implicit columns of each archetype when the model is not available (docs/language.md). */
static const char *const implicit_text[] = {
    "id SERIAL (primary key unless one is declared); created_at, updated_at, deleted_at",
    "id SERIAL; one FK column per parent; created_at, updated_at",
    "id SERIAL; one FK column per parent; created_at, updated_at, deleted_at",
    "one FK column per side, UNIQUE over both; created_at, updated_at (no implicit key)",
    "id SERIAL; one FK column per parent; created_at",
    "id SERIAL; created_at, updated_at",
    "id SERIAL; one FK column per parent; created_at, updated_at",
    "id SERIAL; one FK column per parent; created_at, updated_at, deleted_at",
    "none: a plain table has only the columns written",
};

json_t *lspf_hover(LspProject *p, const LspUnit *u, size_t off)
{
    Where w = where_at(u, off);
    const char *text = u->src->buf;
    size_t len = u->src->len;
    StrBuf sb = SB_INIT;
    if (w.spot == SPOT_NONE || !w.decl || w.decl->kind > DECL_TABLE)
        return json_null();
    const Table *t = lspp_table_of(p, w.decl);
    if (w.spot == SPOT_KEYWORD || w.spot == SPOT_DECL_NAME) {
        const char *kw = ast_decl_kind_name(w.decl->kind);
        if (!t) {
            sb_addf(&sb, "**%s**: implicit columns: %s\n\n_(the domain has errors: no model)_",
                    kw, implicit_text[w.decl->kind]);
            return hover_md(&sb, text, len, w.decl->kw_span);
        }
        sb_addf(&sb, "**%s** → table `%s`\n\n", kw, t->name);
        size_t nimp = 0;
        for (size_t i = 0; i < t->ncolumns; i++) {
            const Column *c = &t->columns[i];
            bool imp = span_eq(c->span, w.decl->kw_span);
            for (const AstTerm *pt = w.decl->parents; pt && !imp; pt = pt->next)
                imp = span_eq(c->span, pt->span);
            if (!imp)
                continue;
            if (!nimp++)
                sb_adds(&sb, "Implicit columns:\n\n");
            column_md(&sb, t, c);
        }
        if (!nimp)
            sb_adds(&sb, "No implicit columns.\n");
        return hover_md(&sb, text, len,
                        w.spot == SPOT_KEYWORD ? w.decl->kw_span : w.decl->name->span);
    }
    if (!w.field)
        return json_null();
    if (!t) {
        sb_adds(&sb, "_(the domain has errors: no model; run `stravc check`)_");
        return hover_md(&sb, text, len, w.field->name->span);
    }
    size_t n = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const Column *c = &t->columns[i];
        if (!span_eq(c->span, w.field->span))
            continue;
        if (!n++)
            sb_addf(&sb, "**%s** in table `%s`:\n\n", w.field->name->text, t->name);
        column_md(&sb, t, c);
    }
    if (!n)
        return json_null();
    if (w.field->doc)
        sb_addf(&sb, "\n%s\n", w.field->doc);
    return hover_md(&sb, text, len, w.field->name->span);
}

/* ---- completion ---- */

static const char *const type_names[] = {
    "smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "decimal",
    "numeric", "real", "double", "money", "string", "varchar", "char", "text", "ulid", "bytea",
    "timestamp", "timestamptz", "date", "time", "timetz", "interval", "boolean", "uuid",
    "point", "line", "lseg", "box", "path", "polygon", "circle", "inet", "cidr", "macaddr",
    "macaddr8", "bit", "varbit", "tsvector", "tsquery", "json", "jsonb", "int4range",
    "int8range", "numrange", "tsrange", "tstzrange", "daterange", "xml", "enum", "ref",
};
static const char *const field_attrs[] = {
    "primary", "unique", "index", "sensitive", "email", "url", "min", "max", "length", "regex",
    "on_delete", "on_update", "fk", "identity", "generated", "was", "backfill",
};
static const char *const table_attrs[] = {
    "primary", "unique", "index", "check", "was", "schema", "tenants",
};
static const char *const decl_keywords[] = {
    "entity", "component", "attribute", "association", "event", "reference",
    "configuration", "contribution", "table", "enum", "domain",
    /* objects (issue 14) */
    "extension", "view", "function", "procedure", "trigger", "policy", "row_level_security",
};

enum { CK_PROPERTY = 10, CK_KEYWORD = 14, CK_CLASS = 7, CK_ENUM = 13, CK_TYPE = 25 };

static void item(json_t *arr, const char *label, int kind, const char *detail)
{
    json_array_append_new(arr, json_pack("{s:o, s:i, s:s}", "label",
                                         lsp_json_text(label, strlen(label)), "kind", kind,
                                         "detail", detail));
}

static void items(json_t *arr, const char *const *v, size_t n, int kind, const char *detail)
{
    for (size_t i = 0; i < n; i++)
        item(arr, v[i], kind, detail);
}

/* Table (or enum) names declared in units, each once; prefix is put before each label. */
static void decl_names(json_t *arr, const LspUnit *u, size_t n, bool enums, const char *prefix)
{
    json_t *seen = json_object();
    for (size_t i = 0; i < n; i++)
        for (const AstDecl *d = u[i].ast->decls; d; d = d->next) {
            if (!d->name || !d->name->text || (d->kind == DECL_DOMAIN && !d->base) ||
                (d->kind >= DECL_EXTENSION && d->kind <= DECL_RLS) /* objects: not types */ ||
                (d->kind == DECL_ENUM || d->kind == DECL_TYPE || d->base) != enums)
                continue;
            StrBuf sb = SB_INIT;
            sb_addf(&sb, "%s%s", prefix, d->name->text);
            if (!json_object_get(seen, sb_str(&sb))) {
                json_object_set_new(seen, sb_str(&sb), json_true());
                item(arr, sb_str(&sb), enums ? CK_ENUM : CK_CLASS, ast_decl_kind_name(d->kind));
            }
            sb_release(&sb);
        }
    json_decref(seen);
}

static void all_decl_names(json_t *arr, const LspProject *p, bool enums)
{
    decl_names(arr, p->units, p->nunits, enums, "");
    decl_names(arr, p->pub, p->npub, enums, "public.");
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || (unsigned char)c >= 0x80;
}

/* Brace depth at off and whether off is inside a comment or string (tokens before it). */
static int depth_at(const Source *src, size_t off, bool *in_token)
{
    Lexer lx;
    lex_init(&lx, src->buf, src->len);
    Token t;
    int depth = 0;
    *in_token = false;
    while (lex_next(&lx, &t)) {
        if (t.off >= off)
            break;
        if (t.kind == TK_LBRACE)
            depth++;
        else if (t.kind == TK_RBRACE && depth > 0)
            depth--;
        bool opaque = t.kind == TK_COMMENT || t.kind == TK_DOC_COMMENT || t.kind == TK_STRING ||
                      t.kind == TK_QIDENT || t.kind == TK_UNTERM_STRING ||
                      t.kind == TK_UNTERM_QIDENT || t.kind == TK_UNTERM_COMMENT;
        if (opaque && off > t.off && off < (size_t)t.off + t.len + (t.kind >= TK_UNTERM_STRING))
            *in_token = true;
    }
    return depth;
}

json_t *lspf_completion(LspProject *p, const LspUnit *u, size_t off)
{
    const char *text = u->src->buf;
    if (off > u->src->len)
        off = u->src->len;
    size_t ls = off;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    size_t w = off; /* start of the word being typed */
    while (w > ls && is_word(text[w - 1]))
        w--;
    json_t *arr = json_array();
    bool in_token;
    int depth = depth_at(u->src, off, &in_token);
    if (in_token)
        return arr;
    if (w > ls && text[w - 1] == '@') {
        if (w - 1 > ls && text[w - 2] == '@')
            items(arr, table_attrs, ARRAY_LEN(table_attrs), CK_PROPERTY, "table attribute");
        else
            items(arr, field_attrs, ARRAY_LEN(field_attrs), CK_PROPERTY, "field attribute");
        return arr;
    }
    /* the text of the line before the word, spaces squeezed out at the end */
    size_t b = w;
    if (b > ls && text[b - 1] == '.' && b - 1 > ls) { /* public.| */
        size_t q = b - 1;
        while (q > ls && is_word(text[q - 1]))
            q--;
        b = q;
    }
    size_t e = b;
    while (e > ls && (text[e - 1] == ' ' || text[e - 1] == '\t'))
        e--;
    char prev = e > ls ? text[e - 1] : '\n';
    size_t pw = e;
    while (pw > ls && is_word(text[pw - 1]))
        pw--;
    bool after_of = (e - pw == 2 && !strncmp(text + pw, "of", 2)) ||
                    (e - pw == 7 && !strncmp(text + pw, "between", 7));
    if (prev == '(' && e - 1 >= ls + 3 && !strncmp(text + e - 4, "ref(", 4)) {
        all_decl_names(arr, p, false);
        return arr;
    }
    if (depth == 0) {
        if (after_of || (prev == ',' && memchr(text + ls, '{', off - ls) == NULL)) {
            decl_names(arr, p->units, p->nunits, false, "");
            return arr;
        }
        if (prev == '\n')
            items(arr, decl_keywords, ARRAY_LEN(decl_keywords), CK_KEYWORD, "declaration");
        return arr;
    }
    /* in a body: `name |` is the type position */
    size_t k = ls;
    while (k < e && (text[k] == ' ' || text[k] == '\t'))
        k++;
    bool one_word = k < e && pw == k && is_word(text[k]);
    if (one_word && strncmp(text + k, "as", 2) != 0) {
        items(arr, type_names, ARRAY_LEN(type_names), CK_TYPE, "type");
        all_decl_names(arr, p, true);
        return arr;
    }
    if (prev == ':' || prev == ',') /* as a: rel, b: rel / attribute arguments */
        all_decl_names(arr, p, false);
    return arr;
}

/* ---- outline ---- */

enum { SK_NAMESPACE = 3, SK_CLASS = 5, SK_FIELD = 8, SK_ENUM = 10, SK_ENUM_MEMBER = 22 };

static json_t *symbol(const Source *src, const char *name, int kind, const char *detail,
                      Span range, Span sel)
{
    json_t *o = json_pack("{s:o, s:i, s:o, s:o}", "name", lsp_json_text(name, strlen(name)),
                          "kind", kind, "range",
                          lsp_range_json(src->buf, src->len, range.off,
                                         (size_t)range.off + range.len),
                          "selectionRange",
                          lsp_range_json(src->buf, src->len, sel.off, (size_t)sel.off + sel.len));
    if (o && detail)
        json_object_set_new(o, "detail", lsp_json_text(detail, strlen(detail)));
    return o;
}

json_t *lspf_symbols(const LspUnit *u)
{
    const Source *src = u->src;
    json_t *arr = json_array();
    for (const AstDecl *d = u->ast->decls; d; d = d->next) {
        const char *kw = ast_decl_kind_name(d->kind);
        const char *name = d->name && d->name->text ? d->name->text : kw;
        int kind = d->kind == DECL_ENUM ? SK_ENUM
                   : d->kind == DECL_DOMAIN && !d->base ? SK_NAMESPACE : SK_CLASS;
        json_t *sym = symbol(src, name, kind, kw, d->span, d->name ? d->name->span : d->kw_span);
        if (!sym)
            continue;
        json_t *kids = json_array();
        for (const AstField *f = d->fields; f; f = f->next)
            if (f->name && f->name->text)
                json_array_append_new(kids, symbol(src, f->name->text, SK_FIELD, NULL, f->span,
                                                   f->name->span));
        for (const AstEnumValue *v = d->values; v; v = v->next)
            if (v->name && v->name->text)
                json_array_append_new(kids, symbol(src, v->name->text, SK_ENUM_MEMBER, NULL,
                                                   v->span, v->name->span));
        json_object_set_new(sym, "children", kids);
        json_array_append_new(arr, sym);
    }
    return arr;
}
