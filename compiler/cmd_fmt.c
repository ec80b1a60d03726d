/*
 * cmd_fmt.c - placeholder; replaced by the work on this command.
 */
#include <stdio.h>

#include "commands.h"

int cmd_fmt(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}

int cmd_dump(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("stravc: not implemented yet\n", stderr);
    return 2;
}
