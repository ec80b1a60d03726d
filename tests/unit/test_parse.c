/*
 * test_parse.c - unit tests for parse_file (compiler/parse.c + grammar/parser.y): the AST
 * built for each construct, keywords as names, doc comment attachment, spans, and the
 * diagnostics of lexical and syntax errors. Also fmt_file round trips on small inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"
#include "source.h"
#include "strbuf.h"
#include "tap.h"

typedef struct Parsed {
    Arena arena;
    Source *src;
    AstFile *file;
    int nerrors;
    char *diags; /* rendered diagnostics (malloc'd) */
} Parsed;

static void parse_mem(Parsed *p, const char *text, size_t len)
{
    arena_init(&p->arena);
    p->src = source_from_mem("t.strav", text, len);
    Diag d;
    diag_init(&d);
    p->file = parse_file(&p->arena, p->src, &d);
    p->nerrors = diag_count_errors(&d);
    size_t n;
    FILE *f = open_memstream(&p->diags, &n);
    diag_flush(&d, f, false);
    fclose(f);
    diag_release(&d);
}

static void parse_str(Parsed *p, const char *text)
{
    parse_mem(p, text, strlen(text));
}

static void done(Parsed *p)
{
    free(p->diags);
    arena_free(&p->arena);
    source_free(p->src);
}

/* The first line of the rendered diagnostics. */
static char *first_line(Parsed *p)
{
    char *nl = strchr(p->diags, '\n');
    if (nl)
        *nl = '\0';
    return p->diags;
}

/* fmt(text), then parse and fmt again: returns whether both outputs agree. */
static bool fmt_stable(const char *text, StrBuf *out)
{
    Parsed a, b;
    parse_str(&a, text);
    fmt_file(out, a.file);
    parse_str(&b, sb_str(out));
    StrBuf again = SB_INIT;
    fmt_file(&again, b.file);
    bool ok = a.nerrors == 0 && b.nerrors == 0 && strcmp(sb_str(out), sb_str(&again)) == 0;
    sb_release(&again);
    done(&a);
    done(&b);
    return ok;
}

int main(void)
{
    TEST("an entity with fields, types, defaults and attributes")
    {
        Parsed p;
        parse_str(&p, "entity user {\n  id ulid @primary\n  email string(255)? = 'x' @unique "
                      "@index(name: 'i', using: gin)\n  tags text[][]\n}\n");
        CHECK_INT(p.nerrors, ==, 0);
        AstDecl *d = p.file->decls;
        CHECK(d && d->kind == DECL_ENTITY && !d->next);
        CHECK_STR(d->name->text, "user");
        AstField *f = d->fields;
        CHECK_STR(f->name->text, "id");
        CHECK_STR(f->type.name->text, "ulid");
        CHECK_STR(f->attrs->name, "primary");
        CHECK(!f->attrs->has_parens);
        f = f->next;
        CHECK(f->type.has_args && f->type.nullable);
        CHECK_STR(f->type.args->terms->text, "255");
        CHECK_INT(f->def->kind, ==, TERM_STRING);
        CHECK_STR(f->attrs->next->args->key, "name");
        CHECK_STR(f->attrs->next->args->next->terms->text, "gin");
        f = f->next;
        CHECK_INT(f->type.ndims, ==, 2);
        CHECK(!f->type.nullable);
        /* spans: the field 'email' runs from its name to the end of its last attribute */
        AstField *e = d->fields->next;
        CHECK_INT(e->span.off, ==, 35);
        CHECK_INT(e->span.off + e->span.len, ==, 97);
        CHECK_INT(d->span.off + d->span.len, ==, (long long)p.src->len - 1);
        done(&p);
    }
    TEST("parents, association with as, enum, domain, table")
    {
        Parsed p;
        parse_str(&p, "attribute a of b, c { x int }\n"
                      "association m between t, u { as t: ms, u: us\n title string? }\n"
                      "enum s { a, 'b c' @was(bc), \"D\" }\n"
                      "domain { @@schema('x') }\ndomain billing { }\ntable t { }\n");
        CHECK_INT(p.nerrors, ==, 0);
        AstDecl *d = p.file->decls;
        CHECK_INT(d->kind, ==, DECL_ATTRIBUTE);
        CHECK_STR(d->parents->next->text, "c");
        d = d->next;
        CHECK_INT(d->kind, ==, DECL_ASSOCIATION);
        CHECK_STR(d->parents->text, "t");
        CHECK_STR(d->as->next->relname->text, "us");
        CHECK_STR(d->fields->name->text, "title");
        d = d->next;
        CHECK_INT(d->kind, ==, DECL_ENUM);
        CHECK_INT(d->values->next->name->kind, ==, TERM_STRING);
        CHECK_STR(d->values->next->name->text, "b c");
        CHECK_STR(d->values->next->attrs->name, "was");
        CHECK_INT(d->values->next->next->name->kind, ==, TERM_QIDENT);
        d = d->next;
        CHECK(d->kind == DECL_DOMAIN && d->name == NULL && d->attrs->table_level);
        d = d->next;
        CHECK(d->kind == DECL_DOMAIN && d->name != NULL);
        CHECK_INT(d->next->kind, ==, DECL_TABLE);
        done(&p);
    }
    TEST("keywords used as names")
    {
        Parsed p;
        parse_str(&p, "entity event {\n  table reference\n  of enum(entity, null)\n"
                      "  domain string @between\n  \"as\" text = true\n}\n"
                      "table of { sql int }\n");
        CHECK_INT(p.nerrors, ==, 0);
        AstDecl *d = p.file->decls;
        CHECK_STR(d->name->text, "event");
        CHECK_STR(d->fields->name->text, "table");
        CHECK_STR(d->fields->type.name->text, "reference");
        CHECK_STR(d->fields->next->name->text, "of");
        CHECK_STR(d->fields->next->type.args->next->terms->text, "null");
        CHECK_INT(d->fields->next->type.args->next->terms->kind, ==, TERM_NULL);
        CHECK_STR(d->fields->next->next->attrs->name, "between");
        CHECK_INT(d->fields->next->next->next->def->kind, ==, TERM_TRUE);
        CHECK_STR(d->next->name->text, "of");
        CHECK_STR(d->next->fields->name->text, "sql");
        done(&p);
    }
    TEST("terms: qualified, quoted, negative number, sql(), escapes decoded")
    {
        Parsed p;
        parse_str(&p, "table t {\n  a ref(public.\"User\") = -1.5\n  b text = sql('now()')\n"
                      "  \"Odd \"\"x\"\"\" text = 'it''s'\n}\n");
        CHECK_INT(p.nerrors, ==, 0);
        AstField *f = p.file->decls->fields;
        AstTerm *q = f->type.args->terms;
        CHECK_INT(q->kind, ==, TERM_QUALIFIED);
        CHECK_STR(q->qual, "public");
        CHECK_STR(q->text, "User");
        CHECK(!q->qual_quoted && q->text_quoted);
        CHECK_STR(f->def->text, "-1.5");
        CHECK_INT(f->next->def->kind, ==, TERM_SQL);
        CHECK_STR(f->next->def->text, "now()");
        CHECK_STR(f->next->next->name->text, "Odd \"x\"");
        CHECK_STR(f->next->next->def->text, "it's");
        done(&p);
    }
    TEST("doc comments attach to the next declaration, field or enum value")
    {
        Parsed p;
        parse_str(&p, "/// Users.\n///   indented\nentity u {\n  /// The id.\n  id int\n"
                      "  // plain\n  x int\n}\n/// Lost.\n// breaks it\nenum e {\n  /// first\n"
                      "  a\n}\n");
        CHECK_INT(p.nerrors, ==, 0);
        AstDecl *d = p.file->decls;
        CHECK_STR(d->doc, "Users.\n  indented");
        CHECK_STR(d->fields->doc, "The id.");
        CHECK(d->fields->next->doc == NULL);
        CHECK(d->next->doc == NULL);
        CHECK_STR(d->next->values->doc, "first");
        int ncomments = 0, ndoc = 0;
        for (AstComment *c = p.file->comments; c; c = c->next) {
            ncomments++;
            ndoc += c->doc;
        }
        CHECK_INT(ncomments, ==, 7);
        CHECK_INT(ndoc, ==, 5);
        done(&p);
    }
    TEST("syntax error near a token, with what was expected")
    {
        Parsed p;
        parse_str(&p, "entity user {\n  id int\n}\nentity x y\n");
        CHECK_INT(p.nerrors, ==, 1);
        CHECK(p.file->decls != NULL); /* the declaration before the error is kept */
        CHECK(strstr(p.diags, "t.strav:4:10: note: expected '{' or 'of'") != NULL);
        CHECK_STR(first_line(&p), "t.strav:4:10: error: syntax error near 'y'");
        done(&p);
    }
    TEST("unexpected end of input")
    {
        Parsed p;
        parse_str(&p, "entity user {\n  id int\n");
        CHECK_INT(p.nerrors, ==, 1);
        CHECK_STR(first_line(&p), "t.strav:1:13: error: the '{' of 'user' is never closed");
        CHECK(p.file->decls != NULL && p.file->decls->fields != NULL); /* kept, closed */
        done(&p);
        parse_str(&p, "entity user {\n  id int\n}\nentity x {\n  a int @index(\n");
        CHECK_INT(p.nerrors, ==, 1);
        CHECK_STR(first_line(&p), "t.strav:4:10: error: the '{' of 'x' is never closed");
        done(&p);
        parse_str(&p, "entity user\n");
        CHECK_STR(first_line(&p), "t.strav:2:1: error: unexpected end of input");
        done(&p);
    }
    TEST("lexical errors: string, comment, character, NUL, empty quoted name")
    {
        Parsed p;
        parse_str(&p, "entity u { a text = 'abc\n}");
        CHECK_STR(first_line(&p), "t.strav:1:21: error: unterminated string");
        done(&p);
        parse_str(&p, "entity u { } /* x");
        CHECK_STR(first_line(&p), "t.strav:1:14: error: unterminated comment");
        done(&p);
        parse_str(&p, "entity u { a int; }");
        CHECK_STR(first_line(&p), "t.strav:1:17: error: unrecognized character ';'");
        done(&p);
        parse_str(&p, "entity u { a \x01 }");
        CHECK_STR(first_line(&p), "t.strav:1:14: error: unrecognized character '\\x01'");
        done(&p);
        parse_mem(&p, "entity u {\n a int // c\0x\n}", 26);
        CHECK_STR(first_line(&p), "t.strav:2:12: error: NUL byte in source file");
        done(&p);
        parse_str(&p, "table \"\" { }");
        CHECK_STR(first_line(&p), "t.strav:1:7: error: zero-length quoted identifier");
        done(&p);
    }
    TEST("separators between members are rejected")
    {
        Parsed p;
        parse_str(&p, "entity u { a int, b int }");
        CHECK_INT(p.nerrors, ==, 1);
        CHECK_STR(first_line(&p), "t.strav:1:17: error: unexpected ',' after a member");
        done(&p);
    }
    TEST("recovery: errors in three places give three errors and keep every declaration")
    {
        Parsed p;
        parse_str(&p, "entity a {\n  x: int\n  y int\n}\n"
                      "entity b {\n  z int = = 1\n  w int\n}\n"
                      "entitty c {\n  v int\n}\n"
                      "entity d {\n  u int\n}\n");
        CHECK_INT(p.nerrors, ==, 3);
        int n = 0;
        for (AstDecl *d = p.file->decls; d; d = d->next)
            n++;
        CHECK_INT(n, ==, 3); /* a, b and d; c's keyword is wrong */
        /* a keeps the member after the broken one */
        CHECK(p.file->decls && p.file->decls->fields &&
              !strcmp(p.file->decls->fields->name->text, "y"));
        CHECK(strstr(p.diags, "t.strav:2:4: error: unexpected ':' after field name 'x'") != NULL);
        CHECK(strstr(p.diags, "t.strav:6:11: error: syntax error near '='") != NULL);
        CHECK(strstr(p.diags, "t.strav:9:1: error: 'entitty' does not start a declaration") !=
              NULL);
        done(&p);
    }
    TEST("empty and comment-only files parse to no declarations")
    {
        Parsed p;
        parse_str(&p, "");
        CHECK(p.nerrors == 0 && p.file->decls == NULL);
        done(&p);
        parse_str(&p, "// nothing\n");
        CHECK(p.nerrors == 0 && p.file->decls == NULL && p.file->comments != NULL);
        done(&p);
    }
    TEST("fmt: canonical layout, aligned columns, comments kept")
    {
        StrBuf out = SB_INIT;
        CHECK(fmt_stable("// top\nentity   u{id int @primary // pk\n"
                         "longer_name  text?=  'x'\n\n\n  /* c */ n int}",
                         &out));
        CHECK_STR(sb_str(&out), "// top\nentity u {\n  id          int   @primary // pk\n"
                                "  longer_name text? = 'x'\n\n  /* c */\n  n           int\n}\n");
        sb_release(&out);
    }
    TEST("fmt: enum values one per line, blank line between declarations")
    {
        StrBuf out = SB_INIT;
        CHECK(fmt_stable("enum e { a, b @was(c), 'x y' }\ntable t {}", &out));
        CHECK_STR(sb_str(&out), "enum e {\n  a\n  b @was(c)\n  'x y'\n}\n\ntable t {}\n");
        sb_release(&out);
    }
    TEST("giant inputs: deep-looking token runs finish with one error")
    {
        size_t n = 200000;
        char *s = malloc(n + 1);
        memset(s, '(', n);
        s[n] = '\0';
        Parsed p;
        parse_str(&p, s);
        CHECK_INT(p.nerrors, ==, 1);
        done(&p);
        /* one long argument list in a single attribute */
        StrBuf sb = SB_INIT;
        sb_adds(&sb, "table t { x int @a(");
        for (int i = 0; i < 100000; i++)
            sb_adds(&sb, "y ");
        sb_adds(&sb, ") }");
        parse_str(&p, sb_str(&sb));
        CHECK_INT(p.nerrors, ==, 0);
        done(&p);
        sb_release(&sb);
        free(s);
    }
    return tap_done();
}
