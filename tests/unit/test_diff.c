/*
 * test_diff.c - diff_models and the plan on small hand-built models: ordering rules of
 * plan.h, inverses, destructive/irreversible lists, the NOT NULL error, no-op on equal models,
 * and the manifest's shape.
 */
#include <string.h>

#include "diff.h"
#include "emit_sql.h"
#include "migdir.h"
#include "model_json.h"
#include "strbuf.h"
#include "tap.h"

static Arena A;
static Diag D;

static Model parse(const char *json)
{
    Model m;
    if (!model_json_read(&A, json, strlen(json), "test.json", &m, &D))
        BUG("bad fixture");
    return m;
}

#define HEAD "{\"domain\":\"public\",\"schema\":\"public\",\"tenants\":null,"
#define INT(n) "{\"name\":\"" n "\",\"type\":{\"kind\":\"integer\"},\"nullable\":false}"
#define PK(t) "\"primaryKey\":{\"name\":\"" t "_pkey\",\"columns\":[\"id\"]}"

static const char *OLD =
    HEAD "\"enums\":[{\"name\":\"st\",\"values\":[\"a\",\"b\"]}],\"tables\":["
         "{\"name\":\"p\",\"columns\":[" INT("id") "," INT("u_id") "]," PK("p") ","
         "\"foreignKeys\":[{\"name\":\"p_u\",\"columns\":[\"u_id\"],\"refTable\":\"u\","
         "\"refColumns\":[\"id\"]}]},"
         "{\"name\":\"u\",\"columns\":[" INT("id") ",{\"name\":\"bio\",\"type\":{\"kind\":"
         "\"text\"},\"nullable\":true}]," PK("u") "}]}";

static Plan run(const Model *o, const Model *n, bool *ok)
{
    Plan p;
    plan_init(&p, &A);
    *ok = diff_models(o, n, &p, &D);
    return p;
}

static size_t find_op(const Plan *p, const char *what)
{
    for (size_t i = 0; i < p->nops; i++)
        if (strstr(p->ops[i].what, what))
            return i;
    return (size_t)-1;
}

static const char *file_sql(const Plan *p, const char *path, bool down, StrBuf *sb)
{
    sb_reset(sb);
    for (size_t i = 0; i < p->nfiles; i++)
        if (!strcmp(p->files[i].up_path, path))
            emit_plan_file(sb, p, &p->files[i], down);
    return sb_str(sb);
}

int main(void)
{
    arena_init(&A);
    diag_init(&D);
    StrBuf sb = SB_INIT;
    Model old = parse(OLD);

    TEST("equal models give an empty plan")
    {
        bool ok;
        Plan p = run(&old, &old, &ok);
        CHECK(ok);
        CHECK(plan_empty(&p));
        CHECK_INT(p.nfiles, ==, 0);
        plan_release(&p);
    }
    TEST("from nothing: enums first, tables in dependency order, FKs after all tables")
    {
        Model empty = {.domain = "public", .schema = "public"};
        bool ok;
        Plan p = run(&empty, &old, &ok);
        CHECK(ok);
        CHECK_INT(p.nfiles, ==, 4);
        CHECK_STR(p.files[0].up_path, "enums/up.sql");
        CHECK_STR(p.files[1].up_path, "tables/u/up.sql"); /* referenced before referencing */
        CHECK_STR(p.files[2].up_path, "tables/p/up.sql");
        CHECK_STR(p.files[3].up_path, "constraints/up.sql");
        CHECK_INT(p.summary.tables_create, ==, 2);
        CHECK_INT(p.summary.enums_create, ==, 1);
        CHECK_INT(p.ndestructive, ==, 0);
        plan_release(&p);
    }
    TEST("dropping a referenced table drops the FK to it first and is destructive")
    {
        Model n = parse(HEAD "\"enums\":[{\"name\":\"st\",\"values\":[\"a\",\"b\"]}],\"tables\":["
                             "{\"name\":\"p\",\"columns\":[" INT("id") "," INT("u_id") "]," PK("p") "}]}");
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK_STR(p.files[0].up_path, "constraints/drop_up.sql");
        CHECK_STR(p.files[1].up_path, "tables/u/up.sql");
        CHECK_INT(p.ndestructive, ==, 1);
        CHECK_STR(p.destructive[0], "drop table u");
        CHECK_INT(p.nirreversible, ==, 1);
        CHECK_STR(file_sql(&p, "constraints/drop_up.sql", true, &sb),
                  "ALTER TABLE p ADD CONSTRAINT p_u FOREIGN KEY (u_id) REFERENCES u (id);\n");
        plan_release(&p);
    }
    TEST("no constraint drops for a table that is itself dropped")
    {
        Model n = parse(HEAD "\"enums\":[{\"name\":\"st\",\"values\":[\"a\",\"b\"]}],\"tables\":["
                             "{\"name\":\"u\",\"columns\":[" INT("id") ",{\"name\":\"bio\",\"type\":"
                             "{\"kind\":\"text\"},\"nullable\":true}]," PK("u") "}]}");
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK_INT(p.nops, ==, 1);
        CHECK(strstr(file_sql(&p, "tables/p/up.sql", true, &sb), "ADD CONSTRAINT p_u") != NULL);
        plan_release(&p);
    }
    TEST("a NOT NULL column without default or backfill on an existing table: a guarded ADD")
    {
        Model n = parse(OLD);
        Table *u = &n.tables[model_find_table(&n, "u") - n.tables];
        Column *cols = ARENA_ARRAY(&A, Column, 3);
        memcpy(cols, u->columns, 2 * sizeof(Column));
        cols[2] = (Column){.name = "must", .type = {TY_TEXT, -1, -1, -1, 0, NULL, NULL, NULL}};
        u->columns = cols;
        u->ncolumns = 3;
        int before = D.nerrors;
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK_INT(D.nerrors, ==, before); /* a warning, not an error */
        CHECK(strstr(file_sql(&p, "tables/u/up.sql", false, &sb),
                     "THEN RAISE EXCEPTION 'table % has % rows: %', 'u'") != NULL);
        cols[2].backfill = (Default){DEF_STRING, "x", NULL};
        plan_release(&p);
        p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK_STR(file_sql(&p, "tables/u/up.sql", false, &sb),
                  "ALTER TABLE u ADD COLUMN must TEXT;\nUPDATE u SET must = 'x' WHERE must IS "
                  "NULL;\nALTER TABLE u ALTER COLUMN must SET NOT NULL;\n");
        plan_release(&p);
    }
    TEST("a PK change drops and re-adds the FKs pointing at it, around the key change")
    {
        Model n = parse(OLD);
        Table *u = &n.tables[model_find_table(&n, "u") - n.tables];
        static const char *pkc[] = {"id", "bio"};
        u->pk.cols = pkc;
        u->pk.ncols = 2;
        u->columns[1].nullable = false;
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        size_t dfk = find_op(&p, "drop foreign key p_u"), dpk = find_op(&p, "drop primary key");
        size_t apk = find_op(&p, "add primary key"), afk = find_op(&p, "add foreign key p_u");
        CHECK(dfk < dpk);
        CHECK(apk < afk);
        CHECK(afk != (size_t)-1);
        plan_release(&p);
    }
    TEST("an added enum value goes to enums/add_values_up.sql, non-transactional, IF NOT EXISTS")
    {
        Model n = parse(OLD);
        Enum *e = &n.enums[model_find_enum(&n, "st") - n.enums];
        EnumValue *v = ARENA_ARRAY(&A, EnumValue, 3);
        v[0] = e->values[0];
        v[1] = (EnumValue){.name = "mid"};
        v[2] = e->values[1];
        e->values = v;
        e->nvalues = 3;
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK(p.files[0].non_tx);
        CHECK_STR(p.files[0].up_path, "enums/add_values_up.sql");
        CHECK_STR(file_sql(&p, "enums/add_values_up.sql", false, &sb),
                  "ALTER TYPE st ADD VALUE IF NOT EXISTS 'mid' AFTER 'a';\n");
        CHECK_INT(p.summary.enums_modify, ==, 1);
        sb_reset(&sb);
        migdir_manifest(&sb, &p, &n, "2", "m", 0, "1");
        CHECK(strstr(sb_str(&sb), "\"nonTransactional\": [\n    \"enums/add_values_up.sql\"\n  ]") !=
              NULL);
        CHECK(strstr(sb_str(&sb), "\"parent\": \"1\"") != NULL);
        plan_release(&p);
    }
    TEST("a column rename through `was` is a rename, not drop + add")
    {
        Model n = parse(OLD);
        Table *u = &n.tables[model_find_table(&n, "u") - n.tables];
        static const char *was[] = {"bio"};
        u->columns[1].name = "about";
        u->columns[1].was = was;
        u->columns[1].nwas = 1;
        bool ok;
        Plan p = run(&old, &n, &ok);
        CHECK(ok);
        CHECK_INT(p.nops, ==, 1);
        CHECK_INT(p.ndestructive, ==, 0);
        CHECK_STR(file_sql(&p, "tables/u/up.sql", false, &sb),
                  "ALTER TABLE u RENAME COLUMN bio TO about;\n");
        plan_release(&p);
    }
    TEST("a column moved to another enum type: a missing old value is destructive, one kept "
         "through a value `was` is not")
    {
#define ECOL(e) "{\"name\":\"k\",\"type\":{\"kind\":\"enum\",\"enum\":\"" e "\"},\"nullable\":true}"
#define EMODEL(enums, e)                                                                        \
    HEAD "\"enums\":[" enums "],\"tables\":[{\"name\":\"t\",\"columns\":[" INT("id") "," ECOL(e) \
         "]," PK("t") "}]}"
        Model o = parse(EMODEL("{\"name\":\"kind\",\"values\":[\"a\",\"b\"]}", "kind"));
        Model lost = parse(EMODEL("{\"name\":\"rank\",\"values\":[\"a\"]}", "rank"));
        Model renamed = parse(EMODEL(
            "{\"name\":\"rank\",\"values\":[\"a\",{\"name\":\"c\",\"was\":[\"b\"]}]}", "rank"));
#undef EMODEL
#undef ECOL
        bool ok;
        Plan p = run(&o, &lost, &ok);
        CHECK(ok);
        CHECK_INT(p.ndestructive, ==, 1);
        CHECK(p.ndestructive == 1 && strstr(p.destructive[0], "change type of t.k") != NULL);
        plan_release(&p);
        p = run(&o, &renamed, &ok);
        CHECK(ok);
        CHECK_INT(p.ndestructive, ==, 0);
        plan_release(&p);
    }
    TEST("versions are strictly increasing")
    {
        CHECK_INT(migdir_next_version(5000, NULL), ==, 5000);
        CHECK_INT(migdir_next_version(5000, "4999"), ==, 5000);
        CHECK_INT(migdir_next_version(5000, "5000"), ==, 5001);
        CHECK_INT(migdir_next_version(5000, "9000"), ==, 9001);
    }
    TEST("table directory names are safe path components")
    {
        CHECK_STR(plan_table_dir(&A, "my/../t\"x"), "my%2F%2E%2E%2Ft%22x");
        CHECK_STR(plan_table_dir(&A, "users_1"), "users_1");
    }
    sb_release(&sb);
    diag_release(&D);
    arena_free(&A);
    return tap_done();
}
