/*
 * targets.c - read a fleet's targets file (targets.h, docs/fleet.md). A line is
 *     [LABEL [GROUP]] CONNINFO
 * where LABEL and GROUP are the leading words holding neither '=' nor "://" ('-' = none) and
 * CONNINFO, the rest of the line, is passed to libpq as written. A '#' that begins a word (not
 * inside a quoted value) starts a comment. Everything is checked here, before the rollout.
 */
#include "targets.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conninfo.h"
#include "pg.h"

/* Cut a comment: '#' at the start of a word, outside a single-quoted conninfo value. */
static void strip_comment(char *s)
{
    bool quoted = false;
    for (char *p = s; *p; p++) {
        if (quoted && *p == '\\' && p[1])
            p++;
        else if (*p == '\'')
            quoted = !quoted;
        else if (!quoted && *p == '#' && (p == s || *(p - 1) == ' ' || *(p - 1) == '\t')) {
            *p = '\0';
            return;
        }
    }
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A leading word that is a label or group, not the start of the conninfo. */
static bool is_name_word(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] == '=' || (w[i] == ':' && i + 2 < n && w[i + 1] == '/' && w[i + 2] == '/'))
            return false;
    return true;
}

static bool printable(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return false;
    return true;
}

static int fail(StrBuf *err, const char *path, int line, const char *fmt, ...) PRINTF_LIKE(4, 5);
static int fail(StrBuf *err, const char *path, int line, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_addf(err, "%s:%d: %s", path, line, tmp);
    return -1;
}

static void target_free(Target *g)
{
    free(g->label);
    free(g->group);
    free(g->conninfo);
    free(g->shown);
    free(g->server);
    free(g->dbname);
}

/* The server a conninfo names: host:port with libpq's defaults for what is left out. */
static char *server_key(const ConnParts *p)
{
    StrBuf sb = SB_INIT;
    if (!*p->host && *p->service) {
        sb_addf(&sb, "service=%s", p->service);
        return sb_detach(&sb);
    }
    const char *host = *p->host ? p->host : getenv("PGHOST");
    const char *port = *p->port ? p->port : getenv("PGPORT");
    sb_addf(&sb, "%s:%s", host && *host ? host : "local socket", port && *port ? port : "5432");
    return sb_detach(&sb);
}

static int parse_line(Targets *t, char *s, const char *path, int line, bool allow_passwords,
                      StrBuf *err)
{
    strip_comment(s);
    const char *words[2] = { NULL, NULL };
    size_t lens[2] = { 0, 0 };
    int nw = 0;
    char *p = s;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        char *w = p;
        while (*p && !is_space(*p))
            p++;
        size_t n = (size_t)(p - w);
        if (!is_name_word(w, n)) {
            p = w;
            break;
        }
        if (nw == 2)
            return fail(err, path, line,
                        "expected a conninfo (key=value words or a postgresql:// URI) after the "
                        "label and group, found '%.*s'",
                        (int)n, w);
        if (!printable(w, n))
            return fail(err, path, line, "a label or group holds a control character");
        words[nw] = w;
        lens[nw++] = n;
    }
    char *end = p + strlen(p);
    while (end > p && is_space(end[-1]))
        *--end = '\0';
    if (!*p) {
        if (nw == 0)
            return 0; /* blank or comment */
        return fail(err, path, line, "'%.*s' is not followed by a conninfo", (int)lens[0],
                    words[0]);
    }
    StrBuf perr = SB_INIT;
    ConnParts cp;
    if (conninfo_parse(p, &cp, &perr) != 0) {
        char *shown = pg_redact(p);
        int rc = fail(err, path, line, "invalid conninfo '%s': %s", shown, sb_str(&perr));
        free(shown);
        sb_release(&perr);
        return rc;
    }
    sb_release(&perr);
    if (cp.password && !allow_passwords) {
        conninfo_release(&cp);
        return fail(err, path, line,
                    "the conninfo holds a password in clear text; keep passwords in ~/.pgpass "
                    "(or a pg_service.conf entry named with service=NAME) instead, or pass "
                    "--allow-passwords (docs/fleet.md)");
    }
    Target tg = { 0 };
    tg.line = line;
    tg.conninfo = xstrdup(p);
    tg.shown = pg_redact(p);
    tg.server = server_key(&cp);
    tg.dbname = xstrdup(cp.dbname);
    tg.group = xstrdup("");
    if (nw >= 1 && !(lens[0] == 1 && words[0][0] == '-')) {
        StrBuf sb = SB_INIT;
        sb_add(&sb, words[0], lens[0]);
        tg.label = sb_detach(&sb);
    } else { /* the database's name, or name@server when another target has that label */
        const char *name = *cp.dbname ? cp.dbname : *cp.service ? cp.service : "default";
        bool taken = false;
        for (size_t i = 0; i < t->n; i++)
            taken |= !strcmp(t->v[i].label, name);
        StrBuf sb = SB_INIT;
        sb_adds(&sb, name);
        if (taken)
            sb_addf(&sb, "@%s", tg.server);
        tg.label = sb_detach(&sb);
    }
    if (nw == 2 && !(lens[1] == 1 && words[1][0] == '-')) {
        free(tg.group);
        StrBuf sb = SB_INIT;
        sb_add(&sb, words[1], lens[1]);
        tg.group = sb_detach(&sb);
    }
    /* the same database twice would be two runners fighting over one lock */
    StrBuf key = SB_INIT;
    sb_addf(&key, "%s/%s", tg.server, *cp.dbname ? cp.dbname : cp.service);
    conninfo_release(&cp);
    for (size_t i = 0; i < t->n; i++) {
        const Target *o = &t->v[i];
        if (!strcmp(o->label, tg.label)) {
            fail(err, path, line, "label '%s' is already used on line %d", tg.label, o->line);
            goto dup;
        }
        StrBuf ok = SB_INIT;
        sb_addf(&ok, "%s/%s", o->server, o->dbname);
        bool same = *tg.dbname && !strcmp(ok.buf, key.buf);
        sb_release(&ok);
        if (same) {
            fail(err, path, line, "database %s on %s is already listed on line %d", tg.dbname,
                 tg.server, o->line);
            goto dup;
        }
    }
    sb_release(&key);
    t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    t->v[t->n++] = tg;
    return 0;
dup:
    sb_release(&key);
    target_free(&tg);
    return -1;
}

int targets_load(Targets *t, const char *path, bool allow_passwords, StrBuf *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) {
        sb_addf(err, "cannot read the targets file %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0;
    int line = 0, rc = 0;
    while (getline(&buf, &cap, f) >= 0) {
        line++;
        if (parse_line(t, buf, path, line, allow_passwords, err) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        sb_addf(err, "cannot read the targets file %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(buf);
    fclose(f);
    if (rc == 0 && t->n == 0) {
        sb_addf(err, "%s: no targets (one conninfo, URI or service=NAME a line)", path);
        rc = -1;
    }
    if (rc != 0)
        targets_release(t);
    return rc;
}

void targets_release(Targets *t)
{
    for (size_t i = 0; i < t->n; i++)
        target_free(&t->v[i]);
    free(t->v);
    memset(t, 0, sizeof *t);
}
