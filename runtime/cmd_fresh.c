/*
 * cmd_fresh.c - fresh: after confirmation, drop every object of the domain and the extensions
 * its migrations created, and re-apply all its migrations, in one transaction when no step is
 * non-transactional (docs/runtime.md, "fresh").
 */
#include "runctx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sqlsplit.h"

bool confirm_fresh(Ctx *c)
{
    if (c->o->force)
        return true;
    if (!isatty(0) || c->o->json) {
        out_fail(c, "fresh drops every object of domain %s; it needs --force when not run on a "
                    "terminal",
                 c->o->scope);
        return false;
    }
    fprintf(stderr,
            "%sWARNING:%s this drops every object of domain '%s' (schema %s) and re-applies its "
            "migrations.\nType the domain name to confirm: ",
            out_col(c->o, YELLOW), out_col(c->o, RESET), c->o->scope, c->schema);
    char line[256];
    if (!fgets(line, sizeof line, stdin))
        line[0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(line, c->o->scope) != 0) {
        out_fail(c, "%s", "Confirmation does not match. Operation cancelled.");
        return false;
    }
    return true;
}

/* Objects of other schemas that depend on the domain's objects (pg_depend, normal and auto
 * dependencies): a foreign key into one of its tables, a view over one, a column, domain or
 * composite of one of its types, a function, default, trigger, index or policy that uses one
 * of its routines, a sequence owned by one of its columns. The drop (DROP SCHEMA ... CASCADE,
 * or each object of public CASCADE) would silently take them, i.e. change another domain, so
 * fresh refuses and lists them. In public, objects an extension owns are not the domain's and
 * are not dropped (the extensions are handled by drop_domain_extensions). A dependent whose
 * kind has no schema (a cast, say) counts as outside. */
static const char q_outside_dependents[] =
    "WITH s AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1), "
    "mine AS ("
    " SELECT 'pg_catalog.pg_class'::regclass AS cl, c.oid FROM pg_catalog.pg_class c, s"
    "  WHERE c.relnamespace = s.oid"
    " UNION ALL SELECT 'pg_catalog.pg_type'::regclass, t.oid FROM pg_catalog.pg_type t, s"
    "  WHERE t.typnamespace = s.oid"
    " UNION ALL SELECT 'pg_catalog.pg_proc'::regclass, p.oid FROM pg_catalog.pg_proc p, s"
    "  WHERE p.pronamespace = s.oid"
    " UNION ALL SELECT 'pg_catalog.pg_namespace'::regclass, s.oid FROM s WHERE $1 <> 'public'), "
    "owned AS (SELECT m.cl, m.oid FROM mine m WHERE $1 <> 'public' OR NOT EXISTS ("
    " SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = m.cl AND e.objid = m.oid"
    "  AND e.deptype = 'e')), "
    "dep AS ("
    " SELECT DISTINCT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid,"
    "  CASE d.classid"
    "   WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT relnamespace FROM pg_catalog.pg_class"
    "    WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT typnamespace FROM pg_catalog.pg_type"
    "    WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_proc'::regclass THEN (SELECT pronamespace FROM pg_catalog.pg_proc"
    "    WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT connamespace FROM"
    "    pg_catalog.pg_constraint WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM"
    "    pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
    "    WHERE w.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM"
    "    pg_catalog.pg_attrdef a JOIN pg_catalog.pg_class c ON c.oid = a.adrelid"
    "    WHERE a.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_trigger'::regclass THEN (SELECT c.relnamespace FROM"
    "    pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
    "    WHERE g.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_policy'::regclass THEN (SELECT c.relnamespace FROM"
    "    pg_catalog.pg_policy y JOIN pg_catalog.pg_class c ON c.oid = y.polrelid"
    "    WHERE y.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_extension'::regclass THEN (SELECT extnamespace FROM"
    "    pg_catalog.pg_extension WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_collation'::regclass THEN (SELECT collnamespace FROM"
    "    pg_catalog.pg_collation WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_operator'::regclass THEN (SELECT oprnamespace FROM"
    "    pg_catalog.pg_operator WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_opclass'::regclass THEN (SELECT opcnamespace FROM"
    "    pg_catalog.pg_opclass WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_opfamily'::regclass THEN (SELECT opfnamespace FROM"
    "    pg_catalog.pg_opfamily WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_amop'::regclass THEN (SELECT f.opfnamespace FROM"
    "    pg_catalog.pg_amop o JOIN pg_catalog.pg_opfamily f ON f.oid = o.amopfamily"
    "    WHERE o.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_amproc'::regclass THEN (SELECT f.opfnamespace FROM"
    "    pg_catalog.pg_amproc o JOIN pg_catalog.pg_opfamily f ON f.oid = o.amprocfamily"
    "    WHERE o.oid = d.objid)"
    "   WHEN 'pg_catalog.pg_statistic_ext'::regclass THEN (SELECT stxnamespace FROM"
    "    pg_catalog.pg_statistic_ext WHERE oid = d.objid)"
    "   WHEN 'pg_catalog.pg_ts_config'::regclass THEN (SELECT cfgnamespace FROM"
    "    pg_catalog.pg_ts_config WHERE oid = d.objid)"
    "  END AS ns"
    " FROM pg_catalog.pg_depend d JOIN owned o ON d.refclassid = o.cl AND d.refobjid = o.oid"
    " WHERE d.deptype IN ('n', 'a')) "
    "SELECT DISTINCT CASE WHEN dep.classid = 'pg_catalog.pg_rewrite'::regclass THEN" /* a view */
    " pg_catalog.pg_describe_object('pg_catalog.pg_class'::regclass, (SELECT ev_class FROM"
    " pg_catalog.pg_rewrite WHERE oid = dep.objid), 0) ELSE"
    " pg_catalog.pg_describe_object(dep.classid, dep.objid, dep.objsubid) END,"
    " pg_catalog.pg_describe_object(dep.refclassid, dep.refobjid, dep.refobjsubid)"
    " FROM dep, s WHERE dep.ns IS DISTINCT FROM s.oid ORDER BY 1, 2";

static int check_outside_dependents(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    PgResult *r = NULL;
    const char *p[] = { c->schema };
    int rc = -1;
    if (pg_query(c->conn, &r, q_outside_dependents, 1, p, &e) != 0) {
        out_pg_error(c, &e, "cannot inspect what depends on the domain's objects");
        goto out;
    }
    if (pg_nrows(r) > 0) {
        out_fail(c, "fresh would drop objects that other domains reference; drop or roll back "
                    "these first:");
        for (int i = 0; i < pg_nrows(r) && !c->o->json; i++)
            fprintf(stderr, "  %s (uses %s)\n", pg_value(r, i, 0), pg_value(r, i, 1));
        goto out;
    }
    rc = 0;
out:
    pg_result_free(r);
    pg_error_release(&e);
    return rc;
}

/* ---- extensions ---------------------------------------------------------------------------
 * The extensions the domain's migrations created: a `CREATE EXTENSION name` (without IF NOT
 * EXISTS: that one may have found it there) in an up file of a version that ran here (not one
 * recorded by baseline, whose statements never ran). Such a statement succeeded, so the
 * extension did not exist before it; one created by hand before the migrations, or by another
 * domain, is never in the list. */

/* Skip blanks and SQL comments. */
static const char *skip_ws(const char *s)
{
    for (;;) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        } else {
            return s;
        }
    }
}

/* The keyword w at s (case-insensitive, whole word): the text after it, or NULL. */
static const char *keyword(const char *s, const char *w)
{
    s = skip_ws(s);
    size_t n = strlen(w);
    if (strncasecmp(s, w, n) != 0 || isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '$')
        return NULL;
    return s + n;
}

/* The extension a statement creates, appended to names (NUL-separated), when it is one. */
static void created_extension(const char *stmt, StrBuf *names)
{
    const char *p = keyword(stmt, "CREATE");
    if (!p || !(p = keyword(p, "EXTENSION")))
        return;
    const char *q = keyword(p, "IF");
    if (q && (q = keyword(q, "NOT")) && keyword(q, "EXISTS"))
        return;
    p = skip_ws(p);
    StrBuf name = SB_INIT;
    if (*p == '"') { /* quoted: "" is a quote */
        for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
            if (*p == '"')
                p++;
            sb_addch(&name, *p);
        }
    } else { /* bare: folded to lower case */
        for (; isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (*p & 0x80); p++)
            sb_addch(&name, (char)tolower((unsigned char)*p));
    }
    if (name.len) {
        sb_adds(names, name.buf);
        sb_addch(names, '\0');
    }
    sb_release(&name);
}

static void domain_extensions(const Ctx *c, StrBuf *names)
{
    for (int i = 0; i < ledger_napplied(c); i++) {
        if (!strcmp(ledger_value(c, i, LC_STATE), "baselined"))
            continue;
        const Migration *m = migset_find(&c->set, ledger_value(c, i, LC_VERSION));
        for (size_t k = 0; m && k < m->nup; k++) {
            const char *sql = m->up[k].sql;
            if (!sql)
                continue;
            size_t *st, ns = sqlsplit_statements(sql, &st);
            for (size_t j = 0; j < ns; j++) /* reads only the statement's first words */
                created_extension(sql + st[2 * j], names);
            free(st);
        }
    }
}

/* Inside the open transaction, after the domain's objects are gone: drop the extensions its
 * migrations created (the re-apply creates them again). One that something outside the domain
 * still depends on is not dropped: fresh refuses, naming what uses it (the server's detail),
 * and the caller rolls everything back. */
static int drop_domain_extensions(Ctx *c)
{
    StrBuf names = SB_INIT, q = SB_INIT;
    PgError e = PG_ERROR_INIT;
    int rc = 0;
    domain_extensions(c, &names);
    for (size_t off = 0; off < names.len; off += strlen(names.buf + off) + 1) {
        const char *name = names.buf + off;
        PgResult *r = NULL;
        const char *p[] = { name };
        if (pg_query(c->conn, &r, "SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1", 1,
                     p, &e) != 0) {
            out_pg_error(c, &e, "cannot inspect the extensions");
            rc = -1;
            break;
        }
        bool present = pg_nrows(r) > 0;
        pg_result_free(r);
        if (!present) /* dropped by a later migration, or with the domain's schema */
            continue;
        sb_reset(&q);
        sb_adds(&q, "DROP EXTENSION ");
        pg_quote_ident(c->conn, &q, name);
        sb_adds(&q, " RESTRICT");
        if (pg_exec(c->conn, q.buf, &e) != 0) {
            if (e.sqlstate && !strcmp(e.sqlstate, "2BP01"))
                out_fail(c, "fresh would drop extension %s, which its migrations created, but "
                            "objects outside the domain use it; drop them first (or keep the "
                            "domain as it is):", name);
            else
                out_pg_error(c, &e, "cannot drop the extensions the domain's migrations created");
            if (e.detail && !c->o->json)
                fprintf(stderr, "  %s\n", e.detail);
            rc = -1;
            break;
        }
    }
    pg_error_release(&e);
    sb_release(&q);
    sb_release(&names);
    return rc;
}

/* Inside the open transaction: drop the domain's objects. A non-public domain owns its schema;
 * in public, every relation, type and routine that no extension owns. */
static int drop_domain_objects(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    PgResult *r = NULL;
    StrBuf q = SB_INIT;
    int rc = -1;
    if (strcmp(c->schema, "public") != 0) {
        sb_addf(&q, "DROP SCHEMA IF EXISTS %s CASCADE", c->qschema.buf);
        if (pg_exec(c->conn, q.buf, &e) != 0)
            goto fail;
        rc = 0;
        goto out;
    }
    const char *p[] = { c->schema };
    if (pg_query(c->conn, &r,
                 "SELECT CASE WHEN c.relkind IN ('v') THEN 'VIEW' WHEN c.relkind = 'm' THEN "
                 "'MATERIALIZED VIEW' WHEN c.relkind = 'S' THEN 'SEQUENCE' WHEN c.relkind = 'f' "
                 "THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.relname "
                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','f','S') "
                 "AND NOT c.relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                 "WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND "
                 "d.deptype IN ('e','a','i') AND NOT (d.refclassid = 'pg_catalog.pg_class'::regclass "
                 "AND d.refobjid = c.oid)) " /* a partitioned table depends on its own key */
                 "UNION ALL SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, "
                 "t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "t.typnamespace WHERE n.nspname = $1 AND t.typtype IN ('e','d','r','m') "
                 "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
                 "'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('e','i'))",
                 1, p, &e) != 0)
        goto fail;
    for (int i = 0; i < pg_nrows(r); i++) {
        sb_addf(&q, "DROP %s IF EXISTS %s.", pg_value(r, i, 0), c->qschema.buf);
        pg_quote_ident(c->conn, &q, pg_value(r, i, 1));
        sb_adds(&q, " CASCADE;\n");
    }
    pg_result_free(r);
    r = NULL;
    /* routines: regprocedure text is already quoted by the server */
    if (pg_query(c->conn, &r,
                 "SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p JOIN "
                 "pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND "
                 "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
                 "'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
                 1, p, &e) != 0)
        goto fail;
    for (int i = 0; i < pg_nrows(r); i++)
        sb_addf(&q, "DROP ROUTINE IF EXISTS %s CASCADE;\n", pg_value(r, i, 0));
    if (q.len && pg_exec(c->conn, q.buf, &e) != 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    out_pg_error(c, &e, "cannot drop the domain's objects");
out:
    pg_result_free(r);
    sb_release(&q);
    pg_error_release(&e);
    return rc;
}

int cmd_fresh(Ctx *c)
{
    for (size_t i = 0; i < c->set.n; i++)
        if (c->set.v[i].problem) {
            out_fail(c, "Migration %s cannot be applied: %s", c->set.v[i].version,
                     c->set.v[i].problem);
            return 1;
        }
    if (check_outside_dependents(c) != 0)
        return 1;
    {
        const Migration **all = xcalloc(c->set.n + 1, sizeof *all);
        for (size_t i = 0; i < c->set.n; i++)
            all[i] = &c->set.v[i];
        int lrc = load_sql(c, all, c->set.n, true);
        free(all);
        if (lrc != 0)
            return 1;
    }
    out_say(c, "%sDropping every object of domain %s (schema %s)...%s\n", out_col(c->o, CYAN),
        c->set.domain, c->schema, out_col(c->o, RESET));
    if (c->set.n)
        out_say(c, "%sRunning pending migrations...%s\n", out_col(c->o, CYAN),
                out_col(c->o, RESET));
    if (ledger_begin(c) != 0)
        return 1;
    if (drop_domain_objects(c) != 0 || drop_domain_extensions(c) != 0) {
        pg_exec(c->conn, "ROLLBACK", NULL);
        return 1;
    }
    c->have_table = c->have_cols = false;
    const Migration **list = xcalloc(c->set.n + 1, sizeof *list);
    Job *jobs = xcalloc(c->set.n + 1, sizeof *jobs);
    for (size_t i = 0; i < c->set.n; i++) {
        list[i] = &c->set.v[i];
        jobs[i] = (Job){ list[i], 0 };
    }
    /* one transaction unless a step cannot run in one: then the drop commits with the steps
     * before the first such statement, and progress is recorded as migrate does */
    if (steps_any_nontx(list, c->set.n, false) && !c->o->json)
        fprintf(stderr,
                "note: these migrations have non-transactional steps, so fresh cannot be one "
                "transaction: the drop commits with the steps before the first of them; if "
                "fresh stops after that, '%s migrate -s %s' resumes it\n",
                c->o->prog, c->set.domain);
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    if (c->set.n)
        json_object_set_new(c->out, "batch", json_integer(1));
    int rc = 1;
    /* no migrations: apply_run only commits the drop (and the empty tracking table) */
    if (apply_run(c, false, jobs, c->set.n, 1, done, "the drop of the domain's objects") != 0)
        goto out;
    if (!c->set.n) {
        out_say(c, "Nothing to migrate: domain %s has no migrations.\n", c->set.domain);
        rc = 0;
        goto out;
    }
    out_say(c, "\n%sApplied %zu migration(s) in batch 1:%s\n", out_col(c->o, GREEN), c->set.n,
        out_col(c->o, RESET));
    for (size_t i = 0; i < c->set.n; i++)
        out_say(c, "  - %s\n", c->set.v[i].version);
    rc = 0;
out:
    free(list);
    free(jobs);
    return rc;
}

