/*
 * test_model_json.c - model_json_write/model_json_read: a model built by hand with every
 * member set survives write -> read -> write byte for byte, and malformed input is reported.
 */
#include <string.h>

#include "model_json.h"
#include "strbuf.h"
#include "tap.h"

static const char *cols1[] = {"id"};
static const char *cols2[] = {"org_id", "email"};
static const char *was1[] = {"old_name", "older_name"};

static Model sample(Arena *a)
{
    Model m = {.domain = "tenant", .schema = "tenant", .per_tenant = true,
               .tenants = {.query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't_%'"}};
    m.nenums = 1;
    m.enums = ARENA_ARRAY(a, Enum, 1);
    m.enums[0] = (Enum){.name = "role", .comment = "who it's for", .nvalues = 2, .was = was1, .nwas = 1};
    m.enums[0].values = ARENA_ARRAY(a, EnumValue, 2);
    m.enums[0].values[0] = (EnumValue){.name = "admin"};
    m.enums[0].values[1] = (EnumValue){.name = "user", .was = was1, .nwas = 2};
    m.ntables = 1;
    m.tables = ARENA_ARRAY(a, Table, 1);
    Table *t = &m.tables[0];
    *t = (Table){.name = "user", .archetype = ARCH_ENTITY, .comment = "people \"quoted\"",
                 .was = was1, .nwas = 2,
                 .as_a = "owner", .as_b = "member"};
    t->ncolumns = 4;
    t->columns = ARENA_ARRAY(a, Column, 4);
    t->columns[0] = (Column){.name = "id", .type = {TY_CHAR, 26, -1, -1, 0, NULL, NULL, NULL}};
    t->columns[1] = (Column){.name = "price",
                             .type = {TY_NUMERIC, -1, 10, 2, 2, NULL, NULL, NULL},
                             .nullable = true,
                             .def = {DEF_NUMBER, "-1.50", NULL},
                             .comment = "ünïcode",
                             .sensitive = true};
    t->columns[2] = (Column){.name = "role",
                             .type = {TY_ENUM, -1, -1, -1, 0, "role", "public", NULL},
                             .def = {DEF_STRING, "it's", NULL},
                             .backfill = {DEF_EXPR, "now()", NULL},
                             .was = was1, .nwas = 1};
    t->columns[3] = (Column){.name = "n",
                             .type = {TY_OTHER, -1, -1, -1, 0, NULL, NULL, "citext"},
                             .identity = IDENTITY_BY_DEFAULT,
                             .generated = "1 + 1"};
    Validator *v = ARENA_ARRAY(a, Validator, 2);
    v[0] = (Validator){VAL_LENGTH, "1", "20"};
    v[1] = (Validator){VAL_EMAIL, NULL, NULL};
    t->columns[3].validators = v;
    t->columns[3].nvalidators = 2;
    t->pk = (PrimaryKey){.name = "user_pkey", .cols = cols1, .ncols = 1};
    t->nfks = 1;
    t->fks = ARENA_ARRAY(a, ForeignKey, 1);
    t->fks[0] = (ForeignKey){.name = "user_org_fkey", .cols = cols2, .ncols = 2,
                             .ref_schema = "public", .ref_table = "org", .ref_cols = cols2,
                             .on_delete = FK_SET_NULL, .on_update = FK_CASCADE};
    t->nuniques = 1;
    t->uniques = ARENA_ARRAY(a, Unique, 1);
    t->uniques[0] = (Unique){.name = "user_email_key", .cols = cols2, .ncols = 2};
    t->nchecks = 1;
    t->checks = ARENA_ARRAY(a, Check, 1);
    t->checks[0] = (Check){.name = "user_price_check", .expr = "price > 0"};
    t->nindexes = 1;
    t->indexes = ARENA_ARRAY(a, Index, 1);
    IndexElem *e = ARENA_ARRAY(a, IndexElem, 2);
    e[0] = (IndexElem){.column = "email", .desc = true, .nulls = 2};
    e[1] = (IndexElem){.expr = "lower(name)", .nulls = 1};
    t->indexes[0] = (Index){.name = "user_email_idx", .unique = true, .method = "gin",
                            .elems = e, .nelems = 2, .where = "deleted_at IS NULL"};
    return m;
}

int main(void)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);

    TEST("write -> read -> write is byte-identical and keeps every member")
    {
        Model m = sample(&a);
        StrBuf s1 = SB_INIT, s2 = SB_INIT;
        model_json_write(&s1, &m);
        Model back;
        CHECK(model_json_read(&a, s1.buf, s1.len, "mem.json", &back, &d));
        model_json_write(&s2, &back);
        CHECK_STR(sb_str(&s2), sb_str(&s1));
        CHECK_STR(back.tenants.query, m.tenants.query);
        CHECK(back.per_tenant);
        const Table *t = model_find_table(&back, "user");
        CHECK(t != NULL);
        if (t) {
            CHECK_INT(t->columns[1].type.precision, ==, 10);
            CHECK_INT(t->columns[1].type.scale, ==, 2);
            CHECK_INT(t->columns[1].type.ndims, ==, 2);
            CHECK_INT(t->columns[0].type.length, ==, 26);
            CHECK_INT(t->columns[0].type.precision, ==, -1);
            CHECK(default_equal(&t->columns[2].def, &m.tables[0].columns[2].def));
            CHECK_INT(t->columns[2].backfill.kind, ==, DEF_EXPR);
            CHECK_STR(t->columns[2].type.enum_schema, "public");
            CHECK_INT(t->columns[3].identity, ==, IDENTITY_BY_DEFAULT);
            CHECK_STR(t->columns[3].validators[0].arg2, "20");
            CHECK_INT(t->fks[0].on_delete, ==, FK_SET_NULL);
            CHECK_INT(t->indexes[0].elems[0].nulls, ==, 2);
            CHECK_STR(t->indexes[0].elems[1].expr, "lower(name)");
            CHECK_STR(t->indexes[0].where, "deleted_at IS NULL");
            CHECK_INT(t->nwas, ==, 2);
            CHECK_STR(t->as_b, "member");
        }
        CHECK_STR(back.enums[0].values[1].was[1], "older_name");
        sb_release(&s1);
        sb_release(&s2);
    }
    TEST("output is deterministic: fixed key order, 2-space indent, trailing newline")
    {
        Model m = {.domain = "public", .schema = "public"};
        StrBuf s = SB_INIT;
        model_json_write(&s, &m);
        CHECK_STR(sb_str(&s), "{\n  \"domain\": \"public\",\n  \"schema\": \"public\",\n"
                              "  \"tenants\": null,\n  \"enums\": [],\n  \"tables\": []\n}\n");
        sb_release(&s);
    }
    TEST("the compact form (snapshot.json) reads back to the same model")
    {
        Model m = sample(&a);
        StrBuf c = SB_INIT, s1 = SB_INIT, s2 = SB_INIT;
        model_json_write_compact(&c, &m);
        CHECK(strstr(sb_str(&c), "\n  \"tables\": [\n    {\"name\":\"user\",") != NULL);
        Model back;
        CHECK(model_json_read(&a, c.buf, c.len, "mem.json", &back, &d));
        model_json_write(&s1, &m);
        model_json_write(&s2, &back);
        CHECK_STR(sb_str(&s2), sb_str(&s1));
        sb_release(&c);
        sb_release(&s1);
        sb_release(&s2);
    }
    TEST("the reader decodes escapes and rejects what JSON does not allow")
    {
        Model m;
        const char *ok = "{\"domain\":\"p\\u00e9\\ud83d\\ude00\\n\\\"\",\"schema\":\"s\",\"tables\":[]}";
        CHECK(model_json_read(&a, ok, strlen(ok), "ok.json", &m, &d));
        CHECK_STR(m.domain, "p\xc3\xa9\xf0\x9f\x98\x80\n\"");
        static const char *const bad[] = {
            "{\"domain\":\"a\",\"domain\":\"b\",\"schema\":\"s\"}", /* duplicate key */
            "{\"domain\":\"\\ud83d\",\"schema\":\"s\"}",              /* lone surrogate */
            "{\"domain\":\"\xff\",\"schema\":\"s\"}",                  /* invalid UTF-8 */
            "{\"domain\":\"a\\u0000\",\"schema\":\"s\"}",             /* NUL */
            "{\"domain\":\"a\",\"schema\":\"s\"} x",                  /* trailing data */
            "{\"domain\":\"a\",\"schema\":\"s\",}",                    /* trailing comma */
            ("{\"domain\":\"a\",\"schema\":\"s\",\"tables\":[{\"name\":\"t\",\"columns\":[{"
             "\"name\":\"c\",\"nullable\":true,\"type\":{\"kind\":\"varchar\",\"length\":1.5}}]}]}"),
        };
        for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
            int before = d.nerrors;
            CHECK(!model_json_read(&a, bad[i], strlen(bad[i]), "bad.json", &m, &d));
            CHECK_INT(d.nerrors, ==, before + 1);
        }
        diag_release(&d);
        diag_init(&d);
    }
    TEST("malformed input is an error naming the file and the place")
    {
        Model m;
        const char *bad = "{\"domain\":\"public\",\"schema\":\"public\",\"tables\":"
                          "[{\"name\":\"t\",\"columns\":[{\"name\":\"c\",\"nullable\":true,"
                          "\"type\":{\"kind\":\"strange\"}}]}]}";
        CHECK(!model_json_read(&a, bad, strlen(bad), "x.json", &m, &d));
        CHECK_INT(d.nerrors, ==, 1);
        CHECK(!model_json_read(&a, "{", 1, "y.json", &m, &d));
        CHECK_INT(d.nerrors, ==, 2);
        diag_release(&d);
        diag_init(&d);
    }
    diag_release(&d);
    arena_free(&a);
    return tap_done();
}
