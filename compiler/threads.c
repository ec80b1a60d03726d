/*
 * threads.c - see threads.h. Below the compiler's pipeline and the runtime: a helper both
 * link, with no knowledge of what the threads do.
 */
#include "threads.h"

#include <pthread.h>
#include <unistd.h>

void threads_run(size_t n, void *(*fn)(void *), void *const *args)
{
    pthread_t th[THREADS_MAX];
    size_t started = 1, nt = n < THREADS_MAX ? n : THREADS_MAX;
    for (size_t k = 1; k < nt; k++, started++)
        if (pthread_create(&th[k], NULL, fn, args[k]) != 0)
            break;
    for (size_t k = started; k < n; k++) /* no thread for it (failed, or beyond the most) */
        fn(args[k]);
    if (n)
        fn(args[0]);
    for (size_t k = 1; k < started; k++)
        pthread_join(th[k], NULL);
}

unsigned threads_cpus(unsigned max)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1u : (unsigned long)c > max ? max : (unsigned)c;
}
