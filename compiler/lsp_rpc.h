/*
 * lsp_rpc.h - the JSON-RPC framing of the Language Server Protocol: messages are
 * "Content-Length: N\r\n" (other headers ignored) "\r\n" then N bytes of JSON. Reads one
 * message at a time from a FILE (stdin for `stravc lsp`), writes one. Kept apart from the
 * server (lsp.c) so its reader can be fuzzed on its own (tests/fuzz/fuzz_lsp_rpc.c).
 */
#ifndef STRAV_LSP_RPC_H
#define STRAV_LSP_RPC_H

#include <jansson.h>
#include <stdio.h>

#include "base.h"

#define RPC_MAX_BODY ((size_t)64 * 1024 * 1024) /* a larger Content-Length is refused */

typedef enum RpcStatus {
    RPC_OK,        /* *msg holds the decoded JSON value (any type: the caller checks) */
    RPC_EOF,       /* clean end of input between messages */
    RPC_BAD_FRAME, /* a header block without a usable Content-Length, or a truncated body;
                      the reader skipped it and can be called again */
    RPC_BAD_JSON,  /* the body was not JSON: answer with a parse error, then go on */
} RpcStatus;

/* Read the next message. On RPC_OK the caller owns *msg (json_decref). */
RpcStatus rpc_read(FILE *in, json_t **msg);

/* Write msg framed, and flush. Returns 0, or -1 on a write error. Does not steal msg. */
int rpc_write(FILE *out, const json_t *msg);

#endif
