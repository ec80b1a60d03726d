#!/usr/bin/env bash
# libpq_lazy.t - stravc loads libpq only when a command connects (compiler/pq_lazy.c). With a
# broken libpq.so.5 first on the library path, the commands that never connect (check,
# generate) work, which they could not if the loader had to map libpq at start; a command that
# connects (pull) fails with a clear error and exit status 1 and writes nothing. With the real
# libpq, pull works, its introspection's helper connection on a second thread included.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project libpqlazy
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=libpqlazy"
schema public app <<'S'
entity author {
  name  string(100)
}
S
BROKEN=$E2E_TMP/broken-lib
mkdir -p "$BROKEN"
echo "not a shared library" >"$BROKEN/libpq.so.5"

run env LD_LIBRARY_PATH="$BROKEN" "$STRAVC" check
ok '[ "$RC" = 0 ]' "check runs without loading libpq (a broken libpq.so.5 is first on the path)"
run env LD_LIBRARY_PATH="$BROKEN" "$STRAVC" generate -m init
ok '[ "$RC" = 0 ] && [ -n "$(latest)" ]' "generate too: it writes its migration"

run env LD_LIBRARY_PATH="$BROKEN" "$STRAVC" pull --database "$DSN" --schemas "$E2E_TMP/pulled"
ok '[ "$RC" = 1 ]' "pull with the broken libpq exits with status 1"
ok 'grep -q "cannot load libpq.so.5, which connecting to PostgreSQL needs" <<<"$OUT"' "  and says that libpq cannot be loaded"
ok '[ ! -e "$E2E_TMP/pulled" ]' "  and writes nothing"

q "CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL)" >/dev/null
run env STRAV_INTROSPECT_HELPER=0 STRAV_INTROSPECT_TRACE=1 "$STRAVC" pull --database "$DSN" --schemas "$E2E_TMP/pulled"
ok '[ "$RC" = 0 ] && grep -q "title" "$E2E_TMP"/pulled/public/*.strav' "with the real libpq, pull works and writes the table"
ok 'grep -q "(helper connection)" <<<"$OUT"' "  its helper connection (a second thread) included"

done_testing
