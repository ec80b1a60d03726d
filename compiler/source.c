/*
 * source.c - load a file whole, NUL-terminate it, map offsets to line:col on demand.
 */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define SOURCE_MAX ((size_t)256 * 1024 * 1024)

static void build_lines(Source *src)
{
    size_t cap = 64, n = 0;
    uint32_t *ls = xmalloc(cap * sizeof(*ls));
    ls[n++] = 0;
    const char *p = src->buf, *end = src->buf + src->len;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) { /* a 16 MB snapshot: fast */
        if (n == cap) {
            cap *= 2;
            ls = xrealloc(ls, cap * sizeof(*ls));
        }
        ls[n++] = (uint32_t)(++p - src->buf);
    }
    src->line_start = ls;
    src->nlines = (uint32_t)n;
}

Source *source_from_mem(const char *path, const char *data, size_t len)
{
    Source *src = xcalloc(1, sizeof(*src));
    src->path = xstrdup(path);
    src->buf = xmalloc(len + 1);
    if (len)
        memcpy(src->buf, data, len);
    src->buf[len] = '\0';
    src->len = len;
    build_lines(src);
    return src;
}

Source *source_load(const char *path)
{
    StrBuf sb = SB_INIT;
    if (read_file_max(path, &sb, SOURCE_MAX) != 0)
        return NULL;
    Source *src = xcalloc(1, sizeof(*src));
    src->path = xstrdup(path);
    src->len = sb.len;
    src->buf = sb_detach(&sb);
    build_lines(src);
    return src;
}

void source_free(Source *src)
{
    if (!src)
        return;
    free(src->path);
    free(src->buf);
    free(src->line_start);
    free(src);
}

static uint32_t line_index(const Source *src, uint32_t off)
{
    uint32_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void source_line_col(const Source *src, uint32_t off, uint32_t *line, uint32_t *col)
{
    if (off > src->len)
        off = (uint32_t)src->len;
    uint32_t i = line_index(src, off);
    *line = i + 1;
    *col = off - src->line_start[i] + 1;
}

const char *source_line(const Source *src, uint32_t off, size_t *len)
{
    if (off > src->len)
        off = (uint32_t)src->len;
    uint32_t i = line_index(src, off);
    const char *start = src->buf + src->line_start[i];
    const char *end = start;
    while ((size_t)(end - src->buf) < src->len && *end != '\n')
        end++;
    if (end > start && end[-1] == '\r')
        end--;
    *len = (size_t)(end - start);
    return start;
}
