/*
 * lint.c - the linter's engine (lint.h): the rule table, a tokenizer for one statement (words
 * lower-cased, quoted identifiers unquoted, strings, numbers, punctuation; comments skipped),
 * the strav-lint suppression comments, findings and their report. The statements come from the
 * runtime's splitter (sqlsplit.c); lint_rules.c recognises them.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint_int.h"
#include "sqlsplit.h"
#include "strbuf.h"

/* ORDER CODE: docs/lint.md documents each, in this order. */
const LintRule lint_rules[] = {
    {"SL101", LINT_ERROR, "destructive", "drop-table"},
    {"SL102", LINT_ERROR, "destructive", "drop-column"},
    {"SL103", LINT_ERROR, "destructive", "enum-value-removed"},
    {"SL201", LINT_WARNING, "data-dependent", "set-not-null"},
    {"SL202", LINT_ERROR, "data-dependent", "narrowing-type-change"},
    {"SL203", LINT_WARNING, "data-dependent", "unique-on-existing-table"},
    {"SL204", LINT_WARNING, "data-dependent", "check-on-existing-table"},
    {"SL205", LINT_ERROR, "data-dependent", "required-column-without-default"},
    {"SL301", LINT_ERROR, "table-rewrite", "type-change-rewrites"},
    {"SL302", LINT_ERROR, "table-rewrite", "volatile-default"},
    {"SL303", LINT_WARNING, "table-rewrite", "type-change-unknown-old-type"},
    {"SL401", LINT_ERROR, "blocking-lock", "index-not-concurrent"},
    {"SL402", LINT_WARNING, "blocking-lock", "foreign-key-validating-scan"},
    {"SL403", LINT_WARNING, "blocking-lock", "check-validating-scan"},
    {"SL404", LINT_WARNING, "blocking-lock", "drop-index-not-concurrent"},
    {"SL405", LINT_INFO, "blocking-lock", "access-exclusive-without-lock-timeout"},
    {"SL501", LINT_WARNING, "backward-incompatible", "drop-table-in-use"},
    {"SL502", LINT_WARNING, "backward-incompatible", "drop-column-in-use"},
    {"SL503", LINT_WARNING, "backward-incompatible", "rename-table"},
    {"SL504", LINT_WARNING, "backward-incompatible", "rename-column"},
};
const size_t lint_nrules = ARRAY_LEN(lint_rules);

const LintRule *lint_rule(const char *code)
{
    for (size_t i = 0; i < lint_nrules; i++)
        if (!strcasecmp(lint_rules[i].code, code))
            return &lint_rules[i];
    return NULL;
}

void lint_init(Lint *l, const Model *old)
{
    memset(l, 0, sizeof *l);
    arena_init(&l->a);
    l->old = old;
}

void lint_release(Lint *l)
{
    arena_free(&l->a);
    memset(l, 0, sizeof *l);
}

/* FNV-1a: the sets hold every table of an initial migration (10,000 look-ups each against
 * 10,000 names made a linear scan quadratic). */
static size_t names_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

bool lint_names_has(const LintNames *n, const char *s)
{
    if (!n->nslot)
        return false;
    for (size_t i = names_hash(s) & (n->nslot - 1);; i = (i + 1) & (n->nslot - 1)) {
        uint32_t k = n->slot[i];
        if (!k)
            return false;
        if (!strcmp(n->v[k - 1], s))
            return true;
    }
}

static void names_index(LintNames *n, size_t at)
{
    size_t i = names_hash(n->v[at]) & (n->nslot - 1);
    while (n->slot[i])
        i = (i + 1) & (n->nslot - 1);
    n->slot[i] = (uint32_t)(at + 1);
}

void lint_names_add(Lint *l, LintNames *n, const char *s)
{
    if (n->n == n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 8;
        const char **v = ARENA_ARRAY(&l->a, const char *, cap);
        if (n->n)
            memcpy(v, n->v, n->n * sizeof *v);
        n->v = v;
        n->cap = cap;
    }
    n->v[n->n++] = arena_strdup(&l->a, s);
    if (2 * n->n > n->nslot) { /* at most half full */
        n->nslot = n->nslot ? 2 * n->nslot : 16;
        n->slot = ARENA_ARRAY(&l->a, uint32_t, n->nslot);
        memset(n->slot, 0, n->nslot * sizeof *n->slot);
        for (size_t i = 0; i < n->n; i++)
            names_index(n, i);
    } else {
        names_index(n, n->n - 1);
    }
}

bool lt_kw(const LStmt *st, size_t i, const char *w)
{
    return i < st->n && st->t[i].k == LT_WORD && !strcmp(st->t[i].s, w);
}

bool lt_ident(const LStmt *st, size_t i)
{
    return i < st->n && (st->t[i].k == LT_WORD || st->t[i].k == LT_QIDENT);
}

/* The reason of a strav-lint comment naming code, or NULL. */
static const char *ignored(const LStmt *st, const char *code)
{
    if (!st->ignores)
        return NULL;
    for (const char *p = st->ignores; *p;) {
        const char *nl = strchr(p, '\n');
        const char *sp = strchr(p, ' ');
        size_t len = (size_t)(sp && sp < nl ? sp : nl) - (size_t)p;
        /* codes: "SL101,SL405" */
        for (const char *c = p; c < p + len;) {
            const char *comma = memchr(c, ',', (size_t)(p + len - c));
            size_t cl = (size_t)((comma ? comma : p + len) - c);
            if (cl == strlen(code) && !strncasecmp(c, code, cl))
                return arena_strndup(&st->l->a, sp + 1, (size_t)(nl - sp - 1));
            c += cl + 1;
        }
        p = nl + 1;
    }
    return NULL;
}

LintFinding *lint_add(const LStmt *st, const char *code, const char *table, const char *column,
                      const char *fmt, ...)
{
    Lint *l = st->l;
    const LintRule *r = lint_rule(code);
    if (!r)
        BUG("unknown lint code %s", code);
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        LintFinding *f = ARENA_ARRAY(&l->a, LintFinding, cap);
        if (l->n)
            memcpy(f, l->f, l->n * sizeof *f);
        l->f = f;
        l->cap = cap;
    }
    LintFinding *f = &l->f[l->n++];
    memset(f, 0, sizeof *f);
    f->rule = r;
    f->table = table ? arena_strdup(&l->a, table) : NULL;
    f->column = column ? arena_strdup(&l->a, column) : NULL;
    StrBuf sb = SB_INIT;
    if (table)
        sb_addf(&sb, "\"%s\"", table);
    if (column)
        sb_addf(&sb, ".\"%s\"", column);
    f->object = arena_strdup(&l->a, sb_str(&sb));
    sb_reset(&sb);
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    f->message = arena_strdup(&l->a, buf);
    f->file = st->file;
    f->line = st->line;
    f->reason = ignored(st, code);
    sb_release(&sb);
    return f;
}

/* ---------------------------------------------------------------- tokenizer */

static bool word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* "-- strav-lint: ignore CODE why" -> "CODE why\n" appended to ign. */
static void ignore_comment(StrBuf *ign, const char *s, size_t n)
{
    static const char tag[] = "strav-lint:";
    while (n && (*s == '-' || *s == ' ' || *s == '\t'))
        s++, n--;
    if (n < sizeof tag - 1 || strncmp(s, tag, sizeof tag - 1))
        return;
    s += sizeof tag - 1, n -= sizeof tag - 1;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    if (n < 6 || strncmp(s, "ignore", 6))
        return;
    s += 6, n -= 6;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    const char *sp = memchr(s, ' ', n);
    if (!sp || sp == s + n - 1) {
        fprintf(stderr, "stravc: warning: '-- strav-lint: ignore %.*s' needs a reason; not applied\n",
                (int)n, s);
        return;
    }
    sb_add(ign, s, n);
    sb_addch(ign, '\n');
}

/* Tokenize [s, e) into toks (arena of l). *first is set to the offset of the first token, the
 * strav-lint comments before it go to ign. Returns the count. */
static size_t tokenize(Lint *l, const char *s, size_t b, size_t e, LTok **out, size_t *first,
                       StrBuf *ign)
{
    size_t cap = 64, n = 0;
    LTok *t = ARENA_ARRAY(&l->a, LTok, cap);
    StrBuf sb = SB_INIT;
    *first = e;
    size_t i = b;
    while (i < e) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            i++;
            continue;
        }
        if (c == '-' && i + 1 < e && s[i + 1] == '-') {
            size_t j = i;
            while (j < e && s[j] != '\n')
                j++;
            if (!n)
                ignore_comment(ign, s + i, j - i);
            i = j;
            continue;
        }
        if (c == '/' && i + 1 < e && s[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i < e && depth) {
                if (s[i] == '/' && i + 1 < e && s[i + 1] == '*')
                    depth++, i += 2;
                else if (s[i] == '*' && i + 1 < e && s[i + 1] == '/')
                    depth--, i += 2;
                else
                    i++;
            }
            continue;
        }
        if (n == cap) {
            LTok *nt = ARENA_ARRAY(&l->a, LTok, 2 * cap);
            memcpy(nt, t, n * sizeof *t);
            t = nt;
            cap *= 2;
        }
        if (!n)
            *first = i;
        sb_reset(&sb);
        LTok *k = &t[n++];
        if ((c == 'e' || c == 'E') && i + 1 < e && s[i + 1] == '\'') {
            i += 2;
            while (i < e && s[i] != '\'') {
                if (s[i] == '\\' && i + 1 < e)
                    i++;
                sb_addch(&sb, s[i++]);
            }
            i++;
            k->k = LT_STRING;
        } else if (c == '\'' || c == '"') {
            i++;
            while (i < e) {
                if (s[i] == (char)c) {
                    if (i + 1 < e && s[i + 1] == (char)c) {
                        sb_addch(&sb, (char)c);
                        i += 2;
                        continue;
                    }
                    break;
                }
                sb_addch(&sb, s[i++]);
            }
            i++;
            k->k = c == '"' ? LT_QIDENT : LT_STRING;
        } else if (c == '$' && i + 1 < e && (s[i + 1] == '$' || word_start((unsigned char)s[i + 1]))) {
            size_t j = i + 1;
            while (j < e && s[j] != '$' && word_char((unsigned char)s[j]) && s[j] != '$')
                j++;
            if (j < e && s[j] == '$') {
                size_t tl = j - i + 1;
                const char *tag = s + i;
                size_t body = j + 1, end = body;
                while (end + tl <= e && strncmp(s + end, tag, tl))
                    end++;
                if (end + tl > e)
                    end = e;
                sb_add(&sb, s + body, end - body);
                i = end + tl > e ? e : end + tl;
                k->k = LT_STRING;
            } else {
                sb_addch(&sb, s[i++]);
                k->k = LT_PUNCT;
            }
        } else if (word_start(c)) {
            while (i < e && word_char((unsigned char)s[i]))
                sb_addch(&sb, (char)tolower((unsigned char)s[i++]));
            k->k = LT_WORD;
        } else if (isdigit(c) || (c == '.' && i + 1 < e && isdigit((unsigned char)s[i + 1]))) {
            while (i < e && (isalnum((unsigned char)s[i]) || s[i] == '.'))
                sb_addch(&sb, s[i++]);
            k->k = LT_NUMBER;
        } else if (c == ':' && i + 1 < e && s[i + 1] == ':') {
            sb_adds(&sb, "::");
            i += 2;
            k->k = LT_PUNCT;
        } else {
            sb_addch(&sb, (char)c);
            i++;
            k->k = LT_PUNCT;
        }
        k->s = arena_strdup(&l->a, sb_str(&sb));
    }
    sb_release(&sb);
    if (n && t[n - 1].k == LT_PUNCT && !strcmp(t[n - 1].s, ";"))
        n--;
    *out = t;
    return n;
}

void lint_sql(Lint *l, const char *file, const char *sql)
{
    size_t *cuts = NULL;
    size_t ns = sqlsplit_statements(sql, &cuts);
    const char *fname = arena_strdup(&l->a, file);
    unsigned line = 1;
    size_t at = 0;
    StrBuf ign = SB_INIT;
    for (size_t i = 0; i < ns; i++) {
        LStmt st = {.l = l, .file = fname};
        size_t first;
        sb_reset(&ign);
        LTok *t;
        st.n = tokenize(l, sql, cuts[2 * i], cuts[2 * i + 1], &t, &first, &ign);
        st.t = t;
        for (; at < first; at++)
            line += sql[at] == '\n';
        st.line = line;
        st.ignores = ign.len ? arena_strdup(&l->a, sb_str(&ign)) : NULL;
        if (st.n)
            lint_statement(&st);
    }
    sb_release(&ign);
    free(cuts);
}

/* ---------------------------------------------------------------- report */

static const char *sev_name(LintSeverity s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "info";
}

bool lint_report(FILE *out, const Lint *const *ls, size_t nls, bool json)
{
    return lint_report_min(out, ls, nls, json, LINT_INFO, true);
}

/* Walk the findings at or above min (suppressed ones too when asked): each goes to the JSON
 * array arr when it is not NULL, else to out as a line; the counts are added up. Returns
 * whether an unsuppressed error is among them. */
static bool walk(FILE *out, json_t *arr, const Lint *const *ls, size_t nls, LintSeverity min,
                 bool suppressed, size_t counts[5])
{
    bool failed = false;
    for (size_t k = 0; k < nls; k++) {
        for (size_t i = 0; i < ls[k]->n; i++) {
            const LintFinding *f = &ls[k]->f[i];
            if (f->rule->sev > min || (f->reason && !suppressed))
                continue;
            counts[4]++;
            if (f->reason)
                counts[3]++;
            else if (f->rule->sev == LINT_ERROR)
                counts[0]++, failed = true;
            else if (f->rule->sev == LINT_WARNING)
                counts[1]++;
            else
                counts[2]++;
            if (arr) {
                json_t *o = json_object();
                json_object_set_new(o, "code", json_string(f->rule->code));
                json_object_set_new(o, "severity", json_string(sev_name(f->rule->sev)));
                json_object_set_new(o, "category", json_string(f->rule->category));
                json_object_set_new(o, "rule", json_string(f->rule->name));
                json_object_set_new(o, "object", json_string(f->object));
                json_object_set_new(o, "table", f->table ? json_string(f->table) : json_null());
                json_object_set_new(o, "column", f->column ? json_string(f->column) : json_null());
                json_object_set_new(o, "message", json_string(f->message));
                json_object_set_new(o, "file", json_string(f->file));
                json_object_set_new(o, "line", json_integer(f->line));
                json_object_set_new(o, "suppressed", json_boolean(f->reason != NULL));
                json_object_set_new(o, "reason", f->reason ? json_string(f->reason) : json_null());
                json_array_append_new(arr, o);
                continue;
            }
            fprintf(out, "%s:%u: %s %s [%s] %s: %s", f->file, f->line,
                    f->reason ? "suppressed" : sev_name(f->rule->sev), f->rule->code,
                    f->rule->category, f->object, f->message);
            if (f->reason)
                fprintf(out, " (reason: %s)", f->reason);
            fputc('\n', out);
        }
    }
    return failed;
}

json_t *lint_json(const Lint *const *ls, size_t nls, bool *failed)
{
    size_t counts[5] = { 0 };
    json_t *root = json_object(), *arr = json_array();
    *failed = walk(NULL, arr, ls, nls, LINT_INFO, true, counts);
    json_object_set_new(root, "findings", arr);
    json_t *c = json_object();
    json_object_set_new(c, "errors", json_integer((json_int_t)counts[0]));
    json_object_set_new(c, "warnings", json_integer((json_int_t)counts[1]));
    json_object_set_new(c, "info", json_integer((json_int_t)counts[2]));
    json_object_set_new(c, "suppressed", json_integer((json_int_t)counts[3]));
    json_object_set_new(root, "counts", c);
    return root;
}

bool lint_report_min(FILE *out, const Lint *const *ls, size_t nls, bool json, LintSeverity min,
                     bool suppressed)
{
    if (json) {
        bool failed;
        json_t *root = lint_json(ls, nls, &failed);
        char *s = json_dumps(root, JSON_INDENT(2));
        fprintf(out, "%s\n", s);
        free(s);
        json_decref(root);
        return failed;
    }
    size_t counts[5] = { 0 };
    bool failed = walk(out, NULL, ls, nls, min, suppressed, counts);
    if (counts[4]) {
        fprintf(out, "lint: %zu error%s, %zu warning%s, %zu info, %zu suppressed\n", counts[0],
                counts[0] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s", counts[2],
                counts[3]);
    } else if (min == LINT_INFO) {
        fputs("lint: no findings\n", out);
    }
    return failed;
}
