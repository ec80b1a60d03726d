#!/usr/bin/env bash
# status_drift.t - `strav migration:status` warns when the live schema no longer matches the
# snapshot of the last applied migration (a hand-added column), stays quiet when in sync, skips
# the check with --no-drift-check, and reports it in --json as "drift"; the adoption commands
# (db:drift) connect like migrate does, down to the embedded default under .strav/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-drift.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
mkdir -p "$WORK/database/schemas/public"
cat > "$WORK/database/schemas/public/shop.strav" <<'S'
table customer {
  id    bigint       @primary
  name  varchar(100)
  email text?
  @@index(name)
}
S
rt_db drift
cd "$WORK" || exit 1
$STRAV generate:migration -m "Initial shop" >/dev/null 2>&1
check "generate wrote a snapshot" test -f "$(ls -d database/migrations/public/*/ | tail -1)snapshot.json"

out=$($STRAV status 2>&1); rc=$?
check "status before migrate: no applied version, no drift check" bash -c '! grep -q Warning <<<"$1"' _ "$out"
is "$($STRAV status --json | jq -c .drift)" null "--json: drift is null with nothing applied"
$STRAV migrate >/dev/null 2>&1
out=$($STRAV status 2>&1); rc=$?
check "in sync: no drift warning" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$rc" 0 "in sync: status exits 0"
is "$($STRAV status --json | jq -c '[.drift.drifted, .drift.differences]')" '[false,[]]' "--json: drifted false"

psql -q -c 'ALTER TABLE customer ADD COLUMN nickname text'
out=$($STRAV migration:status 2>&1); rc=$?
check "a hand-added column is reported as drift" grep -q '^Warning: the database schema has drifted from the snapshot of migration [0-9]*; 1 change(s) would bring it back:$' <<<"$out"
check "the difference names the column" grep -q '^  - .*nickname' <<<"$out"
check "and points at db:drift" grep -q "^Run 'strav db:drift --snapshot -s public'" <<<"$out"
is "$rc" 0 "drift is a warning: status still exits 0"
j=$($STRAV status --json)
is "$(jq -c '.drift.drifted' <<<"$j")" true "--json: drifted true"
check "--json: the difference is listed" bash -c 'jq -e ".drift.differences | length == 1 and (.[0] | test(\"nickname\"))" <<<"$1" >/dev/null' _ "$j"
out=$($STRAV status --no-drift-check 2>&1)
check "--no-drift-check skips it" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$($STRAV status --no-drift-check --json | jq -c .drift)" null "--no-drift-check --json: drift null"
is "$(psql -Atc "select count(*) from pg_namespace where nspname like '_strav_scratch%'")" 0 "the check leaves no scratch schema behind"
$STRAV db:drift --snapshot >/dev/null 2>&1
is "$?" 3 "db:drift with no --database uses PG* like migrate (exit 3: drifted)"
psql -q -c 'ALTER TABLE customer DROP COLUMN nickname'
out=$($STRAV status 2>&1)
check "back in sync: no warning" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
# with .strav/, the server's spelling of the snapshot is kept between runs (when the tracking
# table holds no drift record of it, runtime/adopt.h: cleared here)
mkdir .strav
psql -q -c 'update _strav_migrations set normalised = null, drift_mark = null'
$STRAV status >/dev/null 2>&1
check "the normalised snapshot is cached in .strav/" bash -c 'ls .strav/normalised-*.json >/dev/null 2>&1'
out=$($STRAV status 2>&1)
check "warm cache, in sync: no warning" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
psql -q -c 'CREATE INDEX customer_email_idx ON customer (email)'
out=$($STRAV status 2>&1)
check "warm cache: a hand-added index is reported" grep -q '^  - .*customer_email_idx' <<<"$out"
psql -q -c 'DROP INDEX customer_email_idx'
rm -f .strav/driftmark-*   # the drift mark (runtime/driftmark.h) would spare the full check
printf 'garbage\n' > "$(ls .strav/normalised-*.json)"
psql -q -c 'update _strav_migrations set normalised = null, drift_mark = null'
out=$($STRAV status 2>&1); rc=$?
check "a damaged cache is only a miss" bash -c '[ "$2" = 0 ] && ! grep -q -i drift <<<"$1"' _ "$out" "$rc"

# the adoption commands on the embedded default: no --database, no DATABASE_URL, no PG*
if [ -n "${STRAV_SKIP_EMBEDDED:-}" ]; then
    T=$((T + 1)); echo "ok $T - # SKIP embedded default (STRAV_SKIP_EMBEDDED)"
else
    E=$(mktemp -d "${TMPDIR:-/tmp}/strav-emb.XXXXXX")
    cp -r "$WORK/database" "$E/"
    rm -rf "$E/database/migrations"
    (
        cd "$E" || exit 1
        unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL
        out=$($STRAV db:drift 2>&1); rc=$?
        is "$rc" 3 "db:drift against the embedded default: empty database drifts from the files"
        check "it says so" grep -q '^Drift: the database differs from the schema files' <<<"$out"
        $STRAV generate:migration -m init >/dev/null 2>&1 && $STRAV migrate >/dev/null 2>&1
        out=$($STRAV db:drift 2>&1); rc=$?
        is "$rc" 0 "after migrate, db:drift on the embedded default: in sync"
        is "$($STRAV status --json | jq -c .drift.drifted)" false "status --json on the embedded default: no drift"
        $STRAV db:stop >/dev/null 2>&1
        echo "T=$T" > "$E/.count"
    )
    . "$E/.count"
    rm -rf "$E"
fi
done_testing
