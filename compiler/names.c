/*
 * names.c - snake_case, NFC normalisation, 63-byte shortening and name hashes (names.h).
 * Case classes and mappings come from utf8proc so non-ASCII capitals behave like ASCII ones;
 * the hash is SHA-256 from libcrypto so shortened names are stable across builds and machines.
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "sha256.h"
#include "strbuf.h"

bool name_utf8_valid(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || cp == 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

static bool is_ascii(const char *s, size_t *len)
{
    unsigned char acc = 0;
    size_t i = 0;
    for (; s[i]; i++)
        acc |= (unsigned char)s[i];
    *len = i;
    return acc < 0x80;
}

const char *name_nfc(Arena *a, const char *s)
{
    size_t len;
    if (is_ascii(s, &len)) /* ASCII is valid UTF-8 and always in NFC: skip utf8proc */
        return arena_strndup(a, s, len);
    if (!name_utf8_valid(s, len))
        return NULL;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return NULL;
    char *r = arena_strndup(a, (const char *)out, (size_t)n);
    free(out);
    return r;
}

/* Decode s (valid UTF-8) into code points; returns the count. cps has room for strlen(s). */
static size_t decode(const char *s, int32_t *cps)
{
    size_t n = 0, len = strlen(s), i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            break;
        cps[n++] = cp;
        i += (size_t)k;
    }
    return n;
}

static bool is_upper(int32_t c)
{
    return utf8proc_isupper(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}
static bool is_lower(int32_t c)
{
    return utf8proc_islower(c);
}
static bool is_digit(int32_t c)
{
    return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

static void add_cp(StrBuf *sb, int32_t cp)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, buf);
    sb_add(sb, (const char *)buf, (size_t)k);
}

/* name_snake for pure ASCII, where utf8proc's classes are A-Z, a-z and 0-9: the same result
 * without decoding, a code-point buffer or a second normalisation (names are mostly ASCII). */
static const char *snake_ascii(Arena *a, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 1; i < len; i++)
        n += s[i] >= 'A' && s[i] <= 'Z';
    char *out = arena_alloc(a, len + n + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            if (i > 0) {
                char prev = s[i - 1];
                bool pu = prev >= 'A' && prev <= 'Z';
                bool run_end = pu && i + 1 < len && s[i + 1] >= 'a' && s[i + 1] <= 'z';
                if (run_end || (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9'))
                    *o++ = '_';
            }
            c = (char)(c - 'A' + 'a');
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
}

const char *name_snake(Arena *a, const char *s)
{
    size_t alen;
    if (is_ascii(s, &alen))
        return snake_ascii(a, s, alen);
    const char *nfc = name_nfc(a, s);
    if (!nfc)
        return NULL;
    size_t len = strlen(nfc);
    int32_t *cps = xmalloc((len + 1) * sizeof(*cps));
    size_t n = decode(nfc, cps);
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < n; i++) {
        int32_t c = cps[i];
        if (i > 0 && is_upper(c)) {
            int32_t prev = cps[i - 1];
            bool run_end = is_upper(prev) && i + 1 < n && is_lower(cps[i + 1]);
            if (run_end || is_lower(prev) || is_digit(prev))
                sb_addch(&sb, '_');
        }
        add_cp(&sb, utf8proc_tolower(c));
    }
    free(cps);
    /* Lowercasing can leave a decomposed sequence; normalise the result again. */
    const char *r = name_nfc(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

void name_hash8(char out[9], const char *s, size_t len)
{
    char hex[65];
    sha256_hex(s, len, hex); /* the algorithm fetched once (sha256.c) */
    memcpy(out, hex, 8);
    out[8] = '\0';
}

const char *name_shorten(Arena *a, const char *name)
{
    size_t len = strlen(name);
    if (len <= NAME_MAX_BYTES)
        return name;
    size_t cut = NAME_SHORT_PREFIX;
    while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80)
        cut--;
    char h[9];
    name_hash8(h, name, len);
    return arena_printf(a, "%.*s_%s", (int)cut, name, h);
}

size_t name_distance(const char *a, const char *b, size_t max)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > max)
        return max + 1;
    /* three rows: the one before the previous is needed for a transposition */
    size_t *rows = xmalloc(3 * (lb + 1) * sizeof(*rows));
    size_t *pp = rows, *prev = rows + lb + 1, *row = rows + 2 * (lb + 1);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1; /* "nmae" -> "name": one swap */
            row[j] = best;
        }
        size_t *t = pp;
        pp = prev;
        prev = row;
        row = t;
    }
    size_t d = prev[lb];
    free(rows);
    return d > max ? max + 1 : d;
}
