/*
 * plan.c - the Plan container (plan.h): ops appended by diff.c, grouped into files in the
 * directory's execution order by plan_finish.
 */
#include "plan.h"

#include <stdint.h>
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

/* objects (issue 14): extensions/ and objects/; types branch: types/ - in the order of Section */
static const char *const sec_dir[SEC__COUNT] = {"enums",       "extensions", "enums",   "types",
                                                "objects",     "indexes",    "constraints",
                                                "tables",      "constraints", "indexes",
                                                "objects",     "enums",      "types",
                                                "extensions"};
static const char *const sec_stem[SEC__COUNT] = {"add_values_", "", "", "", "drop_", "drop_",
                                                 "drop_", "", "", "", "", "drop_", "drop_",
                                                 "drop_"};

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Group the ops into files: one per section, one per table in SEC_TABLE (found through a hash
 * table on the table name: a linear search made a 10,000-table plan quadratic). */
void plan_finish(Plan *p)
{
    size_t cap = 0;
    size_t sec_file[SEC__COUNT];
    for (int s = 0; s < SEC__COUNT; s++)
        sec_file[s] = SIZE_MAX;
    size_t hcap = 16;
    while (hcap < 2 * p->nops)
        hcap *= 2;
    size_t *slot = xmalloc(hcap * sizeof *slot);
    for (size_t i = 0; i < hcap; i++)
        slot[i] = SIZE_MAX;
    for (int s = 0; s < SEC__COUNT; s++) {
        for (size_t i = 0; i < p->nops; i++) {
            const PlanOp *op = &p->ops[i];
            if ((int)op->sec != s)
                continue;
            size_t *where = &sec_file[s];
            if (s == SEC_TABLE) {
                size_t h = name_hash(op->table) & (hcap - 1);
                while (slot[h] != SIZE_MAX && strcmp(p->files[slot[h]].table, op->table))
                    h = (h + 1) & (hcap - 1);
                where = &slot[h];
            }
            if (*where == SIZE_MAX) {
                if (p->nfiles == cap) {
                    cap = cap ? 2 * cap : 16;
                    p->files = xrealloc(p->files, cap * sizeof *p->files);
                }
                PlanFile *f = &p->files[p->nfiles];
                *where = p->nfiles++;
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
                /* ADD VALUE cannot be used in the transaction that adds it: its own file, run
                 * outside the batch transaction, idempotent (IF NOT EXISTS) so a resumed run
                 * may repeat it */
                f->non_tx = s == SEC_ENUM_VALUES;
            }
            PlanFile *f = &p->files[*where];
            if (!(f->nops & (f->nops - 1))) /* 0, 1, 2, 4, ...: grow by doubling */
                f->ops = xrealloc(f->ops, (f->nops ? 2 * f->nops : 1) * sizeof *f->ops);
            f->ops[f->nops++] = i;
        }
    }
    free(slot);
}
