/*
 * emit_objects.c - the SQL spelling of the SQL-bodied objects (model_objects.h): CREATE and
 * DROP for extensions, functions and procedures, views and materialized views (with their
 * indexes), triggers, row level security and policies. Bodies and expressions are emitted as
 * written; names go through sql_ident, literals through sql_literal. Called by diff_objects.c.
 * Stage: Model objects -> SQL text (unqualified: the runtime sets search_path).
 */
#include "emit_objects.h"

#include <stdio.h>
#include <string.h>

#include "emit_sql.h"
#include "model.h"
#include "sqlquote.h"
#include "strbuf.h"

/* A dollar quote whose tag does not occur in the body. */
static void dollar_body(StrBuf *out, const char *body)
{
    char tag[32] = "$$";
    for (int i = 0; strstr(body, tag); i++)
        snprintf(tag, sizeof tag, "$strav%d$", i);
    sb_addf(out, "%s%s%s", tag, body, tag);
}

/* The SQL text without trailing white space and semicolons (a view's query). */
static void trimmed(StrBuf *out, const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ';' || s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' ||
                 s[n - 1] == '\r'))
        n--;
    sb_add(out, s, n);
}

static void create_function(StrBuf *out, const DbObject *o)
{
    sb_adds(out, o->procedure ? "CREATE PROCEDURE " : "CREATE FUNCTION ");
    sql_ident(out, o->name);
    sb_addf(out, "(%s)", o->args ? o->args : "");
    if (!o->procedure)
        sb_addf(out, " RETURNS %s", o->returns);
    sb_addf(out, "\n    LANGUAGE %s", o->language);
    if (!o->procedure) {
        if (o->volatility == 'i')
            sb_adds(out, " IMMUTABLE");
        else if (o->volatility == 's')
            sb_adds(out, " STABLE");
        if (o->strict)
            sb_adds(out, " STRICT");
    }
    if (o->security_definer)
        sb_adds(out, " SECURITY DEFINER");
    if (o->search_path)
        sb_addf(out, "\n    SET search_path = %s", o->search_path);
    sb_adds(out, "\n    AS ");
    dollar_body(out, o->body);
    sb_adds(out, ";\n");
}

static void events(StrBuf *out, unsigned ev)
{
    static const char *const names[] = {"INSERT", "UPDATE", "DELETE", "TRUNCATE"};
    bool first = true;
    for (unsigned i = 0; i < 4; i++)
        if (ev & (1u << i)) {
            sb_addf(out, "%s%s", first ? "" : " OR ", names[i]);
            first = false;
        }
}

void emit_object_create(StrBuf *out, const DbObject *o)
{
    switch (o->kind) {
    case DBO_EXTENSION:
        sb_adds(out, "CREATE EXTENSION ");
        sql_ident(out, o->name);
        if (o->version) {
            sb_adds(out, " VERSION ");
            sql_literal(out, o->version);
        }
        sb_adds(out, ";\n");
        break;
    case DBO_FUNCTION:
        create_function(out, o);
        break;
    case DBO_VIEW:
        sb_adds(out, o->materialized ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ");
        sql_ident(out, o->name);
        sb_adds(out, " AS\n");
        trimmed(out, o->body);
        sb_adds(out, ";\n");
        for (size_t i = 0; i < o->nindexes; i++)
            emit_create_index(out, o->name, &o->indexes[i]);
        break;
    case DBO_TRIGGER:
        sb_adds(out, "CREATE TRIGGER ");
        sql_ident(out, o->name);
        sb_adds(out, o->timing == TRIG_BEFORE ? " BEFORE " : o->timing == TRIG_AFTER
                     ? " AFTER " : " INSTEAD OF ");
        events(out, o->events);
        sb_adds(out, " ON ");
        sql_ident(out, o->table);
        sb_adds(out, o->for_each_row ? " FOR EACH ROW" : " FOR EACH STATEMENT");
        if (o->when)
            sb_addf(out, " WHEN (%s)", o->when);
        sb_adds(out, " EXECUTE FUNCTION ");
        sql_ident(out, o->function);
        sb_adds(out, "();\n");
        break;
    case DBO_RLS:
        sb_adds(out, "ALTER TABLE ");
        sql_ident(out, o->table);
        sb_adds(out, " ENABLE ROW LEVEL SECURITY;\n");
        if (o->force) {
            sb_adds(out, "ALTER TABLE ");
            sql_ident(out, o->table);
            sb_adds(out, " FORCE ROW LEVEL SECURITY;\n");
        }
        break;
    case DBO_POLICY:
        sb_adds(out, "CREATE POLICY ");
        sql_ident(out, o->name);
        sb_adds(out, " ON ");
        sql_ident(out, o->table);
        if (o->restrictive)
            sb_adds(out, " AS RESTRICTIVE");
        if (strcmp(o->command, "ALL"))
            sb_addf(out, " FOR %s", o->command);
        if (o->nroles) {
            sb_adds(out, " TO ");
            for (size_t i = 0; i < o->nroles; i++) {
                if (i)
                    sb_adds(out, ", ");
                if (!strcmp(o->roles[i], "public"))
                    sb_adds(out, "PUBLIC");
                else
                    sql_ident(out, o->roles[i]);
            }
        }
        if (o->using_expr)
            sb_addf(out, " USING (%s)", o->using_expr);
        if (o->check_expr)
            sb_addf(out, " WITH CHECK (%s)", o->check_expr);
        sb_adds(out, ";\n");
        break;
    case DBO__COUNT:
        break;
    }
}

void emit_object_drop(StrBuf *out, const DbObject *o)
{
    switch (o->kind) {
    case DBO_EXTENSION:
        sb_adds(out, "DROP EXTENSION ");
        sql_ident(out, o->name);
        sb_adds(out, ";\n");
        break;
    case DBO_FUNCTION:
        sb_adds(out, o->procedure ? "DROP PROCEDURE " : "DROP FUNCTION ");
        sql_ident(out, o->name);
        sb_adds(out, ";\n");
        break;
    case DBO_VIEW:
        sb_adds(out, o->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ");
        sql_ident(out, o->name);
        sb_adds(out, ";\n");
        break;
    case DBO_TRIGGER:
    case DBO_POLICY:
        sb_adds(out, o->kind == DBO_TRIGGER ? "DROP TRIGGER " : "DROP POLICY ");
        sql_ident(out, o->name);
        sb_adds(out, " ON ");
        sql_ident(out, o->table);
        sb_adds(out, ";\n");
        break;
    case DBO_RLS:
        if (o->force) {
            sb_adds(out, "ALTER TABLE ");
            sql_ident(out, o->table);
            sb_adds(out, " NO FORCE ROW LEVEL SECURITY;\n");
        }
        sb_adds(out, "ALTER TABLE ");
        sql_ident(out, o->table);
        sb_adds(out, " DISABLE ROW LEVEL SECURITY;\n");
        break;
    case DBO__COUNT:
        break;
    }
}

void emit_extension_update(StrBuf *out, const char *name, const char *version)
{
    sb_adds(out, "ALTER EXTENSION ");
    sql_ident(out, name);
    sb_adds(out, " UPDATE TO ");
    sql_literal(out, version);
    sb_adds(out, ";\n");
}
