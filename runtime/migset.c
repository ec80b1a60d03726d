/*
 * migset.c - reading migration directories (see migset.h and docs/migration-format.md).
 * Integrity first: a version is only usable when its manifest parses, every executionOrder file
 * exists and its SHA-256 equals the manifest's files map.
 */
#include "migset.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        BUG("EVP_Digest(sha256) failed");
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

/* Whole file into a NUL-terminated buffer; NULL with errno set on failure. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = SB_INIT;
    char tmp[16384];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        sb_add(&sb, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_release(&sb);
        errno = EIO;
        return NULL;
    }
    sb_grow(&sb, 1);
    *len = sb.len;
    return sb_detach(&sb);
}

int version_cmp(const char *a, const char *b)
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

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool domain_name_valid(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z')))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int cmp_version_ptr(const void *a, const void *b)
{
    return version_cmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_problem(Migration *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void set_problem(Migration *m, const char *fmt, ...)
{
    if (m->problem)
        return;
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    m->problem = xstrdup(tmp);
}

/* Read executionOrder.<key> and the files map; verify and (optionally) keep each file. */
static void load_files(Migration *m, json_t *manifest, const char *key, MigFile **out, size_t *n,
                       bool keep_sql)
{
    json_t *order = json_object_get(json_object_get(manifest, "executionOrder"), key);
    json_t *files = json_object_get(manifest, "files");
    json_t *nontx = json_object_get(manifest, "nonTransactional");
    if (!json_is_array(order)) {
        set_problem(m, "manifest.json: executionOrder.%s is missing or not an array", key);
        return;
    }
    size_t cnt = json_array_size(order);
    *out = xcalloc(cnt ? cnt : 1, sizeof(MigFile));
    *n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const char *rel = json_string_value(json_array_get(order, i));
        if (!rel || !*rel || rel[0] == '/' || strstr(rel, "..")) {
            set_problem(m, "manifest.json: executionOrder.%s holds an invalid file name", key);
            return;
        }
        MigFile *f = &(*out)[(*n)++];
        f->rel = xstrdup(rel);
        for (size_t j = 0; j < json_array_size(nontx); j++) {
            const char *nt = json_string_value(json_array_get(nontx, j));
            if (nt && strcmp(nt, rel) == 0)
                f->nontx = true;
        }
        StrBuf path = SB_INIT;
        sb_addf(&path, "%s/%s", m->dir, rel);
        size_t len = 0;
        char *data = read_all(path.buf, &len);
        if (!data) {
            set_problem(m, "file %s listed in executionOrder is missing", path.buf);
            sb_release(&path);
            return;
        }
        const char *want = files ? json_string_value(json_object_get(files, rel)) : NULL;
        if (files && !want) {
            set_problem(m, "manifest.json: no SHA-256 for %s in the files map", rel);
        } else if (want) {
            char got[65];
            sha256_hex(data, len, got);
            if (strcmp(got, want) != 0)
                set_problem(m, "file %s does not match the SHA-256 recorded in manifest.json",
                            path.buf);
        } else {
            set_problem(m, "%s", "manifest.json: the files map (SHA-256 of every file) is missing");
        }
        if (keep_sql && memchr(data, '\0', len))
            set_problem(m, "file %s contains a NUL byte", path.buf);
        if (keep_sql)
            f->sql = data;
        else
            free(data);
        sb_release(&path);
    }
}

static void load_version(Migration *m, bool keep_sql)
{
    StrBuf path = SB_INIT;
    sb_addf(&path, "%s/manifest.json", m->dir);
    size_t len = 0;
    char *bytes = read_all(path.buf, &len);
    json_t *j = NULL;
    m->message = xstrdup("");
    if (!bytes) {
        set_problem(m, "%s is missing", path.buf);
        goto out;
    }
    sha256_hex(bytes, len, m->checksum);
    json_error_t jerr;
    j = json_loadb(bytes, len, 0, &jerr);
    if (!j || !json_is_object(j)) {
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "%s is corrupt (line %d: %s)", path.buf, jerr.line, j ? "not an object" : jerr.text);
        m->problem = sb_detach(&sb);
        goto out;
    }
    const char *v = json_string_value(json_object_get(j, "version"));
    if (!v || strcmp(v, m->version) != 0) {
        set_problem(m, "%s: \"version\" does not match the directory name", path.buf);
        goto out;
    }
    const char *msg = json_string_value(json_object_get(j, "message"));
    if (msg) {
        free(m->message);
        m->message = xstrdup(msg);
    }
    const char *schema = json_string_value(json_object_get(j, "schema"));
    if (schema)
        m->schema = xstrdup(schema);
    json_t *ten = json_object_get(j, "tenants");
    if (ten && !json_is_null(ten))
        m->tenants = json_dumps(ten, JSON_COMPACT | JSON_SORT_KEYS);
    load_files(m, j, "up", &m->up, &m->nup, keep_sql);
    load_files(m, j, "down", &m->down, &m->ndown, keep_sql);
out:
    json_decref(j);
    free(bytes);
    sb_release(&path);
}

int migset_load(MigSet *out, const char *migrations_root, const char *domain, bool keep_sql,
                StrBuf *err)
{
    memset(out, 0, sizeof *out);
    out->domain = xstrdup(domain);
    StrBuf root = SB_INIT;
    sb_addf(&root, "%s/%s", migrations_root, domain);
    out->root = sb_detach(&root);
    DIR *d = opendir(out->root);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        sb_addf(err, "cannot read %s: %s", out->root, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!all_digits(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_version_ptr);
    out->v = xcalloc(n ? n : 1, sizeof(Migration));
    for (size_t i = 0; i < n; i++) {
        Migration *m = &out->v[out->n++];
        m->version = names[i];
        StrBuf dir = SB_INIT;
        sb_addf(&dir, "%s/%s", out->root, names[i]);
        m->dir = sb_detach(&dir);
        struct stat st;
        if (stat(m->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            out->n--;
            free(m->dir);
            free(m->version);
            memset(m, 0, sizeof *m);
            continue;
        }
        load_version(m, keep_sql);
    }
    free(names);
    return 0;
}

static void files_free(MigFile *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].rel);
        free(f[i].sql);
    }
    free(f);
}

void migset_release(MigSet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        Migration *m = &s->v[i];
        free(m->version);
        free(m->dir);
        free(m->message);
        free(m->schema);
        free(m->tenants);
        free(m->problem);
        files_free(m->up, m->nup);
        files_free(m->down, m->ndown);
    }
    free(s->v);
    free(s->domain);
    free(s->root);
    memset(s, 0, sizeof *s);
}

const Migration *migset_find(const MigSet *s, const char *version)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = version_cmp(s->v[mid].version, version);
        if (c == 0)
            return &s->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void add_subdirs(char ***list, size_t *n, size_t *cap, const char *root)
{
    DIR *d = opendir(root);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!domain_name_valid(de->d_name) || strcmp(de->d_name, "public") == 0)
            continue;
        StrBuf p = SB_INIT;
        sb_addf(&p, "%s/%s", root, de->d_name);
        struct stat st;
        bool isdir = stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode);
        sb_release(&p);
        if (!isdir)
            continue;
        if (*n + 2 >= *cap) {
            *cap = *cap * 2 + 8;
            *list = xrealloc(*list, *cap * sizeof **list);
        }
        (*list)[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
}

char **domains_discover(const char *migrations_root, const char *schemas_root)
{
    char **list = NULL;
    size_t n = 0, cap = 0;
    add_subdirs(&list, &n, &cap, migrations_root);
    add_subdirs(&list, &n, &cap, schemas_root);
    if (n)
        qsort(list, n, sizeof *list, cmp_str_ptr);
    char **res = xcalloc(n + 2, sizeof *res);
    size_t k = 0;
    res[k++] = xstrdup("public");
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(list[i], list[i - 1]) == 0)
            free(list[i]);
        else
            res[k++] = list[i];
    }
    res[k] = NULL;
    free(list);
    return res;
}

void domains_free(char **d)
{
    if (!d)
        return;
    for (char **p = d; *p; p++)
        free(*p);
    free(d);
}
