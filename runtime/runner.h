/*
 * runner.h - the runtime commands shared by strav-run and strav: migrate, rollback, fresh,
 * status, stop (the embedded server) and url. Option parsing, output (the seed's lines, or
 * --json) and exit codes: 0 success, 1 failure, 2 usage error.
 */
#ifndef STRAV_RUNNER_H
#define STRAV_RUNNER_H

#include <stdio.h>

#include "base.h"

typedef enum RunCmd { CMD_MIGRATE, CMD_ROLLBACK, CMD_FRESH, CMD_STATUS, CMD_STOP, CMD_URL } RunCmd;

/* Parse argv[0..argc) (options only; the command is already known) and run. prog names the
 * program in messages ("strav" or "strav-run"), word the command as typed (usage errors and
 * --help name it). Returns the exit status. */
int runner_run(const char *prog, const char *word, RunCmd cmd, int argc, char **argv);

/* When not NULL (a jansson array), each run's --json document is appended to it instead of
 * printed: `--all-domains --json` prints the runs as one object (xdomain_run.c). */
struct json_t;
extern struct json_t *runner_json_runs;

/* The domain list check shared with `strav generate:migration`: 0 when scope is a known
 * domain, else prints the seed's "Error: Invalid domain: ..." and returns 1. */
int runner_check_scope(const char *scope, const char *migrations_root, const char *schemas_root);

/* The option summary printed by --help. */
void runner_print_options(FILE *out);

#endif
