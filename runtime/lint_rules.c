/*
 * lint_rules.c - the linter's recognisers (docs/lint.md): one statement's tokens (lint_int.h)
 * matched against the DDL forms that lose data, fail on existing rows, rewrite a table, block
 * writers or break the previous application version. A statement on a table created earlier
 * in the same migration raises nothing: the table is new and empty.
 * Type changes consult the old model (when known) and PostgreSQL's no-rewrite conversions.
 */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"
#include "strbuf.h"

/* A (possibly qualified) name at *i: the last component (table name) in *name, the whole one
 * for messages in *full. */
static bool qname(const LStmt *st, size_t *i, const char **name)
{
    if (!lt_ident(st, *i))
        return false;
    *name = st->t[(*i)++].s;
    while (*i + 1 < st->n && st->t[*i].k == LT_PUNCT && !strcmp(st->t[*i].s, ".") &&
           lt_ident(st, *i + 1)) {
        *name = st->t[*i + 1].s;
        *i += 2;
    }
    return true;
}

static bool punct(const LStmt *st, size_t i, const char *p)
{
    return i < st->n && st->t[i].k == LT_PUNCT && !strcmp(st->t[i].s, p);
}

static bool is_new(const LStmt *st, const char *table)
{
    return lint_names_has(&st->l->new_tables, table);
}

/* SL405, once per table and file (a SET lock_timeout at the top of the file fixes them all). */
void lint_lock_check(const LStmt *st, const char *table, const char *what)
{
    if (st->l->lock_timeout)
        return;
    StrBuf k = SB_INIT;
    sb_addf(&k, "%s\t%s", st->file, table);
    bool seen = lint_names_has(&st->l->lock_warned, k.buf);
    if (!seen)
        lint_names_add(st->l, &st->l->lock_warned, k.buf);
    sb_release(&k);
    if (!seen)
        lint_add(st, "SL405", table, NULL,
                 "%s takes an ACCESS EXCLUSIVE lock with no lock_timeout set: while it waits "
                 "for the lock every other query on the table queues behind it (strav migrate "
                 "--lock-timeout sets one)",
                 what);
}

static void named(const LStmt *st, const char *name, LintFinding *f)
{
    if (!name)
        return;
    f->name = arena_strdup(&st->l->a, name);
    if (!*f->object)
        f->object = arena_printf(&st->l->a, "\"%s\"", name);
}

/* ---------------------------------------------------------------- types */

/* Parse a type at *i (stops at `stop` keywords or the end). */
static SqlType parse_type(const LStmt *st, size_t *i, size_t end)
{
    SqlType t = {.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1};
    StrBuf w = SB_INIT;
    size_t j = *i;
    if (j < end && lt_ident(st, j) && punct(st, j + 1, ".") && lt_ident(st, j + 2))
        j += 2; /* schema-qualified: keep the type name */
    if (j < end && st->t[j].k == LT_QIDENT) {
        sb_adds(&w, st->t[j++].s);
        t.kind = TY_ENUM;
    } else if (j < end && st->t[j].k == LT_WORD) {
        sb_adds(&w, st->t[j++].s);
        static const char *const second[][2] = {
            {"character", "varying"}, {"double", "precision"}, {"bit", "varying"}};
        for (size_t k = 0; k < ARRAY_LEN(second); k++)
            if (!strcmp(w.buf, second[k][0]) && lt_kw(st, j, second[k][1])) {
                sb_addf(&w, "_%s", second[k][1]);
                j++;
            }
        bool ts = !strcmp(w.buf, "timestamp") || !strcmp(w.buf, "time");
        size_t save = j;
        int32_t p1 = -1, p2 = -1;
        if (punct(st, j, "(") && j + 1 < end && st->t[j + 1].k == LT_NUMBER) {
            p1 = (int32_t)atoi(st->t[j + 1].s);
            j += 2;
            if (punct(st, j, ",") && j + 1 < end && st->t[j + 1].k == LT_NUMBER) {
                p2 = (int32_t)atoi(st->t[j + 1].s);
                j += 2;
            }
            if (punct(st, j, ")"))
                j++;
            else
                j = save, p1 = p2 = -1;
        }
        if (ts && lt_kw(st, j, "with") && lt_kw(st, j + 1, "time") && lt_kw(st, j + 2, "zone")) {
            sb_adds(&w, "tz");
            j += 3;
        } else if (ts && lt_kw(st, j, "without") && lt_kw(st, j + 1, "time") &&
                   lt_kw(st, j + 2, "zone")) {
            j += 3;
        }
        TypeKind k;
        if (!strcmp(w.buf, "varbit"))
            k = TY_VARBIT, t.kind = k;
        else if (type_kind_from_name(w.buf, &k))
            t.kind = k;
        else
            t.kind = TY_ENUM;
        switch (type_kind_params(t.kind)) {
        case TP_LENGTH: t.length = p1; break;
        case TP_PRECISION_SCALE: t.precision = p1; t.scale = p1 >= 0 ? (p2 >= 0 ? p2 : 0) : -1; break;
        case TP_PRECISION: t.precision = p1; break;
        case TP_NONE: break;
        }
        if (t.kind == TY_CHAR && t.length < 0)
            t.length = 1;
        if (t.kind == TY_SERIAL || t.kind == TY_BIGSERIAL || t.kind == TY_SMALLSERIAL)
            t.other = "serial";
    }
    while (punct(st, j, "[")) {
        j++;
        if (j < end && st->t[j].k == LT_NUMBER)
            j++;
        if (punct(st, j, "]"))
            j++;
        t.ndims++;
    }
    if (lt_kw(st, j, "array"))
        j++, t.ndims++;
    if (t.kind == TY_ENUM || t.kind == TY_OTHER)
        t.enum_name = arena_strdup(&st->l->a, w.len ? w.buf : "?");
    sb_release(&w);
    *i = j;
    return t;
}

/* Which type changes rewrite or narrow: plan_type_rewrites / plan_type_narrows (plan.h), the
 * same facts the typed plan's linter uses. */

static void type_str(StrBuf *sb, const SqlType *t)
{
    if (t->kind == TY_ENUM || t->kind == TY_OTHER)
        sb_adds(sb, t->enum_name ? t->enum_name : "?");
    else
        type_to_sql(sb, t);
}

/* ---------------------------------------------------------------- ALTER TABLE actions */

/* Whether [b, e) ends with NOT VALID. */
static bool not_valid(const LStmt *st, size_t b, size_t e)
{
    return e >= b + 2 && lt_kw(st, e - 2, "not") && lt_kw(st, e - 1, "valid");
}

static bool has_kw(const LStmt *st, size_t b, size_t e, const char *w)
{
    for (size_t i = b; i < e; i++)
        if (lt_kw(st, i, w))
            return true;
    return false;
}

static const char *const volatile_fns[] = {
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp", "timeofday", "nextval", "setseed", "random_normal", "gen_random_bytes",
};

static bool col_constraint_kw(const LStmt *st, size_t i)
{
    static const char *const kws[] = {"default", "not", "null", "constraint", "primary", "unique",
                                      "references", "check", "generated", "collate"};
    for (size_t k = 0; k < ARRAY_LEN(kws); k++)
        if (lt_kw(st, i, kws[k]))
            return true;
    return false;
}

static void add_column(const LStmt *st, const char *table, size_t i, size_t e)
{
    if (lt_kw(st, i, "column"))
        i++;
    if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "not") && lt_kw(st, i + 2, "exists"))
        i += 3;
    if (!lt_ident(st, i))
        return;
    const char *col = st->t[i++].s;
    SqlType ty = parse_type(st, &i, e);
    bool has_default = false, not_null = false, fills = false;
    const char *volatile_fn = NULL;
    if (ty.other && !strcmp(ty.other, "serial"))
        volatile_fn = "nextval (a serial column)";
    for (; i < e; i++) {
        if (lt_kw(st, i, "default")) {
            has_default = true;
            int depth = 0;
            for (size_t j = i + 1; j < e && (depth || !col_constraint_kw(st, j)); j++) {
                if (punct(st, j, "("))
                    depth++;
                else if (punct(st, j, ")"))
                    depth--;
                else if (st->t[j].k == LT_WORD && punct(st, j + 1, "("))
                    for (size_t k = 0; k < ARRAY_LEN(volatile_fns); k++)
                        if (!strcmp(st->t[j].s, volatile_fns[k]))
                            volatile_fn = volatile_fns[k];
            }
        } else if (lt_kw(st, i, "not") && lt_kw(st, i + 1, "null")) {
            not_null = true;
        } else if (lt_kw(st, i, "primary") && lt_kw(st, i + 1, "key")) {
            not_null = true;
        } else if (lt_kw(st, i, "generated")) {
            fills = true;
            if (has_kw(st, i, e, "identity"))
                volatile_fn = "an identity sequence";
            else if (has_kw(st, i, e, "stored"))
                volatile_fn = "a stored generated expression";
        }
    }
    if (is_new(st, table))
        return;
    if (volatile_fn)
        lint_add(st, "SL302", table, col,
                 "adding a column whose value comes from %s rewrites the whole table under an "
                 "ACCESS EXCLUSIVE lock",
                 volatile_fn);
    else if (not_null && !has_default && !fills)
        lint_add(st, "SL205", table, col,
                 "adding a NOT NULL column without a default fails as soon as the table has a row");
}

static void alter_type(const LStmt *st, const char *table, const char *col, size_t i, size_t e)
{
    SqlType nt = parse_type(st, &i, e);
    bool complex_using = false;
    if (lt_kw(st, i, "collate"))
        i += 2;
    if (lt_kw(st, i, "using")) {
        size_t j = i + 1;
        if (punct(st, j, "("))
            j++;
        if (lt_ident(st, j) && !strcmp(st->t[j].s, col))
            j++;
        else
            complex_using = true;
        while (j < e && punct(st, j, "::")) {
            j++;
            (void)parse_type(st, &j, e);
        }
        if (punct(st, j, ")"))
            j++;
        if (j < e)
            complex_using = true;
    }
    if (is_new(st, table))
        return;
    const Table *ot = st->l->old ? model_find_table(st->l->old, table) : NULL;
    const Column *oc = ot ? table_find_column(ot, col) : NULL;
    StrBuf a = SB_INIT, b = SB_INIT;
    type_str(&b, &nt);
    if (!oc) {
        lint_add(st, "SL303", table, col,
                 "changing the type to %s: the old type is unknown here, and most type changes "
                 "rewrite the table under an ACCESS EXCLUSIVE lock",
                 sb_str(&b));
    } else {
        SqlType ot_ = oc->type;
        if (ot_.kind == TY_ENUM)
            ot_.other = NULL;
        type_str(&a, &ot_);
        if (plan_type_narrows(&ot_, &nt))
            lint_add(st, "SL202", table, col,
                     "narrowing %s to %s fails (or loses precision) on existing values that do "
                     "not fit",
                     sb_str(&a), sb_str(&b));
        bool rebuilt = nt.kind == TY_ENUM && nt.enum_name &&
                       lint_names_has(&st->l->renamed_types, nt.enum_name);
        if (rebuilt)
            lint_add(st, "SL301", table, col,
                     "converting the column to the recreated enum type %s rewrites the whole "
                     "table and its indexes under an ACCESS EXCLUSIVE lock",
                     sb_str(&b));
        else if (complex_using || plan_type_rewrites(&ot_, &nt))
            lint_add(st, "SL301", table, col,
                     "changing %s to %s rewrites the whole table and its indexes under an ACCESS "
                     "EXCLUSIVE lock",
                     sb_str(&a), sb_str(&b));
    }
    sb_release(&a);
    sb_release(&b);
}

static void nn_key(StrBuf *sb, const char *table, const char *col)
{
    sb_reset(sb);
    sb_addf(sb, "%s\t%s", table, col);
}

/* ADD [CONSTRAINT name] UNIQUE/PRIMARY KEY/FOREIGN KEY/CHECK ... */
static void add_constraint(const LStmt *st, const char *table, size_t i, size_t e)
{
    const char *name = NULL;
    if (lt_kw(st, i, "constraint") && lt_ident(st, i + 1)) {
        name = st->t[i + 1].s;
        i += 2;
    }
    bool nv = not_valid(st, i, e), fresh = is_new(st, table);
    if (lt_kw(st, i, "unique") || lt_kw(st, i, "primary")) {
        bool using_index = false;
        for (size_t j = i; j + 1 < e; j++)
            if (lt_kw(st, j, "using") && lt_kw(st, j + 1, "index"))
                using_index = true;
        if (!fresh && !using_index)
            named(st, name, lint_add(st, "SL203", table, NULL,
                     "adding %s %s to an existing table fails if existing rows repeat a value, "
                     "and builds its index under an ACCESS EXCLUSIVE lock",
                     lt_kw(st, i, "unique") ? "UNIQUE" : "PRIMARY KEY", name ? name : ""));
    } else if (lt_kw(st, i, "foreign")) {
        if (!fresh && !nv)
            named(st, name, lint_add(st, "SL402", table, NULL,
                     "adding FOREIGN KEY %s validates every existing row while holding a lock "
                     "that blocks writes on both tables; add it NOT VALID, then VALIDATE",
                     name ? name : ""));
    } else if (lt_kw(st, i, "check")) {
        /* CHECK (col IS NOT NULL) NOT VALID: a later VALIDATE proves the column not null */
        size_t j = i + 1;
        if (nv && name && punct(st, j, "(") && lt_ident(st, j + 1) && lt_kw(st, j + 2, "is") &&
            lt_kw(st, j + 3, "not") && lt_kw(st, j + 4, "null") && punct(st, j + 5, ")")) {
            StrBuf k = SB_INIT;
            sb_addf(&k, "%s\t%s\t%s", name, table, st->t[j + 1].s);
            lint_names_add(st->l, &st->l->nn_checks, k.buf);
            sb_release(&k);
        }
        if (!fresh && !nv) {
            named(st, name, lint_add(st, "SL204", table, NULL,
                     "adding CHECK %s to an existing table fails if an existing row violates it",
                     name ? name : ""));
            named(st, name, lint_add(st, "SL403", table, NULL,
                     "adding CHECK %s scans the whole table under an ACCESS EXCLUSIVE lock; add "
                     "it NOT VALID, then VALIDATE",
                     name ? name : ""));
        }
    }
}

static void validate(const LStmt *st, const char *table, const char *name)
{
    StrBuf p = SB_INIT;
    sb_addf(&p, "%s\t%s\t", name, table);
    for (size_t k = 0; k < st->l->nn_checks.n; k++)
        if (!strncmp(st->l->nn_checks.v[k], p.buf, p.len)) {
            sb_reset(&p);
            sb_addf(&p, "%s\t%s", table, st->l->nn_checks.v[k] + strlen(name) + strlen(table) + 2);
            lint_names_add(st->l, &st->l->nn_valid, p.buf);
            break;
        }
    sb_release(&p);
}

/* One action of ALTER TABLE in [i, e); returns whether it takes ACCESS EXCLUSIVE. */
static bool alter_action(const LStmt *st, const char *table, size_t i, size_t e)
{
    bool fresh = is_new(st, table);
    if (lt_kw(st, i, "add")) {
        i++;
        if (lt_kw(st, i, "constraint") || lt_kw(st, i, "unique") || lt_kw(st, i, "primary") ||
            lt_kw(st, i, "foreign") || lt_kw(st, i, "check") || lt_kw(st, i, "exclude")) {
            add_constraint(st, table, i, e);
            return !has_kw(st, i, e, "foreign");
        }
        add_column(st, table, i, e);
        return true;
    }
    if (lt_kw(st, i, "drop")) {
        i++;
        if (lt_kw(st, i, "constraint"))
            return true;
        if (lt_kw(st, i, "column"))
            i++;
        if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "exists"))
            i += 2;
        if (lt_ident(st, i) && !fresh) {
            const char *col = st->t[i].s;
            lint_add(st, "SL102", table, col, "dropping the column loses its data");
            lint_add(st, "SL502", table, col,
                     "the running (previous) application version may still read or write the "
                     "column; stop using it in a release before dropping it");
        }
        return true;
    }
    if (lt_kw(st, i, "validate") && lt_kw(st, i + 1, "constraint") && lt_ident(st, i + 2)) {
        validate(st, table, st->t[i + 2].s);
        return false;
    }
    if (lt_kw(st, i, "alter")) {
        i++;
        if (lt_kw(st, i, "column"))
            i++;
        if (!lt_ident(st, i))
            return true;
        const char *col = st->t[i++].s;
        if (lt_kw(st, i, "set") && lt_kw(st, i + 1, "data") && lt_kw(st, i + 2, "type")) {
            alter_type(st, table, col, i + 3, e);
        } else if (lt_kw(st, i, "type")) {
            alter_type(st, table, col, i + 1, e);
        } else if (lt_kw(st, i, "set") && lt_kw(st, i + 1, "not") && lt_kw(st, i + 2, "null")) {
            StrBuf k = SB_INIT;
            nn_key(&k, table, col);
            if (!fresh && !lint_names_has(&st->l->nn_valid, k.buf))
                lint_add(st, "SL201", table, col,
                         "SET NOT NULL fails if an existing row holds NULL, and scans the whole "
                         "table under an ACCESS EXCLUSIVE lock");
            sb_release(&k);
        } else if (lt_kw(st, i, "set") &&
                   (lt_kw(st, i + 1, "statistics") || lt_kw(st, i + 1, "storage"))) {
            return false;
        }
        return true;
    }
    return !(lt_kw(st, i, "set") && lt_kw(st, i + 1, "("));
}

static void alter_table(const LStmt *st, size_t i)
{
    if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "exists"))
        i += 2;
    if (lt_kw(st, i, "only"))
        i++;
    const char *table;
    if (!qname(st, &i, &table))
        return;
    if (punct(st, i, "*"))
        i++;
    bool fresh = is_new(st, table);
    if (lt_kw(st, i, "rename")) {
        i++;
        if (lt_kw(st, i, "to") && lt_ident(st, i + 1)) {
            const char *to = st->t[i + 1].s;
            if (fresh) {
                lint_names_add(st->l, &st->l->new_tables, to);
                return;
            }
            lint_add(st, "SL503", table, NULL,
                     "renaming the table to \"%s\" breaks the running (previous) application "
                     "version, which still uses the old name",
                     to);
            lint_lock_check(st, table, "ALTER TABLE ... RENAME");
            return;
        }
        if (lt_kw(st, i, "constraint")) {
            if (!fresh)
                lint_lock_check(st, table, "ALTER TABLE ... RENAME CONSTRAINT");
            return;
        }
        if (lt_kw(st, i, "column"))
            i++;
        if (lt_ident(st, i) && lt_kw(st, i + 1, "to") && lt_ident(st, i + 2) && !fresh) {
            lint_add(st, "SL504", table, st->t[i].s,
                     "renaming the column to \"%s\" breaks the running (previous) application "
                     "version, which still uses the old name",
                     st->t[i + 2].s);
            lint_lock_check(st, table, "ALTER TABLE ... RENAME COLUMN");
        }
        return;
    }
    bool ae = false;
    int depth = 0;
    size_t b = i;
    for (size_t j = i; j <= st->n; j++) {
        if (j == st->n || (!depth && punct(st, j, ","))) {
            if (j > b && alter_action(st, table, b, j))
                ae = true;
            b = j + 1;
        } else if (punct(st, j, "(")) {
            depth++;
        } else if (punct(st, j, ")")) {
            depth--;
        }
    }
    if (ae && !fresh)
        lint_lock_check(st, table, "ALTER TABLE");
}

/* ---------------------------------------------------------------- other statements */

static void create_table(const LStmt *st, size_t i)
{
    while (lt_kw(st, i, "unlogged") || lt_kw(st, i, "temp") || lt_kw(st, i, "temporary") ||
           lt_kw(st, i, "global") || lt_kw(st, i, "local"))
        i++;
    if (!lt_kw(st, i, "table"))
        return;
    i++;
    if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "not") && lt_kw(st, i + 2, "exists"))
        i += 3;
    const char *table;
    if (qname(st, &i, &table))
        lint_names_add(st->l, &st->l->new_tables, table);
}

static void create_index(const LStmt *st, size_t i)
{
    bool unique = lt_kw(st, i, "unique");
    if (unique)
        i++;
    if (!lt_kw(st, i, "index"))
        return;
    i++;
    bool conc = lt_kw(st, i, "concurrently");
    if (conc)
        i++;
    if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "not") && lt_kw(st, i + 2, "exists"))
        i += 3;
    const char *name = NULL, *table;
    if (!lt_kw(st, i, "on") && !qname(st, &i, &name))
        return;
    if (!lt_kw(st, i, "on"))
        return;
    i++;
    if (lt_kw(st, i, "only"))
        i++;
    if (!qname(st, &i, &table))
        return;
    if (name)
        lint_names_add(st->l, &st->l->new_indexes, name);
    if (is_new(st, table))
        return;
    if (!conc)
        named(st, name, lint_add(st, "SL401", table, NULL,
                 "CREATE INDEX %s without CONCURRENTLY blocks every write to the table for the "
                 "whole build",
                 name ? name : ""));
    if (unique)
        named(st, name, lint_add(st, "SL203", table, NULL,
                 "a UNIQUE index %s on an existing table fails if existing rows repeat a value",
                 name ? name : ""));
}

static void drop(const LStmt *st, size_t i)
{
    bool table = lt_kw(st, i, "table"), index = lt_kw(st, i, "index");
    if (!table && !index)
        return;
    i++;
    bool conc = index && lt_kw(st, i, "concurrently");
    if (conc)
        i++;
    if (lt_kw(st, i, "if") && lt_kw(st, i + 1, "exists"))
        i += 2;
    const char *name;
    while (qname(st, &i, &name)) {
        if (table && !is_new(st, name)) {
            lint_add(st, "SL101", name, NULL, "dropping the table loses all its rows");
            lint_add(st, "SL501", name, NULL,
                     "the running (previous) application version may still use the table; stop "
                     "using it in a release before dropping it");
            lint_lock_check(st, name, "DROP TABLE");
        } else if (index && !conc && !lint_names_has(&st->l->new_indexes, name)) {
            named(st, name,
                  lint_add(st, "SL404", NULL, NULL,
                           "DROP INDEX %s without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                           "the index's table",
                           name));
            lint_lock_check(st, name, "DROP INDEX");
        }
        if (!punct(st, i, ","))
            break;
        i++;
    }
}

/* CREATE TYPE name AS ENUM (...): after ALTER TYPE name RENAME, a recreation (value removal). */
static void create_enum(const LStmt *st, size_t i)
{
    const char *name;
    if (!qname(st, &i, &name) || !lt_kw(st, i, "as") || !lt_kw(st, i + 1, "enum"))
        return;
    if (!lint_names_has(&st->l->renamed_types, name))
        return;
    const Enum *oe = st->l->old ? model_find_enum(st->l->old, name) : NULL;
    if (!oe) {
        lint_add(st, "SL103", name, NULL,
                 "the enum type is recreated (the way values are removed): rows holding a "
                 "removed value make the conversion fail");
        return;
    }
    StrBuf gone = SB_INIT;
    for (size_t v = 0; v < oe->nvalues; v++) {
        bool kept = false;
        for (size_t j = i + 2; j < st->n; j++)
            if (st->t[j].k == LT_STRING && !strcmp(st->t[j].s, oe->values[v].name))
                kept = true;
        if (!kept)
            sb_addf(&gone, "%s'%s'", gone.len ? ", " : "", oe->values[v].name);
    }
    if (gone.len)
        lint_add(st, "SL103", name, NULL,
                 "removing enum value%s %s: rows holding it make the conversion fail, and the "
                 "value is gone",
                 strchr(gone.buf, ',') ? "s" : "", gone.buf);
    sb_release(&gone);
}

static void set_stmt(const LStmt *st, size_t i)
{
    if (lt_kw(st, i, "session") || lt_kw(st, i, "local"))
        i++;
    if (!lt_kw(st, i, "lock_timeout"))
        return;
    i++;
    if (lt_kw(st, i, "to") || punct(st, i, "="))
        i++;
    if (i >= st->n || lt_kw(st, i, "default")) {
        st->l->lock_timeout = false;
        return;
    }
    const char *v = st->t[i].s;
    st->l->lock_timeout = strtol(v, NULL, 10) > 0;
}

void lint_statement(const LStmt *st)
{
    if (lt_kw(st, 0, "alter") && lt_kw(st, 1, "table")) {
        alter_table(st, 2);
    } else if (lt_kw(st, 0, "alter") && lt_kw(st, 1, "type")) {
        size_t i = 2;
        const char *name;
        if (qname(st, &i, &name) && lt_kw(st, i, "rename") && lt_kw(st, i + 1, "to"))
            lint_names_add(st->l, &st->l->renamed_types, name);
    } else if (lt_kw(st, 0, "create") && lt_kw(st, 1, "type")) {
        create_enum(st, 2);
    } else if (lt_kw(st, 0, "create") && (lt_kw(st, 1, "index") || lt_kw(st, 1, "unique"))) {
        create_index(st, 1);
    } else if (lt_kw(st, 0, "create")) {
        create_table(st, 1);
    } else if (lt_kw(st, 0, "drop")) {
        drop(st, 1);
    } else if (lt_kw(st, 0, "set")) {
        set_stmt(st, 1);
    } else if (lt_kw(st, 0, "reset") && (lt_kw(st, 1, "lock_timeout") || lt_kw(st, 1, "all"))) {
        st->l->lock_timeout = false;
    }
}
