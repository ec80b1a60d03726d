/*
 * runctx.h - what the runtime's command modules share: the parsed options, the per-command
 * context (connection, migration set, tracking table), output helpers (runner.c), the
 * tracking table and lock (ledger.c) and batch execution (apply.c). Internal to runtime/.
 */
#ifndef STRAV_RUNCTX_H
#define STRAV_RUNCTX_H

#include <jansson.h>

#include "base.h"
#include "checkpoint.h"
#include "ledger.h"
#include "migset.h"
#include "pg.h"
#include "runner.h"
#include "strbuf.h"

typedef struct Opts {
    RunCmd cmd;
    const char *prog;
    const char *scope;
    const char *database;
    const char *migrations_root, *schemas_root;
    const char *lock_timeout, *statement_timeout;
    long batch, step;
    long jobs;           /* --jobs: tenant workers, 0 = default (up to 4) */
    bool force, json, allow_out_of_order, color;
    bool no_drift_check; /* status: skip the comparison with the last applied snapshot */
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
    PgResult *applied; /* version, batch, checksum, executed_at (Unix seconds), message,
                          duration_ms; in the server's order: use ledger_value */
    int *order;        /* row of applied for the i-th version in version order */
    json_t *out;       /* --json result object */
    int db_rc;         /* db_prepare's result */
    Checkpoint cp;     /* checkpoint_resolve: the path through a squashed history */
} Ctx;

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define CYAN   "\033[36m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

/* ---- output (runner.c) */
const char *out_col(const Opts *o, const char *code); /* code, or "" without colour */
void out_say(const Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3); /* stdout unless --json */
void out_fail(Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3); /* "Error: ..." + JSON "error" */
void out_pg_error(Ctx *c, const PgError *e, const char *what); /* "Error: what: msg" + SQLSTATE */
void out_json_str(json_t *arr, const char *s);

/* ---- tracking table, lock, transactions (ledger.c); 0 or -1 after reporting */
int ledger_connect(Ctx *c);
int ledger_lock(Ctx *c);
int ledger_read(Ctx *c);
int ledger_napplied(const Ctx *c);
/* Column col of the i-th applied version in ascending version order ("" for NULL). */
const char *ledger_value(const Ctx *c, int i, int col);
/* executed_at of the i-th applied version as YYYY-MM-DDTHH:MM:SSZ, written to buf. */
const char *ledger_applied_at(const Ctx *c, int i, char buf[32]);
bool ledger_is_applied(const Ctx *c, const char *version);
long ledger_max_batch(const Ctx *c);
int ledger_begin(Ctx *c);
int ledger_ensure(Ctx *c, PgError *e);

/* ---- running migrations (apply.c): list[0..n) in one transaction (split only by
 * non-transactional files); versions done are appended to the JSON array done. 0 or -1. */
int apply_batch(Ctx *c, const Migration **list, size_t n, long batch, json_t *done, bool open);
int apply_revert(Ctx *c, const Migration **list, size_t n, json_t *done);

#endif
