/*
 * model_json.c - Model <-> JSON with jansson (format: docs/model-json.md). Writing builds a
 * json_t tree in a fixed key order and dumps it with a 2-space indent; optional members are
 * omitted when they hold their default, so snapshots stay small and diffs stay readable.
 * Reading is strict: unknown kinds and wrong member types are errors naming the JSON path.
 */
#include "model_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---------------------------------------------------------------- writing */

static const char *const default_kinds[] = {"none", "string", "number", "bool", "null", "expr"};
static const char *const fk_actions[] = {"noAction", "restrict", "cascade", "setNull",
                                         "setDefault"};
static const char *const identities[] = {"none", "always", "byDefault"};
static const char *const validator_kinds[] = {"email", "url", "min", "max", "length", "regex"};
static const char *const archetypes[] = {"entity",        "component",    "attribute",
                                         "association",   "event",        "reference",
                                         "configuration", "contribution", "table"};

static void set(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

static void set_str_opt(json_t *o, const char *key, const char *s)
{
    if (s)
        set(o, key, json_string(s));
}

static json_t *str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *type_json(const SqlType *t)
{
    json_t *o = json_object();
    set(o, "kind", json_string(type_kind_name(t->kind)));
    if (t->length >= 0)
        set(o, "length", json_integer(t->length));
    if (t->precision >= 0)
        set(o, "precision", json_integer(t->precision));
    if (t->scale >= 0)
        set(o, "scale", json_integer(t->scale));
    if (t->ndims > 0)
        set(o, "dims", json_integer(t->ndims));
    set_str_opt(o, "enum", t->enum_name);
    set_str_opt(o, "enumSchema", t->enum_schema);
    set_str_opt(o, "other", t->other);
    return o;
}

static json_t *default_json(const Default *d)
{
    json_t *o = json_object();
    set(o, "kind", json_string(default_kinds[d->kind]));
    if (d->kind != DEF_NONE && d->kind != DEF_NULL)
        set(o, "text", json_string(d->text ? d->text : ""));
    return o;
}

static json_t *column_json(const Column *c)
{
    json_t *o = json_object();
    set(o, "name", json_string(c->name));
    set(o, "type", type_json(&c->type));
    set(o, "nullable", json_boolean(c->nullable));
    if (c->def.kind != DEF_NONE)
        set(o, "default", default_json(&c->def));
    if (c->identity != IDENTITY_NONE)
        set(o, "identity", json_string(identities[c->identity]));
    set_str_opt(o, "generated", c->generated);
    set_str_opt(o, "comment", c->comment);
    if (c->sensitive)
        set(o, "sensitive", json_true());
    if (c->nvalidators) {
        json_t *a = json_array();
        for (size_t i = 0; i < c->nvalidators; i++) {
            const Validator *v = &c->validators[i];
            json_t *vo = json_object();
            set(vo, "kind", json_string(validator_kinds[v->kind]));
            set_str_opt(vo, "arg1", v->arg1);
            set_str_opt(vo, "arg2", v->arg2);
            json_array_append_new(a, vo);
        }
        set(o, "validators", a);
    }
    if (c->nwas)
        set(o, "was", str_array(c->was, c->nwas));
    if (c->backfill.kind != DEF_NONE)
        set(o, "backfill", default_json(&c->backfill));
    return o;
}

static json_t *table_json(const Table *t)
{
    json_t *o = json_object();
    set(o, "name", json_string(t->name));
    set(o, "archetype", json_string(archetypes[t->archetype]));
    set_str_opt(o, "comment", t->comment);
    json_t *cols = json_array();
    for (size_t i = 0; i < t->ncolumns; i++)
        json_array_append_new(cols, column_json(&t->columns[i]));
    set(o, "columns", cols);
    if (t->pk.name) {
        json_t *pk = json_object();
        set(pk, "name", json_string(t->pk.name));
        set(pk, "columns", str_array(t->pk.cols, t->pk.ncols));
        set(o, "primaryKey", pk);
    }
    if (t->nfks) {
        json_t *a = json_array();
        for (size_t i = 0; i < t->nfks; i++) {
            const ForeignKey *fk = &t->fks[i];
            json_t *fo = json_object();
            set(fo, "name", json_string(fk->name));
            set(fo, "columns", str_array(fk->cols, fk->ncols));
            set_str_opt(fo, "refSchema", fk->ref_schema);
            set(fo, "refTable", json_string(fk->ref_table));
            set(fo, "refColumns", str_array(fk->ref_cols, fk->ncols));
            set(fo, "onDelete", json_string(fk_actions[fk->on_delete]));
            set(fo, "onUpdate", json_string(fk_actions[fk->on_update]));
            json_array_append_new(a, fo);
        }
        set(o, "foreignKeys", a);
    }
    if (t->nuniques) {
        json_t *a = json_array();
        for (size_t i = 0; i < t->nuniques; i++) {
            json_t *uo = json_object();
            set(uo, "name", json_string(t->uniques[i].name));
            set(uo, "columns", str_array(t->uniques[i].cols, t->uniques[i].ncols));
            json_array_append_new(a, uo);
        }
        set(o, "uniques", a);
    }
    if (t->nchecks) {
        json_t *a = json_array();
        for (size_t i = 0; i < t->nchecks; i++) {
            json_t *co = json_object();
            set(co, "name", json_string(t->checks[i].name));
            set(co, "expr", json_string(t->checks[i].expr));
            json_array_append_new(a, co);
        }
        set(o, "checks", a);
    }
    if (t->nindexes) {
        json_t *a = json_array();
        for (size_t i = 0; i < t->nindexes; i++) {
            const Index *ix = &t->indexes[i];
            json_t *io = json_object();
            set(io, "name", json_string(ix->name));
            if (ix->unique)
                set(io, "unique", json_true());
            set(io, "method", json_string(ix->method ? ix->method : "btree"));
            json_t *els = json_array();
            for (size_t j = 0; j < ix->nelems; j++) {
                const IndexElem *e = &ix->elems[j];
                json_t *eo = json_object();
                set_str_opt(eo, "column", e->column);
                set_str_opt(eo, "expr", e->expr);
                if (e->desc)
                    set(eo, "desc", json_true());
                if (e->nulls)
                    set(eo, "nulls", json_string(e->nulls == 1 ? "first" : "last"));
                json_array_append_new(els, eo);
            }
            set(io, "elements", els);
            set_str_opt(io, "where", ix->where);
            json_array_append_new(a, io);
        }
        set(o, "indexes", a);
    }
    if (t->nwas)
        set(o, "was", str_array(t->was, t->nwas));
    set_str_opt(o, "asA", t->as_a);
    set_str_opt(o, "asB", t->as_b);
    return o;
}

static json_t *enum_json(const Enum *e)
{
    json_t *o = json_object();
    set(o, "name", json_string(e->name));
    set_str_opt(o, "comment", e->comment);
    json_t *vals = json_array();
    for (size_t i = 0; i < e->nvalues; i++) {
        const EnumValue *v = &e->values[i];
        if (!v->nwas) {
            json_array_append_new(vals, json_string(v->name));
            continue;
        }
        json_t *vo = json_object();
        set(vo, "name", json_string(v->name));
        set(vo, "was", str_array(v->was, v->nwas));
        json_array_append_new(vals, vo);
    }
    set(o, "values", vals);
    if (e->nwas)
        set(o, "was", str_array(e->was, e->nwas));
    return o;
}

static json_t *model_json(const Model *m)
{
    json_t *o = json_object();
    set(o, "domain", json_string(m->domain ? m->domain : "public"));
    set(o, "schema", json_string(m->schema ? m->schema : "public"));
    if (m->per_tenant || m->tenants.query || m->tenants.pattern) {
        json_t *t = json_object();
        set_str_opt(t, "query", m->tenants.query);
        set_str_opt(t, "pattern", m->tenants.pattern);
        set(o, "tenants", t);
    } else {
        set(o, "tenants", json_null());
    }
    json_t *enums = json_array();
    for (size_t i = 0; i < m->nenums; i++)
        json_array_append_new(enums, enum_json(&m->enums[i]));
    set(o, "enums", enums);
    json_t *tables = json_array();
    for (size_t i = 0; i < m->ntables; i++)
        json_array_append_new(tables, table_json(&m->tables[i]));
    set(o, "tables", tables);
    return o;
}

static void dump(StrBuf *out, json_t *root)
{
    char *s = json_dumps(root, JSON_INDENT(2));
    if (!s)
        BUG("json_dumps failed");
    sb_adds(out, s);
    sb_addch(out, '\n');
    free(s);
    json_decref(root);
}

void model_json_write(StrBuf *out, const Model *m)
{
    dump(out, model_json(m));
}

void project_json_write(StrBuf *out, const Project *p)
{
    json_t *root = json_object();
    json_t *a = json_array();
    for (size_t i = 0; i < p->ndomains; i++)
        json_array_append_new(a, model_json(&p->domains[i]));
    set(root, "domains", a);
    dump(out, root);
}

/* ---------------------------------------------------------------- reading */

typedef struct Reader {
    Arena *a;
    const char *path;
    Diag *d;
    bool failed;
} Reader;

static void fail(Reader *r, const char *where, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void fail(Reader *r, const char *where, const char *fmt, ...)
{
    if (r->failed)
        return; /* the first error is the useful one */
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_global(r->d, DIAG_ERROR, "%s: %s: %s", r->path, where, msg);
    r->failed = true;
}

/* Member `key` of o as a string; NULL when absent or null (an error when required). */
static const char *get_str(Reader *r, json_t *o, const char *key, bool required, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            fail(r, where, "missing string member '%s'", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        fail(r, where, "member '%s' must be a string", key);
        return NULL;
    }
    return arena_strndup(r->a, json_string_value(v), json_string_length(v));
}

static bool get_bool(Reader *r, json_t *o, const char *key, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        fail(r, where, "member '%s' must be true or false", key);
        return false;
    }
    return json_is_true(v);
}

static int32_t get_int(Reader *r, json_t *o, const char *key, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return -1;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX) {
        fail(r, where, "member '%s' must be a non-negative integer", key);
        return -1;
    }
    return (int32_t)json_integer_value(v);
}

/* Member `key` as an array (empty array when absent). */
static json_t *get_array(Reader *r, json_t *o, const char *key, bool required, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            fail(r, where, "missing array member '%s'", key);
        return NULL;
    }
    if (!json_is_array(v)) {
        fail(r, where, "member '%s' must be an array", key);
        return NULL;
    }
    return v;
}

static int lookup(Reader *r, const char *const *names, size_t n, const char *s, const char *what,
                  const char *where)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    fail(r, where, "unknown %s '%s'", what, s);
    return 0;
}

static const char **read_strs(Reader *r, json_t *o, const char *key, size_t *n, const char *where)
{
    json_t *a = get_array(r, o, key, false, where);
    *n = a ? json_array_size(a) : 0;
    if (!*n)
        return NULL;
    const char **v = ARENA_ARRAY(r->a, const char *, *n);
    for (size_t i = 0; i < *n; i++) {
        json_t *s = json_array_get(a, i);
        if (!json_is_string(s)) {
            fail(r, where, "'%s' must hold strings", key);
            *n = 0;
            return NULL;
        }
        v[i] = arena_strndup(r->a, json_string_value(s), json_string_length(s));
    }
    return v;
}

static void read_type(Reader *r, json_t *o, SqlType *t, const char *where)
{
    if (!json_is_object(o)) {
        fail(r, where, "'type' must be an object");
        return;
    }
    const char *kind = get_str(r, o, "kind", true, where);
    if (!kind)
        return;
    if (!strcmp(kind, "enum"))
        t->kind = TY_ENUM;
    else if (!strcmp(kind, "other"))
        t->kind = TY_OTHER;
    else if (!type_kind_from_name(kind, &t->kind) || strcmp(type_kind_name(t->kind), kind))
        fail(r, where, "unknown type kind '%s'", kind);
    t->length = get_int(r, o, "length", where);
    t->precision = get_int(r, o, "precision", where);
    t->scale = get_int(r, o, "scale", where);
    int32_t dims = get_int(r, o, "dims", where);
    t->ndims = dims < 0 ? 0 : dims;
    t->enum_name = get_str(r, o, "enum", t->kind == TY_ENUM, where);
    t->enum_schema = get_str(r, o, "enumSchema", false, where);
    t->other = get_str(r, o, "other", t->kind == TY_OTHER, where);
}

static void read_default(Reader *r, json_t *o, const char *key, Default *d, const char *where)
{
    json_t *v = json_object_get(o, key);
    d->kind = DEF_NONE;
    if (!v || json_is_null(v))
        return;
    if (!json_is_object(v)) {
        fail(r, where, "'%s' must be an object", key);
        return;
    }
    d->kind = (DefaultKind)lookup(r, default_kinds, ARRAY_LEN(default_kinds),
                                  get_str(r, v, "kind", true, where), "default kind", where);
    if (d->kind != DEF_NONE && d->kind != DEF_NULL)
        d->text = get_str(r, v, "text", true, where);
}

static void read_column(Reader *r, json_t *o, Column *c, const char *table)
{
    char where[256];
    snprintf(where, sizeof where, "table '%s'", table);
    if (!json_is_object(o)) {
        fail(r, where, "a column must be an object");
        return;
    }
    c->name = get_str(r, o, "name", true, where);
    snprintf(where, sizeof where, "column '%s.%s'", table, c->name ? c->name : "?");
    json_t *t = json_object_get(o, "type");
    if (!t)
        fail(r, where, "missing member 'type'");
    else
        read_type(r, t, &c->type, where);
    json_t *nl = json_object_get(o, "nullable");
    if (!json_is_boolean(nl))
        fail(r, where, "member 'nullable' must be true or false");
    c->nullable = json_is_true(nl);
    read_default(r, o, "default", &c->def, where);
    c->identity = (Identity)lookup(r, identities, ARRAY_LEN(identities),
                                   get_str(r, o, "identity", false, where), "identity", where);
    c->generated = get_str(r, o, "generated", false, where);
    c->comment = get_str(r, o, "comment", false, where);
    c->sensitive = get_bool(r, o, "sensitive", where);
    json_t *vals = get_array(r, o, "validators", false, where);
    c->nvalidators = vals ? json_array_size(vals) : 0;
    if (c->nvalidators) {
        c->validators = ARENA_ARRAY(r->a, Validator, c->nvalidators);
        for (size_t i = 0; i < c->nvalidators; i++) {
            json_t *vo = json_array_get(vals, i);
            Validator *v = &c->validators[i];
            v->kind = (ValidatorKind)lookup(r, validator_kinds, ARRAY_LEN(validator_kinds),
                                            get_str(r, vo, "kind", true, where), "validator",
                                            where);
            v->arg1 = get_str(r, vo, "arg1", false, where);
            v->arg2 = get_str(r, vo, "arg2", false, where);
        }
    }
    c->was = read_strs(r, o, "was", &c->nwas, where);
    read_default(r, o, "backfill", &c->backfill, where);
}

static void read_table(Reader *r, json_t *o, Table *t)
{
    if (!json_is_object(o)) {
        fail(r, "tables", "a table must be an object");
        return;
    }
    t->name = get_str(r, o, "name", true, "tables");
    if (!t->name)
        return;
    char where[256];
    snprintf(where, sizeof where, "table '%s'", t->name);
    t->archetype = (Archetype)lookup(r, archetypes, ARRAY_LEN(archetypes),
                                     get_str(r, o, "archetype", false, where), "archetype", where);
    t->comment = get_str(r, o, "comment", false, where);
    json_t *cols = get_array(r, o, "columns", true, where);
    t->ncolumns = cols ? json_array_size(cols) : 0;
    t->columns = ARENA_ARRAY(r->a, Column, t->ncolumns ? t->ncolumns : 1);
    for (size_t i = 0; i < t->ncolumns; i++)
        read_column(r, json_array_get(cols, i), &t->columns[i], t->name);

    json_t *pk = json_object_get(o, "primaryKey");
    if (pk && !json_is_null(pk)) {
        t->pk.name = get_str(r, pk, "name", true, where);
        t->pk.cols = read_strs(r, pk, "columns", &t->pk.ncols, where);
    }

    json_t *a = get_array(r, o, "foreignKeys", false, where);
    t->nfks = a ? json_array_size(a) : 0;
    t->fks = t->nfks ? ARENA_ARRAY(r->a, ForeignKey, t->nfks) : NULL;
    for (size_t i = 0; i < t->nfks; i++) {
        json_t *fo = json_array_get(a, i);
        ForeignKey *fk = &t->fks[i];
        fk->name = get_str(r, fo, "name", true, where);
        fk->cols = read_strs(r, fo, "columns", &fk->ncols, where);
        fk->ref_schema = get_str(r, fo, "refSchema", false, where);
        fk->ref_table = get_str(r, fo, "refTable", true, where);
        size_t nref = 0;
        fk->ref_cols = read_strs(r, fo, "refColumns", &nref, where);
        if (nref != fk->ncols)
            fail(r, where, "foreign key '%s': columns and refColumns differ in length",
                 fk->name ? fk->name : "?");
        fk->on_delete = (FkAction)lookup(r, fk_actions, ARRAY_LEN(fk_actions),
                                         get_str(r, fo, "onDelete", false, where), "action", where);
        fk->on_update = (FkAction)lookup(r, fk_actions, ARRAY_LEN(fk_actions),
                                         get_str(r, fo, "onUpdate", false, where), "action", where);
    }

    a = get_array(r, o, "uniques", false, where);
    t->nuniques = a ? json_array_size(a) : 0;
    t->uniques = t->nuniques ? ARENA_ARRAY(r->a, Unique, t->nuniques) : NULL;
    for (size_t i = 0; i < t->nuniques; i++) {
        json_t *uo = json_array_get(a, i);
        t->uniques[i].name = get_str(r, uo, "name", true, where);
        t->uniques[i].cols = read_strs(r, uo, "columns", &t->uniques[i].ncols, where);
    }

    a = get_array(r, o, "checks", false, where);
    t->nchecks = a ? json_array_size(a) : 0;
    t->checks = t->nchecks ? ARENA_ARRAY(r->a, Check, t->nchecks) : NULL;
    for (size_t i = 0; i < t->nchecks; i++) {
        json_t *co = json_array_get(a, i);
        t->checks[i].name = get_str(r, co, "name", true, where);
        t->checks[i].expr = get_str(r, co, "expr", true, where);
    }

    a = get_array(r, o, "indexes", false, where);
    t->nindexes = a ? json_array_size(a) : 0;
    t->indexes = t->nindexes ? ARENA_ARRAY(r->a, Index, t->nindexes) : NULL;
    for (size_t i = 0; i < t->nindexes; i++) {
        json_t *io = json_array_get(a, i);
        Index *ix = &t->indexes[i];
        ix->name = get_str(r, io, "name", true, where);
        ix->unique = get_bool(r, io, "unique", where);
        ix->method = get_str(r, io, "method", false, where);
        if (!ix->method)
            ix->method = "btree";
        json_t *els = get_array(r, io, "elements", true, where);
        ix->nelems = els ? json_array_size(els) : 0;
        ix->elems = ix->nelems ? ARENA_ARRAY(r->a, IndexElem, ix->nelems) : NULL;
        for (size_t j = 0; j < ix->nelems; j++) {
            json_t *eo = json_array_get(els, j);
            IndexElem *e = &ix->elems[j];
            e->column = get_str(r, eo, "column", false, where);
            e->expr = get_str(r, eo, "expr", false, where);
            if (!e->column == !e->expr)
                fail(r, where, "index '%s': an element has exactly one of 'column' and 'expr'",
                     ix->name ? ix->name : "?");
            e->desc = get_bool(r, eo, "desc", where);
            const char *nulls = get_str(r, eo, "nulls", false, where);
            if (nulls) {
                static const char *const nn[] = {"default", "first", "last"};
                e->nulls = lookup(r, nn, ARRAY_LEN(nn), nulls, "nulls order", where);
            }
        }
        ix->where = get_str(r, io, "where", false, where);
    }
    t->was = read_strs(r, o, "was", &t->nwas, where);
    t->as_a = get_str(r, o, "asA", false, where);
    t->as_b = get_str(r, o, "asB", false, where);
}

static void read_enum(Reader *r, json_t *o, Enum *e)
{
    if (!json_is_object(o)) {
        fail(r, "enums", "an enum must be an object");
        return;
    }
    e->name = get_str(r, o, "name", true, "enums");
    if (!e->name)
        return;
    char where[256];
    snprintf(where, sizeof where, "enum '%s'", e->name);
    e->comment = get_str(r, o, "comment", false, where);
    json_t *vals = get_array(r, o, "values", true, where);
    e->nvalues = vals ? json_array_size(vals) : 0;
    e->values = e->nvalues ? ARENA_ARRAY(r->a, EnumValue, e->nvalues) : NULL;
    for (size_t i = 0; i < e->nvalues; i++) {
        json_t *v = json_array_get(vals, i);
        EnumValue *ev = &e->values[i];
        if (json_is_string(v)) {
            ev->name = arena_strndup(r->a, json_string_value(v), json_string_length(v));
        } else if (json_is_object(v)) {
            ev->name = get_str(r, v, "name", true, where);
            ev->was = read_strs(r, v, "was", &ev->nwas, where);
        } else {
            fail(r, where, "a value must be a string or an object");
        }
    }
    e->was = read_strs(r, o, "was", &e->nwas, where);
}

bool model_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                     Diag *d)
{
    Reader r = {a, path, d, false};
    memset(out, 0, sizeof *out);
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        diag_global(d, DIAG_ERROR, "%s:%d:%d: %s", path, err.line, err.column, err.text);
        return false;
    }
    if (!json_is_object(root)) {
        fail(&r, "model", "the top level must be an object");
        json_decref(root);
        return false;
    }
    out->domain = get_str(&r, root, "domain", true, "model");
    out->schema = get_str(&r, root, "schema", true, "model");
    json_t *ten = json_object_get(root, "tenants");
    if (ten && !json_is_null(ten)) {
        out->per_tenant = true;
        out->tenants.query = get_str(&r, ten, "query", false, "tenants");
        out->tenants.pattern = get_str(&r, ten, "pattern", false, "tenants");
    }
    json_t *enums = get_array(&r, root, "enums", false, "model");
    out->nenums = enums ? json_array_size(enums) : 0;
    out->enums = out->nenums ? ARENA_ARRAY(a, Enum, out->nenums) : NULL;
    for (size_t i = 0; i < out->nenums && !r.failed; i++)
        read_enum(&r, json_array_get(enums, i), &out->enums[i]);
    json_t *tables = get_array(&r, root, "tables", false, "model");
    out->ntables = tables ? json_array_size(tables) : 0;
    out->tables = out->ntables ? ARENA_ARRAY(a, Table, out->ntables) : NULL;
    for (size_t i = 0; i < out->ntables && !r.failed; i++)
        read_table(&r, json_array_get(tables, i), &out->tables[i]);
    json_decref(root);
    if (r.failed)
        return false;
    model_sort(out);
    return true;
}
