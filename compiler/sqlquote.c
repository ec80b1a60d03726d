/*
 * sqlquote.c - identifier quoting and literal escaping for all generated SQL (see sqlquote.h).
 * The keyword table is PostgreSQL 15's: SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'.
 */
#include "sqlquote.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

bool sql_quote_all = false;

/* Sorted; looked up with bsearch. */
static const char *const keywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
    "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
    "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
    "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
    "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row",
    "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
    "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
    "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
};

static int cmp_kw(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool sql_is_keyword(const char *word)
{
    return bsearch(word, keywords, ARRAY_LEN(keywords), sizeof(keywords[0]), cmp_kw) != NULL;
}

bool sql_ident_is_plain(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

void sql_ident(StrBuf *out, const char *name)
{
    if (!sql_quote_all && sql_ident_is_plain(name) && !sql_is_keyword(name)) {
        sb_adds(out, name);
        return;
    }
    sql_ident_quoted(out, name);
}

/* s between two q, with every q inside doubled: both SQL quotings are this. */
static void quote_doubling(StrBuf *out, const char *s, char q)
{
    sb_addch(out, q);
    for (const char *p = s; *p; p++) {
        if (*p == q)
            sb_addch(out, q);
        sb_addch(out, *p);
    }
    sb_addch(out, q);
}

void sql_ident_quoted(StrBuf *out, const char *name)
{
    quote_doubling(out, name, '"');
}

void sql_literal(StrBuf *out, const char *value)
{
    quote_doubling(out, value, '\'');
}

void sql_qualified(StrBuf *out, const char *schema, const char *name)
{
    if (schema) {
        sql_ident(out, schema);
        sb_addch(out, '.');
    }
    sql_ident(out, name);
}
