/*
 * plan.h - an ordered migration plan: ops, each with its up SQL and its exact inverse, grouped
 * into the files of a migration directory (docs/migration-format.md). Built by diff.c, rendered
 * by emit_sql.c, written by migdir.c. Stage: diff -> Plan -> SQL text / directory.
 *
 * Files run in this order on up (down runs the reverse order, each file's down.sql holding the
 * inverses of its ops in reverse order, so down is the exact inverse of up):
 *   enums/add_values_up.sql enum value additions (ADD VALUE IF NOT EXISTS, named as before any
 *                           rename): the only non-transactional file, nothing else in it
 *   extensions/up.sql       extension creates and version updates (issue 14)
 *   enums/up.sql            enum creates, value and enum renames, comments
 *   types/up.sql            (types branch) domain creates and changes: checks, default, NOT NULL
 *   objects/drop_up.sql     views, functions, triggers, policies, row level security dropped,
 *                           changed or re-created around a change they depend on, dependents
 *                           first (issue 14, diff_objects.c)
 *   indexes/drop_up.sql     dropped or changed indexes
 *   constraints/drop_up.sql dropped or changed FKs, primary keys, uniques, checks
 *   tables/<t>/up.sql       per table: drops (referencing first), changes, creates (referenced first)
 *   constraints/up.sql      new or changed primary keys, uniques, checks, then FKs
 *   indexes/up.sql          new or changed indexes
 *   objects/up.sql          new, changed and re-created objects, dependencies first (issue 14)
 *   enums/drop_up.sql       enum drops and rebuilds (value removal), after no column uses them
 *   types/drop_up.sql       (types branch) domain drops, after no column uses them
 *   extensions/drop_up.sql  extension drops (issue 14)
 */
#ifndef STRAV_PLAN_H
#define STRAV_PLAN_H

#include "arena.h"
#include "base.h"

/* ORDER SECTION: the up execution order above. */
typedef enum Section {
    SEC_ENUM_VALUES,
    SEC_EXTENSIONS, /* objects (issue 14) */
    SEC_ENUMS,
    SEC_TYPES,        /* types branch: SQL domains */
    SEC_OBJECT_DROPS, /* objects (issue 14) */
    SEC_INDEX_DROPS, SEC_CONSTRAINT_DROPS, SEC_TABLE, SEC_CONSTRAINTS, SEC_INDEXES,
    SEC_OBJECTS, /* objects (issue 14) */
    SEC_ENUM_DROPS,
    SEC_TYPE_DROPS,      /* types branch */
    SEC_EXTENSION_DROPS, /* objects (issue 14) */
    SEC__COUNT
} Section;

typedef struct PlanOp {
    Section sec;
    const char *table; /* SEC_TABLE: the table whose file holds the op (its new name) */
    const char *up;    /* statements, each ending in ";\n" */
    const char *down;  /* the inverse of up */
    const char *what;  /* one line for the summary: "add column \"user\".\"bio\"" */
} PlanOp;

typedef struct PlanFile {
    Section sec;
    const char *table;           /* SEC_TABLE only */
    const char *up_path, *down_path; /* relative to the migration directory */
    size_t *ops;                 /* indexes into Plan.ops, in up order */
    size_t nops;
    bool non_tx;                 /* up.sql must run outside the batch transaction */
} PlanFile;

typedef struct PlanSummary {
    int tables_create, tables_drop, tables_modify;
    int enums_create, enums_modify, enums_drop;
} PlanSummary;

typedef struct Plan {
    Arena *a;
    PlanOp *ops;
    size_t nops, capops;
    PlanFile *files; /* built by plan_finish, in up order */
    size_t nfiles;
    const char **destructive;  /* changes that lose data */
    size_t ndestructive, capdestructive;
    const char **irreversible; /* changes whose down cannot restore the previous state */
    size_t nirreversible, capirreversible;
    bool enums_non_tx;         /* enums/add_values_up.sql exists */
    PlanSummary summary;
} Plan;

void plan_init(Plan *p, Arena *a);
void plan_release(Plan *p);
/* Append an op (strings are copied into the arena). */
void plan_add(Plan *p, Section sec, const char *table, const char *up, const char *down,
              const char *what);
void plan_destructive(Plan *p, const char *what);
void plan_irreversible(Plan *p, const char *what);
/* Group the ops into files (call once, after the last plan_add). */
void plan_finish(Plan *p);
bool plan_empty(const Plan *p);

/* A table name made safe as one path component (bytes outside [A-Za-z0-9_-] as %XX). */
const char *plan_table_dir(Arena *a, const char *table);

#endif
