#!/usr/bin/env bash
# locks.t - a batch that needs more locks than the server's lock table holds is announced
# before it runs (a warning naming max_locks_per_transaction), instead of only "out of shared
# memory" at the end; a batch that fits says nothing. The server runs with the smallest lock
# table PostgreSQL allows (max_locks_per_transaction = 10, 50 connections: 500 entries), and the
# migrations are written by hand in the seed's format.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
PG_START_OPTS="-c max_locks_per_transaction=10" pg_start
. tests/lib/rt.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-locks.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
mkdir -p "$WORK/database/schemas/public"
cd "$WORK"
rt_db locks

seed_version() { # VERSION NTABLES PREFIX: a seed-format migration creating NTABLES tables in one file
    local d=database/migrations/public/$1
    mkdir -p "$d/tables/many"
    awk -v n="$2" -v p="$3" 'BEGIN { for (i = 1; i <= n; i++)
        printf "-- table %d\ncreate table %s_%d (id serial primary key, name text not null default %c%c);\n", i, p, i, 39, 39 }' \
        >"$d/tables/many/up.sql"
    awk -v n="$2" -v p="$3" 'BEGIN { printf "DROP TABLE"; for (i = 1; i <= n; i++) printf "%s %s_%d", (i > 1 ? "," : ""), p, i; print ";" }' \
        >"$d/tables/many/down.sql"
    cat >"$d/manifest.json" <<J
{ "version": "$1", "message": "$2 tables", "generatedAt": "2026-01-01T00:00:00.000Z",
  "executionOrder": { "up": ["tables/many/up.sql"], "down": ["tables/many/down.sql"] } }
J
}

seed_version 1720000000001 5 Few
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a small batch applies"
check "a batch that fits says nothing about locks" bash -c "! grep -q 'locks in one transaction' <<<'$out'"

seed_version 1720000000002 300 Many
out=$($STRAV migrate 2>&1); rc=$?
check "the warning names the estimate and the server's lock table" \
    grep -qE 'warning: this batch takes about 3300 locks in one transaction, and the server.s lock table holds about 500' <<<"$out"
check "it names the setting to raise" grep -q 'Raise max_locks_per_transaction' <<<"$out"
wline=$(grep -n 'locks in one transaction' <<<"$out" | cut -d: -f1)
eline=$(grep -n 'failed: out of shared memory' <<<"$out" | head -1 | cut -d: -f1)
if [ "$rc" -ne 0 ]; then
    check "the warning comes before the failure" test -n "$wline" -a -n "$eline" -a "${wline:-0}" -lt "${eline:-0}"
    is "$(psql -Atc "select count(*) from _strav_migrations")" 1 "the failed batch left only the first version"
else
    check "(the server fitted the batch after all: the warning was still given)" test -n "$wline"
fi
done_testing
