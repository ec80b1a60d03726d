/*
 * prefault.h - memory whose pages a helper thread has already faulted in, for the arena's big
 * chunks (arena.c). A fresh page costs its first toucher a page fault: at 10,000 tables
 * `stravc check` takes ~30,000 of them, a third of its time. In a command that called
 * prefault_enable (stravc check, generate, diff: one thread building a big model), once an
 * arena asks for chunks of PREFAULT_CHUNK / 2 bytes or more (it has grown past a megabyte), a
 * helper thread starts and keeps a few chunks faulted in ahead of it, on the other core.
 * Nothing changes but who pays: the chunks are zero like calloc's, and while none is ready
 * (the first request, or when the helper falls behind) prefault_take returns NULL and the
 * arena allocates as before. Small runs never start the helper. It is not for a command whose
 * cores are already busy: status's scan runs on both, and the helper only took CPU from it
 * (peak memory +7 MB, no time gained). Builds with ARENA_DEBUG (the sanitizers') never use it.
 */
#ifndef STRAV_PREFAULT_H
#define STRAV_PREFAULT_H

#include "base.h"

#define PREFAULT_CHUNK ((size_t)2 << 20) /* bytes of every chunk handed out */

/* Let this process use the helper: call it once, before starting any thread. */
void prefault_enable(void);
/* A zeroed chunk of PREFAULT_CHUNK bytes whose pages are present, or NULL when none is ready
 * or prefault_enable was not called (the first call after it starts the helper). Thread-safe.
 * Give it back with prefault_release. */
void *prefault_take(void);
void prefault_release(void *chunk);

#endif
