#!/usr/bin/env bash
# crash.t - strav-run migrate killed with SIGKILL at random moments (50 trials over a six-version
# batch) leaves either the old state or the new state, never a mix, and the next migrate
# completes. The batch is one transaction and the advisory lock dies with the session.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project crash
rt_db crash
cd "$WORK" || exit 1
TRIALS=${CRASH_TRIALS:-50}

state() {
    psql -Atc "select (select count(*) from pg_tables where tablename like 'crash\_%')
                 || '/' || coalesce((select count(*) from _strav_migrations), 0)" 2>/dev/null ||
    psql -Atc "select (select count(*) from pg_tables where tablename like 'crash\_%') || '/0'"
}

mixed=0 notdone=0 killed_mid=0 old=0 new=0
for i in $(seq 1 "$TRIALS"); do
    $STRAV_RUN migrate >/dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 220)))"
    kill -KILL "$pid" 2>/dev/null && killed_mid=$((killed_mid + 1))
    wait "$pid" 2>/dev/null
    s=$(state)
    case "$s" in
        0/0) old=$((old + 1)) ;;
        18/6) new=$((new + 1)) ;;
        *) mixed=$((mixed + 1)); echo "# trial $i: mixed state $s" ;;
    esac
    if ! $STRAV_RUN migrate >/dev/null 2>&1 || [ "$(state)" != 18/6 ]; then
        notdone=$((notdone + 1)); echo "# trial $i: the next migrate did not complete ($(state))"
    fi
    $STRAV_RUN rollback >/dev/null 2>&1
    [ "$(state)" = 0/6 ] || [ "$(state)" = 0/0 ] || echo "# trial $i: rollback left $(state)"
done
echo "# $TRIALS trials: killed while running $killed_mid, old state $old, new state $new"
is "$mixed" 0 "$TRIALS SIGKILLs never left a mix of old and new state"
is "$notdone" 0 "after every kill the next migrate completed"
check "kills landed while the batch was running (old state seen at least once)" test "$old" -gt 0
done_testing
