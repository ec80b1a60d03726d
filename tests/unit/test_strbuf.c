/*
 * test_strbuf.c - unit tests for the growable buffer and the arena.
 */
#include <string.h>

#include "arena.h"
#include "strbuf.h"
#include "tap.h"

int main(void)
{
    TEST("sb_addf appends formatted text and stays NUL-terminated")
    {
        StrBuf sb = SB_INIT;
        CHECK_STR(sb_str(&sb), "");
        sb_addf(&sb, "%s-%d", "a", 42);
        sb_addch(&sb, '!');
        CHECK_STR(sb_str(&sb), "a-42!");
        CHECK_INT(sb.len, ==, 5);
        sb_release(&sb);
    }
    TEST("sb grows past its first allocation")
    {
        StrBuf sb = SB_INIT;
        for (int i = 0; i < 10000; i++)
            sb_adds(&sb, "xy");
        CHECK_INT(sb.len, ==, 20000);
        CHECK_INT(strlen(sb.buf), ==, 20000);
        sb_release(&sb);
    }
    TEST("arena returns zeroed, aligned, distinct memory")
    {
        Arena a;
        arena_init(&a);
        char *p = arena_alloc(&a, 3);
        long *q = arena_alloc(&a, sizeof(long) * 1000000);
        CHECK(p != NULL && q != NULL);
        CHECK_INT((uintptr_t)q % _Alignof(max_align_t), ==, 0);
        CHECK_INT(q[999999], ==, 0);
        CHECK_STR(arena_printf(&a, "%d/%s", 7, "x"), "7/x");
        CHECK_STR(arena_strndup(&a, "hello", 4), "hell");
        arena_free(&a);
    }
    return tap_done();
}
