/*
 * lint_plan.c - the linter on a pending change (lint.h): the typed plan (plan.h) read op by op
 * in execution order, each kind raising the findings of docs/lint.md from the objects it
 * touches, no SQL parsed. The same rules as the SQL recognisers of lint_rules.c (which read
 * hand-written migration directories), with the plan's knowledge instead of guesses: the old
 * column of a renamed column, the values an enum rebuild keeps through value renames.
 * Stage: Plan -> findings.
 */
#include <string.h>

#include "emit_sql.h"
#include "lint_int.h"
#include "strbuf.h"

static bool is_new(const LStmt *st, const char *table)
{
    return table && lint_names_has(&st->l->new_tables, table);
}

static void named(const LStmt *st, const char *name, LintFinding *f)
{
    f->name = arena_strdup(&st->l->a, name);
    if (!*f->object)
        f->object = arena_printf(&st->l->a, "\"%s\"", name);
}

static void type_str(StrBuf *sb, const SqlType *t)
{
    if (t->kind == TY_ENUM || t->kind == TY_OTHER)
        sb_adds(sb, t->enum_name ? t->enum_name : "?");
    else
        type_to_sql(sb, t);
}

/* An added column: its value per row (SL302) or none for existing rows (SL205). */
static void add_column(const LStmt *st, const char *table, const Column *c, AddForm form)
{
    const char *vf = plan_volatile_fill(c);
    if (vf)
        lint_add(st, "SL302", table, c->name,
                 "adding a column whose value comes from %s rewrites the whole table under an "
                 "ACCESS EXCLUSIVE lock",
                 vf);
    else if (form == ADD_GUARDED || form == ADD_REFUSED)
        lint_add(st, "SL205", table, c->name,
                 "adding a NOT NULL column without a default fails as soon as the table has a row");
    lint_lock_check(st, table, "ALTER TABLE");
}

static void set_not_null(const LStmt *st, const char *table, const char *col)
{
    StrBuf k = SB_INIT;
    sb_addf(&k, "%s\t%s", table, col);
    if (!lint_names_has(&st->l->nn_valid, k.buf))
        lint_add(st, "SL201", table, col,
                 "SET NOT NULL fails if an existing row holds NULL, and scans the whole table "
                 "under an ACCESS EXCLUSIVE lock");
    sb_release(&k);
    lint_lock_check(st, table, "ALTER TABLE");
}

/* Whether an @using conversion is more than the column itself cast to types. */
static bool complex_using(const char *using, const char *col)
{
    if (!using)
        return false;
    const char *s = using;
    while (*s == ' ' || *s == '(')
        s++;
    size_t n = strlen(col);
    if (strncmp(s, col, n) && !(s[0] == '"' && !strncmp(s + 1, col, n) && s[n + 1] == '"'))
        return true;
    s += s[0] == '"' ? n + 2 : n;
    while (*s == ' ' || *s == ')')
        s++;
    return *s && strncmp(s, "::", 2);
}

static void alter_type(const LStmt *st, const PlanOp *op)
{
    const Column *oc = op->old_obj, *nc = op->new_obj;
    const char *t = op->table;
    if (oc->def.kind != DEF_NONE)
        lint_lock_check(st, t, "ALTER TABLE");
    SqlType ot = oc->type, nt = type_for_reference(&nc->type);
    if (ot.kind == TY_ENUM)
        ot.other = NULL;
    StrBuf a = SB_INIT, b = SB_INIT;
    type_str(&a, &ot);
    type_str(&b, &nt);
    if (plan_type_narrows(&ot, &nt))
        lint_add(st, "SL202", t, nc->name,
                 "narrowing %s to %s fails (or loses precision) on existing values that do not fit",
                 sb_str(&a), sb_str(&b));
    if (complex_using(op->using_up, nc->name) || plan_type_rewrites(&ot, &nt))
        lint_add(st, "SL301", t, nc->name,
                 "changing %s to %s rewrites the whole table and its indexes under an ACCESS "
                 "EXCLUSIVE lock (no online form: expand/contract instead - add a column of the "
                 "new type, backfill it in batches, switch the application, drop the old one)",
                 sb_str(&a), sb_str(&b));
    lint_lock_check(st, t, "ALTER TABLE");
    sb_release(&a);
    sb_release(&b);
}

static void enum_rebuild(const LStmt *st, const PlanOp *op)
{
    StrBuf gone = SB_INIT;
    for (size_t v = 0; v < op->nold_values; v++) {
        bool kept = false;
        for (size_t j = 0; j < op->nvalues; j++)
            kept = kept || !strcmp(op->values[j], op->old_values[v]);
        if (!kept)
            sb_addf(&gone, "%s'%s'", gone.len ? ", " : "", op->old_values[v]);
    }
    if (gone.len)
        lint_add(st, "SL103", op->name, NULL,
                 "removing enum value%s %s: rows holding it make the conversion fail, and the "
                 "value is gone",
                 strchr(gone.buf, ',') ? "s" : "", gone.buf);
    sb_release(&gone);
    for (size_t i = 0; i < op->nuses; i++) {
        const EnumUse *u = &op->uses[i];
        if (is_new(st, u->table))
            continue;
        if (u->col->def.kind != DEF_NONE)
            lint_lock_check(st, u->table, "ALTER TABLE");
        lint_add(st, "SL301", u->table, u->col->name,
                 "converting the column to the recreated enum type %s rewrites the whole table "
                 "and its indexes under an ACCESS EXCLUSIVE lock",
                 op->name);
        lint_lock_check(st, u->table, "ALTER TABLE");
    }
}

static void lint_op(const LStmt *st, const PlanOp *op)
{
    Lint *l = st->l;
    const char *t = op->table;
    bool fresh = is_new(st, t);
    bool nv = op->flags & PF_NOT_VALID, conc = op->flags & PF_CONCURRENT;
    switch (op->kind) {
    case CH_CREATE_TABLE:
        lint_names_add(l, &l->new_tables, t);
        return;
    case CH_ADD_INDEX:
        lint_names_add(l, &l->new_indexes, op->name);
        break;
    case CH_ENUM_REBUILD:
        enum_rebuild(st, op);
        return;
    case CH_VALIDATE: {
        StrBuf p = SB_INIT;
        sb_addf(&p, "%s\t%s\t", op->name, t);
        for (size_t k = 0; k < l->nn_checks.n; k++)
            if (!strncmp(l->nn_checks.v[k], p.buf, p.len)) {
                sb_reset(&p);
                sb_addf(&p, "%s\t%s", t, l->nn_checks.v[k] + strlen(op->name) + strlen(t) + 2);
                lint_names_add(l, &l->nn_valid, p.buf);
                break;
            }
        sb_release(&p);
        return;
    }
    case CH_ADD_NN_CHECK: {
        StrBuf k = SB_INIT;
        sb_addf(&k, "%s\t%s\t%s", op->name, t, op->column);
        lint_names_add(l, &l->nn_checks, k.buf);
        sb_release(&k);
        break;
    }
    default:
        break;
    }
    if (fresh || !t)
        return;
    switch (op->kind) {
    case CH_DROP_TABLE:
        lint_add(st, "SL101", t, NULL, "dropping the table loses all its rows");
        lint_add(st, "SL501", t, NULL,
                 "the running (previous) application version may still use the table; stop "
                 "using it in a release before dropping it");
        lint_lock_check(st, t, "DROP TABLE");
        break;
    case CH_RENAME_TABLE:
        lint_add(st, "SL503", t, NULL,
                 "renaming the table to \"%s\" breaks the running (previous) application "
                 "version, which still uses the old name",
                 op->to);
        lint_lock_check(st, t, "ALTER TABLE ... RENAME");
        break;
    case CH_RENAME_COLUMN:
        lint_add(st, "SL504", t, op->name,
                 "renaming the column to \"%s\" breaks the running (previous) application "
                 "version, which still uses the old name",
                 op->to);
        lint_lock_check(st, t, "ALTER TABLE ... RENAME COLUMN");
        break;
    case CH_RENAME_CONSTRAINT:
        lint_lock_check(st, t, "ALTER TABLE ... RENAME CONSTRAINT");
        break;
    case CH_DROP_COLUMN:
    case CH_RECREATE_COLUMN:
        lint_add(st, "SL102", t, op->column, "dropping the column loses its data");
        lint_add(st, "SL502", t, op->column,
                 "the running (previous) application version may still read or write the "
                 "column; stop using it in a release before dropping it");
        lint_lock_check(st, t, "ALTER TABLE");
        if (op->kind == CH_RECREATE_COLUMN)
            add_column(st, t, op->new_obj, plan_add_column_form(t, op->new_obj));
        break;
    case CH_ADD_COLUMN:
        add_column(st, t, op->new_obj, op->form);
        if (op->form == ADD_BACKFILL)
            set_not_null(st, t, op->column);
        break;
    case CH_ALTER_TYPE:
        alter_type(st, op);
        break;
    case CH_SET_NOT_NULL:
        set_not_null(st, t, op->column);
        break;
    case CH_ADD_IDENTITY: {
        const Column *oc = op->old_obj;
        if (oc && oc->nullable) /* made NOT NULL first */
            set_not_null(st, t, op->column);
        lint_lock_check(st, t, "ALTER TABLE");
        break;
    }
    case CH_ALTER_COLLATION:
    case CH_ADD_SERIAL:
    case CH_DROP_SERIAL:
    case CH_DROP_NOT_NULL:
    case CH_SET_DEFAULT:
    case CH_DROP_DEFAULT:
    case CH_DROP_IDENTITY:
    case CH_SET_IDENTITY:
    case CH_DROP_PK:
    case CH_DROP_UNIQUE:
    case CH_DROP_CHECK:
    case CH_DROP_FK:
    case CH_ADD_NN_CHECK:
    case CH_DROP_NN_CHECK:
    case CH_ATTACH_INDEX:
        lint_lock_check(st, t, "ALTER TABLE");
        break;
    case CH_ADD_PK:
    case CH_ADD_UNIQUE:
        named(st, op->name,
              lint_add(st, "SL203", t, NULL,
                       "adding %s %s to an existing table fails if existing rows repeat a value, "
                       "and builds its index under an ACCESS EXCLUSIVE lock",
                       op->kind == CH_ADD_UNIQUE ? "UNIQUE" : "PRIMARY KEY", op->name));
        lint_lock_check(st, t, "ALTER TABLE");
        break;
    case CH_ADD_CHECK:
        /* online: its validation fails the same way (none when the model says NOT VALID) */
        if (!nv || (op->sec == SEC_ONLINE && !((const Check *)op->new_obj)->not_valid))
            named(st, op->name,
                  lint_add(st, "SL204", t, NULL,
                           "adding CHECK %s to an existing table fails if an existing row "
                           "violates it",
                           op->name));
        if (!nv) {
            named(st, op->name,
                  lint_add(st, "SL403", t, NULL,
                           "adding CHECK %s scans the whole table under an ACCESS EXCLUSIVE lock; "
                           "add it NOT VALID, then VALIDATE",
                           op->name));
        }
        lint_lock_check(st, t, "ALTER TABLE");
        break;
    case CH_ADD_FK:
        if (!nv)
            named(st, op->name,
                  lint_add(st, "SL402", t, NULL,
                           "adding FOREIGN KEY %s validates every existing row while holding a "
                           "lock that blocks writes on both tables; add it NOT VALID, then "
                           "VALIDATE",
                           op->name));
        break;
    case CH_ADD_INDEX: {
        const Index *ix = op->new_obj;
        if (!conc)
            named(st, op->name,
                  lint_add(st, "SL401", t, NULL,
                           "CREATE INDEX %s without CONCURRENTLY blocks every write to the table "
                           "for the whole build",
                           op->name));
        if (ix->unique)
            named(st, op->name,
                  lint_add(st, "SL203", t, NULL,
                           "a UNIQUE index %s on an existing table fails if existing rows repeat "
                           "a value",
                           op->name));
        break;
    }
    case CH_DROP_INDEX:
        if (!conc && !lint_names_has(&l->new_indexes, op->name)) {
            named(st, op->name,
                  lint_add(st, "SL404", NULL, NULL,
                           "DROP INDEX %s without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                           "the index's table",
                           op->name));
            lint_lock_check(st, op->name, "DROP INDEX");
        }
        break;
    default:
        break;
    }
}

static void lint_op_online(const LStmt *st, const PlanOp *op)
{
    bool was = st->l->lock_timeout;
    st->l->lock_timeout = was || (op->flags & PF_RETRY);
    lint_op(st, op);
    st->l->lock_timeout = was;
}

void lint_plan_ops(Lint *l, const Plan *p, const char *domain)
{
    StrBuf sql = SB_INIT, name = SB_INIT;
    size_t *op_of = NULL, cap = 0; /* per finding of the file: the index of its op in the file */
    for (size_t k = 0; k < p->nfiles; k++) {
        const PlanFile *f = &p->files[k];
        sb_reset(&name);
        sb_addf(&name, "(pending %s)/%s", domain, f->up_path);
        const char *file = arena_strdup(&l->a, name.buf);
        size_t first = l->n;
        for (size_t i = 0; i < f->nops; i++) {
            LStmt st = {.l = l, .file = file, .line = 1};
            size_t before = l->n;
            lint_op_online(&st, &p->ops[f->ops[i]]);
            if (l->n - first > cap) {
                cap = 2 * (l->n - first) + 16;
                op_of = xrealloc(op_of, cap * sizeof *op_of);
            }
            for (size_t j = before; j < l->n; j++)
                op_of[j - first] = i;
        }
        /* each finding's line in the file as written (where one without a .strav line points):
         * the ops before its own emitted and their lines counted, only in a file that has one */
        unsigned line = 1;
        size_t j = first, done = 0;
        while (j < l->n) {
            for (; done < op_of[j - first]; done++) {
                sb_reset(&sql);
                emit_op(&sql, &p->ops[f->ops[done]], false);
                for (const char *s = sql.buf; s && *s; s++)
                    line += *s == '\n';
            }
            for (; j < l->n && op_of[j - first] == done; j++)
                l->f[j].line = line;
        }
    }
    free(op_of);
    sb_release(&sql);
    sb_release(&name);
}
