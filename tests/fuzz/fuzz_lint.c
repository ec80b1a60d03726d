/*
 * fuzz_lint.c - libFuzzer target of the linter (runtime/lint*.c): any bytes as one migration
 * file, cut by the runtime's splitter, tokenized and matched by every recogniser, then the
 * findings reported as JSON. Built and run by tests/lint/fuzz.t.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    Lint l;
    lint_init(&l, NULL);
    lint_sql(&l, "fuzz.sql", buf);
    lint_sql(&l, "again.sql", buf); /* the state of the first file (new tables...) carries over */
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        const Lint *one = &l;
        lint_report(null, &one, 1, true);
        fclose(null);
    }
    lint_release(&l);
    free(buf);
    return 0;
}
