/*
 * model_objects.h - the SQL-bodied objects of a domain's model (docs/language.md, "Objects"):
 * extensions, views and materialized views, functions and procedures, triggers, row-level
 * security per table and policies. Built by sema_objects.c (from .strav files), by
 * runtime/introspect_objects.c (from a live database) and by model_json_objects.c (from
 * snapshot.json); diffed by diff_objects.c, spelled by emit_objects.c, written back by
 * model_strav_objects.c. They hang off Model.objects (model.h), sorted by kind, table, name.
 *
 * Bodies (view queries, function bodies, USING / WITH CHECK / WHEN expressions) are SQL text,
 * kept as written; they are compared as the server prints them (the drift check normalises
 * through a scratch schema). `deps` are derived, never compared: the names of tables, views and
 * functions of the same domain an object reads, found by a token scan of its SQL (authored and
 * snapshot models) or from pg_depend (introspected ones). The diff orders by them.
 */
#ifndef STRAV_MODEL_OBJECTS_H
#define STRAV_MODEL_OBJECTS_H

#include "arena.h"
#include "base.h"
#include "source.h"

struct Index;

/* ORDER DBO_KIND: the sort order of Model.objects and dbo_kind_names[] in model_objects.c. */
typedef enum DbObjKind {
    DBO_EXTENSION, /* name, version */
    DBO_FUNCTION,  /* name, args, returns (NULL: procedure), language, body, ... */
    DBO_VIEW,      /* name, body = the query, materialized (+ indexes) */
    DBO_TRIGGER,   /* table, name, timing, events, row, when, function */
    DBO_RLS,       /* table (name = table): ENABLE [+ FORCE] ROW LEVEL SECURITY */
    DBO_POLICY,    /* table, name, command, roles, using, check, restrictive */
    DBO__COUNT
} DbObjKind;

/* Trigger timing and events (bits). */
typedef enum TrigTiming { TRIG_BEFORE, TRIG_AFTER, TRIG_INSTEAD_OF } TrigTiming;
enum { TRIG_INSERT = 1, TRIG_UPDATE = 2, TRIG_DELETE = 4, TRIG_TRUNCATE = 8 };

typedef struct DbObject {
    DbObjKind kind;
    const char *name;
    const char *table;      /* trigger, policy, rls: the table it belongs to; else NULL */
    const char *body;       /* view query or function body, as written */
    /* extension */
    const char *version;    /* NULL: whatever the server installs (never compared then) */
    /* function / procedure */
    bool procedure;
    const char *args;       /* the parameter list without parentheses ("a integer, b text") */
    const char *returns;    /* return type ("trigger", "SETOF integer"); NULL for a procedure */
    const char *language;   /* plpgsql, sql, ... */
    char volatility;        /* 'v' volatile (default), 's' stable, 'i' immutable */
    bool strict;            /* RETURNS NULL ON NULL INPUT */
    bool security_definer;
    const char *search_path; /* SET search_path = <this>, or NULL */
    /* view */
    bool materialized;
    struct Index *indexes;  /* materialized view indexes, sorted by name */
    size_t nindexes;
    /* trigger */
    TrigTiming timing;
    unsigned events;        /* TRIG_* bits */
    bool for_each_row;      /* FOR EACH ROW (default: STATEMENT) */
    const char *when;       /* WHEN (expr), or NULL */
    const char *function;   /* EXECUTE FUNCTION <function>() */
    /* rls */
    bool force;             /* FORCE ROW LEVEL SECURITY */
    /* policy */
    const char *command;    /* ALL, SELECT, INSERT, UPDATE, DELETE */
    const char **roles;     /* sorted; none = PUBLIC */
    size_t nroles;
    const char *using_expr; /* USING (expr), or NULL */
    const char *check_expr; /* WITH CHECK (expr), or NULL */
    bool restrictive;       /* AS RESTRICTIVE (default PERMISSIVE) */
    /* derived: names this object reads (tables, views, functions of the domain) */
    const char **deps;
    size_t ndeps;
    Span span;
} DbObject;

const char *dbo_kind_name(DbObjKind k); /* "extension", "function", "view", ... */
/* A one-line label for messages: `view "v"`, `trigger "t" on "user"`, `procedure "p"`. */
struct StrBuf;
void dbo_label(struct StrBuf *out, const DbObject *o);
/* Sort order of Model.objects: kind, then table (NULL first), then name. */
int dbo_cmp(const void *a, const void *b);
/* Whether two objects are the same definition (deps, spans ignored). */
bool dbo_equal(const DbObject *a, const DbObject *b);
/* The names in SQL text that are one of the `n` known names (known sorted by strcmp; the
 * result sorted, unique, arena-owned):
 * a token scan that skips string literals, dollar-quoted bodies and comments, and compares
 * unquoted identifiers folded to lower case and quoted ones verbatim. `self` is left out. */
const char **dbo_scan_names(Arena *a, const char *sql, const char *const *known, size_t n,
                            const char *self, size_t *nout);
/* A view's query as the model keeps it: without surrounding white space and final ';'s. */
const char *dbo_trim_query(Arena *a, const char *s);
/* Add names to o->deps (kept sorted and unique; arena a). */
void dbo_add_deps(Arena *a, DbObject *o, const char *const *add, size_t nadd);
/* Fill the deps of every object of m from its SQL (docs/language.md, "Dependencies"): the
 * tables, views and functions of m named by a view's query, an SQL function's body, a policy's
 * expressions, a trigger's WHEN; plus the object's table and trigger function. Names already
 * in deps (@@depends, pg_depend) are kept. */
struct Model;
void dbo_compute_deps(Arena *a, struct Model *m);

#endif
