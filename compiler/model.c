/*
 * model.c - helpers over the typed model (model.h): the type table, type equality and SQL
 * spelling, default equality, lookups and sorting. Used by sema, diff, emit and introspection.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "sqlquote.h"
#include "strbuf.h"

/* ORDER TY_KIND */
static const struct {
    const char *name; /* canonical name in the language and in model JSON */
    const char *sql;  /* SQL spelling */
} types[TY__COUNT] = {
    [TY_SMALLINT] = {"smallint", "SMALLINT"},
    [TY_INTEGER] = {"integer", "INTEGER"},
    [TY_BIGINT] = {"bigint", "BIGINT"},
    [TY_SMALLSERIAL] = {"smallserial", "SMALLSERIAL"},
    [TY_SERIAL] = {"serial", "SERIAL"},
    [TY_BIGSERIAL] = {"bigserial", "BIGSERIAL"},
    [TY_NUMERIC] = {"numeric", "NUMERIC"},
    [TY_REAL] = {"real", "REAL"},
    [TY_DOUBLE] = {"double", "DOUBLE PRECISION"},
    [TY_MONEY] = {"money", "MONEY"},
    [TY_VARCHAR] = {"varchar", "VARCHAR"},
    [TY_CHAR] = {"char", "CHAR"},
    [TY_TEXT] = {"text", "TEXT"},
    [TY_BYTEA] = {"bytea", "BYTEA"},
    [TY_TIMESTAMP] = {"timestamp", "TIMESTAMP"},
    [TY_TIMESTAMPTZ] = {"timestamptz", "TIMESTAMPTZ"},
    [TY_DATE] = {"date", "DATE"},
    [TY_TIME] = {"time", "TIME"},
    [TY_TIMETZ] = {"timetz", "TIMETZ"},
    [TY_INTERVAL] = {"interval", "INTERVAL"},
    [TY_BOOLEAN] = {"boolean", "BOOLEAN"},
    [TY_UUID] = {"uuid", "UUID"},
    [TY_POINT] = {"point", "POINT"},
    [TY_LINE] = {"line", "LINE"},
    [TY_LSEG] = {"lseg", "LSEG"},
    [TY_BOX] = {"box", "BOX"},
    [TY_PATH] = {"path", "PATH"},
    [TY_POLYGON] = {"polygon", "POLYGON"},
    [TY_CIRCLE] = {"circle", "CIRCLE"},
    [TY_INET] = {"inet", "INET"},
    [TY_CIDR] = {"cidr", "CIDR"},
    [TY_MACADDR] = {"macaddr", "MACADDR"},
    [TY_MACADDR8] = {"macaddr8", "MACADDR8"},
    [TY_BIT] = {"bit", "BIT"},
    [TY_VARBIT] = {"varbit", "VARBIT"},
    [TY_TSVECTOR] = {"tsvector", "TSVECTOR"},
    [TY_TSQUERY] = {"tsquery", "TSQUERY"},
    [TY_JSON] = {"json", "JSON"},
    [TY_JSONB] = {"jsonb", "JSONB"},
    [TY_INT4RANGE] = {"int4range", "INT4RANGE"},
    [TY_INT8RANGE] = {"int8range", "INT8RANGE"},
    [TY_NUMRANGE] = {"numrange", "NUMRANGE"},
    [TY_TSRANGE] = {"tsrange", "TSRANGE"},
    [TY_TSTZRANGE] = {"tstzrange", "TSTZRANGE"},
    [TY_DATERANGE] = {"daterange", "DATERANGE"},
    [TY_XML] = {"xml", "XML"},
    [TY_ENUM] = {"enum", NULL},
    [TY_OTHER] = {"other", NULL},
};

/* Aliases accepted by type_kind_from_name besides the canonical names. The language-level
 * spellings `string` (varchar) and `ulid` (char(26)) are handled by sema, since they carry
 * parameters. */
static const struct {
    const char *alias;
    TypeKind kind;
} aliases[] = {
    {"bool", TY_BOOLEAN},           {"decimal", TY_NUMERIC},       {"double_precision", TY_DOUBLE},
    {"float4", TY_REAL},            {"float8", TY_DOUBLE},         {"int", TY_INTEGER},
    {"int2", TY_SMALLINT},          {"int4", TY_INTEGER},          {"int8", TY_BIGINT},
    {"serial2", TY_SMALLSERIAL},    {"serial4", TY_SERIAL},        {"serial8", TY_BIGSERIAL},
    {"character", TY_CHAR},         {"character_varying", TY_VARCHAR}, {"bpchar", TY_CHAR},
    {"bit_varying", TY_VARBIT},     {"timestamp_with_time_zone", TY_TIMESTAMPTZ},
};

const char *type_kind_name(TypeKind k)
{
    return (unsigned)k < TY__COUNT ? types[k].name : "?";
}

/* Called for every type spelling read (2.8 million times for a 10,000-table generate): the
 * first byte is compared before strcmp, which rejects nearly every candidate at once. */
bool type_kind_from_name(const char *name, TypeKind *out)
{
    for (int k = 0; k < TY__COUNT; k++) {
        if (k == TY_ENUM || k == TY_OTHER || types[k].name[0] != name[0])
            continue;
        if (!strcmp(types[k].name, name)) {
            *out = (TypeKind)k;
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(aliases); i++) {
        if (aliases[i].alias[0] == name[0] && !strcmp(aliases[i].alias, name)) {
            *out = aliases[i].kind;
            return true;
        }
    }
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b)); /* pointer first: shared strings */
}

bool type_equal(const SqlType *a, const SqlType *b)
{
    if (a->kind != b->kind || a->length != b->length || a->precision != b->precision ||
        a->scale != b->scale || a->ndims != b->ndims)
        return false;
    if (a->kind == TY_ENUM)
        return str_eq(a->enum_name, b->enum_name) && str_eq(a->enum_schema, b->enum_schema);
    if (a->kind == TY_OTHER)
        return str_eq(a->other, b->other);
    return true;
}

TypeParams type_kind_params(TypeKind k)
{
    switch (k) {
    case TY_VARCHAR:
    case TY_CHAR:
    case TY_BIT:
    case TY_VARBIT:
        return TP_LENGTH;
    case TY_NUMERIC:
        return TP_PRECISION_SCALE;
    case TY_TIMESTAMP:
    case TY_TIMESTAMPTZ:
    case TY_TIME:
    case TY_TIMETZ:
    case TY_INTERVAL:
        return TP_PRECISION;
    default:
        return TP_NONE;
    }
}

void type_params_to(StrBuf *out, const SqlType *t, const char *scale_sep)
{
    switch (type_kind_params(t->kind)) {
    case TP_LENGTH:
        if (t->length >= 0)
            sb_addf(out, "(%d)", t->length);
        break;
    case TP_PRECISION_SCALE:
        if (t->precision >= 0 && t->scale >= 0)
            sb_addf(out, "(%d%s%d)", t->precision, scale_sep, t->scale);
        else if (t->precision >= 0)
            sb_addf(out, "(%d)", t->precision);
        break;
    case TP_PRECISION:
        if (t->precision >= 0)
            sb_addf(out, "(%d)", t->precision);
        break;
    case TP_NONE:
        break;
    }
}

void type_to_sql(StrBuf *out, const SqlType *t)
{
    switch (t->kind) {
    case TY_ENUM:
        sql_qualified(out, t->enum_schema, t->enum_name);
        break;
    case TY_OTHER:
        sb_adds(out, t->other);
        break;
    default:
        sb_adds(out, types[t->kind].sql);
        break;
    }
    type_params_to(out, t, ",");
    for (int i = 0; i < t->ndims; i++)
        sb_adds(out, "[]");
}

SqlType type_for_reference(const SqlType *t)
{
    SqlType r = *t;
    switch (t->kind) {
    case TY_SMALLSERIAL:
        r.kind = TY_SMALLINT;
        break;
    case TY_SERIAL:
        r.kind = TY_INTEGER;
        break;
    case TY_BIGSERIAL:
        r.kind = TY_BIGINT;
        break;
    default:
        break;
    }
    return r;
}

bool default_equal(const Default *a, const Default *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == DEF_NONE || a->kind == DEF_NULL)
        return true;
    return str_eq(a->text, b->text);
}

const char *fk_action_sql(FkAction a)
{
    switch (a) {
    case FK_NO_ACTION:
        return "NO ACTION";
    case FK_RESTRICT:
        return "RESTRICT";
    case FK_CASCADE:
        return "CASCADE";
    case FK_SET_NULL:
        return "SET NULL";
    case FK_SET_DEFAULT:
        return "SET DEFAULT";
    }
    return "NO ACTION";
}

const char *archetype_name(Archetype a)
{
    static const char *const names[] = {"entity",      "component", "attribute",     "association",
                                        "event",       "reference", "configuration", "contribution",
                                        "table"};
    return (unsigned)a < ARRAY_LEN(names) ? names[a] : "?";
}

/* qsort/bsearch comparators: every sorted model array is ordered by its element's name. */
#define CMP_BY_NAME(fn, T)                                         \
    static int fn(const void *a, const void *b)                    \
    {                                                              \
        return strcmp(((const T *)a)->name, ((const T *)b)->name); \
    }
CMP_BY_NAME(cmp_table, Table)
CMP_BY_NAME(cmp_enum, Enum)
CMP_BY_NAME(cmp_dtype, DomainType)
CMP_BY_NAME(cmp_exclusion, Exclusion)
CMP_BY_NAME(cmp_ctype, CompositeType)
CMP_BY_NAME(cmp_fk, ForeignKey)
CMP_BY_NAME(cmp_unique, Unique)
CMP_BY_NAME(cmp_check, Check)
CMP_BY_NAME(cmp_index, Index)
#undef CMP_BY_NAME

void model_sort_table(Table *t)
{
    if (t->nfks)
        qsort(t->fks, t->nfks, sizeof(ForeignKey), cmp_fk);
    if (t->nuniques)
        qsort(t->uniques, t->nuniques, sizeof(Unique), cmp_unique);
    if (t->nchecks)
        qsort(t->checks, t->nchecks, sizeof(Check), cmp_check);
    if (t->nindexes)
        qsort(t->indexes, t->nindexes, sizeof(Index), cmp_index);
    if (t->nexcludes) /* types branch */
        qsort(t->excludes, t->nexcludes, sizeof(Exclusion), cmp_exclusion);
}

void model_sort_outer(Model *m)
{
    if (m->ntables)
        qsort(m->tables, m->ntables, sizeof(Table), cmp_table);
    if (m->nenums)
        qsort(m->enums, m->nenums, sizeof(Enum), cmp_enum);
    if (m->ndtypes) /* types branch: domains and their checks */
        qsort(m->dtypes, m->ndtypes, sizeof(DomainType), cmp_dtype);
    if (m->nctypes)
        qsort(m->ctypes, m->nctypes, sizeof(CompositeType), cmp_ctype);
    for (size_t i = 0; i < m->ndtypes; i++)
        if (m->dtypes[i].nchecks)
            qsort(m->dtypes[i].checks, m->dtypes[i].nchecks, sizeof(Check), cmp_check);
    model_sort_sequences(m); /* adopt2 */
    /* objects (issue 14): kind, table, name; a materialized view's indexes by name */
    if (m->nobjects)
        qsort(m->objects, m->nobjects, sizeof(DbObject), dbo_cmp);
    for (size_t i = 0; i < m->nobjects; i++)
        if (m->objects[i].nindexes)
            qsort(m->objects[i].indexes, m->objects[i].nindexes, sizeof(Index), cmp_index);
}

void model_sort(Model *m)
{
    model_sort_outer(m);
    for (size_t i = 0; i < m->ntables; i++)
        model_sort_table(&m->tables[i]);
}

const Table *model_find_table(const Model *m, const char *name)
{
    Table key = {.name = name};
    return m->ntables ? bsearch(&key, m->tables, m->ntables, sizeof(Table), cmp_table) : NULL;
}

const DomainType *model_find_dtype(const Model *m, const char *name)
{
    DomainType key = {.name = name};
    return m->ndtypes ? bsearch(&key, m->dtypes, m->ndtypes, sizeof(DomainType), cmp_dtype) : NULL;
}

void model_dtype_spelling(StrBuf *out, const char *name)
{
    if (sql_ident_is_plain(name) && !sql_is_keyword(name))
        sb_adds(out, name);
    else
        sql_ident_quoted(out, name);
}

const DomainType *model_type_domain(const Model *m, const SqlType *t)
{
    if (t->kind != TY_OTHER || !t->other || t->ndims)
        return NULL;
    for (size_t i = 0; i < m->ndtypes; i++) {
        StrBuf q = SB_INIT;
        model_dtype_spelling(&q, m->dtypes[i].name);
        bool eq = !strcmp(sb_str(&q), t->other);
        sb_release(&q);
        if (eq)
            return &m->dtypes[i];
    }
    return NULL;
}

const CompositeType *model_find_ctype(const Model *m, const char *name)
{
    CompositeType key = {.name = name};
    return m->nctypes ? bsearch(&key, m->ctypes, m->nctypes, sizeof(CompositeType), cmp_ctype)
                      : NULL;
}

const CompositeType *model_type_composite(const Model *m, const SqlType *t)
{
    if (t->kind != TY_OTHER || !t->other || t->ndims)
        return NULL;
    for (size_t i = 0; i < m->nctypes; i++) {
        StrBuf q = SB_INIT;
        model_dtype_spelling(&q, m->ctypes[i].name);
        bool eq = !strcmp(sb_str(&q), t->other);
        sb_release(&q);
        if (eq)
            return &m->ctypes[i];
    }
    return NULL;
}

const Enum *model_find_enum(const Model *m, const char *name)
{
    Enum key = {.name = name};
    return m->nenums ? bsearch(&key, m->enums, m->nenums, sizeof(Enum), cmp_enum) : NULL;
}

const Column *table_find_column(const Table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++) /* first byte first: most columns differ there */
        if (t->columns[i].name == name ||
            (t->columns[i].name[0] == name[0] && !strcmp(t->columns[i].name, name)))
            return &t->columns[i];
    return NULL;
}
