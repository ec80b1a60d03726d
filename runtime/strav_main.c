/*
 * main.c - strav command line (placeholder until the runtime lands).
 */
#include <stdio.h>

int main(void)
{
    fputs("strav: not built yet\n", stderr);
    return 2;
}
