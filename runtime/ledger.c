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
#include <unistd.h>

#include "embedded.h"
#include "migdir.h"

/* ---- connection, lock, tracking table ---------------------------------------------------- */

int ledger_connect_quiet(Ctx *c, StrBuf *err)
{
    StrBuf info = SB_INIT;
    int rc = -1;
    if (embedded_resolve(c->o->database, &info, err) == 0 &&
        (c->conn = pg_connect(sb_str(&info), err)) != NULL)
        rc = 0;
    sb_release(&info);
    return rc;
}

int ledger_connect(Ctx *c)
{
    StrBuf err = SB_INIT;
    int rc = ledger_connect_quiet(c, &err);
    if (rc != 0)
        out_fail(c, "%s", sb_str(&err));
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

/* The progress columns (docs/runtime.md): added in place to a table made by an older strav,
 * whose rows stay valid as "applied". */
static const char progress_cols[] =
    "  state text NOT NULL DEFAULT 'applied',\n"
    "  step integer NOT NULL DEFAULT 0,\n"
    "  steps integer NOT NULL DEFAULT 0,\n"
    "  normalised text,\n" /* the drift record (ledger_record_read) */
    "  drift_mark text";    /* the drift mark's copy (ledger_mark_write) */

/* An older table gets the columns it lacks. The original TypeScript Strav's table has only id,
 * version, batch and executed_at (strav-original.md 3.1): its rows keep an empty checksum (the
 * files it applied were never summed: "not recorded", ledger_checksum_differs) and get the
 * unique index on version that ON CONFLICT (version) needs; duplicated versions, which the
 * original allowed, make that fail with the index's error, named by ledger_ensure. */
static void upgrade_sql(StrBuf *out, const char *qtable, const char *qindex)
{
    sb_addf(out,
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS checksum char(64), "
            "ADD COLUMN IF NOT EXISTS duration_ms integer NOT NULL DEFAULT 0, "
            "ADD COLUMN IF NOT EXISTS message text;\n"
            "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (version);\n",
            qtable, qindex, qtable);
    sb_addf(out,
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'applied', "
            "ADD COLUMN IF NOT EXISTS step integer NOT NULL DEFAULT 0, "
            "ADD COLUMN IF NOT EXISTS steps integer NOT NULL DEFAULT 0, "
            "ADD COLUMN IF NOT EXISTS normalised text, "
            "ADD COLUMN IF NOT EXISTS drift_mark text",
            qtable);
}

void ledger_index_name(PgConn *conn, StrBuf *out, const char *table)
{
    StrBuf name = SB_INIT;
    sb_addf(&name, "%s_version_key", table); /* PostgreSQL's own name for the UNIQUE below */
    pg_quote_ident(conn, out, name.buf);
    sb_release(&name);
}

void ledger_table_sql(StrBuf *out, const char *qtable, const char *qindex, bool if_not_exists)
{
    sb_addf(out,
            "CREATE TABLE %s%s (\n"
            "  id serial PRIMARY KEY,\n"
            "  version varchar(255) NOT NULL UNIQUE,\n"
            "  batch integer NOT NULL,\n"
            "  executed_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
            "  checksum char(64) NOT NULL,\n"
            "  duration_ms integer NOT NULL DEFAULT 0,\n"
            "  message text,\n"
            "%s\n"
            ")",
            if_not_exists ? "IF NOT EXISTS " : "", qtable, progress_cols);
    if (if_not_exists) { /* an existing table of an older strav gets the new columns */
        sb_adds(out, ";\n");
        upgrade_sql(out, qtable, qindex);
    }
}

/* Who holds the advisory lock of key: "pid N (application_name), connected since T", or "". */
static void lock_holder(Ctx *c, const char *key, StrBuf *out)
{
    PgResult *r = NULL;
    const char *p[] = { key };
    if (pg_query(c->conn, &r,
                 "WITH k AS (SELECT hashtextextended($1, 0) AS key) "
                 "SELECT a.pid, coalesce(a.application_name, ''), "
                 "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                 "coalesce(a.state, '') "
                 "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid, k "
                 "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                 "AND l.classid = ((k.key >> 32) & 4294967295)::oid "
                 "AND l.objid = (k.key & 4294967295)::oid AND l.database = "
                 "(SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())",
                 1, p, NULL) == 0 &&
        pg_nrows(r) > 0)
        sb_addf(out, "pid %s (%s, %s), connected since %s", pg_value(r, 0, 0),
                *pg_value(r, 0, 1) ? pg_value(r, 0, 1) : "no application_name",
                *pg_value(r, 0, 3) ? pg_value(r, 0, 3) : "state unknown", pg_value(r, 0, 2));
    pg_result_free(r);
}

/* Session-level advisory lock keyed by the tracking table's qualified name: held until the
 * connection ends, so a killed runner releases it. Waited for by polling pg_try_advisory_lock
 * with backoff, so the waiting connection holds no snapshot between tries: a blocking
 * pg_advisory_lock would, and CREATE INDEX CONCURRENTLY in the holder waits for every snapshot,
 * which PostgreSQL resolves by killing one of the two (issue 8). */
int ledger_lock(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    StrBuf key = SB_INIT, who = SB_INIT;
    ledger_lock_key(&key, c->schema, c->table);
    const char *p[] = { key.buf };
    int rc = -1;
    if (pg_pooled(c->conn) && !c->o->session_pooler) {
        out_fail(c, "the database is reached through a connection pooler (it did not pass on the "
                    "session's startup options); a migration needs one server session for the whole "
                    "run, for the migration lock and the session settings. Connect to the server "
                    "directly, or pass --session-pooler if the pooler gives each client its own "
                    "server session (PgBouncer pool_mode = session)");
        sb_release(&key);
        return -1;
    }
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long delay_ms = 20;
    for (int tries = 0;; tries++) {
        PgResult *r = NULL;
        if (pg_query(c->conn, &r, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1, p,
                     &e) != 0) {
            out_pg_error(c, &e, "cannot take the migration lock");
            break;
        }
        bool got = strcmp(pg_value(r, 0, 0), "t") == 0;
        pg_result_free(r);
        if (got) {
            rc = 0;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (tries == 0 || (tries % 50 == 0)) {
            sb_reset(&who);
            lock_holder(c, key.buf, &who);
            if (tries == 0 && !c->o->json)
                fprintf(stderr, "note: waiting for the migration lock of %s, held by %s%s\n",
                        c->qtable.buf, who.len ? who.buf : "another session",
                        c->o->lock_wait >= 0 ? "" : " (no time limit; see --lock-wait)");
        }
        if (c->o->lock_wait >= 0 && waited >= (double)c->o->lock_wait) {
            out_fail(c, "the migration lock of %s is held by %s; gave up after %ld s (--lock-wait)",
                     c->qtable.buf, who.len ? who.buf : "another session", c->o->lock_wait);
            break;
        }
        /* backoff with jitter, at most 1 s, never past the time limit */
        long ms = delay_ms / 2 + (long)(((unsigned)rand() ^ (unsigned)getpid()) % (unsigned)(delay_ms / 2 + 1));
        if (c->o->lock_wait >= 0) {
            double left = (double)c->o->lock_wait - waited;
            if (left * 1000 < (double)ms)
                ms = (long)(left * 1000) + 1;
        }
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        if (delay_ms < 1000)
            delay_ms = delay_ms * 2 > 1000 ? 1000 : delay_ms * 2;
    }
    pg_error_release(&e);
    sb_release(&key);
    sb_release(&who);
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
    /* one row when the table exists: how many of the progress columns it has, whether it
     * has the drift record's column, and whether it has the columns the original TypeScript
     * Strav's table lacks (upgrade_sql) */
    if (pg_query(c->conn, &r,
                 "SELECT (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.oid "
                 "AND a.attname IN ('state', 'step', 'steps') AND NOT a.attisdropped), "
                 "(SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.oid "
                 "AND a.attname IN ('normalised', 'drift_mark') AND NOT a.attisdropped), "
                 "(SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.oid "
                 "AND a.attname IN ('checksum', 'duration_ms', 'message') AND NOT a.attisdropped) "
                 "FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "t.relnamespace WHERE n.nspname = $1 AND t.relname = $2 AND t.relkind IN ('r', 'p')",
                 2, p, &e) != 0)
        goto fail;
    c->have_table = pg_nrows(r) > 0;
    bool progress = c->have_table && strcmp(pg_value(r, 0, 0), "3") == 0;
    c->have_record = c->have_table && strcmp(pg_value(r, 0, 1), "2") == 0;
    bool full = c->have_table && strcmp(pg_value(r, 0, 2), "3") == 0;
    c->have_cols = progress && c->have_record && full;
    pg_result_free(r);
    r = NULL;
    if (!c->have_table)
        return 0;
    /* no ORDER BY and no to_char: with 10,000 rows the server's sort and formatting cost more
     * than the whole client side (status must stay under 50 ms); the client sorts an index */
    StrBuf q = SB_INIT;
    sb_addf(&q,
            "SELECT version, batch, %s, coalesce(extract(epoch FROM executed_at)::bigint, 0), "
            "%s, %s, %s FROM %s",
            full ? "coalesce(checksum, '')" : "''",
            full ? "coalesce(message, ''), duration_ms" : "'', 0",
            progress ? "state, step, steps" : "'applied', 0, 0",
            c->have_record ? "drift_mark" : "NULL", c->qtable.buf);
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

bool ledger_checksum_differs(const Ctx *c, int row, const char *checksum)
{
    const char *recorded = ledger_value(c, row, LC_CHECKSUM);
    return *recorded && strcmp(recorded, checksum) != 0; /* "": not recorded (upgrade_sql) */
}

int ledger_napplied(const Ctx *c)
{
    return c->applied ? pg_nrows(c->applied) : 0;
}

int ledger_find(const Ctx *c, const char *version)
{
    int lo = 0, hi = ledger_napplied(c);
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int k = migdir_version_cmp(ledger_value(c, mid, LC_VERSION), version);
        if (k == 0)
            return mid;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long ledger_step(const Ctx *c, int i, int col)
{
    return strtol(ledger_value(c, i, col), NULL, 10);
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

/* Create the domain's schema and tracking table, or add the progress columns to an older one
 * (in whatever transaction is open: the batch's, or on its own before a non-transactional
 * first step). */
int ledger_ensure(Ctx *c, PgError *e)
{
    if (c->have_table && c->have_cols)
        return 0;
    StrBuf q = SB_INIT;
    if (c->have_table) {
        StrBuf qix = SB_INIT;
        ledger_index_name(c->conn, &qix, c->table);
        upgrade_sql(&q, c->qtable.buf, qix.buf);
        sb_release(&qix);
    } else {
        PgResult *r = NULL;
        const char *p[] = { c->schema };
        if (pg_query(c->conn, &r, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1,
                     p, e) != 0)
            return -1;
        bool have_schema = pg_nrows(r) > 0;
        pg_result_free(r);
        if (!have_schema)
            sb_addf(&q, "CREATE SCHEMA %s;\n", c->qschema.buf);
        ledger_table_sql(&q, c->qtable.buf, NULL, false);
    }
    int rc = pg_exec(c->conn, q.buf, e);
    sb_release(&q);
    if (rc != 0 && e->sqlstate && !strcmp(e->sqlstate, "23505") && !e->hint)
        e->hint = xstrdup("the tracking table records a version more than once (the original "
                          "Strav allowed it): delete the extra rows of that version, keeping "
                          "the one with the lowest id, then run again");
    if (rc == 0)
        c->have_table = c->have_cols = c->have_record = true;
    return rc;
}

/* ---- the drift record ------------------------------------------------------------------
 * The normalised model of a version's snapshot (adopt.h, docs/runtime.md), kept in the
 * "normalised" column of that version's row: every machine that reads the tracking table sees
 * it, and a rollback that deletes the row deletes it too. At most one row holds one. */

bool ledger_record_read(Ctx *c, StrBuf *version, StrBuf *out)
{
    if (!c->have_record)
        return false;
    StrBuf q = SB_INIT;
    sb_addf(&q, "SELECT version, normalised FROM %s WHERE normalised IS NOT NULL", c->qtable.buf);
    PgResult *r = NULL;
    bool ok = pg_query(c->conn, &r, q.buf, 0, NULL, NULL) == 0 && pg_nrows(r) == 1;
    if (ok) {
        sb_adds(version, pg_value(r, 0, 0));
        sb_adds(out, pg_value(r, 0, 1));
    }
    pg_result_free(r);
    sb_release(&q);
    return ok;
}

/* column := value on version's row, NULL on every other row that has one. */
static bool set_one(Ctx *c, const char *column, const char *version, const char *value)
{
    if (!c->have_record)
        return false;
    /* its own short transaction: a migrate holding the tracking table's rows makes it give up
     * after a second rather than wait (record and mark are only optimisations) */
    StrBuf q = SB_INIT;
    sb_addf(&q, "UPDATE %s SET %s = CASE WHEN version = $1 THEN $2 END "
                "WHERE version = $1 OR %s IS NOT NULL", c->qtable.buf, column, column);
    const char *p[] = { version, value };
    bool ok = pg_exec(c->conn, "BEGIN; SET LOCAL lock_timeout = '1s'", NULL) == 0 &&
              pg_query(c->conn, NULL, q.buf, 2, p, NULL) == 0 &&
              pg_exec(c->conn, "COMMIT", NULL) == 0;
    if (!ok)
        pg_exec(c->conn, "ROLLBACK", NULL);
    sb_release(&q);
    return ok;
}

bool ledger_record_write(Ctx *c, const char *version, const char *record)
{
    return set_one(c, "normalised", version, record);
}

bool ledger_mark_write(Ctx *c, const char *version, const char *fp)
{
    return set_one(c, "drift_mark", version, fp);
}
