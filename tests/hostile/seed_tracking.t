#!/usr/bin/env bash
# seed_tracking.t - a database migrated by the original TypeScript Strav: its tracking table has
# the seed's documented columns only (id, version, batch, executed_at; no checksum, no UNIQUE on
# version). status, migrate and rollback should read it (and migrate should apply what is
# pending), but every one fails with "cannot read the tracking table: column "checksum" does not
# exist". Known bug in runtime/ledger.c (owned elsewhere): the checks are TODO.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
todo() { # DESC REASON CMD...: a check of a known bug (TAP TODO: does not fail the suite)
    local desc=$1 why=$2
    shift 2
    T=$((T + 1))
    if "$@"; then echo "ok $T - $desc # TODO $why"; else echo "not ok $T - $desc # TODO $why"; fi
}
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db seedtrack
cd "$WORK" || exit 1
mkdir -p database/schemas/public
P=database/migrations/public
for v in 1704067200000:a 1704153600000:b; do
    mkdir -p $P/${v%:*}/t
    printf '{"version": "%s", "message": "m", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["t/up.sql"], "down": ["t/down.sql"]}}\n' ${v%:*} > $P/${v%:*}/manifest.json
    echo "CREATE TABLE ${v#*:} (i int);" > $P/${v%:*}/t/up.sql
    echo "DROP TABLE ${v#*:};" > $P/${v%:*}/t/down.sql
done
# what the TypeScript Strav left: its tracking table (strav-original.md 3.1) and version 1 applied
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE _strav_migrations (id SERIAL PRIMARY KEY, version VARCHAR(255) NOT NULL, batch INTEGER NOT NULL, executed_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE a (i int);
INSERT INTO _strav_migrations (version, batch) VALUES ('1704067200000', 1);
SQL
BUG='ledger.c reads checksum/duration_ms/message, which the seed tracking table lacks'
out=$(timeout 30 $STRAV status 2>&1)
todo "status reads the seed's tracking table" "$BUG" grep -qE '^  1704067200000 +applied' <<<"$out"
grep -q 'checksum' <<<"$out" && echo "#   $(grep -m1 checksum <<<"$out")"
out=$(timeout 30 $STRAV migrate 2>&1); rc=$?
todo "migrate applies the pending version on top of it" "$BUG" test "$rc" = 0
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'b'")" "$([ "$rc" = 0 ] && echo 1 || echo 0)" "b exists exactly when migrate said it succeeded"
todo "the seed's row stays in batch 1, the new version is batch 2" "$BUG" test \
    "$(psql -Atc "select string_agg(version || ':' || batch, ',' order by id) from _strav_migrations")" = \
    "1704067200000:1,1704153600000:2"
done_testing
