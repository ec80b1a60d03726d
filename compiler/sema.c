/*
 * sema.c - AST -> Model for one domain (sema.h). Collects declarations, sorts them by final
 * name (so file order never matters), then builds each table on demand (sema_table.c): a
 * reference needs its target's primary key, so tables are built recursively with cycle detection
 * on keys only. Then the domain block and the name-collision checks across the domain.
 * Every check reports through diag_at and carries on, so one run shows all errors (up to the cap).
 */
#include "sema_int.h"
#include "sema_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "sqlnorm.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- domain block */

static void domain_block(Sema *s, const AstDecl *d, const AstDecl **seen)
{
    size_t seqcap = 0, depcap = 0;
    if (*seen) {
        sema_err(s, d->kw_span, "more than one domain block in domain '%s'", s->in->domain);
        sema_note(s, (*seen)->kw_span, "first domain block is here");
        return;
    }
    *seen = d;
    if (d->name) {
        const char *n = sema_term_name2(s, d->name, false, NULL);
        if (n && strcmp(n, s->in->domain))
            sema_err(s, d->name->span, "domain block names '%s' but the folder is domain '%s'", n,
                     s->in->domain);
    }
    if (d->fields)
        sema_err(s, d->fields->span, "a domain block holds only @@ attributes");

    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (at->table_level && !strcmp(at->name, "schema")) {
            const char *sc = NULL;
            if (!at->args || at->args->next || at->args->key)
                sema_err(s, at->span, "'@@schema' takes one schema name string");
            else if ((sc = sema_arg_string(s, at->args, false))) {
                if (!*sc || strlen(sc) > NAME_MAX_BYTES)
                    sema_err(s, at->args->span, "a schema name must be 1 to %d bytes long",
                             NAME_MAX_BYTES);
                else
                    s->m->schema = sc;
            }
        } else if (at->table_level && !strcmp(at->name, "tenants")) {
            static const char *const keys[] = { "query", "pattern" };
            if (!sema_check_keys(s, at, keys, 2))
                continue;
            const AstArg *q = sema_arg_key(at, "query"), *p = sema_arg_key(at, "pattern");
            if (!q == !p || sema_count_args(at->args) != 1) {
                sema_err(s, at->span, "'@@tenants' takes either query: '...' or pattern: '...'");
                continue;
            }
            if (!strcmp(s->in->domain, "public")) {
                sema_err(s, at->span, "the public domain cannot be per-tenant");
                continue;
            }
            s->m->per_tenant = true;
            if (q)
                s->m->tenants.query = sema_arg_string(s, q, false);
            else
                s->m->tenants.pattern = sema_arg_string(s, p, false);
        } else if (at->table_level && !strcmp(at->name, "online")) {
            /* docs/online.md: the domain's migrations are generated in the online forms */
            if (at->args)
                sema_err(s, at->span, "'@@online' takes no arguments");
            else
                s->m->online = true;
        } else if (at->table_level && !strcmp(at->name, "sequence")) {
            /* adopt2: standalone sequences */
            sema_domain_sequence(s, at, &s->m->sequences, &s->m->nsequences, &seqcap);
        } else if (at->table_level && !strcmp(at->name, "depends")) {
            /* adopt2: objects outside the model that depend on it */
            sema_domain_depends(s, at, &s->m->deps, &s->m->ndeps, &depcap);
        } else {
            sema_unknown_attr(s, at, "in a domain block", sema_domain_attrs, sema_ndomain_attrs);
        }
    }
    /* adopt2: the domain block's doc comment is COMMENT ON SCHEMA (not of a per-tenant domain:
     * it documents the domain, and every tenant has a schema of its own) */
    if (!s->m->per_tenant)
        s->m->comment = d->doc;
}

/* ---------------------------------------------------------------- whole domain */

typedef struct NameUse {
    const char *name;
    const char *what;  /* "table ", "index on ", ..., then 'table' quoted; or a fixed text */
    const char *table; /* NULL: what alone */
    Span span;
    size_t seq;
} NameUse;

static int cmp_use(const void *a, const void *b)
{
    const NameUse *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static size_t hash_name(const char *p)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a: a lookup table key, not a name suffix */
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return (size_t)h;
}

/* true when two uses share a name: one hash-table pass, so the common case (no clash) needs
 * no sort. */
static bool has_duplicate(Sema *s, const NameUse *u, size_t n)
{
    if (n < 2)
        return false;
    if (n <= 8) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (!strcmp(u[i].name, u[j].name))
                    return true;
        return false;
    }
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    const char **tab = ARENA_ARRAY(s->a, const char *, cap);
    for (size_t i = 0; i < n; i++) {
        size_t h = hash_name(u[i].name) & (cap - 1);
        while (tab[h]) {
            if (!strcmp(tab[h], u[i].name))
                return true;
            h = (h + 1) & (cap - 1);
        }
        tab[h] = u[i].name;
    }
    return false;
}

/* Report names used twice in one namespace (PostgreSQL: relations of a schema, types of a
 * schema, constraints of a table). */
static void check_namespace(Sema *s, NameUse *u, size_t n, const char *space)
{
    if (!has_duplicate(s, u, n))
        return;
    qsort(u, n, sizeof(*u), cmp_use);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(u[i].name, u[i - 1].name)) {
            const NameUse *a = &u[i], *b = &u[i - 1];
            sema_err(s, a->span, "name '%s' of the %s%s%s%s is already used by the %s%s%s%s",
                     a->name, a->what, a->table ? "'" : "", a->table ? a->table : "",
                     a->table ? "'" : "", b->what, b->table ? "'" : "", b->table ? b->table : "",
                     b->table ? "'" : "");
            sema_note(s, u[i - 1].span,
                      "%s; names longer than %d bytes are shortened to %d bytes and a hash", space,
                      NAME_MAX_BYTES, NAME_SHORT_PREFIX);
        }
}

#define USE(nm, wh, tb, sp) ((NameUse){ (nm), (wh), (tb), (sp), seq++ })

static void check_names(Sema *s, Model *m)
{
    size_t cap = m->nenums + m->nsequences + 1, n = 0, seq = 0, ccap = 1;
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        cap += 2 + t->nuniques + t->nindexes + t->nexcludes;
        size_t nc = 1 + t->nuniques + t->nfks + t->nchecks + t->nexcludes;
        if (nc > ccap)
            ccap = nc;
    }
    NameUse *rel = ARENA_ARRAY(s->a, NameUse, cap);
    NameUse *typ =
        ARENA_ARRAY(s->a, NameUse, m->ntables + m->nenums + m->ndtypes + m->nctypes + 1);
    NameUse *con = ARENA_ARRAY(s->a, NameUse, ccap);
    size_t ntyp = 0;
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        rel[n++] = USE(t->name, "table ", t->name, t->span);
        typ[ntyp++] = USE(t->name, "table ", t->name, t->span);
        if (t->pk.name)
            rel[n++] = USE(t->pk.name, "primary key of ", t->name, t->pk.span);
        for (size_t j = 0; j < t->nuniques; j++)
            rel[n++] = USE(t->uniques[j].name, "unique constraint on ", t->name,
                           t->uniques[j].span);
        for (size_t j = 0; j < t->nindexes; j++)
            rel[n++] = USE(t->indexes[j].name, "index on ", t->name, t->indexes[j].span);
        size_t k = 0;
        if (t->pk.name)
            con[k++] = USE(t->pk.name, "primary key", NULL, t->pk.span);
        for (size_t j = 0; j < t->nuniques; j++)
            con[k++] = USE(t->uniques[j].name, "unique constraint", NULL, t->uniques[j].span);
        for (size_t j = 0; j < t->nfks; j++)
            con[k++] = USE(t->fks[j].name, "foreign key", NULL, t->fks[j].span);
        for (size_t j = 0; j < t->nchecks; j++)
            con[k++] = USE(t->checks[j].name, "check constraint", NULL, t->checks[j].span);
        for (size_t j = 0; j < t->nexcludes; j++) { /* types branch: backed by an index */
            con[k++] = USE(t->excludes[j].name, "exclusion constraint", NULL, t->excludes[j].span);
            rel[n++] = USE(t->excludes[j].name, "exclusion constraint on ", t->name,
                           t->excludes[j].span);
        }
        check_namespace(s, con, k, "constraint names must be unique within a table");
    }
    for (size_t i = 0; i < m->nenums; i++)
        typ[ntyp++] = USE(m->enums[i].name, "enum ", m->enums[i].name, m->enums[i].span);
    for (size_t i = 0; i < m->ndtypes; i++) /* types branch */
        typ[ntyp++] = USE(m->dtypes[i].name, "domain ", m->dtypes[i].name, m->dtypes[i].span);
    for (size_t i = 0; i < m->nctypes; i++)
        typ[ntyp++] = USE(m->ctypes[i].name, "type ", m->ctypes[i].name, m->ctypes[i].span);
    for (size_t i = 0; i < m->nsequences; i++) /* adopt2: sequences are relations too */
        rel[n++] = USE(m->sequences[i].name, "sequence ", m->sequences[i].name,
                       m->sequences[i].span);
    check_namespace(s, rel, n,
                    "tables, indexes and key constraints share one namespace per schema");
    check_namespace(s, typ, ntyp, "tables and enums share one type namespace per schema");
}

#undef USE

bool sema_domain(Model *out, Arena *a, const SemaInput *in, Diag *d)
{
    Sema ss = { .a = a, .d = d, .in = in, .m = out }, *s = &ss;
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
                sema_declare_enum(s, dc);
            else if (dc->kind == DECL_DOMAIN && !dc->base)
                domain_block(s, dc, &domain_decl);
            else if (dc->kind <= DECL_TABLE && dc->name)
                ntables++;
        }
    /* types branch: SQL domains, after the enums they may be over, before the tables */
    for (size_t f = 0; f < in->nfiles; f++)
        for (const AstDecl *dc = in->files[f]->decls; dc; dc = dc->next)
            if (dc->kind == DECL_DOMAIN && dc->base && dc->name)
                sema_declare_dtype(s, dc);
    for (size_t f = 0; f < in->nfiles; f++) /* composite types: their attributes may be domains */
        for (const AstDecl *dc = in->files[f]->decls; dc; dc = dc->next)
            if (dc->kind == DECL_TYPE && dc->name)
                sema_declare_ctype(s, dc);
    s->tdecls = ARENA_ARRAY(a, TDecl, ntables ? ntables : 1);
    for (size_t f = 0; f < in->nfiles; f++)
        for (const AstDecl *dc = in->files[f]->decls; dc; dc = dc->next) {
            if (dc->kind > DECL_TABLE || !dc->name)
                continue;
            const char *raw = NULL;
            const char *name = sema_term_name2(s, dc->name, true, &raw);
            if (!name)
                continue;
            TDecl *td = &s->tdecls[s->ntdecls++];
            td->ast = dc;
            td->name = name;
            td->raw = raw;
            td->t = ARENA_NEW(a, Table);
        }
    if (s->ntdecls > 1)
        qsort(s->tdecls, s->ntdecls, sizeof(TDecl), sema_cmp_tdecl);
    for (size_t i = 1; i < s->ntdecls; i++) {
        TDecl *p = &s->tdecls[i - 1], *c = &s->tdecls[i];
        if (strcmp(p->name, c->name))
            continue;
        while (p > s->tdecls && !strcmp((p - 1)->name, c->name))
            p--;
        sema_err(s, c->ast->name->span, "duplicate table '%s'", c->name);
        if (strcmp(p->raw, c->raw))
            sema_note(s, p->ast->name->span, "'%s' and '%s' both become '%s'", p->raw, c->raw,
                      c->name);
        else
            sema_note(s, p->ast->name->span, "previous declaration of '%s' is here", c->name);
        c->state = 3; /* excluded */
    }
    for (size_t i = 0; i < s->ntdecls; i++)
        if (s->tdecls[i].state == 0)
            sema_build_table(s, &s->tdecls[i]);
    for (size_t i = 0; i < s->ntdecls; i++)
        if (s->tdecls[i].state == 2)
            sema_table_foreigns(s, &s->tdecls[i]);
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
    /* objects (issue 14): views, functions, triggers, policies, extensions */
    sema_objects(s, out);
    sema_check_partitions(s, out); /* types branch */
    check_names(s, out);
    return diag_count_errors(d) == errors0 && !d->capped;
}
