/*
 * strbuf.h - growable NUL-terminated byte buffer (git strbuf, PostgreSQL PQExpBuffer) and the
 * x* allocation wrappers that abort on out-of-memory. Shared by the compiler and the runtime.
 */
#ifndef STRAV_STRBUF_H
#define STRAV_STRBUF_H

#include "base.h"

typedef struct StrBuf {
    char *buf;  /* always NUL-terminated once anything was added; NULL when empty and unused */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
} StrBuf;

#define SB_INIT {NULL, 0, 0}

void sb_grow(StrBuf *sb, size_t extra);
void sb_add(StrBuf *sb, const char *s, size_t n);
void sb_adds(StrBuf *sb, const char *s);
void sb_addch(StrBuf *sb, char c);
void sb_addf(StrBuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_reset(StrBuf *sb);              /* len = 0, keeps the memory */
const char *sb_str(const StrBuf *sb);   /* "" when empty, never NULL */
char *sb_detach(StrBuf *sb);            /* caller frees; the buffer is reset */
void sb_release(StrBuf *sb);
/* Append the whole file at path to out (NUL-terminated, even when empty). 0, or -1 with errno
 * set and out as it was; a max_len other than 0 makes a longer file fail with EFBIG. */
int read_file(const char *path, StrBuf *out);
int read_file_max(const char *path, StrBuf *out, size_t max_len);
/* Write all of data[0..len) to fd, again after EINTR and short writes. false with errno set
 * (EIO for a write that wrote nothing). */
bool write_all(int fd, const void *data, size_t len);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
