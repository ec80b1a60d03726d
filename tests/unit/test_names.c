/*
 * test_names.c - snake_case (ASCII and Unicode), NFC, UTF-8 validation, 63-byte shortening.
 */
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "tap.h"

int main(void)
{
    Arena a;
    arena_init(&a);
    TEST("snake_case follows the original's rules")
    {
        CHECK_STR(name_snake(&a, "emailVerifiedAt"), "email_verified_at");
        CHECK_STR(name_snake(&a, "HTMLParser"), "html_parser");
        CHECK_STR(name_snake(&a, "line2Text"), "line2_text");
        CHECK_STR(name_snake(&a, "oauth2Client"), "oauth2_client");
        CHECK_STR(name_snake(&a, "already_snake"), "already_snake");
        CHECK_STR(name_snake(&a, "OrderItem"), "order_item");
        CHECK_STR(name_snake(&a, "user"), "user");
        CHECK_STR(name_snake(&a, "ID"), "id");
        CHECK_STR(name_snake(&a, "userID"), "user_id");
        CHECK_STR(name_snake(&a, "_private"), "_private");
    }
    TEST("the ASCII fast path agrees with the utf8proc path")
    {
        /* "_é" forces the Unicode path without changing how the ASCII part is cut. */
        static const char *const words[] = { "emailVerifiedAt", "HTMLParser", "line2Text", "A",
                                             "aB", "ABc", "A1B", "x_Y", "__X__", "9Lives",
                                             "ALLCAPS", "mixedCASEWord", "a1b2C3", "_" };
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            char buf[64], want[64];
            snprintf(buf, sizeof(buf), "%s_\xc3\xa9", words[i]);
            snprintf(want, sizeof(want), "%s_\xc3\xa9", name_snake(&a, words[i]));
            CHECK_STR(name_snake(&a, buf), want);
        }
    }
    TEST("non-ASCII capitals count as capitals and are lowercased")
    {
        CHECK_STR(name_snake(&a, "prénomÉtudiant"), "prénom_étudiant");
        CHECK_STR(name_snake(&a, "ÜberMaß"), "über_maß");
        CHECK_STR(name_snake(&a, "straßeΣ"), "straße_σ");
    }
    TEST("identifiers are NFC-normalised")
    {
        /* e + combining acute -> U+00E9 */
        CHECK_STR(name_nfc(&a, "caf\x65\xcc\x81"), "caf\xc3\xa9");
        CHECK_STR(name_snake(&a, "Caf\x65\xcc\x81"), "caf\xc3\xa9");
    }
    TEST("invalid UTF-8 is rejected")
    {
        CHECK(name_nfc(&a, "ab\xff") == NULL);
        CHECK(name_snake(&a, "\xc3") == NULL);
        CHECK(!name_utf8_valid("a\0b", 3));
        CHECK(name_utf8_valid("\xc3\xa9", 2));
    }
    TEST("names up to 63 bytes are kept, longer ones shortened deterministically")
    {
        const char *n63 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        CHECK_INT(strlen(n63), ==, 63);
        CHECK(name_shorten(&a, n63) == n63);
        const char *n64 = "idx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        CHECK_INT(strlen(n64), ==, 64);
        const char *s = name_shorten(&a, n64);
        CHECK_INT(strlen(s), ==, 63);
        CHECK(!strncmp(s, n64, 54));
        CHECK_INT(s[54], ==, '_');
        CHECK_STR(s, name_shorten(&a, n64));
        const char *other = "idx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
        CHECK(strcmp(name_shorten(&a, other), s) != 0);
    }
    TEST("shortening never splits a UTF-8 sequence")
    {
        /* 53 ASCII bytes then 2-byte characters: byte 54 is inside a sequence */
        const char *n =
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9\xc3\xa9\xc3\xa9"
            "\xc3\xa9\xc3\xa9\xc3\xa9";
        const char *s = name_shorten(&a, n);
        CHECK(name_utf8_valid(s, strlen(s)));
        CHECK_INT(strlen(s), ==, 53 + 1 + 8);
    }
    TEST("hash8 is SHA-256's first 4 bytes in hex")
    {
        char h[9];
        name_hash8(h, "abc", 3);
        CHECK_STR(h, "ba7816bf");
    }
    TEST("edit distance")
    {
        CHECK_INT(name_distance("intger", "integer", 3), ==, 1);
        CHECK_INT(name_distance("abc", "abc", 3), ==, 0);
        CHECK_INT(name_distance("a", "zzzzzz", 2), ==, 3);
        CHECK_INT(name_distance("nmae", "name", 3), ==, 1); /* a swap is one edit */
        CHECK_INT(name_distance("tabel", "table", 3), ==, 1);
        CHECK_INT(name_distance("ab", "ba", 3), ==, 1);
        CHECK_INT(name_distance("abc", "cba", 3), ==, 2);
        CHECK_INT(name_distance("kitten", "sitting", 5), ==, 3);
    }
    arena_free(&a);
    return tap_done();
}
