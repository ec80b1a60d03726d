/*
 * sqlnorm.c - canonical defaults and expression text (see sqlnorm.h). The rules follow what
 * PostgreSQL 15's ruleutils.c prints for stored defaults: constants as 'text'::type, negative
 * numbers quoted ('-1'::integer), non-negative numeric constants bare, booleans bare.
 */
#include "sqlnorm.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

static bool is_numeric_kind(TypeKind k)
{
    switch (k) {
    case TY_SMALLINT: case TY_INTEGER: case TY_BIGINT:
    case TY_SMALLSERIAL: case TY_SERIAL: case TY_BIGSERIAL:
    case TY_NUMERIC: case TY_REAL: case TY_DOUBLE: case TY_MONEY:
        return true;
    default:
        return false;
    }
}

bool sqlnorm_is_number(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    bool digits = false;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

/* Canonical decimal text: the number as PostgreSQL's numeric_out prints the literal (which is
 * what pg_get_expr gives back for a default, so compiled and introspected models agree): no '+',
 * no exponent, no leading zeros, the fraction digits as written shifted by the exponent
 * (1.50 -> 1.50, 1e6 -> 1000000, 1.5e-3 -> 0.0015, 15e-1 -> 1.5), no sign on zero.
 * NULL when the exponent is beyond +-1000 (PostgreSQL rejects those too). */
const char *sqlnorm_canon_number(Arena *a, const char *txt)
{
    const char *p = txt;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    const char *ip = p;
    while (*p >= '0' && *p <= '9')
        p++;
    size_t ilen = (size_t)(p - ip);
    const char *fp = p;
    size_t flen = 0;
    if (*p == '.') {
        fp = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        flen = (size_t)(p - fp);
    }
    long exp = 0;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        bool eneg = *q == '-';
        if (*q == '-' || *q == '+')
            q++;
        for (; *q >= '0' && *q <= '9'; q++)
            if ((exp = exp * 10 + (*q - '0')) > 1000)
                return NULL;
        if (eneg)
            exp = -exp;
    }
    /* digits d[0..nd) with the decimal point after `point` of them (may be <0 or >nd). */
    size_t nd = ilen + flen;
    long point = (long)ilen + exp;
    long scale = (long)flen - exp;
    if (scale < 0)
        scale = 0;
    StrBuf sb = SB_INIT;
#define DIGIT(i) ((i) < 0 || (i) >= (long)nd ? '0' : (i) < (long)ilen ? ip[i] : fp[(i) - (long)ilen])
    bool zero = true;
    for (size_t i = 0; i < nd; i++)
        if (DIGIT((long)i) != '0')
            zero = false;
    if (neg && !zero)
        sb_addch(&sb, '-');
    long i = 0;
    while (i < point - 1 && DIGIT(i) == '0') /* leading zeros */
        i++;
    if (point <= 0)
        sb_addch(&sb, '0');
    for (; i < point; i++)
        sb_addch(&sb, DIGIT(i));
    if (scale > 0) {
        sb_addch(&sb, '.');
        for (long k = 0; k < scale; k++)
            sb_addch(&sb, DIGIT(point + k));
    }
#undef DIGIT
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

/* A number as sqlnorm_canon_number spells it, which is how the compiler keeps a written one
 * (float8out's '1e+300' and the literal 1e300 compare equal); with an exponent beyond +-1000,
 * as written without a leading '+'. */
static const char *canonical_number(Arena *a, const char *s)
{
    const char *c = sqlnorm_canon_number(a, s);
    return c ? c : arena_strdup(a, *s == '+' ? s + 1 : s);
}

static bool is_now(const char *e)
{
    return !strcasecmp(e, "now()") || !strcasecmp(e, "current_timestamp") ||
           !strcasecmp(e, "transaction_timestamp()");
}

/* Parse 'lit'[::type...] into the unescaped literal; false when expr is anything else. */
static bool parse_cast_literal(Arena *a, const char *expr, const char **out)
{
    if (*expr != '\'')
        return false;
    StrBuf sb = SB_INIT;
    const char *p = expr + 1;
    for (;;) {
        if (*p == '\0') {
            sb_release(&sb);
            return false;
        }
        if (*p == '\'') {
            if (p[1] != '\'')
                break;
            p++;
        }
        sb_addch(&sb, *p++);
    }
    p++;
    if (*p != '\0') {
        if (strncmp(p, "::", 2) != 0) {
            sb_release(&sb);
            return false;
        }
        for (const char *q = p; *q; q++) {
            if (!isalnum((unsigned char)*q) && !strchr("_ .\"[](),:", *q)) {
                sb_release(&sb);
                return false;
            }
        }
    }
    *out = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return true;
}

/* Whether s is only a type name as format_type spells it (`text`, `character varying(10)`,
 * `"My type"[]`, `public.mood`): NULL::<s> is then a typed NULL, while `NULL::unknown IS NULL`
 * is an expression that happens to start with one. */
static bool is_type_name(const char *s)
{
    static const char *const not_type[] = { "IS", "ISNULL", "NOTNULL", "AND", "OR", "NOT", "LIKE",
                                            "ILIKE", "SIMILAR", "IN", "BETWEEN", "AT", "COLLATE" };
    if (!*s)
        return false;
    for (const char *p = s; *p;) {
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p += *p == '"' ? 2 : 1)
                ;
            if (!*p)
                return false;
            p++;
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            const char *w = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            for (size_t k = 0; k < sizeof not_type / sizeof *not_type; k++)
                if (strlen(not_type[k]) == (size_t)(p - w) && !strncasecmp(w, not_type[k], (size_t)(p - w)))
                    return false;
        } else if (strchr(" .()[],0123456789", *p)) {
            p++;
        } else {
            return false; /* an operator, a cast to something more, a quote... */
        }
    }
    return true;
}

Default sqlnorm_default(Arena *a, const char *expr, const SqlType *t)
{
    Default d = {DEF_EXPR, NULL, NULL};
    const char *lit;
    if (!expr || !*expr) {
        d.kind = DEF_NONE;
        return d;
    }
    if (!strcasecmp(expr, "NULL") || (!strncasecmp(expr, "NULL::", 6) && is_type_name(expr + 6))) {
        d.kind = DEF_NONE;
        return d;
    }
    if (!strcmp(expr, "true") || !strcmp(expr, "false")) {
        d.kind = DEF_BOOL;
        d.text = arena_strdup(a, expr);
        return d;
    }
    if (sqlnorm_is_number(expr)) {
        d.kind = DEF_NUMBER;
        d.text = canonical_number(a, expr);
        return d;
    }
    const char *inner = sqlnorm_strip_parens(a, expr);
    if (inner != expr && sqlnorm_is_number(inner)) {
        d.kind = DEF_NUMBER;
        d.text = canonical_number(a, inner);
        return d;
    }
    if (parse_cast_literal(a, expr, &lit)) {
        if (t && t->ndims == 0 && is_numeric_kind(t->kind) && sqlnorm_is_number(lit)) {
            d.kind = DEF_NUMBER;
            d.text = canonical_number(a, lit);
        } else {
            d.kind = DEF_STRING;
            d.text = lit;
        }
        return d;
    }
    if (is_now(expr)) {
        d.text = SQLNORM_NOW;
        if (strcmp(expr, SQLNORM_NOW))
            d.written = arena_strdup(a, expr);
        return d;
    }
    d.text = arena_strdup(a, expr);
    return d;
}

void default_canonicalize(Arena *a, Default *d, const SqlType *t)
{
    bool numeric = t && t->ndims == 0 && is_numeric_kind(t->kind);
    switch (d->kind) {
    case DEF_NULL:
        d->kind = DEF_NONE;
        d->text = NULL;
        break;
    case DEF_STRING:
        if (numeric && sqlnorm_is_number(d->text)) {
            d->kind = DEF_NUMBER;
            d->text = canonical_number(a, d->text);
        }
        break;
    case DEF_NUMBER:
        if (!numeric && t && t->kind != TY_OTHER)
            d->kind = DEF_STRING;
        else
            d->text = canonical_number(a, d->text);
        break;
    case DEF_EXPR:
        if (is_now(d->text) && strcmp(d->text, SQLNORM_NOW)) {
            if (!d->written)
                d->written = d->text;
            d->text = SQLNORM_NOW;
        }
        break;
    default:
        break;
    }
}

const char *sqlnorm_strip_parens(Arena *a, const char *expr)
{
    size_t n = strlen(expr);
    if (n < 2 || expr[0] != '(' || expr[n - 1] != ')')
        return expr;
    /* The first '(' must close at the very end, ignoring quoted text. */
    int depth = 0;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = expr[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
            continue;
        }
        if (ch == '\'' || ch == '"')
            quote = ch;
        else if (ch == '(')
            depth++;
        else if (ch == ')' && --depth == 0 && i != n - 1)
            return expr;
    }
    return arena_strndup(a, expr + 1, n - 2);
}

bool sqlnorm_parse_text_array(Arena *a, const char *lit, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t len = strlen(lit);
    if (len < 2 || lit[0] != '{' || lit[len - 1] != '}')
        return false;
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += lit[i] == ',';
    const char **items = ARENA_ARRAY(a, const char *, cap);
    size_t count = 0;
    const char *p = lit + 1;
    if (*p == '}') {
        *out = items;
        return true;
    }
    StrBuf sb = SB_INIT;
    for (;;) {
        sb_reset(&sb);
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                sb_addch(&sb, *p++);
            }
            if (*p != '"')
                goto bad;
            p++;
        } else {
            while (*p && *p != ',' && *p != '}')
                sb_addch(&sb, *p++);
        }
        if (count == cap)
            goto bad;
        items[count++] = arena_strdup(a, sb_str(&sb));
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '\0')
            break;
        goto bad;
    }
    sb_release(&sb);
    *out = items;
    *n = count;
    return true;
bad:
    sb_release(&sb);
    return false;
}

const char *sqlnorm_oneline(Arena *a, const char *expr)
{
    if (!expr || !strpbrk(expr, "\r\n"))
        return expr;
    StrBuf sb = SB_INIT;
    char quote = 0;
    for (const char *p = expr; *p;) {
        char ch = *p;
        if (quote) {
            if (ch == quote)
                quote = 0; /* a doubled quote closes and reopens: same result */
            sb_addch(&sb, ch);
            p++;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            sb_addch(&sb, ch);
            p++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            const char *q = p;
            bool brk = false;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
                brk |= *q == '\n' || *q == '\r', q++;
            if (brk) {
                if (sb.len && *q) /* adopt2: no space at either end (pull writes it) */
                    sb_addch(&sb, ' ');
                p = q;
                continue;
            }
        }
        sb_addch(&sb, ch);
        p++;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}
