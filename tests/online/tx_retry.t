#!/usr/bin/env bash
# tx_retry.t - the transactional files of an online migration (a column added, one renamed,
# one dropped) run in the batch transaction under the manifest's lockTimeoutMs and are retried
# with the same backoff and limit as its non-transactional steps (docs/online.md, "Lock timeout
# and retries"): behind another session's lock the whole transaction (a plain migration of the
# same batch too) is rolled back and run again until it gets its locks; with the retries used
# up it fails, rolled back, and the next migrate applies it. Down likewise.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
STRAVC=$ROOT/$BUILD/stravc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-txretry.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
S=database/schemas/public/s.strav
cat > $S <<'X'
table item {
  id    int @primary
  old   text?
  gone  int?
}
X
$STRAVC generate -m base >/dev/null || { echo "Bail out! generate failed"; exit 1; }
rt_db tx_retry
$STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! base migrate failed"; exit 1; }
psql -q -c "INSERT INTO item SELECT g, 'o' || g, g FROM generate_series(1, 1000) g" >/dev/null
# a plain migration first (a new table), then the online one: one batch, one transaction
cat > $S <<'X'
table item {
  id    int @primary
  old   text?
  gone  int?
}
table other {
  id int @primary
}
X
$STRAVC generate -m plain >/dev/null || { echo "Bail out! generate plain failed"; exit 1; }
cat > $S <<'X'
table item {
  id    int @primary
  fresh text? @was(old)
  added int?
}
table other {
  id int @primary
}
X
$STRAVC generate -m online --online --allow-destructive >/dev/null 2>&1 || { echo "Bail out! generate --online failed"; exit 1; }
v=database/migrations/public/$(ls database/migrations/public | tail -1)
is "$(jq -c '.online' $v/manifest.json)" '{"lockTimeoutMs":1000,"retries":8}' "the manifest carries the retry policy"
is "$(jq -c '.nonTransactional' $v/manifest.json)" '[]' "every change of it is transactional"

cols() { psql -Atc "select string_agg(attname, ',' order by attnum) from pg_attribute where attrelid = 'item'::regclass and attnum > 0 and not attisdropped"; }
rows() { psql -Atc "select version, batch, state from _strav_migrations order by version" | cut -d'|' -f2,3 | tr '\n' ' '; }

# a session holds ACCESS SHARE on item for 3 s: ALTER TABLE cannot get its lock within 1 s
psql -q -c "BEGIN; LOCK item IN ACCESS SHARE MODE; SELECT pg_sleep(2); COMMIT;" >/dev/null 2>&1 &
holder=$!
sleep 0.5
out=$($STRAV_RUN migrate 2>&1); rc=$?
wait $holder
is "$rc" 0 "migrate succeeds behind a lock held for 2 s"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
check "it said it retried the transaction" grep -q "note: $(basename $v)/tables/item/up.sql: lock not granted within 1000 ms.*retry 1 of 8 in [0-9]* ms" <<<"$out"
check "no error was printed for the retried attempts" bash -c '! grep -q "^Error\|error:" <<<"$1"' _ "$out"
is "$(cols)" "id,fresh,added" "the column renamed, added and dropped once"
is "$(psql -Atc "select count(*) from other")" 0 "the plain migration of the same batch applied once"
is "$(rows)" "1|applied 2|applied 2|applied " "both recorded in one batch"

# down: the rollback of the batch waits behind the same lock and is retried too
psql -q -c "BEGIN; LOCK item IN ACCESS SHARE MODE; SELECT pg_sleep(2); COMMIT;" >/dev/null 2>&1 &
holder=$!
sleep 0.5
out=$($STRAV_RUN rollback 2>&1); rc=$?
wait $holder
is "$rc" 0 "rollback succeeds behind a lock held for 2 s"
check "it retried the rollback's transaction" grep -q "lock not granted within 1000 ms.*retry 1 of 8" <<<"$out"
is "$(cols)" "id,old,gone" "the columns are back"
is "$(rows)" "1|applied " "only the base is left"

# --json: the retries are in the document, and stderr carries only errors (docs/runtime.md)
psql -q -c "BEGIN; LOCK item IN ACCESS SHARE MODE; SELECT pg_sleep(2); COMMIT;" >/dev/null 2>&1 &
holder=$!
sleep 0.5
js=$($STRAV_RUN migrate --json 2>$WORK/err); rc=$?
wait $holder
is "$rc $(jq -r .ok <<<"$js")" "0 true" "migrate --json succeeds behind the lock"
is "$(jq -r '.lockRetries[0] | [.version, .file, .lockTimeoutMs, .transactionRolledBack, .attempt, .of] | join(" ")' <<<"$js")" \
   "$(basename $v) tables/item/up.sql 1000 true 1 8" "  its lockRetries name the step, the timeout and the attempt"
check "  and stderr has no note" bash -c '! grep -q "lock not granted" "$1"' _ "$WORK/err"
$STRAV_RUN rollback >/dev/null 2>&1
is "$(rows)" "1|applied " "  (rolled back again)"

# retries used up: the manifest allows one, the lock is held for 4 s
jq '.online.retries = 1' $v/manifest.json > $WORK/m.json && mv $WORK/m.json $v/manifest.json
psql -q -c "BEGIN; LOCK item IN ACCESS SHARE MODE; SELECT pg_sleep(4); COMMIT;" >/dev/null 2>&1 &
holder=$!
sleep 0.5
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 1 "migrate fails when the lock outlasts the retries"
check "after one retry" grep -q "retry 1 of 1" <<<"$out"
check "it reports the lock timeout" grep -q "SQLSTATE 55P03" <<<"$out"
check "and the rollback of the transaction" grep -q "Transaction rolled back - database unchanged" <<<"$out"
is "$(cols)" "id,old,gone" "nothing of it is left"
is "$(rows)" "1|applied " "nothing recorded"
wait $holder
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "the next migrate applies it"
is "$(cols)" "id,fresh,added" "with the columns"
done_testing
