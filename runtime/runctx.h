/*
 * runctx.h - what the runtime's command modules share: the parsed options, the per-command
 * context (connection, migration set, tracking table), output (out.c), the tracking table and
 * lock (ledger.c), the steps of a migration (steps.c) and their execution (apply.c), the commands
 * (cmd_*.c) and the tenant fan-out (fanout.c). Internal to runtime/.
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
    const char *word;    /* the command as typed: "migrate", "migration:run", "db:url", ... */
    const char *scope;
    const char *database;
    const char *migrations_root, *schemas_root;
    const char *lock_timeout, *statement_timeout;
    long batch, step;
    long jobs;           /* --jobs: tenant workers, 0 = default (up to 4) */
    long lock_wait;      /* --lock-wait: seconds to wait for the migration lock, -1 = no limit */
    bool force, json, allow_out_of_order, color;
    bool verbose;        /* --verbose: let server NOTICEs through */
    bool quiet;          /* --quiet: no progress (progress.h) */
    bool no_drift_check; /* status: skip the comparison with the last applied snapshot */
    bool session_pooler; /* --session-pooler: a pooler is in the way but keeps sessions */
    bool strict;         /* status (adopt2): objects outside the model make the exit status 1 */
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
    bool have_cols;    /* ... and has the state, step and steps columns (else ledger_ensure
                          adds them) and the normalised column */
    bool have_record;  /* ... has the normalised and drift_mark columns (ledger.c) */
    PgResult *applied; /* the LC_* columns below; in the server's order: use ledger_value */
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

/* ---- options (opts.c): -1 when parsed, else the exit status (0 for --help, 2 for usage) */
int opts_parse(Opts *o, int argc, char **argv);

/* ---- output (out.c) */
const char *out_col(const Opts *o, const char *code); /* code, or "" without colour */
/* s on one line for a terminal: every control byte (line breaks, ESC, DEL) becomes a space. */
void out_one_line(StrBuf *out, const char *s);
void out_say(const Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3); /* stdout unless --json */
void out_fail(Ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3); /* "Error: ..." + JSON "error" */
void out_pg_error(Ctx *c, const PgError *e, const char *what); /* "Error: what: msg" + SQLSTATE */
void out_json_str(json_t *arr, const char *s);

/* Columns of Ctx.applied. state: "applied", "baselined" (recorded by baseline, never run
 * here), "up" (partly applied: step of steps up steps done) or "down" (partly rolled back). */
enum { LC_VERSION, LC_BATCH, LC_CHECKSUM, LC_AT, LC_MESSAGE, LC_DURATION, LC_STATE, LC_STEP,
       LC_STEPS, LC_MARK /* the drift mark's copy ("" when none) */ };

/* ---- tracking table, lock, transactions (ledger.c); 0 or -1 after reporting */
int ledger_connect(Ctx *c);
/* The same without reporting: the reason in err (the caller reports it, or drops it when the
 * connection turned out not to be needed). */
int ledger_connect_quiet(Ctx *c, StrBuf *err);
int ledger_lock(Ctx *c);
int ledger_read(Ctx *c);
int ledger_napplied(const Ctx *c);
/* Whether row's recorded checksum is not checksum; a row with none recorded (applied by the
 * original TypeScript Strav, whose table has no checksum column) differs from nothing. */
bool ledger_checksum_differs(const Ctx *c, int row, const char *checksum);
/* adopt2 (schema_drop.c): after a rollback of every applied migration, drop the domain's own
 * schema when nothing but the tracking table is left in it. 0, or -1 after reporting. */
int schema_drop_if_empty(Ctx *c);
/* Column col of the i-th applied version in ascending version order ("" for NULL). */
const char *ledger_value(const Ctx *c, int i, int col);
/* executed_at of the i-th applied version as YYYY-MM-DDTHH:MM:SSZ, written to buf. */
const char *ledger_applied_at(const Ctx *c, int i, char buf[32]);
/* Row (in version order) of version, or -1. */
int ledger_find(const Ctx *c, const char *version);
long ledger_step(const Ctx *c, int i, int col); /* LC_STEP or LC_STEPS as a number */
long ledger_max_batch(const Ctx *c);
int ledger_begin(Ctx *c);
int ledger_ensure(Ctx *c, PgError *e);
/* The drift record (the normalised column, adopt.h: one row at most holds one) into out, the
 * version of its row into version; false when there is none or the table has no such column. */
bool ledger_record_read(Ctx *c, StrBuf *version, StrBuf *out);
/* Make record the drift record of version, removing any other row's. Best effort (a role
 * without UPDATE on the tracking table, a lock held by a running migrate): false when nothing
 * was written. No transaction may be open. */
bool ledger_record_write(Ctx *c, const char *version, const char *record);
/* The same for the drift mark's copy (driftmark.h): fp as the mark of version. */
bool ledger_mark_write(Ctx *c, const char *version, const char *fp);

/* ---- the steps of a migration (steps.c) */
typedef struct Step {
    bool nontx;
    size_t file, nfiles; /* files [file, file + nfiles) of the direction (nontx: one) */
    size_t off, end;     /* nontx: the statement's bytes in files[file].sql */
} Step;
/* The steps of files[0..n) (SQL loaded); *out is malloc'd (also when 0 are returned). */
size_t steps_build(const MigFile *files, size_t n, Step **out);
bool steps_any_nontx(const Migration *const *list, size_t n, bool down);

/* ---- the step executor (apply.c) */
typedef struct Job {
    const Migration *m;
    long done; /* steps of this direction already done (a resumed run), else 0 */
} Job;
/* Run jobs[0..n) up (as batch `batch`) or down (newest first): all transactional steps share
 * one transaction, committed (with the progress rows) only before a non-transactional step and
 * at the end; each non-transactional statement runs on its own and its progress is written
 * right after it. Versions finished are appended to the JSON array done. open_what: NULL, or a
 * transaction is already open and holds this (fresh: "the drop of the domain's objects"), to
 * commit with the first steps. On failure says exactly what is committed. 0 or -1. */
int apply_run(Ctx *c, bool down, const Job *jobs, size_t n, long batch, json_t *done,
              const char *open_what);

/* ---- shared by the commands (runner.c) */
const char *cmd_name(RunCmd cmd);
/* Applied rows whose directory is gone or whose manifest checksum differs; prints each unless
 * quiet and returns how many. */
int check_applied(Ctx *c, bool quiet);
/* Read the SQL of the versions about to run (and verify it once more); up: refuse a version
 * whose directory holds *.sql its manifest does not list. 0 or -1 reported. */
int load_sql(Ctx *c, const Migration **list, size_t n, bool up);
char *verify_cache_path(const char *domain);
/* Connect, lock (not for status) and read the tracking table; result in c->db_rc. */
void *db_prepare(void *arg);
int run_command(Ctx *c);

/* ---- the commands (cmd_*.c): exit status */
int cmd_migrate(Ctx *c);
int cmd_rollback(Ctx *c);
int cmd_fresh(Ctx *c);
int cmd_status(Ctx *c);
bool confirm_fresh(Ctx *c);

/* ---- per-tenant domains (fanout.c) */
int run_tenants(Ctx *c, const char *spec, MigScan *scan);

#endif
