/*
 * sema.c - AST -> Model for one domain (sema.h). Collects declarations, sorts them by final
 * name (so file order never matters), then builds each table on demand: a reference needs its
 * target's primary key, so tables are built recursively with cycle detection on keys only.
 * Every check reports through diag_at and carries on, so one run shows all errors (up to the cap).
 */
#include "sema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- state */

typedef struct TDecl TDecl;
typedef struct EDecl EDecl;

/* One field after the first pass (name and non-reference type resolved). */
typedef struct FieldInfo {
    const AstField *ast;
    const char *name; /* final column name (ref fields: the field name, not yet suffixed) */
    int kind;         /* 0 error, 1 plain, 2 reference */
    SqlType ty;
    bool primary;     /* @primary */
    size_t col0, ncols; /* its columns in the table once built */
} FieldInfo;

struct TDecl {
    const AstDecl *ast;
    const char *name; /* final table name */
    const char *raw;  /* the name as written */
    Table *t;
    int state;        /* 0 not built, 1 building, 2 built */
    bool pk_ready;    /* pkcols/pktypes are known (possibly before the build finishes) */
    bool pk_failed;   /* the declared key could not be built (already reported) */
    const char **pkcols;
    SqlType *pktypes;
    size_t npk;
    size_t ccols, cfks, cuniques, cchecks, cindexes, cwas;
};

struct EDecl {
    const char *name;
    const char *raw;
    Span span;
    Enum *e;
};

typedef struct Sema {
    Arena *a;
    Diag *d;
    const SemaInput *in;
    Model *m;
    TDecl *tdecls;
    size_t ntdecls;
    EDecl *edecls;
    size_t nedecls, cedecls;
} Sema;

/* Grow an arena array to hold one more element (arrays are rebuilt, never realloc'd). */
static void *grow(Arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap ? *cap * 2 : 4;
    void *p = arena_alloc(a, nc * size);
    if (n)
        memcpy(p, arr, n * size);
    *cap = nc;
    return p;
}
#define PUSH(s, arr, n, cap) ((arr) = grow((s)->a, (arr), (n), &(cap), sizeof(*(arr))), &(arr)[(n)++])

static void err(Sema *s, Span sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void note(Sema *s, Span sp, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void err(Sema *s, Span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    StrBuf sb = SB_INIT;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    sb_grow(&sb, n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(sb.buf, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    diag_at(s->d, DIAG_ERROR, sp, "%s", sb.buf);
    sb_release(&sb);
}

static void note(Sema *s, Span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    StrBuf sb = SB_INIT;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    sb_grow(&sb, n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(sb.buf, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    diag_at(s->d, DIAG_NOTE, sp, "%s", sb.buf);
    sb_release(&sb);
}

/* "did you mean 'x'?" for the closest candidate within a third of the word's length. */
static void suggest(Sema *s, Span sp, const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    size_t max = len / 3 < 1 ? 1 : len / 3;
    if (max > 3)
        max = 3;
    const char *best = NULL;
    size_t bestd = max + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t dist = name_distance(word, cands[i], max);
        if (dist < bestd) {
            bestd = dist;
            best = cands[i];
        }
    }
    if (best)
        note(s, sp, "did you mean '%s'?", best);
}

/* ---------------------------------------------------------------- names */

static bool span_has_nul(Span sp)
{
    return sp.src && sp.off + sp.len <= sp.src->len && memchr(sp.src->buf + sp.off, 0, sp.len);
}

/* The final SQL name of a name term: snake_case for identifiers, verbatim for quoted ones,
 * NFC-normalised, shortened past 63 bytes. NULL (reported) when it is not a usable name.
 * raw_out receives the NFC text as written, for messages. */
static const char *term_name2(Sema *s, const AstTerm *t, bool snake, const char **raw_out)
{
    if (span_has_nul(t->span)) {
        err(s, t->span, "name contains a NUL byte");
        return NULL;
    }
    const char *r;
    if (t->kind == TERM_IDENT)
        r = snake ? name_snake(s->a, t->text) : name_nfc(s->a, t->text);
    else if (t->kind == TERM_QIDENT || t->kind == TERM_STRING)
        r = name_nfc(s->a, t->text);
    else {
        err(s, t->span, "expected a name");
        return NULL;
    }
    if (!r) {
        err(s, t->span, "name is not valid UTF-8");
        return NULL;
    }
    if (!*r) {
        err(s, t->span, "empty name");
        return NULL;
    }
    if (raw_out)
        *raw_out = name_nfc(s->a, t->text);
    return name_shorten(s->a, r);
}

static const char *term_name(Sema *s, const AstTerm *t)
{
    return term_name2(s, t, true, NULL);
}

static const char *join_name(Sema *s, const char *prefix, const char *table, const char **cols,
                             size_t n, const char *suffix)
{
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "%s%s", prefix, table);
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "_%s", cols[i]);
    if (suffix)
        sb_adds(&sb, suffix);
    const char *r = name_shorten(s->a, arena_strdup(s->a, sb_str(&sb)));
    sb_release(&sb);
    return r;
}

/* ---------------------------------------------------------------- lookups */

static int cmp_tdecl(const void *a, const void *b)
{
    const TDecl *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = strcmp(x->ast->span.src->path, y->ast->span.src->path);
    if (c)
        return c;
    return x->ast->span.off < y->ast->span.off ? -1 : x->ast->span.off > y->ast->span.off;
}

static TDecl *find_tdecl(Sema *s, const char *name)
{
    size_t lo = 0, hi = s->ntdecls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->tdecls[mid].name, name);
        if (c == 0) {
            while (mid > 0 && !strcmp(s->tdecls[mid - 1].name, name))
                mid--;
            return &s->tdecls[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static EDecl *find_edecl(Sema *s, const char *name)
{
    for (size_t i = 0; i < s->nedecls; i++)
        if (!strcmp(s->edecls[i].name, name))
            return &s->edecls[i];
    return NULL;
}

static void suggest_table(Sema *s, Span sp, const char *name, const Model *other)
{
    size_t n = other ? other->ntables : s->ntdecls;
    const char **c = ARENA_ARRAY(s->a, const char *, n + 1);
    for (size_t i = 0; i < n; i++)
        c[i] = other ? other->tables[i].name : s->tdecls[i].name;
    suggest(s, sp, name, c, n);
}

static bool is_domain(Sema *s, const char *name)
{
    for (size_t i = 0; i < s->in->ndomains; i++)
        if (!strcmp(s->in->domains[i], name))
            return true;
    return false;
}

static void note_domains(Sema *s, Span sp)
{
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < s->in->ndomains; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", s->in->domains[i]);
    note(s, sp, "available domains: %s", sb_str(&sb));
    sb_release(&sb);
}

/* ---------------------------------------------------------------- types */

static const char *const type_words[] = {
    "smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "numeric", "decimal",
    "real", "double", "money", "varchar", "string", "char", "text", "ulid", "bytea", "timestamp",
    "timestamptz", "date", "time", "timetz", "interval", "boolean", "bool", "uuid", "point",
    "line", "lseg", "box", "path", "polygon", "circle", "inet", "cidr", "macaddr", "macaddr8",
    "bit", "varbit", "tsvector", "tsquery", "json", "jsonb", "int4range", "int8range", "numrange",
    "tsrange", "tstzrange", "daterange", "xml", "int", "int2", "int4", "int8", "float4", "float8",
    "double_precision", "enum", "ref",
};

static bool is_int_kind(TypeKind k)
{
    return k == TY_SMALLINT || k == TY_INTEGER || k == TY_BIGINT || k == TY_SMALLSERIAL ||
           k == TY_SERIAL || k == TY_BIGSERIAL;
}
static bool is_num_kind(TypeKind k)
{
    return is_int_kind(k) || k == TY_NUMERIC || k == TY_REAL || k == TY_DOUBLE || k == TY_MONEY;
}
static bool is_serial(TypeKind k)
{
    return k == TY_SMALLSERIAL || k == TY_SERIAL || k == TY_BIGSERIAL;
}

/* A positional integer argument; reports and returns false when it is not one. */
static bool arg_int(Sema *s, const AstArg *arg, const char *what, long lo, long hi, int32_t *out)
{
    const AstTerm *t = arg->terms;
    if (arg->key || !t || t->kind != TERM_NUMBER || t->next) {
        err(s, arg->span, "%s must be an integer", what);
        return false;
    }
    char *end;
    long v = strtol(t->text, &end, 10);
    if (*end || v < lo || v > hi) {
        err(s, t->span, "%s must be an integer between %ld and %ld, not %s", what, lo, hi, t->text);
        return false;
    }
    *out = (int32_t)v;
    return true;
}

static size_t count_args(const AstArg *a)
{
    size_t n = 0;
    for (; a; a = a->next)
        n++;
    return n;
}

static Enum *add_enum(Sema *s, const char *name, const char *raw, Span span);
static bool enum_values(Sema *s, Enum *e, const AstArg *args, Span span);

/* Resolve a field's type except references. Returns 0 on error (reported), 1 plain, 2 ref. */
static int resolve_type(Sema *s, TDecl *td, const char *colname, const AstType *at, SqlType *out)
{
    memset(out, 0, sizeof(*out));
    out->length = out->precision = out->scale = -1;
    out->ndims = at->ndims;
    const AstTerm *n = at->name;
    if (n->kind == TERM_QUALIFIED) {
        /* domain.enum */
        const char *dom = n->qual;
        const char *ename = n->text_quoted ? name_nfc(s->a, n->text) : name_snake(s->a, n->text);
        if (!ename) {
            err(s, n->span, "name is not valid UTF-8");
            return 0;
        }
        if (!strcmp(dom, s->in->domain) || !s->in->public_model) {
            if (strcmp(dom, s->in->domain)) {
                if (is_domain(s, dom))
                    err(s, n->span, "type '%s.%s' is in domain '%s': only 'public' may be used from another domain", dom, n->text, dom);
                else {
                    err(s, n->span, "unknown domain '%s'", dom);
                    note_domains(s, n->span);
                }
                return 0;
            }
            EDecl *e = find_edecl(s, ename);
            if (!e) {
                err(s, n->span, "unknown enum '%s'", n->text);
                return 0;
            }
            out->kind = TY_ENUM;
            out->enum_name = e->name;
        } else if (!strcmp(dom, "public")) {
            const Model *pm = s->in->public_model;
            const Enum *e = model_find_enum(pm, ename);
            if (!e) {
                err(s, n->span, "unknown enum '%s' in domain 'public'", n->text);
                return 0;
            }
            out->kind = TY_ENUM;
            out->enum_name = e->name;
            out->enum_schema = pm->schema;
        } else {
            if (is_domain(s, dom))
                err(s, n->span, "type '%s.%s' is in domain '%s': only 'public' may be used from another domain", dom, n->text, dom);
            else {
                err(s, n->span, "unknown domain '%s'", dom);
                note_domains(s, n->span);
            }
            return 0;
        }
        if (at->has_args) {
            err(s, at->span, "an enum type takes no parameters");
            return 0;
        }
        return 1;
    }
    if (n->kind == TERM_QIDENT) {
        const char *ename = name_nfc(s->a, n->text);
        EDecl *e = ename ? find_edecl(s, ename) : NULL;
        if (!e) {
            err(s, n->span, "unknown type '%s'", n->text);
            return 0;
        }
        out->kind = TY_ENUM;
        out->enum_name = e->name;
        return 1;
    }
    const char *w = n->text;
    size_t nargs = count_args(at->args);
    if (!strcmp(w, "ref"))
        return 2;
    if (!strcmp(w, "enum") && at->has_args) {
        if (!td) {
            err(s, n->span, "inline enums are only allowed in table fields");
            return 0;
        }
        const char *ename = name_shorten(s->a, arena_printf(s->a, "%s_%s", td->name, colname));
        Enum *e = add_enum(s, ename, ename, at->span);
        if (!e)
            return 0;
        if (!enum_values(s, e, at->args, at->span))
            return 0;
        out->kind = TY_ENUM;
        out->enum_name = e->name;
        return 1;
    }
    TypeKind k;
    bool known = true;
    if (!strcmp(w, "string")) {
        k = TY_VARCHAR;
        out->length = 255;
    } else if (!strcmp(w, "ulid")) {
        k = TY_CHAR;
        out->length = 26;
        if (at->has_args) {
            err(s, at->span, "type 'ulid' takes no parameters");
            return 0;
        }
    } else if (!type_kind_from_name(w, &k)) {
        known = false;
    }
    if (!known) {
        const char *ename = name_snake(s->a, w);
        EDecl *e = ename ? find_edecl(s, ename) : NULL;
        if (e && !at->has_args) {
            out->kind = TY_ENUM;
            out->enum_name = e->name;
            return 1;
        }
        err(s, n->span, "unknown type '%s'", w);
        size_t nc = ARRAY_LEN(type_words) + s->nedecls;
        const char **c = ARENA_ARRAY(s->a, const char *, nc);
        for (size_t i = 0; i < ARRAY_LEN(type_words); i++)
            c[i] = type_words[i];
        for (size_t i = 0; i < s->nedecls; i++)
            c[ARRAY_LEN(type_words) + i] = s->edecls[i].name;
        suggest(s, n->span, w, c, nc);
        return 0;
    }
    out->kind = k;
    switch (k) {
    case TY_VARCHAR:
    case TY_CHAR:
    case TY_BIT:
    case TY_VARBIT:
        if (k == TY_CHAR && out->length < 0)
            out->length = 1;
        if (k == TY_BIT)
            out->length = 1;
        if (nargs > 1) {
            err(s, at->span, "type '%s' takes one parameter (the length)", w);
            return 0;
        }
        if (nargs == 1 && !arg_int(s, at->args, "the length", 1, 10485760, &out->length))
            return 0;
        break;
    case TY_NUMERIC:
        if (nargs > 2) {
            err(s, at->span, "type '%s' takes at most two parameters (precision, scale)", w);
            return 0;
        }
        if (nargs >= 1 && !arg_int(s, at->args, "the precision", 1, 1000, &out->precision))
            return 0;
        if (nargs == 2) {
            if (!arg_int(s, at->args->next, "the scale", 0, 1000, &out->scale))
                return 0;
            if (out->scale > out->precision) {
                err(s, at->args->next->span, "the scale (%d) cannot exceed the precision (%d)",
                    out->scale, out->precision);
                return 0;
            }
        }
        break;
    case TY_TIMESTAMP:
    case TY_TIMESTAMPTZ:
    case TY_TIME:
    case TY_TIMETZ:
    case TY_INTERVAL:
        if (nargs > 1) {
            err(s, at->span, "type '%s' takes one parameter (the precision)", w);
            return 0;
        }
        if (nargs == 1 && !arg_int(s, at->args, "the precision", 0, 6, &out->precision))
            return 0;
        break;
    default:
        if (at->has_args && strcmp(w, "string")) {
            err(s, at->span, "type '%s' takes no parameters", w);
            return 0;
        }
        break;
    }
    if (k == TY_VARCHAR && !strcmp(w, "varchar") && nargs == 0)
        out->length = -1;
    return 1;
}

/* ---------------------------------------------------------------- enums */

static Enum *add_enum(Sema *s, const char *name, const char *raw, Span span)
{
    EDecl *prev = find_edecl(s, name);
    if (prev) {
        err(s, span, "duplicate enum '%s'", name);
        if (strcmp(prev->raw, raw))
            note(s, prev->span, "'%s' and '%s' both become '%s'", prev->raw, raw, name);
        else
            note(s, prev->span, "previous declaration of '%s' is here", name);
        return NULL;
    }
    EDecl *e = PUSH(s, s->edecls, s->nedecls, s->cedecls);
    e->name = name;
    e->raw = raw;
    e->span = span;
    e->e = ARENA_NEW(s->a, Enum);
    e->e->name = name;
    e->e->span = span;
    return e->e;
}

static const char **was_names(Sema *s, const AstAttr *at, const char **list, size_t *n,
                              size_t *cap, bool snake);

/* Inline enum values: enum(a, 'b c', "D"). */
static bool enum_values(Sema *s, Enum *e, const AstArg *args, Span span)
{
    size_t n = count_args(args), i = 0;
    if (n == 0) {
        err(s, span, "enum '%s' has no values", e->name);
        return false;
    }
    e->values = ARENA_ARRAY(s->a, EnumValue, n);
    bool ok = true;
    for (const AstArg *a = args; a; a = a->next) {
        const AstTerm *t = a->terms;
        if (a->key || !t || t->next ||
            (t->kind != TERM_IDENT && t->kind != TERM_QIDENT && t->kind != TERM_STRING)) {
            err(s, a->span, "an enum value must be a name or a string");
            ok = false;
            continue;
        }
        const char *v = term_name2(s, t, false, NULL);
        if (!v) {
            ok = false;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(e->values[j].name, v)) {
                err(s, t->span, "duplicate enum value '%s'", v);
                note(s, e->values[j].span, "previous declaration of '%s' is here", v);
                ok = false;
                v = NULL;
                break;
            }
        if (!v)
            continue;
        e->values[i].name = v;
        e->values[i].span = t->span;
        i++;
    }
    e->nvalues = i;
    return ok;
}

/* A named enum declaration. */
static void declare_enum(Sema *s, const AstDecl *d)
{
    const char *raw = NULL;
    const char *name = term_name2(s, d->name, d->name->kind == TERM_IDENT, &raw);
    if (!name)
        return;
    Enum *e = add_enum(s, name, raw, d->name->span);
    if (!e)
        return;
    e->span = d->span;
    e->comment = d->doc;
    size_t n = 0, cwas = 0;
    for (const AstEnumValue *v = d->values; v; v = v->next)
        n++;
    if (n == 0)
        err(s, d->name->span, "enum '%s' has no values", name);
    e->values = ARENA_ARRAY(s->a, EnumValue, n ? n : 1);
    size_t i = 0;
    for (const AstEnumValue *v = d->values; v; v = v->next) {
        const char *vn = term_name2(s, v->name, false, NULL);
        if (!vn)
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            if (!strcmp(e->values[j].name, vn)) {
                err(s, v->name->span, "duplicate enum value '%s'", vn);
                note(s, e->values[j].span, "previous declaration of '%s' is here", vn);
                dup = true;
            }
        if (dup)
            continue;
        EnumValue *ev = &e->values[i++];
        ev->name = vn;
        ev->span = v->span;
        size_t vcap = 0;
        for (const AstAttr *at = v->attrs; at; at = at->next) {
            if (!strcmp(at->name, "was") && !at->table_level)
                ev->was = was_names(s, at, ev->was, &ev->nwas, &vcap, false);
            else
                err(s, at->name_span, "unknown attribute '%s%s' on an enum value (only '@was' is allowed)",
                    at->table_level ? "@@" : "@", at->name);
        }
    }
    e->nvalues = i;
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (!strcmp(at->name, "was") && at->table_level)
            e->was = was_names(s, at, e->was, &e->nwas, &cwas, true);
        else
            err(s, at->name_span, "unknown attribute '%s%s' on an enum (only '@@was' is allowed)",
                at->table_level ? "@@" : "@", at->name);
    }
}

/* ---------------------------------------------------------------- attributes */

static const char *const field_attrs[] = {
    "primary", "unique", "index", "sensitive", "email", "url", "min", "max", "length", "regex",
    "on_delete", "on_update", "fk", "identity", "generated", "was", "backfill",
};
static const char *const table_attrs[] = {"primary", "unique", "index", "check", "was"};
static const char *const domain_attrs[] = {"schema", "tenants"};

static bool in_list(const char *w, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, l[i]))
            return true;
    return false;
}

static void unknown_attr(Sema *s, const AstAttr *at, const char *where, const char *const *l,
                         size_t n)
{
    err(s, at->name_span, "unknown attribute '%s%s' %s", at->table_level ? "@@" : "@", at->name,
        where);
    suggest(s, at->name_span, at->name, l, n);
}

static const AstArg *arg_key(const AstAttr *at, const char *key)
{
    for (const AstArg *a = at->args; a; a = a->next)
        if (a->key && !strcmp(a->key, key))
            return a;
    return NULL;
}

/* Reject keyed arguments other than those allowed. */
static bool check_keys(Sema *s, const AstAttr *at, const char *const *keys, size_t n)
{
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next)
        if (a->key && !in_list(a->key, keys, n)) {
            err(s, a->key_span, "unknown argument '%s' for '%s%s'", a->key,
                at->table_level ? "@@" : "@", at->name);
            suggest(s, a->key_span, a->key, keys, n);
            ok = false;
        }
    return ok;
}

/* A string argument (name: 'x', where: '...'): returns the text or NULL (reported). */
static const char *arg_string(Sema *s, const AstArg *a, bool sql_ok)
{
    const AstTerm *t = a->terms;
    if (!t || t->next || !(t->kind == TERM_STRING || (sql_ok && t->kind == TERM_SQL))) {
        err(s, a->span, "expected a string");
        return NULL;
    }
    if (!name_utf8_valid(t->text, strlen(t->text))) {
        err(s, t->span, "string is not valid UTF-8");
        return NULL;
    }
    return name_nfc(s->a, t->text);
}

/* name: 'x' of an attribute, validated as a name (NULL when absent or bad). */
static const char *arg_name(Sema *s, const AstAttr *at)
{
    const AstArg *a = arg_key(at, "name");
    if (!a)
        return NULL;
    const char *n = arg_string(s, a, false);
    if (n && (strlen(n) == 0 || strlen(n) > NAME_MAX_BYTES)) {
        err(s, a->span, "a constraint or index name must be 1 to %d bytes long", NAME_MAX_BYTES);
        return NULL;
    }
    return n;
}

static const char **was_names(Sema *s, const AstAttr *at, const char **list, size_t *n,
                              size_t *cap, bool snake)
{
    if (!at->args)
        err(s, at->span, "'%s%s' needs at least one previous name", at->table_level ? "@@" : "@",
            at->name);
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key || !a->terms || a->terms->next) {
            err(s, a->span, "expected a previous name");
            continue;
        }
        const char *nm = term_name2(s, a->terms, snake && a->terms->kind == TERM_IDENT, NULL);
        if (nm)
            *PUSH(s, list, *n, *cap) = nm;
    }
    return list;
}

/* ---------------------------------------------------------------- defaults */

/* Canonical decimal text: no '+', no leading zeros, no trailing fraction zeros, "0" for -0. */
static const char *canon_number(Sema *s, const char *txt)
{
    StrBuf sb = SB_INIT;
    const char *p = txt;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    const char *ip = p;
    while (*p >= '0' && *p <= '9')
        p++;
    size_t ilen = (size_t)(p - ip);
    const char *fp = NULL;
    size_t flen = 0;
    if (*p == '.') {
        fp = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        flen = (size_t)(p - fp);
    }
    while (ilen > 1 && *ip == '0')
        ip++, ilen--;
    while (flen > 0 && fp[flen - 1] == '0')
        flen--;
    long exp = 0;
    bool has_exp = false;
    if (*p == 'e' || *p == 'E') {
        has_exp = true;
        exp = strtol(p + 1, NULL, 10);
    }
    bool zero = true;
    for (size_t i = 0; i < ilen; i++)
        if (ip[i] != '0')
            zero = false;
    if (flen)
        zero = false;
    if (neg && !zero)
        sb_addch(&sb, '-');
    if (ilen)
        sb_add(&sb, ip, ilen);
    else
        sb_addch(&sb, '0');
    if (flen) {
        sb_addch(&sb, '.');
        sb_add(&sb, fp, flen);
    }
    if (has_exp && exp != 0 && !zero)
        sb_addf(&sb, "e%ld", exp);
    const char *r = arena_strdup(s->a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

static const Enum *enum_of(Sema *s, const SqlType *ty)
{
    if (ty->enum_schema && s->in->public_model)
        return model_find_enum(s->in->public_model, ty->enum_name);
    EDecl *e = find_edecl(s, ty->enum_name);
    return e ? e->e : NULL;
}

static size_t utf8_chars(const char *p)
{
    size_t n = 0;
    for (; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* A default (or backfill) value checked against the column type. what: "default" or
 * "backfill". Returns false when reported. */
static bool make_default(Sema *s, const AstTerm *t, const SqlType *ty, bool nullable,
                         const char *what, Default *out)
{
    out->kind = DEF_NONE;
    out->text = NULL;
    if (t->next) {
        err(s, t->span, "a %s is a single value", what);
        return false;
    }
    char tyname[64];
    StrBuf tb = SB_INIT;
    type_to_sql(&tb, ty);
    snprintf(tyname, sizeof(tyname), "%s", sb_str(&tb));
    sb_release(&tb);
    switch (t->kind) {
    case TERM_SQL:
        out->kind = DEF_EXPR;
        out->text = arena_strdup(s->a, t->text);
        return true;
    case TERM_NULL:
        if (!nullable) {
            err(s, t->span, "%s null on a column that is not nullable", what);
            note(s, t->span, "add '?' to the type to make the column nullable");
            return false;
        }
        out->kind = DEF_NULL;
        return true;
    case TERM_TRUE:
    case TERM_FALSE:
        if (ty->kind != TY_BOOLEAN || ty->ndims) {
            err(s, t->span, "invalid %s for type %s: a boolean", what, tyname);
            return false;
        }
        out->kind = DEF_BOOL;
        out->text = t->kind == TERM_TRUE ? "true" : "false";
        return true;
    case TERM_NUMBER:
        if (!is_num_kind(ty->kind) || ty->ndims) {
            err(s, t->span, "invalid %s for type %s: a number", what, tyname);
            return false;
        }
        if (is_int_kind(ty->kind) && strpbrk(t->text, ".eE")) {
            err(s, t->span, "invalid %s for type %s: '%s' is not an integer", what, tyname,
                t->text);
            return false;
        }
        out->kind = DEF_NUMBER;
        out->text = canon_number(s, t->text);
        return true;
    case TERM_STRING:
        if (!name_utf8_valid(t->text, strlen(t->text))) {
            err(s, t->span, "string is not valid UTF-8");
            return false;
        }
        if (!ty->ndims && (is_num_kind(ty->kind) || ty->kind == TY_BOOLEAN)) {
            err(s, t->span, "invalid %s for type %s: a string", what, tyname);
            note(s, t->span, "write %s without quotes",
                 ty->kind == TY_BOOLEAN ? "true or false" : "the number");
            return false;
        }
        if (ty->kind == TY_ENUM && !ty->ndims) {
            const Enum *e = enum_of(s, ty);
            bool found = false;
            for (size_t i = 0; e && i < e->nvalues; i++)
                if (!strcmp(e->values[i].name, t->text))
                    found = true;
            if (e && !found) {
                err(s, t->span, "invalid %s: '%s' is not a value of enum '%s'", what, t->text,
                    e->name);
                const char **c = ARENA_ARRAY(s->a, const char *, e->nvalues + 1);
                for (size_t i = 0; i < e->nvalues; i++)
                    c[i] = e->values[i].name;
                suggest(s, t->span, t->text, c, e->nvalues);
                return false;
            }
        }
        if (!ty->ndims && (ty->kind == TY_VARCHAR || ty->kind == TY_CHAR) && ty->length > 0 &&
            utf8_chars(t->text) > (size_t)ty->length) {
            err(s, t->span, "invalid %s: '%s' is longer than %s", what, t->text, tyname);
            return false;
        }
        out->kind = DEF_STRING;
        out->text = name_nfc(s->a, t->text);
        return true;
    default:
        err(s, t->span, "invalid %s: expected a string, a number, true, false, null or sql('...')",
            what);
        return false;
    }
}

/* ---------------------------------------------------------------- building tables */

static void build_table(Sema *s, TDecl *td);

typedef struct Target {
    const char *schema; /* NULL: same domain */
    const char *table;
    const char **cols;
    const SqlType *types;
    size_t n;
} Target;

/* Resolve a reference/parent target and its primary key. Returns false when reported. */
static bool resolve_target(Sema *s, const AstTerm *t, const char *what, TDecl *from, Target *out)
{
    memset(out, 0, sizeof(*out));
    const Model *other = NULL;
    const char *name;
    if (t->kind == TERM_QUALIFIED) {
        const char *dom = t->qual;
        name = t->text_quoted ? name_nfc(s->a, t->text) : name_snake(s->a, t->text);
        if (!name) {
            err(s, t->span, "name is not valid UTF-8");
            return false;
        }
        name = name_shorten(s->a, name);
        if (strcmp(dom, s->in->domain)) {
            if (!strcmp(dom, "public") && s->in->public_model) {
                other = s->in->public_model;
            } else if (is_domain(s, dom)) {
                err(s, t->span, "cannot reference table '%s' of domain '%s'", t->text, dom);
                note(s, t->span, "a domain may only reference tables of the 'public' domain");
                return false;
            } else {
                err(s, t->span, "unknown domain '%s'", dom);
                note_domains(s, t->span);
                return false;
            }
        }
    } else {
        name = term_name(s, t);
        if (!name)
            return false;
    }
    if (other) {
        const Table *tt = model_find_table(other, name);
        if (!tt) {
            err(s, t->span, "%s to unknown table '%s' in domain 'public'", what, t->text);
            suggest_table(s, t->span, name, other);
            return false;
        }
        if (!tt->pk.name) {
            err(s, t->span, "%s to table '%s', which has no primary key", what, name);
            return false;
        }
        out->schema = other->schema;
        out->table = tt->name;
        out->n = tt->pk.ncols;
        out->cols = tt->pk.cols;
        SqlType *ty = ARENA_ARRAY(s->a, SqlType, out->n);
        for (size_t i = 0; i < out->n; i++) {
            const Column *c = table_find_column(tt, tt->pk.cols[i]);
            if (c)
                ty[i] = c->type;
        }
        out->types = ty;
        return true;
    }
    TDecl *td = find_tdecl(s, name);
    if (!td || td->ast->kind == DECL_ENUM) {
        err(s, t->span, "%s to unknown table '%s'", what, t->text);
        suggest_table(s, t->span, name, NULL);
        return false;
    }
    if (td->state == 0)
        build_table(s, td);
    if (td->pk_failed)
        return false;
    if (!td->pk_ready) {
        if (td == from || td->state == 1)
            err(s, t->span, "the primary key of '%s' depends on itself through this %s",
                td->name, what);
        return false;
    }
    if (td->npk == 0) {
        err(s, t->span, "%s to table '%s', which has no primary key", what, td->name);
        return false;
    }
    out->table = td->name;
    out->cols = td->pkcols;
    out->types = td->pktypes;
    out->n = td->npk;
    return true;
}

static Column *add_column(Sema *s, TDecl *td, const char *name, Span span)
{
    Table *t = td->t;
    Column *c = PUSH(s, t->columns, t->ncolumns, td->ccols);
    c->name = name;
    c->span = span;
    c->type.length = c->type.precision = c->type.scale = -1;
    return c;
}

static Index *add_index(Sema *s, TDecl *td, const char *name, const char **cols, size_t n,
                        bool unique, Span span)
{
    Table *t = td->t;
    for (size_t i = 0; i < t->nindexes; i++) {
        const Index *o = &t->indexes[i];
        bool same = !strcmp(o->name, name) && o->nelems == n && o->unique == unique;
        for (size_t j = 0; same && j < n; j++)
            same = o->elems[j].column && !strcmp(o->elems[j].column, cols[j]);
        if (same)
            return NULL; /* the same index twice (a ref marked @index): keep one */
    }
    Index *ix = PUSH(s, t->indexes, t->nindexes, td->cindexes);
    ix->name = name;
    ix->unique = unique;
    ix->method = "btree";
    ix->elems = ARENA_ARRAY(s->a, IndexElem, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        ix->elems[i].column = cols[i];
    ix->nelems = n;
    ix->span = span;
    return ix;
}

/* Foreign-key columns for one target (parent, association side or ref field). */
static void add_fk_columns(Sema *s, TDecl *td, const Target *tg, const char *base,
                           bool single_suffix_rule, bool nullable, FkAction del, FkAction upd,
                           Span span, const char *fkname, size_t *col0)
{
    const char **cols = ARENA_ARRAY(s->a, const char *, tg->n);
    *col0 = td->t->ncolumns;
    for (size_t i = 0; i < tg->n; i++) {
        const char *suffix = tg->cols[i];
        size_t bl = strlen(base), sl = strlen(suffix);
        const char *cn;
        if (single_suffix_rule && tg->n == 1 && bl > sl + 1 && !strcmp(base + bl - sl, suffix) &&
            base[bl - sl - 1] == '_')
            cn = base;
        else
            cn = name_shorten(s->a, arena_printf(s->a, "%s_%s", base, suffix));
        Column *c = add_column(s, td, cn, span);
        c->type = type_for_reference(&tg->types[i]);
        c->nullable = nullable;
        cols[i] = cn;
    }
    Table *t = td->t;
    ForeignKey *fk = PUSH(s, t->fks, t->nfks, td->cfks);
    fk->name = fkname ? fkname : join_name(s, "fk_", t->name, cols, tg->n, NULL);
    fk->cols = cols;
    fk->ncols = tg->n;
    fk->ref_schema = tg->schema;
    fk->ref_table = tg->table;
    fk->ref_cols = tg->cols;
    fk->on_delete = del;
    fk->on_update = upd;
    fk->span = span;
    add_index(s, td, join_name(s, "idx_", t->name, cols, tg->n, NULL), cols, tg->n, false, span);
}

static bool fk_action(Sema *s, const AstAttr *at, FkAction *out)
{
    static const char *const names[] = {"no_action", "restrict", "cascade", "set_null",
                                        "set_default"};
    if (!at->args || at->args->next || at->args->key || !at->args->terms ||
        at->args->terms->next || at->args->terms->kind != TERM_IDENT) {
        err(s, at->span, "'@%s' takes one action: cascade, restrict, set_null, set_default or no_action",
            at->name);
        return false;
    }
    const AstTerm *t = at->args->terms;
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (!strcmp(t->text, names[i])) {
            *out = (FkAction)i;
            return true;
        }
    err(s, t->span, "unknown action '%s'", t->text);
    suggest(s, t->span, t->text, names, ARRAY_LEN(names));
    return false;
}

static bool has_parents(DeclKind k)
{
    return k == DECL_COMPONENT || k == DECL_ATTRIBUTE || k == DECL_EVENT ||
           k == DECL_CONFIGURATION || k == DECL_CONTRIBUTION;
}

/* Find the column a name argument refers to; reports unknown columns. */
static const char *column_ref(Sema *s, TDecl *td, const AstTerm *t)
{
    const char *n = term_name(s, t);
    if (!n)
        return NULL;
    if (table_find_column(td->t, n))
        return table_find_column(td->t, n)->name;
    err(s, t->span, "unknown column '%s' in table '%s'", n, td->name);
    const char **c = ARENA_ARRAY(s->a, const char *, td->t->ncolumns + 1);
    for (size_t i = 0; i < td->t->ncolumns; i++)
        c[i] = td->t->columns[i].name;
    suggest(s, t->span, n, c, td->t->ncolumns);
    return NULL;
}

static bool single_term(const AstArg *a)
{
    return a && !a->key && a->terms && !a->terms->next;
}

/* A keyed argument with one term (using: gin). */
static bool one_term(const AstArg *a)
{
    return a && a->terms && !a->terms->next;
}

static bool number_arg(Sema *s, const AstAttr *at, const AstArg *a, const char **out)
{
    if (!single_term(a) || a->terms->kind != TERM_NUMBER) {
        err(s, a ? a->span : at->span, "'@%s' expects a number", at->name);
        return false;
    }
    *out = canon_number(s, a->terms->text);
    return true;
}

static void add_validator(Sema *s, Column *c, size_t *cap, ValidatorKind k, const char *a1,
                          const char *a2)
{
    Validator *v = PUSH(s, c->validators, c->nvalidators, *cap);
    v->kind = k;
    v->arg1 = a1;
    v->arg2 = a2;
}

static bool no_args(Sema *s, const AstAttr *at)
{
    if (at->args) {
        err(s, at->args->span, "'@%s' takes no arguments", at->name);
        return false;
    }
    return true;
}

/* Field attributes other than @primary and the ref-only ones (already applied). */
static void apply_field_attrs(Sema *s, TDecl *td, FieldInfo *fi)
{
    const AstField *f = fi->ast;
    Table *t = td->t;
    Column *cols = &t->columns[fi->col0];
    const char **names = ARENA_ARRAY(s->a, const char *, fi->ncols ? fi->ncols : 1);
    for (size_t i = 0; i < fi->ncols; i++)
        names[i] = cols[i].name;
    size_t vcap = 0, wascap = 0;
    static const char *const k_name[] = {"name"};
    static const char *const k_index[] = {"name", "using"};
    for (const AstAttr *at = f->attrs; at; at = at->next) {
        const char *an = at->name;
        if (at->table_level) {
            err(s, at->name_span, "'@@%s' is a table attribute and cannot be used on a field", an);
            if (in_list(an, field_attrs, ARRAY_LEN(field_attrs)))
                note(s, at->name_span, "write '@%s' for the field attribute", an);
            continue;
        }
        if (!strcmp(an, "primary")) {
            check_keys(s, at, k_name, 1);
        } else if (!strcmp(an, "unique")) {
            if (!check_keys(s, at, k_name, 1))
                continue;
            const char *nm = arg_name(s, at);
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = nm ? nm : join_name(s, "uq_", t->name, names, fi->ncols, NULL);
            u->cols = names;
            u->ncols = fi->ncols;
            u->span = at->span;
        } else if (!strcmp(an, "index")) {
            if (!check_keys(s, at, k_index, 2))
                continue;
            const char *nm = arg_name(s, at);
            const char *iname = nm ? nm : join_name(s, "idx_", t->name, names, fi->ncols, NULL);
            Index *ix = add_index(s, td, iname, names, fi->ncols, false, at->span);
            const AstArg *u = arg_key(at, "using");
            if (ix && u) {
                static const char *const methods[] = {"btree", "gin", "gist", "hash", "brin", "spgist"};
                if (!one_term(u) || u->terms->kind != TERM_IDENT) {
                    err(s, u->span, "'using' expects an index method");
                } else if (!in_list(u->terms->text, methods, ARRAY_LEN(methods))) {
                    err(s, u->terms->span, "unknown index method '%s'", u->terms->text);
                    suggest(s, u->terms->span, u->terms->text, methods, ARRAY_LEN(methods));
                } else {
                    ix->method = u->terms->text;
                }
            }
        } else if (!strcmp(an, "sensitive")) {
            if (no_args(s, at))
                for (size_t i = 0; i < fi->ncols; i++)
                    cols[i].sensitive = true;
        } else if (!strcmp(an, "email") || !strcmp(an, "url")) {
            if (no_args(s, at))
                add_validator(s, &cols[0], &vcap, an[0] == 'e' ? VAL_EMAIL : VAL_URL, NULL, NULL);
        } else if (!strcmp(an, "min") || !strcmp(an, "max")) {
            const char *v;
            if (at->args && at->args->next)
                err(s, at->args->next->span, "'@%s' takes one number", an);
            else if (number_arg(s, at, at->args, &v))
                add_validator(s, &cols[0], &vcap, an[1] == 'i' ? VAL_MIN : VAL_MAX, v, NULL);
        } else if (!strcmp(an, "length")) {
            const char *v1 = NULL, *v2 = NULL;
            if (!at->args || (at->args->next && at->args->next->next))
                err(s, at->span, "'@length' takes a minimum and an optional maximum");
            else if (number_arg(s, at, at->args, &v1) &&
                     (!at->args->next || number_arg(s, at, at->args->next, &v2)))
                add_validator(s, &cols[0], &vcap, VAL_LENGTH, v1, v2);
        } else if (!strcmp(an, "regex")) {
            const char *re = NULL;
            if (!at->args || at->args->next || at->args->key)
                err(s, at->span, "'@regex' takes one pattern string");
            else if ((re = arg_string(s, at->args, false)))
                add_validator(s, &cols[0], &vcap, VAL_REGEX, re, NULL);
        } else if (!strcmp(an, "on_delete") || !strcmp(an, "on_update") || !strcmp(an, "fk")) {
            if (fi->kind != 2)
                err(s, at->name_span, "'@%s' is only allowed on a ref field", an);
        } else if (!strcmp(an, "identity")) {
            if (!is_int_kind(cols[0].type.kind) || is_serial(cols[0].type.kind) ||
                cols[0].type.ndims) {
                err(s, at->name_span, "'@identity' needs a smallint, integer or bigint column");
                continue;
            }
            cols[0].identity = IDENTITY_BY_DEFAULT;
            if (at->args) {
                const AstArg *a = at->args;
                if (!single_term(a) || a->next || a->terms->kind != TERM_IDENT ||
                    (strcmp(a->terms->text, "always") && strcmp(a->terms->text, "by_default")))
                    err(s, a->span, "'@identity' takes 'always' or 'by_default'");
                else if (!strcmp(a->terms->text, "always"))
                    cols[0].identity = IDENTITY_ALWAYS;
            }
            if (cols[0].nullable)
                err(s, at->name_span, "an identity column cannot be nullable");
            if (f->def)
                err(s, f->def->span, "an identity column cannot have a default");
        } else if (!strcmp(an, "generated")) {
            const char *e = NULL;
            if (!at->args || at->args->next || at->args->key)
                err(s, at->span, "'@generated' takes one SQL expression string");
            else if ((e = arg_string(s, at->args, true)))
                cols[0].generated = e;
            if (f->def)
                err(s, f->def->span, "a generated column cannot have a default");
        } else if (!strcmp(an, "was")) {
            cols[0].was = was_names(s, at, cols[0].was, &cols[0].nwas, &wascap, true);
        } else if (!strcmp(an, "backfill")) {
            if (!at->args || at->args->next || at->args->key)
                err(s, at->span, "'@backfill' takes one value");
            else
                make_default(s, at->args->terms, &cols[0].type, cols[0].nullable, "backfill",
                             &cols[0].backfill);
        } else {
            unknown_attr(s, at, "on a field", field_attrs, ARRAY_LEN(field_attrs));
        }
    }
}

/* A ref field's columns: ref(target) with @on_delete/@on_update/@fk. */
static void build_ref(Sema *s, TDecl *td, FieldInfo *fi)
{
    const AstField *f = fi->ast;
    const AstArg *a = f->type.args;
    if (!a || a->next || !single_term(a) ||
        (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_QIDENT &&
         a->terms->kind != TERM_QUALIFIED)) {
        err(s, f->type.span, "'ref' takes one table name: ref(user) or ref(public.user)");
        return;
    }
    bool nullable = f->type.nullable;
    FkAction del = nullable ? FK_SET_NULL : FK_RESTRICT, upd = FK_CASCADE;
    const char *fkname = NULL;
    for (const AstAttr *at = f->attrs; at; at = at->next) {
        if (at->table_level)
            continue;
        if (!strcmp(at->name, "on_delete"))
            fk_action(s, at, &del);
        else if (!strcmp(at->name, "on_update"))
            fk_action(s, at, &upd);
        else if (!strcmp(at->name, "fk")) {
            static const char *const k_name[] = {"name"};
            if (check_keys(s, at, k_name, 1) && !(fkname = arg_name(s, at)))
                err(s, at->span, "'@fk' needs name: 'fk_name'");
        }
    }
    if ((del == FK_SET_NULL || upd == FK_SET_NULL) && !nullable)
        err(s, f->type.span, "'set_null' on a reference that is not nullable");
    if (f->type.ndims) {
        err(s, f->type.span, "a reference cannot be an array");
        return;
    }
    Target tg;
    if (!resolve_target(s, a->terms, "reference", td, &tg))
        return;
    add_fk_columns(s, td, &tg, fi->name, true, nullable, del, upd, f->span, fkname, &fi->col0);
    fi->ncols = tg.n;
    if (f->def) {
        if (tg.n != 1)
            err(s, f->def->span, "a reference to a composite key cannot have a default");
        else
            make_default(s, f->def, &td->t->columns[fi->col0].type, nullable, "default",
                         &td->t->columns[fi->col0].def);
    }
}

/* Parent columns (of a, b) and association sides (between a, b). */
static void build_parents(Sema *s, TDecl *td)
{
    const AstDecl *d = td->ast;
    Table *t = td->t;
    if (d->kind == DECL_TABLE) {
        if (d->parents)
            err(s, d->parents->span, "a 'table' declaration cannot have parents");
        return;
    }
    if (d->kind == DECL_ASSOCIATION) {
        Target sides[2];
        size_t nside = 0, c0 = 0;
        const char **ucols = ARENA_ARRAY(s->a, const char *, 8);
        size_t nu = 0, ucap = 8;
        for (const AstTerm *p = d->parents; p && nside < 2; p = p->next) {
            if (!resolve_target(s, p, "association", td, &sides[nside]))
                return;
            if (nside == 1 && !strcmp(sides[0].table, sides[1].table) &&
                !sides[0].schema == !sides[1].schema) {
                err(s, p->span, "self-association '%s': both sides would be column '%s_%s'",
                    t->name, sides[1].table, sides[1].cols[0]);
                note(s, p->span, "use a 'table' or an entity with two ref fields for a self-relation");
                return;
            }
            add_fk_columns(s, td, &sides[nside], sides[nside].table, false, false, FK_CASCADE,
                           FK_CASCADE, p->span, NULL, &c0);
            for (size_t i = 0; i < sides[nside].n; i++)
                *PUSH(s, ucols, nu, ucap) = t->columns[c0 + i].name;
            nside++;
        }
        if (nside == 2) {
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = join_name(s, "uq_", t->name, ucols, nu, NULL);
            u->cols = ucols;
            u->ncols = nu;
            u->span = d->name->span;
        }
        for (const AstAs *as = d->as; as; as = as->next) {
            const char *tn = term_name(s, as->target);
            const char *rel = term_name2(s, as->relname, false, NULL);
            if (!tn || !rel)
                continue;
            if (nside == 2 && !strcmp(tn, sides[0].table))
                t->as_a = rel;
            else if (nside == 2 && !strcmp(tn, sides[1].table))
                t->as_b = rel;
            else if (nside == 2)
                err(s, as->target->span, "'%s' is not a side of association '%s'", tn, t->name);
        }
        return;
    }
    for (const AstTerm *p = d->parents; p; p = p->next) {
        Target tg;
        if (!resolve_target(s, p, "parent", td, &tg) || !has_parents(d->kind))
            continue;
        size_t c0;
        add_fk_columns(s, td, &tg, tg.table, false, false, FK_CASCADE, FK_CASCADE, p->span, NULL,
                       &c0);
    }
}

/* @@index(elem, ..., using:, where:, unique:, name:) */
static void table_index(Sema *s, TDecl *td, const AstAttr *at)
{
    static const char *const keys[] = {"using", "where", "unique", "name"};
    static const char *const methods[] = {"btree", "gin", "gist", "hash", "brin", "spgist"};
    if (!check_keys(s, at, keys, ARRAY_LEN(keys)))
        return;
    Table *t = td->t;
    size_t n = 0;
    for (const AstArg *a = at->args; a; a = a->next)
        if (!a->key)
            n++;
    if (n == 0) {
        err(s, at->span, "'@@index' needs at least one column or sql('expression')");
        return;
    }
    IndexElem *el = ARENA_ARRAY(s->a, IndexElem, n);
    const char **parts = ARENA_ARRAY(s->a, const char *, n);
    size_t i = 0;
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key)
            continue;
        const AstTerm *tm = a->terms;
        if (tm->kind == TERM_SQL) {
            el[i].expr = arena_strdup(s->a, tm->text);
            char h[9];
            name_hash8(h, tm->text, strlen(tm->text));
            parts[i] = arena_strdup(s->a, h);
        } else if (tm->kind == TERM_IDENT || tm->kind == TERM_QIDENT) {
            el[i].column = parts[i] = column_ref(s, td, tm);
            if (!el[i].column)
                ok = false;
        } else {
            err(s, tm->span, "expected a column name or sql('expression')");
            ok = false;
        }
        for (const AstTerm *m = tm->next; m; m = m->next) {
            const char *w = m->kind == TERM_IDENT ? m->text : "";
            if (!strcmp(w, "asc"))
                el[i].desc = false;
            else if (!strcmp(w, "desc"))
                el[i].desc = true;
            else if (!strcmp(w, "nulls") && m->next && m->next->kind == TERM_IDENT &&
                     (!strcmp(m->next->text, "first") || !strcmp(m->next->text, "last"))) {
                el[i].nulls = !strcmp(m->next->text, "first") ? 1 : 2;
                m = m->next;
            } else {
                err(s, m->span, "expected asc, desc, nulls first or nulls last");
                ok = false;
                break;
            }
        }
        i++;
    }
    bool unique = false;
    const AstArg *u = arg_key(at, "unique");
    if (u) {
        if (!one_term(u) || (u->terms->kind != TERM_TRUE && u->terms->kind != TERM_FALSE)) {
            err(s, u->span, "'unique' expects true or false");
            ok = false;
        } else {
            unique = u->terms->kind == TERM_TRUE;
        }
    }
    const char *method = "btree";
    const AstArg *m = arg_key(at, "using");
    if (m) {
        if (!one_term(m) || m->terms->kind != TERM_IDENT) {
            err(s, m->span, "'using' expects an index method");
            ok = false;
        } else if (!in_list(m->terms->text, methods, ARRAY_LEN(methods))) {
            err(s, m->terms->span, "unknown index method '%s'", m->terms->text);
            suggest(s, m->terms->span, m->terms->text, methods, ARRAY_LEN(methods));
            ok = false;
        } else {
            method = m->terms->text;
        }
    }
    const char *where = NULL;
    const AstArg *w = arg_key(at, "where");
    if (w && !(where = arg_string(s, w, true)))
        ok = false;
    const char *nm = arg_name(s, at);
    if (!ok)
        return;
    Index *ix = PUSH(s, t->indexes, t->nindexes, td->cindexes);
    ix->name = nm ? nm : join_name(s, "idx_", t->name, parts, n, unique ? "_unique" : NULL);
    ix->unique = unique;
    ix->method = method;
    ix->elems = el;
    ix->nelems = n;
    ix->where = where;
    ix->span = at->span;
}

/* Positional column-name arguments of @@unique / @@primary. */
static const char **attr_columns(Sema *s, TDecl *td, const AstAttr *at, size_t *n)
{
    size_t cnt = 0;
    for (const AstArg *a = at->args; a; a = a->next)
        if (!a->key)
            cnt++;
    *n = 0;
    if (cnt == 0) {
        err(s, at->span, "'@@%s' needs at least one column", at->name);
        return NULL;
    }
    const char **cols = ARENA_ARRAY(s->a, const char *, cnt);
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key)
            continue;
        if (!single_term(a) || (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_QIDENT)) {
            err(s, a->span, "expected a column name");
            ok = false;
            continue;
        }
        const char *c = column_ref(s, td, a->terms);
        if (!c)
            ok = false;
        else
            cols[(*n)++] = c;
    }
    return ok ? cols : NULL;
}

static void table_attrs_apply(Sema *s, TDecl *td)
{
    Table *t = td->t;
    static const char *const k_name[] = {"name"};
    for (const AstAttr *at = td->ast->attrs; at; at = at->next) {
        const char *an = at->name;
        if (!at->table_level) {
            unknown_attr(s, at, "on a table", table_attrs, ARRAY_LEN(table_attrs));
        } else if (!strcmp(an, "primary")) {
            continue; /* finish_pk */
        } else if (!strcmp(an, "unique")) {
            size_t n;
            if (!check_keys(s, at, k_name, 1))
                continue;
            const char **cols = attr_columns(s, td, at, &n);
            const char *nm = arg_name(s, at);
            if (!cols)
                continue;
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = nm ? nm : join_name(s, "uq_", t->name, cols, n, NULL);
            u->cols = cols;
            u->ncols = n;
            u->span = at->span;
        } else if (!strcmp(an, "index")) {
            table_index(s, td, at);
        } else if (!strcmp(an, "check")) {
            if (!check_keys(s, at, k_name, 1))
                continue;
            const AstArg *e = at->args;
            if (!e || e->key || (e->next && !e->next->key)) {
                err(s, at->span, "'@@check' takes one SQL expression string and an optional name");
                continue;
            }
            const char *expr = arg_string(s, e, true);
            const char *nm = arg_name(s, at);
            if (!expr)
                continue;
            char h[9];
            name_hash8(h, expr, strlen(expr));
            Check *c = PUSH(s, t->checks, t->nchecks, td->cchecks);
            c->name = nm ? nm : name_shorten(s->a, arena_printf(s->a, "ck_%s_%s", t->name, h));
            c->expr = expr;
            c->span = at->span;
        } else if (!strcmp(an, "was")) {
            t->was = was_names(s, at, t->was, &t->nwas, &td->cwas, true);
        } else if (in_list(an, domain_attrs, ARRAY_LEN(domain_attrs))) {
            err(s, at->name_span, "'@@%s' is only allowed in a domain block", an);
        } else {
            unknown_attr(s, at, "on a table", table_attrs, ARRAY_LEN(table_attrs));
            if (in_list(an, field_attrs, ARRAY_LEN(field_attrs)))
                note(s, at->name_span, "'@%s' is a field attribute: write it after a field", an);
        }
    }
}

static void set_pk_types(Sema *s, TDecl *td, const char **cols, size_t n)
{
    td->pkcols = cols;
    td->npk = n;
    td->pktypes = ARENA_ARRAY(s->a, SqlType, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        const Column *c = table_find_column(td->t, cols[i]);
        if (c)
            td->pktypes[i] = c->type;
    }
    td->pk_ready = true;
}

/* The primary key once every column exists. */
static void finish_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id)
{
    Table *t = td->t;
    const char *pkname = NULL;
    const char **cols = NULL;
    size_t n = 0;
    Span span = td->ast->name ? td->ast->name->span : td->ast->span;
    if (implicit_id) {
        cols = ARENA_ARRAY(s->a, const char *, 1);
        cols[0] = "id";
        n = 1;
    }
    for (size_t i = 0; i < nf; i++) {
        if (fi[i].primary && (fi[i].kind == 0 || !fi[i].ncols))
            td->pk_failed = true;
        if (!fi[i].primary || fi[i].kind == 0 || !fi[i].ncols)
            continue;
        n = fi[i].ncols;
        cols = ARENA_ARRAY(s->a, const char *, n);
        for (size_t j = 0; j < n; j++)
            cols[j] = t->columns[fi[i].col0 + j].name;
        span = fi[i].ast->span;
        for (const AstAttr *at = fi[i].ast->attrs; at; at = at->next)
            if (!at->table_level && !strcmp(at->name, "primary"))
                pkname = arg_name(s, at);
        break;
    }
    for (const AstAttr *at = td->ast->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "primary"))
            continue;
        static const char *const k_name[] = {"name"};
        check_keys(s, at, k_name, 1);
        cols = attr_columns(s, td, at, &n);
        if (!cols) {
            n = 0;
            td->pk_failed = true;
        }
        pkname = arg_name(s, at);
        span = at->span;
        break;
    }
    if (n == 0) {
        td->npk = 0;
        td->pk_ready = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        Column *c = NULL;
        for (size_t j = 0; j < t->ncolumns && !c; j++)
            if (!strcmp(t->columns[j].name, cols[i]))
                c = &t->columns[j];
        if (c && c->nullable) {
            err(s, c->span, "primary key column '%s' cannot be nullable", c->name);
            c->nullable = false;
        }
    }
    t->pk.name = pkname ? pkname : join_name(s, "pk_", t->name, NULL, 0, NULL);
    t->pk.cols = cols;
    t->pk.ncols = n;
    t->pk.span = span;
    set_pk_types(s, td, cols, n);
}

/* Before any column is built: the key when it needs no other table (implicit id, a plain
 * @primary field, @@primary over plain fields), so references to a table being built work. */
static void early_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id, int npk)
{
    if (implicit_id) {
        td->pkcols = ARENA_ARRAY(s->a, const char *, 1);
        td->pkcols[0] = "id";
        td->pktypes = ARENA_ARRAY(s->a, SqlType, 1);
        td->pktypes[0] = (SqlType){.kind = TY_SERIAL, .length = -1, .precision = -1, .scale = -1};
        td->npk = 1;
        td->pk_ready = true;
        return;
    }
    if (npk == 0) {
        td->pk_ready = true;
        return;
    }
    for (size_t i = 0; i < nf; i++)
        if (fi[i].primary && fi[i].kind == 1) {
            td->pkcols = ARENA_ARRAY(s->a, const char *, 1);
            td->pkcols[0] = fi[i].name;
            td->pktypes = ARENA_ARRAY(s->a, SqlType, 1);
            td->pktypes[0] = fi[i].ty;
            td->npk = 1;
            td->pk_ready = true;
            return;
        }
}

static bool is_implicit(const TDecl *td, const Column *c)
{
    return c->span.src == td->ast->kw_span.src && c->span.off == td->ast->kw_span.off &&
           c->span.len == td->ast->kw_span.len;
}

static void check_columns(Sema *s, TDecl *td, FieldInfo *fi, size_t nf)
{
    Table *t = td->t;
    for (size_t i = 1; i < t->ncolumns; i++)
        for (size_t j = 0; j < i; j++) {
            if (strcmp(t->columns[i].name, t->columns[j].name))
                continue;
            const Column *a = &t->columns[j], *b = &t->columns[i];
            err(s, b->span, "duplicate column '%s' in table '%s'", b->name, t->name);
            const char *ra = NULL, *rb = NULL;
            for (size_t k = 0; k < nf; k++) {
                if (fi[k].ast->span.off == a->span.off && fi[k].ast->span.src == a->span.src)
                    ra = fi[k].ast->name->text;
                if (fi[k].ast->span.off == b->span.off && fi[k].ast->span.src == b->span.src)
                    rb = fi[k].ast->name->text;
            }
            if (is_implicit(td, a))
                note(s, a->span, "'%s' adds the implicit primary key 'id'; mark a field @primary to use your own",
                     archetype_name(t->archetype));
            else if (ra && rb && strcmp(ra, rb))
                note(s, a->span, "'%s' and '%s' both become '%s'", ra, rb, b->name);
            else
                note(s, a->span, "previous declaration of '%s' is here", a->name);
            break;
        }
}

static void build_table(Sema *s, TDecl *td)
{
    td->state = 1;
    const AstDecl *d = td->ast;
    Table *t = td->t;
    t->name = td->name;
    t->archetype = (Archetype)d->kind;
    t->comment = d->doc;
    t->span = d->span;
    size_t nf = 0, i = 0;
    for (const AstField *f = d->fields; f; f = f->next)
        nf++;
    FieldInfo *fi = ARENA_ARRAY(s->a, FieldInfo, nf ? nf : 1);
    int npk = 0;
    Span first_pk = {0};
    for (const AstField *f = d->fields; f; f = f->next, i++) {
        fi[i].ast = f;
        fi[i].name = term_name(s, f->name);
        if (fi[i].name)
            fi[i].kind = resolve_type(s, td, fi[i].name, &f->type, &fi[i].ty);
        for (const AstAttr *at = f->attrs; at; at = at->next) {
            if (at->table_level || strcmp(at->name, "primary"))
                continue;
            if (npk++) {
                err(s, at->span, "more than one primary key in '%s'", td->name);
                note(s, first_pk, "first primary key declared here; use @@primary(a, b) for a composite key");
                continue;
            }
            first_pk = at->span;
            fi[i].primary = true;
        }
    }
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "primary"))
            continue;
        if (npk++) {
            err(s, at->span, "more than one primary key in '%s'", td->name);
            note(s, first_pk, "first primary key declared here");
            continue;
        }
        first_pk = at->span;
    }
    bool implicit_id = npk == 0 && d->kind != DECL_ASSOCIATION && d->kind != DECL_TABLE;
    early_pk(s, td, fi, nf, implicit_id, npk);
    if (implicit_id) {
        Column *c = add_column(s, td, "id", d->kw_span);
        c->type.kind = TY_SERIAL;
    }
    build_parents(s, td);
    for (i = 0; i < nf; i++) {
        const AstField *f = fi[i].ast;
        if (fi[i].kind == 2) {
            build_ref(s, td, &fi[i]);
        } else if (fi[i].kind == 1) {
            fi[i].col0 = t->ncolumns;
            fi[i].ncols = 1;
            Column *c = add_column(s, td, fi[i].name, f->span);
            c->type = fi[i].ty;
            c->nullable = f->type.nullable;
            c->comment = f->doc;
            if (f->def && is_serial(c->type.kind))
                err(s, f->def->span, "a serial column cannot have a default");
            else if (f->def)
                make_default(s, f->def, &c->type, c->nullable, "default", &c->def);
        }
        if (fi[i].kind && fi[i].ncols) {
            for (size_t j = 0; j < fi[i].ncols; j++)
                t->columns[fi[i].col0 + j].comment = f->doc;
            apply_field_attrs(s, td, &fi[i]);
        }
    }
    /* Implicit timestamps, unless a field already made a column of that name. */
    bool created = d->kind <= DECL_CONTRIBUTION;
    bool updated = created && d->kind != DECL_EVENT;
    bool deleted = d->kind == DECL_ENTITY || d->kind == DECL_ATTRIBUTE ||
                   d->kind == DECL_CONTRIBUTION;
    const char *ts[3] = {created ? "created_at" : NULL, updated ? "updated_at" : NULL,
                         deleted ? "deleted_at" : NULL};
    for (int k = 0; k < 3; k++) {
        if (!ts[k] || table_find_column(t, ts[k]))
            continue;
        Column *c = add_column(s, td, ts[k], d->kw_span);
        c->type.kind = TY_TIMESTAMPTZ;
        c->nullable = k == 2;
        if (k < 2)
            c->def = (Default){DEF_EXPR, "CURRENT_TIMESTAMP"};
    }
    check_columns(s, td, fi, nf);
    finish_pk(s, td, fi, nf, implicit_id);
    table_attrs_apply(s, td);
    td->state = 2;
}

/* ---------------------------------------------------------------- domain block */

static void domain_block(Sema *s, const AstDecl *d, const AstDecl **seen)
{
    if (*seen) {
        err(s, d->kw_span, "more than one domain block in domain '%s'", s->in->domain);
        note(s, (*seen)->kw_span, "first domain block is here");
        return;
    }
    *seen = d;
    if (d->name) {
        const char *n = term_name2(s, d->name, false, NULL);
        if (n && strcmp(n, s->in->domain))
            err(s, d->name->span, "domain block names '%s' but the folder is domain '%s'", n,
                s->in->domain);
    }
    if (d->fields)
        err(s, d->fields->span, "a domain block holds only @@ attributes");
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (at->table_level && !strcmp(at->name, "schema")) {
            const char *sc = NULL;
            if (!at->args || at->args->next || at->args->key)
                err(s, at->span, "'@@schema' takes one schema name string");
            else if ((sc = arg_string(s, at->args, false))) {
                if (!*sc || strlen(sc) > NAME_MAX_BYTES)
                    err(s, at->args->span, "a schema name must be 1 to %d bytes long", NAME_MAX_BYTES);
                else
                    s->m->schema = sc;
            }
        } else if (at->table_level && !strcmp(at->name, "tenants")) {
            static const char *const keys[] = {"query", "pattern"};
            if (!check_keys(s, at, keys, 2))
                continue;
            const AstArg *q = arg_key(at, "query"), *p = arg_key(at, "pattern");
            if (!q == !p || count_args(at->args) != 1) {
                err(s, at->span, "'@@tenants' takes either query: '...' or pattern: '...'");
                continue;
            }
            if (!strcmp(s->in->domain, "public")) {
                err(s, at->span, "the public domain cannot be per-tenant");
                continue;
            }
            s->m->per_tenant = true;
            if (q)
                s->m->tenants.query = arg_string(s, q, false);
            else
                s->m->tenants.pattern = arg_string(s, p, false);
        } else {
            unknown_attr(s, at, "in a domain block", domain_attrs, ARRAY_LEN(domain_attrs));
        }
    }
}

/* ---------------------------------------------------------------- whole domain */

typedef struct NameUse {
    const char *name;
    const char *what;  /* "table 'x'", "index on table 'x'", ... */
    Span span;
    size_t seq;
} NameUse;

static int cmp_use(const void *a, const void *b)
{
    const NameUse *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Report names used twice in one namespace (PostgreSQL: relations of a schema, types of a
 * schema, constraints of a table). */
static void check_namespace(Sema *s, NameUse *u, size_t n, const char *space)
{
    if (n < 2)
        return;
    qsort(u, n, sizeof(*u), cmp_use);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(u[i].name, u[i - 1].name)) {
            err(s, u[i].span, "name '%s' of the %s is already used by the %s", u[i].name, u[i].what,
                u[i - 1].what);
            note(s, u[i - 1].span, "%s; names longer than %d bytes are shortened to %d bytes and a hash",
                 space, NAME_MAX_BYTES, NAME_SHORT_PREFIX);
        }
}

static void check_names(Sema *s, Model *m)
{
    size_t cap = m->nenums + 1, n = 0, seq = 0;
    for (size_t i = 0; i < m->ntables; i++)
        cap += 2 + m->tables[i].nuniques + m->tables[i].nindexes;
    NameUse *rel = ARENA_ARRAY(s->a, NameUse, cap);
    NameUse *typ = ARENA_ARRAY(s->a, NameUse, m->ntables + m->nenums + 1);
    size_t ntyp = 0;
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        rel[n++] = (NameUse){t->name, arena_printf(s->a, "table '%s'", t->name), t->span, seq++};
        typ[ntyp++] = (NameUse){t->name, arena_printf(s->a, "table '%s'", t->name), t->span, seq++};
        if (t->pk.name)
            rel[n++] = (NameUse){t->pk.name, arena_printf(s->a, "primary key of '%s'", t->name),
                                 t->pk.span, seq++};
        for (size_t j = 0; j < t->nuniques; j++)
            rel[n++] = (NameUse){t->uniques[j].name,
                                 arena_printf(s->a, "unique constraint on '%s'", t->name),
                                 t->uniques[j].span, seq++};
        for (size_t j = 0; j < t->nindexes; j++)
            rel[n++] = (NameUse){t->indexes[j].name, arena_printf(s->a, "index on '%s'", t->name),
                                 t->indexes[j].span, seq++};
        size_t nc = 1 + t->nuniques + t->nfks + t->nchecks, k = 0;
        NameUse *con = ARENA_ARRAY(s->a, NameUse, nc);
        if (t->pk.name)
            con[k++] = (NameUse){t->pk.name, "primary key", t->pk.span, seq++};
        for (size_t j = 0; j < t->nuniques; j++)
            con[k++] = (NameUse){t->uniques[j].name, "unique constraint", t->uniques[j].span, seq++};
        for (size_t j = 0; j < t->nfks; j++)
            con[k++] = (NameUse){t->fks[j].name, "foreign key", t->fks[j].span, seq++};
        for (size_t j = 0; j < t->nchecks; j++)
            con[k++] = (NameUse){t->checks[j].name, "check constraint", t->checks[j].span, seq++};
        check_namespace(s, con, k, "constraint names must be unique within a table");
    }
    for (size_t i = 0; i < m->nenums; i++)
        typ[ntyp++] = (NameUse){m->enums[i].name, arena_printf(s->a, "enum '%s'", m->enums[i].name),
                                m->enums[i].span, seq++};
    check_namespace(s, rel, n, "tables, indexes and key constraints share one namespace per schema");
    check_namespace(s, typ, ntyp, "tables and enums share one type namespace per schema");
}

bool sema_domain(Model *out, Arena *a, const SemaInput *in, Diag *d)
{
    Sema ss = {.a = a, .d = d, .in = in, .m = out}, *s = &ss;
    int errors0 = diag_count_errors(d);
    memset(out, 0, sizeof(*out));
    out->domain = arena_strdup(a, in->domain);
    out->schema = out->domain;
    const AstDecl *domain_decl = NULL;
    size_t ntables = 0;
    /* Named enums first: field types refer to them. */
    for (size_t f = 0; f < in->nfiles; f++)
        for (const AstDecl *dc = in->files[f]->decls; dc; dc = dc->next) {
            if (dc->kind == DECL_ENUM && dc->name)
                declare_enum(s, dc);
            else if (dc->kind == DECL_DOMAIN)
                domain_block(s, dc, &domain_decl);
            else if (dc->kind <= DECL_TABLE && dc->name)
                ntables++;
        }
    s->tdecls = ARENA_ARRAY(a, TDecl, ntables ? ntables : 1);
    for (size_t f = 0; f < in->nfiles; f++)
        for (const AstDecl *dc = in->files[f]->decls; dc; dc = dc->next) {
            if (dc->kind > DECL_TABLE || !dc->name)
                continue;
            const char *raw = NULL;
            const char *name = term_name2(s, dc->name, true, &raw);
            if (!name)
                continue;
            TDecl *td = &s->tdecls[s->ntdecls++];
            td->ast = dc;
            td->name = name;
            td->raw = raw;
            td->t = ARENA_NEW(a, Table);
        }
    if (s->ntdecls > 1)
        qsort(s->tdecls, s->ntdecls, sizeof(TDecl), cmp_tdecl);
    for (size_t i = 1; i < s->ntdecls; i++) {
        TDecl *p = &s->tdecls[i - 1], *c = &s->tdecls[i];
        if (strcmp(p->name, c->name))
            continue;
        while (p > s->tdecls && !strcmp((p - 1)->name, c->name))
            p--;
        err(s, c->ast->name->span, "duplicate table '%s'", c->name);
        if (strcmp(p->raw, c->raw))
            note(s, p->ast->name->span, "'%s' and '%s' both become '%s'", p->raw, c->raw, c->name);
        else
            note(s, p->ast->name->span, "previous declaration of '%s' is here", c->name);
        c->state = 3; /* excluded */
    }
    for (size_t i = 0; i < s->ntdecls; i++)
        if (s->tdecls[i].state == 0)
            build_table(s, &s->tdecls[i]);
    size_t nt = 0;
    out->tables = ARENA_ARRAY(a, Table, s->ntdecls ? s->ntdecls : 1);
    for (size_t i = 0; i < s->ntdecls; i++)
        if (s->tdecls[i].state == 2)
            out->tables[nt++] = *s->tdecls[i].t;
    out->ntables = nt;
    out->enums = ARENA_ARRAY(a, Enum, s->nedecls ? s->nedecls : 1);
    for (size_t i = 0; i < s->nedecls; i++)
        out->enums[i] = *s->edecls[i].e;
    out->nenums = s->nedecls;
    model_sort(out);
    check_names(s, out);
    return diag_count_errors(d) == errors0 && !d->capped;
}
