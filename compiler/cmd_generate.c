/*
 * cmd_generate.c - placeholder; replaced by the work on this command.
 */
#include <stdio.h>

#include "commands.h"

int cmd_generate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}

int cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}
