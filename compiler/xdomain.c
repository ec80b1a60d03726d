/*
 * xdomain.c - generate's check of the uses between domains (xdomain.h). A use is a column of
 * another domain's enum, SQL domain or composite type, or a foreign key to another domain's
 * table (its key columns and their type). For a pair (user U, provider P) where one of them
 * is generated in this run, every use of U's model after the run must still resolve in P's
 * model after the run; for two generated domains, P goes first when U starts using something
 * P creates and U goes first when P drops something U stops using (a key to a table renamed
 * with @@was needs neither: PostgreSQL follows the rename).
 */
#include "xdomain.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "migdir.h"
#include "project.h"
#include "sqlquote.h"
#include "strbuf.h"

typedef enum UseKind { USE_ENUM, USE_TYPE, USE_TABLE } UseKind;

typedef struct Use {
    UseKind kind;
    const char *name;      /* enum, type spelling (schema-qualified) or table */
    const char *where;     /* "invoices.state" / "invoices: foreign key fk_invoices_customer" */
    const Table *from;     /* USE_TABLE: the referencing table */
    const ForeignKey *fk;  /* USE_TABLE */
} Use;

typedef struct Uses {
    Use *v;
    size_t n, cap;
} Uses;

static void push(Uses *u, Use x)
{
    if (u->n == u->cap)
        u->v = xrealloc(u->v, (u->cap = u->cap ? 2 * u->cap : 16) * sizeof *u->v);
    u->v[u->n++] = x;
}

/* "schema." as sql_qualified spells it: the prefix of a type of that schema. */
static char *schema_prefix(const char *schema)
{
    StrBuf sb = SB_INIT;
    sql_qualified(&sb, schema, "x");
    sb.buf[sb.len - 1] = '\0';
    return sb_detach(&sb);
}

/* The uses in m of what lives in schema (another domain's). */
static void collect(Arena *a, const Model *m, const char *schema, Uses *out)
{
    char *pre = schema_prefix(schema);
    size_t pl = strlen(pre);
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        for (size_t c = 0; c < t->ncolumns; c++) {
            const SqlType *ty = &t->columns[c].type;
            const char *where = arena_printf(a, "%s.%s", t->name, t->columns[c].name);
            if (ty->kind == TY_ENUM && ty->enum_schema && !strcmp(ty->enum_schema, schema))
                push(out, (Use){ USE_ENUM, ty->enum_name, where, t, NULL });
            else if (ty->kind == TY_OTHER && ty->other && !strncmp(ty->other, pre, pl))
                push(out, (Use){ USE_TYPE, ty->other, where, t, NULL });
        }
        for (size_t k = 0; k < t->nfks; k++) {
            const ForeignKey *fk = &t->fks[k];
            if (fk->ref_schema && !strcmp(fk->ref_schema, schema))
                push(out, (Use){ USE_TABLE, fk->ref_table,
                                 arena_printf(a, "%s: foreign key %s", t->name, fk->name), t,
                                 fk });
        }
    }
    free(pre);
}

static bool key_int(TypeKind k, TypeKind *out)
{
    switch (k) {
    case TY_SMALLSERIAL: *out = TY_SMALLINT; return true;
    case TY_SERIAL: *out = TY_INTEGER; return true;
    case TY_BIGSERIAL: *out = TY_BIGINT; return true;
    default: *out = k; return false;
    }
}

/* A key column and the column pointing at it agree (a serial key is its integer type). */
static bool key_type_equal(const SqlType *key, const SqlType *col)
{
    SqlType a = *key, b = *col;
    key_int(a.kind, &a.kind);
    key_int(b.kind, &b.kind);
    return type_equal(&a, &b);
}

static const Table *find_table(const Model *p, const char *name, bool follow_was)
{
    const Table *t = model_find_table(p, name);
    for (size_t i = 0; !t && follow_was && i < p->ntables; i++)
        for (size_t w = 0; w < p->tables[i].nwas; w++)
            if (!strcmp(p->tables[i].was[w], name))
                t = &p->tables[i];
    return t;
}

static char *type_spelling_in(const char *schema, const char *name)
{
    StrBuf sb = SB_INIT;
    sql_qualified(&sb, schema, name);
    return sb_detach(&sb);
}

/* Why use u does not resolve in provider model p (NULL: it does). follow_was: a table renamed
 * with @@was still counts as the table. Arena-owned. */
static const char *broken(Arena *a, const Use *u, const Model *p, bool follow_was)
{
    switch (u->kind) {
    case USE_ENUM:
        return model_find_enum(p, u->name) ? NULL : arena_printf(a, "has no enum '%s'", u->name);
    case USE_TYPE: {
        bool found = false;
        for (size_t i = 0; i < p->ndtypes && !found; i++) {
            char *s = type_spelling_in(p->schema, p->dtypes[i].name);
            found = !strcmp(s, u->name);
            free(s);
        }
        for (size_t i = 0; i < p->nctypes && !found; i++) {
            char *s = type_spelling_in(p->schema, p->ctypes[i].name);
            found = !strcmp(s, u->name);
            free(s);
        }
        return found ? NULL : arena_printf(a, "has no type %s", u->name);
    }
    case USE_TABLE:
        break;
    }
    const Table *t = find_table(p, u->name, follow_was);
    if (!t)
        return arena_printf(a, "has no table '%s'", u->name);
    for (size_t k = 0; k < u->fk->ncols; k++) {
        const Column *key = table_find_column(t, u->fk->ref_cols[k]);
        const Column *col = table_find_column(u->from, u->fk->cols[k]);
        if (!key)
            return arena_printf(a, "has no column '%s.%s'", u->name, u->fk->ref_cols[k]);
        if (col && !key_type_equal(&key->type, &col->type)) {
            StrBuf x = SB_INIT, y = SB_INIT;
            type_to_sql(&x, &key->type);
            type_to_sql(&y, &col->type);
            const char *r = arena_printf(a, "has '%s.%s' typed %s, not %s", u->name,
                                         u->fk->ref_cols[k], sb_str(&x), sb_str(&y));
            sb_release(&x);
            sb_release(&y);
            return r;
        }
    }
    return NULL;
}

size_t xdomain_find(const XdSet *s, const char *domain)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].domain, domain))
            return i;
    return s->n;
}

void xdomain_load(XdSet *s, Arena *a, const char *migrations, const char *schemas,
                  const Model *const *news, const Model *const *olds, const char *const *parents,
                  const bool *generated, size_t ngen)
{
    size_t cap = ngen + 16;
    s->a = a;
    s->v = ARENA_ARRAY(a, XdDomain, cap);
    s->n = 0;
    for (size_t i = 0; i < ngen; i++)
        s->v[s->n++] = (XdDomain){ news[i]->domain, olds[i], generated[i] ? news[i] : olds[i],
                                   generated[i], parents[i] };
    for (int root = 0; root < 2; root++) {
        DIR *dir = opendir(root ? schemas : migrations);
        if (!dir)
            continue; /* no migrations yet; a missing schemas folder failed earlier */
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (!project_valid_domain_name(de->d_name) || xdomain_find(s, de->d_name) < s->n)
                continue;
            char *path = arena_printf(a, "%s/%s", root ? schemas : migrations, de->d_name);
            DIR *sub = opendir(path);
            if (!sub)
                continue; /* a file (name.lock), not a domain */
            closedir(sub);
            if (s->n == cap) {
                XdDomain *nv = ARENA_ARRAY(a, XdDomain, cap * 2);
                memcpy(nv, s->v, s->n * sizeof *nv);
                s->v = nv, cap *= 2;
            }
            Model *fallback = ARENA_NEW(a, Model), *old = ARENA_NEW(a, Model);
            fallback->domain = arena_strdup(a, de->d_name);
            fallback->schema = fallback->domain;
            if (!strcmp(fallback->domain, "public"))
                fallback->schema = "public";
            /* a domain whose latest version holds no readable snapshot (a hand-written
             * migration) says nothing of what it uses: left out, never an error here */
            const char *version = NULL;
            Diag quiet;
            diag_init(&quiet);
            bool read = migdir_load_latest(a, migrations, fallback->domain, fallback, old,
                                           &version, &quiet);
            diag_release(&quiet);
            if (read)
                s->v[s->n++] = (XdDomain){ fallback->domain, old, old, false, version };
        }
        closedir(dir);
    }
}

/* Whether model u uses anything of model p's schema. */
static bool uses_any(Arena *a, const Model *u, const Model *p)
{
    Uses x = { 0 };
    collect(a, u, p->schema, &x);
    free(x.v);
    return x.n > 0;
}

/* The first use of u (collected against p's schema) broken in model q, and why. */
static const char *first_broken(Arena *a, const Model *u, const Model *p, const Model *q,
                                bool follow_was, const Use **which, Uses *keep)
{
    collect(a, u, p->schema, keep);
    for (size_t k = 0; k < keep->n; k++) {
        const char *why = broken(a, &keep->v[k], q, follow_was);
        if (why) {
            *which = &keep->v[k];
            return why;
        }
    }
    return NULL;
}

/* Position in e of value v (or of a value renamed from it with @was), or -1. */
static long value_pos(const Enum *e, const char *v)
{
    for (size_t i = 0; i < e->nvalues; i++) {
        if (!strcmp(e->values[i].name, v))
            return (long)i;
        for (size_t w = 0; w < e->values[i].nwas; w++)
            if (!strcmp(e->values[i].was[w], v))
                return (long)i;
    }
    return -1;
}

/* The enum changes PostgreSQL makes in place (ADD VALUE, RENAME VALUE): every old value is
 * still there, in the same order. Anything else recreates the type, which a migration of its
 * own domain cannot do under another domain's columns. */
static bool enum_in_place(const Enum *before, const Enum *after)
{
    long last = -1;
    for (size_t i = 0; i < before->nvalues; i++) {
        long p = value_pos(after, before->values[i].name);
        if (p <= last)
            return false;
        last = p;
    }
    return true;
}

/* p's SQL domain whose schema-qualified spelling is spelled, or NULL. */
static const DomainType *dtype_spelled(const Model *p, const char *spelled)
{
    const DomainType *r = NULL;
    for (size_t i = 0; i < p->ndtypes && !r; i++) {
        char *s = type_spelling_in(p->schema, p->dtypes[i].name);
        if (!strcmp(s, spelled))
            r = &p->dtypes[i];
        free(s);
    }
    return r;
}

/* A generated provider p that would recreate an enum or SQL domain that user u uses:
 * reported. */
static bool type_recreated(Arena *a, const XdDomain *u, const XdDomain *p, Diag *d)
{
    Uses x = { 0 };
    collect(a, u->before, p->before->schema, &x);
    bool bad = false;
    for (size_t k = 0; k < x.n && !bad; k++) {
        if (x.v[k].kind == USE_TYPE) {
            const DomainType *db = dtype_spelled(p->before, x.v[k].name);
            const DomainType *da = dtype_spelled(p->after, x.v[k].name);
            if (db && da && !type_equal(&db->base, &da->base)) {
                diag_global(d, DIAG_ERROR,
                            "domain %s would change the base type of %s, which domain %s uses "
                            "(%s.%s): PostgreSQL has no ALTER DOMAIN ... TYPE, and %s's "
                            "migration cannot recreate it under %s's columns",
                            p->domain, x.v[k].name, u->domain, u->domain, x.v[k].where,
                            p->domain, u->domain);
                bad = true;
            }
            continue;
        }
        if (x.v[k].kind != USE_ENUM)
            continue;
        const Enum *eb = model_find_enum(p->before, x.v[k].name);
        const Enum *ea = model_find_enum(p->after, x.v[k].name);
        if (eb && ea && !enum_in_place(eb, ea)) {
            diag_global(d, DIAG_ERROR,
                        "domain %s would drop or reorder values of enum '%s', which domain %s "
                        "uses (%s.%s): PostgreSQL can only add and rename enum values in "
                        "place, and %s's migration cannot convert %s's columns; add or rename "
                        "values only, or stop using the enum in %s first",
                        p->domain, x.v[k].name, u->domain, u->domain, x.v[k].where, p->domain,
                        u->domain, u->domain);
            bad = true;
        }
    }
    free(x.v);
    return bad;
}

bool xdomain_related(const XdSet *s)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < s->n; j++)
            if (i != j && s->v[i].generated && s->v[j].generated &&
                (uses_any(s->a, s->v[i].after, s->v[j].after) ||
                 uses_any(s->a, s->v[i].before, s->v[j].before)))
                return true;
    return false;
}

bool xdomain_check(const XdSet *s, size_t *order, size_t *norder, Diag *d)
{
    Arena *a = s->a;
    size_t n = s->n;
    bool *first = ARENA_ARRAY(a, bool, n * n + 1); /* first[p * n + u]: p before u */
    bool ok = true;
    for (size_t ui = 0; ui < n; ui++) {
        for (size_t pi = 0; pi < n; pi++) {
            const XdDomain *u = &s->v[ui], *p = &s->v[pi];
            if (ui == pi || (!u->generated && !p->generated) || !p->after->schema)
                continue;
            if (p->generated && p->before->schema && type_recreated(a, u, p, d))
                ok = false;
            Uses x = { 0 };
            const Use *w = NULL;
            /* a domain left alone may still use a table the other renames with @@was */
            const char *why = first_broken(a, u->after, p->after, p->after, !u->generated, &w, &x);
            if (why && p->generated && !u->generated) {
                diag_global(d, DIAG_ERROR,
                            "domain %s would break domain %s: after this change it %s, which "
                            "domain %s's latest migration uses (%s.%s); generate %s's change "
                            "with it (stravc generate without -s) or first",
                            p->domain, u->domain, why, u->domain, u->domain, w->where,
                            u->domain);
                ok = false;
            } else if (why) {
                diag_global(d, DIAG_ERROR,
                            "domain %s uses %s.%s (%s.%s), but domain %s's latest migration "
                            "%s: generate %s's change first or with it (stravc generate "
                            "without -s)",
                            u->domain, p->domain, w->name, u->domain, w->where, p->domain, why,
                            p->domain);
                ok = false;
            }
            free(x.v);
            if (why || !u->generated || !p->generated)
                continue;
            /* both in this run: who must be applied first */
            Uses y = { 0 }, z = { 0 };
            const Use *wy = NULL, *wz = NULL;
            const char *need_new = first_broken(a, u->after, p->after, p->before, false, &wy, &y);
            const char *need_old = first_broken(a, u->before, p->before, p->after, true, &wz, &z);
            bool p_first = need_new != NULL, u_first = need_old != NULL;
            if (p_first && u_first) {
                diag_global(d, DIAG_ERROR,
                            "domains %s and %s cannot be migrated in one step: %s's new model "
                            "needs %s as it will be (%s.%s: now %s %s) and %s's latest "
                            "migration needs %s as it is (%s.%s: after this change %s %s); "
                            "do it in two migrations: first one of %s that stops using it, "
                            "then the change of %s with %s using it again",
                            p->domain, u->domain, u->domain, p->domain, u->domain, wy->where,
                            p->domain, need_new, u->domain, p->domain, u->domain, wz->where,
                            p->domain, need_old, u->domain, p->domain, u->domain);
                ok = false;
            } else if (u_first) {
                first[ui * n + pi] = true;
            } else if (p_first || uses_any(a, u->after, p->after) ||
                       uses_any(a, u->before, p->before)) {
                first[pi * n + ui] = true;
            }
            free(y.v);
            free(z.v);
        }
    }
    /* order the generated ones: Kahn's, the earliest in s's order first */
    bool *done = ARENA_ARRAY(a, bool, n + 1);
    *norder = 0;
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
        want += s->v[i].generated;
    for (bool progress = true; progress;) {
        progress = false;
        for (size_t i = 0; i < n && !progress; i++) {
            if (!s->v[i].generated || done[i])
                continue;
            bool ready = true;
            for (size_t j = 0; j < n && ready; j++)
                if (first[j * n + i] && !done[j])
                    ready = false;
            if (ready)
                done[i] = progress = true, order[(*norder)++] = i;
        }
    }
    if (*norder < want && ok) {
        diag_global(d, DIAG_ERROR, "the domains generated together depend on each other in a "
                                   "cycle; generate them one at a time (-s DOMAIN)");
        ok = false;
    }
    return ok;
}

const char *xdomain_uses_json(const XdSet *s, size_t i)
{
    json_t *o = json_object();
    const XdDomain *u = &s->v[i];
    for (size_t j = 0; j < s->n; j++) {
        const XdDomain *p = &s->v[j];
        if (j == i || !p->version || !p->after->schema)
            continue;
        if (uses_any(s->a, u->after, p->after) ||
            (p->before->schema && uses_any(s->a, u->before, p->before)))
            json_object_set_new(o, p->domain, json_string(p->version));
    }
    const char *r = NULL;
    if (json_object_size(o)) {
        char *t = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
        r = arena_strdup(s->a, t);
        free(t);
    }
    json_decref(o);
    return r;
}

void xdomain_wrote(XdSet *s, size_t i, const char *version)
{
    s->v[i].version = arena_strdup(s->a, version);
}
