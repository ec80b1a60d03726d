/*
 * partbound.h - a partition bound as the server prints it (pg_get_expr(relpartbound)) -> the
 * arguments of `@@partition_of` (partbound.c). Used by the pull writer (model_strav.c).
 */
#ifndef STRAV_PARTBOUND_H
#define STRAV_PARTBOUND_H

#include "base.h"

struct StrBuf;

/* Append ", from: 'a' 1, to: 'b' 2" / ", in: 'x' 'y'" / ", modulus: 4, remainder: 0" /
 * ", default: true" for bound; false (out unchanged) when bound has another shape. */
bool partbound_to_strav(struct StrBuf *out, const char *bound);

#endif
