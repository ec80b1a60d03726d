/*
 * emit_seq.c - SQL for sequences (emit_seq.h, adopt2). A column's sequence is reached through
 * pg_get_serial_sequence at migrate time, so a renamed table or column (whose sequence keeps
 * its old name) is no problem; that needs a DO block, whose dollar-quote tag is chosen so that
 * it never occurs in the body.
 */
#include "emit_seq.h"

#include <stdio.h>
#include <string.h>

#include "sqlquote.h"
#include "strbuf.h"

/* pg_get_serial_sequence('<quoted table>', '<column>') */
static void serial_seq_call(StrBuf *out, const char *table, const char *col)
{
    StrBuf q = SB_INIT;
    sql_ident(&q, table);
    sb_adds(out, "pg_get_serial_sequence(");
    sql_literal(out, sb_str(&q));
    sb_adds(out, ", ");
    sql_literal(out, col);
    sb_addch(out, ')');
    sb_release(&q);
}

/* DO $tag$ [DECLARE decl] BEGIN <body> END $tag$; with a tag absent from both. */
static void do_block(StrBuf *out, const char *decl, const char *body)
{
    char tag[32];
    for (unsigned n = 0;; n++) {
        if (n)
            snprintf(tag, sizeof tag, "$strav_seq%u$", n);
        else
            snprintf(tag, sizeof tag, "$strav_seq$");
        if (!strstr(body, tag) && !strstr(decl, tag))
            break;
    }
    sb_addf(out, "DO %s %s%s%sBEGIN %s END %s;\n", tag, *decl ? "DECLARE " : "", decl,
            *decl ? " " : "", body, tag);
}

void emit_column_seq_alter(StrBuf *out, const char *table, const Column *col, const SeqOpts *o)
{
    StrBuf body = SB_INIT, opts = SB_INIT;
    seqopts_sql(&opts, o, seq_storage(col->type.kind), true);
    sb_adds(&body, "EXECUTE 'ALTER SEQUENCE ' || ");
    serial_seq_call(&body, table, col->name);
    sb_adds(&body, " || ");
    sql_literal(&body, sb_str(&opts));
    sb_adds(&body, ";");
    do_block(out, "", sb_str(&body));
    sb_release(&opts);
    sb_release(&body);
}

/* PostgreSQL's name for the sequence of table.col: <table>_<col>_seq, the longer part cut
 * first when that is over 63 bytes (makeObjectName; a clash suffix is not reproduced). */
static void serial_seq_name(StrBuf *out, const char *table, const char *col)
{
    size_t lt = strlen(table), lc = strlen(col);
    while (lt + lc + 5 > 63) {
        if (lt > lc)
            lt--;
        else
            lc--;
    }
    sb_addf(out, "%.*s_%.*s_seq", (int)lt, table, (int)lc, col);
}

void emit_serial_attach(StrBuf *out, const char *table, const Column *col)
{
    StrBuf name = SB_INIT;
    serial_seq_name(&name, table, col->name);
    TypeKind st = seq_storage(col->type.kind);
    SeqOpts o = col->seq;
    o.set |= SEQ_AS;
    o.as = st;
    sb_adds(out, "CREATE SEQUENCE ");
    sql_ident(out, sb_str(&name));
    seqopts_sql(out, &o, st, false);
    sb_adds(out, " OWNED BY ");
    sql_ident(out, table);
    sb_addch(out, '.');
    sql_ident(out, col->name);
    sb_adds(out, ";\nALTER TABLE ");
    sql_ident(out, table);
    sb_adds(out, " ALTER COLUMN ");
    sql_ident(out, col->name);
    sb_adds(out, " SET DEFAULT nextval(");
    StrBuf q = SB_INIT;
    sql_ident(&q, sb_str(&name));
    sql_literal(out, sb_str(&q));
    sb_adds(out, "::regclass);\n");
    emit_seq_past_rows(out, table, col->name);
    sb_release(&q);
    sb_release(&name);
}

void emit_serial_detach(StrBuf *out, const char *table, const Column *col)
{
    StrBuf decl = SB_INIT, body = SB_INIT, alter = SB_INIT;
    sb_adds(&alter, "ALTER TABLE ");
    sql_ident(&alter, table);
    sb_adds(&alter, " ALTER COLUMN ");
    sql_ident(&alter, col->name);
    sb_adds(&alter, " DROP DEFAULT");
    sb_adds(&decl, "q text := ");
    serial_seq_call(&decl, table, col->name);
    sb_adds(&decl, ";");
    sb_adds(&body, "EXECUTE ");
    sql_literal(&body, sb_str(&alter));
    sb_adds(&body, "; IF q IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || q; END IF;");
    do_block(out, sb_str(&decl), sb_str(&body));
    sb_release(&alter);
    sb_release(&body);
    sb_release(&decl);
}

void emit_seq_past_rows(StrBuf *out, const char *table, const char *col)
{
    sb_adds(out, "SELECT setval(");
    serial_seq_call(out, table, col);
    sb_adds(out, ", max(");
    sql_ident(out, col);
    sb_adds(out, ")) FROM ");
    sql_ident(out, table);
    sb_adds(out, " HAVING max(");
    sql_ident(out, col);
    sb_adds(out, ") IS NOT NULL;\n");
}

void emit_create_sequence(StrBuf *out, const Sequence *s)
{
    sb_adds(out, "CREATE SEQUENCE ");
    sql_ident(out, s->name);
    seqopts_sql(out, &s->opts, TY_BIGINT, false);
    sb_adds(out, ";\n");
    if (s->comment)
        emit_named_comment(out, "SEQUENCE", s->name, s->comment);
}

void emit_alter_sequence(StrBuf *out, const Sequence *s)
{
    sb_adds(out, "ALTER SEQUENCE ");
    sql_ident(out, s->name);
    seqopts_sql(out, &s->opts, TY_BIGINT, true);
    sb_adds(out, ";\n");
}

void emit_drop_sequence(StrBuf *out, const char *name)
{
    sb_adds(out, "DROP SEQUENCE ");
    sql_ident(out, name);
    sb_adds(out, ";\n");
}

void emit_named_comment(StrBuf *out, const char *kind, const char *name, const char *text)
{
    sb_addf(out, "COMMENT ON %s ", kind);
    sql_ident(out, name);
    sb_adds(out, " IS ");
    if (text)
        sql_literal(out, text);
    else
        sb_adds(out, "NULL");
    sb_adds(out, ";\n");
}
