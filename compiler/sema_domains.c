/*
 * sema_domains.c - SQL domains: `domain name type [= default] { @@check('VALUE ...') }` ->
 * Model.dtypes (docs/language.md, "Domains"), and composite types: `type name { attr type ... }`
 * -> Model.ctypes ("Composite types"). Part of sema (sema_int.h): sema.c declares every
 * domain of a folder after its enums and before its tables, and sema_types.c resolves a field
 * type naming one to TY_OTHER spelled as the domain's quoted name (model_dtype_spelling).
 */
#include <string.h>

#include "names.h"
#include "model.h"
#include "sema_int.h"
#include "strbuf.h"

/* A type written with this name would be the built-in one: refuse the declaration. */
static bool builtin_name(Sema *s, const AstDecl *d, const char *name)
{
    TypeKind k;
    if (d->name->kind == TERM_IDENT &&
        (type_kind_from_name(d->name->text, &k) || !strcmp(d->name->text, "string") ||
         !strcmp(d->name->text, "ulid") || !strcmp(d->name->text, "ref") ||
         !strcmp(d->name->text, "enum"))) {
        sema_err(s, d->name->span, "'%s' is a built-in type name: a field of type '%s' would "
                                   "be the built-in type (quote the name: \"%s\")",
                 d->name->text, d->name->text, name);
        return true;
    }
    return false;
}

void sema_declare_dtype(Sema *s, const AstDecl *d)
{
    const char *raw = NULL;
    const char *name = sema_term_name2(s, d->name, d->name->kind == TERM_IDENT, &raw);
    if (!name || builtin_name(s, d, name))
        return;
    if (sema_find_dtype(s, name)) {
        sema_err(s, d->name->span, "duplicate domain '%s'", name);
        return;
    }
    const AstField *b = d->base;
    SqlType ty = {.length = -1, .precision = -1, .scale = -1};
    int k = sema_resolve_type(s, NULL, name, &b->type, &ty);
    if (k == 2) {
        sema_err(s, b->type.span, "a domain cannot be over a reference");
        return;
    }
    if (k != 1)
        return;
    if (ty.kind == TY_OTHER) {
        sema_err(s, b->type.span, "a domain over another domain or a composite type is not "
                                  "supported");
        return;
    }
    if (sema_is_serial(ty.kind)) {
        sema_err(s, b->type.span, "a domain cannot be over a serial type");
        return;
    }
    DomainType *dt = PUSH(s, s->m->dtypes, s->m->ndtypes, s->cdtypes);
    memset(dt, 0, sizeof(*dt));
    dt->name = name;
    dt->base = ty;
    dt->nullable = b->type.nullable;
    dt->comment = d->doc;
    dt->span = d->span;
    if (b->def)
        sema_make_default(s, b->def, &ty, dt->nullable, "default", &dt->def);
    if (dt->def.kind == DEF_NULL)
        dt->def.kind = DEF_NONE; /* = null on a nullable domain: no default */
    size_t cap = 0;
    static const char *const k_name[] = {"name", "comment"};
    for (const AstAttr *at = d->attrs; at; at = at->next) {
        if (!at->table_level || strcmp(at->name, "check")) {
            sema_err(s, at->name_span,
                     "unknown attribute '%s%s' on a domain (only '@@check' is allowed)",
                     at->table_level ? "@@" : "@", at->name);
            continue;
        }
        if (!sema_check_keys(s, at, k_name, 1))
            continue;
        const AstArg *e = at->args;
        if (!e || e->key || (e->next && !e->next->key)) {
            sema_err(s, at->span, "'@@check' takes one SQL expression string and an optional name");
            continue;
        }
        const char *expr = sema_arg_string(s, e, true);
        const char *nm = sema_arg_name(s, at);
        if (!expr)
            continue;
        char h[9];
        name_hash8(h, expr, strlen(expr));
        Check *c = PUSH(s, dt->checks, dt->nchecks, cap);
        memset(c, 0, sizeof(*c));
        c->name = nm ? nm : name_shorten(s->a, arena_printf(s->a, "ck_%s_%s", name, h));
        c->expr = expr;
        c->span = at->span;
        for (size_t i = 0; i + 1 < dt->nchecks; i++)
            if (!strcmp(dt->checks[i].name, c->name)) {
                sema_err(s, at->span, "duplicate check '%s' on domain '%s'", c->name, name);
                dt->nchecks--;
                break;
            }
    }
}

const DomainType *sema_find_dtype(Sema *s, const char *name)
{
    for (size_t i = 0; i < s->m->ndtypes; i++)
        if (!strcmp(s->m->dtypes[i].name, name))
            return &s->m->dtypes[i];
    return NULL;
}

int sema_dtype_type(Sema *s, const char *name, const AstType *at, SqlType *out)
{
    const DomainType *dt = name ? sema_find_dtype(s, name) : NULL;
    const CompositeType *ct = name && !dt ? sema_find_ctype(s, name) : NULL;
    if (!dt && !ct)
        return -1;
    const char *tname = dt ? dt->name : ct ? ct->name : "";
    if (at->has_args) {
        sema_err(s, at->span, "a %s type takes no parameters", dt ? "domain" : "composite");
        return 0;
    }
    if (at->ndims) {
        sema_err(s, at->span, "an array of a %s type is not supported", dt ? "domain" : "composite");
        return 0;
    }
    StrBuf q = SB_INIT;
    model_dtype_spelling(&q, tname);
    *out = (SqlType){.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1,
                     .other = arena_strdup(s->a, sb_str(&q))};
    sb_release(&q);
    return 1;
}

/* ---- composite types: `type name { attr type ... }` ------------------------------------- */

const CompositeType *sema_find_ctype(Sema *s, const char *name)
{
    for (size_t i = 0; i < s->m->nctypes; i++)
        if (!strcmp(s->m->ctypes[i].name, name))
            return &s->m->ctypes[i];
    return NULL;
}

void sema_declare_ctype(Sema *s, const AstDecl *d)
{
    const char *raw = NULL;
    const char *name = sema_term_name2(s, d->name, d->name->kind == TERM_IDENT, &raw);
    if (!name || builtin_name(s, d, name))
        return;
    if (sema_find_ctype(s, name) || sema_find_dtype(s, name)) {
        sema_err(s, d->name->span, "duplicate type '%s'", name);
        return;
    }
    if (d->attrs)
        sema_err(s, d->attrs->name_span, "a composite type takes no '@@' attributes");
    if (d->as)
        sema_err(s, d->as->span, "a composite type has no 'as' relations");
    size_t n = 0;
    for (const AstField *f = d->fields; f; f = f->next)
        n++;
    if (!n) {
        sema_err(s, d->name->span, "composite type '%s' has no attributes", name);
        return;
    }
    CompositeAttr *attrs = ARENA_ARRAY(s->a, CompositeAttr, n);
    size_t k = 0;
    bool ok = true;
    for (const AstField *f = d->fields; f; f = f->next) {
        const char *an = sema_term_name(s, f->name);
        if (!an) {
            ok = false;
            continue;
        }
        for (size_t j = 0; j < k; j++)
            if (!strcmp(attrs[j].name, an)) {
                sema_err(s, f->name->span, "duplicate attribute '%s' in type '%s'", an, name);
                ok = false;
            }
        if (f->type.nullable) {
            sema_err(s, f->type.span, "the attributes of a composite type are always nullable: "
                                      "drop the '?'");
            ok = false;
        }
        if (f->def || f->attrs) {
            sema_err(s, f->span, "an attribute of a composite type takes no default and no "
                                 "'@' attributes");
            ok = false;
        }
        SqlType ty = {.length = -1, .precision = -1, .scale = -1};
        int r = sema_resolve_type(s, NULL, an, &f->type, &ty);
        if (r == 2) {
            sema_err(s, f->type.span, "an attribute of a composite type cannot be a reference");
            ok = false;
            continue;
        }
        if (r != 1) {
            ok = false;
            continue;
        }
        if (sema_is_serial(ty.kind) ||
            (ty.kind == TY_OTHER && !model_type_domain(s->m, &ty))) {
            sema_err(s, f->type.span, "an attribute of a composite type cannot be a serial or "
                                      "another composite type");
            ok = false;
            continue;
        }
        attrs[k++] = (CompositeAttr){an, ty, f->span};
    }
    if (!ok)
        return;
    size_t cap = s->m->nctypes;
    CompositeType *ct = PUSH(s, s->m->ctypes, s->m->nctypes, cap);
    *ct = (CompositeType){name, attrs, k, d->doc, d->span};
}
