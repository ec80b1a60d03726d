/*
 * lsp_features.h - the answers of the LSP server (lsp.c) to the requests about one document:
 * formatting (fmt.c), go to definition (a ref target, an enum type, a parent or association
 * side), hover (a field's columns with SQL type and constraints; an archetype keyword's
 * implicit columns), completion (types, attributes, table and enum names, keywords), the
 * document's outline.
 * Each returns a new JSON value for the response's "result" (json null when there is none).
 */
#ifndef STRAV_LSP_FEATURES_H
#define STRAV_LSP_FEATURES_H

#include <jansson.h>

#include "lsp_project.h"

/* {"start": pos, "end": pos} of the bytes [off, end) of text. */
json_t *lsp_range_json(const char *text, size_t len, size_t off, size_t end);
/* The URI to report for path: an open buffer's own URI, else file:// + path. */
json_t *lsp_uri_json(const char *path, const LspBuffer *bufs, size_t nbufs);

/* A JSON string of s[0..n), each byte that is not part of valid UTF-8 (a file on disk may hold
 * any bytes; JSON strings may not) replaced by U+FFFD. */
json_t *lsp_json_text(const char *s, size_t n);

json_t *lspf_formatting(const LspBuffer *b);
json_t *lspf_definition(LspProject *p, const LspUnit *u, size_t off, const LspBuffer *bufs,
                        size_t nbufs);
json_t *lspf_hover(LspProject *p, const LspUnit *u, size_t off);
json_t *lspf_completion(LspProject *p, const LspUnit *u, size_t off);
/* The outline: one DocumentSymbol per declaration, its fields or enum values as children. */
json_t *lspf_symbols(const LspUnit *u);

#endif
