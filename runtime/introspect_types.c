/*
 * introspect_types.c - the SQL domains of a schema -> Model.dtypes, and the exclusion
 * constraints of its tables -> Table.excludes (introspect_int.h): one pg_catalog query each (a
 * row per domain and check constraint; a row per exclusion constraint). Part of introspection (introspect.c
 * is the entry and reads the partitioning with the relations). A domain over a type the
 * language lacks is a warning and is skipped; its columns keep their domain-named type.
 */
#include <stdlib.h>
#include <string.h>

#include "introspect_int.h"
#include "sqlnorm.h"

static const char q_dtypes[] =
    "SELECT t.typname, t.typnotnull, t.typdefault, obj_description(t.oid, 'pg_type'),"
    "       e.typname, en.nspname, e.typtype, b.typcategory = 'A' AND b.typelem <> 0,"
    "       t.typtypmod, t.typndims, co.conname, pg_get_constraintdef(co.oid, true),"
    "       co.convalidated, t.typcollation <> e.typcollation"
    "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    "  JOIN pg_type b ON b.oid = t.typbasetype"
    "  JOIN pg_type e ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0"
    "                                 THEN b.typelem ELSE b.oid END"
    "  JOIN pg_namespace en ON en.oid = e.typnamespace"
    "  LEFT JOIN pg_constraint co ON co.contypid = t.oid AND co.contype = 'c'"
    " WHERE n.nspname = $1 AND t.typtype = 'd'"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
    "                     AND d.objid = t.oid AND d.deptype = 'e')"
    " ORDER BY t.typname COLLATE \"C\", co.conname COLLATE \"C\"";

/* The base type of the domain on row i; false (warned) when the language lacks it. */
static bool base_type(Ctx *x, PgResult *r, int i, const char *name, SqlType *t)
{
    *t = (SqlType){.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1};
    const char *elem = raw(r, i, 4), *nsp = raw(r, i, 5);
    bool known = false;
    if (pg_value(r, i, 6)[0] == 'e' && !strcmp(nsp, x->schema)) {
        t->kind = TY_ENUM;
        t->enum_name = arena_strdup(x->a, elem);
        known = true;
    } else if (!strcmp(nsp, "pg_catalog")) {
        known = decode_builtin(elem, (int32_t)num(r, i, 8), t);
    }
    if (!known) {
        warnf(x, "domain %s: its base type %s.%s is not in the language, skipped", name, nsp,
              elem);
        return false;
    }
    if (flag(r, i, 7))
        t->ndims = num(r, i, 9) > 0 ? (int32_t)num(r, i, 9) : 1;
    return true;
}

bool load_dtypes(Ctx *x)
{
    PgResult *r = query(x, q_dtypes);
    if (!r)
        return false;
    int n = pg_nrows(r);
    size_t ndt = 0;
    for (int i = 0; i < n; i++)
        if (i == 0 || strcmp(raw(r, i, 0), raw(r, i - 1, 0)))
            ndt++;
    x->m->dtypes = ARENA_ARRAY(x->a, DomainType, ndt ? ndt : 1);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && !strcmp(raw(r, j, 0), raw(r, i, 0)))
            j++;
        const char *name = raw(r, i, 0);
        DomainType dt = {.name = arena_strdup(x->a, name)};
        if (!base_type(x, r, i, name, &dt.base)) {
            i = j;
            continue;
        }
        dt.nullable = !flag(r, i, 1);
        dt.comment = val(x, r, i, 3);
        const char *def = raw(r, i, 2);
        if (def)
            dt.def = sqlnorm_default(x->a, sqlnorm_oneline(x->a, arena_strdup(x->a, def)),
                                     &dt.base);
        if (flag(r, i, 13))
            warnf(x, "domain %s: a non-default collation is not in the model", name);
        if (!pg_isnull(r, i, 10)) {
            dt.checks = ARENA_ARRAY(x->a, Check, (size_t)(j - i));
            for (int k = i; k < j; k++) {
                Check *c = &dt.checks[dt.nchecks++];
                c->name = val(x, r, k, 10);
                c->expr = sqlnorm_oneline(x->a, check_expr(x, pg_value(r, k, 11)));
                if (!flag(r, k, 12))
                    warnf(x, "constraint %s.%s is NOT VALID; the model will treat it as valid",
                          name, c->name);
            }
        }
        x->m->dtypes[x->m->ndtypes++] = dt;
        i = j;
    }
    pg_result_free(r);
    return true;
}

/* ---- exclusion constraints -------------------------------------------------------------- */

static const char q_exclusions[] =
    "SELECT co.conrelid, co.conname, am.amname,"
    "       ARRAY(SELECT CASE WHEN i.indkey[k.n - 1] <> 0 THEN 'c' || a.attname"
    "                    ELSE 'e' || pg_get_indexdef(i.indexrelid, k.n::int, true) END"
    "               FROM generate_series(1, i.indnkeyatts) k(n)"
    "               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid"
    "                    AND a.attnum = i.indkey[k.n - 1] ORDER BY k.n)::text[],"
    "       ARRAY(SELECT o.oprname FROM unnest(co.conexclop) WITH ORDINALITY u(op, n)"
    "               JOIN pg_operator o ON o.oid = u.op ORDER BY u.n)::text[],"
    "       pg_get_expr(i.indpred, i.indrelid, true), co.condeferrable, co.condeferred,"
    "       obj_description(co.oid, 'pg_constraint'), i.indnatts > i.indnkeyatts,"
    "       EXISTS (SELECT FROM unnest(i.indclass) u(opc) JOIN pg_opclass oc ON oc.oid = u.opc"
    "                WHERE NOT oc.opcdefault)"
    "  FROM pg_constraint co"
    "  JOIN pg_class c ON c.oid = co.conrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_index i ON i.indexrelid = co.conindid"
    "  JOIN pg_class ic ON ic.oid = i.indexrelid"
    "  JOIN pg_am am ON am.oid = ic.relam"
    " WHERE n.nspname = $1 AND co.contype = 'x' AND c.relkind IN ('r', 'p')"
    " ORDER BY co.conrelid, co.conname COLLATE \"C\"";

static bool exclusion(Ctx *x, PgResult *r, int i, Table *t, Exclusion *e)
{
    e->name = val(x, r, i, 1);
    e->method = val(x, r, i, 2);
    const char **els, **ops;
    size_t nels, nops;
    if (!sqlnorm_parse_text_array(x->a, pg_value(r, i, 3), &els, &nels) ||
        !sqlnorm_parse_text_array(x->a, pg_value(r, i, 4), &ops, &nops) || nels != nops) {
        sb_addf(x->err, "introspection: cannot read exclusion constraint %s.%s", t->name,
                e->name);
        return false;
    }
    e->elems = ARENA_ARRAY(x->a, ExcludeElem, nels ? nels : 1);
    e->nelems = nels;
    for (size_t k = 0; k < nels; k++) {
        if (els[k][0] == 'c')
            e->elems[k].column = els[k] + 1;
        else
            e->elems[k].expr = sqlnorm_strip_parens(
                x->a, sqlnorm_oneline(x->a, arena_strdup(x->a, els[k] + 1)));
        e->elems[k].op = ops[k];
    }
    const char *pred = raw(r, i, 5);
    e->where = pred ? sqlnorm_strip_parens(x->a, sqlnorm_oneline(x->a, arena_strdup(x->a, pred)))
                    : NULL;
    e->deferral = !flag(r, i, 6) ? DEFER_NONE : flag(r, i, 7) ? DEFER_DEFERRED : DEFER_IMMEDIATE;
    e->comment = val(x, r, i, 8);
    if (flag(r, i, 9))
        warnf(x, "exclusion constraint %s.%s: INCLUDE columns are not in the model, dropped",
              t->name, e->name);
    if (flag(r, i, 10))
        warnf(x, "exclusion constraint %s.%s: non-default operator classes are not in the model",
              t->name, e->name);
    return true;
}

bool load_exclusions(Ctx *x)
{
    PgResult *r = query(x, q_exclusions);
    if (!r)
        return false;
    int n = pg_nrows(r);
    for (int i = 0; i < n; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t)
            t->nexcludes++;
    }
    for (size_t k = 0; k < x->m->ntables; k++) {
        Table *t = &x->m->tables[k];
        t->excludes = t->nexcludes ? ARENA_ARRAY(x->a, Exclusion, t->nexcludes) : NULL;
        t->nexcludes = 0;
    }
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t)
            ok = exclusion(x, r, i, t, &t->excludes[t->nexcludes++]);
    }
    pg_result_free(r);
    return ok;
}

/* ---- composite types -------------------------------------------------------------------- */

bool load_ctypes(Ctx *x)
{
    x->m->ctypes = ARENA_ARRAY(x->a, CompositeType, x->nctabs ? x->nctabs : 1);
    for (size_t i = 0; i < x->nctabs; i++) {
        const Table *t = &x->ctabs[i];
        CompositeType *ct = &x->m->ctypes[x->m->nctypes++];
        ct->name = t->name;
        ct->comment = t->comment;
        ct->nattrs = t->ncolumns;
        ct->attrs = ARENA_ARRAY(x->a, CompositeAttr, t->ncolumns ? t->ncolumns : 1);
        for (size_t k = 0; k < t->ncolumns; k++) {
            const Column *c = &t->columns[k];
            ct->attrs[k] = (CompositeAttr){.name = c->name, .type = c->type};
            if (c->comment)
                warnf(x, "type %s: the comment on attribute %s is not in the model", t->name,
                      c->name);
        }
    }
    return true;
}
