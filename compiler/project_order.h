/*
 * project_order.h - the domains of a project as a dependency graph (docs/language.md, "Using
 * another domain"): which domains each one uses (domain.Name in a type, a ref, a parent, an
 * association end or @@foreign references:), found in the parsed files before sema, and an
 * order in which every domain comes after the ones it uses. Stage: parse -> (this) -> sema,
 * called by project.c.
 */
#ifndef STRAV_PROJECT_ORDER_H
#define STRAV_PROJECT_ORDER_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* Mark in uses[j] every domain doms[j] (j != self) that the files of doms[self] name as a
 * qualifier (dom.Name) where a type or a table is expected. */
void project_domain_uses(AstFile *const *files, size_t nfiles, const char *const *doms,
                         size_t nd, size_t self, bool *uses);

/* Load what the wanted domains need: every domain with want[i] set is loaded once by
 * load(ctx, i, &nfiles) (its parsed files, NULL with nfiles 0 when none; *bad set when its
 * files did not load), its uses recorded in row i of uses (nd*nd), and each domain it uses is
 * wanted and loaded in turn, until nothing new is wanted. Returns false when some load was bad. */
typedef AstFile *const *(*ProjectLoadDomain)(void *ctx, size_t i, size_t *nfiles, bool *bad);
bool project_load_wanted(const char *const *doms, size_t nd, bool *want, bool *uses,
                         ProjectLoadDomain load, void *ctx);

/* Order the domains with want[i] set so that each comes after those it uses (uses: nd*nd,
 * row i = the domains doms[i] uses); ties keep the given order (public first, then by name).
 * Writes the indices to order and returns how many; a cycle is reported (naming it, e.g.
 * "a -> b -> a") and its domains are left out. */
size_t project_order(Arena *a, const char *const *doms, size_t nd, const bool *uses,
                     const bool *want, size_t *order, Diag *d);

#endif
