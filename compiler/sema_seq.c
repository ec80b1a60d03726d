/*
 * sema_seq.c - sequence options in the language (adopt2): `@sequence(start: 1000, increment:
 * 10, min: 1, max: 99999, cache: 20, cycle: true, as: integer)` on a serial or identity field,
 * and `@@sequence(name, ...options, comment: 'text')` in a domain block (a standalone sequence,
 * for `nextval('name')` defaults). Options are checked as PostgreSQL does and kept in canonical
 * form (model_seq.c). Part of sema; included only through sema_int.h.
 */
#include "sema_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static const char *const seq_keys[] = { "start", "increment", "min", "max", "cache", "cycle",
                                        "as", "comment" };

static bool int64_arg(Sema *s, const AstArg *a, int64_t *out)
{
    if (!one_term(a) || a->terms->kind != TERM_NUMBER) {
        sema_err(s, a->span, "'%s' expects an integer", a->key);
        return false;
    }
    const char *t = a->terms->text;
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || *end || end == t) {
        sema_err(s, a->terms->span, "'%s' expects an integer that fits in bigint", a->key);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* Read the keyed options of at into o (canonical against storage); false on an error. */
static bool seq_opts(Sema *s, const AstAttr *at, TypeKind storage, bool comment_ok, SeqOpts *o)
{
    bool ok = sema_check_keys(s, at, seq_keys, comment_ok ? 8 : 7);
    *o = (SeqOpts){0};
    for (const AstArg *a = at->args; a; a = a->next) {
        if (!a->key)
            continue;
        const char *k = a->key;
        int64_t v = 0;
        if (!strcmp(k, "cycle")) {
            if (!one_term(a) || (a->terms->kind != TERM_TRUE && a->terms->kind != TERM_FALSE)) {
                sema_err(s, a->span, "'cycle' expects true or false");
                ok = false;
            } else if (a->terms->kind == TERM_TRUE) {
                o->set |= SEQ_CYCLE;
            }
        } else if (!strcmp(k, "as")) {
            TypeKind tk;
            if (!one_term(a) || a->terms->kind != TERM_IDENT ||
                !type_kind_from_name(a->terms->text, &tk) ||
                (tk != TY_SMALLINT && tk != TY_INTEGER && tk != TY_BIGINT)) {
                sema_err(s, a->span, "'as' expects smallint, integer or bigint");
                ok = false;
            } else {
                o->set |= SEQ_AS;
                o->as = tk;
            }
        } else if (!strcmp(k, "comment")) {
            continue;
        } else if (!int64_arg(s, a, &v)) {
            ok = false;
        } else if (!strcmp(k, "start")) {
            o->set |= SEQ_START, o->start = v;
        } else if (!strcmp(k, "increment")) {
            if (v == 0) {
                sema_err(s, a->span, "'increment' cannot be 0");
                ok = false;
            }
            o->set |= SEQ_INCREMENT, o->increment = v;
        } else if (!strcmp(k, "min")) {
            o->set |= SEQ_MIN, o->min = v;
        } else if (!strcmp(k, "max")) {
            o->set |= SEQ_MAX, o->max = v;
        } else if (!strcmp(k, "cache")) {
            if (v < 1) {
                sema_err(s, a->span, "'cache' must be at least 1");
                ok = false;
            }
            o->set |= SEQ_CACHE, o->cache = v;
        }
    }
    if (!ok)
        return false;
    SeqOpts f;
    seqopts_full(o, storage, &f);
    int64_t lo = f.as == TY_SMALLINT ? -32768 : f.as == TY_INTEGER ? -2147483647 - 1 : INT64_MIN;
    int64_t hi = f.as == TY_SMALLINT ? 32767 : f.as == TY_INTEGER ? 2147483647 : INT64_MAX;
    if (f.min < lo || f.max > hi || f.min >= f.max) {
        sema_err(s, at->span, "sequence options: min must be less than max, both within %s",
                 type_kind_name(f.as));
        return false;
    }
    if (f.start < f.min || f.start > f.max) {
        sema_err(s, at->span, "sequence options: start must be between min and max");
        return false;
    }
    seqopts_canon(o, storage);
    return true;
}

void sema_column_sequence(Sema *s, const AstAttr *at, Column *c)
{
    bool serial = sema_is_serial(c->type.kind);
    if ((!serial && c->identity == IDENTITY_NONE) || c->type.ndims) {
        sema_err(s, at->name_span, "'@sequence' needs a serial or @identity column");
        return;
    }
    for (const AstArg *a = at->args; a; a = a->next)
        if (!a->key) {
            sema_err(s, a->span, "'@sequence' takes only keyed options (start: 1000, ...)");
            return;
        }
    if (sema_arg_key(at, "comment")) {
        sema_err(s, sema_arg_key(at, "comment")->span,
                 "a column's sequence takes no comment (PostgreSQL drops it with the column)");
        return;
    }
    SeqOpts o;
    if (seq_opts(s, at, seq_storage(c->type.kind), false, &o)) {
        if (serial && (o.set & SEQ_AS)) {
            sema_err(s, at->span, "'as' on a serial column: its sequence has the column's type");
            return;
        }
        c->seq = o;
    }
}

void sema_domain_sequence(Sema *s, const AstAttr *at, Sequence **seqs, size_t *n, size_t *cap)
{
    const AstArg *a = at->args;
    if (!a || a->key || !single_term(a) ||
        (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_QIDENT)) {
        sema_err(s, at->span, "'@@sequence' takes the sequence's name, then its options");
        return;
    }
    for (const AstArg *b = a->next; b; b = b->next)
        if (!b->key) {
            sema_err(s, b->span, "'@@sequence' takes one name and keyed options");
            return;
        }
    const char *name = sema_term_name2(s, a->terms, a->terms->kind == TERM_IDENT, NULL);
    if (!name)
        return;
    if (strlen(name) > NAME_MAX_BYTES) {
        sema_err(s, a->span, "a sequence name must be 1 to %d bytes long", NAME_MAX_BYTES);
        return;
    }
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*seqs)[i].name, name)) {
            sema_err(s, a->span, "duplicate sequence '%s'", name);
            return;
        }
    SeqOpts o;
    if (!seq_opts(s, at, TY_BIGINT, true, &o))
        return;
    Sequence *q = PUSH(s, *seqs, *n, *cap);
    q->name = name;
    q->opts = o;
    q->comment = sema_arg_comment(s, at);
    q->span = at->span;
}
