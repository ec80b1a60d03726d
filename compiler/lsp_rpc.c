/*
 * lsp_rpc.c - read and write LSP's Content-Length framed JSON-RPC messages (lsp_rpc.h).
 * Header lines end in CRLF (a bare LF is accepted); header names are case-insensitive; a line
 * longer than 1 KiB, a missing, repeated-and-different or non-numeric Content-Length, or one
 * over RPC_MAX_BODY makes the block a bad frame. The body is decoded with jansson.
 */
#include "lsp_rpc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

#define HEADER_LINE_MAX 1024

/* One header line without its line end into buf. Returns its length, -1 at end of input
 * before any byte, -2 when the line is too long (the rest of it is consumed). */
static int read_line(FILE *in, char *buf, size_t cap, bool *eof)
{
    size_t n = 0;
    bool toolong = false;
    int c;
    *eof = false;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)c;
        else
            toolong = true;
    }
    if (c == EOF) {
        *eof = true;
        if (n == 0 && !toolong)
            return -1;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return toolong ? -2 : (int)n;
}

/* The value of a "Content-Length: N" line, or -1 when the line is not one or N is bad. */
static long long content_length(const char *line, bool *is_cl)
{
    static const char name[] = "content-length:";
    *is_cl = strncasecmp(line, name, sizeof name - 1) == 0;
    if (!*is_cl)
        return -1;
    const char *p = line + sizeof name - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    long long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if ((size_t)v > RPC_MAX_BODY)
            return -1;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? -1 : v;
}

RpcStatus rpc_read(FILE *in, json_t **msg)
{
    char line[HEADER_LINE_MAX];
    *msg = NULL;
    long long len = -1;
    bool bad = false, any = false, eof = false;
    for (;;) {
        int n = read_line(in, line, sizeof line, &eof);
        if (n == -1)
            return any ? RPC_BAD_FRAME : RPC_EOF;
        if (n == 0) {
            if (!any) { /* blank lines between messages are skipped */
                if (eof)
                    return RPC_EOF;
                continue;
            }
            break;
        }
        any = true;
        bool is_cl;
        long long v = n == -2 ? -1 : content_length(line, &is_cl);
        if (n == -2)
            bad = true;
        else if (is_cl && (v < 0 || (len >= 0 && v != len)))
            bad = true;
        else if (is_cl)
            len = v;
        if (eof)
            return RPC_BAD_FRAME;
    }
    if (len < 0)
        return RPC_BAD_FRAME;
    char *body = xmalloc((size_t)len + 1);
    size_t got = len ? fread(body, 1, (size_t)len, in) : 0;
    if (got != (size_t)len || bad) { /* a bad header beside a good length: skip the body */
        free(body);
        return RPC_BAD_FRAME;
    }
    body[len] = '\0';
    json_error_t err;
    *msg = json_loadb(body, (size_t)len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    free(body);
    return *msg ? RPC_OK : RPC_BAD_JSON;
}

int rpc_write(FILE *out, const json_t *msg)
{
    char *s = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return -1;
    size_t n = strlen(s);
    int rc = fprintf(out, "Content-Length: %zu\r\n\r\n", n) < 0 || fwrite(s, 1, n, out) != n ||
                     fflush(out) != 0
                 ? -1
                 : 0;
    free(s);
    return rc;
}
