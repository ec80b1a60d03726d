/*
 * lsp.h - the Language Server Protocol server of `stravc lsp` (cmd_lsp.c): reads JSON-RPC
 * messages (lsp_rpc.h) from in, answers on out, until `exit` or end of input.
 */
#ifndef STRAV_LSP_H
#define STRAV_LSP_H

#include <stdio.h>

/* Serve until exit. Returns the process exit status: 0 after shutdown then exit, 1 when the
 * input ended or exit came without a shutdown first (as the protocol asks). */
int lsp_serve(FILE *in, FILE *out);

#endif
