/*
 * migset.c - reading migration directories (see migset.h and docs/migration-format.md).
 * Integrity first: a version is only usable when its manifest parses, and every file of
 * executionOrder and of the files map (snapshot.json) exists and has the SHA-256 recorded there.
 */
#include "migset.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>
#include <linux/openat2.h>

#include "filerepl.h"
#include "listcache.h"
#include "history.h"
#include "migdir.h"
#include "sha256.h"
#include "sqlsplit.h"
#include "threads.h"

/* ---- reading: regular files only, bounded by their size ----------------------------------- */

/* Open rel below the directory dirfd for reading without following a symlink out of it
 * (openat2 RESOLVE_BENEATH; on kernels without it, realpath must stay under dir). O_NONBLOCK:
 * opening a FIFO must not wait for a writer. -1 with errno (EXDEV: leads out). */
static int open_beneath(int dirfd, const char *dir, const char *rel)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
        return (int)fd;
    /* no openat2 (old kernel, seccomp): resolve by hand */
    StrBuf path = SB_INIT;
    sb_addf(&path, "%s/%s", dir, rel);
    char *real = realpath(path.buf, NULL), *rdir = realpath(dir, NULL);
    int rc = -1;
    if (real && rdir) {
        size_t n = strlen(rdir);
        if (strncmp(real, rdir, n) == 0 && real[n] == '/')
            rc = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        else
            errno = EXDEV;
    }
    int saved = errno;
    free(real);
    free(rdir);
    sb_release(&path);
    errno = saved;
    return rc;
}

/* The bytes of a regular file (NUL-terminated; *len without the NUL), read up to the size
 * fstat reports: a symlink to /dev/zero, a FIFO or a device is refused, never read. rel is
 * opened below dirfd (dir is its path, for messages and the fallback). NULL with the reason
 * in why ("is missing", ...), to follow the file's path. */
static char *read_regular(int dirfd, const char *dir, const char *rel, size_t *len, StrBuf *why)
{
    int fd = dirfd >= 0 ? open_beneath(dirfd, dir, rel) : -1;
    if (dirfd < 0)
        errno = ENOENT;
    if (fd < 0) {
        if (errno == EXDEV || errno == ELOOP)
            sb_adds(why, "is a symbolic link that leads out of the version directory");
        else if (errno == ENOENT || errno == ENOTDIR)
            sb_adds(why, "is missing");
        else
            sb_addf(why, "cannot be opened: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        sb_addf(why, "cannot be read: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        sb_adds(why, S_ISFIFO(st.st_mode)   ? "is a FIFO, not a regular file"
                     : S_ISDIR(st.st_mode) ? "is a directory, not a regular file"
                                           : "is a device or socket, not a regular file");
        goto out;
    }
    size_t size = (size_t)st.st_size, got = 0;
    if (st.st_size < 0 || (off_t)size != st.st_size) {
        sb_adds(why, "is too large");
        goto out;
    }
    /* one byte more than the size is asked for: a regular file that returns exactly its size
     * to that is at its end, so the check that it did not grow costs no second read */
    buf = xmalloc(size + 2);
    bool at_end = false;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0 && got + (size_t)r > size) {
            sb_adds(why, "changed while it was read (it grew)");
            free(buf);
            buf = NULL;
            goto out;
        }
        /* asked for more than it gave; below read()'s cap (0x7ffff000 bytes on Linux), so a
         * short count is the end */
        at_end = r > 0 && got + (size_t)r == size && size + 1 - got < ((size_t)1 << 30);
        if (r <= 0) {
            if (r < 0)
                sb_addf(why, "cannot be read: %s", strerror(errno));
            else
                sb_adds(why, "changed while it was read (it shrank)");
            free(buf);
            buf = NULL;
            goto out;
        }
        got += (size_t)r;
    }
    char extra;
    ssize_t r = 0;
    while (!at_end && (r = read(fd, &extra, 1)) < 0 && errno == EINTR)
        ;
    if (r > 0) {
        sb_adds(why, "changed while it was read (it grew)");
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[size] = '\0';
    *len = size;
out:
    close(fd);
    return buf;
}

/* A file outside any version directory (the verification cache), by the same rules. */
static char *read_path(const char *path, size_t *len)
{
    const char *slash = strrchr(path, '/');
    StrBuf dir = SB_INIT, why = SB_INIT;
    if (slash)
        sb_add(&dir, path, (size_t)(slash - path));
    else
        sb_addch(&dir, '.');
    if (!dir.len)
        sb_addch(&dir, '/');
    int dfd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *data = read_regular(dfd, dir.buf, slash ? slash + 1 : path, len, &why);
    if (dfd >= 0)
        close(dfd);
    sb_release(&dir);
    sb_release(&why);
    return data;
}

/* ---- names -------------------------------------------------------------------------------- */

bool domain_name_valid(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z')))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* PostgreSQL truncates names to NAMEDATALEN - 1 bytes: two long domains would share a schema
 * and a tracking table (and still take different advisory locks). "_strav_" + domain +
 * "_migrations" must fit. */
#define PG_NAME_MAX 63
#define DOMAIN_MAX (PG_NAME_MAX - (sizeof "_strav__migrations" - 1))

const char *domain_name_problem(const char *name, char *buf, size_t buflen)
{
    if (!domain_name_valid(name))
        snprintf(buf, buflen, "Invalid domain name: %s (a lower-case letter, then lower-case "
                              "letters, digits and '_')", name);
    else if (strlen(name) > DOMAIN_MAX)
        snprintf(buf, buflen, "the domain name %s is %zu bytes long; at most %zu are allowed, "
                              "since its tracking table _strav_%s_migrations must fit "
                              "PostgreSQL's %d-byte limit for names",
                 name, strlen(name), (size_t)DOMAIN_MAX, name, PG_NAME_MAX);
    else
        return NULL;
    return buf;
}

/* Compare the version at the start of a cache line (up to a tab) with v. */
static int version_cmp_prefix(const char *line, const char *v)
{
    size_t n = strcspn(line, "\t");
    char buf[64];
    if (n >= sizeof buf)
        return 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    return migdir_version_cmp(buf, v);
}

/* A version name with the digits after its leading zeros and their count: the number the
 * radix sort below reads (sort_version_keys). */
typedef struct VersionKey {
    char *name;
    const char *digits;
    size_t len;
} VersionKey;

static VersionKey version_key(char *name)
{
    const char *p = name;
    while (*p == '0' && p[1])
        p++;
    return (VersionKey){ name, p, strlen(p) };
}

static int cmp_version_key(const void *a, const void *b)
{
    return migdir_version_cmp(((const VersionKey *)a)->name, ((const VersionKey *)b)->name);
}

/* Sort keys as migdir_version_cmp orders their names. Names of at most 19 significant digits (every timestamp
 * version) are numbers that fit 64 bits: a radix sort on them, byte by byte, stable, is a
 * tenth of qsort's time for 10,000 names; anything longer goes to qsort. */
static void sort_version_keys(VersionKey *k, size_t n)
{
    bool fits = true;
    for (size_t i = 0; i < n && fits; i++)
        fits = k[i].len <= 19;
    if (!fits || n < 64) {
        if (n > 1)
            qsort(k, n, sizeof *k, cmp_version_key);
        return;
    }
    uint64_t *num = xmalloc(2 * n * sizeof *num);
    VersionKey *tmp = xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = 0;
        for (size_t j = 0; j < k[i].len; j++)
            v = v * 10 + (uint64_t)(k[i].digits[j] - '0');
        num[i] = v;
    }
    uint64_t *nsrc = num, *ndst = num + n;
    VersionKey *ksrc = k, *kdst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((nsrc[i] >> shift) & 0xff) + 1]++;
        if (count[((nsrc[0] >> shift) & 0xff) + 1] == n)
            continue; /* every key has this byte alike */
        for (size_t b = 1; b < 257; b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(nsrc[i] >> shift) & 0xff]++;
            ndst[at] = nsrc[i];
            kdst[at] = ksrc[i];
        }
        uint64_t *nt = nsrc;
        nsrc = ndst;
        ndst = nt;
        VersionKey *kt = ksrc;
        ksrc = kdst;
        kdst = kt;
    }
    if (ksrc != k)
        memcpy(k, ksrc, n * sizeof *k);
    free(num);
    free(tmp);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_problem(Migration *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void set_problem(Migration *m, const char *fmt, ...)
{
    if (m->problem)
        return;
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    m->problem = xstrdup(tmp);
}

static bool rel_valid(const char *rel)
{
    return rel && *rel && rel[0] != '/' && !strstr(rel, "..");
}

/* 1-based line of byte offset off in text. */
static int line_of(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

/* The checks every file's bytes get, whether or not they are kept: no NUL (the server would cut
 * the statement there) and no statement that takes the transaction or the session away from
 * the runtime (sqlsplit_session_control), named by file:line. The finding (malloc'd), or NULL. */
static char *sql_problem(const char *dir, const char *rel, const char *data, size_t len)
{
    StrBuf sb = SB_INIT;
    char why[160];
    size_t off = 0;
    if (memchr(data, '\0', len))
        sb_addf(&sb, "file %s/%s contains a NUL byte", dir, rel);
    else if (sqlsplit_session_control(data, &off, why, sizeof why))
        sb_addf(&sb, "%s/%s:%d: %s: the runtime owns the transaction and the session settings "
                     "(it commits or rolls back the batch, and sets search_path); remove it",
                dir, rel, line_of(data, off), why);
    return sb.len ? sb_detach(&sb) : NULL;
}

/* ---- the files of a version: read and hashed on up to MAX_FILE_THREADS threads ------------
 * A version is verified in three passes: the names of executionOrder and of the files map are
 * collected (no file touched), every file is read, hashed and checked on its own (in parallel
 * for a version with many files: the initial migration of a big project has 10,000 and more),
 * then the results are taken in the order a one-by-one reading would meet them, so the problem
 * reported (the first, set_problem) and every list are the same whatever the threads did. */

typedef struct FileTask {
    const char *rel;   /* the MigFile's name, or the files map's key */
    bool sql;          /* an executionOrder file: check_sql's checks apply */
    bool keep;         /* keep the contents (MigFile.sql) */
    bool ok;           /* read; got holds its SHA-256 */
    char got[65];
    char *data;        /* contents when kept */
    char *why;         /* why it could not be read ("is missing", ...) */
    char *sqlwhy;      /* sql_problem's finding */
} FileTask;

typedef struct FileJob {
    int vfd;
    const char *dir;
    FileTask *t;
    size_t n, first, step;
} FileJob;

static void *file_worker(void *arg)
{
    FileJob *j = arg;
    for (size_t i = j->first; i < j->n; i += j->step) {
        FileTask *t = &j->t[i];
        size_t len = 0;
        StrBuf why = SB_INIT;
        char *data = read_regular(j->vfd, j->dir, t->rel, &len, &why);
        if (!data) {
            t->why = sb_detach(&why);
            continue;
        }
        sb_release(&why);
        t->ok = true;
        sha256_hex(data, len, t->got);
        if (t->sql)
            t->sqlwhy = sql_problem(j->dir, t->rel, data, len);
        if (t->keep)
            t->data = data;
        else
            free(data);
    }
    return NULL;
}

/* Below this many files a version is read on the calling thread (a thread costs more). */
#define PARALLEL_FILES 128
#define MAX_FILE_THREADS 4

static size_t file_threads(void)
{
    static size_t n;
    if (!n) /* racy but idempotent: every thread computes the same value */
        n = threads_cpus(MAX_FILE_THREADS);
    return n;
}

static void run_file_tasks(int vfd, const char *dir, FileTask *t, size_t n)
{
    size_t nt = n >= PARALLEL_FILES ? file_threads() : 1;
    FileJob jobs[MAX_FILE_THREADS];
    void *args[MAX_FILE_THREADS];
    for (size_t k = 0; k < nt; k++) {
        jobs[k] = (FileJob){ vfd, dir, t, n, k, nt };
        args[k] = &jobs[k];
    }
    threads_run(nt, file_worker, args);
}

static void task_release(FileTask *t)
{
    free(t->data);
    free(t->why);
    free(t->sqlwhy);
}

/* One direction of executionOrder after the first pass: its files (rel set), how many are to
 * be read (the names before the first invalid one), and why the list stops there. */
typedef struct DirFiles {
    const char *key;
    json_t *order;
    MigFile *f;
    size_t cnt;        /* names collected, each with a task */
    bool not_array;    /* executionOrder.<key> is not an array */
    bool bad_name;     /* the name after the cnt-th is invalid */
} DirFiles;

static void collect_dir(DirFiles *d, json_t *manifest, json_t *nontx)
{
    d->order = json_object_get(json_object_get(manifest, "executionOrder"), d->key);
    if (!json_is_array(d->order)) {
        d->not_array = true;
        return;
    }
    size_t cnt = json_array_size(d->order);
    d->f = xcalloc(cnt ? cnt : 1, sizeof(MigFile));
    for (size_t i = 0; i < cnt; i++) {
        const char *rel = json_string_value(json_array_get(d->order, i));
        if (!rel_valid(rel)) {
            d->bad_name = true;
            return;
        }
        MigFile *f = &d->f[d->cnt++];
        f->rel = xstrdup(rel);
        for (size_t j = 0; j < json_array_size(nontx); j++) {
            const char *nt = json_string_value(json_array_get(nontx, j));
            if (nt && strcmp(nt, rel) == 0)
                f->nontx = true;
        }
    }
}

/* The third pass for one direction: problems in file order, the list as far as a one-by-one
 * reading would have filled it. With no files map (the seed's manifest format), each file's
 * SHA-256 is appended to seedsum instead, for the migration's checksum. */
static void take_dir(Migration *m, DirFiles *d, FileTask *t, json_t *files, MigFile **out,
                     size_t *n, StrBuf *seedsum)
{
    *out = d->f;
    *n = 0;
    if (d->not_array) {
        set_problem(m, "manifest.json: executionOrder.%s is missing or not an array", d->key);
        return;
    }
    for (size_t i = 0; i < d->cnt; i++) {
        MigFile *f = &d->f[(*n)++];
        const char *rel = f->rel;
        if (!t[i].ok) {
            set_problem(m, "file %s/%s listed in executionOrder %s", m->dir, rel, t[i].why);
            for (size_t j = i + 1; j < d->cnt; j++) /* names a one-by-one reading never met */
                free(d->f[j].rel);
            return;
        }
        const char *want = files ? json_string_value(json_object_get(files, rel)) : NULL;
        if (files && !want)
            set_problem(m, "manifest.json: no SHA-256 for %s in the files map", rel);
        else if (want && strcasecmp(t[i].got, want) != 0) /* hex in either case */
            set_problem(m, "file %s/%s does not match the SHA-256 recorded in manifest.json",
                        m->dir, rel);
        else if (!files)
            sb_addf(seedsum, "%s\t%s\t%s\n", d->key, t[i].got, rel);
        if (t[i].sqlwhy)
            set_problem(m, "%s", t[i].sqlwhy);
        f->sql = t[i].data;
        t[i].data = NULL;
    }
    if (d->bad_name)
        set_problem(m, "manifest.json: executionOrder.%s holds an invalid file name", d->key);
}

static int cmp_str_ptr(const void *a, const void *b);

/* How a version's files are read (load_version). */
enum {
    LOAD_VERIFY,   /* read and verify every file, keep nothing */
    LOAD_KEEP,     /* the same, keeping the SQL */
    LOAD_RUN       /* keep the SQL; the files map's other entries only listed (see below) */
};

/* Read and verify the files of executionOrder.up, .down and the other entries of the files map
 * (snapshot.json: never run, but verified like the others, so a hand-edited snapshot is a
 * modified version too); keep the SQL unless mode is LOAD_VERIFY. */
static void load_all_files(Migration *m, int vfd, json_t *manifest, int mode,
                           StrBuf *seedsum)
{
    json_t *files = json_object_get(manifest, "files");
    json_t *nontx = json_object_get(manifest, "nonTransactional");
    DirFiles d[2] = { { .key = "up" }, { .key = "down" } };
    collect_dir(&d[0], manifest, nontx);
    collect_dir(&d[1], manifest, nontx);
    /* the files map's other entries, as far as the first invalid one */
    size_t nsel = d[0].cnt + d[1].cnt, nx = 0;
    const char **sel = xcalloc(nsel + 1, sizeof *sel);
    for (size_t k = 0, i = 0; k < 2; k++)
        for (size_t j = 0; j < d[k].cnt; j++)
            sel[i++] = d[k].f[j].rel;
    qsort(sel, nsel, sizeof *sel, cmp_str_ptr);
    size_t cnt = json_is_object(files) ? json_object_size(files) : 0;
    const char **xrel = xcalloc(cnt + 1, sizeof *xrel);
    const char *bad_extra = NULL;
    const char *rel;
    json_t *val;
    if (cnt)
        json_object_foreach(files, rel, val) {
            if (bsearch(&rel, sel, nsel, sizeof *sel, cmp_str_ptr))
                continue;
            if (!rel_valid(rel) || !json_string_value(val)) {
                bad_extra = rel;
                break;
            }
            xrel[nx++] = rel;
        }
    free(sel);
    size_t nt = d[0].cnt + d[1].cnt + nx;
    FileTask *t = xcalloc(nt + 1, sizeof *t);
    for (size_t k = 0, i = 0; k < 2; k++)
        for (size_t j = 0; j < d[k].cnt; j++)
            t[i++] = (FileTask){ .rel = d[k].f[j].rel, .sql = true, .keep = mode != LOAD_VERIFY };
    for (size_t i = 0; i < nx; i++)
        t[d[0].cnt + d[1].cnt + i] = (FileTask){ .rel = xrel[i] };
    /* LOAD_RUN: the other entries are listed, not read again: they are never run, and the
     * load verified them a moment ago (an 8 MB snapshot.json was a third of a small migrate's
     * time on a 5,000-table project) */
    run_file_tasks(vfd, m->dir, t, mode == LOAD_RUN ? d[0].cnt + d[1].cnt : nt);
    take_dir(m, &d[0], t, files, &m->up, &m->nup, seedsum);
    take_dir(m, &d[1], t + d[0].cnt, files, &m->down, &m->ndown, seedsum);
    if (json_is_object(files) && !m->problem) {
        m->extra = xcalloc(cnt ? cnt : 1, sizeof(MigFile));
        FileTask *xt = t + d[0].cnt + d[1].cnt;
        bool stopped = false;
        for (size_t i = 0; i < nx && !stopped; i++) {
            if (mode == LOAD_RUN) {
                m->extra[m->nextra++].rel = xstrdup(xrel[i]);
                continue;
            }
            if (!xt[i].ok) {
                set_problem(m, "file %s/%s listed in the manifest's files map %s", m->dir,
                            xrel[i], xt[i].why);
                stopped = true;
                break;
            }
            const char *want = json_string_value(json_object_get(files, xrel[i]));
            if (strcasecmp(xt[i].got, want) != 0)
                set_problem(m, "file %s/%s does not match the SHA-256 recorded in manifest.json",
                            m->dir, xrel[i]);
            m->extra[m->nextra++].rel = xstrdup(xrel[i]);
        }
        if (bad_extra && !stopped)
            set_problem(m, "manifest.json: the files map holds an invalid entry \"%s\"",
                        bad_extra);
    }
    for (size_t i = 0; i < nt; i++)
        task_release(&t[i]);
    free(t);
    free(xrel);
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

enum { J_STRING = 1, J_NULL = 2, J_OBJECT = 4, J_ARRAY_OF_STRINGS = 8, J_OBJECT_OF_STRINGS = 16 };

/* Whether v has one of the kinds in mask (J_*). */
static bool json_kind_ok(json_t *v, int mask)
{
    if ((mask & J_STRING) && json_is_string(v))
        return true;
    if ((mask & J_NULL) && json_is_null(v))
        return true;
    if ((mask & (J_OBJECT | J_OBJECT_OF_STRINGS)) && json_is_object(v)) {
        if (mask & J_OBJECT)
            return true;
        const char *k;
        json_t *e;
        json_object_foreach(v, k, e) {
            if (!json_is_string(e))
                return false;
        }
        return true;
    }
    if ((mask & J_ARRAY_OF_STRINGS) && json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!json_is_string(json_array_get(v, i)))
                return false;
        return true;
    }
    return false;
}

/* Every key the runtime or the seed knows gets its type checked (a wrong type is a refusal,
 * never a silent default: a string "nonTransactional" would run a file inside the
 * transaction). Unknown keys are allowed (a newer generator's additions). */
static void check_types(Migration *m, json_t *j)
{
    static const struct {
        const char *key;
        int kinds;
        const char *want;
    } keys[] = {
        { "version", J_STRING, "a string" },
        { "message", J_STRING | J_NULL, "a string" },
        { "generatedAt", J_STRING | J_NULL, "a string" },
        { "summary", J_OBJECT | J_NULL, "an object" },
        { "executionOrder", J_OBJECT, "an object" },
        { "domain", J_STRING | J_NULL, "a string" },
        { "schema", J_STRING | J_NULL, "a string" },
        { "tenants", J_OBJECT | J_NULL, "null or an object" },
        { "parent", J_STRING | J_NULL, "a string or null" },
        { "files", J_OBJECT_OF_STRINGS, "an object of SHA-256 strings" },
        { "nonTransactional", J_ARRAY_OF_STRINGS, "an array of file names" },
        { "destructive", J_ARRAY_OF_STRINGS, "an array of strings" },
        { "irreversible", J_ARRAY_OF_STRINGS, "an array of strings" },
        { "online", J_OBJECT | J_NULL, "an object" },
    };
    for (size_t i = 0; i < ARRAY_LEN(keys) && !m->problem; i++) {
        json_t *v = json_object_get(j, keys[i].key);
        if (!v) {
            /* required: version and executionOrder */
            if (keys[i].kinds == J_STRING || keys[i].kinds == J_OBJECT)
                set_problem(m, "manifest.json: \"%s\" is missing", keys[i].key);
        } else if (!json_kind_ok(v, keys[i].kinds)) {
            set_problem(m, "manifest.json: \"%s\" must be %s, not %s", keys[i].key, keys[i].want,
                        json_kind(v));
        }
    }
    if (m->problem)
        return;
    json_t *eo = json_object_get(j, "executionOrder");
    static const char *const dirs[] = { "up", "down" };
    for (size_t i = 0; i < 2 && !m->problem; i++) {
        json_t *v = json_object_get(eo, dirs[i]);
        if (!v)
            set_problem(m, "manifest.json: executionOrder.%s is missing", dirs[i]);
        else if (!json_kind_ok(v, J_ARRAY_OF_STRINGS))
            set_problem(m, "manifest.json: executionOrder.%s must be an array of file names, "
                           "not %s", dirs[i], json_kind(v));
    }
    const char *schema = json_string_value(json_object_get(j, "schema"));
    if (schema && (!*schema || strlen(schema) > PG_NAME_MAX))
        set_problem(m, "manifest.json: \"schema\" must be 1 to %d bytes (PostgreSQL's limit for "
                       "names), not %zu", PG_NAME_MAX, strlen(schema));
    json_t *ten = json_object_get(j, "tenants");
    if (json_is_object(ten)) {
        json_t *q = json_object_get(ten, "query"), *p = json_object_get(ten, "pattern");
        if (!(json_is_string(q) && !p) && !(json_is_string(p) && !q))
            set_problem(m, "manifest.json: \"tenants\" must be null, {\"query\": \"SELECT ...\"} "
                           "or {\"pattern\": \"...\"}");
    }
    json_t *nt = json_object_get(j, "nonTransactional");
    for (size_t i = 0; i < json_array_size(nt) && !m->problem; i++) {
        const char *rel = json_string_value(json_array_get(nt, i));
        bool listed = false;
        for (size_t d = 0; d < 2; d++) {
            json_t *a = json_object_get(eo, dirs[d]);
            for (size_t k = 0; k < json_array_size(a); k++)
                if (strcmp(json_string_value(json_array_get(a, k)), rel) == 0)
                    listed = true;
        }
        if (!listed)
            set_problem(m, "manifest.json: nonTransactional names %s, which executionOrder does "
                           "not list", rel);
    }
}

static void files_free(MigFile *f, size_t n);

static void load_version(Migration *m, int mode)
{
    size_t len = 0;
    json_t *j = NULL;
    StrBuf why = SB_INIT, seedsum = SB_INIT;
    m->message = xstrdup("");
    if (m->version[0] == '0') {
        set_problem(m, "the version directory %s starts with a zero: versions are epoch "
                       "milliseconds without leading zeros (%s would sort and compare like a "
                       "different name of another version)", m->dir, m->version);
        return;
    }
    int vfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *bytes = read_regular(vfd, m->dir, "manifest.json", &len, &why);
    if (!bytes) {
        set_problem(m, "%s/manifest.json %s", m->dir, why.buf);
        goto out;
    }
    sha256_hex(bytes, len, m->checksum);
    json_error_t jerr;
    j = json_loadb(bytes, len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "%s/manifest.json is corrupt (line %d: %s)", m->dir, jerr.line,
                j ? "not an object" : jerr.text);
        m->problem = sb_detach(&sb);
        goto out;
    }
    check_types(m, j);
    if (m->problem)
        goto out;
    const char *v = json_string_value(json_object_get(j, "version"));
    if (!v || strcmp(v, m->version) != 0) {
        set_problem(m, "%s/manifest.json: \"version\" does not match the directory name", m->dir);
        goto out;
    }
    const char *msg = json_string_value(json_object_get(j, "message"));
    if (msg) {
        free(m->message);
        m->message = xstrdup(msg);
    }
    const char *schema = json_string_value(json_object_get(j, "schema"));
    if (schema)
        m->schema = xstrdup(schema);
    json_t *online = json_object_get(j, "online"); /* docs/migration-format.md */
    if (json_is_object(online)) {
        json_int_t lt = json_integer_value(json_object_get(online, "lockTimeoutMs"));
        json_int_t rt = json_integer_value(json_object_get(online, "retries"));
        m->lock_timeout_ms = lt > 0 && lt <= 3600000 ? (int)lt : 0;
        m->retries = rt > 0 && rt <= 100 ? (int)rt : 0;
    }
    json_t *ten = json_object_get(j, "tenants");
    if (ten && !json_is_null(ten))
        m->tenants = json_dumps(ten, JSON_COMPACT | JSON_SORT_KEYS);
    bool seed = !json_object_get(j, "files");
    if (seed) /* the seed's format: the checksum covers the manifest and every file */
        sb_addf(&seedsum, "strav seed-format checksum 1\nmanifest.json\t%s\n", m->checksum);
    load_all_files(m, vfd, j, mode, &seedsum);
    if (seed && !m->problem)
        sha256_hex(seedsum.buf, seedsum.len, m->checksum);
out:
    if (vfd >= 0)
        close(vfd);
    json_decref(j);
    free(bytes);
    sb_release(&why);
    sb_release(&seedsum);
}

static int load_again(Migration *m, int mode)
{
    free(m->message);
    free(m->schema);
    free(m->tenants);
    free(m->problem);
    files_free(m->up, m->nup);
    files_free(m->down, m->ndown);
    files_free(m->extra, m->nextra);
    m->message = m->schema = m->tenants = m->problem = NULL;
    m->up = m->down = m->extra = NULL;
    m->nup = m->ndown = m->nextra = 0;
    load_version(m, mode);
    return m->problem ? -1 : 0;
}

int migset_load_sql(Migration *m)
{
    return load_again(m, LOAD_KEEP);
}

int migset_load_run_sql(Migration *m)
{
    return load_again(m, LOAD_RUN);
}

/* ---- SQL files a manifest does not list ---------------------------------------------------
 * A hand-written version whose manifest forgets a file would otherwise be applied without it
 * (an empty executionOrder is a valid, empty migration) and recorded as done. The names come
 * from manifest.json itself: a version verified from the cache has no file lists. */

#define UNLISTED_DEPTH 8 /* generated layouts are two deep (tables/<name>/up.sql) */

typedef struct StrList {
    char **v;
    size_t n, cap;
} StrList;

typedef struct Unlisted {
    const char **listed; /* sorted */
    size_t nlisted;
    StrList found;       /* *.sql not listed */
    StrList links;       /* listed names that are symbolic links */
} Unlisted;

static void strlist_push(StrList *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void strlist_free(StrList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static bool ends_with_sql(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".sql") == 0;
}

static bool listed(const Unlisted *u, const char *rel)
{
    return bsearch(&rel, u->listed, u->nlisted, sizeof *u->listed, cmp_str_ptr) != NULL;
}

/* Every *.sql below the directory dfd (rel: its path in the version, "" at the top) that the
 * manifest does not list, into u->found, and the listed symbolic links into u->links. Links
 * are not followed. */
static void unlisted_walk(Unlisted *u, int dfd, const char *rel, int depth)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        StrBuf path = SB_INIT;
        sb_addf(&path, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        /* a squashed version's checkpoint has its own manifest, and is walked when used */
        bool checkpoint = type == DT_DIR && depth == 0 && !strcmp(e->d_name, MIGDIR_CHECKPOINT);
        if (type == DT_DIR && !checkpoint && depth < UNLISTED_DEPTH) {
            int sub = openat(dirfd(d), e->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                unlisted_walk(u, sub, path.buf, depth + 1);
        } else if (type != DT_DIR && listed(u, path.buf)) {
            if (type == DT_LNK) {
                strlist_push(&u->links, sb_detach(&path));
                continue;
            }
        } else if (type != DT_DIR && ends_with_sql(e->d_name)) {
            strlist_push(&u->found, sb_detach(&path));
            continue;
        }
        sb_release(&path);
    }
    closedir(d);
}

/* Drop from u->found the files a listed symbolic link leads to (a link that stays inside the
 * version is read as its target: migset.c's open_beneath). */
static void drop_link_targets(Unlisted *u, const char *dir)
{
    char *rdir = u->links.n && u->found.n ? realpath(dir, NULL) : NULL;
    if (!rdir)
        return;
    size_t dl = strlen(rdir);
    for (size_t i = 0; i < u->links.n; i++) {
        StrBuf p = SB_INIT;
        sb_addf(&p, "%s/%s", dir, u->links.v[i]);
        char *real = realpath(p.buf, NULL);
        sb_release(&p);
        if (real && strncmp(real, rdir, dl) == 0 && real[dl] == '/')
            for (size_t k = 0; k < u->found.n; k++)
                if (u->found.v[k] && !strcmp(u->found.v[k], real + dl + 1)) {
                    free(u->found.v[k]);
                    u->found.v[k] = NULL;
                }
        free(real);
    }
    free(rdir);
    size_t k = 0;
    for (size_t i = 0; i < u->found.n; i++)
        if (u->found.v[i])
            u->found.v[k++] = u->found.v[i];
    u->found.n = k;
}

char *migset_unlisted_sql(const Migration *m)
{
    int vfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (vfd < 0)
        return NULL; /* loading the version has reported it */
    size_t len = 0;
    StrBuf why = SB_INIT;
    char *bytes = read_regular(vfd, m->dir, "manifest.json", &len, &why);
    sb_release(&why);
    json_t *j = bytes ? json_loadb(bytes, len, 0, NULL) : NULL;
    free(bytes);
    if (!json_is_object(j)) { /* loading the version has reported it */
        json_decref(j);
        close(vfd);
        return NULL;
    }
    json_t *eo = json_object_get(j, "executionOrder"), *files = json_object_get(j, "files");
    json_t *up = json_object_get(eo, "up"), *down = json_object_get(eo, "down");
    Unlisted u = { 0 };
    u.listed = xcalloc(json_array_size(up) + json_array_size(down) + json_object_size(files) + 1,
                       sizeof *u.listed);
    json_t *lists[2] = { up, down };
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < json_array_size(lists[k]); i++)
            if (json_string_value(json_array_get(lists[k], i)))
                u.listed[u.nlisted++] = json_string_value(json_array_get(lists[k], i));
    const char *key;
    json_t *val;
    if (json_is_object(files))
        json_object_foreach(files, key, val) { u.listed[u.nlisted++] = key; }
    qsort(u.listed, u.nlisted, sizeof *u.listed, cmp_str_ptr);
    unlisted_walk(&u, vfd, "", 0); /* closes vfd */
    drop_link_targets(&u, m->dir);
    char *msg = NULL;
    if (u.found.n) {
        qsort(u.found.v, u.found.n, sizeof *u.found.v, cmp_str_ptr);
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "%s/%s is not listed in manifest.json's executionOrder, so it would never "
                     "run", m->dir, u.found.v[0]);
        if (u.found.n > 1)
            sb_addf(&sb, " (nor %zu more .sql file%s)", u.found.n - 1, u.found.n > 2 ? "s" : "");
        sb_addf(&sb, ": list it in executionOrder.up or .down (with its SHA-256 in the files "
                     "map, when the manifest has one), or remove it");
        msg = sb_detach(&sb);
    }
    strlist_free(&u.found);
    strlist_free(&u.links);
    free(u.listed);
    json_decref(j);
    return msg;
}

/* ---- verification cache ------------------------------------------------------------------
 * One line per verified version: version, stat digest, manifest SHA-256, schema, message, up
 * files, down files, the other files of the files map (snapshot.json) (fields separated by tabs; names percent-encoded; '!' marks a
 * non-transactional file; files separated by '|'). The stat digest is FNV-1a over (name, dev,
 * ino, size, mtime, ctime) of manifest.json and every file. A version is cached only when all
 * those times are more than two seconds old, so a change within the timestamp granularity is
 * never mistaken for no change (git's "racy" rule). */

#define CACHE_MAGIC "strav-verify-cache 3" /* 3: the session-control and type checks */

typedef struct StatDigest {
    uint64_t h;
    bool racy;   /* a file changed too recently to trust its times */
    bool failed; /* a file could not be stat'ed */
} StatDigest;

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ULL;
    }
}

/* now_ns: when the scan started; a file whose times are within RACY_NS of it is not trusted. */
#define RACY_NS 1000000000LL

/* The stat data a digest covers, of version/rel below rootfd; false when it cannot be had. */
static bool stat_file(int rootfd, const char *version, const char *rel, int64_t v[5])
{
    char path[4096];
    size_t vl = strlen(version), rl = strlen(rel);
    struct stat st;
    if (vl + 1 + rl >= sizeof path)
        return false;
    memcpy(path, version, vl);
    path[vl] = '/';
    memcpy(path + vl + 1, rel, rl + 1);
    if (fstatat(rootfd, path, &st, 0) != 0)
        return false;
    v[0] = (int64_t)st.st_dev;
    v[1] = (int64_t)st.st_ino;
    v[2] = (int64_t)st.st_size;
    v[3] = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    v[4] = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
    return true;
}

static void digest_add(StatDigest *d, const char *rel, bool ok, const int64_t v[5],
                       int64_t now_ns)
{
    if (!ok) {
        d->failed = true;
        return;
    }
    fnv(&d->h, rel, strlen(rel) + 1);
    fnv(&d->h, v, 5 * sizeof *v);
    if (v[3] >= now_ns - RACY_NS || v[4] >= now_ns - RACY_NS)
        d->racy = true;
}

static void digest_file(StatDigest *d, int rootfd, const char *version, const char *rel,
                        int64_t now_ns)
{
    int64_t v[5];
    digest_add(d, rel, stat_file(rootfd, version, rel, v), v, now_ns);
}

static void enc(StrBuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '%' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '|' || ch == '!')
            sb_addf(sb, "%%%02x", ch);
        else
            sb_addch(sb, (char)ch);
    }
}

static char *dec(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            char hex[3] = { s[i + 1], s[i + 2], 0 };
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* One file of a big version to stat (stat_many), on any thread. */
typedef struct StatTask {
    const char *rel;
    bool ok;
    int64_t v[5];
} StatTask;
static void stat_many(int rootfd, const char *version, StatTask *t, size_t n);

static void digest_version(StatDigest *d, int rootfd, const Migration *m, int64_t now_ns)
{
    d->h = 14695981039346656037ULL;
    d->racy = d->failed = false;
    digest_file(d, rootfd, m->version, "manifest.json", now_ns);
    size_t n = m->nup + m->ndown + m->nextra;
    if (n >= PARALLEL_FILES) { /* the stat calls on several threads, the digest in order */
        StatTask *t = xcalloc(n, sizeof *t);
        const MigFile *lists[3] = { m->up, m->down, m->extra };
        size_t counts[3] = { m->nup, m->ndown, m->nextra }, k = 0;
        for (int l = 0; l < 3; l++)
            for (size_t i = 0; i < counts[l]; i++)
                t[k++].rel = lists[l][i].rel;
        stat_many(rootfd, m->version, t, n);
        for (size_t i = 0; i < n && !d->failed; i++)
            digest_add(d, t[i].rel, t[i].ok, t[i].v, now_ns);
        free(t);
        return;
    }
    for (size_t i = 0; i < m->nup; i++)
        digest_file(d, rootfd, m->version, m->up[i].rel, now_ns);
    for (size_t i = 0; i < m->ndown; i++)
        digest_file(d, rootfd, m->version, m->down[i].rel, now_ns);
    for (size_t i = 0; i < m->nextra; i++)
        digest_file(d, rootfd, m->version, m->extra[i].rel, now_ns);
}

static void enc_files(StrBuf *sb, const MigFile *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_addch(sb, '|');
        enc(sb, f[i].rel);
        if (f[i].nontx)
            sb_addch(sb, '!');
    }
}

/* Where the names of an encoded cache field go: each is stat'ed into the digest at once, or
 * (names set) collected, NUL-separated, to be stat'ed in parallel (stat_many). */
typedef struct NameSink {
    StatDigest *d;
    int rootfd;
    const char *version;
    int64_t now_ns;
    StrBuf *names;
    size_t count;
} NameSink;

/* Add the files of an encoded cache field (see enc_files) to the sink, decoding each name
 * into a stack buffer: a cached version costs its fstatat calls and no allocation. */
static void digest_field(NameSink *k_, const char *s, size_t n)
{
    StatDigest *d = k_->d;
    char rel[1024];
    size_t k = 0;
    for (size_t i = 0; i <= n && !d->failed; i++) {
        if (i < n && s[i] != '|') {
            if (k + 1 >= sizeof rel) {
                d->failed = true;
                return;
            }
            if (s[i] == '%' && i + 2 < n) {
                char hex[3] = { s[i + 1], s[i + 2], 0 };
                rel[k++] = (char)strtol(hex, NULL, 16);
                i += 2;
            } else if (s[i] != '!' || (i + 1 < n && s[i + 1] != '|')) {
                rel[k++] = s[i];
            }
            continue;
        }
        if (k == 0) /* empty list */
            continue;
        rel[k] = '\0';
        if (k_->names) {
            sb_add(k_->names, rel, k + 1);
            k_->count++;
        } else {
            digest_file(d, k_->rootfd, k_->version, rel, k_->now_ns);
        }
        k = 0;
    }
}

/* ---- a big version's stat calls on several threads (the digest is then taken in order) */

typedef struct StatJob {
    int rootfd;
    const char *version;
    StatTask *t;
    size_t n, first, step;
} StatJob;

static void *stat_worker(void *arg)
{
    StatJob *j = arg;
    for (size_t i = j->first; i < j->n; i += j->step)
        j->t[i].ok = stat_file(j->rootfd, j->version, j->t[i].rel, j->t[i].v);
    return NULL;
}

static void stat_many(int rootfd, const char *version, StatTask *t, size_t n)
{
    size_t nt = file_threads();
    StatJob jobs[MAX_FILE_THREADS];
    void *args[MAX_FILE_THREADS];
    for (size_t k = 0; k < nt; k++) {
        jobs[k] = (StatJob){ rootfd, version, t, n, k, nt };
        args[k] = &jobs[k];
    }
    threads_run(nt, stat_worker, args);
}

/* The number of names in encoded fields 5..7 of a cache line, at most (one per '|', plus one
 * per non-empty field). */
static size_t field_names(const char **fld, const size_t *len)
{
    size_t n = 0;
    for (int f = 5; f <= 7; f++) {
        n += len[f] > 0;
        for (size_t i = 0; i < len[f]; i++)
            n += fld[f][i] == '|';
    }
    return n;
}

/* Fill m from a cache line (fields split already) when the stat digest still matches. The
 * file lists are not filled in (migset_load_sql reads them before anything runs). */
static bool from_cache(Migration *m, const char **fld, const size_t *len, int rootfd,
                       int64_t now_ns)
{
    StatDigest d = { 14695981039346656037ULL, false, false };
    StrBuf names = SB_INIT;
    bool many = field_names(fld, len) >= PARALLEL_FILES;
    NameSink sink = { &d, rootfd, m->version, now_ns, many ? &names : NULL, 0 };
    digest_file(&d, rootfd, m->version, "manifest.json", now_ns);
    digest_field(&sink, fld[5], len[5]);
    digest_field(&sink, fld[6], len[6]);
    digest_field(&sink, fld[7], len[7]);
    if (many && !d.failed) {
        StatTask *t = xcalloc(sink.count + 1, sizeof *t);
        const char *p = names.buf;
        for (size_t i = 0; i < sink.count; i++, p += strlen(p) + 1)
            t[i].rel = p;
        stat_many(rootfd, m->version, t, sink.count);
        for (size_t i = 0; i < sink.count && !d.failed; i++)
            digest_add(&d, t[i].rel, t[i].ok, t[i].v, now_ns);
        free(t);
    }
    sb_release(&names);
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)d.h);
    if (d.failed || d.racy || len[1] != 16 || memcmp(fld[1], hex, 16) != 0 || len[2] != 64)
        return false;
    memcpy(m->checksum, fld[2], 64);
    m->checksum[64] = '\0';
    return true; /* schema and message: cached_strings, on the loading thread */
}

/* The 8 tab-separated fields of a cache line; how many tabs were seen (7 when well-formed). */
static size_t cache_fields(const char *line, const char **fld, size_t *len)
{
    size_t k = 0;
    const char *p = line;
    for (; k < 8; k++) {
        const char *t = strchr(p, '\t');
        fld[k] = p;
        len[k] = t ? (size_t)(t - p) : strlen(p);
        if (!t)
            break;
        p = t + 1;
    }
    return k;
}

/* The schema and message of a version taken from its cache line. Done after the workers, on
 * one thread: a malloc on each worker thread grows its own arena a page at a time (hundreds
 * of mprotect calls for 10,000 versions). */
static void cached_strings(Migration *m, const char *line)
{
    const char *fld[8];
    size_t len[8];
    cache_fields(line, fld, len);
    m->schema = (len[3] == 1 && fld[3][0] == '-') ? NULL : dec(fld[3], len[3]);
    m->message = dec(fld[4], len[4]);
}

typedef struct CacheIndex {
    char *buf;     /* the cache file, NUL-terminated */
    char **lines;  /* start of each version line, sorted as in the file */
    size_t n;
} CacheIndex;

static void cache_read(CacheIndex *ci, const char *path, const char *root)
{
    memset(ci, 0, sizeof *ci);
    size_t len = 0;
    ci->buf = path ? read_path(path, &len) : NULL;
    if (!ci->buf)
        return;
    char *nl = strchr(ci->buf, '\n');
    StrBuf hdr = SB_INIT;
    sb_addf(&hdr, "%s\t%s", CACHE_MAGIC, root);
    if (!nl || (size_t)(nl - ci->buf) != hdr.len || memcmp(ci->buf, hdr.buf, hdr.len) != 0) {
        sb_release(&hdr);
        return;
    }
    sb_release(&hdr);
    size_t cap = 1024;
    ci->lines = xmalloc(cap * sizeof *ci->lines);
    for (char *p = nl + 1; *p;) {
        char *e = strchr(p, '\n');
        if (!e)
            break;
        *e = '\0';
        if (ci->n == cap) {
            cap *= 2;
            ci->lines = xrealloc(ci->lines, cap * sizeof *ci->lines);
        }
        ci->lines[ci->n++] = p;
        p = e + 1;
    }
}

static const char *cache_find(const CacheIndex *ci, const char *version, size_t *hint)
{
    size_t vl = strlen(version);
    /* versions come in ascending order, as in the file: try the hint first */
    for (size_t i = *hint; i < ci->n; i++) {
        const char *l = ci->lines[i];
        if (strncmp(l, version, vl) == 0 && l[vl] == '\t') {
            *hint = i + 1;
            return l;
        }
        if (version_cmp_prefix(l, version) > 0)
            break;
    }
    return NULL;
}

enum { HIT_NONE, HIT_CACHED, HIT_FRESH, HIT_NOTDIR };

typedef struct LoadJob {
    MigSet *set;
    const char **line;  /* cache line per version, or NULL */
    unsigned char *hit; /* HIT_* per version, written by exactly one worker */
    int rootfd;         /* the domain folder */
    int64_t now_ns;
    bool caching;       /* compute digests for fresh versions */
} LoadJob;

typedef struct LoadWorker {
    LoadJob *job;
    size_t first, step; /* versions first, first + step, ... */
} LoadWorker;

/* Verify versions first, first + step, ...: from the cache when the stat digest matches, else
 * by reading and hashing everything. Each version is touched by one worker only. */
static void *load_worker(void *arg)
{
    LoadWorker *w = arg;
    LoadJob *job = w->job;
    /* a descriptor of its own for the same folder when there are several workers: fstatat
     * through a shared one makes every call of both threads update that one open file's
     * reference count, a cache line bouncing between the CPUs (30,000 stats on two threads in
     * a bare loop: 26-28 -> 24-25 ms; status's scan at 10,000 versions: about 1 ms of 31) */
    int ownfd = w->step > 1 && job->rootfd >= 0
                    ? openat(job->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    : -1;
    int rootfd = ownfd >= 0 ? ownfd : job->rootfd;
    for (size_t i = w->first; i < job->set->n; i += w->step) {
        Migration *m = &job->set->v[i];
        const char *line = job->line[i];
        if (line) {
            const char *fld[8];
            size_t len[8];
            if (cache_fields(line, fld, len) == 7 && rootfd >= 0 &&
                from_cache(m, fld, len, rootfd, job->now_ns)) {
                job->hit[i] = HIT_CACHED;
                continue;
            }
        }
        struct stat st;
        if (fstatat(rootfd, m->version, &st, 0) != 0 || !S_ISDIR(st.st_mode)) {
            job->hit[i] = HIT_NOTDIR;
            continue;
        }
        load_version(m, LOAD_VERIFY);
        job->hit[i] = HIT_NONE;
        if (m->problem || !job->caching || rootfd < 0)
            continue;
        StatDigest sd;
        digest_version(&sd, rootfd, m, job->now_ns);
        if (!sd.failed && !sd.racy) {
            m->digest = sd.h;
            job->hit[i] = HIT_FRESH;
        }
    }
    if (ownfd >= 0)
        close(ownfd);
    return NULL;
}

/* The verification cache's text for the versions of s: a cached version's line as read, a
 * freshly verified one's from its digest and lists, none for a version that is not cacheable. */
static void cache_render(StrBuf *nc, const MigSet *s, const unsigned char *hit,
                         const char **line)
{
    sb_addf(nc, "%s\t%s\n", CACHE_MAGIC, s->root);
    for (size_t i = 0; i < s->n; i++) {
        const Migration *m = &s->v[i];
        if (hit[i] == HIT_CACHED) {
            sb_adds(nc, line[i]);
            sb_addch(nc, '\n');
        } else if (hit[i] == HIT_FRESH) {
            sb_addf(nc, "%s\t%016llx\t%s\t", m->version, (unsigned long long)m->digest,
                    m->checksum);
            if (m->schema)
                enc(nc, m->schema);
            else
                sb_addch(nc, '-');
            sb_addch(nc, '\t');
            enc(nc, m->message);
            sb_addch(nc, '\t');
            enc_files(nc, m->up, m->nup);
            sb_addch(nc, '\t');
            enc_files(nc, m->down, m->ndown);
            sb_addch(nc, '\t');
            enc_files(nc, m->extra, m->nextra);
            sb_addch(nc, '\n');
        }
    }
}

int migset_scan(MigScan *out, const char *migrations_root, const char *domain)
{
    return migset_scan_cached(out, migrations_root, domain, NULL);
}

int migset_scan_cached(MigScan *out, const char *migrations_root, const char *domain,
                       const char *list_cache)
{
    memset(out, 0, sizeof *out);
    StrBuf root = SB_INIT;
    sb_addf(&root, "%s/%s", migrations_root, domain);
    /* the stat before the listing, of the very folder read (listcache.h says why) */
    int fd = open(root.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    DIR *d = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0) {
        if (listcache_get(list_cache, root.buf, &st, &out->names, &out->n)) {
            close(fd);
            sb_release(&root);
            return 0;
        }
        d = fdopendir(fd);
    }
    if (!d) {
        out->err = errno == ENOENT ? 0 : errno;
        if (fd >= 0)
            close(fd);
        sb_release(&root);
        return out->err ? -1 : 0;
    }
    size_t cap = 0;
    VersionKey *keys = NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!migdir_version_name(de->d_name))
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            keys = xrealloc(keys, cap * sizeof *keys);
        }
        keys[out->n++] = version_key(xstrdup(de->d_name));
    }
    closedir(d);
    /* readdir's order is the file system's (ext4: a hash): sort by the number each names */
    sort_version_keys(keys, out->n);
    out->names = xmalloc((out->n ? out->n : 1) * sizeof *out->names);
    for (size_t i = 0; i < out->n; i++)
        out->names[i] = keys[i].name;
    free(keys);
    listcache_put(list_cache, root.buf, &st, out->names, out->n);
    sb_release(&root);
    return 0;
}

void migset_scan_release(MigScan *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    memset(s, 0, sizeof *s);
}

int migset_load(MigSet *out, const char *migrations_root, const char *domain,
                const char *cache_path, StrBuf *err)
{
    MigScan scan;
    migset_scan(&scan, migrations_root, domain);
    return migset_load_scanned(out, &scan, migrations_root, domain, cache_path, err);
}

int migset_load_scanned(MigSet *out, MigScan *scan, const char *migrations_root,
                        const char *domain, const char *cache_path, StrBuf *err)
{
    memset(out, 0, sizeof *out);
    out->domain = xstrdup(domain);
    StrBuf root = SB_INIT;
    sb_addf(&root, "%s/%s", migrations_root, domain);
    out->root = sb_detach(&root);
    char why[512];
    if (domain_name_problem(domain, why, sizeof why)) {
        sb_adds(err, why);
        migset_scan_release(scan);
        return -1;
    }
    if (scan->err) {
        sb_addf(err, "cannot read %s: %s", out->root, strerror(scan->err));
        migset_scan_release(scan);
        return -1;
    }
    char **names = scan->names; /* taken over: each becomes a Migration's version */
    size_t n = scan->n;
    memset(scan, 0, sizeof *scan);
    out->v = xcalloc(n ? n : 1, sizeof(Migration));
    out->n = n;
    LoadJob job = { out, NULL, NULL, -1, 0, cache_path != NULL };
    CacheIndex ci;
    cache_read(&ci, cache_path, out->root);
    job.line = xcalloc(n ? n : 1, sizeof *job.line);
    job.hit = xcalloc(n ? n : 1, sizeof *job.hit);
    size_t hint = 0, rl = strlen(out->root);
    for (size_t i = 0; i < n; i++) {
        Migration *m = &out->v[i];
        m->version = names[i];
        size_t vl = strlen(names[i]);
        m->dir = xmalloc(rl + 1 + vl + 1);
        memcpy(m->dir, out->root, rl);
        m->dir[rl] = '/';
        memcpy(m->dir + rl + 1, names[i], vl + 1);
        job.line[i] = ci.n ? cache_find(&ci, m->version, &hint) : NULL;
    }
    free(names);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    job.now_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    job.rootfd = open(out->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* the scan is dominated by path lookups in the kernel (one fstatat per file): split it
     * over two threads (the third, db_prepare, mostly waits for the server). Four measured no
     * better on two cores */
    enum { MAX_WORKERS = 2 };
    LoadWorker w[MAX_WORKERS];
    void *args[MAX_WORKERS];
    size_t nw = n >= 64 ? MAX_WORKERS : 1;
    for (size_t k = 0; k < nw; k++) {
        w[k] = (LoadWorker){ &job, k, nw };
        args[k] = &w[k];
    }
    threads_run(nw, load_worker, args);

    /* drop entries that turned out not to be version directories */
    bool changed = false;
    size_t hits = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        Migration *m = &out->v[i];
        if (job.hit[i] == HIT_NOTDIR) {
            free(m->dir);
            free(m->version);
            continue;
        }
        if (job.hit[i] == HIT_CACHED) {
            cached_strings(m, job.line[i]);
            hits++;
        } else if (job.hit[i] == HIT_FRESH) {
            changed = true;
        }
        if (k != i) {
            out->v[k] = *m;
            job.hit[k] = job.hit[i];
            job.line[k] = job.line[i];
        }
        k++;
    }
    out->n = k;
    /* the new cache, only when it differs from the one read: a cached line is kept as it is */
    StrBuf nc = SB_INIT;
    bool write_cache = cache_path && (changed || hits != ci.n);
    if (write_cache)
        cache_render(&nc, out, job.hit, job.line);
    /* a forked history (two versions with one parent, or a missing parent) is refused */
    const char **hv = xcalloc(k + 1, sizeof *hv), **hc = xcalloc(k + 1, sizeof *hc);
    for (size_t i = 0; i < k; i++) {
        hv[i] = out->v[i].version;
        hc[i] = out->v[i].checksum;
    }
    int hrc = history_verify(migrations_root, domain, hv, hc, k, cache_path, err);
    free(hv);
    free(hc);
    if (write_cache) {
        /* write the new cache atomically; a failure only costs speed next time */
        file_replace(cache_path, sb_str(&nc), nc.len);
    }
    if (job.rootfd >= 0)
        close(job.rootfd);
    sb_release(&nc);
    free(job.line);
    free(job.hit);
    free(ci.buf);
    free(ci.lines);
    return hrc;
}

char *migset_newest_schema(const char *migrations_root, const char *domain, const MigScan *scan,
                           char **tenants)
{
    *tenants = NULL;
    if (!scan->n)
        return NULL;
    StrBuf path = SB_INIT;
    sb_addf(&path, "%s/%s/%s/manifest.json", migrations_root, domain, scan->names[scan->n - 1]);
    size_t len = 0;
    char *bytes = read_path(path.buf, &len); /* a FIFO or /dev/zero here must not hang */
    json_t *j = bytes ? json_loadb(bytes, len, 0, NULL) : NULL;
    free(bytes);
    char *schema = NULL;
    /* only well-formed values: anything else is the version's problem, reported by the load */
    const char *v = json_string_value(json_object_get(j, "schema"));
    if (v && *v && strlen(v) <= PG_NAME_MAX)
        schema = xstrdup(v);
    json_t *ten = json_object_get(j, "tenants");
    json_t *q = json_object_get(ten, "query"), *pat = json_object_get(ten, "pattern");
    if ((json_is_string(q) && !pat) || (json_is_string(pat) && !q))
        *tenants = json_dumps(ten, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    sb_release(&path);
    return schema;
}

static void files_free(MigFile *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].rel);
        free(f[i].sql);
    }
    free(f);
}

void migset_release(MigSet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        Migration *m = &s->v[i];
        free(m->version);
        free(m->dir);
        free(m->message);
        free(m->schema);
        free(m->tenants);
        free(m->problem);
        files_free(m->up, m->nup);
        files_free(m->down, m->ndown);
        files_free(m->extra, m->nextra);
    }
    free(s->v);
    free(s->domain);
    free(s->root);
    memset(s, 0, sizeof *s);
}

const Migration *migset_find(const MigSet *s, const char *version)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = migdir_version_cmp(s->v[mid].version, version);
        if (c == 0)
            return &s->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void add_subdirs(char ***list, size_t *n, size_t *cap, const char *root)
{
    DIR *d = opendir(root);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!domain_name_valid(de->d_name) || strcmp(de->d_name, "public") == 0)
            continue;
        StrBuf p = SB_INIT;
        sb_addf(&p, "%s/%s", root, de->d_name);
        struct stat st;
        bool isdir = stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode);
        sb_release(&p);
        if (!isdir)
            continue;
        if (*n + 2 >= *cap) {
            *cap = *cap * 2 + 8;
            *list = xrealloc(*list, *cap * sizeof **list);
        }
        (*list)[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
}

char **domains_discover(const char *migrations_root, const char *schemas_root)
{
    char **list = NULL;
    size_t n = 0, cap = 0;
    add_subdirs(&list, &n, &cap, migrations_root);
    add_subdirs(&list, &n, &cap, schemas_root);
    if (n)
        qsort(list, n, sizeof *list, cmp_str_ptr);
    char **res = xcalloc(n + 2, sizeof *res);
    size_t k = 0;
    res[k++] = xstrdup("public");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], res[k - 1]) == 0) /* in both roots: keep one */
            free(list[i]);
        else
            res[k++] = list[i];
    }
    res[k] = NULL;
    free(list);
    return res;
}

void domains_free(char **d)
{
    if (!d)
        return;
    for (char **p = d; *p; p++)
        free(*p);
    free(d);
}
