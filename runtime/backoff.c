/*
 * backoff.c - the retry waits of the step executor (backoff.h). The jitter comes from
 * getrandom(2), not from rand(): an unseeded rand() gives every process the same sequence, so
 * two runners that timed out together would also retry together, in lockstep with each other
 * and with the writers they queue behind.
 */
#include "backoff.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* A random 32-bit value: getrandom, or (no such call, or interrupted) the clock and the pid
 * mixed, which still differs between processes. */
static uint32_t random_u32(void)
{
    uint32_t v;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ ((uint64_t)getpid() << 16);
    x ^= x >> 33; /* splitmix64's finaliser */
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

long backoff_delay_ms(int k)
{
    long cap = 100L << (k < 6 ? (k > 0 ? k : 0) : 6);
    if (cap > 5000)
        cap = 5000;
    return cap / 2 + (long)(random_u32() % (uint32_t)(cap / 2 + 1));
}

void backoff_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
