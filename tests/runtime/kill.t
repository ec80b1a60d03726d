#!/usr/bin/env bash
# kill.t - migrate and rollback survive SIGKILL at any moment, and a crash of the server itself
# (issue 8 §1, "Done when"). The batch mixes generated migrations with non-transactional steps
# (an enum created, then a value added to it and used as a column default in the same batch)
# and a hand-written one with concurrent index builds on 100,000 rows (in the idempotent form
# of docs/runtime.md). Every trial kills `strav-run migrate` (then `rollback`) after a random
# delay within 120% of an uninterrupted run; the next plain migrate (rollback) must exit 0 and
# the schema (pg_dump --schema-only) and tracking rows must equal an uninterrupted run's.
# Then the server is stopped with `pg_ctl stop -m immediate` mid-batch, restarted, and the next
# run resumes. KILL_TRIALS (default 12: 12 migrate + 12 rollback kills), SERVER_KILLS (default
# 2 each), KILL_SEED (default 8) set the counts and the random delays.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
# synchronous_commit stays on: the server crashes below must not lose commits the runtime was
# told succeeded (pg.sh turns it off for speed; a crash then drops the last ~200 ms of commits,
# a progress row with them, and the resumed run rightly starts a new batch the reference lacks).
PG_START_OPTS="-c synchronous_commit=on ${PG_START_OPTS:-}" pg_start
STRAVC=$ROOT/$BUILD/stravc
trials=${KILL_TRIALS:-12}
server_kills=${SERVER_KILLS:-2}
RANDOM=${KILL_SEED:-8}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-kill.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
cat > database/schemas/public/post.strav <<'S'
entity post {
  title  string
}
S
$STRAVC generate -m "Posts" >/dev/null || { echo "Bail out! generate failed"; exit 1; }
cat > database/schemas/public/post.strav <<'S'
enum status {
  draft
  live
}

entity post {
  title  string
  status status = 'draft'
}
S
$STRAVC generate -m "Status" >/dev/null || { echo "Bail out! generate failed"; exit 1; }
cat > database/schemas/public/post.strav <<'S'
enum status {
  draft
  review
  live
}

enum kind {
  plain
  rich
}

entity post {
  title  string
  status status = 'review'
  kind   kind?
}
S
$STRAVC generate -m "Review" >/dev/null || { echo "Bail out! generate failed"; exit 1; }
check "the generated batch has a non-transactional step: $(ls database/migrations/public | tail -1)/enums/add_values_up.sql" \
    test -f "database/migrations/public/$(ls database/migrations/public | tail -1)/enums/add_values_up.sql"
v=database/migrations/public/9000000000001
mkdir -p $v/tables/big $v/indexes
printf 'CREATE TABLE big (id bigint PRIMARY KEY, k integer NOT NULL, s text NOT NULL);\nINSERT INTO big SELECT g, g %% 1000, md5(g::text) FROM generate_series(1, 100000) g;\n' > $v/tables/big/up.sql
printf 'DROP TABLE big;\n' > $v/tables/big/down.sql
guard() { printf "DO \$\$BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('\"%s\"') AND NOT indisvalid) THEN EXECUTE 'DROP INDEX ' || pg_catalog.to_regclass('\"%s\"')::text; END IF; END\$\$;\n" "$1" "$1"; }
{ guard big_k_idx; echo 'CREATE INDEX CONCURRENTLY IF NOT EXISTS big_k_idx ON big (k);'
  guard big_s_idx; echo 'CREATE INDEX CONCURRENTLY IF NOT EXISTS big_s_idx ON big (s);'
  guard big_ks_idx; echo 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS big_ks_idx ON big (k, id);'; } > $v/indexes/up.sql
printf 'DROP INDEX CONCURRENTLY IF EXISTS big_ks_idx;\nDROP INDEX CONCURRENTLY IF EXISTS big_s_idx;\nDROP INDEX CONCURRENTLY IF EXISTS big_k_idx;\n' > $v/indexes/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $v public "Big" indexes/up.sql indexes/down.sql

state() {
    pg_dump --schema-only --no-owner "$PGDATABASE" | grep -v '^\\\(un\)\?restrict '
    psql -Atc "select version, batch, state, step, steps from _strav_migrations order by version" 2>/dev/null
}

# the uninterrupted run: the references and the durations the kills are spread over
rt_db kill_ref
t0=$(ms_now); $STRAV_RUN migrate >/dev/null 2>&1; rc1=$?; up_ms=$(( $(ms_now) - t0 ))
applied=$(state)
t0=$(ms_now); $STRAV_RUN rollback >/dev/null 2>&1; rc2=$?; down_ms=$(( $(ms_now) - t0 ))
empty=$(state) # no objects left but the (empty) tracking table
is "$rc1:$rc2:$(grep -c 'CREATE TABLE' <<<"$empty")" "0:0:1" "an uninterrupted migrate ($up_ms ms) and rollback ($down_ms ms) work"
check "the reference batch has four versions" test "$(grep -c '|applied|' <<<"$applied")" = 4

# killrun CMD MAX_MS: run CMD, SIGKILL it after a random delay; prints the delay
killrun() {
    local d=$(( RANDOM * 32768 + RANDOM )); d=$(( d % ($2 + $2 / 5 + 1) ))
    $STRAV_RUN "$1" >"$WORK/killed.out" 2>&1 &
    local pid=$!
    sleep_ms "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "$d"
}
fails=0 partial_seen=0
rt_db kill_trials
for i in $(seq 1 "$trials"); do
    d=$(killrun migrate "$up_ms")
    st=$($STRAV_RUN status --no-drift-check 2>/dev/null | grep -c 'partial (step')
    partial_seen=$((partial_seen + st))
    out=$($STRAV_RUN migrate 2>&1); rc=$?
    got=$(state)
    if [ "$rc" = 0 ] && [ "$got" = "$applied" ]; then
        echo "ok $((T += 1)) - migrate killed after $d ms$([ "$st" = 1 ] && echo ' (left a partial version)'): the next migrate finishes, same schema"
    else
        echo "not ok $((T += 1)) - migrate killed after $d ms: next migrate exit $rc"; fails=$((fails + 1))
        sed 's/^/#   /' <<<"$out" | head -8; diff <(echo "$applied") <(echo "$got") | head -10 | sed 's/^/#   /'
        rt_db "kill_trials_$i"; $STRAV_RUN migrate >/dev/null 2>&1
    fi
    d=$(killrun rollback "$down_ms")
    st=$($STRAV_RUN status --no-drift-check 2>/dev/null | grep -c 'partial (rollback step')
    partial_seen=$((partial_seen + st))
    # a rollback killed after it finished leaves nothing to do (a plain rollback would then
    # have nothing to roll back, as here the batch is the only one)
    out=$($STRAV_RUN rollback 2>&1); rc=$?
    got=$(state)
    if [ "$rc" = 0 ] && [ "$got" = "$empty" ]; then
        echo "ok $((T += 1)) - rollback killed after $d ms$([ "$st" = 1 ] && echo ' (left a partial version)'): the next rollback finishes, same schema"
    else
        echo "not ok $((T += 1)) - rollback killed after $d ms: next rollback exit $rc"; fails=$((fails + 1))
        sed 's/^/#   /' <<<"$out" | head -8; diff <(echo "$empty") <(echo "$got") | head -10 | sed 's/^/#   /'
        rt_db "kill_trials_r$i"
    fi
done
echo "# $((2 * trials)) kills, $fails failed, $partial_seen left a partial version (resumed)"

# the server itself: stopped immediately mid-batch, restarted, and the next run resumes
server_kill() { # CMD MAX_MS
    local d=$(( (RANDOM * 32768 + RANDOM) % ($2 + 1) ))
    $STRAV_RUN "$1" >"$WORK/crashed.out" 2>&1 &
    local pid=$!
    sleep_ms "$d"
    _pg_as "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
    wait "$pid"
    local rc=$?
    _pg_as "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-k $PG_TMP -c listen_addresses='' -c fsync=off -c max_connections=50" start >/dev/null 2>&1
    echo "$d:$rc"
}
for i in $(seq 1 "$server_kills"); do
    r=$(server_kill migrate "$up_ms"); d=${r%%:*}
    grep -m2 -E '^(Error|Outcome|The statement|✓)' "$WORK/crashed.out" | sed 's/^/# the crashed run said: /'
    out=$($STRAV_RUN migrate 2>&1); rc=$?
    got=$(state)
    if [ "$rc" = 0 ] && [ "$got" = "$applied" ]; then
        echo "ok $((T += 1)) - server stopped (immediate) $d ms into migrate (exit ${r#*:}): after a restart migrate finishes, same schema"
    else
        echo "not ok $((T += 1)) - server stopped $d ms into migrate: next migrate exit $rc"
        sed 's/^/#   /' <<<"$out" | head -8; diff <(echo "$applied") <(echo "$got") | head -10 | sed 's/^/#   /'
        rt_db "kill_server_$i"; $STRAV_RUN migrate >/dev/null 2>&1
    fi
    if grep -q 'COMMIT failed' "$WORK/crashed.out"; then
        check "a COMMIT without an answer is reported as of unknown outcome, not rolled back" \
            bash -c '! grep -q "rolled back" "$1" && grep -q "Outcome unknown" "$1"' _ "$WORK/crashed.out"
    fi
    r=$(server_kill rollback "$down_ms"); d=${r%%:*}
    out=$($STRAV_RUN rollback 2>&1); rc=$?
    got=$(state)
    if [ "$rc" = 0 ] && [ "$got" = "$empty" ]; then
        echo "ok $((T += 1)) - server stopped (immediate) $d ms into rollback (exit ${r#*:}): after a restart rollback finishes, same schema"
    else
        echo "not ok $((T += 1)) - server stopped $d ms into rollback: next rollback exit $rc"
        sed 's/^/#   /' <<<"$out" | head -8; diff <(echo "$empty") <(echo "$got") | head -10 | sed 's/^/#   /'
        rt_db "kill_server_r$i"
    fi
done
done_testing
