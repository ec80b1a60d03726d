/*
 * diff_objects.c - the plan ops of the SQL-bodied objects (model_objects.h), called by
 * diff_models (diff.c) once the table ops are in. Ordered by the dependency graph:
 *   1. an old object is "dirty" when it is gone or changed in the new model, when a table it
 *      reads loses a column or changes a column's type (or is dropped or renamed), or when an
 *      object it depends on is dirty (a view on a view, a trigger on its function);
 *   2. dirty objects are dropped in objects/drop_up.sql (before any table change), dependents
 *      first; the down re-creates them, dependencies first, after the tables are restored;
 *   3. new, changed and dirty-but-kept objects are created in objects/up.sql (after every
 *      table, constraint and index), dependencies first; the down drops them.
 * An enum rebuilt by the plan (a value removed, values reordered: enums/drop_up.sql, after the
 * tables) converts every column of that type, which PostgreSQL refuses while a view reads the
 * column: a table with such a column counts as changing (step 1), and the objects that read it,
 * and whatever depends on them, are created after the rebuild (in enums/drop_up.sql, after its
 * ops) instead of in objects/up.sql; the down then drops them before rebuilding the type back.
 * The down of an enum value addition rebuilds the type too (without the values), last of all:
 * the old model's objects that read its columns are dropped and re-created around that rebuild
 * inside the op (down_before, down_after).
 * Extensions have their own files (created first, dropped last). What cannot be ordered is
 * refused, naming the objects: a cycle between objects, or a table expression (check,
 * default, generated column, index) calling a function that is created in this migration.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "emit_objects.h"
#include "sqlquote.h"
#include "strbuf.h"

typedef struct OCtx {
    Arena *a;
    const Model *om, *nm;
    Plan *p;
    Diag *d;
    bool ok;
    StrBuf up, down, what;
    const char **rebuilt; /* the enums the plan rebuilds: old and new names */
    size_t nrebuilt;
} OCtx;

static const DbObject *find(const Model *m, const DbObject *key)
{
    return m->nobjects ? bsearch(key, m->objects, m->nobjects, sizeof(DbObject), dbo_cmp) : NULL;
}

static void op(OCtx *c, Section sec)
{
    plan_add_sql(c->p, sec, NULL, sb_str(&c->up), sb_str(&c->down), sb_str(&c->what));
    sb_reset(&c->up);
    sb_reset(&c->down);
    sb_reset(&c->what);
}

/* The enums the plan rebuilds (CH_ENUM_REBUILD ops, appended by diff_models before the
 * objects): both names, the old model's and the new. */
static void find_rebuilt(OCtx *c)
{
    for (size_t i = 0; i < c->p->nops; i++) {
        const PlanOp *op = &c->p->ops[i];
        if (op->kind != CH_ENUM_REBUILD)
            continue;
        if (!c->rebuilt)
            c->rebuilt = ARENA_ARRAY(c->a, const char *, 2 * c->p->nops + 2);
        const Enum *o = op->old_obj;
        c->rebuilt[c->nrebuilt++] = op->name;
        if (o && o->name)
            c->rebuilt[c->nrebuilt++] = o->name;
    }
}

/* Table t has a column of an enum type of this schema that the plan rebuilds. */
static bool has_rebuilt_enum(const OCtx *c, const Table *t)
{
    for (size_t i = 0; t && c->nrebuilt && i < t->ncolumns; i++) {
        const SqlType *ty = &t->columns[i].type;
        if (ty->kind != TY_ENUM || ty->enum_schema)
            continue;
        for (size_t k = 0; k < c->nrebuilt; k++)
            if (!strcmp(ty->enum_name, c->rebuilt[k]))
                return true;
    }
    return false;
}

/* A table of the old model that loses a column, changes a column's type (also through a
 * rebuild of its enum type), or is gone (dropped or renamed): whatever reads it must be dropped
 * first and re-created after. */
static bool table_affected(const OCtx *c, const char *name)
{
    const Table *o = model_find_table(c->om, name);
    if (!o)
        return false; /* not a table */
    const Table *n = model_find_table(c->nm, name);
    if (!n || has_rebuilt_enum(c, o))
        return true;
    for (size_t i = 0; i < o->ncolumns; i++) {
        const Column *nc = table_find_column(n, o->columns[i].name);
        if (!nc || !type_equal(&nc->type, &o->columns[i].type))
            return true;
    }
    return false;
}

/* The objects a dependency name stands for (views and functions with that name), found through
 * an index sorted by name: a linear search made 10,000 views quadratic. */
typedef struct NameIx {
    const char *name;
    size_t i;
} NameIx;

static int cmp_nameix(const void *a, const void *b)
{
    const NameIx *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

static NameIx *name_index(const Model *m, size_t *n)
{
    NameIx *ix = xcalloc(m->nobjects + 1, sizeof *ix);
    *n = 0;
    for (size_t i = 0; i < m->nobjects; i++)
        if (m->objects[i].kind == DBO_VIEW || m->objects[i].kind == DBO_FUNCTION)
            ix[(*n)++] = (NameIx){m->objects[i].name, i};
    qsort(ix, *n, sizeof *ix, cmp_nameix);
    return ix;
}

/* [*lo, *hi) of ix: the entries named name. */
static void named(const NameIx *ix, size_t n, const char *name, size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (strcmp(ix[mid].name, name) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (a < n && !strcmp(ix[a].name, name))
        a++;
    *hi = a;
}

/* Depth-first topological order of the objects of m marked in `in`, dependencies first.
 * Returns false on a cycle (the objects on it named through d). */
static bool visit(OCtx *c, const Model *m, const NameIx *ix, size_t nix, size_t i, size_t from,
                  uint8_t *state, const bool *in, size_t *order, size_t *n)
{
    if (state[i] == 2)
        return true;
    if (state[i] == 1) {
        StrBuf sa = SB_INIT, sb = SB_INIT;
        dbo_label(&sa, &m->objects[from]);
        dbo_label(&sb, &m->objects[i]);
        diag_global(c->d, DIAG_ERROR,
                    "cannot order %s and %s: they depend on each other (a cycle); break it",
                    sb_str(&sa), sb_str(&sb));
        sb_release(&sa);
        sb_release(&sb);
        return false;
    }
    state[i] = 1;
    const DbObject *o = &m->objects[i];
    for (size_t k = 0; k < o->ndeps; k++) {
        size_t lo, hi;
        named(ix, nix, o->deps[k], &lo, &hi);
        for (size_t e = lo; e < hi; e++) {
            size_t j = ix[e].i;
            if (j != i && in[j] && !visit(c, m, ix, nix, j, i, state, in, order, n))
                return false;
        }
    }
    state[i] = 2;
    order[(*n)++] = i;
    return true;
}

static size_t topo(OCtx *c, const Model *m, const bool *in, size_t *order)
{
    uint8_t *state = xcalloc(m->nobjects + 1, 1);
    size_t n = 0, nix = 0;
    NameIx *ix = name_index(m, &nix);
    for (size_t i = 0; i < m->nobjects && c->ok; i++)
        if (in[i] && !visit(c, m, ix, nix, i, i, state, in, order, &n))
            c->ok = false;
    free(ix);
    free(state);
    return n;
}

static void extensions(OCtx *c)
{
    for (size_t i = 0; i < c->om->nobjects; i++) {
        const DbObject *o = &c->om->objects[i];
        if (o->kind != DBO_EXTENSION)
            continue;
        const DbObject *n = find(c->nm, o);
        if (!n) {
            emit_object_drop(&c->up, o);
            emit_object_create(&c->down, o);
            sb_adds(&c->what, "drop extension ");
            sql_ident(&c->what, o->name);
            plan_destructive(c->p, sb_str(&c->what));
            op(c, SEC_EXTENSION_DROPS);
        } else if (o->version && n->version && strcmp(o->version, n->version)) {
            emit_extension_update(&c->up, n->name, n->version);
            emit_extension_update(&c->down, o->name, o->version);
            sb_addf(&c->what, "update extension ");
            sql_ident(&c->what, o->name);
            sb_addf(&c->what, " to %s", n->version);
            /* the down needs a downgrade script, which extensions rarely ship */
            plan_irreversible(c->p, sb_str(&c->what));
            op(c, SEC_EXTENSIONS);
        }
    }
    for (size_t i = 0; i < c->nm->nobjects; i++) {
        const DbObject *n = &c->nm->objects[i];
        if (n->kind != DBO_EXTENSION || find(c->om, n))
            continue;
        emit_object_create(&c->up, n);
        emit_object_drop(&c->down, n);
        sb_adds(&c->what, "create extension ");
        sql_ident(&c->what, n->name);
        op(c, SEC_EXTENSIONS);
    }
}

/* A table expression of the new model that calls a function created by this plan. */
static void refuse_table_uses(OCtx *c, const bool *create)
{
    for (size_t i = 0; i < c->nm->nobjects; i++) {
        const DbObject *f = &c->nm->objects[i];
        if (!create[i] || f->kind != DBO_FUNCTION)
            continue;
        const char *known[1] = {f->name};
        for (size_t t = 0; t < c->nm->ntables; t++) {
            const Table *tb = &c->nm->tables[t];
            const char *where = NULL;
            size_t n = 0;
            for (size_t k = 0; k < tb->nchecks && !where; k++)
                if (dbo_scan_names(c->a, tb->checks[k].expr, known, 1, NULL, &n), n)
                    where = "a check";
            for (size_t k = 0; k < tb->ncolumns && !where; k++) {
                const Column *col = &tb->columns[k];
                if (col->def.kind == DEF_EXPR &&
                    (dbo_scan_names(c->a, col->def.text, known, 1, NULL, &n), n))
                    where = "a default";
                else if (col->generated &&
                         (dbo_scan_names(c->a, col->generated, known, 1, NULL, &n), n))
                    where = "a generated column";
            }
            for (size_t k = 0; k < tb->nindexes && !where; k++) {
                const Index *ix = &tb->indexes[k];
                if (ix->where && (dbo_scan_names(c->a, ix->where, known, 1, NULL, &n), n))
                    where = "an index";
                for (size_t e = 0; e < ix->nelems && !where; e++)
                    if (ix->elems[e].expr &&
                        (dbo_scan_names(c->a, ix->elems[e].expr, known, 1, NULL, &n), n))
                        where = "an index";
            }
            if (where) {
                diag_global(c->d, DIAG_ERROR,
                            "cannot order function \"%s\": %s of table \"%s\" calls it, and "
                            "functions are created after tables; create the function in an "
                            "earlier migration without that use first",
                            f->name, where, tb->name);
                c->ok = false;
            }
        }
    }
}

/* For each enum value addition of the plan: the old model's views, triggers and policies on a
 * table with a column of that enum, and every object that depends on them, dropped (dependents
 * first) before the down's rebuild and created (dependencies first) after it. */
static void wrap_add_values_down(OCtx *c)
{
    const Model *m = c->om;
    size_t no = m->nobjects;
    for (size_t i = 0; c->ok && i < c->p->nops; i++) {
        PlanOp *op = &c->p->ops[i];
        if (op->kind != CH_ENUM_ADD_VALUES)
            continue;
        OCtx one = *c;
        const char *names[1] = { op->name };
        one.rebuilt = names;
        one.nrebuilt = 1;
        bool *in = xcalloc(no + 1, sizeof(bool));
        size_t nin = 0;
        for (size_t j = 0; j < no; j++) {
            const DbObject *o = &m->objects[j];
            if (o->kind != DBO_VIEW && o->kind != DBO_TRIGGER && o->kind != DBO_POLICY)
                continue;
            for (size_t k = 0; k < o->ndeps && !in[j]; k++)
                if (has_rebuilt_enum(&one, model_find_table(m, o->deps[k])))
                    in[j] = true, nin++;
        }
        if (nin) {
            size_t nix = 0;
            NameIx *ix = name_index(m, &nix);
            for (bool grew = true; grew;) { /* and their dependents */
                grew = false;
                for (size_t j = 0; j < no; j++) {
                    const DbObject *o = &m->objects[j];
                    for (size_t k = 0; o->kind != DBO_EXTENSION && !in[j] && k < o->ndeps; k++) {
                        size_t lo, hi;
                        named(ix, nix, o->deps[k], &lo, &hi);
                        for (size_t e = lo; e < hi && !in[j]; e++)
                            if (ix[e].i != j && in[ix[e].i])
                                in[j] = grew = true;
                    }
                }
            }
            free(ix);
            size_t *order = xcalloc(no + 1, sizeof(size_t));
            size_t n = topo(c, m, in, order);
            StrBuf before = SB_INIT, after = SB_INIT;
            for (size_t k = n; k-- > 0;)
                emit_object_drop(&before, &m->objects[order[k]]);
            for (size_t k = 0; k < n; k++)
                emit_object_create(&after, &m->objects[order[k]]);
            op->down_before = arena_strdup(c->a, sb_str(&before));
            op->down_after = arena_strdup(c->a, sb_str(&after));
            sb_release(&before);
            sb_release(&after);
            free(order);
        }
        free(in);
    }
}

static void what_label(OCtx *c, const char *verb, const DbObject *o, const char *why)
{
    sb_addf(&c->what, "%s ", verb);
    dbo_label(&c->what, o);
    if (why)
        sb_addf(&c->what, " (%s)", why);
}

bool diff_objects(const Model *old_m, const Model *new_m, Plan *p, Diag *d)
{
    OCtx c = {.a = p->a, .om = old_m, .nm = new_m, .p = p, .d = d, .ok = true};
    size_t no = old_m->nobjects, nn = new_m->nobjects;
    if (!no && !nn)
        return true;
    extensions(&c);
    find_rebuilt(&c);
    bool *dirty = xcalloc(no + 1, sizeof(bool));
    bool *create = xcalloc(nn + 1, sizeof(bool));
    const char **why = xcalloc(no + 1, sizeof(char *));
    for (size_t i = 0; i < no; i++) {
        const DbObject *o = &old_m->objects[i];
        if (o->kind == DBO_EXTENSION)
            continue;
        const DbObject *n = find(new_m, o);
        if (!n || !dbo_equal(o, n)) {
            dirty[i] = true;
            continue;
        }
        for (size_t k = 0; k < o->ndeps && !dirty[i]; k++)
            if (table_affected(&c, o->deps[k]) &&
                /* row level security reads no column: only its table's going matters */
                (o->kind != DBO_RLS || !model_find_table(new_m, o->deps[k]))) {
                dirty[i] = true;
                why[i] = arena_printf(c.a, "re-created: it depends on table \"%s\", which changes",
                                      o->deps[k]);
            }
    }
    { /* whatever depends on a dirty object is dirty too: a walk over the dependents */
        size_t nix = 0;
        NameIx *ix = name_index(old_m, &nix);
        size_t *first = xcalloc(no + 2, sizeof(size_t)), nedges = 0;
        for (int pass = 0; pass < 2; pass++) { /* count, then fill: dependents of each j */
            size_t *edge = pass ? xcalloc(nedges + 1, sizeof(size_t)) : NULL, *fill = NULL;
            if (pass) {
                for (size_t j = 1; j <= no + 1; j++)
                    first[j] += first[j - 1];
                fill = xcalloc(no + 1, sizeof(size_t));
            }
            for (size_t i = 0; i < no; i++) {
                const DbObject *o = &old_m->objects[i];
                for (size_t k = 0; o->kind != DBO_EXTENSION && k < o->ndeps; k++) {
                    size_t lo, hi;
                    named(ix, nix, o->deps[k], &lo, &hi);
                    for (size_t e = lo; e < hi; e++) {
                        size_t j = ix[e].i;
                        if (j == i)
                            continue;
                        if (!pass)
                            first[j + 1]++, nedges++;
                        else
                            edge[first[j] + fill[j]++] = i;
                    }
                }
            }
            if (!pass)
                continue;
            size_t *queue = xcalloc(no + 1, sizeof(size_t)), qh = 0, qt = 0;
            for (size_t j = 0; j < no; j++)
                if (dirty[j])
                    queue[qt++] = j;
            while (qh < qt) {
                size_t j = queue[qh++];
                for (size_t e = first[j]; e < first[j + 1]; e++) {
                    size_t i = edge[e];
                    if (dirty[i])
                        continue;
                    dirty[i] = true;
                    why[i] = arena_printf(c.a, "re-created: it depends on %s \"%s\", which changes",
                                          dbo_kind_name(old_m->objects[j].kind),
                                          old_m->objects[j].name);
                    queue[qt++] = i;
                }
            }
            free(queue);
            free(fill);
            free(edge);
        }
        free(first);
        free(ix);
    }
    for (size_t i = 0; i < nn; i++) {
        const DbObject *n = &new_m->objects[i];
        if (n->kind == DBO_EXTENSION)
            continue;
        const DbObject *o = find(old_m, n);
        create[i] = !o || dirty[o - old_m->objects];
    }
    refuse_table_uses(&c, create);
    size_t *order = xcalloc(no + nn + 1, sizeof(size_t));
    size_t ndrop = c.ok ? topo(&c, old_m, dirty, order) : 0;
    for (size_t k = ndrop; k-- > 0;) { /* dependents first */
        const DbObject *o = &old_m->objects[order[k]];
        emit_object_drop(&c.up, o);
        emit_object_create(&c.down, o);
        const DbObject *n = find(new_m, o);
        what_label(&c, "drop", o, why[order[k]] ? why[order[k]] : n ? "changed" : NULL);
        op(&c, SEC_OBJECT_DROPS);
    }
    size_t ncreate = c.ok ? topo(&c, new_m, create, order) : 0;
    /* late: reads a table with a rebuilt enum column, or an object that is late; created after
     * the rebuild (dependencies come first in the order, so theirs is known) */
    bool *late = xcalloc(nn + 1, sizeof(bool));
    size_t nix = 0;
    NameIx *ix = c.nrebuilt ? name_index(new_m, &nix) : NULL;
    for (size_t k = 0; k < ncreate; k++) { /* dependencies first */
        size_t i = order[k];
        const DbObject *n = &new_m->objects[i];
        for (size_t q = 0; ix && q < n->ndeps && !late[i]; q++) {
            late[i] = has_rebuilt_enum(&c, model_find_table(new_m, n->deps[q]));
            size_t lo, hi;
            named(ix, nix, n->deps[q], &lo, &hi);
            for (size_t e = lo; e < hi && !late[i]; e++)
                late[i] = ix[e].i != i && late[ix[e].i];
        }
        emit_object_create(&c.up, n);
        emit_object_drop(&c.down, n);
        const DbObject *o = find(old_m, n);
        what_label(&c, o ? "re-create" : "create", n, late[i] ? "after the enum rebuild" : NULL);
        op(&c, late[i] ? SEC_ENUM_DROPS : SEC_OBJECTS);
    }
    free(ix);
    free(late);
    wrap_add_values_down(&c);
    free(order);
    free(dirty);
    free(create);
    free(why);
    sb_release(&c.up);
    sb_release(&c.down);
    sb_release(&c.what);
    return c.ok;
}
