#!/usr/bin/env bash
# lockwait.t - concurrent runners never deadlock (issue 8 §2). A runner that waits for the
# migration lock polls pg_try_advisory_lock and holds no snapshot meanwhile, so the holder's
# CREATE INDEX CONCURRENTLY (which waits for every older snapshot) is not killed as a deadlock:
# 10 rounds of 8 concurrent migrates, then 8 concurrent rollbacks, on a batch with concurrent
# index builds: every run exits 0, no "deadlock detected", each version applied once. The waiter
# names the holder (pid, application_name, since when) and --lock-wait gives up in time.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project nontx
rt_db lockwait
cd "$WORK" || exit 1
rounds=${LOCK_ROUNDS:-10}
bad_exit=0 deadlocks=0 wrong=0
for r in $(seq 1 "$rounds"); do
    for cmd in migrate rollback; do
        pids=()
        for i in 1 2 3 4 5 6 7 8; do
            $STRAV_RUN $cmd >"$WORK/$cmd.$i" 2>&1 &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p" || bad_exit=$((bad_exit + 1)); done
        deadlocks=$((deadlocks + $(cat "$WORK"/$cmd.* | grep -c 'deadlock detected')))
        if [ $cmd = migrate ]; then
            want="2|2|1|1"
            n=$(cat "$WORK"/migrate.* | grep -c '^Applied 2 migration(s) in batch')
            got="$(psql -Atc "select count(*), count(distinct version), max(batch) from _strav_migrations")|$n"
        else
            want="0|1"
            got="$(psql -Atc "select count(*) from _strav_migrations")|$(cat "$WORK"/rollback.* | grep -c '^Rolled back 2 migration(s)')"
        fi
        if [ "$got" != "$want" ]; then
            wrong=$((wrong + 1))
            echo "# round $r $cmd: got $got, want $want"
            cat "$WORK"/$cmd.* | grep -i 'error' | head -5 | sed 's/^/#   /'
        fi
    done
done
is "$bad_exit" 0 "$rounds rounds of 8 concurrent migrates and 8 concurrent rollbacks: every run exits 0"
is "$deadlocks" 0 "no run saw \"deadlock detected\""
is "$wrong" 0 "each round applied (and reverted) every version exactly once, by one runner"

# a session holding the lock: the waiter names it, and --lock-wait gives up
psql -q -c "set application_name = 'hand_holder'" -c "select pg_advisory_lock(hashtextextended('strav:public._strav_migrations', 0))" -c "select pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
    [ "$(psql -Atc "select count(*) from pg_locks where locktype = 'advisory' and granted")" = 1 ] && break
    sleep 0.1
done
hpid=$(psql -Atc "select pid from pg_stat_activity where application_name = 'hand_holder'")
start=$(date +%s)
out=$($STRAV_RUN migrate --lock-wait 2 2>&1); rc=$?
took=$(( $(date +%s) - start ))
is "$rc" 1 "migrate --lock-wait 2 with the lock held elsewhere exits 1"
check "it names the holder's pid and application_name" grep -q "held by pid $hpid (hand_holder, " <<<"$out"
check "... and since when it is connected" grep -qE "connected since [0-9]{4}-[0-9]{2}-[0-9]{2}T" <<<"$out"
check "it says it gave up after 2 s" grep -q 'gave up after 2 s (--lock-wait)' <<<"$out"
check "in about 2 s (took ${took} s)" test "$took" -ge 2 -a "$took" -le 15
is "$(psql -Atc "select count(*) from _strav_migrations")" 0 "nothing ran"
# without a limit the waiter runs once the holder goes away
$STRAV_RUN migrate >"$WORK/wait.out" 2>&1 &
waiter=$!
sleep 1
psql -qc "select pg_terminate_backend($hpid)" >/dev/null
wait "$waiter"; rc=$?
wait "$holder" 2>/dev/null
is "$rc" 0 "a waiting migrate without --lock-wait runs when the holder ends"
check "it said whom it waited for" grep -q "note: waiting for the migration lock of public._strav_migrations, held by pid $hpid" "$WORK/wait.out"
done_testing
