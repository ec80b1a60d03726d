#!/usr/bin/env bash
# atomic.t - a failing migration in the middle of a batch leaves the schema (pg_dump
# --schema-only) and the tracking table byte-identical, with the seed's error lines and the file
# and line of the failing statement; non-transactional steps run on their own and the output
# names the atomicity boundary.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project failing
rt_db atomic
cd "$WORK" || exit 1

# batch 1: the first version only, so the tracking table exists with one row
mv database/migrations/public/170000000000[234] "$WORK/"
$STRAV migrate >/dev/null 2>&1
mv "$WORK"/170000000000[234] database/migrations/public/
before=$(rt_snapshot)
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a failing batch exits 1"
is "$(printf '%s\n' "$out" | grep -v '^note:' | sed -n '1p;3p;$p')" "Running pending migrations...
database/migrations/public/1700000000003/tables/lines/up.sql:3:27: error: column \"invalid_column\" does not exist
✓ Transaction rolled back - database unchanged" "error names file:line:col of the failing statement and says the database is unchanged"
check "the seed's error line" grep -qx 'Error: Migration 1700000000003 failed: column "invalid_column" does not exist' <<<"$out"
check "SQLSTATE is shown" grep -qx 'note: SQLSTATE 42703' <<<"$out"
after=$(rt_snapshot)
is "$after" "$before" "pg_dump --schema-only and the tracking table are byte-identical after the failure"
check "the version before the failing one (same batch) was not kept" test "$(psql -Atc "select to_regclass('invoices') is null")" = t

# first run on an empty database: even the tracking table and schema creation roll back
rt_db atomic_empty
before=$(rt_snapshot nosuchtable)
$STRAV migrate >/dev/null 2>&1
is "$(rt_snapshot nosuchtable)" "$before" "on a fresh database a failed batch leaves no tracking table behind"

# fix the migration and run again: everything applies as one batch
printf 'CREATE TABLE lines (id bigserial PRIMARY KEY, amount numeric NOT NULL);\n' > database/migrations/public/1700000000003/tables/lines/up.sql
"$ROOT/tests/lib/mkmanifest.sh" database/migrations/public/1700000000003 public "Step 3"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "after the fix the batch applies"
check "all four versions applied" test "$(psql -Atc 'select count(*) from _strav_migrations')" = 4

# non-transactional steps
rm -rf database/migrations && cp -r "$ROOT/tests/fixtures/migrations/nontx" database/migrations
rt_db atomic_nontx
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a migration with CREATE INDEX CONCURRENTLY applies"
check "the output names the atomicity boundary" grep -q 'atomicity boundary: everything before 1710000000001/indexes/up.sql is committed' <<<"$out"
is "$(psql -Atc "select indisvalid from pg_index where indexrelid = 'events_kind_idx'::regclass")" t "the concurrent index exists and is valid"
is "$(psql -Atc 'select string_agg(version, $$,$$ order by id) from _strav_migrations')" "1710000000001,1710000000002" "both recorded"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 0 "rollback with DROP INDEX CONCURRENTLY works"
is "$(psql -Atc "select count(*) from pg_class where relname in ('events','audits','events_kind_idx')")" 0 "everything reverted"
done_testing
