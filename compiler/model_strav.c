/*
 * model_strav.c - Model -> .strav text (see model_strav.h). The inverse of sema for what pull
 * reads from a live database: names that sema's conventions would derive are left implicit,
 * anything else is spelled out (name: '...'), so that compiling the output gives the same model.
 * A foreign key is a `ref` field when it has that shape (the target's primary key, columns named
 * <field>_<column>, no MATCH FULL/DEFERRABLE/NOT VALID; `@no_index` when the database has no
 * index on it), else a table-level `@@foreign`, which holds any foreign key.
 */
#include "model_strav.h"
#include "model_strav_objects.h" /* objects (issue 14) */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fmt.h"
#include "names.h"
#include "parse.h"
#include "source.h"
#include "sqlnorm.h"
#include "partbound.h"
#include "sqlquote.h"
#include "strbuf.h"

/* Language keywords (docs/language.md): always quoted when used as names, to be safe. */
static const char *const lang_keywords[] = {
    "as", "association", "attribute", "between", "component", "configuration", "contribution",
    "domain", "entity", "enum", "event", "false", "null", "of", "reference", "sql", "table",
    "true",
};

static bool is_lang_keyword(const char *s)
{
    for (size_t i = 0; i < ARRAY_LEN(lang_keywords); i++)
        if (!strcmp(lang_keywords[i], s))
            return true;
    return false;
}

void model_strav_name(StrBuf *out, Arena *a, const char *name)
{
    const char *snake = sql_ident_is_plain(name) ? name_snake(a, name) : NULL;
    if (snake && !strcmp(snake, name) && !is_lang_keyword(name)) {
        sb_adds(out, name);
        return;
    }
    sql_ident_quoted(out, name); /* the language quotes names as SQL does */
}

/* The language's 'strings' are quoted as SQL's literals: ' doubled. */
static void put_string(StrBuf *out, const char *s)
{
    sql_literal(out, s);
}

static void put_doc(StrBuf *out, const char *indent, const char *comment)
{
    if (!comment)
        return;
    const char *p = comment;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        sb_addf(out, "%s///%s", indent, n ? " " : "");
        sb_add(out, p, n);
        sb_addch(out, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* ---- conventions (sema's names) --------------------------------------------------------- */

static const char *conv_name(Arena *a, const char *prefix, const char *table, const char **cols,
                             size_t n, const char *suffix)
{
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "%s%s", prefix, table);
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "_%s", cols[i]);
    if (suffix)
        sb_adds(&sb, suffix);
    const char *r = name_shorten(a, arena_strdup(a, sb_str(&sb)));
    sb_release(&sb);
    return r;
}

static const char *conv_pk(Arena *a, const Table *t)
{
    return conv_name(a, "pk_", t->name, NULL, 0, NULL);
}

static const char *conv_index(Arena *a, const Table *t, const Index *ix)
{
    const char **cols = ARENA_ARRAY(a, const char *, ix->nelems);
    for (size_t i = 0; i < ix->nelems; i++)
        cols[i] = ix->elems[i].column ? ix->elems[i].column : "expr";
    return conv_name(a, "idx_", t->name, cols, ix->nelems, ix->unique ? "_unique" : NULL);
}

/* ---- types and defaults ----------------------------------------------------------------- */

/* types branch: a domain or composite type name; quoted when it reads as a built-in type. */
static void put_type_name(StrBuf *out, Arena *a, const char *name)
{
    TypeKind k;
    if (type_kind_from_name(name, &k) || !strcmp(name, "string") || !strcmp(name, "ulid") ||
        !strcmp(name, "ref") || !strcmp(name, "enum")) {
        sb_addch(out, '"');
        sb_adds(out, name); /* a built-in type name: plain letters, nothing to double */
        sb_addch(out, '"');
        return;
    }
    model_strav_name(out, a, name);
}

static void put_type(StrBuf *out, Arena *a, const Model *m, const SqlType *t)
{
    const DomainType *dt = model_type_domain(m, t);
    const CompositeType *ct = dt ? NULL : model_type_composite(m, t);
    if (dt || ct) {
        put_type_name(out, a, dt ? dt->name : ct->name);
        return;
    }
    switch (t->kind) {
    case TY_ENUM:
        if (t->enum_schema) {
            model_strav_name(out, a, t->enum_schema);
            sb_addch(out, '.');
        }
        model_strav_name(out, a, t->enum_name);
        break;
    case TY_OTHER:
        sb_adds(out, t->other); /* not in the language: the compiler will say so */
        return;
    case TY_VARCHAR:
        if (t->length >= 0)
            sb_addf(out, "string(%d)", t->length);
        else
            sb_adds(out, "varchar");
        break;
    case TY_DOUBLE:
        sb_adds(out, "double");
        break;
    default: {
        sb_adds(out, type_kind_name(t->kind));
        type_params_to(out, t, ", ");
    }
    }
    UNUSED(m);
    for (int i = 0; i < t->ndims; i++)
        sb_adds(out, "[]");
}

static void put_default(StrBuf *out, const Default *d)
{
    switch (d->kind) {
    case DEF_NONE:
        return;
    case DEF_STRING:
        sb_adds(out, " = ");
        put_string(out, d->text);
        return;
    case DEF_NUMBER:
    case DEF_BOOL:
        sb_addf(out, " = %s", d->text);
        return;
    case DEF_NULL:
        sb_adds(out, " = null");
        return;
    case DEF_EXPR:
        sb_adds(out, " = sql(");
        put_string(out, d->written ? d->written : d->text);
        sb_addch(out, ')');
        return;
    }
}

/* ---- tables ----------------------------------------------------------------------------- */

typedef struct TableOut {
    Arena *a;
    const Model *m;
    const Table *t;
    StrBuf *warn;
    Archetype arch;
    size_t first, last;     /* columns [first, last) are written; the rest are implicit */
    int *col_fk;            /* per column: fk index written as a ref field, -1 plain, -2 skipped */
    const char **fk_field;  /* per fk: the ref field's name, or NULL: written as @@foreign */
    bool *fk_noindex;       /* per ref fk: the database has no index idx_<table>_<cols> */
    bool *ix_done;          /* per index: consumed by a ref or written on a field */
    bool *uq_done;          /* per unique: written on a field */
    bool pk_done;
} TableOut;

static bool is_stamp(const Column *c, const char *name, bool required)
{
    if (strcmp(c->name, name) || c->type.kind != TY_TIMESTAMPTZ || c->type.precision != -1 ||
        c->type.ndims || c->identity || c->generated || c->comment || c->nvalidators)
        return false;
    if (required)
        return !c->nullable && c->def.kind == DEF_EXPR && !strcmp(c->def.text, SQLNORM_NOW) &&
               !c->def.written;
    return c->nullable && c->def.kind == DEF_NONE;
}

/* entity (id + created/updated/deleted), reference (id + created/updated), event (id + created)
 * when the columns match exactly; otherwise the plain table form. */
static void classify(TableOut *o)
{
    const Table *t = o->t;
    o->arch = ARCH_TABLE;
    o->first = 0;
    o->last = t->ncolumns;
    if (t->ncolumns < 2 || !t->pk.name || t->pk.ncols != 1 || strcmp(t->pk.cols[0], "id") ||
        strcmp(t->pk.name, conv_pk(o->a, t)) || t->pk.deferral || t->pk.comment)
        return;
    const Column *id = &t->columns[0];
    if (strcmp(id->name, "id") || id->type.kind != TY_SERIAL || id->type.ndims || id->nullable ||
        id->def.kind != DEF_NONE || id->identity || id->comment)
        return;
    size_t n = t->ncolumns;
    const Column *c = t->columns;
    if (n >= 4 && is_stamp(&c[n - 3], "created_at", true) &&
        is_stamp(&c[n - 2], "updated_at", true) && is_stamp(&c[n - 1], "deleted_at", false)) {
        o->arch = ARCH_ENTITY;
        o->last = n - 3;
    } else if (n >= 3 && is_stamp(&c[n - 2], "created_at", true) &&
               is_stamp(&c[n - 1], "updated_at", true)) {
        o->arch = ARCH_REFERENCE;
        o->last = n - 2;
    } else if (is_stamp(&c[n - 1], "created_at", true)) {
        o->arch = ARCH_EVENT;
        o->last = n - 1;
    } else {
        return;
    }
    o->first = 1;
    o->pk_done = true;
    /* A table column that is also an implicit name would be ambiguous: stay explicit. */
    for (size_t i = o->first; i < o->last; i++) {
        const char *nm = c[i].name;
        if (!strcmp(nm, "created_at") || !strcmp(nm, "updated_at") || !strcmp(nm, "deleted_at")) {
            o->arch = ARCH_TABLE;
            o->first = 0;
            o->last = n;
            o->pk_done = false;
            return;
        }
    }
}

static size_t col_index(const Table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].name, name))
            return i;
    return SIZE_MAX;
}

static bool plain_index_on(const Index *ix, const char **cols, size_t n)
{
    if (ix->unique || ix->where || ix->comment || strcmp(ix->method, "btree") || ix->nelems != n ||
        ix->ninclude)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!ix->elems[i].column || strcmp(ix->elems[i].column, cols[i]) || ix->elems[i].desc ||
            ix->elems[i].nulls || ix->elems[i].collation || ix->elems[i].opclass)
            return false;
    return true;
}

static const char *action_word(FkAction a);
static void put_string(StrBuf *out, const char *s);

/* ", comment: '...'" of a table attribute, when there is one. */
static void put_comment_arg(StrBuf *out, const char *comment)
{
    if (!comment)
        return;
    sb_adds(out, ", comment: ");
    put_string(out, comment);
}
static void put_name_list(StrBuf *out, Arena *a, const char **names, size_t n);

/* Can foreign key k be written as a `ref` field? Sets col_fk/fk_field/ix_done when it can. */
static void plan_ref(TableOut *o, size_t k)
{
    const Table *t = o->t;
    const ForeignKey *fk = &t->fks[k];
    const char *why = NULL;
    const Table *target = fk->ref_schema ? NULL : model_find_table(o->m, fk->ref_table);
    if (!fk->ref_schema && !target)
        why = "its target table is not in this schema";
    else if (fk->match_full || fk->deferral || fk->not_valid || fk->comment)
        why = "options";
    else if (target && (target->pk.ncols != fk->ncols || !target->pk.name))
        why = "it does not point at the target's primary key";
    for (size_t i = 0; !why && target && i < fk->ncols; i++)
        if (strcmp(target->pk.cols[i], fk->ref_cols[i]))
            why = "it does not point at the target's primary key";
    /* Column names: single <field>_<refcol> or <field> ending in _<refcol>; composite
     * <field>_<refcol_i>, consecutive. */
    const char *field = NULL;
    size_t pos = SIZE_MAX;
    for (size_t i = 0; !why && i < fk->ncols; i++) {
        size_t ci = col_index(t, fk->cols[i]);
        const Column *c = ci == SIZE_MAX ? NULL : &t->columns[ci];
        size_t cl = strlen(fk->cols[i]), rl = strlen(fk->ref_cols[i]);
        if (!c || ci < o->first || ci >= o->last || (i > 0 && ci != pos + i))
            why = "its columns are not consecutive fields";
        else if (cl <= rl + 1 || strcmp(fk->cols[i] + cl - rl, fk->ref_cols[i]) ||
                 fk->cols[i][cl - rl - 1] != '_')
            why = "its column names do not follow <field>_<target column>";
        else if ((fk->on_delete == FK_SET_NULL || fk->on_update == FK_SET_NULL) && !c->nullable)
            why = "SET NULL on a NOT NULL column";
        else if (c->identity || c->generated || c->type.ndims || (fk->ncols > 1 && c->def.kind))
            why = "a column is identity, generated, an array or has a default";
        else if (target) {
            SqlType want = type_for_reference(&table_find_column(target, fk->ref_cols[i])->type);
            if (!type_equal(&want, &c->type))
                why = "a column's type differs from the target key's";
        }
        if (why)
            break;
        if (i == 0) {
            pos = ci;
            field = fk->ncols == 1 ? fk->cols[0] : arena_strndup(o->a, fk->cols[0], cl - rl - 1);
        } else if (strncmp(fk->cols[i], field, strlen(field)) || fk->cols[i][strlen(field)] != '_' ||
                   strcmp(fk->cols[i] + strlen(field) + 1, fk->ref_cols[i])) {
            why = "its column names do not follow <field>_<target column>";
        } else if (t->columns[ci].nullable != t->columns[pos].nullable) {
            why = "its columns differ in nullability";
        }
    }
    for (size_t i = 0; !why && i < fk->ncols; i++)
        if (o->col_fk[col_index(t, fk->cols[i])] != -1)
            why = "its columns belong to another foreign key";
    if (why)
        return; /* written as @@foreign: any columns, any target key, any options */
    o->fk_field[k] = field;
    o->col_fk[pos] = (int)k;
    for (size_t i = 1; i < fk->ncols; i++)
        o->col_fk[pos + i] = -2;
    const char *iname = conv_name(o->a, "idx_", t->name, fk->cols, fk->ncols, NULL);
    for (size_t i = 0; i < t->nindexes; i++) {
        if (!o->ix_done[i] && !strcmp(t->indexes[i].name, iname) &&
            plain_index_on(&t->indexes[i], fk->cols, fk->ncols)) {
            o->ix_done[i] = true;
            return;
        }
    }
    o->fk_noindex[k] = true;
}

/* @@foreign(cols, references: t[, to: cols][, name:][, on_delete:]...): a foreign key that a
 * `ref` field cannot say. */
static void put_foreign_attr(TableOut *o, StrBuf *out, const ForeignKey *fk)
{
    const Table *t = o->t;
    sb_adds(out, "    @@foreign(");
    put_name_list(out, o->a, fk->cols, fk->ncols);
    sb_adds(out, ", references: ");
    if (fk->ref_schema) {
        model_strav_name(out, o->a, fk->ref_schema);
        sb_addch(out, '.');
    }
    model_strav_name(out, o->a, fk->ref_table);
    const Table *target = fk->ref_schema ? NULL : model_find_table(o->m, fk->ref_table);
    bool to_pk = target && target->pk.name && target->pk.ncols == fk->ncols;
    for (size_t i = 0; to_pk && i < fk->ncols; i++)
        to_pk = !strcmp(target->pk.cols[i], fk->ref_cols[i]);
    if (!to_pk) {
        sb_adds(out, ", to:");
        for (size_t i = 0; i < fk->ncols; i++) {
            sb_addch(out, ' ');
            model_strav_name(out, o->a, fk->ref_cols[i]);
        }
    }
    if (fk->on_delete != FK_NO_ACTION)
        sb_addf(out, ", on_delete: %s", action_word(fk->on_delete));
    if (fk->on_update != FK_NO_ACTION)
        sb_addf(out, ", on_update: %s", action_word(fk->on_update));
    if (fk->match_full)
        sb_adds(out, ", match: full");
    if (fk->deferral)
        sb_adds(out, fk->deferral == DEFER_DEFERRED ? ", deferrable: deferred" : ", deferrable: true");
    if (fk->not_valid)
        sb_adds(out, ", not_valid: true");
    if (strcmp(fk->name, conv_name(o->a, "fk_", t->name, fk->cols, fk->ncols, NULL))) {
        sb_adds(out, ", name: ");
        put_string(out, fk->name);
    }
    put_comment_arg(out, fk->comment);
    sb_adds(out, ")\n");
}

static const char *action_word(FkAction a)
{
    static const char *const w[] = {"no_action", "restrict", "cascade", "set_null", "set_default"};
    return w[a];
}

static void put_name_list(StrBuf *out, Arena *a, const char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_adds(out, ", ");
        model_strav_name(out, a, names[i]);
    }
}

static void put_named(StrBuf *out, const char *attr, const char *name, const char *conv)
{
    sb_addf(out, " %s", attr);
    if (strcmp(name, conv)) {
        sb_adds(out, "(name: ");
        put_string(out, name);
        sb_addch(out, ')');
    }
}

static bool single_col(const char **cols, size_t n, const char *col)
{
    return n == 1 && !strcmp(cols[0], col);
}

static void put_ref_field(TableOut *o, StrBuf *out, size_t k, const Column *c)
{
    const Table *t = o->t;
    const ForeignKey *fk = &t->fks[k];
    sb_adds(out, "    ");
    model_strav_name(out, o->a, o->fk_field[k]);
    sb_adds(out, " ref(");
    if (fk->ref_schema) {
        model_strav_name(out, o->a, fk->ref_schema);
        sb_addch(out, '.');
    }
    model_strav_name(out, o->a, fk->ref_table);
    sb_addf(out, ")%s", c->nullable ? "?" : "");
    if (fk->ncols == 1)
        put_default(out, &c->def);
    const char *conv = conv_name(o->a, "fk_", t->name, fk->cols, fk->ncols, NULL);
    if (strcmp(fk->name, conv)) {
        sb_adds(out, " @fk(name: ");
        put_string(out, fk->name);
        sb_addch(out, ')');
    }
    if (fk->on_delete != (c->nullable ? FK_SET_NULL : FK_RESTRICT))
        sb_addf(out, " @on_delete(%s)", action_word(fk->on_delete));
    if (fk->on_update != FK_CASCADE)
        sb_addf(out, " @on_update(%s)", action_word(fk->on_update));
    if (o->fk_noindex[k])
        sb_adds(out, " @no_index");
    sb_addch(out, '\n');
}

/* adopt2: sequence options as `key: value` arguments, ", " between them */
static void put_seqopts(StrBuf *out, const SeqOpts *q, bool first)
{
    const char *sep = first ? "" : ", ";
    if (q->set & SEQ_AS)
        sb_addf(out, "%sas: %s", sep, type_kind_name(q->as)), sep = ", ";
    if (q->set & SEQ_START)
        sb_addf(out, "%sstart: %lld", sep, (long long)q->start), sep = ", ";
    if (q->set & SEQ_INCREMENT)
        sb_addf(out, "%sincrement: %lld", sep, (long long)q->increment), sep = ", ";
    if (q->set & SEQ_MIN)
        sb_addf(out, "%smin: %lld", sep, (long long)q->min), sep = ", ";
    if (q->set & SEQ_MAX)
        sb_addf(out, "%smax: %lld", sep, (long long)q->max), sep = ", ";
    if (q->set & SEQ_CACHE)
        sb_addf(out, "%scache: %lld", sep, (long long)q->cache), sep = ", ";
    if (q->set & SEQ_CYCLE)
        sb_addf(out, "%scycle: true", sep);
}

static void put_field(TableOut *o, StrBuf *out, size_t ci)
{
    const Table *t = o->t;
    const Column *c = &t->columns[ci];
    put_doc(out, "    ", c->comment);
    if (o->col_fk[ci] >= 0) {
        put_ref_field(o, out, (size_t)o->col_fk[ci], c);
        return;
    }
    sb_adds(out, "    ");
    model_strav_name(out, o->a, c->name);
    sb_addch(out, ' ');
    put_type(out, o->a, o->m, &c->type); /* TY_OTHER: introspection already warned */
    if (c->nullable)
        sb_addch(out, '?');
    if (c->def.kind == DEF_STRING && c->type.kind == TY_MONEY && !c->type.ndims) {
        /* adopt2: the language takes a money default as a number only; PostgreSQL prints
         * '$12.50': keep it as the SQL it is */
        StrBuf lit = SB_INIT;
        sql_literal(&lit, c->def.text);
        sb_adds(&lit, "::money");
        Default d = {.kind = DEF_EXPR, .text = sb_str(&lit)};
        put_default(out, &d);
        sb_release(&lit);
    } else {
        put_default(out, &c->def);
    }
    if (!o->pk_done && t->pk.name && single_col(t->pk.cols, t->pk.ncols, c->name) &&
        !t->pk.deferral && !t->pk.comment) { /* adopt2: those are written by @@primary */
        put_named(out, "@primary", t->pk.name, conv_pk(o->a, t));
        o->pk_done = true;
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        const Unique *u = &t->uniques[i];
        if (!o->uq_done[i] && !u->comment && !u->nulls_not_distinct && !u->deferral &&
            single_col(u->cols, u->ncols, c->name)) {
            put_named(out, "@unique", u->name, conv_name(o->a, "uq_", t->name, u->cols, 1, NULL));
            o->uq_done[i] = true;
            break;
        }
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const Index *ix = &t->indexes[i];
        const char *cols[1] = {c->name};
        if (!o->ix_done[i] && plain_index_on(ix, cols, 1)) {
            put_named(out, "@index", ix->name, conv_index(o->a, t, ix));
            o->ix_done[i] = true;
            break;
        }
    }
    if (c->identity)
        sb_adds(out, c->identity == IDENTITY_ALWAYS ? " @identity(always)" : " @identity");
    if (c->seq.set) { /* adopt2 */
        sb_adds(out, " @sequence(");
        put_seqopts(out, &c->seq, true);
        sb_addch(out, ')');
    }
    if (c->collation) { /* adopt2 */
        sb_adds(out, " @collate(");
        put_string(out, c->collation);
        sb_addch(out, ')');
    }
    if (c->generated) {
        sb_adds(out, " @generated(");
        put_string(out, c->generated);
        sb_addch(out, ')');
    }
    sb_addch(out, '\n');
}

static const char *canonical(Arena *a, const char *name, const char *text);

static bool str_same(const char *x, const char *y)
{
    return x == y || (x && y && !strcmp(x, y));
}

static int cmp_dep(const void *p, const void *q)
{
    const OutsideDep *x = p, *y = q;
    int c = strcmp(x->what, y->what);
    if (!c)
        c = strcmp(x->table, y->table);
    if (!c)
        c = !x->column ? (y->column ? -1 : 0) : !y->column ? 1 : strcmp(x->column, y->column);
    return c;
}

const char *model_strav_domain(Arena *a, const Model *m, const char *schema)
{
    if (!schema && !m->nsequences && !m->comment && !m->ndeps)
        return NULL;
    StrBuf out = SB_INIT;
    put_doc(&out, "", m->comment);
    sb_adds(&out, "domain {\n");
    if (schema) {
        sb_adds(&out, "    @@schema(");
        put_string(&out, schema);
        sb_adds(&out, ")\n");
    }
    for (size_t i = 0; i < m->nsequences; i++) {
        const Sequence *q = &m->sequences[i];
        sb_adds(&out, "    @@sequence(");
        model_strav_name(&out, a, q->name);
        put_seqopts(&out, &q->opts, false);
        put_comment_arg(&out, q->comment);
        sb_adds(&out, ")\n");
    }
    /* objects outside the model and what they depend on, one @@depends per object */
    OutsideDep *deps = ARENA_ARRAY(a, OutsideDep, m->ndeps ? m->ndeps : 1);
    if (m->ndeps)
        memcpy(deps, m->deps, m->ndeps * sizeof *deps);
    if (m->ndeps)
        qsort(deps, m->ndeps, sizeof *deps, cmp_dep);
    for (size_t i = 0; i < m->ndeps;) {
        sb_adds(&out, "    @@depends(");
        put_string(&out, deps[i].what);
        sb_adds(&out, ", on:");
        size_t j = i;
        for (; j < m->ndeps && !strcmp(deps[j].what, deps[i].what); j++) {
            if (j > i && !strcmp(deps[j].table, deps[j - 1].table) &&
                str_same(deps[j].column, deps[j - 1].column))
                continue;
            sb_addch(&out, ' ');
            model_strav_name(&out, a, deps[j].table);
            if (deps[j].column) {
                sb_addch(&out, '.');
                model_strav_name(&out, a, deps[j].column);
            }
        }
        sb_adds(&out, ")\n");
        i = j;
    }
    sb_adds(&out, "}\n");
    const char *r = canonical(a, "_domain.strav", sb_str(&out));
    r = arena_strdup(a, r);
    sb_release(&out);
    return r;
}

static void put_index_attr(TableOut *o, StrBuf *out, const Index *ix)
{
    sb_adds(out, "    @@index(");
    for (size_t k = 0; k < ix->nelems; k++) {
        const IndexElem *e = &ix->elems[k];
        if (k)
            sb_adds(out, ", ");
        if (e->column) {
            model_strav_name(out, o->a, e->column);
        } else {
            sb_adds(out, "sql(");
            put_string(out, e->expr);
            sb_addch(out, ')');
        }
        if (e->collation) { /* adopt2 */
            sb_adds(out, " collate ");
            put_string(out, e->collation);
        }
        if (e->opclass)
            sb_addf(out, " %s", e->opclass);
        if (e->desc)
            sb_adds(out, " desc");
        if (e->nulls)
            sb_adds(out, e->nulls == 1 ? " nulls first" : " nulls last");
    }
    if (strcmp(ix->method, "btree"))
        sb_addf(out, ", using: %s", ix->method);
    if (ix->ninclude) { /* adopt2 */
        sb_adds(out, ", include:");
        for (size_t k = 0; k < ix->ninclude; k++) {
            sb_addch(out, ' ');
            model_strav_name(out, o->a, ix->include[k]);
        }
    }
    if (ix->where) {
        sb_adds(out, ", where: ");
        put_string(out, ix->where);
    }
    if (ix->unique)
        sb_adds(out, ", unique: true");
    if (ix->nulls_not_distinct)
        sb_adds(out, ", nulls_not_distinct: true");
    if (strcmp(ix->name, conv_index(o->a, o->t, ix))) {
        sb_adds(out, ", name: ");
        put_string(out, ix->name);
    }
    put_comment_arg(out, ix->comment);
    sb_adds(out, ")\n");
}

/* ---- types branch: partitioning and SQL domains ------------------------------------------ */

/* "RANGE (a, b)" -> "range, a, b"; an expression key is written as one sql('...'). */
static void put_partition_attrs(TableOut *o, StrBuf *out)
{
    const Table *t = o->t;
    if (t->partition_by) {
        const char *k = t->partition_by, *sp = strchr(k, ' ');
        size_t klen = strlen(k);
        sb_adds(out, "    @@partition_by(");
        for (const char *p = k; p < sp; p++)
            sb_addch(out, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
        sb_adds(out, ", ");
        /* the key list between the parentheses: plain column names, else one expression */
        const char *in = sp + 2;
        size_t inlen = klen - (size_t)(in - k) - 1;
        bool plain = true;
        for (size_t i = 0; i < inlen; i++) {
            char ch = in[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == ',' ||
                  ch == ' '))
                plain = false;
        }
        if (plain) {
            sb_addf(out, "%.*s", (int)inlen, in);
        } else {
            sb_adds(out, "sql(");
            char *e = arena_strndup(o->a, in, inlen);
            put_string(out, e);
            sb_addch(out, ')');
        }
        sb_adds(out, ")\n");
    }
    if (t->partition_of) {
        sb_adds(out, "    @@partition_of(");
        model_strav_name(out, o->a, t->partition_of);
        if (!partbound_to_strav(out, t->partition_bound)) {
            sb_adds(out, ", bound: ");
            put_string(out, t->partition_bound);
        }
        sb_adds(out, ")\n");
    }
}

static void put_exclusions(TableOut *o, StrBuf *out)
{
    const Table *t = o->t;
    for (size_t i = 0; i < t->nexcludes; i++) {
        const Exclusion *x = &t->excludes[i];
        sb_adds(out, "    @@exclude(");
        const char **names = ARENA_ARRAY(o->a, const char *, x->nelems);
        for (size_t j = 0; j < x->nelems; j++) {
            const ExcludeElem *e = &x->elems[j];
            if (j)
                sb_adds(out, ", ");
            if (e->column) {
                model_strav_name(out, o->a, e->column);
                names[j] = e->column;
            } else {
                sb_adds(out, "sql(");
                put_string(out, e->expr);
                sb_addch(out, ')');
                char h[9];
                name_hash8(h, e->expr, strlen(e->expr));
                names[j] = arena_strdup(o->a, h);
            }
            sb_adds(out, " with ");
            put_string(out, e->op);
        }
        if (strcmp(x->method, "gist"))
            sb_addf(out, ", using: %s", x->method);
        if (x->where) {
            sb_adds(out, ", where: ");
            put_string(out, x->where);
        }
        if (x->deferral)
            sb_adds(out, x->deferral == DEFER_DEFERRED ? ", deferrable: deferred"
                                                       : ", deferrable: true");
        if (strcmp(x->name, conv_name(o->a, "ex_", t->name, names, x->nelems, NULL))) {
            sb_adds(out, ", name: ");
            put_string(out, x->name);
        }
        put_comment_arg(out, x->comment);
        sb_adds(out, ")\n");
    }
}

static const char *write_dtype(Arena *a, const Model *m, const DomainType *dt)
{
    StrBuf out = SB_INIT;
    put_doc(&out, "", dt->comment);
    sb_adds(&out, "domain ");
    put_type_name(&out, a, dt->name);
    sb_addch(&out, ' ');
    put_type(&out, a, m, &dt->base);
    if (dt->nullable)
        sb_addch(&out, '?');
    put_default(&out, &dt->def);
    sb_adds(&out, " {\n");
    for (size_t i = 0; i < dt->nchecks; i++) {
        sb_adds(&out, "    @@check(");
        put_string(&out, dt->checks[i].expr);
        sb_adds(&out, ", name: ");
        put_string(&out, dt->checks[i].name);
        sb_adds(&out, ")\n");
    }
    sb_adds(&out, "}\n");
    const char *r = arena_strdup(a, sb_str(&out));
    sb_release(&out);
    return r;
}

static const char *write_ctype(Arena *a, const Model *m, const CompositeType *ct)
{
    StrBuf out = SB_INIT;
    put_doc(&out, "", ct->comment);
    sb_adds(&out, "type ");
    put_type_name(&out, a, ct->name);
    sb_adds(&out, " {\n");
    for (size_t i = 0; i < ct->nattrs; i++) {
        sb_adds(&out, "    ");
        model_strav_name(&out, a, ct->attrs[i].name);
        sb_addch(&out, ' ');
        put_type(&out, a, m, &ct->attrs[i].type);
        sb_addch(&out, '\n');
    }
    sb_adds(&out, "}\n");
    const char *r = arena_strdup(a, sb_str(&out));
    sb_release(&out);
    return r;
}

static void put_table_attrs(TableOut *o, StrBuf *out)
{
    const Table *t = o->t;
    if (!o->pk_done && t->pk.name) {
        sb_adds(out, "    @@primary(");
        put_name_list(out, o->a, t->pk.cols, t->pk.ncols);
        if (strcmp(t->pk.name, conv_pk(o->a, t))) {
            sb_adds(out, ", name: ");
            put_string(out, t->pk.name);
        }
        if (t->pk.deferral) /* adopt2 */
            sb_adds(out, t->pk.deferral == DEFER_DEFERRED ? ", deferrable: deferred"
                                                          : ", deferrable: true");
        put_comment_arg(out, t->pk.comment);
        sb_adds(out, ")\n");
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        const Unique *u = &t->uniques[i];
        if (o->uq_done[i])
            continue;
        sb_adds(out, "    @@unique(");
        put_name_list(out, o->a, u->cols, u->ncols);
        if (strcmp(u->name, conv_name(o->a, "uq_", t->name, u->cols, u->ncols, NULL))) {
            sb_adds(out, ", name: ");
            put_string(out, u->name);
        }
        if (u->nulls_not_distinct)
            sb_adds(out, ", nulls_not_distinct: true");
        if (u->deferral)
            sb_adds(out, u->deferral == DEFER_DEFERRED ? ", deferrable: deferred" : ", deferrable: true");
        put_comment_arg(out, u->comment);
        sb_adds(out, ")\n");
    }
    for (size_t i = 0; i < t->nindexes; i++)
        if (!o->ix_done[i])
            put_index_attr(o, out, &t->indexes[i]);
    for (size_t i = 0; i < t->nfks; i++)
        if (!o->fk_field[i])
            put_foreign_attr(o, out, &t->fks[i]);
    for (size_t i = 0; i < t->nchecks; i++) {
        sb_adds(out, "    @@check(");
        put_string(out, t->checks[i].expr);
        sb_adds(out, ", name: ");
        put_string(out, t->checks[i].name);
        if (t->checks[i].no_inherit) /* adopt2 */
            sb_adds(out, ", no_inherit: true");
        if (t->checks[i].not_valid)
            sb_adds(out, ", not_valid: true");
        put_comment_arg(out, t->checks[i].comment);
        sb_adds(out, ")\n");
    }
    put_exclusions(o, out); /* types branch */
    put_partition_attrs(o, out);
}

static const char *write_table(Arena *a, const Model *m, const Table *t, StrBuf *warn)
{
    TableOut o = {.a = a, .m = m, .t = t, .warn = warn};
    o.col_fk = ARENA_ARRAY(a, int, t->ncolumns);
    for (size_t i = 0; i < t->ncolumns; i++)
        o.col_fk[i] = -1;
    o.fk_field = ARENA_ARRAY(a, const char *, t->nfks);
    o.fk_noindex = ARENA_ARRAY(a, bool, t->nfks);
    o.ix_done = ARENA_ARRAY(a, bool, t->nindexes);
    o.uq_done = ARENA_ARRAY(a, bool, t->nuniques);
    classify(&o);
    for (size_t k = 0; k < t->nfks; k++)
        plan_ref(&o, k);
    StrBuf out = SB_INIT;
    put_doc(&out, "", t->comment);
    sb_addf(&out, "%s ", archetype_name(o.arch));
    model_strav_name(&out, a, t->name);
    sb_adds(&out, " {\n");
    for (size_t i = o.first; i < o.last; i++)
        if (o.col_fk[i] != -2)
            put_field(&o, &out, i);
    put_table_attrs(&o, &out);
    sb_adds(&out, "}\n");
    const char *r = arena_strdup(a, sb_str(&out));
    sb_release(&out);
    return r;
}

/* ---- enums and files -------------------------------------------------------------------- */

static const char *write_enum(Arena *a, const Enum *e)
{
    StrBuf out = SB_INIT;
    put_doc(&out, "", e->comment);
    sb_adds(&out, "enum ");
    model_strav_name(&out, a, e->name);
    sb_adds(&out, " {\n");
    for (size_t i = 0; i < e->nvalues; i++) {
        const char *v = e->values[i].name;
        sb_adds(&out, "    ");
        if (sql_ident_is_plain(v) && !is_lang_keyword(v))
            sb_adds(&out, v);
        else
            put_string(&out, v);
        sb_addch(&out, '\n');
    }
    sb_adds(&out, "}\n");
    const char *r = arena_strdup(a, sb_str(&out));
    sb_release(&out);
    return r;
}

const char *model_strav_file_name(Arena *a, const char *name, const char *ext)
{
    StrBuf sb = SB_INIT;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        sb_addch(&sb, ok ? ch : '_');
    }
    sb_adds(&sb, ext);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

/* The formatter's canonical layout (alignment, indentation) of text; text itself when it does
 * not parse (a TY_OTHER type spelled with spaces, say), so the compiler reports it instead. */
static const char *canonical(Arena *a, const char *name, const char *text)
{
    Source *src = source_from_mem(name, text, strlen(text));
    Arena pa;
    arena_init(&pa);
    Diag d;
    diag_init(&d);
    AstFile *f = parse_file(&pa, src, &d);
    const char *r = text;
    if (!diag_count_errors(&d)) {
        StrBuf out = SB_INIT;
        fmt_file(&out, f);
        r = arena_strdup(a, sb_str(&out));
        sb_release(&out);
    }
    diag_release(&d);
    arena_free(&pa);
    source_free(src);
    return r;
}

static int cmp_file(const void *x, const void *y)
{
    return strcmp(((const ModelStravFile *)x)->name, ((const ModelStravFile *)y)->name);
}

void model_strav_write(Arena *a, const Model *m, ModelStravFile **out, size_t *n, StrBuf *warn)
{
    size_t total = m->ntables + m->nenums + m->nobjects /* objects (issue 14) */ + m->ndtypes +
                   m->nctypes;
    ModelStravFile *files = ARENA_ARRAY(a, ModelStravFile, total ? total : 1);
    size_t k = 0;
    for (size_t i = 0; i < m->nenums; i++)
        files[k++] = (ModelStravFile){model_strav_file_name(a, m->enums[i].name, ".enum.strav"),
                                      write_enum(a, &m->enums[i])};
    for (size_t i = 0; i < m->ndtypes; i++) /* types branch */
        files[k++] = (ModelStravFile){model_strav_file_name(a, m->dtypes[i].name, ".domain.strav"),
                                      write_dtype(a, m, &m->dtypes[i])};
    for (size_t i = 0; i < m->nctypes; i++)
        files[k++] = (ModelStravFile){model_strav_file_name(a, m->ctypes[i].name, ".type.strav"),
                                      write_ctype(a, m, &m->ctypes[i])};
    for (size_t i = 0; i < m->ntables; i++)
        files[k++] = (ModelStravFile){model_strav_file_name(a, m->tables[i].name, ".strav"),
                                      write_table(a, m, &m->tables[i], warn)};
    /* objects (issue 14): views, functions, triggers, policies, extensions */
    k += model_strav_objects(a, m, files + k);
    for (size_t i = 0; i < k; i++)
        files[i].text = canonical(a, files[i].name, files[i].text);
    if (k)
        qsort(files, k, sizeof *files, cmp_file);
    /* Names that sanitise to the same file get a numeric suffix, in sorted order. */
    for (size_t i = 1; i < k; i++)
        if (!strcmp(files[i].name, files[i - 1].name))
            files[i].name = arena_printf(a, "%zu_%s", i, files[i].name);
    *out = files;
    *n = k;
}
