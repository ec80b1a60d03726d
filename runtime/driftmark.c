/*
 * driftmark.c - the drift mark (see driftmark.h): one query that fingerprints a schema's
 * catalog rows, a one-row table beside the tracking table that migrate fills with it, and the
 * comparison status makes before it falls back to the full drift check (adopt.c).
 */
#include "driftmark.h"

#include <string.h>

#include "strbuf.h"

/* $1 = the schema. count:sum over rows of hash(key, xmin): the sum does not depend on the
 * order, and every row has a distinct key (the tag keeps the catalogs apart). Relations and
 * types named _strav_* (and the array types __strav_*) are strav's own. */
static const char q_fingerprint[] =
    "WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1),"
    " c AS (SELECT c.oid, c.xmin, c.relkind FROM pg_catalog.pg_class c, ns"
    "        WHERE c.relnamespace = ns.oid AND c.relname NOT LIKE '\\_strav\\_%'),"
    " t AS (SELECT t.oid, t.xmin FROM pg_catalog.pg_type t, ns WHERE t.typnamespace = ns.oid"
    "        AND t.typname NOT LIKE '\\_strav\\_%' AND t.typname NOT LIKE '\\_\\_strav\\_%'),"
    " p AS (SELECT p.oid, p.xmin FROM pg_catalog.pg_proc p, ns WHERE p.pronamespace = ns.oid),"
    " k AS (SELECT co.oid, co.xmin FROM pg_catalog.pg_constraint co, ns"
    "        WHERE co.connamespace = ns.oid"
    "          AND (co.conrelid = 0 OR co.conrelid IN (SELECT oid FROM c))),"
    " r (tag, key, x) AS ("
    "  SELECT 1, oid::int8, xmin FROM c"
    "  UNION ALL SELECT 2, oid::int8, xmin FROM t"
    "  UNION ALL SELECT 3, oid::int8, xmin FROM p"
    "  UNION ALL SELECT 4, oid::int8, xmin FROM k"
    "  UNION ALL SELECT 5, a.attrelid::int8 * 4096 + a.attnum, a.xmin"
    "    FROM pg_catalog.pg_attribute a JOIN c ON c.oid = a.attrelid WHERE a.attnum > 0"
    "  UNION ALL SELECT 6, ad.oid::int8, ad.xmin"
    "    FROM pg_catalog.pg_attrdef ad JOIN c ON c.oid = ad.adrelid"
    "  UNION ALL SELECT 7, i.indexrelid::int8, i.xmin"
    "    FROM pg_catalog.pg_index i JOIN c ON c.oid = i.indrelid"
    "  UNION ALL SELECT 8, tg.oid::int8, tg.xmin"
    "    FROM pg_catalog.pg_trigger tg JOIN c ON c.oid = tg.tgrelid"
    "  UNION ALL SELECT 9, po.oid::int8, po.xmin"
    "    FROM pg_catalog.pg_policy po JOIN c ON c.oid = po.polrelid"
    "  UNION ALL SELECT 10, rw.oid::int8, rw.xmin"
    "    FROM pg_catalog.pg_rewrite rw JOIN c ON c.oid = rw.ev_class"
    "  UNION ALL SELECT 11, ih.inhrelid::int8 * 4096 + ih.inhseqno, ih.xmin"
    "    FROM pg_catalog.pg_inherits ih JOIN c ON c.oid = ih.inhrelid"
    "  UNION ALL SELECT 12, pt.partrelid::int8, pt.xmin"
    "    FROM pg_catalog.pg_partitioned_table pt JOIN c ON c.oid = pt.partrelid"
    "  UNION ALL SELECT 13, sq.seqrelid::int8, sq.xmin"
    "    FROM pg_catalog.pg_sequence sq JOIN c ON c.oid = sq.seqrelid"
    "  UNION ALL SELECT 14, en.oid::int8, en.xmin"
    "    FROM pg_catalog.pg_enum en JOIN t ON t.oid = en.enumtypid"
    "  UNION ALL SELECT 15, (d.objoid::int8 * 4096 + d.objsubid) # (d.classoid::int8 << 44), d.xmin"
    "    FROM pg_catalog.pg_description d WHERE d.objoid IN"
    "      (SELECT oid FROM c UNION ALL SELECT oid FROM t UNION ALL SELECT oid FROM p"
    "       UNION ALL SELECT oid FROM k)"
    /* a sequence's ownership (serial, identity) is only in pg_depend */
    "  UNION ALL SELECT 16, (dp.objid::int8 * 4096 + dp.objsubid) # (dp.refobjid::int8 << 24)"
    "                       # ascii(dp.deptype::text), dp.xmin"
    "    FROM pg_catalog.pg_depend dp JOIN c ON c.relkind = 'S'"
    "     AND dp.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dp.objid = c.oid)"
    " SELECT count(*) || ':' || coalesce(sum(pg_catalog.hashint8extended(key * 32 + tag,"
    "        x::text::int8)::numeric), 0) FROM r";

/* qschema.<table>_catalog, quoted. */
static void mark_table(PgConn *c, StrBuf *out, const char *qschema, const char *table)
{
    StrBuf name = SB_INIT;
    sb_addf(&name, "%s_catalog", table);
    sb_addf(out, "%s.", qschema);
    pg_quote_ident(c, out, name.buf);
    sb_release(&name);
}

bool driftmark_fingerprint(PgConn *c, const char *schema, StrBuf *out)
{
    PgResult *r = NULL;
    const char *p[] = { schema };
    bool ok = pg_query(c, &r, q_fingerprint, 1, p, NULL) == 0 && pg_nrows(r) == 1;
    if (ok)
        sb_adds(out, pg_value(r, 0, 0));
    pg_result_free(r);
    return ok;
}

/* Whether the mark table exists (an older strav made none). */
static bool have_table(PgConn *c, const char *qtable)
{
    PgResult *r = NULL;
    const char *p[] = { qtable };
    bool yes = pg_query(c, &r, "SELECT pg_catalog.to_regclass($1) IS NOT NULL", 1, p, NULL) == 0 &&
               strcmp(pg_value(r, 0, 0), "t") == 0;
    pg_result_free(r);
    return yes;
}

bool driftmark_read(PgConn *c, const char *qschema, const char *table, const char *version,
                    StrBuf *out)
{
    StrBuf t = SB_INIT, q = SB_INIT;
    mark_table(c, &t, qschema, table);
    PgResult *r = NULL;
    bool found = false;
    if (have_table(c, t.buf)) {
        sb_addf(&q, "SELECT fingerprint FROM %s WHERE version = $1", t.buf);
        const char *p[] = { version };
        found = pg_query(c, &r, q.buf, 1, p, NULL) == 0 && pg_nrows(r) == 1;
        if (found)
            sb_adds(out, pg_value(r, 0, 0));
    }
    pg_result_free(r);
    sb_release(&t);
    sb_release(&q);
    return found;
}

bool driftmark_write(PgConn *c, const char *schema, const char *qschema, const char *table,
                     const char *version, const char *expect)
{
    StrBuf t = SB_INIT, q = SB_INIT;
    mark_table(c, &t, qschema, table);
    PgResult *r = NULL;
    bool ok = false;
    sb_addf(&q,
            "BEGIN; CREATE TABLE IF NOT EXISTS %s (version varchar(255) PRIMARY KEY, "
            "fingerprint text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT "
            "clock_timestamp()); DELETE FROM %s",
            t.buf, t.buf);
    if (pg_exec(c, q.buf, NULL) != 0)
        goto out;
    sb_reset(&q);
    sb_addf(&q,
            "INSERT INTO %s (version, fingerprint) SELECT $2, f FROM (%s) x (f)"
            " WHERE $3::text IS NULL OR f = $3 RETURNING 1",
            t.buf, q_fingerprint);
    const char *p[] = { schema, version, expect };
    if (pg_query(c, &r, q.buf, 3, p, NULL) != 0)
        goto out;
    ok = pg_nrows(r) == 1 && pg_exec(c, "COMMIT", NULL) == 0;
out:
    if (!ok)
        pg_exec(c, "ROLLBACK", NULL);
    pg_result_free(r);
    sb_release(&t);
    sb_release(&q);
    return ok;
}

void driftmark_clear(PgConn *c, const char *qschema, const char *table)
{
    StrBuf t = SB_INIT, q = SB_INIT;
    mark_table(c, &t, qschema, table);
    if (have_table(c, t.buf)) {
        sb_addf(&q, "DELETE FROM %s", t.buf);
        pg_exec(c, q.buf, NULL);
    }
    sb_release(&t);
    sb_release(&q);
}
