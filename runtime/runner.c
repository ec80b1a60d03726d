/*
 * runner.c - options, output, and the commands migrate, rollback, fresh and status for one
 * domain or each tenant schema (see runner.h). Order of work: parse options, check the domain,
 * then in parallel verify the migration directories and connect, take the domain's session
 * advisory lock and read the tracking table (ledger.c); then check integrity and act in one
 * transaction (apply.c). Nothing runs before every check passed.
 */
#include "runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "adopt.h"
#include "embedded.h"
#include "migdir.h"
#include "runctx.h"

/* ---- output ------------------------------------------------------------------------------ */

const char *out_col(const Opts *o, const char *code)
{
    return o->color ? code : "";
}

/* Text lines go to stdout unless --json. */
void out_say(const Ctx *c, const char *fmt, ...)
{
    if (c->o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

/* "Error: ..." on stderr (and in the JSON result). */
void out_fail(Ctx *c, const char *fmt, ...)
{
    StrBuf sb = SB_INIT;
    va_list ap;
    fflush(stdout); /* keep stdout and stderr lines in order */
    va_start(ap, fmt);
    char tmp[2048];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_adds(&sb, tmp);
    if (c->o->json && c->out)
        json_object_set_new(c->out, "error", json_string(sb_str(&sb)));
    if (!c->o->json || isatty(2))
        fprintf(stderr, "%sError: %s%s\n", out_col(c->o, RED), sb_str(&sb), out_col(c->o, RESET));
    sb_release(&sb);
}

void out_json_str(json_t *arr, const char *s)
{
    json_array_append_new(arr, json_string(s));
}

/* ---- options ----------------------------------------------------------------------------- */

void runner_print_options(FILE *out)
{
    fputs("Options:\n"
          "  -s, --scope DOMAIN        domain to act on (default public)\n"
          "      --batch N             rollback: the batch to revert (not the latest: --force)\n"
          "      --step N              rollback: revert the last N migrations\n"
          "      --force               rollback an older batch; fresh without confirmation\n"
          "      --allow-out-of-order  migrate: apply pending versions older than applied ones\n"
          "      --no-drift-check      status: do not compare the live schema with the last\n"
          "                            applied migration's snapshot\n"
          "  -j, --jobs N              per-tenant domains: tenants run N at a time (default\n"
          "                            up to 4), results printed in tenant order\n"
          "      --json                machine-readable output\n"
          "      --database URL        libpq conninfo or URL (else DATABASE_URL, PG*, embedded)\n"
          "      --migrations DIR      migrations root (default database/migrations)\n"
          "      --schemas DIR         schemas root (default database/schemas)\n"
          "      --lock-timeout T      SET lock_timeout for the batch (e.g. 5s)\n"
          "      --statement-timeout T SET statement_timeout for the batch\n"
          "      --no-color            no ANSI colours (also NO_COLOR)\n"
          "  -h, --help                this help\n",
          out);
}

static int usage(const Opts *o, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int usage(const Opts *o, const char *fmt, ...)
{
    fprintf(stderr, "%s: ", o->prog);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", o->prog);
    return 2;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* Returns -1 when parsed, else the exit status (0 for --help, 2 for usage errors). */
static int parse_opts(Opts *o, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        const char *val = NULL;
        char name[64];
        char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        static const char *const with_value[] = { "-s", "--scope", "--batch", "--step", "-j", "--jobs",
                                                  "--database", "--migrations", "--schemas",
                                                  "--lock-timeout", "--statement-timeout" };
        bool needs = false;
        for (size_t k = 0; k < ARRAY_LEN(with_value); k++)
            if (strcmp(name, with_value[k]) == 0)
                needs = true;
        if (needs && !val) {
            if (i + 1 >= argc)
                return usage(o, "option '%s' needs a value", name);
            val = argv[++i];
        } else if (!needs && val) {
            return usage(o, "option '%s' takes no value", name);
        }
        if (!strcmp(name, "-s") || !strcmp(name, "--scope"))
            o->scope = val;
        else if (!strcmp(name, "--batch")) {
            if (!parse_long(val, &o->batch))
                return usage(o, "--batch needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--step")) {
            if (!parse_long(val, &o->step))
                return usage(o, "--step needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--jobs") || !strcmp(name, "-j")) {
            if (!parse_long(val, &o->jobs))
                return usage(o, "--jobs needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--database"))
            o->database = val;
        else if (!strcmp(name, "--migrations"))
            o->migrations_root = val;
        else if (!strcmp(name, "--schemas"))
            o->schemas_root = val;
        else if (!strcmp(name, "--lock-timeout"))
            o->lock_timeout = val;
        else if (!strcmp(name, "--statement-timeout"))
            o->statement_timeout = val;
        else if (!strcmp(name, "--force") || !strcmp(name, "-f"))
            o->force = true;
        else if (!strcmp(name, "--json"))
            o->json = true;
        else if (!strcmp(name, "--no-drift-check"))
            o->no_drift_check = true;
        else if (!strcmp(name, "--allow-out-of-order"))
            o->allow_out_of_order = true;
        else if (!strcmp(name, "--no-color"))
            o->color = false;
        else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            printf("Usage: %s COMMAND [options]\n", o->prog);
            runner_print_options(stdout);
            return 0;
        } else
            return usage(o, "unknown option '%s'", a);
    }
    if (o->batch && o->step)
        return usage(o, "%s", "--batch and --step cannot be combined");
    return -1;
}

/* ---- domains ----------------------------------------------------------------------------- */

int runner_check_scope(const char *scope, const char *migrations_root, const char *schemas_root)
{
    char **doms = domains_discover(migrations_root, schemas_root);
    bool found = false;
    for (char **d = doms; *d; d++)
        if (strcmp(*d, scope) == 0)
            found = true;
    if (!found) {
        StrBuf sb = SB_INIT;
        for (char **d = doms; *d; d++)
            sb_addf(&sb, "%s%s", d == doms ? "" : ", ", *d);
        fprintf(stderr, "Error: Invalid domain: %s. Available domains: %s\n", scope, sb_str(&sb));
        sb_release(&sb);
    }
    domains_free(doms);
    return found ? 0 : 1;
}

/* ---- integrity --------------------------------------------------------------------------- */

/* Applied rows whose directory is gone or whose manifest checksum differs; prints each and
 * returns how many. */
static int check_applied(Ctx *c, bool quiet)
{
    int bad = 0;
    fflush(stdout);
    for (int i = 0; i < ledger_napplied(c); i++) {
        const char *v = ledger_value(c, i, 0);
        const Migration *m = migset_find(&c->set, v);
        if (!m) {
            if (!quiet)
                fprintf(stderr, "error: applied migration %s is missing on disk (%s/%s)\n", v,
                        c->set.root, v);
            bad++;
        } else if (m->problem || strcmp(m->checksum, ledger_value(c, i, 2)) != 0) {
            if (!quiet)
                fprintf(stderr, "error: applied migration %s was modified since it was applied%s%s\n",
                        v, m->problem ? ": " : " (manifest checksum differs)",
                        m->problem ? m->problem : "");
            bad++;
        }
    }
    return bad;
}

/* Read the SQL of the versions about to run (and verify it once more). */
static int load_sql(Ctx *c, const Migration **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (migset_load_sql(&c->set.v[list[i] - c->set.v]) != 0) {
            out_fail(c, "Migration %s cannot be applied: %s", list[i]->version, list[i]->problem);
            return -1;
        }
    return 0;
}

/* ---- commands ---------------------------------------------------------------------------- */

static int cmd_migrate(Ctx *c)
{
    out_say(c, "%sRunning pending migrations...%s\n", out_col(c->o, CYAN), out_col(c->o, RESET));
    int bad = check_applied(c, false);
    if (bad) {
        out_fail(c, "%d applied migration(s) of domain %s changed or vanished on disk; restore "
                    "them (see '%s status -s %s') before migrating",
                 bad, c->set.domain, c->o->prog, c->set.domain);
        return 1;
    }
    const char *newest = ledger_napplied(c) ? ledger_value(c, ledger_napplied(c) - 1, 0) : NULL;
    const Migration **pending = xcalloc(c->set.n + 1, sizeof *pending);
    size_t np = 0;
    int rc = 1;
    for (size_t i = 0; i < c->set.n; i++) {
        const Migration *m = &c->set.v[i];
        if (ledger_is_applied(c, m->version))
            continue;
        if (m->problem) {
            out_fail(c, "Migration %s cannot be applied: %s", m->version, m->problem);
            goto out;
        }
        if (newest && migdir_version_cmp(m->version, newest) < 0 && !c->o->allow_out_of_order) {
            out_fail(c, "pending migration %s is older than the newest applied one (%s); apply "
                        "it anyway with --allow-out-of-order",
                     m->version, newest);
            goto out;
        }
        pending[np++] = m;
    }
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    if (np == 0) {
        out_say(c, "Nothing to migrate. All migrations are up to date.\n");
        rc = 0;
        goto out;
    }
    long batch = ledger_max_batch(c) + 1;
    json_object_set_new(c->out, "batch", json_integer(batch));
    if (load_sql(c, pending, np) != 0 || apply_batch(c, pending, np, batch, done, false) != 0)
        goto out;
    out_say(c, "\n%sApplied %zu migration(s) in batch %ld:%s\n", out_col(c->o, GREEN), np, batch,
        out_col(c->o, RESET));
    for (size_t i = 0; i < np; i++)
        out_say(c, "  - %s\n", pending[i]->version);
    rc = 0;
out:
    free(pending);
    return rc;
}

static int cmd_rollback(Ctx *c)
{
    long last = ledger_max_batch(c), batch = c->o->batch ? c->o->batch : last;
    if (c->o->step)
        out_say(c, "%sRolling back last %ld migration(s)...%s\n", out_col(c->o, CYAN), c->o->step,
            out_col(c->o, RESET));
    else if (batch)
        out_say(c, "%sRolling back batch %ld...%s\n", out_col(c->o, CYAN), batch, out_col(c->o, RESET));
    else
        out_say(c, "%sRolling back last batch...%s\n", out_col(c->o, CYAN), out_col(c->o, RESET));
    json_t *done = json_array();
    json_object_set_new(c->out, "rolledBack", done);
    if (c->o->batch && batch != last && last != 0 && !c->o->force && batch < last) {
        out_fail(c, "batch %ld is not the latest batch (%ld); rolling it back would leave later "
                    "batches on top of it: use --force to do it anyway",
                 batch, last);
        return 1;
    }
    /* targets: newest first */
    const Migration **list = xcalloc((size_t)ledger_napplied(c) + 1, sizeof *list);
    size_t n = 0;
    int rc = 1;
    for (int i = ledger_napplied(c) - 1; i >= 0; i--) {
        long b = strtol(ledger_value(c, i, 1), NULL, 10);
        if (!c->o->step && b != batch)
            continue;
        if (c->o->step && n >= (size_t)c->o->step)
            break;
        const char *v = ledger_value(c, i, 0);
        if (checkpoint_refuse_rollback(c, v))
            goto out;
        const Migration *m = migset_find(&c->set, v);
        if (!m) {
            out_fail(c, "cannot roll back %s: its directory %s/%s is missing", v, c->set.root, v);
            goto out;
        }
        if (m->problem) {
            out_fail(c, "cannot roll back %s: %s", v, m->problem);
            goto out;
        }
        if (strcmp(m->checksum, ledger_value(c, i, 2)) != 0 && !c->o->force) {
            out_fail(c, "cannot roll back %s: it was modified since it was applied (manifest "
                        "checksum differs); use --force to run its current down files",
                     v);
            goto out;
        }
        list[n++] = m;
    }
    if (c->o->step) { /* --step can span batches: order newest batch, newest version first */
        /* applied is ordered by version; a later batch always holds newer versions unless
         * --allow-out-of-order was used, in which case version order is still the safe one */
    }
    if (n == 0) {
        out_say(c, "Nothing to rollback.\n");
        rc = 0;
        goto out;
    }
    if (!c->o->step)
        json_object_set_new(c->out, "batch", json_integer(batch));
    if (load_sql(c, list, n) != 0 || apply_revert(c, list, n, done) != 0)
        goto out;
    if (c->o->step)
        out_say(c, "\n%sRolled back %zu migration(s):%s\n", out_col(c->o, GREEN), n, out_col(c->o, RESET));
    else
        out_say(c, "\n%sRolled back %zu migration(s) from batch %ld:%s\n", out_col(c->o, GREEN), n, batch,
            out_col(c->o, RESET));
    for (size_t i = 0; i < n; i++)
        out_say(c, "  - %s\n", list[i]->version);
    rc = 0;
out:
    free(list);
    return rc;
}

static bool confirm_fresh(Ctx *c)
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

static int cmd_fresh(Ctx *c)
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
    c->have_table = false;
    const Migration **list = xcalloc(c->set.n + 1, sizeof *list);
    for (size_t i = 0; i < c->set.n; i++)
        list[i] = &c->set.v[i];
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    json_object_set_new(c->out, "batch", json_integer(1));
    int rc = 1;
    /* the drop and the whole re-apply commit together */
    if (apply_batch(c, list, c->set.n, 1, done, true) != 0)
        goto out;
    out_say(c, "\n%sApplied %zu migration(s) in batch 1:%s\n", out_col(c->o, GREEN), c->set.n,
        out_col(c->o, RESET));
    for (size_t i = 0; i < c->set.n; i++)
        out_say(c, "  - %s\n", c->set.v[i].version);
    rc = 0;
out:
    free(list);
    return rc;
}

static const char *state_name(const Migration *m, const char *applied_ck)
{
    if (!applied_ck)
        return m->problem ? "invalid" : "pending";
    if (!m)
        return "missing";
    if (m->problem || strcmp(m->checksum, applied_ck) != 0)
        return "modified";
    return "applied";
}

/* Drift warning of status: when the newest applied version is intact on disk and has a
 * snapshot.json, compare the live schema with it (adopt_snapshot_drift). Never fails the
 * command: a check that cannot run is a warning. JSON: "drift" is null when not checked, else
 * {"version", "drifted", "differences"} (or "error"). */
static void status_drift(Ctx *c)
{
    int na = ledger_napplied(c);
    const Migration *m = na ? migset_find(&c->set, ledger_value(c, na - 1, 0)) : NULL;
    json_object_set_new(c->out, "drift", json_null());
    if (c->o->no_drift_check || !m || m->problem || strcmp(m->checksum, ledger_value(c, na - 1, 2)))
        return;
    StrBuf diffs = SB_INIT, err = SB_INIT;
    size_t n = 0;
    const char *cache = access(".strav", W_OK) == 0 ? ".strav" : NULL;
    int rc = adopt_snapshot_drift(c->conn, m->dir, c->schema, cache, &diffs, &n, &err);
    if (rc == 2)
        goto out;
    json_t *j = json_object();
    json_object_set_new(j, "version", json_string(m->version));
    json_object_set_new(c->out, "drift", j);
    if (rc < 0) {
        json_object_set_new(j, "error", json_string(sb_str(&err)));
        if (!c->o->json)
            printf("\n%sWarning:%s the drift check against migration %s failed: %s\n",
                   out_col(c->o, YELLOW), out_col(c->o, RESET), m->version, sb_str(&err));
        goto out;
    }
    json_object_set_new(j, "drifted", json_boolean(rc == 1));
    json_t *arr = json_array();
    json_object_set_new(j, "differences", arr);
    if (rc == 0)
        goto out;
    if (!c->o->json)
        printf("\n%sWarning:%s the database schema has drifted from the snapshot of migration %s; "
               "%zu change(s) would bring it back:\n",
               out_col(c->o, YELLOW), out_col(c->o, RESET), m->version, n);
    for (const char *p = diffs.buf; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, len));
        if (!c->o->json)
            printf("  - %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    if (!c->o->json)
        printf("Run '%s --snapshot -s %s' for the plan that brings it back.\n",
               strcmp(c->o->prog, "strav-run") ? "strav db:drift" : "strav-run drift",
               c->set.domain);
out:
    sb_release(&diffs);
    sb_release(&err);
}

static int cmd_status(Ctx *c)
{
    json_t *arr = json_array();
    json_object_set_new(c->out, "migrations", arr);
    if (!c->o->json) {
        printf("Migration status for domain %s (schema %s, table %s):\n\n", c->set.domain,
               c->schema, c->table);
        printf("  %-15s %-9s %-6s %-21s %s\n", "Version", "State", "Batch", "Applied at",
               "Message");
    }
    int counts[5] = { 0 }; /* applied, pending, modified, missing, invalid */
    size_t i = 0;
    int j = 0, na = ledger_napplied(c);
    StrBuf notes = SB_INIT;
    while (i < c->set.n || j < na) {
        const Migration *m = NULL;
        int row = -1;
        int k = (i >= c->set.n) ? 1 : (j >= na) ? -1
                                                : migdir_version_cmp(c->set.v[i].version,
                                                              ledger_value(c, j, 0));
        if (k <= 0)
            m = &c->set.v[i++];
        if (k >= 0)
            row = j++;
        const char *st = state_name(m, row >= 0 ? ledger_value(c, row, 2) : NULL);
        const char *version = m ? m->version : ledger_value(c, row, 0);
        const char *msg = row >= 0 ? ledger_value(c, row, 4) : m->message;
        const char *batch = row >= 0 ? ledger_value(c, row, 1) : "-";
        char atbuf[32];
        const char *at = row >= 0 ? ledger_applied_at(c, row, atbuf) : "-";
        int idx = !strcmp(st, "applied") ? 0 : !strcmp(st, "pending") ? 1
                                           : !strcmp(st, "modified")  ? 2
                                           : !strcmp(st, "missing")   ? 3
                                                                      : 4;
        counts[idx]++;
        if (c->o->json) {
            json_t *o = json_object();
            json_object_set_new(o, "version", json_string(version));
            json_object_set_new(o, "state", json_string(st));
            json_object_set_new(o, "message", json_string(msg));
            json_object_set_new(o, "batch", row >= 0 ? json_integer(strtol(batch, NULL, 10))
                                                     : json_null());
            json_object_set_new(o, "appliedAt", row >= 0 ? json_string(at) : json_null());
            if (m && m->problem)
                json_object_set_new(o, "problem", json_string(m->problem));
            json_array_append_new(arr, o);
        } else {
            const char *sc = idx == 0 ? GREEN : idx == 1 ? YELLOW : RED;
            printf("  %-15s %s%-9s%s %-6s %-21s %s\n", version, out_col(c->o, sc), st,
                   out_col(c->o, RESET), batch, at, msg);
            if (m && m->problem)
                sb_addf(&notes, "  %s: %s\n", m->version, m->problem);
        }
    }
    if (!c->o->json) {
        if (i == 0 && na == 0)
            printf("  (no migrations)\n");
        printf("\n%d applied, %d pending, %d modified, %d missing", counts[0], counts[1],
               counts[2], counts[3]);
        if (counts[4])
            printf(", %d invalid", counts[4]);
        printf("\n");
        if (notes.len)
            printf("\nProblems:\n%s", notes.buf);
    }
    sb_release(&notes);
    checkpoint_status(c);
    status_drift(c);
    return (counts[2] || counts[3] || counts[4]) ? 1 : 0;
}

/* .strav/verified-<domain> when .strav/ exists in the current directory (the project's own
 * state directory); no cache otherwise. */
static char *verify_cache_path(const char *domain)
{
    if (access(".strav", W_OK) != 0)
        return NULL;
    StrBuf sb = SB_INIT;
    sb_addf(&sb, ".strav/verified-%s", domain);
    return sb_detach(&sb);
}

/* ---- driver ------------------------------------------------------------------------------ */

static const char *cmd_name(RunCmd cmd)
{
    static const char *const names[] = { "migrate", "rollback", "fresh", "status", "stop", "url" };
    return names[cmd];
}

static int run_plain(const Opts *o)
{
    StrBuf msg = SB_INIT, err = SB_INIT;
    int rc;
    if (o->cmd == CMD_STOP)
        rc = embedded_stop(&msg, &err);
    else
        rc = embedded_ensure(&msg, &err);
    if (rc != 0)
        fprintf(stderr, "Error: %s\n", sb_str(&err));
    else if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "command", json_string(cmd_name(o->cmd)));
        json_object_set_new(j, o->cmd == CMD_STOP ? "message" : "conninfo", json_string(msg.buf));
        char *s = json_dumps(j, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
        json_decref(j);
    } else
        printf("%s\n", sb_str(&msg));
    sb_release(&msg);
    sb_release(&err);
    return rc == 0 ? 0 : 1;
}

/* Connect, take the domain's lock (not for status) and read the tracking table; the result
 * goes to c->db_rc. Runs on its own thread while runner_run verifies the directories. */
static void *db_prepare(void *arg)
{
    Ctx *c = arg;
    c->db_rc = -1;
    if (ledger_connect(c) != 0)
        return NULL;
    pg_quote_ident(c->conn, &c->qschema, c->schema);
    sb_addf(&c->qtable, "%s.", c->qschema.buf);
    pg_quote_ident(c->conn, &c->qtable, c->table);
    if (c->o->cmd != CMD_STATUS && ledger_lock(c) != 0)
        return NULL;
    if (ledger_read(c) != 0)
        return NULL;
    c->db_rc = 0;
    return NULL;
}

static int run_command(Ctx *c)
{
    switch (c->o->cmd) {
    case CMD_MIGRATE:
        return cmd_migrate(c);
    case CMD_ROLLBACK:
        return cmd_rollback(c);
    case CMD_FRESH:
        return cmd_fresh(c);
    case CMD_STATUS:
        return cmd_status(c);
    default:
        BUG("unexpected command %d", (int)c->o->cmd);
    }
}

/* The tenant schemas of a per-tenant domain: {"pattern": "tenant_%"} (schemas LIKE it) or
 * {"query": "SELECT ..."} (first column). Returns a NULL-terminated list or NULL on error. */
static char **list_tenants(Ctx *c, const char *spec)
{
    json_error_t jerr;
    json_t *j = json_loads(spec, 0, &jerr);
    const char *pattern = json_string_value(json_object_get(j, "pattern"));
    const char *query = json_string_value(json_object_get(j, "query"));
    char **list = NULL;
    PgResult *r = NULL;
    PgError e = PG_ERROR_INIT;
    if (!pattern && !query) {
        out_fail(c, "manifest \"tenants\" must be null, {\"pattern\": ...} or {\"query\": ...}");
        goto out;
    }
    int qrc;
    if (pattern) {
        const char *p[] = { pattern };
        qrc = pg_query(c->conn, &r,
                       "SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname LIKE $1 "
                       "ORDER BY 1",
                       1, p, &e);
    } else {
        /* the query is part of the migration, as trusted as its SQL files */
        qrc = pg_query(c->conn, &r, query, 0, NULL, &e);
    }
    if (qrc != 0) {
        out_pg_error(c, &e, "cannot list the tenant schemas");
        goto out;
    }
    list = xcalloc((size_t)pg_nrows(r) + 1, sizeof *list);
    for (int i = 0; i < pg_nrows(r); i++)
        list[i] = xstrdup(pg_value(r, i, 0));
out:
    pg_result_free(r);
    pg_error_release(&e);
    json_decref(j);
    return list;
}

/* One tenant: connect, lock, read its tracking table and run the command with schema = the
 * tenant; res (a JSON object) gets the command's result. Returns 0 or 1. */
static int run_one_tenant(const Ctx *c, char *schema, json_t *res)
{
    Ctx tc = *c;
    tc.schema = schema; /* not freed: the tenant list owns it */
    tc.conn = NULL;
    tc.applied = NULL;
    tc.order = NULL;
    tc.qschema = (StrBuf)SB_INIT;
    tc.qtable = (StrBuf)SB_INIT;
    tc.out = res;
    json_object_set_new(tc.out, "schema", json_string(schema));
    db_prepare(&tc);
    int trc = tc.db_rc == 0 ? run_command(&tc) : 1;
    json_object_set_new(tc.out, "ok", json_boolean(trc == 0));
    pg_result_free(tc.applied);
    free(tc.order);
    pg_close(tc.conn);
    sb_release(&tc.qschema);
    sb_release(&tc.qtable);
    return trc == 0 ? 0 : 1;
}

/* A tenant run in a worker process: its stdout, stderr and JSON result go to three temporary
 * files that the parent prints (or reads) in tenant order once the worker is done. */
typedef struct TenantJob {
    char *schema;
    pid_t pid;             /* 0 until started */
    FILE *out, *err, *res; /* tmpfile()s; NULL after they were printed */
    int wstatus;           /* waitpid status */
    bool done;             /* reaped */
} TenantJob;

static void copy_stream(FILE *from, FILE *to)
{
    char buf[8192];
    size_t n;
    rewind(from);
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        fwrite(buf, 1, n, to);
    fflush(to);
}

static NORETURN void tenant_child(const Ctx *c, TenantJob *j)
{
    if (dup2(fileno(j->out), 1) < 0 || dup2(fileno(j->err), 2) < 0)
        _exit(1);
    json_t *res = json_object();
    int rc = run_one_tenant(c, j->schema, res);
    fflush(stdout);
    fflush(stderr);
    json_dumpf(res, j->res, JSON_COMPACT);
    fflush(j->res);
    _exit(rc);
}

/* Print job j's captured output and append its result to arr; 0 ok, 1 failed. */
static int tenant_collect(Ctx *c, TenantJob *j, json_t *arr)
{
    out_say(c, "%sTenant %s:%s\n", out_col(c->o, CYAN), j->schema, out_col(c->o, RESET));
    fflush(stdout);
    copy_stream(j->out, stdout);
    copy_stream(j->err, stderr);
    rewind(j->res);
    json_t *res = json_loadf(j->res, 0, NULL);
    int rc = WIFEXITED(j->wstatus) ? WEXITSTATUS(j->wstatus) : 1;
    if (!res || !WIFEXITED(j->wstatus)) {
        json_decref(res);
        res = json_object();
        json_object_set_new(res, "schema", json_string(j->schema));
        json_object_set_new(res, "ok", json_false());
        Ctx ec = *c;
        ec.out = res;
        if (WIFSIGNALED(j->wstatus))
            out_fail(&ec, "the worker for tenant %s died (signal %d); its transaction was "
                          "rolled back by the server", j->schema, WTERMSIG(j->wstatus));
        else
            out_fail(&ec, "the worker for tenant %s gave no result", j->schema);
        rc = 1;
    }
    json_array_append_new(arr, res);
    out_say(c, "\n");
    fflush(stdout);
    fclose(j->out);
    fclose(j->err);
    fclose(j->res);
    j->out = j->err = j->res = NULL;
    return rc ? 1 : 0;
}

/* Run the tenants n at a time in worker processes (one connection each); print results in
 * tenant order as soon as every earlier tenant is done. Returns how many failed. */
static int run_tenants_parallel(Ctx *c, char **tenants, size_t n, size_t jobs, json_t *arr)
{
    TenantJob *js = xcalloc(n, sizeof *js);
    size_t next = 0, printed = 0, running = 0;
    int failed = 0;
    while (printed < n) {
        while (running < jobs && next < n) {
            TenantJob *j = &js[next++];
            j->schema = tenants[next - 1];
            j->out = tmpfile();
            j->err = tmpfile();
            j->res = tmpfile();
            fflush(NULL); /* nothing buffered may be written twice */
            if (!j->out || !j->err || !j->res || (j->pid = fork()) < 0) {
                j->pid = 0;
                j->done = true;
                j->wstatus = 1 << 8; /* exit status 1 */
                if (j->out)
                    fprintf(j->err ? j->err : stderr, "Error: cannot start a worker for "
                            "tenant %s: %s\n", j->schema, strerror(errno));
                if (!j->out)
                    j->out = tmpfile();
                continue;
            }
            if (j->pid == 0)
                tenant_child(c, j);
            running++;
        }
        while (printed < n && js[printed].done) {
            if (js[printed].out && js[printed].err && js[printed].res)
                failed += tenant_collect(c, &js[printed], arr);
            else
                failed++;
            printed++;
        }
        if (printed == n)
            break;
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            BUG("waitpid: %s", strerror(errno));
        }
        for (size_t i = 0; i < next; i++)
            if (js[i].pid == pid && !js[i].done) {
                js[i].done = true;
                js[i].wstatus = st;
                running--;
            }
    }
    free(js);
    return failed;
}

/* A per-tenant domain: the command runs for every tenant schema, each with its own tracking
 * table, lock and result; one tenant's failure does not stop the others (exit 1 at the end).
 * With --jobs N > 1 (default: up to 4) tenants run in worker processes, output in name order. */
static int run_tenants(Ctx *c, const char *spec, MigScan *scan)
{
    StrBuf err = SB_INIT, t = SB_INIT;
    int rc = 1;
    char **tenants = NULL;
    c->table = xstrdup(ledger_table_name(&t, c->o->scope));
    sb_release(&t);
    char *cache = verify_cache_path(c->o->scope);
    int lrc = migset_load_scanned(&c->set, scan, c->o->migrations_root, c->o->scope, cache, &err);
    free(cache);
    if (lrc != 0) {
        out_fail(c, "%s", sb_str(&err));
        goto out;
    }
    if (ledger_connect(c) != 0 || !(tenants = list_tenants(c, spec)))
        goto out;
    pg_close(c->conn);
    c->conn = NULL;
    json_t *arr = json_array();
    json_object_set_new(c->out, "tenants", arr);
    if (!tenants[0])
        out_say(c, "No tenant schemas for domain %s (%s).\n", c->o->scope, spec);
    if (c->o->cmd == CMD_FRESH && tenants[0] && !confirm_fresh(c))
        goto out;
    size_t n = 0;
    while (tenants[n])
        n++;
    size_t jobs = c->o->jobs ? (size_t)c->o->jobs : 4;
    if (jobs > n)
        jobs = n;
    int failed = 0;
    if (jobs > 1) {
        failed = run_tenants_parallel(c, tenants, n, jobs, arr);
    } else {
        for (size_t i = 0; i < n; i++) {
            out_say(c, "%sTenant %s:%s\n", out_col(c->o, CYAN), tenants[i], out_col(c->o, RESET));
            json_t *res = json_object();
            failed += run_one_tenant(c, tenants[i], res);
            json_array_append_new(arr, res);
            out_say(c, "\n");
        }
    }
    if (failed) {
        out_fail(c, "%d of the domain's tenant schemas failed (the others are done)", failed);
        goto out;
    }
    rc = 0;
out:
    if (tenants) {
        for (char **tn = tenants; *tn; tn++)
            free(*tn);
        free(tenants);
    }
    sb_release(&err);
    return rc;
}

int runner_run(const char *prog, RunCmd cmd, int argc, char **argv)
{
    Opts o = { 0 };
    o.cmd = cmd;
    o.prog = prog;
    o.scope = "public";
    o.migrations_root = "database/migrations";
    o.schemas_root = "database/schemas";
    const char *nc = getenv("NO_COLOR");
    o.color = isatty(1) && isatty(2) && !(nc && *nc);
    int prc = parse_opts(&o, argc, argv);
    if (prc >= 0)
        return prc;
    if (cmd == CMD_STOP || cmd == CMD_URL)
        return run_plain(&o);

    Ctx c = { 0 };
    c.o = &o;
    c.out = json_object();
    json_object_set_new(c.out, "command", json_string(cmd_name(cmd)));
    json_object_set_new(c.out, "domain", json_string(o.scope));
    int rc = 1;
    StrBuf err = SB_INIT;
    MigScan scan = { 0 };
    if (runner_check_scope(o.scope, o.migrations_root, o.schemas_root) != 0) {
        json_object_set_new(c.out, "error", json_string("invalid domain"));
        goto out;
    }
    /* the newest manifest's schema and tenants are the ones in force */
    char *tenants = NULL;
    migset_scan(&scan, o.migrations_root, o.scope);
    c.schema = migset_newest_schema(o.migrations_root, o.scope, &scan, &tenants);
    if (tenants) {
        rc = run_tenants(&c, tenants, &scan);
        free(tenants);
        goto out;
    }
    if (!c.schema)
        c.schema = xstrdup(o.scope);
    StrBuf t = SB_INIT;
    ledger_table_name(&t, o.scope);
    c.table = sb_detach(&t);
    json_object_set_new(c.out, "schema", json_string(c.schema));
    if (cmd == CMD_FRESH && !confirm_fresh(&c))
        goto out;
    /* connect, lock and read the tracking table while the directories are verified: the two
     * are independent until the command compares them, and nothing runs before both are done */
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, db_prepare, &c) == 0;
    if (!threaded)
        db_prepare(&c);
    char *cache = verify_cache_path(o.scope);
    int lrc = migset_load_scanned(&c.set, &scan, o.migrations_root, o.scope, cache, &err);
    free(cache);
    if (threaded)
        pthread_join(th, NULL);
    if (lrc != 0) {
        out_fail(&c, "%s", sb_str(&err));
        goto out;
    }
    if (c.db_rc != 0 || checkpoint_resolve(&c) != 0)
        goto out;
    rc = run_command(&c);
out:
    if (o.json) {
        json_object_set_new(c.out, "ok", json_boolean(rc == 0));
        char *s = json_dumps(c.out, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    }
    json_decref(c.out);
    pg_result_free(c.applied);
    free(c.order);
    pg_close(c.conn);
    migset_release(&c.set);
    checkpoint_release(&c.cp);
    migset_scan_release(&scan);
    free(c.schema);
    free(c.table);
    sb_release(&c.qschema);
    sb_release(&c.qtable);
    sb_release(&err);
    return rc;
}
