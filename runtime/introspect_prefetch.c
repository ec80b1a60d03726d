/*
 * introspect_prefetch.c - the introspection's heaviest queries run beside the others, on a
 * second connection that reads the same snapshot (introspect_int.h, "Prefetch"), in the way
 * pg_dump --jobs does: the main transaction exports its snapshot, a helper thread connects as
 * the main connection did, imports the snapshot (SET TRANSACTION SNAPSHOT), sets the same
 * transaction settings (search_path = the schema, so pg_get_expr spells names the same way;
 * JIT off; work_mem; the planner's defaults, PG_CATALOG_SETTINGS) and runs the queries in
 * order, each unless the main thread came to it first and ran it itself; the main thread
 * takes each result when it reaches that query. At 10,000 tables the index query is a third
 * of the server's time (pg_get_indexdef builds a relation cache entry per table) and the
 * constraints query a quarter: whichever connection is free takes the next one.
 * Anything that fails in the helper (no free connection slot, an old server, a cancelled
 * query) only costs the time: the main connection then runs the query itself, and reports its
 * error if it has one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "introspect_int.h"
#include "sqlquote.h"

enum { PREFETCH_MAX = 4 };

struct Prefetch {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    PgConn *main;      /* read only by the helper (pg_connect_again) */
    char *snapshot;    /* pg_export_snapshot()'s id */
    char *schema;
    const char *setup; /* run first in the helper's transaction, $1 = the schema */
    const char *sql[PREFETCH_MAX]; /* the prefetched queries, in order, $1 = the schema */
    PgResult *res[PREFETCH_MAX];   /* their results, NULL when one failed */
    unsigned char state[PREFETCH_MAX]; /* Q_* (under mu) */
    size_t n;
};

/* The first query of the list is the helper's (the main thread waits for it, even while the
 * helper is still connecting); each later one is run by whichever thread comes to it first:
 * the helper in list order, the main thread when it needs the result and the helper has not
 * started it. */
enum { Q_PENDING, Q_HELPER, Q_DONE, Q_MAIN };

static bool helper_exec(PgConn *c, const char *sql)
{
    PgError e = PG_ERROR_INIT;
    int rc = pg_exec(c, sql, &e);
    pg_error_release(&e);
    return rc == 0;
}

static bool helper_query(PgConn *c, const char *sql, const char *schema, PgResult **out)
{
    const char *params[1] = {schema};
    PgError e = PG_ERROR_INIT;
    int rc = pg_query(c, out, sql, 1, params, &e);
    pg_error_release(&e);
    if (rc != 0) {
        pg_result_free(*out);
        *out = NULL;
    }
    return rc == 0;
}

/* Publish the result of query i (NULL: it failed; the main thread then runs it itself). */
static void publish(Prefetch *p, size_t i, PgResult *r)
{
    pthread_mutex_lock(&p->mu);
    p->res[i] = r;
    p->state[i] = Q_DONE;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Take query i for the helper unless the main thread took it. */
static bool claim(Prefetch *p, size_t i)
{
    pthread_mutex_lock(&p->mu);
    bool mine = p->state[i] == Q_PENDING;
    if (mine)
        p->state[i] = Q_HELPER;
    pthread_mutex_unlock(&p->mu);
    return mine;
}

static void *helper(void *arg)
{
    Prefetch *p = arg;
    StrBuf err = SB_INIT, set = SB_INIT;
    PgConn *c = pg_connect_again(p->main, &err);
    /* one message: the transaction is never idle before its settings hold */
    sb_adds(&set, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT ");
    sql_literal(&set, p->snapshot);
    sb_adds(&set, "; " PG_CATALOG_SETTINGS);
    PgResult *setup = NULL;
    bool ok = c && helper_exec(c, set.buf) && helper_query(c, p->setup, p->schema, &setup);
    pg_result_free(setup);
    /* after a failure the first query is published failed (the main thread waits for it) and
     * the rest stay pending: the main thread runs them */
    for (size_t i = 0; i < p->n; i++) {
        if (!claim(p, i))
            continue;
        PgResult *r = NULL;
        ok = ok && helper_query(c, p->sql[i], p->schema, &r);
        publish(p, i, r);
        if (!ok)
            break;
    }
    if (c) /* read only: nothing to commit; closing ends the transaction */
        pg_close(c);
    sb_release(&err);
    sb_release(&set);
    return NULL;
}

char *prefetch_export_snapshot(PgConn *c)
{
    PgResult *r = NULL;
    PgError e = PG_ERROR_INIT;
    char *id = NULL;
    if (pg_query(c, &r, "SELECT pg_catalog.pg_export_snapshot()", 0, NULL, &e) == 0 &&
        pg_nrows(r) == 1)
        id = xstrdup(pg_value(r, 0, 0));
    pg_result_free(r);
    pg_error_release(&e);
    return id;
}

Prefetch *prefetch_start(PgConn *c, const char *snapshot, const char *schema, const char *setup,
                         const char *const *sqls, size_t n)
{
    Prefetch *p = xcalloc(1, sizeof *p);
    p->main = c;
    p->snapshot = xstrdup(snapshot);
    p->schema = xstrdup(schema);
    p->setup = setup;
    p->n = n < PREFETCH_MAX ? n : PREFETCH_MAX;
    for (size_t i = 0; i < p->n; i++)
        p->sql[i] = sqls[i];
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->th, NULL, helper, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p->snapshot);
        free(p->schema);
        free(p);
        return NULL;
    }
    return p;
}

PgResult *prefetch_take(Prefetch *p, const char *sql)
{
    size_t i = 0;
    while (p && i < p->n && p->sql[i] != sql)
        i++;
    if (!p || i == p->n)
        return NULL;
    pthread_mutex_lock(&p->mu);
    if (i > 0 && p->state[i] == Q_PENDING) /* not started: this thread runs it, now */
        p->state[i] = Q_MAIN;
    while (p->state[i] == Q_HELPER || p->state[i] == Q_PENDING) /* the first: the helper's */
        pthread_cond_wait(&p->cv, &p->mu);
    PgResult *r = p->res[i];
    p->res[i] = NULL;
    pthread_mutex_unlock(&p->mu);
    return r;
}

void prefetch_end(Prefetch *p)
{
    if (!p)
        return;
    pthread_join(p->th, NULL);
    for (size_t i = 0; i < p->n; i++)
        pg_result_free(p->res[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->snapshot);
    free(p->schema);
    free(p);
}
