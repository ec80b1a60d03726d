/*
 * introspect_int.h - introspection's internal state and the helpers its files share:
 * introspect.c (relations, columns, constraints, indexes, enums, the driver) and
 * introspect_types.c (types branch: SQL domains, partitioning). Not an API.
 */
#ifndef STRAV_INTROSPECT_INT_H
#define STRAV_INTROSPECT_INT_H

#include "introspect.h"
#include "pg.h"
#include "strbuf.h"

typedef struct TabRef {
    unsigned oid;
    size_t idx; /* index in Model.tables (before sorting; the model is sorted at the end),
                 * or in Ctx.ctabs when SIZE_MAX - idx < nctabs (types branch: composites) */
} TabRef;

typedef struct OwnedSeq {
    unsigned rel; /* owning table */
    int attnum;   /* owning column */
} OwnedSeq;

typedef struct Prefetch Prefetch; /* introspect_prefetch.c */

typedef struct Ctx {
    PgConn *conn;
    Prefetch *pf; /* a query running on a second connection, or NULL */
    const char *schema;
    Arena *a;
    StrBuf *err;
    Model *m;
    int nq;
    TabRef *refs; /* sorted by oid */
    size_t nrefs;
    OwnedSeq *seqs; /* sequences owned by a column (serial), sorted by rel, attnum */
    size_t nseqs;
    int **attnums; /* per Model.tables entry: its columns' attnums (load_columns), so that
                    * constraint keys come back as numbers and are named here */
    Table *ctabs; /* types branch: composite types, read like tables (their attributes are
                   * columns), turned into Model.ctypes by load_ctypes */
    size_t nctabs;
    char **warn; /* malloc'd until copied into the arena */
    size_t nwarn, capwarn;
} Ctx;

void warnf(Ctx *x, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Run one query with $1 = the schema name. NULL (and err set) on failure. */
PgResult *query(Ctx *x, const char *sql);
const char *val(Ctx *x, PgResult *r, int row, int col); /* arena copy, NULL when NULL */
const char *raw(PgResult *r, int row, int col);
bool flag(PgResult *r, int row, int col);
long num(PgResult *r, int row, int col);
/* Decode a pg_catalog element type name + typmod into t; false when the language lacks it. */
bool decode_builtin(const char *name, int32_t mod, SqlType *t);
/* "CHECK (expr)" [NOT VALID | NO INHERIT] -> expr */
const char *check_expr(Ctx *x, const char *def);

/* The table of a relation oid, NULL when not in the model (a partition, say). */
Table *table_of(Ctx *x, unsigned oid);

/* ---- Prefetch (introspect_prefetch.c): queries on a second connection in the same snapshot,
 * run while the main connection runs the others. */
/* pg_export_snapshot() in c's transaction (REPEATABLE READ, not a subtransaction), or NULL
 * when the server refused: c's transaction is then aborted. */
char *prefetch_export_snapshot(PgConn *c);
/* Start running sqls[0..n) (at most 4, in order, $1 = schema) after setup ($1 = schema) on a
 * connection like c, in snapshot; NULL when no thread could be started. c's transaction must
 * stay open until prefetch_end. */
Prefetch *prefetch_start(PgConn *c, const char *snapshot, const char *schema, const char *setup,
                         const char *const *sqls, size_t n);
/* sql's result (the same pointer as given to prefetch_start), waiting while the helper runs
 * it (the first one: until the helper has run it): NULL when p is NULL, does not hold sql, the
 * helper failed, or the helper has not started a later one (it then never will): run the
 * query on c then. */
PgResult *prefetch_take(Prefetch *p, const char *sql);
void prefetch_end(Prefetch *p); /* waits, frees any result not taken */

/* introspect_types.c */
bool load_dtypes(Ctx *x);
bool load_exclusions(Ctx *x); /* after load_constraints: tables have their arrays */
bool load_ctypes(Ctx *x);     /* after load_columns */

#endif
