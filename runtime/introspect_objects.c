/*
 * introspect_objects.c - the SQL-bodied objects of one schema from pg_catalog into
 * Model.objects (model_objects.h): extensions, functions and procedures, views and
 * materialized views (with their indexes), triggers, row level security and policies. One
 * query per kind. Bodies come back as the server prints them (pg_get_viewdef, prosrc,
 * pg_get_expr, pg_get_triggerdef), which is also how the drift check compares them.
 * Dependencies: views from pg_rewrite/pg_depend, policies from pg_depend, triggers from
 * tgfoid, then the token scan of model_objects.c for the rest. Whatever the model cannot hold
 * (overloads, parameters of triggers, costs, leakproof...) is one warning each.
 * Called by introspect.c inside its read-only transaction. Stage: live schema -> Model.
 */
#include "introspect_objects.h"


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "introspect.h"
#include "sqlnorm.h"
#include "strbuf.h"

typedef struct OCtx {
    PgConn *c;
    const char *schema;
    Arena *a;
    Model *m;
    IntroWarnFn warn;
    void *wctx;
    int *nq;
    StrBuf *err;
    DbObject *objs;
    size_t n, cap;
} OCtx;

static void warn(OCtx *x, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void warn(OCtx *x, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    x->warn(x->wctx, buf);
}

static PgResult *q(OCtx *x, const char *sql)
{
    const char *p[1] = {x->schema};
    PgResult *r = NULL;
    PgError e = PG_ERROR_INIT;
    (*x->nq)++;
    introspect_dump_sql(sql);
    if (pg_query(x->c, &r, sql, 1, p, &e) != 0) {
        if (!x->err->len) /* the first failure is the cause */
            sb_addf(x->err, "introspection query failed: %s", e.message ? e.message : "?");
        pg_error_release(&e);
        pg_result_free(r);
        return NULL;
    }
    return r;
}

static const char *v(OCtx *x, PgResult *r, int i, int c)
{
    return pg_isnull(r, i, c) ? NULL : arena_strdup(x->a, pg_value(r, i, c));
}

static bool f(PgResult *r, int i, int c)
{
    return !pg_isnull(r, i, c) && pg_value(r, i, c)[0] == 't';
}

static DbObject *push(OCtx *x, DbObjKind k, const char *name)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        DbObject *nv = ARENA_ARRAY(x->a, DbObject, nc);
        if (x->n)
            memcpy(nv, x->objs, x->n * sizeof *nv);
        x->objs = nv;
        x->cap = nc;
    }
    DbObject *o = &x->objs[x->n++];
    memset(o, 0, sizeof *o);
    o->kind = k;
    o->name = name;
    o->volatility = 'v';
    o->command = "ALL";
    return o;
}

/* "a\nb\nc" -> deps */
static void deps_from(OCtx *x, DbObject *o, const char *list)
{
    if (!list || !*list)
        return;
    const char *p = list;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *nm = arena_strndup(x->a, p, len);
        dbo_add_deps(x->a, o, &nm, 1);
        p += len + (nl != NULL);
    }
}

static const char q_ext[] =
    "SELECT e.extname, e.extversion FROM pg_extension e"
    "  JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1"
    " ORDER BY e.extname COLLATE \"C\"";

static bool load_extensions(OCtx *x)
{
    PgResult *r = q(x, q_ext);
    if (!r)
        return false;
    for (int i = 0; i < pg_nrows(r); i++) {
        DbObject *o = push(x, DBO_EXTENSION, v(x, r, i, 0));
        o->version = v(x, r, i, 1);
    }
    pg_result_free(r);
    return true;
}

static const char q_func[] =
    "SELECT p.proname, p.prokind, pg_get_function_arguments(p.oid),"
    "       pg_get_function_result(p.oid), l.lanname, p.prosrc, p.provolatile, p.proisstrict,"
    "       p.prosecdef, array_to_string(p.proconfig, E'\\n'), p.prosqlbody IS NOT NULL,"
    "       p.proleakproof, p.proparallel,"
    "       p.procost <> CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END,"
    "       p.prorows <> CASE WHEN p.proretset THEN 1000 ELSE 0 END,"
    "       count(*) OVER (PARTITION BY p.proname), obj_description(p.oid, 'pg_proc')"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  JOIN pg_language l ON l.oid = p.prolang"
    " WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
    "                     AND d.objid = p.oid AND d.deptype = 'e')"
    " ORDER BY p.proname COLLATE \"C\", p.oid";

static bool load_functions(OCtx *x)
{
    PgResult *r = q(x, q_func);
    if (!r)
        return false;
    const char *prev = NULL;
    for (int i = 0; i < pg_nrows(r); i++) {
        const char *name = v(x, r, i, 0);
        bool proc = pg_value(r, i, 1)[0] == 'p';
        const char *what = proc ? "procedure" : "function";
        if (prev && !strcmp(prev, name)) {
            warn(x, "%s %s(%s): an overload of %s is not in the model (one function per name), "
                    "skipped", what, name, pg_value(r, i, 2), name);
            continue;
        }
        prev = name;
        if (f(r, i, 10)) {
            warn(x, "%s %s: a BEGIN ATOMIC body is not in the model, skipped", what, name);
            continue;
        }
        DbObject *o = push(x, DBO_FUNCTION, name);
        o->procedure = proc;
        const char *args = v(x, r, i, 2);
        o->args = args && *args ? args : NULL;
        o->returns = proc ? NULL : v(x, r, i, 3);
        o->language = v(x, r, i, 4);
        o->body = v(x, r, i, 5);
        o->volatility = pg_value(r, i, 6)[0];
        o->strict = f(r, i, 7);
        o->security_definer = f(r, i, 8);
        const char *cfg = pg_isnull(r, i, 9) ? NULL : pg_value(r, i, 9);
        for (const char *p = cfg; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            if (len > 12 && !strncmp(p, "search_path=", 12))
                o->search_path = arena_strndup(x->a, p + 12, len - 12);
            else
                warn(x, "%s %s: SET %.*s is not in the model", what, name, (int)len, p);
            p += len + (nl != NULL);
        }
        if (f(r, i, 11))
            warn(x, "%s %s: LEAKPROOF is not in the model", what, name);
        if (pg_value(r, i, 12)[0] != 'u')
            warn(x, "%s %s: PARALLEL is not in the model", what, name);
        if (f(r, i, 13) || f(r, i, 14))
            warn(x, "%s %s: COST/ROWS are not in the model", what, name);
        if (!pg_isnull(r, i, 16))
            warn(x, "%s %s: its comment is not in the model", what, name);
    }
    pg_result_free(r);
    return true;
}

static const char q_views[] =
    "SELECT c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true),"
    "       obj_description(c.oid, 'pg_class'), c.reloptions IS NOT NULL,"
    "       (SELECT string_agg(DISTINCT coalesce(rc.relname, rp.proname), E'\\n')"
    "          FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass"
    "           AND d.objid = rw.oid"
    "          LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass"
    "           AND rc.oid = d.refobjid AND rc.relnamespace = c.relnamespace"
    "          LEFT JOIN pg_proc rp ON d.refclassid = 'pg_proc'::regclass"
    "           AND rp.oid = d.refobjid AND rp.pronamespace = c.relnamespace"
    "         WHERE rw.ev_class = c.oid AND d.refobjid <> c.oid"
    "           AND coalesce(rc.relname, rp.proname) IS NOT NULL)"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('v', 'm') AND c.relname NOT LIKE '\\_strav\\_%'"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
    "                     AND d.objid = c.oid AND d.deptype = 'e')"
    " ORDER BY c.relname COLLATE \"C\"";

/* One row per key column of every index on a materialized view (as introspect.c's). */
static const char q_mv_indexes[] =
    "SELECT c.relname, ic.relname, i.indisunique, am.amname,"
    "       pg_get_expr(i.indpred, i.indrelid, true), k.n, i.indkey[k.n - 1] <> 0, a.attname,"
    "       i.indoption[k.n - 1],"
    "       CASE WHEN i.indkey[k.n - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k.n::int, true) END,"
    "       i.indnatts > i.indnkeyatts OR NOT coalesce(opc.opcdefault, true)"
    "       OR obj_description(i.indexrelid, 'pg_class') IS NOT NULL"
    "  FROM pg_index i"
    "  JOIN pg_class ic ON ic.oid = i.indexrelid"
    "  JOIN pg_class c ON c.oid = i.indrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_am am ON am.oid = ic.relam"
    "  CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) k(n)"
    "  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1]"
    "  LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.n - 1]"
    " WHERE n.nspname = $1 AND c.relkind = 'm'"
    " ORDER BY c.relname COLLATE \"C\", ic.relname COLLATE \"C\", k.n";

static DbObject *find_view(OCtx *x, const char *name, size_t from)
{
    for (size_t i = from; i < x->n; i++)
        if (x->objs[i].kind == DBO_VIEW && !strcmp(x->objs[i].name, name))
            return &x->objs[i];
    return NULL;
}

static bool load_views(OCtx *x)
{
    PgResult *r = q(x, q_views);
    if (!r)
        return false;
    size_t first = x->n;
    for (int i = 0; i < pg_nrows(r); i++) {
        DbObject *o = push(x, DBO_VIEW, v(x, r, i, 0));
        o->materialized = f(r, i, 1);
        o->body = dbo_trim_query(x->a, pg_value(r, i, 2));
        deps_from(x, o, pg_isnull(r, i, 5) ? NULL : pg_value(r, i, 5));
        if (!pg_isnull(r, i, 3))
            warn(x, "view %s: its comment is not in the model", o->name);
        if (f(r, i, 4))
            warn(x, "view %s: WITH options (check option, security barrier) are not in the model",
                 o->name);
    }
    pg_result_free(r);
    if (!(r = q(x, q_mv_indexes)))
        return false;
    int n = pg_nrows(r);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && strtol(pg_value(r, j, 5), NULL, 10) != 1)
            j++;
        DbObject *o = find_view(x, pg_value(r, i, 0), first);
        if (o) {
            Index *nv = ARENA_ARRAY(x->a, Index, o->nindexes + 1);
            if (o->nindexes)
                memcpy(nv, o->indexes, o->nindexes * sizeof *nv);
            o->indexes = nv;
            Index *ix = &o->indexes[o->nindexes++];
            memset(ix, 0, sizeof *ix);
            ix->name = v(x, r, i, 1);
            ix->unique = f(r, i, 2);
            ix->method = v(x, r, i, 3);
            if (!pg_isnull(r, i, 4))
                ix->where = sqlnorm_strip_parens(x->a, sqlnorm_oneline(x->a, v(x, r, i, 4)));
            ix->elems = ARENA_ARRAY(x->a, IndexElem, (size_t)(j - i));
            for (int k = i; k < j; k++) {
                IndexElem *e = &ix->elems[ix->nelems++];
                if (f(r, k, 6))
                    e->column = v(x, r, k, 7);
                else
                    e->expr = sqlnorm_strip_parens(x->a, sqlnorm_oneline(x->a, v(x, r, k, 9)));
                long opt = strtol(pg_value(r, k, 8), NULL, 10);
                e->desc = opt & 1;
                bool nf = (opt & 2) != 0;
                e->nulls = nf == e->desc ? 0 : nf ? 1 : 2;
            }
            if (f(r, i, 10))
                warn(x, "index %s: INCLUDE, operator classes or its comment are not in the model",
                     ix->name);
        }
        i = j;
    }
    pg_result_free(r);
    return true;
}

static const char q_triggers[] =
    "SELECT c.relname, t.tgname, t.tgtype, p.proname, pn.nspname = $1, t.tgnargs,"
    "       pg_get_triggerdef(t.oid, true), array_length(t.tgattr, 1) > 0, t.tgenabled,"
    "       t.tgconstraint <> 0, t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL"
    "  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace"
    " WHERE n.nspname = $1 AND NOT t.tgisinternal AND c.relname NOT LIKE '\\_strav\\_%'"
    "   AND c.relkind IN ('r', 'v')"
    " ORDER BY c.relname COLLATE \"C\", t.tgname COLLATE \"C\"";

/* WHEN (...) of pg_get_triggerdef's text, without its parentheses, or NULL. */
static const char *trigger_when(Arena *a, const char *def)
{
    const char *w = strstr(def, " WHEN (");
    const char *e = NULL;
    for (const char *p = strstr(def, ") EXECUTE "); p; p = strstr(p + 1, ") EXECUTE "))
        e = p;
    if (!w || !e || e < w + 7)
        return NULL;
    return arena_strndup(a, w + 7, (size_t)(e - (w + 7)));
}

static bool load_triggers(OCtx *x)
{
    PgResult *r = q(x, q_triggers);
    if (!r)
        return false;
    for (int i = 0; i < pg_nrows(r); i++) {
        const char *tab = v(x, r, i, 0), *name = v(x, r, i, 1);
        if (!f(r, i, 4) || strtol(pg_value(r, i, 5), NULL, 10) > 0 || f(r, i, 7) ||
            f(r, i, 9) || f(r, i, 10)) {
            warn(x, "trigger %s.%s: its function in another schema, arguments, UPDATE OF "
                    "columns, a constraint trigger or transition tables are not in the model, "
                    "skipped", tab, name);
            continue;
        }
        if (pg_value(r, i, 8)[0] != 'O')
            warn(x, "trigger %s.%s: DISABLE/ENABLE REPLICA|ALWAYS is not in the model", tab,
                 name);
        long type = strtol(pg_value(r, i, 2), NULL, 10);
        DbObject *o = push(x, DBO_TRIGGER, name);
        o->table = tab;
        o->for_each_row = type & 1;
        o->timing = type & 64 ? TRIG_INSTEAD_OF : type & 2 ? TRIG_BEFORE : TRIG_AFTER;
        o->events = (type & 4 ? TRIG_INSERT : 0) | (type & 16 ? TRIG_UPDATE : 0) |
                    (type & 8 ? TRIG_DELETE : 0) | (type & 32 ? TRIG_TRUNCATE : 0);
        o->function = v(x, r, i, 3);
        o->when = trigger_when(x->a, pg_value(r, i, 6));
    }
    pg_result_free(r);
    return true;
}

static const char q_rls[] =
    "SELECT c.relname, c.relforcerowsecurity FROM pg_class c"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relrowsecurity"
    "   AND c.relname NOT LIKE '\\_strav\\_%'"
    " ORDER BY c.relname COLLATE \"C\"";

static const char q_policies[] =
    "SELECT c.relname, po.polname, po.polcmd, po.polpermissive,"
    "       array_to_string(ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END"
    "                              FROM unnest(po.polroles) r ORDER BY 1), E'\\n'),"
    "       pg_get_expr(po.polqual, po.polrelid, true),"
    "       pg_get_expr(po.polwithcheck, po.polrelid, true),"
    "       (SELECT string_agg(DISTINCT p.proname, E'\\n') FROM pg_depend d"
    "          JOIN pg_proc p ON p.oid = d.refobjid AND p.pronamespace = c.relnamespace"
    "         WHERE d.classid = 'pg_policy'::regclass AND d.objid = po.oid"
    "           AND d.refclassid = 'pg_proc'::regclass)"
    "  FROM pg_policy po JOIN pg_class c ON c.oid = po.polrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1"
    " ORDER BY c.relname COLLATE \"C\", po.polname COLLATE \"C\"";

static bool load_security(OCtx *x)
{
    PgResult *r = q(x, q_rls);
    if (!r)
        return false;
    for (int i = 0; i < pg_nrows(r); i++) {
        DbObject *o = push(x, DBO_RLS, v(x, r, i, 0));
        o->table = o->name;
        o->force = f(r, i, 1);
    }
    pg_result_free(r);
    if (!(r = q(x, q_policies)))
        return false;
    static const char cmds[] = "*rawd";
    static const char *const names[] = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE"};
    for (int i = 0; i < pg_nrows(r); i++) {
        DbObject *o = push(x, DBO_POLICY, v(x, r, i, 1));
        o->table = v(x, r, i, 0);
        const char *c = strchr(cmds, pg_value(r, i, 2)[0]);
        o->command = c ? names[c - cmds] : "ALL";
        o->restrictive = !f(r, i, 3);
        const char *roles = pg_value(r, i, 4);
        if (*roles && strcmp(roles, "public")) {
            size_t n = 1;
            for (const char *p = roles; *p; p++)
                n += *p == '\n';
            o->roles = ARENA_ARRAY(x->a, const char *, n);
            for (const char *p = roles; *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                o->roles[o->nroles++] = arena_strndup(x->a, p, len);
                p += len + (nl != NULL);
            }
        }
        o->using_expr = v(x, r, i, 5);
        o->check_expr = v(x, r, i, 6);
        deps_from(x, o, pg_isnull(r, i, 7) ? NULL : pg_value(r, i, 7));
    }
    pg_result_free(r);
    return true;
}

bool introspect_objects(PgConn *c, const char *schema, Arena *a, Model *m, IntroWarnFn warnfn,
                        void *wctx, int *nq, StrBuf *err)
{
    OCtx x = {.c = c, .schema = schema, .a = a, .m = m, .warn = warnfn, .wctx = wctx, .nq = nq,
              .err = err};
    bool ok = load_extensions(&x) && load_functions(&x) && load_views(&x) && load_triggers(&x) &&
              load_security(&x);
    if (!ok)
        return false;
    m->objects = x.objs;
    m->nobjects = x.n;
    model_sort(m);
    dbo_compute_deps(a, m);
    return true;
}
