#!/usr/bin/env bash
# concurrent_status.t - several `strav-run status` at once on one project (a deploy's health
# check beside a developer's, two CI jobs on one checkout). Each run may write the same .strav/
# files: the verification cache, the drift mark, the normalised copy. Right after a later batch
# (no mark for its version yet) and with .strav/ emptied, four runs start together, five times
# over; then, and again after a column was added by hand, it requires:
#   - every run gives the answer one run alone gives (in sync; then the hand change), exit 0;
#   - what they left in .strav/ is whole: the next run answers the same from it and does not
#     rewrite the verification cache (an unchanged set is never rewritten: integrity.t);
#   - no temporary copy left in .strav/, no scratch schema left on the server.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_two_batches concurrent_status 60 item30
find database -exec touch -d '1 minute ago' {} +   # older than the cache's racy window

reset_state() { # right after the batch: its drift columns, nothing in .strav/
    rt_batch_drift_back
    rm -rf .strav && mkdir .strav
}
answer() { # a status run's answer: the versions' states and the drift verdict
    jq -r '[(.migrations | map(.state) | join(",")),
            (.drift | if .error then "error: " + .error else "drifted:" + (.drifted | tostring) + ":" + (.differences | length | tostring) end)] | join(" ")' 2>/dev/null
}
together() { # ROUNDS: four runs at once per round; prints the number of runs whose answer or
    local bad=0 r k    # exit status differs from $ref
    for r in $(seq 1 "$1"); do
        reset_state
        for k in 1 2 3 4; do
            ( $STRAV_RUN status --json >"$WORK/out.$k" 2>"$WORK/err.$k"; echo $? >"$WORK/rc.$k" ) &
        done
        wait
        for k in 1 2 3 4; do
            [ "$(answer <"$WORK/out.$k")" = "$ref" ] && [ "$(cat "$WORK/rc.$k")" = "$want_rc" ] ||
                { bad=$((bad + 1)); sed 's/^/# /' "$WORK/err.$k" | head -5; }
        done
    done
    echo "$bad"
}

reset_state
out=$($STRAV_RUN status --json); want_rc=$?; ref=$(answer <<<"$out")
check "one run alone after the batch: every version applied, in sync ($ref)" \
    sh -c "case '$ref' in applied,applied' drifted:false:0') exit 0 ;; esac; exit 1"
is "$(together 5)" 0 "5 rounds of 4 runs at once: each run gives that answer, exit 0"
ino=$(stat -c %i .strav/verified-public 2>/dev/null)
is "$($STRAV_RUN status --json | answer)" "$ref" "the next run answers the same from what they left"
is "$(stat -c %i .strav/verified-public 2>/dev/null)" "$ino" "  and keeps their verification cache (it was whole)"
is "$(ls -A .strav | grep -c '\.tmp$')" 0 "no temporary copy left in .strav/"

psql -qAtX -c 'ALTER TABLE item5 ADD COLUMN by_hand text' >/dev/null
reset_state
out=$($STRAV_RUN status --json); want_rc=$?; ref=$(answer <<<"$out")
check "after a column added by hand, one run alone reports it ($ref)" \
    sh -c "case '$ref' in *' drifted:true:1') exit 0 ;; esac; exit 1"
is "$(together 3)" 0 "3 rounds of 4 runs at once: each reports that drift, with the same exit status"
is "$($STRAV_RUN status --json | answer)" "$ref" "the next run still reports it (no run left an in-sync mark)"
is "$(psql -qAtX -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_strav\\_scratch%'")" 0 \
    "no scratch schema left on the server"
done_testing
