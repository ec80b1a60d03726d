/*
 * test_filerepl.c - unit tests for file_replace (filerepl.h): the new bytes replace the old
 * ones and no temporary file stays; a failure says why and leaves the file as it was; the
 * leftovers of killed writers (<name>.<digits>.tmp, a minute old or more) are deleted, and
 * nothing else is: not a young one (a live writer's), not another file's, not a look-alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "filerepl.h"
#include "tap.h"

static char dir[] = "/tmp/strav-filerepl.XXXXXX";

static char *path_of(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void put(const char *name, const char *text, long age_s)
{
    FILE *f = fopen(path_of(name), "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= age_s;
    tv[1] = tv[0];
    utimes(path_of(name), tv);
}

static bool exists(const char *name)
{
    return access(path_of(name), F_OK) == 0;
}

static const char *content(const char *name)
{
    static char buf[256];
    buf[0] = '\0';
    FILE *f = fopen(path_of(name), "rb");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

static size_t entries(void)
{
    size_t n = 0;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    if (p) {
        if (fscanf(p, "%zu", &n) != 1)
            n = 0;
        pclose(p);
    }
    return n;
}

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    TEST("the new bytes replace the old ones, and only the file remains")
    {
        put("cache", "old", 0);
        CHECK(file_replace(path_of("cache"), "new text\n", 9));
        CHECK_STR(content("cache"), "new text\n");
        CHECK_INT(entries(), ==, 1);
        CHECK(file_replace(path_of("fresh"), "", 0)); /* a new, empty file */
        CHECK(exists("fresh"));
        CHECK_STR(content("fresh"), "");
    }
    TEST("a failure says why and leaves no temporary file")
    {
        errno = 0;
        CHECK(!file_replace(path_of("no-such-dir/cache"), "x", 1));
        CHECK_INT(errno, ==, ENOENT);
        mkdir(path_of("adir"), 0777); /* rename over a directory fails */
        errno = 0;
        CHECK(!file_replace(path_of("adir"), "x", 1));
        CHECK(errno != 0);
        char tmp[64];
        snprintf(tmp, sizeof tmp, "adir.%ld.tmp", (long)getpid());
        CHECK(!exists(tmp));
        CHECK_STR(content("cache"), "new text\n");
    }
    TEST("stale leftovers of this path are deleted, nothing else")
    {
        put("cache.12345.tmp", "killed writer", FILEREPL_STALE_S + 60);
        put("cache.7.tmp", "killed long ago", 3600);
        put("cache.999.tmp", "a live writer", 1);
        put("other.12345.tmp", "another file's", 3600);
        put("cache.12x.tmp", "not a pid", 3600);
        put("cache.tmp", "no pid", 3600);
        put("xcache.1.tmp", "a longer name", 3600);
        CHECK(file_replace(path_of("cache"), "v2", 2));
        CHECK_STR(content("cache"), "v2");
        CHECK(!exists("cache.12345.tmp"));
        CHECK(!exists("cache.7.tmp"));
        CHECK(exists("cache.999.tmp"));
        CHECK(exists("other.12345.tmp"));
        CHECK(exists("cache.12x.tmp"));
        CHECK(exists("cache.tmp"));
        CHECK(exists("xcache.1.tmp"));
    }
    TEST("a leftover that is a directory is not touched")
    {
        mkdir(path_of("cache.4242.tmp"), 0777);
        struct timeval tv[2];
        gettimeofday(&tv[0], NULL);
        tv[0].tv_sec -= 3600;
        tv[1] = tv[0];
        utimes(path_of("cache.4242.tmp"), tv);
        CHECK(file_replace(path_of("cache"), "v3", 2));
        CHECK(exists("cache.4242.tmp"));
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return tap_done();
}
