/*
 * cmd_migrate.c - migrate: check the applied versions against the disk, collect the pending
 * ones (and a partly applied one to resume), and run them as one batch through the step
 * executor (apply.c).
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt.h"
#include "driftmark.h"
#include "migdir.h"
#include "xdomain_run.h"

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
    int na = ledger_napplied(c);
    const char *newest = na ? ledger_value(c, na - 1, LC_VERSION) : NULL;
    Job *jobs = xcalloc(c->set.n + 1, sizeof *jobs);
    const Migration **list = xcalloc(c->set.n + 1, sizeof *list);
    size_t np = 0;
    int rc = 1;
    long batch = 0; /* a resumed batch keeps its number */
    /* a version partly rolled back must be finished by rollback first */
    for (int i = 0; i < na; i++)
        if (!strcmp(ledger_value(c, i, LC_STATE), "down")) {
            out_fail(c, "migration %s is partly rolled back (step %ld of %ld); finish that with "
                        "'%s rollback -s %s' before migrating",
                     ledger_value(c, i, LC_VERSION), ledger_step(c, i, LC_STEP),
                     ledger_step(c, i, LC_STEPS), c->o->prog, c->set.domain);
            goto out;
        }
    for (size_t i = 0; i < c->set.n; i++) {
        const Migration *m = &c->set.v[i];
        if (!xdomain_in_window(m->version)) /* --all-domains: another stretch's version */
            continue;
        int row = ledger_find(c, m->version);
        long done = 0;
        if (row >= 0) {
            if (strcmp(ledger_value(c, row, LC_STATE), "up") != 0)
                continue; /* applied or baselined */
            done = ledger_step(c, row, LC_STEP);
            long b = strtol(ledger_value(c, row, LC_BATCH), NULL, 10);
            if (b > batch)
                batch = b;
            out_say(c, "Resuming migration %s at step %ld of %ld (an earlier run stopped "
                       "there)\n",
                    m->version, done + 1, ledger_step(c, row, LC_STEPS));
        } else if (newest && migdir_version_cmp(m->version, newest) < 0 &&
                   !c->o->allow_out_of_order) {
            out_fail(c, "pending migration %s is older than the newest applied one (%s); apply "
                        "it anyway with --allow-out-of-order",
                     m->version, newest);
            goto out;
        }
        if (m->problem) {
            out_fail(c, "Migration %s cannot be applied: %s", m->version, m->problem);
            goto out;
        }
        list[np] = m;
        jobs[np++] = (Job){ m, done };
    }
    json_t *done = json_array();
    json_object_set_new(c->out, "applied", done);
    if (np == 0) {
        out_say(c, "Nothing to migrate. All migrations are up to date.\n");
        rc = 0;
        goto out;
    }
    if (xdomain_refuse_migrate(c, list, np)) /* the domains it uses are migrated that far */
        goto out;
    if (!batch)
        batch = ledger_max_batch(c) + 1;
    json_object_set_new(c->out, "batch", json_integer(batch));
    if (load_sql(c, list, np, true) != 0)
        goto out;
    /* status's drift mark and drift record (driftmark.h, adopt.h): a first batch that starts
     * from an empty schema leaves the schema exactly as its snapshot says, so both are written
     * after it. Any other batch costs nothing here (no fingerprint before or after it): the
     * mark is removed, and the first status re-creates only the tables that changed since the
     * recorded version (adopt_snapshot_drift_rec), then marks and records the new one */
    const char *cache = access(".strav", W_OK) == 0 ? ".strav" : NULL;
    StrBuf fp = SB_INIT;
    bool empty = na == 0 && driftmark_fingerprint(c->conn, c->schema, &fp) && fp.len > 4 &&
                 !strcmp(fp.buf + fp.len - 4, ":0:0");
    sb_release(&fp);
    if (apply_run(c, false, jobs, np, batch, done, NULL) != 0)
        goto out;
    StrBuf now = SB_INIT;
    if (empty && driftmark_write(c->conn, cache, c->schema, list[np - 1]->version, NULL, &now))
        ledger_mark_write(c, list[np - 1]->version, now.buf);
    else
        driftmark_clear(cache, c->schema);
    sb_release(&now);
    if (empty) { /* the drift record (adopt.h): the schema is now exactly what the batch made */
        StrBuf rec = SB_INIT, err = SB_INIT;
        if (adopt_record_live(c->conn, list[np - 1]->dir, c->schema, &rec, &err) == 0)
            ledger_record_write(c, list[np - 1]->version, rec.buf);
        sb_release(&rec);
        sb_release(&err);
    }
    out_say(c, "\n%sApplied %zu migration(s) in batch %ld:%s\n", out_col(c->o, GREEN), np, batch,
        out_col(c->o, RESET));
    for (size_t i = 0; i < np; i++)
        out_say(c, "  - %s\n", list[i]->version);
    rc = 0;
out:
    free(jobs);
    free(list);
    return rc;
}

