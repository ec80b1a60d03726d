/*
 * test_prefault.c - unit tests for the arena's pre-faulted chunks (prefault.h): a chunk comes
 * ready within a few seconds of the first request, is PREFAULT_CHUNK bytes of zeros that are
 * already resident (mincore) and writable, the helper keeps refilling after more chunks than
 * it holds ahead have been taken, a released chunk is unmapped, and an arena that has grown
 * big is served from the pool. "Resident" is measured as this thread's minor page faults while
 * it writes every page (RUSAGE_THREAD): mincore cannot tell, as a page only read is "present"
 * too (the shared zero page) and its first write still faults.
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "prefault.h"
#include "tap.h"

static size_t page_size(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    return pg > 0 ? (size_t)pg : 4096;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* prefault_take, retried for up to 10 s (the helper runs on a shared, noisy machine). */
static void *take_waiting(void)
{
    for (int i = 0; i < 10000; i++) {
        void *p = prefault_take();
        if (p)
            return p;
        sleep_ms(1);
    }
    return NULL;
}

static long my_faults(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_minflt : -1;
}

/* Write a byte to every page of [p, p+len) (after checking it was zero) and return how many
 * page faults that cost this thread: 0 when the pages were there already. */
static long faults_writing(unsigned char *p, size_t len)
{
    long before = my_faults();
    for (size_t off = 0; off < len; off += page_size())
        p[off] = (unsigned char)(p[off] + 1);
    return my_faults() - before;
}

/* A few faults are allowed for the test's own stack and code. */
#define FEW_FAULTS 8

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int main(void)
{
    TEST("nothing is handed out before prefault_enable")
    {
        CHECK(prefault_take() == NULL);
        sleep_ms(50);
        CHECK(prefault_take() == NULL); /* and no helper was started by asking */
    }
    prefault_enable();
    TEST("a chunk is ready soon after the first request: zero, resident, writable")
    {
        unsigned char *p = take_waiting();
        CHECK(p != NULL);
        if (p) {
            CHECK(all_zero(p, PREFAULT_CHUNK));
            CHECK_INT(faults_writing(p, PREFAULT_CHUNK), <=, FEW_FAULTS);
            memset(p, 0xab, PREFAULT_CHUNK);
            CHECK(p[0] == 0xab && p[PREFAULT_CHUNK - 1] == 0xab);
            prefault_release(p);
            unsigned char v;
            errno = 0;
            CHECK(mincore(p, page_size(), &v) != 0 && errno == ENOMEM); /* unmapped */
        }
    }
    TEST("the helper keeps refilling: many more chunks than it holds ahead")
    {
        bool ok = true;
        for (int i = 0; i < 16 && ok; i++) {
            unsigned char *p = take_waiting();
            ok =
                p && all_zero(p, PREFAULT_CHUNK) && faults_writing(p, PREFAULT_CHUNK) <= FEW_FAULTS;
            if (p)
                prefault_release(p);
        }
        CHECK(ok);
    }
    TEST("a big arena is served from the pool, and its memory is zero")
    {
#ifdef ARENA_DEBUG
        tap_skip("ARENA_DEBUG: every allocation is its own malloc");
#else
        Arena a;
        arena_init(&a);
        /* grow past 1 MB so the arena asks for chunks of PREFAULT_CHUNK / 2 or more */
        for (int i = 0; i < 64; i++)
            CHECK(all_zero(arena_alloc(&a, 64 * 1024), 64 * 1024));
        bool from_pool = false;
        for (int tries = 0; tries < 200 && !from_pool; tries++) {
            sleep_ms(10); /* let the helper fill its ring */
            /* a piece the size of a chunk's remainder forces a new chunk */
            size_t n = PREFAULT_CHUNK - 4096;
            unsigned char *p = arena_alloc(&a, n);
            CHECK(all_zero(p, n));
            from_pool = faults_writing(p, n) <= FEW_FAULTS;
        }
        CHECK(from_pool);
        arena_free(&a);
#endif
    }
    return tap_done();
}
