/*
 * cmd_fresh.c - fresh: after confirmation, drop every object of the domain and re-apply all its
 * migrations, in one transaction when no step is non-transactional.
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Foreign keys of other schemas that point into the domain's schema: dropping would silently
 * change another domain, so fresh refuses. */
static int check_incoming_fks(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    PgResult *r = NULL;
    const char *p[] = { c->schema };
    int rc = -1;
    if (pg_query(c->conn, &r,
                 "SELECT con.conrelid::regclass::text, con.conname, con.confrelid::regclass::text "
                 "FROM pg_catalog.pg_constraint con "
                 "JOIN pg_catalog.pg_class t ON t.oid = con.confrelid "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                 "JOIN pg_catalog.pg_class s ON s.oid = con.conrelid "
                 "WHERE con.contype = 'f' AND n.nspname = $1 AND s.relnamespace <> t.relnamespace "
                 "ORDER BY 1, 2",
                 1, p, &e) != 0) {
        out_pg_error(c, &e, "cannot inspect foreign keys");
        goto out;
    }
    if (pg_nrows(r) > 0) {
        out_fail(c, "fresh would drop objects that other domains reference; drop or roll back "
                    "these first:");
        for (int i = 0; i < pg_nrows(r); i++)
            fprintf(stderr, "  %s (%s) -> %s\n", pg_value(r, i, 0), pg_value(r, i, 1),
                    pg_value(r, i, 2));
        goto out;
    }
    rc = 0;
out:
    pg_result_free(r);
    pg_error_release(&e);
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
                 "d.deptype IN ('e','a','i')) "
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
    if (check_incoming_fks(c) != 0)
        return 1;
    {
        const Migration **all = xcalloc(c->set.n + 1, sizeof *all);
        for (size_t i = 0; i < c->set.n; i++)
            all[i] = &c->set.v[i];
        int lrc = load_sql(c, all, c->set.n);
        free(all);
        if (lrc != 0)
            return 1;
    }
    out_say(c, "%sDropping every object of domain %s (schema %s)...%s\n", out_col(c->o, CYAN),
        c->set.domain, c->schema, out_col(c->o, RESET));
    out_say(c, "%sRunning pending migrations...%s\n", out_col(c->o, CYAN), out_col(c->o, RESET));
    if (ledger_begin(c) != 0)
        return 1;
    if (drop_domain_objects(c) != 0) {
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
    json_object_set_new(c->out, "batch", json_integer(1));
    int rc = 1;
    if (apply_run(c, false, jobs, c->set.n, 1, done, "the drop of the domain's objects") != 0)
        goto out;
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

