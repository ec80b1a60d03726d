/*
 * cmd_rollback.c - rollback: the latest batch (or --batch N, --step N), newest version first,
 * through the step executor (apply.c); a partly rolled back version is resumed.
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdomain_run.h"

int cmd_rollback(Ctx *c)
{
    long last = ledger_max_batch(c), batch = c->o->batch ? c->o->batch : last;
    if (c->o->step)
        out_say(c, "%sRolling back last %ld migration(s)...%s\n", out_col(c->o, CYAN), c->o->step,
            out_col(c->o, RESET));
    else if (batch)
        out_say(c, "%sRolling back batch %ld...%s\n", out_col(c->o, CYAN), batch, out_col(c->o, RESET));
    else
        out_say(c, "%sRolling back last batch...%s\n", out_col(c->o, CYAN), out_col(c->o, RESET));
    json_t *done = json_array();
    json_object_set_new(c->out, "rolledBack", done);
    if (c->o->batch && batch != last && last != 0 && !c->o->force && batch < last) {
        out_fail(c, "batch %ld is not the latest batch (%ld); rolling it back would leave later "
                    "batches on top of it: use --force to do it anyway",
                 batch, last);
        return 1;
    }
    if (c->o->batch) {
        bool exists = false;
        for (int i = 0; i < ledger_napplied(c) && !exists; i++)
            exists = strtol(ledger_value(c, i, LC_BATCH), NULL, 10) == c->o->batch;
        if (!exists) {
            if (last)
                out_fail(c, "batch %ld does not exist; the latest is %ld", c->o->batch, last);
            else
                out_fail(c, "batch %ld does not exist; nothing is applied in domain %s",
                         c->o->batch, c->set.domain);
            return 1;
        }
    }
    /* targets: newest first */
    const Migration **list = xcalloc((size_t)ledger_napplied(c) + 1, sizeof *list);
    Job *jobs = xcalloc((size_t)ledger_napplied(c) + 1, sizeof *jobs);
    size_t n = 0;
    int rc = 1;
    for (int i = ledger_napplied(c) - 1; i >= 0; i--) {
        long b = strtol(ledger_value(c, i, 1), NULL, 10);
        if (!c->o->step && b != batch)
            continue;
        if (!xdomain_in_window(ledger_value(c, i, 0))) /* --all-domains: another stretch */
            continue;
        if (c->o->step && n >= (size_t)c->o->step)
            break;
        const char *v = ledger_value(c, i, 0);
        if (checkpoint_refuse_rollback(c, v))
            goto out;
        const Migration *m = migset_find(&c->set, v);
        if (!m) {
            out_fail(c, "cannot roll back %s: its directory %s/%s is missing", v, c->set.root, v);
            goto out;
        }
        if (m->problem) {
            out_fail(c, "cannot roll back %s: %s", v, m->problem);
            goto out;
        }
        if (ledger_checksum_differs(c, i, m->checksum) && !c->o->force) {
            out_fail(c, "cannot roll back %s: it was modified since it was applied (manifest "
                        "checksum differs); use --force to run its current down files",
                     v);
            goto out;
        }
        const char *state = ledger_value(c, i, LC_STATE);
        long ndone = 0;
        if (!strcmp(state, "up")) {
            out_fail(c, "migration %s is only partly applied (step %ld of %ld); run '%s migrate "
                        "-s %s' to finish it before rolling back",
                     v, ledger_step(c, i, LC_STEP), ledger_step(c, i, LC_STEPS), c->o->prog,
                     c->set.domain);
            goto out;
        }
        if (!strcmp(state, "baselined")) {
            if (!c->o->force) {
                out_fail(c, "migration %s was recorded by baseline and never ran here: its down "
                            "files would drop what was adopted, with its data. Rollback stops "
                            "at baselined versions (--force runs the down files anyway)",
                         v);
                goto out;
            }
            if (!c->o->json)
                fprintf(stderr,
                        "%sWARNING:%s --force: running the down files of %s, which was recorded "
                        "by baseline and never ran here; this drops the adopted objects it "
                        "describes, with their data\n",
                        out_col(c->o, RED), out_col(c->o, RESET), v);
        }
        if (!strcmp(state, "down")) {
            ndone = ledger_step(c, i, LC_STEP);
            out_say(c, "Resuming the rollback of %s at step %ld of %ld (an earlier run stopped "
                       "there)\n",
                    v, ndone + 1, ledger_step(c, i, LC_STEPS));
        }
        jobs[n] = (Job){ m, ndone };
        list[n++] = m;
    }
    if (c->o->step) { /* --step can span batches: order newest batch, newest version first */
        /* applied is ordered by version; a later batch always holds newer versions unless
         * --allow-out-of-order was used, in which case version order is still the safe one */
    }
    if (n == 0) {
        out_say(c, "Nothing to rollback.\n");
        rc = 0;
        goto out;
    }
    if (xdomain_refuse_rollback(c, list, n)) /* another domain was generated against it */
        goto out;
    if (!c->o->step)
        json_object_set_new(c->out, "batch", json_integer(batch));
    int napplied0 = ledger_napplied(c); /* adopt2 */
    if (load_sql(c, list, n, false) != 0 || apply_run(c, true, jobs, n, 0, done, NULL) != 0)
        goto out;
    if (c->o->step)
        out_say(c, "\n%sRolled back %zu migration(s):%s\n", out_col(c->o, GREEN), n, out_col(c->o, RESET));
    else
        out_say(c, "\n%sRolled back %zu migration(s) from batch %ld:%s\n", out_col(c->o, GREEN), n, batch,
            out_col(c->o, RESET));
    for (size_t i = 0; i < n; i++)
        out_say(c, "  - %s\n", list[i]->version);
    rc = 0;
    /* adopt2: the schema the first migration brought goes with it */
    if ((size_t)napplied0 == n && schema_drop_if_empty(c) != 0)
        rc = 1;
out:
    free(list);
    free(jobs);
    return rc;
}

