/*
 * driftmark.c - the drift mark (see driftmark.h): one query that fingerprints a schema's
 * catalog rows, kept with its version in .strav/driftmark-<schema hash> by migrate, and read
 * by status before it falls back to the full drift check (adopt.c).
 */
#include "driftmark.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "filerepl.h"
#include "sha256.h"
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
    /* four hashed subplans, not one IN over their union: that one is de-duplicated by a hash
     * aggregate of every oid first (110,000 at 10,000 tables, spilling past work_mem); the
     * rows, and so the fingerprint, are the same */
    "    FROM pg_catalog.pg_description d WHERE d.objoid IN (SELECT oid FROM c)"
    "      OR d.objoid IN (SELECT oid FROM t) OR d.objoid IN (SELECT oid FROM p)"
    "      OR d.objoid IN (SELECT oid FROM k)"
    /* a sequence's ownership (serial, identity) is only in pg_depend */
    "  UNION ALL SELECT 16, (dp.objid::int8 * 4096 + dp.objsubid) # (dp.refobjid::int8 << 24)"
    "                       # ascii(dp.deptype::text), dp.xmin"
    "    FROM pg_catalog.pg_depend dp JOIN c ON c.relkind = 'S'"
    "     AND dp.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dp.objid = c.oid)"
    " SELECT pg_catalog.current_database() || ':' || count(*) || ':' || coalesce(sum(pg_catalog.hashint8extended(key * 32 + tag,"
    "        x::text::int8)::numeric), 0) FROM r";

const char *driftmark_query(void)
{
    return q_fingerprint;
}

/* Without JIT, as the introspection's queries (introspect.c): from a few thousand tables the
 * plan's cost passes jit_above_cost, and at 10,000 tables the server compiled 231 functions
 * for 0.85 s of a 1.2 s fingerprint. SET LOCAL, in a transaction of its own or in a savepoint
 * of the caller's that is rolled back, so the setting does not outlive the query. */
bool driftmark_fingerprint(PgConn *c, const char *schema, StrBuf *out)
{
    bool in_tx = pg_in_transaction(c);
    static const char undo_sp[] =
        "ROLLBACK TO SAVEPOINT strav_fingerprint; RELEASE SAVEPOINT strav_fingerprint";
    if (pg_exec(c,
                in_tx ? "SAVEPOINT strav_fingerprint; SET LOCAL jit = off; " PG_CATALOG_SETTINGS
                      : "BEGIN READ ONLY; SET LOCAL jit = off; " PG_CATALOG_SETTINGS,
                NULL) != 0) {
        /* the SET failed (a server without jit, PostgreSQL 10): undo what the line began */
        if (in_tx)
            pg_exec(c, undo_sp, NULL);
        else if (pg_in_transaction(c))
            pg_exec(c, "ROLLBACK", NULL);
        return false;
    }
    PgResult *r = NULL;
    const char *p[] = { schema };
    bool ok = pg_query(c, &r, q_fingerprint, 1, p, NULL) == 0 && pg_nrows(r) == 1;
    if (ok)
        sb_adds(out, pg_value(r, 0, 0));
    pg_result_free(r);
    /* a failure (hashint8extended is PostgreSQL 11's) leaves the caller's transaction usable */
    pg_exec(c, in_tx ? undo_sp : "ROLLBACK", NULL);
    return ok;
}

#define MARK_PREFIX "strav drift mark 1\t"

/* cache_dir/driftmark-<16 hex of the schema's SHA-256>: one mark per schema. */
static void mark_path(StrBuf *out, const char *cache_dir, const char *schema)
{
    char h[65];
    sha256_hex(schema, strlen(schema), h);
    sb_addf(out, "%s/driftmark-%.16s", cache_dir, h);
}

bool driftmark_read(const char *cache_dir, const char *schema, const char *version, StrBuf *out)
{
    if (!cache_dir)
        return false;
    StrBuf path = SB_INIT;
    mark_path(&path, cache_dir, schema);
    char buf[512];
    FILE *f = fopen(path.buf, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    sb_release(&path);
    /* MARK_PREFIX version \t schema \t fingerprint \n */
    size_t plen = strlen(MARK_PREFIX), vlen = strlen(version), slen = strlen(schema);
    if (n < plen + vlen + slen + 3 || memcmp(buf, MARK_PREFIX, plen) ||
        memcmp(buf + plen, version, vlen) || buf[plen + vlen] != '\t' ||
        memcmp(buf + plen + vlen + 1, schema, slen) || buf[plen + vlen + 1 + slen] != '\t')
        return false;
    const char *fp = buf + plen + vlen + slen + 2;
    const char *nl = strchr(fp, '\n');
    if (!nl || nl == fp)
        return false;
    sb_add(out, fp, (size_t)(nl - fp));
    return true;
}

bool driftmark_store(const char *cache_dir, const char *schema, const char *version,
                     const char *fp)
{
    if (!cache_dir || strchr(schema, '\n') || strchr(schema, '\t'))
        return false;
    StrBuf path = SB_INIT, text = SB_INIT;
    mark_path(&path, cache_dir, schema);
    sb_addf(&text, MARK_PREFIX "%s\t%s\t%s\n", version, schema, fp);
    bool ok = file_replace(path.buf, text.buf, text.len);
    sb_release(&path);
    sb_release(&text);
    return ok;
}

bool driftmark_write(PgConn *c, const char *cache_dir, const char *schema, const char *version,
                     const char *expect, StrBuf *fp_out)
{
    StrBuf fp = SB_INIT;
    bool ok = driftmark_fingerprint(c, schema, &fp) && (!expect || !strcmp(fp.buf, expect));
    if (ok && fp_out)
        sb_adds(fp_out, fp.buf);
    if (ok && cache_dir)
        ok = driftmark_store(cache_dir, schema, version, fp.buf);
    sb_release(&fp);
    return ok;
}

void driftmark_clear(const char *cache_dir, const char *schema)
{
    if (!cache_dir)
        return;
    StrBuf path = SB_INIT;
    mark_path(&path, cache_dir, schema);
    unlink(path.buf);
    sb_release(&path);
}
