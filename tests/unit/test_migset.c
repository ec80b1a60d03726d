/*
 * test_migset.c - unit tests for migset_scan (runtime/migset.h): the version directories of a
 * domain come back in ascending numeric order whatever order the file system lists them in,
 * on both of its sort paths (names of at most 19 significant digits, longer ones), and
 * entries that are not version names are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migset.h"
#include "tap.h"

static char root[256];

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", path);
}

/* A fresh <root>/m/public holding a directory per name, made in a shuffled order (the
 * generator is fixed, so a failure repeats). */
static void make_domain(const char *const *names, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/m", root);
    rm_rf(path);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/m/public", root);
    mkdir(path, 0755);
    size_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    unsigned seed = 12345;
    for (size_t i = n; i > 1; i--) {
        seed = seed * 1103515245u + 12345u;
        size_t j = (seed >> 8) % i;
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/m/public/%s", root, names[order[i]]);
        mkdir(path, 0755);
    }
    free(order);
}

/* migset_scan of the domain gives exactly want[0..n), in that order. */
static void check_scan(const char *const *want, size_t n)
{
    char mroot[300];
    snprintf(mroot, sizeof mroot, "%s/m", root);
    MigScan s;
    CHECK_INT(migset_scan(&s, mroot, "public"), ==, 0);
    CHECK_INT((long)s.n, ==, (long)n);
    size_t bad = 0;
    for (size_t i = 0; i < n && i < s.n; i++)
        if (strcmp(s.names[i], want[i]) != 0) {
            if (!bad)
                fprintf(stderr, "# at %zu: got %s, want %s\n", i, s.names[i], want[i]);
            bad++;
        }
    CHECK_INT((long)bad, ==, 0);
    migset_scan_release(&s);
}

/* n names in ascending order, from a start and steps that vary in size so that every byte of
 * the 64-bit numbers differs somewhere. */
static char **ascending(size_t n, const char *prefix)
{
    char **v = malloc(n * sizeof *v);
    unsigned long long x = 1, step = 1;
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s%llu", prefix, x);
        v[i] = strdup(buf);
        x += step;
        step = step * 7 + 3;
        if (step > 100000000000000ULL)
            step = 1;
    }
    return v;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int main(void)
{
    snprintf(root, sizeof root, "%s/strav-migset.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }

    TEST("2,000 timestamp-like names of many magnitudes come back in numeric order")
    {
        size_t n = 2000;
        char **v = ascending(n, "");
        make_domain((const char *const *)v, n);
        check_scan((const char *const *)v, n);
        free_names(v, n);
    }

    TEST("the 13-digit timestamps of a real history, 1,000 of them, in order")
    {
        size_t n = 1000;
        char **v = malloc(n * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%llu", 1700000000000ULL + (unsigned long long)i * 86399999ULL);
            v[i] = strdup(buf);
        }
        make_domain((const char *const *)v, n);
        check_scan((const char *const *)v, n);
        free_names(v, n);
    }

    TEST("leading zeros compare by number; names beyond 19 digits take the other sort")
    {
        /* 100 names, so that a big set with a long name takes the other path */
        const char *fixed[] = { "0", "0005", "6", "007", "18446744073709551615",
                                "18446744073709551616", "99999999999999999999",
                                "100000000000000000000" };
        size_t nf = sizeof fixed / sizeof *fixed, n = nf + 92;
        /* "2" followed by an ascending number: ascending, from 21 up, all below 19 digits */
        char **mid = ascending(92, "2");
        const char **want = malloc(n * sizeof *want);
        size_t k = 0;
        want[k++] = "0";
        want[k++] = "0005";
        want[k++] = "6";
        want[k++] = "007";
        for (size_t i = 0; i < 92; i++) {
            CHECK(strlen(mid[i]) < 19);
            want[k++] = mid[i];
        }
        for (size_t i = 4; i < nf; i++) /* the long ones, already ascending in fixed */
            want[k++] = fixed[i];
        CHECK_INT((long)k, ==, (long)n);
        const char **all = malloc(n * sizeof *all);
        for (size_t i = 0; i < nf; i++)
            all[i] = fixed[i];
        for (size_t i = 0; i < 92; i++)
            all[nf + i] = mid[i];
        make_domain(all, n);
        check_scan(want, n);
        free(all);
        free(want);
        free_names(mid, 92);
    }

    TEST("20-digit names beyond 2^64 among 100 short ones sort after them")
    {
        size_t n = 102;
        char **v = ascending(100, "");
        const char **all = malloc(n * sizeof *all);
        for (size_t i = 0; i < 100; i++)
            all[i] = v[i];
        all[100] = "18446744073709551616"; /* 2^64: 0 if it were wrapped to 64 bits */
        all[101] = "18446744073709551617";
        make_domain(all, n);
        check_scan(all, n);
        free(all);
        free_names(v, 100);
    }

    TEST("the 64-bit sort: leading zeros, 19-digit numbers past 2^63, every byte in play")
    {
        /* numbers whose order is known (sorted as integers here), some spelled with leading
         * zeros, all of at most 19 significant digits so the radix path is the one taken */
        enum { N = 120 };
        unsigned long long num[N];
        size_t k = 0;
        const unsigned long long edge[] = { 0ULL, 7ULL, 255ULL, 256ULL, 65535ULL, 65536ULL,
                                            1000000000000000000ULL, 9223372036854775807ULL,
                                            9223372036854775808ULL, 9999999999999999999ULL,
                                            18446744073709551ULL, 72057594037927935ULL,
                                            72057594037927936ULL };
        for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
            num[k++] = edge[i];
        unsigned long long x = 12345;
        while (k < N) { /* spread over every magnitude, no two alike */
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned long long v = x % 9999999999999999999ULL;
            v >>= (x >> 58) % 60;
            bool dup = false;
            for (size_t i = 0; i < k && !dup; i++)
                dup = num[i] == v;
            if (!dup)
                num[k++] = v;
        }
        for (size_t i = 1; i < N; i++) /* insertion sort: the expected order */
            for (size_t j = i; j > 0 && num[j - 1] > num[j]; j--) {
                unsigned long long t = num[j];
                num[j] = num[j - 1];
                num[j - 1] = t;
            }
        char **names = malloc(N * sizeof *names);
        for (size_t i = 0; i < N; i++) {
            char buf[48];
            snprintf(buf, sizeof buf, "%s%llu", i % 3 == 1 ? "000" : "", num[i]);
            names[i] = strdup(buf);
        }
        make_domain((const char *const *)names, N);
        check_scan((const char *const *)names, N);
        free_names(names, N);
    }

    TEST("entries that are not version names are not listed; a small set is sorted too")
    {
        const char *names[] = { "20", "3", "abc", "1x", "100", ".hidden" };
        make_domain(names, 6);
        const char *want[] = { "3", "20", "100" };
        check_scan(want, 3);
    }

    rm_rf(root);
    return tap_done();
}
