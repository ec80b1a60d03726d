/*
 * model_strav_objects.h - Model.objects -> .strav files for `pull` (model_strav_objects.c);
 * called by model_strav_write.
 */
#ifndef STRAV_MODEL_STRAV_OBJECTS_H
#define STRAV_MODEL_STRAV_OBJECTS_H

#include "model_strav.h"

/* Write m's objects into out (room for m->nobjects files); returns how many were written. */
size_t model_strav_objects(Arena *a, const Model *m, ModelStravFile *out);

#endif
