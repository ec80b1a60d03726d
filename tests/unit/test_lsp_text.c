/*
 * test_lsp_text.c - unit tests for the LSP server's text conversions (compiler/lsp_text.c):
 * byte offsets <-> (line, UTF-16 unit) positions over ASCII, 2-, 3- and 4-byte UTF-8, CR LF and
 * lone CR line ends, bytes that are not UTF-8, positions past the end; file URIs both ways.
 * Expected values are counted by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "lsp_text.h"
#include "tap.h"

static int pos_is(const char *s, size_t off, uint32_t line, uint32_t ch)
{
    LspPos p = lsp_pos_of(s, strlen(s), off);
    return p.line == line && p.character == ch;
}

static size_t off_of(const char *s, uint32_t line, uint32_t ch)
{
    LspPos p = { line, ch };
    return lsp_off_of(s, strlen(s), p);
}

int main(void)
{
    /* "é" is 2 bytes/1 unit, "€" 3 bytes/1 unit, U+1F600 4 bytes/2 units */
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z\nxy";
    TEST("byte offset to position counts UTF-16 units")
    {
        CHECK(pos_is(s, 0, 0, 0));
        CHECK(pos_is(s, 1, 0, 1));   /* before é */
        CHECK(pos_is(s, 3, 0, 2));   /* before € */
        CHECK(pos_is(s, 6, 0, 3));   /* before the emoji */
        CHECK(pos_is(s, 10, 0, 5));  /* before z: the emoji took two units */
        CHECK(pos_is(s, 11, 0, 6));  /* the newline */
        CHECK(pos_is(s, 12, 1, 0));
        CHECK(pos_is(s, 14, 1, 2));  /* end of text */
        CHECK(pos_is(s, 999, 1, 2)); /* clamped */
    }
    TEST("position to byte offset, the inverse")
    {
        CHECK_INT(off_of(s, 0, 0), ==, 0);
        CHECK_INT(off_of(s, 0, 2), ==, 3);
        CHECK_INT(off_of(s, 0, 3), ==, 6);
        CHECK_INT(off_of(s, 0, 4), ==, 6);  /* inside the surrogate pair: its start */
        CHECK_INT(off_of(s, 0, 5), ==, 10);
        CHECK_INT(off_of(s, 0, 99), ==, 11); /* past the line's end: the line's end */
        CHECK_INT(off_of(s, 1, 1), ==, 13);
        CHECK_INT(off_of(s, 7, 0), ==, 14);  /* past the last line: the end */
    }
    TEST("CR LF and a lone CR end lines")
    {
        const char *t = "ab\r\ncd\ref";
        CHECK(pos_is(t, 2, 0, 2));
        CHECK(pos_is(t, 3, 0, 2)); /* between CR and LF */
        CHECK(pos_is(t, 4, 1, 0));
        CHECK(pos_is(t, 7, 2, 0));
        CHECK_INT(off_of(t, 1, 1), ==, 5);
        CHECK_INT(off_of(t, 1, 9), ==, 6);
        CHECK_INT(off_of(t, 2, 1), ==, 8);
    }
    TEST("bytes that are not UTF-8 count one unit each")
    {
        const char *t = "\xff\xc3(\x80x"; /* stray lead byte, truncated sequence, continuation */
        CHECK(pos_is(t, 4, 0, 4));
        CHECK_INT(off_of(t, 0, 4), ==, 4);
        CHECK(pos_is("\xf0\x9f", 2, 0, 2)); /* a 4-byte lead cut short at the end */
        CHECK(pos_is("\xf8\x80\x80", 3, 0, 3)); /* 0xf8 starts no sequence */
    }
    TEST("file URIs: decode, refuse other schemes and NUL, encode")
    {
        char *p = lsp_uri_to_path("file:///home/a%20b/%C3%A9.strav");
        CHECK_STR(p, "/home/a b/\xc3\xa9.strav");
        free(p);
        p = lsp_uri_to_path("file://localhost/x/y.strav");
        CHECK_STR(p, "/x/y.strav");
        free(p);
        CHECK(lsp_uri_to_path("untitled:Untitled-1") == NULL);
        CHECK(lsp_uri_to_path("file://otherhost/x") == NULL);
        CHECK(lsp_uri_to_path("file:///a%00b") == NULL);
        p = lsp_uri_to_path("file:///a%zzb%4");
        CHECK_STR(p, "/a%zzb%4");
        free(p);
        char *u = lsp_path_to_uri("/home/a b/\xc3\xa9#1.strav");
        CHECK_STR(u, "file:///home/a%20b/%C3%A9%231.strav");
        free(u);
    }
    return tap_done();
}
