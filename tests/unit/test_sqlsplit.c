/*
 * test_sqlsplit.c - unit tests for runtime/sqlsplit.c: where a migration file is cut into
 * statements (quotes, E'' escapes, quoted identifiers, dollar quotes, nested comments).
 */
#include <stdlib.h>
#include <string.h>

#include "sqlsplit.h"
#include "strbuf.h"
#include "tap.h"

/* The statements of s joined with " | ", each trimmed of surrounding whitespace. */
static char *split(const char *s)
{
    size_t *v;
    size_t n = sqlsplit_statements(s, &v);
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < n; i++) {
        size_t a = v[2 * i], b = v[2 * i + 1];
        while (a < b && strchr(" \n\t", s[a]))
            a++;
        while (b > a && strchr(" \n\t", s[b - 1]))
            b--;
        sb_addf(&sb, "%s%.*s", i ? " | " : "", (int)(b - a), s + a);
    }
    free(v);
    char *r = xstrdup(sb_str(&sb));
    sb_release(&sb);
    return r;
}

#define CHECK_SPLIT(in, want)                                                                     \
    do {                                                                                          \
        char *got_ = split(in);                                                                   \
        CHECK_STR(got_, want);                                                                    \
        free(got_);                                                                               \
    } while (0)

int main(void)
{
    TEST("plain statements split at ';', trailing whitespace is no statement")
    {
        CHECK_SPLIT("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n",
                    "CREATE TABLE a (id int); | CREATE TABLE b (id int);");
        CHECK_SPLIT("SELECT 1", "SELECT 1");
        CHECK_SPLIT("", "");
        CHECK_SPLIT("  \n\t", "");
    }
    TEST("a ';' inside a standard string or with doubled quotes does not split")
    {
        CHECK_SPLIT("INSERT INTO t VALUES ('a;b');SELECT 2;",
                    "INSERT INTO t VALUES ('a;b'); | SELECT 2;");
        CHECK_SPLIT("SELECT 'it''s; fine';SELECT 3;", "SELECT 'it''s; fine'; | SELECT 3;");
        /* a backslash is an ordinary character in a standard string */
        CHECK_SPLIT("SELECT 'C:\\';SELECT 4;", "SELECT 'C:\\'; | SELECT 4;");
    }
    TEST("E'' strings: backslash-escaped quotes do not end the string")
    {
        CHECK_SPLIT("SELECT E'it\\'s; here';SELECT 5;", "SELECT E'it\\'s; here'; | SELECT 5;");
        CHECK_SPLIT("SELECT e'a\\\\';SELECT 6;", "SELECT e'a\\\\'; | SELECT 6;");
        /* doubled quote, then an escaped one, all inside one E string */
        CHECK_SPLIT("SELECT E'a''b\\';c';SELECT 7;", "SELECT E'a''b\\';c'; | SELECT 7;");
        /* a word ending in e is not an E prefix */
        CHECK_SPLIT("SELECT type'x\\';SELECT 8;", "SELECT type'x\\'; | SELECT 8;");
    }
    TEST("quoted identifiers containing ';' and doubled quotes")
    {
        CHECK_SPLIT("CREATE TABLE \"a;b\" (\"c\"\";d\" int);SELECT 9;",
                    "CREATE TABLE \"a;b\" (\"c\"\";d\" int); | SELECT 9;");
    }
    TEST("dollar-quoted bodies, with and without tags, nested tags")
    {
        CHECK_SPLIT("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql;"
                    "SELECT 10;",
                    "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql; | "
                    "SELECT 10;");
        CHECK_SPLIT("DO $body$ BEGIN PERFORM $q$;$q$; EXECUTE $$x;$$; END $body$;SELECT 11;",
                    "DO $body$ BEGIN PERFORM $q$;$q$; EXECUTE $$x;$$; END $body$; | SELECT 11;");
        /* $1 is a parameter and a$b an identifier, neither opens a quote */
        CHECK_SPLIT("PREPARE p AS SELECT $1;SELECT a$b;SELECT 12;",
                    "PREPARE p AS SELECT $1; | SELECT a$b; | SELECT 12;");
        /* an unterminated body runs to the end */
        CHECK_SPLIT("SELECT $$ open; still;", "SELECT $$ open; still;");
    }
    TEST("comments: -- to end of line, /* */ nested as PostgreSQL nests them")
    {
        CHECK_SPLIT("SELECT 1; -- a; comment\nSELECT 2;", "SELECT 1; | -- a; comment\nSELECT 2;");
        CHECK_SPLIT("/* outer /* inner; */ still; comment */ SELECT 13;",
                    "/* outer /* inner; */ still; comment */ SELECT 13;");
        CHECK_SPLIT("SELECT /* a /* b /* c; */ ; */ ; */ 14; SELECT 15;",
                    "SELECT /* a /* b /* c; */ ; */ ; */ 14; | SELECT 15;");
        /* quotes inside comments and comment markers inside quotes are inert */
        CHECK_SPLIT("/* it's */ SELECT '/*'; SELECT 16;", "/* it's */ SELECT '/*'; | SELECT 16;");
        CHECK_SPLIT("SELECT 17 /* unterminated; ", "SELECT 17 /* unterminated;");
    }
    TEST("offsets point into the text (the runtime maps them to file:line:col)")
    {
        size_t *v;
        const char *s = "SELECT 1;\n  SELECT 2;";
        CHECK_INT(sqlsplit_statements(s, &v), ==, 2);
        CHECK_INT(v[0], ==, 0);
        CHECK_INT(v[1], ==, 9);
        CHECK_INT(v[2], ==, 9);
        CHECK_INT(v[3], ==, strlen(s));
        free(v);
    }
    TEST("BEGIN ATOMIC bodies are recognised (the file is sent whole)")
    {
        CHECK(sqlsplit_has_begin_atomic("CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
                                        "BEGIN ATOMIC SELECT 1; SELECT 2; END;"));
        CHECK(sqlsplit_has_begin_atomic("begin\n\tatomic"));
        CHECK(!sqlsplit_has_begin_atomic("CREATE TABLE atomic_things (id int);"));
        CHECK(!sqlsplit_has_begin_atomic("SELECT nonatomic FROM t;"));
    }
    return tap_done();
}
