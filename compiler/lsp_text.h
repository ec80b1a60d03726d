/*
 * lsp_text.h - the LSP server's view of text: positions are (line, UTF-16 code unit) pairs,
 * the compiler's are byte offsets; documents are named by file:// URIs, the compiler's by
 * paths. Conversions both ways, and applying a ranged edit. Used by lsp.c only.
 */
#ifndef STRAV_LSP_TEXT_H
#define STRAV_LSP_TEXT_H

#include "base.h"
#include "strbuf.h"

typedef struct LspPos {
    uint32_t line, character; /* 0-based; character counts UTF-16 code units */
} LspPos;

/* The position of byte offset off in text[0..len) (off is clamped to len). A line ends at
 * LF, CR LF or CR. */
LspPos lsp_pos_of(const char *text, size_t len, size_t off);
/* The byte offset of pos; a line past the end gives len, a character past the line's end
 * gives the line's end, a character inside a UTF-8 sequence of two UTF-16 units gives the
 * sequence's start. */
size_t lsp_off_of(const char *text, size_t len, LspPos pos);

/* The path of a file:// URI (percent-decoded), malloc'd, or NULL for another scheme or a
 * path holding a NUL. */
char *lsp_uri_to_path(const char *uri);
/* The file:// URI of an absolute path, percent-encoding what is not unreserved or '/'. */
char *lsp_path_to_uri(const char *path);

#endif
