/*
 * commands.h - the stravc subcommands. main.c parses nothing but the command name and
 * dispatches; each command parses its own options (getopt_long) and returns the exit status:
 * 0 success, 1 diagnostics reported / changes found where that is a failure, 2 usage error.
 */
#ifndef STRAV_COMMANDS_H
#define STRAV_COMMANDS_H

#include "base.h"

int cmd_check(int argc, char **argv);    /* cmd_check.c: stravc check */
int cmd_model(int argc, char **argv);    /* cmd_check.c: stravc model --json */
int cmd_fmt(int argc, char **argv);      /* cmd_fmt.c: stravc fmt [--check] */
int cmd_dump(int argc, char **argv);     /* cmd_fmt.c: stravc dump tokens|ast FILE */
int cmd_generate(int argc, char **argv); /* cmd_generate.c: stravc generate -m MSG [-s D] */
int cmd_diff(int argc, char **argv);     /* cmd_generate.c: stravc diff [-s D] [--json]; exit 3 = changes */
int cmd_pull(int argc, char **argv);     /* runtime side: strav-run pull (see runtime/) */

/* generate's lint step (the linter lives in runtime/lint_cmd.c, which the compiler may not
 * call): main.c sets it. Given one domain's plan, it prints the findings and returns the
 * manifest's "lint" value as JSON text (malloc'd) or NULL. NULL hook: no lint. */
struct Model;
struct Plan;
extern char *(*cmd_generate_lint)(const struct Model *old_m, const struct Model *new_m,
                                  const struct Plan *p);

/* cmd_opts.c: shared by the commands' getopt_long loops. cmd_opt_other handles an option the
 * command's switch does not: 'h' prints usage on stdout and gives 0, anything else is a usage
 * error (message and usage on stderr) and gives 2. cmd_opt_extra reports argv[optind], when
 * there is one left after the options and positionals, as a usage error and returns true. */
int cmd_opt_other(int c, char **argv, const char *usage);
bool cmd_opt_extra(int argc, char **argv, const char *usage);

#endif
