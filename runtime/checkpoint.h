/*
 * checkpoint.h - checkpoints at run time (stravc squash, docs/history.md): which path through
 * a domain's history this database takes. A checkpoint <v>/checkpoint/ is an alternative body
 * of version v that creates v's whole snapshot; a database that applied no version older than v
 * (a new one, or one created from that checkpoint) takes the newest such checkpoint in place of
 * every version up to v, any other keeps the versions it is made of. The decision needs the
 * tracking table, so it runs after the migration set and the ledger are both read.
 * Stage: runtime, between migset (disk) and the commands (runner.c).
 */
#ifndef STRAV_CHECKPOINT_H
#define STRAV_CHECKPOINT_H

#include "migset.h"

struct Ctx;

typedef struct Checkpoint {
    char *newest;  /* newest version with a checkpoint, NULL when none */
    char *used;    /* the checkpoint this database takes, NULL when it keeps the versions */
    MigSet hidden; /* the versions the used checkpoint replaced (moved out of the set) */
} Checkpoint;

/* Decide for c's database and rewrite c->set accordingly (fills c->cp). 0, or -1 after
 * out_fail (an unreadable checkpoint this database would need). */
int checkpoint_resolve(struct Ctx *c);
/* Rollback of version v would go back past a checkpoint: refuse (out_fail) and return true. */
bool checkpoint_refuse_rollback(struct Ctx *c, const char *version);
/* status: what the checkpoint means for this database (text line, JSON "checkpoint"). */
void checkpoint_status(struct Ctx *c);
void checkpoint_release(Checkpoint *cp);

#endif
