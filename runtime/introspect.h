/*
 * introspect.h - read one PostgreSQL schema from a live database into the Model the compiler
 * produces (model.h), through pg_catalog only, in a fixed number of queries however many tables
 * there are. Used by `pull`, the drift check and `baseline` (runtime/adopt.c).
 */
#ifndef STRAV_INTROSPECT_H
#define STRAV_INTROSPECT_H

#include "arena.h"
#include "model.h"
#include "pg.h"

struct StrBuf;

/* What introspection saw but the model cannot hold (views, functions, triggers, policies,
 * partitioned tables, exclusion constraints, unowned sequences, extension objects, domains...):
 * one line each, sorted, arena-owned. Also how many queries were sent. */
typedef struct IntrospectInfo {
    const char **warnings;
    size_t nwarnings;
    int nqueries;
} IntrospectInfo;

/* Fill out with the objects of schema `schema` (tables, columns, keys, constraints, indexes,
 * enums, comments), sorted as model_sort does; out->schema = out->domain = schema. `_strav_*`
 * objects are skipped. Runs in one read-only repeatable-read transaction with search_path set
 * to the schema, so expressions print unqualified, as the compiler writes them. info may be
 * NULL. Returns false with a message in err on a query failure (the connection's transaction
 * is rolled back). Strings live in a. */
bool introspect_schema(PgConn *c, const char *schema, Arena *a, Model *out, IntrospectInfo *info,
                       struct StrBuf *err);

/* introspect_schema, and the schema's drift fingerprint (driftmark.h) read in the same
 * snapshot appended to fp: the mark of exactly the state that was read (on the helper
 * connection beside the other queries when there is one: introspect_prefetch.c; with
 * helper_only, only then, and fp is left empty otherwise). */
bool introspect_schema_fp(PgConn *c, const char *schema, Arena *a, Model *out,
                          IntrospectInfo *info, struct StrBuf *fp, bool helper_only,
                          struct StrBuf *err);

/* The same inside a transaction the caller already opened (the search_path change is local to
 * it), which set PG_CATALOG_SETTINGS (pg.h) when it began: used to read back a scratch schema
 * before rolling it back. `also` (or NULL) follows
 * schema in the search_path: the real schema whose objects (a standalone sequence in a
 * nextval default) the scratch copy uses, so they print as they do there. */
bool introspect_schema_in_tx(PgConn *c, const char *schema, const char *also, Arena *a,
                             Model *out, IntrospectInfo *info, struct StrBuf *err);

/* bench/introspect.sh: with STRAV_INTROSPECT_SQL=FILE set, append sql to FILE as a psql script
 * (PREPARE ... EXECUTE with :'schema' as $1), so psql can run the same queries as a floor. */
void introspect_dump_sql(const char *sql);

#endif
