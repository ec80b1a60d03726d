/*
 * lsp_project.c - load the domain an open file belongs to for the LSP server (lsp_project.h):
 * list the folder's *.strav files (the project loader's listing, project.h), take open buffers
 * in place of disk contents, parse every file, run sema like project.c (public first when the
 * domain is another one).
 */
#include "lsp_project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "parse.h"
#include "project.h"
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
    bool is_public = !strcmp(p->domain, "public");
    size_t ndoms = 0;
    const char **doms = project_domains(&p->arena, schemas, &ndoms);
    if (!doms) {
        doms = ARENA_ARRAY(&p->arena, const char *, 2);
        doms[0] = p->domain;
        ndoms = 1;
    }
    bool ok = load_units(p, p->domain_dir, bufs, nbufs, &p->units, &p->nunits);
    const Model *pubm = NULL;
    if (!is_public && ok) {
        /* public is checked with its own Diag: its errors belong to its files, not these */
        char *pdir = xmalloc(strlen(schemas) + 8);
        sprintf(pdir, "%s/public", schemas);
        Diag saved = p->diag;
        diag_init(&p->diag);
        bool pok = load_units(p, pdir, bufs, nbufs, &p->pub, &p->npub);
        if (pok) {
            SemaInput in = { "public", unit_asts(&p->arena, p->pub, p->npub), p->npub, NULL,
                             doms, ndoms, NULL, 0 };
            pok = sema_domain(&p->pub_model, &p->arena, &in, &p->diag);
        }
        diag_release(&p->diag);
        p->diag = saved;
        pubm = pok ? &p->pub_model : NULL;
        ok = pok;
        if (!pok)
            diag_global(&p->diag, DIAG_ERROR,
                        "the public domain has errors; run 'stravc check' to see them");
        free(pdir);
    }
    if (ok) {
        SemaInput in = { p->domain, unit_asts(&p->arena, p->units, p->nunits), p->nunits, pubm,
                         doms, ndoms, NULL, 0 };
        sema_domain(&p->model, &p->arena, &in, &p->diag);
        p->checked = true;
    }
    free(schemas);
}

void lspp_release(LspProject *p)
{
    for (size_t i = 0; i < p->nunits; i++)
        source_free(p->units[i].src);
    for (size_t i = 0; i < p->npub; i++)
        source_free(p->pub[i].src);
    free(p->units);
    free(p->pub);
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
        if (strcmp(term->qual, "public") != 0)
            return NULL;
        if (!strcmp(p->domain, "public"))
            return find_in(&p->arena, p->units, p->nunits, key, want_enum);
        return find_in(&p->arena, p->pub, p->npub, key, want_enum);
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
