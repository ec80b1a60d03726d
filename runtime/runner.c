/*
 * runner.c - the driver of the commands migrate, rollback, fresh and status for one domain
 * (or, through fanout.c, each tenant schema; see runner.h). Order of work: parse options
 * (opts.c), check the domain, then in parallel verify the migration directories and connect,
 * take the domain's session advisory lock and read the tracking table (ledger.c); then the
 * command (cmd_*.c) checks integrity and runs its steps (apply.c). Nothing runs before every
 * check passed.
 */
#include "runner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "embedded.h"
#include "fleet.h"
#include "migdir.h"
#include "progress.h"
#include "runctx.h"
#include "xdomain_run.h"

json_t *runner_json_runs;

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
int check_applied(Ctx *c, bool quiet)
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
        } else if (m->problem || ledger_checksum_differs(c, i, m->checksum)) {
            if (!quiet)
                fprintf(stderr, "error: applied migration %s was modified since it was applied%s%s\n",
                        v, m->problem ? ": " : " (manifest checksum differs)",
                        m->problem ? m->problem : "");
            bad++;
        }
    }
    return bad;
}

/* Read the SQL of the versions about to run (and verify it once more). Going up, a version
 * holding SQL its manifest does not list is refused: it would be recorded as applied without
 * it. */
int load_sql(Ctx *c, const Migration **list, size_t n, bool up)
{
    for (size_t i = 0; i < n; i++) {
        if (migset_load_run_sql(&c->set.v[list[i] - c->set.v]) != 0) {
            out_fail(c, "Migration %s cannot be applied: %s", list[i]->version, list[i]->problem);
            return -1;
        }
        char *why = up ? migset_unlisted_sql(list[i]) : NULL;
        if (why) {
            out_fail(c, "Migration %s cannot be applied: %s", list[i]->version, why);
            free(why);
            return -1;
        }
    }
    return 0;
}

/* .strav/<what>-<domain> when .strav/ is there and writable, else NULL. */
static char *state_path(const char *what, const char *domain)
{
    if (access(".strav", W_OK) != 0)
        return NULL;
    StrBuf sb = SB_INIT;
    sb_addf(&sb, ".strav/%s-%s", what, domain);
    return sb_detach(&sb);
}

char *verify_cache_path(const char *domain)
{
    return state_path("verified", domain);
}

/* ---- driver ------------------------------------------------------------------------------ */

const char *cmd_name(RunCmd cmd)
{
    static const char *const names[] = { "migrate", "rollback", "fresh", "status", "stop", "url" };
    return names[cmd];
}

static int run_plain(const Opts *o)
{
    StrBuf msg = SB_INIT, err = SB_INIT;
    int rc;
    if (o->database) {
        /* url and stop are about the project's embedded server; with --database the user
         * named another one, and starting (or creating) a cluster would surprise them */
        fprintf(stderr,
                "%s: %s is about the embedded server under .strav/, and --database names "
                "another server: nothing to %s (its conninfo is what you passed)\n",
                o->prog, cmd_name(o->cmd), o->cmd == CMD_STOP ? "stop" : "start or print");
        return 2;
    }
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

/* Take the domain's lock (not for status) and read the tracking table on c->conn. 0 or -1
 * after reporting. */
static int db_ready(Ctx *c)
{
    pg_quote_ident(c->conn, &c->qschema, c->schema);
    sb_addf(&c->qtable, "%s.", c->qschema.buf);
    pg_quote_ident(c->conn, &c->qtable, c->table);
    if (c->o->cmd != CMD_STATUS && ledger_lock(c) != 0)
        return -1;
    return ledger_read(c);
}

/* Connect, take the domain's lock (not for status) and read the tracking table; the result
 * goes to c->db_rc. Runs on its own thread while runner_run verifies the directories. */
void *db_prepare(void *arg)
{
    Ctx *c = arg;
    c->db_rc = -1;
    if (ledger_connect(c) != 0)
        return NULL;
    if (db_ready(c) == 0)
        c->db_rc = 0;
    return NULL;
}

/* db_prepare started before the directories are even listed: the server forks and
 * authenticates while the client scans them, and the tracking table is read once the
 * schema is known (the newest manifest names it: early_go). Nothing is reported before then,
 * so a connection that turns out not to be needed (a per-tenant domain) is closed unsaid. */
typedef struct EarlyDb {
    Ctx *c;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int go; /* 0: wait; 1: c->schema and c->table are set, go on; -1: not needed */
} EarlyDb;

static void *db_early(void *arg)
{
    EarlyDb *e = arg;
    Ctx *c = e->c;
    StrBuf err = SB_INIT;
    int crc = ledger_connect_quiet(c, &err);
    pthread_mutex_lock(&e->mu);
    while (!e->go)
        pthread_cond_wait(&e->cv, &e->mu);
    int go = e->go;
    pthread_mutex_unlock(&e->mu);
    c->db_rc = -1;
    if (go > 0 && crc != 0)
        out_fail(c, "%s", sb_str(&err));
    else if (go > 0 && db_ready(c) == 0)
        c->db_rc = 0;
    sb_release(&err);
    return NULL;
}

static void early_go(EarlyDb *e, int go)
{
    pthread_mutex_lock(&e->mu);
    e->go = go;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

int run_command(Ctx *c)
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
int runner_run(const char *prog, const char *word, RunCmd cmd, int argc, char **argv)
{
    if (fleet_wanted(argc, argv)) /* --targets FILE: one run of this program per database */
        return fleet_run(prog, cmd, argc, argv);
    if (xdomain_all_wanted(argc, argv)) /* --all-domains: every domain, in version order */
        return xdomain_run_all(prog, word, cmd, argc, argv);
    Opts o = { 0 };
    o.cmd = cmd;
    o.prog = prog;
    o.word = word;
    o.scope = "public";
    o.migrations_root = "database/migrations";
    o.schemas_root = "database/schemas";
    o.lock_wait = -1;
    int prc = opts_parse(&o, argc, argv);
    if (prc >= 0)
        return prc;
    o.color = cmd_color(isatty(1) && isatty(2));
    progress_setup(o.quiet, o.json);
    pg_set_verbose(o.verbose);
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
    EarlyDb early = { &c, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
    pthread_t th;
    bool threaded = false, waiting = false; /* waiting: the thread waits for early_go */
    if (runner_check_scope(o.scope, o.migrations_root, o.schemas_root) != 0) {
        json_object_set_new(c.out, "error", json_string("invalid domain"));
        goto out;
    }
    /* connect while the directories are listed (not for fresh, which asks first) */
    threaded = waiting = cmd != CMD_FRESH && pthread_create(&th, NULL, db_early, &early) == 0;
    /* the newest manifest's schema and tenants are the ones in force */
    char *tenants = NULL;
    /* status lists the folder through its listing cache (listcache.h), the others afresh */
    char *list_cache = cmd == CMD_STATUS ? state_path("listing", o.scope) : NULL;
    migset_scan_cached(&scan, o.migrations_root, o.scope, list_cache);
    free(list_cache);
    c.schema = migset_newest_schema(o.migrations_root, o.scope, &scan, &tenants);
    if (tenants) {
        if (threaded) { /* every tenant gets its own connection (fanout.c) */
            early_go(&early, -1);
            pthread_join(th, NULL);
            threaded = waiting = false;
            pg_close(c.conn);
            c.conn = NULL;
        }
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
    if (waiting) {
        early_go(&early, 1);
        waiting = false;
    } else {
        threaded = pthread_create(&th, NULL, db_prepare, &c) == 0;
        if (!threaded)
            db_prepare(&c);
    }
    char *cache = verify_cache_path(o.scope);
    int lrc = migset_load_scanned(&c.set, &scan, o.migrations_root, o.scope, cache, &err);
    free(cache);
    if (threaded)
        pthread_join(th, NULL);
    threaded = false;
    if (lrc != 0) {
        out_fail(&c, "%s", sb_str(&err));
        goto out;
    }
    if (c.db_rc != 0 || checkpoint_resolve(&c) != 0)
        goto out;
    rc = run_command(&c);
out:
    if (waiting)
        early_go(&early, -1);
    if (threaded)
        pthread_join(th, NULL);
    if (o.json) {
        json_object_set_new(c.out, "ok", json_boolean(rc == 0));
        if (runner_json_runs) {
            json_array_append(runner_json_runs, c.out);
        } else {
            char *s = json_dumps(c.out, JSON_INDENT(2));
            printf("%s\n", s);
            free(s);
        }
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

