/*
 * migdir.c - read the latest snapshot of a domain and write migration directories
 * (migdir.h, docs/migration-format.md).
 */
#include "migdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dirwrite.h"
#include "emit_sql.h"
#include "model_json.h"
#include "names.h"
#include "sha256.h"
#include "source.h"
#include "strbuf.h"

bool migdir_version_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int migdir_version_cmp(const char *a, const char *b)
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

uint64_t migdir_now_ms(void)
{
    const char *fake = getenv("STRAV_NOW_MS"); /* tests: a fixed clock */
    if (fake && *fake)
        return strtoull(fake, NULL, 10);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The largest version name in dirpath (arena a), NULL when there is none; *err = errno when
 * the folder cannot be opened (0: it does not exist, which is no version either). */
static const char *latest_name(Arena *a, const char *dirpath, int *err)
{
    *err = 0;
    DIR *dir = opendir(dirpath);
    if (!dir) {
        if (errno != ENOENT)
            *err = errno;
        return NULL;
    }
    const char *best = NULL;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!migdir_version_name(de->d_name))
            continue;
        if (!best || migdir_version_cmp(de->d_name, best) > 0)
            best = arena_strdup(a, de->d_name);
    }
    closedir(dir);
    return best;
}

/* The identity of a file as stat tells it: a replaced or rewritten file has another one. */
static bool file_id(const char *path, int64_t id[4])
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    id[0] = (int64_t)st.st_dev;
    id[1] = (int64_t)st.st_ino;
    id[2] = (int64_t)st.st_size;
    id[3] = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return true;
}

void migdir_read_ahead(Arena *a, const char *migrations_dir, const char *domain,
                       MigdirAhead *out)
{
    memset(out, 0, sizeof *out);
    int err;
    const char *dirpath = arena_printf(a, "%s/%s", migrations_dir, domain);
    const char *best = latest_name(a, dirpath, &err);
    if (!best)
        return;
    char *snap = arena_printf(a, "%s/%s/snapshot.json", dirpath, best);
    int64_t before[4], after[4];
    if (!file_id(snap, before) || !(out->src = source_load(snap)))
        return;
    if (!file_id(snap, after) || memcmp(before, after, sizeof before)) {
        source_free(out->src); /* changed while it was read */
        out->src = NULL;
        return;
    }
    out->version = best;
    memcpy(out->id, before, sizeof before);
}

void migdir_ahead_release(MigdirAhead *ahead)
{
    source_free(ahead->src);
    memset(ahead, 0, sizeof *ahead);
}

bool migdir_load_latest(Arena *a, const char *migrations_dir, const char *domain,
                        const Model *fallback, Model *old_out, const char **version, Diag *d)
{
    return migdir_load_latest_ahead(a, migrations_dir, domain, fallback, NULL, old_out, version,
                                    d);
}

bool migdir_load_latest_ahead(Arena *a, const char *migrations_dir, const char *domain,
                              const Model *fallback, MigdirAhead *ahead, Model *old_out,
                              const char **version, Diag *d)
{
    memset(old_out, 0, sizeof *old_out);
    old_out->domain = fallback->domain;
    old_out->schema = fallback->schema;
    old_out->per_tenant = fallback->per_tenant;
    old_out->tenants = fallback->tenants;
    *version = NULL;
    char *dirpath = arena_printf(a, "%s/%s", migrations_dir, domain);
    int err;
    const char *best = latest_name(a, dirpath, &err);
    if (err) {
        diag_global(d, DIAG_ERROR, "cannot open '%s': %s", dirpath, strerror(err));
        return false;
    }
    if (!best)
        return true;
    *version = best;
    char *snap = arena_printf(a, "%s/%s/snapshot.json", dirpath, best);
    Source *src = NULL;
    int64_t id[4];
    if (ahead && ahead->src && !strcmp(ahead->version, best) && file_id(snap, id) &&
        !memcmp(id, ahead->id, sizeof id)) {
        src = ahead->src; /* the bytes read ahead are still the file's */
        ahead->src = NULL;
    } else {
        src = source_load(snap);
    }
    if (!src) {
        err = errno;
        diag_global(d, DIAG_ERROR, "cannot read '%s': %s", snap, strerror(err));
        if (err == ENOENT) /* a version written by hand or by the TypeScript Strav */
            diag_global(d, DIAG_NOTE,
                        "version %s has no snapshot of the model after it (written by hand or in "
                        "the seed's format?): pull a database at that version (stravc pull), then "
                        "save the domain's model there: stravc model --json -s %s | "
                        "jq '.domains[0]' > %s",
                        best, domain, snap);
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

static const char *manifest_lint; /* migdir_manifest_lint */

void migdir_manifest_lint(const char *json)
{
    manifest_lint = json;
}

static const char *manifest_uses; /* migdir_manifest_uses (xdomain.h) */

void migdir_manifest_uses(const char *json)
{
    manifest_uses = json;
}

/* hashes[2 * i + down] is the SHA-256 of file i's up (down) SQL; snap that of snapshot.json.
 * The reference text, made with jansson; manifest_text below writes the same bytes directly. */
static void manifest_jansson(StrBuf *out, const Plan *p, const Model *m, const char *version,
                          const char *message, uint64_t now_ms, const char *parent,
                          char (*hashes)[65], const char *snap, json_t *extra)
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
    for (size_t i = 0; i < p->nfiles; i++) {
        json_object_set_new_nocheck(files, p->files[i].up_path, json_string(hashes[2 * i]));
        json_object_set_new_nocheck(files, p->files[i].down_path, json_string(hashes[2 * i + 1]));
    }
    /* not in executionOrder (never run), listed so an edited snapshot is detected */
    json_object_set_new(files, "snapshot.json", json_string(snap));
    json_object_set_new(o, "files", files);
    json_t *ntx = json_array();
    for (size_t i = 0; i < p->nfiles; i++) {
        if (p->files[i].non_tx)
            json_array_append_new(ntx, json_string(p->files[i].up_path));
        if (p->files[i].down_non_tx)
            json_array_append_new(ntx, json_string(p->files[i].down_path));
    }
    json_object_set_new(o, "nonTransactional", ntx);
    if (p->online) { /* the runtime's retry policy for its non-transactional steps */
        json_t *on = json_object();
        json_object_set_new(on, "lockTimeoutMs", json_integer(PLAN_ONLINE_LOCK_TIMEOUT_MS));
        json_object_set_new(on, "retries", json_integer(PLAN_ONLINE_RETRIES));
        json_object_set_new(o, "online", on);
    }
    json_object_set_new(o, "destructive", strs(p->destructive, p->ndestructive));
    json_object_set_new(o, "irreversible", strs(p->irreversible, p->nirreversible));
    if (extra)
        json_object_update(o, extra);
    json_t *lint = manifest_lint ? json_loads(manifest_lint, 0, NULL) : NULL;
    if (lint)
        json_object_set_new(o, "lint", lint);
    json_t *uses = manifest_uses ? json_loads(manifest_uses, 0, NULL) : NULL;
    if (uses)
        json_object_set_new(o, "uses", uses);
    char *text = json_dumps(o, JSON_INDENT(2));
    if (!text)
        BUG("json_dumps failed");
    sb_adds(out, text);
    sb_addch(out, '\n');
    free(text);
    json_decref(o);
}

/* ---- the manifest written directly: the bytes json_dumps(JSON_INDENT(2)) makes of the
 * object manifest_jansson builds, without 40,000 json_t and a 2.6 MB copy at 10,000 tables
 * (50 ms). Strings are assumed valid UTF-8 (manifest_text checks, else takes jansson). */

static bool utf8_ok(const char *s)
{
    return !s || name_utf8_valid(s, strlen(s));
}

static void ind(StrBuf *o, int depth)
{
    sb_addch(o, '\n');
    for (int i = 0; i < depth; i++)
        sb_add(o, "  ", 2);
}

/* a string as jansson dumps it: \" \\ \b \f \n \r \t, \u00XX for other control bytes */
static void jstr(StrBuf *o, const char *s)
{
    sb_addch(o, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sb_add(o, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"': sb_add(o, "\\\"", 2); break;
        case '\\': sb_add(o, "\\\\", 2); break;
        case '\b': sb_add(o, "\\b", 2); break;
        case '\f': sb_add(o, "\\f", 2); break;
        case '\n': sb_add(o, "\\n", 2); break;
        case '\r': sb_add(o, "\\r", 2); break;
        case '\t': sb_add(o, "\\t", 2); break;
        default: sb_addf(o, "\\u%04X", c); break;
        }
    }
    sb_add(o, run, (size_t)(s - run));
    sb_addch(o, '"');
}

/* member separators of an object or array at depth d: first, next, end */
static void jopen(StrBuf *o, char c, int depth, bool *first)
{
    sb_addch(o, c);
    (void)depth;
    *first = true;
}

static void jnext(StrBuf *o, int depth, bool *first)
{
    if (!*first)
        sb_addch(o, ',');
    *first = false;
    ind(o, depth + 1);
}

static void jclose(StrBuf *o, char c, int depth, bool first)
{
    if (!first)
        ind(o, depth);
    sb_addch(o, c);
}

static void jkey(StrBuf *o, int depth, bool *first, const char *key)
{
    jnext(o, depth, first);
    jstr(o, key);
    sb_add(o, ": ", 2);
}

static void jstrs(StrBuf *o, int depth, const char *const *v, size_t n)
{
    bool first;
    jopen(o, '[', depth, &first);
    for (size_t i = 0; i < n; i++) {
        jnext(o, depth, &first);
        jstr(o, v[i]);
    }
    jclose(o, ']', depth, first);
}

/* a value parsed and dumped by jansson, placed at depth 1 */
static void jvalue(StrBuf *o, const json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (!text)
        BUG("json_dumps failed");
    for (const char *s = text; *s; s++) { /* strings escape their newlines: all are layout */
        if (*s == '\n')
            ind(o, 1);
        else
            sb_addch(o, *s);
    }
    free(text);
}

static const char *const manifest_keys[] = {
    "version", "message", "generatedAt", "summary", "executionOrder", "domain", "schema",
    "tenants", "parent", "files", "nonTransactional", "online", "destructive", "irreversible",
    "lint", "uses"};

/* Can manifest_direct make manifest_jansson's bytes? Every string valid UTF-8 (jansson drops
 * or refuses others) and no extra member that replaces a standard one. */
static bool direct_ok(const Plan *p, const Model *m, const char *version, const char *message,
                      const char *parent, json_t *extra)
{
    if (!utf8_ok(version) || !utf8_ok(message) || !utf8_ok(m->domain) || !utf8_ok(m->schema) ||
        !utf8_ok(parent) || !version || !message || !m->domain || !m->schema)
        return false;
    if (m->per_tenant && (!utf8_ok(m->tenants.query) || !utf8_ok(m->tenants.pattern)))
        return false;
    for (size_t i = 0; i < p->nfiles; i++)
        if (!p->files[i].up_path || !p->files[i].down_path || !utf8_ok(p->files[i].up_path) ||
            !utf8_ok(p->files[i].down_path))
            return false;
    for (size_t i = 0; i < p->ndestructive; i++)
        if (!p->destructive[i] || !utf8_ok(p->destructive[i]))
            return false;
    for (size_t i = 0; i < p->nirreversible; i++)
        if (!p->irreversible[i] || !utf8_ok(p->irreversible[i]))
            return false;
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v) {
        for (size_t k = 0; k < ARRAY_LEN(manifest_keys); k++)
            if (!strcmp(key, manifest_keys[k]))
                return false;
        if (!utf8_ok(key))
            return false;
    }
    return true;
}

static void manifest_direct(StrBuf *o, const Plan *p, const Model *m, const char *version,
                            const char *message, uint64_t now_ms, const char *parent,
                            char (*hashes)[65], const char *snap, json_t *extra)
{
    char when[64];
    iso_time(now_ms, when);
    bool f0, f1, f2;
    jopen(o, '{', 0, &f0);
    jkey(o, 0, &f0, "version");
    jstr(o, version);
    jkey(o, 0, &f0, "message");
    jstr(o, message);
    jkey(o, 0, &f0, "generatedAt");
    jstr(o, when);
    jkey(o, 0, &f0, "summary");
    jopen(o, '{', 1, &f1);
    const PlanSummary *s = &p->summary;
    const char *names[] = {"tablesToCreate", "tablesToDrop", "tablesToModify",
                           "enumsToCreate",  "enumsToModify", "enumsToDrop"};
    const int vals[] = {s->tables_create, s->tables_drop, s->tables_modify,
                        s->enums_create,  s->enums_modify, s->enums_drop};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        jkey(o, 1, &f1, names[i]);
        sb_addf(o, "%d", vals[i]);
    }
    jclose(o, '}', 1, f1);
    jkey(o, 0, &f0, "executionOrder");
    jopen(o, '{', 1, &f1);
    jkey(o, 1, &f1, "up");
    jopen(o, '[', 2, &f2);
    for (size_t i = 0; i < p->nfiles; i++) {
        jnext(o, 2, &f2);
        jstr(o, p->files[i].up_path);
    }
    jclose(o, ']', 2, f2);
    jkey(o, 1, &f1, "down");
    jopen(o, '[', 2, &f2);
    for (size_t i = p->nfiles; i-- > 0;) {
        jnext(o, 2, &f2);
        jstr(o, p->files[i].down_path);
    }
    jclose(o, ']', 2, f2);
    jclose(o, '}', 1, f1);
    jkey(o, 0, &f0, "domain");
    jstr(o, m->domain);
    jkey(o, 0, &f0, "schema");
    jstr(o, m->schema);
    jkey(o, 0, &f0, "tenants");
    if (m->per_tenant) {
        jopen(o, '{', 1, &f1);
        if (m->tenants.query) {
            jkey(o, 1, &f1, "query");
            jstr(o, m->tenants.query);
        }
        if (m->tenants.pattern) {
            jkey(o, 1, &f1, "pattern");
            jstr(o, m->tenants.pattern);
        }
        jclose(o, '}', 1, f1);
    } else {
        sb_adds(o, "null");
    }
    jkey(o, 0, &f0, "parent");
    if (parent)
        jstr(o, parent);
    else
        sb_adds(o, "null");
    jkey(o, 0, &f0, "files");
    jopen(o, '{', 1, &f1);
    for (size_t i = 0; i < p->nfiles; i++) {
        jkey(o, 1, &f1, p->files[i].up_path);
        jstr(o, hashes[2 * i]);
        jkey(o, 1, &f1, p->files[i].down_path);
        jstr(o, hashes[2 * i + 1]);
    }
    jkey(o, 1, &f1, "snapshot.json");
    jstr(o, snap);
    jclose(o, '}', 1, f1);
    jkey(o, 0, &f0, "nonTransactional");
    jopen(o, '[', 1, &f1);
    for (size_t i = 0; i < p->nfiles; i++) {
        if (p->files[i].non_tx) {
            jnext(o, 1, &f1);
            jstr(o, p->files[i].up_path);
        }
        if (p->files[i].down_non_tx) {
            jnext(o, 1, &f1);
            jstr(o, p->files[i].down_path);
        }
    }
    jclose(o, ']', 1, f1);
    if (p->online) {
        jkey(o, 0, &f0, "online");
        jopen(o, '{', 1, &f1);
        jkey(o, 1, &f1, "lockTimeoutMs");
        sb_addf(o, "%lld", (long long)PLAN_ONLINE_LOCK_TIMEOUT_MS);
        jkey(o, 1, &f1, "retries");
        sb_addf(o, "%lld", (long long)PLAN_ONLINE_RETRIES);
        jclose(o, '}', 1, f1);
    }
    jkey(o, 0, &f0, "destructive");
    jstrs(o, 1, p->destructive, p->ndestructive);
    jkey(o, 0, &f0, "irreversible");
    jstrs(o, 1, p->irreversible, p->nirreversible);
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v) {
        jkey(o, 0, &f0, key);
        jvalue(o, v);
    }
    json_t *lint = manifest_lint ? json_loads(manifest_lint, 0, NULL) : NULL;
    if (lint) {
        jkey(o, 0, &f0, "lint");
        jvalue(o, lint);
        json_decref(lint);
    }
    json_t *uses = manifest_uses ? json_loads(manifest_uses, 0, NULL) : NULL;
    if (uses) {
        jkey(o, 0, &f0, "uses");
        jvalue(o, uses);
        json_decref(uses);
    }
    jclose(o, '}', 0, f0);
    sb_addch(o, '\n');
}

static void manifest_text(StrBuf *out, const Plan *p, const Model *m, const char *version,
                          const char *message, uint64_t now_ms, const char *parent,
                          char (*hashes)[65], const char *snap, json_t *extra)
{
    if (direct_ok(p, m, version, message, parent, extra))
        manifest_direct(out, p, m, version, message, now_ms, parent, hashes, snap, extra);
    else
        manifest_jansson(out, p, m, version, message, now_ms, parent, hashes, snap, extra);
}

static void sha256_buf(const StrBuf *sb, char out[65])
{
    sha256_hex(sb->buf ? sb->buf : "", sb->len, out);
}

void migdir_manifest_test(StrBuf *out, const Plan *p, const Model *m, const char *version,
                          const char *message, uint64_t now_ms, const char *parent,
                          const char *extra_json, bool reference)
{
    char(*hashes)[65] = xcalloc(2 * p->nfiles + 1, sizeof *hashes);
    char snap[65];
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < 2 * p->nfiles; i++) {
        sb_reset(&sb);
        emit_plan_file(&sb, p, &p->files[i / 2], i % 2);
        sha256_buf(&sb, hashes[i]);
    }
    sb_reset(&sb);
    model_json_write_compact(&sb, m);
    sha256_buf(&sb, snap);
    json_t *extra = extra_json ? json_loads(extra_json, 0, NULL) : NULL;
    if (reference)
        manifest_jansson(out, p, m, version, message, now_ms, parent, hashes, snap, extra);
    else
        manifest_text(out, p, m, version, message, now_ms, parent, hashes, snap, extra);
    json_decref(extra);
    sb_release(&sb);
    free(hashes);
}

void migdir_manifest(StrBuf *out, const Plan *p, const Model *m, const char *version,
                     const char *message, uint64_t now_ms, const char *parent)
{
    migdir_manifest_test(out, p, m, version, message, now_ms, parent, NULL, false);
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
            if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
                remove_tree(sub.buf);
            else
                unlink(sub.buf);
            sb_release(&sub);
        }
        closedir(dir);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Remove the ".tmp-<version>.<pid>" directories of generate runs that died (killed, power
 * loss): their process is gone. A live run's directory is left alone. */
static void remove_stale_tmp(const char *domdir)
{
    DIR *dir = opendir(domdir);
    if (!dir)
        return;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (strncmp(de->d_name, ".tmp-", 5))
            continue;
        const char *dot = strrchr(de->d_name, '.');
        long pid = dot > de->d_name + 4 ? strtol(dot + 1, NULL, 10) : 0;
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue; /* its writer may still be running */
        StrBuf sub = SB_INIT;
        sb_addf(&sub, "%s/%s", domdir, de->d_name);
        remove_tree(sub.buf);
        sb_release(&sub);
    }
    closedir(dir);
}

/* The files of a version directory as dirwrite jobs: job 0 snapshot.json (the largest, so it
 * starts first), then the SQL files in plan order (job 1 + 2 * file + down), each hashed on
 * the thread that makes it. */
typedef struct Jobs {
    const Plan *p;
    const Model *m;
    char (*hashes)[65];      /* per SQL file, as manifest_text takes them */
    const StrBuf *snap_json; /* made already (migdir_prepared_snapshot), or NULL: job 0 */
    StrBuf own_json;         /* makes it here */
    char snap_sha[65];
} Jobs;

static void make_job(void *ctx, size_t i, StrBuf *scratch, DirFile *f)
{
    Jobs *j = ctx;
    if (i == 0) {
        const StrBuf *json = j->snap_json;
        if (!json) {
            model_json_write_compact(&j->own_json, j->m);
            sha256_buf(&j->own_json, j->snap_sha);
            json = &j->own_json;
        }
        *f = (DirFile){"snapshot.json", json->buf, json->len, true}; /* synced at the end */
        return;
    }
    size_t k = i - 1;
    const PlanFile *pf = &j->p->files[k / 2];
    emit_plan_file(scratch, j->p, pf, k % 2);
    sha256_buf(scratch, j->hashes[k]);
    *f = (DirFile){k % 2 ? pf->down_path : pf->up_path, scratch->buf, scratch->len, false};
}

/* Wait until the files the other commands trust to describe the rest are on disk:
 * snapshot.json and manifest.json, then the staging directory's own entries. */
static bool sync_rel(int root, const char *root_path, const char *rel, Diag *d)
{
    int fd = rel ? openat(root, rel, O_RDONLY | O_CLOEXEC) : root;
    bool ok = fd >= 0 && (rel ? fdatasync(fd) : fsync(fd)) == 0;
    if (!ok)
        diag_global(d, DIAG_ERROR, "cannot sync '%s%s%s': %s", root_path, rel ? "/" : "",
                    rel ? rel : "", strerror(errno));
    if (fd >= 0 && rel)
        close(fd);
    return ok;
}

static char written_manifest[65]; /* migdir_written_manifest */
static const Model *prepared_model; /* migdir_prepared_snapshot */
static const StrBuf *prepared_json;
static const char *prepared_sha;

void migdir_prepared_snapshot(const Model *m, const StrBuf *json, const char *sha256)
{
    prepared_model = m;
    prepared_json = json;
    prepared_sha = sha256;
}

const char *migdir_written_manifest(void)
{
    return written_manifest;
}

/* Write <domdir>/<name>/ (a version, or a version's checkpoint) completely or not at all;
 * extra: manifest members added after the standard ones (NULL: none). */
static bool write_dir(const char *parent_dir, const char *name, const Model *m, const Plan *p,
                      const char *version, const char *message, uint64_t now_ms,
                      const char *parent, json_t *extra, Diag *d)
{
    StrBuf domdir = SB_INIT, tmp = SB_INIT, final = SB_INIT, buf = SB_INIT;
    sb_adds(&domdir, parent_dir);
    sb_addf(&tmp, "%s/.tmp-%s.%ld", domdir.buf, name, (long)getpid());
    sb_addf(&final, "%s/%s", domdir.buf, name);
    Jobs j = {.p = p, .m = m, .own_json = SB_INIT};
    j.hashes = xcalloc(2 * p->nfiles + 1, sizeof *j.hashes);
    int root = -1;
    bool ok = mkdirs(domdir.buf, d);
    if (ok) {
        remove_stale_tmp(domdir.buf);
        remove_tree(tmp.buf);
        ok = mkdirs(tmp.buf, d);
    }
    if (ok) {
        root = open(tmp.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok = root >= 0;
        if (!ok)
            diag_global(d, DIAG_ERROR, "cannot open '%s': %s", tmp.buf, strerror(errno));
    }
    if (ok && prepared_model == m && prepared_json) { /* serialised on another thread */
        j.snap_json = prepared_json;
        memcpy(j.snap_sha, prepared_sha, 65);
    }
    if (ok) {
        size_t n = 1 + 2 * p->nfiles;
        char err[1024];
        ok = dirwrite_files(root, tmp.buf, n, make_job, &j, dirwrite_threads(n), err,
                            sizeof err);
        if (!ok)
            diag_global(d, DIAG_ERROR, "%s", err);
    }
    if (ok) {
        manifest_text(&buf, p, m, version, message, now_ms, parent, j.hashes, j.snap_sha,
                      extra);
        sha256_buf(&buf, written_manifest);
        ok = dirwrite_one(root, "manifest.json", buf.buf, buf.len);
        if (!ok)
            diag_global(d, DIAG_ERROR, "cannot write '%s/manifest.json': %s", tmp.buf,
                        strerror(errno));
    }
    ok = ok && sync_rel(root, tmp.buf, "snapshot.json", d) &&
         sync_rel(root, tmp.buf, "manifest.json", d) && sync_rel(root, tmp.buf, NULL, d);
    if (ok) {
        /* Durability without waiting for anyone else's writes (a syncfs waited for every
         * process's dirty pages on the file system): the snapshot, the manifest and the
         * staging directory's entries were synced above (1-3 ms at rest), every SQL file is
         * written back by the kernel in its own time, and the rename makes the complete
         * directory visible at once; then the rename itself is synced. After a power loss a
         * SQL file whose pages had not reached the disk is caught by the manifest's SHA-256
         * (strav-run refuses the version, naming the file) instead of running torn; the
         * directory is regenerated from the schemas and the previous snapshot. A kill or an
         * error at any point leaves nothing or the whole directory (docs/migration-format.md,
         * tests/gen/torn.t). */
        if (rename(tmp.buf, final.buf)) {
            diag_global(d, DIAG_ERROR, "cannot rename '%s' to '%s': %s", tmp.buf, final.buf,
                        strerror(errno));
            ok = false;
        } else {
            int dfd = open(domdir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
        }
    }
    if (root >= 0)
        close(root);
    if (!ok)
        remove_tree(tmp.buf);
    free(j.hashes);
    sb_release(&j.own_json);
    sb_release(&domdir);
    sb_release(&tmp);
    sb_release(&final);
    sb_release(&buf);
    return ok;
}

bool migdir_write(const char *migrations_dir, const Model *m, const Plan *p, const char *version,
                  const char *message, uint64_t now_ms, const char *parent, Diag *d)
{
    StrBuf domdir = SB_INIT;
    sb_addf(&domdir, "%s/%s", migrations_dir, m->domain);
    bool ok = write_dir(domdir.buf, version, m, p, version, message, now_ms, parent, NULL, d);
    sb_release(&domdir);
    return ok;
}

bool migdir_write_checkpoint(const char *migrations_dir, const Model *m, const Plan *p,
                             const char *version, const char *message, uint64_t now_ms,
                             const char *const *covers, size_t ncovers, Diag *d)
{
    StrBuf vdir = SB_INIT;
    sb_addf(&vdir, "%s/%s/%s", migrations_dir, m->domain, version);
    json_t *extra = json_object(), *cp = json_object(), *arr = json_array();
    for (size_t i = 0; i < ncovers; i++)
        json_array_append_new(arr, json_string(covers[i]));
    json_object_set_new(cp, "covers", arr);
    json_object_set_new(extra, "checkpoint", cp);
    bool ok = write_dir(vdir.buf, MIGDIR_CHECKPOINT, m, p, version, message, now_ms, NULL, extra, d);
    json_decref(extra);
    sb_release(&vdir);
    return ok;
}
