#!/usr/bin/env bash
# concurrency.t - 8 runners started at once on the same domain apply each migration exactly
# once: the session advisory lock serialises them and pending versions are read after it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project crash
rt_db concurrency
cd "$WORK" || exit 1
pids=()
for i in 1 2 3 4 5 6 7 8; do
    $STRAV_RUN migrate >"$WORK/out.$i" 2>&1 &
    pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "all 8 runners exit 0"
is "$(cat "$WORK"/out.* | grep -c '^Applied 6 migration(s) in batch 1:$')" 1 "exactly one runner applied the batch"
is "$(cat "$WORK"/out.* | grep -c '^Nothing to migrate')" 7 "the other seven found nothing pending"
is "$(psql -Atc 'select count(*), count(distinct version), max(batch) from _strav_migrations')" "6|6|1" "each version recorded once, in batch 1"
is "$(psql -Atc "select count(*) from pg_tables where tablename like 'crash\_%'")" 18 "every table created once"
# and again with a rollback racing migrations in another domain-less fashion: 8 rollbacks
pids=()
for i in 1 2 3 4 5 6 7 8; do
    $STRAV_RUN rollback >"$WORK/rb.$i" 2>&1 &
    pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "8 concurrent rollbacks exit 0"
is "$(cat "$WORK"/rb.* | grep -c '^Rolled back 6 migration(s) from batch 1:$')" 1 "exactly one rolled the batch back"
done_testing
