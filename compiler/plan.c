/*
 * plan.c - the Plan container (plan.h): typed changes appended by diff.c (each classified by
 * the lock it takes and what it costs), grouped into files in the directory's execution order
 * by plan_finish; the facts about changes that the diff, the online planner and the linter
 * share (how an added column fills rows, which type changes rewrite or narrow).
 */
#include "plan.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

void plan_init(Plan *p, Arena *a)
{
    memset(p, 0, sizeof *p);
    p->a = a;
}

void plan_release(Plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i].ops);
    free(p->files);
    free(p->ops);
    free(p->destructive);
    free(p->irreversible);
    memset(p, 0, sizeof *p);
}

static const char *dup(Arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static const char *const kind_names[CH__COUNT] = {
    "create_table", "drop_table", "rename_table", "add_column", "drop_column", "rename_column",
    "recreate_column", "alter_type", "alter_collation", "set_not_null", "drop_not_null",
    "set_default", "drop_default", "add_identity", "drop_identity", "set_identity",
    "rename_sequence", "add_serial", "drop_serial", "alter_column_sequence", "create_sequence",
    "alter_sequence", "drop_sequence",
    "add_index", "drop_index", "rename_index", "add_primary_key", "drop_primary_key",
    "add_unique", "drop_unique", "add_check", "drop_check", "add_foreign_key",
    "drop_foreign_key", "rename_constraint", "validate_constraint", "add_not_null_check",
    "drop_not_null_check", "attach_index", "create_enum", "drop_enum", "rename_enum",
    "enum_add_values", "enum_rename_value", "enum_rebuild", "comment", "create_schema", "sql",
};

const char *plan_kind_name(ChangeKind k)
{
    return k < CH__COUNT ? kind_names[k] : "?";
}

const char *plan_lock_name(LockLevel l)
{
    static const char *const names[] = {NULL, "SHARE UPDATE EXCLUSIVE", "SHARE",
                                        "SHARE ROW EXCLUSIVE", "ACCESS EXCLUSIVE"};
    return names[l];
}

/* The lock and costs of a change, from its kind (plan.h). */
static void classify(PlanOp *op)
{
    const Column *nc = op->new_obj;
    LockLevel l = LOCK_ACCESS_EXCLUSIVE;
    unsigned f = 0;
    switch (op->kind) {
    case CH_CREATE_TABLE:
    case CH_CREATE_SEQUENCE:
    case CH_ALTER_SEQUENCE:
    case CH_DROP_SEQUENCE:
    case CH_ALTER_COLUMN_SEQUENCE: /* locks the sequence, not the table */
    case CH_CREATE_SCHEMA:
    case CH_CREATE_ENUM:
    case CH_DROP_ENUM:
    case CH_RENAME_ENUM:
    case CH_ENUM_RENAME_VALUE:
        l = LOCK_NONE;
        break;
    case CH_ENUM_ADD_VALUES:
        l = LOCK_NONE;
        f = PF_NON_TX;
        break;
    case CH_ENUM_REBUILD:
        f = op->nuses ? PF_REWRITES : 0;
        l = op->nuses ? LOCK_ACCESS_EXCLUSIVE : LOCK_NONE;
        if (op->nuses && !op->lock_table)
            op->lock_table = op->uses[0].table; /* the first of the tables it converts */
        break;
    case CH_COMMENT:
        l = op->ctarget == CT_TYPE || op->ctarget == CT_SEQUENCE || op->ctarget == CT_SCHEMA
                ? LOCK_NONE : LOCK_SHARE_UPDATE_EXCLUSIVE;
        break;
    case CH_SQL:
        l = op->lock_table ? LOCK_ACCESS_EXCLUSIVE : LOCK_NONE;
        break;
    case CH_ADD_COLUMN:
        if (plan_volatile_fill(nc))
            f |= PF_REWRITES;
        if (op->form == ADD_BACKFILL || op->form == ADD_GUARDED)
            f |= PF_SCANS;
        break;
    case CH_RECREATE_COLUMN:
        f = PF_REWRITES;
        break;
    case CH_ALTER_TYPE: {
        const Column *oc = op->old_obj;
        SqlType os = type_for_reference(&oc->type), ns = type_for_reference(&nc->type);
        if (op->using_up || plan_type_rewrites(&os, &ns))
            f = PF_REWRITES;
        break;
    }
    case CH_ADD_IDENTITY: /* (SET NOT NULL and) the sequence set past max(column) */
    case CH_ADD_SERIAL:   /* the sequence set past max(column) */
    case CH_SET_NOT_NULL:
    case CH_ADD_PK:
    case CH_ADD_UNIQUE:
        f = PF_SCANS;
        break;
    case CH_ADD_CHECK:
        f = op->flags & PF_NOT_VALID ? 0 : PF_SCANS;
        break;
    case CH_ADD_FK:
        l = LOCK_SHARE_ROW_EXCLUSIVE;
        f = op->flags & PF_NOT_VALID ? 0 : PF_SCANS;
        break;
    case CH_ADD_INDEX:
        l = op->flags & PF_CONCURRENT ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_SHARE;
        f = PF_SCANS | (op->flags & PF_CONCURRENT ? PF_NON_TX : 0);
        break;
    case CH_DROP_INDEX:
        if (op->flags & PF_CONCURRENT) {
            l = LOCK_SHARE_UPDATE_EXCLUSIVE;
            f = PF_NON_TX;
        }
        break;
    case CH_VALIDATE:
        l = LOCK_SHARE_UPDATE_EXCLUSIVE;
        f = PF_SCANS;
        break;
    default:
        break;
    }
    if (op->flags & PF_NEW_TABLE)
        l = LOCK_NONE;
    op->lock = l;
    op->flags |= f;
    if (!op->lock_table && l != LOCK_NONE)
        op->lock_table = op->table;
}

PlanOp *plan_add(Plan *p, const PlanOp *src)
{
    if (p->nops == p->capops) {
        p->capops = p->capops ? 2 * p->capops : 64;
        p->ops = xrealloc(p->ops, p->capops * sizeof *p->ops);
    }
    PlanOp *op = &p->ops[p->nops++];
    *op = *src;
    Arena *a = p->a;
    op->file_table = dup(a, op->file_table);
    op->table = dup(a, op->table);
    op->column = dup(a, op->column);
    op->name = dup(a, op->name);
    op->to = dup(a, op->to);
    op->value = dup(a, op->value);
    op->what = dup(a, op->what ? op->what : "");
    op->lock_table = dup(a, op->lock_table);
    op->up_sql = dup(a, op->up_sql);
    op->down_sql = dup(a, op->down_sql);
    if (op->lock == LOCK_NONE)
        classify(op);
    return op;
}

void plan_add_sql(Plan *p, Section sec, const char *file_table, const char *up, const char *down,
                  const char *what)
{
    plan_add(p, &(PlanOp){.sec = sec, .file_table = file_table, .kind = CH_SQL,
                          .table = file_table, .lock_table = file_table, .up_sql = up,
                          .down_sql = down, .what = what});
}

static void push_str(Arena *a, const char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = arena_strdup(a, s);
}

void plan_destructive(Plan *p, const char *what)
{
    push_str(p->a, &p->destructive, &p->ndestructive, &p->capdestructive, what);
}

void plan_irreversible(Plan *p, const char *what)
{
    push_str(p->a, &p->irreversible, &p->nirreversible, &p->capirreversible, what);
}

/* ---------------------------------------------------------------- facts about changes */

AddForm plan_add_column_form(const char *table, const Column *col)
{
    bool fills = col->def.kind != DEF_NONE || col->identity != IDENTITY_NONE || col->generated ||
                 col->type.kind == TY_SMALLSERIAL || col->type.kind == TY_SERIAL ||
                 col->type.kind == TY_BIGSERIAL;
    if (col->nullable || fills)
        return ADD_PLAIN;
    if (col->backfill.kind != DEF_NONE)
        return ADD_BACKFILL;
    if (strstr(table, PLAN_GUARD_TAG) || strstr(col->name, PLAN_GUARD_TAG))
        return ADD_REFUSED;
    return ADD_GUARDED;
}

static const char *const volatile_fns[] = {
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp", "timeofday", "nextval", "setseed", "random_normal", "gen_random_bytes",
};

const char *plan_volatile_call(const char *expr)
{
    const char *found = NULL;
    for (const char *s = expr; s && *s;) {
        if (!(isalpha((unsigned char)*s) || *s == '_')) {
            s++;
            continue;
        }
        const char *b = s;
        while (isalnum((unsigned char)*s) || *s == '_' || *s == '$')
            s++;
        const char *e = s;
        while (*e == ' ' || *e == '\t' || *e == '\n')
            e++;
        if (*e != '(')
            continue;
        for (size_t k = 0; k < ARRAY_LEN(volatile_fns); k++)
            if (strlen(volatile_fns[k]) == (size_t)(s - b) &&
                !strncasecmp(b, volatile_fns[k], (size_t)(s - b)))
                found = volatile_fns[k];
    }
    return found;
}

const char *plan_volatile_fill(const Column *c)
{
    if (!c)
        return NULL;
    if (c->type.kind == TY_SMALLSERIAL || c->type.kind == TY_SERIAL ||
        c->type.kind == TY_BIGSERIAL)
        return "nextval (a serial column)";
    if (c->identity != IDENTITY_NONE)
        return "an identity sequence";
    if (c->generated)
        return "a stored generated expression";
    if (c->def.kind == DEF_EXPR)
        return plan_volatile_call(c->def.written ? c->def.written : c->def.text);
    return NULL;
}

static bool prec_ok(int32_t o, int32_t n)
{
    return n < 0 || (o >= 0 && n >= o);
}

bool plan_type_rewrites(const SqlType *o, const SqlType *n)
{
    if (o->ndims != n->ndims)
        return true;
    if ((o->kind == TY_VARCHAR || o->kind == TY_TEXT) && (n->kind == TY_VARCHAR || n->kind == TY_TEXT))
        return !(n->kind == TY_TEXT || n->length < 0 ||
                 (o->kind == TY_VARCHAR && o->length >= 0 && n->length >= o->length));
    if (o->kind != n->kind)
        return !(o->kind == TY_CIDR && n->kind == TY_INET);
    switch (o->kind) {
    case TY_NUMERIC:
        return !(n->precision < 0 || (o->precision >= 0 && n->precision >= o->precision &&
                                      n->scale == o->scale));
    case TY_VARBIT: return !prec_ok(o->length, n->length);
    case TY_TIMESTAMP: case TY_TIMESTAMPTZ: case TY_TIME: case TY_TIMETZ: case TY_INTERVAL:
        return !prec_ok(o->precision, n->precision);
    case TY_ENUM: case TY_OTHER:
        return !(o->enum_name && n->enum_name && !strcmp(o->enum_name, n->enum_name));
    default:
        return o->length != n->length;
    }
}

static bool texty(TypeKind k)
{
    return k == TY_TEXT || k == TY_VARCHAR || k == TY_CHAR;
}

static int int_rank(TypeKind k)
{
    switch (k) {
    case TY_SMALLINT: case TY_SMALLSERIAL: return 1;
    case TY_INTEGER: case TY_SERIAL: return 2;
    case TY_BIGINT: case TY_BIGSERIAL: return 3;
    default: return 0;
    }
}

bool plan_type_narrows(const SqlType *o, const SqlType *n)
{
    if (o->ndims != n->ndims)
        return true;
    if (texty(o->kind) && texty(n->kind))
        return n->kind != TY_TEXT && n->length >= 0 && (o->length < 0 || o->kind == TY_TEXT || n->length < o->length);
    if (texty(o->kind) && !texty(n->kind))
        return true; /* the cast parses the text */
    int ro = int_rank(o->kind), rn = int_rank(n->kind);
    if (ro && rn)
        return rn < ro;
    if (o->kind == TY_NUMERIC && rn)
        return true;
    if (o->kind == TY_NUMERIC && n->kind == TY_NUMERIC) {
        if (n->precision < 0)
            return false;
        if (o->precision < 0)
            return true;
        return n->scale < o->scale || n->precision - n->scale < o->precision - o->scale;
    }
    if (ro && n->kind == TY_NUMERIC)
        return n->precision >= 0 && n->precision - (n->scale > 0 ? n->scale : 0) < 19;
    if (o->kind == TY_DOUBLE && n->kind == TY_REAL)
        return true;
    if ((o->kind == TY_REAL || o->kind == TY_DOUBLE) && (rn || n->kind == TY_NUMERIC))
        return true;
    if (o->kind == TY_TIMESTAMPTZ && n->kind == TY_DATE)
        return true;
    if (o->kind == TY_TIMESTAMP && n->kind == TY_DATE)
        return true;
    if (o->kind == TY_JSONB && n->kind == TY_JSON)
        return false;
    if (o->kind != n->kind && (o->kind == TY_ENUM || n->kind == TY_ENUM))
        return true;
    return false;
}

bool plan_empty(const Plan *p)
{
    return p->nops == 0;
}

const char *plan_table_dir(Arena *a, const char *table)
{
    StrBuf sb = SB_INIT;
    for (const unsigned char *s = (const unsigned char *)table; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            *s == '_' || *s == '-')
            sb_addch(&sb, (char)*s);
        else
            sb_addf(&sb, "%%%02X", *s);
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_release(&sb);
    return r;
}

/* in the order of Section: objects (issue 14) extensions/ and objects/, types branch types/,
 * online mode constraints/online_up.sql */
static const char *const sec_dir[SEC__COUNT] = {
    "enums",  "extensions",  "enums",       "types",   "objects", "indexes", "constraints",
    "tables", "constraints", "constraints", "indexes", "objects", "enums",   "types",
    "extensions"};
static const char *const sec_stem[SEC__COUNT] = {"add_values_", "", "", "", "drop_", "drop_",
                                                 "drop_", "", "", "online_", "", "", "drop_",
                                                 "drop_", "drop_"};

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Group the ops into files: one per section, one per table in SEC_TABLE (found through a hash
 * table on the table name: a linear search made a 10,000-table plan quadratic). */
void plan_finish(Plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i].ops);
    free(p->files);
    p->files = NULL;
    p->nfiles = 0;
    size_t cap = 0;
    size_t sec_file[SEC__COUNT];
    for (int s = 0; s < SEC__COUNT; s++)
        sec_file[s] = SIZE_MAX;
    size_t hcap = 16;
    while (hcap < 2 * p->nops)
        hcap *= 2;
    size_t *slot = xmalloc(hcap * sizeof *slot);
    for (size_t i = 0; i < hcap; i++)
        slot[i] = SIZE_MAX;
    for (int s = 0; s < SEC__COUNT; s++) {
        for (size_t i = 0; i < p->nops; i++) {
            const PlanOp *op = &p->ops[i];
            if ((int)op->sec != s)
                continue;
            size_t *where = &sec_file[s];
            if (s == SEC_TABLE) {
                size_t h = name_hash(op->file_table) & (hcap - 1);
                while (slot[h] != SIZE_MAX && strcmp(p->files[slot[h]].table, op->file_table))
                    h = (h + 1) & (hcap - 1);
                where = &slot[h];
            }
            if (*where == SIZE_MAX) {
                if (p->nfiles == cap) {
                    cap = cap ? 2 * cap : 16;
                    p->files = xrealloc(p->files, cap * sizeof *p->files);
                }
                PlanFile *f = &p->files[p->nfiles];
                *where = p->nfiles++;
                memset(f, 0, sizeof *f);
                f->sec = (Section)s;
                if (s == SEC_TABLE) {
                    const char *dir = plan_table_dir(p->a, op->file_table);
                    f->table = op->file_table;
                    f->up_path = arena_printf(p->a, "tables/%s/up.sql", dir);
                    f->down_path = arena_printf(p->a, "tables/%s/down.sql", dir);
                } else {
                    f->up_path = arena_printf(p->a, "%s/%sup.sql", sec_dir[s], sec_stem[s]);
                    f->down_path = arena_printf(p->a, "%s/%sdown.sql", sec_dir[s], sec_stem[s]);
                }
                /* ADD VALUE cannot be used in the transaction that adds it: its own file, run
                 * outside the batch transaction, idempotent (IF NOT EXISTS) so a resumed run
                 * may repeat it */
                f->non_tx = s == SEC_ENUM_VALUES;
                /* online: concurrent index work and the online forms, statement by statement
                 * (each a step the runtime retries under a short lock_timeout) */
                if (p->online && (s == SEC_INDEX_DROPS || s == SEC_INDEXES || s == SEC_ONLINE))
                    f->non_tx = f->down_non_tx = true;
            }
            PlanFile *f = &p->files[*where];
            if (!(f->nops & (f->nops - 1))) /* 0, 1, 2, 4, ...: grow by doubling */
                f->ops = xrealloc(f->ops, (f->nops ? 2 * f->nops : 1) * sizeof *f->ops);
            f->ops[f->nops++] = i;
        }
    }
    free(slot);
}
