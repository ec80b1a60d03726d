/*
 * model_strav.h - Model -> canonical .strav source (docs/language.md): one file per table and
 * one per enum, written so that compiling them gives back the same model. Used by `pull`
 * (runtime/adopt.c) after introspection. Stage: Model -> text; pure, no I/O.
 */
#ifndef STRAV_MODEL_STRAV_H
#define STRAV_MODEL_STRAV_H

#include "arena.h"
#include "model.h"

struct StrBuf;

typedef struct ModelStravFile {
    const char *name; /* file name, e.g. "users.strav", "user_role.enum.strav" (no directory) */
    const char *text; /* the whole file, ending in a newline */
} ModelStravFile;

/* Write m as .strav files, sorted by name, arena-owned. What the language cannot express
 * (foreign keys not in `ref` form, FKs without their index, TY_OTHER types...) is appended to
 * warnings, one line each ("table.object: why"), when warnings is not NULL. */
void model_strav_write(Arena *a, const Model *m, ModelStravFile **out, size_t *n,
                       struct StrBuf *warnings);

/* The .strav spelling of a name: bare when the language reads it back unchanged (lowercase
 * snake_case identifier that is not a keyword), else "quoted" with " doubled. */
void model_strav_name(struct StrBuf *out, Arena *a, const char *name);
/* adopt2: the domain block (`_domain.strav`) for m: @@schema when schema is not NULL, the
 * standalone sequences, the schema's comment as its doc comment; NULL when it would be empty. */
const char *model_strav_domain(Arena *a, const Model *m, const char *schema);

/* A file name from an object name and an extension (".enum.strav", ".view.strav", ...): bytes
 * outside [A-Za-z0-9_-] become '_'. In the arena. */
const char *model_strav_file_name(Arena *a, const char *name, const char *ext);

#endif
