/*
 * arena.c - bump allocator (see arena.h). Chunks start at 64 KiB and double;
 * an oversized request gets a chunk of its own. Chunks are calloc'ed, so allocations are zero
 * without a memset. Once chunks of a megabyte or more are wanted, they come from the helper
 * that faults their pages in ahead of use (prefault.h) whenever it has one ready.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefault.h"
#include "strbuf.h"

struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    bool prefaulted; /* from prefault_take: released with prefault_release */
    max_align_t data[]; /* payload */
};

#define CHUNK_MIN ((size_t)64 * 1024)
#define ALIGN     (_Alignof(max_align_t))

void arena_init(Arena *a)
{
    memset(a, 0, sizeof(*a));
}

#ifdef ARENA_DEBUG
void *arena_alloc(Arena *a, size_t n)
{
    ArenaChunk *c = xmalloc(sizeof(ArenaChunk) + (n ? n : 1));
    memset(c->data, 0, n);
    c->size = n;
    c->next = a->head;
    a->head = c;
    a->total += n;
    return c->data;
}
#else
void *arena_alloc(Arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    if ((size_t)(a->end - a->cur) < n) {
        size_t size = a->head ? a->head->size * 2 : CHUNK_MIN;
        if (size > CHUNK_MIN * 64)
            size = CHUNK_MIN * 64;
        if (size < n)
            size = n;
        /* A big chunk whose pages a helper has already faulted in, when one is ready
         * (prefault.h); the size is the pool's. */
        ArenaChunk *c = NULL;
        if (size >= PREFAULT_CHUNK / 2 && n <= PREFAULT_CHUNK - sizeof(ArenaChunk) &&
            (c = prefault_take()) != NULL) {
            size = PREFAULT_CHUNK - sizeof(ArenaChunk);
            c->prefaulted = true;
        } else {
            /* calloc: fresh pages come zeroed from the kernel, so the chunk is never memset
             * and untouched space costs no page faults. Space is never reused, so it stays
             * zero. */
            c = xcalloc(1, sizeof(ArenaChunk) + size);
        }
        c->size = size;
        c->next = a->head;
        a->head = c;
        a->cur = (char *)c->data;
        a->end = a->cur + size;
    }
    void *p = a->cur;
    a->cur += n;
    a->total += n;
    return p; /* already zero: see above */
}
#endif

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("vsnprintf failed");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
#ifndef ARENA_DEBUG
        if (c->prefaulted)
            prefault_release(c);
        else
#endif
            free(c);
        c = next;
    }
    arena_init(a);
}
