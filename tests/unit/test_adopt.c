/*
 * test_adopt.c - unit tests for sqlnorm (defaults and expression text as PostgreSQL prints
 * them) when run without arguments; with arguments, the driver the tests/adopt scripts and
 * bench/introspect.sh use:
 *   test_adopt introspect CONNINFO SCHEMA [--stats]   print the introspected model as JSON
 *                                                     (model_json_write), warnings on stderr
 *   test_adopt strav CONNINFO SCHEMA                  print the .strav text pull would write
 *   test_adopt pull|drift|baseline ARGS...            the adopt.h commands
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adopt.h"
#include "introspect.h"
#include "model_json.h"
#include "model_strav.h"
#include "sqlnorm.h"
#include "strbuf.h"
#include "tap.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int driver(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_adopt introspect|strav CONNINFO SCHEMA [--stats]\n");
        return 2;
    }
    StrBuf err = SB_INIT;
    PgConn *c = pg_connect(argv[2], &err);
    if (!c) {
        fprintf(stderr, "connect: %s\n", sb_str(&err));
        sb_release(&err);
        return 1;
    }
    Arena a;
    arena_init(&a);
    Model m;
    IntrospectInfo info;
    double t0 = now_ms();
    bool ok = introspect_schema(c, argv[3], &a, &m, &info, &err);
    double t1 = now_ms();
    int rc = 0;
    if (!ok) {
        fprintf(stderr, "%s\n", sb_str(&err));
        rc = 1;
    } else if (argc > 4 && !strcmp(argv[4], "--stats")) {
        printf("tables=%zu queries=%d ms=%.1f\n", m.ntables, info.nqueries, t1 - t0);
    } else if (!strcmp(argv[1], "introspect")) {
        StrBuf js = SB_INIT;
        model_json_write(&js, &m);
        fputs(sb_str(&js), stdout);
        sb_release(&js);
        for (size_t i = 0; i < info.nwarnings; i++)
            fprintf(stderr, "warning: %s\n", info.warnings[i]);
    } else {
        ModelStravFile *files;
        size_t nfiles;
        model_strav_write(&a, &m, &files, &nfiles, NULL);
        for (size_t i = 0; i < nfiles; i++)
            printf("==> %s <==\n%s", files[i].name, files[i].text);
    }
    sb_release(&err);
    arena_free(&a);
    pg_close(c);
    return rc;
}

static const char *const def_kinds[] = {"none", "string", "number", "bool", "null", "expr"};

static const char *def_str(Arena *a, const char *expr, TypeKind k)
{
    SqlType t = {.kind = k, .length = -1, .precision = -1, .scale = -1};
    Default d = sqlnorm_default(a, expr, &t);
    return arena_printf(a, "%s:%s", def_kinds[d.kind], d.text ? d.text : "");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "pull"))
        return adopt_pull_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "drift"))
        return adopt_drift_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "baseline"))
        return adopt_baseline_main(argc - 1, argv + 1);
    if (argc > 1)
        return driver(argc, argv);
    Arena a;
    arena_init(&a);
    TEST("defaults as pg_get_expr prints them")
    {
        CHECK_STR(def_str(&a, "'x'::text", TY_TEXT), "string:x");
        CHECK_STR(def_str(&a, "'it''s'::character varying", TY_VARCHAR), "string:it's");
        CHECK_STR(def_str(&a, "'-1'::integer", TY_INTEGER), "number:-1");
        CHECK_STR(def_str(&a, "(-1)", TY_INTEGER), "number:-1");
        CHECK_STR(def_str(&a, "0", TY_NUMERIC), "number:0");
        CHECK_STR(def_str(&a, "'-1.5'::numeric", TY_NUMERIC), "number:-1.5");
        CHECK_STR(def_str(&a, "'5'::text", TY_TEXT), "string:5");
        CHECK_STR(def_str(&a, "true", TY_BOOLEAN), "bool:true");
        CHECK_STR(def_str(&a, "now()", TY_TIMESTAMPTZ), "expr:CURRENT_TIMESTAMP");
        CHECK_STR(def_str(&a, "CURRENT_TIMESTAMP", TY_TIMESTAMPTZ), "expr:CURRENT_TIMESTAMP");
        CHECK_STR(def_str(&a, "NULL::text", TY_TEXT), "none:");
        CHECK_STR(def_str(&a, "'a'::text || 'b'::text", TY_TEXT), "expr:'a'::text || 'b'::text");
        CHECK_STR(def_str(&a, "gen_random_uuid()", TY_UUID), "expr:gen_random_uuid()");
        CHECK_STR(def_str(&a, "'{}'::integer[]", TY_INTEGER), "string:{}");
    }
    TEST("default_canonicalize matches the compiler's side to the catalog's")
    {
        SqlType it = {.kind = TY_INTEGER}, tt = {.kind = TY_TEXT};
        Default d = {DEF_STRING, "-1", NULL};
        default_canonicalize(&a, &d, &it);
        CHECK(d.kind == DEF_NUMBER);
        d = (Default){DEF_NUMBER, "5", NULL};
        default_canonicalize(&a, &d, &tt);
        CHECK(d.kind == DEF_STRING);
        d = (Default){DEF_NULL, NULL, NULL};
        default_canonicalize(&a, &d, &tt);
        CHECK(d.kind == DEF_NONE);
        d = (Default){DEF_EXPR, "now()", NULL};
        default_canonicalize(&a, &d, &tt);
        CHECK_STR(d.text, "CURRENT_TIMESTAMP");
        CHECK_STR(d.written, "now()"); /* compared canonical, emitted as written */
        d = (Default){DEF_EXPR, "CURRENT_TIMESTAMP", NULL};
        default_canonicalize(&a, &d, &tt);
        CHECK(d.written == NULL);
    }
    TEST("expressions on one line: line breaks outside quotes become one space")
    {
        CHECK_STR(sqlnorm_oneline(&a, "CASE\n    WHEN a THEN 1\n    ELSE 2\nEND"),
                  "CASE WHEN a THEN 1 ELSE 2 END");
        CHECK_STR(sqlnorm_oneline(&a, "x = 'a\nb' AND\n \"q\nr\" > 0"), "x = 'a\nb' AND \"q\nr\" > 0");
        CHECK_STR(sqlnorm_oneline(&a, "a  +  b"), "a  +  b");
    }
    TEST("parentheses and text arrays")
    {
        CHECK_STR(sqlnorm_strip_parens(&a, "(a + 1)"), "a + 1");
        CHECK_STR(sqlnorm_strip_parens(&a, "(a) + (b)"), "(a) + (b)");
        CHECK_STR(sqlnorm_strip_parens(&a, "(')' || a)"), "')' || a");
        const char **v;
        size_t n;
        CHECK(sqlnorm_parse_text_array(&a, "{a,\"b c\",\"d\\\"e\"}", &v, &n));
        CHECK_INT(n, ==, 3);
        CHECK_STR(v[1], "b c");
        CHECK_STR(v[2], "d\"e");
        CHECK(sqlnorm_parse_text_array(&a, "{}", &v, &n) && n == 0);
    }
    arena_free(&a);
    return tap_done();
}
