/*
 * lsp_project.c - load the domain an open file belongs to for the LSP server (lsp_project.h):
 * list the folder's *.strav files (the project loader's listing, project.h), take open buffers
 * in place of disk contents, parse every file, run sema like project.c (public and the domains
 * the domain uses first, in use order).
 */
#include "lsp_project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "parse.h"
#include "project.h"
#include "project_order.h"
#include "sema.h"
#include "strbuf.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *lspp_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    char *d = xmalloc((size_t)(slash - path) + 1);
    memcpy(d, path, (size_t)(slash - path));
    d[slash - path] = '\0';
    return d;
}

/* Paths of the folder's *.strav files plus the open buffers inside it, sorted, unique. The
 * files are the project loader's listing (project_domain_files: the same symbolic-link rule,
 * its errors into diag). */
static char **domain_paths(Arena *a, Diag *diag, const char *dir, const LspBuffer *bufs,
                           size_t nbufs, size_t *n)
{
    size_t cap = 16;
    char **v = xmalloc(cap * sizeof(*v));
    *n = 0;
    if (dir[0] == '/') { /* not a file: URI: its buffers only */
        char *schemas = lspp_dir_of(dir);
        const char *base = strrchr(dir, '/') + 1;
        size_t nf = 0;
        const char **names = project_domain_files(a, schemas, base, diag, &nf);
        for (size_t i = 0; i < nf; i++) {
            StrBuf sb = SB_INIT;
            sb_addf(&sb, "%s/%s", dir, names[i]);
            if (*n == cap)
                v = xrealloc(v, (cap *= 2) * sizeof(*v));
            v[(*n)++] = sb_detach(&sb);
        }
        free(schemas);
    }
    for (size_t i = 0; i < nbufs; i++) {
        char *d = lspp_dir_of(bufs[i].path);
        bool here = strcmp(d, dir) == 0;
        free(d);
        if (!here)
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[(*n)++] = xstrdup(bufs[i].path);
    }
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (k && !strcmp(v[k - 1], v[i]))
            free(v[i]);
        else
            v[k++] = v[i];
    }
    *n = k;
    return v;
}

/* Parse the files of dir into units. Returns false when a syntax error was reported. */
static bool load_units(LspProject *p,
                       const char *dir,
                       const LspBuffer *bufs,
                       size_t nbufs,
                       LspUnit **out,
                       size_t *nout)
{
    size_t n;
    char **paths = domain_paths(&p->arena, &p->diag, dir, bufs, nbufs, &n);
    *out = xcalloc(n ? n : 1, sizeof(**out));
    *nout = 0;
    int before = diag_count_errors(&p->diag);
    for (size_t i = 0; i < n; i++) {
        const LspBuffer *b = NULL;
        for (size_t j = 0; j < nbufs && !b; j++)
            if (!strcmp(bufs[j].path, paths[i]))
                b = &bufs[j];
        Source *src = b ? source_from_mem(paths[i], b->text, b->len) : source_load(paths[i]);
        if (!src) {
            diag_global(&p->diag, DIAG_ERROR, "cannot read '%s': %s", paths[i],
                        strerror(errno));
        } else {
            LspUnit *u = &(*out)[(*nout)++];
            u->src = src;
            u->open = b != NULL;
            u->ast = parse_file(&p->arena, src, &p->diag);
        }
        free(paths[i]);
    }
    free(paths);
    return diag_count_errors(&p->diag) == before;
}

static AstFile **unit_asts(Arena *a, const LspUnit *u, size_t n)
{
    AstFile **v = ARENA_ARRAY(a, AstFile *, n + 1);
    for (size_t i = 0; i < n; i++)
        v[i] = u[i].ast;
    return v;
}

/* The folder <schemas>/<dom>, malloc'd. */
static char *domain_dir_of(const char *schemas, const char *dom)
{
    char *d = xmalloc(strlen(schemas) + strlen(dom) + 2);
    sprintf(d, "%s/%s", schemas, dom);
    return d;
}

/* project_load_wanted's loader for lspp_load: domain i's files with the open buffers; another
 * domain's errors go to a Diag of its own (they belong to its files, not the ones open here). */
typedef struct LspLoader {
    LspProject *p;
    const char *schemas;
    const char *const *doms;
    const LspBuffer *bufs;
    size_t nbufs, self;
    LspUnit **units;
    size_t *nunits;
    bool *bad;
} LspLoader;

static AstFile *const *load_wanted_domain(void *ctx, size_t i, size_t *nfiles, bool *bad)
{
    LspLoader *l = ctx;
    LspProject *p = l->p;
    char *dir = i == l->self ? xstrdup(p->domain_dir) : domain_dir_of(l->schemas, l->doms[i]);
    Diag saved = p->diag;
    if (i != l->self)
        diag_init(&p->diag);
    *bad = l->bad[i] = !load_units(p, dir, l->bufs, l->nbufs, &l->units[i], &l->nunits[i]);
    if (i != l->self) {
        diag_release(&p->diag);
        p->diag = saved;
    }
    free(dir);
    *nfiles = l->nunits[i];
    return unit_asts(&p->arena, l->units[i], l->nunits[i]);
}

/* Load the analysed domain and the domains it needs the way project.c's check_in_order does:
 * parse the wanted domains (the analysed one, public beside a non-public one, and what each
 * uses, transitively: project_domain_uses), order them by use (project_order: a cycle is an
 * error), check each other domain after the ones it uses with a Diag of its own (its errors
 * belong to its files, not the ones open here: a domain with errors is one line here), and the
 * analysed domain last, with every checked other domain to resolve dom.Name. */
void lspp_load(LspProject *p, const char *path, const LspBuffer *bufs, size_t nbufs)
{
    memset(p, 0, sizeof(*p));
    arena_init(&p->arena);
    diag_init(&p->diag);
    p->diag.max_errors = 100;
    p->domain_dir = lspp_dir_of(path);
    char *schemas = lspp_dir_of(p->domain_dir);
    const char *base = strrchr(p->domain_dir, '/');
    p->domain = arena_strdup(&p->arena, base ? base + 1 : p->domain_dir);
    size_t nall = 0;
    const char **all = project_domains(&p->arena, schemas, &nall);
    /* the domain list, with the analysed domain (a folder not yet listed) and public in it */
    const char **doms = ARENA_ARRAY(&p->arena, const char *, nall + 3);
    size_t nd = 0, self = SIZE_MAX, pub = SIZE_MAX;
    for (size_t i = 0; all && i < nall; i++)
        doms[nd++] = all[i];
    for (size_t i = 0; i < nd; i++) {
        if (!strcmp(doms[i], p->domain))
            self = i;
        if (!strcmp(doms[i], "public"))
            pub = i;
    }
    if (self == SIZE_MAX)
        doms[self = nd++] = p->domain;
    if (!strcmp(p->domain, "public"))
        pub = self;
    else if (pub == SIZE_MAX)
        doms[pub = nd++] = "public";
    LspUnit **units = ARENA_ARRAY(&p->arena, LspUnit *, nd + 1);
    size_t *nunits = ARENA_ARRAY(&p->arena, size_t, nd + 1);
    bool *want = ARENA_ARRAY(&p->arena, bool, nd + 1);
    bool *bad = ARENA_ARRAY(&p->arena, bool, nd + 1), *have = ARENA_ARRAY(&p->arena, bool, nd + 1);
    bool *uses = ARENA_ARRAY(&p->arena, bool, nd * nd + 1);
    Model *models = ARENA_ARRAY(&p->arena, Model, nd + 1);
    want[self] = true;
    if (self != pub)
        want[pub] = true;
    LspLoader ld = { p, schemas, doms, bufs, nbufs, self, units, nunits, bad };
    project_load_wanted(doms, nd, want, uses, load_wanted_domain, &ld);
    size_t *order = ARENA_ARRAY(&p->arena, size_t, nd + 1);
    size_t no = project_order(&p->arena, doms, nd, uses, want, order, &p->diag);
    p->others = ARENA_ARRAY(&p->arena, LspOther, nd + 1);
    const Model **checked = ARENA_ARRAY(&p->arena, const Model *, nd + 1);
    size_t nchecked = 0;
    for (size_t k = 0; k < no; k++) {
        size_t i = order[k];
        if (i == self)
            continue;
        bool ok = !bad[i];
        for (size_t j = 0; j < nd && ok; j++)
            ok = !uses[i * nd + j] || have[j];
        if (ok) {
            Diag saved = p->diag;
            diag_init(&p->diag);
            const Model **mine = ARENA_ARRAY(&p->arena, const Model *, nd + 1);
            size_t nmine = 0;
            for (size_t j = 0; j < nd; j++)
                if (uses[i * nd + j])
                    mine[nmine++] = &models[j];
            SemaInput in = { doms[i], unit_asts(&p->arena, units[i], nunits[i]), nunits[i], NULL,
                             doms, nd, mine, nmine };
            ok = sema_domain(&models[i], &p->arena, &in, &p->diag) &&
                 !diag_count_errors(&p->diag);
            diag_release(&p->diag);
            p->diag = saved;
        }
        have[i] = ok;
        LspOther *o = &p->others[p->nothers++];
        *o = (LspOther){ doms[i], units[i], nunits[i], models[i], ok };
        if (i == pub) {
            p->pub = units[i];
            p->npub = nunits[i];
            p->pub_model = models[i];
        }
        if (ok)
            checked[nchecked++] = &models[i];
        else if (i == pub)
            diag_global(&p->diag, DIAG_ERROR,
                        "the public domain has errors; run 'stravc check' to see them");
        else if (uses[self * nd + i])
            diag_global(&p->diag, DIAG_ERROR,
                        "domain '%s' has errors; run 'stravc check' to see them", doms[i]);
    }
    /* the analysed domain: not in the order when it is in a cycle (reported above) */
    bool self_ordered = false;
    for (size_t k = 0; k < no; k++)
        self_ordered = self_ordered || order[k] == self;
    bool deps_ok = self_ordered && !bad[self] && (self == pub || have[pub]);
    for (size_t j = 0; j < nd && deps_ok; j++)
        deps_ok = !uses[self * nd + j] || have[j];
    if (deps_ok) {
        SemaInput in = { p->domain, unit_asts(&p->arena, units[self], nunits[self]),
                         nunits[self], NULL, doms, nd, checked, nchecked };
        sema_domain(&p->model, &p->arena, &in, &p->diag);
        p->checked = true;
    }
    p->units = units[self];
    p->nunits = nunits[self];
    free(schemas);
}

void lspp_release(LspProject *p)
{
    for (size_t i = 0; i < p->nunits; i++)
        source_free(p->units[i].src);
    for (size_t k = 0; k < p->nothers; k++) {
        for (size_t i = 0; i < p->others[k].nunits; i++)
            source_free(p->others[k].units[i].src);
        free(p->others[k].units);
    }
    free(p->units);
    free(p->domain_dir);
    diag_release(&p->diag);
    arena_free(&p->arena);
    memset(p, 0, sizeof(*p));
}

const LspUnit *lspp_unit(const LspProject *p, const char *path)
{
    for (size_t i = 0; i < p->nunits; i++)
        if (!strcmp(p->units[i].src->path, path))
            return &p->units[i];
    return NULL;
}

/* The SQL-side name of a written name: quoted ones verbatim, others snake_cased. */
static const char *key_of(Arena *a, const AstTerm *t)
{
    if (t->kind == TERM_QIDENT || (t->kind == TERM_QUALIFIED && t->text_quoted))
        return t->text;
    const char *s = name_snake(a, t->text);
    return s ? s : t->text;
}

static const AstDecl *find_in(Arena *a, const LspUnit *u, size_t n, const char *key,
                              bool want_enum)
{
    for (size_t i = 0; i < n; i++)
        for (const AstDecl *d = u[i].ast->decls; d; d = d->next) {
            /* a SQL domain or composite type (types branch) is found where enums are: in type
             * position; objects (issue 14) are neither */
            if (!d->name || (d->kind == DECL_DOMAIN && !d->base) ||
                (d->kind >= DECL_EXTENSION && d->kind <= DECL_RLS) ||
                (d->kind == DECL_ENUM || d->kind == DECL_TYPE || d->base) != want_enum)
                continue;
            if (!strcmp(key_of(a, d->name), key))
                return d;
        }
    return NULL;
}

const AstDecl *lspp_find_decl(LspProject *p, const AstTerm *term, bool want_enum)
{
    if (!term->text)
        return NULL;
    const char *key = key_of(&p->arena, term);
    if (term->kind == TERM_QUALIFIED) {
        if (!strcmp(term->qual, p->domain))
            return find_in(&p->arena, p->units, p->nunits, key, want_enum);
        for (size_t k = 0; k < p->nothers; k++)
            if (!strcmp(p->others[k].name, term->qual))
                return find_in(&p->arena, p->others[k].units, p->others[k].nunits, key,
                               want_enum);
        return NULL;
    }
    return find_in(&p->arena, p->units, p->nunits, key, want_enum);
}

const Table *lspp_table_of(const LspProject *p, const AstDecl *decl)
{
    if (!p->checked)
        return NULL;
    for (size_t i = 0; i < p->model.ntables; i++) {
        const Table *t = &p->model.tables[i];
        if (t->span.src == decl->span.src && t->span.off == decl->span.off)
            return t;
    }
    return NULL;
}
