/*
 * fanout.c - per-tenant domains: list the tenant schemas, run the command for each (its own
 * connection, lock and tracking table), N at a time in worker processes, and print the results
 * in tenant order. Called by runner.c; runs each tenant through db_prepare and run_command.
 */
#include "runctx.h"

#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

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
    /* in name order, each schema once (a query may return them in any order, or twice): two
     * runs of one tenant would only wait for each other's lock. A NULL or empty name is no
     * schema: refused before any tenant runs. */
    for (int i = 0; i < pg_nrows(r); i++)
        if (pg_isnull(r, i, 0) || !*pg_value(r, i, 0)) {
            out_fail(c, "the tenants query returned %s as a schema name (row %d); fix the query "
                        "in the manifest's \"tenants\"",
                     pg_isnull(r, i, 0) ? "NULL" : "an empty string", i + 1);
            goto out;
        }
    list = xcalloc((size_t)pg_nrows(r) + 1, sizeof *list);
    size_t n = 0;
    for (int i = 0; i < pg_nrows(r); i++)
        list[n++] = xstrdup(pg_value(r, i, 0));
    qsort(list, n, sizeof *list, cmp_name);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && !strcmp(list[k - 1], list[i])) {
            free(list[i]);
            list[i] = NULL;
            continue;
        }
        list[k++] = list[i];
    }
    list[k] = NULL;
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
    progress_set_mode(PROGRESS_OFF); /* the parent shows the tenants' progress */
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
    size_t next = 0, printed = 0, running = 0, reaped = 0, reaped_bad = 0;
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
                reaped++;
                reaped_bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
                progress_tally("tenants", reaped - reaped_bad, reaped_bad, n);
            }
    }
    free(js);
    return failed;
}

/* A per-tenant domain: the command runs for every tenant schema, each with its own tracking
 * table, lock and result; one tenant's failure does not stop the others (exit 1 at the end).
 * With --jobs N > 1 (default: up to 4) tenants run in worker processes, output in name order. */
int run_tenants(Ctx *c, const char *spec, MigScan *scan)
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
    progress_begin("tenants", n);
    progress_tally("tenants", 0, 0, n);
    if (jobs > 1) {
        failed = run_tenants_parallel(c, tenants, n, jobs, arr);
    } else {
        ProgressMode pm = progress_mode();
        for (size_t i = 0; i < n; i++) {
            out_say(c, "%sTenant %s:%s\n", out_col(c->o, CYAN), tenants[i], out_col(c->o, RESET));
            json_t *res = json_object();
            progress_set_mode(PROGRESS_OFF); /* per tenant: the tally below, not migrations */
            failed += run_one_tenant(c, tenants[i], res);
            progress_set_mode(pm);
            json_array_append_new(arr, res);
            out_say(c, "\n");
            progress_tally("tenants", i + 1 - (size_t)failed, (size_t)failed, n);
        }
    }
    if (n)
        progress_tally_end("tenants", n - (size_t)failed, (size_t)failed, n);
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

