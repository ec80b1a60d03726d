/*
 * introspect.c - live PostgreSQL schema -> Model (see introspect.h). Eight pg_catalog queries,
 * one per object kind (relations, columns, constraints, index columns, types, other objects;
 * introspect_types.c adds domains and exclusion constraints),
 * each ordered by owner oid and joined here in C, so the cost does not grow in round trips with
 * the number of tables. pg_catalog, not information_schema: the latter hides constraints of
 * tables the role does not own (strav-original.md 5.2 #12) and duplicates composite FK columns
 * (#11). All SQL goes through runtime/pg.h.
 */
#include "introspect.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftmark.h"
#include "introspect_int.h"
#include "introspect_objects.h" /* objects (issue 14) */
#include "pg.h"
#include "sqlnorm.h"
#include "sqlquote.h"
#include "strbuf.h"

void warnf(Ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    if (x->nwarn == x->capwarn) {
        x->capwarn = x->capwarn ? x->capwarn * 2 : 16;
        x->warn = xrealloc(x->warn, x->capwarn * sizeof *x->warn);
    }
    x->warn[x->nwarn++] = msg;
}

/* STRAV_INTROSPECT_SQL=FILE (bench/introspect.sh's floor): append each introspection query to
 * FILE as a psql script, PREPAREd with the schema as its $1 and EXECUTEd with psql's variable
 * :'schema', so psql can send the same SQL and fetch the same rows. */
void introspect_dump_sql(const char *sql)
{
    static int nth;
    const char *path = getenv("STRAV_INTROSPECT_SQL");
    FILE *f = path && *path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    nth++;
    if (!strchr(sql, '$'))
        fprintf(f, "%s;\n", sql);
    else
        fprintf(f, "PREPARE strav_q%d(text) AS %s;\nEXECUTE strav_q%d(:'schema');\n"
                   "DEALLOCATE strav_q%d;\n", nth, sql, nth, nth);
    fclose(f);
}

/* Run one query with $1 = the schema name. NULL (and err set) on failure. */
PgResult *query(Ctx *x, const char *sql)
{
    const char *params[1] = {x->schema};
    x->nq++;
    introspect_dump_sql(sql);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    PgError e = PG_ERROR_INIT;
    int rc = 0;
    PgResult *r = prefetch_take(x->pf, sql); /* NULL: not the helper's, or it failed: here */
    bool helped = r != NULL;
    if (!r)
        rc = pg_query(x->conn, &r, sql, 1, params, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        if (!x->err->len) /* the first failure is the cause: the rest follow from it */
            sb_addf(x->err, "introspection query failed: %s", e.message ? e.message : "?");
        pg_error_release(&e);
        pg_result_free(r);
        return NULL;
    }
    if (getenv("STRAV_INTROSPECT_TRACE")) /* bench/introspect.sh: where the time goes */
        fprintf(stderr, "introspect: query %d: %.1f ms, %d rows%s\n", x->nq,
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
                pg_nrows(r), helped ? " (helper connection)" : "");
    return r;
}

const char *val(Ctx *x, PgResult *r, int row, int col)
{
    if (pg_isnull(r, row, col))
        return NULL;
    return arena_strdup(x->a, pg_value(r, row, col));
}

const char *raw(PgResult *r, int row, int col)
{
    return pg_isnull(r, row, col) ? NULL : pg_value(r, row, col);
}

bool flag(PgResult *r, int row, int col)
{
    return !pg_isnull(r, row, col) && pg_value(r, row, col)[0] == 't';
}

long num(PgResult *r, int row, int col)
{
    return pg_isnull(r, row, col) ? 0 : strtol(pg_value(r, row, col), NULL, 10);
}

static int cmp_ref(const void *a, const void *b)
{
    unsigned x = ((const TabRef *)a)->oid, y = ((const TabRef *)b)->oid;
    return x < y ? -1 : x > y;
}

Table *table_of(Ctx *x, unsigned oid)
{
    TabRef key = {.oid = oid};
    TabRef *r = x->nrefs ? bsearch(&key, x->refs, x->nrefs, sizeof *x->refs, cmp_ref) : NULL;
    if (r && SIZE_MAX - r->idx < x->nctabs)
        return &x->ctabs[SIZE_MAX - r->idx]; /* a composite type (types branch) */
    return r ? &x->m->tables[r->idx] : NULL;
}

static int cmp_seq(const void *a, const void *b)
{
    const OwnedSeq *p = a, *q = b;
    if (p->rel != q->rel)
        return p->rel < q->rel ? -1 : 1;
    return (p->attnum > q->attnum) - (p->attnum < q->attnum);
}

static bool owns_sequence(Ctx *x, unsigned rel, int attnum)
{
    OwnedSeq key = {rel, attnum};
    return x->nseqs && bsearch(&key, x->seqs, x->nseqs, sizeof key, cmp_seq) != NULL;
}

/* ---- relations -------------------------------------------------------------------------- */

static const char q_relations[] =
    /* the comment by an index probe, as in q_columns (stale statistics of pg_description) */
    "SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relrowsecurity,"
    "       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = c.oid"
    "          AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0),"
    "       c.relpersistence,"
    "       CASE WHEN c.relkind = 'S' THEN"
    "       (SELECT d.refobjid::text || ' ' || d.refobjsubid || ' ' || d.deptype::text"
    "          FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
    "           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) END,"
    /* an extension's member: one index probe per row (a join with every such pg_depend row
     * scanned all of pg_depend, 18 ms at 10,000 tables even for a scratch schema of two) */
    "       (SELECT true FROM pg_depend e WHERE e.classid = 'pg_class'::regclass"
    "          AND e.objid = c.oid AND e.deptype = 'e' LIMIT 1) IS NOT NULL,"
    /* 9-12, types branch: a partition's parent, its schema and bound; a partition key */
    "       (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
    "         WHERE i.inhrelid = c.oid AND c.relispartition),"
    "       (SELECT pn.nspname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
    "          JOIN pg_namespace pn ON pn.oid = p.relnamespace"
    "         WHERE i.inhrelid = c.oid AND c.relispartition),"
    "       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,"
    "       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
    /* 13, types branch: a composite type's comment is on its pg_type row */
    "       CASE WHEN c.relkind = 'c' THEN obj_description(c.reltype, 'pg_type') END,"
    /* 14 (adopt2): a sequence's options */
    "       (SELECT s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax"
    "               || ' ' || s.seqcache || ' ' || s.seqcycle || ' ' || format_type(s.seqtypid, NULL)"
    "          FROM pg_sequence s WHERE s.seqrelid = c.oid),"
    /* 15 (hostile): storage parameters (fillfactor, autovacuum_*), which the model lacks */
    "       array_to_string(c.reloptions, ', ')"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')"
    "   AND c.relname NOT LIKE '\\_strav\\_%'"
    " ORDER BY c.relname COLLATE \"C\"";

/* adopt2: "start increment min max cache cycle type" (q_relations column 9) -> canonical
 * options against storage; false when it cannot be read. */
static bool parse_seqopts(const char *s, TypeKind storage, SeqOpts *o)
{
    long long st, inc, mn, mx, ca;
    char cyc[8], ty[16];
    if (!s || sscanf(s, "%lld %lld %lld %lld %lld %7s %15s", &st, &inc, &mn, &mx, &ca, cyc, ty) != 7)
        return false;
    TypeKind k;
    if (!type_kind_from_name(ty, &k))
        return false;
    *o = (SeqOpts){.set = SEQ_AS | SEQ_START | SEQ_INCREMENT | SEQ_MIN | SEQ_MAX | SEQ_CACHE,
                   .as = k, .start = st, .increment = inc, .min = mn, .max = mx, .cache = ca};
    if (cyc[0] == 't')
        o->set |= SEQ_CYCLE;
    seqopts_canon(o, storage);
    return true;
}

static bool load_relations(Ctx *x)
{
    PgResult *r = query(x, q_relations);
    if (!r)
        return false;
    int n = pg_nrows(r);
    size_t ntables = 0, nseqs = 0, ncomp = 0, nfree = 0;
    for (int i = 0; i < n; i++) {
        char kind = pg_value(r, i, 2)[0];
        if ((kind == 'r' || kind == 'p') && !flag(r, i, 8)) /* partitions too (types branch) */
            ntables++;
        if (kind == 'S')
            nseqs++;
        if (kind == 'c')
            ncomp++;
        if (kind == 'S' && !raw(r, i, 7))
            nfree++;
    }
    x->m->sequences = ARENA_ARRAY(x->a, Sequence, nfree ? nfree : 1); /* adopt2 */
    x->m->tables = ARENA_ARRAY(x->a, Table, ntables);
    x->refs = ARENA_ARRAY(x->a, TabRef, ntables + ncomp);
    x->ctabs = ARENA_ARRAY(x->a, Table, ncomp);
    x->seqs = ARENA_ARRAY(x->a, OwnedSeq, nseqs);
    for (int i = 0; i < n; i++) {
        const char *name = raw(r, i, 1);
        char kind = pg_value(r, i, 2)[0];
        unsigned oid = (unsigned)strtoul(pg_value(r, i, 0), NULL, 10);
        if (flag(r, i, 8))
            continue; /* an extension's object: reported once per extension */
        switch (kind) {
        case 'r':
        case 'p':
            if (flag(r, i, 3) && strcmp(raw(r, i, 10), x->schema)) {
                warnf(x, "partition %s: its parent %s.%s is in another schema, skipped", name,
                      raw(r, i, 10), raw(r, i, 9));
                break;
            }
            {
                Table *t = &x->m->tables[x->m->ntables];
                t->name = arena_strdup(x->a, name);
                t->archetype = ARCH_TABLE;
                t->comment = val(x, r, i, 5);
                /* types branch: a partition holds only its parent and bound (its columns,
                 * keys and indexes are the parent's), so it gets no TabRef */
                t->partition_of = flag(r, i, 3) ? val(x, r, i, 9) : NULL;
                t->partition_bound = flag(r, i, 3) ? val(x, r, i, 11) : NULL;
                t->partition_by = kind == 'p' ? val(x, r, i, 12) : NULL;
                if (t->partition_of)
                    x->m->ntables++;
                else
                    x->refs[x->nrefs++] = (TabRef){oid, x->m->ntables++};
            }
            /* objects (issue 14): row level security is read by introspect_objects.c */
            if (pg_value(r, i, 6)[0] == 'u')
                warnf(x, "table %s: UNLOGGED is not in the model", name);
            const char *relopts = raw(r, i, 15);
            if (relopts && *relopts)
                warnf(x, "table %s: storage parameters (%s) are not in the model", name, relopts);
            break;
        case 'v': /* objects (issue 14): views are read by introspect_objects.c */
        case 'm':
            break;
        case 'f':
            warnf(x, "foreign table %s: cannot be expressed, skipped", name);
            break;
        case 'c': { /* types branch: its attributes are read as columns */
            Table *t = &x->ctabs[x->nctabs];
            t->name = arena_strdup(x->a, name);
            t->comment = val(x, r, i, 13);
            x->refs[x->nrefs++] = (TabRef){oid, SIZE_MAX - x->nctabs++};
            break;
        }
        case 'S': {
            const char *dep = raw(r, i, 7);
            unsigned rel;
            int attnum;
            char deptype;
            if (dep && sscanf(dep, "%u %d %c", &rel, &attnum, &deptype) == 3) {
                if (deptype == 'a')
                    x->seqs[x->nseqs++] = (OwnedSeq){rel, attnum};
            } else { /* adopt2: a standalone sequence */
                Sequence *q = &x->m->sequences[x->m->nsequences];
                if (parse_seqopts(raw(r, i, 14), TY_BIGINT, &q->opts)) {
                    q->name = arena_strdup(x->a, name);
                    q->comment = val(x, r, i, 5);
                    x->m->nsequences++;
                } else {
                    warnf(x, "sequence %s: its options cannot be read, skipped", name);
                }
            }
            break;
        }
        default:
            break;
        }
    }
    pg_result_free(r);
    if (x->nrefs)
        qsort(x->refs, x->nrefs, sizeof *x->refs, cmp_ref);
    if (x->nseqs)
        qsort(x->seqs, x->nseqs, sizeof *x->seqs, cmp_seq);
    return true;
}

/* ---- columns ---------------------------------------------------------------------------- */

static const char q_columns[] =
    "SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.attidentity, a.attgenerated,"
    /* a default cannot refer to a column, so it is printed without the table (a relid
     * makes pg_get_expr open and lock the table); a generated column's expression can */
    "       a.attndims,"
    "       pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END, true),"
    /* a comment: an index probe per column, not a join. Right after the DDL that wrote the
     * comments, pg_description's statistics may still say it holds none, and the planner
     * then joins it last as a nested loop over every comment of the database (1,000 tables:
     * 11,000 x 1,000 rows compared, 0.47 s of a 0.5 s query) */
    "       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = a.attrelid"
    "          AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum),"
    "       format_type(a.atttypid, a.atttypmod), t.typtype, t.typname,"
    "       e.typname, en.nspname, e.typtype, b.typcategory = 'A',"
    "       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,"
    "       CASE WHEN a.attcollation <> t.typcollation THEN"
    /* 17 (adopt2): the column's collation when not its type's (a domain's own collation,
     * which the column inherits, is the domain's detail, not the column's) */
    "            (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation) END,"
    /* 18 (adopt2): the options of the column's own sequence (identity or serial) */
    "       sq.opts,"
    /* 19, types branch: the schema of the column's own type (a domain of this schema) */
    "       tn.nspname"
    "  FROM pg_attribute a"
    "  JOIN pg_class c ON c.oid = a.attrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_type t ON t.oid = a.atttypid"
    "  JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
    "  JOIN pg_type e ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0"
    "                                 THEN b.typelem ELSE b.oid END"
    "  JOIN pg_namespace en ON en.oid = e.typnamespace"
    "  JOIN pg_namespace tn ON tn.oid = t.typnamespace"
    /* one join, not a subquery per column (10,000 tables: 40,000 index look-ups) */
    "  LEFT JOIN (SELECT DISTINCT ON (d.refobjid, d.refobjsubid) d.refobjid, d.refobjsubid,"
    "                    s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' ||"
    "                    s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle || ' ' ||"
    "                    format_type(s.seqtypid, NULL) AS opts"
    "               FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid"
    "               JOIN pg_class oc ON oc.oid = d.refobjid"
    "               JOIN pg_namespace on_ ON on_.oid = oc.relnamespace"
    "              WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
    "                AND d.deptype IN ('a', 'i') AND on_.nspname = $1"
    "              ORDER BY d.refobjid, d.refobjsubid, d.objid) sq"
    "         ON sq.refobjid = a.attrelid AND sq.refobjsubid = a.attnum"
    "  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'c') AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY a.attrelid, a.attnum";

static const struct {
    const char *pg; /* pg_type.typname in pg_catalog */
    TypeKind kind;
} builtin[] = {
    {"bit", TY_BIT}, {"bool", TY_BOOLEAN}, {"box", TY_BOX}, {"bpchar", TY_CHAR},
    {"bytea", TY_BYTEA}, {"cidr", TY_CIDR}, {"circle", TY_CIRCLE}, {"date", TY_DATE},
    {"daterange", TY_DATERANGE}, {"float4", TY_REAL}, {"float8", TY_DOUBLE}, {"inet", TY_INET},
    {"int2", TY_SMALLINT}, {"int4", TY_INTEGER}, {"int4range", TY_INT4RANGE},
    {"int8", TY_BIGINT}, {"int8range", TY_INT8RANGE}, {"interval", TY_INTERVAL},
    {"json", TY_JSON}, {"jsonb", TY_JSONB}, {"line", TY_LINE}, {"lseg", TY_LSEG},
    {"macaddr", TY_MACADDR}, {"macaddr8", TY_MACADDR8}, {"money", TY_MONEY},
    {"numeric", TY_NUMERIC}, {"numrange", TY_NUMRANGE}, {"path", TY_PATH}, {"point", TY_POINT},
    {"polygon", TY_POLYGON}, {"text", TY_TEXT}, {"time", TY_TIME},
    {"timestamp", TY_TIMESTAMP}, {"timestamptz", TY_TIMESTAMPTZ}, {"timetz", TY_TIMETZ},
    {"tsquery", TY_TSQUERY}, {"tsrange", TY_TSRANGE}, {"tstzrange", TY_TSTZRANGE},
    {"tsvector", TY_TSVECTOR}, {"uuid", TY_UUID}, {"varbit", TY_VARBIT},
    {"varchar", TY_VARCHAR}, {"xml", TY_XML},
};

/* Decode the element type name + typmod into t; false when the language has no such type. */
bool decode_builtin(const char *name, int32_t mod, SqlType *t)
{
    size_t k = 0;
    while (k < ARRAY_LEN(builtin) && strcmp(builtin[k].pg, name))
        k++;
    if (k == ARRAY_LEN(builtin))
        return false;
    t->kind = builtin[k].kind;
    switch (t->kind) {
    case TY_VARCHAR:
    case TY_CHAR:
        t->length = mod >= 4 ? mod - 4 : -1; /* VARHDRSZ */
        break;
    case TY_BIT:
    case TY_VARBIT:
        t->length = mod >= 0 ? mod : -1;
        break;
    case TY_NUMERIC:
        if (mod >= 4) {
            t->precision = ((mod - 4) >> 16) & 0xffff;
            t->scale = (mod - 4) & 0xffff;
        }
        break;
    case TY_TIMESTAMP:
    case TY_TIMESTAMPTZ:
    case TY_TIME:
    case TY_TIMETZ:
        t->precision = mod >= 0 ? mod : -1;
        break;
    case TY_INTERVAL:
        if (mod >= 0) {
            if (((mod >> 16) & 0x7fff) != 0x7fff)
                return false; /* INTERVAL DAY TO SECOND etc.: fields the language lacks */
            t->precision = (mod & 0xffff) == 0xffff ? -1 : (mod & 0xffff);
        }
        break;
    default:
        break;
    }
    return true;
}

static void decode_column(Ctx *x, PgResult *r, int i, const Table *tab, Column *col)
{
    SqlType *t = &col->type;
    *t = (SqlType){.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1};
    const char *elem = raw(r, i, 12), *elem_nsp = raw(r, i, 13);
    char typtype = pg_value(r, i, 10)[0], elem_typtype = pg_value(r, i, 14)[0];
    bool is_array = flag(r, i, 15);
    int32_t mod = (int32_t)num(r, i, 16);
    if ((typtype == 'd' || typtype == 'c') && !strcmp(raw(r, i, 19), x->schema)) {
        /* types branch: a domain or composite type of this schema (load_dtypes/load_ctypes) */
        StrBuf q = SB_INIT;
        model_dtype_spelling(&q, raw(r, i, 11));
        t->other = arena_strdup(x->a, sb_str(&q));
        sb_release(&q);
        col->collation = val(x, r, i, 17); /* adopt2 */
        return;
    }
    if ((typtype == 'd' || typtype == 'c') && !is_array && strcmp(raw(r, i, 19), "pg_catalog") &&
        strcmp(raw(r, i, 19), "information_schema")) {
        /* another domain's SQL domain or composite type: written schema.name, as the
         * compiler spells a use of it (docs/language.md, "Using another domain") */
        StrBuf q = SB_INIT;
        sql_qualified(&q, raw(r, i, 19), raw(r, i, 11));
        t->other = arena_strdup(x->a, sb_str(&q));
        sb_release(&q);
        col->collation = val(x, r, i, 17);
        return;
    }
    if (typtype == 'd')
        warnf(x, "column %s.%s: domain %s read as its base type", tab->name, col->name,
              raw(r, i, 11));
    bool known = false;
    if (elem_typtype == 'e') {
        t->kind = TY_ENUM;
        t->enum_name = arena_strdup(x->a, elem);
        t->enum_schema = strcmp(elem_nsp, x->schema) ? arena_strdup(x->a, elem_nsp) : NULL;
        known = true;
    } else if (!strcmp(elem_nsp, "pg_catalog")) {
        known = decode_builtin(elem, mod, t);
    }
    if (known) {
        t->ndims = is_array ? (int32_t)(num(r, i, 6) > 0 ? num(r, i, 6) : 1) : 0;
    } else {
        *t = (SqlType){.kind = TY_OTHER, .length = -1, .precision = -1, .scale = -1};
        t->other = val(x, r, i, 9);
        warnf(x, "column %s.%s: type %s is not in the language", tab->name, col->name, t->other);
    }
    col->collation = val(x, r, i, 17); /* adopt2 */
}

/* adopt2: the options of a serial or identity column's sequence (q_columns column 18). A
 * serial's sequence typed unlike its column is not held (serial means AS the column's type). */
static void seq_options(Ctx *x, PgResult *r, int i, Column *col)
{
    const char *s = raw(r, i, 18);
    if (!s)
        return;
    SeqOpts o;
    if (!parse_seqopts(s, col->type.kind, &o)) {
        warnf(x, "column %s: the options of its sequence cannot be read", col->name);
        return;
    }
    if ((o.set & SEQ_AS) && col->identity == IDENTITY_NONE) {
        warnf(x, "column %s: its serial sequence is AS %s, unlike the column: not in the model",
              col->name, type_kind_name(o.as));
        o.set &= ~(unsigned)SEQ_AS;
    }
    col->seq = o;
}

static void decode_default(Ctx *x, PgResult *r, int i, unsigned rel, Column *col)
{
    const char *def = raw(r, i, 7);
    char identity = pg_value(r, i, 4)[0], generated = pg_value(r, i, 5)[0];
    col->identity = identity == 'a' ? IDENTITY_ALWAYS
                    : identity == 'd' ? IDENTITY_BY_DEFAULT : IDENTITY_NONE;
    if (col->identity != IDENTITY_NONE)
        seq_options(x, r, i, col); /* adopt2 */
    if (generated == 's') {
        col->generated = def ? sqlnorm_oneline(x->a, arena_strdup(x->a, def)) : NULL;
        return;
    }
    if (!def)
        return;
    int attnum = (int)num(r, i, 1);
    if (!strncmp(def, "nextval(", 8) && col->type.ndims == 0 && owns_sequence(x, rel, attnum)) {
        TypeKind k = col->type.kind;
        if (k == TY_SMALLINT || k == TY_INTEGER || k == TY_BIGINT) {
            col->type.kind = k == TY_SMALLINT ? TY_SMALLSERIAL
                             : k == TY_INTEGER ? TY_SERIAL : TY_BIGSERIAL;
            seq_options(x, r, i, col); /* adopt2 */
            return;
        }
    }
    col->def = sqlnorm_default(x->a, def ? sqlnorm_oneline(x->a, def) : NULL, &col->type);
}

static bool load_columns(Ctx *x)
{
    PgResult *r = query(x, q_columns);
    if (!r)
        return false;
    int n = pg_nrows(r);
    for (int i = 0; i < n; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t)
            t->ncolumns++;
    }
    x->attnums = ARENA_ARRAY(x->a, int *, x->m->ntables ? x->m->ntables : 1);
    for (size_t k = 0; k < x->m->ntables + x->nctabs; k++) {
        Table *t = k < x->m->ntables ? &x->m->tables[k] : &x->ctabs[k - x->m->ntables];
        t->columns = ARENA_ARRAY(x->a, Column, t->ncolumns);
        if (k < x->m->ntables)
            x->attnums[k] = ARENA_ARRAY(x->a, int, t->ncolumns ? t->ncolumns : 1);
        t->ncolumns = 0;
    }
    for (int i = 0; i < n; i++) {
        unsigned rel = (unsigned)strtoul(pg_value(r, i, 0), NULL, 10);
        Table *t = table_of(x, rel);
        if (!t)
            continue;
        if (t >= x->m->tables && t < x->m->tables + x->m->ntables)
            x->attnums[t - x->m->tables][t->ncolumns] = (int)num(r, i, 1);
        Column *col = &t->columns[t->ncolumns++];
        col->name = val(x, r, i, 2);
        col->nullable = !flag(r, i, 3);
        col->comment = val(x, r, i, 8);
        decode_column(x, r, i, t, col);
        decode_default(x, r, i, rel, col);
    }
    pg_result_free(r);
    return true;
}

/* ---- constraints ------------------------------------------------------------------------ */

/* Column 3, the key, is attnums, named from the columns already read (key_names): a subquery
 * per constraint was two thirds of this query's time at 10,000 tables. A foreign key's
 * referenced columns (4) are named here: the referenced table may be in another schema. */
static const char q_constraints[] =
    "SELECT co.conrelid, co.conname, co.contype, co.conkey,"
    "       CASE WHEN co.contype = 'f' THEN"
    "       ARRAY(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY u(k, o)"
    "               JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = u.k"
    "              ORDER BY u.o)::text[] END,"
    "       rc.relname, rn.nspname, co.confdeltype, co.confupdtype, co.confmatchtype,"
    "       co.condeferrable, co.convalidated,"
    "       CASE WHEN co.contype = 'c' THEN pg_get_constraintdef(co.oid, true) END, co.connoinherit,"
    "       co.condeferred, ds.description,"
    "       (SELECT ci.indnullsnotdistinct FROM pg_index ci WHERE ci.indexrelid = co.conindid),"
    "       cardinality(co.confdelsetcols)"
    "  FROM pg_constraint co"
    "  JOIN pg_class c ON c.oid = co.conrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  LEFT JOIN pg_class rc ON rc.oid = co.confrelid"
    "  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
    /* a join, not obj_description (an SQL function run once per row) */
    "  LEFT JOIN pg_description ds ON ds.objoid = co.oid"
    "        AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND co.contype IN ('p', 'u', 'f', 'c', 'x')"
    " ORDER BY co.conrelid, co.conname COLLATE \"C\"";

static FkAction fk_action(char c)
{
    switch (c) {
    case 'r': return FK_RESTRICT;
    case 'c': return FK_CASCADE;
    case 'n': return FK_SET_NULL;
    case 'd': return FK_SET_DEFAULT;
    default: return FK_NO_ACTION;
    }
}

/* "CHECK (expr)" [NOT VALID | NO INHERIT] -> expr */
const char *check_expr(Ctx *x, const char *def)
{
    size_t n = strlen(def);
    const char *suffixes[] = {" NOT VALID", " NO INHERIT"};
    for (size_t k = 0; k < ARRAY_LEN(suffixes); k++) {
        size_t sl = strlen(suffixes[k]);
        if (n > sl && !strcmp(def + n - sl, suffixes[k]))
            n -= sl;
    }
    if (n >= 8 && !strncmp(def, "CHECK (", 7) && def[n - 1] == ')')
        return arena_strndup(x->a, def + 7, n - 8);
    return arena_strndup(x->a, def, n);
}

static bool name_array(Ctx *x, PgResult *r, int i, int col, const char ***out, size_t *n)
{
    if (!sqlnorm_parse_text_array(x->a, pg_value(r, i, col), out, n)) {
        sb_addf(x->err, "introspection: cannot parse column list %s", pg_value(r, i, col));
        return false;
    }
    return true;
}

/* Column col of row i, a key's attnums ("{2,1}"), as the names of t's columns. */
static bool key_names(Ctx *x, PgResult *r, int i, int col, Table *t, const char ***out,
                      size_t *n)
{
    const char *s = pg_value(r, i, col);
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    *out = ARENA_ARRAY(x->a, const char *, cap);
    *n = 0;
    const int *att = x->attnums[t - x->m->tables];
    for (const char *p = *s == '{' ? s + 1 : s; *p && *p != '}'; p += *p == ',') {
        char *end;
        long k = strtol(p, &end, 10);
        size_t j = 0;
        while (j < t->ncolumns && att[j] != k)
            j++;
        if (end == p || *n == cap || j == t->ncolumns) {
            sb_addf(x->err, "introspection: table %s: cannot read the key %s", t->name, s);
            return false;
        }
        (*out)[(*n)++] = t->columns[j].name;
        p = end;
    }
    return true;
}

static bool add_constraint(Ctx *x, PgResult *r, int i, Table *t)
{
    const char *name = val(x, r, i, 1);
    char type = pg_value(r, i, 2)[0];
    if (!flag(r, i, 11) && type != 'f' && type != 'c') /* adopt2: checks hold NOT VALID */
        warnf(x, "constraint %s.%s is NOT VALID; the model will treat it as valid", t->name, name);
    if (flag(r, i, 10) && type != 'f' && type != 'u' && type != 'x' && type != 'p')
        warnf(x, "constraint %s.%s: DEFERRABLE is not in the model for this kind of constraint",
              t->name, name);
    switch (type) {
    case 'p':
        t->pk.comment = raw(r, i, 15) ? val(x, r, i, 15) : NULL; /* adopt2 */
        t->pk.deferral = !flag(r, i, 10) ? DEFER_NONE : flag(r, i, 14) ? DEFER_DEFERRED : DEFER_IMMEDIATE;
        t->pk.name = name;
        return key_names(x, r, i, 3, t, &t->pk.cols, &t->pk.ncols);
    case 'u': {
        Unique *u = &t->uniques[t->nuniques++];
        u->name = name;
        u->comment = raw(r, i, 15) ? val(x, r, i, 15) : NULL;
        u->nulls_not_distinct = raw(r, i, 16) && flag(r, i, 16);
        u->deferral = !flag(r, i, 10) ? DEFER_NONE : flag(r, i, 14) ? DEFER_DEFERRED : DEFER_IMMEDIATE;
        return key_names(x, r, i, 3, t, &u->cols, &u->ncols);
    }
    case 'f': {
        ForeignKey *fk = &t->fks[t->nfks++];
        fk->name = name;
        fk->comment = raw(r, i, 15) ? val(x, r, i, 15) : NULL;
        const char *nsp = raw(r, i, 6);
        fk->ref_schema = nsp && strcmp(nsp, x->schema) ? arena_strdup(x->a, nsp) : NULL;
        fk->ref_table = val(x, r, i, 5);
        fk->on_delete = fk_action(pg_value(r, i, 7)[0]);
        fk->on_update = fk_action(pg_value(r, i, 8)[0]);
        fk->match_full = pg_value(r, i, 9)[0] == 'f';
        if (pg_value(r, i, 9)[0] == 'p')
            warnf(x, "foreign key %s.%s: MATCH PARTIAL is not in the model", t->name, name);
        if (raw(r, i, 17) && atoi(pg_value(r, i, 17)) > 0)
            warnf(x, "foreign key %s.%s: the column list of ON DELETE %s (...) is not in the "
                     "model; the model sets every column of the key",
                  t->name, name, fk->on_delete == FK_SET_DEFAULT ? "SET DEFAULT" : "SET NULL");
        fk->deferral = !flag(r, i, 10) ? DEFER_NONE : flag(r, i, 14) ? DEFER_DEFERRED : DEFER_IMMEDIATE;
        fk->not_valid = !flag(r, i, 11);
        size_t nref;
        return key_names(x, r, i, 3, t, &fk->cols, &fk->ncols) &&
               name_array(x, r, i, 4, &fk->ref_cols, &nref);
    }
    case 'c': {
        Check *ck = &t->checks[t->nchecks++];
        ck->name = name;
        ck->comment = raw(r, i, 15) ? val(x, r, i, 15) : NULL;
        ck->expr = sqlnorm_oneline(x->a, check_expr(x, pg_value(r, i, 12)));
        ck->no_inherit = flag(r, i, 13); /* adopt2 */
        ck->not_valid = !flag(r, i, 11);
        return true;
    }
    case 'x':
        return true; /* load_exclusions (types branch) */
    default:
        return true;
    }
}

static bool load_constraints(Ctx *x)
{
    PgResult *r = query(x, q_constraints);
    if (!r)
        return false;
    int n = pg_nrows(r);
    for (int i = 0; i < n; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (!t)
            continue;
        char type = pg_value(r, i, 2)[0];
        t->nuniques += type == 'u';
        t->nfks += type == 'f';
        t->nchecks += type == 'c';
    }
    for (size_t k = 0; k < x->m->ntables; k++) {
        Table *t = &x->m->tables[k];
        t->uniques = ARENA_ARRAY(x->a, Unique, t->nuniques);
        t->fks = ARENA_ARRAY(x->a, ForeignKey, t->nfks);
        t->checks = ARENA_ARRAY(x->a, Check, t->nchecks);
        t->nuniques = t->nfks = t->nchecks = 0;
    }
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t)
            ok = add_constraint(x, r, i, t);
    }
    pg_result_free(r);
    return ok;
}

/* ---- indexes ---------------------------------------------------------------------------- */

/* One row per key column of every index that does not back a PK/UNIQUE/EXCLUDE constraint. */
static const char q_indexes[] =
    "SELECT i.indrelid, ic.relname, i.indisunique, am.amname,"
    "       pg_get_expr(i.indpred, i.indrelid, true), k.n, i.indkey[k.n - 1] <> 0, a.attname,"
    "       i.indoption[k.n - 1],"
    "       CASE WHEN i.indkey[k.n - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k.n::int, true) END,"
    "       i.indnatts > i.indnkeyatts,"
    /* 11 (adopt2): a non-default operator class */
    "       CASE WHEN NOT coalesce(opc.opcdefault, true) THEN opc.opcname END, i.indisvalid,"
    "       i.indnullsnotdistinct, ds.description,"
    /* 15 (adopt2): the element's collation when it is not the one it would have */
    "       CASE WHEN i.indcollation[k.n - 1] <> 0 AND i.indcollation[k.n - 1] <>"
    "                 coalesce(a.attcollation, ia.attcollation_default) THEN"
    "            (SELECT co2.collname FROM pg_collation co2"
    "              WHERE co2.oid = i.indcollation[k.n - 1]) END,"
    /* 16 (adopt2): INCLUDE columns, separated by chr(1) */
    "       (SELECT string_agg(a2.attname, chr(1) ORDER BY g.n)"
    "          FROM generate_series(i.indnkeyatts + 1, i.indnatts) g(n)"
    "          JOIN pg_attribute a2 ON a2.attrelid = i.indrelid AND a2.attnum = i.indkey[g.n - 1]),"
    /* 17 (hostile): storage parameters (fillfactor, pages_per_range...), which the model lacks */
    "       array_to_string(ic.reloptions, ', ')"
    "  FROM pg_index i"
    "  JOIN pg_class ic ON ic.oid = i.indexrelid"
    "  JOIN pg_class c ON c.oid = i.indrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_am am ON am.oid = ic.relam"
    /* unnest, not generate_series(1, indnkeyatts): the planner takes a set-returning
     * function of a column for 1,000 rows and unnest for 10, so generate_series made it
     * plan hash joins of millions of rows that spilled to disk (10,000 tables: 1.3 s) */
    "  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(att, n)"
    "  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1]"
    "  LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.n - 1]"
    "  LEFT JOIN pg_description ds ON ds.objoid = i.indexrelid"
    "        AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0"
    "  LEFT JOIN LATERAL (SELECT ty.typcollation AS attcollation_default FROM pg_attribute ixa"
    "         JOIN pg_type ty ON ty.oid = ixa.atttypid"
    "        WHERE ixa.attrelid = i.indexrelid AND ixa.attnum = k.n) ia ON true"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND k.n <= i.indnkeyatts"
    "   AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid"
    "                     AND co.contype IN ('p', 'u', 'x'))"
    " ORDER BY i.indrelid, ic.relname COLLATE \"C\", k.n";

static void fill_index(Ctx *x, PgResult *r, int first, int nrows, Table *t)
{
    Index *ix = &t->indexes[t->nindexes++];
    ix->name = val(x, r, first, 1);
    ix->unique = flag(r, first, 2);
    ix->method = val(x, r, first, 3);
    ix->comment = raw(r, first, 14) ? val(x, r, first, 14) : NULL;
    const char *pred = raw(r, first, 4);
    ix->where = pred ? sqlnorm_strip_parens(x->a, sqlnorm_oneline(x->a, arena_strdup(x->a, pred)))
                     : NULL;
    ix->elems = ARENA_ARRAY(x->a, IndexElem, nrows);
    ix->nelems = (size_t)nrows;
    for (int k = 0; k < nrows; k++) {
        int i = first + k;
        IndexElem *e = &ix->elems[k];
        if (flag(r, i, 6))
            e->column = val(x, r, i, 7);
        else
            e->expr = sqlnorm_strip_parens(
                x->a, sqlnorm_oneline(x->a, arena_strdup(x->a, pg_value(r, i, 9))));
        long opt = num(r, i, 8);
        e->desc = opt & 1;
        bool nulls_first = (opt & 2) != 0;
        e->nulls = nulls_first == e->desc ? 0 : nulls_first ? 1 : 2;
        e->opclass = val(x, r, i, 11); /* adopt2: the language spells an operator class *_ops */
        if (e->opclass && (strlen(e->opclass) <= 4 ||
                           strcmp(e->opclass + strlen(e->opclass) - 4, "_ops") ||
                           !sql_ident_is_plain(e->opclass))) {
            warnf(x, "index %s: operator class %s is not in the model (only plain *_ops names)",
                  ix->name, e->opclass);
            e->opclass = NULL;
        }
        e->collation = val(x, r, i, 15); /* adopt2 */
    }
    const char *relopts = raw(r, first, 17);
    if (relopts && *relopts)
        warnf(x, "index %s: storage parameters (%s) are not in the model", ix->name, relopts);
    const char *inc = raw(r, first, 16); /* adopt2: INCLUDE columns */
    if (flag(r, first, 10) && inc) {
        size_t ni = 1;
        for (const char *p = inc; *p; p++)
            ni += *p == 1;
        ix->include = ARENA_ARRAY(x->a, const char *, ni);
        for (const char *p = inc;;) {
            const char *e = strchr(p, 1);
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char *nm = arena_alloc(x->a, len + 1);
            memcpy(nm, p, len);
            nm[len] = 0;
            ix->include[ix->ninclude++] = nm;
            if (!e)
                break;
            p = e + 1;
        }
    }
    if (!flag(r, first, 12))
        warnf(x, "index %s is invalid (a failed CREATE INDEX CONCURRENTLY?)", ix->name);
    ix->nulls_not_distinct = flag(r, first, 13);
}

static bool load_indexes(Ctx *x)
{
    PgResult *r = query(x, q_indexes);
    if (!r)
        return false;
    int n = pg_nrows(r);
    for (int i = 0; i < n; i++) {
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t && num(r, i, 5) == 1)
            t->nindexes++;
    }
    for (size_t k = 0; k < x->m->ntables; k++) {
        Table *t = &x->m->tables[k];
        t->indexes = ARENA_ARRAY(x->a, Index, t->nindexes);
        t->nindexes = 0;
    }
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && num(r, j, 5) != 1)
            j++;
        Table *t = table_of(x, (unsigned)strtoul(pg_value(r, i, 0), NULL, 10));
        if (t)
            fill_index(x, r, i, j - i, t);
        i = j;
    }
    pg_result_free(r);
    return true;
}

/* ---- types ------------------------------------------------------------------------------ */

static const char q_types[] =
    "SELECT t.typname, t.typtype, e.enumlabel, obj_description(t.oid, 'pg_type')"
    "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    "  LEFT JOIN pg_enum e ON e.enumtypid = t.oid"
    " WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'r', 'b') AND t.typcategory <> 'A'"
    "   AND t.typname NOT LIKE '\\_strav\\_%'"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
    "                     AND d.objid = t.oid AND d.deptype = 'e')"
    " ORDER BY t.typname COLLATE \"C\", e.enumsortorder";

static bool load_types(Ctx *x)
{
    PgResult *r = query(x, q_types);
    if (!r)
        return false;
    int n = pg_nrows(r);
    size_t nenums = 0;
    for (int i = 0; i < n; i++)
        if (pg_value(r, i, 1)[0] == 'e' && (i == 0 || strcmp(raw(r, i, 0), raw(r, i - 1, 0))))
            nenums++;
    x->m->enums = ARENA_ARRAY(x->a, Enum, nenums);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && !strcmp(raw(r, j, 0), raw(r, i, 0)))
            j++;
        const char *name = raw(r, i, 0);
        switch (pg_value(r, i, 1)[0]) {
        case 'e': {
            Enum *en = &x->m->enums[x->m->nenums++];
            en->name = arena_strdup(x->a, name);
            en->comment = val(x, r, i, 3);
            bool empty = pg_isnull(r, i, 2);
            en->nvalues = empty ? 0 : (size_t)(j - i);
            en->values = ARENA_ARRAY(x->a, EnumValue, en->nvalues);
            for (size_t k = 0; k < en->nvalues; k++)
                en->values[k].name = val(x, r, i + (int)k, 2);
            break;
        }
        case 'd':
            break; /* load_dtypes (types branch) */
        case 'r':
            warnf(x, "range type %s: cannot be expressed, skipped", name);
            break;
        default:
            warnf(x, "base type %s: cannot be expressed, skipped", name);
            break;
        }
        i = j;
    }
    pg_result_free(r);
    return true;
}

/* ---- everything else the model cannot hold ---------------------------------------------- */

/* objects (issue 14): extensions, functions, procedures, triggers and policies are read by
 * introspect_objects.c; aggregates and window functions are still only a warning. */
static const char q_others[] =
    "SELECT CASE p.prokind WHEN 'a' THEN 'aggregate ' ELSE 'window function ' END"
    "       || p.proname || '(' || pg_get_function_identity_arguments(p.oid)"
    "       || '): cannot be expressed, skipped'"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = $1 AND p.prokind IN ('a', 'w') AND NOT EXISTS (SELECT 1 FROM pg_depend d"
    "   WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')"
    " UNION ALL "
    "SELECT 'table ' || c.relname || ' inherits from ' || p.relname || ': inheritance is not in"
    " the model'"
    "  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    "  JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND NOT c.relispartition"
    " UNION ALL "
    /* types branch: what a partition holds of its own (the model keeps only its bound) */
    "SELECT 'index ' || ic.relname || ' of partition ' || c.relname || ': an index of one"
    " partition is not in the model, skipped'"
    "  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
    "  JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relispartition AND NOT ic.relispartition"
    " UNION ALL "
    "SELECT 'constraint ' || c.relname || '.' || co.conname || ': a constraint of one"
    " partition is not in the model, skipped'"
    "  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relispartition AND co.conislocal AND co.contype <> 'n'";
/* adopt2 read here what views, triggers and policies outside the model depend on (for
 * @@depends); the objects branch holds those kinds in the model now, and its diff
 * re-creates them around the changes they depend on */

/* adopt2: "\1what\1table\1column" -> an OutsideDep of the model */
static void add_dep(Ctx *x, const char *s)
{
    const char *t = strchr(s + 1, 1), *col = t ? strchr(t + 1, 1) : NULL;
    if (!t || !col)
        return;
    Model *m = x->m;
    m->deps = xrealloc(m->deps, (m->ndeps + 1) * sizeof *m->deps); /* moved to the arena below */
    OutsideDep *d = &m->deps[m->ndeps++];
    *d = (OutsideDep){0};
    d->what = arena_strndup(x->a, s + 1, (size_t)(t - s - 1));
    d->table = arena_strndup(x->a, t + 1, (size_t)(col - t - 1));
    d->column = col[1] ? arena_strdup(x->a, col + 1) : NULL;
}

static bool load_others(Ctx *x)
{
    PgResult *r = query(x, q_others);
    if (!r)
        return false;
    for (int i = 0; i < pg_nrows(r); i++) {
        if (pg_value(r, i, 0)[0] == 1)
            add_dep(x, pg_value(r, i, 0)); /* adopt2 */
        else
            warnf(x, "%s", pg_value(r, i, 0));
    }
    pg_result_free(r);
    if (x->m->ndeps) { /* adopt2: into the arena, like the rest of the model */
        OutsideDep *v = ARENA_ARRAY(x->a, OutsideDep, x->m->ndeps);
        memcpy(v, x->m->deps, x->m->ndeps * sizeof *v);
        free(x->m->deps);
        x->m->deps = v;
    }
    return true;
}

/* ---- driver ----------------------------------------------------------------------------- */

/* From how many tables the index query runs on a helper connection: HELPER_TABLES by default
 * (where the index, constraints and fingerprint queries take about 130 ms together, against a
 * few ms for a local connection and 0.1 to 100 ms for the exported snapshot's file: status's
 * drift check after a later batch at 1,000 tables, 0.41-0.61 s -> 0.33-0.38 s);
 * STRAV_INTROSPECT_HELPER sets another number, 0 for always (the tests), "off" for never.
 * -1 for never. */
enum { HELPER_TABLES = 1000 };
static long helper_tables(void)
{
    const char *s = getenv("STRAV_INTROSPECT_HELPER");
    if (!s || !*s)
        return HELPER_TABLES;
    if (!strcmp(s, "off"))
        return -1;
    char *end;
    long n = strtol(s, &end, 10);
    return *end || n < 0 ? HELPER_TABLES : n;
}

static bool exec_simple(Ctx *x, const char *sql)
{
    x->nq++;
    introspect_dump_sql(sql);
    PgError e = PG_ERROR_INIT;
    if (pg_exec(x->conn, sql, &e) == 0)
        return true;
    if (!x->err->len) /* a ROLLBACK after the failure that is already said */
        sb_addf(x->err, "introspection: %s", e.message ? e.message : "?");
    pg_error_release(&e);
    return false;
}

/* objects (issue 14): introspect_objects.c reports through warnf */
static void obj_warn(void *ctx, const char *msg)
{
    warnf(ctx, "%s", msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* JIT off for the transaction: the catalog joins are estimated at millions of rows, so with
 * PostgreSQL's default jit = on the server spent more time compiling them than running them
 * (1.3 s of the index query at 10,000 tables). And sorts in memory: the default work_mem
 * (4 MB) sent the 40,000 rows of the columns query at 10,000 tables to temporary files. */
#define NO_JIT "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"

/* The helper connection's transaction settings: as the main one's below, without the
 * schema comment. */
static const char q_helper_setup[] =
    "SELECT set_config('search_path', quote_ident($1), true), " NO_JIT;

/* Whether a helper connection may run the index query (introspect_prefetch.c): not through a
 * connection pooler (its pool may have no second slot, and a wait for one would stall this
 * one), and from PostgreSQL 10 (snapshots exported on a standby). */
static bool helper_wanted(PgConn *c)
{
    return !pg_pooled(c) && pg_server_version(c) >= 100000 && helper_tables() >= 0;
}

/* helper: whether the index query may run on a helper connection (own_tx only); *refused is
 * set when the server refused to export the snapshot, which aborted the transaction: the
 * caller runs it all again without. */
static bool run(PgConn *c, const char *schema, const char *also, Arena *a, Model *out,
                IntrospectInfo *info, StrBuf *fp, bool fp_helper_only, StrBuf *err, bool own_tx,
                bool helper, bool *refused)
{
    Ctx x = {.conn = c, .schema = schema, .a = a, .err = err, .m = out};
    *out = (Model){0};
    out->domain = out->schema = arena_strdup(a, schema);
    /* One snapshot for all queries; search_path = the schema so pg_get_expr prints names
     * unqualified, exactly as the compiler writes them (the runtime sets the same path). */
    bool ok =
        !own_tx ||
        exec_simple(&x, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " PG_CATALOG_SETTINGS);
    char *snapshot = NULL;
    PgResult *r = NULL;
    if (ok && also) {
        /* a scratch copy: names of the real schema print unqualified, as they do there */
        const char *p[] = {schema, also};
        PgError e = PG_ERROR_INIT;
        if (pg_query(c, &r, "SELECT set_config('search_path', quote_ident($1) || ', ' ||"
                            " quote_ident($2), true), " NO_JIT, 2, p, &e) != 0) {
            sb_addf(err, "introspection query failed: %s", e.message ? e.message : "?");
            pg_error_release(&e);
            pg_result_free(r);
            r = NULL;
        }
    } else if (ok) {
        /* adopt2: and the schema's comment */
        r = query(&x, "SELECT set_config('search_path', quote_ident($1), true),"
                      " (SELECT ds.description FROM pg_description ds JOIN pg_namespace n"
                      "     ON n.oid = ds.objoid WHERE n.nspname = $1"
                      "    AND ds.classoid = 'pg_namespace'::regclass), " NO_JIT);
        if (r && pg_nrows(r) == 1)
            out->comment = val(&x, r, 0, 1);
        /* the comment initdb gives public is PostgreSQL's, not the author's (pg_dump skips it) */
        if (out->comment && !strcmp(schema, "public") &&
            !strcmp(out->comment, "standard public schema"))
            out->comment = NULL;
    }
    ok = r != NULL;
    pg_result_free(r);
    ok = ok && load_relations(&x);
    /* the index query on a second connection, in this transaction's snapshot, then the
     * constraints query if that connection is free before this one needs it (else this one
     * runs it, prefetch_take), and the fingerprint: at 10,000 tables of bench/gen_schema.sh,
     * relations and columns take 0.85 s here, indexes 0.6 s and constraints 0.5 s there,
     * where the index query alone left this connection 1.35 s), when the schema
     * is big enough to pay for one (exporting the snapshot writes a file on the server: 0.1 to
     * 100 ms seen here) */
    if (ok && own_tx && helper && (long)x.m->ntables >= helper_tables() && helper_wanted(c)) {
        snapshot = prefetch_export_snapshot(c);
        const char *sqls[] = { q_indexes, q_constraints, driftmark_query() };
        if (snapshot)
            x.pf = prefetch_start(c, snapshot, schema, q_helper_setup, sqls, fp ? 3 : 2);
        else {
            *refused = true;
            ok = false;
        }
    }
    ok = ok && load_columns(&x) && load_constraints(&x) &&
         load_indexes(&x) && load_types(&x) && load_dtypes(&x) && load_exclusions(&x) &&
         load_ctypes(&x) && load_others(&x) &&
         /* objects (issue 14) */
         introspect_objects(c, schema, a, out, obj_warn, &x, &x.nq, err);
    /* the fingerprint of this snapshot (the same transaction), last: a server that cannot
     * compute it (PostgreSQL 10 has no hashint8extended) only leaves fp empty, the model is
     * read by then (the read-only transaction then ends with a rollback) */
    bool tx_ok = ok;
    if (ok && fp && (x.pf || !fp_helper_only)) {
        const char *fq = driftmark_query(), *params[1] = {schema};
        PgResult *f = prefetch_take(x.pf, fq);
        if (!f && pg_query(c, &f, fq, 1, params, NULL) != 0)
            tx_ok = false;
        if (f && pg_nrows(f) == 1)
            sb_adds(fp, pg_value(f, 0, 0));
        pg_result_free(f);
    }
    prefetch_end(x.pf); /* before the transaction whose snapshot it imported ends */
    free(snapshot);
    if (own_tx)
        exec_simple(&x, tx_ok ? "COMMIT" : "ROLLBACK");
    model_sort(out);
    if (x.nwarn)
        qsort(x.warn, x.nwarn, sizeof *x.warn, cmp_str);
    if (info) {
        info->warnings = ARENA_ARRAY(a, const char *, x.nwarn);
        info->nwarnings = 0;
        for (size_t i = 0; i < x.nwarn; i++)
            if (i == 0 || strcmp(x.warn[i], x.warn[i - 1]))
                info->warnings[info->nwarnings++] = arena_strdup(a, x.warn[i]);
        info->nqueries = x.nq;
    }
    for (size_t i = 0; i < x.nwarn; i++)
        free(x.warn[i]);
    free(x.warn);
    return ok;
}

bool introspect_schema(PgConn *c, const char *schema, Arena *a, Model *out, IntrospectInfo *info,
                       StrBuf *err)
{
    return introspect_schema_fp(c, schema, a, out, info, NULL, false, err);
}

bool introspect_schema_fp(PgConn *c, const char *schema, Arena *a, Model *out,
                          IntrospectInfo *info, StrBuf *fp, bool helper_only, StrBuf *err)
{
    bool refused = false;
    if (run(c, schema, NULL, a, out, info, fp, helper_only, err, true, true, &refused))
        return true;
    if (!refused)
        return false;
    return run(c, schema, NULL, a, out, info, fp, helper_only, err, true, false, &refused);
}

bool introspect_schema_in_tx(PgConn *c, const char *schema, const char *also, Arena *a,
                             Model *out, IntrospectInfo *info, StrBuf *err)
{
    bool refused = false;
    return run(c, schema, also, a, out, info, NULL, false, err, false, false, &refused);
}
