/*
 * dirwrite.h - write many new files below one freshly made directory, fast: the files are
 * made on several threads (a job list taken in small runs, so one thread's directories are
 * not another's), each with mkdirat/openat relative to the directory's descriptor,
 * O_CREAT|O_EXCL, its bytes in writes of at most DIRWRITE_CHUNK, close - no fstat, no sync.
 * Used by migdir.c to fill a migration's staging directory (docs/performance.md, "Generate:
 * writing the directory"). Stage: bytes in memory -> files; knows nothing about migrations.
 */
#ifndef STRAV_DIRWRITE_H
#define STRAV_DIRWRITE_H

#include "base.h"

struct StrBuf;

/* The largest single write(): larger ones make the kernel put the file in 2 MB page-cache
 * folios, which cost ~30 times more system time per byte on the bench machine (a 16 MB file:
 * 100-140 ms in one write, 3 ms in 256 KiB writes). */
#define DIRWRITE_CHUNK (256u * 1024)

/* One file to write: its path relative to the root directory ("a/b/c": missing parents are
 * made) and its bytes (not NUL-terminated). flush: start its writeback at once (Linux
 * sync_file_range, no waiting), for a big file the caller will fdatasync: the wait is then
 * short. */
typedef struct DirFile {
    const char *rel;
    const char *data;
    size_t len;
    bool flush;
} DirFile;

/* Job i of n: set *f to the file to write. scratch is the calling thread's buffer, empty on
 * every call, for bytes made on the fly (f->data may point into it until the next call).
 * Runs on any of the writer threads, so it reads only shared, unchanging data and writes only
 * to what belongs to job i. */
typedef void (*DirMake)(void *ctx, size_t i, struct StrBuf *scratch, DirFile *f);

/* The writer threads to use for n files: 1 below 256 files, else the online CPUs (at most
 * 8); STRAV_WRITE_THREADS=N overrides (measurements, docs/performance.md). */
unsigned dirwrite_threads(size_t n);

/* Write jobs [0, n) below the directory open as root (root_path names it in messages) on
 * `threads` threads, the calling one included. Job 0 is started first (give it the largest
 * file). On failure returns false with err (errsz bytes) saying which file and why - the
 * failure of the lowest job index, so the message does not depend on the threads - and the
 * files already made are left for the caller to remove with the directory. */
bool dirwrite_files(int root, const char *root_path, size_t n, DirMake make, void *ctx,
                    unsigned threads, char *err, size_t errsz);

/* One file, as dirwrite_files writes it (parents made, O_EXCL, chunked, not flushed); false
 * with errno set on failure. */
bool dirwrite_one(int root, const char *rel, const char *data, size_t len);

#endif
