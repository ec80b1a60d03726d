#!/usr/bin/env bash
# embedded.t - with no configuration at all (no --database, DATABASE_URL or PG* variable) the
# runtime creates and starts a project-local cluster under .strav/ on a Unix socket only, and the
# README's main command works. Run as root this also proves the server runs under an
# unprivileged account. Also: a project path too long for a Unix socket, db:url, db:stop.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
unset DATABASE_URL PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-emb.XXXXXX")
chmod 755 "$WORK"
LONG="$WORK/a-rather-long-directory-name-to-push-the-socket-path/past-the-unix-socket-limit-of-107-bytes"
cleanup() {
    (cd "$WORK/p" 2>/dev/null && $STRAV db:stop >/dev/null 2>&1)
    (cd "$LONG" 2>/dev/null && $STRAV db:stop >/dev/null 2>&1)
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/p/database" "$LONG/database"
cp -r tests/fixtures/migrations/basic "$WORK/p/database/migrations"
cp -r tests/fixtures/migrations/basic "$LONG/database/migrations"
cd "$WORK/p" || exit 1

out=$($STRAV migrate 2>/dev/null); rc=$?
is "$out" "Running pending migrations...

Applied 3 migration(s) in batch 1:
  - 1704067200000
  - 1704153600000
  - 1704240000000" "strav migrate works with nothing configured"
is "$rc" 0 "exit 0"
check "the cluster lives under .strav/" test -f .strav/pg/data/PG_VERSION
# db:url --database X names another server: refused, and no cluster appears
mkdir -p "$WORK/q" && out=$(cd "$WORK/q" && $STRAV db:url --database "host=/nonexistent dbname=x" 2>&1); rc=$?
check "db:url --database is refused (exit 2) with an explanation" bash -c '[ "$1" = 2 ] && grep -q "names another server" <<<"$2"' _ "$rc" "$out"
check "... and creates no embedded cluster" test ! -e "$WORK/q/.strav"
url=$($STRAV db:url 2>/dev/null)
check "db:url prints a socket conninfo inside .strav" grep -q "host='$WORK/p/.strav/pg' port=5432 user=postgres dbname=postgres" <<<"$url"
is "$(psql "$url" -Atc 'show listen_addresses')" "" "no TCP listener (listen_addresses is empty)"
is "$(psql "$url" -Atc 'select count(*) from _strav_migrations')" 3 "psql with that conninfo sees the tracking table"
if [ "$(id -u)" = 0 ]; then
    check "as root, the server runs under an unprivileged account" test "$(stat -c %U .strav/pg/data)" != root
else
    check "the data directory belongs to the invoking user" test -O .strav/pg/data
fi
out=$($STRAV migrate 2>&1)
check "second run reuses the running server" grep -q '^Nothing to migrate' <<<"$out"
out=$($STRAV db:stop 2>&1); rc=$?
check "db:stop stops it" grep -q '^Stopped the embedded PostgreSQL server' <<<"$out"
check "no postmaster.pid after stop" test ! -e .strav/pg/data/postmaster.pid
out=$($STRAV status 2>/dev/null); rc=$?
is "$rc" 0 "a later command starts it again"
check "and the data survived" grep -q '3 applied, 0 pending' <<<"$out"

cd "$LONG" || exit 1
out=$($STRAV_RUN migrate 2>/dev/null); rc=$?
is "$rc" 0 "a project path too long for a Unix socket still works (strav-run)"
check "its socket lives in a short /tmp directory" grep -q "host='/tmp/strav-" <<<"$($STRAV_RUN url)"
out=$($STRAV_RUN stop); rc=$?
is "$rc" 0 "strav-run stop"
done_testing
