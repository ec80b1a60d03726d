/*
 * test_lexer.c - unit tests for lex_next (grammar/lexer.re): token kinds, offsets and
 * lengths, keywords, comments, and the error tokens.
 */
#include <string.h>

#include "lex.h"
#include "parser.h"
#include "tap.h"

/* Lex s into kinds[] (at most max, end token included); returns the count. */
static int lex_all(const char *s, size_t len, Token *toks, int max)
{
    Lexer lx;
    lex_init(&lx, s, len);
    int n = 0;
    while (n < max) {
        int k = lex_next(&lx, &toks[n++]);
        if (k == 0)
            break;
    }
    return n;
}

static int lex_str(const char *s, Token *toks, int max)
{
    return lex_all(s, strlen(s), toks, max);
}

int main(void)
{
    Token t[64];

    TEST("punctuation: every token records its offset and length")
    {
        int n = lex_str("( ) { } [ ] , : . ? = - @ @@", t, 64);
        static const int kinds[] = {TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_LBRACKET,
                                    TK_RBRACKET, TK_COMMA, TK_COLON, TK_DOT, TK_QUESTION,
                                    TK_EQ, TK_MINUS, TK_AT, TK_ATAT, 0};
        CHECK_INT(n, ==, 15);
        for (int i = 0; i < 14; i++) {
            CHECK_INT(t[i].kind, ==, kinds[i]);
            CHECK_INT(t[i].off, ==, 2 * i);
        }
        CHECK_INT(t[13].len, ==, 2);
        CHECK_INT(t[14].kind, ==, 0);
        CHECK_INT(t[14].off, ==, 28);
    }
    TEST("keywords are whole words; longer words are identifiers")
    {
        int n = lex_str("entity entityx of ofs sql null _x x9 tablé", t, 64);
        CHECK_INT(n, ==, 10);
        CHECK_INT(t[0].kind, ==, TK_ENTITY);
        CHECK_INT(t[1].kind, ==, TK_IDENT);
        CHECK_INT(t[1].len, ==, 7);
        CHECK_INT(t[2].kind, ==, TK_OF);
        CHECK_INT(t[3].kind, ==, TK_IDENT);
        CHECK_INT(t[4].kind, ==, TK_SQL);
        CHECK_INT(t[5].kind, ==, TK_NULL);
        CHECK_INT(t[6].kind, ==, TK_IDENT);
        CHECK_INT(t[7].kind, ==, TK_IDENT);
        CHECK_INT(t[8].kind, ==, TK_IDENT);
        CHECK_INT(t[8].len, ==, 6); /* é is two bytes */
    }
    TEST("every keyword of docs/language.md is a keyword token")
    {
        const char *kw = "entity component attribute association event reference configuration "
                         "contribution table enum domain of between as sql true false null";
        int n = lex_str(kw, t, 64);
        CHECK_INT(n, ==, 19);
        for (int i = 0; i < 18; i++)
            CHECK(t[i].kind != TK_IDENT && t[i].kind >= TK_ENTITY);
    }
    TEST("strings and quoted identifiers include doubled quotes")
    {
        int n = lex_str("'it''s' \"a \"\"b\"\"\" ''", t, 64);
        CHECK_INT(n, ==, 4);
        CHECK_INT(t[0].kind, ==, TK_STRING);
        CHECK_INT(t[0].len, ==, 7);
        CHECK_INT(t[1].kind, ==, TK_QIDENT);
        CHECK_INT(t[1].len, ==, 9);
        CHECK_INT(t[2].kind, ==, TK_STRING);
        CHECK_INT(t[2].len, ==, 2);
    }
    TEST("numbers: integer, decimal, exponent; '-' is its own token")
    {
        int n = lex_str("42 3.5 1e6 2.5E-3 -7 1.", t, 64);
        CHECK_INT(n, ==, 9);
        CHECK_INT(t[0].kind, ==, TK_NUMBER);
        CHECK_INT(t[1].len, ==, 3);
        CHECK_INT(t[2].len, ==, 3);
        CHECK_INT(t[3].len, ==, 6);
        CHECK_INT(t[4].kind, ==, TK_MINUS);
        CHECK_INT(t[5].kind, ==, TK_NUMBER);
        CHECK_INT(t[6].kind, ==, TK_NUMBER);
        CHECK_INT(t[7].kind, ==, TK_DOT);
    }
    TEST("comments: line, doc, block; //// is not a doc comment")
    {
        int n = lex_str("// a\n/// b\n//// c\n/* d\n * e */x", t, 64);
        CHECK_INT(n, ==, 6);
        CHECK_INT(t[0].kind, ==, TK_COMMENT);
        CHECK_INT(t[0].len, ==, 4);
        CHECK_INT(t[1].kind, ==, TK_DOC_COMMENT);
        CHECK_INT(t[1].off, ==, 5);
        CHECK_INT(t[2].kind, ==, TK_COMMENT);
        CHECK_INT(t[3].kind, ==, TK_COMMENT);
        CHECK_INT(t[3].len, ==, 12);
        CHECK_INT(t[4].kind, ==, TK_IDENT);
    }
    TEST("errors: unterminated string, quoted identifier and comment; illegal byte")
    {
        lex_str("'abc\n'", t, 64);
        CHECK_INT(t[0].kind, ==, TK_UNTERM_STRING);
        CHECK_INT(t[0].len, ==, 4);
        lex_str("'ab''", t, 64);
        CHECK_INT(t[0].kind, ==, TK_UNTERM_STRING);
        lex_str("\"abc", t, 64);
        CHECK_INT(t[0].kind, ==, TK_UNTERM_QIDENT);
        lex_str("/* abc *", t, 64);
        CHECK_INT(t[0].kind, ==, TK_UNTERM_COMMENT);
        lex_str("x ; y", t, 64);
        CHECK_INT(t[1].kind, ==, TK_ILLEGAL);
        CHECK_INT(t[1].off, ==, 2);
        CHECK_INT(t[1].len, ==, 1);
        CHECK_INT(t[2].kind, ==, TK_IDENT);
    }
    TEST("an embedded NUL is a token, not the end of the file")
    {
        int n = lex_all("ab\0cd", 5, t, 64);
        CHECK_INT(n, ==, 4);
        CHECK_INT(t[1].kind, ==, TK_NUL);
        CHECK_INT(t[1].off, ==, 2);
        CHECK_INT(t[2].kind, ==, TK_IDENT);
        lex_all("'a\0b'", 5, t, 64);
        CHECK_INT(t[0].kind, ==, TK_UNTERM_STRING);
        CHECK_INT(t[0].len, ==, 2);
        lex_all("// a\0b", 6, t, 64);
        CHECK_INT(t[0].kind, ==, TK_COMMENT);
        CHECK_INT(t[1].kind, ==, TK_NUL);
    }
    TEST("invalid UTF-8 and high bytes lex as identifier bytes")
    {
        int n = lex_str("\xff\xfe\x80 \xc3", t, 64);
        CHECK_INT(n, ==, 3);
        CHECK_INT(t[0].kind, ==, TK_IDENT);
        CHECK_INT(t[0].len, ==, 3);
    }
    TEST("empty input and whitespace-only input give end at the end")
    {
        int n = lex_str("", t, 64);
        CHECK_INT(n, ==, 1);
        CHECK_INT(t[0].kind, ==, 0);
        n = lex_str(" \n\t\r\n", t, 64);
        CHECK_INT(n, ==, 1);
        CHECK_INT(t[0].off, ==, 5);
    }
    TEST("token names for diagnostics")
    {
        CHECK_STR(lex_token_name(TK_RBRACE), "'}'");
        CHECK_STR(lex_token_name(TK_IDENT), "identifier");
        CHECK_STR(lex_token_name(0), "end of input");
    }
    return tap_done();
}
