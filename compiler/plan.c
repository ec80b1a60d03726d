/*
 * plan.c - the Plan container (plan.h): ops appended by diff.c, grouped into files in the
 * directory's execution order by plan_finish.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void plan_init(Plan *p, Arena *a)
{
    memset(p, 0, sizeof *p);
    p->a = a;
}

void plan_release(Plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i].ops);
    free(p->files);
    free(p->ops);
    free(p->destructive);
    free(p->irreversible);
    memset(p, 0, sizeof *p);
}

void plan_add(Plan *p, Section sec, const char *table, const char *up, const char *down,
              const char *what)
{
    if (p->nops == p->capops) {
        p->capops = p->capops ? 2 * p->capops : 64;
        p->ops = xrealloc(p->ops, p->capops * sizeof *p->ops);
    }
    p->ops[p->nops++] = (PlanOp){sec, table ? arena_strdup(p->a, table) : NULL,
                                 arena_strdup(p->a, up), arena_strdup(p->a, down),
                                 arena_strdup(p->a, what)};
}

static void push_str(Arena *a, const char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = arena_strdup(a, s);
}

void plan_destructive(Plan *p, const char *what)
{
    push_str(p->a, &p->destructive, &p->ndestructive, &p->capdestructive, what);
}

void plan_irreversible(Plan *p, const char *what)
{
    push_str(p->a, &p->irreversible, &p->nirreversible, &p->capirreversible, what);
}

bool plan_empty(const Plan *p)
{
    return p->nops == 0;
}

const char *plan_table_dir(Arena *a, const char *table)
{
    StrBuf sb = SB_INIT;
    for (const unsigned char *s = (const unsigned char *)table; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            *s == '_' || *s == '-')
            sb_addch(&sb, (char)*s);
        else
            sb_addf(&sb, "%%%02X", *s);
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

static const char *const sec_dir[SEC__COUNT] = {"enums", "indexes", "constraints", "tables",
                                                "constraints", "indexes", "enums"};
static const char *const sec_stem[SEC__COUNT] = {"", "drop_", "drop_", "", "", "", "drop_"};

void plan_finish(Plan *p)
{
    size_t cap = 0;
    for (int s = 0; s < SEC__COUNT; s++) {
        for (size_t i = 0; i < p->nops; i++) {
            const PlanOp *op = &p->ops[i];
            if ((int)op->sec != s)
                continue;
            PlanFile *f = NULL;
            /* table ops come grouped by table: look at the newest file first */
            if (p->nfiles && (int)p->files[p->nfiles - 1].sec == s &&
                (s != SEC_TABLE || !strcmp(p->files[p->nfiles - 1].table, op->table)))
                f = &p->files[p->nfiles - 1];
            for (size_t j = 0; !f && j < p->nfiles; j++)
                if ((int)p->files[j].sec == s &&
                    (s != SEC_TABLE || !strcmp(p->files[j].table, op->table)))
                    f = &p->files[j];
            if (!f) {
                if (p->nfiles == cap) {
                    cap = cap ? 2 * cap : 16;
                    p->files = xrealloc(p->files, cap * sizeof *p->files);
                }
                f = &p->files[p->nfiles++];
                memset(f, 0, sizeof *f);
                f->sec = (Section)s;
                if (s == SEC_TABLE) {
                    const char *dir = plan_table_dir(p->a, op->table);
                    f->table = op->table;
                    f->up_path = arena_printf(p->a, "tables/%s/up.sql", dir);
                    f->down_path = arena_printf(p->a, "tables/%s/down.sql", dir);
                } else {
                    f->up_path = arena_printf(p->a, "%s/%sup.sql", sec_dir[s], sec_stem[s]);
                    f->down_path = arena_printf(p->a, "%s/%sdown.sql", sec_dir[s], sec_stem[s]);
                }
                f->non_tx = s == SEC_ENUMS && p->enums_non_tx;
            }
            f->ops = xrealloc(f->ops, (f->nops + 1) * sizeof *f->ops);
            f->ops[f->nops++] = i;
        }
    }
}
