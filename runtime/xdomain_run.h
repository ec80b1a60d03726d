/*
 * xdomain_run.h - the runtime's side of the uses between domains (docs/runtime.md, "Domains
 * that use each other"): a migration's manifest names, in "uses", the version of every other
 * domain it was generated against (compiler/xdomain.h). migrate refuses a pending migration
 * whose used domains are not migrated that far yet; rollback refuses to revert a migration
 * that another domain's applied migration was generated against. Called by cmd_migrate.c and
 * cmd_rollback.c before anything runs.
 */
#ifndef STRAV_XDOMAIN_RUN_H
#define STRAV_XDOMAIN_RUN_H

#include "runctx.h"

/* 0, or 1 after reporting the first pending migration (list[0..n)) whose uses are not met. */
int xdomain_refuse_migrate(Ctx *c, const Migration *const *list, size_t n);

/* 0, or 1 after reporting the first migration of list[0..n) (about to be rolled back) that an
 * applied migration of another domain was generated against. */
int xdomain_refuse_rollback(Ctx *c, const Migration *const *list, size_t n);

#endif

/* ---- --all-domains (migrate, rollback): every domain, interleaved in version order (the
 * generator gives related domains distinct versions in the order they must be applied).
 * migrate: each domain's pending migrations, oldest version first across domains; rollback:
 * each domain's latest batch, newest version first across domains. Each stretch of one
 * domain's versions is one ordinary run (runner_run with -s DOMAIN), so every check, lock and
 * message is the single-domain one. */
bool xdomain_all_wanted(int argc, char **argv);
int xdomain_run_all(const char *prog, const char *word, RunCmd cmd, int argc, char **argv);

/* Inside such a run: whether version belongs to the stretch being run (always true outside). */
bool xdomain_in_window(const char *version);
