/*
 * xdomain.h - generate's view of the domains together (docs/language.md, "Using another
 * domain"): what each domain uses of the others (enums, SQL domains and composite types, tables
 * and key columns named domain.X), read from the schemas of the domains generated in this run
 * and from the latest snapshot of every other domain. Before anything is written, generate
 * refuses a change that would leave one domain's latest migration using what another domain's
 * latest migration no longer has (or does not have yet), orders the migrations of one run so
 * that each can be applied after the previous ones, and records in each manifest ("uses") the
 * version of every domain it was generated against, which the runtime checks.
 * Stage: diff -> (this) -> migdir_write, called by cmd_generate.c.
 */
#ifndef STRAV_XDOMAIN_H
#define STRAV_XDOMAIN_H

#include "arena.h"
#include "diag.h"
#include "model.h"

typedef struct XdDomain {
    const char *domain;
    const Model *before;  /* its latest snapshot (an empty model when it has none) */
    const Model *after;   /* after this run: the new model when generated, else before */
    bool generated;       /* a migration of it is written in this run */
    const char *version;  /* its newest version (NULL: none); xdomain_wrote updates it */
} XdDomain;

typedef struct XdSet {
    Arena *a;
    XdDomain *v;
    size_t n;
} XdSet;

/* The run's domains: news/olds/parents[i] of the ngen domains diffed in this run (generated[i]
 * when its plan is not empty), plus every other domain found under the migrations root (its
 * latest snapshot; left out when it cannot be read, as for a hand-written migration) or the
 * schemas root (none yet: an empty model). */
void xdomain_load(XdSet *s, Arena *a, const char *migrations, const char *schemas,
                  const Model *const *news, const Model *const *olds, const char *const *parents,
                  const bool *generated, size_t ngen);

/* Every use that the run would leave broken is an error naming both domains and what to do;
 * then the generated domains are put in the order their migrations must be applied (order:
 * indices into s->v, *norder of them). Returns false when something was reported. */
bool xdomain_check(const XdSet *s, size_t *order, size_t *norder, Diag *d);

/* True when some generated domain uses another generated one (their versions must then
 * differ, in the order of xdomain_check). */
bool xdomain_related(const XdSet *s);

/* The manifest's "uses" for s->v[i]: {"crm": "1720000000001", ...} (the newest version of
 * each domain its model uses, before or after), or NULL when it uses none. Arena-owned. */
const char *xdomain_uses_json(const XdSet *s, size_t i);

/* After writing version for s->v[i]. */
void xdomain_wrote(XdSet *s, size_t i, const char *version);

/* s->v index of domain, or s->n. */
size_t xdomain_find(const XdSet *s, const char *domain);

#endif
