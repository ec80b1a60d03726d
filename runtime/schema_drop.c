/*
 * schema_drop.c - after a rollback that leaves a domain with no applied migration, drop the
 * domain's schema again when it holds nothing but Strav's tracking table (issue 9, item 7: the
 * runtime created the schema for the domain's first migration, so rolling that back must give
 * the database without it). Only for a domain whose schema is named after it (never public, a
 * per-tenant schema or one named by @@schema). Part of the runtime's rollback (cmd_rollback.c).
 */
#include "runctx.h"

#include <string.h>

#include "pg.h"
#include "strbuf.h"

/* Objects of the schema other than the tracking table, its indexes and its row types. */
static const char q_other_objects[] =
    "SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid"
    "          AND c.relname NOT LIKE '\\_strav\\_%')"
    "     + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = n.oid AND t.typrelid = 0"
    "          AND t.typname NOT LIKE '\\_\\_strav\\_%')"
    "     + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid)"
    "  FROM pg_namespace n WHERE n.nspname = $1";

int schema_drop_if_empty(Ctx *c)
{
    if (!strcmp(c->schema, "public") || strcmp(c->schema, c->set.domain))
        return 0;
    PgResult *r = NULL;
    PgError e = PG_ERROR_INIT;
    const char *p[] = { c->schema };
    int rc = pg_query(c->conn, &r, q_other_objects, 1, p, &e);
    bool empty = rc == 0 && pg_nrows(r) == 1 && !strcmp(pg_value(r, 0, 0), "0");
    pg_result_free(r);
    if (rc != 0) {
        out_pg_error(c, &e, "cannot inspect the schema after the rollback");
        pg_error_release(&e);
        return -1;
    }
    if (!empty)
        return 0;
    StrBuf q = SB_INIT;
    sb_addf(&q, "DROP SCHEMA %s CASCADE", c->qschema.buf);
    rc = pg_exec(c->conn, q.buf, &e);
    sb_release(&q);
    if (rc != 0) {
        out_pg_error(c, &e, "cannot drop the emptied schema");
        pg_error_release(&e);
        return -1;
    }
    c->have_table = c->have_cols = false;
    out_say(c, "Dropped schema %s: nothing of domain %s is left in it\n", c->schema,
            c->set.domain);
    return 0;
}
