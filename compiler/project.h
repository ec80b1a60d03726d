/*
 * project.h - load a schemas folder (database/schemas/<domain>/ *.strav) into a Project: every
 * domain's files parsed, checked and resolved into a Model. The front end's entry point, used by
 * stravc check/model/generate/diff. Stage: files -> parse -> sema -> Project.
 */
#ifndef STRAV_PROJECT_H
#define STRAV_PROJECT_H

#include "arena.h"
#include "diag.h"
#include "model.h"

/* Load and check all domains (only_domain == NULL) or one domain (plus what it references).
 * Sources stay loaded until project_release (diagnostics and spans point into them).
 * Returns false when any error was reported (the Project may be partial) or the folder is
 * missing. An unknown only_domain reports the seed's text
 * "Invalid domain: x. Available domains: public, ..." as a global error. */
typedef struct ProjectLoad {
    Project project;
    struct Source **sources; /* owned */
    size_t nsources;
} ProjectLoad;

bool project_load(ProjectLoad *out, Arena *a, const char *schemas_dir, const char *only_domain,
                  Diag *d);
void project_release(ProjectLoad *pl);

/* The domain names found under schemas_dir (public first, then sorted), or NULL on error.
 * Arena-owned. */
const char **project_domains(Arena *a, const char *schemas_dir, size_t *n);
/* Whether s is a valid domain (folder) name: ^[a-z_][a-z0-9_]*$. */
bool project_valid_domain_name(const char *s);

/* The *.strav file names of schemas_dir/domain, sorted, by the loader's rule: a symbolic link
 * is read only when it resolves to a regular file inside schemas_dir; any other entry that is
 * not a regular file is an error in d, not listed. NULL (n = 0) when the folder is missing.
 * Arena-owned. The loader's and the LSP server's (lsp_project.c) one listing. */
const char **project_domain_files(Arena *a, const char *schemas_dir, const char *domain, Diag *d,
                                  size_t *n);

const Model *project_find(const Project *p, const char *domain);

#endif
