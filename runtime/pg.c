/*
 * pg.c - the runtime's libpq layer (see pg.h). Every runtime value goes through PQexecParams,
 * every identifier through sql_ident (the project's one quoting function); every PGresult is cleared on every path.
 */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "sqlquote.h"

static void notice_receiver(void *arg, const PGresult *res)
{
    UNUSED(arg);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (!msg)
        return;
    fflush(stdout);
    if (sev && (strcmp(sev, "NOTICE") == 0 || strcmp(sev, "INFO") == 0 || strcmp(sev, "LOG") == 0 ||
                strcmp(sev, "DEBUG") == 0))
        fprintf(stderr, "note: %s\n", msg);
    else
        fprintf(stderr, "warning: %s\n", msg);
}

static char *dup_chomp(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pg_redact(const char *conninfo)
{
    StrBuf sb = SB_INIT;
    const char *s = conninfo ? conninfo : "";
    if (strncmp(s, "postgres://", 11) == 0 || strncmp(s, "postgresql://", 13) == 0) {
        /* scheme://user:password@host... : blank out what lies between ':' and '@' */
        const char *auth = strstr(s, "://") + 3;
        const char *at = strchr(auth, '@');
        const char *slash = strchr(auth, '/');
        if (at && (!slash || at < slash)) {
            const char *colon = memchr(auth, ':', (size_t)(at - auth));
            if (colon) {
                sb_add(&sb, s, (size_t)(colon - s) + 1);
                sb_adds(&sb, "***");
                s = at;
            }
        }
        /* ...?password=x in the query string */
        const char *q = strstr(s, "password=");
        if (q) {
            sb_add(&sb, s, (size_t)(q - s) + 9);
            sb_adds(&sb, "***");
            s = q + 9;
            while (*s && *s != '&')
                s++;
        }
        sb_adds(&sb, s);
        return sb_detach(&sb);
    }
    /* key=value form: find "password" keywords */
    while (*s) {
        const char *p = strstr(s, "password");
        if (!p) {
            sb_adds(&sb, s);
            break;
        }
        const char *v = p + 8;
        while (*v == ' ')
            v++;
        if (*v != '=' || (p > conninfo && p[-1] != ' ')) {
            sb_add(&sb, s, (size_t)(p - s) + 8);
            s = p + 8;
            continue;
        }
        v++;
        sb_add(&sb, s, (size_t)(v - s));
        sb_adds(&sb, "***");
        while (*v == ' ')
            v++;
        if (*v == '\'') {
            v++;
            while (*v && *v != '\'') {
                if (*v == '\\' && v[1])
                    v++;
                v++;
            }
            if (*v)
                v++;
        } else {
            while (*v && *v != ' ')
                v++;
        }
        s = v;
    }
    return sb_detach(&sb);
}

bool pg_env_configured(void)
{
    static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGPORT", "PGUSER",
                                        "PGSERVICE" };
    for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return true;
    }
    return false;
}

PgConn *pg_connect(const char *conninfo, StrBuf *err)
{
    const char *keys[] = { "dbname", "fallback_application_name", NULL };
    const char *vals[] = { conninfo ? conninfo : "", "strav-run", NULL };
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        sb_adds(err, "out of memory while connecting");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char *msg = dup_chomp(PQerrorMessage(c));
        char *red = pg_redact(conninfo);
        /* libpq never echoes the password, but it may echo the URL: keep both redacted */
        sb_addf(err, "cannot connect to the database%s%s: %s", *red ? " " : "", red, msg);
        free(red);
        free(msg);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeReceiver(c, notice_receiver, NULL);
    return c;
}

void pg_close(PgConn *c)
{
    if (c)
        PQfinish(c);
}

void pg_error_release(PgError *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->sqlstate);
    free(e->detail);
    free(e->hint);
    free(e->context);
    *e = (PgError)PG_ERROR_INIT;
}

void pg_error_set(PgError *e, const char *msg)
{
    if (!e)
        return;
    pg_error_release(e);
    e->message = dup_chomp(msg);
}

/* Fill e from a failed result (or from the connection when res is NULL). */
static void capture_error(PgConn *c, const PGresult *res, PgError *e)
{
    if (!e)
        return;
    pg_error_release(e);
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        e->message = dup_chomp(PQerrorMessage(c));
        if (!e->message || !*e->message) {
            free(e->message);
            e->message = xstrdup("unknown error (connection lost?)");
        }
        return;
    }
    e->message = dup_chomp(primary);
    e->sqlstate = dup_chomp(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    e->detail = dup_chomp(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    e->hint = dup_chomp(PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
    e->context = dup_chomp(PQresultErrorField(res, PG_DIAG_CONTEXT));
    const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    if (pos) {
        char *end;
        long v = strtol(pos, &end, 10);
        e->position = (*end == '\0' && v > 0 && v < 0x7fffffff) ? (int)v : 0;
    }
}

int pg_exec(PgConn *c, const char *sql, PgError *e)
{
    int rc = -1;
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        capture_error(c, res, e);
        goto out;
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}

int pg_query(PgConn *c, PgResult **out, const char *sql, int nparams, const char *const *params,
             PgError *e)
{
    int rc = -1;
    if (out)
        *out = NULL;
    PGresult *res = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        capture_error(c, res, e);
        goto out;
    }
    rc = 0;
    if (out) {
        *out = res;
        res = NULL;
    }
out:
    PQclear(res);
    return rc;
}

/* Items per pipeline sync: bounds what sits unread in the socket buffers both ways. */
#define PIPE_CHUNK 256

int pg_pipeline(PgConn *c, const PgPipeItem *items, size_t n, size_t *failed, PgError *e)
{
    int rc = 0;
    if (!PQenterPipelineMode(c)) {
        pg_error_set(e, PQerrorMessage(c));
        *failed = 0;
        return -1;
    }
    for (size_t i = 0; i < n && rc == 0;) {
        size_t end = n - i > PIPE_CHUNK ? i + PIPE_CHUNK : n;
        for (size_t k = i; k < end; k++)
            if (!PQsendQueryParams(c, items[k].sql, items[k].nparams, NULL, items[k].params, NULL,
                                   NULL, 0)) {
                capture_error(c, NULL, e);
                *failed = k;
                rc = -1;
                goto out; /* the connection is broken: nothing more to read */
            }
        if (!PQpipelineSync(c)) {
            capture_error(c, NULL, e);
            *failed = i;
            rc = -1;
            goto out;
        }
        for (size_t k = i; k < end; k++) {
            PGresult *r;
            while ((r = PQgetResult(c)) != NULL) {
                ExecStatusType st = PQresultStatus(r);
                if (st == PGRES_FATAL_ERROR && rc == 0) {
                    capture_error(c, r, e);
                    *failed = k;
                    rc = -1;
                }
                PQclear(r);
            }
        }
        PGresult *sync = PQgetResult(c); /* PGRES_PIPELINE_SYNC */
        if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
            if (rc == 0) {
                capture_error(c, sync, e);
                *failed = end - 1;
                rc = -1;
            }
        }
        PQclear(sync);
        i = end;
    }
out:
    PQexitPipelineMode(c);
    return rc;
}

int pg_server_version(PgConn *c)
{
    return PQserverVersion(c);
}

int pg_nrows(const PgResult *r)
{
    return r ? PQntuples(r) : 0;
}

const char *pg_value(const PgResult *r, int row, int col)
{
    return PQgetvalue(r, row, col);
}

bool pg_isnull(const PgResult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

void pg_result_free(PgResult *r)
{
    PQclear(r);
}

/* Identifiers go through the project's one quoting function, sql_ident (compiler/sqlquote.c),
 * so the runtime and the generated SQL spell every name the same way. */
void pg_quote_ident(PgConn *c, StrBuf *out, const char *name)
{
    (void)c;
    sql_ident(out, name);
}

void pg_position_line_col(const char *text, int position, int *line, int *col)
{
    int l = 1, cbyte = 1, chars = 1;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && chars < position) {
        if (*p == '\n') {
            l++;
            cbyte = 1;
        } else {
            cbyte++;
        }
        p++;
        /* skip UTF-8 continuation bytes: one character, several bytes */
        while ((*p & 0xC0) == 0x80) {
            cbyte++;
            p++;
        }
        chars++;
    }
    *line = l;
    *col = cbyte;
}
