/*
 * filerepl.c - see filerepl.h. The leftovers swept are exactly <base>.<digits>.tmp beside the
 * path, regular files, last modified FILEREPL_STALE_S seconds ago or more: a live writer's
 * file is minutes younger than that, whatever its pid namespace.
 */
#include "filerepl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

static bool is_leftover(const char *name, const char *base, size_t bl)
{
    if (strncmp(name, base, bl) || name[bl] != '.')
        return false;
    const char *p = name + bl + 1;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return !strcmp(p, ".tmp");
}

/* Delete the stale <base>.<pid>.tmp files of path (nothing is reported: a failure costs a
 * file left, as before). */
static void sweep(const char *path)
{
    const char *slash = strrchr(path, '/');
    StrBuf dir = SB_INIT;
    if (!slash)
        sb_addch(&dir, '.');
    else if (slash == path)
        sb_addch(&dir, '/');
    else
        sb_add(&dir, path, (size_t)(slash - path));
    const char *base = slash ? slash + 1 : path;
    size_t bl = strlen(base);
    DIR *d = opendir(dir.buf);
    sb_release(&dir);
    if (!d)
        return;
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (is_leftover(e->d_name, base, bl) &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode) && now - st.st_mtime >= FILEREPL_STALE_S)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

bool file_replace(const char *path, const void *data, size_t len)
{
    sweep(path);
    StrBuf tmp = SB_INIT;
    sb_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    bool ok = fd >= 0 && write_all(fd, data, len);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp.buf, path) != 0)
        ok = false;
    if (!ok) {
        int e = errno;
        if (fd >= 0)
            unlink(tmp.buf);
        errno = e;
    }
    sb_release(&tmp);
    return ok;
}
