/*
 * project_order.c - the domain dependency graph (project_order.h): scan the parsed files of a
 * domain for the domains it names (dom.Name where a type or a table is expected), then order
 * the domains so that each is checked after the ones it uses. A cycle between domains is an
 * error naming it: the runtime applies a domain's migrations after those of the domains it
 * uses and rolls back in reverse, which a cycle makes impossible to order.
 */
#include "project_order.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void mark(const AstTerm *t, const char *const *doms, size_t nd, size_t self, bool *uses)
{
    if (!t || t->kind != TERM_QUALIFIED || !t->qual)
        return;
    for (size_t j = 0; j < nd; j++)
        if (j != self && !strcmp(doms[j], t->qual))
            uses[j] = true;
}

static void mark_type(const AstType *ty, const char *const *doms, size_t nd, size_t self,
                      bool *uses)
{
    mark(ty->name, doms, nd, self, uses);
    for (const AstArg *g = ty->args; g; g = g->next) /* ref(dom.table) */
        for (const AstTerm *t = g->terms; t; t = t->next)
            mark(t, doms, nd, self, uses);
}

void project_domain_uses(AstFile *const *files, size_t nfiles, const char *const *doms,
                         size_t nd, size_t self, bool *uses)
{
    for (size_t f = 0; f < nfiles; f++) {
        if (!files[f])
            continue;
        for (const AstDecl *d = files[f]->decls; d; d = d->next) {
            for (const AstTerm *t = d->parents; t; t = t->next) /* of / between */
                mark(t, doms, nd, self, uses);
            for (const AstAs *as = d->as; as; as = as->next)
                mark(as->target, doms, nd, self, uses);
            for (const AstField *fl = d->fields; fl; fl = fl->next)
                mark_type(&fl->type, doms, nd, self, uses);
            if (d->base)
                mark_type(&d->base->type, doms, nd, self, uses);
            for (const AstAttr *at = d->attrs; at; at = at->next) {
                if (strcmp(at->name, "foreign"))
                    continue;
                for (const AstArg *g = at->args; g; g = g->next)
                    if (g->key && !strcmp(g->key, "references"))
                        for (const AstTerm *t = g->terms; t; t = t->next)
                            mark(t, doms, nd, self, uses);
            }
        }
    }
}

/* Report one cycle among the domains left (left[i]: not ordered, all of whose remaining
 * dependencies are left too): walk uses from the first one until a domain repeats. */
static void report_cycle(const char *const *doms, size_t nd, const bool *uses, const bool *left,
                         Diag *d)
{
    size_t *path = calloc(nd + 1, sizeof *path), np = 0, at = 0;
    while (at < nd && !left[at])
        at++;
    for (;;) {
        size_t k = 0;
        while (k < np && path[k] != at)
            k++;
        if (k < np) { /* path[k..np) is the cycle */
            StrBuf sb = SB_INIT;
            for (size_t i = k; i < np; i++)
                sb_addf(&sb, "%s -> ", doms[path[i]]);
            sb_adds(&sb, doms[at]);
            diag_global(d, DIAG_ERROR,
                        "the domains use each other in a cycle (%s): a domain may use another "
                        "only if that one does not use it back, directly or through others "
                        "(move the shared enums and tables into one domain)",
                        sb_str(&sb));
            sb_release(&sb);
            break;
        }
        path[np++] = at;
        size_t next = nd;
        for (size_t j = 0; j < nd && next == nd; j++)
            if (uses[at * nd + j] && left[j])
                next = j;
        if (next == nd)
            break; /* cannot happen: every left domain has a left dependency */
        at = next;
    }
    free(path);
}

size_t project_order(Arena *a, const char *const *doms, size_t nd, const bool *uses,
                     const bool *want, size_t *order, Diag *d)
{
    bool *done = ARENA_ARRAY(a, bool, nd + 1);
    size_t n = 0;
    for (bool progress = true; progress;) {
        progress = false;
        for (size_t i = 0; i < nd; i++) {
            if (!want[i] || done[i])
                continue;
            bool ready = true;
            for (size_t j = 0; j < nd && ready; j++)
                if (uses[i * nd + j] && want[j] && !done[j])
                    ready = false;
            if (ready) {
                done[i] = true;
                order[n++] = i;
                progress = true;
                break; /* restart: the earliest ready domain goes next */
            }
        }
    }
    bool any = false;
    bool *left = ARENA_ARRAY(a, bool, nd + 1);
    for (size_t i = 0; i < nd; i++)
        any |= left[i] = want[i] && !done[i];
    if (any) /* every left domain waits on another left one: walking them meets a cycle */
        report_cycle(doms, nd, uses, left, d);
    return n;
}

bool project_load_wanted(const char *const *doms, size_t nd, bool *want, bool *uses,
                         ProjectLoadDomain load, void *ctx)
{
    bool ok = true;
    bool *loaded = xcalloc(nd + 1, sizeof *loaded);
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < nd; i++) {
            if (!want[i] || loaded[i])
                continue;
            loaded[i] = true;
            size_t nfiles = 0;
            bool bad = false;
            AstFile *const *files = load(ctx, i, &nfiles, &bad);
            ok = ok && !bad;
            project_domain_uses(files, nfiles, doms, nd, i, &uses[i * nd]);
            for (size_t j = 0; j < nd; j++)
                if (uses[i * nd + j] && !want[j])
                    want[j] = more = true;
        }
    }
    free(loaded);
    return ok;
}
