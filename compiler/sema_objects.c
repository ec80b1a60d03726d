/*
 * sema_objects.c - the object declarations of a domain (docs/language.md, "Objects"):
 * extension, view, function, procedure, trigger, policy and row_level_security, from their
 * `@@` attributes to the DbObjects of model_objects.h, then their dependencies (a token scan
 * of their SQL for the names of the domain's tables, views and functions, plus @@depends).
 * Called by sema.c once the tables are built. Stage: AST -> Model.objects.
 */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "sema_int.h"
#include "sema_objects.h"
#include "strbuf.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct OCtx {
    Sema *s;
    DbObject *objs;
    size_t n, cap;
} OCtx;

/* An SQL text argument: 'string', sql('...') or $$...$$. */
static const char *body_arg(Sema *s, const AstAttr *at)
{
    const AstArg *g = at->args;
    if (!g || g->next || g->key || !g->terms || g->terms->next ||
        (g->terms->kind != TERM_STRING && g->terms->kind != TERM_DOLLAR &&
         g->terms->kind != TERM_SQL)) {
        sema_err(s, at->span, "@@%s takes one SQL text: 'string' or $$ ... $$", at->name);
        return NULL;
    }
    if (!name_utf8_valid(g->terms->text, strlen(g->terms->text))) {
        sema_err(s, g->terms->span, "text is not valid UTF-8");
        return NULL;
    }
    return arena_strdup(s->a, g->terms->text);
}

/* Words of one positional argument joined by spaces (setof integer), or a string. */
static const char *words_arg(Sema *s, const AstArg *g)
{
    StrBuf sb = SB_INIT;
    bool ok = true;
    for (const AstTerm *t = g->terms; t; t = t->next) {
        if (t->kind != TERM_IDENT && t->kind != TERM_STRING && t->kind != TERM_NUMBER &&
            t->kind != TERM_QIDENT && t->kind != TERM_QUALIFIED) {
            ok = false;
            break;
        }
        if (sb.len)
            sb_addch(&sb, ' ');
        if (t->kind == TERM_QUALIFIED)
            sb_addf(&sb, "%s.%s", t->qual, t->text);
        else
            sb_adds(&sb, t->text);
    }
    const char *r = ok && sb.len ? arena_strdup(s->a, sb_str(&sb)) : NULL;
    if (!r)
        sema_err(s, g->span, "expected a word or a string");
    sb_release(&sb);
    return r;
}

static const char *one_arg(Sema *s, const AstAttr *at)
{
    if (!at->args || at->args->next || at->args->key) {
        sema_err(s, at->span, "@@%s takes one argument", at->name);
        return NULL;
    }
    return words_arg(s, at->args);
}

static bool no_args(Sema *s, const AstAttr *at)
{
    if (at->args) {
        sema_err(s, at->span, "@@%s takes no arguments", at->name);
        return false;
    }
    return true;
}

/* A table or function name argument (snake_cased like a declaration name). */
static const char *name_arg(Sema *s, const AstAttr *at)
{
    if (!at->args || at->args->next || at->args->key || !at->args->terms ||
        at->args->terms->next) {
        sema_err(s, at->span, "@@%s takes one name", at->name);
        return NULL;
    }
    return sema_term_name(s, at->args->terms);
}

static const char *const view_attrs[] = {"as", "materialized", "index", "depends"};
static const char *const func_attrs[] = {"args",   "returns",          "language",    "as",
                                         "volatility", "strict", "security_definer",
                                         "search_path", "depends"};
static const char *const trig_attrs[] = {"on", "before", "after", "instead_of", "for_each",
                                         "when", "execute"};
static const char *const pol_attrs[] = {"on", "for", "to", "using", "with_check", "restrictive"};
static const char *const ext_attrs[] = {"version"};
static const char *const rls_attrs[] = {"force"};

/* @@index on a materialized view: columns or sql('expr') elements, unique:, using:, where:,
 * name: (default idx_<view>_<columns>[_unique]). */
static bool matview_index(Sema *s, DbObject *o, const AstAttr *at, size_t *cap)
{
    static const char *const keys[] = {"unique", "using", "where", "name"};
    if (!sema_check_keys(s, at, keys, ARRAY_LEN(keys)))
        return false;
    Index ix = {.method = "btree", .span = at->span};
    size_t ne = 0;
    for (const AstArg *g = at->args; g; g = g->next)
        ne += !g->key;
    if (!ne) {
        sema_err(s, at->span, "@@index needs at least one column");
        return false;
    }
    ix.elems = ARENA_ARRAY(s->a, IndexElem, ne);
    const char **cols = ARENA_ARRAY(s->a, const char *, ne);
    for (const AstArg *g = at->args; g; g = g->next) {
        if (g->key) {
            const AstTerm *t = g->terms;
            if (!strcmp(g->key, "unique"))
                ix.unique = t && t->kind == TERM_TRUE;
            else if (!strcmp(g->key, "using") && t)
                ix.method = arena_strdup(s->a, t->text);
            else if (!strcmp(g->key, "where"))
                ix.where = sema_arg_string(s, g, true);
            continue;
        }
        IndexElem *e = &ix.elems[ix.nelems];
        const AstTerm *t = g->terms;
        if (t->kind == TERM_SQL) {
            e->expr = arena_strdup(s->a, t->text);
            cols[ix.nelems] = "expr";
        } else if (!(e->column = sema_term_name(s, t))) {
            return false;
        } else {
            cols[ix.nelems] = e->column;
        }
        for (t = t->next; t; t = t->next) {
            if (t->kind == TERM_IDENT && !strcmp(t->text, "desc"))
                e->desc = true;
            else if (!(t->kind == TERM_IDENT && !strcmp(t->text, "asc"))) {
                sema_err(s, t->span, "expected asc or desc");
                return false;
            }
        }
        ix.nelems++;
    }
    ix.name = sema_arg_name(s, at);
    if (!ix.name)
        ix.name = sema_join_name(s, "idx_", o->name, cols, ix.nelems, ix.unique ? "_unique" : NULL);
    if (o->nindexes == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        Index *nv = ARENA_ARRAY(s->a, Index, nc);
        if (o->nindexes)
            memcpy(nv, o->indexes, o->nindexes * sizeof *nv);
        o->indexes = nv;
        *cap = nc;
    }
    o->indexes[o->nindexes++] = ix;
    return true;
}

static bool trigger_events(Sema *s, DbObject *o, const AstAttr *at, TrigTiming timing,
                           bool *seen)
{
    if (*seen) {
        sema_err(s, at->span, "a trigger has one timing: @@before, @@after or @@instead_of");
        return false;
    }
    *seen = true;
    o->timing = timing;
    if (!at->args) {
        sema_err(s, at->span, "@@%s needs events: insert, update, delete, truncate", at->name);
        return false;
    }
    for (const AstArg *g = at->args; g; g = g->next) {
        const AstTerm *t = g->terms;
        unsigned bit = 0;
        if (!g->key && t && !t->next && t->kind == TERM_IDENT)
            bit = !strcmp(t->text, "insert")     ? TRIG_INSERT
                  : !strcmp(t->text, "update")   ? TRIG_UPDATE
                  : !strcmp(t->text, "delete")   ? TRIG_DELETE
                  : !strcmp(t->text, "truncate") ? TRIG_TRUNCATE
                                                 : 0;
        if (!bit) {
            sema_err(s, g->span, "expected an event: insert, update, delete or truncate");
            return false;
        }
        o->events |= bit;
    }
    return true;
}

static void add_deps(Sema *s, DbObject *o, const AstAttr *at)
{
    for (const AstArg *g = at->args; g; g = g->next) {
        if (g->key || !g->terms || g->terms->next) {
            sema_err(s, g->span, "@@depends takes names");
            continue;
        }
        const char *nm = sema_term_name(s, g->terms);
        if (!nm)
            continue;
        const char **nv = ARENA_ARRAY(s->a, const char *, o->ndeps + 1);
        if (o->ndeps)
            memcpy(nv, o->deps, o->ndeps * sizeof *nv);
        nv[o->ndeps++] = nm;
        o->deps = nv;
    }
}

static void build(OCtx *x, const AstDecl *d)
{
    Sema *s = x->s;
    DbObject o = {.span = d->name ? d->name->span : d->span, .volatility = 'v',
                  .command = "ALL"};
    const char *const *allowed = NULL;
    size_t nallowed = 0;
#define KIND(k, list) (o.kind = (k), allowed = (list), nallowed = ARRAY_LEN(list))
    switch (d->kind) {
    case DECL_EXTENSION:
        KIND(DBO_EXTENSION, ext_attrs);
        break;
    case DECL_VIEW:
        KIND(DBO_VIEW, view_attrs);
        break;
    case DECL_PROCEDURE:
    case DECL_FUNCTION:
        o.procedure = d->kind == DECL_PROCEDURE;
        KIND(DBO_FUNCTION, func_attrs);
        break;
    case DECL_TRIGGER:
        KIND(DBO_TRIGGER, trig_attrs);
        break;
    case DECL_POLICY:
        KIND(DBO_POLICY, pol_attrs);
        break;
    case DECL_RLS:
        KIND(DBO_RLS, rls_attrs);
        break;
    default:
        return;
    }
#undef KIND
    const char *kw = ast_decl_kind_name(d->kind);
    if (!d->name || !(o.name = sema_term_name2(s, d->name, o.kind != DBO_EXTENSION, NULL)))
        return;
    if (o.kind == DBO_RLS)
        o.table = o.name;
    if (o.kind == DBO_EXTENSION && s->m->per_tenant) {
        sema_err(s, d->name->span, "an extension cannot live in a per-tenant domain");
        return;
    }
    bool ok = true, timing_seen = false, has_on = false;
    size_t icap = 0, nroles = 0;
    const char **roles = NULL;
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        const char *an = at->name;
        if (!at->table_level || !sema_in_list(an, allowed, nallowed)) {
            sema_unknown_attr(s, at, arena_printf(s->a, "on a %s", kw), allowed, nallowed);
            ok = false;
        } else if (!strcmp(an, "as")) {
            ok = (o.body = body_arg(s, at)) && ok;
        } else if (!strcmp(an, "depends")) {
            add_deps(s, &o, at);
        } else if (!strcmp(an, "version")) {
            ok = (o.version = one_arg(s, at)) && ok;
        } else if (!strcmp(an, "materialized")) {
            ok = no_args(s, at) && ok;
            o.materialized = true;
        } else if (!strcmp(an, "index")) {
            ok = matview_index(s, &o, at, &icap) && ok;
        } else if (!strcmp(an, "args")) {
            ok = (o.args = one_arg(s, at)) && ok;
        } else if (!strcmp(an, "returns")) {
            if (o.procedure) {
                sema_err(s, at->span, "a procedure returns nothing: use a function");
                ok = false;
            } else {
                ok = (o.returns = one_arg(s, at)) && ok;
            }
        } else if (!strcmp(an, "language")) {
            ok = (o.language = one_arg(s, at)) && ok;
        } else if (!strcmp(an, "volatility")) {
            const char *v = one_arg(s, at);
            o.volatility = !v ? 0 : !strcmp(v, "volatile") ? 'v' : !strcmp(v, "stable") ? 's'
                                : !strcmp(v, "immutable")  ? 'i' : 0;
            if (!o.volatility) {
                if (v)
                    sema_err(s, at->span, "expected volatile, stable or immutable");
                ok = false;
            }
        } else if (!strcmp(an, "strict")) {
            ok = no_args(s, at) && ok;
            o.strict = true;
        } else if (!strcmp(an, "security_definer")) {
            ok = no_args(s, at) && ok;
            o.security_definer = true;
        } else if (!strcmp(an, "search_path")) {
            ok = (o.search_path = one_arg(s, at)) && ok;
        } else if (!strcmp(an, "on")) {
            ok = (o.table = name_arg(s, at)) && ok;
            has_on = true;
        } else if (!strcmp(an, "before") || !strcmp(an, "after") || !strcmp(an, "instead_of")) {
            ok = trigger_events(s, &o, at, an[0] == 'b' ? TRIG_BEFORE : an[0] == 'a'
                                ? TRIG_AFTER : TRIG_INSTEAD_OF, &timing_seen) && ok;
        } else if (!strcmp(an, "for_each")) {
            const char *v = one_arg(s, at);
            if (v && (!strcmp(v, "row") || !strcmp(v, "statement")))
                o.for_each_row = v[0] == 'r';
            else {
                sema_err(s, at->span, "expected row or statement");
                ok = false;
            }
        } else if (!strcmp(an, "when")) {
            ok = (o.when = body_arg(s, at)) && ok;
        } else if (!strcmp(an, "execute")) {
            ok = (o.function = name_arg(s, at)) && ok;
        } else if (!strcmp(an, "for")) {
            const char *v = one_arg(s, at);
            static const char *const cmds[] = {"all", "select", "insert", "update", "delete"};
            static const char *const up[] = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE"};
            size_t i = 0;
            while (v && i < ARRAY_LEN(cmds) && strcmp(v, cmds[i]))
                i++;
            if (!v || i == ARRAY_LEN(cmds)) {
                sema_err(s, at->span, "expected all, select, insert, update or delete");
                ok = false;
            } else {
                o.command = up[i];
            }
        } else if (!strcmp(an, "to")) {
            for (const AstArg *g = at->args; g; g = g->next) {
                const char *r = g->terms && !g->terms->next && !g->key
                                    ? sema_term_name2(s, g->terms, false, NULL) : NULL;
                if (!r) {
                    sema_err(s, g->span, "expected a role name");
                    ok = false;
                    continue;
                }
                const char **nv = ARENA_ARRAY(s->a, const char *, nroles + 1);
                if (nroles)
                    memcpy(nv, roles, nroles * sizeof *nv);
                nv[nroles++] = r;
                roles = nv;
            }
        } else if (!strcmp(an, "using")) {
            ok = (o.using_expr = body_arg(s, at)) && ok;
        } else if (!strcmp(an, "with_check")) {
            ok = (o.check_expr = body_arg(s, at)) && ok;
        } else if (!strcmp(an, "restrictive")) {
            ok = no_args(s, at) && ok;
            o.restrictive = true;
        } else if (!strcmp(an, "force")) {
            ok = no_args(s, at) && ok;
            o.force = true;
        }
    }
    if (!ok)
        return;
    if (o.kind == DBO_VIEW && o.body)
        o.body = dbo_trim_query(s->a, o.body);
    if (nroles == 1 && !strcmp(roles[0], "public"))
        nroles = 0, roles = NULL; /* TO PUBLIC is the default */
    Span sp = d->name->span;
    if ((o.kind == DBO_VIEW || o.kind == DBO_FUNCTION) && !o.body) {
        sema_err(s, sp, "%s '%s' needs its body: @@as($$ ... $$)", kw, o.name);
        return;
    }
    if (o.kind == DBO_FUNCTION && (!o.language || (!o.procedure && !o.returns))) {
        sema_err(s, sp, "%s '%s' needs @@language(...)%s", kw, o.name,
                 o.procedure ? "" : " and @@returns(...)");
        return;
    }
    if (o.nindexes && !o.materialized) {
        sema_err(s, sp, "only a materialized view has indexes: add @@materialized");
        return;
    }
    if ((o.kind == DBO_TRIGGER || o.kind == DBO_POLICY) && !has_on) {
        sema_err(s, sp, "%s '%s' needs @@on(table)", kw, o.name);
        return;
    }
    if (o.kind == DBO_TRIGGER && (!timing_seen || !o.function)) {
        sema_err(s, sp, "trigger '%s' needs a timing (@@before/@@after/@@instead_of) and "
                        "@@execute(function)", o.name);
        return;
    }
    if (roles && nroles > 1)
        qsort(roles, nroles, sizeof *roles, cmp_str);
    o.roles = roles;
    o.nroles = nroles;
    DbObject *slot = PUSH(s, x->objs, x->n, x->cap);
    *slot = o;
}

void sema_objects(Sema *s, Model *out)
{
    OCtx x = {.s = s};
    for (size_t f = 0; f < s->in->nfiles; f++)
        for (const AstDecl *dc = s->in->files[f]->decls; dc; dc = dc->next)
            if (dc->kind >= DECL_EXTENSION && dc->kind <= DECL_RLS)
                build(&x, dc);
    if (!x.n)
        return;
    qsort(x.objs, x.n, sizeof *x.objs, dbo_cmp);
    for (size_t i = 1; i < x.n; i++) {
        const DbObject *p = &x.objs[i - 1], *c = &x.objs[i];
        bool same_ns = p->kind == c->kind ||
                       (p->kind == DBO_VIEW && c->kind == DBO_VIEW);
        if (same_ns && !dbo_cmp(p, c)) {
            StrBuf sb = SB_INIT;
            dbo_label(&sb, c);
            sema_err(s, c->span, "duplicate %s", sb_str(&sb));
            sema_note(s, p->span, "previous declaration is here");
            sb_release(&sb);
        }
    }
    for (size_t i = 0; i < x.n; i++) {
        const DbObject *o = &x.objs[i];
        if (o->kind == DBO_VIEW && model_find_table(out, o->name))
            sema_err(s, o->span, "view '%s' has the name of a table", o->name);
        if (o->table && o->kind != DBO_TRIGGER && !model_find_table(out, o->table))
            sema_err(s, o->span, "%s '%s': unknown table '%s'", dbo_kind_name(o->kind), o->name,
                     o->table);
    }
    out->objects = x.objs;
    out->nobjects = x.n;
    dbo_compute_deps(s->a, out);
}
