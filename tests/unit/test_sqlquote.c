/*
 * test_sqlquote.c - identifier quoting, literal escaping and type spelling.
 */
#include "model.h"
#include "sqlquote.h"
#include "strbuf.h"
#include "tap.h"

static const char *ident(StrBuf *sb, const char *s)
{
    sb_reset(sb);
    sql_ident(sb, s);
    return sb_str(sb);
}

static const char *lit(StrBuf *sb, const char *s)
{
    sb_reset(sb);
    sql_literal(sb, s);
    return sb_str(sb);
}

static const char *ty(StrBuf *sb, SqlType t)
{
    sb_reset(sb);
    type_to_sql(sb, &t);
    return sb_str(sb);
}

int main(void)
{
    StrBuf sb = SB_INIT;
    TEST("plain lowercase names stay bare")
    {
        CHECK_STR(ident(&sb, "email_verified_at"), "email_verified_at");
        CHECK_STR(ident(&sb, "_x1"), "_x1");
    }
    TEST("reserved and type keywords are quoted, unreserved are not")
    {
        CHECK_STR(ident(&sb, "select"), "\"select\"");
        CHECK_STR(ident(&sb, "user"), "\"user\"");
        CHECK_STR(ident(&sb, "char"), "\"char\"");
        CHECK_STR(ident(&sb, "name"), "name");
        CHECK_STR(ident(&sb, "comment"), "comment");
    }
    TEST("mixed case, digits first, quotes and non-ASCII are quoted, quotes doubled")
    {
        CHECK_STR(ident(&sb, "Currency"), "\"Currency\"");
        CHECK_STR(ident(&sb, "1abc"), "\"1abc\"");
        CHECK_STR(ident(&sb, "my\"table"), "\"my\"\"table\"");
        CHECK_STR(ident(&sb, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    }
    TEST("literals double single quotes")
    {
        CHECK_STR(lit(&sb, "it's"), "'it''s'");
        CHECK_STR(lit(&sb, ""), "''");
        CHECK_STR(lit(&sb, "a\\b"), "'a\\b'");
    }
    TEST("types keep every parameter")
    {
        SqlType v = {.kind = TY_VARCHAR, .length = 255, .precision = -1, .scale = -1};
        CHECK_STR(ty(&sb, v), "VARCHAR(255)");
        SqlType c = {.kind = TY_CHAR, .length = 26, .precision = -1, .scale = -1};
        CHECK_STR(ty(&sb, c), "CHAR(26)");
        SqlType n = {.kind = TY_NUMERIC, .length = -1, .precision = 10, .scale = 2};
        CHECK_STR(ty(&sb, n), "NUMERIC(10,2)");
        SqlType a = {.kind = TY_TEXT, .length = -1, .precision = -1, .scale = -1, .ndims = 2};
        CHECK_STR(ty(&sb, a), "TEXT[][]");
        SqlType e = {.kind = TY_ENUM, .length = -1, .precision = -1, .scale = -1,
                     .enum_name = "user_role", .ndims = 1};
        CHECK_STR(ty(&sb, e), "user_role[]");
        SqlType q = {.kind = TY_ENUM, .length = -1, .precision = -1, .scale = -1,
                     .enum_name = "Currency", .enum_schema = "public"};
        CHECK_STR(ty(&sb, q), "public.\"Currency\"");
    }
    TEST("decimal is numeric; serial references become integer")
    {
        TypeKind k;
        CHECK(type_kind_from_name("decimal", &k) && k == TY_NUMERIC);
        CHECK(type_kind_from_name("int4", &k) && k == TY_INTEGER);
        CHECK(!type_kind_from_name("intger", &k));
        SqlType s = {.kind = TY_BIGSERIAL, .length = -1, .precision = -1, .scale = -1};
        CHECK_INT(type_for_reference(&s).kind, ==, TY_BIGINT);
    }
    sb_release(&sb);
    return tap_done();
}
