/*
 * threads.h - run one function on a few threads and wait for all of them: the one thread
 * pool the compiler (dirwrite.c) and the runtime (migset.c) share. Each caller divides its
 * work itself (strided, or a shared counter); this only starts, falls back and joins.
 */
#ifndef STRAV_THREADS_H
#define STRAV_THREADS_H

#include <stddef.h>

#define THREADS_MAX 8u

/* Call fn(args[k]) for every k < n: args[0] on the calling thread, the others on new threads
 * (THREADS_MAX at most in all); an argument without a thread (creation failed, or beyond the
 * most) is run on the calling thread instead, so all the work is done whatever the system
 * allows. Returns when every call has returned. */
void threads_run(size_t n, void *(*fn)(void *), void *const *args);

/* The CPUs online, at least 1 and at most max. */
unsigned threads_cpus(unsigned max);

#endif
