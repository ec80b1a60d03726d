/*
 * model_strav_objects.c - Model.objects -> .strav declarations (docs/language.md, "Objects"),
 * for `pull`: one file per view (<name>.view.strav), function or procedure
 * (<name>.function.strav), the triggers of a table (<table>.triggers.strav), its row level
 * security and policies (<table>.policies.strav), and the extensions (_extensions.strav).
 * Bodies are written dollar-quoted exactly as held, so compiling them gives the same model.
 * Called by model_strav_write. Stage: Model -> text; pure, no I/O.
 */
#include "model_strav_objects.h"

#include <stdio.h>
#include <string.h>

#include "model_strav.h"
#include "sqlquote.h"
#include "strbuf.h"

/* $$body$$ with a tag that does not occur in the body ($s0$, $s1$, ... otherwise, and when
 * the body ends in '$', which would run into a $$ closing tag). */
static void dollar(StrBuf *out, const char *body)
{
    char tag[32] = "$$";
    size_t n = strlen(body);
    for (int i = 0; strstr(body, tag) || (i == 0 && n && body[n - 1] == '$'); i++)
        snprintf(tag, sizeof tag, "$s%d$", i);
    sb_addf(out, "%s%s%s", tag, body, tag);
}

/* An SQL text argument: 'text' when it fits on a line and holds no '$', else dollar-quoted. */
static void text_arg(StrBuf *out, const char *s)
{
    if (!strchr(s, '\n') && !strchr(s, '$'))
        sql_literal(out, s);
    else
        dollar(out, s);
}

/* A word argument: bare when it is a plain identifier, else a string. */
static void word_arg(StrBuf *out, Arena *a, const char *s)
{
    bool plain = *s && !(*s >= '0' && *s <= '9');
    for (const char *p = s; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    static const char *const values[] = {"sql", "true", "false", "null"}; /* never names */
    for (size_t i = 0; i < ARRAY_LEN(values) && plain; i++)
        plain = strcmp(s, values[i]) != 0;
    (void)a;
    if (plain)
        sb_adds(out, s);
    else
        sql_literal(out, s);
}

static void head(StrBuf *out, Arena *a, const char *kw, const char *name)
{
    sb_addf(out, "%s ", kw);
    model_strav_name(out, a, name);
    sb_adds(out, " {\n");
}

static void write_function(StrBuf *out, Arena *a, const DbObject *o)
{
    head(out, a, o->procedure ? "procedure" : "function", o->name);
    if (o->args) {
        sb_adds(out, "  @@args(");
        text_arg(out, o->args);
        sb_adds(out, ")\n");
    }
    if (o->returns) {
        sb_adds(out, "  @@returns(");
        word_arg(out, a, o->returns);
        sb_adds(out, ")\n");
    }
    sb_adds(out, "  @@language(");
    word_arg(out, a, o->language);
    sb_adds(out, ")\n");
    if (o->volatility == 'i' || o->volatility == 's')
        sb_addf(out, "  @@volatility(%s)\n", o->volatility == 'i' ? "immutable" : "stable");
    if (o->strict)
        sb_adds(out, "  @@strict\n");
    if (o->security_definer)
        sb_adds(out, "  @@security_definer\n");
    if (o->search_path) {
        sb_adds(out, "  @@search_path(");
        sql_literal(out, o->search_path);
        sb_adds(out, ")\n");
    }
    sb_adds(out, "  @@as(");
    dollar(out, o->body);
    sb_adds(out, ")\n}\n");
}

static void write_view(StrBuf *out, Arena *a, const DbObject *o)
{
    head(out, a, "view", o->name);
    if (o->materialized)
        sb_adds(out, "  @@materialized\n");
    sb_adds(out, "  @@as(");
    StrBuf b = SB_INIT;
    sb_addf(&b, "\n%s\n", o->body);
    dollar(out, sb_str(&b));
    sb_release(&b);
    sb_adds(out, ")\n");
    for (size_t i = 0; i < o->nindexes; i++) {
        const Index *ix = &o->indexes[i];
        sb_adds(out, "  @@index(");
        for (size_t k = 0; k < ix->nelems; k++) {
            if (ix->elems[k].column)
                model_strav_name(out, a, ix->elems[k].column);
            else {
                sb_adds(out, "sql(");
                sql_literal(out, ix->elems[k].expr);
                sb_adds(out, ")");
            }
            if (ix->elems[k].desc)
                sb_adds(out, " desc");
            sb_adds(out, ", ");
        }
        if (ix->unique)
            sb_adds(out, "unique: true, ");
        if (ix->method && strcmp(ix->method, "btree"))
            sb_addf(out, "using: %s, ", ix->method);
        if (ix->where) {
            sb_adds(out, "where: ");
            sql_literal(out, ix->where);
            sb_adds(out, ", ");
        }
        sb_adds(out, "name: ");
        sql_literal(out, ix->name);
        sb_adds(out, ")\n");
    }
    sb_adds(out, "}\n");
}

static void write_trigger(StrBuf *out, Arena *a, const DbObject *o)
{
    static const char *const timing[] = {"before", "after", "instead_of"};
    static const char *const ev[] = {"insert", "update", "delete", "truncate"};
    head(out, a, "trigger", o->name);
    sb_adds(out, "  @@on(");
    model_strav_name(out, a, o->table);
    sb_addf(out, ")\n  @@%s(", timing[o->timing]);
    bool first = true;
    for (unsigned i = 0; i < 4; i++)
        if (o->events & (1u << i)) {
            sb_addf(out, "%s%s", first ? "" : ", ", ev[i]);
            first = false;
        }
    sb_adds(out, ")\n");
    if (o->for_each_row)
        sb_adds(out, "  @@for_each(row)\n");
    if (o->when) {
        sb_adds(out, "  @@when(");
        text_arg(out, o->when);
        sb_adds(out, ")\n");
    }
    sb_adds(out, "  @@execute(");
    model_strav_name(out, a, o->function);
    sb_adds(out, ")\n}\n");
}

static void write_policy(StrBuf *out, Arena *a, const DbObject *o)
{
    if (o->kind == DBO_RLS) {
        sb_adds(out, "row_level_security ");
        model_strav_name(out, a, o->table);
        sb_adds(out, o->force ? " {\n  @@force\n}\n" : " {}\n");
        return;
    }
    head(out, a, "policy", o->name);
    sb_adds(out, "  @@on(");
    model_strav_name(out, a, o->table);
    sb_adds(out, ")\n");
    if (strcmp(o->command, "ALL")) {
        sb_adds(out, "  @@for(");
        for (const char *p = o->command; *p; p++)
            sb_addch(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
        sb_adds(out, ")\n");
    }
    if (o->nroles) {
        sb_adds(out, "  @@to(");
        for (size_t i = 0; i < o->nroles; i++) {
            if (i)
                sb_adds(out, ", ");
            bool plain = sql_ident_is_plain(o->roles[i]);
            if (plain)
                sb_adds(out, o->roles[i]);
            else
                sql_ident_quoted(out, o->roles[i]);
        }
        sb_adds(out, ")\n");
    }
    if (o->restrictive)
        sb_adds(out, "  @@restrictive\n");
    if (o->using_expr) {
        sb_adds(out, "  @@using(");
        text_arg(out, o->using_expr);
        sb_adds(out, ")\n");
    }
    if (o->check_expr) {
        sb_adds(out, "  @@with_check(");
        text_arg(out, o->check_expr);
        sb_adds(out, ")\n");
    }
    sb_adds(out, "}\n");
}

size_t model_strav_objects(Arena *a, const Model *m, ModelStravFile *out)
{
    size_t k = 0;
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < m->nobjects;) {
        const DbObject *o = &m->objects[i];
        size_t j = i + 1;
        sb_reset(&sb);
        const char *name;
        switch (o->kind) {
        case DBO_EXTENSION:
            for (j = i; j < m->nobjects && m->objects[j].kind == DBO_EXTENSION; j++) {
                const DbObject *e = &m->objects[j];
                if (j > i)
                    sb_adds(&sb, "\n");
                head(&sb, a, "extension", e->name);
                if (e->version) {
                    sb_adds(&sb, "  @@version(");
                    sql_literal(&sb, e->version);
                    sb_adds(&sb, ")\n");
                }
                sb_adds(&sb, "}\n");
            }
            name = "_extensions.strav";
            break;
        case DBO_FUNCTION:
            write_function(&sb, a, o);
            name = model_strav_file_name(a, o->name, o->procedure ? ".procedure.strav" : ".function.strav");
            break;
        case DBO_VIEW:
            write_view(&sb, a, o);
            name = model_strav_file_name(a, o->name, ".view.strav");
            break;
        case DBO_TRIGGER:
            for (j = i; j < m->nobjects && m->objects[j].kind == DBO_TRIGGER &&
                        !strcmp(m->objects[j].table, o->table); j++) {
                if (j > i)
                    sb_adds(&sb, "\n");
                write_trigger(&sb, a, &m->objects[j]);
            }
            name = model_strav_file_name(a, o->table, ".triggers.strav");
            break;
        case DBO_RLS:
        case DBO_POLICY:
        default: {
            /* the table's row level security, then its policies */
            bool any = false;
            for (size_t r = i; r < m->nobjects; r++) {
                const DbObject *p = &m->objects[r];
                if ((p->kind == DBO_RLS || p->kind == DBO_POLICY) && !strcmp(p->table, o->table)) {
                    bool seen = false; /* already written with an earlier object of the table */
                    for (size_t q = 0; q < i && !seen; q++)
                        seen = (m->objects[q].kind == DBO_RLS ||
                                m->objects[q].kind == DBO_POLICY) &&
                               !strcmp(m->objects[q].table, o->table);
                    if (seen)
                        break;
                    if (any)
                        sb_adds(&sb, "\n");
                    write_policy(&sb, a, p);
                    any = true;
                }
            }
            name = any ? model_strav_file_name(a, o->table, ".policies.strav") : NULL;
            break;
        }
        }
        if (name)
            out[k++] = (ModelStravFile){name, arena_strdup(a, sb_str(&sb))};
        i = j;
    }
    sb_release(&sb);
    return k;
}
