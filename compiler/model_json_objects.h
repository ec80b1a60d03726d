/*
 * model_json_objects.h - the "objects" member of snapshot.json (model_objects.h <-> JSON);
 * called by model_json.c.
 */
#ifndef STRAV_MODEL_JSON_OBJECTS_H
#define STRAV_MODEL_JSON_OBJECTS_H

#include "diag.h"
#include "model.h"

struct StrBuf;

/* Append m's objects as a JSON array, its lines indented for nesting at `depth`. */
void objects_json_write(struct StrBuf *out, const Model *m, int depth);
/* Read the "objects" array of the JSON document text into out->objects (unsorted). */
bool objects_json_read(Arena *a, const char *text, size_t len, const char *path, Model *out,
                       Diag *d);

#endif
