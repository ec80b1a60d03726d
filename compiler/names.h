/*
 * names.h - identifier handling for sema: UTF-8 validation, NFC normalisation (utf8proc),
 * snake_case conversion, PostgreSQL's 63-byte limit (deterministic shortening with a SHA-256
 * suffix), short hashes for generated names, and edit distance for "did you mean".
 * Stage: AST names -> final SQL names (used by sema only).
 */
#ifndef STRAV_NAMES_H
#define STRAV_NAMES_H

#include "arena.h"
#include "base.h"

#define NAME_MAX_BYTES    63 /* PostgreSQL's NAMEDATALEN - 1 */
#define NAME_SHORT_PREFIX 54 /* bytes kept when shortening: 54 + '_' + 8 hex = 63 */

/* true when s[0..len) is well-formed UTF-8 without NUL bytes. */
bool name_utf8_valid(const char *s, size_t len);

/* NFC-normalised arena copy of s, or NULL when s is not valid UTF-8. */
const char *name_nfc(Arena *a, const char *s);

/* snake_case of an identifier as written (NFC first): "_" between a run of capitals and a
 * Capital+lowercase (HTMLParser -> html_parser), "_" between a lowercase letter or digit and a
 * capital (line2Text -> line2_text), then Unicode lowercase. Existing underscores are kept.
 * NULL when s is not valid UTF-8. */
const char *name_snake(Arena *a, const char *s);

/* name itself when it fits in 63 bytes; otherwise its first 54 bytes (cut back to a UTF-8
 * boundary) + "_" + 8 hex digits of SHA-256(name). Deterministic; collisions are sema's job. */
const char *name_shorten(Arena *a, const char *name);

/* out = the first 8 lowercase hex digits of SHA-256(s[0..len)), NUL-terminated. */
void name_hash8(char out[9], const char *s, size_t len);

/* Edit distance between a and b (bytes; insert, delete, substitute, or swap two adjacent
 * bytes: optimal string alignment), or max + 1 when it exceeds max. */
size_t name_distance(const char *a, const char *b, size_t max);

#endif
