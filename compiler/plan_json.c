/*
 * plan_json.c - the plan's typed changes as JSON for `stravc diff --json` (its "ops" array,
 * documented in docs/plan-json.md): per op its kind, section and file, the objects it touches,
 * the table it locks and the lock level, its flags and its summary line. Stage: Plan -> JSON.
 */
#include "plan_json.h"

#include <stdlib.h>

#include "strbuf.h"

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

static const char *const sec_names[SEC__COUNT] = {
    "enum_values", "enums", "index_drops", "constraint_drops", "table", "constraints", "online",
    "indexes", "enum_drops",
};

json_t *plan_ops_json(const Plan *p)
{
    /* the file of each op, by index */
    const char **file = xcalloc(p->nops + 1, sizeof *file);
    for (size_t i = 0; i < p->nfiles; i++)
        for (size_t k = 0; k < p->files[i].nops; k++)
            file[p->files[i].ops[k]] = p->files[i].up_path;
    json_t *arr = json_array();
    for (size_t i = 0; i < p->nops; i++) {
        const PlanOp *op = &p->ops[i];
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(plan_kind_name(op->kind)));
        json_object_set_new(o, "section", json_string(sec_names[op->sec]));
        set_str(o, "file", file[i]);
        set_str(o, "table", op->table);
        set_str(o, "column", op->column);
        set_str(o, "name", op->name);
        set_str(o, "to", op->to);
        set_str(o, "value", op->value);
        if (op->lock != LOCK_NONE) {
            json_object_set_new(o, "lock", json_string(plan_lock_name(op->lock)));
            set_str(o, "lockTable", op->lock_table);
        }
        static const struct {
            unsigned bit;
            const char *name;
        } flags[] = {
            {PF_REWRITES, "rewritesTable"},   {PF_SCANS, "scansTable"},
            {PF_NON_TX, "nonTransactional"}, {PF_NEW_TABLE, "newTable"},
            {PF_CONCURRENT, "concurrent"},   {PF_NOT_VALID, "notValid"},
            {PF_DESTRUCTIVE, "destructive"}, {PF_RETRY, "retried"},
        };
        json_t *fl = json_array();
        for (size_t k = 0; k < ARRAY_LEN(flags); k++)
            if (op->flags & flags[k].bit)
                json_array_append_new(fl, json_string(flags[k].name));
        json_object_set_new(o, "flags", fl);
        if (op->kind == CH_ADD_COLUMN) {
            static const char *const forms[] = {"plain", "guarded", "backfill", "refused"};
            json_object_set_new(o, "form", json_string(forms[op->form]));
        }
        json_object_set_new(o, "what", json_string(op->what));
        json_array_append_new(arr, o);
    }
    free(file);
    return arr;
}
