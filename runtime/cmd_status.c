/*
 * cmd_status.c - status: every version on disk and in the tracking table with its state
 * (applied, pending, partial, baselined, modified, missing, invalid), then the drift check
 * against the newest applied snapshot: the catalog fingerprint migrate recorded (driftmark.c),
 * else the full comparison (adopt.c).
 */
#include "runctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt.h"
#include "driftmark.h"
#include "migdir.h"
#include "progress.h"

/* The state of a version: m is NULL when it is not on disk, row -1 when not in the table. */
static const char *state_name(const Ctx *c, const Migration *m, int row)
{
    if (row < 0)
        return m && m->problem ? "invalid" : "pending";
    if (!m)
        return "missing";
    if (m->problem || ledger_checksum_differs(c, row, m->checksum))
        return "modified";
    const char *st = ledger_value(c, row, LC_STATE);
    if (!strcmp(st, "up") || !strcmp(st, "down"))
        return "partial";
    return !strcmp(st, "baselined") ? "baselined" : "applied";
}

/* Drift warning of status: when the newest applied version is intact on disk and has a
 * snapshot.json, compare the live schema with it (adopt_snapshot_drift). Never fails the
 * command: a check that cannot run is a warning. JSON: "drift" is null when not checked, else
 * {"version", "drifted", "differences"} (or "error"). */
static size_t status_drift(Ctx *c)
{
    size_t nout = 0;
    int na = ledger_napplied(c);
    const Migration *m = na ? migset_find(&c->set, ledger_value(c, na - 1, 0)) : NULL;
    json_object_set_new(c->out, "drift", json_null());
    if (c->o->no_drift_check || !m || m->problem || strcmp(m->checksum, ledger_value(c, na - 1, 2)))
        return 0;
    const char *state = ledger_value(c, na - 1, LC_STATE);
    if (strcmp(state, "applied") && strcmp(state, "baselined"))
        return 0; /* partly applied: its snapshot is not reached yet */
    StrBuf diffs = SB_INIT, err = SB_INIT, outside = SB_INIT;
    size_t n = 0;
    StrBuf snap = SB_INIT;
    sb_addf(&snap, "%s/snapshot.json", m->dir);
    bool no_snapshot = access(snap.buf, F_OK) != 0;
    sb_release(&snap);
    if (no_snapshot) /* nothing to compare with: no fingerprint, no query */
        return 0;
    const char *cache = access(".strav", W_OK) == 0 ? ".strav" : NULL;
    /* the catalog unchanged since it was last known to match this version: in sync without
     * any comparison (driftmark.h); else the live schema against the drift record of the
     * version (the snapshot as the server made it, in the tracking table: adopt.h), else
     * against the snapshot re-created in a scratch schema, which then becomes the record; and
     * a mark when the schema is found in sync */
    StrBuf fp = SB_INIT, mark = SB_INIT, rec = SB_INIT, newrec = SB_INIT, seen = SB_INIT;
    const char *dbmark = ledger_value(c, na - 1, LC_MARK); /* the copy every machine sees */
    bool can_mark = cache || c->have_record;
    /* a fingerprint now only when there is a mark to compare it with (a batch after the first
     * leaves none); the full check reads its own, in the snapshot it compares */
    bool file_mark = cache && driftmark_read(cache, c->schema, m->version, &mark);
    bool have_fp = can_mark && !c->o->strict && (file_mark || *dbmark) &&
                   driftmark_fingerprint(c->conn, c->schema, &fp);
    bool marked = have_fp && ((file_mark && !strcmp(fp.buf, mark.buf)) || !strcmp(fp.buf, dbmark));
    int rc = 0;
    const char *by = "mark";
    size_t recreated = 0;
    /* (--strict: the mark proves the tables unchanged, not what is outside them) */
    if (marked && strcmp(fp.buf, dbmark))
        ledger_mark_write(c, m->version, fp.buf); /* the file's mark, for every machine */
    if (!marked) {
        progress_phase("status: drift check against the snapshot of %s", m->version);
        StrBuf recv = SB_INIT;
        /* the mark of the state it compares: read on the helper connection it costs no time;
         * without one, and with a fingerprint taken already (a mark that did not match), it
         * is taken again only if the check finds the schema in sync (below) */
        DriftRecords dr = { NULL, NULL, NULL, &newrec, 0, 0, can_mark ? &seen : NULL, have_fp };
        if (ledger_record_read(c, &recv, &rec)) {
            /* this version's record, or an older applied version's to start from */
            int row = ledger_find(c, recv.buf);
            const Migration *b = row >= 0 ? migset_find(&c->set, recv.buf) : NULL;
            if (!strcmp(recv.buf, m->version))
                dr.record = rec.buf;
            else if (b && !b->problem && !ledger_checksum_differs(c, row, b->checksum))
                dr.base_dir = b->dir, dr.base_record = rec.buf;
        }
        sb_release(&recv);
        rc = adopt_snapshot_drift_rec(c->conn, m->dir, c->schema, cache, &dr, &diffs, &n,
                                      &outside, &nout, &err);
        static const char *const bys[] = { "record", "changedTables", "cache", "snapshot" };
        by = bys[dr.by];
        recreated = dr.recreated;
        progress_clear();
        if ((rc == 0 || rc == 1) && newrec.len)
            ledger_record_write(c, m->version, newrec.buf);
        /* in sync: the fingerprint of the state just compared is this version's mark */
        if (rc == 0 && seen.len) {
            if (cache)
                driftmark_store(cache, c->schema, m->version, seen.buf);
            if (strcmp(seen.buf, dbmark))
                ledger_mark_write(c, m->version, seen.buf);
        } else if (rc == 0 && have_fp) { /* again, and only if it did not change meanwhile */
            StrBuf now = SB_INIT;
            if (driftmark_write(c->conn, cache, c->schema, m->version, fp.buf, &now) &&
                strcmp(now.buf, dbmark))
                ledger_mark_write(c, m->version, now.buf);
            sb_release(&now);
        }
    }
    sb_release(&seen);
    sb_release(&fp);
    sb_release(&mark);
    sb_release(&rec);
    sb_release(&newrec);
    if (rc == 2)
        goto out;
    json_t *j = json_object();
    json_object_set_new(j, "version", json_string(m->version));
    json_object_set_new(j, "checkedBy", json_string(by));
    json_object_set_new(j, "recreatedTables", json_integer((json_int_t)recreated));
    json_object_set_new(c->out, "drift", j);
    /* adopt2: what exists outside the model, one warning each (an error under --strict) */
    json_t *oarr = json_array();
    json_object_set_new(j, "outsideModel", oarr);
    for (const char *p = outside.buf; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(oarr, json_stringn(p, len));
        if (!c->o->json)
            fprintf(stderr, "warning: %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    if (nout && !c->o->json)
        printf("\n%sWarning:%s %zu object(s) or detail(s) in the database are outside the "
               "model%s\n", out_col(c->o, YELLOW), out_col(c->o, RESET), nout,
               c->o->strict ? " (an error with --strict)" : "");
    if (rc < 0) {
        json_object_set_new(j, "error", json_string(sb_str(&err)));
        if (!c->o->json)
            printf("\n%sWarning:%s the drift check against migration %s failed: %s\n",
                   out_col(c->o, YELLOW), out_col(c->o, RESET), m->version, sb_str(&err));
        goto out;
    }
    json_object_set_new(j, "drifted", json_boolean(rc == 1));
    json_t *arr = json_array();
    json_object_set_new(j, "differences", arr);
    if (rc == 0)
        goto out;
    if (!c->o->json)
        printf("\n%sWarning:%s the database schema has drifted from the snapshot of migration %s; "
               "%zu change(s) would bring it back:\n",
               out_col(c->o, YELLOW), out_col(c->o, RESET), m->version, n);
    for (const char *p = diffs.buf; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, len));
        if (!c->o->json)
            printf("  - %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    if (!c->o->json)
        printf("Run '%s --snapshot -s %s' for the plan that brings it back.\n",
               strcmp(c->o->prog, "strav-run") ? "strav db:drift" : "strav-run drift",
               c->set.domain);
out:
    sb_release(&diffs);
    sb_release(&err);
    sb_release(&outside);
    return nout;
}

/* s, then spaces up to width bytes (printf's "%-<width>s"). */
static void add_padded(StrBuf *sb, const char *s, size_t width)
{
    size_t n = strlen(s);
    sb_add(sb, s, n);
    for (; n < width; n++)
        sb_addch(sb, ' ');
}

int cmd_status(Ctx *c)
{
    json_t *arr = json_array();
    json_object_set_new(c->out, "migrations", arr);
    if (!c->o->json) {
        printf("Migration status for domain %s (schema %s, table %s):\n\n", c->set.domain,
               c->schema, c->table);
        printf("  %-15s %-9s %-6s %-21s %s\n", "Version", "State", "Batch", "Applied at",
               "Message");
    }
    int counts[7] = { 0 }; /* applied, pending, modified, missing, invalid, partial, baselined */
    size_t i = 0;
    int j = 0, na = ledger_napplied(c);
    StrBuf notes = SB_INIT, line = SB_INIT, text = SB_INIT; /* text: the table, one write */
    while (i < c->set.n || j < na) {
        const Migration *m = NULL;
        int row = -1;
        int k = (i >= c->set.n) ? 1 : (j >= na) ? -1
                                                : migdir_version_cmp(c->set.v[i].version,
                                                              ledger_value(c, j, 0));
        if (k <= 0) {
            Migration *mv = &c->set.v[i++];
            if (k < 0 && !mv->problem) /* pending: migrate would refuse SQL it does not list */
                mv->problem = migset_unlisted_sql(mv);
            m = mv;
        }
        if (k >= 0)
            row = j++;
        const char *st = state_name(c, m, row);
        const char *version = m ? m->version : ledger_value(c, row, 0);
        /* the tracking table's message, else the manifest's (a row of the original Strav's
         * table has none) */
        const char *msg = row >= 0 && *ledger_value(c, row, 4) ? ledger_value(c, row, 4)
                          : m                                  ? m->message
                                                               : "";
        const char *batch = row >= 0 ? ledger_value(c, row, 1) : "-";
        char atbuf[32];
        const char *at = row >= 0 ? ledger_applied_at(c, row, atbuf) : "-";
        int idx = !strcmp(st, "applied") ? 0 : !strcmp(st, "pending") ? 1
                                           : !strcmp(st, "modified")  ? 2
                                           : !strcmp(st, "missing")   ? 3
                                           : !strcmp(st, "partial")   ? 5
                                           : !strcmp(st, "baselined") ? 6
                                                                      : 4;
        char stbuf[96];
        bool rolling = idx == 5 && !strcmp(ledger_value(c, row, LC_STATE), "down");
        long step = idx == 5 ? ledger_step(c, row, LC_STEP) : 0;
        long steps = idx == 5 ? ledger_step(c, row, LC_STEPS) : 0;
        if (idx == 5)
            snprintf(stbuf, sizeof stbuf, "partial (%sstep %ld of %ld)", rolling ? "rollback " : "",
                     step, steps);
        counts[idx]++;
        if (c->o->json) {
            json_t *o = json_object();
            json_object_set_new(o, "version", json_string(version));
            json_object_set_new(o, "state", json_string(st));
            json_object_set_new(o, "message", json_string(msg));
            json_object_set_new(o, "batch", row >= 0 ? json_integer(strtol(batch, NULL, 10))
                                                     : json_null());
            json_object_set_new(o, "appliedAt", row >= 0 ? json_string(at) : json_null());
            if (m && m->problem)
                json_object_set_new(o, "problem", json_string(m->problem));
            if (idx == 5) {
                json_object_set_new(o, "direction", json_string(rolling ? "down" : "up"));
                json_object_set_new(o, "step", json_integer(step));
                json_object_set_new(o, "steps", json_integer(steps));
            }
            json_array_append_new(arr, o);
        } else {
            const char *sc = idx == 0 ? GREEN : idx == 6 ? CYAN : idx == 1 || idx == 5 ? YELLOW : RED;
            sb_reset(&line);
            out_one_line(&line, msg); /* a message's control bytes never reach the terminal */
            /* "  %-15s %s%-9s%s %-6s %-21s %s\n" without printf's per-call cost: 10,000
             * versions are 10,000 lines */
            sb_add(&text, "  ", 2);
            add_padded(&text, version, 15);
            sb_addch(&text, ' ');
            sb_adds(&text, out_col(c->o, sc));
            add_padded(&text, idx == 5 ? stbuf : st, 9);
            sb_adds(&text, out_col(c->o, RESET));
            sb_addch(&text, ' ');
            add_padded(&text, batch, 6);
            sb_addch(&text, ' ');
            add_padded(&text, at, 21);
            sb_addch(&text, ' ');
            sb_add(&text, line.buf ? line.buf : "", line.len);
            sb_addch(&text, '\n');
            if (m && m->problem)
                sb_addf(&notes, "  %s: %s\n", m->version, m->problem);
        }
    }
    if (text.len)
        fwrite(text.buf, 1, text.len, stdout);
    sb_release(&text);
    if (!c->o->json) {
        if (i == 0 && na == 0)
            printf("  (no migrations)\n");
        printf("\n%d applied, %d pending, %d modified, %d missing", counts[0], counts[1],
               counts[2], counts[3]);
        if (counts[4])
            printf(", %d invalid", counts[4]);
        if (counts[5])
            printf(", %d partial", counts[5]);
        if (counts[6])
            printf(", %d baselined", counts[6]);
        printf("\n");
        if (notes.len)
            printf("\nProblems:\n%s", notes.buf);
    }
    sb_release(&notes);
    sb_release(&line);
    checkpoint_status(c);
    size_t nout = status_drift(c);
    if (counts[5] && !c->o->json)
        printf("\nA run stopped in the middle of a migration: the next '%s migrate -s %s' (or "
               "rollback, for a partial rollback) resumes it at the first unfinished step.\n",
               c->o->prog, c->set.domain);
    /* partial is not a state to deploy on: exit 1 like a modified or missing version */
    return (counts[2] || counts[3] || counts[4] || counts[5] || (nout && c->o->strict)) ? 1 : 0;
}

/* .strav/verified-<domain> when .strav/ exists in the current directory (the project's own
 * state directory); no cache otherwise. */
