/*
 * sema_types.c - sema's helpers (sema_int.h): diagnostics with "did you mean", final SQL names,
 * table/enum lookups, field types with their parameters, enums, attribute arguments and
 * default values checked against the column type. Used by sema.c while it builds tables.
 */
#include "sema_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "sqlquote.h"
#include "sqlnorm.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- diagnostics */

/* Grow an arena array to hold one more element (arrays are rebuilt, never realloc'd). */
void *sema_grow(Arena *a, void *arr, size_t n, size_t *cap, size_t size)
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

/* Format the message first: diag_at takes no va_list. */
static void sema_vdiag(Sema *s, DiagLevel level, Span sp, const char *fmt, va_list ap)
    PRINTF_LIKE(4, 0);

static void sema_vdiag(Sema *s, DiagLevel level, Span sp, const char *fmt, va_list ap)
{
    StrBuf sb = SB_INIT;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    sb_grow(&sb, n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(sb.buf, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    diag_at(s->d, level, sp, "%s", sb.buf);
    sb_release(&sb);
}

void sema_err(Sema *s, Span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sema_vdiag(s, DIAG_ERROR, sp, fmt, ap);
    va_end(ap);
}

void sema_note(Sema *s, Span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sema_vdiag(s, DIAG_NOTE, sp, fmt, ap);
    va_end(ap);
}

/* "did you mean 'x'?" for the closest candidate within a third of the word's length. */
void sema_suggest(Sema *s, Span sp, const char *word, const char *const *cands, size_t n)
{
    if (s->d->capped)
        return; /* the note would be dropped: skip the search (huge inputs stay linear) */
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
        sema_note(s, sp, "did you mean '%s'?", best);
}

/* ---------------------------------------------------------------- names */

static bool span_has_nul(Span sp)
{
    return sp.src && sp.off + sp.len <= sp.src->len && memchr(sp.src->buf + sp.off, 0, sp.len);
}

/* The final SQL name of a name term: snake_case for identifiers, verbatim for quoted ones,
 * NFC-normalised, shortened past 63 bytes. NULL (reported) when it is not a usable name.
 * raw_out receives the NFC text as written, for messages. */
const char *sema_term_name2(Sema *s, const AstTerm *t, bool snake, const char **raw_out)
{
    if (span_has_nul(t->span)) {
        sema_err(s, t->span, "name contains a NUL byte");
        return NULL;
    }
    const char *r;
    if (t->kind == TERM_IDENT)
        r = snake ? name_snake(s->a, t->text) : name_nfc(s->a, t->text);
    else if (t->kind == TERM_QIDENT || t->kind == TERM_STRING)
        r = name_nfc(s->a, t->text);
    else {
        sema_err(s, t->span, "expected a name");
        return NULL;
    }
    if (!r) {
        sema_err(s, t->span, "name is not valid UTF-8");
        return NULL;
    }
    if (!*r) {
        sema_err(s, t->span, "empty name");
        return NULL;
    }
    if (raw_out)
        *raw_out = name_nfc(s->a, t->text);
    return name_shorten(s->a, r);
}

const char *sema_term_name(Sema *s, const AstTerm *t)
{
    return sema_term_name2(s, t, true, NULL);
}

const char *sema_join_name(
    Sema *s, const char *prefix, const char *table, const char **cols, size_t n, const char *suffix)
{
    /* Straight into the arena (no printf): this runs for every key, index and FK. */
    size_t pl = strlen(prefix), tl = strlen(table), sl = suffix ? strlen(suffix) : 0;
    size_t len = pl + tl + sl;
    for (size_t i = 0; i < n; i++)
        len += 1 + strlen(cols[i]);
    char *r = arena_alloc(s->a, len + 1), *o = r;
    memcpy(o, prefix, pl), o += pl;
    memcpy(o, table, tl), o += tl;
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(cols[i]);
        *o++ = '_';
        memcpy(o, cols[i], cl), o += cl;
    }
    if (sl)
        memcpy(o, suffix, sl), o += sl;
    *o = '\0';
    return name_shorten(s->a, r);
}

/* ---------------------------------------------------------------- lookups */

int sema_cmp_tdecl(const void *a, const void *b)
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

TDecl *sema_find_tdecl(Sema *s, const char *name)
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

static size_t hash_str(const char *p)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a: a lookup table key, not a name suffix */
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return (size_t)h;
}

static EDecl *find_edecl(Sema *s, const char *name)
{
    if (!s->ehcap)
        return NULL;
    for (size_t i = hash_str(name) & (s->ehcap - 1);; i = (i + 1) & (s->ehcap - 1)) {
        size_t k = s->ehash[i];
        if (!k)
            return NULL;
        if (!strcmp(s->edecls[k - 1].name, name))
            return &s->edecls[k - 1];
    }
}

/* Index edecls[n - 1] (called after each push; rebuilt when the table is half full). */
static void index_edecl(Sema *s)
{
    if (s->nedecls * 2 > s->ehcap) {
        s->ehcap = s->ehcap ? s->ehcap * 2 : 64;
        s->ehash = ARENA_ARRAY(s->a, size_t, s->ehcap);
        for (size_t j = 0; j < s->nedecls; j++) {
            size_t i = hash_str(s->edecls[j].name) & (s->ehcap - 1);
            while (s->ehash[i])
                i = (i + 1) & (s->ehcap - 1);
            s->ehash[i] = j + 1;
        }
        return;
    }
    size_t i = hash_str(s->edecls[s->nedecls - 1].name) & (s->ehcap - 1);
    while (s->ehash[i])
        i = (i + 1) & (s->ehcap - 1);
    s->ehash[i] = s->nedecls;
}

void sema_suggest_table(Sema *s, Span sp, const char *name, const Model *other)
{
    if (s->d->capped)
        return;
    size_t n = other ? other->ntables : s->ntdecls;
    const char **c = ARENA_ARRAY(s->a, const char *, n + 1);
    for (size_t i = 0; i < n; i++)
        c[i] = other ? other->tables[i].name : s->tdecls[i].name;
    sema_suggest(s, sp, name, c, n);
}

bool sema_is_domain(Sema *s, const char *name)
{
    for (size_t i = 0; i < s->in->ndomains; i++)
        if (!strcmp(s->in->domains[i], name))
            return true;
    return false;
}

/* Another domain's resolved model (domain.Name), or NULL when it is not loaded. */
const Model *sema_other_model(Sema *s, const char *dom)
{
    for (size_t i = 0; i < s->in->nothers; i++)
        if (!strcmp(s->in->others[i]->domain, dom))
            return s->in->others[i];
    if (!strcmp(dom, "public") && s->in->public_model)
        return s->in->public_model;
    return NULL;
}

/* The other domain named by dom.X, or NULL after reporting why there is none: an unknown
 * domain, or one that is not loaded (its own errors were reported, or it is in a cycle). */
const Model *sema_use_domain(Sema *s, Span sp, const char *dom)
{
    const Model *m = sema_other_model(s, dom);
    if (m && m->per_tenant) {
        sema_err(s, sp, "domain '%s' is per-tenant: its objects live in one schema per tenant, "
                        "so another domain cannot name them",
                 dom);
        return NULL;
    }
    if (m)
        return m;
    if (sema_is_domain(s, dom)) {
        sema_err(s, sp, "domain '%s' could not be loaded, so '%s.' names cannot be resolved",
                 dom, dom);
    } else {
        sema_err(s, sp, "unknown domain '%s'", dom);
        sema_note_domains(s, sp);
    }
    return NULL;
}

void sema_note_domains(Sema *s, Span sp)
{
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < s->in->ndomains; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", s->in->domains[i]);
    sema_note(s, sp, "available domains: %s", sb_str(&sb));
    sb_release(&sb);
}

/* ---------------------------------------------------------------- types */

static const char *const type_words[] = {
    "smallint",    "integer",   "bigint",
    "smallserial", "serial",    "bigserial",
    "numeric",     "decimal",   "real",
    "double",      "money",     "varchar",
    "string",      "char",      "text",
    "ulid",        "bytea",     "timestamp",
    "timestamptz", "date",      "time",
    "timetz",      "interval",  "boolean",
    "bool",        "uuid",      "point",
    "line",        "lseg",      "box",
    "path",        "polygon",   "circle",
    "inet",        "cidr",      "macaddr",
    "macaddr8",    "bit",       "varbit",
    "tsvector",    "tsquery",   "json",
    "jsonb",       "int4range", "int8range",
    "numrange",    "tsrange",   "tstzrange",
    "daterange",   "xml",       "int",
    "int2",        "int4",      "int8",
    "float4",      "float8",    "double_precision",
    "enum",        "ref",
};

bool sema_is_int_kind(TypeKind k)
{
    return k == TY_SMALLINT || k == TY_INTEGER || k == TY_BIGINT || k == TY_SMALLSERIAL ||
           k == TY_SERIAL || k == TY_BIGSERIAL;
}
static bool is_num_kind(TypeKind k)
{
    return sema_is_int_kind(k) || k == TY_NUMERIC || k == TY_REAL || k == TY_DOUBLE ||
           k == TY_MONEY;
}
/* 'NaN', 'Infinity', '-Infinity' (and 'inf', any case, as PostgreSQL reads them) for numeric,
 * real and double: values with no number literal, so a string is their only spelling (it is
 * what pull writes for a default of 'NaN'::numeric). */
static bool is_float_special(TypeKind k, const char *v)
{
    if (k != TY_NUMERIC && k != TY_REAL && k != TY_DOUBLE)
        return false;
    if (*v == '+' || *v == '-')
        return strcasecmp(v + 1, "Infinity") == 0 || strcasecmp(v + 1, "inf") == 0;
    return strcasecmp(v, "NaN") == 0 || strcasecmp(v, "Infinity") == 0 || strcasecmp(v, "inf") == 0;
}

bool sema_is_serial(TypeKind k)
{
    return k == TY_SMALLSERIAL || k == TY_SERIAL || k == TY_BIGSERIAL;
}

/* A positional integer argument; reports and returns false when it is not one. */
static bool arg_int(Sema *s, const AstArg *arg, const char *what, long lo, long hi, int32_t *out)
{
    const AstTerm *t = arg->terms;
    if (arg->key || !t || t->kind != TERM_NUMBER || t->next) {
        sema_err(s, arg->span, "%s must be an integer", what);
        return false;
    }
    char *end;
    long v = strtol(t->text, &end, 10);
    if (*end || v < lo || v > hi) {
        sema_err(s, t->span, "%s must be an integer between %ld and %ld, not %s", what, lo, hi,
                 t->text);
        return false;
    }
    *out = (int32_t)v;
    return true;
}

size_t sema_count_args(const AstArg *a)
{
    size_t n = 0;
    for (; a; a = a->next)
        n++;
    return n;
}

static Enum *add_enum(Sema *s, const char *name, const char *raw, Span span);
static bool enum_values(Sema *s, Enum *e, const AstArg *args, Span span);

/* Resolve a field's type except references. Returns 0 on error (reported), 1 plain, 2 ref. */
int sema_resolve_type(Sema *s, TDecl *td, const char *colname, const AstType *at, SqlType *out)
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
            sema_err(s, n->span, "name is not valid UTF-8");
            return 0;
        }
        if (!strcmp(dom, s->in->domain)) {
            EDecl *e = find_edecl(s, ename);
            if (!e) {
                int dk = sema_dtype_type(s, ename, at, out); /* own.money: a SQL domain */
                if (dk >= 0)
                    return dk;
                sema_err(s, n->span, "unknown enum '%s'", n->text);
                return 0;
            }
            out->kind = TY_ENUM;
            out->enum_name = e->name;
        } else {
            /* another domain's enum, SQL domain or composite type (docs/language.md) */
            const Model *om = sema_use_domain(s, n->span, dom);
            if (!om)
                return 0;
            const Enum *e = model_find_enum(om, ename);
            if (!e) {
                const DomainType *dt = NULL;
                for (size_t i = 0; i < om->ndtypes && !dt; i++)
                    if (!strcmp(om->dtypes[i].name, ename))
                        dt = &om->dtypes[i];
                const CompositeType *ct = dt ? NULL : model_find_ctype(om, ename);
                if (!dt && !ct) {
                    sema_err(s, n->span, "unknown enum '%s' in domain '%s'", n->text, dom);
                    return 0;
                }
                if (at->has_args || at->ndims) {
                    sema_err(s, at->span, "a %s type takes no parameters and no []",
                             dt ? "domain" : "composite");
                    return 0;
                }
                StrBuf q = SB_INIT;
                sql_qualified(&q, om->schema, dt ? dt->name : ct->name);
                *out = (SqlType){.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1,
                                 .other = arena_strdup(s->a, sb_str(&q))};
                sb_release(&q);
                return 1;
            }
            out->kind = TY_ENUM;
            out->enum_name = e->name;
            out->enum_schema = om->schema;
        }
        if (at->has_args) {
            sema_err(s, at->span, "an enum type takes no parameters");
            return 0;
        }
        return 1;
    }
    if (n->kind == TERM_QIDENT) {
        const char *ename = name_nfc(s->a, n->text);
        EDecl *e = ename ? find_edecl(s, ename) : NULL;
        int dk = e ? -1 : sema_dtype_type(s, ename, at, out); /* types branch: a domain */
        if (dk >= 0)
            return dk;
        if (!e) {
            sema_err(s, n->span, "unknown type '%s'", n->text);
            return 0;
        }
        if (at->has_args) {
            sema_err(s, at->span, "an enum type takes no parameters");
            return 0;
        }
        out->kind = TY_ENUM;
        out->enum_name = e->name;
        return 1;
    }
    const char *w = n->text;
    size_t nargs = sema_count_args(at->args);
    if (!strcmp(w, "ref"))
        return 2;
    if (!strcmp(w, "enum") && at->has_args) {
        if (!td) {
            sema_err(s, n->span, "inline enums are only allowed in table fields");
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
            sema_err(s, at->span, "type 'ulid' takes no parameters");
            return 0;
        }
    } else if (!type_kind_from_name(w, &k)) {
        known = false;
    }
    if (!known) {
        const char *ename = name_snake(s->a, w);
        EDecl *e = ename ? find_edecl(s, ename) : NULL;
        if (e && at->has_args) {
            sema_err(s, at->span, "an enum type takes no parameters");
            return 0;
        }
        if (e) {
            out->kind = TY_ENUM;
            out->enum_name = e->name;
            return 1;
        }
        int dk = sema_dtype_type(s, ename, at, out); /* types branch: a domain */
        if (dk >= 0)
            return dk;
        sema_err(s, n->span, "unknown type '%s'", w);
        size_t nc = ARRAY_LEN(type_words) + s->nedecls;
        const char **c = ARENA_ARRAY(s->a, const char *, nc);
        for (size_t i = 0; i < ARRAY_LEN(type_words); i++)
            c[i] = type_words[i];
        for (size_t i = 0; i < s->nedecls; i++)
            c[ARRAY_LEN(type_words) + i] = s->edecls[i].name;
        sema_suggest(s, n->span, w, c, nc);
        return 0;
    }
    out->kind = k;
    switch (type_kind_params(k)) {
    case TP_LENGTH:
        if (k == TY_CHAR && out->length < 0)
            out->length = 1;
        if (k == TY_BIT)
            out->length = 1;
        if (nargs > 1) {
            sema_err(s, at->span, "type '%s' takes one parameter (the length)", w);
            return 0;
        }
        if (nargs == 1 && !arg_int(s, at->args, "the length", 1, 10485760, &out->length))
            return 0;
        break;
    case TP_PRECISION_SCALE:
        if (nargs > 2) {
            sema_err(s, at->span, "type '%s' takes at most two parameters (precision, scale)", w);
            return 0;
        }
        if (nargs >= 1 && !arg_int(s, at->args, "the precision", 1, 1000, &out->precision))
            return 0;
        if (nargs == 1)
            out->scale = 0; /* numeric(p) is numeric(p,0), as PostgreSQL stores it */
        if (nargs == 2) {
            if (!arg_int(s, at->args->next, "the scale", 0, 1000, &out->scale))
                return 0;
            if (out->scale > out->precision) {
                sema_err(s, at->args->next->span, "the scale (%d) cannot exceed the precision (%d)",
                         out->scale, out->precision);
                return 0;
            }
        }
        break;
    case TP_PRECISION:
        if (nargs > 1) {
            sema_err(s, at->span, "type '%s' takes one parameter (the precision)", w);
            return 0;
        }
        if (nargs == 1 && !arg_int(s, at->args, "the precision", 0, 6, &out->precision))
            return 0;
        break;
    case TP_NONE:
        if (at->has_args && strcmp(w, "string")) {
            sema_err(s, at->span, "type '%s' takes no parameters", w);
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
        sema_err(s, span, "duplicate enum '%s'", name);
        if (strcmp(prev->raw, raw))
            sema_note(s, prev->span, "'%s' and '%s' both become '%s'", prev->raw, raw, name);
        else
            sema_note(s, prev->span, "previous declaration of '%s' is here", name);
        return NULL;
    }
    EDecl *e = PUSH(s, s->edecls, s->nedecls, s->cedecls);
    e->name = name;
    e->raw = raw;
    e->span = span;
    e->e = ARENA_NEW(s->a, Enum);
    e->e->name = name;
    e->e->span = span;
    index_edecl(s);
    return e->e;
}

static const EnumValue *sort_vals;

static int cmp_validx(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_vals[x].name, sort_vals[y].name);
    return c ? c : (x < y ? -1 : x > y);
}

/* Report values declared twice (each against the first) and drop the repeats, keeping the
 * declared order. O(n log n), so huge enums stay fast. Returns false when any was found. */
static bool drop_dup_values(Sema *s, Enum *e)
{
    size_t n = e->nvalues;
    if (n < 2)
        return true;
    size_t *ix = ARENA_ARRAY(s->a, size_t, n);
    bool *dup = ARENA_ARRAY(s->a, bool, n);
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    sort_vals = e->values;
    qsort(ix, n, sizeof(*ix), cmp_validx);
    sort_vals = NULL;
    bool ok = true;
    for (size_t i = 1, first = 0; i < n; i++) {
        const EnumValue *a = &e->values[ix[first]], *b = &e->values[ix[i]];
        if (strcmp(a->name, b->name)) {
            first = i;
            continue;
        }
        dup[ix[i]] = true;
        ok = false;
        sema_err(s, b->span, "duplicate enum value '%s'", b->name);
        sema_note(s, a->span, "previous declaration of '%s' is here", a->name);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!dup[i])
            e->values[k++] = e->values[i];
    e->nvalues = k;
    return ok;
}

/* Inline enum values: enum(a, 'b c', "D"). */
static bool enum_values(Sema *s, Enum *e, const AstArg *args, Span span)
{
    size_t n = sema_count_args(args), i = 0;
    if (n == 0) {
        sema_err(s, span, "enum '%s' has no values", e->name);
        return false;
    }
    e->values = ARENA_ARRAY(s->a, EnumValue, n);
    bool ok = true;
    for (const AstArg *a = args; a; a = a->next) {
        const AstTerm *t = a->terms;
        if (a->key || !t || t->next ||
            (t->kind != TERM_IDENT && t->kind != TERM_QIDENT && t->kind != TERM_STRING)) {
            sema_err(s, a->span, "an enum value must be a name or a string");
            ok = false;
            continue;
        }
        const char *v = sema_term_name2(s, t, false, NULL);
        if (!v) {
            ok = false;
            continue;
        }
        e->values[i].name = v;
        e->values[i].span = t->span;
        i++;
    }
    e->nvalues = i;
    return drop_dup_values(s, e) && ok;
}

/* A named enum declaration. */
void sema_declare_enum(Sema *s, const AstDecl *d)
{
    const char *raw = NULL;
    const char *name = sema_term_name2(s, d->name, d->name->kind == TERM_IDENT, &raw);
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
        sema_err(s, d->name->span, "enum '%s' has no values", name);
    e->values = ARENA_ARRAY(s->a, EnumValue, n ? n : 1);
    size_t i = 0;
    for (const AstEnumValue *v = d->values; v; v = v->next) {
        const char *vn = sema_term_name2(s, v->name, false, NULL);
        if (!vn)
            continue;
        EnumValue *ev = &e->values[i++];
        ev->name = vn;
        ev->span = v->span;
        size_t vcap = 0;
        for (const AstAttr *at = v->attrs; at; at = at->next) {
            if (!strcmp(at->name, "was") && !at->table_level)
                ev->was = sema_was_names(s, at, ev->was, &ev->nwas, &vcap, false);
            else
                sema_err(s, at->name_span,
                         "unknown attribute '%s%s' on an enum value (only '@was' is allowed)",
                         at->table_level ? "@@" : "@", at->name);
        }
    }
    e->nvalues = i;
    drop_dup_values(s, e);
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (!strcmp(at->name, "was") && at->table_level)
            e->was = sema_was_names(s, at, e->was, &e->nwas, &cwas, true);
        else
            sema_err(s, at->name_span,
                     "unknown attribute '%s%s' on an enum (only '@@was' is allowed)",
                     at->table_level ? "@@" : "@", at->name);
    }
}

/* ---------------------------------------------------------------- attributes */

const char *const sema_field_attrs[] = {
    "primary", "unique",   "index",     "sensitive", "email",     "url",
    "min",     "max",      "length",    "regex",     "on_delete", "on_update",
    "fk",      "identity", "generated", "was",       "backfill",  "no_index",  "using",
    "lint_ignore", "sequence", "collate",
};
const char *const sema_table_attrs[] = { "primary", "unique", "index", "check", "was", "foreign",
                                         "lint_ignore", "partition_by", "partition_of", "exclude" };
const char *const sema_domain_attrs[] = { "schema", "tenants", "online", "sequence", "depends" };

bool sema_in_list(const char *w, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, l[i]))
            return true;
    return false;
}

void sema_unknown_attr(
    Sema *s, const AstAttr *at, const char *where, const char *const *l, size_t n)
{
    sema_err(s, at->name_span, "unknown attribute '%s%s' %s", at->table_level ? "@@" : "@",
             at->name, where);
    sema_suggest(s, at->name_span, at->name, l, n);
}

/* @lint_ignore(CODE, "why"): a code SLnnn and a non-empty reason string. */
LintIgnore *sema_lint_ignore(Sema *s, const AstAttr *at, LintIgnore *v, size_t *n)
{
    const AstArg *c = at->args, *r = c ? c->next : NULL;
    const char *at_name = at->table_level ? "@@lint_ignore" : "@lint_ignore";
    if (!c || !r || r->next || c->key || r->key || !single_term(c) ||
        (c->terms->kind != TERM_IDENT && c->terms->kind != TERM_STRING)) {
        sema_err(s, at->span, "'%s' takes a lint code and a reason string", at_name);
        return v;
    }
    const char *code = c->terms->text;
    bool ok = strlen(code) == 5 && (code[0] == 'S' || code[0] == 's') &&
              (code[1] == 'L' || code[1] == 'l');
    for (size_t i = 2; ok && i < 5; i++)
        ok = code[i] >= '0' && code[i] <= '9';
    if (!ok) {
        sema_err(s, c->span, "'%s' is not a lint code (SL followed by three digits)", code);
        return v;
    }
    /* the reason: a string, or written in double quotes (a quoted name to the lexer) */
    const char *why = single_term(r) && r->terms->kind == TERM_QIDENT ? r->terms->text
                                                                      : sema_arg_string(s, r, false);
    if (!why)
        return v;
    if (!*why) {
        sema_err(s, r->span, "'%s' needs a reason", at_name);
        return v;
    }
    LintIgnore *nv = ARENA_ARRAY(s->a, LintIgnore, *n + 1);
    if (*n)
        memcpy(nv, v, *n * sizeof *nv);
    nv[*n].code = code;
    nv[*n].reason = why;
    (*n)++;
    return nv;
}

const AstArg *sema_arg_key(const AstAttr *at, const char *key)
{
    for (const AstArg *a = at->args; a; a = a->next)
        if (a->key && !strcmp(a->key, key))
            return a;
    return NULL;
}

/* Reject keyed arguments other than those allowed. */
bool sema_check_keys(Sema *s, const AstAttr *at, const char *const *keys, size_t n)
{
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next)
        if (a->key && !sema_in_list(a->key, keys, n)) {
            sema_err(s, a->key_span, "unknown argument '%s' for '%s%s'", a->key,
                     at->table_level ? "@@" : "@", at->name);
            sema_suggest(s, a->key_span, a->key, keys, n);
            ok = false;
        }
    return ok;
}

/* A string argument (name: 'x', where: '...'): returns the text or NULL (reported). */
const char *sema_arg_string(Sema *s, const AstArg *a, bool sql_ok)
{
    const AstTerm *t = a->terms;
    if (!t || t->next || !(t->kind == TERM_STRING || (sql_ok && t->kind == TERM_SQL))) {
        sema_err(s, a->span, "expected a string");
        return NULL;
    }
    if (!name_utf8_valid(t->text, strlen(t->text))) {
        sema_err(s, t->span, "string is not valid UTF-8");
        return NULL;
    }
    return name_nfc(s->a, t->text);
}

/* name: 'x' of an attribute, validated as a name (NULL when absent or bad). */
const char *sema_arg_name(Sema *s, const AstAttr *at)
{
    const AstArg *a = sema_arg_key(at, "name");
    if (!a)
        return NULL;
    const char *n = sema_arg_string(s, a, false);
    if (n && (strlen(n) == 0 || strlen(n) > NAME_MAX_BYTES)) {
        sema_err(s, a->span, "a constraint or index name must be 1 to %d bytes long",
                 NAME_MAX_BYTES);
        return NULL;
    }
    return n;
}

/* comment: 'text' of a table attribute (COMMENT ON the constraint or index), or NULL. */
const char *sema_arg_comment(Sema *s, const AstAttr *at)
{
    const AstArg *a = sema_arg_key(at, "comment");
    return a ? sema_arg_string(s, a, false) : NULL;
}

const char **
sema_was_names(Sema *s, const AstAttr *at, const char **list, size_t *n, size_t *cap, bool snake)
{
    if (!at->args)
        sema_err(s, at->span, "'%s%s' needs at least one previous name",
                 at->table_level ? "@@" : "@", at->name);
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key || !a->terms || a->terms->next) {
            sema_err(s, a->span, "expected a previous name");
            continue;
        }
        const char *nm = sema_term_name2(s, a->terms, snake && a->terms->kind == TERM_IDENT, NULL);
        if (nm)
            *PUSH(s, list, *n, *cap) = nm;
    }
    return list;
}

/* ---------------------------------------------------------------- defaults */

/* Canonical decimal text (sqlnorm_canon_number): the number as PostgreSQL's numeric_out prints
 * the literal. NULL when the exponent is beyond +-1000 (PostgreSQL rejects those too). */
const char *sema_canon_number(Sema *s, const char *txt)
{
    return sqlnorm_canon_number(s->a, txt);
}

static const Enum *enum_of(Sema *s, const SqlType *ty)
{
    if (ty->enum_schema) {
        for (size_t i = 0; i < s->in->nothers; i++)
            if (!strcmp(s->in->others[i]->schema, ty->enum_schema))
                return model_find_enum(s->in->others[i], ty->enum_name);
        if (s->in->public_model && !strcmp(s->in->public_model->schema, ty->enum_schema))
            return model_find_enum(s->in->public_model, ty->enum_name);
        return NULL;
    }
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
/* ty in SQL, into buf (cut at 63 bytes): the type a message names. */
static const char *type_name_in(char buf[64], const SqlType *ty)
{
    StrBuf tb = SB_INIT;
    type_to_sql(&tb, ty);
    snprintf(buf, 64, "%s", sb_str(&tb));
    sb_release(&tb);
    return buf;
}

bool sema_make_default(
    Sema *s, const AstTerm *t, const SqlType *ty, bool nullable, const char *what, Default *out)
{
    out->kind = DEF_NONE;
    out->text = NULL;
    if (t->next) {
        sema_err(s, t->span, "a %s is a single value", what);
        return false;
    }
    char tyname[64]; /* the type a message names: type_name_in, only when one is reported */
    switch (t->kind) {
    case TERM_SQL:
        out->kind = DEF_EXPR;
        out->text = arena_strdup(s->a, t->text);
        return true;
    case TERM_NULL:
        if (!nullable) {
            sema_err(s, t->span, "%s null on a column that is not nullable", what);
            sema_note(s, t->span, "add '?' to the type to make the column nullable");
            return false;
        }
        out->kind = DEF_NULL;
        return true;
    case TERM_TRUE:
    case TERM_FALSE:
        if (ty->kind != TY_BOOLEAN || ty->ndims) {
            sema_err(s, t->span, "invalid %s for type %s: a boolean", what,
                     type_name_in(tyname, ty));
            return false;
        }
        out->kind = DEF_BOOL;
        out->text = t->kind == TERM_TRUE ? "true" : "false";
        return true;
    case TERM_NUMBER:
        if (!is_num_kind(ty->kind) || ty->ndims) {
            sema_err(s, t->span, "invalid %s for type %s: a number", what,
                     type_name_in(tyname, ty));
            return false;
        }
        if (sema_is_int_kind(ty->kind) && strpbrk(t->text, ".eE")) {
            sema_err(s, t->span, "invalid %s for type %s: '%s' is not an integer", what,
                     type_name_in(tyname, ty), t->text);
            return false;
        }
        if (!(out->text = sema_canon_number(s, t->text))) {
            sema_err(s, t->span, "number '%s' is out of range (exponent beyond 1000)", t->text);
            return false;
        }
        out->kind = DEF_NUMBER;
        return true;
    case TERM_STRING:
        if (!name_utf8_valid(t->text, strlen(t->text))) {
            sema_err(s, t->span, "string is not valid UTF-8");
            return false;
        }
        if (!ty->ndims && (is_num_kind(ty->kind) || ty->kind == TY_BOOLEAN) &&
            !is_float_special(ty->kind, t->text)) {
            sema_err(s, t->span, "invalid %s for type %s: a string", what,
                     type_name_in(tyname, ty));
            sema_note(s, t->span, "write %s without quotes",
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
                sema_err(s, t->span, "invalid %s: '%s' is not a value of enum '%s'", what, t->text,
                         e->name);
                const char **c = ARENA_ARRAY(s->a, const char *, e->nvalues + 1);
                for (size_t i = 0; i < e->nvalues; i++)
                    c[i] = e->values[i].name;
                sema_suggest(s, t->span, t->text, c, e->nvalues);
                return false;
            }
        }
        if (!ty->ndims && (ty->kind == TY_VARCHAR || ty->kind == TY_CHAR) && ty->length > 0 &&
            utf8_chars(t->text) > (size_t)ty->length) {
            sema_err(s, t->span, "invalid %s: '%s' is longer than %s", what, t->text,
                     type_name_in(tyname, ty));
            return false;
        }
        out->kind = DEF_STRING;
        out->text = name_nfc(s->a, t->text);
        return true;
    default:
        sema_err(s, t->span,
                 "invalid %s: expected a string, a number, true, false, null or sql('...')", what);
        return false;
    }
}

const size_t sema_nfield_attrs = ARRAY_LEN(sema_field_attrs);
const size_t sema_ntable_attrs = ARRAY_LEN(sema_table_attrs);
const size_t sema_ndomain_attrs = ARRAY_LEN(sema_domain_attrs);
