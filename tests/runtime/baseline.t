#!/usr/bin/env bash
# baseline.t - versions recorded by migration:baseline never ran here (issue 8 §3): the tracking
# table marks them "baselined", status shows them so, and rollback stops at them instead of
# running their down (which would drop every adopted table with its rows); --force runs it with
# a loud warning. An old baseline row (no state column) is not protected: it predates the mark.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
STRAVC=$ROOT/$BUILD/stravc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
mkdir -p "$WORK/database/schemas/public"
cd "$WORK" || exit 1
rt_db baseline
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE customer (id serial PRIMARY KEY, email varchar(255) NOT NULL, name text);
INSERT INTO customer (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
SQL
$STRAV db:pull >/dev/null 2>&1
$STRAVC generate -m "Adopted" >/dev/null 2>&1
v=$(ls database/migrations/public | sort -n | tail -1)
check "pull and generate made the first version" test -n "$v"
out=$($STRAV migration:baseline --version "$v" 2>&1); rc=$?
is "$rc" 0 "migration:baseline records it"
is "$(psql -Atc "select version, state from _strav_migrations")" "$v|baselined" "the row is marked baselined"
out=$($STRAV migration:status --no-drift-check 2>&1); rc=$?
check "status shows the version as baselined" grep -qE "^  $v +baselined " <<<"$out"
check "status counts it" grep -q '0 applied, 0 pending, 0 modified, 0 missing, 1 baselined' <<<"$out"
is "$rc" 0 "status exits 0 (a baselined version is in force)"
is "$($STRAV migration:status --json --no-drift-check | jq -r '.migrations[0].state')" baselined "status --json: state baselined"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 1 "a plain rollback of the baseline batch is refused"
check "it says the version was recorded by baseline and never ran here" grep -q "was recorded by baseline and never ran here" <<<"$out"
is "$(psql -Atc "select count(*) from customer")|$(psql -Atc "select count(*) from _strav_migrations")" "2|1" "the adopted table, its rows and the row are untouched"
out=$($STRAV rollback --step 1 2>&1); rc=$?
is "$rc" 1 "rollback --step 1 is refused too"
# a later real migration rolls back normally, and the rollback stops at the baseline
cat > database/schemas/public/note.strav <<'EOF2'
entity note {
  id   ulid @primary
  body string
}
EOF2
$STRAVC generate -m "Notes" >/dev/null 2>&1
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a later migration applies on top of the baseline"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 0 "and rolls back"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 1 "the next rollback stops at the baseline"
is "$(psql -Atc "select count(*) from customer")" 2 "rows still there"
out=$($STRAV rollback --force 2>&1); rc=$?
is "$rc" 0 "rollback --force runs the baseline's down"
check "with a loud warning" grep -q "WARNING: --force: running the down files of $v, which was recorded by baseline" <<<"$out"
is "$(psql -Atc "select to_regclass('customer') is null")" t "(and it did drop the adopted table)"
done_testing
