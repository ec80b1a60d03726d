/*
 * steps.c - the steps of a migration in one direction (docs/runtime.md, "Steps and resume"):
 * each run of consecutive transactional files is one step, each statement of a
 * non-transactional file is one step of its own. The executor (apply.c) commits progress after
 * every step, so a run that stops resumes at the first unfinished one. Pure: reads the loaded
 * SQL of the files, nothing else.
 */
#include "runctx.h"

#include <stdlib.h>

#include "sqlsplit.h"

size_t steps_build(const MigFile *files, size_t n, Step **out)
{
    size_t cap = 8, ns = 0;
    Step *v = xmalloc(cap * sizeof *v);
    for (size_t k = 0; k < n; k++) {
        if (!files[k].nontx) {
            if (ns && !v[ns - 1].nontx && v[ns - 1].file + v[ns - 1].nfiles == k) {
                v[ns - 1].nfiles++;
                continue;
            }
            if (ns == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[ns++] = (Step){ false, k, 1, 0, 0 };
            continue;
        }
        size_t *st;
        size_t m = sqlsplit_statements(files[k].sql ? files[k].sql : "", &st);
        for (size_t i = 0; i < m; i++) {
            if (ns == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[ns++] = (Step){ true, k, 1, st[2 * i], st[2 * i + 1] };
        }
        free(st);
    }
    *out = v;
    return ns;
}

bool steps_any_nontx(const Migration *const *list, size_t n, bool down)
{
    for (size_t i = 0; i < n; i++) {
        const MigFile *f = down ? list[i]->down : list[i]->up;
        size_t nf = down ? list[i]->ndown : list[i]->nup;
        for (size_t k = 0; k < nf; k++)
            if (f[k].nontx)
                return true;
    }
    return false;
}
