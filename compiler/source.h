/*
 * source.h - a loaded .strav file (NUL-terminated buffer) and byte offset -> line:col mapping.
 * First stage of the pipeline: source_load -> lexer -> parser.
 */
#ifndef STRAV_SOURCE_H
#define STRAV_SOURCE_H

#include "base.h"

typedef struct Source {
    char *path;           /* as given on the command line (owned) */
    char *buf;            /* file contents plus a terminating NUL (owned) */
    size_t len;           /* bytes, excluding the NUL */
    uint32_t *line_start; /* byte offset of each line's first byte (built at load) */
    uint32_t nlines;
} Source;

/* A range of bytes in one source. src is NULL for objects that did not come from a file
 * (for example a model read back from snapshot.json). */
typedef struct Span {
    const Source *src;
    uint32_t off, len;
} Span;

/* Read a whole file. Returns NULL and sets errno on failure. Files over 256 MiB are refused
 * (errno = EFBIG). The caller releases it with source_free. */
Source *source_load(const char *path);
/* Wrap a copy of an in-memory buffer (tests, fuzzer). */
Source *source_from_mem(const char *path, const char *data, size_t len);
void source_free(Source *src);

/* 1-based line and byte column of an offset. */
void source_line_col(const Source *src, uint32_t off, uint32_t *line, uint32_t *col);
/* The line containing off, without its newline. */
const char *source_line(const Source *src, uint32_t off, size_t *len);

#endif
