#!/usr/bin/env bash
# online.t - `stravc generate --online` on a real server (docs/online.md): on a table of
# 100,000 hand-inserted rows, one migration adds an index, drops one, adds an FK, a CHECK, a
# UNIQUE and SET NOT NULL. The online forms are checked in the files (CONCURRENTLY, NOT VALID,
# VALIDATE, USING INDEX, non-transactional up and down), then applied and rolled back (the
# catalog must show each object in its final state, the rollback the schema before it); a
# session holding a lock makes the runtime retry under its short lock_timeout (a note per
# retry) instead of queueing writers; and migrate and rollback killed with SIGKILL at random
# moments resume to the same schema. ONLINE_KILLS (default 6) sets the kill count.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
PG_START_OPTS="-c synchronous_commit=on ${PG_START_OPTS:-}" pg_start
STRAVC=$ROOT/$BUILD/stravc
RANDOM=${ONLINE_SEED:-5}
kills=${ONLINE_KILLS:-6}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-online.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
S=database/schemas/public/s.strav
cat > $S <<'X'
table acct {
  id int @primary
}
table item {
  id    int @primary
  acct  int
  price int?
  code  text
  @@index(code, name: 'item_code_old')
}
X
$STRAVC generate -m base >/dev/null || { echo "Bail out! generate failed"; exit 1; }
rt_db online_ref
$STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! base migrate failed"; exit 1; }
psql -q -c "INSERT INTO acct SELECT g FROM generate_series(1, 100) g;
            INSERT INTO item SELECT g, 1 + g % 100, 1 + g % 7, 'c' || g FROM generate_series(1, 100000) g;" >/dev/null
cat > $S <<'X'
table acct {
  id int @primary
}
table item {
  id    int @primary
  acct  int
  price int
  code  text @unique
  @@index(price)
  @@foreign(acct, references: acct)
  @@check('price > 0')
}
X
$STRAVC generate -m online --online >/dev/null 2>"$WORK/gen.err"
is "$?" 0 "generate --online succeeds"
v=database/migrations/public/$(ls database/migrations/public | tail -1)
man=$v/manifest.json
is "$(jq -c '.nonTransactional | sort' $man)" \
   '["constraints/online_down.sql","constraints/online_up.sql","indexes/down.sql","indexes/drop_down.sql","indexes/drop_up.sql","indexes/up.sql"]' \
   "the online files run outside the transaction, up and down"
is "$(jq -c '.online' $man)" '{"lockTimeoutMs":1000,"retries":8}' "the manifest carries the retry policy"
up=$(cat $v/constraints/online_up.sql)
check "FK added NOT VALID, then validated" grep -q 'FOREIGN KEY (acct) REFERENCES acct (id) NOT VALID' <<<"$up"
check "SET NOT NULL through a validated CHECK (price IS NOT NULL)" grep -q 'CHECK (price IS NOT NULL) NOT VALID' <<<"$up"
check "UNIQUE attached from a concurrently built index" grep -q 'UNIQUE USING INDEX uq_item_code' <<<"$up"
check "index built concurrently" grep -q 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_item_price' $v/indexes/up.sql
check "index dropped concurrently" grep -q 'DROP INDEX CONCURRENTLY IF EXISTS item_code_old' $v/indexes/drop_up.sql
is "$(grep -c 'VALIDATE CONSTRAINT' <<<"$up")" 3 "three validations (FK, CHECK, the NOT NULL check)"

state() {
    pg_dump --schema-only --no-owner "$PGDATABASE" | grep -v '^\\\(un\)\?restrict '
    psql -Atc "select version, state, step, steps from _strav_migrations order by version" 2>/dev/null
}
catalog() {
    psql -Atc "select conname, contype, convalidated from pg_constraint where conrelid = 'item'::regclass order by 1;
               select attname, attnotnull from pg_attribute where attrelid = 'item'::regclass and attname = 'price';
               select c.relname, i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'item'::regclass order by 1"
}
before=$(state)
t0=$(ms_now); out=$($STRAV_RUN migrate 2>&1); rc=$?; up_ms=$(( $(ms_now) - t0 ))
is "$rc" 0 "migrate applies the online migration ($up_ms ms)"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(catalog)" "ck_item_89b88009|c|t
fk_item_acct|f|t
pk_item|p|t
uq_item_code|u|t
price|t
idx_item_price|t
pk_item|t
uq_item_code|t" "every constraint validated, price NOT NULL, no helper check left, indexes valid"
applied=$(state)
t0=$(ms_now); out=$($STRAV_RUN rollback 2>&1); rc=$?; down_ms=$(( $(ms_now) - t0 ))
is "$rc" 0 "rollback reverts it ($down_ms ms)"
is "$(state)" "$before" "the schema after rollback is the schema before"

# a session holding a lock that conflicts with the ACCESS EXCLUSIVE steps: the runtime gives
# up after lock_timeout, says so, backs off and retries, and succeeds once the lock is gone
psql -q -c "BEGIN; LOCK item IN ACCESS SHARE MODE; SELECT pg_sleep(4); COMMIT;" >/dev/null 2>&1 &
holder=$!
sleep 0.5
out=$($STRAV_RUN migrate 2>&1); rc=$?
wait $holder
is "$rc" 0 "migrate succeeds behind a lock held for 4 s"
check "it retried with a note each time" grep -q 'lock not granted within 1000 ms.*retry 1 of 8' <<<"$out"
is "$(state)" "$applied" "same schema as the uninterrupted run"
$STRAV_RUN rollback >/dev/null 2>&1

killrun() { # CMD MAX_MS: run CMD, SIGKILL it after a random delay; prints the delay
    local d=$(( (RANDOM * 32768 + RANDOM) % ($2 + 1) ))
    $STRAV_RUN "$1" >"$WORK/killed.out" 2>&1 &
    local pid=$!
    sleep_ms "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "$d"
}
for i in $(seq 1 "$kills"); do
    d=$(killrun migrate "$up_ms")
    out=$($STRAV_RUN migrate 2>&1); rc=$?
    is "$rc:$(state | md5sum)" "0:$(md5sum <<<"$applied")" "migrate killed after $d ms: the next migrate resumes to the same schema"
    [ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -10
    d=$(killrun rollback "$down_ms")
    # a rollback killed after it finished leaves nothing to roll back (another rollback would
    # revert the base migration)
    rc=0 out=
    [ "$(state)" = "$before" ] || { out=$($STRAV_RUN rollback 2>&1); rc=$?; }
    got=$(state)
    is "$rc:$(md5sum <<<"$got")" "0:$(md5sum <<<"$before")" "rollback killed after $d ms: the next rollback resumes to the schema before"
    [ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -10
done
done_testing
