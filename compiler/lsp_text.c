/*
 * lsp_text.c - UTF-16 positions and file URIs for the LSP server (lsp_text.h).
 * UTF-8 is walked by lead byte: 1 to 3 byte sequences are one UTF-16 unit, 4 byte ones two;
 * a stray continuation or invalid byte counts as one unit, so any bytes map somewhere.
 */
#include "lsp_text.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of the UTF-8 sequence starting at s[0] (at most rest), and its UTF-16 units. */
static size_t seq_len(const unsigned char *s, size_t rest, uint32_t *units)
{
    size_t n = 1;
    if (s[0] >= 0xf8)
        n = 1;
    else if (s[0] >= 0xf0)
        n = 4;
    else if (s[0] >= 0xe0)
        n = 3;
    else if (s[0] >= 0xc0)
        n = 2;
    if (n > rest)
        n = 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            n = 1;
    *units = n == 4 ? 2 : 1;
    return n;
}

LspPos lsp_pos_of(const char *text, size_t len, size_t off)
{
    const unsigned char *s = (const unsigned char *)text;
    LspPos p = { 0, 0 };
    if (off > len)
        off = len;
    size_t i = 0;
    while (i < off) {
        if (s[i] == '\n' || s[i] == '\r') {
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
                if (i + 1 == off) /* between CR and LF: the end of the line */
                    break;
                i++;
            }
            i++;
            p.line++;
            p.character = 0;
            continue;
        }
        uint32_t u;
        size_t n = seq_len(s + i, len - i, &u);
        if (i + n > off) /* off inside a sequence: count it as reached */
            n = off - i;
        i += n;
        p.character += u;
    }
    return p;
}

size_t lsp_off_of(const char *text, size_t len, LspPos pos)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    for (uint32_t line = 0; line < pos.line; line++) {
        while (i < len && s[i] != '\n' && s[i] != '\r')
            i++;
        if (i >= len)
            return len;
        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
            i++;
        i++;
    }
    uint32_t ch = 0;
    while (i < len && s[i] != '\n' && s[i] != '\r') {
        uint32_t u;
        size_t n = seq_len(s + i, len - i, &u);
        if (ch + u > pos.character)
            break;
        ch += u;
        i += n;
    }
    return i;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *lsp_uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (*p != '/') { /* file://host/path: only an empty host or localhost */
        if (strncmp(p, "localhost/", 10) != 0)
            return NULL;
        p += 9;
    }
    StrBuf sb = SB_INIT;
    for (; *p && *p != '?' && *p != '#'; p++) {
        int h, l;
        if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0) {
            if (h == 0 && l == 0) {
                sb_release(&sb);
                return NULL;
            }
            sb_addch(&sb, (char)(h * 16 + l));
            p += 2;
        } else {
            sb_addch(&sb, *p);
        }
    }
    return sb_detach(&sb);
}

char *lsp_path_to_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    StrBuf sb = SB_INIT;
    sb_adds(&sb, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            sb_addch(&sb, (char)*p);
        } else {
            sb_addch(&sb, '%');
            sb_addch(&sb, hex[*p >> 4]);
            sb_addch(&sb, hex[*p & 15]);
        }
    }
    return sb_detach(&sb);
}
