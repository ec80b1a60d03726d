/*
 * diff_types.c - old Model + new Model -> Plan ops for SQL domains, composite types, exclusion
 * constraints and the partitioning of kept tables (diff_types.h). Composite types follow the
 * domains (created after them, dropped before them: an attribute may be a domain); an attribute
 * is added or dropped with ALTER TYPE, its type changed only while no column uses the type. Stage: part of the diff (diff.c calls in); SQL from emit_types.c.
 *
 * Ordering: a domain is created (types/up.sql) before any table changes and dropped
 * (types/drop_up.sql) after, so a column whose type is a domain is created after it and
 * dropped or retyped before it; every op's down is its inverse, and down runs in reverse.
 * A change to a domain's checks, default or NOT NULL is an ALTER DOMAIN in place (ADD CONSTRAINT
 * validates the values columns already hold). A domain whose base type changes is re-created
 * when no column uses it, else refused. Partition bound changes are DETACH + ATTACH (rows
 * kept, and checked against the new bound); a change of a table's partition key or parent is refused.
 */
#include "diff_types.h"

#include <string.h>

#include "emit_sql.h"
#include "emit_types.h"
#include "sqlquote.h"
#include "strbuf.h"

typedef struct Ops {
    Plan *p;
    StrBuf up, down, what;
} Ops;

static void flush(Ops *o, Section sec, const char *table)
{
    plan_add_sql(o->p, sec, table, sb_str(&o->up), sb_str(&o->down), sb_str(&o->what));
    sb_reset(&o->up);
    sb_reset(&o->down);
    sb_reset(&o->what);
}

static void what(Ops *o, const char *verb, const char *name, const char *sub)
{
    sb_adds(&o->what, verb);
    sb_addch(&o->what, ' ');
    sql_ident(&o->what, name);
    if (sub) {
        sb_addch(&o->what, '.');
        sql_ident(&o->what, sub);
    }
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* A column of m whose type is the domain called name, or NULL. */
static const Table *domain_user(const Model *m, const char *name, const char **col)
{
    StrBuf q = SB_INIT;
    model_dtype_spelling(&q, name);
    const Table *found = NULL;
    for (size_t i = 0; i < m->ntables && !found; i++)
        for (size_t j = 0; j < m->tables[i].ncolumns && !found; j++) {
            const SqlType *t = &m->tables[i].columns[j].type;
            if (t->kind == TY_OTHER && t->other && !t->ndims && !strcmp(t->other, sb_str(&q))) {
                found = &m->tables[i];
                *col = m->tables[i].columns[j].name;
            }
        }
    sb_release(&q);
    return found;
}

static const Check *find_check(const DomainType *dt, const char *name)
{
    for (size_t i = 0; i < dt->nchecks; i++)
        if (!strcmp(dt->checks[i].name, name))
            return &dt->checks[i];
    return NULL;
}

static void create(Ops *o, const DomainType *dt)
{
    emit_create_domain(&o->up, dt);
    emit_drop_domain(&o->down, dt->name);
    what(o, "create domain", dt->name, NULL);
    flush(o, SEC_TYPES, NULL);
}

static void change(Ops *o, const DomainType *od, const DomainType *nd)
{
    const char *name = nd->name;
    for (size_t i = 0; i < od->nchecks; i++) {
        const Check *oc = &od->checks[i], *nc = find_check(nd, oc->name);
        if (nc && !strcmp(nc->expr, oc->expr))
            continue;
        emit_domain_drop_check(&o->up, name, oc->name);
        emit_domain_add_check(&o->down, name, oc);
        what(o, "drop check", name, oc->name);
        flush(o, SEC_TYPES, NULL);
    }
    for (size_t i = 0; i < nd->nchecks; i++) {
        const Check *nc = &nd->checks[i], *oc = find_check(od, nc->name);
        if (oc && !strcmp(nc->expr, oc->expr))
            continue;
        emit_domain_add_check(&o->up, name, nc);
        emit_domain_drop_check(&o->down, name, nc->name);
        what(o, "add check", name, nc->name);
        flush(o, SEC_TYPES, NULL);
    }
    if (!default_equal(&od->def, &nd->def)) {
        emit_domain_default(&o->up, name, &nd->def);
        emit_domain_default(&o->down, name, &od->def);
        what(o, "set default of domain", name, NULL);
        flush(o, SEC_TYPES, NULL);
    }
    if (od->nullable != nd->nullable) {
        emit_domain_not_null(&o->up, name, !nd->nullable);
        emit_domain_not_null(&o->down, name, !od->nullable);
        what(o, nd->nullable ? "drop not null of domain" : "set not null of domain", name, NULL);
        flush(o, SEC_TYPES, NULL);
    }
    if (!str_eq(od->comment, nd->comment)) {
        emit_comment(&o->up, "DOMAIN", name, NULL, nd->comment);
        emit_comment(&o->down, "DOMAIN", name, NULL, od->comment);
        what(o, "comment on domain", name, NULL);
        flush(o, SEC_TYPES, NULL);
    }
}

/* A column of m whose type is the composite type called name, or NULL. */
static const Table *ctype_user(const Model *m, const char *name, const char **col)
{
    for (size_t i = 0; i < m->ntables; i++)
        for (size_t j = 0; j < m->tables[i].ncolumns; j++) {
            const CompositeType *ct = model_type_composite(m, &m->tables[i].columns[j].type);
            if (ct && !strcmp(ct->name, name)) {
                *col = m->tables[i].columns[j].name;
                return &m->tables[i];
            }
        }
    return NULL;
}

static const CompositeAttr *find_attr(const CompositeType *ct, const char *name)
{
    for (size_t i = 0; i < ct->nattrs; i++)
        if (!strcmp(ct->attrs[i].name, name))
            return &ct->attrs[i];
    return NULL;
}

/* Composite types: creates and attribute changes (types/up.sql), drops (types/drop_up.sql). */
static bool diff_ctypes(Ops *o, const Model *om, const Model *nm, Diag *d)
{
    bool ok = true;
    for (size_t i = 0; i < nm->nctypes; i++) {
        const CompositeType *nt = &nm->ctypes[i], *ot = model_find_ctype(om, nt->name);
        if (!ot) {
            emit_create_composite(&o->up, nt);
            emit_drop_type(&o->down, nt->name);
            what(o, "create type", nt->name, NULL);
            flush(o, SEC_TYPES, NULL);
            continue;
        }
        for (size_t k = 0; k < ot->nattrs; k++) {
            const CompositeAttr *oa = &ot->attrs[k];
            if (find_attr(nt, oa->name))
                continue;
            emit_composite_drop_attr(&o->up, nt->name, oa->name);
            emit_composite_add_attr(&o->down, nt->name, oa);
            what(o, "drop attribute", nt->name, oa->name);
            const char *col = NULL;
            if (ctype_user(om, nt->name, &col)) {
                plan_destructive(o->p, sb_str(&o->what));
                plan_irreversible(o->p, sb_str(&o->what));
            }
            flush(o, SEC_TYPES, NULL);
        }
        for (size_t k = 0; k < nt->nattrs; k++) {
            const CompositeAttr *na = &nt->attrs[k], *oa = find_attr(ot, na->name);
            if (!oa) {
                emit_composite_add_attr(&o->up, nt->name, na);
                emit_composite_drop_attr(&o->down, nt->name, na->name);
                what(o, "add attribute", nt->name, na->name);
                flush(o, SEC_TYPES, NULL);
                continue;
            }
            if (type_equal(&oa->type, &na->type))
                continue;
            const char *col = NULL;
            const Table *t = ctype_user(om, nt->name, &col);
            if (!t)
                t = ctype_user(nm, nt->name, &col);
            if (t) {
                diag_at(d, DIAG_ERROR, na->span,
                        "cannot change the type of attribute '%s.%s' while column '%s.%s' uses "
                        "type '%s' (PostgreSQL refuses ALTER TYPE ... ALTER ATTRIBUTE then): "
                        "add a new attribute instead",
                        nt->name, na->name, t->name, col, nt->name);
                ok = false;
                continue;
            }
            emit_composite_attr_type(&o->up, nt->name, na);
            emit_composite_attr_type(&o->down, nt->name, oa);
            what(o, "change type of attribute", nt->name, na->name);
            flush(o, SEC_TYPES, NULL);
        }
        if (!str_eq(ot->comment, nt->comment)) {
            emit_comment(&o->up, "TYPE", nt->name, NULL, nt->comment);
            emit_comment(&o->down, "TYPE", nt->name, NULL, ot->comment);
            what(o, "comment on type", nt->name, NULL);
            flush(o, SEC_TYPES, NULL);
        }
    }
    for (size_t i = 0; i < om->nctypes; i++) {
        const CompositeType *ot = &om->ctypes[i];
        if (model_find_ctype(nm, ot->name))
            continue;
        emit_drop_type(&o->up, ot->name);
        emit_create_composite(&o->down, ot);
        what(o, "drop type", ot->name, NULL);
        flush(o, SEC_TYPE_DROPS, NULL);
    }
    return ok;
}

bool diff_dtypes(const Model *om, const Model *nm, Plan *p, Diag *d)
{
    Ops o = {.p = p, .up = SB_INIT, .down = SB_INIT, .what = SB_INIT};
    bool ok = true;
    for (size_t i = 0; i < nm->ndtypes; i++) {
        const DomainType *nd = &nm->dtypes[i], *od = model_find_dtype(om, nd->name);
        if (!od) {
            create(&o, nd);
            continue;
        }
        if (type_equal(&od->base, &nd->base)) {
            change(&o, od, nd);
            continue;
        }
        const char *col = NULL;
        const Table *t = domain_user(om, nd->name, &col);
        if (!t)
            t = domain_user(nm, nd->name, &col);
        if (t) {
            diag_at(d, DIAG_ERROR, nd->span,
                    "cannot change the base type of domain '%s' while column '%s.%s' uses it "
                    "(PostgreSQL has no ALTER DOMAIN ... TYPE): give the column another type "
                    "first, or declare a new domain",
                    nd->name, t->name, col);
            ok = false;
            continue;
        }
        emit_drop_domain(&o.up, od->name);
        emit_create_domain(&o.up, nd);
        emit_drop_domain(&o.down, nd->name);
        emit_create_domain(&o.down, od);
        what(&o, "re-create domain", nd->name, NULL);
        flush(&o, SEC_TYPES, NULL);
    }
    ok = diff_ctypes(&o, om, nm, d) && ok; /* after domain creates, before domain drops */
    for (size_t i = 0; i < om->ndtypes; i++) {
        const DomainType *od = &om->dtypes[i];
        if (model_find_dtype(nm, od->name))
            continue;
        emit_drop_domain(&o.up, od->name);
        emit_create_domain(&o.down, od);
        what(&o, "drop domain", od->name, NULL);
        flush(&o, SEC_TYPE_DROPS, NULL);
    }
    sb_release(&o.up);
    sb_release(&o.down);
    sb_release(&o.what);
    return ok;
}

bool diff_partition(const Table *o, const Table *n, Plan *p, Diag *d)
{
    if (!str_eq(o->partition_by, n->partition_by)) {
        diag_at(d, DIAG_ERROR, n->span,
                "cannot change the partitioning of table '%s' (%s -> %s): PostgreSQL cannot "
                "alter a partition key; create a new table and move the rows",
                n->name, o->partition_by ? o->partition_by : "not partitioned",
                n->partition_by ? n->partition_by : "not partitioned");
        return false;
    }
    if (!str_eq(o->partition_of, n->partition_of)) {
        diag_at(d, DIAG_ERROR, n->span,
                "cannot move table '%s' %s%s%s: attaching or detaching a partition with "
                "columns is not generated",
                n->name, o->partition_of ? "out of partitioned table " : "into partitioned "
                                                                          "table ",
                o->partition_of ? o->partition_of : n->partition_of,
                o->partition_of && n->partition_of ? " into another" : "");
        return false;
    }
    if (!n->partition_of || !strcmp(o->partition_bound, n->partition_bound))
        return true;
    /* every detach (constraints/drop_up.sql) before any attach (the partition's file): two
     * partitions whose bounds move past each other never overlap, in either direction */
    Ops x = {.p = p, .up = SB_INIT, .down = SB_INIT, .what = SB_INIT};
    emit_detach_partition(&x.up, o->partition_of, n->name);
    emit_attach_partition(&x.down, o->partition_of, n->name, o->partition_bound);
    what(&x, "detach partition", n->name, NULL);
    flush(&x, SEC_CONSTRAINT_DROPS, NULL);
    emit_attach_partition(&x.up, n->partition_of, n->name, n->partition_bound);
    emit_detach_partition(&x.down, n->partition_of, n->name);
    what(&x, "attach partition", n->name, NULL);
    flush(&x, SEC_TABLE, n->name);
    sb_release(&x.up);
    sb_release(&x.down);
    sb_release(&x.what);
    return true;
}

static bool exclusion_equal(const Exclusion *a, const Exclusion *b)
{
    if (strcmp(a->method, b->method) || a->nelems != b->nelems || !str_eq(a->where, b->where) ||
        a->deferral != b->deferral)
        return false;
    for (size_t i = 0; i < a->nelems; i++)
        if (!str_eq(a->elems[i].column, b->elems[i].column) ||
            !str_eq(a->elems[i].expr, b->elems[i].expr) || strcmp(a->elems[i].op, b->elems[i].op))
            return false;
    return true;
}

static const Exclusion *find_exclusion(const Table *t, const char *name)
{
    for (size_t i = 0; t && i < t->nexcludes; i++)
        if (!strcmp(t->excludes[i].name, name))
            return &t->excludes[i];
    return NULL;
}

static void drop_constraint(StrBuf *out, const char *table, const char *name)
{
    sb_adds(out, "ALTER TABLE ");
    sql_ident(out, table);
    sb_adds(out, " DROP CONSTRAINT ");
    sql_ident(out, name);
    sb_adds(out, ";\n");
}

void diff_excludes(const Table *o, const Table *n, Plan *p, bool drops)
{
    Ops x = {.p = p, .up = SB_INIT, .down = SB_INIT, .what = SB_INIT};
    const Table *from = drops ? o : n, *other = drops ? n : o;
    for (size_t i = 0; from && i < from->nexcludes; i++) {
        const Exclusion *e = &from->excludes[i], *m = find_exclusion(other, e->name);
        if (m && exclusion_equal(e, m))
            continue;
        if (drops && !n)
            continue; /* DROP TABLE drops it */
        if (drops) {
            drop_constraint(&x.up, o->name, e->name); /* before any rename of the table */
            emit_add_exclusion(&x.down, o->name, e);
            what(&x, "drop exclusion constraint", n->name, e->name);
            flush(&x, SEC_CONSTRAINT_DROPS, NULL);
        } else {
            emit_add_exclusion(&x.up, n->name, e);
            drop_constraint(&x.down, n->name, e->name);
            what(&x, "add exclusion constraint", n->name, e->name);
            flush(&x, SEC_CONSTRAINTS, NULL);
        }
    }
    sb_release(&x.up);
    sb_release(&x.down);
    sb_release(&x.what);
}
