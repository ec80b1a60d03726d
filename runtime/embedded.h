/*
 * embedded.h - the embedded default database: a project-local PostgreSQL cluster under .strav/
 * in the current directory, created with initdb on first use and started on a Unix socket only
 * (no TCP port). Used when neither --database, DATABASE_URL nor any PG* variable is set.
 */
#ifndef STRAV_EMBEDDED_H
#define STRAV_EMBEDDED_H

#include "base.h"
#include "strbuf.h"

/* Make sure the cluster exists and runs; append its libpq conninfo to conninfo.
 * 0, or -1 with a message in err. */
int embedded_ensure(StrBuf *conninfo, StrBuf *err);
/* Stop the cluster if it runs. 0 (message in msg), or -1 with a message in err. */
int embedded_stop(StrBuf *msg, StrBuf *err);

#endif
