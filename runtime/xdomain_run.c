/*
 * xdomain_run.c - the checks of xdomain_run.h. A domain's tracking tables are found by name
 * in the catalog (_strav_<domain>_migrations, _strav_migrations for public), in whatever schema
 * they are: a shared domain has one, a per-tenant domain one per tenant schema. "Migrated that
 * far" is a row with that version or a newer one, applied or baselined (a squash may have
 * replaced the exact version with a newer checkpoint).
 */
#include "xdomain_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "ledger.h"
#include "migdir.h"

static const char q_tables[] =
    "SELECT n.nspname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1";

/* The schemas holding domain's tracking table (a NULL-terminated list), or NULL on error. */
static char **ledger_schemas(Ctx *c, const char *domain)
{
    StrBuf t = SB_INIT;
    ledger_table_name(&t, domain);
    const char *p[] = { t.buf };
    PgResult *r = NULL;
    PgError e = PG_ERROR_INIT;
    int rc = pg_query(c->conn, &r, q_tables, 1, p, &e);
    sb_release(&t);
    if (rc != 0) {
        out_pg_error(c, &e, "cannot look up the other domains' tracking tables");
        pg_error_release(&e);
        pg_result_free(r);
        return NULL;
    }
    int n = pg_nrows(r);
    char **v = xcalloc((size_t)n + 1, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = xstrdup(pg_value(r, i, 0));
    pg_result_free(r);
    return v;
}

static void free_list(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

/* The first schema (of domain's tracking tables) with a row for version (newer: or a newer
 * version, applied or baselined), as a new string; NULL when none; *err on a query error. */
static char *find_row(Ctx *c, const char *domain, const char *version, bool newer, bool *err)
{
    char **schemas = ledger_schemas(c, domain);
    *err = schemas == NULL;
    char *found = NULL;
    StrBuf t = SB_INIT, q = SB_INIT;
    ledger_table_name(&t, domain);
    for (char **s = schemas; s && *s && !found && !*err; s++) {
        sb_reset(&q);
        sb_adds(&q, "SELECT 1 FROM ");
        pg_quote_ident(c->conn, &q, *s);
        sb_addch(&q, '.');
        pg_quote_ident(c->conn, &q, t.buf);
        if (newer)
            sb_adds(&q, " l WHERE (length(l.version) > length($1) OR (length(l.version) = "
                        "length($1) AND l.version >= $1)) AND coalesce(to_jsonb(l)->>'state', "
                        "'applied') IN ('applied', 'baselined') LIMIT 1");
        else
            sb_adds(&q, " l WHERE l.version = $1 LIMIT 1");
        const char *p[] = { version };
        PgResult *r = NULL;
        PgError e = PG_ERROR_INIT;
        if (pg_query(c->conn, &r, q.buf, 1, p, &e) != 0) {
            out_pg_error(c, &e, "cannot read another domain's tracking table");
            pg_error_release(&e);
            *err = true;
        } else if (pg_nrows(r) > 0) {
            found = xstrdup(*s);
        }
        pg_result_free(r);
    }
    sb_release(&t);
    sb_release(&q);
    free_list(schemas);
    return found;
}

/* The manifest's "uses" object of a version directory (a new reference), or NULL. */
static json_t *uses_of(const char *dir)
{
    char *path = xmalloc(strlen(dir) + 16);
    sprintf(path, "%s/manifest.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    free(path);
    json_t *u = j ? json_object_get(j, "uses") : NULL;
    if (u && json_is_object(u))
        json_incref(u);
    else
        u = NULL;
    json_decref(j);
    return u;
}

int xdomain_refuse_migrate(Ctx *c, const Migration *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *u = uses_of(list[i]->dir);
        const char *dom;
        json_t *val;
        int bad = 0;
        json_object_foreach(u, dom, val)
        {
            const char *w = json_string_value(val);
            if (!w || !migdir_version_name(w))
                continue;
            bool err;
            char *s = find_row(c, dom, w, true, &err);
            if (err) {
                bad = 1;
            } else if (!s) {
                out_fail(c, "migration %s of domain %s was generated against migration %s of "
                            "domain %s, which is not applied here: migrate %s first ('%s "
                            "migrate -s %s'), or every domain in order with '%s migrate "
                            "--all-domains'",
                         list[i]->version, c->set.domain, w, dom, dom, c->o->prog, dom,
                         c->o->prog);
                bad = 1;
            }
            free(s);
            if (bad)
                break;
        }
        json_decref(u);
        if (bad)
            return 1;
    }
    return 0;
}

int xdomain_refuse_rollback(Ctx *c, const Migration *const *list, size_t n)
{
    if (n == 0)
        return 0;
    const char *oldest = list[0]->version;
    for (size_t i = 1; i < n; i++)
        if (migdir_version_cmp(list[i]->version, oldest) < 0)
            oldest = list[i]->version;
    char **doms = domains_discover(c->o->migrations_root, c->o->schemas_root);
    int rc = 0;
    for (char **d = doms; *d && !rc; d++) {
        if (!strcmp(*d, c->set.domain))
            continue;
        MigScan scan = { 0 };
        migset_scan(&scan, c->o->migrations_root, *d);
        for (size_t k = scan.n; k-- > 0 && !rc;) { /* newest first */
            char *dir = xmalloc(strlen(c->o->migrations_root) + strlen(*d) +
                                strlen(scan.names[k]) + 3);
            sprintf(dir, "%s/%s/%s", c->o->migrations_root, *d, scan.names[k]);
            json_t *u = uses_of(dir);
            free(dir);
            const char *w = json_string_value(json_object_get(u, c->set.domain));
            if (w && migdir_version_name(w) && migdir_version_cmp(w, oldest) >= 0) {
                bool err;
                char *s = find_row(c, *d, scan.names[k], false, &err);
                if (err)
                    rc = 1;
                else if (s) {
                    out_fail(c, "cannot roll back migration %s of domain %s: the applied "
                                "migration %s of domain %s (schema %s) was generated against "
                                "domain %s at %s; roll back %s first ('%s rollback -s %s'), or "
                                "every domain in order with '%s rollback --all-domains'",
                             oldest, c->set.domain, scan.names[k], *d, s, c->set.domain, w, *d,
                             c->o->prog, *d, c->o->prog);
                    rc = 1;
                }
                free(s);
            }
            json_decref(u);
        }
        migset_scan_release(&scan);
    }
    domains_free(doms);
    return rc;
}

/* ---- --all-domains ------------------------------------------------------------------------ */

static const char *win_lo, *win_hi; /* the stretch being run, NULL: no window */

bool xdomain_in_window(const char *version)
{
    return !win_lo || (migdir_version_cmp(version, win_lo) >= 0 &&
                       migdir_version_cmp(version, win_hi) <= 0);
}

bool xdomain_all_wanted(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--all-domains"))
            return true;
    return false;
}

typedef struct Ver {
    const char *version;
    size_t dom;
} Ver;

static int cmp_ver(const void *a, const void *b)
{
    const Ver *x = a, *y = b;
    int c = migdir_version_cmp(x->version, y->version);
    return c ? c : (x->dom > y->dom) - (x->dom < y->dom);
}

/* The value of option name (--name VALUE or --name=VALUE) in argv, or dflt. */
static const char *opt_value(int argc, char **argv, const char *name, const char *dflt)
{
    size_t l = strlen(name);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], name) && i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], name, l) && argv[i][l] == '=')
            return argv[i] + l + 1;
    }
    return dflt;
}

int xdomain_run_all(const char *prog, const char *word, RunCmd cmd, int argc, char **argv)
{
    if (cmd != CMD_MIGRATE && cmd != CMD_ROLLBACK)
        return cmd_usage_error(word, "--all-domains is for migrate and rollback");
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--scope") ||
            !strncmp(argv[i], "--scope=", 8) || !strcmp(argv[i], "--batch") ||
            !strncmp(argv[i], "--batch=", 8) || !strcmp(argv[i], "--step") ||
            !strncmp(argv[i], "--step=", 7))
            return cmd_usage_error(word, "--all-domains acts on every domain: it takes neither "
                                         "-s, --batch nor --step");
    const char *mroot = opt_value(argc, argv, "--migrations", "database/migrations");
    const char *sroot = opt_value(argc, argv, "--schemas", "database/schemas");
    char **doms = domains_discover(mroot, sroot);
    size_t nd = 0, nv = 0, cap = 64;
    while (doms[nd])
        nd++;
    Ver *v = xmalloc(cap * sizeof *v);
    MigScan *scans = xcalloc(nd + 1, sizeof *scans);
    bool *related = xcalloc(nd + 1, sizeof *related);
    for (size_t d = 0; d < nd; d++) {
        migset_scan(&scans[d], mroot, doms[d]);
        for (size_t k = 0; k < scans[d].n; k++) {
            if (nv == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[nv++] = (Ver){ scans[d].names[k], d };
            char *dir = xmalloc(strlen(mroot) + strlen(doms[d]) + strlen(scans[d].names[k]) + 3);
            sprintf(dir, "%s/%s/%s", mroot, doms[d], scans[d].names[k]);
            json_t *u = uses_of(dir);
            free(dir);
            const char *key;
            json_t *val;
            json_object_foreach(u, key, val)
            {
                for (size_t e = 0; e < nd; e++)
                    if (!strcmp(doms[e], key))
                        related[e] = related[d] = true;
            }
            json_decref(u);
        }
    }
    qsort(v, nv, sizeof *v, cmp_ver);
    /* the runs: a domain that uses none and is used by none runs once, in discovery order;
     * the related ones run in stretches of consecutive versions of one domain */
    int argc2 = 0;
    char **argv2 = xcalloc((size_t)argc + 3, sizeof *argv2);
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--all-domains"))
            argv2[argc2++] = argv[i];
    static char dash_s[] = "-s";
    argv2[argc2] = dash_s;
    int rc = 0;
    const bool down = cmd == CMD_ROLLBACK;
    bool quiet = false; /* --json: the runs' documents only, no headers */
    for (int i = 0; i < argc; i++)
        quiet |= !strcmp(argv[i], "--json");
    if (quiet)
        runner_json_runs = json_array();
    for (int pass = 0; pass < 2 && !rc; pass++) {
        bool loose_pass = pass == (down ? 1 : 0); /* unrelated ones first on migrate */
        if (loose_pass) {
            for (size_t d = 0; d < nd && !rc; d++) {
                if (related[d])
                    continue;
                if (!quiet)
                    printf("Domain %s:\n", doms[d]);
                fflush(stdout);
                argv2[argc2 + 1] = doms[d];
                rc = runner_run(prog, word, cmd, argc2 + 2, argv2);
            }
            continue;
        }
        for (size_t k0 = 0; k0 < nv && !rc;) {
            size_t i0 = down ? nv - 1 - k0 : k0, d = v[i0].dom, k1 = k0;
            while (k1 < nv && v[down ? nv - 1 - k1 : k1].dom == d)
                k1++;
            if (related[d]) {
                const char *a = v[i0].version, *b = v[down ? nv - k1 : k1 - 1].version;
                win_lo = down ? b : a;
                win_hi = down ? a : b;
                if (!quiet)
                    printf("Domain %s (%s%s%s):\n", doms[d], win_lo,
                       strcmp(win_lo, win_hi) ? " to " : "", strcmp(win_lo, win_hi) ? win_hi : "");
                fflush(stdout);
                argv2[argc2 + 1] = doms[d];
                rc = runner_run(prog, word, cmd, argc2 + 2, argv2);
                win_lo = win_hi = NULL;
            }
            k0 = k1;
        }
    }
    if (quiet) { /* one object (docs/cli.md, "--json"): the runs' documents in order */
        json_t *all = json_object();
        json_object_set_new(all, "command", json_string(cmd_name(cmd)));
        json_object_set_new(all, "allDomains", json_true());
        json_object_set_new(all, "runs", runner_json_runs);
        json_object_set_new(all, "ok", json_boolean(rc == 0));
        runner_json_runs = NULL;
        if (rc != 2) { /* a usage error prints no object */
            char *s = json_dumps(all, JSON_INDENT(2));
            printf("%s\n", s);
            free(s);
        }
        json_decref(all);
    }
    free(argv2);
    for (size_t d = 0; d < nd; d++)
        migset_scan_release(&scans[d]);
    free(scans);
    free(related);
    free(v);
    domains_free(doms);
    return rc;
}
