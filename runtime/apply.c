/*
 * apply.c - the step executor: runs the steps (steps.c) of the versions of a batch up, or of a
 * rollback down. Transactional steps share one transaction; before a non-transactional
 * statement it commits with the progress rows, runs the statement on its own and records its
 * progress right after it, so a run that stops anywhere resumes at the first unfinished step.
 * Server errors are mapped to file:line:col, and a failure says exactly what is committed (or
 * that a COMMIT's outcome is unknown). Writes through out.c only. See runctx.h.
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoff.h"
#include "progress.h"
#include "sqlsplit.h"

/* ---- running SQL ------------------------------------------------------------------------- */
/* The offset of the first byte at or after i that is neither white space nor inside a -- or a
 * block comment: where the statement that the splitter cut at i really starts. */
static size_t sql_skip_space(const char *s, size_t i)
{
    for (;;) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
            i++;
        } else if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && s[i + 1] == '*') { /* they nest, as in PostgreSQL */
            int depth = 0;
            do {
                if (s[i] == '/' && s[i + 1] == '*')
                    depth++, i += 2;
                else if (s[i] == '*' && s[i + 1] == '/')
                    depth--, i += 2;
                else
                    i++;
            } while (s[i] && depth > 0);
        } else {
            return i;
        }
    }
}

/* A file's text without a leading UTF-8 byte order mark (editors on Windows write one; the
 * server would read it as part of the first word). */
static const char *sql_body(const char *sql)
{
    return strncmp(sql, "\xEF\xBB\xBF", 3) == 0 ? sql + 3 : sql;
}

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
    if (!line && text && f->sql) { /* no position: the line where the statement starts */
        size_t i = sql_skip_space(f->sql, text_off);
        int l = 1;
        for (size_t k = 0; k < i && f->sql[k]; k++)
            l += f->sql[k] == '\n';
        fprintf(stderr, "%s/%s:%d: error: %s\n", m->dir, f->rel, l, e->message);
    } else if (line)
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


/* Statements waiting to be sent in one pipeline, with where each came from. */
typedef struct Queued {
    char *sql;              /* owned */
    int nparams;
    const char *params[7];  /* point into the Migration, the Exec or own[] */
    char *own[2];           /* owned parameter strings (step numbers) */
    const Migration *m;
    const MigFile *f;       /* NULL for a tracking row */
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
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].sql);
        free(q->v[i].own[0]);
        free(q->v[i].own[1]);
    }
    q->n = 0;
}

/* Queue every statement of a transactional file. */
static void q_file(Queue *q, const Migration *m, const MigFile *f)
{
    size_t *st;
    size_t n = sqlsplit_statements(f->sql, &st);
    for (size_t i = 0; i < n; i++) {
        size_t a = st[2 * i], b = st[2 * i + 1];
        Queued it = { xmalloc(b - a + 1), 0, { NULL }, { NULL }, m, f, a };
        memcpy(it.sql, f->sql + a, b - a);
        it.sql[b - a] = '\0';
        q_push(q, it);
    }
    free(st);
}

/* ---- progress (progress.h): the migration whose statements are running, and its file */
static const Job *prog_jobs;
static size_t prog_n, prog_next; /* jobs announced so far */
static size_t prog_cur;          /* the job whose steps are being run (down files run as they come) */

static void announce(size_t k, const char *file)
{
    for (; prog_next < k && prog_next < prog_n; prog_next++)
        progress_migration(prog_next, prog_jobs[prog_next].m->version, NULL);
    if (k < prog_n) {
        progress_migration(k, prog_jobs[k].m->version, file);
        if (prog_next <= k)
            prog_next = k + 1;
    }
}

/* pg_pipeline's hook: done items of the queue are through; the next one is running. */
static void pipe_progress(void *arg, size_t done)
{
    const Queue *q = arg;
    if (!q->n || !prog_jobs)
        return;
    const Queued *it = &q->v[done < q->n ? done : q->n - 1];
    size_t k = prog_next ? prog_next - 1 : 0;
    while (k < prog_n && prog_jobs[k].m != it->m)
        k++;
    if (k < prog_n)
        announce(k, it->f ? it->f->rel : NULL);
}

typedef struct Exec Exec;
static bool tx_lock_retry(Exec *x, const Migration *m, const MigFile *f, const PgError *e);

/* Send the queue as one pipeline; on failure report the statement (file:line:col) or the
 * tracking row, with e filled (unless the transaction is to be retried, tx_lock_retry). The
 * queue is emptied either way. 0 or -1. */
static int q_flush(Ctx *c, Exec *x, Queue *q, bool down, PgError *ep)
{
    PgError e = PG_ERROR_INIT;
    int rc = 0;
    if (q->n == 0)
        return 0;
    PgPipeItem *items = xcalloc(q->n, sizeof *items);
    for (size_t i = 0; i < q->n; i++)
        items[i] = (PgPipeItem){ q->v[i].sql, q->v[i].nparams, q->v[i].params };
    size_t failed = 0;
    pipe_progress(q, 0);
    pg_set_pipeline_hook(pipe_progress, q);
    int prc = pg_pipeline(c->conn, items, q->n, &failed, &e);
    pg_set_pipeline_hook(NULL, NULL);
    if (prc != 0) {
        const Queued *it = &q->v[failed < q->n ? failed : q->n - 1];
        if (it->f && tx_lock_retry(x, it->m, it->f, &e))
            ; /* said by the retry's note */
        else if (it->f)
            report_sql_error(c, it->m, it->f, it->sql, it->off, &e, down);
        else
            out_pg_error(c, &e, "cannot record the migration");
        rc = -1;
    }
    free(items);
    q_clear(q);
    pg_error_release(ep);
    *ep = e;
    return rc;
}

/* ---- the executor ------------------------------------------------------------------------ */

struct Exec {
    Ctx *c;
    bool down;
    const Job *jobs;
    size_t n;
    Step **steps;      /* steps[i][0..nsteps[i]) of jobs[i] */
    size_t *nsteps;
    char bstr[32];     /* the batch number */
    StrBuf upsert;     /* up: the row of a version, done or in progress */
    StrBuf progress;   /* down: a version in progress */
    StrBuf del;        /* down: a version done */
    Queue q;
    bool in_tx;
    const char *open_what; /* what the open transaction already holds (fresh's drop) */
    /* durable: jobs [0, ndone) finished, jobs[ndone] at step `step` */
    size_t ndone;
    long step;
    bool any_commit;   /* this run committed something */
    const char *committed_open; /* open_what, once committed */
    /* an online migration's transactional steps (docs/online.md, "Lock timeout and retries") */
    const Migration *lt_of; /* whose lockTimeoutMs the open transaction runs under, or NULL */
    int tx_attempt;         /* retries of the open transaction so far */
    const Migration *retry_m; /* set by tx_lock_retry: the transaction is to be run again */
    const MigFile *retry_f;
    StrBuf retry_msg;
};

static char *numstr(long v)
{
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "%ld", v);
    return sb_detach(&sb);
}

/* The tracking-row write for job i: finished, or `step` of its steps done. */
static Queued row_item(Exec *x, size_t i, bool final, long step)
{
    const Migration *m = x->jobs[i].m;
    Queued it = { NULL, 0, { NULL }, { NULL }, m, NULL, 0 };
    if (x->down && final) {
        it.sql = xstrdup(x->del.buf);
        it.nparams = 1;
        it.params[0] = m->version;
    } else if (x->down) {
        it.sql = xstrdup(x->progress.buf);
        it.own[0] = numstr(step);
        it.own[1] = numstr((long)x->nsteps[i]);
        it.nparams = 3;
        it.params[0] = m->version;
        it.params[1] = it.own[0];
        it.params[2] = it.own[1];
    } else {
        it.sql = xstrdup(x->upsert.buf);
        it.own[0] = numstr(final ? 0 : step);
        it.own[1] = numstr(final ? 0 : (long)x->nsteps[i]);
        it.nparams = 7;
        const char *p[7] = { m->version, x->bstr, m->checksum, m->message, final ? "applied" : "up",
                             it.own[0], it.own[1] };
        memcpy(it.params, p, sizeof p);
    }
    return it;
}

static int begin_tx(Exec *x, PgError *e)
{
    if (x->in_tx)
        return 0;
    if (ledger_begin(x->c) != 0)
        return -1; /* reported, nothing open */
    x->in_tx = true;
    x->lt_of = NULL;
    if (ledger_ensure(x->c, e) != 0) {
        out_pg_error(x->c, e, "cannot create the tracking table");
        return -1;
    }
    return 0;
}

/* The connection ended before the server said how the statement ended: no SQLSTATE (lost
 * connection, client-side failure), a connection exception (08...) or the backend terminated
 * by an operator or a crash (57P..): a COMMIT's outcome is then unknown. */
static bool no_answer(const PgError *e)
{
    return !e->sqlstate || !strncmp(e->sqlstate, "08", 2) || !strncmp(e->sqlstate, "57P", 3);
}

static int commit_tx(Exec *x, size_t ndone, long step, PgError *e, bool *unknown)
{
    x->in_tx = false;
    if (pg_exec(x->c->conn, "COMMIT", e) != 0) {
        *unknown = no_answer(e);
        out_pg_error(x->c, e, "COMMIT failed");
        return -1;
    }
    x->ndone = ndone;
    x->step = step;
    x->any_commit = true;
    x->tx_attempt = 0;
    if (x->open_what)
        x->committed_open = x->open_what;
    x->open_what = NULL;
    return 0;
}

/* What is committed, for the failure message: "the drop ..., 2 migration(s) applied and
 * 1720000000003 at step 2 of 5". */
static void committed_summary(const Exec *x, StrBuf *out)
{
    const char *sep = "";
    if (x->committed_open) {
        sb_adds(out, x->committed_open);
        sep = ", ";
    }
    if (x->ndone) {
        sb_addf(out, "%s%zu migration(s) %s", sep, x->ndone, x->down ? "rolled back" : "applied");
        sep = " and ";
    }
    if (x->ndone < x->n && x->step > 0)
        sb_addf(out, "%s%s at step %ld of %zu", sep, x->jobs[x->ndone].m->version, x->step,
                x->nsteps[x->ndone]);
}

static void json_outcome(const Exec *x, json_t *done, const char *outcome)
{
    Ctx *c = x->c;
    if (!c->out)
        return;
    if (!x->down) /* rollback's "rolledBack" is its list of versions */
        json_object_set_new(c->out, "rolledBack", json_boolean(!strcmp(outcome, "rolledBack")));
    json_object_set_new(c->out, "outcome", json_string(outcome));
    for (size_t i = 0; i < x->ndone; i++)
        out_json_str(done, x->jobs[i].m->version);
    if (x->ndone < x->n && x->step > 0) {
        json_t *p = json_object();
        json_object_set_new(p, "version", json_string(x->jobs[x->ndone].m->version));
        json_object_set_new(p, "step", json_integer(x->step));
        json_object_set_new(p, "steps", json_integer((json_int_t)x->nsteps[x->ndone]));
        json_object_set_new(c->out, "partial", p);
    }
}

/* The failure's last lines. how: "rolledBack" (the open transaction was undone; everything
 * committed before it stays), "failed" (a statement outside a transaction failed) or "unknown"
 * (no answer to a COMMIT or to a statement outside a transaction). */
static void say_outcome(Exec *x, json_t *done, const char *how)
{
    Ctx *c = x->c;
    const char *cmd = x->down ? "rollback" : "migrate";
    json_outcome(x, done, how);
    if (c->o->json)
        return;
    StrBuf sum = SB_INIT;
    committed_summary(x, &sum);
    const char *what = sum.len ? sum.buf : "nothing in this run";
    if (!strcmp(how, "rolledBack") && !x->any_commit)
        fprintf(stderr, "%s✓ Transaction rolled back - database unchanged%s\n",
                out_col(c->o, GREEN), out_col(c->o, RESET));
    else if (!strcmp(how, "rolledBack"))
        fprintf(stderr,
                "%s✓ Transaction rolled back%s - the changes since the last commit were undone; "
                "committed before it: %s. The next %s resumes there.\n",
                out_col(c->o, GREEN), out_col(c->o, RESET), what, cmd);
    else if (!strcmp(how, "failed"))
        fprintf(stderr,
                "%sThe statement ran outside a transaction:%s only it was undone; committed: %s. "
                "Fix the cause and run %s again: it retries from this step.\n",
                out_col(c->o, YELLOW), out_col(c->o, RESET), what, cmd);
    else
        fprintf(stderr,
                "%sOutcome unknown:%s the connection ended before the server reported the result, "
                "so whether the last step "
                "committed is not known (committed for certain: %s). '%s status' shows what the "
                "tracking table holds; the next %s resumes from there (a repeated "
                "non-transactional statement is written to be harmless).\n",
                out_col(c->o, YELLOW), out_col(c->o, RESET), what, c->o->prog, cmd);
    sb_release(&sum);
}


/* An online step's lock timeout that will be retried (docs/online.md): a note on stderr, or
 * with --json an element of the document's "lockRetries" (stderr carries only errors then). */
static void note_lock_retry(Ctx *c, const Migration *m, const MigFile *f, const char *why,
                            bool whole_tx, int attempt, long wait_ms)
{
    if (c->o->json) {
        json_t *arr = json_object_get(c->out, "lockRetries");
        if (!arr) {
            arr = json_array();
            json_object_set_new(c->out, "lockRetries", arr);
        }
        json_t *r = json_object();
        json_object_set_new(r, "version", json_string(m->version));
        json_object_set_new(r, "file", json_string(f->rel));
        json_object_set_new(r, "lockTimeoutMs", json_integer(m->lock_timeout_ms));
        json_object_set_new(r, "message", json_string(why));
        json_object_set_new(r, "transactionRolledBack", json_boolean(whole_tx));
        json_object_set_new(r, "attempt", json_integer(attempt));
        json_object_set_new(r, "of", json_integer(m->retries));
        json_object_set_new(r, "waitMs", json_integer(wait_ms));
        json_array_append_new(arr, r);
        return;
    }
    fprintf(stderr, "note: %s/%s: lock not granted within %d ms (%s); %sretry %d of %d in %ld ms\n",
            m->version, f->rel, m->lock_timeout_ms, why,
            whole_tx ? "transaction rolled back, " : "", attempt, m->retries, wait_ms);
}

/* One step of a non-transactional file, outside any transaction, statement by statement. An
 * online migration (manifest "online") runs it under a short lock_timeout: a statement that
 * cannot get its lock in time (55P03) gives the lock back to the queue behind it, and the whole
 * step (its guard too) is retried after a backoff, a bounded number of times, saying so. */
static int run_nontx_stmt(Exec *x, const Migration *m, const MigFile *f, const Step *st,
                          PgError *e)
{
    Ctx *c = x->c;
    const char *p[] = { c->qschema.buf };
    if (pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('search_path', $1, false)", 1, p,
                 e) != 0) {
        report_sql_error(c, m, f, NULL, 0, e, x->down);
        return -1;
    }
    char lt[32];
    snprintf(lt, sizeof lt, "%dms", m->lock_timeout_ms);
    const char *lp[] = { lt };
    if (m->lock_timeout_ms &&
        pg_query(c->conn, NULL, "SELECT pg_catalog.set_config('lock_timeout', $1, false)", 1, lp,
                 e) != 0) {
        report_sql_error(c, m, f, NULL, 0, e, x->down);
        return -1;
    }
    /* the step's statements one by one: together they would run as one implicit transaction */
    size_t *ss;
    size_t n = sqlsplit_statements(f->sql + st->off, &ss);
    int rc = 0;
    for (int attempt = 0;; attempt++) {
        rc = 0;
        bool timed_out = false;
        for (size_t i = 0; i < n && rc == 0 && st->off + ss[2 * i] < st->end; i++) {
            size_t a = st->off + ss[2 * i], b = st->off + ss[2 * i + 1];
            if (b > st->end)
                b = st->end;
            char *stmt = xmalloc(b - a + 1);
            memcpy(stmt, f->sql + a, b - a);
            stmt[b - a] = '\0';
            rc = pg_exec(c->conn, stmt, e);
            timed_out = rc != 0 && m->lock_timeout_ms && e->sqlstate &&
                        !strcmp(e->sqlstate, "55P03") && attempt < m->retries;
            if (rc != 0 && !timed_out)
                report_sql_error(c, m, f, stmt, a, e, x->down);
            free(stmt);
        }
        if (!timed_out)
            break;
        long ms = backoff_delay_ms(attempt + 1);
        note_lock_retry(c, m, f, e->message ? e->message : "lock timeout", false, attempt + 1, ms);
        pg_error_release(e);
        backoff_sleep_ms(ms);
    }
    free(ss);
    if (rc == 0) {
        pg_exec(c->conn, "RESET search_path", NULL);
        if (m->lock_timeout_ms)
            pg_exec(c->conn, "RESET lock_timeout", NULL);
    }
    return rc;
}

/* A statement of the open transaction failed with e: when it is a lock timeout (55P03) in an
 * online migration's transactional step with retries left, note it for the retry (apply_run
 * rolls the transaction back, waits and runs it again from its start: nothing of it was
 * committed) and return true; the failure is then not reported. The transaction that holds
 * fresh's drop is not retried (the drop is not the executor's to repeat). */
static bool tx_lock_retry(Exec *x, const Migration *m, const MigFile *f, const PgError *e)
{
    if (!x || !m->lock_timeout_ms || !e->sqlstate || strcmp(e->sqlstate, "55P03") != 0 ||
        x->open_what || x->tx_attempt >= m->retries)
        return false;
    x->retry_m = m;
    x->retry_f = f;
    sb_reset(&x->retry_msg);
    sb_adds(&x->retry_msg, e->message ? e->message : "lock timeout");
    return true;
}

/* Before a transactional step of m: an online migration runs under its manifest's
 * lockTimeoutMs (as its non-transactional steps do), the others under the batch's
 * (--lock-timeout, else the session's). Local to the transaction. */
static void q_lock_timeout(Exec *x, const Migration *m)
{
    const Migration *want = m->lock_timeout_ms ? m : NULL;
    if (want == x->lt_of)
        return;
    Queued it = { NULL, 1, { NULL }, { NULL }, m, NULL, 0 };
    if (want) {
        StrBuf v = SB_INIT;
        sb_addf(&v, "%dms", m->lock_timeout_ms);
        it.own[0] = sb_detach(&v);
        it.params[0] = it.own[0];
        it.sql = xstrdup("SELECT pg_catalog.set_config('lock_timeout', $1, true)");
    } else if (x->c->o->lock_timeout) {
        it.params[0] = x->c->o->lock_timeout;
        it.sql = xstrdup("SELECT pg_catalog.set_config('lock_timeout', $1, true)");
    } else {
        it.nparams = 0;
        it.sql = xstrdup("SELECT pg_catalog.set_config('lock_timeout', reset_val, true) "
                         "FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'");
    }
    q_push(&x->q, it);
    x->lt_of = want;
}

/* Queue (or run, for BEGIN ATOMIC bodies) the files of a transactional step. */
static int run_tx_step(Exec *x, const Migration *m, const MigFile *files, const Step *st,
                       PgError *e)
{
    Ctx *c = x->c;
    q_lock_timeout(x, m);
    for (size_t k = st->file; k < st->file + st->nfiles; k++) {
        const MigFile *f = &files[k];
        if (sqlsplit_has_begin_atomic(f->sql) || x->down) {
            /* down files run whole, as before the pipeline (errors point into them); BEGIN
             * ATOMIC bodies cannot be split */
            if (q_flush(c, x, &x->q, x->down, e) != 0)
                return -1;
            if (x->down)
                announce(prog_cur, f->rel);
            const char *body = sql_body(f->sql);
            if (pg_exec(c->conn, body, e) != 0) {
                if (!tx_lock_retry(x, m, f, e))
                    report_sql_error(c, m, f, body, (size_t)(body - f->sql), e, x->down);
                return -1;
            }
            continue;
        }
        q_file(&x->q, m, f);
    }
    return 0;
}

/* ---- the lock budget -------------------------------------------------------------------- */
/* A transaction keeps every lock it takes until it ends, and they all come from one shared
 * lock table of max_locks_per_transaction * (max_connections + max_prepared_transactions)
 * entries: creating or dropping a table takes about 11 (the table, its indexes, sequences,
 * constraints, toast table and row types: 11,003 measured for 1,000 tables), any other
 * statement at least one. A batch that cannot fit fails at the end with "out of shared
 * memory"; say so before it starts. */
enum { LOCKS_PER_TABLE = 11 };

static bool word_at(const char **p, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(*p, w, n) || ((*p)[n] && !strchr(" \t\r\n(", (*p)[n])))
        return false;
    *p += n;
    while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')
        (*p)++;
    return true;
}

/* Locks a statement [s, e) is likely to take in the batch's transaction. */
static long stmt_locks(const char *s, const char *e)
{
    for (;;) { /* leading white space and comments */
        while (s < e && strchr(" \t\r\n", *s))
            s++;
        if (e - s >= 2 && s[0] == '-' && s[1] == '-') {
            while (s < e && *s != '\n')
                s++;
        } else if (e - s >= 2 && s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            s = end && end < e ? end + 2 : e;
        } else {
            break;
        }
    }
    const char *p = s;
    if (word_at(&p, "CREATE") && (word_at(&p, "TABLE") ||
                                  (word_at(&p, "UNLOGGED") && word_at(&p, "TABLE"))))
        return LOCKS_PER_TABLE;
    p = s;
    if (word_at(&p, "DROP") && word_at(&p, "TABLE")) {
        long names = 1; /* DROP TABLE a, b, c */
        for (const char *q = p; q < e; q++)
            names += *q == ',';
        return names * LOCKS_PER_TABLE;
    }
    return 1;
}

/* A warning when the transactional part of the batch likely needs more locks than the server's
 * lock table holds. Only an estimate: it never refuses. */
static void lock_budget_note(Ctx *c, const Job *jobs, size_t n, bool down)
{
    long need = 0;
    for (size_t i = 0; i < n; i++) {
        const Migration *m = jobs[i].m;
        const MigFile *files = down ? m->down : m->up;
        size_t nf = down ? m->ndown : m->nup;
        for (size_t k = 0; k < nf; k++) {
            if (files[k].nontx || !files[k].sql)
                continue;
            size_t *cut = NULL, ns = sqlsplit_statements(files[k].sql, &cut);
            for (size_t j = 0; j < ns; j++)
                need += stmt_locks(files[k].sql + cut[2 * j], files[k].sql + cut[2 * j + 1]);
            free(cut);
        }
    }
    if (need < 1000) /* far below any server's default (64 * 100) */
        return;
    long have = pg_lock_capacity(c->conn);
    if (have <= 0 || need <= have)
        return;
    fflush(stdout);
    fprintf(stderr,
            "%swarning:%s this batch takes about %ld locks in one transaction, and the server's "
            "lock table holds about %ld (max_locks_per_transaction x (max_connections + "
            "max_prepared_transactions)): it is likely to fail with \"out of shared memory\". "
            "Raise max_locks_per_transaction (a server restart), or apply fewer migrations at a "
            "time.\n",
            out_col(c->o, YELLOW), out_col(c->o, RESET), need, have);
}

int apply_run(Ctx *c, bool down, const Job *jobs, size_t n, long batch, json_t *done,
              const char *open_what)
{
    lock_budget_note(c, jobs, n, down);
    prog_jobs = jobs;
    prog_n = n;
    prog_next = 0;
    progress_begin(down ? "rollback" : c->o->cmd == CMD_FRESH ? "fresh" : "migrate", n);
    Exec x = { 0 };
    x.c = c;
    x.down = down;
    x.jobs = jobs;
    x.n = n;
    x.in_tx = open_what != NULL;
    x.open_what = open_what;
    x.step = n ? jobs[0].done : 0;
    snprintf(x.bstr, sizeof x.bstr, "%ld", batch);
    x.steps = xcalloc(n + 1, sizeof *x.steps);
    x.nsteps = xcalloc(n + 1, sizeof *x.nsteps);
    for (size_t i = 0; i < n; i++)
        x.nsteps[i] = steps_build(down ? jobs[i].m->down : jobs[i].m->up,
                                  down ? jobs[i].m->ndown : jobs[i].m->nup, &x.steps[i]);
    /* duration measured by the server, from the version's first statement to its row; a
     * resumed version adds to what its earlier runs took */
    sb_addf(&x.upsert,
            "INSERT INTO %s AS t (version, batch, checksum, duration_ms, message, state, step, "
            "steps) VALUES ($1, $2, $3, coalesce((extract(epoch FROM clock_timestamp() - "
            "nullif(pg_catalog.current_setting('strav.t0', true), '')::timestamptz) * 1000)::int, "
            "0), $4, $5, $6, $7) ON CONFLICT (version) DO UPDATE SET batch = EXCLUDED.batch, "
            "checksum = EXCLUDED.checksum, message = EXCLUDED.message, state = EXCLUDED.state, "
            "step = EXCLUDED.step, steps = EXCLUDED.steps, executed_at = clock_timestamp(), "
            "duration_ms = t.duration_ms + EXCLUDED.duration_ms",
            c->qtable.buf);
    sb_addf(&x.progress,
            "UPDATE %s SET state = 'down', step = $2, steps = $3 WHERE version = $1",
            c->qtable.buf);
    sb_addf(&x.del, "DELETE FROM %s WHERE version = $1", c->qtable.buf);
    static const char t0_sql[] =
        "SELECT pg_catalog.set_config('strav.t0', clock_timestamp()::text, true)";
    PgError e = PG_ERROR_INIT;
    bool unknown = false;
    int rc = -1;
    if (x.in_tx && ledger_ensure(c, &e) != 0) {
        out_pg_error(c, &e, "cannot create the tracking table");
        goto fail_tx;
    }
restart: /* a transaction retried after a lock timeout runs again from the last commit */
    for (size_t i = x.ndone; i < n; i++) {
        const Migration *m = jobs[i].m;
        const MigFile *files = down ? m->down : m->up;
        const Step *S = x.steps[i];
        long ns = (long)x.nsteps[i], s0 = i == x.ndone ? x.step : jobs[i].done;
        if (s0 > ns)
            s0 = ns;
        bool tx_work = false, timed = false;
        prog_cur = i; /* down files run as they come, not queued: run_tx_step announces them */
        for (long s = s0; s < ns; s++) {
            const Step *st = &S[s];
            if (!st->nontx) {
                if (begin_tx(&x, &e) != 0)
                    goto fail_tx;
                if (!timed && !down) {
                    q_push(&x.q, (Queued){ xstrdup(t0_sql), 0, { NULL }, { NULL }, m, NULL, 0 });
                    timed = true;
                }
                if (run_tx_step(&x, m, files, st, &e) != 0)
                    goto fail_tx;
                tx_work = true;
                continue;
            }
            /* a non-transactional statement: commit what came before it, with its progress */
            const MigFile *f = &files[st->file];
            if (x.in_tx) {
                if (tx_work)
                    q_push(&x.q, row_item(&x, i, false, s));
                if (q_flush(c, &x, &x.q, down, &e) != 0)
                    goto fail_tx;
                if (commit_tx(&x, i, s, &e, &unknown) != 0)
                    goto fail_commit;
                tx_work = timed = false;
            }
            announce(i, f->rel);
            if (s == s0 || !S[s - 1].nontx || S[s - 1].file != st->file) {
                fflush(stdout);
                progress_clear();
                if (!c->o->json)
                    fprintf(stderr,
                            "note: atomicity boundary: everything before %s/%s is committed; it "
                            "runs outside a transaction, statement by statement\n",
                            m->version, f->rel);
            }
            if (ledger_ensure(c, &e) != 0) { /* on its own: the row follows the statement */
                out_pg_error(c, &e, "cannot create the tracking table");
                unknown = no_answer(&e);
                goto fail_out;
            }
            if (run_nontx_stmt(&x, m, f, st, &e) != 0) {
                unknown = no_answer(&e);
                goto fail_out;
            }
            x.any_commit = true;
            /* the statement is done: record it (re-running it after a kill right here is
             * harmless by construction, docs/runtime.md) */
            bool final = s + 1 == ns;
            Queued it = row_item(&x, i, final, s + 1);
            int wrc = pg_query(c->conn, NULL, it.sql, it.nparams, it.params, &e);
            free(it.sql);
            free(it.own[0]);
            free(it.own[1]);
            if (wrc != 0) {
                out_pg_error(c, &e, "the step ran but its progress could not be recorded");
                unknown = true;
                goto fail_out;
            }
            if (final) {
                x.ndone = i + 1;
                x.step = i + 1 < n ? jobs[i + 1].done : 0;
            } else {
                x.step = s + 1;
            }
        }
        if (ns > s0 && S[ns - 1].nontx)
            continue; /* its final row went in right after its last statement */
        if (begin_tx(&x, &e) != 0)
            goto fail_tx;
        q_push(&x.q, row_item(&x, i, true, 0));
    }
    if (q_flush(c, &x, &x.q, down, &e) != 0)
        goto fail_tx;
    if (x.in_tx && commit_tx(&x, n, 0, &e, &unknown) != 0)
        goto fail_commit;
    for (size_t i = 0; i < n; i++)
        out_json_str(done, jobs[i].m->version);
    rc = 0;
    goto out;
fail_commit:
    say_outcome(&x, done, unknown ? "unknown" : "rolledBack");
    goto out;
fail_tx:
    if (x.in_tx)
        pg_exec(c->conn, "ROLLBACK", NULL);
    x.in_tx = false;
    if (x.retry_m) { /* a lock timeout with retries left (tx_lock_retry) */
        long ms = backoff_delay_ms(++x.tx_attempt);
        fflush(stdout);
        progress_clear();
        note_lock_retry(c, x.retry_m, x.retry_f, x.retry_msg.buf, true, x.tx_attempt, ms);
        x.retry_m = NULL;
        pg_error_release(&e);
        backoff_sleep_ms(ms);
        goto restart;
    }
    if (x.open_what && !c->o->json)
        fprintf(stderr, "note: %s was undone with it\n", x.open_what);
    say_outcome(&x, done, "rolledBack");
    goto out;
fail_out:
    say_outcome(&x, done, unknown ? "unknown" : "failed");
out:
    progress_end();
    prog_jobs = NULL;
    q_clear(&x.q);
    free(x.q.v);
    for (size_t i = 0; i < n; i++)
        free(x.steps[i]);
    free(x.steps);
    free(x.nsteps);
    sb_release(&x.upsert);
    sb_release(&x.progress);
    sb_release(&x.del);
    sb_release(&x.retry_msg);
    pg_error_release(&e);
    return rc;
}
