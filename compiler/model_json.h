/*
 * model_json.h - the model as JSON: `stravc model --json`, every migration's
 * snapshot.json, and test fixtures. Writing then reading gives back an equal model (spans
 * excepted). The format is documented in docs/model-json.md. Stage: Model <-> text.
 */
#ifndef STRAV_MODEL_JSON_H
#define STRAV_MODEL_JSON_H

#include "arena.h"
#include "diag.h"
#include "model.h"

struct StrBuf;

/* Deterministic text: keys in a fixed order, 2-space indent, trailing newline. */
void model_json_write(struct StrBuf *out, const Model *m);
/* The same JSON with each enum and each table on one line, without spaces inside it: half the
 * bytes of the indented form for snapshot.json, and a changed table is a one-line diff. */
void model_json_write_compact(struct StrBuf *out, const Model *m);
/* model_json_write_compact, and where each table's text lies in out: table i of m is the
 * len[i] bytes at out->buf + off[i] (off and len hold m->ntables entries). */
void model_json_write_compact_index(struct StrBuf *out, const Model *m, size_t *off, size_t *len);
/* {"domains": [ <model>, ... ]} */
void project_json_write(struct StrBuf *out, const Project *p);

/* Parse one model (the form model_json_write writes). On error returns false and reports
 * "path: error: ..." through d (path names the file in the message). */
bool model_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                     Diag *d);

/* Incremental generate (docs/performance.md): the new model and its compact text with the
 * tables' places (model_json_write_compact_index). While set on a thread, model_json_read on
 * that thread takes, for each element of the top-level "tables" whose bytes equal the new
 * model's text of the table of that name, a copy of the new model's table (span and
 * @@lint_ignore cleared: what reading those bytes gives) instead of parsing it. Reading those
 * bytes gives an equal table (writing then reading round-trips), so the result is the same
 * model; an old snapshot in another layout (indented, an older build's) is simply parsed.
 * The copy shares the new table's arrays: neither model may be changed while both are used. */
typedef struct ModelJsonReuse {
    const Model *m;
    const char *json;
    const size_t *off, *len;
} ModelJsonReuse;
void model_json_reuse(const ModelJsonReuse *r); /* NULL: parse everything again */

#endif
