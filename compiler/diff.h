/*
 * diff.h - compare two models of one domain and build the ordered Plan that turns the old into
 * the new (plan.h), each op with its exact inverse. old is the latest snapshot (an empty model
 * when there is none); rename hints (`was`) in new pair renamed tables, columns, enums and enum
 * values. Stage: old Model + new Model -> Plan.
 */
#ifndef STRAV_DIFF_H
#define STRAV_DIFF_H

#include "diag.h"
#include "model.h"
#include "plan.h"

/* Fill p (plan_init'ed) and plan_finish it. Returns false when a change cannot be generated
 * (e.g. a NOT NULL column added to an existing table with neither default nor backfill); the
 * errors are reported through d, at the new model's spans when it has them. */
bool diff_models(const Model *old_m, const Model *new_m, Plan *p, Diag *d);

/* objects (issue 14): the ops for Model.objects (diff_objects.c), called by diff_models
 * before plan_finish. */
bool diff_objects(const Model *old_m, const Model *new_m, Plan *p, Diag *d);

#endif
