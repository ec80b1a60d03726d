/*
 * model.h - the typed model of one domain: tables, columns with full SQL types, constraints,
 * indexes, enums and comments, everything resolved (snake_case names, implicit columns, FK
 * columns typed like their target, constraint names). Produced by sema (from .strav files), by
 * model_json_read (from snapshot.json) and by introspection (from a live database); consumed by
 * the diff engine, the SQL emitter and model_json_write.
 *
 * Conventions:
 *  - All strings are NUL-terminated, NFC-normalised, arena-owned. Names are final SQL names
 *    (unquoted; quoting happens only in sqlquote.c at emission).
 *  - Arrays are sized once: `Foo *foo; size_t nfoo;`.
 *  - Model.tables and Model.enums are sorted by name (bytewise); within a table, columns keep
 *    their declared order, and fks/uniques/checks/indexes are sorted by name.
 *  - A table's objects live in the domain's PostgreSQL schema (Model.schema). Generated SQL does
 *    not qualify them; the runtime sets search_path. References to another domain's table carry
 *    that domain's schema in ForeignKey.ref_schema (NULL = same domain).
 *  - Rename hints (`was`), `backfill` and `using_*` are inputs to the diff only; they are never
 *    compared.
 */
#ifndef STRAV_MODEL_H
#define STRAV_MODEL_H

#include "arena.h"
#include "base.h"
#include "source.h"
/* objects (issue 14): views, functions, triggers, policies, extensions */
#include "model_objects.h"

struct StrBuf;

/* ORDER TY_KIND: keep in sync with the type table in model.c (names, SQL spelling). */
typedef enum TypeKind {
    TY_SMALLINT, TY_INTEGER, TY_BIGINT,
    TY_SMALLSERIAL, TY_SERIAL, TY_BIGSERIAL, /* storage int2/int4/int8 + owned sequence */
    TY_NUMERIC,     /* precision/scale optional; `decimal` is an alias */
    TY_REAL, TY_DOUBLE, TY_MONEY,
    TY_VARCHAR,     /* length optional (-1 = unbounded) */
    TY_CHAR,        /* length; char without length is char(1) and is stored as length 1 */
    TY_TEXT, TY_BYTEA,
    TY_TIMESTAMP, TY_TIMESTAMPTZ, TY_DATE, TY_TIME, TY_TIMETZ, TY_INTERVAL, /* precision optional */
    TY_BOOLEAN, TY_UUID,
    TY_POINT, TY_LINE, TY_LSEG, TY_BOX, TY_PATH, TY_POLYGON, TY_CIRCLE,
    TY_INET, TY_CIDR, TY_MACADDR, TY_MACADDR8,
    TY_BIT, TY_VARBIT, /* length; bit without length is bit(1); varbit -1 = unbounded */
    TY_TSVECTOR, TY_TSQUERY,
    TY_JSON, TY_JSONB,
    TY_INT4RANGE, TY_INT8RANGE, TY_NUMRANGE, TY_TSRANGE, TY_TSTZRANGE, TY_DATERANGE,
    TY_XML,
    TY_ENUM,        /* enum_name (+ enum_schema when it lives in another domain) */
    TY_OTHER,       /* a type the language does not know, kept verbatim in `other` (introspection),
                     * or a domain of this model: `other` is then its name through sql_ident */
    TY__COUNT
} TypeKind;

typedef struct SqlType {
    TypeKind kind;
    int32_t length;    /* varchar/char/bit/varbit; -1 = none */
    int32_t precision; /* numeric precision, or fractional-seconds precision for time types; -1 */
    int32_t scale;     /* numeric scale; -1 = none */
    int32_t ndims;     /* array dimensions, 0 = scalar */
    const char *enum_name;   /* TY_ENUM */
    const char *enum_schema; /* TY_ENUM in another domain's schema, else NULL */
    const char *other;       /* TY_OTHER: the SQL spelling */
} SqlType;

typedef enum DefaultKind {
    DEF_NONE,
    DEF_STRING, /* text is the unescaped value; emitted through sql_literal */
    DEF_NUMBER, /* text is a canonical decimal number, sign included */
    DEF_BOOL,   /* text is "true" or "false" */
    DEF_NULL,
    DEF_EXPR,   /* text is a raw SQL expression, emitted verbatim */
} DefaultKind;

typedef struct Default {
    DefaultKind kind;
    const char *text;
    const char *written; /* DEF_EXPR: the SQL as written when its canonical text differs (now()
                          * for CURRENT_TIMESTAMP), or NULL. Emitted, never compared. */
} Default;

typedef enum FkAction { FK_NO_ACTION, FK_RESTRICT, FK_CASCADE, FK_SET_NULL, FK_SET_DEFAULT } FkAction;

/* DEFERRABLE of a constraint: not deferrable, deferrable initially immediate, deferrable
 * initially deferred. */
typedef enum FkDeferral { DEFER_NONE, DEFER_IMMEDIATE, DEFER_DEFERRED } FkDeferral;

typedef enum Identity { IDENTITY_NONE, IDENTITY_ALWAYS, IDENTITY_BY_DEFAULT } Identity;

/* Validators are carried in the model for code generators; they produce no DDL. */
typedef enum ValidatorKind { VAL_EMAIL, VAL_URL, VAL_MIN, VAL_MAX, VAL_LENGTH, VAL_REGEX } ValidatorKind;
typedef struct Validator {
    ValidatorKind kind;
    const char *arg1; /* min/max: number; length: min; regex: pattern */
    const char *arg2; /* length: max or NULL */
} Validator;

/* @lint_ignore(CODE, "why") / @@lint_ignore: a lint finding (docs/lint.md) accepted on purpose.
 * Input to the linter only; never compared, not in snapshot.json. */
typedef struct LintIgnore {
    const char *code;   /* "SL201" */
    const char *reason;
} LintIgnore;

/* ---- adopt2: sequence options (identity and serial columns, standalone sequences) -------- */
/* Which options differ from PostgreSQL's defaults (the canonical form keeps only those). */
enum { SEQ_AS = 1, SEQ_START = 2, SEQ_INCREMENT = 4, SEQ_MIN = 8, SEQ_MAX = 16, SEQ_CACHE = 32,
       SEQ_CYCLE = 64 };
typedef struct SeqOpts {
    unsigned set;   /* SEQ_* bits; 0 = every option is the default */
    TypeKind as;    /* SEQ_AS: TY_SMALLINT, TY_INTEGER or TY_BIGINT */
    int64_t start, increment, min, max, cache; /* meaningful when their bit is set */
} SeqOpts;

/* A sequence not owned by a column (CREATE SEQUENCE), used by nextval defaults. */
typedef struct Sequence {
    const char *name;
    SeqOpts opts;   /* canonical against bigint, PostgreSQL's default AS */
    const char *comment;
    Span span;
} Sequence;
/* ---- end adopt2: sequence options ---- */

typedef struct Column {
    const char *name;
    SqlType type;
    bool nullable;
    Default def;
    Identity identity;       /* GENERATED ... AS IDENTITY */
    const char *generated;   /* GENERATED ALWAYS AS (expr) STORED, or NULL */
    const char *comment;     /* COMMENT ON COLUMN, from doc comments, or NULL */
    bool sensitive;
    Validator *validators;
    size_t nvalidators;
    const char **was;        /* rename hints: previous names, newest first */
    size_t nwas;
    Default backfill;        /* value for existing rows when this column is added NOT NULL */
    LintIgnore *lint_ignores;
    size_t nlint_ignores;
    const char *using_up;    /* @using: the conversion when the type changes to this one, and */
    const char *using_down;  /*   back (down:); SQL expressions, NULL = a cast. Diff input only */
    SeqOpts seq;             /* adopt2: options of its identity or serial sequence */
    const char *collation;   /* adopt2: COLLATE of the column, NULL = the type's default */
    Span span;
} Column;

typedef struct PrimaryKey {
    const char *name;     /* constraint name, NULL when the table has no primary key */
    const char **cols;
    size_t ncols;
    FkDeferral deferral;  /* adopt2: DEFERRABLE [INITIALLY DEFERRED] */
    const char *comment;  /* adopt2: COMMENT ON CONSTRAINT, or NULL */
    Span span;
} PrimaryKey;

typedef struct ForeignKey {
    const char *name;
    const char **cols;
    size_t ncols;
    const char *ref_schema; /* NULL = same domain */
    const char *ref_table;
    const char **ref_cols;
    FkAction on_delete, on_update;
    bool match_full;        /* MATCH FULL (default MATCH SIMPLE) */
    FkDeferral deferral;    /* NOT DEFERRABLE, DEFERRABLE [INITIALLY DEFERRED] */
    bool not_valid;         /* NOT VALID: existing rows were not checked */
    const char *comment;    /* COMMENT ON CONSTRAINT, or NULL */
    const char *const *ref_was; /* diff input only: the other domain's rename hints (@@was) of
                                 * ref_table, when ref_schema is set; never in a snapshot */
    size_t nref_was;
    Span span;
} ForeignKey;

typedef struct Unique {
    const char *name;
    const char **cols;
    size_t ncols;
    bool nulls_not_distinct; /* UNIQUE NULLS NOT DISTINCT: one NULL at most */
    FkDeferral deferral;     /* DEFERRABLE [INITIALLY DEFERRED] */
    const char *comment;     /* COMMENT ON CONSTRAINT, or NULL */
    Span span;
} Unique;

typedef struct Check {
    const char *name;
    const char *expr; /* SQL boolean expression, without the surrounding CHECK ( ) */
    const char *comment; /* COMMENT ON CONSTRAINT, or NULL */
    bool no_inherit;     /* adopt2: NO INHERIT */
    bool not_valid;      /* adopt2: NOT VALID: existing rows were not checked */
    Span span;
} Check;

typedef struct IndexElem {
    const char *column; /* a column name, or NULL when expr is set */
    const char *expr;   /* an SQL expression (emitted in parentheses) */
    bool desc;
    int nulls;          /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
    const char *collation; /* adopt2: COLLATE of the element, or NULL */
    const char *opclass;   /* adopt2: a non-default operator class (text_pattern_ops), or NULL */
} IndexElem;

typedef struct Index {
    const char *name;
    bool unique;
    const char *method; /* "btree", "gin", "gist", "hash", "brin", "spgist" */
    IndexElem *elems;
    size_t nelems;
    const char *where;  /* partial index predicate, or NULL */
    bool nulls_not_distinct; /* unique: NULLS NOT DISTINCT */
    const char *comment; /* COMMENT ON INDEX, or NULL */
    const char **include; /* adopt2: INCLUDE (columns), in order */
    size_t ninclude;
    Span span;
} Index;

/* types branch: EXCLUDE USING method (elem WITH op, ...) [WHERE (pred)] [DEFERRABLE ...] */
typedef struct ExcludeElem {
    const char *column; /* a column name, or NULL when expr is set */
    const char *expr;   /* an SQL expression (emitted in parentheses) */
    const char *op;     /* the operator: "=", "&&" */
} ExcludeElem;

typedef struct Exclusion {
    const char *name;
    const char *method;  /* "gist", "btree", ... */
    ExcludeElem *elems;
    size_t nelems;
    const char *where;   /* partial predicate, or NULL */
    FkDeferral deferral;
    const char *comment; /* COMMENT ON CONSTRAINT, or NULL */
    Span span;
} Exclusion;

/* ORDER ARCHETYPE: same order as DeclKind's first nine values. */
typedef enum Archetype {
    ARCH_ENTITY, ARCH_COMPONENT, ARCH_ATTRIBUTE, ARCH_ASSOCIATION, ARCH_EVENT, ARCH_REFERENCE,
    ARCH_CONFIGURATION, ARCH_CONTRIBUTION, ARCH_TABLE
} Archetype;

typedef struct Table {
    const char *name;
    Archetype archetype;   /* informative: what the author declared */
    const char *comment;
    Column *columns;       /* declared order = CREATE TABLE order */
    size_t ncolumns;
    PrimaryKey pk;         /* pk.name == NULL: none */
    ForeignKey *fks;
    size_t nfks;
    Unique *uniques;
    size_t nuniques;
    Check *checks;
    size_t nchecks;
    Index *indexes;
    size_t nindexes;
    const char **was;      /* table rename hints */
    size_t nwas;
    const char *as_a;      /* association: relation name of the first side (`as`), or NULL; */
    const char *as_b;      /*   no SQL effect, kept for code generators */
    LintIgnore *lint_ignores;
    size_t nlint_ignores;
    /* types branch: declarative partitioning (docs/language.md, "Partitioned tables") */
    const char *partition_by;    /* "RANGE (created_at)": PARTITION BY as the server prints it */
    const char *partition_of;    /* a partition: its parent table (columns come from it), or NULL */
    const char *partition_bound; /* "FOR VALUES FROM ('a') TO ('b')", "DEFAULT" (partition_of) */
    Exclusion *excludes;   /* types branch: exclusion constraints, sorted by name */
    size_t nexcludes;
    Span span;
} Table;

/* types branch: CREATE DOMAIN name AS base [DEFAULT] [NOT NULL] CHECK (...) ... A column of
 * this type has kind TY_OTHER and `other` = the domain name through sql_ident. */
typedef struct DomainType {
    const char *name;
    SqlType base;
    bool nullable;   /* false: NOT NULL */
    Default def;
    Check *checks;   /* CHECK (VALUE ...), sorted by name */
    size_t nchecks;
    const char *comment; /* COMMENT ON DOMAIN, or NULL */
    Span span;
} DomainType;

/* types branch: CREATE TYPE name AS (attr type, ...). A column of this type has kind TY_OTHER
 * and `other` = the type name spelled by model_dtype_spelling, like a domain. */
typedef struct CompositeAttr {
    const char *name;
    SqlType type;
    Span span;
} CompositeAttr;

typedef struct CompositeType {
    const char *name;
    CompositeAttr *attrs; /* declared order */
    size_t nattrs;
    const char *comment;  /* COMMENT ON TYPE, or NULL */
    Span span;
} CompositeType;

typedef struct EnumValue {
    const char *name;
    const char **was;      /* value rename hints */
    size_t nwas;
    Span span;
} EnumValue;

typedef struct Enum {
    const char *name;
    const char *comment;
    EnumValue *values;     /* declared order is the enum's sort order */
    size_t nvalues;
    const char **was;
    size_t nwas;
    Span span;
} Enum;

/* adopt2: an object outside the model (a view, a trigger, a policy) that depends on a table or
 * column of the domain, as pull found it (`@@depends` in the domain block). Diff input only:
 * generate refuses a change that would break or silently change it. */
typedef struct OutsideDep {
    const char *what;   /* "view big_orders", "trigger audit on orders" */
    const char *table;  /* the table it depends on (its name in the database) */
    const char *column; /* the column, or NULL for the table as a whole */
    Span span;
} OutsideDep;

/* How the tenants of a per-tenant domain are found (DESIGN.md §3). */
typedef struct TenantSource {
    const char *query;   /* SQL returning one column of schema names, or NULL */
    const char *pattern; /* LIKE pattern over pg_namespace.nspname, or NULL */
} TenantSource;

typedef struct Model {
    const char *domain;    /* folder name: public, tenant, ... */
    const char *schema;    /* PostgreSQL schema holding the domain's objects */
    bool per_tenant;       /* migrations are applied to every tenant schema */
    TenantSource tenants;
    Table *tables;         /* sorted by name */
    size_t ntables;
    Enum *enums;           /* sorted by name */
    size_t nenums;
    /* objects (issue 14): SQL-bodied objects, sorted by dbo_cmp (model_objects.h) */
    DbObject *objects;
    size_t nobjects;
    DomainType *dtypes;    /* SQL domains (types branch), sorted by name */
    size_t ndtypes;
    CompositeType *ctypes; /* composite types (types branch), sorted by name */
    size_t nctypes;
    bool online;           /* @@online in the domain block: generate writes the online forms */
    Sequence *sequences;   /* adopt2: standalone sequences, sorted by name */
    size_t nsequences;
    const char *comment;   /* adopt2: COMMENT ON SCHEMA, or NULL */
    OutsideDep *deps;      /* adopt2: objects outside the model that depend on it; diff input */
    size_t ndeps;
    bool schema_absent;    /* adopt2, diff input only: this (old) side is before the domain's
                            * first migration, so its schema may not exist yet */
} Model;

/* A whole project: every domain found under the schemas folder, sorted by name with public
 * first. */
typedef struct Project {
    Model *domains;
    size_t ndomains;
} Project;

/* Lookups (binary search on the sorted arrays). NULL when absent. */
const Table *model_find_table(const Model *m, const char *name);
const Enum *model_find_enum(const Model *m, const char *name);
const Column *table_find_column(const Table *t, const char *name);
const DomainType *model_find_dtype(const Model *m, const char *name);
/* The domain of this model a column type names (TY_OTHER spelled as its quoted name), or NULL. */
const DomainType *model_type_domain(const Model *m, const SqlType *t);
const CompositeType *model_find_ctype(const Model *m, const char *name);
const CompositeType *model_type_composite(const Model *m, const SqlType *t);
/* How a column type names a domain (TY_OTHER `other`): quoted as quote_ident would, whatever
 * sql_quote_all says, so compiled and introspected models agree. */
void model_dtype_spelling(struct StrBuf *out, const char *name);

/* Type helpers. */
const char *type_kind_name(TypeKind k);        /* "varchar", "numeric", "timestamptz", ... */
bool type_kind_from_name(const char *name, TypeKind *out); /* accepts aliases: decimal, string,
                                                              int, int4, bool, float8, ... */
bool type_equal(const SqlType *a, const SqlType *b);
/* The parameters a type kind takes: a length (varchar, char, bit, varbit), a precision and
 * scale (numeric), a fractional-seconds precision (timestamp, time, interval), or none. */
typedef enum TypeParams { TP_NONE, TP_LENGTH, TP_PRECISION_SCALE, TP_PRECISION } TypeParams;
TypeParams type_kind_params(TypeKind k);
/* Append t's parameters as set: "(n)", "(p)", "(p<scale_sep>s)", or nothing. The SQL spelling
 * uses "," and the language ", "; no array brackets. */
void type_params_to(struct StrBuf *out, const SqlType *t, const char *scale_sep);
/* Canonical SQL spelling, full parameters, arrays: VARCHAR(255), NUMERIC(10,2), CHAR(26),
 * TIMESTAMPTZ, "user_role"[] ... Enum names go through sql_ident. */
void type_to_sql(struct StrBuf *out, const SqlType *t);
/* The type a foreign-key column gets when it points at a column of type t
 * (serials map to their storage integer type; everything else is copied). */
SqlType type_for_reference(const SqlType *t);

bool default_equal(const Default *a, const Default *b);

/* adopt2: sequence options (model_seq.c). The column's storage type (or bigint for a standalone
 * sequence) fixes the defaults. */
TypeKind seq_storage(TypeKind column_kind);   /* serials -> their integer type */
/* Fill every option with its effective value (defaults included). */
void seqopts_full(const SeqOpts *o, TypeKind storage, SeqOpts *out);
/* Clear the bits of options equal to their default (sema and introspection both call it). */
void seqopts_canon(SeqOpts *o, TypeKind storage);
bool seqopts_equal(const SeqOpts *a, const SeqOpts *b);
/* " AS integer INCREMENT BY 1 ..." : every option when all is true (ALTER SEQUENCE), only the
 * set ones otherwise (CREATE). */
void seqopts_sql(struct StrBuf *out, const SeqOpts *o, TypeKind storage, bool all);
const Sequence *model_find_sequence(const Model *m, const char *name);
void model_sort_sequences(Model *m);

const char *fk_action_sql(FkAction a); /* "NO ACTION", "RESTRICT", "CASCADE", ... */
const char *archetype_name(Archetype a);

/* Sort helpers: call after building a model by hand (tests, introspection). model_sort is
 * model_sort_outer (every array of the model but a table's own) plus model_sort_table of each
 * table (its keys, checks, indexes and exclusions). */
void model_sort(Model *m);
void model_sort_outer(Model *m);
void model_sort_table(Table *t);

#endif
