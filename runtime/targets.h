/*
 * targets.h - the targets file of a fleet rollout (docs/fleet.md): one database a line, as a
 * libpq conninfo, URI or service=NAME, after an optional label and group; '#' comments and
 * blank lines. Read by fleet.c before any child runs; conninfo.c splits each conninfo.
 */
#ifndef STRAV_TARGETS_H
#define STRAV_TARGETS_H

#include "base.h"
#include "strbuf.h"

typedef struct Target {
    char *label;    /* as written, else dbname@server */
    char *group;    /* "" when none */
    char *conninfo; /* verbatim: handed to the child in its environment, never printed */
    char *shown;    /* the conninfo with any password masked: what messages show */
    char *server;   /* host:port (or service=NAME without a host), the --per-host key */
    char *dbname;   /* "" when the conninfo names none */
    int line;       /* 1-based line in the file */
} Target;

typedef struct Targets {
    Target *v;
    size_t n;
} Targets;

/* Read path into t. A conninfo with a password in clear text is refused unless
 * allow_passwords; so are a line libpq cannot parse, a duplicate label, two lines naming the
 * same database, and a file without targets. 0, or -1 with "FILE:LINE: ..." in err. */
int targets_load(Targets *t, const char *path, bool allow_passwords, StrBuf *err);
void targets_release(Targets *t);

#endif
