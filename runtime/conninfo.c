/*
 * conninfo.c - split a conninfo string or URI into the parts the fleet needs (conninfo.h),
 * with libpq's PQconninfoParse: no connection, no defaults or service file applied. Besides
 * pg.c, the only file that includes libpq-fe.h, and only for this parser.
 */
#include "conninfo.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

int conninfo_parse(const char *conninfo, ConnParts *parts, StrBuf *err)
{
    memset(parts, 0, sizeof *parts);
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
    if (!opts) {
        if (msg) {
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                n--;
            sb_add(err, msg, n);
            PQfreemem(msg);
        } else
            sb_adds(err, "out of memory parsing the conninfo");
        return -1;
    }
    const char *host = "", *hostaddr = "", *port = "", *dbname = "", *user = "", *service = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *v = o->val ? o->val : "";
        if (!strcmp(o->keyword, "host"))
            host = v;
        else if (!strcmp(o->keyword, "hostaddr"))
            hostaddr = v;
        else if (!strcmp(o->keyword, "port"))
            port = v;
        else if (!strcmp(o->keyword, "dbname"))
            dbname = v;
        else if (!strcmp(o->keyword, "user"))
            user = v;
        else if (!strcmp(o->keyword, "service"))
            service = v;
        else if (!strcmp(o->keyword, "password"))
            parts->password = *v != '\0';
    }
    parts->host = xstrdup(*host ? host : hostaddr);
    parts->port = xstrdup(port);
    parts->dbname = xstrdup(dbname);
    parts->user = xstrdup(user);
    parts->service = xstrdup(service);
    PQconninfoFree(opts);
    return 0;
}

void conninfo_release(ConnParts *parts)
{
    free(parts->host);
    free(parts->port);
    free(parts->dbname);
    free(parts->user);
    free(parts->service);
    memset(parts, 0, sizeof *parts);
}
