/*
 * history.c - a domain's versions as a chain of parents, fork detection and the <domain>.lock
 * integrity file (history.h, docs/history.md).
 */
#include "history.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filerepl.h"
#include "gencache.h"
#include "migdir.h"
#include "sha256.h"
#include "strbuf.h"


static int cmp_names(const void *x, const void *y)
{
    return migdir_version_cmp(*(const char *const *)x, *(const char *const *)y);
}

static GenCache *hist_cache; /* history_use_cache */

void history_use_cache(GenCache *c)
{
    hist_cache = c;
}

/* Fill parent, message, generatedAt and checksum of v from its manifest; false when it cannot
 * be read or parsed (fields stay empty). cached: with history_use_cache's cache, a manifest
 * whose bytes it knows gets its parent from there and message and generatedAt stay NULL (read
 * again when a fork message needs them). */
static bool read_manifest(Arena *a, const char *dir, HistVersion *v, bool cached)
{
    StrBuf path = SB_INIT, bytes = SB_INIT;
    sb_addf(&path, "%s/%s/manifest.json", dir, v->version);
    bool ok = read_file(path.buf, &bytes) == 0;
    json_t *j = NULL;
    const char *hit = NULL;
    if (ok) {
        sha256_hex(bytes.buf ? bytes.buf : "", bytes.len, v->checksum);
        if (cached && hist_cache && (hit = gencache_get(hist_cache, v->checksum)))
            v->parent = strcmp(hit, "-") ? arena_strdup(a, hit) : NULL;
    }
    if (ok && !hit) {
        j = json_loadb(bytes.buf ? bytes.buf : "", bytes.len, 0, NULL);
        ok = j && json_is_object(j);
    }
    if (ok && !hit) {
        const char *s = json_string_value(json_object_get(j, "parent"));
        v->parent = s ? arena_strdup(a, s) : NULL;
        s = json_string_value(json_object_get(j, "message"));
        v->message = arena_strdup(a, s ? s : "");
        s = json_string_value(json_object_get(j, "generatedAt"));
        v->generated_at = s ? arena_strdup(a, s) : NULL;
        /* only parents the cache can spell back unambiguously: none, or a version name */
        if (cached && hist_cache && (!v->parent || migdir_version_name(v->parent)))
            gencache_put(hist_cache, v->checksum, v->parent ? v->parent : "-");
    }
    json_decref(j);
    sb_release(&path);
    sb_release(&bytes);
    return ok;
}

/* The messages of the versions a fork message names, when the cache spared reading them. */
static void read_messages(Arena *a, const History *h, const HistFork *f)
{
    size_t idx[2] = { f->a, f->b };
    for (int k = 0; k < (f->kind == HIST_ORPHAN ? 1 : 2); k++) {
        HistVersion *v = &h->v[idx[k]], tmp;
        if (v->message)
            continue;
        memset(&tmp, 0, sizeof tmp);
        tmp.version = v->version;
        read_manifest(a, h->dir, &tmp, false);
        v->message = tmp.message;
        v->generated_at = tmp.generated_at;
    }
}

static bool has_checkpoint(const char *dir, const char *version, char checksum[65])
{
    StrBuf p = SB_INIT, bytes = SB_INIT;
    sb_addf(&p, "%s/%s/%s/manifest.json", dir, version, MIGDIR_CHECKPOINT);
    bool yes = read_file(p.buf, &bytes) == 0;
    if (yes)
        sha256_hex(bytes.buf ? bytes.buf : "", bytes.len, checksum);
    sb_release(&p);
    sb_release(&bytes);
    return yes;
}

bool history_load(Arena *a, const char *migrations_dir, const char *domain, History *h, Diag *d)
{
    memset(h, 0, sizeof *h);
    h->domain = arena_strdup(a, domain);
    h->dir = arena_printf(a, "%s/%s", migrations_dir, domain);
    DIR *dir = opendir(h->dir);
    if (!dir) {
        if (errno == ENOENT || errno == ENOTDIR)
            return true;
        diag_global(d, DIAG_ERROR, "cannot open '%s': %s", h->dir, strerror(errno));
        return false;
    }
    size_t cap = 16, n = 0;
    char **names = xmalloc(cap * sizeof *names);
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!migdir_version_name(de->d_name))
            continue;
        if (n == cap)
            names = xrealloc(names, (cap *= 2) * sizeof *names);
        names[n++] = arena_strdup(a, de->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, cmp_names);
    h->v = ARENA_ARRAY(a, HistVersion, n + 1);
    for (size_t i = 0; i < n; i++) {
        HistVersion *v = &h->v[h->n];
        v->version = names[i];
        struct stat st;
        char *p = arena_printf(a, "%s/%s", h->dir, names[i]);
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        read_manifest(a, h->dir, v, true);
        v->has_checkpoint = has_checkpoint(h->dir, v->version, v->cp_checksum);
        h->n++;
    }
    free(names);
    return true;
}

/* Index of version s in h (binary search), or SIZE_MAX. */
static size_t find(const History *h, const char *s)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = migdir_version_cmp(h->v[mid].version, s);
        if (c == 0)
            return strcmp(h->v[mid].version, s) == 0 ? mid : SIZE_MAX;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

HistFork history_find_fork(const History *h)
{
    HistFork f = { HIST_LINEAR, 0, 0, NULL };
    /* first child of each version, in version order; roots that have a child */
    size_t *child = xmalloc((h->n + 1) * sizeof *child);
    for (size_t i = 0; i < h->n; i++)
        child[i] = SIZE_MAX;
    size_t root_with_child = SIZE_MAX;
    for (size_t i = 0; i < h->n && f.kind == HIST_LINEAR; i++) {
        const char *p = h->v[i].parent;
        if (!p)
            continue;
        /* most parents are the version just before: no search for those */
        size_t pi = i > 0 && !strcmp(h->v[i - 1].version, p) ? i - 1 : find(h, p);
        if (pi == SIZE_MAX) {
            f = (HistFork){ HIST_ORPHAN, i, i, p };
            break;
        }
        if (child[pi] != SIZE_MAX) {
            f = (HistFork){ HIST_FORK, child[pi], i, p };
            break;
        }
        child[pi] = i;
        if (!h->v[pi].parent) { /* pi is a root with a child */
            if (root_with_child != SIZE_MAX && root_with_child != pi)
                f = (HistFork){ HIST_FORK, root_with_child, pi, NULL };
            else
                root_with_child = pi;
        }
    }
    free(child);
    return f;
}

size_t history_chain_head(const History *h, size_t start)
{
    size_t cur = start;
    for (;;) {
        size_t next = SIZE_MAX;
        for (size_t i = cur + 1; i < h->n; i++) {
            if (!h->v[i].parent || strcmp(h->v[i].parent, h->v[cur].version))
                continue;
            if (next != SIZE_MAX)
                return SIZE_MAX;
            next = i;
        }
        if (next == SIZE_MAX)
            return cur;
        cur = next;
    }
}

static void describe(StrBuf *out, const History *h, size_t i)
{
    const HistVersion *v = &h->v[i];
    sb_addf(out, "  %s  \"%s\"", v->version, v->message ? v->message : "");
    if (v->generated_at)
        sb_addf(out, "  (generated %s)", v->generated_at);
    sb_addch(out, '\n');
}

void history_fork_message(StrBuf *out, const History *h, const HistFork *f)
{
    if (f->kind == HIST_ORPHAN) {
        sb_addf(out,
                "the history of domain %s is broken: migration %s names parent %s, which is not "
                "in %s:\n",
                h->domain, h->v[f->a].version, f->parent, h->dir);
        describe(out, h, f->a);
        sb_addf(out, "Restore the directory %s/%s (e.g. git checkout <commit> -- %s/%s).",
                h->dir, f->parent, h->dir, f->parent);
        return;
    }
    if (f->parent)
        sb_addf(out,
                "the history of domain %s is forked: two migrations have the same parent %s:\n",
                h->domain, f->parent);
    else
        sb_addf(out, "the history of domain %s is forked: two first migrations (no parent):\n",
                h->domain);
    describe(out, h, f->a);
    describe(out, h, f->b);
    sb_addf(out,
            "Two branches each generated a migration and were merged. Fix it with: "
            "stravc rebase -s %s",
            h->domain);
}

/* ---------------------------------------------------------------- <migrations>/<domain>.lock */

void history_lock_text(StrBuf *out, const History *h)
{
    sb_addf(out,
            "# %s.lock - the migration history of domain %s, oldest first: version, parent\n"
            "# (- for none), SHA-256 of manifest.json. Written by stravc generate, rebase and\n"
            "# squash; checked by stravc check and generate and by strav migrate. A merge\n"
            "# conflict here means two branches each added a migration: keep both sides' lines,\n"
            "# then run: stravc rebase -s %s\n",
            h->domain, h->domain, h->domain);
    for (size_t i = 0; i < h->n; i++) {
        const HistVersion *v = &h->v[i];
        sb_addf(out, "%s %s %s\n", v->version, v->parent ? v->parent : "-",
                v->checksum[0] ? v->checksum : "-");
        if (v->has_checkpoint)
            sb_addf(out, "%s/%s - %s\n", v->version, MIGDIR_CHECKPOINT, v->cp_checksum);
    }
}

bool history_write_lock(const History *h, Diag *d)
{
    StrBuf text = SB_INIT, path = SB_INIT;
    history_lock_text(&text, h);
    sb_addf(&path, "%s.lock", h->dir);
    bool ok = file_replace(path.buf, sb_str(&text), text.len);
    if (!ok)
        diag_global(d, DIAG_ERROR, "cannot write '%s': %s", path.buf, strerror(errno));
    sb_release(&text);
    sb_release(&path);
    return ok;
}

/* The data lines of a lock file (comments, blank and conflict-marker lines skipped). */
static bool lock_line(const char *line, size_t len)
{
    return len > 0 && line[0] >= '0' && line[0] <= '9';
}

bool history_lock_matches(const History *h, bool *exists, StrBuf *problem)
{
    StrBuf disk = SB_INIT, want = SB_INIT, path = SB_INIT;
    sb_addf(&path, "%s.lock", h->dir);
    *exists = read_file(path.buf, &disk) == 0;
    bool ok = true;
    if (*exists) {
        history_lock_text(&want, h);
        /* compare the data lines only: the comment is not part of the contract */
        const char *p = sb_str(&disk), *q = sb_str(&want);
        bool conflict = strstr(p, "\n<<<<<<<") || !strncmp(p, "<<<<<<<", 7);
        for (;;) {
            size_t lp, lq;
            while (*p && (lp = strcspn(p, "\n"), !lock_line(p, lp)))
                p += lp + (p[lp] == '\n');
            while (*q && (lq = strcspn(q, "\n"), !lock_line(q, lq)))
                q += lq + (q[lq] == '\n');
            if (!*p && !*q)
                break;
            lp = strcspn(p, "\n");
            lq = strcspn(q, "\n");
            if (lp == lq && !memcmp(p, q, lp)) {
                p += lp + (p[lp] == '\n');
                q += lq + (q[lq] == '\n');
                continue;
            }
            ok = false;
            if (conflict)
                sb_addf(problem, "%s has merge conflict markers", path.buf);
            else if (!*q)
                sb_addf(problem, "%s lists a version that is not on disk: %.*s", path.buf,
                        (int)lp, p);
            else if (!*p)
                sb_addf(problem, "%s does not list %.*s", path.buf, (int)lq, q);
            else
                sb_addf(problem, "%s says '%.*s' but the directories say '%.*s'", path.buf,
                        (int)lp, p, (int)lq, q);
            break;
        }
    }
    sb_release(&disk);
    sb_release(&want);
    sb_release(&path);
    return ok;
}

bool history_check(Arena *a, const char *migrations_dir, const char *domain, bool check_lock,
                   Diag *d)
{
    History h;
    if (!history_load(a, migrations_dir, domain, &h, d))
        return false;
    HistFork f = history_find_fork(&h);
    if (f.kind != HIST_LINEAR) {
        StrBuf sb = SB_INIT;
        read_messages(a, &h, &f);
        history_fork_message(&sb, &h, &f);
        diag_global(d, DIAG_ERROR, "%s", sb.buf);
        sb_release(&sb);
        return false;
    }
    if (!check_lock)
        return true;
    bool exists;
    StrBuf problem = SB_INIT;
    bool ok = history_lock_matches(&h, &exists, &problem);
    if (!ok)
        diag_global(d, DIAG_ERROR,
                    "%s: the integrity file does not match the migration directories; rewrite "
                    "it with: stravc rebase -s %s",
                    problem.buf, domain);
    sb_release(&problem);
    return ok;
}

/* ---------------------------------------------------------------- for the runtime */

typedef struct LockEntry {
    const char *version, *parent, *checksum;
} LockEntry;

static int cmp_lock(const void *x, const void *y)
{
    return migdir_version_cmp(((const LockEntry *)x)->version, ((const LockEntry *)y)->version);
}

/* The "version parent checksum" lines of a lock or cache file, sorted by version (others
 * skipped). Points into text, which it modifies. */
typedef struct Lines {
    LockEntry *e;
    size_t n;
} Lines;

static void parse_lines(char *text, Lines *out)
{
    size_t cap = 0;
    out->e = NULL;
    out->n = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *save = NULL;
        char *v = strtok_r(p, " ", &save), *par = v ? strtok_r(NULL, " ", &save) : NULL,
             *ck = par ? strtok_r(NULL, " ", &save) : NULL;
        if (ck && migdir_version_name(v)) {
            if (out->n == cap)
                out->e = xrealloc(out->e, (cap = cap ? 2 * cap : 64) * sizeof *out->e);
            out->e[out->n++] = (LockEntry){ v, strcmp(par, "-") ? par : NULL, ck };
        }
        p = nl ? nl + 1 : NULL;
    }
    /* the files are written in version order: sort only when one is not (edited by hand) */
    for (size_t i = 1; i < out->n; i++)
        if (cmp_lock(&out->e[i - 1], &out->e[i]) > 0) {
            qsort(out->e, out->n, sizeof *out->e, cmp_lock);
            break;
        }
}

/* The parent of version v with manifest checksum ck from lines (merge walk: *j advances);
 * false when lines has no entry with that checksum. */
static bool from_lines(const Lines *l, size_t *j, const char *v, const char *ck,
                       const char **parent)
{
    while (*j < l->n && migdir_version_cmp(l->e[*j].version, v) < 0)
        (*j)++;
    for (size_t k = *j; k < l->n && !strcmp(l->e[k].version, v); k++)
        if (ck && *ck && !strcmp(l->e[k].checksum, ck)) {
            *parent = l->e[k].parent;
            return true;
        }
    return false;
}

int history_verify(const char *migrations_root, const char *domain, const char *const *versions,
                   const char *const *checksums, size_t n, const char *cache_path, StrBuf *err)
{
    Arena a;
    arena_init(&a);
    History h = { domain, arena_printf(&a, "%s/%s", migrations_root, domain),
                  ARENA_ARRAY(&a, HistVersion, n + 1), n };
    /* parents from the lock file and from the runtime's cache, each line trusted only for the
     * manifest checksum it names */
    StrBuf lock = SB_INIT, cache = SB_INIT, path = SB_INIT, cpath = SB_INIT;
    sb_addf(&path, "%s.lock", h.dir);
    Lines ll = { NULL, 0 }, cl = { NULL, 0 };
    if (read_file(path.buf, &lock) == 0)
        parse_lines(lock.buf, &ll);
    if (cache_path) {
        sb_addf(&cpath, "%s.parents", cache_path);
        if (read_file(cpath.buf, &cache) == 0)
            parse_lines(cache.buf, &cl);
    }
    size_t jl = 0, jc = 0, nread = 0;
    for (size_t i = 0; i < n; i++) {
        HistVersion *v = &h.v[i];
        v->version = versions[i];
        const char *ck = checksums ? checksums[i] : NULL, *par = NULL;
        if (from_lines(&ll, &jl, v->version, ck, &par) ||
            from_lines(&cl, &jc, v->version, ck, &par)) {
            v->parent = par ? arena_strdup(&a, par) : NULL;
            continue;
        }
        read_manifest(&a, h.dir, v, false);
        nread++;
    }
    if (cache_path && nread) { /* rewrite the cache; failure costs speed only */
        StrBuf out = SB_INIT;
        for (size_t i = 0; i < n; i++)
            if (checksums && checksums[i] && *checksums[i])
                sb_addf(&out, "%s %s %s\n", h.v[i].version, h.v[i].parent ? h.v[i].parent : "-",
                        checksums[i]);
        file_replace(cpath.buf, sb_str(&out), out.len);
        sb_release(&out);
    }
    HistFork f = history_find_fork(&h);
    int rc = 0;
    if (f.kind != HIST_LINEAR) {
        /* the messages of the versions named (the lock does not hold them) */
        HistVersion tmp;
        size_t idx[2] = { f.a, f.b };
        for (int k = 0; k < 2; k++) {
            HistVersion *v = &h.v[idx[k]];
            if (v->message)
                continue;
            memset(&tmp, 0, sizeof tmp);
            tmp.version = v->version;
            read_manifest(&a, h.dir, &tmp, false);
            v->message = tmp.message;
            v->generated_at = tmp.generated_at;
        }
        history_fork_message(err, &h, &f);
        rc = -1;
    }
    free(ll.e);
    free(cl.e);
    sb_release(&lock);
    sb_release(&cache);
    sb_release(&cpath);
    sb_release(&path);
    arena_free(&a);
    return rc;
}

char **history_lock_checkpoints(const char *migrations_root, const char *domain)
{
    StrBuf path = SB_INIT, text = SB_INIT;
    sb_addf(&path, "%s/%s.lock", migrations_root, domain);
    char **out = NULL;
    if (read_file(path.buf, &text) == 0) {
        size_t n = 0, cap = 4;
        out = xmalloc(cap * sizeof *out);
        static const char suffix[] = "/" MIGDIR_CHECKPOINT " ";
        for (const char *p = sb_str(&text); *p;) {
            size_t len = strcspn(p, "\n"), vl = strspn(p, "0123456789");
            if (vl && vl + sizeof suffix - 1 <= len && !memcmp(p + vl, suffix, sizeof suffix - 1)) {
                if (n + 1 >= cap)
                    out = xrealloc(out, (cap *= 2) * sizeof *out);
                char *v = xmalloc(vl + 1);
                memcpy(v, p, vl);
                v[vl] = '\0';
                out[n++] = v;
            }
            p += len + (p[len] == '\n');
        }
        out[n] = NULL;
    }
    sb_release(&path);
    sb_release(&text);
    return out;
}
