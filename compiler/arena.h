/*
 * arena.h - bump allocator for everything the compiler builds (AST, models, plans).
 * Nothing allocated from an arena is freed on its own; arena_free releases it all.
 * Built with -DARENA_DEBUG every allocation is a tracked malloc so sanitizers see overruns.
 */
#ifndef STRAV_ARENA_H
#define STRAV_ARENA_H

#include "base.h"

typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head; /* newest chunk first */
    char *cur, *end;  /* free space in head */
    size_t total;     /* bytes handed out, for statistics */
} Arena;

void arena_init(Arena *a);
void *arena_alloc(Arena *a, size_t n); /* zeroed, max_align_t aligned, never NULL */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
void arena_free(Arena *a); /* releases every chunk; the arena can be reused after arena_init */

/* Allocate an array of n objects of type T. */
#define ARENA_NEW(a, T)       ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n)  ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
