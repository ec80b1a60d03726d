/*
 * emit_types.h - SQL spelling of the types branch's objects (emit_types.c): SQL domains,
 * composite types, exclusion constraints and declarative partitions. Pure: appends to a StrBuf. Called by diff_types.c and, for a partition
 * or a partitioned table, by emit_create_table.
 */
#ifndef STRAV_EMIT_TYPES_H
#define STRAV_EMIT_TYPES_H

#include "model.h"

struct StrBuf;

void emit_create_domain(struct StrBuf *out, const DomainType *dt);
void emit_drop_domain(struct StrBuf *out, const char *name);
void emit_domain_add_check(struct StrBuf *out, const char *domain, const Check *c);
void emit_domain_drop_check(struct StrBuf *out, const char *domain, const char *check);
void emit_domain_default(struct StrBuf *out, const char *domain, const Default *d);
void emit_domain_not_null(struct StrBuf *out, const char *domain, bool not_null);
/* CREATE TABLE name PARTITION OF parent <bound> [PARTITION BY ...] (and its comment). */
void emit_create_partition(struct StrBuf *out, const Table *t);
void emit_detach_partition(struct StrBuf *out, const char *parent, const char *name);
void emit_attach_partition(struct StrBuf *out, const char *parent, const char *name,
                           const char *bound);

/* Composite types: CREATE TYPE name AS (...), DROP TYPE, ALTER TYPE ... ATTRIBUTE. */
void emit_create_composite(struct StrBuf *out, const CompositeType *ct);
void emit_drop_type(struct StrBuf *out, const char *name);
void emit_composite_add_attr(struct StrBuf *out, const char *type, const CompositeAttr *a);
void emit_composite_drop_attr(struct StrBuf *out, const char *type, const char *attr);
void emit_composite_attr_type(struct StrBuf *out, const char *type, const CompositeAttr *a);
/* ALTER TABLE t ADD CONSTRAINT x EXCLUDE USING m (elem WITH op, ...) [WHERE (...)] ... */
void emit_add_exclusion(struct StrBuf *out, const char *table, const Exclusion *x);

#endif
