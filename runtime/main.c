/*
 * main.c - strav-run command line (placeholder until the runtime lands).
 */
#include <stdio.h>

int main(void)
{
    fputs("strav-run: not built yet\n", stderr);
    return 2;
}
