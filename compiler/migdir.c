/*
 * migdir.c - read the latest snapshot of a domain and write migration directories
 * (migdir.h, docs/migration-format.md).
 */
#include "migdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "emit_sql.h"
#include "model_json.h"
#include "source.h"
#include "strbuf.h"

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Numeric comparison of two digit strings. */
static int cmp_version(const char *a, const char *b)
{
    while (*a == '0' && a[1])
        a++;
    while (*b == '0' && b[1])
        b++;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

bool migdir_load_latest(Arena *a, const char *migrations_dir, const char *domain,
                        const Model *fallback, Model *old_out, const char **version, Diag *d)
{
    memset(old_out, 0, sizeof *old_out);
    old_out->domain = fallback->domain;
    old_out->schema = fallback->schema;
    old_out->per_tenant = fallback->per_tenant;
    old_out->tenants = fallback->tenants;
    *version = NULL;
    char *dirpath = arena_printf(a, "%s/%s", migrations_dir, domain);
    DIR *dir = opendir(dirpath);
    if (!dir) {
        if (errno == ENOENT)
            return true;
        diag_global(d, DIAG_ERROR, "cannot open '%s': %s", dirpath, strerror(errno));
        return false;
    }
    const char *best = NULL;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!all_digits(de->d_name))
            continue;
        if (!best || cmp_version(de->d_name, best) > 0)
            best = arena_strdup(a, de->d_name);
    }
    closedir(dir);
    if (!best)
        return true;
    *version = best;
    char *snap = arena_printf(a, "%s/%s/snapshot.json", dirpath, best);
    Source *src = source_load(snap);
    if (!src) {
        diag_global(d, DIAG_ERROR, "cannot read '%s': %s", snap, strerror(errno));
        return false;
    }
    bool ok = model_json_read(a, src->buf, src->len, snap, old_out, d);
    source_free(src);
    return ok;
}

uint64_t migdir_next_version(uint64_t now_ms, const char *parent)
{
    if (parent) {
        uint64_t pv = strtoull(parent, NULL, 10);
        if (now_ms <= pv)
            return pv + 1;
    }
    return now_ms;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
        BUG("EVP_Digest failed");
    for (unsigned int i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void iso_time(uint64_t ms, char out[64])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

void migdir_manifest(StrBuf *out, const Plan *p, const Model *m, const char *version,
                     const char *message, uint64_t now_ms, const char *parent)
{
    json_t *o = json_object();
    char when[64];
    iso_time(now_ms, when);
    json_object_set_new(o, "version", json_string(version));
    json_object_set_new(o, "message", json_string(message));
    json_object_set_new(o, "generatedAt", json_string(when));
    json_t *s = json_object();
    json_object_set_new(s, "tablesToCreate", json_integer(p->summary.tables_create));
    json_object_set_new(s, "tablesToDrop", json_integer(p->summary.tables_drop));
    json_object_set_new(s, "tablesToModify", json_integer(p->summary.tables_modify));
    json_object_set_new(s, "enumsToCreate", json_integer(p->summary.enums_create));
    json_object_set_new(s, "enumsToModify", json_integer(p->summary.enums_modify));
    json_object_set_new(s, "enumsToDrop", json_integer(p->summary.enums_drop));
    json_object_set_new(o, "summary", s);
    json_t *eo = json_object(), *up = json_array(), *down = json_array();
    for (size_t i = 0; i < p->nfiles; i++)
        json_array_append_new(up, json_string(p->files[i].up_path));
    for (size_t i = p->nfiles; i-- > 0;)
        json_array_append_new(down, json_string(p->files[i].down_path));
    json_object_set_new(eo, "up", up);
    json_object_set_new(eo, "down", down);
    json_object_set_new(o, "executionOrder", eo);
    json_object_set_new(o, "domain", json_string(m->domain));
    json_object_set_new(o, "schema", json_string(m->schema));
    if (m->per_tenant) {
        json_t *t = json_object();
        if (m->tenants.query)
            json_object_set_new(t, "query", json_string(m->tenants.query));
        if (m->tenants.pattern)
            json_object_set_new(t, "pattern", json_string(m->tenants.pattern));
        json_object_set_new(o, "tenants", t);
    } else {
        json_object_set_new(o, "tenants", json_null());
    }
    json_object_set_new(o, "parent", parent ? json_string(parent) : json_null());
    json_t *files = json_object();
    StrBuf sql = SB_INIT;
    for (size_t i = 0; i < p->nfiles; i++) {
        for (int dn = 0; dn < 2; dn++) {
            char hex[65];
            sb_reset(&sql);
            emit_plan_file(&sql, p, &p->files[i], dn);
            sha256_hex(sql.buf ? sql.buf : "", sql.len, hex);
            json_object_set_new(files, dn ? p->files[i].down_path : p->files[i].up_path,
                                json_string(hex));
        }
    }
    sb_release(&sql);
    json_object_set_new(o, "files", files);
    json_t *ntx = json_array();
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].non_tx)
            json_array_append_new(ntx, json_string(p->files[i].up_path));
    json_object_set_new(o, "nonTransactional", ntx);
    json_object_set_new(o, "destructive", strs(p->destructive, p->ndestructive));
    json_object_set_new(o, "irreversible", strs(p->irreversible, p->nirreversible));
    char *text = json_dumps(o, JSON_INDENT(2));
    if (!text)
        BUG("json_dumps failed");
    sb_adds(out, text);
    sb_addch(out, '\n');
    free(text);
    json_decref(o);
}

/* ---------------------------------------------------------------- writing */

static bool mkdirs(const char *path, Diag *d)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            diag_global(d, DIAG_ERROR, "cannot create '%s': %s", p, strerror(errno));
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = !mkdir(p, 0777) || errno == EEXIST;
    if (!ok)
        diag_global(d, DIAG_ERROR, "cannot create '%s': %s", p, strerror(errno));
    free(p);
    return ok;
}

static bool fsync_path(const char *path, bool dir)
{
    int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

static bool write_file(const char *root, const char *rel, const char *data, size_t len, Diag *d)
{
    StrBuf path = SB_INIT;
    sb_addf(&path, "%s/%s", root, rel);
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    bool ok = mkdirs(path.buf, d);
    *slash = '/';
    if (ok) {
        int fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        ok = fd >= 0;
        for (size_t off = 0; ok && off < len;) {
            ssize_t w = write(fd, data + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            off += ok ? (size_t)w : 0;
        }
        if (fd >= 0) {
            ok = ok && fsync(fd) == 0;
            ok = close(fd) == 0 && ok;
        }
        if (!ok)
            diag_global(d, DIAG_ERROR, "cannot write '%s': %s", path.buf, strerror(errno));
    }
    sb_release(&path);
    return ok;
}

static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            StrBuf sub = SB_INIT;
            sb_addf(&sub, "%s/%s", path, de->d_name);
            remove_tree(sub.buf);
            sb_release(&sub);
        }
        closedir(dir);
        rmdir(path);
    } else {
        unlink(path);
    }
}

bool migdir_write(const char *migrations_dir, const Model *m, const Plan *p, const char *version,
                  const char *message, uint64_t now_ms, const char *parent, Diag *d)
{
    StrBuf domdir = SB_INIT, tmp = SB_INIT, final = SB_INIT, buf = SB_INIT;
    sb_addf(&domdir, "%s/%s", migrations_dir, m->domain);
    sb_addf(&tmp, "%s/.tmp-%s", domdir.buf, version);
    sb_addf(&final, "%s/%s", domdir.buf, version);
    bool ok = mkdirs(domdir.buf, d);
    if (ok) {
        remove_tree(tmp.buf); /* a leftover of an interrupted run with the same version */
        ok = mkdirs(tmp.buf, d);
    }
    for (size_t i = 0; ok && i < p->nfiles; i++) {
        for (int dn = 0; ok && dn < 2; dn++) {
            sb_reset(&buf);
            emit_plan_file(&buf, p, &p->files[i], dn);
            ok = write_file(tmp.buf, dn ? p->files[i].down_path : p->files[i].up_path,
                            sb_str(&buf), buf.len, d);
        }
    }
    if (ok) {
        sb_reset(&buf);
        model_json_write(&buf, m);
        ok = write_file(tmp.buf, "snapshot.json", buf.buf, buf.len, d);
    }
    if (ok) {
        sb_reset(&buf);
        migdir_manifest(&buf, p, m, version, message, now_ms, parent);
        ok = write_file(tmp.buf, "manifest.json", buf.buf, buf.len, d);
    }
    if (ok) {
        /* directories of the new tree, deepest last is fine: fsync each we created */
        static const char *const subdirs[] = {"enums", "tables", "constraints", "indexes"};
        for (size_t i = 0; i < p->nfiles; i++) {
            sb_reset(&buf);
            sb_addf(&buf, "%s/%s", tmp.buf, p->files[i].up_path);
            *strrchr(buf.buf, '/') = '\0';
            fsync_path(buf.buf, true);
        }
        for (size_t i = 0; i < ARRAY_LEN(subdirs); i++) {
            sb_reset(&buf);
            sb_addf(&buf, "%s/%s", tmp.buf, subdirs[i]);
            fsync_path(buf.buf, true);
        }
        fsync_path(tmp.buf, true);
        if (rename(tmp.buf, final.buf)) {
            diag_global(d, DIAG_ERROR, "cannot rename '%s' to '%s': %s", tmp.buf, final.buf,
                        strerror(errno));
            ok = false;
        } else {
            fsync_path(domdir.buf, true);
        }
    }
    if (!ok)
        remove_tree(tmp.buf);
    sb_release(&domdir);
    sb_release(&tmp);
    sb_release(&final);
    sb_release(&buf);
    return ok;
}
