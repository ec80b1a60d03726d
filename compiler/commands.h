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
int cmd_lsp(int argc, char **argv);      /* cmd_lsp.c: stravc lsp (language server) */
int cmd_rebase(int argc, char **argv);   /* cmd_rebase.c: stravc rebase [-s D] [--force] */
int cmd_squash(int argc, char **argv);   /* cmd_squash.c: stravc squash [-s D] [--up-to V] */
int cmd_pull(int argc, char **argv);     /* runtime side: strav-run pull (see runtime/) */

/* generate's lint step (the linter lives in runtime/lint_cmd.c, which the compiler may not
 * call): main.c sets it. Given one domain's plan, it prints the findings and returns the
 * manifest's "lint" value as JSON text (malloc'd) or NULL. NULL hook: no lint. */
struct Model;
struct Plan;
extern char *(*cmd_generate_lint)(const struct Model *old_m, const struct Model *new_m,
                                  const struct Plan *p);

/* cmd_opts.c: shared by the commands' getopt_long loops (opterr = 0, optstring starting "+:";
 * argv[0] is the command's name). cmd_opt_other handles an option the command's switch does
 * not: 'h' prints usage on stdout and gives 0; ':' (missing argument) and anything else are
 * usage errors and give 2. cmd_opt_extra reports argv[optind], when there is one left after
 * the options and positionals, as a usage error and returns true. cmd_usage_error prints
 * "stravc: CMD: <message>" and "Try 'stravc CMD --help'." on stderr and returns 2: the one
 * spelling of every stravc usage error. */
int cmd_opt_other(int c, char **argv, const char *usage);
bool cmd_opt_extra(int argc, char **argv, const char *usage);
int cmd_usage_error(const char *cmd, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The program named in usage errors: "stravc" (default), "strav" or "strav-run" (their mains
 * set it: the runtime's commands spell usage errors the same way). */
extern const char *cmd_progname;
/* "PROG CMD" to name instead (strav generate:migration runs stravc generate and sets it through
 * STRAV_USAGE_AS, so its usage errors name what the user typed), or NULL. */
extern const char *cmd_usage_as;

/* The one colour rule of stravc, strav and strav-run: colour on a stream when it is a terminal
 * (tty), NO_COLOR is unset or empty, and --no-color (cmd_no_color) was not given. */
extern bool cmd_no_color;
bool cmd_color(bool tty);
/* Take every --no-color out of argv[from..argc) (up to a "--"), setting cmd_no_color; returns
 * the new argc. For commands whose parser does not know the option (stravc's, pull, drift,
 * baseline): it belongs to every command. */
int cmd_strip_no_color(int argc, char **argv, int from);

#endif
