/*
 * sema_exclude.c - exclusion constraints: `@@exclude(elem with 'op', ...[, using: gist]
 * [, where: 'pred'][, deferrable: true|deferred][, name: 'x'][, comment: 'text'])` -> Table.excludes
 * (docs/language.md, "Exclusion constraints"). An elem is a column or sql('expr'). Part of sema
 * (sema_int.h); sema_keys.c hands the attribute here.
 */
#include <string.h>

#include "names.h"
#include "sema_int.h"

void sema_exclude_attr(Sema *s, TDecl *td, const AstAttr *at)
{
    static const char *const keys[] = {"using", "where", "deferrable", "name", "comment"};
    static const char *const methods[] = {"gist", "btree", "hash", "spgist", "brin", "gin"};
    if (!sema_check_keys(s, at, keys, ARRAY_LEN(keys)))
        return;
    Table *t = td->t;
    size_t n = 0;
    for (const AstArg *a = at->args; a; a = a->next)
        n += !a->key;
    if (!n) {
        sema_err(s, at->span, "'@@exclude' needs at least one element: column with 'operator'");
        return;
    }
    ExcludeElem *el = ARENA_ARRAY(s->a, ExcludeElem, n);
    const char **names = ARENA_ARRAY(s->a, const char *, n);
    size_t i = 0;
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key)
            continue;
        const AstTerm *c = a->terms, *w = c ? c->next : NULL, *op = w ? w->next : NULL;
        if (!c || !w || !op || op->next || w->kind != TERM_IDENT || strcmp(w->text, "with") ||
            op->kind != TERM_STRING || !*op->text ||
            !(c->kind == TERM_IDENT || c->kind == TERM_QIDENT || c->kind == TERM_SQL)) {
            sema_err(s, a->span, "an exclusion element is: column with 'operator' (or "
                                 "sql('expression') with 'operator')");
            return;
        }
        el[i].op = arena_strdup(s->a, op->text);
        if (c->kind == TERM_SQL) {
            el[i].expr = arena_strdup(s->a, c->text);
            char h[9];
            name_hash8(h, c->text, strlen(c->text));
            names[i] = arena_strdup(s->a, h);
        } else {
            const char *col = sema_term_name(s, c);
            if (!col)
                return;
            if (!table_find_column(t, col)) {
                sema_err(s, c->span, "unknown column '%s' in '@@exclude' of '%s'", col, t->name);
                return;
            }
            el[i].column = names[i] = col;
        }
        i++;
    }
    const char *method = "gist";
    const AstArg *u = sema_arg_key(at, "using");
    if (u) {
        if (!one_term(u) || u->terms->kind != TERM_IDENT ||
            !sema_in_list(u->terms->text, methods, ARRAY_LEN(methods))) {
            sema_err(s, u->span, "'using' is one of gist, btree, hash, spgist, brin, gin");
            return;
        }
        method = u->terms->text;
    }
    const AstArg *w = sema_arg_key(at, "where");
    const char *where = w ? sema_arg_string(s, w, true) : NULL;
    if (w && !where)
        return;
    FkDeferral defer = DEFER_NONE;
    const AstArg *d = sema_arg_key(at, "deferrable");
    if (d) {
        if (one_term(d) && d->terms->kind == TERM_TRUE)
            defer = DEFER_IMMEDIATE;
        else if (one_term(d) && d->terms->kind == TERM_IDENT && !strcmp(d->terms->text, "deferred"))
            defer = DEFER_DEFERRED;
        else if (!(one_term(d) && d->terms->kind == TERM_FALSE)) {
            sema_err(s, d->span, "'deferrable' is true, false or deferred");
            return;
        }
    }
    const char *nm = sema_arg_name(s, at);
    Exclusion *x = PUSH(s, t->excludes, t->nexcludes, td->cexcludes);
    memset(x, 0, sizeof(*x));
    x->name = nm ? nm : sema_join_name(s, "ex_", t->name, names, n, NULL);
    x->method = method;
    x->elems = el;
    x->nelems = n;
    x->where = where;
    x->deferral = defer;
    x->comment = sema_arg_comment(s, at);
    x->span = at->span;
}
