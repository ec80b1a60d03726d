/*
 * driftmark.h - the drift mark: a fingerprint of a schema's catalog rows, recorded for the
 * newest applied version when the schema is known to match its snapshot, so that status can
 * tell "nothing changed since" with one query instead of re-creating the snapshot in a scratch
 * schema (adopt_snapshot_drift). Runtime layer, on pg.c; used by cmd_migrate.c and
 * cmd_status.c.
 *
 * The fingerprint covers every catalog row the introspection reads for the schema (relations,
 * columns, defaults, constraints, indexes, types, enum labels, functions, triggers, policies,
 * rules, inheritance, partitioning, sequences and their ownership, comments), each row as its
 * key and its xmin: any DDL writes new row versions, so a changed, added or dropped object
 * changes it. A VACUUM FULL or a dump and restore changes it too, which only sends status back
 * to the full check. Objects named _strav_* (the tracking table) are left out.
 *
 * When a mark is trusted: migrate writes one only after a first batch that started from an
 * empty schema (any other batch removes the mark, computing nothing), so a hand change made
 * before migrate is not absorbed; status writes one after its full check found no drift.
 * The mark is a file of the project's state directory (cache_dir, .strav/):
 * .strav/driftmark-<16 hex of the schema's SHA-256>, one line "strav drift mark 1", version,
 * schema, fingerprint (tab-separated); and a copy of the fingerprint in the tracking table's
 * drift_mark column of the version's row (ledger_mark_write), which every machine sees. The
 * fingerprint starts with the database's name; another database's catalog never matches it.
 */
#ifndef STRAV_DRIFTMARK_H
#define STRAV_DRIFTMARK_H

#include <stdbool.h>

#include "pg.h"
#include "strbuf.h"

/* The fingerprint of schema's catalog into out ("<database>:0:0" for an empty schema). false
 * on error. */
bool driftmark_fingerprint(PgConn *c, const char *schema, StrBuf *out);
/* Its query ($1 = the schema; one row, one column), for a caller that runs it in its own
 * transaction (introspect_schema_fp: the fingerprint of the snapshot it read). */
const char *driftmark_query(void);
/* The mark of version into out; false when there is none (or on error). */
bool driftmark_read(const char *cache_dir, const char *schema, const char *version, StrBuf *out);
/* Make the schema's current fingerprint the mark of version (replacing any other), but only
 * when it still equals expect (when expect is not NULL): a change made meanwhile is not
 * absorbed. The fingerprint is appended to fp_out (when not NULL) whenever it was computed and
 * matched, also without cache_dir (for the copy in the tracking table, ledger_mark_write).
 * Best effort: false when nothing was written or matched. */
bool driftmark_write(PgConn *c, const char *cache_dir, const char *schema, const char *version,
                     const char *expect, StrBuf *fp_out);
/* The file part of driftmark_write: fp as the mark of version in cache_dir. */
bool driftmark_store(const char *cache_dir, const char *schema, const char *version,
                     const char *fp);
/* Remove the mark (the schema is not known to match the newest version). */
void driftmark_clear(const char *cache_dir, const char *schema);

#endif
