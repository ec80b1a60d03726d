/*
 * plan_json.h - the typed changes of a Plan as a JSON array (docs/plan-json.md), for
 * `stravc diff --json`. Stage: Plan -> JSON.
 */
#ifndef STRAV_PLAN_JSON_H
#define STRAV_PLAN_JSON_H

#include <jansson.h>

#include "plan.h"

/* A new reference to an array with one object per op, in plan order. */
json_t *plan_ops_json(const Plan *p);

#endif
