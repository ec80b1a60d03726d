/*
 * test_backoff.c - the retry waits of online steps (runtime/backoff.c): each within its
 * doubling, capped window, and different between two processes started alike (an unseeded
 * rand() gives every process the same sequence: two runners would retry in lockstep).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoff.h"
#include "tap.h"

/* The first 8 waits of a fresh child process, as text. */
static int child_sequence(char *buf, size_t size)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char out[256];
        size_t n = 0;
        for (int k = 1; k <= 8; k++)
            n += (size_t)snprintf(out + n, sizeof out - n, "%ld ", backoff_delay_ms(k));
        ssize_t w = write(fd[1], out, n);
        _exit(w == (ssize_t)n ? 0 : 1);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < size && (r = read(fd[0], buf + got, size - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(void)
{
    TEST("each wait lies in [cap/2, cap] with cap 200, 400, ... ms up to 5 s")
    {
        for (int round = 0; round < 200; round++)
            for (int k = 1; k <= 10; k++) {
                long cap = k >= 6 ? 5000 : 100L << k;
                long d = backoff_delay_ms(k);
                if (d < cap / 2 || d > cap) {
                    CHECK_INT(d, >=, cap / 2);
                    CHECK_INT(d, <=, cap);
                }
            }
    }
    TEST("the waits vary from one call to the next")
    {
        long first = backoff_delay_ms(6);
        int same = 0;
        for (int i = 0; i < 50; i++)
            same += backoff_delay_ms(6) == first;
        CHECK_INT(same, <, 50);
    }
    TEST("two processes started alike draw different sequences")
    {
        char a[256], b[256];
        CHECK_INT(child_sequence(a, sizeof a), ==, 0);
        CHECK_INT(child_sequence(b, sizeof b), ==, 0);
        CHECK(strlen(a) > 8);
        CHECK(strcmp(a, b) != 0);
    }
    return tap_done();
}
