/*
 * lsp_project.h - what the LSP server knows about the domain an open file sits in: every
 * *.strav file of its folder (database/schemas/<domain>/), with the editor's open buffers in
 * place of the files on disk (and open buffers not yet saved added), parsed, and checked by
 * sema when no file has a syntax error (as project.c does), against the models of public and
 * of the domains it uses (dom.Name), loaded the same way and checked first, in use order. Stage: buffers + files -> parse -> sema -> LspProject.
 */
#ifndef STRAV_LSP_PROJECT_H
#define STRAV_LSP_PROJECT_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "model.h"
#include "source.h"

/* An open editor buffer. */
typedef struct LspBuffer {
    char *uri;  /* as the client sent it */
    char *path; /* the file path of the URI, or the URI itself when it is not a file: URI */
    char *text; /* NUL-terminated */
    size_t len;
} LspBuffer;

typedef struct LspUnit {
    Source *src; /* owned */
    AstFile *ast;
    bool open;   /* from an editor buffer */
} LspUnit;

/* Another domain loaded beside the one analysed: public, and every domain it uses. */
typedef struct LspOther {
    const char *name;
    LspUnit *units; /* its files, path order (open buffers in place of the disk) */
    size_t nunits;
    Model model;
    bool checked;   /* sema ran on it without an error */
} LspOther;

typedef struct LspProject {
    Arena arena;
    char *domain_dir; /* the folder analysed (malloc'd); the cache key */
    const char *domain;
    LspUnit *units;   /* the domain's files, path order */
    size_t nunits;
    LspUnit *pub;     /* the public domain's files when domain is not public (in others) */
    size_t npub;
    LspOther *others; /* the other domains loaded: public (when domain is not public) and
                         those domain uses (dom.Name), transitively, as project.c loads them */
    size_t nothers;
    Model model, pub_model;
    bool checked;     /* sema ran on the domain: model is meaningful */
    Diag diag;        /* everything reported for the domain's files */
} LspProject;

/* Analyse the domain folder of path (a file in it). bufs are the open buffers. */
void lspp_load(LspProject *p, const char *path, const LspBuffer *bufs, size_t nbufs);
void lspp_release(LspProject *p);

/* The folder part of path (malloc'd): "." when there is none. The domain a file belongs to. */
char *lspp_dir_of(const char *path);

/* The unit of path, or NULL. */
const LspUnit *lspp_unit(const LspProject *p, const char *path);

/* The declaration named like term (a name, or dom.name for another domain), looking in the
 * domain's files (and the named domain's for a qualified name). */
const AstDecl *lspp_find_decl(LspProject *p, const AstTerm *term, bool want_enum);

/* The model table or enum built from decl (matched by span), or NULL. */
const Table *lspp_table_of(const LspProject *p, const AstDecl *decl);

#endif
