/*
 * pg.h - the runtime's thin libpq layer: connect (with the password kept out of every message),
 * run SQL, run parameterised queries, quote identifiers, capture server errors with SQLSTATE,
 * DETAIL, HINT and statement position. pg.c is the only file that includes libpq-fe.h.
 */
#ifndef STRAV_PG_H
#define STRAV_PG_H

#include "base.h"
#include "strbuf.h"

typedef struct pg_conn PgConn;     /* libpq's PGconn, opaque here */
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
 * application_name is set to strav-run unless the conninfo names one. Notices go to stderr as
 * "note:" lines. Returns NULL and fills err (with any password redacted) on failure. */
PgConn *pg_connect(const char *conninfo, StrBuf *err);
void pg_close(PgConn *c);

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

/* Copy of a conninfo string or URL with any password replaced by "***" (caller frees). */
char *pg_redact(const char *conninfo);

/* Map a 1-based character position in text to a 1-based line and byte column. */
void pg_position_line_col(const char *text, int position, int *line, int *col);

/* Whether libpq has any PG* connection variables set (PGHOST, PGDATABASE, PGPORT, PGUSER,
 * PGSERVICE, PGHOSTADDR). */
bool pg_env_configured(void);

#endif
