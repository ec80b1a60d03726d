/*
 * fuzz_lsp.c - libFuzzer target for the LSP server's input side: the bytes are a stream on
 * stdin (fmemopen). First the JSON-RPC reader alone (lsp_rpc.c) reads messages until end of
 * input; then the whole server (lsp.c) serves the same stream with its output thrown away, so
 * every handler sees whatever the framing lets through. A crash, leak, hang or sanitizer
 * report is a finding. Built and run by tests/lsp/fuzz.t.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lsp.h"
#include "lsp_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (!in)
        return 0;
    for (int i = 0; i < 10000; i++) {
        json_t *msg;
        RpcStatus st = rpc_read(in, &msg);
        if (st == RPC_OK)
            json_decref(msg);
        if (st == RPC_EOF || (st == RPC_BAD_FRAME && feof(in)))
            break;
    }
    fclose(in);
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    in = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (in && devnull)
        (void)lsp_serve(in, devnull);
    if (in)
        fclose(in);
    return 0;
}
