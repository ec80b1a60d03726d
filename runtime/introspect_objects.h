/*
 * introspect_objects.h - read the SQL-bodied objects of one schema (views, functions,
 * triggers, policies, row level security, extensions) into Model.objects; called by
 * introspect.c inside its transaction, with search_path set to the schema.
 */
#ifndef STRAV_INTROSPECT_OBJECTS_H
#define STRAV_INTROSPECT_OBJECTS_H

#include "arena.h"
#include "model.h"
#include "pg.h"
#include "strbuf.h"

typedef void (*IntroWarnFn)(void *ctx, const char *msg);

/* Fill m->objects (sorted, with deps) from schema `schema`; warnfn gets one line per detail
 * the model cannot hold. *nq counts the queries. false with a message in err on failure. */
bool introspect_objects(PgConn *c, const char *schema, Arena *a, Model *m, IntroWarnFn warnfn,
                        void *wctx, int *nq, StrBuf *err);

#endif
