/*
 * fuzz_front.c - libFuzzer target over the whole front end (lex + parse + check + fmt):
 * source_from_mem -> parse_file -> fmt_file, and for inputs that parse: sema_domain on the file
 * as the 'public' domain, then again as a 'tenant' domain that sees that public model (so
 * cross-domain references are exercised), with every diagnostic rendered; and checks that the
 * formatted text parses again and that formatting is idempotent. A crash, leak or abort is a
 * finding. Built by tests/fuzz/fuzz.t with clang -fsanitize=fuzzer,address,undefined.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"
#include "sema.h"
#include "source.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* The checks stravc check runs (project.c): the file as the whole public domain, then as the
 * only file of a tenant domain that references it. Diagnostics are rendered (caret lines). */
static void check(Arena *a, AstFile *f, Diag *d)
{
    static const char *const doms[] = { "public", "tenant" };
    AstFile *files[1] = { f };
    Model pub, ten;
    SemaInput in = { "public", files, 1, NULL, doms, 2 };
    sema_domain(&pub, a, &in, d);
    SemaInput in2 = { "tenant", files, 1, &pub, doms, 2 };
    sema_domain(&ten, a, &in2, d);
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (devnull)
        diag_flush(d, devnull, true);
}

/* Parse text; on success append its formatted form to out and return true. */
static bool parse_fmt(const char *text, size_t len, StrBuf *out)
{
    Arena a;
    arena_init(&a);
    Source *src = source_from_mem("fuzz.strav", text, len);
    Diag d;
    diag_init(&d);
    AstFile *f = parse_file(&a, src, &d);
    bool ok = diag_count_errors(&d) == 0;
    if (ok) {
        fmt_file(out, f);
        check(&a, f, &d);
    }
    StrBuf dump = SB_INIT;
    ast_dump(&dump, f); /* partial ASTs must dump too */
    sb_release(&dump);
    diag_release(&d);
    arena_free(&a);
    source_free(src);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StrBuf once = SB_INIT, twice = SB_INIT;
    if (parse_fmt((const char *)data, size, &once)) {
        if (!parse_fmt(sb_str(&once), once.len, &twice))
            abort(); /* fmt produced text that does not parse */
        if (once.len != twice.len || memcmp(sb_str(&once), sb_str(&twice), once.len) != 0)
            abort(); /* fmt is not idempotent */
    }
    sb_release(&once);
    sb_release(&twice);
    return 0;
}
