/*
 * model_merge.h - three-way merge of two models that grew from one parent, on their JSON form
 * (docs/model-json.md): what each side changed relative to the base is kept; an object both
 * sides changed differently is a conflict. Used by stravc rebase to compute the union of two
 * branches' migrations from the snapshots of their common parent and of both heads.
 * Stage: snapshots -> merged snapshot (then diff -> plan as usual).
 */
#ifndef STRAV_MODEL_MERGE_H
#define STRAV_MODEL_MERGE_H

#include <jansson.h>

struct StrBuf;

/* Merge ours and theirs, both derived from base (base NULL: nothing in common). Objects merge
 * member by member; arrays whose elements are all objects with a "name" (enums, tables,
 * columns, keys, checks, indexes) merge element by element by name, ours' order first, then
 * the elements only theirs added. Anything else (a type, a default, an enum's value list) is
 * one value: taken from the side that changed it. Returns the merged value (new reference),
 * or NULL with one line per conflict ("both sides changed tables/user/columns/email") appended
 * to conflicts. */
json_t *model_merge3(json_t *base, json_t *ours, json_t *theirs, struct StrBuf *conflicts);

#endif
