/*
 * tap.c - the TAP harness behind tests/tap.h.
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

long long tap__a, tap__b;

static int ntests, nfailed, cur_failed, cur_skipped;
static const char *cur_name;
static char skip_why[256];

int tap_begin(const char *name)
{
    cur_name = name;
    cur_failed = 0;
    cur_skipped = 0;
    return 1;
}

int tap_end(void)
{
    ntests++;
    if (cur_skipped)
        printf("ok %d - %s # SKIP %s\n", ntests, cur_name, skip_why);
    else if (cur_failed) {
        nfailed++;
        printf("not ok %d - %s\n", ntests, cur_name);
    } else
        printf("ok %d - %s\n", ntests, cur_name);
    fflush(stdout);
    return 0;
}

int tap_check(int ok, const char *expr, const char *file, int line)
{
    if (!ok) {
        printf("# %s:%d: check failed: %s\n", file, line, expr);
        cur_failed = 1;
    }
    return ok;
}

int tap_check_int(int ok, long long a, long long b, const char *expr, const char *file, int line)
{
    if (!ok) {
        printf("# %s:%d: check failed: %s (left %lld, right %lld)\n", file, line, expr, a, b);
        cur_failed = 1;
    }
    return ok;
}

int tap_check_str(const char *a, const char *b, const char *expr, const char *file, int line)
{
    int ok = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
    if (!ok) {
        printf("# %s:%d: check failed: %s\n#   left:  \"%s\"\n#   right: \"%s\"\n", file, line,
               expr, a ? a : "(null)", b ? b : "(null)");
        cur_failed = 1;
    }
    return ok;
}

void tap_skip(const char *why)
{
    cur_skipped = 1;
    snprintf(skip_why, sizeof(skip_why), "%s", why);
}

int tap_done(void)
{
    printf("1..%d\n", ntests);
    return nfailed ? 1 : 0;
}
