/*
 * checkpoint.c - choosing between a checkpoint and the versions it covers (checkpoint.h).
 */
#include "checkpoint.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "migdir.h"
#include "runctx.h"

static bool has_checkpoint(int rootfd, const char *version)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s/manifest.json", version, MIGDIR_CHECKPOINT);
    struct stat st;
    return rootfd >= 0 && fstatat(rootfd, rel, &st, 0) == 0;
}

int checkpoint_resolve(Ctx *c)
{
    Checkpoint *cp = &c->cp;
    MigSet *s = &c->set;
    /* the lock file names the checkpoints (stravc squash writes both), so no stat per
     * version; without a lock file there are none. A checkpoint missing from a stale lock is
     * only slower: the database replays the versions */
    char **hint = history_lock_checkpoints(c->o->migrations_root, s->domain);
    if (!hint)
        return 0;
    /* the versions applied, by index of the set: the oldest applied one bounds the choice */
    size_t first_applied = s->n;
    for (size_t i = 0; i < s->n && first_applied == s->n; i++)
        if (ledger_find(c, s->v[i].version) >= 0) /* applied, resumable or baselined */
            first_applied = i;
    int rootfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t nhint = 0;
    while (hint[nhint])
        nhint++;
    size_t use = SIZE_MAX;
    for (size_t i = s->n; i-- > 1;) { /* a checkpoint of the first version covers nothing */
        while (nhint && migdir_version_cmp(hint[nhint - 1], s->v[i].version) > 0)
            nhint--;
        if (!nhint || strcmp(hint[nhint - 1], s->v[i].version))
            continue;
        if (!has_checkpoint(rootfd, s->v[i].version))
            continue;
        if (!cp->newest)
            cp->newest = xstrdup(s->v[i].version);
        if (i <= first_applied) { /* nothing older than it applied: this path */
            use = i;
            break;
        }
    }
    if (rootfd >= 0)
        close(rootfd);
    for (char **h = hint; *h; h++)
        free(*h);
    free(hint);
    if (use == SIZE_MAX)
        return 0;
    Migration cm = { 0 };
    cm.version = xstrdup(s->v[use].version);
    StrBuf dir = SB_INIT;
    sb_addf(&dir, "%s/%s", s->v[use].dir, MIGDIR_CHECKPOINT);
    cm.dir = sb_detach(&dir);
    if (migset_load_sql(&cm) != 0) {
        out_fail(c, "checkpoint %s cannot be used: %s", cm.version, cm.problem);
        MigSet tmp = { .v = xcalloc(1, sizeof(Migration)), .n = 1 };
        tmp.v[0] = cm;
        migset_release(&tmp);
        return -1;
    }
    cp->used = xstrdup(cm.version);
    /* hidden = v[0..use]; set = checkpoint, v[use+1..] */
    cp->hidden.v = xcalloc(use + 1, sizeof(Migration));
    memcpy(cp->hidden.v, s->v, (use + 1) * sizeof(Migration));
    cp->hidden.n = use + 1;
    memmove(s->v + 1, s->v + use + 1, (s->n - use - 1) * sizeof(Migration));
    s->v[0] = cm;
    s->n -= use;
    return 0;
}

bool checkpoint_refuse_rollback(Ctx *c, const char *version)
{
    if (!c->cp.newest || migdir_version_cmp(version, c->cp.newest) > 0)
        return false;
    out_fail(c, "cannot roll back %s: the history of domain %s up to %s is squashed into a "
                "checkpoint (stravc squash), and rolling back past it is not supported; rebuild "
                "the database with '%s migration:fresh -s %s' instead",
             version, c->set.domain, c->cp.newest, c->o->prog, c->set.domain);
    return true;
}

void checkpoint_status(Ctx *c)
{
    const Checkpoint *cp = &c->cp;
    if (!cp->newest) {
        json_object_set_new(c->out, "checkpoint", json_null());
        return;
    }
    json_t *j = json_object();
    json_object_set_new(j, "version", json_string(cp->newest));
    json_object_set_new(j, "used", cp->used ? json_string(cp->used) : json_null());
    json_t *cov = json_array();
    if (cp->used)
        for (size_t i = 0; i < cp->hidden.n; i++)
            json_array_append_new(cov, json_string(cp->hidden.v[i].version));
    else
        for (size_t i = 0; i < c->set.n && migdir_version_cmp(c->set.v[i].version, cp->newest) <= 0; i++)
            json_array_append_new(cov, json_string(c->set.v[i].version));
    size_t n = json_array_size(cov);
    json_object_set_new(j, "covers", cov);
    json_object_set_new(c->out, "checkpoint", j);
    if (c->o->json)
        return;
    const char *first = json_string_value(json_array_get(cov, 0));
    if (cp->used)
        printf("\nCheckpoint: this database was built from checkpoint %s, which covers %zu "
               "migration(s) (%s .. %s, not listed).\n",
               cp->used, n, first, cp->used);
    else
        printf("\nCheckpoint: migrations %s .. %s (%zu) are covered by checkpoint %s; this "
               "database applied them one by one, new databases apply the checkpoint instead.\n",
               first ? first : "-", cp->newest, n, cp->newest);
}

void checkpoint_release(Checkpoint *cp)
{
    free(cp->newest);
    free(cp->used);
    migset_release(&cp->hidden);
    memset(cp, 0, sizeof *cp);
}
