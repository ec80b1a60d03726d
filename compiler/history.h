/*
 * history.h - the version history of one domain as a chain (docs/history.md): every manifest
 * names its parent, so two versions with the same parent (two branches that each generated a
 * migration, then merged) or a parent that is not on disk is a fork, refused by stravc check,
 * stravc generate and strav migrate alike. Also the domain's integrity file <migrations>/<domain>.lock (one
 * line per version: version, parent, SHA-256 of manifest.json), written by the commands that
 * add versions, so two branches that both add one get a textual merge conflict in git.
 * Stage: migration directories -> checks; below the commands, above migdir. The runtime calls
 * history_verify (the compiler never calls the runtime).
 */
#ifndef STRAV_HISTORY_H
#define STRAV_HISTORY_H

#include "arena.h"
#include "diag.h"

struct StrBuf;

typedef struct HistVersion {
    const char *version;
    const char *parent;       /* NULL: none (null, absent, or unreadable manifest) */
    const char *message;      /* NULL until read (history_verify reads only what it needs) */
    const char *generated_at; /* manifest "generatedAt", NULL when absent */
    char checksum[65];        /* SHA-256 of manifest.json; "" when unreadable */
    bool has_checkpoint;      /* <version>/checkpoint/manifest.json exists (stravc squash) */
    char cp_checksum[65];     /* SHA-256 of that manifest */
} HistVersion;

typedef struct History {
    const char *domain;
    const char *dir; /* <migrations>/<domain> */
    HistVersion *v;  /* ascending version order */
    size_t n;
} History;

/* With a cache (gencache.h; NULL: none), history_load takes the parent of every manifest whose
 * SHA-256 the cache knows from there, leaving message and generated_at NULL, and records those
 * it parses. Only stravc generate sets it. */
struct GenCache;
void history_use_cache(struct GenCache *c);

/* Read every version's manifest.json of <migrations_dir>/<domain> (a missing folder is an
 * empty history). False on a folder that cannot be listed (reported). An unreadable manifest
 * is not an error here: its version has no parent and an empty checksum. */
bool history_load(Arena *a, const char *migrations_dir, const char *domain, History *h, Diag *d);

/* The first fork of the history. kind: HIST_LINEAR, HIST_FORK (a and b are the two children
 * of one parent, a the older; parent NULL when they are two roots that both have children),
 * HIST_ORPHAN (a names a parent that is not on disk). Versions without a parent are roots;
 * hand-written histories whose manifests all say "parent": null are linear. */
typedef enum { HIST_LINEAR, HIST_FORK, HIST_ORPHAN } HistKind;
typedef struct HistFork {
    HistKind kind;
    size_t a, b;
    const char *parent;
} HistFork;
HistFork history_find_fork(const History *h);

/* The index of the newest version of the chain that starts at index start (following the
 * only child each time); SIZE_MAX when the chain forks again. */
size_t history_chain_head(const History *h, size_t start);

/* "error" text of a fork: both versions, their messages and the command that repairs it. */
void history_fork_message(struct StrBuf *out, const History *h, const HistFork *f);

/* The integrity file's text for the history (deterministic). */
void history_lock_text(struct StrBuf *out, const History *h);
/* Write <migrations>/<domain>.lock atomically. */
bool history_write_lock(const History *h, Diag *d);
/* Compare the lock file on disk with the history: true when it matches or does not exist
 * (*exists = false); otherwise false with a description in problem. */
bool history_lock_matches(const History *h, bool *exists, struct StrBuf *problem);

/* Fork check + lock for stravc check and generate: reports errors (with Diag) and returns
 * false on a fork, or (check_lock) a lock file that disagrees with the directories. */
bool history_check(Arena *a, const char *migrations_dir, const char *domain, bool check_lock,
                   Diag *d);

/* For the runtime, which has already read (and hashed) every manifest: versions[i] with the
 * SHA-256 of its manifest checksums[i] (NULL or "" when unknown), ascending. Parents come
 * from the lock file for every version whose checksum matches its lock line, from the manifest
 * otherwise, so a checked-in lock keeps this to one file read. cache_path (may be NULL): the
 * runtime's verification cache; "<cache_path>.parents" remembers the parents read from
 * manifests (same line format, trusted per checksum), for histories without a lock file.
 * 0 when the history is linear; -1 with the message in err (fork or orphan). */
int history_verify(const char *migrations_root, const char *domain, const char *const *versions,
                   const char *const *checksums, size_t n, const char *cache_path,
                   struct StrBuf *err);

/* The versions the lock file lists with a checkpoint line ("<version>/checkpoint - <sha>"),
 * ascending, NULL-terminated (caller frees each and the array); NULL when there is no lock
 * file. A hint only: the caller checks that each checkpoint exists. */
char **history_lock_checkpoints(const char *migrations_root, const char *domain);

#endif
