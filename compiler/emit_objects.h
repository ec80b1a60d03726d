/*
 * emit_objects.h - SQL for the SQL-bodied objects of model_objects.h (CREATE, DROP, and
 * ALTER EXTENSION UPDATE); used by diff_objects.c. Every statement ends in ";\n".
 */
#ifndef STRAV_EMIT_OBJECTS_H
#define STRAV_EMIT_OBJECTS_H

#include "model_objects.h"

struct StrBuf;

void emit_object_create(struct StrBuf *out, const DbObject *o);
void emit_object_drop(struct StrBuf *out, const DbObject *o);
void emit_extension_update(struct StrBuf *out, const char *name, const char *version);

#endif
