/*
 * sqlsplit.c - statement splitting for the runtime (see sqlsplit.h). Follows the lexical rules
 * of PostgreSQL's scan.l that decide where a ';' is: standard and E'' strings, quoted
 * identifiers, dollar quotes (not after an identifier character, tag not starting with a digit),
 * -- comments and block comments, which nest in PostgreSQL.
 */
#include "sqlsplit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

static bool is_ident_char(char ch)
{
    return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || (unsigned char)ch >= 0x80;
}

/* s[i] opens a quote q; the index just after its closing quote (a doubled q is part of the
 * text; with esc, a backslash escapes the next byte), or len when unterminated. */
static size_t skip_quoted(const char *s, size_t len, size_t i, char q, bool esc)
{
    for (i++; i < len; i++) {
        if (esc && s[i] == '\\') {
            i++;
        } else if (s[i] == q) {
            if (s[i + 1] != q) /* s[len] is the NUL */
                return i + 1;
            i++;
        }
    }
    return len;
}

/* s[i..] starts a block comment; the index after its matching close (they nest), or len. */
static size_t skip_block_comment(const char *s, size_t len, size_t i)
{
    int depth = 0;
    while (i < len) {
        if (s[i] == '/' && s[i + 1] == '*') {
            depth++;
            i += 2;
        } else if (s[i] == '*' && s[i + 1] == '/') {
            i += 2;
            if (--depth == 0)
                return i;
        } else {
            i++;
        }
    }
    return len;
}

/* s[i] is '$': the index after a dollar-quoted body starting here, or 0 when this '$' opens
 * none (a parameter $1, or a '$' inside an identifier such as a$b). */
static size_t skip_dollar(const char *s, size_t len, size_t i)
{
    if (i > 0 && (is_ident_char(s[i - 1]) || s[i - 1] == '$'))
        return 0;
    size_t j = i + 1;
    if (s[j] >= '0' && s[j] <= '9')
        return 0;
    while (j < len && is_ident_char(s[j]))
        j++;
    if (j >= len || s[j] != '$')
        return 0;
    size_t taglen = j - i + 1;
    for (size_t e = j + 1; e + taglen <= len; e++)
        if (s[e] == '$' && memcmp(s + e, s + i, taglen) == 0)
            return e + taglen;
    return len;
}

size_t sqlsplit_statements(const char *s, size_t **out)
{
    size_t cap = 8, n = 0, start = 0, i = 0;
    size_t *v = xmalloc(cap * 2 * sizeof *v);
    size_t len = strlen(s);
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        start = i = 3; /* a UTF-8 byte order mark is not part of the first statement */
    while (i < len) {
        char ch = s[i];
        size_t e;
        if (ch == '-' && s[i + 1] == '-') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (ch == '/' && s[i + 1] == '*') {
            i = skip_block_comment(s, len, i);
        } else if (ch == '\'' || ch == '"') {
            /* E'...' strings take backslash escapes: E or e right before, not ending a word */
            bool esc = ch == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                       (i == 1 || !is_ident_char(s[i - 2]));
            i = skip_quoted(s, len, i, ch, esc);
        } else if (ch == '$' && (e = skip_dollar(s, len, i)) != 0) {
            i = e;
        } else if (ch == ';') {
            i++;
            if (n == cap) {
                cap *= 2;
                v = xrealloc(v, cap * 2 * sizeof *v);
            }
            v[2 * n] = start;
            v[2 * n + 1] = i;
            n++;
            start = i;
        } else {
            i++;
        }
    }
    bool rest = false;
    for (size_t k = start; k < len; k++)
        if (s[k] != ' ' && s[k] != '\n' && s[k] != '\t' && s[k] != '\r')
            rest = true;
    if (rest) {
        if (n == cap)
            v = xrealloc(v, (cap + 1) * 2 * sizeof *v);
        v[2 * n] = start;
        v[2 * n + 1] = len;
        n++;
    }
    *out = v;
    return n;
}

bool sqlsplit_has_begin_atomic(const char *s)
{
    static const char kw[] = "atomic";
    for (const char *p = s; *p; p++) {
        size_t k = 0;
        while (kw[k] && (p[k] | 0x20) == kw[k])
            k++;
        if (kw[k] || (p > s && is_ident_char(p[-1])) || is_ident_char(p[k]))
            continue;
        const char *b = p; /* the previous word must be BEGIN */
        while (b > s && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' || b[-1] == '\r'))
            b--;
        if (b - s >= 5 && strncasecmp(b - 5, "begin", 5) == 0 &&
            (b - 5 == s || !is_ident_char(b[-6])))
            return true;
    }
    return false;
}

/* ---- transaction and session control ----------------------------------------------------- */

/* A word of the text outside quotes and comments: [start, start + len). */
typedef struct Word {
    size_t start, len;
} Word;

static bool word_is(const char *s, Word w, const char *kw)
{
    return strlen(kw) == w.len && strncasecmp(s + w.start, kw, w.len) == 0;
}

/* The next token from *i: a word (returns 'w' and fills *w), ';' or another character ('.'
 * for anything else), or 0 at the end. Quotes, comments and dollar quotes are skipped whole and
 * count as '.' (they are part of a statement). */
static int next_token(const char *s, size_t len, size_t *i, Word *w)
{
    while (*i < len) {
        char ch = s[*i];
        size_t e;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            (*i)++;
        } else if (ch == '-' && s[*i + 1] == '-') {
            while (*i < len && s[*i] != '\n')
                (*i)++;
        } else if (ch == '/' && s[*i + 1] == '*') {
            *i = skip_block_comment(s, len, *i);
        } else if (ch == '\'' || ch == '"') {
            bool esc = ch == '\'' && *i > 0 && (s[*i - 1] == 'E' || s[*i - 1] == 'e') &&
                       (*i == 1 || !is_ident_char(s[*i - 2]));
            *i = skip_quoted(s, len, *i, ch, esc);
            return '.';
        } else if (ch == '$' && (e = skip_dollar(s, len, *i)) != 0) {
            *i = e;
            return '.';
        } else if (ch == ';') {
            (*i)++;
            return ';';
        } else if (is_ident_char(ch) && !(ch >= '0' && ch <= '9')) {
            w->start = *i;
            while (*i < len && (is_ident_char(s[*i]) || s[*i] == '$'))
                (*i)++;
            w->len = *i - w->start;
            /* E'..', U&'..', B'..', X'..' prefixes: the quote follows; the word is a prefix */
            return 'w';
        } else {
            (*i)++;
            return '.';
        }
    }
    return 0;
}

/* Whether the statement starting with words a, b (b.len 0 when a ends the statement) is
 * transaction or session control; the description goes to why. */
static bool is_control(const char *s, Word a, Word b, char *why, size_t whylen)
{
    static const char *const always[] = { "BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT",
                                          "SAVEPOINT", "RELEASE", "RESET", "DISCARD" };
    for (size_t k = 0; k < ARRAY_LEN(always); k++)
        if (word_is(s, a, always[k])) {
            snprintf(why, whylen, "%s", always[k]);
            return true;
        }
    if ((word_is(s, a, "START") || word_is(s, a, "PREPARE")) && word_is(s, b, "TRANSACTION")) {
        snprintf(why, whylen, "%s TRANSACTION", word_is(s, a, "START") ? "START" : "PREPARE");
        return true;
    }
    if (word_is(s, a, "SET")) {
        if (word_is(s, b, "LOCAL") || word_is(s, b, "CONSTRAINTS") || word_is(s, b, "TRANSACTION"))
            return false;
        int n = b.len > 40 ? 40 : (int)b.len;
        snprintf(why, whylen, "SET %.*s (only SET LOCAL is allowed)", n, s + b.start);
        return true;
    }
    return false;
}

const char *sqlsplit_session_control(const char *s, size_t *off, char *why, size_t whylen)
{
    size_t len = strlen(s), i = 0;
    bool at_start = true, atomic = false;
    int case_depth = 0, t;
    Word w = { 0, 0 }, prev = { 0, 0 }, first = { 0, 0 };
    bool have_first = false, copy = false;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a UTF-8 byte order mark is not part of the first word */
    while ((t = next_token(s, len, &i, &w)) != 0) {
        if (atomic) { /* inside BEGIN ATOMIC ... END: its ';' end no statement */
            if (t == 'w' && word_is(s, w, "CASE"))
                case_depth++;
            else if (t == 'w' && word_is(s, w, "END") && case_depth-- == 0)
                atomic = false;
            continue;
        }
        if (have_first) { /* the second token of a statement decides */
            Word b = t == 'w' ? w : (Word){ 0, 0 };
            have_first = false;
            if (is_control(s, first, b, why, whylen)) {
                *off = first.start;
                return why;
            }
        }
        if (t == ';') {
            at_start = true;
            copy = false;
            prev.len = 0;
            continue;
        }
        if (t == 'w' && at_start) {
            first = w;
            have_first = true;
            copy = word_is(s, w, "COPY");
        }
        /* COPY ... FROM STDIN: its rows would follow the statement in the file, but the file
         * is sent as statements (the rows would be read as SQL) */
        if (copy && t == 'w' && prev.len && word_is(s, prev, "FROM") && word_is(s, w, "STDIN")) {
            snprintf(why, whylen, "COPY ... FROM STDIN (a migration cannot carry inline rows: "
                                  "write them as INSERT)");
            *off = first.start;
            return why;
        }
        if (t == 'w' && word_is(s, w, "ATOMIC") && prev.len && word_is(s, prev, "BEGIN")) {
            atomic = true;
            case_depth = 0;
        }
        at_start = false;
        prev = t == 'w' ? w : (Word){ 0, 0 };
    }
    if (have_first && is_control(s, first, (Word){ 0, 0 }, why, whylen)) {
        *off = first.start;
        return why;
    }
    return NULL;
}
