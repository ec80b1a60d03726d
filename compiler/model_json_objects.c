/*
 * model_json_objects.c - Model.objects <-> the "objects" member of snapshot.json
 * (docs/model-json.md): one JSON object per DbObject, optional members omitted at their
 * default. Built and read with jansson; model_json.c calls in only when a model has objects
 * (writing) or the document has the member (reading), so snapshots without objects cost
 * nothing more. Stage: Model <-> JSON text.
 */
#include "model_json_objects.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const char *const kinds[DBO__COUNT] = {"extension", "function", "view",
                                              "trigger",   "rls",      "policy"};
static const char *const timings[] = {"before", "after", "insteadOf"};

static void set_s(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

static void set_b(json_t *o, const char *k, bool v)
{
    if (v)
        json_object_set_new(o, k, json_true());
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *index_json(const Index *ix)
{
    json_t *o = json_object();
    set_s(o, "name", ix->name);
    set_b(o, "unique", ix->unique);
    set_s(o, "method", ix->method);
    json_t *el = json_array();
    for (size_t i = 0; i < ix->nelems; i++) {
        json_t *e = json_object();
        set_s(e, "column", ix->elems[i].column);
        set_s(e, "expr", ix->elems[i].expr);
        set_b(e, "desc", ix->elems[i].desc);
        if (ix->elems[i].nulls)
            json_object_set_new(e, "nulls", json_integer(ix->elems[i].nulls));
        json_array_append_new(el, e);
    }
    json_object_set_new(o, "elems", el);
    set_s(o, "where", ix->where);
    return o;
}

static json_t *object_json(const DbObject *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(kinds[d->kind]));
    set_s(o, "name", d->name);
    set_s(o, "table", d->table);
    set_s(o, "version", d->version);
    set_b(o, "procedure", d->procedure);
    set_s(o, "args", d->args);
    set_s(o, "returns", d->returns);
    set_s(o, "language", d->language);
    if (d->kind == DBO_FUNCTION && d->volatility != 'v')
        json_object_set_new(o, "volatility", json_string(d->volatility == 'i' ? "immutable"
                                                                              : "stable"));
    set_b(o, "strict", d->strict);
    set_b(o, "securityDefiner", d->security_definer);
    set_s(o, "searchPath", d->search_path);
    set_b(o, "materialized", d->materialized);
    if (d->nindexes) {
        json_t *ix = json_array();
        for (size_t i = 0; i < d->nindexes; i++)
            json_array_append_new(ix, index_json(&d->indexes[i]));
        json_object_set_new(o, "indexes", ix);
    }
    if (d->kind == DBO_TRIGGER) {
        json_object_set_new(o, "timing", json_string(timings[d->timing]));
        json_object_set_new(o, "events", json_integer(d->events));
        set_b(o, "forEachRow", d->for_each_row);
        set_s(o, "when", d->when);
        set_s(o, "function", d->function);
    }
    set_b(o, "force", d->force);
    if (d->kind == DBO_POLICY) {
        set_s(o, "command", d->command);
        if (d->nroles)
            json_object_set_new(o, "roles", strs(d->roles, d->nroles));
        set_s(o, "using", d->using_expr);
        set_s(o, "withCheck", d->check_expr);
        set_b(o, "restrictive", d->restrictive);
    }
    set_s(o, "body", d->body);
    if (d->ndeps)
        json_object_set_new(o, "deps", strs(d->deps, d->ndeps));
    return o;
}

void objects_json_write(StrBuf *out, const Model *m, int depth)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->nobjects; i++)
        json_array_append_new(a, object_json(&m->objects[i]));
    char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(a);
    for (const char *p = s ? s : "[]"; *p; p++) {
        sb_addch(out, *p);
        if (*p == '\n')
            for (int i = 0; i < depth * 2; i++)
                sb_addch(out, ' ');
    }
    free(s);
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct R {
    Arena *a;
    Diag *d;
    const char *path;
    bool failed;
} R;

static const char *get_s(R *r, json_t *o, const char *k, bool required, size_t i)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) {
        if (required && !r->failed) {
            diag_global(r->d, DIAG_ERROR, "%s: objects[%zu]: missing \"%s\"", r->path, i, k);
            r->failed = true;
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        if (!r->failed)
            diag_global(r->d, DIAG_ERROR, "%s: objects[%zu].%s: expected a string", r->path, i,
                        k);
        r->failed = true;
        return NULL;
    }
    return arena_strdup(r->a, json_string_value(v));
}

static bool get_b(json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static const char **get_strs(R *r, json_t *o, const char *k, size_t *n, size_t i)
{
    json_t *v = json_object_get(o, k);
    *n = 0;
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        if (!r->failed)
            diag_global(r->d, DIAG_ERROR, "%s: objects[%zu].%s: expected an array", r->path, i,
                        k);
        r->failed = true;
        return NULL;
    }
    size_t cnt = json_array_size(v);
    const char **out = ARENA_ARRAY(r->a, const char *, cnt + 1);
    for (size_t j = 0; j < cnt; j++) {
        json_t *e = json_array_get(v, j);
        if (!json_is_string(e)) {
            r->failed = true;
            return NULL;
        }
        out[(*n)++] = arena_strdup(r->a, json_string_value(e));
    }
    return out;
}

static void read_index(R *r, json_t *o, Index *ix, size_t i)
{
    ix->name = get_s(r, o, "name", true, i);
    ix->unique = get_b(o, "unique");
    ix->method = get_s(r, o, "method", false, i);
    if (!ix->method)
        ix->method = "btree";
    ix->where = get_s(r, o, "where", false, i);
    json_t *el = json_object_get(o, "elems");
    size_t n = json_is_array(el) ? json_array_size(el) : 0;
    ix->elems = ARENA_ARRAY(r->a, IndexElem, n + 1);
    for (size_t k = 0; k < n; k++) {
        json_t *e = json_array_get(el, k);
        IndexElem *x = &ix->elems[ix->nelems++];
        x->column = get_s(r, e, "column", false, i);
        x->expr = get_s(r, e, "expr", false, i);
        x->desc = get_b(e, "desc");
        x->nulls = (int)json_integer_value(json_object_get(e, "nulls"));
    }
}

static void read_object(R *r, json_t *o, DbObject *d, size_t i)
{
    memset(d, 0, sizeof *d);
    const char *k = get_s(r, o, "kind", true, i);
    size_t ki = 0;
    while (k && ki < DBO__COUNT && strcmp(k, kinds[ki]))
        ki++;
    if (!k || ki == DBO__COUNT) {
        if (k && !r->failed)
            diag_global(r->d, DIAG_ERROR, "%s: objects[%zu]: unknown kind '%s'", r->path, i, k);
        r->failed = true;
        return;
    }
    d->kind = (DbObjKind)ki;
    d->name = get_s(r, o, "name", true, i);
    d->table = get_s(r, o, "table", false, i);
    d->version = get_s(r, o, "version", false, i);
    d->procedure = get_b(o, "procedure");
    d->args = get_s(r, o, "args", false, i);
    d->returns = get_s(r, o, "returns", false, i);
    d->language = get_s(r, o, "language", false, i);
    const char *v = get_s(r, o, "volatility", false, i);
    d->volatility = !v ? 'v' : !strcmp(v, "immutable") ? 'i' : 's';
    d->strict = get_b(o, "strict");
    d->security_definer = get_b(o, "securityDefiner");
    d->search_path = get_s(r, o, "searchPath", false, i);
    d->materialized = get_b(o, "materialized");
    json_t *ix = json_object_get(o, "indexes");
    if (json_is_array(ix)) {
        d->indexes = ARENA_ARRAY(r->a, Index, json_array_size(ix) + 1);
        for (size_t j = 0; j < json_array_size(ix); j++)
            read_index(r, json_array_get(ix, j), &d->indexes[d->nindexes++], i);
    }
    const char *t = get_s(r, o, "timing", false, i);
    d->timing = !t || !strcmp(t, "before") ? TRIG_BEFORE : !strcmp(t, "after") ? TRIG_AFTER
                                                                                : TRIG_INSTEAD_OF;
    d->events = (unsigned)json_integer_value(json_object_get(o, "events"));
    d->for_each_row = get_b(o, "forEachRow");
    d->when = get_s(r, o, "when", false, i);
    d->function = get_s(r, o, "function", false, i);
    d->force = get_b(o, "force");
    d->command = get_s(r, o, "command", false, i);
    if (!d->command)
        d->command = "ALL";
    d->roles = get_strs(r, o, "roles", &d->nroles, i);
    d->using_expr = get_s(r, o, "using", false, i);
    d->check_expr = get_s(r, o, "withCheck", false, i);
    d->restrictive = get_b(o, "restrictive");
    d->body = get_s(r, o, "body", false, i);
    d->deps = get_strs(r, o, "deps", &d->ndeps, i);
}

bool objects_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                       Diag *d)
{
    json_error_t e;
    json_t *root = json_loadb(text, len, 0, &e);
    R r = {a, d, path, false};
    json_t *arr = root ? json_object_get(root, "objects") : NULL;
    if (!json_is_array(arr)) {
        diag_global(d, DIAG_ERROR, "%s: \"objects\" must be an array", path);
        json_decref(root);
        return false;
    }
    size_t n = json_array_size(arr);
    out->objects = ARENA_ARRAY(a, DbObject, n + 1);
    out->nobjects = 0;
    for (size_t i = 0; i < n && !r.failed; i++)
        read_object(&r, json_array_get(arr, i), &out->objects[out->nobjects++], i);
    json_decref(root);
    return !r.failed;
}
