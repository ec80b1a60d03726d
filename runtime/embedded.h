/*
 * embedded.h - the embedded default database: a project-local PostgreSQL cluster under .strav/
 * in the current directory, created with initdb on first use and started on a Unix socket only
 * (no TCP port). Used when neither --database, DATABASE_URL nor any PG* variable is set.
 * Sized for what Strav sends (max_locks_per_transaction 1024); restarted when its postmaster
 * died (kill -9: a stale postmaster.pid, a zombie), detected by a connection attempt.
 */
#ifndef STRAV_EMBEDDED_H
#define STRAV_EMBEDDED_H

#include "base.h"
#include "strbuf.h"

/* Make sure the cluster exists and runs; append its libpq conninfo to conninfo.
 * 0, or -1 with a message in err. */
int embedded_ensure(StrBuf *conninfo, StrBuf *err);
/* The connection every command uses, resolved in one place: `database` (--database) when set,
 * else DATABASE_URL, else "" (libpq reads PGHOST, PGDATABASE...) when a PG* variable is set,
 * else the embedded default (created and started on demand). Appends the conninfo to out.
 * 0, or -1 with a message in err. */
int embedded_resolve(const char *database, StrBuf *out, StrBuf *err);
/* Stop the cluster if it runs. 0 (message in msg), or -1 with a message in err. */
int embedded_stop(StrBuf *msg, StrBuf *err);

#endif
