/*
 * sema_int.h - sema's internal state and the helpers shared by its files: sema.c (the domain
 * loop, domain block, name collisions), sema_table.c (columns, references, parents, field
 * attributes), sema_keys.c (primary keys, table constraints, indexes) and sema_types.c (names,
 * lookups, types, enums, attribute arguments, defaults). Not an API: included only by those.
 */
#ifndef STRAV_SEMA_INT_H
#define STRAV_SEMA_INT_H

#include "sema.h"

typedef struct TDecl TDecl;
typedef struct EDecl EDecl;

/* One field after the first pass (name and non-reference type resolved). */
typedef struct FieldInfo {
    const AstField *ast;
    const char *name; /* final column name (ref fields: the field name, not yet suffixed) */
    int kind;         /* 0 error, 1 plain, 2 reference */
    SqlType ty;
    bool primary;       /* @primary */
    size_t col0, ncols; /* its columns in the table once built */
    size_t idx0;        /* table's index count when the field was reached */
} FieldInfo;

struct TDecl {
    const AstDecl *ast;
    const char *name; /* final table name */
    const char *raw;  /* the name as written */
    Table *t;
    int state;      /* 0 not built, 1 building, 2 built */
    bool pk_ready;  /* pkcols/pktypes are known (possibly before the build finishes) */
    bool pk_failed; /* the declared key could not be built (already reported) */
    const char **pkcols;
    SqlType *pktypes;
    size_t npk;
    size_t ccols, cfks, cuniques, cchecks, cindexes, cwas;
    size_t cexcludes; /* types branch */
};

struct EDecl {
    const char *name;
    const char *raw;
    Span span;
    Enum *e;
};

typedef struct Sema {
    Arena *a;
    Diag *d;
    const SemaInput *in;
    Model *m;
    TDecl *tdecls;
    size_t ntdecls;
    EDecl *edecls;
    size_t nedecls, cedecls;
    size_t *ehash; /* open-addressing index into edecls (+1; 0 = empty), size ehcap */
    size_t ehcap;
    size_t cdtypes; /* types branch: capacity of m->dtypes */
} Sema;

#define PUSH(s, arr, n, cap) \
    ((arr) = sema_grow((s)->a, (arr), (n), &(cap), sizeof(*(arr))), &(arr)[(n)++])

void *sema_grow(Arena *a, void *arr, size_t n, size_t *cap, size_t size);
void sema_err(Sema *s, Span sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
void sema_note(Sema *s, Span sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
void sema_suggest(Sema *s, Span sp, const char *word, const char *const *cands, size_t n);
const char *sema_term_name2(Sema *s, const AstTerm *t, bool snake, const char **raw_out);
const char *sema_term_name(Sema *s, const AstTerm *t);
const char *sema_join_name(Sema *s,
                           const char *prefix,
                           const char *table,
                           const char **cols,
                           size_t n,
                           const char *suffix);
TDecl *sema_find_tdecl(Sema *s, const char *name);
int sema_cmp_tdecl(const void *a, const void *b);
void sema_suggest_table(Sema *s, Span sp, const char *name, const Model *other);
bool sema_is_domain(Sema *s, const char *name);
void sema_note_domains(Sema *s, Span sp);
const Model *sema_other_model(Sema *s, const char *dom);
const Model *sema_use_domain(Sema *s, Span sp, const char *dom);
bool sema_is_int_kind(TypeKind k);
bool sema_is_serial(TypeKind k);
size_t sema_count_args(const AstArg *a);
int sema_resolve_type(Sema *s, TDecl *td, const char *colname, const AstType *at, SqlType *out);
const char **
sema_was_names(Sema *s, const AstAttr *at, const char **list, size_t *n, size_t *cap, bool snake);
void sema_declare_enum(Sema *s, const AstDecl *d);
bool sema_in_list(const char *w, const char *const *l, size_t n);
void sema_unknown_attr(
    Sema *s, const AstAttr *at, const char *where, const char *const *l, size_t n);
const AstArg *sema_arg_key(const AstAttr *at, const char *key);
bool sema_check_keys(Sema *s, const AstAttr *at, const char *const *keys, size_t n);
const char *sema_arg_string(Sema *s, const AstArg *a, bool sql_ok);
/* Append @lint_ignore(CODE, "why") to v[0..*n) (arena); v unchanged on an error (reported). */
LintIgnore *sema_lint_ignore(Sema *s, const AstAttr *at, LintIgnore *v, size_t *n);
const char *sema_arg_name(Sema *s, const AstAttr *at);
const char *sema_arg_comment(Sema *s, const AstAttr *at);
const char *sema_canon_number(Sema *s, const char *txt);
bool sema_make_default(
    Sema *s, const AstTerm *t, const SqlType *ty, bool nullable, const char *what, Default *out);

/* sema_seq.c (adopt2: sequence options) */
void sema_column_sequence(Sema *s, const AstAttr *at, Column *c);
void sema_domain_sequence(Sema *s, const AstAttr *at, Sequence **seqs, size_t *n, size_t *cap);

/* sema_outside.c (adopt2: @@depends) */
void sema_domain_depends(Sema *s, const AstAttr *at, OutsideDep **deps, size_t *n, size_t *cap);

/* sema_table.c */
void sema_build_table(Sema *s, TDecl *td);

/* sema_keys.c */
Index *sema_add_index(Sema *s,
                      TDecl *td,
                      size_t from,
                      const char *name,
                      const char **cols,
                      size_t n,
                      bool unique,
                      Span span);
void sema_table_attrs_apply(Sema *s, TDecl *td);
void sema_table_foreigns(Sema *s, TDecl *td); /* @@foreign, once every table is built */
void sema_early_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id, int npk);
void sema_finish_pk(Sema *s, TDecl *td, FieldInfo *fi, size_t nf, bool implicit_id);

/* types branch: sema_domains.c (SQL domains), sema_partition.c (declarative partitioning) */
void sema_declare_dtype(Sema *s, const AstDecl *d);
void sema_declare_ctype(Sema *s, const AstDecl *d);
const CompositeType *sema_find_ctype(Sema *s, const char *name);
const DomainType *sema_find_dtype(Sema *s, const char *name);
/* A field type naming a domain or composite type: 1 (out set), 0 (error reported), -1 (none). */
int sema_dtype_type(Sema *s, const char *name, const AstType *at, SqlType *out);
void sema_partition_attr(Sema *s, TDecl *td, const AstAttr *at);
void sema_check_partitions(Sema *s, const Model *m);
void sema_exclude_attr(Sema *s, TDecl *td, const AstAttr *at); /* sema_exclude.c */

/* A positional argument with one term (column, number). */
static inline bool single_term(const AstArg *a)
{
    return a && !a->key && a->terms && !a->terms->next;
}

/* A keyed argument with one term (using: gin). */
static inline bool one_term(const AstArg *a)
{
    return a && a->terms && !a->terms->next;
}

extern const char *const sema_field_attrs[];
extern const char *const sema_table_attrs[];
extern const char *const sema_domain_attrs[];
extern const size_t sema_nfield_attrs, sema_ntable_attrs, sema_ndomain_attrs;

#endif
