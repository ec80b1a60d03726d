/*
 * adopt.h - adopting existing databases: `pull` (live schema -> .strav files), the drift check
 * (schema files or latest snapshot vs live database) and `baseline` (record versions as applied
 * once the live schema matches their snapshot). Each is a main()-style entry point for the
 * stravc / strav-run dispatchers: argv[0] is the command name; returns the exit status.
 */
#ifndef STRAV_ADOPT_H
#define STRAV_ADOPT_H

#include <stddef.h>

#include "pg.h"
#include "strbuf.h"

/* Every command connects as migrate does: --database URL, DATABASE_URL, PG*, else the
 * embedded default under .strav/ (embedded_resolve). */

/* pull [--database URL] [-s DOMAIN] [--out DIR] [--schemas DIR] [--pg-schema NAME] [--force]
 * Writes one .strav file per table and per enum into DIR (default <schemas>/<domain>), prints
 * a warning for everything the language cannot express. Exit 0 ok, 1 error, 2 usage. */
int adopt_pull_main(int argc, char **argv);

/* drift [--database URL] [-s DOMAIN] [--schemas DIR] [--migrations DIR] [--snapshot]
 * Compares the domain's model (schema files, or with --snapshot the latest migration's
 * snapshot.json) with the live schema and prints the plan that brings the database to the
 * model. Exit 0 in sync, 3 drifted, 1 error, 2 usage. */
int adopt_drift_main(int argc, char **argv);

/* baseline [--database URL] [-s DOMAIN] --version V [--migrations DIR]
 * Verifies the live schema equals migration V's snapshot.json, then records V and every
 * earlier version as applied in the domain's tracking table without running them. Refuses
 * (exit 1) listing the differences otherwise. Exit 0 ok, 1 error or mismatch, 2 usage. */
int adopt_baseline_main(int argc, char **argv);

/* The drift check of `status`: compare the live schema `schema` with the snapshot.json in the
 * migration directory dir (normalised through the server as drift does; the connection must
 * have no transaction open). Returns 0 in sync, 1 drifted (one line per difference appended
 * to diffs, their count in *ndiffs), 2 when dir has no snapshot.json, -1 on error (err).
 * cache_dir (NULL: none) keeps the server's spelling of the snapshot between runs, so a warm
 * check costs one introspection. */
int adopt_snapshot_drift(PgConn *c, const char *dir, const char *schema, const char *cache_dir,
                         StrBuf *diffs, size_t *ndiffs, StrBuf *err);
/* adopt2: the same, and one line per object or detail of the live schema the model cannot hold
 * appended to outside (their count in *noutside), whatever the result. */
int adopt_snapshot_drift_outside(PgConn *c, const char *dir, const char *schema,
                                 const char *cache_dir, StrBuf *diffs, size_t *ndiffs,
                                 StrBuf *outside, size_t *noutside, StrBuf *err);

/* The drift record (docs/runtime.md): the normalised model of a version's snapshot, kept in
 * the tracking table (ledger_record_read/write) so that status on any machine compares a
 * fresh introspection with it instead of re-creating the snapshot in a scratch schema. A
 * record is one key line (magic, the snapshot's SHA-256, the server version, the schema, the
 * body's SHA-256) and the model as compact JSON; one for another snapshot, server or schema,
 * or with a body that does not match its SHA-256 (truncated, edited), is ignored.
 * adopt_snapshot_drift_rec is adopt_snapshot_drift_outside that takes the records below
 * instead of re-creating the whole snapshot: rec->record when it is this snapshot's; else,
 * from rec->base_record (the record of an older applied version, in rec->base_dir), the
 * snapshot as the server makes it with only the tables that differ between the two snapshots
 * re-created in a scratch schema; else the whole snapshot. Whenever rec->record was not used,
 * the new record is appended to rec->new_record (when not NULL) for the caller to keep. */
typedef struct DriftRecords {
    const char *record;      /* this version's record, or NULL */
    const char *base_dir;    /* an older version's directory and its record, or NULL */
    const char *base_record;
    StrBuf *new_record;
    /* out: how the snapshot as the server makes it was had (DRIFT_BY_*), and how many of its
     * tables were created in a scratch schema for that */
    int by;
    size_t recreated;
    /* in: when not NULL, gets the live schema's drift fingerprint (driftmark.h) read in the
     * snapshot that was compared, so that a schema found in sync can be marked as exactly
     * that state */
    StrBuf *fingerprint;
    bool fingerprint_helper_only; /* only when it costs no time: read on the helper connection */
} DriftRecords;
enum { DRIFT_BY_RECORD, DRIFT_BY_CHANGED_TABLES, DRIFT_BY_CACHE, DRIFT_BY_SNAPSHOT };
int adopt_snapshot_drift_rec(PgConn *c, const char *dir, const char *schema,
                             const char *cache_dir, DriftRecords *rec, StrBuf *diffs,
                             size_t *ndiffs, StrBuf *outside, size_t *noutside, StrBuf *err);
/* A record made from the live schema (introspection) for the snapshot in dir: only right when
 * the live schema is known to be that snapshot as the server made it (migrate, after a batch
 * that started from an empty schema). 0, 2 when dir has no snapshot.json, -1 on error. */
int adopt_record_live(PgConn *c, const char *dir, const char *schema, StrBuf *record,
                      StrBuf *err);

#endif
