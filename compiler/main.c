/*
 * main.c - stravc command line (placeholder until the front end lands).
 */
#include <stdio.h>

int main(void)
{
    fputs("stravc: not built yet\n", stderr);
    return 2;
}
