#!/usr/bin/env bash
# fresh_partitioned.t - `strav fresh` on the public domain with a partitioned table: the drop
# skipped the partitioned table (cmd_fresh.c excluded every relation with an 'i' pg_depend row,
# meant for objects another one owns, but a partitioned table depends internally on its own
# partition key column: objid = refobjid), so the re-apply failed with 'relation "parted"
# already exists' and fresh exited 1 (rolled back). Fixed: a relation's dependency on itself
# does not make it owned.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db freshpart
cd "$WORK" || exit 1
mkdir -p database/schemas/public
V=database/migrations/public/1704067200000
mkdir -p $V/t
printf '{"version": "1704067200000", "message": "parted", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["t/up.sql"], "down": ["t/down.sql"]}}\n' > $V/manifest.json
printf 'CREATE TABLE parted (id int, k int) PARTITION BY RANGE (k);\nCREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);\n' > $V/t/up.sql
echo "DROP TABLE parted;" > $V/t/down.sql
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "migrate"
psql -qc "INSERT INTO parted VALUES (1, 1)"
out=$(timeout 60 $STRAV fresh --force 2>&1); rc=$?
check "fresh drops and re-creates the partitioned table" test "$rc" = 0
grep -q 'already exists' <<<"$out" && echo "#   $(grep -m1 'already exists' <<<"$out")"
check "its rows are gone" test "$(psql -Atc 'select count(*) from parted')" = 0
done_testing
