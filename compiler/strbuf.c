/*
 * strbuf.c - growable byte buffer and aborting allocation wrappers (see strbuf.h).
 */
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void strav_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "strav: internal error at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static NORETURN void oom(void)
{
    fputs("strav: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

void sb_grow(StrBuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sb_add(StrBuf *sb, const char *s, size_t n)
{
    sb_grow(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_adds(StrBuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_addch(StrBuf *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_addf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("vsnprintf failed");
    sb_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void sb_reset(StrBuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

const char *sb_str(const StrBuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *sb_detach(StrBuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}

void sb_release(StrBuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

int read_file_max(const char *path, StrBuf *out, size_t max_len)
{
    /* Only a regular file, read up to the size it has when opened: a FIFO would block (opened
     * without blocking, then refused), /dev/zero or a growing file would never end. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    size_t size = (size_t)st.st_size;
    if (max_len && size > max_len) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    size_t start = out->len;
    sb_grow(out, size + 1);
    int err = 0;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, out->buf + start + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno ? errno : EIO;
            break;
        }
        if (n == 0)
            break; /* shrank while read: what is there */
        got += (size_t)n;
    }
    close(fd);
    if (err) {
        out->len = start;
        out->buf[start] = '\0';
        errno = err;
        return -1;
    }
    out->len = start + got;
    out->buf[out->len] = '\0';
    return 0;
}

int read_file(const char *path, StrBuf *out)
{
    return read_file_max(path, out, 0);
}

bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}
