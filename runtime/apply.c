/*
 * apply.c - running a batch: every executionOrder file of the versions in one transaction, the
 * tracking rows, ROLLBACK and the seed's lines on failure, non-transactional files on their own
 * (statement by statement), and server errors mapped to file:line:col. See runctx.h.
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sqlsplit.h"

/* ---- running SQL ------------------------------------------------------------------------- */

/* Print a failed statement as file:line:col with the server's fields. */
static void report_sql_error(Ctx *c, const Migration *m, const MigFile *f, const char *text,
                             size_t text_off, const PgError *e, bool down)
{
    out_fail(c, "%s %s failed: %s", down ? "Rollback of migration" : "Migration", m->version,
             e->message ? e->message : "unknown error");
    if (c->o->json) {
        json_t *d = json_object();
        json_object_set_new(d, "version", json_string(m->version));
        json_object_set_new(d, "file", json_string(f->rel));
        if (e->sqlstate)
            json_object_set_new(d, "sqlstate", json_string(e->sqlstate));
        if (e->detail)
            json_object_set_new(d, "detail", json_string(e->detail));
        if (e->hint)
            json_object_set_new(d, "hint", json_string(e->hint));
        json_object_set_new(c->out, "failure", d);
        return;
    }
    int line = 0, column = 0;
    if (e->position > 0 && text) {
        pg_position_line_col(text, e->position, &line, &column);
        if (text_off) { /* the statement started inside the file */
            int l0, c0;
            size_t chars = 0;
            for (size_t i = 0; i < text_off; i++)
                if ((f->sql[i] & 0xC0) != 0x80)
                    chars++;
            pg_position_line_col(f->sql, (int)chars + 1, &l0, &c0);
            if (line == 1)
                column += c0 - 1;
            line += l0 - 1;
        }
    }
    if (line)
        fprintf(stderr, "%s/%s:%d:%d: error: %s\n", m->dir, f->rel, line, column, e->message);
    else
        fprintf(stderr, "%s/%s: error: %s\n", m->dir, f->rel, e->message);
    if (e->detail)
        fprintf(stderr, "note: detail: %s\n", e->detail);
    if (e->hint)
        fprintf(stderr, "note: hint: %s\n", e->hint);
    if (e->sqlstate)
        fprintf(stderr, "note: SQLSTATE %s\n", e->sqlstate);
}


/* A non-transactional file: each statement on its own, outside any transaction. */
static int run_nontx(Ctx *c, const Migration *m, const MigFile *f, bool down)
{
    PgError e = PG_ERROR_INIT;
    const char *p[] = { c->qschema.buf };
    if (pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('search_path', $1, false)", 1, p,
                 &e) != 0) {
        report_sql_error(c, m, f, NULL, 0, &e, down);
        pg_error_release(&e);
        return -1;
    }
    size_t *st;
    size_t n = sqlsplit_statements(f->sql, &st);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t a = st[2 * i], b = st[2 * i + 1];
        char *stmt = xmalloc(b - a + 1);
        memcpy(stmt, f->sql + a, b - a);
        stmt[b - a] = '\0';
        if (pg_exec(c->conn, stmt, &e) != 0) {
            report_sql_error(c, m, f, stmt, a, &e, down);
            rc = -1;
        }
        free(stmt);
    }
    free(st);
    pg_error_release(&e);
    pg_exec(c->conn, "RESET search_path", NULL);
    return rc;
}



/* Apply migrations list[0..n) as batch `batch`. Transactional files of all of them share one
 * transaction; a non-transactional file commits what came before it (the atomicity boundary)
 * and runs on its own. On failure the open transaction is rolled back and the seed's lines are
 * printed. 0 or -1. */
/* Statements waiting to be sent in one pipeline, with where each came from. */
typedef struct Queued {
    char *sql;              /* owned */
    int nparams;
    const char *params[5];  /* point into the Migration / apply_batch's frame */
    const Migration *m;
    const MigFile *f;       /* NULL for the tracking row */
    size_t off;             /* byte offset of the statement in f->sql */
} Queued;

typedef struct Queue {
    Queued *v;
    size_t n, cap;
} Queue;

static void q_push(Queue *q, Queued it)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 256;
        q->v = xrealloc(q->v, q->cap * sizeof *q->v);
    }
    q->v[q->n++] = it;
}

static void q_clear(Queue *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].sql);
    q->n = 0;
}

/* Queue every statement of a transactional file. */
static void q_file(Queue *q, const Migration *m, const MigFile *f)
{
    size_t *st;
    size_t n = sqlsplit_statements(f->sql, &st);
    for (size_t i = 0; i < n; i++) {
        size_t a = st[2 * i], b = st[2 * i + 1];
        Queued it = { xmalloc(b - a + 1), 0, { NULL }, m, f, a };
        memcpy(it.sql, f->sql + a, b - a);
        it.sql[b - a] = '\0';
        q_push(q, it);
    }
    free(st);
}

/* Send the queue as one pipeline; on failure report the statement (file:line:col) or the
 * tracking row. The queue is emptied either way. 0 or -1. */
static int q_flush(Ctx *c, Queue *q)
{
    PgError e = PG_ERROR_INIT;
    int rc = 0;
    if (q->n == 0)
        return 0;
    PgPipeItem *items = xcalloc(q->n, sizeof *items);
    for (size_t i = 0; i < q->n; i++)
        items[i] = (PgPipeItem){ q->v[i].sql, q->v[i].nparams, q->v[i].params };
    size_t failed = 0;
    if (pg_pipeline(c->conn, items, q->n, &failed, &e) != 0) {
        const Queued *it = &q->v[failed < q->n ? failed : q->n - 1];
        if (it->f)
            report_sql_error(c, it->m, it->f, it->sql, it->off, &e, false);
        else
            out_pg_error(c, &e, "cannot record the migration");
        rc = -1;
    }
    free(items);
    q_clear(q);
    pg_error_release(&e);
    return rc;
}

int apply_batch(Ctx *c, const Migration **list, size_t n, long batch, json_t *done,
                      bool open)
{
    Queue q = { NULL, 0, 0 };
    PgError e = PG_ERROR_INIT;
    bool in_tx = open; /* a transaction is already open (fresh: the drop is part of it) */
    size_t committed = 0; /* migrations whose rows are committed (before a boundary) */
    int rc = -1;
    char bstr[32];
    snprintf(bstr, sizeof bstr, "%ld", batch);
    StrBuf ins = SB_INIT;
    /* duration measured by the server, from the version's first statement to its row */
    sb_addf(&ins,
            "INSERT INTO %s (version, batch, checksum, duration_ms, message) "
            "VALUES ($1, $2, $3, coalesce((extract(epoch FROM clock_timestamp() - "
            "nullif(pg_catalog.current_setting('strav.t0', true), '')::timestamptz) * 1000)::int, "
            "0), $4)",
            c->qtable.buf);
    static const char t0_sql[] =
        "SELECT pg_catalog.set_config('strav.t0', clock_timestamp()::text, true)";
    if (in_tx && ledger_ensure(c, &e) != 0) {
        out_pg_error(c, &e, "cannot create the tracking table");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const Migration *m = list[i];
        bool timed = false;
        for (size_t k = 0; k < m->nup; k++) {
            const MigFile *f = &m->up[k];
            if (f->nontx) {
                if (q_flush(c, &q) != 0)
                    goto fail;
                if (in_tx) {
                    if (pg_exec(c->conn, "COMMIT", &e) != 0) {
                        out_pg_error(c, &e, "COMMIT failed");
                        in_tx = false;
                        goto fail;
                    }
                    in_tx = false;
                    committed = i;
                }
                fflush(stdout);
                if (!c->o->json)
                    fprintf(stderr,
                            "note: atomicity boundary: everything before %s/%s is committed; it "
                            "runs outside a transaction\n",
                            m->version, f->rel);
                if (run_nontx(c, m, f, false) != 0)
                    goto fail;
                continue;
            }
            if (!in_tx) {
                if (ledger_begin(c) != 0)
                    goto fail_quiet;
                in_tx = true;
                if (ledger_ensure(c, &e) != 0) {
                    out_pg_error(c, &e, "cannot create the tracking table");
                    goto fail;
                }
            }
            if (!timed) {
                q_push(&q, (Queued){ xstrdup(t0_sql), 0, { NULL }, m, NULL, 0 });
                timed = true;
            }
            if (sqlsplit_has_begin_atomic(f->sql)) {
                if (q_flush(c, &q) != 0)
                    goto fail;
                if (pg_exec(c->conn, f->sql, &e) != 0) {
                    report_sql_error(c, m, f, f->sql, 0, &e, false);
                    goto fail;
                }
                continue;
            }
            q_file(&q, m, f);
        }
        if (!in_tx) { /* the row goes in with the next statements, or on its own */
            if (ledger_begin(c) != 0)
                goto fail_quiet;
            in_tx = true;
            if (ledger_ensure(c, &e) != 0) {
                out_pg_error(c, &e, "cannot create the tracking table");
                goto fail;
            }
        }
        q_push(&q, (Queued){ xstrdup(ins.buf), 4, { m->version, bstr, m->checksum, m->message },
                             m, NULL, 0 });
    }
    if (q_flush(c, &q) != 0)
        goto fail;
    if (in_tx && pg_exec(c->conn, "COMMIT", &e) != 0) {
        in_tx = false;
        out_pg_error(c, &e, "COMMIT failed");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        out_json_str(done, list[i]->version);
    rc = 0;
    goto out;
fail:
    if (in_tx)
        pg_exec(c->conn, "ROLLBACK", NULL);
    if (!c->o->json) {
        if (committed == 0)
            fprintf(stderr, "%s✓ Transaction rolled back - database unchanged%s\n",
                    out_col(c->o, GREEN), out_col(c->o, RESET));
        else
            fprintf(stderr,
                    "%s✓ Transaction rolled back%s - changes after the last non-transactional step "
                    "were undone; %zu migration(s) committed before it stay applied\n",
                    out_col(c->o, GREEN), out_col(c->o, RESET), committed);
    }
fail_quiet:
    if (c->out) {
        json_object_set_new(c->out, "rolledBack", json_true());
        for (size_t i = 0; i < committed; i++)
            out_json_str(done, list[i]->version);
    }
out:
    q_clear(&q);
    free(q.v);
    sb_release(&ins);
    pg_error_release(&e);
    return rc;
}

/* Revert list[0..n) (newest first) in one transaction, removing their rows. */
int apply_revert(Ctx *c, const Migration **list, size_t n, json_t *done)
{
    PgError e = PG_ERROR_INIT;
    bool in_tx = false;
    int rc = -1;
    StrBuf del = SB_INIT;
    sb_addf(&del, "DELETE FROM %s WHERE version = $1", c->qtable.buf);
    for (size_t i = 0; i < n; i++) {
        const Migration *m = list[i];
        for (size_t k = 0; k < m->ndown; k++) {
            const MigFile *f = &m->down[k];
            if (f->nontx) {
                if (in_tx && pg_exec(c->conn, "COMMIT", &e) != 0) {
                    in_tx = false;
                    out_pg_error(c, &e, "COMMIT failed");
                    goto fail;
                }
                in_tx = false;
                fflush(stdout);
                if (!c->o->json)
                    fprintf(stderr,
                            "note: atomicity boundary: everything before %s/%s is committed; it "
                            "runs outside a transaction\n",
                            m->version, f->rel);
                if (run_nontx(c, m, f, true) != 0)
                    goto fail;
                continue;
            }
            if (!in_tx) {
                if (ledger_begin(c) != 0)
                    goto out;
                in_tx = true;
            }
            if (pg_exec(c->conn, f->sql, &e) != 0) {
                report_sql_error(c, m, f, f->sql, 0, &e, true);
                goto fail;
            }
        }
        if (!in_tx) {
            if (ledger_begin(c) != 0)
                goto out;
            in_tx = true;
        }
        const char *p[] = { m->version };
        if (pg_query(c->conn, NULL, del.buf, 1, p, &e) != 0) {
            out_pg_error(c, &e, "cannot update the tracking table");
            goto fail;
        }
    }
    if (in_tx && pg_exec(c->conn, "COMMIT", &e) != 0) {
        in_tx = false;
        out_pg_error(c, &e, "COMMIT failed");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        out_json_str(done, list[i]->version);
    rc = 0;
    goto out;
fail:
    if (in_tx)
        pg_exec(c->conn, "ROLLBACK", NULL);
    if (!c->o->json)
        fprintf(stderr, "%s✓ Transaction rolled back - database unchanged%s\n", out_col(c->o, GREEN),
                out_col(c->o, RESET));
out:
    sb_release(&del);
    pg_error_release(&e);
    return rc;
}
