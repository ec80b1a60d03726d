/*
 * sema.h - semantic analysis: the ASTs of one domain's files -> that domain's Model.
 * Resolves names (snake_case, NFC, 63-byte shortening), types, implicit archetype columns,
 * parents, associations, references (FK columns typed like the target key), defaults,
 * constraints and indexes, and reports every semantic error through Diag.
 * Stage: parser -> AST -> sema (this) -> Model -> diff / model_json.
 */
#ifndef STRAV_SEMA_H
#define STRAV_SEMA_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "model.h"

typedef struct SemaInput {
    const char *domain;    /* folder name: public, tenant, ... */
    AstFile *const *files; /* the domain's files (any order: the result does not depend on it) */
    size_t nfiles;
    const Model *public_model; /* the resolved public domain when domain is not public, else NULL */
    const char *const
        *domains; /* every domain of the project (for cross-domain reference checks) */
    size_t ndomains;
    /* the resolved models of the other domains this one may use (domain.Name: enums, SQL
     * domains, composite types, tables), loaded first in dependency order (project.c); public
     * is found here or in public_model */
    const Model *const *others;
    size_t nothers;
} SemaInput;

/* Build *out (arena-owned, sorted with model_sort) from in. Returns false when an error was
 * reported; *out is then partial but safe to read. */
bool sema_domain(Model *out, Arena *a, const SemaInput *in, Diag *d);

#endif
