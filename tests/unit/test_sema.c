/*
 * test_sema.c - sema from source strings: the seed user schema, column order, FK types that
 * follow the target key, associations, name shortening, determinism over file order, and that
 * errors are reported (the exact texts are covered by tests/golden/errors).
 */
#include "sema.h"

#include <string.h>

#include "model_json.h"
#include "names.h"
#include "parse.h"
#include "strbuf.h"
#include "tap.h"

typedef struct Run {
    Arena a;
    Diag d;
    Source *src[4];
    size_t nsrc;
    Model m;
    bool ok;
} Run;

/* Parse n sources (name, text pairs) as one domain and run sema. */
static void run(Run *r, const char *domain, const char *const *files, size_t n)
{
    memset(r, 0, sizeof(*r));
    arena_init(&r->a);
    diag_init(&r->d);
    AstFile *ast[4];
    for (size_t i = 0; i < n && i < 4; i++) {
        r->src[i] = source_from_mem(files[2 * i], files[2 * i + 1], strlen(files[2 * i + 1]));
        ast[i] = parse_file(&r->a, r->src[i], &r->d);
        r->nsrc++;
    }
    const char *doms[] = { "public" };
    SemaInput in = { domain, ast, r->nsrc, NULL, doms, 1, NULL, 0 };
    r->ok = diag_count_errors(&r->d) == 0 && sema_domain(&r->m, &r->a, &in, &r->d);
}

static void run1(Run *r, const char *text)
{
    const char *f[] = { "t.strav", text };
    run(r, "public", f, 1);
}

static void done(Run *r)
{
    diag_release(&r->d);
    for (size_t i = 0; i < r->nsrc; i++)
        source_free(r->src[i]);
    arena_free(&r->a);
}

static const char *col_names(Arena *a, const Table *t)
{
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < t->ncolumns; i++)
        sb_addf(&sb, "%s%s", i ? "," : "", t->columns[i].name);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

static const char seed[] = "entity user {\n"
                           "  id              ulid              @primary\n"
                           "  email           string(255)       @unique @email\n"
                           "  password        string            @sensitive\n"
                           "  role            enum(user, admin) = 'user'\n"
                           "  emailVerifiedAt timestamptz?\n"
                           "}\n";

int main(void)
{
    Run r;
    TEST("seed user schema: nullable timestamptz and the enum in order")
    {
        run1(&r, seed);
        CHECK(r.ok);
        const Table *t = model_find_table(&r.m, "user");
        CHECK(t != NULL);
        if (t) {
            CHECK_STR(col_names(&r.a, t),
                      "id,email,password,role,email_verified_at,created_at,updated_at,deleted_at");
            const Column *c = table_find_column(t, "email_verified_at");
            CHECK(c && c->nullable && c->type.kind == TY_TIMESTAMPTZ);
            const Column *id = table_find_column(t, "id");
            CHECK(id && id->type.kind == TY_CHAR && id->type.length == 26 && !id->nullable);
            const Column *pw = table_find_column(t, "password");
            CHECK(pw && pw->sensitive && pw->type.kind == TY_VARCHAR && pw->type.length == 255);
            CHECK_STR(t->pk.name, "pk_user");
            CHECK_INT(t->nuniques, ==, 1);
            CHECK_STR(t->uniques[0].name, "uq_user_email");
        }
        const Enum *e = model_find_enum(&r.m, "user_role");
        CHECK(e && e->nvalues == 2);
        if (e && e->nvalues == 2) {
            CHECK_STR(e->values[0].name, "user");
            CHECK_STR(e->values[1].name, "admin");
        }
        done(&r);
    }
    TEST("column order: id, parents, fields, timestamps; FK types follow the target key")
    {
        run1(&r, "entity account { id uuid @primary }\n"
                 "reference kind { code char(3) @primary }\n"
                 "entity thing { name text }\n"
                 "component address of account, thing {\n"
                 "  street text\n  kind ref(kind)?\n  authorId ref(account)\n"
                 "}\n");
        CHECK(r.ok);
        const Table *t = model_find_table(&r.m, "address");
        CHECK(t != NULL);
        if (t) {
            CHECK_STR(col_names(&r.a, t),
                      "id,account_id,thing_id,street,kind_code,author_id,created_at,updated_at");
            CHECK(table_find_column(t, "account_id")->type.kind == TY_UUID);
            CHECK(table_find_column(t, "thing_id")->type.kind == TY_INTEGER);
            const Column *k = table_find_column(t, "kind_code");
            CHECK(k->type.kind == TY_CHAR && k->type.length == 3 && k->nullable);
            CHECK_INT(t->nfks, ==, 4);
            const ForeignKey *fk =
                &t->fks[2]; /* sorted: account_id, author_id, kind_code, thing_id */
            CHECK_STR(fk->name, "fk_address_kind_code");
            CHECK(fk->on_delete == FK_SET_NULL && fk->on_update == FK_CASCADE);
            CHECK(t->fks[0].on_delete == FK_CASCADE);
            CHECK(t->fks[1].on_delete == FK_RESTRICT);
        }
        done(&r);
    }
    TEST("FK columns: serials map to their integer type, length and precision are kept")
    {
        run1(&r, "table big { id bigserial @primary }\ntable small { id smallserial @primary }\n"
                 "table money2 { id numeric(12, 4) @primary }\nentity user { id ulid @primary }\n"
                 "table refs {\n  b ref(big)\n  s ref(small)\n  m ref(money2)\n  u ref(user)\n}\n");
        CHECK(r.ok);
        const Table *t = model_find_table(&r.m, "refs");
        if (t) {
            CHECK(table_find_column(t, "b_id")->type.kind == TY_BIGINT);
            CHECK(table_find_column(t, "s_id")->type.kind == TY_SMALLINT);
            const Column *m = table_find_column(t, "m_id");
            CHECK(m->type.kind == TY_NUMERIC && m->type.precision == 12 && m->type.scale == 4);
            const Column *u = table_find_column(t, "u_id");
            CHECK(u->type.kind == TY_CHAR && u->type.length == 26);
        }
        done(&r);
    }
    TEST("association: two FK columns, unique pair, an index each, as names kept")
    {
        run1(&r, "entity team {}\nentity user { id uuid @primary }\n"
                 "association team_user between team, user {\n"
                 "  as team: members, user: teams\n  title string?\n}\n");
        CHECK(r.ok);
        const Table *t = model_find_table(&r.m, "team_user");
        if (t) {
            CHECK_STR(col_names(&r.a, t), "team_id,user_id,title,created_at,updated_at");
            CHECK(t->pk.name == NULL);
            CHECK_INT(t->nuniques, ==, 1);
            CHECK_STR(t->uniques[0].name, "uq_team_user_team_id_user_id");
            CHECK_INT(t->nindexes, ==, 2);
            CHECK_STR(t->as_a, "members");
            CHECK_STR(t->as_b, "teams");
        }
        done(&r);
    }
    TEST("names over 63 bytes are shortened, and a collision is an error")
    {
        run1(&r, "entity aVeryLongTableNameThatKeepsGoingAndGoingAndGoingOnAndOnForever {\n"
                 "  x integer @index\n}\n");
        CHECK(r.ok);
        CHECK_INT(r.m.ntables, ==, 1);
        if (r.m.ntables == 1) {
            const Table *t = &r.m.tables[0];
            CHECK_INT(strlen(t->name), ==, 63);
            CHECK_INT(strlen(t->indexes[0].name), ==, 63);
            CHECK(!strncmp(t->indexes[0].name, "idx_a_very_long", 15));
        }
        done(&r);
        run1(&r,
             "entity t {\n"
             "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 integer\n"
             "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 integer\n"
             "}\n");
        CHECK(!r.ok);
        done(&r);
    }
    TEST("determinism: the same files in another order give the same model JSON")
    {
        const char *a = "entity post { author ref(user) status enum(draft, live) = 'draft' }\n";
        const char *b = "entity user { id uuid @primary }\nenum mood { happy sad }\n";
        const char *f1[] = { "a.strav", a, "b.strav", b };
        const char *f2[] = { "b.strav", b, "a.strav", a };
        StrBuf j1 = SB_INIT, j2 = SB_INIT;
        run(&r, "public", f1, 2);
        CHECK(r.ok);
        model_json_write(&j1, &r.m);
        done(&r);
        run(&r, "public", f2, 2);
        CHECK(r.ok);
        model_json_write(&j2, &r.m);
        done(&r);
        CHECK_STR(sb_str(&j1), sb_str(&j2));
        sb_release(&j1);
        sb_release(&j2);
    }
    TEST("defaults: canonical numbers (as PostgreSQL prints them), booleans, sql expressions")
    {
        run1(&r, "table t {\n  a integer = 007\n  b decimal(5,2) = -1.50\n  c boolean = false\n"
                 "  d timestamptz = sql('now()')\n  e text? = null\n  f numeric = -0.0\n"
                 "  g double = 1e6\n  h numeric = 1.5e-3\n  i numeric = 250e-1\n"
                 "  j decimal(5)\n}\n");
        CHECK(r.ok);
        const Table *t = model_find_table(&r.m, "t");
        if (t) {
            CHECK_STR(table_find_column(t, "a")->def.text, "7");
            CHECK_STR(table_find_column(t, "b")->def.text, "-1.50");
            CHECK(table_find_column(t, "c")->def.kind == DEF_BOOL);
            CHECK(table_find_column(t, "d")->def.kind == DEF_EXPR);
            CHECK_STR(table_find_column(t, "d")->def.text, "CURRENT_TIMESTAMP");
            CHECK(table_find_column(t, "e")->def.kind == DEF_NONE); /* PostgreSQL stores none */
            CHECK_STR(table_find_column(t, "f")->def.text, "0.0");
            CHECK_STR(table_find_column(t, "g")->def.text, "1000000");
            CHECK_STR(table_find_column(t, "h")->def.text, "0.0015");
            CHECK_STR(table_find_column(t, "i")->def.text, "25.0");
            CHECK_INT(table_find_column(t, "j")->type.precision, ==, 5);
            CHECK_INT(table_find_column(t, "j")->type.scale, ==, 0);
            CHECK(t->pk.name == NULL);
            CHECK_INT(t->ncolumns, ==, 10);
        }
        done(&r);
    }
    TEST("semantic errors are all reported, not just the first")
    {
        run1(&r, "entity a { x intger\n y string(0)\n z boolean = 1\n w ref(nope) }\n");
        CHECK(!r.ok);
        CHECK_INT(diag_count_errors(&r.d), ==, 4);
        done(&r);
    }
    TEST("a reference cycle through non-key columns is fine; through keys it is an error")
    {
        run1(&r, "entity a { b ref(b)? }\nentity b { a ref(a)? }\n");
        CHECK(r.ok);
        done(&r);
        run1(&r, "table a { b ref(b) @primary }\ntable b { a ref(a) @primary }\n");
        CHECK(!r.ok);
        done(&r);
    }
    TEST("a user field replaces an implicit timestamp")
    {
        run1(&r, "entity e { createdAt timestamp }\n");
        const Table *t = model_find_table(&r.m, "e");
        CHECK(r.ok && t);
        if (t) {
            CHECK_STR(col_names(&r.a, t), "id,created_at,updated_at,deleted_at");
            CHECK(table_find_column(t, "created_at")->type.kind == TY_TIMESTAMP);
        }
        done(&r);
    }
    return tap_done();
}
