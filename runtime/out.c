/*
 * out.c - the runtime's output: the seed's text lines on stdout, "Error: ..." lines on stderr,
 * colours, and the --json result object. The bottom of the runtime: it calls nothing above it,
 * and the executor (apply.c), the tracking table (ledger.c) and the commands all write through it.
 */
#include "runctx.h"

#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

const char *out_col(const Opts *o, const char *code)
{
    return o->color ? code : "";
}

/* Text lines go to stdout unless --json. */
void out_say(const Ctx *c, const char *fmt, ...)
{
    if (c->o->json)
        return;
    progress_clear();
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

/* "Error: ..." on stderr (and in the JSON result). */
void out_fail(Ctx *c, const char *fmt, ...)
{
    StrBuf sb = SB_INIT;
    va_list ap;
    fflush(stdout); /* keep stdout and stderr lines in order */
    progress_clear();
    va_start(ap, fmt);
    char tmp[2048];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_adds(&sb, tmp);
    if (c->o->json && c->out)
        json_object_set_new(c->out, "error", json_string(sb_str(&sb)));
    if (!c->o->json || isatty(2))
        fprintf(stderr, "%sError: %s%s\n", out_col(c->o, RED), sb_str(&sb), out_col(c->o, RESET));
    sb_release(&sb);
}

void out_json_str(json_t *arr, const char *s)
{
    json_array_append_new(arr, json_string(s));
}

void out_one_line(StrBuf *out, const char *s)
{
    for (; *s; s++)
        sb_addch(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void out_pg_error(Ctx *c, const PgError *e, const char *what)
{
    out_fail(c, "%s: %s", what, e->message ? e->message : "unknown error");
    if (c->o->json)
        return;
    if (e->detail) /* the server's: which key, which row, which object */
        fprintf(stderr, "detail: %s\n", e->detail);
    if (e->hint)
        fprintf(stderr, "hint: %s\n", e->hint);
    if (e->sqlstate)
        fprintf(stderr, "note: SQLSTATE %s\n", e->sqlstate);
}
