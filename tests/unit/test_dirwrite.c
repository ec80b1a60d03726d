/*
 * test_dirwrite.c - unit tests for the parallel file writer (compiler/dirwrite.c): every file
 * is there with its bytes on 1 and 4 threads (read back with stdio), parents are made, a file
 * larger than a write chunk is whole, an existing file is never overwritten (O_EXCL), and a
 * failure names the lowest failing job whatever the threads did.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirwrite.h"
#include "strbuf.h"
#include "tap.h"

static char base[256];

/* a fresh empty directory below base, opened */
static int fresh(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", base, name);
    if (mkdir(path, 0777))
        return -1;
    return open(path, O_RDONLY | O_DIRECTORY);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = SB_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(&sb, chunk, n);
    fclose(f);
    *len = sb.len;
    return sb.buf ? sb_detach(&sb) : calloc(1, 1);
}

/* job i: "d<i/2>/sub/f<i>.txt" holding "file <i>\n" repeated i % 7 times; job 0 a big file */
typedef struct Ctx {
    const char *big;
    size_t biglen;
    size_t slow_job; /* make() of this job (not 0) takes 100 ms */
} Ctx;

static void make(void *ctx, size_t i, StrBuf *scratch, DirFile *f)
{
    Ctx *c = ctx;
    if (i == 0 && c->big) {
        *f = (DirFile){"big.bin", c->big, c->biglen, true};
        return;
    }
    if (i && i == c->slow_job)
        usleep(100000);
    for (size_t k = 0; k < i % 7; k++)
        sb_addf(scratch, "file %zu\n", i);
    static __thread char rel[64];
    snprintf(rel, sizeof rel, "d%zu/sub/f%zu.txt", i / 2, i);
    *f = (DirFile){rel, scratch->buf, scratch->len, false};
}

static int count_files(const char *path)
{
    int n = 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(base, sizeof base, "%s/strav-dirwrite.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base))
        return 1;
    size_t biglen = 3 * DIRWRITE_CHUNK + 12345;
    char *big = malloc(biglen);
    for (size_t i = 0; i < biglen; i++)
        big[i] = (char)(i * 7 + i / 4096);

    static const unsigned threads[] = {1, 4};
    for (size_t t = 0; t < 2; t++) {
        char name[32], path[512], err[512] = "";
        snprintf(name, sizeof name, "t%u", threads[t]);
        TEST(threads[t] == 1 ? "one thread: every file, its bytes, its parents"
                             : "four threads: every file, its bytes, its parents")
        {
            int root = fresh(name, path, sizeof path);
            CHECK(root >= 0);
            Ctx c = {.big = big, .biglen = biglen};
            CHECK(dirwrite_files(root, path, 1001, make, &c, threads[t], err, sizeof err));
            CHECK_STR(err, "");
            int bad = 0;
            for (size_t i = 1; i < 1001; i++) {
                char fp[600], want[256] = "";
                snprintf(fp, sizeof fp, "%s/d%zu/sub/f%zu.txt", path, i / 2, i);
                for (size_t k = 0; k < i % 7; k++)
                    snprintf(want + strlen(want), sizeof want - strlen(want), "file %zu\n", i);
                size_t len = 0;
                char *got = slurp(fp, &len);
                if (!got || len != strlen(want) || memcmp(got, want, len))
                    bad++;
                free(got);
            }
            CHECK_INT(bad, ==, 0);
            char bp[600];
            snprintf(bp, sizeof bp, "%s/big.bin", path);
            size_t len = 0;
            char *got = slurp(bp, &len);
            CHECK(got && len == biglen && !memcmp(got, big, biglen));
            free(got);
            CHECK_INT(count_files(path), ==, 502); /* big.bin and d0 .. d500 */
            close(root);
        }
    }

    TEST("an existing file is not overwritten: the job fails, naming it")
    {
        char path[512], err[512] = "";
        int root = fresh("excl", path, sizeof path);
        CHECK(root >= 0);
        char fp[600];
        snprintf(fp, sizeof fp, "%s/d2", path);
        CHECK(!mkdir(fp, 0777));
        snprintf(fp, sizeof fp, "%s/d2/sub", path);
        CHECK(!mkdir(fp, 0777));
        snprintf(fp, sizeof fp, "%s/d2/sub/f5.txt", path);
        FILE *f = fopen(fp, "w");
        fputs("keep me\n", f);
        fclose(f);
        Ctx c = {0};
        CHECK(!dirwrite_files(root, path, 300, make, &c, 1, err, sizeof err));
        CHECK(strstr(err, "/d2/sub/f5.txt': File exists") != NULL);
        size_t len = 0;
        char *got = slurp(fp, &len);
        CHECK(got && !strcmp(got, "keep me\n"));
        free(got);
        close(root);
    }

    TEST("with many threads the failure reported is the lowest job's")
    {
        /* jobs 36-37 and 240-241 cannot be made (a regular file where their directory goes);
         * job 35 is slow, so on 4 threads 240 fails first, but job 36 is the one a single
         * thread meets */
        int wrong = 0;
        for (int round = 0; round < 8; round++) {
            char name[32], path[512], err[512] = "", fp[600];
            snprintf(name, sizeof name, "low%d", round);
            int root = fresh(name, path, sizeof path);
            snprintf(fp, sizeof fp, "%s/d18", path); /* jobs 36, 37: d18/sub/f3[67].txt */
            fclose(fopen(fp, "w"));
            snprintf(fp, sizeof fp, "%s/d120", path); /* jobs 240, 241 */
            fclose(fopen(fp, "w"));
            Ctx c = {.slow_job = 35};
            if (dirwrite_files(root, path, 600, make, &c, 4, err, sizeof err) ||
                !strstr(err, "/d18/sub/f36.txt': Not a directory"))
                wrong++;
            close(root);
        }
        CHECK_INT(wrong, ==, 0);
    }

    TEST("dirwrite_threads: one thread for a small directory, STRAV_WRITE_THREADS wins")
    {
        CHECK_INT(dirwrite_threads(10), ==, 1);
        CHECK(dirwrite_threads(100000) >= 1);
        setenv("STRAV_WRITE_THREADS", "3", 1);
        CHECK_INT(dirwrite_threads(10), ==, 3);
        setenv("STRAV_WRITE_THREADS", "0", 1);
        CHECK_INT(dirwrite_threads(100000), ==, 1);
        unsetenv("STRAV_WRITE_THREADS");
    }

    free(big);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
