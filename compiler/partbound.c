/*
 * partbound.c - "FOR VALUES FROM ('a', 1) TO (MAXVALUE, 2)", "FOR VALUES IN ('x', NULL)",
 * "FOR VALUES WITH (modulus 4, remainder 0)", "DEFAULT" -> `@@partition_of` arguments
 * (partbound.h). The values are the constants PostgreSQL prints (get_const_expr without type
 * labels): quoted strings with '' doubled, bare numbers, true/false, NULL, MINVALUE, MAXVALUE.
 * Sema (sema_partition.c) spells them back the same way, so pull -> compile is exact.
 */
#include "partbound.h"

#include <string.h>

#include "strbuf.h"

static bool lit(const char **pp, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*pp, word, n))
        return false;
    *pp += n;
    return true;
}

/* One value: appended in the language's spelling. */
static bool value(StrBuf *out, const char **pp)
{
    const char *p = *pp;
    if (*p == '\'') {
        sb_addch(out, '\'');
        for (p++;; p++) {
            if (!*p || *p == '\n' || *p == '\r')
                return false;
            if (*p == '\'') {
                if (p[1] != '\'')
                    break;
                sb_adds(out, "''");
                p++;
                continue;
            }
            sb_addch(out, *p);
        }
        sb_addch(out, '\'');
        *pp = p + 1;
        return true;
    }
    if (*p >= '0' && *p <= '9') {
        const char *s = p;
        while ((*p >= '0' && *p <= '9') || *p == '.')
            p++;
        if (*p == 'e' || *p == 'E') {
            p++;
            if (*p == '+' || *p == '-')
                p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        sb_addf(out, "%.*s", (int)(p - s), s);
        *pp = p;
        return true;
    }
    static const char *const words[][2] = {{"MINVALUE", "minvalue"}, {"MAXVALUE", "maxvalue"},
                                           {"NULL", "null"}, {"true", "true"}, {"false", "false"}};
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (lit(&p, words[i][0])) {
            sb_adds(out, words[i][1]);
            *pp = p;
            return true;
        }
    return false;
}

/* "(v, v, ...)" -> " v v ..." */
static bool list(StrBuf *out, const char **pp)
{
    if (!lit(pp, "("))
        return false;
    for (bool first = true;; first = false) {
        if (!first && !lit(pp, ", "))
            return false;
        sb_addch(out, ' ');
        if (!value(out, pp))
            return false;
        if (**pp == ')') {
            (*pp)++;
            return true;
        }
    }
}

static bool digits(StrBuf *out, const char **pp)
{
    const char *s = *pp;
    while (**pp >= '0' && **pp <= '9')
        (*pp)++;
    if (*pp == s)
        return false;
    sb_addf(out, "%.*s", (int)(*pp - s), s);
    return true;
}

bool partbound_to_strav(StrBuf *out, const char *bound)
{
    StrBuf b = SB_INIT;
    const char *p = bound;
    bool ok;
    if (!strcmp(p, "DEFAULT")) {
        sb_adds(&b, ", default: true");
        p += 7;
        ok = true;
    } else if (lit(&p, "FOR VALUES FROM ")) {
        sb_adds(&b, ", from:");
        ok = list(&b, &p) && lit(&p, " TO ");
        if (ok) {
            sb_adds(&b, ", to:");
            ok = list(&b, &p);
        }
    } else if (lit(&p, "FOR VALUES IN ")) {
        sb_adds(&b, ", in:");
        ok = list(&b, &p);
    } else if (lit(&p, "FOR VALUES WITH (modulus ")) {
        sb_adds(&b, ", modulus: ");
        ok = digits(&b, &p) && lit(&p, ", remainder ");
        if (ok) {
            sb_adds(&b, ", remainder: ");
            ok = digits(&b, &p) && lit(&p, ")");
        }
    } else {
        ok = false;
    }
    ok = ok && !*p;
    if (ok)
        sb_adds(out, sb_str(&b));
    sb_release(&b);
    return ok;
}
