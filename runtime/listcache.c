/*
 * listcache.c - the cache of a domain folder's listing (see listcache.h): one text file
 * rewritten whole with file_replace, read whole and checked line by line.
 */
#include "listcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filerepl.h"
#include "migdir.h"
#include "strbuf.h"

#define LIST_MAGIC "strav-list-cache 1"

static int64_t ns_of(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* The line that says which state of the folder the names are of. */
static void stat_line(StrBuf *sb, const struct stat *st, size_t n)
{
    sb_addf(sb, "%llu\t%llu\t%lld\t%llu\t%lld.%09ld\t%lld.%09ld\t%zu\n",
            (unsigned long long)st->st_dev, (unsigned long long)st->st_ino, (long long)st->st_size,
            (unsigned long long)st->st_nlink, (long long)st->st_mtim.tv_sec,
            (long)st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec, (long)st->st_ctim.tv_nsec, n);
}

/* The next line of text at *p (without its '\n'), or NULL when there is no complete one. */
static char *next_line(char **p, char *end)
{
    char *s = *p, *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
    if (!nl)
        return NULL;
    *nl = '\0';
    *p = nl + 1;
    return s;
}

bool listcache_get(
    const char *path, const char *root, const struct stat *st, char ***names, size_t *n)
{
    StrBuf f = SB_INIT, want = SB_INIT;
    char **v = NULL;
    size_t count = 0, got = 0;
    bool ok = false;
    if (!path || read_file(path, &f) != 0)
        goto out;
    char *p = f.buf, *end = f.buf + f.len, *l;
    sb_addf(&want, "%s\t%s", LIST_MAGIC, root);
    if (!(l = next_line(&p, end)) || strcmp(l, want.buf))
        goto out;
    /* the count is the last field of the stat line: read it, then compare the whole line */
    if (!(l = next_line(&p, end)))
        goto out;
    const char *tab = strrchr(l, '\t');
    char *e;
    unsigned long long c = tab ? strtoull(tab + 1, &e, 10) : 0;
    if (!tab || *e || c > (unsigned long long)(end - p) / 2) /* a name and '\n': 2 bytes */
        goto out;
    count = (size_t)c;
    sb_reset(&want);
    stat_line(&want, st, count);
    want.buf[--want.len] = '\0'; /* without its '\n' */
    if (strcmp(l, want.buf))
        goto out;
    v = xmalloc((count ? count : 1) * sizeof *v);
    for (; got < count; got++) {
        if (!(l = next_line(&p, end)) || !migdir_version_name(l) ||
            (got && migdir_version_cmp(v[got - 1], l) >= 0)) /* ascending, no duplicate */
            goto out;
        v[got] = xstrdup(l);
    }
    sb_reset(&want);
    sb_addf(&want, "end\t%zu", count);
    ok = (l = next_line(&p, end)) != NULL && !strcmp(l, want.buf) && p == end;
out:
    if (ok) {
        *names = v;
        *n = count;
    } else {
        for (size_t i = 0; i < got; i++)
            free(v[i]);
        free(v);
    }
    sb_release(&f);
    sb_release(&want);
    return ok;
}

void listcache_put(
    const char *path, const char *root, const struct stat *st, char *const *names, size_t n)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t racy = (int64_t)LISTCACHE_RACY_S * 1000000000LL;
    if (!path || ns_of(&now) - ns_of(&st->st_mtim) < racy ||
        ns_of(&now) - ns_of(&st->st_ctim) < racy)
        return;
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "%s\t%s\n", LIST_MAGIC, root);
    stat_line(&sb, st, n);
    for (size_t i = 0; i < n; i++) {
        sb_adds(&sb, names[i]);
        sb_addch(&sb, '\n');
    }
    sb_addf(&sb, "end\t%zu\n", n);
    file_replace(path, sb.buf, sb.len);
    sb_release(&sb);
}
