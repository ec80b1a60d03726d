/*
 * test_objects.c - unit tests of the SQL-bodied objects' helpers: the lexer's dollar-quoted
 * text (tags, bodies holding $ and quotes, unclosed, NUL bytes, the end of the input), the
 * token scan that finds dependencies (model_objects.c: literals, comments, dollar bodies and
 * quoted names skipped or kept as PostgreSQL reads them) and dbo_equal.
 */
#include <string.h>

#include "lex.h"
#include "model.h"
#include "parser.h"
#include "tap.h"

static int lex_one(const char *s, size_t len, Token *t)
{
    Lexer lx;
    lex_init(&lx, s, len);
    return lex_next(&lx, t);
}

/* The names the scan finds in sql among known, joined by spaces. */
static const char *scan(Arena *a, const char *sql, const char *self)
{
    static const char *const known[] = {"Mixed", "f", "orders", "user", "v"}; /* sorted */
    size_t n = 0;
    const char **v = dbo_scan_names(a, sql, known, 5, self, &n);
    static char buf[256];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, v[i]);
    }
    return buf;
}

int main(void)
{
    Token t;

    TEST("dollar quotes: $$...$$ and $tag$...$tag$ are one token, whatever they hold")
    {
        const char *s = "$$ it's \"x\" $1 $a b$ $$ rest";
        CHECK_INT(lex_one(s, strlen(s), &t), ==, TK_DOLLAR);
        CHECK_INT((int)t.len, ==, 23);
        s = "$fn$ BEGIN RETURN $$x$$; END $fn$";
        CHECK_INT(lex_one(s, strlen(s), &t), ==, TK_DOLLAR);
        CHECK_INT((int)t.len, ==, (int)strlen(s));
        s = "$a$$a$"; /* empty body */
        CHECK_INT(lex_one(s, strlen(s), &t), ==, TK_DOLLAR);
        CHECK_INT((int)t.len, ==, 6);
    }

    TEST("dollar quotes: unclosed, a NUL byte inside, a lone $ are errors, never a read past the end")
    {
        const char *s = "$tag$ never closed $ta";
        CHECK_INT(lex_one(s, strlen(s), &t), ==, TK_UNTERM_STRING);
        char nul[] = "$$ a\0 $$";
        CHECK_INT(lex_one(nul, sizeof nul - 1, &t), ==, TK_UNTERM_STRING);
        s = "$";
        CHECK_INT(lex_one(s, 1, &t), ==, TK_ILLEGAL);
        s = "$1$";
        CHECK_INT(lex_one(s, 3, &t), ==, TK_ILLEGAL); /* a tag cannot start with a digit */
        char cut[] = {'$', 'x', '$', 'a', '$', 'x'}; /* the closing tag cut off by the end */
        CHECK_INT(lex_one(cut, sizeof cut, &t), ==, TK_UNTERM_STRING);
    }

    TEST("scan: names as PostgreSQL reads them; literals, comments and bodies are skipped")
    {
        Arena a;
        arena_init(&a);
        CHECK_STR(scan(&a, "SELECT * FROM \"user\" JOIN orders o ON true", NULL), "orders user");
        CHECK_STR(scan(&a, "select 1 from ORDERS", NULL), "orders");
        CHECK_STR(scan(&a, "SELECT 'user orders' -- user\n /* orders */ FROM x", NULL), "");
        CHECK_STR(scan(&a, "SELECT $q$ user $q$, $1 FROM \"Mixed\"", NULL), "Mixed");
        CHECK_STR(scan(&a, "SELECT mixed FROM \"orders\"\"x\"", NULL), ""); /* folded; one name */
        CHECK_STR(scan(&a, "SELECT f(1), v.x FROM v", "v"), "f");
        CHECK_STR(scan(&a, "SELECT users, user_id, xuser FROM t", NULL), "");
        CHECK_STR(scan(&a, "SELECT 'it''s user' FROM t WHERE 'unclosed", NULL), "");
        CHECK_STR(scan(&a, NULL, NULL), "");
        arena_free(&a);
    }

    TEST("equality: definitions compare, dependencies do not")
    {
        const char *d1[] = {"a"};
        DbObject x = {.kind = DBO_VIEW, .name = "v", .body = "SELECT 1", .deps = d1, .ndeps = 1};
        DbObject y = {.kind = DBO_VIEW, .name = "v", .body = "SELECT 1"};
        CHECK(dbo_equal(&x, &y));
        y.materialized = true;
        CHECK(!dbo_equal(&x, &y));
        DbObject e1 = {.kind = DBO_EXTENSION, .name = "pgcrypto", .version = "1.3"};
        DbObject e2 = {.kind = DBO_EXTENSION, .name = "pgcrypto"};
        CHECK(dbo_equal(&e1, &e2)); /* no version declared: any matches */
        e2.version = "1.2";
        CHECK(!dbo_equal(&e1, &e2));
    }
    return tap_done();
}
