/*
 * test_threads.c - unit tests for threads_run (threads.h): every argument is run exactly once
 * for any count, beyond THREADS_MAX too, and the calls overlap when threads can be made.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "threads.h"

typedef struct Slot {
    atomic_int runs;
    pthread_t by;
} Slot;

static atomic_int inside, most_inside;

static void *count_once(void *arg)
{
    Slot *s = arg;
    int now = atomic_fetch_add(&inside, 1) + 1;
    int seen = atomic_load(&most_inside);
    while (now > seen && !atomic_compare_exchange_weak(&most_inside, &seen, now))
        ;
    struct timespec ts = { 0, 20 * 1000 * 1000 }; /* long enough for the others to start */
    nanosleep(&ts, NULL);
    s->by = pthread_self();
    atomic_fetch_add(&s->runs, 1);
    atomic_fetch_sub(&inside, 1);
    return NULL;
}

int main(void)
{
    TEST("every argument runs exactly once, for 0 to THREADS_MAX + 3 of them")
    {
        for (size_t n = 0; n <= THREADS_MAX + 3; n++) {
            Slot slots[THREADS_MAX + 3];
            void *args[THREADS_MAX + 3];
            memset(slots, 0, sizeof slots);
            for (size_t k = 0; k < n; k++)
                args[k] = &slots[k];
            threads_run(n, count_once, args);
            for (size_t k = 0; k < n; k++)
                CHECK_INT(atomic_load(&slots[k].runs), ==, 1);
            for (size_t k = n; k < THREADS_MAX + 3; k++)
                CHECK_INT(atomic_load(&slots[k].runs), ==, 0);
        }
    }
    TEST("the first argument runs on the calling thread, the others beside it")
    {
        Slot slots[4];
        void *args[4];
        memset(slots, 0, sizeof slots);
        for (size_t k = 0; k < 4; k++)
            args[k] = &slots[k];
        atomic_store(&most_inside, 0);
        threads_run(4, count_once, args);
        CHECK(pthread_equal(slots[0].by, pthread_self()));
        CHECK(!pthread_equal(slots[1].by, pthread_self()));
        CHECK_INT(atomic_load(&most_inside), >, 1);
    }
    TEST("threads_cpus is at least 1 and at most its limit")
    {
        CHECK_INT(threads_cpus(1), ==, 1);
        CHECK_INT(threads_cpus(THREADS_MAX), >=, 1);
        CHECK_INT(threads_cpus(THREADS_MAX), <=, THREADS_MAX);
    }
    return tap_done();
}
