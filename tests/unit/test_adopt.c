/*
 * test_adopt.c - unit tests for sqlnorm (defaults and expression text as PostgreSQL prints
 * them) when run without arguments; with arguments, the driver the tests/adopt/*.t scripts and
 * bench/introspect.sh use:
 *   test_adopt introspect CONNINFO SCHEMA [--stats]   print the introspected model as JSON
 *   test_adopt strav CONNINFO SCHEMA                  print the .strav text pull would write
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "introspect.h"
#include "model_strav.h"
#include "sqlnorm.h"
#include "strbuf.h"
#include "tap.h"

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jstrs(const char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *jtype(const SqlType *t)
{
    StrBuf sb = SB_INIT;
    type_to_sql(&sb, t);
    json_t *o = json_string(sb_str(&sb));
    sb_release(&sb);
    return o;
}

static const char *const def_kinds[] = {"none", "string", "number", "bool", "null", "expr"};

static json_t *jtable(const Table *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(t->name));
    json_object_set_new(o, "comment", jstr(t->comment));
    json_t *cols = json_array();
    for (size_t i = 0; i < t->ncolumns; i++) {
        const Column *c = &t->columns[i];
        json_t *jc = json_object();
        json_object_set_new(jc, "name", json_string(c->name));
        json_object_set_new(jc, "type", jtype(&c->type));
        json_object_set_new(jc, "kind", json_string(type_kind_name(c->type.kind)));
        json_object_set_new(jc, "nullable", json_boolean(c->nullable));
        if (c->def.kind != DEF_NONE)
            json_object_set_new(jc, "default", json_pack("{s:s,s:o}", "kind",
                                                         def_kinds[c->def.kind], "text",
                                                         jstr(c->def.text)));
        if (c->identity)
            json_object_set_new(jc, "identity",
                                json_string(c->identity == IDENTITY_ALWAYS ? "always" : "by default"));
        if (c->generated)
            json_object_set_new(jc, "generated", json_string(c->generated));
        if (c->comment)
            json_object_set_new(jc, "comment", json_string(c->comment));
        json_array_append_new(cols, jc);
    }
    json_object_set_new(o, "columns", cols);
    if (t->pk.name)
        json_object_set_new(o, "primary_key", json_pack("{s:s,s:o}", "name", t->pk.name, "columns",
                                                        jstrs(t->pk.cols, t->pk.ncols)));
    json_t *fks = json_array();
    for (size_t i = 0; i < t->nfks; i++) {
        const ForeignKey *f = &t->fks[i];
        json_array_append_new(fks, json_pack("{s:s,s:o,s:o,s:s,s:o,s:s,s:s}", "name", f->name,
                                             "columns", jstrs(f->cols, f->ncols), "ref_schema",
                                             jstr(f->ref_schema), "ref_table", f->ref_table,
                                             "ref_columns", jstrs(f->ref_cols, f->ncols),
                                             "on_delete", fk_action_sql(f->on_delete),
                                             "on_update", fk_action_sql(f->on_update)));
    }
    json_object_set_new(o, "foreign_keys", fks);
    json_t *uqs = json_array();
    for (size_t i = 0; i < t->nuniques; i++)
        json_array_append_new(uqs, json_pack("{s:s,s:o}", "name", t->uniques[i].name, "columns",
                                             jstrs(t->uniques[i].cols, t->uniques[i].ncols)));
    json_object_set_new(o, "uniques", uqs);
    json_t *cks = json_array();
    for (size_t i = 0; i < t->nchecks; i++)
        json_array_append_new(cks, json_pack("{s:s,s:s}", "name", t->checks[i].name, "expr",
                                             t->checks[i].expr));
    json_object_set_new(o, "checks", cks);
    json_t *ixs = json_array();
    for (size_t i = 0; i < t->nindexes; i++) {
        const Index *ix = &t->indexes[i];
        json_t *el = json_array();
        for (size_t k = 0; k < ix->nelems; k++) {
            const IndexElem *e = &ix->elems[k];
            json_array_append_new(el, json_pack("{s:o,s:o,s:b,s:i}", "column", jstr(e->column),
                                                "expr", jstr(e->expr), "desc", e->desc, "nulls",
                                                e->nulls));
        }
        json_array_append_new(ixs, json_pack("{s:s,s:b,s:s,s:o,s:o}", "name", ix->name, "unique",
                                             ix->unique, "method", ix->method, "elems", el,
                                             "where", jstr(ix->where)));
    }
    json_object_set_new(o, "indexes", ixs);
    return o;
}

static json_t *jmodel(const Model *m, const IntrospectInfo *info)
{
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string(m->schema));
    json_t *ens = json_array();
    for (size_t i = 0; i < m->nenums; i++) {
        json_t *vals = json_array();
        for (size_t k = 0; k < m->enums[i].nvalues; k++)
            json_array_append_new(vals, json_string(m->enums[i].values[k].name));
        json_array_append_new(ens, json_pack("{s:s,s:o,s:o}", "name", m->enums[i].name, "comment",
                                             jstr(m->enums[i].comment), "values", vals));
    }
    json_object_set_new(o, "enums", ens);
    json_t *ts = json_array();
    for (size_t i = 0; i < m->ntables; i++)
        json_array_append_new(ts, jtable(&m->tables[i]));
    json_object_set_new(o, "tables", ts);
    json_object_set_new(o, "warnings", jstrs(info->warnings, info->nwarnings));
    return o;
}

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
    PGconn *c = PQconnectdb(argv[2]);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    Arena a;
    arena_init(&a);
    Model m;
    IntrospectInfo info;
    StrBuf err = SB_INIT;
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
        json_t *j = jmodel(&m, &info);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        ModelStravFile *files;
        size_t nfiles;
        model_strav_write(&a, &m, &files, &nfiles, NULL);
        for (size_t i = 0; i < nfiles; i++)
            printf("==> %s <==\n%s", files[i].name, files[i].text);
    }
    sb_release(&err);
    arena_free(&a);
    PQfinish(c);
    return rc;
}

static const char *def_str(Arena *a, const char *expr, TypeKind k)
{
    SqlType t = {.kind = k, .length = -1, .precision = -1, .scale = -1};
    Default d = sqlnorm_default(a, expr, &t);
    return arena_printf(a, "%s:%s", def_kinds[d.kind], d.text ? d.text : "");
}

int main(int argc, char **argv)
{
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
        Default d = {DEF_STRING, "-1"};
        default_canonicalize(&a, &d, &it);
        CHECK(d.kind == DEF_NUMBER);
        d = (Default){DEF_NUMBER, "5"};
        default_canonicalize(&a, &d, &tt);
        CHECK(d.kind == DEF_STRING);
        d = (Default){DEF_NULL, NULL};
        default_canonicalize(&a, &d, &tt);
        CHECK(d.kind == DEF_NONE);
        d = (Default){DEF_EXPR, "now()"};
        default_canonicalize(&a, &d, &tt);
        CHECK_STR(d.text, "CURRENT_TIMESTAMP");
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
