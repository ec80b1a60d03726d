/*
 * plan.h - an ordered migration plan: typed changes (PlanOp: a kind, the objects it touches,
 * the table it locks and how, what it costs), grouped into the files of a migration directory
 * (docs/migration-format.md). diff.c decides what changes and appends the ops; plan_online
 * (plan_online.c) rewrites them into their non-blocking forms; emit_sql.c is the only place
 * that spells them as SQL (up and the exact inverse, down); migdir.c writes the files; the
 * linter (runtime/lint_plan.c) reads the same ops. Stage: diff -> Plan -> SQL text / directory.
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
 * Online mode (plan_online, docs/online.md): indexes/drop_up.sql and indexes/up.sql hold
 * concurrent drops and builds and run outside the transaction (up and down), and
 *   constraints/online_up.sql  (non-transactional, after constraints/up.sql) the online forms:
 *                           unique index builds, NOT VALID checks, validations, SET NOT NULL
 *                           through a validated check, USING INDEX attaches, NOT VALID FKs and
 *                           their validation, each statement repeatable.
 */
#ifndef STRAV_PLAN_H
#define STRAV_PLAN_H

#include "arena.h"
#include "base.h"
#include "model.h"

/* ORDER SECTION: the up execution order above. */
typedef enum Section {
    SEC_ENUM_VALUES,
    SEC_EXTENSIONS, /* objects (issue 14) */
    SEC_ENUMS,
    SEC_TYPES,        /* types branch: SQL domains */
    SEC_OBJECT_DROPS, /* objects (issue 14) */
    SEC_INDEX_DROPS, SEC_CONSTRAINT_DROPS, SEC_TABLE, SEC_CONSTRAINTS,
    SEC_ONLINE,       /* online mode: constraints/online_up.sql */
    SEC_INDEXES,
    SEC_OBJECTS, /* objects (issue 14) */
    SEC_ENUM_DROPS,
    SEC_TYPE_DROPS,      /* types branch */
    SEC_EXTENSION_DROPS, /* objects (issue 14) */
    SEC__COUNT
} Section;

/* ORDER CHANGE: plan.c's names (kind names in `stravc diff --json`, docs/plan-json.md).
 * old/new: the model objects each kind points at (o = op->old_obj, n = op->new_obj). */
typedef enum ChangeKind {
    CH_CREATE_TABLE,      /* n Table */
    CH_DROP_TABLE,        /* o Table; fk_keep: its FKs the down re-adds */
    CH_RENAME_TABLE,      /* name -> to */
    CH_ADD_COLUMN,        /* n Column; form */
    CH_DROP_COLUMN,       /* o Column (the down re-adds it, form) */
    CH_RENAME_COLUMN,     /* table.name -> to */
    CH_RECREATE_COLUMN,   /* generated expression changed: o Column (under its new name), n Column */
    CH_ALTER_TYPE,        /* o Column (new name, old type through enum renames), n Column; using */
    CH_ALTER_COLLATION,   /* the collation alone: o Column (new name, no default), n Column */
    CH_SET_NOT_NULL,      /* o, n Column (n->backfill fills NULLs first) */
    CH_DROP_NOT_NULL,     /* o, n Column */
    CH_SET_DEFAULT,       /* o, n Column: n's default (o's on down) */
    CH_DROP_DEFAULT,      /* o, n Column */
    CH_ADD_IDENTITY,      /* o, n Column */
    CH_DROP_IDENTITY,     /* o, n Column */
    CH_SET_IDENTITY,      /* o, n Column: ALWAYS <-> BY DEFAULT */
    CH_RENAME_SEQUENCE,   /* name -> to */
    CH_ADD_SERIAL,        /* n Column: integer -> serial (its sequence, default, position) */
    CH_DROP_SERIAL,       /* o Column (under its new name): serial -> integer */
    CH_ALTER_COLUMN_SEQUENCE, /* o, n Column: the options of the column's own sequence */
    CH_CREATE_SEQUENCE,   /* n Sequence (standalone) */
    CH_ALTER_SEQUENCE,    /* o, n Sequence: its options */
    CH_DROP_SEQUENCE,     /* o Sequence */
    CH_ADD_INDEX,         /* n Index on table */
    CH_DROP_INDEX,        /* o Index of table */
    CH_RENAME_INDEX,      /* name -> to */
    CH_ADD_PK,            /* n PrimaryKey */
    CH_DROP_PK,           /* o PrimaryKey */
    CH_ADD_UNIQUE,        /* n Unique */
    CH_DROP_UNIQUE,       /* o Unique */
    CH_ADD_CHECK,         /* n Check */
    CH_DROP_CHECK,        /* o Check */
    CH_ADD_FK,            /* n ForeignKey */
    CH_DROP_FK,           /* o ForeignKey */
    CH_RENAME_CONSTRAINT, /* table: name -> to */
    CH_VALIDATE,          /* VALIDATE CONSTRAINT name: online (down: nothing), or a NOT VALID
                           * check or FK of the model made valid (restore: the down drops it
                           * and adds restore back NOT VALID) */
    CH_ADD_NN_CHECK,      /* online: CHECK (column IS NOT NULL) NOT VALID called name */
    CH_DROP_NN_CHECK,     /* online: drop it again (down: nothing) */
    CH_ATTACH_INDEX,      /* online: ADD CONSTRAINT name <to> USING INDEX name (to: PRIMARY
                           * KEY or UNIQUE; n the PrimaryKey or Unique) */
    CH_CREATE_ENUM,       /* n Enum */
    CH_DROP_ENUM,         /* o Enum */
    CH_RENAME_ENUM,       /* name -> to */
    CH_ENUM_ADD_VALUES,   /* name (old name); adds; down rebuilds with values */
    CH_ENUM_RENAME_VALUE, /* type name: value -> to */
    CH_ENUM_REBUILD,      /* name; values (up), old_values (down); convert: the columns */
    CH_COMMENT,           /* target: ctarget on table/name/column; comment, old_comment */
    CH_CREATE_SCHEMA,     /* name: an empty domain's schema (down: nothing, the runtime drops
                           * it with the domain's last migration) */
    CH_SQL,               /* a statement of an object kind spelled by its own emitter
                           * (emit_objects.c, emit_types.c): up_sql, down_sql (plan_add_sql) */
    CH__COUNT
} ChangeKind;

/* ORDER LOCK: the table lock a statement takes, weakest first (PostgreSQL's names). */
typedef enum LockLevel {
    LOCK_NONE, LOCK_SHARE_UPDATE_EXCLUSIVE, LOCK_SHARE, LOCK_SHARE_ROW_EXCLUSIVE,
    LOCK_ACCESS_EXCLUSIVE
} LockLevel;

/* PlanOp.flags */
enum {
    PF_REWRITES = 1u << 0,   /* rewrites the table (and its indexes) */
    PF_SCANS = 1u << 1,      /* reads every row under its lock (validation, build, NOT NULL) */
    PF_NON_TX = 1u << 2,     /* cannot run inside a transaction block */
    PF_NEW_TABLE = 1u << 3,  /* on a table created by this plan: empty, unused */
    PF_CONCURRENT = 1u << 4, /* CREATE/DROP INDEX CONCURRENTLY */
    PF_NOT_VALID = 1u << 5,  /* constraint added NOT VALID (validated by a later CH_VALIDATE) */
    PF_DESTRUCTIVE = 1u << 6,
    PF_RETRY = 1u << 7,      /* online: under a short lock_timeout, retried (docs/online.md) */
};

/* How an ADD COLUMN fills existing rows (plan_add_column_form). */
typedef enum AddForm {
    ADD_PLAIN,    /* nullable, a default, identity, serial or generated: one statement */
    ADD_GUARDED,  /* NOT NULL without a value: a guard stops it on a populated table */
    ADD_BACKFILL, /* NOT NULL with @backfill: add nullable, UPDATE, SET NOT NULL */
    ADD_REFUSED,  /* NOT NULL without a value and a name the guard cannot quote */
} AddForm;

typedef enum CommentTarget {
    CT_TABLE, CT_COLUMN, CT_TYPE, CT_CONSTRAINT, CT_INDEX, CT_SEQUENCE, CT_SCHEMA
} CommentTarget;

/* One value added to an enum: ADD VALUE [IF NOT EXISTS] value [BEFORE|AFTER anchor]. */
typedef struct EnumAdd {
    const char *value, *anchor; /* anchor NULL: appended */
    bool after, if_not_exists;
} EnumAdd;

/* A column an enum rebuild converts: table.column of the model current when it runs. */
typedef struct EnumUse {
    const char *table;
    const Column *col;
} EnumUse;

typedef struct PlanOp {
    Section sec;
    const char *file_table; /* SEC_TABLE: the table whose file holds the op (its new name) */
    ChangeKind kind;
    const char *table;      /* the table as named when the statement runs (or NULL) */
    const char *column;     /* the column concerned (or NULL) */
    const char *name;       /* index, constraint, enum, sequence, or a rename's old name */
    const char *to;         /* a rename's new name, an enum value rename's new value */
    const char *value;      /* CH_ENUM_RENAME_VALUE: the old value */
    const void *old_obj, *new_obj; /* model objects (ChangeKind comments) */
    const char *using_up, *using_down; /* CH_ALTER_TYPE: the author's conversions, or NULL */
    AddForm form;           /* CH_ADD_COLUMN (up), CH_DROP_COLUMN (down) */
    const bool *fk_keep;    /* CH_DROP_TABLE: per FK of the table, re-added by the down */
    const EnumAdd *adds;    /* CH_ENUM_ADD_VALUES */
    size_t nadds;
    const char *const *values, *const *old_values; /* CH_ENUM_REBUILD up / down; ADD_VALUES down */
    size_t nvalues, nold_values;
    const char *enum_comment; /* CH_ENUM_REBUILD / ADD_VALUES: the type's comment, re-set */
    const EnumUse *uses;    /* CH_ENUM_REBUILD / ADD_VALUES: the columns converted (up and down) */
    size_t nuses;
    CommentTarget ctarget;  /* CH_COMMENT */
    const void *restore;    /* CH_VALIDATE of a model change: the NOT VALID Check or ForeignKey */
    ChangeKind restore_kind; /*   the down re-adds (CH_ADD_CHECK or CH_ADD_FK) */
    const char *comment, *old_comment; /* CH_COMMENT: up text and down text (NULL: none) */
    const char *lock_table; /* the table locked (NULL: none that exists before the plan) */
    LockLevel lock;
    unsigned flags;         /* PF_* */
    const char *up_sql, *down_sql; /* CH_SQL: the statements and their inverse */
    /* CH_ENUM_ADD_VALUES: its down rebuilds the type, which PostgreSQL refuses while a view
     * reads a column of it: the objects to drop before that rebuild and create after it
     * (diff_objects.c), or NULL */
    const char *down_before, *down_after;
    const char *what;       /* one line for the summary: "add column \"user\".\"bio\"" */
} PlanOp;

typedef struct PlanFile {
    Section sec;
    const char *table;           /* SEC_TABLE only */
    const char *up_path, *down_path; /* relative to the migration directory */
    size_t *ops;                 /* indexes into Plan.ops, in up order */
    size_t nops;
    bool non_tx;                 /* up.sql must run outside the batch transaction */
    bool down_non_tx;            /* and down.sql (online files) */
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
    bool online;               /* plan_online ran: the files of docs/online.md */
    PlanSummary summary;
} Plan;

void plan_init(Plan *p, Arena *a);
void plan_release(Plan *p);
/* Append a typed change (its strings are copied into the arena, the model objects are
 * referenced: the plan must not outlive the models); lock, lock_table and the PF_REWRITES,
 * PF_SCANS and PF_NON_TX flags are filled from the kind when the op leaves lock at LOCK_NONE. */
PlanOp *plan_add(Plan *p, const PlanOp *op);
/* Append a CH_SQL op: statements of an object kind (views, functions, triggers, policies,
 * extensions, SQL domains, partitions, exclusion constraints, composite types) already spelled
 * by that kind's emitter, with their inverse; file_table as for SEC_TABLE ops. The table it
 * locks, when there is one, is file_table (ACCESS EXCLUSIVE); else it locks none. */
void plan_add_sql(Plan *p, Section sec, const char *file_table, const char *up, const char *down,
                  const char *what);
void plan_destructive(Plan *p, const char *what);
void plan_irreversible(Plan *p, const char *what);
/* Group the ops into files (after the last plan_add; again after plan_online). */
void plan_finish(Plan *p);
/* Rewrite the plan into its online forms (docs/online.md) and regroup its files. */
void plan_online(Plan *p);
/* The runtime's retry policy of an online migration (manifest "online"). */
#define PLAN_ONLINE_LOCK_TIMEOUT_MS 1000
#define PLAN_ONLINE_RETRIES 8
bool plan_empty(const Plan *p);

/* How ADD COLUMN col fills the existing rows of table. */
AddForm plan_add_column_form(const char *table, const Column *col);
/* Whether changing a column from type o to n rewrites the table (PostgreSQL keeps the rows
 * only for binary-compatible changes: varchar widening or to text, numeric precision increase
 * at the same scale, varbit widening, time precision increase, cidr -> inet). */
bool plan_type_rewrites(const SqlType *o, const SqlType *n);
/* Whether the new type n cannot hold every value of o, or the cast can fail. */
bool plan_type_narrows(const SqlType *o, const SqlType *n);

/* The volatile function an SQL expression calls (random, gen_random_uuid, nextval, ...), or
 * NULL; plan_volatile_fill: what makes an added column's value differ per row and so rewrite
 * the table (a serial, identity, stored generated expression or volatile default), or NULL. */
const char *plan_volatile_call(const char *expr);
const char *plan_volatile_fill(const Column *c);

const char *plan_kind_name(ChangeKind k);
const char *plan_lock_name(LockLevel l);

/* A table name made safe as one path component (bytes outside [A-Za-z0-9_-] as %XX). */
const char *plan_table_dir(Arena *a, const char *table);

/* The guard's dollar-quote tag: a table or column name holding it is refused (ADD_REFUSED). */
#define PLAN_GUARD_TAG "$strav_guard$"
/* The tag of the online forms' DO blocks (emit_sql.c); plan_online keeps a name holding it in
 * its plain form. */
#define PLAN_ONLINE_TAG "$strav_online$"

#endif
