/*
 * tap.h - a tiny TAP harness for the unit tests (after git's test-lib).
 *   TEST("sql_ident quotes keywords") { CHECK_STR(out.buf, "\"select\""); }
 * Each TEST is one TAP line; a failed CHECK prints a "# file:line: ..." diagnostic first.
 * main() returns tap_done().
 */
#ifndef STRAV_TAP_H
#define STRAV_TAP_H

extern long long tap__a, tap__b;

int tap_begin(const char *name);
int tap_end(void);
int tap_check(int ok, const char *expr, const char *file, int line);
int tap_check_int(int ok, long long a, long long b, const char *expr, const char *file, int line);
int tap_check_str(const char *a, const char *b, const char *expr, const char *file, int line);
void tap_skip(const char *why);
int tap_done(void);

#define TEST(name) for (int tap__once = tap_begin(name); tap__once; tap__once = tap_end())
#define CHECK(c)   tap_check((c) != 0, #c, __FILE__, __LINE__)
#define CHECK_INT(a, op, b)                                                                        \
    (tap__a = (long long)(a), tap__b = (long long)(b),                                             \
     tap_check_int(tap__a op tap__b, tap__a, tap__b, #a " " #op " " #b, __FILE__, __LINE__))
#define CHECK_STR(a, b) tap_check_str((a), (b), #a " == " #b, __FILE__, __LINE__)

#endif
