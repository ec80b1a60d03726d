/*
 * ledger.c - the tracking table of a domain (or tenant schema), the session advisory lock that
 * serialises runners, the connection choice (--database, DATABASE_URL, PG*, embedded) and the
 * start of a batch transaction. See runctx.h.
 */
#include "runctx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embedded.h"
#include "migdir.h"

/* ---- connection, lock, tracking table ---------------------------------------------------- */

int ledger_connect(Ctx *c)
{
    StrBuf info = SB_INIT, err = SB_INIT;
    int rc = -1;
    if (embedded_resolve(c->o->database, &info, &err) != 0) {
        out_fail(c, "%s", sb_str(&err));
        goto out;
    }
    c->conn = pg_connect(sb_str(&info), &err);
    if (!c->conn) {
        out_fail(c, "%s", sb_str(&err));
        goto out;
    }
    rc = 0;
out:
    sb_release(&info);
    sb_release(&err);
    return rc;
}


const char *ledger_table_name(StrBuf *out, const char *domain)
{
    if (strcmp(domain, "public") == 0)
        sb_adds(out, "_strav_migrations");
    else
        sb_addf(out, "_strav_%s_migrations", domain);
    return out->buf;
}

void ledger_lock_key(StrBuf *out, const char *schema, const char *table)
{
    sb_addf(out, "strav:%s.%s", schema, table);
}

void ledger_table_sql(StrBuf *out, const char *qtable, bool if_not_exists)
{
    sb_addf(out,
            "CREATE TABLE %s%s (\n"
            "  id serial PRIMARY KEY,\n"
            "  version varchar(255) NOT NULL UNIQUE,\n"
            "  batch integer NOT NULL,\n"
            "  executed_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
            "  checksum char(64) NOT NULL,\n"
            "  duration_ms integer NOT NULL DEFAULT 0,\n"
            "  message text\n"
            ")",
            if_not_exists ? "IF NOT EXISTS " : "", qtable);
}

/* Session-level advisory lock keyed by the tracking table's qualified name: held until the
 * connection ends, so a killed runner releases it. */
int ledger_lock(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    StrBuf key = SB_INIT;
    ledger_lock_key(&key, c->schema, c->table);
    const char *p[] = { key.buf };
    int rc = pg_query(c->conn, NULL, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, p, &e);
    if (rc != 0)
        out_pg_error(c, &e, "cannot take the migration lock");
    pg_error_release(&e);
    sb_release(&key);
    return rc;
}

static const PgResult *sort_rows; /* qsort has no context argument; one sort at a time */
static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;

static int cmp_row(const void *a, const void *b)
{
    return migdir_version_cmp(pg_value(sort_rows, *(const int *)a, 0),
                       pg_value(sort_rows, *(const int *)b, 0));
}

/* c->order: the rows of c->applied in ascending version order. */
static void sort_applied(Ctx *c)
{
    int n = pg_nrows(c->applied);
    free(c->order);
    c->order = xcalloc((size_t)n + 1, sizeof *c->order);
    bool sorted = true;
    for (int i = 0; i < n; i++) {
        c->order[i] = i;
        if (i && migdir_version_cmp(pg_value(c->applied, i - 1, 0), pg_value(c->applied, i, 0)) > 0)
            sorted = false;
    }
    if (sorted)
        return;
    pthread_mutex_lock(&sort_mu);
    sort_rows = c->applied;
    qsort(c->order, (size_t)n, sizeof *c->order, cmp_row);
    sort_rows = NULL;
    pthread_mutex_unlock(&sort_mu);
}

const char *ledger_value(const Ctx *c, int i, int col)
{
    return pg_value(c->applied, c->order[i], col);
}

const char *ledger_applied_at(const Ctx *c, int i, char buf[32])
{
    char *end;
    time_t t = (time_t)strtoll(ledger_value(c, i, 3), &end, 10);
    struct tm tm;
    if (*end || !gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%s", ledger_value(c, i, 3));
    return buf;
}

int ledger_read(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    PgResult *r = NULL;
    int rc = -1;
    const char *p[] = { c->schema, c->table };
    if (pg_query(c->conn, &r,
                 "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2", 2,
                 p, &e) != 0)
        goto fail;
    c->have_table = pg_nrows(r) > 0;
    pg_result_free(r);
    r = NULL;
    if (!c->have_table)
        return 0;
    /* no ORDER BY and no to_char: with 10,000 rows the server's sort and formatting cost more
     * than the whole client side (status must stay under 50 ms); the client sorts an index */
    StrBuf q = SB_INIT;
    sb_addf(&q,
            "SELECT version, batch, checksum, extract(epoch FROM executed_at)::bigint, "
            "coalesce(message, ''), duration_ms FROM %s",
            c->qtable.buf);
    rc = pg_query(c->conn, &c->applied, q.buf, 0, NULL, &e);
    sb_release(&q);
    if (rc == 0) {
        sort_applied(c);
        return 0;
    }
fail:
    out_pg_error(c, &e, "cannot read the tracking table");
    pg_error_release(&e);
    return -1;
}

int ledger_napplied(const Ctx *c)
{
    return c->applied ? pg_nrows(c->applied) : 0;
}

bool ledger_is_applied(const Ctx *c, const char *version)
{
    int lo = 0, hi = ledger_napplied(c);
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int k = migdir_version_cmp(ledger_value(c, mid, 0), version);
        if (k == 0)
            return true;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

long ledger_max_batch(const Ctx *c)
{
    long m = 0;
    for (int i = 0; i < ledger_napplied(c); i++) {
        long b = strtol(ledger_value(c, i, 1), NULL, 10);
        if (b > m)
            m = b;
    }
    return m;
}

int ledger_begin(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    int rc = -1;
    if (pg_exec(c->conn, "BEGIN", &e) != 0)
        goto out;
    const char *p[] = { c->qschema.buf };
    if (pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('search_path', $1, true)", 1, p,
                 &e) != 0)
        goto out;
    if (c->o->lock_timeout) {
        const char *q[] = { c->o->lock_timeout };
        if (pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('lock_timeout', $1, true)", 1,
                     q, &e) != 0)
            goto out;
    }
    if (c->o->statement_timeout) {
        const char *q[] = { c->o->statement_timeout };
        if (pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('statement_timeout', $1, true)",
                     1, q, &e) != 0)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        out_pg_error(c, &e, "cannot start the transaction");
        pg_exec(c->conn, "ROLLBACK", NULL);
    }
    pg_error_release(&e);
    return rc;
}

/* Create the domain's schema and tracking table (inside the batch transaction). */
int ledger_ensure(Ctx *c, PgError *e)
{
    if (c->have_table)
        return 0;
    PgResult *r = NULL;
    const char *p[] = { c->schema };
    if (pg_query(c->conn, &r, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, p,
                 e) != 0)
        return -1;
    bool have_schema = pg_nrows(r) > 0;
    pg_result_free(r);
    StrBuf q = SB_INIT;
    if (!have_schema)
        sb_addf(&q, "CREATE SCHEMA %s;\n", c->qschema.buf);
    ledger_table_sql(&q, c->qtable.buf, false);
    int rc = pg_exec(c->conn, q.buf, e);
    sb_release(&q);
    if (rc == 0)
        c->have_table = true;
    return rc;
}
