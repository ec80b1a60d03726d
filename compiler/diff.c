/*
 * diff.c - old Model + new Model -> Plan (diff.h). Three steps:
 *   1. pair objects: by name, else through the new object's `was` hints (tables, columns,
 *      enums, enum values); an old object paired with nothing is dropped, a new one created;
 *   2. decide what changed, comparing old objects through the renames (an FK to a renamed
 *      table is unchanged; a column of a renamed enum type is unchanged);
 *   3. append typed changes (plan.h) in dependency order to the sections of plan.h; the
 *      emitter (emit_sql.c) spells them and their inverses, nothing here writes SQL.
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_types.h"
#include "emit_sql.h"
#include "emit_types.h"
#include "sqlquote.h"
#include "strbuf.h"

typedef struct TPair {
    const Table *o, *n; /* both set for a kept table; one NULL for a drop/create */
    const char **colmap; /* per old column: its new name, NULL when dropped */
    bool *typechg;       /* per new column: its type changes */
    bool any_typechg;    /* some typechg[j] */
    bool key_changed;    /* primary key or a unique dropped/changed: FKs to it are rebuilt */
    bool modified;
    bool same;           /* nothing of its own can change: same_table, and no enum renamed */
} TPair;

typedef struct Ctx {
    Arena *a;
    const Model *om, *nm;
    Plan *p;
    Diag *d;
    bool ok;
    TPair *pairs; /* kept and created tables in new order, then dropped tables */
    size_t npairs;
    TPair **by_old; /* per old table */
    TPair **by_new; /* per new table */
    const char **enum_new_name; /* per old enum: new name, NULL when dropped */
    StrBuf what;
} Ctx;

/* Pointer first: an old table taken from the new model (model_json_reuse) shares its strings. */
static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static bool name_eq(const char *a, const char *b)
{
    return a == b || !strcmp(a, b);
}

static size_t table_index(const Model *m, const Table *t)
{
    return (size_t)(t - m->tables);
}

static TPair *pair_of_old_name(Ctx *c, const char *old_table)
{
    const Table *t = model_find_table(c->om, old_table);
    return t ? c->by_old[table_index(c->om, t)] : NULL;
}

/* The name an old table of pair tp (NULL: unknown) has in the new model (itself when dropped
 * or unknown). */
static const char *new_name_of(const TPair *tp, const char *old_table)
{
    return tp && tp->n ? tp->n->name : old_table;
}

static const char *map_col(const TPair *tp, const char *old_col)
{
    if (!tp || !tp->o)
        return old_col;
    for (size_t i = 0; i < tp->o->ncolumns; i++) /* a reused table: the same string */
        if (tp->o->columns[i].name == old_col)
            return tp->colmap[i] ? tp->colmap[i] : "";
    for (size_t i = 0; i < tp->o->ncolumns; i++)
        if (!strcmp(tp->o->columns[i].name, old_col))
            return tp->colmap[i] ? tp->colmap[i] : "";
    return old_col;
}

static bool cols_equal(const TPair *tp, const char *const *oc, const char *const *nc, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!name_eq(map_col(tp, oc[i]), nc[i]))
            return false;
    return true;
}

static SqlType map_type(Ctx *c, const SqlType *t)
{
    SqlType r = *t;
    if (t->kind == TY_ENUM && !t->enum_schema) {
        const Enum *e = model_find_enum(c->om, t->enum_name);
        if (e && c->enum_new_name[e - c->om->enums])
            r.enum_name = c->enum_new_name[e - c->om->enums];
    }
    return r;
}

/* ---------------------------------------------------------------- op helpers */

/* Append the typed change o (its what: the text built in c->what) to section sec. */
static PlanOp *op(Ctx *c, Section sec, const char *file_table, PlanOp o)
{
    o.sec = sec;
    o.file_table = file_table;
    o.what = sb_str(&c->what);
    PlanOp *r = plan_add(c->p, &o);
    sb_reset(&c->what);
    return r;
}

static void what_obj(StrBuf *w, const char *verb, const char *table, const char *col)
{
    sb_adds(w, verb);
    sb_addch(w, ' ');
    sql_ident(w, table);
    if (col) {
        sb_addch(w, '.');
        sql_ident(w, col);
    }
}

/* The decision about adding a NOT NULL column without a value for existing rows (the SQL is
 * emit_sql.c's, in the form plan_add_column_form gives): a warning when the guard stops the
 * migration on a populated table, an error when the name cannot be guarded. */
static AddForm check_add_column(Ctx *c, const char *table, const Column *col)
{
    AddForm f = plan_add_column_form(table, col);
    if (f == ADD_REFUSED) {
        diag_at(c->d, DIAG_ERROR, col->span,
                "column '%s.%s' is added NOT NULL to an existing table without a default "
                "or @backfill",
                table, col->name);
        c->ok = false;
    } else if (f == ADD_GUARDED) {
        diag_at(c->d, DIAG_WARNING, col->span,
                "column '%s.%s' is added NOT NULL without a default or @backfill: the "
                "migration stops if the table has rows",
                table, col->name);
    }
    return f;
}

/* ---------------------------------------------------------------- pairing */

/* The old side of a kept table is the new table itself: model_json_reuse read its unchanged
 * text as the new model's table, so both share every string and array. Nothing of its own
 * changes then; only its foreign keys still depend on other tables (a target's key or a
 * referenced column's type may change), and its columns' types on enum renames (map_type),
 * which pair_tables rules out before it sets TPair.same. A table equal in content but not
 * shared is simply compared in full. */
static bool same_table(const Table *o, const Table *n)
{
    const PrimaryKey *a = &o->pk, *b = &n->pk;
    return o->name == n->name && o->comment == n->comment && o->columns == n->columns &&
           o->ncolumns == n->ncolumns && a->name == b->name && a->cols == b->cols &&
           a->ncols == b->ncols && a->deferral == b->deferral && a->comment == b->comment &&
           o->fks == n->fks && o->nfks == n->nfks && o->uniques == n->uniques &&
           o->nuniques == n->nuniques && o->checks == n->checks && o->nchecks == n->nchecks &&
           o->indexes == n->indexes && o->nindexes == n->nindexes &&
           o->partition_by == n->partition_by && o->partition_of == n->partition_of &&
           o->partition_bound == n->partition_bound && o->excludes == n->excludes &&
           o->nexcludes == n->nexcludes;
}

static void pair_tables(Ctx *c)
{
    const Model *om = c->om, *nm = c->nm;
    c->pairs = ARENA_ARRAY(c->a, TPair, om->ntables + nm->ntables + 1);
    c->by_old = ARENA_ARRAY(c->a, TPair *, om->ntables + 1);
    c->by_new = ARENA_ARRAY(c->a, TPair *, nm->ntables + 1);
    for (size_t i = 0; i < nm->ntables; i++) {
        const Table *n = &nm->tables[i];
        const Table *o = model_find_table(om, n->name);
        for (size_t h = 0; !o && h < n->nwas; h++) {
            const Table *cand = model_find_table(om, n->was[h]);
            if (cand && !model_find_table(nm, cand->name) && !c->by_old[table_index(om, cand)])
                o = cand;
        }
        TPair *tp = &c->pairs[c->npairs++];
        tp->n = n;
        tp->o = o;
        c->by_new[i] = tp;
        if (o)
            c->by_old[table_index(om, o)] = tp;
    }
    for (size_t i = 0; i < om->ntables; i++) {
        if (c->by_old[i])
            continue;
        TPair *tp = &c->pairs[c->npairs++];
        tp->o = &om->tables[i];
        c->by_old[i] = tp;
    }
    /* columns of kept tables */
    for (size_t i = 0; i < c->npairs; i++) {
        TPair *tp = &c->pairs[i];
        if (!tp->o || !tp->n)
            continue;
        tp->colmap = ARENA_ARRAY(c->a, const char *, tp->o->ncolumns + 1);
        tp->typechg = ARENA_ARRAY(c->a, bool, tp->n->ncolumns + 1);
        if (same_table(tp->o, tp->n)) { /* every column is itself */
            for (size_t j = 0; j < tp->n->ncolumns; j++)
                tp->colmap[j] = tp->n->columns[j].name;
            tp->same = true;
            continue;
        }
        for (size_t j = 0; j < tp->n->ncolumns; j++) {
            const Column *nc = &tp->n->columns[j];
            const Column *oc = table_find_column(tp->o, nc->name);
            for (size_t h = 0; !oc && h < nc->nwas; h++) {
                const Column *cand = table_find_column(tp->o, nc->was[h]);
                if (cand && !table_find_column(tp->n, cand->name) &&
                    !tp->colmap[cand - tp->o->columns])
                    oc = cand;
            }
            if (oc)
                tp->colmap[oc - tp->o->columns] = nc->name;
        }
    }
    /* enums */
    c->enum_new_name = ARENA_ARRAY(c->a, const char *, om->nenums + 1);
    for (size_t i = 0; i < nm->nenums; i++) {
        const Enum *n = &nm->enums[i];
        const Enum *o = model_find_enum(om, n->name);
        for (size_t h = 0; !o && h < n->nwas; h++) {
            const Enum *cand = model_find_enum(om, n->was[h]);
            if (cand && !model_find_enum(nm, cand->name) && !c->enum_new_name[cand - om->enums])
                o = cand;
        }
        if (o)
            c->enum_new_name[o - om->enums] = n->name;
    }
    /* an enum renamed changes the type of its old columns (map_type): compare them all */
    bool renamed = false;
    for (size_t i = 0; i < om->nenums && !renamed; i++)
        renamed = c->enum_new_name[i] && strcmp(c->enum_new_name[i], om->enums[i].name);
    for (size_t i = 0; renamed && i < c->npairs; i++)
        c->pairs[i].same = false;
}

static const Column *old_column_of(const TPair *tp, const char *new_col)
{
    for (size_t i = 0; i < tp->o->ncolumns; i++) /* a reused table: the same string */
        if (tp->colmap[i] == new_col)
            return &tp->o->columns[i];
    for (size_t i = 0; i < tp->o->ncolumns; i++)
        if (tp->colmap[i] && !strcmp(tp->colmap[i], new_col))
            return &tp->o->columns[i];
    return NULL;
}

/* ---------------------------------------------------------------- enums */

/* The columns of model m's tables of enum type enum_name (this schema): converted by a rebuild
 * of the type (the model describing the database at the time the statements run). */
static const EnumUse *enum_uses(Ctx *c, const Model *m, const char *enum_name, size_t *n)
{
    size_t cnt = 0;
    for (int pass = 0; pass < 2; pass++) {
        EnumUse *v = pass ? ARENA_ARRAY(c->a, EnumUse, cnt + 1) : NULL;
        size_t k = 0;
        for (size_t i = 0; i < m->ntables; i++) {
            const Table *t = &m->tables[i];
            for (size_t j = 0; j < t->ncolumns; j++) {
                const Column *col = &t->columns[j];
                if (col->type.kind != TY_ENUM || col->type.enum_schema ||
                    strcmp(col->type.enum_name, enum_name))
                    continue;
                if (v)
                    v[k] = (EnumUse){t->name, col};
                k++;
            }
        }
        cnt = k;
        if (v) {
            *n = cnt;
            return v;
        }
    }
    return NULL;
}

static const char *old_value_new_name(const Enum *o, size_t vi, const Enum *n)
{
    const char *v = o->values[vi].name;
    for (size_t i = 0; i < n->nvalues; i++)
        if (!strcmp(n->values[i].name, v))
            return v;
    for (size_t i = 0; i < n->nvalues; i++)
        for (size_t h = 0; h < n->values[i].nwas; h++)
            if (!strcmp(n->values[i].was[h], v)) {
                bool taken = false;
                for (size_t k = 0; k < o->nvalues; k++)
                    if (!strcmp(o->values[k].name, n->values[i].name))
                        taken = true;
                if (!taken)
                    return n->values[i].name;
            }
    return NULL;
}

static void diff_enums(Ctx *c)
{
    const Model *om = c->om, *nm = c->nm;
    for (size_t i = 0; i < nm->nenums; i++) {
        const Enum *n = &nm->enums[i];
        const Enum *o = NULL;
        for (size_t k = 0; k < om->nenums; k++)
            if (str_eq(c->enum_new_name[k], n->name))
                o = &om->enums[k];
        if (!o) {
            what_obj(&c->what, "create enum", n->name, NULL);
            op(c, SEC_ENUMS, NULL, (PlanOp){.kind = CH_CREATE_ENUM, .name = n->name, .new_obj = n});
            c->p->summary.enums_create++;
            continue;
        }
        bool modified = false;
        /* old values under their new names; NULL when removed */
        const char **mapped = ARENA_ARRAY(c->a, const char *, o->nvalues + 1);
        size_t nkept = 0;
        for (size_t k = 0; k < o->nvalues; k++)
            if ((mapped[k] = old_value_new_name(o, k, n)))
                nkept++;
        /* kept values in the same relative order in new? then only additions */
        bool subseq = nkept == o->nvalues;
        size_t pos = 0;
        for (size_t k = 0; subseq && k < o->nvalues; k++) {
            while (pos < n->nvalues && strcmp(n->values[pos].name, mapped[k]))
                pos++;
            if (pos == n->nvalues)
                subseq = false;
        }
        const char **oldnames = ARENA_ARRAY(c->a, const char *, o->nvalues + 1);
        for (size_t k = 0; k < o->nvalues; k++)
            oldnames[k] = o->values[k].name;
        if (subseq && n->nvalues > o->nvalues) {
            /* additions, positioned with BEFORE/AFTER and named as before the renames */
            EnumAdd *adds = ARENA_ARRAY(c->a, EnumAdd, n->nvalues + 1);
            size_t nadds = 0;
            for (size_t k = 0; k < n->nvalues; k++) {
                const char *v = n->values[k].name;
                bool is_old = false;
                for (size_t m = 0; m < o->nvalues; m++)
                    if (!strcmp(mapped[m], v))
                        is_old = true;
                if (is_old)
                    continue;
                /* IF NOT EXISTS: a resumed run may repeat the statement (docs/runtime.md);
                 * not when an old value of that name is renamed away after this file runs,
                 * where skipping would lose the value */
                bool clash = false;
                for (size_t q = 0; q < o->nvalues; q++)
                    if (!strcmp(o->values[q].name, v))
                        clash = true;
                /* anchor: previous value in new order, else the first old value after it */
                const char *anchor = NULL;
                bool after = k > 0;
                const char *ref = k > 0 ? n->values[k - 1].name : NULL;
                if (!ref) {
                    for (size_t m = 0; m < n->nvalues && !ref; m++)
                        for (size_t q = 0; q < o->nvalues; q++)
                            if (!strcmp(mapped[q], n->values[m].name))
                                ref = n->values[m].name;
                }
                if (ref) {
                    anchor = ref;
                    for (size_t q = 0; q < o->nvalues; q++)
                        if (!strcmp(mapped[q], ref))
                            anchor = o->values[q].name;
                }
                adds[nadds++] = (EnumAdd){v, anchor, after, !clash};
            }
            if (nadds) {
                modified = true;
                size_t nuses;
                const EnumUse *uses = enum_uses(c, om, o->name, &nuses);
                what_obj(&c->what, "add values to enum", n->name, NULL);
                op(c, SEC_ENUM_VALUES, NULL,
                   (PlanOp){.kind = CH_ENUM_ADD_VALUES, .name = o->name, .adds = adds,
                            .nadds = nadds, .old_values = oldnames, .nold_values = o->nvalues,
                            .enum_comment = o->comment, .uses = uses, .nuses = nuses,
                            .old_obj = o, .new_obj = n});
                c->p->enums_non_tx = true;
                StrBuf w = SB_INIT;
                what_obj(&w, "remove added values of enum", n->name, NULL);
                sb_adds(&w, " on down");
                plan_irreversible(c->p, sb_str(&w));
                sb_release(&w);
            }
        }
        for (size_t k = 0; k < o->nvalues; k++) {
            if (!mapped[k] || !strcmp(mapped[k], o->values[k].name))
                continue;
            sb_addf(&c->what, "rename value %s of enum ", o->values[k].name);
            sql_ident(&c->what, n->name);
            sb_addf(&c->what, " to %s", mapped[k]);
            op(c, SEC_ENUMS, NULL,
               (PlanOp){.kind = CH_ENUM_RENAME_VALUE, .name = o->name,
                        .value = o->values[k].name, .to = mapped[k]});
            modified = true;
        }
        if (strcmp(o->name, n->name)) {
            what_obj(&c->what, "rename enum", o->name, NULL);
            sb_adds(&c->what, " to ");
            sql_ident(&c->what, n->name);
            op(c, SEC_ENUMS, NULL, (PlanOp){.kind = CH_RENAME_ENUM, .name = o->name, .to = n->name});
            modified = true;
        }
        if (!str_eq(o->comment, n->comment)) {
            what_obj(&c->what, "comment on enum", n->name, NULL);
            op(c, SEC_ENUMS, NULL,
               (PlanOp){.kind = CH_COMMENT, .ctarget = CT_TYPE, .name = n->name,
                        .comment = n->comment, .old_comment = o->comment});
            modified = true;
        }
        if (!subseq) {
            /* values removed or reordered: rebuild the type after the tables changed */
            const char **newvals = ARENA_ARRAY(c->a, const char *, n->nvalues + 1);
            for (size_t k = 0; k < n->nvalues; k++)
                newvals[k] = n->values[k].name;
            const char **oldmapped = ARENA_ARRAY(c->a, const char *, o->nvalues + 1);
            size_t nom = 0;
            for (size_t k = 0; k < o->nvalues; k++)
                oldmapped[nom++] = mapped[k] ? mapped[k] : o->values[k].name;
            size_t nuses;
            const EnumUse *uses = enum_uses(c, nm, n->name, &nuses);
            what_obj(&c->what, "rebuild enum", n->name, NULL);
            PlanOp *rb = op(c, SEC_ENUM_DROPS, NULL,
                            (PlanOp){.kind = CH_ENUM_REBUILD, .name = n->name, .values = newvals,
                                     .nvalues = n->nvalues, .old_values = oldmapped,
                                     .nold_values = nom, .enum_comment = n->comment,
                                     .uses = uses, .nuses = nuses, .old_obj = o, .new_obj = n});
            for (size_t k = 0; k < o->nvalues; k++) {
                if (mapped[k])
                    continue;
                rb->flags |= PF_DESTRUCTIVE;
                StrBuf w = SB_INIT;
                sb_addf(&w, "remove value %s from enum ", o->values[k].name);
                sql_ident(&w, n->name);
                plan_destructive(c->p, sb_str(&w));
                plan_irreversible(c->p, sb_str(&w));
                sb_release(&w);
            }
            modified = true;
        }
        if (modified)
            c->p->summary.enums_modify++;
    }
    for (size_t k = 0; k < om->nenums; k++) {
        if (c->enum_new_name[k])
            continue;
        const Enum *o = &om->enums[k];
        what_obj(&c->what, "drop enum", o->name, NULL);
        op(c, SEC_ENUM_DROPS, NULL, (PlanOp){.kind = CH_DROP_ENUM, .name = o->name, .old_obj = o});
        c->p->summary.enums_drop++;
    }
}

/* ---------------------------------------------------------------- tables */

/* A column moving from one enum type to another (the enum renamed without a `was` hint, e.g.
 * an inline enum renamed with its field, or the column retyped): every old value must still
 * exist in the new enum, under its name or through a value `was` hint; otherwise the data
 * conversion loses values. Enums of other schemas are not in the models: not judged here. */
static bool enum_narrows(Ctx *c, const SqlType *o, const SqlType *n)
{
    if (o->enum_schema || n->enum_schema)
        return false;
    const Enum *oe = model_find_enum(c->om, o->enum_name);
    const Enum *ne = model_find_enum(c->nm, n->enum_name);
    if (!oe || !ne)
        return false;
    for (size_t k = 0; k < oe->nvalues; k++)
        if (!old_value_new_name(oe, k, ne))
            return true;
    return false;
}

/* o is the old column's type as written in the old model (not mapped through enum renames). */
static bool type_narrows(Ctx *c, const SqlType *o, const SqlType *n)
{
    /* types branch: a domain holds the values of its base type (its checks may refuse some,
     * which fails the migration rather than losing data) */
    const DomainType *od = model_type_domain(c->om, o), *nd = model_type_domain(c->nm, n);
    if (od || nd) {
        if (od && nd && !strcmp(od->name, nd->name))
            return false;
        return type_narrows(c, od ? &od->base : o, nd ? &nd->base : n);
    }
    if (o->ndims != n->ndims)
        return true;
    if (o->kind == TY_ENUM && n->kind == TY_ENUM)
        return enum_narrows(c, o, n);
    if (o->kind == n->kind) {
        switch (o->kind) {
        case TY_VARCHAR:
        case TY_VARBIT:
            return n->length >= 0 && (o->length < 0 || n->length < o->length);
        case TY_CHAR:
        case TY_BIT:
            return n->length != o->length;
        case TY_NUMERIC:
            if (n->precision < 0)
                return false;
            if (o->precision < 0)
                return true;
            return n->scale < o->scale || n->precision - n->scale < o->precision - o->scale;
        default:
            return n->precision >= 0 && (o->precision < 0 || n->precision < o->precision);
        }
    }
    static const TypeKind widen[][2] = {
        {TY_SMALLINT, TY_INTEGER}, {TY_SMALLINT, TY_BIGINT}, {TY_INTEGER, TY_BIGINT},
        {TY_SMALLINT, TY_NUMERIC}, {TY_INTEGER, TY_NUMERIC}, {TY_BIGINT, TY_NUMERIC},
        {TY_REAL, TY_DOUBLE},      {TY_VARCHAR, TY_TEXT},    {TY_CHAR, TY_TEXT},
        {TY_CHAR, TY_VARCHAR},     {TY_JSON, TY_JSONB},      {TY_TIMESTAMP, TY_TIMESTAMPTZ},
        {TY_SMALLINT, TY_TEXT},    {TY_INTEGER, TY_TEXT},    {TY_BIGINT, TY_TEXT},
        {TY_UUID, TY_TEXT},        {TY_ENUM, TY_TEXT},       {TY_VARCHAR, TY_VARCHAR},
    };
    for (size_t i = 0; i < ARRAY_LEN(widen); i++)
        if (o->kind == widen[i][0] && n->kind == widen[i][1])
            return n->kind == TY_NUMERIC && n->precision >= 0;
    return true;
}

/* Does PostgreSQL convert a column of type a to b (cast, I/O conversion from or to a string
 * type)? Only a guide for the warning: the server decides. */
static bool castable(const SqlType *a, const SqlType *b)
{
    static const int family[TY__COUNT] = {
        [TY_SMALLINT] = 1, [TY_INTEGER] = 1, [TY_BIGINT] = 1, [TY_SMALLSERIAL] = 1,
        [TY_SERIAL] = 1, [TY_BIGSERIAL] = 1, [TY_NUMERIC] = 1, [TY_REAL] = 1, [TY_DOUBLE] = 1,
        [TY_MONEY] = 1, [TY_VARCHAR] = 2, [TY_CHAR] = 2, [TY_TEXT] = 2, [TY_TIMESTAMP] = 3,
        [TY_TIMESTAMPTZ] = 3, [TY_DATE] = 3, [TY_TIME] = 4, [TY_TIMETZ] = 4, [TY_JSON] = 5,
        [TY_JSONB] = 5, [TY_INET] = 6, [TY_CIDR] = 6, [TY_BIT] = 7, [TY_VARBIT] = 7,
    };
    if (a->kind == b->kind || a->ndims != b->ndims)
        return a->kind == b->kind;
    if (a->kind == TY_OTHER || b->kind == TY_OTHER)
        return true; /* unknown: no warning */
    int fa = family[a->kind], fb = family[b->kind];
    return fa == 2 || fb == 2 || (fa && fa == fb) || a->kind == TY_ENUM || b->kind == TY_ENUM ||
           (a->kind == TY_TIMESTAMP && b->kind == TY_TIME) ||
           (a->kind == TY_TIMESTAMPTZ && b->kind == TY_TIMETZ) ||
           (a->kind == TY_INTEGER && b->kind == TY_BOOLEAN) ||
           (a->kind == TY_BOOLEAN && b->kind == TY_INTEGER);
}

static bool serial_kind(TypeKind k)
{
    return k == TY_SMALLSERIAL || k == TY_SERIAL || k == TY_BIGSERIAL;
}

static bool owns_sequence(const Column *c)
{
    return c->identity != IDENTITY_NONE || c->type.kind == TY_SMALLSERIAL ||
           c->type.kind == TY_SERIAL || c->type.kind == TY_BIGSERIAL;
}

/* PostgreSQL's name for the sequence of table.column, or NULL when it would be truncated. */
static char *seq_name(const char *table, const char *column)
{
    size_t n = strlen(table) + strlen(column) + 5;
    if (n > 63)
        return NULL;
    char *s = xmalloc(n + 1);
    snprintf(s, n + 1, "%s_%s_seq", table, column);
    return s;
}

/* Defaults compared through enum value renames: PostgreSQL stores an enum constant by its
 * value, so a renamed value's default follows the rename by itself. */
static bool default_equal_mapped(Ctx *c, const Column *oc, const Column *nc)
{
    if (default_equal(&oc->def, &nc->def))
        return true;
    if (oc->def.kind != DEF_STRING || nc->def.kind != DEF_STRING || oc->type.kind != TY_ENUM ||
        oc->type.enum_schema || nc->type.kind != TY_ENUM)
        return false;
    const Enum *oe = model_find_enum(c->om, oc->type.enum_name);
    const Enum *ne = model_find_enum(c->nm, nc->type.enum_name);
    if (!oe || !ne)
        return false;
    for (size_t k = 0; k < oe->nvalues; k++)
        if (!strcmp(oe->values[k].name, oc->def.text)) {
            const char *to = old_value_new_name(oe, k, ne);
            return to && !strcmp(to, nc->def.text);
        }
    return false;
}

/* Column changes of a kept table, into its file. */
/* An archetype's implicit timestamp (created_at, ...): not placed by the author, so a field
 * added before it is no surprise worth a warning. */
static bool implicit_stamp(const Table *t, const Column *col)
{
    return t->archetype != ARCH_TABLE &&
           (!strcmp(col->name, "created_at") || !strcmp(col->name, "updated_at") ||
            !strcmp(col->name, "deleted_at"));
}

/* A copy of column src in the arena, renamed and retyped. */
static const Column *col_as(Ctx *c, const Column *src, const char *name, const SqlType *type)
{
    Column *r = ARENA_NEW(c->a, Column);
    *r = *src;
    r->name = name;
    if (type)
        r->type = *type;
    return r;
}

static void diff_columns(Ctx *c, TPair *tp)
{
    const Table *o = tp->o, *n = tp->n;
    const char *tn = n->name;
    if (strcmp(o->name, n->name)) {
        what_obj(&c->what, "rename table", o->name, NULL);
        sb_adds(&c->what, " to ");
        sql_ident(&c->what, n->name);
        op(c, SEC_TABLE, tn,
           (PlanOp){.kind = CH_RENAME_TABLE, .table = o->name, .name = o->name, .to = n->name});
    }
    for (size_t i = 0; i < o->ncolumns; i++) {
        const char *to = tp->colmap[i];
        if (!to || !strcmp(to, o->columns[i].name))
            continue;
        what_obj(&c->what, "rename column", tn, o->columns[i].name);
        sb_adds(&c->what, " to ");
        sql_ident(&c->what, to);
        op(c, SEC_TABLE, tn,
           (PlanOp){.kind = CH_RENAME_COLUMN, .table = tn, .column = o->columns[i].name,
                    .name = o->columns[i].name, .to = to, .old_obj = &o->columns[i]});
    }
    /* a renamed table or column keeps its owned sequence's name: rename it as PostgreSQL
     * would have named it (<table>_<column>_seq when that fits in NAMEDATALEN - 1) */
    for (size_t i = 0; i < o->ncolumns; i++) {
        const Column *oc = &o->columns[i];
        const char *to = tp->colmap[i];
        if (!to || !owns_sequence(oc))
            continue;
        const Column *nc = table_find_column(n, to);
        if (!nc || !owns_sequence(nc))
            continue;
        char *from_seq = seq_name(o->name, oc->name), *to_seq = seq_name(n->name, to);
        if (from_seq && to_seq && strcmp(from_seq, to_seq)) {
            sb_adds(&c->what, "rename sequence ");
            sql_ident(&c->what, from_seq);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_RENAME_SEQUENCE, .table = tn, .column = to, .name = from_seq,
                        .to = to_seq});
        }
        free(from_seq);
        free(to_seq);
    }
    for (size_t i = 0; i < o->ncolumns; i++) {
        if (tp->colmap[i])
            continue;
        const Column *oc = &o->columns[i];
        for (size_t k = i + 1; k < o->ncolumns; k++) {
            if (!tp->colmap[k] || implicit_stamp(o, &o->columns[k]))
                continue;
            diag_at(c->d, DIAG_WARNING, oc->span,
                    "column '%s.%s' is dropped: rolling back re-adds it as the last column of "
                    "'%s', not before '%s'", tn, oc->name, tn, o->columns[k].name);
            break;
        }
        what_obj(&c->what, "drop column", tn, oc->name);
        plan_destructive(c->p, sb_str(&c->what));
        plan_irreversible(c->p, sb_str(&c->what));
        op(c, SEC_TABLE, tn,
           (PlanOp){.kind = CH_DROP_COLUMN, .table = tn, .column = oc->name, .old_obj = oc,
                    .form = plan_add_column_form(tn, oc), .flags = PF_DESTRUCTIVE});
    }
    for (size_t j = 0; j < n->ncolumns; j++) {
        const Column *nc = &n->columns[j];
        const Column *oc = old_column_of(tp, nc->name);
        if (!oc) {
            /* PostgreSQL appends an added column: say so when the model puts it elsewhere */
            for (size_t k = j + 1; k < n->ncolumns; k++) {
                if (!old_column_of(tp, n->columns[k].name) || implicit_stamp(n, &n->columns[k]))
                    continue;
                diag_at(c->d, DIAG_WARNING, nc->span,
                        "column '%s.%s' is declared before '%s', but PostgreSQL appends an added "
                        "column: it will be the last column of '%s' in the database",
                        tn, nc->name, n->columns[k].name, tn);
                break;
            }
            AddForm form = check_add_column(c, tn, nc);
            what_obj(&c->what, "add column", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_ADD_COLUMN, .table = tn, .column = nc->name, .new_obj = nc,
                        .form = form});
            continue;
        }
        if (!str_eq(oc->generated, nc->generated)) {
            /* PostgreSQL cannot change a generation expression: drop and add back */
            AddForm form = check_add_column(c, tn, nc);
            what_obj(&c->what, "re-create generated column", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_RECREATE_COLUMN, .table = tn, .column = nc->name,
                        .old_obj = col_as(c, oc, nc->name, NULL), .new_obj = nc, .form = form});
            continue;
        }
        SqlType ot = map_type(c, &oc->type);
        if (!type_equal(&ot, &nc->type)) {
            SqlType os = type_for_reference(&ot), ns = type_for_reference(&nc->type);
            if (!type_equal(&os, &ns)) {
                if (!nc->using_up && !castable(&os, &ns))
                    diag_at(c->d, DIAG_WARNING, nc->span,
                            "column '%s.%s' changes type from %s to %s: PostgreSQL may have no "
                            "cast for it; give the conversion with @using('expr'[, down: "
                            "'expr'])", tn, nc->name, type_kind_name(os.kind),
                            type_kind_name(ns.kind));
                what_obj(&c->what, "change type of", tn, nc->name);
                if (!default_equal(&oc->def, &nc->def))
                    sb_adds(&c->what, " (and its default)");
                sb_adds(&c->what, " from ");
                type_to_sql(&c->what, &oc->type);
                sb_adds(&c->what, " to ");
                type_to_sql(&c->what, &nc->type);
                unsigned fl = 0;
                if (type_narrows(c, &oc->type, &nc->type)) {
                    fl = PF_DESTRUCTIVE;
                    plan_destructive(c->p, sb_str(&c->what));
                    plan_irreversible(c->p, sb_str(&c->what));
                }
                op(c, SEC_TABLE, tn,
                   (PlanOp){.kind = CH_ALTER_TYPE, .table = tn, .column = nc->name,
                            .old_obj = col_as(c, oc, nc->name, &ot), .new_obj = nc,
                            .using_up = nc->using_up, .using_down = nc->using_down,
                            .flags = fl});
            }
        }
        /* adopt2: a collation changed alone (a type change carries it) */
        if (!str_eq(oc->collation, nc->collation) && !tp->typechg[j]) {
            Column *from = ARENA_NEW(c->a, Column);
            *from = *oc;
            from->name = nc->name;
            from->def.kind = DEF_NONE; /* the default stays as it is */
            what_obj(&c->what, "change the collation of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_ALTER_COLLATION, .table = tn, .column = nc->name,
                        .old_obj = from, .new_obj = nc});
        }
        /* adopt2: an identity removed, a serial made a plain integer: before the default */
        bool oser = serial_kind(oc->type.kind), nser = serial_kind(nc->type.kind);
        if (oc->identity != IDENTITY_NONE && nc->identity == IDENTITY_NONE) {
            what_obj(&c->what, "drop identity of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_DROP_IDENTITY, .table = tn, .column = nc->name,
                        .old_obj = oc, .new_obj = nc});
        }
        if (oser && !nser) {
            what_obj(&c->what, "drop the serial sequence of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_DROP_SERIAL, .table = tn, .column = nc->name,
                        .old_obj = col_as(c, oc, nc->name, NULL), .new_obj = nc});
        }
        if (!default_equal_mapped(c, oc, nc) && !tp->typechg[j]) {
            what_obj(&c->what, "change default of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = nc->def.kind == DEF_NONE ? CH_DROP_DEFAULT : CH_SET_DEFAULT,
                        .table = tn, .column = nc->name, .old_obj = oc, .new_obj = nc});
        }
        /* adopt2: a serial made, an identity added or changed, sequence options changed */
        bool null_done = false;
        if (!oser && nser) {
            what_obj(&c->what, "make serial", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_ADD_SERIAL, .table = tn, .column = nc->name, .old_obj = oc,
                        .new_obj = nc});
        } else if (oc->identity == IDENTITY_NONE && nc->identity != IDENTITY_NONE) {
            null_done = oc->nullable != nc->nullable; /* the identity's SET NOT NULL */
            what_obj(&c->what, "add identity to", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_ADD_IDENTITY, .table = tn, .column = nc->name,
                        .old_obj = oc, .new_obj = nc});
        } else if (oc->identity != nc->identity && nc->identity != IDENTITY_NONE) {
            what_obj(&c->what, "change identity of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_SET_IDENTITY, .table = tn, .column = nc->name,
                        .old_obj = oc, .new_obj = nc});
        }
        if (((oser && nser) || (oc->identity != IDENTITY_NONE && nc->identity != IDENTITY_NONE)) &&
            !seqopts_equal(&oc->seq, &nc->seq)) {
            what_obj(&c->what, "change the sequence options of", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_ALTER_COLUMN_SEQUENCE, .table = tn, .column = nc->name,
                        .old_obj = oc, .new_obj = nc});
        }
        if (oc->nullable != nc->nullable && !null_done) {
            what_obj(&c->what, nc->nullable ? "make nullable" : "make NOT NULL", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = nc->nullable ? CH_DROP_NOT_NULL : CH_SET_NOT_NULL, .table = tn,
                        .column = nc->name, .old_obj = oc, .new_obj = nc});
        }
        if (!str_eq(oc->comment, nc->comment)) {
            what_obj(&c->what, "comment on column", tn, nc->name);
            op(c, SEC_TABLE, tn,
               (PlanOp){.kind = CH_COMMENT, .ctarget = CT_COLUMN, .table = tn, .column = nc->name,
                        .comment = nc->comment, .old_comment = oc->comment});
        }
    }
    if (!str_eq(o->comment, n->comment)) {
        what_obj(&c->what, "comment on table", tn, NULL);
        op(c, SEC_TABLE, tn,
           (PlanOp){.kind = CH_COMMENT, .ctarget = CT_TABLE, .table = tn, .comment = n->comment,
                    .old_comment = o->comment});
    }
}

/* ---------------------------------------------------------------- constraints and indexes */

static bool index_equal(const TPair *tp, const Index *a, const Index *b)
{
    if (a->unique != b->unique || !str_eq(a->method, b->method) || a->nelems != b->nelems ||
        !str_eq(a->where, b->where) || a->nulls_not_distinct != b->nulls_not_distinct ||
        a->ninclude != b->ninclude)
        return false;
    for (size_t i = 0; i < a->ninclude; i++) /* adopt2: INCLUDE columns, through renames */
        if (strcmp(map_col(tp, a->include[i]), b->include[i]))
            return false;
    for (size_t i = 0; i < a->nelems; i++) {
        const IndexElem *x = &a->elems[i], *y = &b->elems[i];
        if (x->desc != y->desc || x->nulls != y->nulls || !str_eq(x->expr, y->expr) ||
            !str_eq(x->collation, y->collation) || !str_eq(x->opclass, y->opclass))
            return false;
        if (!x->column != !y->column || (x->column && !name_eq(map_col(tp, x->column), y->column)))
            return false;
    }
    return true;
}

static bool col_typechg(const TPair *tp, const char *new_col)
{
    if (!tp || !tp->n || !tp->o || !tp->any_typechg)
        return false;
    for (size_t j = 0; j < tp->n->ncolumns; j++)
        if (!strcmp(tp->n->columns[j].name, new_col))
            return tp->typechg[j];
    return false;
}

static bool fk_target_was(const ForeignKey *fk, const char *old_table)
{
    for (size_t i = 0; i < fk->nref_was; i++)
        if (!strcmp(fk->ref_was[i], old_table))
            return true;
    return false;
}

static bool fk_equal(Ctx *c, const TPair *tp, const ForeignKey *a, const ForeignKey *b)
{
    if (a->ncols != b->ncols || !str_eq(a->ref_schema, b->ref_schema) ||
        a->on_delete != b->on_delete || a->on_update != b->on_update ||
        a->match_full != b->match_full || a->deferral != b->deferral ||
        (b->not_valid && !a->not_valid)) /* adopt2: NOT VALID -> valid is a VALIDATE */
        return false;
    if (!cols_equal(tp, a->cols, b->cols, a->ncols))
        return false;
    if (a->ref_schema) /* a table of another domain renamed with @@was: PostgreSQL's key
                        * follows the rename, nothing to do here */
        return (!strcmp(a->ref_table, b->ref_table) || fk_target_was(b, a->ref_table)) &&
               cols_equal(NULL, a->ref_cols, b->ref_cols, a->ncols);
    TPair *rp = pair_of_old_name(c, a->ref_table);
    if (!name_eq(new_name_of(rp, a->ref_table), b->ref_table))
        return false;
    if (!cols_equal(rp, a->ref_cols, b->ref_cols, a->ncols))
        return false;
    /* rebuilt when the key it points at or a column's type changes */
    if (rp && rp->key_changed)
        return false;
    for (size_t i = 0; i < b->ncols; i++)
        if (col_typechg(tp, b->cols[i]) || (rp && col_typechg(rp, b->ref_cols[i])))
            return false;
    return true;
}

/* Names of tp's old constraints of one kind matched by name or rename; returns the partner of
 * old object i in new (index), or -1. Generic over the four lists through a compare callback. */
typedef bool (*EqFn)(Ctx *c, const TPair *tp, const void *o, const void *n);

static bool eq_unique(Ctx *c, const TPair *tp, const void *o, const void *n)
{
    (void)c;
    const Unique *a = o, *b = n;
    return a->ncols == b->ncols && a->nulls_not_distinct == b->nulls_not_distinct &&
           a->deferral == b->deferral && cols_equal(tp, a->cols, b->cols, a->ncols);
}
static bool eq_check(Ctx *c, const TPair *tp, const void *o, const void *n)
{
    (void)c;
    (void)tp;
    const Check *a = o, *b = n; /* adopt2: NOT VALID -> valid is a VALIDATE, not a change */
    return !strcmp(a->expr, b->expr) && a->no_inherit == b->no_inherit &&
           !(b->not_valid && !a->not_valid);
}
static bool eq_index(Ctx *c, const TPair *tp, const void *o, const void *n)
{
    (void)c;
    return index_equal(tp, o, n);
}
static bool eq_fk(Ctx *c, const TPair *tp, const void *o, const void *n)
{
    return fk_equal(c, tp, o, n);
}

typedef enum ObjKind { OK_UNIQUE, OK_CHECK, OK_INDEX, OK_FK } ObjKind;

/* adopt2: a check or foreign key marked NOT VALID */
static bool obj_not_valid(ObjKind k, const void *v)
{
    return k == OK_CHECK ? ((const Check *)v)->not_valid
                         : k == OK_FK ? ((const ForeignKey *)v)->not_valid : false;
}

static const char *obj_name(ObjKind k, const void *v)
{
    switch (k) {
    case OK_UNIQUE:
        return ((const Unique *)v)->name;
    case OK_CHECK:
        return ((const Check *)v)->name;
    case OK_INDEX:
        return ((const Index *)v)->name;
    case OK_FK:
        return ((const ForeignKey *)v)->name;
    }
    return NULL;
}

static const char *obj_comment(ObjKind k, const void *v)
{
    switch (k) {
    case OK_UNIQUE:
        return ((const Unique *)v)->comment;
    case OK_CHECK:
        return ((const Check *)v)->comment;
    case OK_INDEX:
        return ((const Index *)v)->comment;
    case OK_FK:
        return ((const ForeignKey *)v)->comment;
    }
    return NULL;
}

static const ChangeKind add_kind[] = {CH_ADD_UNIQUE, CH_ADD_CHECK, CH_ADD_INDEX, CH_ADD_FK};
static const ChangeKind drop_kind[] = {CH_DROP_UNIQUE, CH_DROP_CHECK, CH_DROP_INDEX, CH_DROP_FK};

static const char *const kind_word[] = {"unique", "check", "index", "foreign key"};

/* Match, rename, drop and add one kind of object of a kept table. drops=true: emit drops and
 * renames only; false: adds only. Returns whether anything of this kind was dropped. */
static bool diff_objs(Ctx *c, TPair *tp, ObjKind k, const void *ov, size_t on, const void *nv,
                      size_t nn, size_t size, EqFn eq, bool drops)
{
    const char *otn = tp->o->name, *tn = tp->n->name;
    Section drop_sec = k == OK_INDEX ? SEC_INDEX_DROPS : SEC_CONSTRAINT_DROPS;
    Section add_sec = k == OK_INDEX ? SEC_INDEXES : SEC_CONSTRAINTS;
    /* The common case, every object unchanged and in place: the matching below would pair
     * each old object with the new one at its index (the first untaken one of its name, the
     * earlier ones of that name being taken already) and emit nothing. */
    bool same = on == nn;
    for (size_t i = 0; same && i < on; i++) {
        const void *o = (const char *)ov + i * size, *n = (const char *)nv + i * size;
        same = name_eq(obj_name(k, o), obj_name(k, n)) && eq(c, tp, o, n) &&
               str_eq(obj_comment(k, o), obj_comment(k, n)) &&
               obj_not_valid(k, o) == obj_not_valid(k, n);
    }
    if (same)
        return false;
    int *partner = xcalloc(on + 1, sizeof(int));
    bool *ntaken = xcalloc(nn + 1, sizeof(bool));
    bool dropped = false;
    for (size_t i = 0; i < on; i++) {
        partner[i] = -1;
        const void *o = (const char *)ov + i * size;
        for (size_t j = 0; j < nn; j++) {
            const void *n = (const char *)nv + j * size;
            if (!ntaken[j] && !strcmp(obj_name(k, o), obj_name(k, n))) {
                if (eq(c, tp, o, n)) {
                    partner[i] = (int)j;
                    ntaken[j] = true;
                }
                break;
            }
        }
    }
    /* renames: an unmatched old equal to an unmatched new of another name */
    for (size_t i = 0; i < on; i++) {
        const void *o = (const char *)ov + i * size;
        for (size_t j = 0; partner[i] < 0 && j < nn; j++) {
            const void *n = (const char *)nv + j * size;
            bool name_used = false;
            for (size_t q = 0; q < on; q++)
                if (!strcmp(obj_name(k, (const char *)ov + q * size), obj_name(k, n)))
                    name_used = true;
            if (ntaken[j] || name_used || !eq(c, tp, o, n))
                continue;
            partner[i] = (int)j;
            ntaken[j] = true;
            if (drops) {
                sb_addf(&c->what, "rename %s ", kind_word[k]);
                sql_ident(&c->what, obj_name(k, o));
                sb_adds(&c->what, " to ");
                sql_ident(&c->what, obj_name(k, n));
                op(c, SEC_TABLE, tn,
                   (PlanOp){.kind = k == OK_INDEX ? CH_RENAME_INDEX : CH_RENAME_CONSTRAINT,
                            .table = tn, .name = obj_name(k, o), .to = obj_name(k, n),
                            .old_obj = o, .new_obj = n});
                tp->modified = true;
            }
        }
    }
    for (size_t i = 0; i < on; i++) {
        if (partner[i] >= 0)
            continue;
        dropped = true;
        if (!drops)
            continue;
        const void *o = (const char *)ov + i * size;
        sb_addf(&c->what, "drop %s ", kind_word[k]);
        sql_ident(&c->what, obj_name(k, o));
        op(c, drop_sec, NULL,
           (PlanOp){.kind = drop_kind[k], .table = otn, .name = obj_name(k, o), .old_obj = o});
        tp->modified = true;
    }
    /* a kept (or renamed) object whose comment changed: COMMENT ON, the down restores it */
    for (size_t i = 0; !drops && i < on; i++) {
        if (partner[i] < 0)
            continue;
        const void *o = (const char *)ov + i * size;
        const void *n = (const char *)nv + (size_t)partner[i] * size;
        if (obj_not_valid(k, o) && !obj_not_valid(k, n)) {
            /* adopt2: NOT VALID -> valid: VALIDATE; the down puts back the NOT VALID one */
            sb_addf(&c->what, "validate %s ", kind_word[k]);
            sql_ident(&c->what, obj_name(k, n));
            op(c, add_sec, NULL,
               (PlanOp){.kind = CH_VALIDATE, .table = tn, .name = obj_name(k, n),
                        .old_obj = o, .new_obj = n, .restore = o,
                        .restore_kind = k == OK_FK ? CH_ADD_FK : CH_ADD_CHECK});
            tp->modified = true;
        }
        if (str_eq(obj_comment(k, o), obj_comment(k, n)))
            continue;
        sb_addf(&c->what, "comment on %s ", kind_word[k]);
        sql_ident(&c->what, obj_name(k, n));
        op(c, add_sec, NULL,
           (PlanOp){.kind = CH_COMMENT, .ctarget = k == OK_INDEX ? CT_INDEX : CT_CONSTRAINT,
                    .table = k == OK_INDEX ? NULL : tn, .name = obj_name(k, n),
                    .comment = obj_comment(k, n), .old_comment = obj_comment(k, o),
                    .lock_table = tn});
        tp->modified = true;
    }
    for (size_t j = 0; !drops && j < nn; j++) {
        if (ntaken[j])
            continue;
        const void *n = (const char *)nv + j * size;
        sb_addf(&c->what, "add %s ", kind_word[k]);
        sql_ident(&c->what, obj_name(k, n));
        op(c, add_sec, NULL,
           (PlanOp){.kind = add_kind[k], .table = tn, .name = obj_name(k, n), .new_obj = n,
                    .flags = obj_not_valid(k, n) ? PF_NOT_VALID : 0});
        tp->modified = true;
    }
    free(partner);
    free(ntaken);
    return dropped;
}

static bool pk_equal(const TPair *tp)
{
    const PrimaryKey *a = &tp->o->pk, *b = &tp->n->pk;
    if (!a->name || !b->name)
        return !a->name && !b->name;
    return a->ncols == b->ncols && cols_equal(tp, a->cols, b->cols, a->ncols) &&
           a->deferral == b->deferral; /* adopt2 */
}

/* Drops (and renames) of a kept table's primary key: before the table changes. Old names are
 * used since drop sections run before the tables' renames. */
static void pk_drops(Ctx *c, TPair *tp)
{
    const PrimaryKey *a = &tp->o->pk, *b = &tp->n->pk;
    if (pk_equal(tp)) {
        if (a->name && strcmp(a->name, b->name)) {
            sb_adds(&c->what, "rename primary key ");
            sql_ident(&c->what, a->name);
            op(c, SEC_TABLE, tp->n->name,
               (PlanOp){.kind = CH_RENAME_CONSTRAINT, .table = tp->n->name, .name = a->name,
                        .to = b->name, .old_obj = a, .new_obj = b});
            tp->modified = true;
        }
        return;
    }
    tp->modified = true;
    if (a->name) {
        sb_adds(&c->what, "drop primary key ");
        sql_ident(&c->what, a->name);
        op(c, SEC_CONSTRAINT_DROPS, NULL,
           (PlanOp){.kind = CH_DROP_PK, .table = tp->o->name, .name = a->name, .old_obj = a});
    }
}

static void pk_adds(Ctx *c, TPair *tp)
{
    if (pk_equal(tp) && tp->n->pk.name && !str_eq(tp->o->pk.comment, tp->n->pk.comment)) {
        /* adopt2: a kept primary key's comment */
        sb_adds(&c->what, "comment on primary key ");
        sql_ident(&c->what, tp->n->pk.name);
        op(c, SEC_CONSTRAINTS, NULL,
           (PlanOp){.kind = CH_COMMENT, .ctarget = CT_CONSTRAINT, .table = tp->n->name,
                    .name = tp->n->pk.name, .comment = tp->n->pk.comment,
                    .old_comment = tp->o->pk.comment, .lock_table = tp->n->name});
        tp->modified = true;
    }
    if (pk_equal(tp) || !tp->n->pk.name)
        return;
    sb_adds(&c->what, "add primary key ");
    sql_ident(&c->what, tp->n->pk.name);
    op(c, SEC_CONSTRAINTS, NULL,
       (PlanOp){.kind = CH_ADD_PK, .table = tp->n->name, .name = tp->n->pk.name,
                .new_obj = &tp->n->pk});
}

/* ---------------------------------------------------------------- dependency order */

static void topo_visit(const Model *m, size_t i, uint8_t *state, const bool *in_set,
                       size_t *order, size_t *n)
{
    if (state[i])
        return;
    state[i] = 1;
    const Table *t = &m->tables[i];
    if (t->partition_of) { /* types branch: a partition after its parent */
        const Table *r = model_find_table(m, t->partition_of);
        if (r && in_set[r - m->tables])
            topo_visit(m, (size_t)(r - m->tables), state, in_set, order, n);
    }
    for (size_t k = 0; k < t->nfks; k++) {
        if (t->fks[k].ref_schema)
            continue;
        const Table *r = model_find_table(m, t->fks[k].ref_table);
        if (r && in_set[r - m->tables])
            topo_visit(m, (size_t)(r - m->tables), state, in_set, order, n);
    }
    order[(*n)++] = i;
}

/* Referenced tables first (cycles broken arbitrarily: FKs are added after all tables). */
static size_t topo_order(const Model *m, const bool *in_set, size_t *order)
{
    uint8_t *state = xcalloc(m->ntables + 1, 1);
    size_t n = 0;
    for (size_t i = 0; i < m->ntables; i++)
        if (in_set[i])
            topo_visit(m, i, state, in_set, order, &n);
    free(state);
    return n;
}

/* ---------------------------------------------------------------- driver */

static void create_table(Ctx *c, const Table *t)
{
    what_obj(&c->what, "create table", t->name, NULL);
    op(c, SEC_TABLE, t->name,
       (PlanOp){.kind = CH_CREATE_TABLE, .table = t->name, .new_obj = t, .flags = PF_NEW_TABLE});
}

static bool uniques_changed(Ctx *c, const TPair *tp)
{
    for (size_t i = 0; i < tp->o->nuniques; i++) {
        bool found = false;
        for (size_t j = 0; j < tp->n->nuniques && !found; j++)
            found = eq_unique(c, tp, &tp->o->uniques[i], &tp->n->uniques[j]);
        if (!found)
            return true;
    }
    return false;
}

/* Per kept column: does its type (through enum renames) or generation expression change? */
static void mark_type_changes(Ctx *c, TPair *tp)
{
    for (size_t j = 0; j < tp->n->ncolumns; j++) {
        const Column *nc = &tp->n->columns[j];
        const Column *oc = old_column_of(tp, nc->name);
        if (!oc)
            continue;
        SqlType ot = map_type(c, &oc->type);
        SqlType os = type_for_reference(&ot), ns = type_for_reference(&nc->type);
        tp->typechg[j] = !type_equal(&os, &ns) || !str_eq(oc->generated, nc->generated);
        tp->any_typechg = tp->any_typechg || tp->typechg[j];
    }
}

/* An FK of a dropped table that is not removed by DROP TABLE alone: its target is dropped too
 * (cycles) or its target key is rebuilt before the tables change. */
static bool fk_dropped_explicitly(Ctx *c, const ForeignKey *fk)
{
    TPair *rp = fk->ref_schema ? NULL : pair_of_old_name(c, fk->ref_table);
    return rp && (!rp->n || rp->key_changed);
}

/* adopt2: objects outside the model (@@depends) that a change would break or silently change:
 * a dropped table or column, a column whose type, collation or generation changes. PostgreSQL
 * refuses most of these at migrate time (or, with CASCADE, drops the object): refuse at
 * generate, naming the object, so the author deals with it first. */
static void check_outside_deps(Ctx *c)
{
    for (size_t k = 0; k < c->nm->ndeps; k++) {
        const OutsideDep *dep = &c->nm->deps[k];
        const Table *ot = model_find_table(c->om, dep->table);
        if (!ot)
            continue; /* not adopted yet: nothing of it changes */
        TPair *tp = c->by_old[table_index(c->om, ot)];
        const char *why = NULL;
        if (!tp->n) {
            why = "is dropped";
        } else if (dep->column) {
            for (size_t i = 0; i < ot->ncolumns; i++) {
                if (strcmp(ot->columns[i].name, dep->column))
                    continue;
                const char *to = tp->colmap[i];
                const Column *nc = to ? table_find_column(tp->n, to) : NULL;
                size_t j = nc ? (size_t)(nc - tp->n->columns) : 0;
                if (!nc)
                    why = "is dropped";
                else if (tp->typechg[j])
                    why = "changes type";
                else if (!str_eq(ot->columns[i].collation, nc->collation))
                    why = "changes collation";
                break;
            }
        }
        if (!why)
            continue;
        diag_at(c->d, DIAG_ERROR, dep->span,
                "%s '%s%s%s' %s, but %s (outside the model) depends on it: PostgreSQL would refuse "
                "the change or drop %s with it", dep->column ? "column" : "table", dep->table,
                dep->column ? "." : "", dep->column ? dep->column : "", why, dep->what, dep->what);
        diag_at(c->d, DIAG_NOTE, dep->span,
                "change or drop %s in the database first, then pull again (or remove this "
                "@@depends)", dep->what);
        c->ok = false;
    }
}

/* adopt2: standalone sequences (created with the enums, before the tables whose defaults use
 * them; dropped after the tables), an empty domain's schema and COMMENT ON SCHEMA. */
static void diff_sequences(Ctx *c)
{
    const Model *om = c->om, *nm = c->nm;
    for (size_t i = 0; i < nm->nsequences; i++) {
        const Sequence *ns = &nm->sequences[i], *os = model_find_sequence(om, ns->name);
        if (!os) {
            sb_adds(&c->what, "create sequence ");
            sql_ident(&c->what, ns->name);
            op(c, SEC_ENUMS, NULL,
               (PlanOp){.kind = CH_CREATE_SEQUENCE, .name = ns->name, .new_obj = ns});
            continue;
        }
        if (!seqopts_equal(&os->opts, &ns->opts)) {
            sb_adds(&c->what, "change sequence ");
            sql_ident(&c->what, ns->name);
            op(c, SEC_ENUMS, NULL,
               (PlanOp){.kind = CH_ALTER_SEQUENCE, .name = ns->name, .old_obj = os,
                        .new_obj = ns});
        }
        if (!str_eq(os->comment, ns->comment)) {
            sb_adds(&c->what, "comment on sequence ");
            sql_ident(&c->what, ns->name);
            op(c, SEC_ENUMS, NULL,
               (PlanOp){.kind = CH_COMMENT, .ctarget = CT_SEQUENCE, .name = ns->name,
                        .comment = ns->comment, .old_comment = os->comment});
        }
    }
    for (size_t i = 0; i < om->nsequences; i++) {
        const Sequence *os = &om->sequences[i];
        if (model_find_sequence(nm, os->name))
            continue;
        sb_adds(&c->what, "drop sequence ");
        sql_ident(&c->what, os->name);
        plan_destructive(c->p, sb_str(&c->what));
        op(c, SEC_ENUM_DROPS, NULL,
           (PlanOp){.kind = CH_DROP_SEQUENCE, .name = os->name, .old_obj = os,
                    .flags = PF_DESTRUCTIVE});
    }
    if (om->schema_absent && !nm->ntables && !nm->nenums && !nm->nsequences && !nm->per_tenant &&
        nm->schema && strcmp(nm->schema, "public")) {
        /* a domain with nothing in it yet: its first migration is what creates the schema (the
         * runtime makes it for the tracking table, and drops it again when that migration is
         * rolled back and nothing else is left in it) */
        sb_adds(&c->what, "create schema ");
        sql_ident(&c->what, nm->schema);
        op(c, SEC_ENUMS, NULL, (PlanOp){.kind = CH_CREATE_SCHEMA, .name = nm->schema});
    }
    if (!str_eq(om->comment, nm->comment)) {
        const char *schema = nm->schema ? nm->schema : "public";
        /* public's "no comment" is the one initdb gives it (introspection reads that as none) */
        const char *none = strcmp(schema, "public") ? NULL : "standard public schema";
        sb_adds(&c->what, "comment on schema ");
        sql_ident(&c->what, schema);
        op(c, SEC_ENUMS, NULL,
           (PlanOp){.kind = CH_COMMENT, .ctarget = CT_SCHEMA, .name = schema,
                    .comment = nm->comment ? nm->comment : none,
                    .old_comment = om->comment ? om->comment : none});
    }
}

bool diff_models(const Model *old_m, const Model *new_m, Plan *p, Diag *d)
{
    Ctx c = {.a = p->a, .om = old_m, .nm = new_m, .p = p, .d = d, .ok = true};
    size_t nold = old_m->ntables, nnew = new_m->ntables;
    pair_tables(&c);
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (!tp->o || tp->same)
            continue;
        mark_type_changes(&c, tp);
        if (!pk_equal(tp) || uniques_changed(&c, tp))
            tp->key_changed = true;
    }
    diff_enums(&c);
    diff_sequences(&c);     /* adopt2 */
    check_outside_deps(&c); /* adopt2 */
    if (!diff_dtypes(old_m, new_m, p, d)) /* types branch: SQL domains */
        c.ok = false;

    bool *in_set = xcalloc(nold + nnew + 1, sizeof(bool));
    size_t *order = xcalloc(nold + nnew + 1, sizeof(size_t));
    /* dropped tables, referencing first; the inverse re-creates indexes and FKs too */
    for (size_t i = 0; i < nold; i++)
        in_set[i] = !c.by_old[i]->n;
    size_t ndrop = topo_order(old_m, in_set, order);
    for (size_t k = ndrop; k-- > 0;) {
        const Table *t = &old_m->tables[order[k]];
        bool *keep = ARENA_ARRAY(c.a, bool, t->nfks + 1);
        for (size_t i = 0; i < t->nfks; i++)
            keep[i] = !fk_dropped_explicitly(&c, &t->fks[i]);
        what_obj(&c.what, "drop table", t->name, NULL);
        plan_destructive(p, sb_str(&c.what));
        plan_irreversible(p, sb_str(&c.what));
        op(&c, SEC_TABLE, t->name,
           (PlanOp){.kind = CH_DROP_TABLE, .table = t->name, .old_obj = t, .fk_keep = keep,
                    .flags = PF_DESTRUCTIVE});
        p->summary.tables_drop++;
    }
    /* kept tables: column changes, into their files */
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (tp->o && !tp->same) {
            size_t before = p->nops;
            if (!diff_partition(tp->o, tp->n, p, d)) /* types branch */
                c.ok = false;
            diff_columns(&c, tp);
            tp->modified = p->nops > before;
        }
    }
    /* drops, dependents first: indexes; FKs; checks; uniques; primary keys */
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (tp->o && !tp->same)
            diff_objs(&c, tp, OK_INDEX, tp->o->indexes, tp->o->nindexes, tp->n->indexes,
                      tp->n->nindexes, sizeof(Index), eq_index, true);
    }
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (tp->o)
            diff_objs(&c, tp, OK_FK, tp->o->fks, tp->o->nfks, tp->n->fks, tp->n->nfks,
                      sizeof(ForeignKey), eq_fk, true);
    }
    for (size_t k = ndrop; k-- > 0;) {
        const Table *t = &old_m->tables[order[k]];
        for (size_t i = 0; i < t->nfks; i++) {
            const ForeignKey *fk = &t->fks[i];
            if (!fk_dropped_explicitly(&c, fk))
                continue;
            sb_adds(&c.what, "drop foreign key ");
            sql_ident(&c.what, fk->name);
            op(&c, SEC_CONSTRAINT_DROPS, NULL,
               (PlanOp){.kind = CH_DROP_FK, .table = t->name, .name = fk->name, .old_obj = fk});
        }
    }
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (!tp->o || tp->same)
            continue;
        diff_objs(&c, tp, OK_CHECK, tp->o->checks, tp->o->nchecks, tp->n->checks, tp->n->nchecks,
                  sizeof(Check), eq_check, true);
        diff_objs(&c, tp, OK_UNIQUE, tp->o->uniques, tp->o->nuniques, tp->n->uniques,
                  tp->n->nuniques, sizeof(Unique), eq_unique, true);
        diff_excludes(tp->o, tp->n, p, true); /* types branch */
        pk_drops(&c, tp);
    }
    /* created tables, referenced first */
    memset(in_set, 0, (nold + nnew + 1) * sizeof(bool));
    for (size_t i = 0; i < nnew; i++)
        in_set[i] = !c.by_new[i]->o;
    size_t ncreate = topo_order(new_m, in_set, order);
    for (size_t k = 0; k < ncreate; k++) {
        create_table(&c, &new_m->tables[order[k]]);
        p->summary.tables_create++;
    }
    /* adds: keys, checks, then FKs (all tables and keys exist), then indexes */
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (!tp->o) {
            for (size_t k = 0; k < tp->n->nuniques; k++) {
                sb_adds(&c.what, "add unique ");
                sql_ident(&c.what, tp->n->uniques[k].name);
                op(&c, SEC_CONSTRAINTS, NULL,
                   (PlanOp){.kind = CH_ADD_UNIQUE, .table = tp->n->name,
                            .name = tp->n->uniques[k].name, .new_obj = &tp->n->uniques[k],
                            .flags = PF_NEW_TABLE});
            }
            diff_excludes(NULL, tp->n, p, false); /* types branch */
            continue;
        }
        if (tp->same)
            continue;
        pk_adds(&c, tp);
        diff_excludes(tp->o, tp->n, p, false); /* types branch */
        diff_objs(&c, tp, OK_UNIQUE, tp->o->uniques, tp->o->nuniques, tp->n->uniques,
                  tp->n->nuniques, sizeof(Unique), eq_unique, false);
        diff_objs(&c, tp, OK_CHECK, tp->o->checks, tp->o->nchecks, tp->n->checks, tp->n->nchecks,
                  sizeof(Check), eq_check, false);
    }
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (tp->o) {
            diff_objs(&c, tp, OK_FK, tp->o->fks, tp->o->nfks, tp->n->fks, tp->n->nfks,
                      sizeof(ForeignKey), eq_fk, false);
            continue;
        }
        for (size_t k = 0; k < tp->n->nfks; k++) {
            sb_adds(&c.what, "add foreign key ");
            sql_ident(&c.what, tp->n->fks[k].name);
            op(&c, SEC_CONSTRAINTS, NULL,
               (PlanOp){.kind = CH_ADD_FK, .table = tp->n->name, .name = tp->n->fks[k].name,
                        .new_obj = &tp->n->fks[k], .flags = PF_NEW_TABLE});
        }
    }
    for (size_t i = 0; i < nnew; i++) {
        TPair *tp = c.by_new[i];
        if (tp->o) {
            if (!tp->same)
                diff_objs(&c, tp, OK_INDEX, tp->o->indexes, tp->o->nindexes, tp->n->indexes,
                          tp->n->nindexes, sizeof(Index), eq_index, false);
            continue;
        }
        for (size_t k = 0; k < tp->n->nindexes; k++) {
            sb_adds(&c.what, "create index ");
            sql_ident(&c.what, tp->n->indexes[k].name);
            op(&c, SEC_INDEXES, NULL,
               (PlanOp){.kind = CH_ADD_INDEX, .table = tp->n->name,
                        .name = tp->n->indexes[k].name, .new_obj = &tp->n->indexes[k],
                        .flags = PF_NEW_TABLE});
        }
    }
    for (size_t i = 0; i < nnew; i++)
        if (c.by_new[i]->o && c.by_new[i]->modified)
            p->summary.tables_modify++;
    free(in_set);
    free(order);
    sb_release(&c.what);
    /* objects (issue 14): views, functions, triggers, policies, extensions (diff_objects.c) */
    if (!diff_objects(old_m, new_m, p, d))
        c.ok = false;
    plan_finish(p);
    return c.ok;
}
