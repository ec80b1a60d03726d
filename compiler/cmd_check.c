/*
 * cmd_check.c - placeholder; replaced by the work on this command.
 */
#include <stdio.h>

#include "commands.h"

int cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}

int cmd_model(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}
