/*
 * fleet.h - migrate, rollback or status across many databases (--targets FILE, docs/fleet.md):
 * one child process of this same program per target, N at a time overall and per server, a
 * canary group first, progress lines, a roll-up and --json. Entered from runner_run before any
 * other option parsing; each child is an ordinary single-database run.
 */
#ifndef STRAV_FLEET_H
#define STRAV_FLEET_H

#include <stdio.h>

#include "base.h"
#include "runner.h"

/* Whether argv[0..argc) asks for a fleet run (holds --targets). */
bool fleet_wanted(int argc, char **argv);

/* Run cmd on every target of the --targets file; argv[0..argc) are the options after the
 * command. Returns the exit status: 0, 1 when any target failed, 2 for a usage error. */
int fleet_run(const char *prog, RunCmd cmd, int argc, char **argv);

/* The fleet options for --help. */
void fleet_print_options(FILE *out);

#endif
