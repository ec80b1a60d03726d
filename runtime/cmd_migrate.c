/*
 * cmd_migrate.c - migrate: check the applied versions against the disk, collect the pending
 * ones (and a partly applied one to resume), and run them as one batch through the step
 * executor (apply.c).
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migdir.h"

int cmd_migrate(Ctx *c)
{
    out_say(c, "%sRunning pending migrations...%s\n", out_col(c->o, CYAN), out_col(c->o, RESET));
    int bad = check_applied(c, false);
    if (bad) {
        out_fail(c, "%d applied migration(s) of domain %s changed or vanished on disk; restore "
                    "them (see '%s status -s %s') before migrating",
                 bad, c->set.domain, c->o->prog, c->set.domain);
        return 1;
    }
    const char *newest = ledger_napplied(c) ? ledger_value(c, ledger_napplied(c) - 1, 0) : NULL;
    const Migration **pending = xcalloc(c->set.n + 1, sizeof *pending);
    size_t np = 0;
    int rc = 1;
    for (size_t i = 0; i < c->set.n; i++) {
        const Migration *m = &c->set.v[i];
        if (ledger_is_applied(c, m->version))
            continue;
        if (m->problem) {
            out_fail(c, "Migration %s cannot be applied: %s", m->version, m->problem);
            goto out;
        }
        if (newest && migdir_version_cmp(m->version, newest) < 0 && !c->o->allow_out_of_order) {
            out_fail(c, "pending migration %s is older than the newest applied one (%s); apply "
                        "it anyway with --allow-out-of-order",
                     m->version, newest);
            goto out;
        }
        pending[np++] = m;
    }
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    if (np == 0) {
        out_say(c, "Nothing to migrate. All migrations are up to date.\n");
        rc = 0;
        goto out;
    }
    long batch = ledger_max_batch(c) + 1;
    json_object_set_new(c->out, "batch", json_integer(batch));
    if (load_sql(c, pending, np) != 0 || apply_batch(c, pending, np, batch, done, false) != 0)
        goto out;
    out_say(c, "\n%sApplied %zu migration(s) in batch %ld:%s\n", out_col(c->o, GREEN), np, batch,
        out_col(c->o, RESET));
    for (size_t i = 0; i < np; i++)
        out_say(c, "  - %s\n", pending[i]->version);
    rc = 0;
out:
    free(pending);
    return rc;
}

