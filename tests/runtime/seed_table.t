#!/usr/bin/env bash
# seed_table.t - a database migrated by the original TypeScript Strav: its tracking table has
# only the seed's columns (id, version, batch, executed_at; no checksum, no UNIQUE on version;
# strav-original.md 3.1), and its migration directories are in the seed's format (written by
# hand here). status reads it as it is; migrate brings it to this strav's shape in place and
# applies what is pending as the next batch; the seed's rows, whose files were never summed,
# are not reported as modified and roll back; a version the seed recorded twice is refused with
# what to do, and nothing changes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
P=database/migrations/public
for v in 1704067200000:a 1704153600000:b; do
    mkdir -p $P/${v%:*}/t
    printf '{"version": "%s", "message": "m %s", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["t/up.sql"], "down": ["t/down.sql"]}}\n' ${v%:*} ${v#*:} > $P/${v%:*}/manifest.json
    echo "CREATE TABLE ${v#*:} (i int);" > $P/${v%:*}/t/up.sql
    echo "DROP TABLE ${v#*:};" > $P/${v%:*}/t/down.sql
done
seed_db() { # NAME: a database as the original left it, version 1 applied (twice with "dup")
    rt_db "$1"
    psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE _strav_migrations (id SERIAL PRIMARY KEY, version VARCHAR(255) NOT NULL, batch INTEGER NOT NULL, executed_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE a (i int);
INSERT INTO _strav_migrations (version, batch) VALUES ('1704067200000', 1);
SQL
}
rows() { psql -Atc "select string_agg(version || ':' || batch, ',' order by id) from _strav_migrations"; }

seed_db seedtab
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "status reads the seed's table"
check "the seed's version is applied (not modified)" grep -qE '^ *1704067200000 +applied' <<<"$out"
check "the next one is pending" grep -qE '^ *1704153600000 +pending' <<<"$out"
is "$(psql -Atc "select count(*) from pg_attribute where attrelid = '_strav_migrations'::regclass and attnum > 0")" 4 "status (read only) did not alter the table"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "migrate applies the pending version on top of it"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out"
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'b'")" 1 "b exists"
is "$(rows)" "1704067200000:1,1704153600000:2" "the seed's row stays in batch 1, the new version is batch 2"
is "$(psql -Atc "select count(*) from pg_index where indrelid = '_strav_migrations'::regclass and indisunique and indkey::text = (select attnum::text from pg_attribute where attrelid = '_strav_migrations'::regclass and attname = 'version')")" 1 "the table has its unique index on version"
is "$(psql -Atc "select coalesce(checksum, '-') from _strav_migrations order by id" | tr '\n' ' ')" "- $(psql -Atc "select checksum from _strav_migrations where version = '1704153600000'") " "the seed's row has no checksum; the new one has its own"
out=$($STRAV status 2>&1)
check "status: both applied, nothing modified" test "$(grep -cE '^ *1704[0-9]+ +applied' <<<"$out")" = 2
check "status counts 0 modified" grep -q '2 applied, 0 pending, 0 modified, 0 missing' <<<"$out"
echo "DROP TABLE b; -- edited" > $P/1704153600000/t/down.sql
out=$($STRAV status 2>&1)
check "a file of a version this strav applied, edited, is still reported" grep -qE '1704153600000 +modified' <<<"$out"
echo "DROP TABLE b;" > $P/1704153600000/t/down.sql
$STRAV rollback >/dev/null 2>&1
is "$(rows)" "1704067200000:1" "rollback undoes batch 2"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 0 "rollback of the seed's batch runs its down (its checksum was never recorded)"
is "$(psql -Atc "select count(*) from pg_tables where tablename in ('a', 'b')")" 0 "a and b are gone"
is "$(psql -Atc "select count(*) from _strav_migrations")" 0 "the tracking table is empty"

seed_db seeddup
psql -qc "INSERT INTO _strav_migrations (version, batch) VALUES ('1704067200000', 2)"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a version recorded twice: migrate fails"
check "it says what to do" grep -q 'more than once' <<<"$out"
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'b'")" 0 "nothing was applied"
is "$(psql -Atc "select count(*) from pg_attribute where attrelid = '_strav_migrations'::regclass and attnum > 0")" 4 "the table is as it was"
psql -qc "DELETE FROM _strav_migrations WHERE id = 2"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "once the extra row is deleted, migrate applies"
done_testing
