/*
 * sema_partition.c - declarative partitioning: `@@partition_by(range|list|hash, col|sql('e')...)`
 * on a parent and `@@partition_of(parent, from: .. to: .. | in: .. | modulus: n, remainder: n |
 * default: true | bound: '...')` on a partition (docs/language.md, "Partitioned tables") ->
 * Table.partition_by / partition_of / partition_bound, spelled the way the server prints them
 * (pg_get_partkeydef, pg_get_expr(relpartbound)). Part of sema (sema_int.h): sema_keys.c hands
 * the two attributes here; sema.c calls sema_check_partitions once every table is built.
 */
#include <string.h>

#include "sema_int.h"
#include "sqlquote.h"
#include "strbuf.h"

static void part_by(Sema *s, TDecl *td, const AstAttr *at)
{
    const AstArg *m = at->args;
    static const char *const methods[] = {"range", "list", "hash"};
    if (!single_term(m) || m->terms->kind != TERM_IDENT ||
        !sema_in_list(m->terms->text, methods, 3)) {
        sema_err(s, at->span, "'@@partition_by' takes range, list or hash, then the key columns");
        return;
    }
    if (!m->next) {
        sema_err(s, at->span, "'@@partition_by' needs at least one key column");
        return;
    }
    StrBuf b = SB_INIT;
    for (const char *p = m->terms->text; *p; p++)
        sb_addch(&b, (char)(*p - 'a' + 'A'));
    sb_adds(&b, " (");
    for (const AstArg *a = m->next; a; a = a->next) {
        if (!single_term(a) || !(a->terms->kind == TERM_IDENT || a->terms->kind == TERM_QIDENT ||
                                 a->terms->kind == TERM_SQL)) {
            sema_err(s, a->span, "a partition key is a column or sql('expression')");
            sb_release(&b);
            return;
        }
        if (a != m->next)
            sb_adds(&b, ", ");
        if (a->terms->kind == TERM_SQL) {
            sb_adds(&b, a->terms->text);
            continue;
        }
        const char *col = sema_term_name(s, a->terms);
        if (!col) {
            sb_release(&b);
            return;
        }
        bool partition = false; /* a sub-partition's columns are its parent's: not known here */
        for (const AstAttr *x = td->ast->attrs; x; x = x->next)
            partition |= x->table_level && !strcmp(x->name, "partition_of");
        if (!partition && !table_find_column(td->t, col)) {
            sema_err(s, a->span, "unknown column '%s' in the partition key of '%s'", col,
                     td->t->name);
            sb_release(&b);
            return;
        }
        sql_ident(&b, col);
    }
    sb_addch(&b, ')');
    if (td->t->partition_by)
        sema_err(s, at->span, "more than one '@@partition_by' on '%s'", td->t->name);
    td->t->partition_by = arena_strdup(s->a, sb_str(&b));
    sb_release(&b);
}

/* One bound value as the server prints it: 'text', 42, '-1', MINVALUE, MAXVALUE, NULL, true. */
static bool bound_value(Sema *s, StrBuf *b, const AstTerm *t, bool range)
{
    switch (t->kind) {
    case TERM_STRING:
        sql_literal(b, t->text);
        return true;
    case TERM_NUMBER:
        if (t->text[0] == '-')
            sql_literal(b, t->text); /* printed quoted, so it re-parses as one constant */
        else
            sb_adds(b, t->text);
        return true;
    case TERM_TRUE:
    case TERM_FALSE:
        sb_adds(b, t->kind == TERM_TRUE ? "true" : "false");
        return true;
    case TERM_NULL:
        if (!range) {
            sb_adds(b, "NULL");
            return true;
        }
        break;
    case TERM_IDENT:
        if (range && (!strcmp(t->text, "minvalue") || !strcmp(t->text, "maxvalue"))) {
            sb_adds(b, t->text[1] == 'i' ? "MINVALUE" : "MAXVALUE");
            return true;
        }
        break;
    default:
        break;
    }
    sema_err(s, t->span, "a partition bound value is a string, a number, true/false%s",
             range ? ", minvalue or maxvalue" : " or null");
    return false;
}

static bool bound_list(Sema *s, StrBuf *b, const AstArg *a, bool range)
{
    sb_adds(b, "(");
    for (const AstTerm *t = a->terms; t; t = t->next) {
        if (t != a->terms)
            sb_adds(b, ", ");
        if (!bound_value(s, b, t, range))
            return false;
    }
    sb_adds(b, ")");
    return true;
}

static void part_of(Sema *s, TDecl *td, const AstAttr *at)
{
    static const char *const keys[] = {"from", "to", "in", "modulus", "remainder", "default",
                                       "bound"};
    if (!sema_check_keys(s, at, keys, ARRAY_LEN(keys)))
        return;
    const AstArg *p = at->args;
    if (!single_term(p) || !(p->terms->kind == TERM_IDENT || p->terms->kind == TERM_QIDENT)) {
        sema_err(s, at->span, "'@@partition_of' takes the parent table first");
        return;
    }
    if (td->ast->kind != DECL_TABLE) {
        sema_err(s, at->span, "a partition is declared with 'table' (its columns come from "
                              "its parent)");
        return;
    }
    const char *parent = sema_term_name(s, p->terms);
    if (!parent)
        return;
    const AstArg *from = sema_arg_key(at, "from"), *to = sema_arg_key(at, "to"),
                 *in = sema_arg_key(at, "in"), *mod = sema_arg_key(at, "modulus"),
                 *rem = sema_arg_key(at, "remainder"), *def = sema_arg_key(at, "default"),
                 *raw = sema_arg_key(at, "bound");
    int kinds = (from || to) + !!in + (mod || rem) + !!def + !!raw;
    size_t nkeys = (size_t)(!!from + !!to + !!in + !!mod + !!rem + !!def + !!raw);
    if (kinds != 1 || sema_count_args(at->args) != 1 + nkeys) {
        sema_err(s, at->span, "'@@partition_of' takes one bound: from: .. to: .., in: .., "
                              "modulus: n, remainder: n, default: true or bound: '...'");
        return;
    }
    StrBuf b = SB_INIT;
    bool ok = true;
    if (from || to) {
        if (!from || !to) {
            sema_err(s, at->span, "a range partition needs both from: and to:");
            ok = false;
        } else {
            sb_adds(&b, "FOR VALUES FROM ");
            ok = bound_list(s, &b, from, true);
            sb_adds(&b, " TO ");
            ok = ok && bound_list(s, &b, to, true);
        }
    } else if (in) {
        sb_adds(&b, "FOR VALUES IN ");
        ok = bound_list(s, &b, in, false);
    } else if (mod || rem) {
        if (!mod || !rem || !one_term(mod) || !one_term(rem) ||
            mod->terms->kind != TERM_NUMBER || rem->terms->kind != TERM_NUMBER ||
            strspn(mod->terms->text, "0123456789") != strlen(mod->terms->text) ||
            strspn(rem->terms->text, "0123456789") != strlen(rem->terms->text)) {
            sema_err(s, at->span, "a hash partition needs modulus: n and remainder: n (integers)");
            ok = false;
        } else {
            sb_addf(&b, "FOR VALUES WITH (modulus %s, remainder %s)", mod->terms->text,
                    rem->terms->text);
        }
    } else if (def) {
        if (!one_term(def) || def->terms->kind != TERM_TRUE) {
            sema_err(s, def->span, "write 'default: true' for the default partition");
            ok = false;
        } else {
            sb_adds(&b, "DEFAULT");
        }
    } else {
        const char *t = sema_arg_string(s, raw, false);
        ok = t != NULL;
        if (t)
            sb_adds(&b, t);
    }
    if (ok) {
        if (td->t->partition_of)
            sema_err(s, at->span, "more than one '@@partition_of' on '%s'", td->t->name);
        td->t->partition_of = parent;
        td->t->partition_bound = arena_strdup(s->a, sb_str(&b));
    }
    sb_release(&b);
}

void sema_partition_attr(Sema *s, TDecl *td, const AstAttr *at)
{
    if (!strcmp(at->name, "partition_by"))
        part_by(s, td, at);
    else
        part_of(s, td, at);
}

void sema_check_partitions(Sema *s, const Model *m)
{
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        if (!t->partition_of)
            continue;
        const Table *p = model_find_table(m, t->partition_of);
        if (!p) {
            sema_err(s, t->span, "partition '%s': unknown parent table '%s'", t->name,
                     t->partition_of);
            continue;
        }
        if (!p->partition_by) {
            sema_err(s, t->span, "partition '%s': table '%s' is not partitioned (give it "
                                 "@@partition_by)", t->name, p->name);
            continue;
        }
        if (t->ncolumns || t->pk.name || t->nuniques || t->nchecks || t->nfks || t->nindexes) {
            sema_err(s, t->span, "partition '%s' takes its columns, keys, checks and indexes "
                                 "from '%s': declare them there", t->name, p->name);
            continue;
        }
        const char *b = t->partition_bound;
        char meth = p->partition_by[0];
        bool fits = !strcmp(b, "DEFAULT") ? meth != 'H'
                  : !strncmp(b, "FOR VALUES FROM", 15) ? meth == 'R'
                  : !strncmp(b, "FOR VALUES IN", 13) ? meth == 'L'
                  : !strncmp(b, "FOR VALUES WITH", 15) ? meth == 'H' : true;
        if (!fits)
            sema_err(s, t->span, "partition '%s': its bound does not fit '%s', partitioned by %s",
                     t->name, p->name, p->partition_by);
        size_t steps = 0;
        for (const Table *q = p; q->partition_of && steps++ < m->ntables;) {
            if (q == t) {
                sema_err(s, t->span, "partition '%s' is its own ancestor", t->name);
                break;
            }
            q = model_find_table(m, q->partition_of);
            if (!q)
                break;
        }
    }
}
