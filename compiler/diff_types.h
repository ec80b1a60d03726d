/*
 * diff_types.h - the diff of the types branch's objects (diff_types.c): SQL domains (their
 * creates before the tables change, their drops after) and partitions of kept tables. Called
 * by diff_models; ops go straight into the Plan through plan_add, spelled by emit_types.c.
 */
#ifndef STRAV_DIFF_TYPES_H
#define STRAV_DIFF_TYPES_H

#include "diag.h"
#include "model.h"
#include "plan.h"

/* Domains: creates and changes into SEC_TYPES, drops into SEC_TYPE_DROPS. False when a change
 * cannot be generated (reported, naming the objects). */
bool diff_dtypes(const Model *om, const Model *nm, Plan *p, Diag *d);
/* A kept table o -> n (n's name): partition bound changes (DETACH + ATTACH); a change of its
 * partitioning that cannot be generated is reported and returns false. */
bool diff_partition(const Table *o, const Table *n, Plan *p, Diag *d);

/* Exclusion constraints of table o -> n (either may be NULL: created or dropped table): with
 * drops, the dropped or changed ones (constraints/drop_up.sql); else the new or changed ones
 * (constraints/up.sql). */
void diff_excludes(const Table *o, const Table *n, Plan *p, bool drops);

#endif
