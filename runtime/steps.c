/*
 * steps.c - the steps of a migration in one direction (docs/runtime.md, "Steps and resume"):
 * each run of consecutive transactional files is one step, each statement of a
 * non-transactional file is one step of its own. The executor (apply.c) commits progress after
 * every step, so a run that stops resumes at the first unfinished one. Pure: reads the loaded
 * SQL of the files, nothing else.
 */
#include "runctx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sqlsplit.h"

/* Whether a statement starts with the keyword DO (after blanks and comments). */
static bool is_do_block(const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
            continue;
        }
        if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
            continue;
        }
        break;
    }
    return (s[0] == 'D' || s[0] == 'd') && (s[1] == 'O' || s[1] == 'o') &&
           !(isalnum((unsigned char)s[2]) || s[2] == '_' || s[2] == '$');
}

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
        const char *sql = files[k].sql ? files[k].sql : "";
        size_t *st;
        size_t m = sqlsplit_statements(sql, &st);
        size_t from = m ? st[0] : 0;
        for (size_t i = 0; i < m; i++) {
            /* a DO block guards the statement after it (drops an INVALID index a failed build
             * left): one step with it, so a retried step runs its guard again */
            if (i + 1 < m && is_do_block(sql + st[2 * i]))
                continue;
            if (ns == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            v[ns++] = (Step){ true, k, 1, from, st[2 * i + 1] };
            if (i + 1 < m)
                from = st[2 * i + 2];
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
