/*
 * runner.c - migrate, rollback, fresh and status for one domain (see runner.h).
 * Order of work for every command: parse options, resolve the domain, read and verify the
 * migration directories (nothing has touched the database yet), connect, take the domain's
 * session advisory lock, read the tracking table, then act in one transaction.
 */
#include "runner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "embedded.h"
#include "migset.h"
#include "pg.h"
#include "strbuf.h"

typedef struct Opts {
    RunCmd cmd;
    const char *prog;
    const char *scope;
    const char *database;
    const char *migrations_root, *schemas_root;
    const char *lock_timeout, *statement_timeout;
    long batch, step;
    bool force, json, allow_out_of_order, color;
} Opts;

typedef struct Ctx {
    const Opts *o;
    PgConn *conn;
    MigSet set;
    char *schema;      /* PostgreSQL schema of the domain */
    char *table;       /* tracking table name */
    StrBuf qschema;    /* quoted schema */
    StrBuf qtable;     /* quoted schema.table */
    bool have_table;   /* tracking table exists */
    PgResult *applied; /* version, batch, checksum, executed_at, message, duration_ms */
    json_t *out;       /* --json result object */
} Ctx;

/* ---- output ------------------------------------------------------------------------------ */

static const char *col(const Opts *o, const char *code)
{
    return o->color ? code : "";
}
#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define CYAN   "\033[36m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

/* Text lines go to stdout unless --json. */
static void say(const Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void say(const Ctx *c, const char *fmt, ...)
{
    if (c->o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

/* "Error: ..." on stderr (and in the JSON result). */
static void fail_msg(Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void fail_msg(Ctx *c, const char *fmt, ...)
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
        fprintf(stderr, "%sError: %s%s\n", col(c->o, RED), sb_str(&sb), col(c->o, RESET));
    sb_release(&sb);
}

static void json_add_str(json_t *arr, const char *s)
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
        static const char *const with_value[] = { "-s", "--scope", "--batch", "--step",
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

/* ---- connection, lock, tracking table ---------------------------------------------------- */

static int connect_db(Ctx *c)
{
    StrBuf info = SB_INIT, err = SB_INIT;
    int rc = -1;
    const char *url = c->o->database;
    if (!url || !*url)
        url = getenv("DATABASE_URL");
    if (url && *url)
        sb_adds(&info, url);
    else if (!pg_env_configured() && embedded_ensure(&info, &err) != 0) {
        fail_msg(c, "%s", sb_str(&err));
        goto out;
    }
    c->conn = pg_connect(sb_str(&info), &err);
    if (!c->conn) {
        fail_msg(c, "%s", sb_str(&err));
        goto out;
    }
    rc = 0;
out:
    sb_release(&info);
    sb_release(&err);
    return rc;
}

static void report_pg_error(Ctx *c, const PgError *e, const char *what)
{
    fail_msg(c, "%s: %s", what, e->message ? e->message : "unknown error");
    if (e->sqlstate && !c->o->json)
        fprintf(stderr, "note: SQLSTATE %s\n", e->sqlstate);
}

/* Session-level advisory lock keyed by the tracking table's qualified name: held until the
 * connection ends, so a killed runner releases it. */
static int take_lock(Ctx *c)
{
    PgError e = PG_ERROR_INIT;
    StrBuf key = SB_INIT;
    sb_addf(&key, "strav:%s.%s", c->schema, c->table);
    const char *p[] = { key.buf };
    int rc = pg_query(c->conn, NULL, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, p, &e);
    if (rc != 0)
        report_pg_error(c, &e, "cannot take the migration lock");
    pg_error_release(&e);
    sb_release(&key);
    return rc;
}

static int read_tracking(Ctx *c)
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
    StrBuf q = SB_INIT;
    sb_addf(&q,
            "SELECT version, batch, checksum, "
            "to_char(executed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "coalesce(message, ''), duration_ms FROM %s ORDER BY length(version), version",
            c->qtable.buf);
    rc = pg_query(c->conn, &c->applied, q.buf, 0, NULL, &e);
    sb_release(&q);
    if (rc == 0)
        return 0;
fail:
    report_pg_error(c, &e, "cannot read the tracking table");
    pg_error_release(&e);
    return -1;
}

static int napplied(const Ctx *c)
{
    return c->applied ? pg_nrows(c->applied) : 0;
}

static bool is_applied(const Ctx *c, const char *version)
{
    int lo = 0, hi = napplied(c);
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int k = version_cmp(pg_value(c->applied, mid, 0), version);
        if (k == 0)
            return true;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static long max_batch(const Ctx *c)
{
    long m = 0;
    for (int i = 0; i < napplied(c); i++) {
        long b = strtol(pg_value(c->applied, i, 1), NULL, 10);
        if (b > m)
            m = b;
    }
    return m;
}

/* ---- running SQL ------------------------------------------------------------------------- */

/* Print a failed statement as file:line:col with the server's fields. */
static void report_sql_error(Ctx *c, const Migration *m, const MigFile *f, const char *text,
                             size_t text_off, const PgError *e, bool down)
{
    fail_msg(c, "%s %s failed: %s", down ? "Rollback of migration" : "Migration", m->version,
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

/* Split SQL text into statements at top-level ';' (quotes, comments, dollar quotes honoured).
 * Each statement is [start, end) offsets; returns the count (caller frees *out). */
static size_t split_statements(const char *s, size_t **out)
{
    size_t cap = 8, n = 0, start = 0, i = 0;
    size_t *v = xmalloc(cap * 2 * sizeof *v);
    size_t len = strlen(s);
    while (i < len) {
        char ch = s[i];
        if (ch == '-' && s[i + 1] == '-') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (ch == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            i = e ? (size_t)(e - s) + 2 : len;
        } else if (ch == '\'' || ch == '"') {
            i++;
            while (i < len && s[i] != ch)
                i++;
            i++;
        } else if (ch == '$') {
            size_t j = i + 1;
            while (j < len && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') ||
                               (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9')))
                j++;
            if (j < len && s[j] == '$') {
                size_t taglen = j - i + 1;
                const char *e = s + j + 1;
                for (; *e; e++)
                    if (strncmp(e, s + i, taglen) == 0)
                        break;
                i = *e ? (size_t)(e - s) + taglen : len;
            } else {
                i++;
            }
        } else if (ch == ';') {
            i++;
            if (n == cap) {
                cap *= 2;
                v = xrealloc(v, cap * 2 * sizeof *v);
            }
            v[2 * n] = start;
            v[2 * n + 1] = i;
            n++;
            start = i;
        } else {
            i++;
        }
    }
    bool rest = false;
    for (size_t k = start; k < len; k++)
        if (s[k] != ' ' && s[k] != '\n' && s[k] != '\t' && s[k] != '\r')
            rest = true;
    if (rest) {
        if (n == cap)
            v = xrealloc(v, (cap + 1) * 2 * sizeof *v);
        v[2 * n] = start;
        v[2 * n + 1] = len;
        n++;
    }
    *out = v;
    return n;
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
    size_t n = split_statements(f->sql, &st);
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

static int begin_tx(Ctx *c)
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
        report_pg_error(c, &e, "cannot start the transaction");
        pg_exec(c->conn, "ROLLBACK", NULL);
    }
    pg_error_release(&e);
    return rc;
}

/* Create the domain's schema and tracking table (inside the batch transaction). */
static int ensure_tracking(Ctx *c, PgError *e)
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
    sb_addf(&q,
            "CREATE TABLE %s (\n"
            "  id serial PRIMARY KEY,\n"
            "  version varchar(255) NOT NULL UNIQUE,\n"
            "  batch integer NOT NULL,\n"
            "  executed_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
            "  checksum char(64) NOT NULL,\n"
            "  duration_ms integer NOT NULL DEFAULT 0,\n"
            "  message text\n"
            ")",
            c->qtable.buf);
    int rc = pg_exec(c->conn, q.buf, e);
    sb_release(&q);
    if (rc == 0)
        c->have_table = true;
    return rc;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Apply migrations list[0..n) as batch `batch`. Transactional files of all of them share one
 * transaction; a non-transactional file commits what came before it (the atomicity boundary)
 * and runs on its own. On failure the open transaction is rolled back and the seed's lines are
 * printed. 0 or -1. */
static int apply_list(Ctx *c, const Migration **list, size_t n, long batch, json_t *done,
                      bool open)
{
    PgError e = PG_ERROR_INIT;
    bool in_tx = open; /* a transaction is already open (fresh: the drop is part of it) */
    size_t committed = 0; /* migrations whose rows are committed (before a boundary) */
    int rc = -1;
    char bstr[32];
    snprintf(bstr, sizeof bstr, "%ld", batch);
    StrBuf ins = SB_INIT;
    sb_addf(&ins,
            "INSERT INTO %s (version, batch, checksum, duration_ms, message) "
            "VALUES ($1, $2, $3, $4, $5)",
            c->qtable.buf);
    if (in_tx && ensure_tracking(c, &e) != 0) {
        report_pg_error(c, &e, "cannot create the tracking table");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const Migration *m = list[i];
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (size_t k = 0; k < m->nup; k++) {
            const MigFile *f = &m->up[k];
            if (f->nontx) {
                if (in_tx) {
                    if (pg_exec(c->conn, "COMMIT", &e) != 0) {
                        report_pg_error(c, &e, "COMMIT failed");
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
                if (begin_tx(c) != 0)
                    goto fail_quiet;
                in_tx = true;
                if (ensure_tracking(c, &e) != 0) {
                    report_pg_error(c, &e, "cannot create the tracking table");
                    goto fail;
                }
            }
            if (pg_exec(c->conn, f->sql, &e) != 0) {
                report_sql_error(c, m, f, f->sql, 0, &e, false);
                goto fail;
            }
        }
        if (!in_tx) { /* the row goes in with the next statements, or on its own */
            if (begin_tx(c) != 0)
                goto fail_quiet;
            in_tx = true;
            if (ensure_tracking(c, &e) != 0) {
                report_pg_error(c, &e, "cannot create the tracking table");
                goto fail;
            }
        }
        char dur[32];
        snprintf(dur, sizeof dur, "%ld", ms_since(&t0));
        const char *p[] = { m->version, bstr, m->checksum, dur, m->message };
        if (pg_query(c->conn, NULL, ins.buf, 5, p, &e) != 0) {
            report_pg_error(c, &e, "cannot record the migration");
            goto fail;
        }
    }
    if (in_tx && pg_exec(c->conn, "COMMIT", &e) != 0) {
        in_tx = false;
        report_pg_error(c, &e, "COMMIT failed");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        json_add_str(done, list[i]->version);
    rc = 0;
    goto out;
fail:
    if (in_tx)
        pg_exec(c->conn, "ROLLBACK", NULL);
    if (!c->o->json) {
        if (committed == 0)
            fprintf(stderr, "%s✓ Transaction rolled back - database unchanged%s\n",
                    col(c->o, GREEN), col(c->o, RESET));
        else
            fprintf(stderr,
                    "%s✓ Transaction rolled back%s - changes after the last non-transactional step "
                    "were undone; %zu migration(s) committed before it stay applied\n",
                    col(c->o, GREEN), col(c->o, RESET), committed);
    }
fail_quiet:
    if (c->out) {
        json_object_set_new(c->out, "rolledBack", json_true());
        for (size_t i = 0; i < committed; i++)
            json_add_str(done, list[i]->version);
    }
out:
    sb_release(&ins);
    pg_error_release(&e);
    return rc;
}

/* Revert list[0..n) (newest first) in one transaction, removing their rows. */
static int revert_list(Ctx *c, const Migration **list, size_t n, json_t *done)
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
                    report_pg_error(c, &e, "COMMIT failed");
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
                if (begin_tx(c) != 0)
                    goto out;
                in_tx = true;
            }
            if (pg_exec(c->conn, f->sql, &e) != 0) {
                report_sql_error(c, m, f, f->sql, 0, &e, true);
                goto fail;
            }
        }
        if (!in_tx) {
            if (begin_tx(c) != 0)
                goto out;
            in_tx = true;
        }
        const char *p[] = { m->version };
        if (pg_query(c->conn, NULL, del.buf, 1, p, &e) != 0) {
            report_pg_error(c, &e, "cannot update the tracking table");
            goto fail;
        }
    }
    if (in_tx && pg_exec(c->conn, "COMMIT", &e) != 0) {
        in_tx = false;
        report_pg_error(c, &e, "COMMIT failed");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        json_add_str(done, list[i]->version);
    rc = 0;
    goto out;
fail:
    if (in_tx)
        pg_exec(c->conn, "ROLLBACK", NULL);
    if (!c->o->json)
        fprintf(stderr, "%s✓ Transaction rolled back - database unchanged%s\n", col(c->o, GREEN),
                col(c->o, RESET));
out:
    sb_release(&del);
    pg_error_release(&e);
    return rc;
}

/* ---- integrity --------------------------------------------------------------------------- */

/* Applied rows whose directory is gone or whose manifest checksum differs; prints each and
 * returns how many. */
static int check_applied(Ctx *c, bool quiet)
{
    int bad = 0;
    fflush(stdout);
    for (int i = 0; i < napplied(c); i++) {
        const char *v = pg_value(c->applied, i, 0);
        const Migration *m = migset_find(&c->set, v);
        if (!m) {
            if (!quiet)
                fprintf(stderr, "error: applied migration %s is missing on disk (%s/%s)\n", v,
                        c->set.root, v);
            bad++;
        } else if (m->problem || strcmp(m->checksum, pg_value(c->applied, i, 2)) != 0) {
            if (!quiet)
                fprintf(stderr, "error: applied migration %s was modified since it was applied%s%s\n",
                        v, m->problem ? ": " : " (manifest checksum differs)",
                        m->problem ? m->problem : "");
            bad++;
        }
    }
    return bad;
}

/* ---- commands ---------------------------------------------------------------------------- */

static int cmd_migrate(Ctx *c)
{
    say(c, "%sRunning pending migrations...%s\n", col(c->o, CYAN), col(c->o, RESET));
    int bad = check_applied(c, false);
    if (bad) {
        fail_msg(c, "%d applied migration(s) of domain %s changed or vanished on disk; restore "
                    "them (see '%s status -s %s') before migrating",
                 bad, c->set.domain, c->o->prog, c->set.domain);
        return 1;
    }
    const char *newest = napplied(c) ? pg_value(c->applied, napplied(c) - 1, 0) : NULL;
    const Migration **pending = xcalloc(c->set.n + 1, sizeof *pending);
    size_t np = 0;
    int rc = 1;
    for (size_t i = 0; i < c->set.n; i++) {
        const Migration *m = &c->set.v[i];
        if (is_applied(c, m->version))
            continue;
        if (m->problem) {
            fail_msg(c, "Migration %s cannot be applied: %s", m->version, m->problem);
            goto out;
        }
        if (newest && version_cmp(m->version, newest) < 0 && !c->o->allow_out_of_order) {
            fail_msg(c, "pending migration %s is older than the newest applied one (%s); apply "
                        "it anyway with --allow-out-of-order",
                     m->version, newest);
            goto out;
        }
        pending[np++] = m;
    }
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    if (np == 0) {
        say(c, "Nothing to migrate. All migrations are up to date.\n");
        rc = 0;
        goto out;
    }
    long batch = max_batch(c) + 1;
    json_object_set_new(c->out, "batch", json_integer(batch));
    if (apply_list(c, pending, np, batch, done, false) != 0)
        goto out;
    say(c, "\n%sApplied %zu migration(s) in batch %ld:%s\n", col(c->o, GREEN), np, batch,
        col(c->o, RESET));
    for (size_t i = 0; i < np; i++)
        say(c, "  - %s\n", pending[i]->version);
    rc = 0;
out:
    free(pending);
    return rc;
}

static int cmd_rollback(Ctx *c)
{
    long last = max_batch(c), batch = c->o->batch ? c->o->batch : last;
    if (c->o->step)
        say(c, "%sRolling back last %ld migration(s)...%s\n", col(c->o, CYAN), c->o->step,
            col(c->o, RESET));
    else if (batch)
        say(c, "%sRolling back batch %ld...%s\n", col(c->o, CYAN), batch, col(c->o, RESET));
    else
        say(c, "%sRolling back last batch...%s\n", col(c->o, CYAN), col(c->o, RESET));
    json_t *done = json_array();
    json_object_set_new(c->out, "rolledBack", done);
    if (c->o->batch && batch != last && last != 0 && !c->o->force && batch < last) {
        fail_msg(c, "batch %ld is not the latest batch (%ld); rolling it back would leave later "
                    "batches on top of it: use --force to do it anyway",
                 batch, last);
        return 1;
    }
    /* targets: newest first */
    const Migration **list = xcalloc((size_t)napplied(c) + 1, sizeof *list);
    size_t n = 0;
    int rc = 1;
    for (int i = napplied(c) - 1; i >= 0; i--) {
        long b = strtol(pg_value(c->applied, i, 1), NULL, 10);
        if (!c->o->step && b != batch)
            continue;
        if (c->o->step && n >= (size_t)c->o->step)
            break;
        const char *v = pg_value(c->applied, i, 0);
        const Migration *m = migset_find(&c->set, v);
        if (!m) {
            fail_msg(c, "cannot roll back %s: its directory %s/%s is missing", v, c->set.root, v);
            goto out;
        }
        if (m->problem) {
            fail_msg(c, "cannot roll back %s: %s", v, m->problem);
            goto out;
        }
        if (strcmp(m->checksum, pg_value(c->applied, i, 2)) != 0 && !c->o->force) {
            fail_msg(c, "cannot roll back %s: it was modified since it was applied (manifest "
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
        say(c, "Nothing to rollback.\n");
        rc = 0;
        goto out;
    }
    if (!c->o->step)
        json_object_set_new(c->out, "batch", json_integer(batch));
    if (revert_list(c, list, n, done) != 0)
        goto out;
    if (c->o->step)
        say(c, "\n%sRolled back %zu migration(s):%s\n", col(c->o, GREEN), n, col(c->o, RESET));
    else
        say(c, "\n%sRolled back %zu migration(s) from batch %ld:%s\n", col(c->o, GREEN), n, batch,
            col(c->o, RESET));
    for (size_t i = 0; i < n; i++)
        say(c, "  - %s\n", list[i]->version);
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
        fail_msg(c, "fresh drops every object of domain %s; it needs --force when not run on a "
                    "terminal",
                 c->set.domain);
        return false;
    }
    fprintf(stderr,
            "%sWARNING:%s this drops every object of domain '%s' (schema %s) and re-applies its "
            "migrations.\nType the domain name to confirm: ",
            col(c->o, YELLOW), col(c->o, RESET), c->set.domain, c->schema);
    char line[256];
    if (!fgets(line, sizeof line, stdin))
        line[0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(line, c->set.domain) != 0) {
        fail_msg(c, "%s", "Confirmation does not match. Operation cancelled.");
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
        report_pg_error(c, &e, "cannot inspect foreign keys");
        goto out;
    }
    if (pg_nrows(r) > 0) {
        fail_msg(c, "fresh would drop objects that other domains reference; drop or roll back "
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
    report_pg_error(c, &e, "cannot drop the domain's objects");
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
            fail_msg(c, "Migration %s cannot be applied: %s", c->set.v[i].version,
                     c->set.v[i].problem);
            return 1;
        }
    if (check_incoming_fks(c) != 0)
        return 1;
    say(c, "%sDropping every object of domain %s (schema %s)...%s\n", col(c->o, CYAN),
        c->set.domain, c->schema, col(c->o, RESET));
    say(c, "%sRunning pending migrations...%s\n", col(c->o, CYAN), col(c->o, RESET));
    if (begin_tx(c) != 0)
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
    if (apply_list(c, list, c->set.n, 1, done, true) != 0)
        goto out;
    say(c, "\n%sApplied %zu migration(s) in batch 1:%s\n", col(c->o, GREEN), c->set.n,
        col(c->o, RESET));
    for (size_t i = 0; i < c->set.n; i++)
        say(c, "  - %s\n", c->set.v[i].version);
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
    int j = 0, na = napplied(c);
    StrBuf notes = SB_INIT;
    while (i < c->set.n || j < na) {
        const Migration *m = NULL;
        int row = -1;
        int k = (i >= c->set.n) ? 1 : (j >= na) ? -1
                                                : version_cmp(c->set.v[i].version,
                                                              pg_value(c->applied, j, 0));
        if (k <= 0)
            m = &c->set.v[i++];
        if (k >= 0)
            row = j++;
        const char *st = state_name(m, row >= 0 ? pg_value(c->applied, row, 2) : NULL);
        const char *version = m ? m->version : pg_value(c->applied, row, 0);
        const char *msg = row >= 0 ? pg_value(c->applied, row, 4) : m->message;
        const char *batch = row >= 0 ? pg_value(c->applied, row, 1) : "-";
        const char *at = row >= 0 ? pg_value(c->applied, row, 3) : "-";
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
            printf("  %-15s %s%-9s%s %-6s %-21s %s\n", version, col(c->o, sc), st,
                   col(c->o, RESET), batch, at, msg);
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
    return (counts[2] || counts[3] || counts[4]) ? 1 : 0;
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
    if (runner_check_scope(o.scope, o.migrations_root, o.schemas_root) != 0) {
        json_object_set_new(c.out, "error", json_string("invalid domain"));
        goto out;
    }
    if (migset_load(&c.set, o.migrations_root, o.scope, cmd != CMD_STATUS, &err) != 0) {
        fail_msg(&c, "%s", sb_str(&err));
        goto out;
    }
    /* the newest manifest's schema is the one in force */
    for (size_t i = c.set.n; i-- > 0;)
        if (c.set.v[i].schema) {
            c.schema = xstrdup(c.set.v[i].schema);
            break;
        }
    if (!c.schema)
        c.schema = xstrdup(o.scope);
    StrBuf t = SB_INIT;
    if (strcmp(o.scope, "public") == 0)
        sb_adds(&t, "_strav_migrations");
    else
        sb_addf(&t, "_strav_%s_migrations", o.scope);
    c.table = sb_detach(&t);
    json_object_set_new(c.out, "schema", json_string(c.schema));
    if (cmd == CMD_FRESH && !confirm_fresh(&c))
        goto out;
    if (connect_db(&c) != 0)
        goto out;
    pg_quote_ident(c.conn, &c.qschema, c.schema);
    sb_addf(&c.qtable, "%s.", c.qschema.buf);
    pg_quote_ident(c.conn, &c.qtable, c.table);
    if (cmd != CMD_STATUS && take_lock(&c) != 0)
        goto out;
    if (read_tracking(&c) != 0)
        goto out;
    switch (cmd) {
    case CMD_MIGRATE:
        rc = cmd_migrate(&c);
        break;
    case CMD_ROLLBACK:
        rc = cmd_rollback(&c);
        break;
    case CMD_FRESH:
        rc = cmd_fresh(&c);
        break;
    case CMD_STATUS:
        rc = cmd_status(&c);
        break;
    default:
        BUG("unexpected command %d", (int)cmd);
    }
out:
    if (o.json) {
        json_object_set_new(c.out, "ok", json_boolean(rc == 0));
        char *s = json_dumps(c.out, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    }
    json_decref(c.out);
    pg_result_free(c.applied);
    pg_close(c.conn);
    migset_release(&c.set);
    free(c.schema);
    free(c.table);
    sb_release(&c.qschema);
    sb_release(&c.qtable);
    sb_release(&err);
    return rc;
}
