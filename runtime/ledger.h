/*
 * ledger.h - the tracking table's definition, shared by the runner (ledger.c) and adopt.c's
 * baseline, so both create and lock the same table.
 */
#ifndef STRAV_LEDGER_H
#define STRAV_LEDGER_H

#include "base.h"
#include "strbuf.h"

/* The tracking table's name for a domain (appended to out; returns out->buf). */
const char *ledger_table_name(StrBuf *out, const char *domain);
/* The advisory lock key of <schema>.<table> (appended to out). */
void ledger_lock_key(StrBuf *out, const char *schema, const char *table);
/* The name of the unique index on version of table, quoted (appended to out). */
struct PgConn;
void ledger_index_name(struct PgConn *conn, StrBuf *out, const char *table);
/* Its CREATE TABLE statement (no ';'), qtable quoted and qualified already; with if_not_exists
 * also the statements that bring an existing older table (an older strav's, or the original
 * TypeScript Strav's) to this shape, qindex being the quoted ledger_index_name. */
void ledger_table_sql(StrBuf *out, const char *qtable, const char *qindex, bool if_not_exists);

#endif
