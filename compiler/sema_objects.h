/*
 * sema_objects.h - the object declarations of a domain (views, functions, triggers, policies,
 * extensions, row level security) into Model.objects; called by sema.c after the tables.
 */
#ifndef STRAV_SEMA_OBJECTS_H
#define STRAV_SEMA_OBJECTS_H

#include "sema_int.h"

void sema_objects(Sema *s, Model *out);

#endif
