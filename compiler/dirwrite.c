/*
 * dirwrite.c - many new files below one new directory, on several threads (dirwrite.h).
 * Most of the time of writing a big migration is the kernel's, per inode (ext4: allocating
 * the inode, a block for each new directory, the entry in the parent), so the job list is
 * shared by the threads in runs of DW_RUN consecutive jobs: the files of one directory
 * usually fall to one thread, and the threads create in different directories side by side.
 */
#define _GNU_SOURCE
#include "dirwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "threads.h"

#define DW_RUN 16         /* jobs taken at a time */
#define DW_MAX_THREADS 8u /* beyond the CPUs of a laptop the per-directory locks win */

unsigned dirwrite_threads(size_t n)
{
    const char *env = getenv("STRAV_WRITE_THREADS");
    if (env && *env) {
        long v = strtol(env, NULL, 10);
        return v < 1 ? 1u : v > (long)DW_MAX_THREADS ? DW_MAX_THREADS : (unsigned)v;
    }
    if (n < 256)
        return 1;
    return threads_cpus(DW_MAX_THREADS);
}

/* mkdir rel (len bytes of it) below root, and its missing parents */
static bool mkdir_len(int root, const char *rel, size_t len)
{
    char path[4096];
    if (len >= sizeof path) {
        errno = ENAMETOOLONG;
        return false;
    }
    memcpy(path, rel, len);
    path[len] = '\0';
    if (!mkdirat(root, path, 0777) || errno == EEXIST)
        return true;
    const char *slash = memrchr(rel, '/', len);
    if (errno != ENOENT || !slash || !mkdir_len(root, rel, (size_t)(slash - rel)))
        return false;
    return !mkdirat(root, path, 0777) || errno == EEXIST;
}

/* data in writes of at most DIRWRITE_CHUNK (dirwrite.h) */
static bool write_chunked(int fd, const char *data, size_t len)
{
    for (size_t off = 0; off < len; off += DIRWRITE_CHUNK)
        if (!write_all(fd, data + off, len - off < DIRWRITE_CHUNK ? len - off : DIRWRITE_CHUNK))
            return false;
    return true;
}

/* One file; lastdir (may be NULL) is the directory this thread made last, skipped. */
static bool write_file(int root, const char *rel, const char *data, size_t len, bool flush,
                       StrBuf *lastdir)
{
    const char *slash = strrchr(rel, '/');
    if (slash) {
        size_t dl = (size_t)(slash - rel);
        if (!lastdir || lastdir->len != dl || memcmp(lastdir->buf, rel, dl)) {
            if (lastdir)
                sb_reset(lastdir);
            if (!mkdir_len(root, rel, dl))
                return false;
            if (lastdir)
                sb_add(lastdir, rel, dl);
        }
    }
    int fd = openat(root, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return false;
    bool ok = write_chunked(fd, data, len);
#ifdef __linux__
    if (ok && flush)
        sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)flush;
#endif
    int err = errno;
    if (close(fd) && ok) {
        ok = false;
        err = errno;
    }
    errno = err;
    return ok;
}

bool dirwrite_one(int root, const char *rel, const char *data, size_t len)
{
    return write_file(root, rel, data, len, false, NULL);
}

typedef struct Shared {
    int root;
    size_t n;
    DirMake make;
    void *ctx;
    atomic_size_t next;  /* the first job nobody has taken */
    pthread_mutex_t mu;  /* guards the failure below */
    atomic_size_t fail_job; /* lowest failed job, SIZE_MAX: none */
    int fail_errno;
    char fail_rel[512];
} Shared;

static void *worker(void *arg)
{
    Shared *s = arg;
    StrBuf scratch = SB_INIT, lastdir = SB_INIT;
    /* After a failure of job k no run is taken (they all start above k), but the jobs below
     * k already taken are still done: the lowest failure is the one a single thread meets. */
    while (atomic_load_explicit(&s->fail_job, memory_order_relaxed) == SIZE_MAX) {
        size_t from = atomic_fetch_add_explicit(&s->next, DW_RUN, memory_order_relaxed);
        if (from >= s->n)
            break;
        size_t to = from + DW_RUN < s->n ? from + DW_RUN : s->n;
        for (size_t i = from; i < to && i < atomic_load(&s->fail_job); i++) {
            DirFile f = {0};
            sb_reset(&scratch);
            s->make(s->ctx, i, &scratch, &f);
            if (write_file(s->root, f.rel, f.data ? f.data : "", f.len, f.flush, &lastdir))
                continue;
            int err = errno;
            pthread_mutex_lock(&s->mu);
            if (i < atomic_load(&s->fail_job)) {
                s->fail_errno = err;
                snprintf(s->fail_rel, sizeof s->fail_rel, "%s", f.rel);
                atomic_store(&s->fail_job, i);
            }
            pthread_mutex_unlock(&s->mu);
            break;
        }
    }
    sb_release(&scratch);
    sb_release(&lastdir);
    return NULL;
}

bool dirwrite_files(int root, const char *root_path, size_t n, DirMake make, void *ctx,
                    unsigned threads, char *err, size_t errsz)
{
    Shared s = {.root = root, .n = n, .make = make, .ctx = ctx};
    atomic_init(&s.next, 0);
    atomic_init(&s.fail_job, SIZE_MAX);
    pthread_mutex_init(&s.mu, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > DW_MAX_THREADS)
        threads = DW_MAX_THREADS;
    void *args[DW_MAX_THREADS];
    for (unsigned k = 0; k < threads; k++)
        args[k] = &s; /* the threads share one counter of jobs */
    threads_run(threads, worker, args);
    pthread_mutex_destroy(&s.mu);
    if (atomic_load(&s.fail_job) == SIZE_MAX)
        return true;
    snprintf(err, errsz, "cannot write '%s/%s': %s", root_path, s.fail_rel,
             strerror(s.fail_errno));
    return false;
}
