/*
 * sema_outside.c - `@@depends('view big_orders', on: orders orders.number)` in a domain block
 * (adopt2): an object the model cannot hold (a view, a trigger, a policy) and the tables and
 * columns it depends on, as `stravc pull` found them. No SQL: generate reads them to refuse a
 * change that would break or silently change that object. Part of sema (sema_int.h).
 */
#include "sema_int.h"

#include <string.h>

#include "names.h"

/* A name part as the language spells it: a plain identifier is snake_cased, a quoted one kept. */
static const char *part(Sema *s, const char *text, bool quoted)
{
    return quoted ? name_nfc(s->a, text) : name_snake(s->a, text);
}

void sema_domain_depends(Sema *s, const AstAttr *at, OutsideDep **deps, size_t *n, size_t *cap)
{
    static const char *const keys[] = { "on" };
    if (!sema_check_keys(s, at, keys, 1))
        return;
    const AstArg *w = at->args, *on = sema_arg_key(at, "on");
    if (!w || w->key || !single_term(w) || w->terms->kind != TERM_STRING || !on ||
        sema_count_args(at->args) != 2) {
        sema_err(s, at->span, "'@@depends' takes the object ('view name') and on: table or "
                              "table.column, space-separated");
        return;
    }
    for (const AstTerm *t = on->terms; t; t = t->next) {
        const char *table = NULL, *column = NULL;
        if (t->kind == TERM_QUALIFIED) {
            table = part(s, t->qual, t->qual_quoted);
            column = part(s, t->text, t->text_quoted);
        } else if (t->kind == TERM_IDENT || t->kind == TERM_QIDENT) {
            table = part(s, t->text, t->kind == TERM_QIDENT);
        } else {
            sema_err(s, t->span, "'on' expects table or table.column names");
            continue;
        }
        if (!table || (t->kind == TERM_QUALIFIED && !column)) {
            sema_err(s, t->span, "name is not valid UTF-8");
            continue;
        }
        OutsideDep *d = PUSH(s, *deps, *n, *cap);
        d->what = w->terms->text;
        d->table = table;
        d->column = column;
        d->span = t->span;
    }
}
