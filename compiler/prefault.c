/*
 * prefault.c - a helper thread that faults in arena chunks ahead of use (see prefault.h).
 * It keeps PREFAULT_AHEAD chunks ready: each is a private anonymous mapping of PREFAULT_CHUNK
 * bytes with every page written once (reading would only map the shared zero page). Taking
 * one costs a mutex; the helper sleeps while its ring is full and lives until the process
 * exits. If the helper cannot start or mmap fails, the ring stays empty: speed is all it costs.
 */
#include "prefault.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#define PREFAULT_AHEAD 4

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t room = PTHREAD_COND_INITIALIZER;
static void *ready[PREFAULT_AHEAD];
static size_t nready;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool enabled; /* set before any thread starts, then only read */

static void *fault_one(void)
{
    void *p =
        mmap(NULL, PREFAULT_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    long pg = sysconf(_SC_PAGESIZE);
    size_t step = pg > 0 ? (size_t)pg : 4096;
    for (size_t off = 0; off < PREFAULT_CHUNK; off += step)
        ((volatile char *)p)[off] = 0;
    return p;
}

static void *helper(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (nready == PREFAULT_AHEAD)
            pthread_cond_wait(&room, &mu);
        pthread_mutex_unlock(&mu);
        void *p = fault_one();
        if (!p)
            return NULL;
        pthread_mutex_lock(&mu);
        ready[nready++] = p;
        pthread_mutex_unlock(&mu);
    }
}

static void start(void)
{
    pthread_t th;
    if (pthread_create(&th, NULL, helper, NULL) == 0)
        pthread_detach(th);
}

void prefault_enable(void)
{
    enabled = true;
}

void *prefault_take(void)
{
    if (!enabled)
        return NULL;
    pthread_once(&once, start);
    void *p = NULL;
    pthread_mutex_lock(&mu);
    if (nready) {
        p = ready[--nready];
        pthread_cond_signal(&room);
    }
    pthread_mutex_unlock(&mu);
    return p;
}

void prefault_release(void *chunk)
{
    munmap(chunk, PREFAULT_CHUNK);
}
