#!/usr/bin/env bash
# kill_status.t - status's drift check survives SIGKILL at any moment. The check after a later
# batch writes on the way: the version's drift record (its tracking row), the drift mark (the
# row and .strav/driftmark-*), the verification cache; it reads through a helper connection in
# an exported snapshot (STRAV_INTROSPECT_HELPER=0 forces it at this size) and re-creates the
# changed tables in a scratch schema. Every trial puts the project back where it is right after
# that batch (no record, no mark for the newest version), kills `strav-run status` after a
# random delay within 120% of an uninterrupted check, and then requires:
#   - the next status gives the uninterrupted one's answer (in sync; and, once a column was
#     added by hand, that drift, never "in sync" from a mark a killed run left);
#   - no scratch schema, no backend of the killed run, no exported snapshot left on the server.
# (A kill between writing a .strav/ file's temporary copy and its rename can leave that copy,
# named by the killed process's pid; it is never read, and the next write of that file deletes
# it once a minute old: compiler/filerepl.h, tested in test_filerepl.c and integrity.t.)
# KILL_TRIALS (default 10 per phase) and KILL_SEED (default 5) set the count and the delays.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
trials=${KILL_TRIALS:-10}
RANDOM=${KILL_SEED:-5}
rt_two_batches kill_status 300 item150
export STRAV_INTROSPECT_HELPER=0

# back to "right after the batch": its drift columns, no mark or normalised copy in .strav/
reset_state() {
    rt_batch_drift_back
    rm -f .strav/driftmark-* .strav/normalised-*
}
verdict() { # the drift line of a status run's JSON: "drifted:N" or the error
    jq -r '.drift | if .error then "error: " + .error else "drifted:" + (.drifted | tostring) + ":" + (.differences | length | tostring) end' 2>/dev/null
}
backends() { # client backends on this database but psql's own
    psql -qAtX -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'" 2>/dev/null
}
leftovers() { # what a killed run must not leave on the server
    psql -qAtX -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_strav\\_scratch%'" 2>/dev/null
    backends
}
wait_backends() { # the killed run's backends notice the closed sockets; give them a moment
    for _ in $(seq 1 50); do
        [ "$(backends)" = 0 ] && return
        sleep 0.1
    done
}

reset_state
t0=$(ms_now); ref=$($STRAV_RUN status --json | verdict); st_ms=$(( $(ms_now) - t0 ))
is "$ref" "drifted:false:0" "an uninterrupted check after the batch ($st_ms ms): in sync"
reset_state
by=$(STRAV_INTROSPECT_TRACE=1 $STRAV_RUN status --json 2>"$WORK/trace" | jq -r .drift.checkedBy)
check "  it re-creates only the changed tables ($by), reading through the helper connection" \
    sh -c "[ '$by' = changedTables ] && grep -q 'helper connection' '$WORK/trace'"

phase() { # LABEL EXPECTED: KILL_TRIALS kills, then the checks
    local label=$1 want=$2 bad=0 left=0 i d pid
    for i in $(seq 1 "$trials"); do
        reset_state
        d=$(( (RANDOM * 32768 + RANDOM) % (st_ms + st_ms / 5 + 1) ))
        $STRAV_RUN status --json >/dev/null 2>&1 &
        pid=$!
        sleep_ms "$d"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        wait_backends
        [ "$(leftovers | paste -sd:)" = "0:0" ] || left=$((left + 1))
        # the next run, and the one after it (through whatever the killed run left)
        got1=$($STRAV_RUN status --json 2>/dev/null | verdict)
        got2=$($STRAV_RUN status --json 2>/dev/null | verdict)
        if [ "$got1" != "$want" ] || [ "$got2" != "$want" ]; then
            bad=$((bad + 1))
            echo "# $label trial $i (killed after $d ms): $got1 / $got2, want $want"
        fi
    done
    is "$bad" 0 "$label: after $trials kills at random moments the next two checks say $want"
    is "$left" 0 "$label: no scratch schema or backend of a killed run is left"
}
phase "in sync" "drifted:false:0"

# a hand change: every later check must report it, whatever a killed one wrote before
psql -qAtX -c "ALTER TABLE item7 ADD COLUMN by_hand integer" >/dev/null
reset_state
t0=$(ms_now); ref=$($STRAV_RUN status --json | verdict); st_ms=$(( $(ms_now) - t0 ))
is "$ref" "drifted:true:1" "an uninterrupted check sees the hand-added column ($st_ms ms)"
phase "drifted" "drifted:true:1"
check "the server holds no exported snapshot file of a killed run" \
    sh -c "[ -z \"\$(ls '$PG_TMP/data/pg_snapshots' 2>/dev/null)\" ]"
done_testing
