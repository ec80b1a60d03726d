/*
 * test_sqlsplit.c - unit tests for runtime/sqlsplit.c: where a migration file is cut into
 * statements (quotes, E'' escapes, quoted identifiers, dollar quotes, nested comments), and
 * which statements take the transaction or the session away from the runtime.
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
    TEST("transaction control at a statement start is found, with its offset")
    {
        static const struct {
            const char *sql, *want;
            size_t off;
        } cases[] = {
            { "CREATE TABLE a (id int);\nCOMMIT;\n", "COMMIT", 25 },
            { "begin;", "BEGIN", 0 },
            { "SELECT 1;\n  start  transaction isolation level serializable;", "START TRANSACTION",
              12 },
            { "SELECT 1; END", "END", 10 },
            { "SELECT 1; ROLLBACK TO SAVEPOINT s;", "ROLLBACK", 10 },
            { "SAVEPOINT s;", "SAVEPOINT", 0 },
            { "RELEASE SAVEPOINT s;", "RELEASE", 0 },
            { "ABORT;", "ABORT", 0 },
            { "PREPARE TRANSACTION 'x';", "PREPARE TRANSACTION", 0 },
            { "COMMIT PREPARED 'x';", "COMMIT", 0 },
            { "/* lead */ -- comment\nCommit;", "COMMIT", 22 },
            { "SET search_path = evil, public;", "SET search_path (only SET LOCAL is allowed)", 0 },
            { "SET SESSION statement_timeout = 0;", "SET SESSION (only SET LOCAL is allowed)", 0 },
            { "set role admin;", "SET role (only SET LOCAL is allowed)", 0 },
            { "SET SESSION AUTHORIZATION bob;", "SET SESSION (only SET LOCAL is allowed)", 0 },
            { "SET standard_conforming_strings TO off;",
              "SET standard_conforming_strings (only SET LOCAL is allowed)", 0 },
            { "RESET search_path;", "RESET", 0 },
            { "RESET ALL;", "RESET", 0 },
            { "DISCARD ALL;", "DISCARD", 0 },
            /* after a BEGIN ATOMIC body, statements are statements again */
            { "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true "
              "THEN 1 END; END; COMMIT;", "COMMIT", 100 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char why[128];
            size_t off = 12345;
            const char *got = sqlsplit_session_control(cases[i].sql, &off, why, sizeof why);
            CHECK_STR(got ? got : "(none)", cases[i].want);
            if (got && cases[i].off != 100)
                CHECK_INT(off, ==, cases[i].off);
        }
    }
    TEST("the same words inside bodies, strings, comments and identifiers are no control")
    {
        static const char *const fine[] = {
            "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;",
            "DO $body$ BEGIN PERFORM 1; ROLLBACK; END $body$;",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
            ("CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true "
             "THEN 1 END;\n  SELECT 2;\nEND;\nSELECT 3;"),
            "INSERT INTO t VALUES ('x; COMMIT;');",
            "INSERT INTO t VALUES (E'it\\'s; COMMIT; ok');",
            "SELECT 1; -- COMMIT;\n",
            "SELECT 1; /* ; COMMIT; /* nested */ ; END; */ SELECT 2;",
            "CREATE TABLE \"commit\" (\"begin\" int);",
            "CREATE TABLE t (id int); ALTER TABLE t RENAME TO savepoints;",
            "SET LOCAL search_path = x; SET LOCAL lock_timeout = '1s';",
            "SET CONSTRAINTS ALL DEFERRED; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
            "UPDATE t SET begin_at = now();",
            "CREATE TABLE begin_things (id int); CREATE TABLE ending (id int);",
            "PREPARE q AS SELECT 1;",
            "",
        };
        for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
            char why[128];
            size_t off = 0;
            const char *got = sqlsplit_session_control(fine[i], &off, why, sizeof why);
            CHECK_STR(got ? got : "(none)", "(none)");
        }
    }
    return tap_done();
}
