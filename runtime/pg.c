/*
 * pg.c - the runtime's libpq layer (see pg.h). Every runtime value goes through PQexecParams,
 * every identifier through sql_ident (the project's one quoting function); every PGresult is cleared on every path.
 */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "progress.h"
#include "sqlquote.h"

static bool verbose;

/* A connection: libpq's, plus what the pooler guard needs. A pooler (PgBouncer and the like)
 * that refuses or drops the startup options marks the connection pooled: the settings are then
 * SET on the server session, and before every command sent outside a transaction the guard
 * checks that the server session is still the one that got them (its strav.session token).
 * Under transaction or statement pooling it is not, the session lock and settings are gone,
 * and every later call fails with that explanation (docs/runtime.md, "Connection poolers"). */
struct PgConn {
    PGconn *pq;
    bool pooled; /* the startup options did not reach the server (pg_pooled) */
    bool moved;  /* the guard saw another server session: every later call fails */
    char token[33];
    char *conninfo; /* as given to pg_connect (pg_connect_again) */
    char *lost;     /* the error after which the connection was closed, or NULL (note_lost) */
};

static const char moved_message[] =
    "the connection pooler gave this client another server session between two transactions "
    "(transaction or statement pooling), so the migration lock and the session settings were "
    "left behind: connect to the server directly, or through session pooling";

void pg_set_verbose(int on)
{
    verbose = on != 0;
}

/* Server messages below WARNING (NOTICE, INFO, LOG, DEBUG: "drop cascades to ...", "relation
 * already exists, skipping") are dropped unless verbose; warnings are always shown. */
static void notice_receiver(void *arg, const PGresult *res)
{
    UNUSED(arg);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (!msg)
        return;
    bool note = sev && (strcmp(sev, "NOTICE") == 0 || strcmp(sev, "INFO") == 0 ||
                        strcmp(sev, "LOG") == 0 || strcmp(sev, "DEBUG") == 0);
    if (note && !verbose)
        return;
    fflush(stdout);
    progress_clear(); /* not after a half-drawn progress line */
    fprintf(stderr, "%s: %s\n", note ? "note" : "warning", msg);
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

/* ---- keeping secrets out of messages -----------------------------------------------------
 * Structural masking: every user:password of a postgres:// URI (also without '@', where libpq
 * takes the password for a port and echoes it), every value of a password-like key (any case,
 * percent-encoded or not) in a URI query or a key=value conninfo. Then literal scrubbing: each
 * value masked in the conninfo is replaced wherever it appears in a message. */

#define MASK "***"

typedef struct Secrets {
    char *v[16];
    size_t n;
} Secrets;

static void secret_add1(Secrets *sec, const char *s, size_t n)
{
    if (!sec || n == 0 || sec->n == ARRAY_LEN(sec->v))
        return;
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    sec->v[sec->n++] = p;
}

/* Record a secret, and its pieces between '@', '/' and ':' (libpq cuts an unencoded
 * "p@ss/w0rd" there and may quote a piece as a host or a database name). */
static void secret_add(Secrets *sec, const char *s, size_t n)
{
    secret_add1(sec, s, n);
    if (!memchr(s, '@', n) && !memchr(s, '/', n) && !memchr(s, ':', n))
        return;
    for (size_t i = 0, start = 0; i <= n; i++)
        if (i == n || s[i] == '@' || s[i] == '/' || s[i] == ':') {
            secret_add1(sec, s + start, i - start);
            start = i + 1;
        }
}

static void secrets_release(Secrets *sec)
{
    for (size_t i = 0; i < sec->n; i++)
        free(sec->v[i]);
    sec->n = 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Whether the key s[0..n) (percent-encoding decoded, any case) names a secret: password,
 * sslpassword, passwd, pass, pwd, secret, token... (passfile, a path, is not one). */
static bool secret_key(const char *s, size_t n)
{
    char k[64];
    size_t m = 0;
    for (size_t i = 0; i < n && m + 1 < sizeof k; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        k[m++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    k[m] = '\0';
    if (strcmp(k, "passfile") == 0)
        return false;
    return strstr(k, "pass") || strstr(k, "pwd") || strstr(k, "secret") || strstr(k, "token");
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool starts_uri(const char *s)
{
    return strncasecmp(s, "postgresql://", 13) == 0 || strncasecmp(s, "postgres://", 11) == 0;
}

/* Append the URI s[0..n) with its secrets masked. */
static void mask_uri(StrBuf *out, const char *s, size_t n, Secrets *sec)
{
    const char *auth = strstr(s, "://") + 3, *end = s + n;
    sb_add(out, s, (size_t)(auth - s));
    /* userinfo: up to the last '@' (an unencoded '@' or '/' in a password must not leak) */
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p;
    const char *p = auth;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon) {
            sb_add(out, auth, (size_t)(colon - auth) + 1);
            sb_adds(out, MASK);
            secret_add(sec, colon + 1, (size_t)(at - colon - 1));
        } else {
            sb_add(out, auth, (size_t)(at - auth));
        }
        p = at;
    }
    /* hosts: a ':' followed by anything but digits is not a port (postgresql://u:PW) */
    while (p < end && *p != '/' && *p != '?') {
        if (*p == '[') {
            const char *q = memchr(p, ']', (size_t)(end - p));
            size_t k = q ? (size_t)(q - p) + 1 : (size_t)(end - p);
            sb_add(out, p, k);
            p += k;
            continue;
        }
        if (*p == ':') {
            const char *q = p + 1;
            while (q < end && *q != ',' && *q != '/' && *q != '?')
                q++;
            bool digits = q > p + 1;
            for (const char *d = p + 1; d < q; d++)
                digits = digits && *d >= '0' && *d <= '9';
            if (!digits && q > p + 1) {
                sb_adds(out, ":" MASK);
                secret_add(sec, p + 1, (size_t)(q - p - 1));
                p = q;
                continue;
            }
        }
        sb_addch(out, *p++);
    }
    /* the query: key=value&... */
    const char *qm = memchr(p, '?', (size_t)(end - p));
    if (!qm) {
        sb_add(out, p, (size_t)(end - p));
        return;
    }
    sb_add(out, p, (size_t)(qm - p) + 1);
    for (p = qm + 1; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(e - p));
        if (eq && secret_key(p, (size_t)(eq - p))) {
            sb_add(out, p, (size_t)(eq - p) + 1);
            sb_adds(out, MASK);
            secret_add(sec, eq + 1, (size_t)(e - eq - 1));
        } else {
            sb_add(out, p, (size_t)(e - p));
        }
        if (amp)
            sb_addch(out, '&');
        p = amp ? amp + 1 : end;
    }
}

/* Append a key=value conninfo with the values of secret keys masked. */
static void mask_kv(StrBuf *out, const char *s, Secrets *sec)
{
    while (*s) {
        if (is_space(*s) || *s == '=') {
            sb_addch(out, *s++);
            continue;
        }
        const char *k = s;
        while (*s && !is_space(*s) && *s != '=')
            s++;
        size_t klen = (size_t)(s - k);
        sb_add(out, k, klen);
        const char *e = s;
        while (is_space(*e))
            e++;
        if (*e != '=')
            continue;
        e++;
        while (is_space(*e))
            e++;
        const char *v = e;
        if (*e == '\'') {
            for (e++; *e && *e != '\''; e++)
                if (*e == '\\' && e[1])
                    e++;
            if (*e)
                e++;
        } else {
            for (; *e && !is_space(*e); e++)
                if (*e == '\\' && e[1])
                    e++;
        }
        if (secret_key(k, klen)) {
            sb_add(out, s, (size_t)(v - s));
            sb_adds(out, MASK);
            const char *a = v, *b = e;
            if (*a == '\'') {
                a++;
                if (b > a && b[-1] == '\'')
                    b--;
            }
            secret_add(sec, a, (size_t)(b - a));
        } else {
            sb_add(out, s, (size_t)(e - s));
        }
        s = e;
    }
}

static char *redact_conninfo(const char *conninfo, Secrets *sec)
{
    StrBuf sb = SB_INIT;
    const char *s = conninfo ? conninfo : "";
    if (starts_uri(s))
        mask_uri(&sb, s, strlen(s), sec);
    else
        mask_kv(&sb, s, sec);
    return sb_detach(&sb);
}

char *pg_redact(const char *conninfo)
{
    return redact_conninfo(conninfo, NULL);
}

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* msg with every URI and every secret key's value masked, then every literal secret of sec
 * replaced: anywhere when 6 bytes or longer, else only as a whole word (a short password must
 * not mangle the rest of the text, and still must not show as a quoted "port"). */
static char *redact_text(const char *msg, const Secrets *sec)
{
    StrBuf a = SB_INIT;
    for (const char *p = msg; *p;) {
        if (starts_uri(p) && (p == msg || !alnum(p[-1]))) {
            const char *e = p;
            while (*e && !is_space(*e) && *e != '"' && *e != '\'')
                e++;
            mask_uri(&a, p, (size_t)(e - p), NULL);
            p = e;
            continue;
        }
        if (alnum(*p) && (p == msg || !alnum(p[-1]))) { /* a word: key = value? */
            const char *e = p;
            while (alnum(*e) || *e == '_')
                e++;
            const char *q = e;
            while (*q == ' ')
                q++;
            if (*q == '=' && secret_key(p, (size_t)(e - p))) {
                q++;
                while (*q == ' ')
                    q++;
                sb_add(&a, p, (size_t)(q - p));
                sb_adds(&a, MASK);
                if (*q == '\'' || *q == '"') {
                    char quote = *q++;
                    while (*q && *q != quote)
                        q++;
                    if (*q)
                        q++;
                } else {
                    while (*q && !is_space(*q) && *q != '"' && *q != '\'' && *q != ',')
                        q++;
                }
                p = q;
                continue;
            }
            sb_add(&a, p, (size_t)(e - p));
            p = e;
            continue;
        }
        sb_addch(&a, *p++);
    }
    char *text = sb_detach(&a);
    for (size_t i = 0; sec && i < sec->n; i++) {
        const char *v = sec->v[i];
        size_t vl = strlen(v);
        if (!vl || strcmp(v, MASK) == 0)
            continue;
        StrBuf b = SB_INIT;
        const char *p = text, *hit;
        while ((hit = strstr(p, v)) != NULL) {
            bool word = (hit == text || !alnum(hit[-1])) && !alnum(hit[vl]);
            sb_add(&b, p, (size_t)(hit - p));
            sb_adds(&b, (vl >= 6 || word) ? MASK : v);
            p = hit + vl;
        }
        sb_adds(&b, p);
        free(text);
        text = sb_detach(&b);
    }
    return text;
}

char *pg_redact_message(const char *msg, const char *conninfo)
{
    Secrets sec = { { NULL }, 0 };
    free(redact_conninfo(conninfo, &sec));
    char *r = redact_text(msg ? msg : "", &sec);
    secrets_release(&sec);
    return r;
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

/* The session settings the generated SQL and the runtime's own queries rely on, sent in the
 * startup packet (so RESET and DISCARD ALL come back to them, and a database's or role's
 * ALTER ... SET cannot change them): string literals with standard escaping (a default
 * 'C:\new' is those six characters, and an enum label cannot end its literal early), names
 * never quoted by the deparser, ISO dates in defaults read back by pull, function bodies
 * checked, search_path public (the runtime sets the domain's schema per transaction). After
 * the user's own options, so these win. Timeouts are left to the server, the role and
 * --lock-timeout / --statement-timeout. */
static const char session_options[] =
    "-c standard_conforming_strings=on -c search_path=public -c check_function_bodies=on "
    "-c DateStyle=ISO -c IntervalStyle=postgres -c quote_all_identifiers=off "
    "-c bytea_output=hex";
/* The same as statements, for servers (poolers such as PgBouncer) that refuse startup options. */
static const char session_sets[] =
    "SET standard_conforming_strings = on; SET search_path = public; "
    "SET check_function_bodies = on; SET DateStyle = ISO; SET IntervalStyle = postgres; "
    "SET quote_all_identifiers = off; SET bytea_output = hex";

/* The user's own startup options: the conninfo's "options", else PGOPTIONS. */
static char *user_options(const char *conninfo)
{
    char *errmsg = NULL, *opts = NULL;
    PQconninfoOption *o = PQconninfoParse(conninfo, &errmsg);
    PQfreemem(errmsg); /* may quote the password: never shown; libpq reports it again below */
    for (PQconninfoOption *p = o; p && p->keyword; p++)
        if (strcmp(p->keyword, "options") == 0 && p->val)
            opts = xstrdup(p->val);
    PQconninfoFree(o);
    const char *env = getenv("PGOPTIONS");
    if (!opts && env)
        opts = xstrdup(env);
    return opts;
}

static PGconn *connect_with(const char *conninfo, const char *options)
{
    const char *keys[] = { "dbname", "fallback_application_name", "client_encoding",
                           options ? "options" : NULL, NULL };
    const char *vals[] = { conninfo, "strav-run", "UTF8", options, NULL };
    return PQconnectdbParams(keys, vals, 1);
}

static void connect_error(StrBuf *err, const char *conninfo, PGconn *c)
{
    Secrets sec = { { NULL }, 0 };
    char *red = redact_conninfo(conninfo, &sec);
    char *raw = dup_chomp(c ? PQerrorMessage(c) : "out of memory");
    /* libpq's own text can echo the URI, or a password it took for a port */
    char *msg = redact_text(raw, &sec);
    sb_addf(err, "cannot connect to the database%s%s: %s", *red ? " " : "", red, msg);
    free(raw);
    free(msg);
    free(red);
    secrets_release(&sec);
}

/* A token naming this client's server session: random, hex (safe in an options string). */
static void make_token(char out[33])
{
    unsigned char r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) { /* no entropy: still distinct enough */
        unsigned long v = (unsigned long)getpid() ^ (unsigned long)time(NULL) ^ (unsigned long)(uintptr_t)out;
        for (size_t i = 0; i < sizeof r; i++, v = v * 6364136223846793005UL + 1442695040888963407UL)
            r[i] = (unsigned char)(v >> 56);
    }
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* Whether the server session carries token as strav.session: false when the check fails. */
static bool session_is(PGconn *pq, const char *token)
{
    const char *p[] = { token };
    PGresult *r = PQexecParams(pq, "SELECT pg_catalog.current_setting('strav.session', true) = $1",
                               1, NULL, p, NULL, NULL, 0);
    bool same = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
                strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return same;
}

/* The session settings and the token as statements (a pooler kept the startup options). */
static bool set_session(PGconn *pq, const char *token)
{
    PGresult *r = PQexec(pq, session_sets);
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    const char *p[] = { token };
    r = ok ? PQexecParams(pq, "SELECT pg_catalog.set_config('strav.session', $1, false)", 1, NULL,
                          p, NULL, NULL, 0)
           : NULL;
    ok = ok && r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
}

PgConn *pg_connect(const char *conninfo, StrBuf *err)
{
    const char *info = conninfo ? conninfo : "";
    char token[33];
    make_token(token);
    char *uopts = user_options(info);
    StrBuf opts = SB_INIT;
    sb_addf(&opts, "%s%s%s -c strav.session=%s", uopts ? uopts : "", uopts ? " " : "",
            session_options, token);
    free(uopts);
    PGconn *pq = connect_with(info, opts.buf);
    bool pooled = false;
    if (pq && PQstatus(pq) != CONNECTION_OK &&
        strstr(PQerrorMessage(pq), "unsupported startup parameter")) {
        PQfinish(pq); /* a pooler: connect without options, then SET */
        pq = connect_with(info, NULL);
        pooled = true;
    }
    sb_release(&opts);
    if (!pq || PQstatus(pq) != CONNECTION_OK) {
        connect_error(err, info, pq);
        PQfinish(pq);
        return NULL;
    }
    PQsetNoticeReceiver(pq, notice_receiver, NULL);
    /* a pooler that drops the options (PgBouncer's ignore_startup_parameters = options) */
    if (!pooled && !session_is(pq, token))
        pooled = true;
    if (pooled && !set_session(pq, token)) {
        connect_error(err, info, pq);
        PQfinish(pq);
        return NULL;
    }
    PgConn *c = xcalloc(1, sizeof *c);
    c->pq = pq;
    c->pooled = pooled;
    c->moved = false;
    memcpy(c->token, token, sizeof c->token);
    c->conninfo = xstrdup(info);
    return c;
}

PgConn *pg_connect_again(const PgConn *c, StrBuf *err)
{
    return pg_connect(c->conninfo, err);
}

bool pg_pooled(const PgConn *c)
{
    return c->pooled;
}

/* Before a command: on a pooled connection outside a transaction, the server session must
 * still be this client's. false (e filled) once it is not. */
static bool guard(PgConn *c, PgError *e)
{
    if (!c->pooled)
        return true;
    if (!c->moved && PQtransactionStatus(c->pq) == PQTRANS_IDLE && PQstatus(c->pq) == CONNECTION_OK &&
        !session_is(c->pq, c->token) && PQstatus(c->pq) == CONNECTION_OK)
        c->moved = true;
    if (c->moved)
        pg_error_set(e, moved_message);
    return !c->moved;
}

long pg_lock_capacity(PgConn *c)
{
    PGresult *r = PQexec(c->pq, "SELECT pg_catalog.current_setting('max_locks_per_transaction')::int8"
                            " * (pg_catalog.current_setting('max_connections')::int8"
                            " + pg_catalog.current_setting('max_prepared_transactions')::int8)");
    long n = 0;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

int pg_ping(const char *conninfo)
{
    switch (PQping(conninfo)) {
    case PQPING_OK:
        return PG_PING_OK;
    case PQPING_REJECT: /* starting up, shutting down or in recovery */
        return PG_PING_STARTING;
    default:
        return PG_PING_DOWN;
    }
}

void pg_close(PgConn *c)
{
    if (c) {
        PQfinish(c->pq);
        if (c->conninfo) /* may hold a password */
            explicit_bzero(c->conninfo, strlen(c->conninfo));
        free(c->conninfo);
        free(c->lost);
        free(c);
    }
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

/* A connection closed by the other end fails every later command with libpq's "no
 * connection to the server"; the reason is the server's (or the pooler's) message on the
 * failure that closed it (a FATAL error). The first failure that finds the connection closed
 * keeps that message, and the later failures say it. A pooler in statement pooling mode is
 * the common case: it closes the connection on the first BEGIN ("transaction blocks not
 * allowed in statement pooling mode"). */
static const char statement_pooling_hint[] =
    " (a connection pooler in statement pooling mode allows no transaction: connect to the "
    "server directly, or through session or transaction pooling)";

static bool is_fatal(const PGresult *res)
{
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (!sev) /* before PostgreSQL 9.6, and from poolers: the localised one, "FATAL" as a rule */
        sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
    return sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC"));
}

/* libpq's message of the connection, its password masked (it may echo a conninfo). */
static char *conn_message(PgConn *c)
{
    char *raw = dup_chomp(PQerrorMessage(c->pq));
    const char *pw = PQpass(c->pq);
    Secrets sec = { { NULL }, 0 };
    secret_add(&sec, pw ? pw : "", pw ? strlen(pw) : 0);
    char *msg = redact_text(raw ? raw : "", &sec);
    secrets_release(&sec);
    free(raw);
    return msg;
}

static void note_lost(PgConn *c, const PGresult *res)
{
    /* a FATAL error ends the session: libpq may not have seen the socket close yet */
    bool bad = PQstatus(c->pq) == CONNECTION_BAD;
    if (c->lost || (!bad && !(res && is_fatal(res))))
        return;
    StrBuf sb = SB_INIT;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *text = primary ? dup_chomp(primary) : conn_message(c);
    const char *p = text ? text : "";
    if (!primary) {
        /* libpq's own result: the other end's message is the first line ("FATAL:  ...") of
         * the connection's, when it sent one before closing; "server closed the connection
         * unexpectedly" alone says nothing more than the later failures will */
        static const char *const sev[] = { "FATAL:  ", "PANIC:  ", "ERROR:  " };
        size_t i = 0;
        while (i < sizeof sev / sizeof sev[0] && strncmp(p, sev[i], strlen(sev[i])))
            i++;
        p = i < sizeof sev / sizeof sev[0] ? p + strlen(sev[i]) : "";
    }
    sb_add(&sb, p, strcspn(p, "\n"));
    free(text);
    if (!sb.len) {
        sb_release(&sb);
        return;
    }
    if (strstr(sb.buf, "statement pooling mode"))
        sb_adds(&sb, statement_pooling_hint);
    c->lost = sb_detach(&sb);
}

/* Fill e from a failed result (or from the connection when res is NULL). */
static void capture_error(PgConn *c, const PGresult *res, PgError *e)
{
    bool was_lost = c->lost != NULL;
    note_lost(c, res);
    if (!e)
        return;
    pg_error_release(e);
    if (was_lost) {
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "the connection to the server was closed after an earlier error: %s",
                c->lost);
        e->message = sb_detach(&sb);
        return;
    }
    if (c->lost) /* this failure closed it: its message, the hint added */
        e->message = xstrdup(c->lost);
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        if (!e->message)
            e->message = conn_message(c);
        if (!e->message || !*e->message) {
            free(e->message);
            e->message = xstrdup("unknown error (connection lost?)");
        }
        return;
    }
    if (!e->message)
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

/* A migration file is sent as statements, so a COPY ... FROM STDIN has no data to send: refuse
 * its copy (the server then fails the COPY with this message, an ordinary SQL error) instead of
 * leaving the connection in the COPY state, where PQgetResult returns PGRES_COPY_IN forever.
 * COPY ... TO STDOUT's rows are read and dropped. Returns the result that follows (the COPY's
 * own outcome), r is cleared. */
static const char copy_refusal[] =
    "COPY ... FROM STDIN has no data in a migration (each statement is sent on its own): "
    "write the rows as INSERT, or COPY FROM a file on the server";

static PGresult *end_copy(PGconn *pq, PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    if (st == PGRES_COPY_IN) {
        PQputCopyEnd(pq, copy_refusal);
    } else {
        char *buf;
        while (PQgetCopyData(pq, &buf, 0) > 0)
            PQfreemem(buf);
    }
    return PQgetResult(pq);
}

static bool is_copy(PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH;
}

bool pg_in_transaction(PgConn *c)
{
    PGTransactionStatusType st = PQtransactionStatus(c->pq);
    return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

int pg_exec(PgConn *c, const char *sql, PgError *e)
{
    int rc = -1;
    if (!guard(c, e))
        return -1;
    PGresult *res = PQexec(c->pq, sql);
    if (is_copy(res)) { /* PQexec stops at a COPY: finish it, read what the rest of sql gives */
        PGresult *last = NULL, *r = res;
        while (r) {
            if (is_copy(r)) {
                r = end_copy(c->pq, r);
                continue;
            }
            if (!last || PQresultStatus(last) != PGRES_FATAL_ERROR) { /* the first error wins */
                PQclear(last);
                last = r;
            } else {
                PQclear(r);
            }
            r = PQgetResult(c->pq);
        }
        res = last;
    }
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
    if (!guard(c, e))
        return -1;
    PGresult *res = PQexecParams(c->pq, sql, nparams, NULL, params, NULL, NULL, 0);
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

static void (*pipe_hook)(void *arg, size_t done);
static void *pipe_hook_arg;

void pg_set_pipeline_hook(void (*hook)(void *arg, size_t done), void *arg)
{
    pipe_hook = hook;
    pipe_hook_arg = arg;
}

int pg_pipeline(PgConn *c, const PgPipeItem *items, size_t n, size_t *failed, PgError *e)
{
    int rc = 0;
    if (!guard(c, e)) {
        *failed = 0;
        return -1;
    }
    if (!PQenterPipelineMode(c->pq)) {
        pg_error_set(e, PQerrorMessage(c->pq));
        *failed = 0;
        return -1;
    }
    for (size_t i = 0; i < n && rc == 0;) {
        size_t end = n - i > PIPE_CHUNK ? i + PIPE_CHUNK : n;
        for (size_t k = i; k < end; k++)
            if (!PQsendQueryParams(c->pq, items[k].sql, items[k].nparams, NULL, items[k].params, NULL,
                                   NULL, 0)) {
                capture_error(c, NULL, e);
                *failed = k;
                rc = -1;
                goto out; /* the connection is broken: nothing more to read */
            }
        if (!PQpipelineSync(c->pq)) {
            capture_error(c, NULL, e);
            *failed = i;
            rc = -1;
            goto out;
        }
        for (size_t k = i; k < end; k++) {
            PGresult *r;
            while ((r = PQgetResult(c->pq)) != NULL) {
                if (is_copy(r))
                    r = end_copy(c->pq, r);
                if (!r)
                    break;
                ExecStatusType st = PQresultStatus(r);
                if (st == PGRES_FATAL_ERROR && rc == 0) {
                    capture_error(c, r, e);
                    *failed = k;
                    rc = -1;
                }
                PQclear(r);
            }
        }
        PGresult *sync = PQgetResult(c->pq); /* PGRES_PIPELINE_SYNC */
        if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
            if (rc == 0) {
                capture_error(c, sync, e);
                *failed = end - 1;
                rc = -1;
            }
        }
        PQclear(sync);
        i = end;
        if (rc == 0 && pipe_hook)
            pipe_hook(pipe_hook_arg, end);
    }
out:
    PQexitPipelineMode(c->pq);
    return rc;
}

int pg_server_version(PgConn *c)
{
    return PQserverVersion(c->pq);
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
