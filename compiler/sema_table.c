/*
 * sema_table.c - building one table (sema_int.h): its fields' columns and types, implicit
 * archetype columns, parents and association sides, references (resolving the target table and
 * its primary key, building it first when needed), field attributes, duplicate-column checks.
 * Keys, table-level constraints and indexes are in sema_keys.c; the domain loop is sema.c.
 */
#include "sema_int.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "sqlnorm.h"

typedef struct Target {
    const char *schema; /* NULL: same domain */
    const char *table;
    const char **cols;
    const SqlType *types;
    size_t n;
    const char *const *was; /* another domain's table: its rename hints */
    size_t nwas;
} Target;

/* Resolve a reference/parent target and its primary key. Returns false when reported. */
static bool resolve_target(Sema *s, const AstTerm *t, const char *what, TDecl *from, Target *out)
{
    memset(out, 0, sizeof(*out));
    const Model *other = NULL;
    const char *name;
    if (t->kind == TERM_QUALIFIED) {
        const char *dom = t->qual;
        name = t->text_quoted ? name_nfc(s->a, t->text) : name_snake(s->a, t->text);
        if (!name) {
            sema_err(s, t->span, "name is not valid UTF-8");
            return false;
        }
        name = name_shorten(s->a, name);
        if (strcmp(dom, s->in->domain)) {
            other = sema_use_domain(s, t->span, dom);
            if (!other)
                return false;
        }
    } else {
        name = sema_term_name(s, t);
        if (!name)
            return false;
    }
    if (other) {
        const Table *tt = model_find_table(other, name);
        if (!tt) {
            sema_err(s, t->span, "%s to unknown table '%s' in domain '%s'", what, t->text,
                     other->domain);
            sema_suggest_table(s, t->span, name, other);
            return false;
        }
        if (!tt->pk.name) {
            sema_err(s, t->span, "%s to table '%s', which has no primary key", what, name);
            return false;
        }
        out->schema = other->schema;
        out->was = tt->was;
        out->nwas = tt->nwas;
        out->table = tt->name;
        out->n = tt->pk.ncols;
        out->cols = tt->pk.cols;
        SqlType *ty = ARENA_ARRAY(s->a, SqlType, out->n);
        for (size_t i = 0; i < out->n; i++) {
            const Column *c = table_find_column(tt, tt->pk.cols[i]);
            if (c)
                ty[i] = c->type;
        }
        out->types = ty;
        return true;
    }
    TDecl *td = sema_find_tdecl(s, name);
    if (!td || td->ast->kind == DECL_ENUM) {
        sema_err(s, t->span, "%s to unknown table '%s'", what, t->text);
        sema_suggest_table(s, t->span, name, NULL);
        return false;
    }
    if (td->state == 0)
        sema_build_table(s, td);
    if (td->pk_failed)
        return false;
    if (!td->pk_ready) {
        if (td == from || td->state == 1)
            sema_err(s, t->span, "the primary key of '%s' depends on itself through this %s",
                     td->name, what);
        return false;
    }
    if (td->npk == 0) {
        sema_err(s, t->span, "%s to table '%s', which has no primary key", what, td->name);
        return false;
    }
    out->table = td->name;
    out->cols = td->pkcols;
    out->types = td->pktypes;
    out->n = td->npk;
    return true;
}

static Column *add_column(Sema *s, TDecl *td, const char *name, Span span)
{
    Table *t = td->t;
    Column *c = PUSH(s, t->columns, t->ncolumns, td->ccols);
    c->name = name;
    c->span = span;
    c->type.length = c->type.precision = c->type.scale = -1;
    return c;
}

/* Foreign-key columns for one target (parent, association side or ref field). */
static void add_fk_columns(Sema *s,
                           TDecl *td,
                           const Target *tg,
                           const char *base,
                           bool single_suffix_rule,
                           bool nullable,
                           FkAction del,
                           FkAction upd,
                           Span span,
                           const char *fkname,
                           bool index,
                           size_t *col0)
{
    const char **cols = ARENA_ARRAY(s->a, const char *, tg->n);
    *col0 = td->t->ncolumns;
    for (size_t i = 0; i < tg->n; i++) {
        const char *suffix = tg->cols[i];
        size_t bl = strlen(base), sl = strlen(suffix);
        const char *cn;
        if (single_suffix_rule && tg->n == 1 && bl > sl + 1 && !strcmp(base + bl - sl, suffix) &&
            base[bl - sl - 1] == '_')
            cn = base;
        else
            cn = name_shorten(s->a, arena_printf(s->a, "%s_%s", base, suffix));
        Column *c = add_column(s, td, cn, span);
        c->type = type_for_reference(&tg->types[i]);
        c->nullable = nullable;
        cols[i] = cn;
    }
    Table *t = td->t;
    ForeignKey *fk = PUSH(s, t->fks, t->nfks, td->cfks);
    fk->name = fkname ? fkname : sema_join_name(s, "fk_", t->name, cols, tg->n, NULL);
    fk->cols = cols;
    fk->ncols = tg->n;
    fk->ref_schema = tg->schema;
    fk->ref_was = tg->was;
    fk->nref_was = tg->nwas;
    fk->ref_table = tg->table;
    fk->ref_cols = tg->cols;
    fk->on_delete = del;
    fk->on_update = upd;
    fk->span = span;
    if (index)
        sema_add_index(s, td, t->nindexes, sema_join_name(s, "idx_", t->name, cols, tg->n, NULL),
                       cols, tg->n, false, span);
}

static bool fk_action(Sema *s, const AstAttr *at, FkAction *out)
{
    static const char *const names[] = { "no_action", "restrict", "cascade", "set_null",
                                         "set_default" };
    if (!at->args || at->args->next || at->args->key || !at->args->terms || at->args->terms->next ||
        at->args->terms->kind != TERM_IDENT) {
        sema_err(s, at->span,
                 "'@%s' takes one action: cascade, restrict, set_null, set_default or no_action",
                 at->name);
        return false;
    }
    const AstTerm *t = at->args->terms;
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (!strcmp(t->text, names[i])) {
            *out = (FkAction)i;
            return true;
        }
    sema_err(s, t->span, "unknown action '%s'", t->text);
    sema_suggest(s, t->span, t->text, names, ARRAY_LEN(names));
    return false;
}

static bool has_parents(DeclKind k)
{
    return k == DECL_COMPONENT || k == DECL_ATTRIBUTE || k == DECL_EVENT ||
           k == DECL_CONFIGURATION || k == DECL_CONTRIBUTION;
}

static bool number_arg(Sema *s, const AstAttr *at, const AstArg *a, const char **out)
{
    if (!single_term(a) || a->terms->kind != TERM_NUMBER) {
        sema_err(s, a ? a->span : at->span, "'@%s' expects a number", at->name);
        return false;
    }
    if (!(*out = sema_canon_number(s, a->terms->text))) {
        sema_err(s, a->terms->span, "number '%s' is out of range (exponent beyond 1000)",
                 a->terms->text);
        return false;
    }
    return true;
}

static void
add_validator(Sema *s, Column *c, size_t *cap, ValidatorKind k, const char *a1, const char *a2)
{
    Validator *v = PUSH(s, c->validators, c->nvalidators, *cap);
    v->kind = k;
    v->arg1 = a1;
    v->arg2 = a2;
}

static bool no_args(Sema *s, const AstAttr *at)
{
    if (at->args) {
        sema_err(s, at->args->span, "'@%s' takes no arguments", at->name);
        return false;
    }
    return true;
}

/* Field attributes other than @primary and the ref-only ones (already applied). */
static void apply_field_attrs(Sema *s, TDecl *td, FieldInfo *fi)
{
    const AstField *f = fi->ast;
    Table *t = td->t;
    Column *cols = &t->columns[fi->col0];
    const char **names = ARENA_ARRAY(s->a, const char *, fi->ncols ? fi->ncols : 1);
    for (size_t i = 0; i < fi->ncols; i++)
        names[i] = cols[i].name;
    size_t vcap = 0, wascap = 0;
    static const char *const k_name[] = { "name" };
    static const char *const k_index[] = { "name", "using" };
    for (const AstAttr *at = f->attrs; at; at = at->next) {
        const char *an = at->name;
        if (at->table_level) {
            sema_err(s, at->name_span, "'@@%s' is a table attribute and cannot be used on a field",
                     an);
            if (sema_in_list(an, sema_field_attrs, sema_nfield_attrs))
                sema_note(s, at->name_span, "write '@%s' for the field attribute", an);
            continue;
        }
        if (!strcmp(an, "primary")) {
            static const char *const k_pk[] = { "name", "deferrable", "comment" }; /* adopt2 */
            sema_check_keys(s, at, k_pk, 3);
        } else if (!strcmp(an, "unique")) {
            if (!sema_check_keys(s, at, k_name, 1))
                continue;
            const char *nm = sema_arg_name(s, at);
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = nm ? nm : sema_join_name(s, "uq_", t->name, names, fi->ncols, NULL);
            u->cols = names;
            u->ncols = fi->ncols;
            u->span = at->span;
        } else if (!strcmp(an, "index")) {
            if (!sema_check_keys(s, at, k_index, 2))
                continue;
            const char *nm = sema_arg_name(s, at);
            const char *iname =
                nm ? nm : sema_join_name(s, "idx_", t->name, names, fi->ncols, NULL);
            Index *ix = sema_add_index(s, td, fi->idx0, iname, names, fi->ncols, false, at->span);
            const AstArg *u = sema_arg_key(at, "using");
            if (ix && u) {
                static const char *const methods[] = { "btree", "gin",  "gist",
                                                       "hash",  "brin", "spgist" };
                if (!one_term(u) || u->terms->kind != TERM_IDENT) {
                    sema_err(s, u->span, "'using' expects an index method");
                } else if (!sema_in_list(u->terms->text, methods, ARRAY_LEN(methods))) {
                    sema_err(s, u->terms->span, "unknown index method '%s'", u->terms->text);
                    sema_suggest(s, u->terms->span, u->terms->text, methods, ARRAY_LEN(methods));
                } else {
                    ix->method = u->terms->text;
                }
            }
        } else if (!strcmp(an, "sensitive")) {
            if (no_args(s, at))
                for (size_t i = 0; i < fi->ncols; i++)
                    cols[i].sensitive = true;
        } else if (!strcmp(an, "email") || !strcmp(an, "url")) {
            if (no_args(s, at))
                add_validator(s, &cols[0], &vcap, an[0] == 'e' ? VAL_EMAIL : VAL_URL, NULL, NULL);
        } else if (!strcmp(an, "min") || !strcmp(an, "max")) {
            const char *v;
            if (at->args && at->args->next)
                sema_err(s, at->args->next->span, "'@%s' takes one number", an);
            else if (number_arg(s, at, at->args, &v))
                add_validator(s, &cols[0], &vcap, an[1] == 'i' ? VAL_MIN : VAL_MAX, v, NULL);
        } else if (!strcmp(an, "length")) {
            const char *v1 = NULL, *v2 = NULL;
            if (!at->args || (at->args->next && at->args->next->next))
                sema_err(s, at->span, "'@length' takes a minimum and an optional maximum");
            else if (number_arg(s, at, at->args, &v1) &&
                     (!at->args->next || number_arg(s, at, at->args->next, &v2)))
                add_validator(s, &cols[0], &vcap, VAL_LENGTH, v1, v2);
        } else if (!strcmp(an, "regex")) {
            const char *re = NULL;
            if (!at->args || at->args->next || at->args->key)
                sema_err(s, at->span, "'@regex' takes one pattern string");
            else if ((re = sema_arg_string(s, at->args, false)))
                add_validator(s, &cols[0], &vcap, VAL_REGEX, re, NULL);
        } else if (!strcmp(an, "on_delete") || !strcmp(an, "on_update") || !strcmp(an, "fk") ||
                   !strcmp(an, "no_index")) {
            if (fi->kind != 2)
                sema_err(s, at->name_span, "'@%s' is only allowed on a ref field", an);
        } else if (!strcmp(an, "identity")) {
            if (!sema_is_int_kind(cols[0].type.kind) || sema_is_serial(cols[0].type.kind) ||
                cols[0].type.ndims) {
                sema_err(s, at->name_span,
                         "'@identity' needs a smallint, integer or bigint column");
                continue;
            }
            cols[0].identity = IDENTITY_BY_DEFAULT;
            if (at->args) {
                const AstArg *a = at->args;
                if (!single_term(a) || a->next || a->terms->kind != TERM_IDENT ||
                    (strcmp(a->terms->text, "always") && strcmp(a->terms->text, "by_default")))
                    sema_err(s, a->span, "'@identity' takes 'always' or 'by_default'");
                else if (!strcmp(a->terms->text, "always"))
                    cols[0].identity = IDENTITY_ALWAYS;
            }
            if (cols[0].nullable)
                sema_err(s, at->name_span, "an identity column cannot be nullable");
            if (f->def)
                sema_err(s, f->def->span, "an identity column cannot have a default");
        } else if (!strcmp(an, "generated")) {
            const char *e = NULL;
            if (!at->args || at->args->next || at->args->key)
                sema_err(s, at->span, "'@generated' takes one SQL expression string");
            else if ((e = sema_arg_string(s, at->args, true)))
                cols[0].generated = e;
            if (f->def)
                sema_err(s, f->def->span, "a generated column cannot have a default");
        } else if (!strcmp(an, "was")) {
            cols[0].was = sema_was_names(s, at, cols[0].was, &cols[0].nwas, &wascap, true);
        } else if (!strcmp(an, "lint_ignore")) {
            if (!fi->ncols)
                continue;
            cols[0].lint_ignores =
                sema_lint_ignore(s, at, cols[0].lint_ignores, &cols[0].nlint_ignores);
            for (size_t i = 1; i < fi->ncols; i++) { /* a ref field's columns share them */
                cols[i].lint_ignores = cols[0].lint_ignores;
                cols[i].nlint_ignores = cols[0].nlint_ignores;
            }
        } else if (!strcmp(an, "using")) {
            static const char *const k_down[] = { "down" };
            const AstArg *d = sema_arg_key(at, "down");
            if (!sema_check_keys(s, at, k_down, 1))
                continue;
            if (!at->args || at->args->key || (at->args->next && at->args->next != d) ||
                (d && d->next))
                sema_err(s, at->span,
                         "'@using' takes one SQL expression string and an optional down: '...'");
            else if ((cols[0].using_up = sema_arg_string(s, at->args, true)) && d)
                cols[0].using_down = sema_arg_string(s, d, true);
        } else if (!strcmp(an, "sequence")) {
            /* adopt2: applied below, once @identity (in any order) is known */
        } else if (!strcmp(an, "collate")) {
            /* adopt2: column collation */
            if (!at->args || at->args->next || at->args->key)
                sema_err(s, at->span, "'@collate' takes one collation name string");
            else if (cols[0].type.kind != TY_TEXT && cols[0].type.kind != TY_VARCHAR &&
                     cols[0].type.kind != TY_CHAR && cols[0].type.kind != TY_ENUM)
                sema_err(s, at->name_span, "'@collate' needs a text, varchar or char column");
            else
                cols[0].collation = sema_arg_string(s, at->args, false);
        } else if (!strcmp(an, "backfill")) {
            if (!at->args || at->args->next || at->args->key)
                sema_err(s, at->span, "'@backfill' takes one value");
            else
                sema_make_default(s, at->args->terms, &cols[0].type, cols[0].nullable, "backfill",
                                  &cols[0].backfill);
        } else {
            sema_unknown_attr(s, at, "on a field", sema_field_attrs, sema_nfield_attrs);
        }
    }
    for (const AstAttr *at = f->attrs; at; at = at->next) /* adopt2: sequence options */
        if (!at->table_level && !strcmp(at->name, "sequence") && fi->ncols == 1)
            sema_column_sequence(s, at, &cols[0]);
}

/* A ref field's columns: ref(target) with @on_delete/@on_update/@fk. */
static void build_ref(Sema *s, TDecl *td, FieldInfo *fi)
{
    const AstField *f = fi->ast;
    const AstArg *a = f->type.args;
    if (!a || a->next || !single_term(a) ||
        (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_QIDENT &&
         a->terms->kind != TERM_QUALIFIED)) {
        sema_err(s, f->type.span, "'ref' takes one table name: ref(user) or ref(public.user)");
        return;
    }
    bool nullable = f->type.nullable;
    FkAction del = nullable ? FK_SET_NULL : FK_RESTRICT, upd = FK_CASCADE;
    const char *fkname = NULL;
    bool no_index = false, has_index = false;
    for (const AstAttr *at = f->attrs; at; at = at->next) {
        if (at->table_level)
            continue;
        if (!strcmp(at->name, "no_index")) {
            if (at->args)
                sema_err(s, at->args->span, "'@no_index' takes no arguments");
            no_index = true;
        } else if (!strcmp(at->name, "index")) {
            has_index = has_index || !at->args; /* a named @index is another index */
        } else if (!strcmp(at->name, "on_delete"))
            fk_action(s, at, &del);
        else if (!strcmp(at->name, "on_update"))
            fk_action(s, at, &upd);
        else if (!strcmp(at->name, "fk")) {
            static const char *const k_name[] = { "name" };
            if (sema_check_keys(s, at, k_name, 1) && !(fkname = sema_arg_name(s, at)))
                sema_err(s, at->span, "'@fk' needs name: 'fk_name'");
        }
    }
    if ((del == FK_SET_NULL || upd == FK_SET_NULL) && !nullable)
        sema_err(s, f->type.span, "'set_null' on a reference that is not nullable");
    if (no_index && has_index)
        sema_err(s, f->type.span, "'@no_index' and '@index' on the same reference");
    if (no_index && has_index)
        sema_note(s, f->type.span, "'@index(name: ...)' adds an index of another name");
    if (f->type.ndims) {
        sema_err(s, f->type.span, "a reference cannot be an array");
        return;
    }
    Target tg;
    if (!resolve_target(s, a->terms, "reference", td, &tg))
        return;
    add_fk_columns(s, td, &tg, fi->name, true, nullable, del, upd, f->span, fkname, !no_index,
                   &fi->col0);
    fi->ncols = tg.n;
    if (f->def) {
        if (tg.n != 1)
            sema_err(s, f->def->span, "a reference to a composite key cannot have a default");
        else
            sema_make_default(s, f->def, &td->t->columns[fi->col0].type, nullable, "default",
                              &td->t->columns[fi->col0].def);
    }
}

/* Parent columns (of a, b) and association sides (between a, b). */
static void build_parents(Sema *s, TDecl *td)
{
    const AstDecl *d = td->ast;
    Table *t = td->t;
    if (d->kind == DECL_TABLE) {
        if (d->parents)
            sema_err(s, d->parents->span, "a 'table' declaration cannot have parents");
        return;
    }
    if (d->kind == DECL_ASSOCIATION) {
        Target sides[2];
        size_t nside = 0, c0 = 0;
        const char **ucols = ARENA_ARRAY(s->a, const char *, 8);
        size_t nu = 0, ucap = 8;
        for (const AstTerm *p = d->parents; p && nside < 2; p = p->next) {
            if (!resolve_target(s, p, "association", td, &sides[nside]))
                return;
            if (nside == 1 && !strcmp(sides[0].table, sides[1].table) &&
                !sides[0].schema == !sides[1].schema) {
                sema_err(s, p->span, "self-association '%s': both sides would be column '%s_%s'",
                         t->name, sides[1].table, sides[1].cols[0]);
                sema_note(s, p->span,
                          "use a 'table' or an entity with two ref fields for a self-relation");
                return;
            }
            add_fk_columns(s, td, &sides[nside], sides[nside].table, false, false, FK_CASCADE,
                           FK_CASCADE, p->span, NULL, true, &c0);
            for (size_t i = 0; i < sides[nside].n; i++)
                *PUSH(s, ucols, nu, ucap) = t->columns[c0 + i].name;
            nside++;
        }
        if (nside == 2) {
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = sema_join_name(s, "uq_", t->name, ucols, nu, NULL);
            u->cols = ucols;
            u->ncols = nu;
            u->span = d->name->span;
        }
        for (const AstAs *as = d->as; as; as = as->next) {
            const char *tn = sema_term_name(s, as->target);
            const char *rel = sema_term_name2(s, as->relname, false, NULL);
            if (!tn || !rel)
                continue;
            if (nside == 2 && !strcmp(tn, sides[0].table))
                t->as_a = rel;
            else if (nside == 2 && !strcmp(tn, sides[1].table))
                t->as_b = rel;
            else if (nside == 2)
                sema_err(s, as->target->span, "'%s' is not a side of association '%s'", tn,
                         t->name);
        }
        return;
    }
    if (d->parents && !has_parents(d->kind)) {
        Span sp = d->parents->span;
        for (const AstTerm *p = d->parents; p; p = p->next)
            sp = ast_span_cover(sp, p->span);
        diag_at(s->d, DIAG_WARNING, sp, "'%s' ignores its 'of' parents: no foreign key to '%s'",
                archetype_name(t->archetype), d->parents->text);
        diag_at(s->d, DIAG_NOTE, sp,
                "component, attribute, event, configuration and contribution get a foreign key "
                "column per parent; use one of them, or a 'ref' field");
    }
    for (const AstTerm *p = d->parents; p; p = p->next) {
        Target tg;
        if (!resolve_target(s, p, "parent", td, &tg) || !has_parents(d->kind))
            continue;
        size_t c0;
        add_fk_columns(s, td, &tg, tg.table, false, false, FK_CASCADE, FK_CASCADE, p->span, NULL,
                       true, &c0);
    }
}

static bool is_implicit(const TDecl *td, const Column *c)
{
    return c->span.src == td->ast->kw_span.src && c->span.off == td->ast->kw_span.off &&
           c->span.len == td->ast->kw_span.len;
}

static const Column *sort_cols;

static int cmp_colidx(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_cols[x].name, sort_cols[y].name);
    return c ? c : (x < y ? -1 : x > y);
}

/* Report duplicate column names, each against the first column of that name. Sorting keeps
 * this O(n log n) for tables with many thousands of fields. */
static void check_columns(Sema *s, TDecl *td, FieldInfo *fi, size_t nf)
{
    Table *t = td->t;
    size_t n = t->ncolumns;
    if (n < 2)
        return;
    size_t *ix = ARENA_ARRAY(s->a, size_t, n);
    size_t *owner = ARENA_ARRAY(s->a, size_t, n); /* column -> field index + 1 (0: implicit) */
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    for (size_t k = 0; k < nf; k++)
        for (size_t j = 0; j < fi[k].ncols; j++)
            owner[fi[k].col0 + j] = k + 1;
    sort_cols = t->columns;
    qsort(ix, n, sizeof(*ix), cmp_colidx);
    sort_cols = NULL;
    size_t first = 0;
    for (size_t i = 1; i < n; i++) {
        const Column *a = &t->columns[ix[first]], *b = &t->columns[ix[i]];
        if (strcmp(a->name, b->name)) {
            first = i;
            continue;
        }
        if (diag_full(s->d))
            return;
        sema_err(s, b->span, "duplicate column '%s' in table '%s'", b->name, t->name);
        size_t oa = owner[ix[first]], ob = owner[ix[i]];
        const char *ra = oa ? fi[oa - 1].ast->name->text : NULL;
        const char *rb = ob ? fi[ob - 1].ast->name->text : NULL;
        if (is_implicit(td, a))
            sema_note(s, a->span,
                      "'%s' adds the implicit primary key 'id'; mark a field @primary to use "
                      "your own",
                      archetype_name(t->archetype));
        else if (ra && rb && strcmp(ra, rb))
            sema_note(s, a->span, "'%s' and '%s' both become '%s'", ra, rb, b->name);
        else
            sema_note(s, a->span, "previous declaration of '%s' is here", a->name);
    }
}

void sema_build_table(Sema *s, TDecl *td)
{
    td->state = 1;
    const AstDecl *d = td->ast;
    Table *t = td->t;
    t->name = td->name;
    t->archetype = (Archetype)d->kind;
    t->comment = d->doc;
    t->span = d->span;
    size_t nf = 0, i = 0;
    for (const AstField *f = d->fields; f; f = f->next)
        nf++;
    FieldInfo *fi = ARENA_ARRAY(s->a, FieldInfo, nf ? nf : 1);
    /* Room for the usual columns up front (fields, id, timestamps, one per parent), so PUSH
     * rarely grows (growing leaves the old array behind in the arena). */
    size_t est = nf + 4;
    for (const AstTerm *p = d->parents; p; p = p->next)
        est++;
    t->columns = ARENA_ARRAY(s->a, Column, est);
    td->ccols = est;
    int npk = 0;
    Span first_pk = { 0 };
    for (const AstField *f = d->fields; f; f = f->next, i++) {
        fi[i].ast = f;
        fi[i].name = sema_term_name(s, f->name);
        if (fi[i].name)
            fi[i].kind = sema_resolve_type(s, td, fi[i].name, &f->type, &fi[i].ty);
        for (const AstAttr *at = f->attrs; at; at = at->next) {
            if (at->table_level || strcmp(at->name, "primary"))
                continue;
            if (npk++) {
                sema_err(s, at->span, "more than one primary key in '%s'", td->name);
                sema_note(
                    s, first_pk,
                    "first primary key declared here; use @@primary(a, b) for a composite key");
                continue;
            }
            first_pk = at->span;
            fi[i].primary = true;
        }
    }
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "primary"))
            continue;
        if (npk++) {
            sema_err(s, at->span, "more than one primary key in '%s'", td->name);
            sema_note(s, first_pk, "first primary key declared here");
            continue;
        }
        first_pk = at->span;
    }
    bool implicit_id = npk == 0 && d->kind != DECL_ASSOCIATION && d->kind != DECL_TABLE;
    sema_early_pk(s, td, fi, nf, implicit_id, npk);
    if (implicit_id) {
        Column *c = add_column(s, td, "id", d->kw_span);
        c->type.kind = TY_SERIAL;
    }
    build_parents(s, td);
    for (i = 0; i < nf; i++) {
        const AstField *f = fi[i].ast;
        fi[i].idx0 = t->nindexes;
        if (fi[i].kind == 2) {
            build_ref(s, td, &fi[i]);
        } else if (fi[i].kind == 1) {
            fi[i].col0 = t->ncolumns;
            fi[i].ncols = 1;
            Column *c = add_column(s, td, fi[i].name, f->span);
            c->type = fi[i].ty;
            c->nullable = f->type.nullable;
            c->comment = f->doc;
            if (f->def && sema_is_serial(c->type.kind))
                sema_err(s, f->def->span, "a serial column cannot have a default");
            else if (f->def)
                sema_make_default(s, f->def, &c->type, c->nullable, "default", &c->def);
        }
        if (fi[i].kind && fi[i].ncols) {
            for (size_t j = 0; j < fi[i].ncols; j++)
                t->columns[fi[i].col0 + j].comment = f->doc;
            apply_field_attrs(s, td, &fi[i]);
        }
    }
    /* Implicit timestamps, unless a field already made a column of that name. */
    bool created = d->kind <= DECL_CONTRIBUTION;
    bool updated = created && d->kind != DECL_EVENT;
    bool deleted =
        d->kind == DECL_ENTITY || d->kind == DECL_ATTRIBUTE || d->kind == DECL_CONTRIBUTION;
    const char *ts[3] = { created ? "created_at" : NULL, updated ? "updated_at" : NULL,
                          deleted ? "deleted_at" : NULL };
    for (int k = 0; k < 3; k++) {
        if (!ts[k] || table_find_column(t, ts[k]))
            continue;
        Column *c = add_column(s, td, ts[k], d->kw_span);
        c->type.kind = TY_TIMESTAMPTZ;
        c->nullable = k == 2;
        if (k < 2)
            c->def = (Default){ .kind = DEF_EXPR, .text = "CURRENT_TIMESTAMP" };
    }
    /* Defaults in the form introspection reads back (sqlnorm.h): '= null' becomes no default
     * (PostgreSQL stores none), now() becomes CURRENT_TIMESTAMP. */
    for (size_t k = 0; k < t->ncolumns; k++)
        default_canonicalize(s->a, &t->columns[k].def, &t->columns[k].type);
    check_columns(s, td, fi, nf);
    sema_finish_pk(s, td, fi, nf, implicit_id);
    sema_table_attrs_apply(s, td);
    td->state = 2;
}
