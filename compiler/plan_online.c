/*
 * plan_online.c - the planner's online mode (plan.h, docs/online.md): a diffed plan rewritten
 * so that no change on an existing table holds a lock that blocks writers for longer than a
 * catalog update. Index builds and drops become CONCURRENTLY; FKs and CHECKs are added NOT
 * VALID and validated later; SET NOT NULL goes through a validated CHECK (col IS NOT NULL);
 * a UNIQUE or primary key is a unique index built concurrently, then attached. The online
 * forms go to constraints/online_up.sql in phases (the unique keys before the FKs that may
 * reference them). Changes on tables the plan creates keep their plain form (new tables are
 * empty and unused). Stage: Plan -> Plan (before emit_sql.c spells it).
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "strbuf.h"

/* ORDER PHASE: in constraints/online_up.sql. */
enum { PH_BUILD, PH_VALIDATE, PH_SWAP, PH_CLEANUP, PH_FK, PH_FK_VALIDATE, PH__COUNT };

typedef struct Out {
    PlanOp *v;
    size_t n, cap;
} Out;

static void push(Out *o, PlanOp op)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 16;
        o->v = xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n++] = op;
}

/* The online forms are spelled inside dollar-quoted DO blocks: a name holding the tag keeps
 * the plain form. */
static bool quotable(const PlanOp *op)
{
    const char *v[] = {op->table, op->name, op->column};
    for (size_t i = 0; i < ARRAY_LEN(v); i++)
        if (v[i] && strstr(v[i], PLAN_ONLINE_TAG))
            return false;
    return true;
}

/* A deterministic name for the CHECK (col IS NOT NULL) of table.col (63 bytes at most). */
static const char *nn_name(Arena *a, const char *table, const char *col)
{
    uint32_t h = 2166136261u;
    for (const char *s = table; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h = (h ^ '.') * 16777619u;
    for (const char *s = col; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return arena_printf(a, "strav_nn_%08x", (unsigned)h);
}

/* An Index for the unique key k of table (a Unique or the PrimaryKey): its columns in order. */
static const Index *key_index(Arena *a, const char *name, const char *const *cols, size_t ncols,
                              bool nulls_not_distinct)
{
    Index *ix = ARENA_NEW(a, Index);
    memset(ix, 0, sizeof *ix);
    ix->name = name;
    ix->unique = true;
    ix->nulls_not_distinct = nulls_not_distinct;
    IndexElem *el = ARENA_ARRAY(a, IndexElem, ncols + 1);
    for (size_t i = 0; i < ncols; i++) {
        memset(&el[i], 0, sizeof el[i]);
        el[i].column = cols[i];
    }
    ix->elems = el;
    ix->nelems = ncols;
    return ix;
}

static PlanOp online_op(const PlanOp *from, ChangeKind k)
{
    PlanOp r = *from;
    r.kind = k;
    r.sec = SEC_ONLINE;
    r.file_table = NULL;
    r.lock = LOCK_NONE;
    r.lock_table = NULL;
    r.flags = (from->flags & PF_DESTRUCTIVE) | PF_RETRY;
    return r;
}

void plan_online(Plan *p)
{
    Arena *a = p->a;
    Out keep = {0}, ph[PH__COUNT] = {{0}};
    for (size_t i = 0; i < p->nops; i++) {
        PlanOp op = p->ops[i];
        bool existing = !(op.flags & PF_NEW_TABLE) && quotable(&op);
        switch (existing ? op.kind : CH__COUNT) {
        case CH_ADD_INDEX:
        case CH_DROP_INDEX:
            op.flags |= PF_CONCURRENT | PF_RETRY;
            op.lock = LOCK_NONE;
            op.lock_table = NULL;
            push(&keep, op);
            break;
        case CH_ADD_FK: {
            PlanOp add = online_op(&op, CH_ADD_FK);
            add.flags |= PF_NOT_VALID;
            push(&ph[PH_FK], add);
            if (op.flags & PF_NOT_VALID)
                break; /* NOT VALID in the model: the author validates it later */
            PlanOp v = online_op(&op, CH_VALIDATE);
            v.what = arena_printf(a, "validate %s", op.what);
            push(&ph[PH_FK_VALIDATE], v);
            break;
        }
        case CH_ADD_CHECK: {
            PlanOp add = online_op(&op, CH_ADD_CHECK);
            add.flags |= PF_NOT_VALID;
            push(&ph[PH_BUILD], add);
            if (op.flags & PF_NOT_VALID)
                break; /* NOT VALID in the model (adopt2): stays so */
            PlanOp v = online_op(&op, CH_VALIDATE);
            v.what = arena_printf(a, "validate %s", op.what);
            push(&ph[PH_VALIDATE], v);
            break;
        }
        case CH_SET_NOT_NULL: {
            const char *nn = nn_name(a, op.table, op.column);
            PlanOp add = online_op(&op, CH_ADD_NN_CHECK);
            add.name = nn;
            add.what = arena_printf(a, "%s: check NOT VALID", op.what);
            push(&ph[PH_BUILD], add);
            PlanOp v = online_op(&op, CH_VALIDATE);
            v.name = nn;
            v.what = arena_printf(a, "%s: validate the check", op.what);
            push(&ph[PH_VALIDATE], v);
            push(&ph[PH_SWAP], online_op(&op, CH_SET_NOT_NULL));
            PlanOp d = online_op(&op, CH_DROP_NN_CHECK);
            d.name = nn;
            d.what = arena_printf(a, "%s: drop the check", op.what);
            push(&ph[PH_CLEANUP], d);
            break;
        }
        case CH_ADD_UNIQUE:
        case CH_ADD_PK: {
            const Index *ix;
            if (op.kind == CH_ADD_UNIQUE) {
                const Unique *u = op.new_obj;
                ix = key_index(a, u->name, u->cols, u->ncols, u->nulls_not_distinct);
            } else {
                const PrimaryKey *pk = op.new_obj;
                ix = key_index(a, pk->name, pk->cols, pk->ncols, false);
            }
            PlanOp b = online_op(&op, CH_ADD_INDEX);
            b.new_obj = ix;
            b.flags |= PF_CONCURRENT;
            b.what = arena_printf(a, "%s: build its index concurrently", op.what);
            push(&ph[PH_BUILD], b);
            PlanOp at = online_op(&op, CH_ATTACH_INDEX);
            at.to = op.kind == CH_ADD_PK ? "PRIMARY KEY" : "UNIQUE";
            push(&ph[PH_SWAP], at);
            break;
        }
        default:
            push(&keep, op);
            break;
        }
    }
    for (int k = 0; k < PH__COUNT; k++)
        for (size_t i = 0; i < ph[k].n; i++)
            push(&keep, ph[k].v[i]);
    p->nops = 0;
    for (size_t i = 0; i < keep.n; i++)
        plan_add(p, &keep.v[i]);
    for (int k = 0; k < PH__COUNT; k++)
        free(ph[k].v);
    free(keep.v);
    p->online = true;
    plan_finish(p);
}
