/*
 * model_json.c - Model <-> JSON (format: docs/model-json.md). Written directly into a StrBuf in
 * a fixed key order with a 2-space indent (byte-for-byte what jansson's JSON_INDENT(2) gave);
 * optional members are omitted when they hold their default, so snapshots stay small and diffs
 * stay readable. Read with a small strict parser into an arena tree (jansson's DOM made reading
 * a 10,000-table snapshot cost more than the rest of `stravc generate`; see bench/generate.sh).
 * Reading is strict: unknown kinds and wrong member types are errors naming the JSON path.
 */
#include "model_json.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_json_objects.h" /* objects (issue 14) */
#include "strbuf.h"

/* ---------------------------------------------------------------- writing */

static const char *const default_kinds[] = {"none", "string", "number", "bool", "null", "expr"};
static const char *const fk_actions[] = {"noAction", "restrict", "cascade", "setNull",
                                         "setDefault"};
static const char *const deferrals[] = {"none", "immediate", "deferred"};
static const char *const identities[] = {"none", "always", "byDefault"};
static const char *const validator_kinds[] = {"email", "url", "min", "max", "length", "regex"};
static const char *const archetypes[] = {"entity",        "component",    "attribute",
                                         "association",   "event",        "reference",
                                         "configuration", "contribution", "table"};

/* A JSON writer with jansson's JSON_INDENT(2) layout: members and elements each on their own
 * line, "key": value, empty containers as {} and []. */
typedef struct JW {
    StrBuf *out;
    int depth;
    bool first[64]; /* nothing written yet at this depth */
    bool after_key; /* the next value completes a "key": */
    int flat;       /* containers deeper than this are written on one line, without spaces */
    size_t *toff, *tlen; /* model_json_write_compact_index */
    struct TableRun *run; /* the tables from run->from on are written by another thread */
} JW;

/* Appends for the writer: the buffer is grown once for a whole snapshot, so these are mostly
 * a bounds check and a copy (sb_add's call per byte was a tenth of generate's writing). */
static inline void put(StrBuf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        sb_add(o, s, n);
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static inline void put_ch(StrBuf *o, char c)
{
    if (o->len + 2 > o->cap) {
        sb_addch(o, c);
        return;
    }
    o->buf[o->len++] = c;
    o->buf[o->len] = '\0';
}

static inline void put_s(StrBuf *o, const char *s)
{
    put(o, s, strlen(s));
}

static void jw_newline(JW *w, int depth)
{
    sb_grow(w->out, (size_t)depth * 2 + 1);
    w->out->buf[w->out->len++] = '\n';
    memset(w->out->buf + w->out->len, ' ', (size_t)depth * 2);
    w->out->len += (size_t)depth * 2;
    w->out->buf[w->out->len] = '\0';
}

/* Before a value or a key: the separator and the indent of a new line. */
static void jw_item(JW *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (!w->first[w->depth])
        put_ch(w->out, ',');
    w->first[w->depth] = false;
    if (w->depth <= w->flat)
        jw_newline(w, w->depth);
}

static void jw_open(JW *w, char c)
{
    jw_item(w);
    put_ch(w->out, c);
    if (++w->depth >= (int)ARRAY_LEN(w->first))
        BUG("JSON nesting too deep");
    w->first[w->depth] = true;
}

static void jw_close(JW *w, char c)
{
    bool empty = w->first[w->depth];
    w->depth--;
    if (!empty && w->depth < w->flat)
        jw_newline(w, w->depth);
    put_ch(w->out, c);
}

static void jw_quoted(StrBuf *out, const char *s)
{
    /* one pass copying, while at least 8 bytes are left (an escape is 6, then '"' and the
     * NUL); growing is rare, the snapshot's buffer is sized up front */
    if (out->cap - out->len < 16 || !out->buf)
        sb_grow(out, 16);
    char *o = out->buf + out->len, *lim = out->buf + out->cap - 8;
    *o++ = '"';
    for (; *s; s++) {
        if (o >= lim) {
            out->len = (size_t)(o - out->buf);
            sb_grow(out, 6 * strlen(s) + 8);
            o = out->buf + out->len;
            lim = out->buf + out->cap - 8;
        }
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = "0123456789ABCDEF"[c >> 4];
            *o++ = "0123456789ABCDEF"[c & 15];
            break;
        }
    }
    *o++ = '"';
    *o = '\0';
    out->len = (size_t)(o - out->buf);
}

static inline void key(JW *w, const char *k)
{
    jw_item(w);
    put_ch(w->out, '"');
    put_s(w->out, k);
    if (w->depth <= w->flat)
        put(w->out, "\": ", 3);
    else
        put(w->out, "\":", 2);
    w->after_key = true;
}

static void v_str(JW *w, const char *s)
{
    jw_item(w);
    jw_quoted(w->out, s);
}

static void v_lit(JW *w, const char *lit)
{
    jw_item(w);
    put_s(w->out, lit);
}

static void v_int(JW *w, long long v)
{
    jw_item(w);
    char buf[24], *e = buf + sizeof buf, *q = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--q = '-';
    put(w->out, q, (size_t)(e - q));
}

static inline void set_str(JW *w, const char *k, const char *s)
{
    key(w, k);
    v_str(w, s);
}

static inline void set_str_opt(JW *w, const char *k, const char *s)
{
    if (s)
        set_str(w, k, s);
}

static inline void set_lit(JW *w, const char *k, const char *lit)
{
    key(w, k);
    v_lit(w, lit);
}

static void set_int(JW *w, const char *k, long long v)
{
    key(w, k);
    v_int(w, v);
}

static void str_array(JW *w, const char *k, const char *const *v, size_t n)
{
    key(w, k);
    jw_open(w, '[');
    for (size_t i = 0; i < n; i++)
        v_str(w, v[i]);
    jw_close(w, ']');
}

static void type_json(JW *w, const SqlType *t)
{
    key(w, "type");
    jw_open(w, '{');
    set_str(w, "kind", type_kind_name(t->kind));
    if (t->length >= 0)
        set_int(w, "length", t->length);
    if (t->precision >= 0)
        set_int(w, "precision", t->precision);
    if (t->scale >= 0)
        set_int(w, "scale", t->scale);
    if (t->ndims > 0)
        set_int(w, "dims", t->ndims);
    set_str_opt(w, "enum", t->enum_name);
    set_str_opt(w, "enumSchema", t->enum_schema);
    set_str_opt(w, "other", t->other);
    jw_close(w, '}');
}

static void default_json(JW *w, const char *k, const Default *d)
{
    key(w, k);
    jw_open(w, '{');
    set_str(w, "kind", default_kinds[d->kind]);
    if (d->kind != DEF_NONE && d->kind != DEF_NULL)
        set_str(w, "text", d->text ? d->text : "");
    if (d->kind == DEF_EXPR)
        set_str_opt(w, "written", d->written);
    jw_close(w, '}');
}

/* adopt2: sequence options as an object of strings (bigint values do not fit a double) */
static void seqopts_json(JW *w, const char *k, const SeqOpts *o)
{
    if (!o->set)
        return;
    key(w, k);
    jw_open(w, '{');
    char b[32];
    if (o->set & SEQ_AS)
        set_str(w, "as", type_kind_name(o->as));
#define SEQ_NUM(bit, name, field)                               \
    if (o->set & bit) {                                         \
        snprintf(b, sizeof b, "%lld", (long long)o->field);     \
        set_str(w, name, b);                                    \
    }
    SEQ_NUM(SEQ_START, "start", start)
    SEQ_NUM(SEQ_INCREMENT, "increment", increment)
    SEQ_NUM(SEQ_MIN, "min", min)
    SEQ_NUM(SEQ_MAX, "max", max)
    SEQ_NUM(SEQ_CACHE, "cache", cache)
#undef SEQ_NUM
    if (o->set & SEQ_CYCLE)
        set_lit(w, "cycle", "true");
    jw_close(w, '}');
}

static void column_json(JW *w, const Column *c)
{
    jw_open(w, '{');
    set_str(w, "name", c->name);
    type_json(w, &c->type);
    set_lit(w, "nullable", c->nullable ? "true" : "false");
    if (c->def.kind != DEF_NONE)
        default_json(w, "default", &c->def);
    if (c->identity != IDENTITY_NONE)
        set_str(w, "identity", identities[c->identity]);
    set_str_opt(w, "generated", c->generated);
    set_str_opt(w, "comment", c->comment);
    if (c->sensitive)
        set_lit(w, "sensitive", "true");
    if (c->nvalidators) {
        key(w, "validators");
        jw_open(w, '[');
        for (size_t i = 0; i < c->nvalidators; i++) {
            const Validator *v = &c->validators[i];
            jw_open(w, '{');
            set_str(w, "kind", validator_kinds[v->kind]);
            set_str_opt(w, "arg1", v->arg1);
            set_str_opt(w, "arg2", v->arg2);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (c->nwas)
        str_array(w, "was", c->was, c->nwas);
    if (c->backfill.kind != DEF_NONE)
        default_json(w, "backfill", &c->backfill);
    set_str_opt(w, "using", c->using_up);
    set_str_opt(w, "usingDown", c->using_down);
    seqopts_json(w, "sequence", &c->seq);      /* adopt2 */
    set_str_opt(w, "collation", c->collation); /* adopt2 */
    jw_close(w, '}');
}

static void table_json(JW *w, const Table *t)
{
    jw_open(w, '{');
    set_str(w, "name", t->name);
    set_str(w, "archetype", archetypes[t->archetype]);
    set_str_opt(w, "comment", t->comment);
    key(w, "columns");
    jw_open(w, '[');
    for (size_t i = 0; i < t->ncolumns; i++)
        column_json(w, &t->columns[i]);
    jw_close(w, ']');
    if (t->pk.name) {
        key(w, "primaryKey");
        jw_open(w, '{');
        set_str(w, "name", t->pk.name);
        str_array(w, "columns", t->pk.cols, t->pk.ncols);
        if (t->pk.deferral != DEFER_NONE) /* adopt2 */
            set_str(w, "deferrable", deferrals[t->pk.deferral]);
        set_str_opt(w, "comment", t->pk.comment);
        jw_close(w, '}');
    }
    if (t->nfks) {
        key(w, "foreignKeys");
        jw_open(w, '[');
        for (size_t i = 0; i < t->nfks; i++) {
            const ForeignKey *fk = &t->fks[i];
            jw_open(w, '{');
            set_str(w, "name", fk->name);
            str_array(w, "columns", fk->cols, fk->ncols);
            set_str_opt(w, "refSchema", fk->ref_schema);
            set_str(w, "refTable", fk->ref_table);
            str_array(w, "refColumns", fk->ref_cols, fk->ncols);
            set_str(w, "onDelete", fk_actions[fk->on_delete]);
            set_str(w, "onUpdate", fk_actions[fk->on_update]);
            if (fk->match_full)
                set_str(w, "match", "full");
            if (fk->deferral != DEFER_NONE)
                set_str(w, "deferrable", deferrals[fk->deferral]);
            if (fk->not_valid)
                set_lit(w, "notValid", "true");
            set_str_opt(w, "comment", fk->comment);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (t->nuniques) {
        key(w, "uniques");
        jw_open(w, '[');
        for (size_t i = 0; i < t->nuniques; i++) {
            jw_open(w, '{');
            set_str(w, "name", t->uniques[i].name);
            str_array(w, "columns", t->uniques[i].cols, t->uniques[i].ncols);
            if (t->uniques[i].nulls_not_distinct)
                set_lit(w, "nullsNotDistinct", "true");
            if (t->uniques[i].deferral != DEFER_NONE)
                set_str(w, "deferrable", deferrals[t->uniques[i].deferral]);
            set_str_opt(w, "comment", t->uniques[i].comment);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (t->nchecks) {
        key(w, "checks");
        jw_open(w, '[');
        for (size_t i = 0; i < t->nchecks; i++) {
            jw_open(w, '{');
            set_str(w, "name", t->checks[i].name);
            set_str(w, "expr", t->checks[i].expr);
            set_str_opt(w, "comment", t->checks[i].comment);
            if (t->checks[i].no_inherit) /* adopt2 */
                set_lit(w, "noInherit", "true");
            if (t->checks[i].not_valid)
                set_lit(w, "notValid", "true");
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (t->nindexes) {
        key(w, "indexes");
        jw_open(w, '[');
        for (size_t i = 0; i < t->nindexes; i++) {
            const Index *ix = &t->indexes[i];
            jw_open(w, '{');
            set_str(w, "name", ix->name);
            if (ix->unique)
                set_lit(w, "unique", "true");
            set_str(w, "method", ix->method ? ix->method : "btree");
            key(w, "elements");
            jw_open(w, '[');
            for (size_t j = 0; j < ix->nelems; j++) {
                const IndexElem *e = &ix->elems[j];
                jw_open(w, '{');
                set_str_opt(w, "column", e->column);
                set_str_opt(w, "expr", e->expr);
                if (e->desc)
                    set_lit(w, "desc", "true");
                if (e->nulls)
                    set_str(w, "nulls", e->nulls == 1 ? "first" : "last");
                set_str_opt(w, "collation", e->collation); /* adopt2 */
                set_str_opt(w, "opclass", e->opclass);
                jw_close(w, '}');
            }
            jw_close(w, ']');
            if (ix->ninclude) /* adopt2 */
                str_array(w, "include", ix->include, ix->ninclude);
            set_str_opt(w, "where", ix->where);
            if (ix->nulls_not_distinct)
                set_lit(w, "nullsNotDistinct", "true");
            set_str_opt(w, "comment", ix->comment);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (t->nwas)
        str_array(w, "was", t->was, t->nwas);
    set_str_opt(w, "asA", t->as_a);
    set_str_opt(w, "asB", t->as_b);
    set_str_opt(w, "partitionBy", t->partition_by); /* types branch */
    set_str_opt(w, "partitionOf", t->partition_of);
    set_str_opt(w, "partitionBound", t->partition_bound);
    if (t->nexcludes) {
        key(w, "excludes");
        jw_open(w, '[');
        for (size_t i = 0; i < t->nexcludes; i++) {
            const Exclusion *x = &t->excludes[i];
            jw_open(w, '{');
            set_str(w, "name", x->name);
            set_str(w, "method", x->method);
            key(w, "elements");
            jw_open(w, '[');
            for (size_t j = 0; j < x->nelems; j++) {
                jw_open(w, '{');
                set_str_opt(w, "column", x->elems[j].column);
                set_str_opt(w, "expr", x->elems[j].expr);
                set_str(w, "op", x->elems[j].op);
                jw_close(w, '}');
            }
            jw_close(w, ']');
            set_str_opt(w, "where", x->where);
            if (x->deferral != DEFER_NONE)
                set_str(w, "deferrable", deferrals[x->deferral]);
            set_str_opt(w, "comment", x->comment);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

/* types branch: a composite type */
static void ctype_json(JW *w, const CompositeType *ct)
{
    jw_open(w, '{');
    set_str(w, "name", ct->name);
    key(w, "attributes");
    jw_open(w, '[');
    for (size_t i = 0; i < ct->nattrs; i++) {
        jw_open(w, '{');
        set_str(w, "name", ct->attrs[i].name);
        type_json(w, &ct->attrs[i].type);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    set_str_opt(w, "comment", ct->comment);
    jw_close(w, '}');
}

/* types branch: a SQL domain */
static void dtype_json(JW *w, const DomainType *dt)
{
    jw_open(w, '{');
    set_str(w, "name", dt->name);
    type_json(w, &dt->base);
    set_lit(w, "nullable", dt->nullable ? "true" : "false");
    if (dt->def.kind != DEF_NONE)
        default_json(w, "default", &dt->def);
    if (dt->nchecks) {
        key(w, "checks");
        jw_open(w, '[');
        for (size_t i = 0; i < dt->nchecks; i++) {
            jw_open(w, '{');
            set_str(w, "name", dt->checks[i].name);
            set_str(w, "expr", dt->checks[i].expr);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    set_str_opt(w, "comment", dt->comment);
    jw_close(w, '}');
}

static void enum_json(JW *w, const Enum *e)
{
    jw_open(w, '{');
    set_str(w, "name", e->name);
    set_str_opt(w, "comment", e->comment);
    key(w, "values");
    jw_open(w, '[');
    for (size_t i = 0; i < e->nvalues; i++) {
        const EnumValue *v = &e->values[i];
        if (!v->nwas) {
            v_str(w, v->name);
            continue;
        }
        jw_open(w, '{');
        set_str(w, "name", v->name);
        str_array(w, "was", v->was, v->nwas);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    if (e->nwas)
        str_array(w, "was", e->was, e->nwas);
    jw_close(w, '}');
}

/* Tables [from, to) of m, noting where each one's text lies when asked (w->toff). */
static void tables_json(JW *w, const Model *m, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        size_t at = w->out->len;
        table_json(w, &m->tables[i]);
        if (w->toff) { /* past the separator and the indent */
            while (w->out->buf[at] != '{')
                at++;
            w->toff[i] = at;
            w->tlen[i] = w->out->len - at;
        }
    }
}

/* The second half of a big snapshot's tables, written on a second thread into its own buffer
 * exactly as they follow the first half (each after its ",\n    "), then appended. */
typedef struct TableRun {
    const Model *m;
    size_t from;
    StrBuf out;
    size_t *off, *len; /* the caller's arrays, offsets into out until appended */
    pthread_t th;
    bool started;
} TableRun;

static void *run_main(void *arg)
{
    TableRun *r = arg;
    JW w = {.out = &r->out, .depth = 2, .flat = 2, .toff = r->off, .tlen = r->len};
    w.first[2] = false; /* inside the root object and "tables", after the first table */
    sb_grow(&r->out, 2048 * (r->m->ntables - r->from));
    tables_json(&w, r->m, r->from, r->m->ntables);
    return NULL;
}

static void run_append(JW *w, TableRun *r)
{
    if (r->started)
        pthread_join(r->th, NULL);
    else
        run_main(r);
    size_t base = w->out->len;
    put(w->out, r->out.buf ? r->out.buf : "", r->out.len);
    for (size_t i = r->from; i < r->m->ntables; i++)
        r->off[i] += base;
    sb_release(&r->out);
    w->first[w->depth] = false;
}

static void model_json(JW *w, const Model *m)
{
    jw_open(w, '{');
    set_str(w, "domain", m->domain ? m->domain : "public");
    set_str(w, "schema", m->schema ? m->schema : "public");
    if (m->per_tenant || m->tenants.query || m->tenants.pattern) {
        key(w, "tenants");
        jw_open(w, '{');
        set_str_opt(w, "query", m->tenants.query);
        set_str_opt(w, "pattern", m->tenants.pattern);
        jw_close(w, '}');
    } else {
        set_lit(w, "tenants", "null");
    }
    set_str_opt(w, "comment", m->comment); /* adopt2: COMMENT ON SCHEMA */
    if (m->nsequences) {                     /* adopt2: standalone sequences */
        key(w, "sequences");
        jw_open(w, '[');
        for (size_t i = 0; i < m->nsequences; i++) {
            jw_open(w, '{');
            set_str(w, "name", m->sequences[i].name);
            seqopts_json(w, "options", &m->sequences[i].opts);
            set_str_opt(w, "comment", m->sequences[i].comment);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    key(w, "enums");
    jw_open(w, '[');
    for (size_t i = 0; i < m->nenums; i++)
        enum_json(w, &m->enums[i]);
    jw_close(w, ']');
    if (m->ndtypes) { /* types branch: SQL domains, only when there are any */
        key(w, "domainTypes");
        jw_open(w, '[');
        for (size_t i = 0; i < m->ndtypes; i++)
            dtype_json(w, &m->dtypes[i]);
        jw_close(w, ']');
    }
    if (m->nctypes) { /* types branch: composite types, only when there are any */
        key(w, "compositeTypes");
        jw_open(w, '[');
        for (size_t i = 0; i < m->nctypes; i++)
            ctype_json(w, &m->ctypes[i]);
        jw_close(w, ']');
    }
    key(w, "tables");
    jw_open(w, '[');
    size_t upto = w->run ? w->run->from : m->ntables;
    tables_json(w, m, 0, upto);
    if (w->run)
        run_append(w, w->run);
    jw_close(w, ']');
    if (m->nobjects) { /* objects (issue 14): model_json_objects.c */
        key(w, "objects");
        jw_item(w);
        objects_json_write(w->out, m, w->depth);
    }
    jw_close(w, '}');
}

void model_json_write(StrBuf *out, const Model *m)
{
    JW w = {.out = out, .flat = INT_MAX};
    model_json(&w, m);
    put_ch(out, '\n');
}

void model_json_write_compact(StrBuf *out, const Model *m)
{
    model_json_write_compact_index(out, m, NULL, NULL);
}

void model_json_write_compact_index(StrBuf *out, const Model *m, size_t *off, size_t *len)
{
    JW w = {.out = out, .flat = 2, .toff = off, .tlen = len}; /* root members and the items
                                                                 of "enums"/"tables" */
    sb_grow(out, 4096 + m->ntables * 2048); /* a table is a line of about 1.6 kB: no copies */
    TableRun run = {.m = m, .from = m->ntables / 2, .out = SB_INIT, .off = off, .len = len};
    if (off && m->ntables >= 1000) { /* the other half on a second thread */
        run.started = pthread_create(&run.th, NULL, run_main, &run) == 0;
        w.run = &run;
    }
    model_json(&w, m);
    put_ch(out, '\n');
}

void project_json_write(StrBuf *out, const Project *p)
{
    JW w = {.out = out, .flat = INT_MAX};
    jw_open(&w, '{');
    key(&w, "domains");
    jw_open(&w, '[');
    for (size_t i = 0; i < p->ndomains; i++)
        model_json(&w, &p->domains[i]);
    jw_close(&w, ']');
    jw_close(&w, '}');
    put_ch(out, '\n');
}

/* ---------------------------------------------------------------- parsing */

/* A parsed JSON value. Strings are NUL-terminated copies in the caller's arena (the model keeps
 * them); object keys point into the input when they hold no escape. Containers are arrays of
 * values (objects: of members) in a scratch arena dropped after reading. */
typedef enum JType {
    J_NULL, J_FALSE, J_TRUE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT,
    J_REUSED /* a table's text equal to the new model's table u.i (model_json_reuse) */
} JType;
typedef struct JMember JMember;
typedef struct JV {
    JType type;
    size_t n; /* string length, array/object size */
    union {
        const char *s;
        long long i;
        struct JV *items;
        JMember *members;
    } u;
} JV;
struct JMember {
    const char *key;
    size_t klen;
    JV val;
};

typedef struct JParser {
    Arena *strings, *nodes;
    const char *p, *start, *end;
    const char *err; /* the first error, NULL while fine */
    const char *err_at;
    JV *stack; /* elements of the containers being parsed */
    JMember *mstack;
    size_t nstack, capstack, nmstack, capmstack;
    int depth;
    const ModelJsonReuse *reuse;
    bool in_tables; /* parsing the value of the root's "tables" */
} JParser;

static _Thread_local const ModelJsonReuse *reuse_set; /* model_json_reuse */

void model_json_reuse(const ModelJsonReuse *r)
{
    reuse_set = r;
}

static void jerr(JParser *jp, const char *msg)
{
    if (!jp->err) {
        jp->err = msg;
        jp->err_at = jp->p;
    }
}

static void jskip_ws(JParser *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\t' || *jp->p == '\r'))
        jp->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static long read_hex4(JParser *jp, const char *q)
{
    if (jp->end - q < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(q[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at q (first byte >= 0x80), 0 when invalid. */
static size_t utf8_seq(const unsigned char *q, const unsigned char *end)
{
    unsigned c = q[0];
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - q) < n)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((q[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (q[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void put_utf8(char **o, unsigned long cp)
{
    char *q = *o;
    if (cp < 0x80) {
        *q++ = (char)cp;
    } else if (cp < 0x800) {
        *q++ = (char)(0xC0 | (cp >> 6));
        *q++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *q++ = (char)(0xE0 | (cp >> 12));
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *q++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *q++ = (char)(0xF0 | (cp >> 18));
        *q++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *q++ = (char)(0x80 | (cp & 0x3F));
    }
    *o = q;
}

/* A string at jp->p (on the opening quote). as_key: point into the input when possible. */
static bool jstring(JParser *jp, const char **out, size_t *len, bool as_key)
{
    const char *q = ++jp->p;
    bool escapes = false;
    while (q < jp->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c == '\\') {
            escapes = true;
            q += 2;
        } else if (c < 0x20) {
            jp->p = q;
            jerr(jp, "control character in a string");
            return false;
        } else if (c >= 0x80) {
            size_t n = utf8_seq((const unsigned char *)q, (const unsigned char *)jp->end);
            if (!n) {
                jp->p = q;
                jerr(jp, "invalid UTF-8 in a string");
                return false;
            }
            q += n;
        } else {
            q++;
        }
    }
    if (q >= jp->end) {
        jerr(jp, "unterminated string");
        return false;
    }
    size_t raw = (size_t)(q - jp->p);
    if (!escapes) {
        *out = as_key ? jp->p : arena_strndup(jp->strings, jp->p, raw);
        *len = raw;
        jp->p = q + 1;
        return true;
    }
    char *buf = arena_alloc(jp->strings, raw + 1), *o = buf;
    const char *s = jp->p;
    while (s < q) {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        jp->p = s;
        s++;
        switch (*s++) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            long cp = read_hex4(jp, s);
            if (cp < 0) {
                jerr(jp, "invalid \\u escape");
                return false;
            }
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = s + 1 < q && s[0] == '\\' && s[1] == 'u' ? read_hex4(jp, s + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    jerr(jp, "invalid surrogate pair in a \\u escape");
                    return false;
                }
                s += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
                jerr(jp, cp ? "invalid surrogate in a \\u escape" : "\\u0000 is not allowed");
                return false;
            }
            put_utf8(&o, (unsigned long)cp);
            break;
        }
        default:
            jerr(jp, "invalid escape");
            return false;
        }
    }
    *o = '\0';
    *out = buf;
    *len = (size_t)(o - buf);
    jp->p = q + 1;
    return true;
}

static void *jgrow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return v;
    *cap = *cap ? *cap * 2 : 256;
    if (*cap < need)
        *cap = need;
    return xrealloc(v, *cap * size);
}

static bool jvalue(JParser *jp, JV *v);

/* An element of the root's "tables" at jp->p: when its bytes are exactly the new model's text
 * of the table it names, take that table (J_REUSED) and skip the bytes. The text is a whole
 * JSON object, so a prefix match is the element itself. */
static bool jreuse(JParser *jp, JV *v)
{
    static const char pre[] = "{\"name\":\"";
    const size_t npre = sizeof pre - 1;
    const ModelJsonReuse *r = jp->reuse;
    const char *q = jp->p;
    if (!r || (size_t)(jp->end - q) < npre || memcmp(q, pre, npre))
        return false;
    const char *name = q + npre, *e = name;
    while (e < jp->end && *e != '"' && *e != '\\' && e - name < 255)
        e++;
    if (e >= jp->end || *e != '"')
        return false;
    char buf[256];
    memcpy(buf, name, (size_t)(e - name));
    buf[e - name] = '\0';
    const Table *t = model_find_table(r->m, buf);
    if (!t)
        return false;
    size_t k = (size_t)(t - r->m->tables), len = r->len[k];
    if ((size_t)(jp->end - q) < len || memcmp(q, r->json + r->off[k], len))
        return false;
    memset(v, 0, sizeof *v);
    v->type = J_REUSED;
    v->u.i = (long long)k;
    jp->p = q + len;
    return true;
}

static bool jarray(JParser *jp, JV *v)
{
    jp->p++;
    size_t base = jp->nstack;
    jskip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
    } else {
        bool tables = jp->in_tables && jp->depth == 2;
        for (;;) {
            JV item;
            jskip_ws(jp);
            if (!(tables && jreuse(jp, &item)) && !jvalue(jp, &item))
                return false;
            jp->stack = jgrow(jp->stack, &jp->capstack, jp->nstack + 1, sizeof(JV));
            jp->stack[jp->nstack++] = item;
            jskip_ws(jp);
            if (jp->p < jp->end && *jp->p == ',') {
                jp->p++;
                continue;
            }
            if (jp->p < jp->end && *jp->p == ']') {
                jp->p++;
                break;
            }
            jerr(jp, "',' or ']' expected");
            return false;
        }
    }
    v->type = J_ARRAY;
    v->n = jp->nstack - base;
    v->u.items = v->n ? ARENA_ARRAY(jp->nodes, JV, v->n) : NULL;
    if (v->n)
        memcpy(v->u.items, jp->stack + base, v->n * sizeof(JV));
    jp->nstack = base;
    return true;
}

static bool jobject(JParser *jp, JV *v)
{
    jp->p++;
    size_t base = jp->nmstack;
    jskip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
    } else {
        for (;;) {
            JMember m;
            jskip_ws(jp);
            if (jp->p >= jp->end || *jp->p != '"') {
                jerr(jp, "string or '}' expected");
                return false;
            }
            const char *at = jp->p;
            if (!jstring(jp, &m.key, &m.klen, true))
                return false;
            for (size_t i = base; i < jp->nmstack; i++) {
                if (jp->mstack[i].klen == m.klen && !memcmp(jp->mstack[i].key, m.key, m.klen)) {
                    jp->p = at;
                    jerr(jp, "duplicate object key");
                    return false;
                }
            }
            jskip_ws(jp);
            if (jp->p >= jp->end || *jp->p != ':') {
                jerr(jp, "':' expected");
                return false;
            }
            jp->p++;
            if (jp->depth == 1)
                jp->in_tables = m.klen == 6 && !memcmp(m.key, "tables", 6);
            bool ok = jvalue(jp, &m.val);
            if (jp->depth == 1)
                jp->in_tables = false;
            if (!ok)
                return false;
            jp->mstack = jgrow(jp->mstack, &jp->capmstack, jp->nmstack + 1, sizeof(JMember));
            jp->mstack[jp->nmstack++] = m;
            jskip_ws(jp);
            if (jp->p < jp->end && *jp->p == ',') {
                jp->p++;
                continue;
            }
            if (jp->p < jp->end && *jp->p == '}') {
                jp->p++;
                break;
            }
            jerr(jp, "',' or '}' expected");
            return false;
        }
    }
    v->type = J_OBJECT;
    v->n = jp->nmstack - base;
    v->u.members = v->n ? ARENA_ARRAY(jp->nodes, JMember, v->n) : NULL;
    if (v->n)
        memcpy(v->u.members, jp->mstack + base, v->n * sizeof(JMember));
    jp->nmstack = base;
    return true;
}

static bool jlit(JParser *jp, const char *word, JType t, JV *v)
{
    size_t n = strlen(word);
    if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n)) {
        jerr(jp, "invalid token");
        return false;
    }
    jp->p += n;
    v->type = t;
    return true;
}

static bool jnumber(JParser *jp, JV *v)
{
    const char *q = jp->p;
    if (q < jp->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < jp->end && *q >= '0' && *q <= '9')
        q++;
    if (q == digits || (*digits == '0' && q - digits > 1)) {
        jerr(jp, "invalid number");
        return false;
    }
    bool real = false;
    if (q < jp->end && *q == '.') {
        real = true;
        const char *f = ++q;
        while (q < jp->end && *q >= '0' && *q <= '9')
            q++;
        if (q == f) {
            jerr(jp, "invalid number");
            return false;
        }
    }
    if (q < jp->end && (*q == 'e' || *q == 'E')) {
        real = true;
        q++;
        if (q < jp->end && (*q == '+' || *q == '-'))
            q++;
        const char *f = q;
        while (q < jp->end && *q >= '0' && *q <= '9')
            q++;
        if (q == f) {
            jerr(jp, "invalid number");
            return false;
        }
    }
    v->type = J_REAL;
    if (!real && q - digits <= 18) {
        long long x = 0;
        for (const char *s = digits; s < q; s++)
            x = x * 10 + (*s - '0');
        v->type = J_INT;
        v->u.i = *jp->p == '-' ? -x : x;
    }
    jp->p = q;
    return true;
}

static bool jvalue(JParser *jp, JV *v)
{
    memset(v, 0, sizeof *v);
    jskip_ws(jp);
    if (jp->p >= jp->end) {
        jerr(jp, "unexpected end of input");
        return false;
    }
    if (++jp->depth > 256) {
        jerr(jp, "nesting too deep");
        return false;
    }
    bool ok;
    switch (*jp->p) {
    case '{': ok = jobject(jp, v); break;
    case '[': ok = jarray(jp, v); break;
    case '"': v->type = J_STRING; ok = jstring(jp, &v->u.s, &v->n, false); break;
    case 't': ok = jlit(jp, "true", J_TRUE, v); break;
    case 'f': ok = jlit(jp, "false", J_FALSE, v); break;
    case 'n': ok = jlit(jp, "null", J_NULL, v); break;
    default:
        if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
            ok = jnumber(jp, v);
        } else {
            jerr(jp, "invalid token");
            ok = false;
        }
    }
    jp->depth--;
    return ok;
}

/* The jansson-like accessors the reader below uses. */
static const JV *jget(const JV *o, const char *k)
{
    if (!o || o->type != J_OBJECT)
        return NULL;
    size_t kl = strlen(k);
    for (size_t i = 0; i < o->n; i++)
        if (o->u.members[i].klen == kl && !memcmp(o->u.members[i].key, k, kl))
            return &o->u.members[i].val;
    return NULL;
}
static bool jv_is_null(const JV *v) { return v && v->type == J_NULL; }
static bool jv_is_string(const JV *v) { return v && v->type == J_STRING; }
static bool jv_is_boolean(const JV *v) { return v && (v->type == J_TRUE || v->type == J_FALSE); }
static bool jv_is_true(const JV *v) { return v && v->type == J_TRUE; }
static bool jv_is_integer(const JV *v) { return v && v->type == J_INT; }
static bool jv_is_array(const JV *v) { return v && v->type == J_ARRAY; }
static bool jv_is_object(const JV *v) { return v && v->type == J_OBJECT; }

/* ---------------------------------------------------------------- reading */

typedef struct Reader {
    Arena *a;
    const char *path;
    Diag *d;
    bool failed;
    const ModelJsonReuse *reuse;
} Reader;

static void fail(Reader *r, const char *where, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void fail(Reader *r, const char *where, const char *fmt, ...)
{
    if (r->failed)
        return; /* the first error is the useful one */
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_global(r->d, DIAG_ERROR, "%s: %s: %s", r->path, where, msg);
    r->failed = true;
}

/* Member `key` of o as a string; NULL when absent or null (an error when required). */
static const char *get_str(Reader *r, const JV *o, const char *key, bool required, const char *where)
{
    const JV *v = jget(o, key);
    if (!v || jv_is_null(v)) {
        if (required)
            fail(r, where, "missing string member '%s'", key);
        return NULL;
    }
    if (!jv_is_string(v)) {
        fail(r, where, "member '%s' must be a string", key);
        return NULL;
    }
    return v->u.s;
}

static bool get_bool(Reader *r, const JV *o, const char *key, const char *where)
{
    const JV *v = jget(o, key);
    if (!v)
        return false;
    if (!jv_is_boolean(v)) {
        fail(r, where, "member '%s' must be true or false", key);
        return false;
    }
    return jv_is_true(v);
}

static int32_t get_int(Reader *r, const JV *o, const char *key, const char *where)
{
    const JV *v = jget(o, key);
    if (!v)
        return -1;
    if (!jv_is_integer(v) || v->u.i < 0 || v->u.i > INT32_MAX) {
        fail(r, where, "member '%s' must be a non-negative integer", key);
        return -1;
    }
    return (int32_t)v->u.i;
}

/* Member `key` as an array (empty array when absent). */
static const JV *get_array(Reader *r, const JV *o, const char *key, bool required, const char *where)
{
    const JV *v = jget(o, key);
    if (!v) {
        if (required)
            fail(r, where, "missing array member '%s'", key);
        return NULL;
    }
    if (!jv_is_array(v)) {
        fail(r, where, "member '%s' must be an array", key);
        return NULL;
    }
    return v;
}

static int lookup(Reader *r, const char *const *names, size_t n, const char *s, const char *what,
                  const char *where)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    fail(r, where, "unknown %s '%s'", what, s);
    return 0;
}

static const char **read_strs(Reader *r, const JV *o, const char *key, size_t *n, const char *where)
{
    const JV *a = get_array(r, o, key, false, where);
    *n = a ? a->n : 0;
    if (!*n)
        return NULL;
    const char **v = ARENA_ARRAY(r->a, const char *, *n);
    for (size_t i = 0; i < *n; i++) {
        const JV *s = &a->u.items[i];
        if (!jv_is_string(s)) {
            fail(r, where, "'%s' must hold strings", key);
            *n = 0;
            return NULL;
        }
        v[i] = s->u.s;
    }
    return v;
}

static void read_type(Reader *r, const JV *o, SqlType *t, const char *where)
{
    if (!jv_is_object(o)) {
        fail(r, where, "'type' must be an object");
        return;
    }
    const char *kind = get_str(r, o, "kind", true, where);
    if (!kind)
        return;
    if (!strcmp(kind, "enum"))
        t->kind = TY_ENUM;
    else if (!strcmp(kind, "other"))
        t->kind = TY_OTHER;
    else if (!type_kind_from_name(kind, &t->kind) || strcmp(type_kind_name(t->kind), kind))
        fail(r, where, "unknown type kind '%s'", kind);
    t->length = get_int(r, o, "length", where);
    t->precision = get_int(r, o, "precision", where);
    t->scale = get_int(r, o, "scale", where);
    int32_t dims = get_int(r, o, "dims", where);
    t->ndims = dims < 0 ? 0 : dims;
    t->enum_name = get_str(r, o, "enum", t->kind == TY_ENUM, where);
    t->enum_schema = get_str(r, o, "enumSchema", false, where);
    t->other = get_str(r, o, "other", t->kind == TY_OTHER, where);
}

static void read_default(Reader *r, const JV *o, const char *key, Default *d, const char *where)
{
    const JV *v = jget(o, key);
    d->kind = DEF_NONE;
    if (!v || jv_is_null(v))
        return;
    if (!jv_is_object(v)) {
        fail(r, where, "'%s' must be an object", key);
        return;
    }
    d->kind = (DefaultKind)lookup(r, default_kinds, ARRAY_LEN(default_kinds),
                                  get_str(r, v, "kind", true, where), "default kind", where);
    if (d->kind != DEF_NONE && d->kind != DEF_NULL)
        d->text = get_str(r, v, "text", true, where);
    if (d->kind == DEF_EXPR)
        d->written = get_str(r, v, "written", false, where);
}

/* where = pre + a [+ "." + b] + "'", cut at 255 bytes like snprintf: the error context of
 * every column and table, built without snprintf (two per column were 5% of reading a
 * 10,000-table snapshot). */
static void where_of(char where[256], const char *pre, const char *a, const char *b)
{
    size_t n = 0;
    const char *parts[4] = {pre, a, b ? "." : "", b ? b : ""};
    for (size_t i = 0; i < 5; i++) {
        const char *s = i < 4 ? parts[i] : "'";
        size_t l = strlen(s);
        if (l > 255 - n)
            l = 255 - n;
        memcpy(where + n, s, l);
        n += l;
    }
    where[n] = '\0';
}

/* adopt2: sequence options (see seqopts_json) */
static void read_seqopts(Reader *r, const JV *o, SeqOpts *s, const char *where)
{
    *s = (SeqOpts){0};
    if (!o)
        return;
    if (!jv_is_object(o)) {
        fail(r, where, "sequence options must be an object");
        return;
    }
    const char *as = get_str(r, o, "as", false, where);
    if (as) {
        TypeKind k;
        if (!type_kind_from_name(as, &k) || (k != TY_SMALLINT && k != TY_INTEGER && k != TY_BIGINT))
            fail(r, where, "sequence 'as' must be smallint, integer or bigint");
        s->set |= SEQ_AS;
        s->as = k;
    }
    static const struct { const char *k; unsigned bit; size_t off; } nums[] = {
        {"start", SEQ_START, offsetof(SeqOpts, start)},
        {"increment", SEQ_INCREMENT, offsetof(SeqOpts, increment)},
        {"min", SEQ_MIN, offsetof(SeqOpts, min)},
        {"max", SEQ_MAX, offsetof(SeqOpts, max)},
        {"cache", SEQ_CACHE, offsetof(SeqOpts, cache)},
    };
    for (size_t i = 0; i < ARRAY_LEN(nums); i++) {
        const char *v = get_str(r, o, nums[i].k, false, where);
        if (!v)
            continue;
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || *end || end == v)
            fail(r, where, "sequence option '%s' must be an integer string", nums[i].k);
        s->set |= nums[i].bit;
        *(int64_t *)((char *)s + nums[i].off) = (int64_t)n;
    }
    if (get_bool(r, o, "cycle", where))
        s->set |= SEQ_CYCLE;
}

static void read_column(Reader *r, const JV *o, Column *c, const char *table)
{
    char where[256];
    where_of(where, "table '", table, NULL);
    if (!jv_is_object(o)) {
        fail(r, where, "a column must be an object");
        return;
    }
    c->name = get_str(r, o, "name", true, where);
    where_of(where, "column '", table, c->name ? c->name : "?");
    const JV *t = jget(o, "type");
    if (!t)
        fail(r, where, "missing member 'type'");
    else
        read_type(r, t, &c->type, where);
    const JV *nl = jget(o, "nullable");
    if (!jv_is_boolean(nl))
        fail(r, where, "member 'nullable' must be true or false");
    c->nullable = jv_is_true(nl);
    read_default(r, o, "default", &c->def, where);
    c->identity = (Identity)lookup(r, identities, ARRAY_LEN(identities),
                                   get_str(r, o, "identity", false, where), "identity", where);
    c->generated = get_str(r, o, "generated", false, where);
    c->comment = get_str(r, o, "comment", false, where);
    c->sensitive = get_bool(r, o, "sensitive", where);
    const JV *vals = get_array(r, o, "validators", false, where);
    c->nvalidators = vals ? vals->n : 0;
    if (c->nvalidators) {
        c->validators = ARENA_ARRAY(r->a, Validator, c->nvalidators);
        for (size_t i = 0; i < c->nvalidators; i++) {
            const JV *vo = &vals->u.items[i];
            Validator *v = &c->validators[i];
            v->kind = (ValidatorKind)lookup(r, validator_kinds, ARRAY_LEN(validator_kinds),
                                            get_str(r, vo, "kind", true, where), "validator",
                                            where);
            v->arg1 = get_str(r, vo, "arg1", false, where);
            v->arg2 = get_str(r, vo, "arg2", false, where);
        }
    }
    c->was = read_strs(r, o, "was", &c->nwas, where);
    read_default(r, o, "backfill", &c->backfill, where);
    c->using_up = get_str(r, o, "using", false, where);
    c->using_down = get_str(r, o, "usingDown", false, where);
    read_seqopts(r, jget(o, "sequence"), &c->seq, where); /* adopt2 */
    c->collation = get_str(r, o, "collation", false, where);
}

static void read_table(Reader *r, const JV *o, Table *t)
{
    if (o && o->type == J_REUSED) { /* what reading the bytes gives: no span, no lint_ignore */
        *t = r->reuse->m->tables[o->u.i];
        t->span = (Span){0};
        t->lint_ignores = NULL;
        t->nlint_ignores = 0;
        return;
    }
    if (!jv_is_object(o)) {
        fail(r, "tables", "a table must be an object");
        return;
    }
    t->name = get_str(r, o, "name", true, "tables");
    if (!t->name)
        return;
    char where[256];
    where_of(where, "table '", t->name, NULL);
    t->archetype = (Archetype)lookup(r, archetypes, ARRAY_LEN(archetypes),
                                     get_str(r, o, "archetype", false, where), "archetype", where);
    t->comment = get_str(r, o, "comment", false, where);
    const JV *cols = get_array(r, o, "columns", true, where);
    t->ncolumns = cols ? cols->n : 0;
    t->columns = ARENA_ARRAY(r->a, Column, t->ncolumns ? t->ncolumns : 1);
    for (size_t i = 0; i < t->ncolumns; i++)
        read_column(r, &cols->u.items[i], &t->columns[i], t->name);

    const JV *pk = jget(o, "primaryKey");
    if (pk && !jv_is_null(pk)) {
        t->pk.name = get_str(r, pk, "name", true, where);
        t->pk.cols = read_strs(r, pk, "columns", &t->pk.ncols, where);
        t->pk.deferral = (FkDeferral)lookup(r, deferrals, ARRAY_LEN(deferrals), /* adopt2 */
                                            get_str(r, pk, "deferrable", false, where),
                                            "deferrable", where);
        t->pk.comment = get_str(r, pk, "comment", false, where);
    }

    const JV *a = get_array(r, o, "foreignKeys", false, where);
    t->nfks = a ? a->n : 0;
    t->fks = t->nfks ? ARENA_ARRAY(r->a, ForeignKey, t->nfks) : NULL;
    for (size_t i = 0; i < t->nfks; i++) {
        const JV *fo = &a->u.items[i];
        ForeignKey *fk = &t->fks[i];
        fk->name = get_str(r, fo, "name", true, where);
        fk->cols = read_strs(r, fo, "columns", &fk->ncols, where);
        fk->ref_schema = get_str(r, fo, "refSchema", false, where);
        fk->ref_table = get_str(r, fo, "refTable", true, where);
        size_t nref = 0;
        fk->ref_cols = read_strs(r, fo, "refColumns", &nref, where);
        if (nref != fk->ncols)
            fail(r, where, "foreign key '%s': columns and refColumns differ in length",
                 fk->name ? fk->name : "?");
        fk->on_delete = (FkAction)lookup(r, fk_actions, ARRAY_LEN(fk_actions),
                                         get_str(r, fo, "onDelete", false, where), "action", where);
        fk->on_update = (FkAction)lookup(r, fk_actions, ARRAY_LEN(fk_actions),
                                         get_str(r, fo, "onUpdate", false, where), "action", where);
        static const char *const matches[] = {"simple", "full"};
        fk->match_full = lookup(r, matches, ARRAY_LEN(matches), get_str(r, fo, "match", false, where),
                                "match", where) == 1;
        fk->deferral = (FkDeferral)lookup(r, deferrals, ARRAY_LEN(deferrals),
                                          get_str(r, fo, "deferrable", false, where), "deferrable",
                                          where);
        fk->not_valid = get_bool(r, fo, "notValid", where);
        fk->comment = get_str(r, fo, "comment", false, where);
    }

    a = get_array(r, o, "uniques", false, where);
    t->nuniques = a ? a->n : 0;
    t->uniques = t->nuniques ? ARENA_ARRAY(r->a, Unique, t->nuniques) : NULL;
    for (size_t i = 0; i < t->nuniques; i++) {
        const JV *uo = &a->u.items[i];
        t->uniques[i].name = get_str(r, uo, "name", true, where);
        t->uniques[i].cols = read_strs(r, uo, "columns", &t->uniques[i].ncols, where);
        t->uniques[i].comment = get_str(r, uo, "comment", false, where);
        t->uniques[i].nulls_not_distinct = get_bool(r, uo, "nullsNotDistinct", where);
        t->uniques[i].deferral = (FkDeferral)lookup(r, deferrals, ARRAY_LEN(deferrals),
                                                    get_str(r, uo, "deferrable", false, where),
                                                    "deferrable", where);
    }

    a = get_array(r, o, "checks", false, where);
    t->nchecks = a ? a->n : 0;
    t->checks = t->nchecks ? ARENA_ARRAY(r->a, Check, t->nchecks) : NULL;
    for (size_t i = 0; i < t->nchecks; i++) {
        const JV *co = &a->u.items[i];
        t->checks[i].name = get_str(r, co, "name", true, where);
        t->checks[i].expr = get_str(r, co, "expr", true, where);
        t->checks[i].comment = get_str(r, co, "comment", false, where);
        t->checks[i].no_inherit = get_bool(r, co, "noInherit", where); /* adopt2 */
        t->checks[i].not_valid = get_bool(r, co, "notValid", where);
    }

    a = get_array(r, o, "indexes", false, where);
    t->nindexes = a ? a->n : 0;
    t->indexes = t->nindexes ? ARENA_ARRAY(r->a, Index, t->nindexes) : NULL;
    for (size_t i = 0; i < t->nindexes; i++) {
        const JV *io = &a->u.items[i];
        Index *ix = &t->indexes[i];
        ix->name = get_str(r, io, "name", true, where);
        ix->unique = get_bool(r, io, "unique", where);
        ix->method = get_str(r, io, "method", false, where);
        if (!ix->method)
            ix->method = "btree";
        const JV *els = get_array(r, io, "elements", true, where);
        ix->nelems = els ? els->n : 0;
        ix->elems = ix->nelems ? ARENA_ARRAY(r->a, IndexElem, ix->nelems) : NULL;
        for (size_t j = 0; j < ix->nelems; j++) {
            const JV *eo = &els->u.items[j];
            IndexElem *e = &ix->elems[j];
            e->column = get_str(r, eo, "column", false, where);
            e->expr = get_str(r, eo, "expr", false, where);
            if (!e->column == !e->expr)
                fail(r, where, "index '%s': an element has exactly one of 'column' and 'expr'",
                     ix->name ? ix->name : "?");
            e->desc = get_bool(r, eo, "desc", where);
            const char *nulls = get_str(r, eo, "nulls", false, where);
            if (nulls) {
                static const char *const nn[] = {"default", "first", "last"};
                e->nulls = lookup(r, nn, ARRAY_LEN(nn), nulls, "nulls order", where);
            }
            e->collation = get_str(r, eo, "collation", false, where); /* adopt2 */
            e->opclass = get_str(r, eo, "opclass", false, where);
        }
        ix->include = read_strs(r, io, "include", &ix->ninclude, where); /* adopt2 */
        ix->where = get_str(r, io, "where", false, where);
        ix->comment = get_str(r, io, "comment", false, where);
        ix->nulls_not_distinct = get_bool(r, io, "nullsNotDistinct", where);
    }
    t->was = read_strs(r, o, "was", &t->nwas, where);
    t->as_a = get_str(r, o, "asA", false, where);
    t->as_b = get_str(r, o, "asB", false, where);
    t->partition_by = get_str(r, o, "partitionBy", false, where); /* types branch */
    t->partition_of = get_str(r, o, "partitionOf", false, where);
    t->partition_bound = get_str(r, o, "partitionBound", t->partition_of != NULL, where);
    const JV *xa = get_array(r, o, "excludes", false, where);
    t->nexcludes = xa ? xa->n : 0;
    t->excludes = t->nexcludes ? ARENA_ARRAY(r->a, Exclusion, t->nexcludes) : NULL;
    for (size_t i = 0; i < t->nexcludes; i++) {
        const JV *xo = &xa->u.items[i];
        Exclusion *x = &t->excludes[i];
        x->name = get_str(r, xo, "name", true, where);
        x->method = get_str(r, xo, "method", true, where);
        const JV *els = get_array(r, xo, "elements", true, where);
        x->nelems = els ? els->n : 0;
        x->elems = x->nelems ? ARENA_ARRAY(r->a, ExcludeElem, x->nelems) : NULL;
        for (size_t j = 0; j < x->nelems; j++) {
            const JV *eo = &els->u.items[j];
            x->elems[j].column = get_str(r, eo, "column", false, where);
            x->elems[j].expr = get_str(r, eo, "expr", false, where);
            x->elems[j].op = get_str(r, eo, "op", true, where);
            if (!x->elems[j].column == !x->elems[j].expr)
                fail(r, where, "exclusion '%s': an element has exactly one of 'column' and 'expr'",
                     x->name ? x->name : "?");
        }
        x->where = get_str(r, xo, "where", false, where);
        x->deferral = (FkDeferral)lookup(r, deferrals, ARRAY_LEN(deferrals),
                                         get_str(r, xo, "deferrable", false, where), "deferrable",
                                         where);
        x->comment = get_str(r, xo, "comment", false, where);
    }
    if (!r->failed) /* a member missing (a NULL name) makes the model unused anyway */
        model_sort_table(t);
}

/* types branch: a composite type */
static void read_ctype(Reader *r, const JV *o, CompositeType *ct)
{
    if (!jv_is_object(o)) {
        fail(r, "compositeTypes", "a composite type must be an object");
        return;
    }
    ct->name = get_str(r, o, "name", true, "compositeTypes");
    if (!ct->name)
        return;
    char where[256];
    snprintf(where, sizeof where, "type '%s'", ct->name);
    const JV *a = get_array(r, o, "attributes", true, where);
    ct->nattrs = a ? a->n : 0;
    ct->attrs = ct->nattrs ? ARENA_ARRAY(r->a, CompositeAttr, ct->nattrs) : NULL;
    for (size_t i = 0; i < ct->nattrs; i++) {
        const JV *ao = &a->u.items[i];
        ct->attrs[i].name = get_str(r, ao, "name", true, where);
        ct->attrs[i].type = (SqlType){.length = -1, .precision = -1, .scale = -1};
        read_type(r, jget(ao, "type"), &ct->attrs[i].type, where);
    }
    ct->comment = get_str(r, o, "comment", false, where);
}

/* types branch: a SQL domain */
static void read_dtype(Reader *r, const JV *o, DomainType *dt)
{
    if (!jv_is_object(o)) {
        fail(r, "domainTypes", "a domain must be an object");
        return;
    }
    dt->name = get_str(r, o, "name", true, "domainTypes");
    if (!dt->name)
        return;
    char where[256];
    snprintf(where, sizeof where, "domain '%s'", dt->name);
    const JV *ty = jget(o, "type");
    if (!jv_is_object(ty)) {
        fail(r, where, "'type' must be an object");
        return;
    }
    read_type(r, ty, &dt->base, where);
    dt->nullable = get_bool(r, o, "nullable", where);
    read_default(r, o, "default", &dt->def, where);
    const JV *a = get_array(r, o, "checks", false, where);
    dt->nchecks = a ? a->n : 0;
    dt->checks = dt->nchecks ? ARENA_ARRAY(r->a, Check, dt->nchecks) : NULL;
    for (size_t i = 0; i < dt->nchecks; i++) {
        dt->checks[i].name = get_str(r, &a->u.items[i], "name", true, where);
        dt->checks[i].expr = get_str(r, &a->u.items[i], "expr", true, where);
    }
    dt->comment = get_str(r, o, "comment", false, where);
}

static void read_enum(Reader *r, const JV *o, Enum *e)
{
    if (!jv_is_object(o)) {
        fail(r, "enums", "an enum must be an object");
        return;
    }
    e->name = get_str(r, o, "name", true, "enums");
    if (!e->name)
        return;
    char where[256];
    snprintf(where, sizeof where, "enum '%s'", e->name);
    e->comment = get_str(r, o, "comment", false, where);
    const JV *vals = get_array(r, o, "values", true, where);
    e->nvalues = vals ? vals->n : 0;
    e->values = e->nvalues ? ARENA_ARRAY(r->a, EnumValue, e->nvalues) : NULL;
    for (size_t i = 0; i < e->nvalues; i++) {
        const JV *v = &vals->u.items[i];
        EnumValue *ev = &e->values[i];
        if (jv_is_string(v)) {
            ev->name = v->u.s;
        } else if (jv_is_object(v)) {
            ev->name = get_str(r, v, "name", true, where);
            ev->was = read_strs(r, v, "was", &ev->nwas, where);
        } else {
            fail(r, where, "a value must be a string or an object");
        }
    }
    e->was = read_strs(r, o, "was", &e->nwas, where);
}

bool model_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                     Diag *d)
{
    Reader r = {a, path, d, false, reuse_set};
    memset(out, 0, sizeof *out);
    Arena nodes;
    arena_init(&nodes);
    JParser jp = {.strings = a, .nodes = &nodes, .p = text, .start = text, .end = text + len,
                  .reuse = reuse_set};
    JV rootv;
    const JV *root = &rootv;
    if (jvalue(&jp, &rootv)) {
        jskip_ws(&jp);
        if (jp.p < jp.end)
            jerr(&jp, "end of file expected");
    }
    free(jp.stack);
    free(jp.mstack);
    if (jp.err) {
        int line = 1, col = 1;
        for (const char *q = text; q < jp.err_at; q++) {
            if (*q == '\n')
                line++, col = 1;
            else
                col++;
        }
        diag_global(d, DIAG_ERROR, "%s:%d:%d: %s", path, line, col, jp.err);
        arena_free(&nodes);
        return false;
    }
    if (!jv_is_object(root)) {
        fail(&r, "model", "the top level must be an object");
        arena_free(&nodes);
        return false;
    }
    out->domain = get_str(&r, root, "domain", true, "model");
    out->schema = get_str(&r, root, "schema", true, "model");
    const JV *ten = jget(root, "tenants");
    if (ten && !jv_is_null(ten)) {
        out->per_tenant = true;
        out->tenants.query = get_str(&r, ten, "query", false, "tenants");
        out->tenants.pattern = get_str(&r, ten, "pattern", false, "tenants");
    }
    out->comment = get_str(&r, root, "comment", false, "model"); /* adopt2 */
    const JV *seqs = get_array(&r, root, "sequences", false, "model");
    out->nsequences = seqs ? seqs->n : 0;
    out->sequences = out->nsequences ? ARENA_ARRAY(a, Sequence, out->nsequences) : NULL;
    for (size_t i = 0; i < out->nsequences && !r.failed; i++) {
        const JV *so = &seqs->u.items[i];
        Sequence *q = &out->sequences[i];
        q->name = get_str(&r, so, "name", true, "sequences");
        read_seqopts(&r, jget(so, "options"), &q->opts, "sequences");
        q->comment = get_str(&r, so, "comment", false, "sequences");
    }
    const JV *enums = get_array(&r, root, "enums", false, "model");
    out->nenums = enums ? enums->n : 0;
    out->enums = out->nenums ? ARENA_ARRAY(a, Enum, out->nenums) : NULL;
    for (size_t i = 0; i < out->nenums && !r.failed; i++)
        read_enum(&r, &enums->u.items[i], &out->enums[i]);
    const JV *dts = get_array(&r, root, "domainTypes", false, "model"); /* types branch */
    out->ndtypes = dts ? dts->n : 0;
    out->dtypes = out->ndtypes ? ARENA_ARRAY(a, DomainType, out->ndtypes) : NULL;
    for (size_t i = 0; i < out->ndtypes && !r.failed; i++)
        read_dtype(&r, &dts->u.items[i], &out->dtypes[i]);
    const JV *cts = get_array(&r, root, "compositeTypes", false, "model");
    out->nctypes = cts ? cts->n : 0;
    out->ctypes = out->nctypes ? ARENA_ARRAY(a, CompositeType, out->nctypes) : NULL;
    for (size_t i = 0; i < out->nctypes && !r.failed; i++)
        read_ctype(&r, &cts->u.items[i], &out->ctypes[i]);
    const JV *tables = get_array(&r, root, "tables", false, "model");
    out->ntables = tables ? tables->n : 0;
    out->tables = out->ntables ? ARENA_ARRAY(a, Table, out->ntables) : NULL;
    for (size_t i = 0; i < out->ntables && !r.failed; i++)
        read_table(&r, &tables->u.items[i], &out->tables[i]);
    /* objects (issue 14): model_json_objects.c reads the member when it is there */
    if (!r.failed && jget(root, "objects") && !objects_json_read(a, text, len, path, out, d))
        r.failed = true;
    arena_free(&nodes);
    if (r.failed)
        return false;
    model_sort_outer(out); /* each table's own arrays: read_table (a reused one is sorted) */
    return true;
}
