/*
 * lint.h - `stravc lint` (docs/lint.md): a pending change is analysed from its typed plan
 * (lint_plan.c); a migration directory, possibly hand-written, statement by statement: each
 * file cut with the runtime's splitter (sqlsplit.h), the DDL it knows recognised (lint_rules.c).
 * Both report findings: a stable code, a severity, a category, the object, a
 * message and where it comes from. A table created earlier in the same migration is new; every
 * other table is existing (it may hold rows and be in use).
 * Stage: Plan (pending change) or migration SQL (a directory) -> findings.
 */
#ifndef STRAV_LINT_H
#define STRAV_LINT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "model.h"
#include "plan.h"

typedef enum LintSeverity { LINT_ERROR, LINT_WARNING, LINT_INFO } LintSeverity;

/* One rule: its code (SL101...), severity, category (destructive, data-dependent,
 * table-rewrite, blocking-lock, backward-incompatible) and a short name. */
typedef struct LintRule {
    const char *code;
    LintSeverity sev;
    const char *category;
    const char *name;
} LintRule;

typedef struct LintFinding {
    const LintRule *rule;
    const char *table;   /* unqualified name of the table (or enum type) concerned, or NULL */
    const char *column;  /* the column, or NULL */
    const char *name;    /* the index or constraint concerned, or NULL */
    const char *object;  /* as shown: "user"."email" */
    const char *message;
    const char *file;    /* where it comes from: the SQL file, or the .strav file once mapped */
    unsigned line;
    const char *reason;  /* non-NULL: suppressed, with this why */
} LintFinding;

typedef struct LintNames {
    const char **v;
    size_t n, cap;
    uint32_t *slot; /* open-addressing index into v (1 + position, 0 empty), nslot a power of 2 */
    size_t nslot;
} LintNames;

/* The analyser's state over one migration (its files in execution order). */
typedef struct Lint {
    Arena a;
    const Model *old;        /* the schema before the migration (types, enum values), or NULL */
    LintFinding *f;
    size_t n, cap;
    LintNames new_tables;    /* created by an earlier statement of the migration */
    LintNames new_indexes;
    LintNames renamed_types; /* enum types renamed away (recreation of the type) */
    LintNames nn_checks;     /* "constraint\ttable\tcolumn" of CHECK (c IS NOT NULL) NOT VALID */
    LintNames nn_valid;      /* "table\tcolumn" proven not null by a validated check */
    LintNames lock_warned;   /* "file\ttable" already given SL405 */
    bool lock_timeout;       /* a non-zero lock_timeout is in effect */
} Lint;

extern const LintRule lint_rules[];
extern const size_t lint_nrules;
const LintRule *lint_rule(const char *code);

void lint_init(Lint *l, const Model *old);
void lint_release(Lint *l);
/* Analyse one file of the migration (call in execution order). file names it in findings. */
void lint_sql(Lint *l, const char *file, const char *sql);

/* Analyse a pending change from its typed plan (lint_plan.c), files in execution order; the
 * findings name "(pending DOMAIN)/<file>" and the op's line there until mapped to the schema. */
void lint_plan_ops(Lint *l, const Plan *p, const char *domain);

/* Print the findings: one line each (text) or {"findings": [...]} (json). Returns whether an
 * error-level finding is not suppressed. */
bool lint_report(FILE *out, const Lint *const *ls, size_t nls, bool json);
/* {"findings": [...], "counts": {"errors", "warnings", "info", "suppressed"}} of every finding
 * (the --json keys; the caller owns it); *failed as lint_report returns. */
json_t *lint_json(const Lint *const *ls, size_t nls, bool *failed);
/* The same for the findings of severity min or higher, suppressed ones only if asked; prints
 * nothing at all (not even a summary line) in text mode when none is left, unless min is
 * LINT_INFO. */
bool lint_report_min(FILE *out, const Lint *const *ls, size_t nls, bool json, LintSeverity min,
                     bool suppressed);

/* stravc lint [-s DOMAIN] [--json] [--schemas DIR] [--migrations DIR] | --migration DIR.
 * Exit 0 clean, 1 an unsuppressed error (or a failure), 2 usage. */
int lint_main(int argc, char **argv);

/* generate's hook: lint the plan of one domain (old -> new), print the unsuppressed warnings
 * and errors on stderr (so a change with none prints the seed's lines only), and
 * return the manifest's "lint" value (JSON text, malloc'd: the suppressed findings and their
 * reasons) or NULL when nothing was suppressed. */
char *lint_generate_hook(const Model *old_m, const Model *new_m, const Plan *p);

#endif
