/*
 * sha256.h - SHA-256 as 64 hex digits, the one digest of the project: the generator's files map
 * (migdir.c), the runtime's integrity check (runtime/migset.c) and every other checksum.
 * Lowest layer (OpenSSL's EVP only); safe to call from several threads at once.
 */
#ifndef STRAV_SHA256_H
#define STRAV_SHA256_H

#include "base.h"

/* SHA-256 of data[0..len) as 64 lower-case hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
