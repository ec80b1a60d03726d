/*
 * fuzz_model_json.c - libFuzzer target for the snapshot reader (compiler/model_json.c's
 * model_json_read), the file people merge by hand in every migration directory: the input is
 * read as one model; when it reads, it is written (indented and compact), and each written
 * form must read again and write back to the same bytes. A crash, leak, abort or round-trip
 * difference is a finding. Built by tests/fuzz/fuzz_readers.t.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "model_json.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* Read text as a model; on success write it (compact or indented) to out. */
static bool read_write(const char *text, size_t len, bool compact, StrBuf *out)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    Model m;
    memset(&m, 0, sizeof m);
    bool ok = model_json_read(&a, text, len, "snapshot.json", &m, &d);
    if (ok) {
        if (compact)
            model_json_write_compact(out, &m);
        else
            model_json_write(out, &m);
    }
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (devnull)
        diag_flush(&d, devnull, false);
    diag_release(&d);
    arena_free(&a);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int compact = 0; compact < 2; compact++) {
        StrBuf once = SB_INIT, twice = SB_INIT;
        if (read_write((const char *)data, size, compact, &once)) {
            if (!read_write(sb_str(&once), once.len, compact, &twice))
                abort(); /* the writer produced JSON its own reader refuses */
            if (once.len != twice.len || memcmp(sb_str(&once), sb_str(&twice), once.len) != 0)
                abort(); /* write(read(write(x))) != write(x) */
        }
        sb_release(&once);
        sb_release(&twice);
    }
    return 0;
}
