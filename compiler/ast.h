/*
 * ast.h - the syntax tree of one .strav file, as built by the parser (grammar/parser.y).
 * Pipeline: source -> lexer -> parser -> AST (this) -> sema -> Model.
 * The AST is close to the text: names are still as written (not snake_cased), types are still
 * names with arguments, attributes are still @name(args). Sema gives them meaning.
 * Every node lives in the compiler's arena and carries the Span it came from.
 */
#ifndef STRAV_AST_H
#define STRAV_AST_H

#include "arena.h"
#include "base.h"
#include "source.h"

/* A leaf value: a name, a number, a string, sql('...'), true/false/null, or a.b. */
typedef enum TermKind {
    TERM_IDENT,     /* user_name, decimal, cascade (keywords used as names arrive as IDENT) */
    TERM_QIDENT,    /* "Exact Name": used verbatim, never snake_cased ("" decoded to ") */
    TERM_QUALIFIED, /* public.user: qual = "public", text = "user" (either part may be quoted) */
    TERM_NUMBER,    /* 42, -1, 3.5, 1e3: text is the literal as written, sign included */
    TERM_STRING,    /* 'it''s': text is decoded (it's) */
    TERM_SQL,       /* sql('now()'): text is the decoded SQL expression */
    TERM_DOLLAR,    /* objects (issue 14): $tag$ ... $tag$, text = the body verbatim, qual = tag */
    TERM_TRUE,
    TERM_FALSE,
    TERM_NULL,
} TermKind;

typedef struct AstTerm AstTerm;
struct AstTerm {
    TermKind kind;
    Span span;
    const char *text; /* decoded text (NUL-terminated; a string may hold no NUL: lexer rejects) */
    const char *qual; /* TERM_QUALIFIED: the part before the dot */
    bool qual_quoted; /* TERM_QUALIFIED: the qualifier was a quoted identifier */
    bool text_quoted; /* TERM_QUALIFIED: the name part was a quoted identifier */
    AstTerm *next;    /* next term in a sequence (an argument is one or more terms) */
};

/* One argument of an attribute or a type: `key: term term ...` or `term term ...`.
 * Examples: `255`, `name: 'pk_user'`, `created_at desc nulls last`, `using: gin`. */
typedef struct AstArg AstArg;
struct AstArg {
    Span span;
    const char *key; /* NULL when positional */
    Span key_span;
    AstTerm *terms;  /* at least one */
    AstArg *next;
};

/* @name, @name(args) on a field or enum value; @@name(args) on a declaration body. */
typedef struct AstAttr AstAttr;
struct AstAttr {
    Span span;        /* from '@' to ')' */
    Span name_span;
    const char *name; /* without the @ / @@ */
    bool table_level; /* written @@ */
    bool has_parens;  /* @x() vs @x */
    AstArg *args;
    AstAttr *next;
};

/* A field's type: name, optional (args), any number of [] suffixes, optional '?'. */
typedef struct AstType {
    Span span;
    AstTerm *name;     /* TERM_IDENT, TERM_QIDENT or TERM_QUALIFIED */
    bool has_args;
    AstArg *args;      /* string(255) -> [255]; enum(a, b) -> [a],[b]; ref(public.user) */
    int ndims;         /* number of [] suffixes */
    bool nullable;     /* trailing '?' */
} AstType;

/* A doc comment block (consecutive /// lines), text without the slashes and the one space
 * after them, lines joined by '\n'. NULL when absent. */
typedef const char *AstDoc;

typedef struct AstField AstField;
struct AstField {
    Span span;       /* the whole field */
    AstTerm *name;   /* TERM_IDENT or TERM_QIDENT */
    AstType type;
    AstTerm *def;    /* `= term` default, or NULL */
    AstAttr *attrs;  /* @... in source order */
    AstDoc doc;
    AstField *next;
};

/* `as team: members, user: teams` inside an association body: one pair per entry. */
typedef struct AstAs AstAs;
struct AstAs {
    Span span;
    AstTerm *target;  /* team */
    AstTerm *relname; /* members */
    AstAs *next;
};

/* One value of a named enum: `draft`, `'in progress'`, `published @was(live)`. */
typedef struct AstEnumValue AstEnumValue;
struct AstEnumValue {
    Span span;
    AstTerm *name; /* TERM_IDENT, TERM_QIDENT or TERM_STRING: the value is name->text verbatim */
    AstAttr *attrs;
    AstDoc doc;
    AstEnumValue *next;
};

/* ORDER DECL_KIND: keep in sync with decl_kind_names[] in ast.c. The first eight are the
 * archetypes, in the order of strav-original.md §1.10. */
typedef enum DeclKind {
    DECL_ENTITY,
    DECL_COMPONENT,
    DECL_ATTRIBUTE,
    DECL_ASSOCIATION,
    DECL_EVENT,
    DECL_REFERENCE,
    DECL_CONFIGURATION,
    DECL_CONTRIBUTION,
    DECL_TABLE,  /* plain table: no implicit columns, no implicit primary key */
    DECL_ENUM,   /* named enum type */
    DECL_DOMAIN, /* per-domain settings: only @@ attributes (or a SQL domain: `base` set) */
    /* objects (issue 14): `<word> name { @@attrs }`, the word an identifier (sema_objects.c) */
    DECL_EXTENSION,
    DECL_VIEW,
    DECL_FUNCTION,
    DECL_PROCEDURE,
    DECL_TRIGGER,
    DECL_POLICY,
    DECL_RLS, /* row_level_security <table> { [@@force] } */
    DECL_TYPE,   /* types branch: a composite type, `type name { field ... }` */
} DeclKind;

const char *ast_decl_kind_name(DeclKind k); /* "entity", ..., "table", "enum", "domain" */

typedef struct AstDecl AstDecl;
struct AstDecl {
    DeclKind kind;
    Span span;          /* keyword .. closing brace */
    Span kw_span;       /* the keyword */
    AstTerm *name;      /* NULL only for DECL_DOMAIN written without a name */
    AstTerm *parents;   /* `of a, b` (archetypes) or `between a, b` (association), linked by next */
    AstField *fields;   /* in source order */
    AstAttr *attrs;     /* @@ attributes in source order */
    AstAs *as;          /* association relation names */
    AstEnumValue *values; /* DECL_ENUM */
    AstField *base;     /* types branch: DECL_DOMAIN written `domain name type [= default]` is a
                         * SQL domain; its name, base type and default (no attributes) */
    AstDoc doc;
    AstDecl *next;
};

/* A comment as found by the lexer; the formatter uses these to keep comments in place. */
typedef struct AstComment AstComment;
struct AstComment {
    Span span;  /* including the leading // or /// or the / * ... * / */
    bool doc;   /* /// */
    AstComment *next;
};

typedef struct AstFile {
    Source *src;
    AstDecl *decls;       /* in source order */
    AstComment *comments; /* in source order */
} AstFile;

/* Constructors used by parser actions. All allocate from the arena. */
AstTerm *ast_term(Arena *a, TermKind kind, Span span, const char *text);
AstTerm *ast_term_qualified(Arena *a, AstTerm *qual, AstTerm *name);
AstArg *ast_arg(Arena *a, AstTerm *key, AstTerm *terms);
AstAttr *ast_attr(Arena *a, Span at, AstTerm *name, bool table_level, bool has_parens,
                  AstArg *args, Span end);

/* Added by the front end (parse.c calls these; sema may use them to build test ASTs). */
Span ast_span_cover(Span from, Span to); /* from's start to to's end */
AstField *ast_field(Arena *a, AstTerm *name, AstType type, AstTerm *def, AstAttr *attrs);
AstAs *ast_as(Arena *a, AstTerm *target, AstTerm *relname);
AstEnumValue *ast_enum_value(Arena *a, AstTerm *name, AstAttr *attrs);
/* fields, attrs, as and values are filled in by the caller; span runs from kw to end. */
AstDecl *ast_decl(Arena *a, DeclKind kind, Span kw, AstTerm *name, AstTerm *parents, Span end);

/* Debug/golden dump: an indented S-expression-like text, one node per line. */
struct StrBuf;
void ast_dump(struct StrBuf *out, const AstFile *file);

#endif
