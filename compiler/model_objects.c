/*
 * model_objects.c - helpers of the SQL-bodied objects of the model (model_objects.h): kind
 * names, labels for messages, the sort order, equality, and the token scan that finds which
 * known names an SQL text reads (the dependency design of docs/language.md, "Dependencies").
 * Pure; used by sema, the diff, the JSON and .strav writers and introspection.
 */
#include "model_objects.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sqlquote.h"
#include "strbuf.h"

static const char *const kind_names[DBO__COUNT] = {"extension", "function", "view",
                                                   "trigger",   "row_level_security", "policy"};

const char *dbo_kind_name(DbObjKind k)
{
    return (unsigned)k < DBO__COUNT ? kind_names[k] : "object";
}

void dbo_label(StrBuf *out, const DbObject *o)
{
    const char *k = o->kind == DBO_FUNCTION && o->procedure ? "procedure"
                    : o->kind == DBO_VIEW && o->materialized ? "materialized view"
                    : o->kind == DBO_RLS                     ? "row level security on"
                                                             : dbo_kind_name(o->kind);
    sb_addf(out, "%s ", k);
    sql_ident(out, o->name);
    if (o->table && o->kind != DBO_RLS) {
        sb_adds(out, " on ");
        sql_ident(out, o->table);
    }
}

static int cmp_opt(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

int dbo_cmp(const void *pa, const void *pb)
{
    const DbObject *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = cmp_opt(a->table, b->table);
    return c ? c : strcmp(a->name, b->name);
}

static bool s_eq(const char *a, const char *b)
{
    return cmp_opt(a, b) == 0;
}

static bool index_eq(const Index *a, const Index *b)
{
    if (!s_eq(a->name, b->name) || a->unique != b->unique || !s_eq(a->method, b->method) ||
        !s_eq(a->where, b->where) || a->nelems != b->nelems ||
        a->nulls_not_distinct != b->nulls_not_distinct || !s_eq(a->comment, b->comment))
        return false;
    for (size_t i = 0; i < a->nelems; i++)
        if (!s_eq(a->elems[i].column, b->elems[i].column) ||
            !s_eq(a->elems[i].expr, b->elems[i].expr) || a->elems[i].desc != b->elems[i].desc ||
            a->elems[i].nulls != b->elems[i].nulls)
            return false;
    return true;
}

bool dbo_equal(const DbObject *a, const DbObject *b)
{
    if (a->kind != b->kind || !s_eq(a->name, b->name) || !s_eq(a->table, b->table))
        return false;
    switch (a->kind) {
    case DBO_EXTENSION:
        return !a->version || !b->version || !strcmp(a->version, b->version);
    case DBO_FUNCTION:
        return a->procedure == b->procedure && s_eq(a->args, b->args) &&
               s_eq(a->returns, b->returns) && s_eq(a->language, b->language) &&
               s_eq(a->body, b->body) && a->volatility == b->volatility &&
               a->strict == b->strict && a->security_definer == b->security_definer &&
               s_eq(a->search_path, b->search_path);
    case DBO_VIEW:
        if (a->materialized != b->materialized || !s_eq(a->body, b->body) ||
            a->nindexes != b->nindexes)
            return false;
        for (size_t i = 0; i < a->nindexes; i++)
            if (!index_eq(&a->indexes[i], &b->indexes[i]))
                return false;
        return true;
    case DBO_TRIGGER:
        return a->timing == b->timing && a->events == b->events &&
               a->for_each_row == b->for_each_row && s_eq(a->when, b->when) &&
               s_eq(a->function, b->function);
    case DBO_RLS:
        return a->force == b->force;
    case DBO_POLICY:
        if (!s_eq(a->command, b->command) || a->nroles != b->nroles ||
            !s_eq(a->using_expr, b->using_expr) || !s_eq(a->check_expr, b->check_expr) ||
            a->restrictive != b->restrictive)
            return false;
        for (size_t i = 0; i < a->nroles; i++)
            if (strcmp(a->roles[i], b->roles[i]))
                return false;
        return true;
    case DBO__COUNT:
        break;
    }
    return false;
}

const char *dbo_trim_query(Arena *a, const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ';' || s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' ||
                 s[n - 1] == '\r'))
        n--;
    return arena_strndup(a, s, n);
}

/* ---- the token scan ------------------------------------------------------------------- */

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void consider(Arena *a, StrBuf *word, const char *const *known, size_t n, const char *self,
                     const char ***out, size_t *nout, size_t *cap)
{
    const char *w = sb_str(word);
    if (self && !strcmp(w, self))
        return;
    const char *const *hit = n ? bsearch(&w, known, n, sizeof *known, cmp_cstr) : NULL;
    if (hit) {
        size_t i = (size_t)(hit - known);
        for (size_t k = 0; k < *nout; k++)
            if (!strcmp((*out)[k], w))
                return;
        if (*nout == *cap) {
            size_t nc = *cap ? 2 * *cap : 8;
            const char **nv = ARENA_ARRAY(a, const char *, nc);
            if (*nout)
                memcpy(nv, *out, *nout * sizeof *nv);
            *out = nv;
            *cap = nc;
        }
        (*out)[(*nout)++] = known[i];
        return;
    }
}

const char **dbo_scan_names(Arena *a, const char *sql, const char *const *known, size_t n,
                            const char *self, size_t *nout)
{
    const char **out = NULL;
    size_t cap = 0;
    *nout = 0;
    StrBuf w = SB_INIT;
    const unsigned char *p = (const unsigned char *)(sql ? sql : "");
    while (*p) {
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            p += 2;
            while (*p && !(p[0] == '*' && p[1] == '/'))
                p++;
            if (*p)
                p += 2;
        } else if (*p == '\'') {
            for (p++; *p; p++)
                if (*p == '\'' && p[1] != '\'')
                    break;
                else if (*p == '\'')
                    p++;
            if (*p)
                p++;
        } else if (*p == '$' && (p[1] == '$' || is_ident_start(p[1]))) {
            const unsigned char *t = p + 1;
            while (*t && *t != '$' && is_ident_char(*t))
                t++;
            if (*t != '$') { /* a positional parameter or an odd $: skip it */
                p = t;
                continue;
            }
            size_t taglen = (size_t)(t - p) + 1;
            const char *end = (const char *)t + 1;
            for (; *end; end++)
                if (!strncmp(end, (const char *)p, taglen))
                    break;
            p = (const unsigned char *)end + (*end ? taglen : 0);
        } else if (*p == '"') {
            sb_reset(&w);
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"')
                    sb_addch(&w, '"'), p++;
                else if (*p == '"')
                    break;
                else
                    sb_addch(&w, (char)*p);
            }
            if (*p)
                p++;
            consider(a, &w, known, n, self, &out, nout, &cap);
        } else if (is_ident_start(*p)) {
            sb_reset(&w);
            for (; *p && is_ident_char(*p); p++)
                sb_addch(&w, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
            consider(a, &w, known, n, self, &out, nout, &cap);
        } else {
            p++;
        }
    }
    sb_release(&w);
    if (*nout > 1)
        qsort(out, *nout, sizeof *out, cmp_cstr);
    return out;
}

/* ---- dependencies ---------------------------------------------------------------------- */

/* The names of the domain an object's SQL may read, sorted: tables, views, functions. */
static const char **known_names(Arena *a, const Model *m, size_t *n)
{
    size_t cap = m->ntables + m->nobjects + 1;
    const char **v = ARENA_ARRAY(a, const char *, cap);
    size_t k = 0;
    for (size_t i = 0; i < m->ntables; i++)
        v[k++] = m->tables[i].name;
    for (size_t i = 0; i < m->nobjects; i++)
        if (m->objects[i].kind == DBO_VIEW || m->objects[i].kind == DBO_FUNCTION)
            v[k++] = m->objects[i].name;
    if (k > 1) /* dbo_scan_names looks names up by binary search */
        qsort(v, k, sizeof *v, cmp_cstr);
    *n = k;
    return v;
}

void dbo_add_deps(Arena *a, DbObject *o, const char *const *add, size_t nadd)
{
    const char **nv = ARENA_ARRAY(a, const char *, o->ndeps + nadd + 1);
    size_t k = 0;
    for (size_t i = 0; i < o->ndeps; i++)
        nv[k++] = o->deps[i];
    for (size_t i = 0; i < nadd; i++) {
        size_t j = 0;
        while (j < k && strcmp(nv[j], add[i]))
            j++;
        if (j == k)
            nv[k++] = add[i];
    }
    if (k > 1)
        qsort(nv, k, sizeof *nv, cmp_cstr);
    o->deps = nv;
    o->ndeps = k;
}

/* Dependencies of every object of m (docs/language.md, "Dependencies"): what its SQL names
 * (views, SQL functions, policy and trigger expressions; not plpgsql bodies, which the server
 * does not check when they are created), its table, its trigger function, @@depends. */
void dbo_compute_deps(Arena *a, Model *m)
{
    size_t nk = 0;
    const char **known = known_names(a, m, &nk);
    for (size_t i = 0; i < m->nobjects; i++) {
        DbObject *o = &m->objects[i];
        size_t n1 = 0, n2 = 0;
        const char **d1 = NULL, **d2 = NULL;
        if (o->kind == DBO_VIEW ||
            (o->kind == DBO_FUNCTION && o->language && !strcmp(o->language, "sql")))
            d1 = dbo_scan_names(a, o->body, known, nk, o->name, &n1);
        if (o->kind == DBO_POLICY) {
            d1 = dbo_scan_names(a, o->using_expr, known, nk, NULL, &n1);
            d2 = dbo_scan_names(a, o->check_expr, known, nk, NULL, &n2);
        }
        if (o->kind == DBO_TRIGGER)
            d2 = dbo_scan_names(a, o->when, known, nk, NULL, &n2);
        dbo_add_deps(a, o, d1, n1);
        dbo_add_deps(a, o, d2, n2);
        const char *fixed[2];
        size_t nf = 0;
        if (o->table)
            fixed[nf++] = o->table;
        if (o->function)
            fixed[nf++] = o->function;
        dbo_add_deps(a, o, fixed, nf);
    }
}

