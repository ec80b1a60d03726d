/*
 * commands.h - the stravc subcommands. main.c parses nothing but the command name and
 * dispatches; each command parses its own options (getopt_long) and returns the exit status:
 * 0 success, 1 diagnostics reported / changes found where that is a failure, 2 usage error.
 */
#ifndef STRAV_COMMANDS_H
#define STRAV_COMMANDS_H

int cmd_check(int argc, char **argv);    /* cmd_check.c: stravc check */
int cmd_model(int argc, char **argv);    /* cmd_check.c: stravc model --json */
int cmd_fmt(int argc, char **argv);      /* cmd_fmt.c: stravc fmt [--check] */
int cmd_dump(int argc, char **argv);     /* cmd_fmt.c: stravc dump tokens|ast FILE */
int cmd_generate(int argc, char **argv); /* cmd_generate.c: stravc generate -m MSG [-s D] */
int cmd_diff(int argc, char **argv);     /* cmd_generate.c: stravc diff [-s D] [--json]; exit 3 = changes */
int cmd_pull(int argc, char **argv);     /* runtime side: strav-run pull (see runtime/) */

#endif
