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
/* {"domains": [ <model>, ... ]} */
void project_json_write(struct StrBuf *out, const Project *p);

/* Parse one model (the form model_json_write writes). On error returns false and reports
 * "path: error: ..." through d (path names the file in the message). */
bool model_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                     Diag *d);

#endif
