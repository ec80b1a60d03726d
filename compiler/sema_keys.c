/*
 * sema_keys.c - a table's keys, constraints and indexes (sema_int.h): the primary key (early,
 * so references to a table being built work, and final, once every column exists), @@unique,
 * @@index (columns, sql() expressions, sort order, method, partial), @@check, and the
 * de-duplicated index a ref field gets. Column building is in sema_table.c.
 */
#include "sema_int.h"

#include <string.h>

#include "names.h"
#include "strbuf.h"

static bool word_arg(Sema *s, const AstAttr *at, const char *key, const char *const *words,
                     size_t n, int *out);
static const char *const bool_words[] = { "false", "true" };
static const char *const deferral_words[] = { "false", "true", "deferred" };

/* Add an index unless indexes[from..] already holds the same one (a ref marked @index). */
Index *sema_add_index(Sema *s,
                        TDecl *td,
                        size_t from,
                        const char *name,
                        const char **cols,
                        size_t n,
                        bool unique,
                        Span span)
{
    Table *t = td->t;
    for (size_t i = from; i < t->nindexes; i++) {
        const Index *o = &t->indexes[i];
        bool same = !strcmp(o->name, name) && o->nelems == n && o->unique == unique;
        for (size_t j = 0; same && j < n; j++)
            same = o->elems[j].column && !strcmp(o->elems[j].column, cols[j]);
        if (same)
            return NULL; /* the same index twice (a ref marked @index): keep one */
    }
    Index *ix = PUSH(s, t->indexes, t->nindexes, td->cindexes);
    ix->name = name;
    ix->unique = unique;
    ix->method = "btree";
    ix->elems = ARENA_ARRAY(s->a, IndexElem, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        ix->elems[i].column = cols[i];
    ix->nelems = n;
    ix->span = span;
    return ix;
}

/* Find the column a name argument refers to; reports unknown columns. */
static const char *column_ref(Sema *s, TDecl *td, const AstTerm *t)
{
    const char *n = sema_term_name(s, t);
    if (!n)
        return NULL;
    if (table_find_column(td->t, n))
        return table_find_column(td->t, n)->name;
    sema_err(s, t->span, "unknown column '%s' in table '%s'", n, td->name);
    const char **c = ARENA_ARRAY(s->a, const char *, td->t->ncolumns + 1);
    for (size_t i = 0; i < td->t->ncolumns; i++)
        c[i] = td->t->columns[i].name;
    sema_suggest(s, t->span, n, c, td->t->ncolumns);
    return NULL;
}

/* @@index(elem, ..., using:, where:, unique:, name:) */
static void table_index(Sema *s, TDecl *td, const AstAttr *at)
{
    static const char *const keys[] = { "using", "where", "unique", "name", "comment",
                                        "nulls_not_distinct", "include" };
    static const char *const methods[] = { "btree", "gin", "gist", "hash", "brin", "spgist" };
    if (!sema_check_keys(s, at, keys, ARRAY_LEN(keys)))
        return;
    Table *t = td->t;
    size_t n = 0;
    for (const AstArg *a = at->args; a; a = a->next)
        if (!a->key)
            n++;
    if (n == 0) {
        sema_err(s, at->span, "'@@index' needs at least one column or sql('expression')");
        return;
    }
    IndexElem *el = ARENA_ARRAY(s->a, IndexElem, n);
    const char **parts = ARENA_ARRAY(s->a, const char *, n);
    size_t i = 0;
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key)
            continue;
        const AstTerm *tm = a->terms;
        if (tm->kind == TERM_SQL) {
            el[i].expr = arena_strdup(s->a, tm->text);
            char h[9];
            name_hash8(h, tm->text, strlen(tm->text));
            parts[i] = arena_strdup(s->a, h);
        } else if (tm->kind == TERM_IDENT || tm->kind == TERM_QIDENT) {
            el[i].column = parts[i] = column_ref(s, td, tm);
            if (!el[i].column)
                ok = false;
        } else {
            sema_err(s, tm->span, "expected a column name or sql('expression')");
            ok = false;
        }
        for (const AstTerm *m = tm->next; m; m = m->next) {
            const char *w = m->kind == TERM_IDENT ? m->text : "";
            if (!strcmp(w, "asc"))
                el[i].desc = false;
            else if (!strcmp(w, "desc"))
                el[i].desc = true;
            else if (!strcmp(w, "nulls") && m->next && m->next->kind == TERM_IDENT &&
                     (!strcmp(m->next->text, "first") || !strcmp(m->next->text, "last"))) {
                el[i].nulls = !strcmp(m->next->text, "first") ? 1 : 2;
                m = m->next;
            } else if (!strcmp(w, "collate") && m->next && m->next->kind == TERM_STRING) {
                el[i].collation = m->next->text; /* adopt2: collate 'C' */
                m = m->next;
            } else if (strlen(w) > 4 && !strcmp(w + strlen(w) - 4, "_ops")) {
                el[i].opclass = w; /* adopt2: an operator class (text_pattern_ops) */
            } else {
                sema_err(s, m->span, "expected asc, desc, nulls first or nulls last, collate "
                                     "'name' or an operator class (name_ops)");
                ok = false;
                break;
            }
        }
        i++;
    }
    bool unique = false;
    const AstArg *u = sema_arg_key(at, "unique");
    if (u) {
        if (!one_term(u) || (u->terms->kind != TERM_TRUE && u->terms->kind != TERM_FALSE)) {
            sema_err(s, u->span, "'unique' expects true or false");
            ok = false;
        } else {
            unique = u->terms->kind == TERM_TRUE;
        }
    }
    int nnd = 0;
    if (!word_arg(s, at, "nulls_not_distinct", bool_words, 2, &nnd))
        ok = false;
    else if (nnd && !unique) {
        sema_err(s, sema_arg_key(at, "nulls_not_distinct")->span,
                 "'nulls_not_distinct' needs unique: true");
        ok = false;
    }
    const char *method = "btree";
    const AstArg *m = sema_arg_key(at, "using");
    if (m) {
        if (!one_term(m) || m->terms->kind != TERM_IDENT) {
            sema_err(s, m->span, "'using' expects an index method");
            ok = false;
        } else if (!sema_in_list(m->terms->text, methods, ARRAY_LEN(methods))) {
            sema_err(s, m->terms->span, "unknown index method '%s'", m->terms->text);
            sema_suggest(s, m->terms->span, m->terms->text, methods, ARRAY_LEN(methods));
            ok = false;
        } else {
            method = m->terms->text;
        }
    }
    const char *where = NULL;
    const AstArg *w = sema_arg_key(at, "where");
    if (w && !(where = sema_arg_string(s, w, true)))
        ok = false;
    const char *nm = sema_arg_name(s, at);
    if (!ok)
        return;
    Index *ix = PUSH(s, t->indexes, t->nindexes, td->cindexes);
    ix->name = nm ? nm : sema_join_name(s, "idx_", t->name, parts, n, unique ? "_unique" : NULL);
    ix->unique = unique;
    ix->method = method;
    ix->elems = el;
    ix->nelems = n;
    ix->where = where;
    ix->comment = sema_arg_comment(s, at);
    ix->nulls_not_distinct = nnd == 1;
    ix->span = at->span;
    const AstArg *inc = sema_arg_key(at, "include"); /* adopt2: INCLUDE columns */
    if (inc) {
        size_t ni = 0;
        for (const AstTerm *q = inc->terms; q; q = q->next)
            ni++;
        ix->include = ARENA_ARRAY(s->a, const char *, ni ? ni : 1);
        for (const AstTerm *q = inc->terms; q; q = q->next) {
            if (q->kind != TERM_IDENT && q->kind != TERM_QIDENT) {
                sema_err(s, q->span, "'include' expects column names, space-separated");
                continue;
            }
            const char *cn = column_ref(s, td, q);
            if (cn)
                ix->include[ix->ninclude++] = cn;
        }
    }
}

/* Positional column-name arguments of @@unique / @@primary. */
static const char **attr_columns(Sema *s, TDecl *td, const AstAttr *at, size_t *n)
{
    size_t cnt = 0;
    for (const AstArg *a = at->args; a; a = a->next)
        if (!a->key)
            cnt++;
    *n = 0;
    if (cnt == 0) {
        sema_err(s, at->span, "'@@%s' needs at least one column", at->name);
        return NULL;
    }
    const char **cols = ARENA_ARRAY(s->a, const char *, cnt);
    bool ok = true;
    for (const AstArg *a = at->args; a; a = a->next) {
        if (a->key)
            continue;
        if (!single_term(a) || (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_QIDENT)) {
            sema_err(s, a->span, "expected a column name");
            ok = false;
            continue;
        }
        const char *c = column_ref(s, td, a->terms);
        if (!c)
            ok = false;
        else
            cols[(*n)++] = c;
    }
    return ok ? cols : NULL;
}

void sema_table_attrs_apply(Sema *s, TDecl *td)
{
    Table *t = td->t;
    for (const AstAttr *at = td->ast->attrs; at; at = at->next) {
        const char *an = at->name;
        if (!at->table_level) {
            sema_unknown_attr(s, at, "on a table", sema_table_attrs, sema_ntable_attrs);
        } else if (!strcmp(an, "primary")) {
            continue; /* finish_pk */
        } else if (!strcmp(an, "unique")) {
            size_t n;
            static const char *const k_unique[] = { "name", "comment", "nulls_not_distinct",
                                                    "deferrable" };
            int nnd = 0, defer = 0;
            if (!sema_check_keys(s, at, k_unique, ARRAY_LEN(k_unique)) ||
                !word_arg(s, at, "nulls_not_distinct", bool_words, 2, &nnd) ||
                !word_arg(s, at, "deferrable", deferral_words, 3, &defer))
                continue;
            const char **cols = attr_columns(s, td, at, &n);
            const char *nm = sema_arg_name(s, at);
            if (!cols)
                continue;
            Unique *u = PUSH(s, t->uniques, t->nuniques, td->cuniques);
            u->name = nm ? nm : sema_join_name(s, "uq_", t->name, cols, n, NULL);
            u->cols = cols;
            u->ncols = n;
            u->comment = sema_arg_comment(s, at);
            u->nulls_not_distinct = nnd == 1;
            u->deferral = (FkDeferral)defer;
            u->span = at->span;
        } else if (!strcmp(an, "index")) {
            table_index(s, td, at);
        } else if (!strcmp(an, "check")) {
            static const char *const k_check[] = { "name", "comment", "no_inherit", "not_valid" };
            int noinh = 0, notvalid = 0; /* adopt2: NO INHERIT, NOT VALID */
            if (!sema_check_keys(s, at, k_check, 4) ||
                !word_arg(s, at, "no_inherit", bool_words, 2, &noinh) ||
                !word_arg(s, at, "not_valid", bool_words, 2, &notvalid))
                continue;
            const AstArg *e = at->args;
            if (!e || e->key || (e->next && !e->next->key)) {
                sema_err(s, at->span,
                         "'@@check' takes one SQL expression string and an optional name");
                continue;
            }
            const char *expr = sema_arg_string(s, e, true);
            const char *nm = sema_arg_name(s, at);
            if (!expr)
                continue;
            char h[9];
            name_hash8(h, expr, strlen(expr));
            Check *c = PUSH(s, t->checks, t->nchecks, td->cchecks);
            c->name = nm ? nm : name_shorten(s->a, arena_printf(s->a, "ck_%s_%s", t->name, h));
            c->expr = expr;
            c->comment = sema_arg_comment(s, at);
            c->no_inherit = noinh == 1;
            c->not_valid = notvalid == 1;
            c->span = at->span;
        } else if (!strcmp(an, "foreign")) {
            continue; /* sema_table_foreigns, once every table is built */
        } else if (!strcmp(an, "partition_by") || !strcmp(an, "partition_of")) {
            sema_partition_attr(s, td, at); /* types branch */
        } else if (!strcmp(an, "exclude")) {
            sema_exclude_attr(s, td, at); /* types branch */
        } else if (!strcmp(an, "was")) {
            t->was = sema_was_names(s, at, t->was, &t->nwas, &td->cwas, true);
        } else if (!strcmp(an, "lint_ignore")) {
            t->lint_ignores = sema_lint_ignore(s, at, t->lint_ignores, &t->nlint_ignores);
        } else if (sema_in_list(an, sema_domain_attrs, sema_ndomain_attrs)) {
            sema_err(s, at->name_span, "'@@%s' is only allowed in a domain block", an);
        } else {
            sema_unknown_attr(s, at, "on a table", sema_table_attrs, sema_ntable_attrs);
            if (sema_in_list(an, sema_field_attrs, sema_nfield_attrs))
                sema_note(s, at->name_span, "'@%s' is a field attribute: write it after a field",
                          an);
        }
    }
}

static void set_pk_types(Sema *s, TDecl *td, const char **cols, size_t n)
{
    td->pkcols = cols;
    td->npk = n;
    td->pktypes = ARENA_ARRAY(s->a, SqlType, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        const Column *c = table_find_column(td->t, cols[i]);
        if (c)
            td->pktypes[i] = c->type;
    }
    td->pk_ready = true;
}

/* The primary key once every column exists. */
void sema_finish_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id)
{
    Table *t = td->t;
    const char *pkname = NULL;
    const AstAttr *pkat = NULL; /* adopt2: the @primary / @@primary written, for its options */
    const char **cols = NULL;
    size_t n = 0;
    Span span = td->ast->name ? td->ast->name->span : td->ast->span;
    if (implicit_id) {
        cols = ARENA_ARRAY(s->a, const char *, 1);
        cols[0] = "id";
        n = 1;
    }
    for (size_t i = 0; i < nf; i++) {
        if (fi[i].primary && (fi[i].kind == 0 || !fi[i].ncols))
            td->pk_failed = true;
        if (!fi[i].primary || fi[i].kind == 0 || !fi[i].ncols)
            continue;
        n = fi[i].ncols;
        cols = ARENA_ARRAY(s->a, const char *, n);
        for (size_t j = 0; j < n; j++)
            cols[j] = t->columns[fi[i].col0 + j].name;
        span = fi[i].ast->span;
        for (const AstAttr *at = fi[i].ast->attrs; at; at = at->next)
            if (!at->table_level && !strcmp(at->name, "primary")) {
                pkname = sema_arg_name(s, at);
                pkat = at;
            }
        break;
    }
    for (const AstAttr *at = td->ast->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "primary"))
            continue;
        static const char *const k_name[] = { "name", "deferrable", "comment" };
        sema_check_keys(s, at, k_name, 3);
        pkat = at;
        cols = attr_columns(s, td, at, &n);
        if (!cols) {
            n = 0;
            td->pk_failed = true;
        }
        pkname = sema_arg_name(s, at);
        span = at->span;
        break;
    }
    if (n == 0) {
        td->npk = 0;
        td->pk_ready = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        Column *c = NULL;
        for (size_t j = 0; j < t->ncolumns && !c; j++)
            if (!strcmp(t->columns[j].name, cols[i]))
                c = &t->columns[j];
        if (c && c->nullable) {
            sema_err(s, c->span, "primary key column '%s' cannot be nullable", c->name);
            c->nullable = false;
        }
    }
    t->pk.name = pkname ? pkname : sema_join_name(s, "pk_", t->name, NULL, 0, NULL);
    if (pkat) { /* adopt2: deferrable: true|deferred, comment: 'text' */
        int defer = 0;
        if (word_arg(s, pkat, "deferrable", deferral_words, 3, &defer))
            t->pk.deferral = (FkDeferral)defer;
        t->pk.comment = sema_arg_comment(s, pkat);
    }
    t->pk.cols = cols;
    t->pk.ncols = n;
    t->pk.span = span;
    set_pk_types(s, td, cols, n);
}

/* Before any column is built: the key when it needs no other table (implicit id, a plain
 * @primary field, @@primary over plain fields), so references to a table being built work. */
void sema_early_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id, int npk)
{
    if (implicit_id) {
        td->pkcols = ARENA_ARRAY(s->a, const char *, 1);
        td->pkcols[0] = "id";
        td->pktypes = ARENA_ARRAY(s->a, SqlType, 1);
        td->pktypes[0] = (SqlType){ .kind = TY_SERIAL, .length = -1, .precision = -1, .scale = -1 };
        td->npk = 1;
        td->pk_ready = true;
        return;
    }
    if (npk == 0) {
        td->pk_ready = true;
        return;
    }
    for (size_t i = 0; i < nf; i++)
        if (fi[i].primary && fi[i].kind == 1) {
            td->pkcols = ARENA_ARRAY(s->a, const char *, 1);
            td->pkcols[0] = fi[i].name;
            td->pktypes = ARENA_ARRAY(s->a, SqlType, 1);
            td->pktypes[0] = fi[i].ty;
            td->npk = 1;
            td->pk_ready = true;
            return;
        }
}

/* ---- @@foreign: a table-level foreign key ------------------------------------------------ */

static bool word_arg(Sema *s, const AstAttr *at, const char *key, const char *const *words,
                     size_t n, int *out)
{
    const AstArg *a = sema_arg_key(at, key);
    if (!a)
        return true;
    if (!one_term(a) || (a->terms->kind != TERM_IDENT && a->terms->kind != TERM_TRUE &&
                         a->terms->kind != TERM_FALSE)) {
        sema_err(s, a->span, "'%s' expects one word", key);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(a->terms->text, words[i])) {
            *out = (int)i;
            return true;
        }
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "", words[i]);
    sema_err(s, a->terms->span, "unknown %s '%s': expected %s", key, a->terms->text, sb_str(&sb));
    sb_release(&sb);
    return false;
}

/* The target of @@foreign: a table of this domain (built) or of another domain, and its columns (to:,
 * else its primary key). */
static bool foreign_target(Sema *s, const AstAttr *at, ForeignKey *fk, size_t ncols)
{
    const AstArg *ra = sema_arg_key(at, "references");
    if (!one_term(ra) || (ra->terms->kind != TERM_IDENT && ra->terms->kind != TERM_QIDENT &&
                          ra->terms->kind != TERM_QUALIFIED)) {
        sema_err(s, ra ? ra->span : at->span,
                 "'@@foreign' needs references: TABLE (or references: domain.TABLE)");
        return false;
    }
    const AstTerm *tt = ra->terms;
    const Table *target = NULL;
    const char **pkcols = NULL;
    size_t npk = 0;
    if (tt->kind == TERM_QUALIFIED && strcmp(tt->qual, s->in->domain)) {
        const Model *om = sema_use_domain(s, tt->span, tt->qual);
        if (!om)
            return false;
        const char *name = tt->text_quoted ? name_nfc(s->a, tt->text) : name_snake(s->a, tt->text);
        target = name ? model_find_table(om, name_shorten(s->a, name)) : NULL;
        if (!target) {
            sema_err(s, tt->span, "foreign key to unknown table '%s' in domain '%s'", tt->text,
                     tt->qual);
            return false;
        }
        fk->ref_schema = om->schema;
        fk->ref_was = target->was;
        fk->nref_was = target->nwas;
        pkcols = target->pk.cols;
        npk = target->pk.name ? target->pk.ncols : 0;
    } else {
        const char *name = sema_term_name(s, tt);
        TDecl *td = name ? sema_find_tdecl(s, name) : NULL;
        if (!td || td->ast->kind == DECL_ENUM || td->state != 2) {
            if (name && (!td || td->ast->kind == DECL_ENUM)) {
                sema_err(s, tt->span, "foreign key to unknown table '%s'", tt->text);
                sema_suggest_table(s, tt->span, name, NULL);
            }
            return false;
        }
        target = td->t;
        pkcols = td->pkcols;
        npk = td->npk;
    }
    fk->ref_table = target->name;
    const AstArg *to = sema_arg_key(at, "to");
    if (!to) {
        if (!npk) {
            sema_err(s, tt->span, "'%s' has no primary key: name the target columns with to:",
                     target->name);
            return false;
        }
        fk->ref_cols = pkcols;
        if (npk != ncols) {
            sema_err(s, at->span, "%zu column%s, but the primary key of '%s' has %zu", ncols,
                     ncols == 1 ? "" : "s", target->name, npk);
            return false;
        }
        return true;
    }
    size_t n = 0;
    for (const AstTerm *t = to->terms; t; t = t->next)
        n++;
    if (n != ncols) {
        sema_err(s, to->span, "%zu column%s, but %zu target column%s in to:", ncols,
                 ncols == 1 ? "" : "s", n, n == 1 ? "" : "s");
        return false;
    }
    const char **rc = ARENA_ARRAY(s->a, const char *, n);
    size_t i = 0;
    bool ok = true;
    for (const AstTerm *t = to->terms; t; t = t->next, i++) {
        if (t->kind != TERM_IDENT && t->kind != TERM_QIDENT) {
            sema_err(s, t->span, "expected a column name of '%s'", target->name);
            ok = false;
            continue;
        }
        rc[i] = sema_term_name(s, t);
        if (rc[i] && !table_find_column(target, rc[i])) {
            sema_err(s, t->span, "table '%s' has no column '%s'", target->name, rc[i]);
            ok = false;
        }
    }
    fk->ref_cols = rc;
    return ok;
}

void sema_table_foreigns(Sema *s, TDecl *td)
{
    Table *t = td->t;
    static const char *const keys[] = { "references", "to", "name", "on_delete", "on_update",
                                        "match", "deferrable", "not_valid", "comment" };
    static const char *const actions[] = { "no_action", "restrict", "cascade", "set_null",
                                           "set_default" };
    static const char *const matches[] = { "simple", "full" };
    static const char *const *const deferrals = deferral_words;
    static const char *const *const bools = bool_words;
    for (const AstAttr *at = td->ast->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "foreign"))
            continue;
        if (!sema_check_keys(s, at, keys, ARRAY_LEN(keys)))
            continue;
        size_t n = 0;
        const char **cols = attr_columns(s, td, at, &n);
        if (!cols)
            continue;
        ForeignKey fk = { .cols = cols, .ncols = n, .span = at->span };
        int del = 0, upd = 0, match = 0, defer = 0, nv = 0;
        bool ok = foreign_target(s, at, &fk, n);
        ok = word_arg(s, at, "on_delete", actions, ARRAY_LEN(actions), &del) && ok;
        ok = word_arg(s, at, "on_update", actions, ARRAY_LEN(actions), &upd) && ok;
        ok = word_arg(s, at, "match", matches, ARRAY_LEN(matches), &match) && ok;
        ok = word_arg(s, at, "deferrable", deferrals, 3, &defer) && ok;
        ok = word_arg(s, at, "not_valid", bools, 2, &nv) && ok;
        const char *nm = sema_arg_name(s, at);
        if (!ok)
            continue;
        fk.on_delete = (FkAction)del;
        fk.on_update = (FkAction)upd;
        fk.match_full = match == 1;
        fk.deferral = (FkDeferral)defer;
        fk.not_valid = nv == 1;
        fk.comment = sema_arg_comment(s, at);
        fk.name = nm ? nm : sema_join_name(s, "fk_", t->name, cols, n, NULL);
        *PUSH(s, t->fks, t->nfks, td->cfks) = fk;
    }
}
