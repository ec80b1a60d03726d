/*
 * pg.h - the runtime's thin libpq layer: connect (with the password kept out of every message),
 * run SQL, run parameterised queries, quote identifiers, capture server errors with SQLSTATE,
 * DETAIL, HINT and statement position. pg.c is the only file that includes libpq-fe.h.
 */
#ifndef STRAV_PG_H
#define STRAV_PG_H

#include "base.h"
#include "strbuf.h"

typedef struct PgConn PgConn;      /* a libpq connection and its pooler guard (pg.c) */
typedef struct pg_result PgResult; /* libpq's PGresult, opaque here */

/* A server (or connection) error, every field owned; release with pg_error_release. */
typedef struct PgError {
    char *message;  /* primary message, no trailing newline */
    char *sqlstate; /* NULL for client-side errors */
    char *detail, *hint, *context;
    int position;   /* 1-based character offset in the statement, 0 when none */
} PgError;

#define PG_ERROR_INIT {NULL, NULL, NULL, NULL, NULL, 0}

/* Connect with a libpq conninfo string or URI ("" = libpq defaults and PG* variables).
 * application_name is set to strav-run unless the conninfo names one. The session settings
 * the generated SQL relies on are the runtime's, whatever the database or role sets
 * (docs/runtime.md: standard_conforming_strings=on, client_encoding=UTF8, search_path=public,
 * check_function_bodies=on, DateStyle=ISO, IntervalStyle=postgres, quote_all_identifiers=off,
 * bytea_output=hex). Warnings go to stderr as "warning:" lines, NOTICEs as "note:" lines only
 * when verbose (pg_set_verbose). Returns NULL and fills err on failure, with every password
 * masked (also in libpq's own text). */
PgConn *pg_connect(const char *conninfo, StrBuf *err);
/* SET LOCAL statements (part of one simple query, right after BEGIN) for strav's own reads of
 * the catalogs, which a database or role configured for its application must not change:
 * PostgreSQL's built-in planner choices (with enable_hashjoin = off or join_collapse_limit = 1
 * set by ALTER DATABASE, pull of 1,000 tables ran per-row scans of whole catalogs: 0.24 ->
 * 12-16 s), and no idle_in_transaction_session_timeout (the transaction waits for its helper
 * connection and while the client reads a result: a short timeout ended the session midway).
 * Only settings every supported server (10 and later) knows; migrations' own SQL runs with
 * the database's settings. Used by introspection (introspect.c, introspect_prefetch.c), its
 * scratch schema (adopt.c) and the drift fingerprint (driftmark.c); tests/adopt/stale_stats.t. */
#define PG_CATALOG_SETTINGS                                                  \
    "SET LOCAL enable_bitmapscan = on; SET LOCAL enable_hashagg = on;"       \
    " SET LOCAL enable_hashjoin = on;"                                       \
    " SET LOCAL enable_indexonlyscan = on; SET LOCAL enable_indexscan = on;" \
    " SET LOCAL enable_material = on; SET LOCAL enable_mergejoin = on;"      \
    " SET LOCAL enable_nestloop = on; SET LOCAL enable_seqscan = on;"        \
    " SET LOCAL enable_sort = on; SET LOCAL enable_tidscan = on;"            \
    " SET LOCAL join_collapse_limit = 8; SET LOCAL from_collapse_limit = 8;" \
    " SET LOCAL geqo_threshold = 12; SET LOCAL idle_in_transaction_session_timeout = 0"

/* A second connection made as c was (same conninfo, settings, environment), e.g. for a query
 * to run beside c's; usable from another thread than c's. NULL and err filled on failure. */
PgConn *pg_connect_again(const PgConn *c, StrBuf *err);
void pg_close(PgConn *c);
/* Whether a transaction is open on c (in progress or failed). */
bool pg_in_transaction(PgConn *c);
/* Whether a connection pooler stands between this client and the server: it refused or
 * dropped the startup options, so the settings were SET on the server session instead. Every
 * command sent outside a transaction then first checks that the server session is still this
 * client's (transaction pooling hands it to others between transactions) and fails with an
 * explanation once it is not. The runner refuses to take the migration lock on such a
 * connection unless told the pooler keeps sessions (--session-pooler). */
bool pg_pooled(const PgConn *c);
/* How many locks one transaction can take on this server at most (the shared lock table:
 * max_locks_per_transaction * (max_connections + max_prepared_transactions)), 0 when unknown.
 * Dropping a table takes about 11 locks (the table, its indexes, sequence, defaults,
 * constraints, toast table and row types: 11,003 for 1,000 tables with a serial key, a text
 * default and an index), creating it about as many: a runner can say before a batch starts
 * that it cannot fit, instead of "out of shared memory" at the end. */
long pg_lock_capacity(PgConn *c);
/* Whether a server answers at conninfo (libpq's PQping, no authentication). */
enum { PG_PING_OK, PG_PING_STARTING, PG_PING_DOWN };
int pg_ping(const char *conninfo);
/* Show the server's NOTICE/INFO messages (default: dropped; warnings are always shown). */
void pg_set_verbose(int on);

/* Run SQL text (several statements allowed) and discard the result. 0 or -1 with e filled. */
int pg_exec(PgConn *c, const char *sql, PgError *e);
/* Run one statement with text parameters (values never enter the SQL text). On success *out
 * holds the result (release with pg_result_free, may be NULL when out is NULL). 0 or -1. */
int pg_query(PgConn *c, PgResult **out, const char *sql, int nparams, const char *const *params,
             PgError *e);
/* One statement of a pipeline: no multi-statement text (extended protocol). */
typedef struct PgPipeItem {
    const char *sql;
    int nparams;
    const char *const *params;
} PgPipeItem;

/* Run items[0..n) in libpq pipeline mode (a few round trips instead of one per statement),
 * in chunks, stopping at the first error: 0, or -1 with e filled and *failed = the index of the
 * failing item. Statements still run in whatever transaction is open. */
int pg_pipeline(PgConn *c, const PgPipeItem *items, size_t n, size_t *failed, PgError *e);
/* Called after each chunk of a pg_pipeline with how many items are done (progress display);
 * NULL: none. */
void pg_set_pipeline_hook(void (*hook)(void *arg, size_t done), void *arg);

/* The server's version as PQserverVersion gives it (150004 for 15.4), 0 when unknown. */
int pg_server_version(PgConn *c);
int pg_nrows(const PgResult *r);
const char *pg_value(const PgResult *r, int row, int col); /* "" for NULL */
bool pg_isnull(const PgResult *r, int row, int col);
void pg_result_free(PgResult *r);

/* Append name as a quoted SQL identifier (PQescapeIdentifier). */
void pg_quote_ident(PgConn *c, StrBuf *out, const char *name);

void pg_error_release(PgError *e);
/* "fe_sendauth: ..."-style text for a client-side failure. */
void pg_error_set(PgError *e, const char *msg);

/* Copy of a conninfo string or URL with every secret replaced by "***" (caller frees): the
 * password of each user:password (also postgresql://u:PW without '@'), and the value of every
 * password-like key (password, PASSWORD, sslpassword, pass%77ord ...; passfile is a path). */
char *pg_redact(const char *conninfo);
/* Copy of a message (libpq's error text, ...) with every URI and password-like key=value in it
 * masked, and every secret of conninfo replaced wherever it appears. */
char *pg_redact_message(const char *msg, const char *conninfo);

/* Map a 1-based character position in text to a 1-based line and byte column. */
void pg_position_line_col(const char *text, int position, int *line, int *col);

/* Whether libpq has any PG* connection variables set (PGHOST, PGDATABASE, PGPORT, PGUSER,
 * PGSERVICE, PGHOSTADDR). */
bool pg_env_configured(void);

#endif
