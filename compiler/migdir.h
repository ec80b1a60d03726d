/*
 * migdir.h - migration directories of the generator (docs/migration-format.md): find a
 * domain's latest version and its snapshot, and write a new version directory atomically
 * (a ".tmp-<version>.<pid>" sibling filled by dirwrite.c on several threads, manifest and
 * snapshot synced, rename; leftovers of dead runs are removed).
 * The only compiler module that writes migration files (dirwrite.c does the system calls).
 * Stage: Plan + new Model -> database/migrations/<domain>/<version>/.
 */
#ifndef STRAV_MIGDIR_H
#define STRAV_MIGDIR_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "plan.h"
#include "source.h"

/* A version directory name: decimal digits only (epoch milliseconds). Anything else in a domain's
 * migrations folder is ignored by the generator and the runtime alike. */
bool migdir_version_name(const char *s);
/* Numeric order of two version names (leading zeros ignored): <0, 0, >0. */
int migdir_version_cmp(const char *a, const char *b);
/* The clock versions are named by: epoch milliseconds, or STRAV_NOW_MS when set (tests). */
uint64_t migdir_now_ms(void);

/* The latest version of a domain (largest all-digits directory name) and its snapshot.
 * *version = NULL and an empty model (domain/schema taken from fallback) when there is none.
 * Returns false on a read error (reported). */
bool migdir_load_latest(Arena *a, const char *migrations_dir, const char *domain,
                        const Model *fallback, Model *old_out, const char **version, Diag *d);

/* The latest version's snapshot.json read ahead, on a thread of its own (cmd_generate.c reads
 * it while the schemas load): its bytes, the version and the file's identity when read. */
typedef struct MigdirAhead {
    const char *version; /* NULL: nothing read (no version, or unreadable: reported later) */
    Source *src;
    int64_t id[4];       /* device, inode, size, mtime */
} MigdirAhead;
/* Read domain's latest snapshot into out (strings from arena a, which this thread owns). */
void migdir_read_ahead(Arena *a, const char *migrations_dir, const char *domain,
                       MigdirAhead *out);
void migdir_ahead_release(MigdirAhead *ahead);
/* migdir_load_latest, taking ahead's bytes (then owned here) when they are still those of the
 * latest version's file: same version, same identity; else the file is read again. */
bool migdir_load_latest_ahead(Arena *a, const char *migrations_dir, const char *domain,
                              const Model *fallback, MigdirAhead *ahead, Model *old_out,
                              const char **version, Diag *d);

/* The version to use: now_ms, or parent + 1 when that is not greater than the parent. */
uint64_t migdir_next_version(uint64_t now_ms, const char *parent);

/* The manifest text (deterministic for given inputs). */
void migdir_manifest(struct StrBuf *out, const Plan *p, const Model *m, const char *version,
                     const char *message, uint64_t now_ms, const char *parent);

/* migdir_manifest with extra members after the standard ones (JSON object text, as
 * migdir_write_checkpoint adds "checkpoint"; NULL: none), written directly or, reference, by
 * jansson: the text the direct writer must equal byte for byte (tests/unit/test_manifest.c). */
void migdir_manifest_test(struct StrBuf *out, const Plan *p, const Model *m, const char *version,
                          const char *message, uint64_t now_ms, const char *parent,
                          const char *extra_json, bool reference);

/* The manifest's "lint" value (JSON text: the suppressed lint findings) for the next
 * migdir_manifest / migdir_write; NULL: no "lint" key. The caller keeps the text alive. */
void migdir_manifest_lint(const char *json);

/* The manifest's "uses" value (JSON text: {"domain": "version"}, the versions of the other
 * domains it was generated against, xdomain.h) for the next migdir_write; NULL: none. */
void migdir_manifest_uses(const char *json);

/* The snapshot.json text of model m and its SHA-256, already made (cmd_generate.c makes it on
 * a second thread during the diff): the next writes of m use them instead of serialising m
 * again. Cleared with m = NULL; the caller keeps json and sha256 alive until then. */
void migdir_prepared_snapshot(const Model *m, const struct StrBuf *json, const char *sha256);

/* The SHA-256 of the manifest.json the last migdir_write or migdir_write_checkpoint wrote. */
const char *migdir_written_manifest(void);

/* Write <migrations_dir>/<domain>/<version>/ completely or not at all. */
bool migdir_write(const char *migrations_dir, const Model *m, const Plan *p, const char *version,
                  const char *message, uint64_t now_ms, const char *parent, Diag *d);

/* The checkpoint of a version (stravc squash, docs/history.md): <domain>/<version>/checkpoint/
 * is a migration directory of its own whose up creates the version's whole snapshot from
 * nothing; its manifest says "version": <version>, "parent": null and
 * "checkpoint": {"covers": [every version up to and including <version>]}. A database that
 * applied none of the covered versions before <version> applies it instead of them. */
#define MIGDIR_CHECKPOINT "checkpoint"
bool migdir_write_checkpoint(const char *migrations_dir, const Model *m, const Plan *p,
                             const char *version, const char *message, uint64_t now_ms,
                             const char *const *covers, size_t ncovers, Diag *d);

#endif
