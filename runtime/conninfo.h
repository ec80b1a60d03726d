/*
 * conninfo.h - what a libpq conninfo string or URI names, without connecting: the server
 * (host and port, for the fleet's per-server limit), the database, a service name, and whether
 * it holds a password in clear text. Parsed by libpq itself (PQconninfoParse), so every syntax
 * libpq accepts is understood the same way. Used by targets.c; calls nothing above pg level.
 */
#ifndef STRAV_CONNINFO_H
#define STRAV_CONNINFO_H

#include "base.h"
#include "strbuf.h"

typedef struct ConnParts {
    char *host;     /* host or hostaddr as written ("" when absent) */
    char *port;     /* "" when absent */
    char *dbname;   /* "" when absent */
    char *user;     /* "" when absent */
    char *service;  /* "" when absent */
    bool password;  /* a non-empty password is written in the string */
} ConnParts;

/* Parse conninfo (key=value form or postgres:// URI). 0, or -1 with libpq's message in err
 * (which never repeats a password). Release parts with conninfo_release. */
int conninfo_parse(const char *conninfo, ConnParts *parts, StrBuf *err);
void conninfo_release(ConnParts *parts);

#endif
