/*
 * project.c - load a schemas folder into a Project (project.h): discover domain folders, read
 * every *.strav file of a domain in sorted path order, parse each (parse.h), then run sema per
 * domain in dependency order (project_order.h), each after the domains whose dom.X it uses. A *.strav
 * entry that is a symbolic link is followed only to a regular file inside the schemas folder;
 * any other non-regular entry is an error (never skipped).
 */
#include "project.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "project_order.h"
#include "sema.h"
#include "strbuf.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A *.strav entry that is not a regular file: a symbolic link is followed when it resolves to
 * a regular file inside the schemas folder (root: its real path); anything else is an error,
 * never skipped silently. Returns true when the entry is to be read. */
static bool strav_entry_ok(const char *path, const char *root, Diag *d)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        diag_global(d, DIAG_ERROR, "cannot read '%s': %s", path, strerror(errno));
        return false;
    }
    if (S_ISREG(st.st_mode))
        return true;
    if (!S_ISLNK(st.st_mode)) {
        diag_global(d, DIAG_ERROR, "'%s' is not a regular file (a schema file must be one)",
                    path);
        return false;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        diag_global(d, DIAG_ERROR, "'%s' is a symbolic link to nothing (%s)", path,
                    strerror(errno));
        return false;
    }
    size_t rl = root ? strlen(root) : 0;
    bool inside = root && !strncmp(real, root, rl) && real[rl] == '/';
    bool ok = false;
    if (!inside)
        diag_global(d, DIAG_ERROR,
                    "'%s' is a symbolic link to '%s', outside the schemas folder: copy the file "
                    "in, or link to one inside",
                    path, real);
    else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
        diag_global(d, DIAG_ERROR, "'%s' links to '%s', which is not a regular file", path, real);
    else
        ok = true;
    free(real);
    return ok;
}

/* Entries of dir that are directories (want_dirs) or *.strav files, sorted. For files, root is
 * the real path of the schemas folder and d gets the entries that cannot be read. */
static const char **
list_dir(Arena *a, const char *dir, bool want_dirs, const char *root, Diag *d, size_t *n)
{
    DIR *dp = opendir(dir);
    *n = 0;
    if (!dp)
        return NULL;
    size_t cap = 16;
    const char **v = xmalloc(cap * sizeof(*v));
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = arena_printf(a, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (want_dirs) {
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                continue;
        } else if (len < 7 || strcmp(e->d_name + len - 6, ".strav") ||
                   !strav_entry_ok(path, root, d)) {
            continue;
        }
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[(*n)++] = arena_strdup(a, e->d_name);
    }
    closedir(dp);
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_str);
    const char **r = ARENA_ARRAY(a, const char *, *n + 1);
    if (*n)
        memcpy(r, v, *n * sizeof(*v));
    free(v);
    return r;
}

const char **project_domains(Arena *a, const char *schemas_dir, size_t *n)
{
    size_t nd;
    const char **d = list_dir(a, schemas_dir, true, NULL, NULL, &nd);
    if (!d)
        return NULL;
    const char **r = ARENA_ARRAY(a, const char *, nd + 1);
    r[0] = "public";
    *n = 1;
    for (size_t i = 0; i < nd; i++)
        if (strcmp(d[i], "public"))
            r[(*n)++] = d[i];
    return r;
}

const char **project_domain_files(Arena *a, const char *schemas_dir, const char *domain, Diag *d,
                                  size_t *n)
{
    const char *ddir = arena_printf(a, "%s/%s", schemas_dir, domain);
    *n = 0;
    if (!is_dir(ddir))
        return NULL;
    char *root = realpath(schemas_dir, NULL);
    const char **names = list_dir(a, ddir, false, root, d, n);
    free(root);
    return names;
}

bool project_valid_domain_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Parse every file of one domain. Returns false when a syntax error (or an entry that cannot
 * be read) was reported. */
static bool load_domain(ProjectLoad *pl,
                        Arena *a,
                        const char *dir,
                        const char *domain,
                        AstFile ***files,
                        size_t *nfiles,
                        Diag *d)
{
    const char *ddir = arena_printf(a, "%s/%s", dir, domain);
    size_t n = 0;
    int before = diag_count_errors(d);
    const char **names = project_domain_files(a, dir, domain, d, &n);
    *files = ARENA_ARRAY(a, AstFile *, n + 1);
    *nfiles = 0;
    for (size_t i = 0; i < n; i++) {
        const char *path = arena_printf(a, "%s/%s", ddir, names[i]);
        Source *src = source_load(path);
        if (!src) {
            diag_global(d, DIAG_ERROR, "cannot read '%s': %s", path, strerror(errno));
            continue;
        }
        pl->sources = xrealloc(pl->sources, (pl->nsources + 1) * sizeof(*pl->sources));
        pl->sources[pl->nsources++] = src;
        (*files)[(*nfiles)++] = parse_file(a, src, d);
    }
    return diag_count_errors(d) == before;
}

/* project_load_wanted's loader for check_in_order: domain i's files from disk. */
typedef struct DomainLoader {
    ProjectLoad *out;
    Arena *a;
    const char *dir;
    const char *const *doms;
    AstFile ***files;
    size_t *nfiles;
    bool *bad;
    Diag *d;
} DomainLoader;

static AstFile *const *load_wanted_domain(void *ctx, size_t i, size_t *nfiles, bool *bad)
{
    DomainLoader *l = ctx;
    *bad = l->bad[i] = !load_domain(l->out, l->a, l->dir, l->doms[i], &l->files[i],
                                    &l->nfiles[i], l->d);
    *nfiles = l->nfiles[i];
    return l->files[i];
}

/* Parse the domains wanted (all, or only_domain and the domains it uses, transitively), order
 * them by use (project_order.h: a cycle is an error) and check each after the ones it uses,
 * with their models to resolve dom.Name. A domain whose files do not parse, or that uses one
 * that does not, is not checked (its own errors were reported). The Project holds the wanted
 * domains in that order (public first, then by name, unless a use says otherwise). */
static bool check_in_order(ProjectLoad *out,
                           Arena *a,
                           const char *dir,
                           const char *const *doms,
                           size_t nd,
                           const char *only_domain,
                           Diag *d)
{
    AstFile ***files = ARENA_ARRAY(a, AstFile **, nd + 1);
    size_t *nfiles = ARENA_ARRAY(a, size_t, nd + 1);
    bool *want = ARENA_ARRAY(a, bool, nd + 1);
    bool *bad = ARENA_ARRAY(a, bool, nd + 1), *have = ARENA_ARRAY(a, bool, nd + 1);
    bool *uses = ARENA_ARRAY(a, bool, nd * nd + 1);
    bool ok = true;
    size_t nwant = 0;
    for (size_t i = 0; i < nd; i++)
        want[i] = !only_domain || !strcmp(doms[i], only_domain);
    DomainLoader ld = { out, a, dir, doms, files, nfiles, bad, d };
    if (!project_load_wanted(doms, nd, want, uses, load_wanted_domain, &ld))
        ok = false;
    for (size_t i = 0; i < nd; i++)
        nwant += want[i];
    size_t *order = ARENA_ARRAY(a, size_t, nd + 1);
    size_t no = project_order(a, doms, nd, uses, want, order, d);
    if (no < nwant)
        ok = false;
    Model *models = ARENA_ARRAY(a, Model, nd + 1);
    const Model **others = ARENA_ARRAY(a, const Model *, nd + 1);
    Model *result = ARENA_ARRAY(a, Model, nd + 1);
    size_t nm = 0;
    for (size_t k = 0; k < no && !diag_full(d); k++) {
        size_t i = order[k], nothers = 0;
        bool deps_ok = !bad[i];
        for (size_t j = 0; j < nd && deps_ok; j++)
            if (uses[i * nd + j]) {
                deps_ok = have[j];
                others[nothers++] = &models[j];
            }
        if (!deps_ok)
            continue;
        SemaInput in = { doms[i], files[i], nfiles[i], NULL, doms, nd, others, nothers };
        if (!sema_domain(&models[i], a, &in, d))
            ok = false;
        have[i] = true; /* a model with errors is partial but safe to read */
        if (!only_domain || !strcmp(doms[i], only_domain))
            result[nm++] = models[i];
    }
    out->project.domains = result;
    out->project.ndomains = nm;
    return ok;
}

bool project_load(
    ProjectLoad *out, Arena *a, const char *schemas_dir, const char *only_domain, Diag *d)
{
    memset(out, 0, sizeof(*out));
    size_t dl = strlen(schemas_dir);
    while (dl > 1 && schemas_dir[dl - 1] == '/')
        dl--;
    schemas_dir = arena_strndup(a, schemas_dir, dl); /* "schemas/" reports as schemas/public/... */
    size_t nall;
    const char **all = project_domains(a, schemas_dir, &nall);
    if (!all) {
        diag_global(d, DIAG_ERROR, "cannot open schemas folder '%s': %s", schemas_dir,
                    strerror(errno));
        return false;
    }
    const char **doms = ARENA_ARRAY(a, const char *, nall);
    size_t nd = 0;
    bool ok = true;
    for (size_t i = 0; i < nall; i++) {
        if (project_valid_domain_name(all[i])) {
            doms[nd++] = all[i];
        } else {
            diag_global(d, DIAG_ERROR,
                        "invalid domain folder name '%s/%s': a domain name must match "
                        "^[a-z_][a-z0-9_]*$",
                        schemas_dir, all[i]);
            ok = false;
        }
    }
    if (only_domain) {
        bool found = false;
        for (size_t i = 0; i < nd; i++)
            found |= !strcmp(doms[i], only_domain);
        if (!found) {
            StrBuf sb = SB_INIT;
            for (size_t i = 0; i < nd; i++)
                sb_addf(&sb, "%s%s", i ? ", " : "", doms[i]);
            diag_global(d, DIAG_ERROR, "Invalid domain: %s. Available domains: %s", only_domain,
                        sb_str(&sb));
            sb_release(&sb);
            return false;
        }
    }
    if (!check_in_order(out, a, schemas_dir, doms, nd, only_domain, d))
        ok = false;
    return ok && diag_count_errors(d) == 0;
}

void project_release(ProjectLoad *pl)
{
    for (size_t i = 0; i < pl->nsources; i++)
        source_free(pl->sources[i]);
    free(pl->sources);
    pl->sources = NULL;
    pl->nsources = 0;
}

const Model *project_find(const Project *p, const char *domain)
{
    for (size_t i = 0; i < p->ndomains; i++)
        if (!strcmp(p->domains[i].domain, domain))
            return &p->domains[i];
    return NULL;
}
