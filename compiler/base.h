/*
 * base.h - what every strav source file includes first (after its own header).
 * Standard types, attribute macros and the BUG() macro for broken invariants.
 * Depends on nothing else in the project.
 */
#ifndef STRAV_BASE_H
#define STRAV_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x)    ((void)(x))

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#define NORETURN               __attribute__((noreturn))
#else
#define PRINTF_LIKE(fmt, args)
#define NORETURN
#endif

/* An internal error: print where and abort, so it is never mistaken for a user error. */
NORETURN void strav_bug(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) strav_bug(__FILE__, __LINE__, __VA_ARGS__)

#endif
