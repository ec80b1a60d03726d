/*
 * emit_types.c - SQL spelling of SQL domains, composite types, exclusion constraints and
 * declarative partitions (emit_types.h). Names go
 * through sql_ident, values through sql_literal / emit_default; partition keys, bounds and check
 * expressions are SQL the model already holds in the server's spelling.
 */
#include "emit_types.h"

#include "emit_sql.h"
#include "sqlquote.h"
#include "strbuf.h"

static void check_clause(StrBuf *out, const Check *c)
{
    sb_adds(out, "CONSTRAINT ");
    sql_ident(out, c->name);
    sb_addf(out, " CHECK (%s)", c->expr);
}

void emit_create_domain(StrBuf *out, const DomainType *dt)
{
    sb_adds(out, "CREATE DOMAIN ");
    sql_ident(out, dt->name);
    sb_adds(out, " AS ");
    type_to_sql(out, &dt->base);
    if (dt->def.kind != DEF_NONE && dt->def.kind != DEF_NULL)
        emit_default_clause(out, &dt->def);
    if (!dt->nullable)
        sb_adds(out, " NOT NULL");
    for (size_t i = 0; i < dt->nchecks; i++) {
        sb_adds(out, "\n    ");
        check_clause(out, &dt->checks[i]);
    }
    sb_adds(out, ";\n");
    if (dt->comment)
        emit_comment(out, "DOMAIN", dt->name, NULL, dt->comment);
}

void emit_drop_domain(StrBuf *out, const char *name)
{
    sb_adds(out, "DROP DOMAIN ");
    sql_ident(out, name);
    sb_adds(out, ";\n");
}

static void alter_domain(StrBuf *out, const char *name)
{
    sb_adds(out, "ALTER DOMAIN ");
    sql_ident(out, name);
}

void emit_domain_add_check(StrBuf *out, const char *domain, const Check *c)
{
    alter_domain(out, domain);
    sb_adds(out, " ADD ");
    check_clause(out, c);
    sb_adds(out, ";\n");
}

void emit_domain_drop_check(StrBuf *out, const char *domain, const char *check)
{
    alter_domain(out, domain);
    sb_adds(out, " DROP CONSTRAINT ");
    sql_ident(out, check);
    sb_adds(out, ";\n");
}

void emit_domain_default(StrBuf *out, const char *domain, const Default *d)
{
    alter_domain(out, domain);
    if (d->kind == DEF_NONE || d->kind == DEF_NULL) {
        sb_adds(out, " DROP DEFAULT;\n");
        return;
    }
    sb_adds(out, " SET DEFAULT ");
    emit_default(out, d);
    sb_adds(out, ";\n");
}

void emit_domain_not_null(StrBuf *out, const char *domain, bool not_null)
{
    alter_domain(out, domain);
    sb_adds(out, not_null ? " SET NOT NULL;\n" : " DROP NOT NULL;\n");
}

void emit_create_partition(StrBuf *out, const Table *t)
{
    sb_adds(out, "CREATE TABLE ");
    sql_ident(out, t->name);
    sb_adds(out, " PARTITION OF ");
    sql_ident(out, t->partition_of);
    sb_addf(out, " %s", t->partition_bound);
    if (t->partition_by)
        sb_addf(out, " PARTITION BY %s", t->partition_by);
    sb_adds(out, ";\n");
    if (t->comment)
        emit_comment(out, "TABLE", t->name, NULL, t->comment);
}

void emit_detach_partition(StrBuf *out, const char *parent, const char *name)
{
    sb_adds(out, "ALTER TABLE ");
    sql_ident(out, parent);
    sb_adds(out, " DETACH PARTITION ");
    sql_ident(out, name);
    sb_adds(out, ";\n");
}

void emit_attach_partition(StrBuf *out, const char *parent, const char *name, const char *bound)
{
    sb_adds(out, "ALTER TABLE ");
    sql_ident(out, parent);
    sb_adds(out, " ATTACH PARTITION ");
    sql_ident(out, name);
    sb_addf(out, " %s;\n", bound);
}

void emit_add_exclusion(StrBuf *out, const char *table, const Exclusion *x)
{
    sb_adds(out, "ALTER TABLE ");
    sql_ident(out, table);
    sb_adds(out, " ADD CONSTRAINT ");
    sql_ident(out, x->name);
    sb_adds(out, " EXCLUDE USING ");
    sql_ident(out, x->method);
    sb_adds(out, " (");
    for (size_t i = 0; i < x->nelems; i++) {
        if (i)
            sb_adds(out, ", ");
        if (x->elems[i].column)
            sql_ident(out, x->elems[i].column);
        else
            sb_addf(out, "(%s)", x->elems[i].expr);
        sb_addf(out, " WITH %s", x->elems[i].op); /* an operator: no quoting exists for it */
    }
    sb_adds(out, ")");
    if (x->where)
        sb_addf(out, " WHERE (%s)", x->where);
    if (x->deferral != DEFER_NONE)
        sb_adds(out, x->deferral == DEFER_DEFERRED ? " DEFERRABLE INITIALLY DEFERRED"
                                                   : " DEFERRABLE");
    sb_adds(out, ";\n");
    if (x->comment)
        emit_object_comment(out, table, x->name, x->comment);
}

void emit_create_composite(StrBuf *out, const CompositeType *ct)
{
    sb_adds(out, "CREATE TYPE ");
    sql_ident(out, ct->name);
    sb_adds(out, " AS (");
    for (size_t i = 0; i < ct->nattrs; i++) {
        sb_adds(out, i ? ",\n    " : "\n    ");
        sql_ident(out, ct->attrs[i].name);
        sb_addch(out, ' ');
        type_to_sql(out, &ct->attrs[i].type);
    }
    sb_adds(out, "\n);\n");
    if (ct->comment)
        emit_comment(out, "TYPE", ct->name, NULL, ct->comment);
}

void emit_drop_type(StrBuf *out, const char *name)
{
    sb_adds(out, "DROP TYPE ");
    sql_ident(out, name);
    sb_adds(out, ";\n");
}

void emit_composite_add_attr(StrBuf *out, const char *type, const CompositeAttr *a)
{
    sb_adds(out, "ALTER TYPE ");
    sql_ident(out, type);
    sb_adds(out, " ADD ATTRIBUTE ");
    sql_ident(out, a->name);
    sb_addch(out, ' ');
    type_to_sql(out, &a->type);
    sb_adds(out, ";\n");
}

void emit_composite_drop_attr(StrBuf *out, const char *type, const char *attr)
{
    sb_adds(out, "ALTER TYPE ");
    sql_ident(out, type);
    sb_adds(out, " DROP ATTRIBUTE ");
    sql_ident(out, attr);
    sb_adds(out, ";\n");
}

void emit_composite_attr_type(StrBuf *out, const char *type, const CompositeAttr *a)
{
    sb_adds(out, "ALTER TYPE ");
    sql_ident(out, type);
    sb_adds(out, " ALTER ATTRIBUTE ");
    sql_ident(out, a->name);
    sb_adds(out, " TYPE ");
    type_to_sql(out, &a->type);
    sb_adds(out, ";\n");
}
