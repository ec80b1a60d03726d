#!/usr/bin/env bash
# embedded_server.t - the embedded cluster is configured for what Strav sends it, and survives
# the loss of its postmaster: a hand-written 1,000-table migration (each table with a serial
# key, an index and a text column) is re-applied by fresh and rolled back, in one transaction
# each (max_locks_per_transaction 64 runs out of shared memory in fresh), without a server NOTICE
# per dropped object in the output; after a kill -9 of the postmaster the next command restarts
# it and succeeds (three times in a row), instead of "Connection refused".
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
unset DATABASE_URL PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-emb.XXXXXX")
chmod 755 "$WORK"
cleanup() {
    (cd "$WORK/p" 2>/dev/null && $STRAV db:stop >/dev/null 2>&1)
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/p/database/schemas/public"
cd "$WORK/p" || exit 1
V=database/migrations/public/1720000000001
mkdir -p $V/tables/all
N=1000
for i in $(seq $N); do
    echo "CREATE TABLE t$i (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'x', at date);"
    echo "CREATE INDEX t${i}_name ON t$i (name);"
done > $V/tables/all/up.sql
for i in $(seq $N -1 1); do echo "DROP TABLE t$i CASCADE;"; done > $V/tables/all/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $V public "A thousand tables"
# the same cluster's view from outside, for checks
count() { psql "$($STRAV db:url 2>/dev/null)" -Atc "select count(*) from pg_tables where schemaname = 'public' and tablename ~ '^t[0-9]+$'"; }

out=$(timeout 600 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "migrate of $N tables on the embedded cluster"
is "$(count)" $N "all $N tables exist"
# fresh: every drop and every create in one transaction (about 22 locks per table here)
out=$(timeout 600 $STRAV fresh --force 2>&1); rc=$?
is "$rc" 0 "fresh of the $N-table domain (drops and re-applies) does not run out of locks"
grep -q 'out of shared memory' <<<"$out" && sed 's/^/#   /' <<<"$out" | tail -5
is "$(count)" $N "after fresh all $N tables exist again"
check "no server NOTICE per dropped object in the output" test "$(grep -c '^note:' <<<"$out")" -lt 5
check "no 'drop cascades' lines" bash -c "! grep -q 'drop cascades' <<<\"\$1\"" _ "$out"
out=$(timeout 600 $STRAV rollback 2>&1); rc=$?
is "$rc" 0 "rollback of the $N-table migration (one transaction, about 11 locks per table)"
is "$(count)" 0 "every table is gone"
url=$($STRAV db:url 2>/dev/null)
is "$(psql "$url" -Atc 'show max_locks_per_transaction')" 1024 "the embedded cluster runs with max_locks_per_transaction = 1024"

# kill -9 of the postmaster: the next command restarts the server
for k in 1 2 3; do
    pid=$(head -1 .strav/pg/data/postmaster.pid)
    kill -9 "$pid" 2>/dev/null || true
    out=$(timeout 120 $STRAV status 2>&1); rc=$?
    is "$rc" 0 "after kill -9 of the postmaster ($k): status succeeds"
    check "($k) it is no 'Connection refused'" bash -c "! grep -q 'Connection refused' <<<\"\$1\"" _ "$out"
    check "($k) it says the server was restarted" grep -q 'is gone; restarting it' <<<"$out"
done
out=$(timeout 120 $STRAV status 2>&1); rc=$?
is "$rc" 0 "a command on the running server after that"
check "...says nothing about restarting" bash -c "! grep -q 'restarting' <<<\"\$1\"" _ "$out"
done_testing
