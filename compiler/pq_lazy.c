/*
 * pq_lazy.c - libpq for stravc, loaded on first use. stravc talks to PostgreSQL only in a few
 * commands (pull, the lint of a live database), yet linking libpq makes every run load it and
 * the ~20 libraries it needs (Kerberos, LDAP, GnuTLS, SASL...): 3.8 of the 6 ms that
 * `stravc --version` takes. stravc links this file instead of -lpq (Makefile); it defines the
 * libpq functions that runtime/pg.c and runtime/conninfo.c call, each forwarding to the real
 * one, which the first call loads with dlopen. strav-run and strav link libpq itself.
 * A libpq function used anywhere else in stravc's objects is an undefined reference when
 * stravc links: add it here, with the prototype libpq-fe.h gives it (the compiler checks).
 * If libpq.so.5 cannot be loaded, the first call says so and the command exits with status 1.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* X: name, return type, parameters, arguments; V: the same for a void function */
#define PQ_FUNCS(X, V)                                                                             \
    V(PQclear, void, (PGresult * res), (res))                                                      \
    X(PQconnectdbParams, PGconn *,                                                                 \
      (const char *const *keywords, const char *const *values, int expand_dbname),                 \
      (keywords, values, expand_dbname))                                                           \
    V(PQconninfoFree, void, (PQconninfoOption * opts), (opts))                                     \
    X(PQconninfoParse, PQconninfoOption *, (const char *conninfo, char **errmsg),                  \
      (conninfo, errmsg))                                                                          \
    X(PQenterPipelineMode, int, (PGconn * conn), (conn))                                           \
    X(PQerrorMessage, char *, (const PGconn *conn), (conn))                                        \
    X(PQexec, PGresult *, (PGconn * conn, const char *query), (conn, query))                       \
    X(PQexecParams, PGresult *,                                                                    \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,                     \
       const char *const *paramValues, const int *paramLengths, const int *paramFormats,           \
       int resultFormat),                                                                          \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(PQexitPipelineMode, int, (PGconn * conn), (conn))                                            \
    V(PQfinish, void, (PGconn * conn), (conn))                                                     \
    V(PQfreemem, void, (void *ptr), (ptr))                                                         \
    X(PQgetCopyData, int, (PGconn * conn, char **buffer, int async), (conn, buffer, async))        \
    X(PQgetResult, PGresult *, (PGconn * conn), (conn))                                            \
    X(PQgetisnull, int, (const PGresult *res, int tup, int field), (res, tup, field))              \
    X(PQgetvalue, char *, (const PGresult *res, int tup, int field), (res, tup, field))            \
    X(PQntuples, int, (const PGresult *res), (res))                                                \
    X(PQpass, char *, (const PGconn *conn), (conn))                                                \
    X(PQping, PGPing, (const char *conninfo), (conninfo))                                          \
    X(PQpipelineSync, int, (PGconn * conn), (conn))                                                \
    X(PQputCopyEnd, int, (PGconn * conn, const char *errormsg), (conn, errormsg))                  \
    X(PQresultErrorField, char *, (const PGresult *res, int fieldcode), (res, fieldcode))          \
    X(PQresultStatus, ExecStatusType, (const PGresult *res), (res))                                \
    X(PQsendQueryParams, int,                                                                      \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,                     \
       const char *const *paramValues, const int *paramLengths, const int *paramFormats,           \
       int resultFormat),                                                                          \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(PQserverVersion, int, (const PGconn *conn), (conn))                                          \
    X(PQsetNoticeReceiver, PQnoticeReceiver, (PGconn * conn, PQnoticeReceiver proc, void *arg),    \
      (conn, proc, arg))                                                                           \
    X(PQstatus, ConnStatusType, (const PGconn *conn), (conn))                                      \
    X(PQtransactionStatus, PGTransactionStatusType, (const PGconn *conn), (conn))

#define PQ_LIBRARY "libpq.so.5" /* the soname of every libpq since PostgreSQL 8.2 */

static struct {
#define X(name, ret, params, args) ret(*name) params;
    PQ_FUNCS(X, X)
#undef X
} real;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fail(const char *what)
{
    const char *why = dlerror();
    fprintf(stderr, "Error: cannot load %s%s, which connecting to PostgreSQL needs: %s\n",
            PQ_LIBRARY, what, why ? why : "unknown error");
    exit(1);
}

static void load(void)
{
    void *h = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail("");
    void *p;
#define X(name, ret, params, args) \
    if (!(p = dlsym(h, #name)))    \
        fail(" (" #name ")");      \
    memcpy(&real.name, &p, sizeof p); /* POSIX: a function's address through void * */
    PQ_FUNCS(X, X)
#undef X
}

#define X(name, ret, params, args) \
    ret name params                \
    {                              \
        pthread_once(&once, load); \
        return real.name args;     \
    }
#define V(name, ret, params, args) \
    ret name params                \
    {                              \
        pthread_once(&once, load); \
        real.name args;            \
    }
PQ_FUNCS(X, V)
#undef X
#undef V
