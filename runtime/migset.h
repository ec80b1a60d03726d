/*
 * migset.h - the migration directories of one domain as strav-run reads them
 * (docs/migration-format.md): versions, manifests, the files of executionOrder and their
 * SHA-256 check (every entry of the files map, snapshot.json included), the history check
 * (history_verify: a forked history fails the load), and domain discovery. Nothing here talks
 * to the database.
 */
#ifndef STRAV_MIGSET_H
#define STRAV_MIGSET_H

#include "base.h"
#include "sha256.h" /* sha256_hex, for the files that checked manifests with it */
#include "strbuf.h"

typedef struct MigFile {
    char *rel;      /* path relative to the version directory, as in executionOrder */
    char *sql;      /* contents (NUL-terminated), NULL unless loaded with keep_sql */
    bool nontx;     /* listed in nonTransactional */
} MigFile;

typedef struct Migration {
    char *version;     /* directory name: decimal digits */
    char *dir;         /* path of the version directory */
    char *message;     /* manifest message ("" when absent) */
    char checksum[65]; /* SHA-256 hex of manifest.json's bytes */
    MigFile *up, *down;
    size_t nup, ndown;
    MigFile *extra;    /* files of the manifest's files map not in executionOrder
                          (snapshot.json): verified, never run; rel only */
    size_t nextra;
    char *schema;      /* manifest "schema", NULL when absent */
    char *tenants;     /* manifest "tenants" as compact JSON, NULL when null/absent */
    int lock_timeout_ms; /* manifest "online": lockTimeoutMs for non-transactional steps, 0 none */
    int retries;         /* and how often a step that timed out on a lock is retried */
    uint64_t digest;   /* stat digest for the verification cache (migset.c) */
    char *problem;     /* non-NULL: why this version cannot be trusted (bad manifest, file
                          missing, SHA-256 mismatch); the other fields may be partial */
} Migration;

typedef struct MigSet {
    char *domain;
    char *root;        /* <migrations>/<domain> */
    Migration *v;      /* ascending version order */
    size_t n;
} MigSet;

/* The version names (digit-only entries) of <migrations_root>/<domain>, ascending: the one
 * directory scan a command makes. A missing folder is an empty list; another failure gives -1
 * with err set to the errno (migset_load_scanned reports it). */
typedef struct MigScan {
    char **names;
    size_t n;
    int err;
} MigScan;
int migset_scan(MigScan *out, const char *migrations_root, const char *domain);
/* The same, through the listing cache at list_cache (listcache.h; NULL: none): status's. */
int migset_scan_cached(MigScan *out, const char *migrations_root, const char *domain,
                       const char *list_cache);
void migset_scan_release(MigScan *s);

/* Read and verify every version directory under <migrations_root>/<domain> (a missing folder
 * means no versions). Problems with one version are recorded in its ->problem, not returned;
 * -1 only when the folder cannot be listed or the history forks (err says which). File
 * contents are not kept, and a version taken from the verification cache has no file lists
 * (up, down): migset_load_sql fills both.
 * cache_path, when not NULL, names a verification cache (git's index trick): a version whose
 * manifest and files have the same inode, size, mtime and ctime as when they last verified is
 * taken from the cache without reading or hashing; the cache is rewritten when it changed. */
int migset_load(MigSet *out, const char *migrations_root, const char *domain,
                const char *cache_path, StrBuf *err);
/* The same from a scan already made; takes the names over (scan is left empty). */
int migset_load_scanned(MigSet *out, MigScan *scan, const char *migrations_root,
                        const char *domain, const char *cache_path, StrBuf *err);
/* Read and verify every file of one version for execution: fills every MigFile.sql. 0, or -1
 * with m->problem set. For a version no load has verified (a checkpoint, checkpoint.c). */
int migset_load_sql(Migration *m);
/* The same for a version of a MigSet just loaded: the SQL is read and verified again (the
 * bytes run are the bytes hashed), the files map's other entries (snapshot.json, never run)
 * are only listed: the load verified them. */
int migset_load_run_sql(Migration *m);
/* Why m's directory holds SQL its manifest never runs: the first *.sql file (below the
 * version directory, symbolic links not followed) that neither executionOrder nor the files
 * map lists, and how many more; NULL when there is none. Caller frees. */
char *migset_unlisted_sql(const Migration *m);
void migset_release(MigSet *s);
/* The "schema" of the newest scanned version's manifest (the one in force), or NULL; its
 * "tenants" (compact JSON, NULL when null) in *tenants. Caller frees both. Read on its own so
 * the database work can start while the whole set is verified. */
char *migset_newest_schema(const char *migrations_root, const char *domain, const MigScan *scan,
                           char **tenants);
const Migration *migset_find(const MigSet *s, const char *version);

/* The domains: public first, then every valid folder name under the migrations and schemas
 * roots, sorted and unique. Returns a NULL-terminated array the caller frees with
 * domains_free. */
char **domains_discover(const char *migrations_root, const char *schemas_root);
void domains_free(char **d);
bool domain_name_valid(const char *name);
/* Why name cannot be a domain (invalid characters, or so long that its tracking table name
 * would pass PostgreSQL's 63-byte limit), written to buf; NULL when it can. migset_load
 * refuses such a domain with this message. */
const char *domain_name_problem(const char *name, char *buf, size_t buflen);


#endif
