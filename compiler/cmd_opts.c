/*
 * cmd_opts.c - the parts of option parsing every stravc command with getopt_long shares
 * (commands.h): -h and the two usage errors, spelled once so they read the same everywhere.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"

int cmd_opt_other(int c, char **argv, const char *usage)
{
    if (c == 'h') {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "stravc: error: unknown or incomplete option '%s'\n%s", argv[optind - 1],
            usage);
    return 2;
}

bool cmd_opt_extra(int argc, char **argv, const char *usage)
{
    if (optind >= argc)
        return false;
    fprintf(stderr, "stravc: error: unexpected argument '%s'\n%s", argv[optind], usage);
    return true;
}
