/*
 * gencache.h - `stravc generate`'s cache in .strav/ (docs/performance.md, "Generate"): what the
 * previous runs learnt from a manifest, keyed by the SHA-256 of the manifest's bytes, so that
 * the history check (history.c) hashes each manifest but parses only the ones it has not seen.
 * A manifest's parent is a function of its bytes: an entry can only ever be used for the exact
 * bytes it was read from, so a hand-edited manifest (same size, same mtime or not) is a miss.
 *
 * The file (.strav/generate-cache) is a header naming the format and the stravc build that
 * wrote it, one "m <sha256> <parent or ->" line per manifest, and a last line "end <sha256 of
 * everything before it>"; a file that is truncated, corrupted or from another build is ignored
 * whole. It is replaced atomically (rename), so concurrent runs each read a complete file. The
 * cache is used only where .strav/ exists and is writable in the current directory (the
 * runtime's convention) and STRAV_NO_CACHE is unset or empty.
 */
#ifndef STRAV_GENCACHE_H
#define STRAV_GENCACHE_H

#include "base.h"

typedef struct GenEntry {
    char key[65];
    char *value;
    bool used; /* looked up or put by this run: kept when the file is rewritten */
} GenEntry;

typedef struct GenCache {
    bool enabled, dirty;
    char *path; /* .strav/generate-cache */
    GenEntry *e;
    size_t n, cap;
    size_t *slot; /* open addressing: 1 + index into e, 0 empty; nslot a power of two */
    size_t nslot;
} GenCache;

/* Read the cache of the current directory (nothing when disabled or unreadable). */
void gencache_open(GenCache *c);
/* The value recorded for key (64 hex digits), or NULL when there is none. */
const char *gencache_get(GenCache *c, const char *key);
void gencache_put(GenCache *c, const char *key, const char *value);
/* Rewrite the file when something was added (failure costs speed only), then free. */
void gencache_close(GenCache *c);

#endif
