/*
 * emit_sql.h - SQL text for model objects and whole plans. Pure: appends to a StrBuf, no I/O.
 * Every name goes through sql_ident/sql_qualified and every literal through sql_literal
 * (sqlquote.h); raw SQL expressions (defaults of kind DEF_EXPR, CHECKs, index expressions and
 * predicates, generated columns) are emitted verbatim, as the author wrote them.
 * The only place that spells the plan's typed changes (plan.h). Stage: Plan -> SQL text.
 */
#ifndef STRAV_EMIT_SQL_H
#define STRAV_EMIT_SQL_H

#include "model.h"
#include "plan.h"

struct StrBuf;

/* A value as SQL: DEF_STRING quoted, DEF_NUMBER/DEF_EXPR verbatim, DEF_BOOL TRUE/FALSE. */
void emit_default(struct StrBuf *out, const Default *d);
/* " DEFAULT <value>" for a column or domain definition, whose DEFAULT takes a restricted
 * expression: an SQL expression holding NOT, AND, IS, LIKE, AT TIME ZONE... gets parentheses. */
void emit_default_clause(struct StrBuf *out, const Default *d);
/* The type for ALTER COLUMN ... TYPE: serials become their storage integer type. */
void emit_storage_type(struct StrBuf *out, const SqlType *t);
/* name TYPE [GENERATED ...] [DEFAULT ...] [NOT NULL] */
void emit_column_def(struct StrBuf *out, const Column *c);
/* CREATE TABLE with columns, primary key and checks inline, then its comments. Uniques are
 * added by ALTER TABLE (PostgreSQL silently drops an inline UNIQUE that repeats the primary key,
 * which ALTER TABLE keeps). */
void emit_create_table(struct StrBuf *out, const Table *t);
void emit_create_index(struct StrBuf *out, const char *table, const Index *ix);
void emit_add_pk(struct StrBuf *out, const char *table, const PrimaryKey *pk);
void emit_add_unique(struct StrBuf *out, const char *table, const Unique *u);
void emit_add_check(struct StrBuf *out, const char *table, const Check *c);
void emit_add_fk(struct StrBuf *out, const char *table, const ForeignKey *fk);
void emit_drop_constraint(struct StrBuf *out, const char *table, const char *name);
void emit_create_enum(struct StrBuf *out, const Enum *e);
/* COMMENT ON TABLE/COLUMN/TYPE ... IS 'text' | NULL (column NULL for a table or type). */
/* COMMENT ON CONSTRAINT name ON table (table set) or COMMENT ON INDEX name (table NULL); text
 * NULL removes it. */
void emit_object_comment(struct StrBuf *out, const char *table, const char *name,
                         const char *text);
void emit_comment(struct StrBuf *out, const char *kind, const char *object, const char *column,
                  const char *text);
void emit_ident_list(struct StrBuf *out, const char *const *names, size_t n);

/* The statements of one typed change: up, or its exact inverse (down). */
void emit_op(struct StrBuf *out, const PlanOp *op, bool down);
/* The SQL of one plan file: its ops' up statements, or their inverses in reverse order. */
void emit_plan_file(struct StrBuf *out, const Plan *p, const PlanFile *f, bool down);
/* What `stravc diff` prints: summary, destructive/irreversible lists, then every file of up
 * (in execution order) and of down, each under a "-- <path>" header line. */
void emit_plan_text(struct StrBuf *out, const Plan *p);

#endif
