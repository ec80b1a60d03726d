#!/usr/bin/env bash
# pull_helper.t - the introspection's index (and constraints) queries on a helper connection (runtime/
# introspect_prefetch.c): it gives what the main connection gives, reads the main
# transaction's snapshot (not a newer one), and costs nothing but time when it cannot connect.
# The schema is written by hand (tests/adopt/fixtures/roundtrip.sql plus indexes of every
# shape); STRAV_INTROSPECT_HELPER=0 uses the helper at any size, "off" never.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project pullhelper
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=pullhelper"
psql -X -q -v ON_ERROR_STOP=1 -f "$ROOT/tests/adopt/fixtures/roundtrip.sql" >/dev/null ||
    { echo "Bail out! fixture"; exit 1; }
q "
CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL, body text, lang text COLLATE \"C\",
                   rank int, tags text[]);
CREATE INDEX docs_expr ON docs (lower(title) text_pattern_ops, (rank * 2) DESC NULLS FIRST);
CREATE INDEX docs_partial ON docs (rank) INCLUDE (title) WHERE body IS NOT NULL;
CREATE UNIQUE INDEX docs_lang ON docs (lang COLLATE \"POSIX\", id) WITH (fillfactor = 70);
COMMENT ON INDEX docs_partial IS 'ranked, with a body';
CREATE TABLE other (id int PRIMARY KEY, code text NOT NULL);
CREATE INDEX other_expr ON other (upper(code));
" >/dev/null

# the trace names the query the helper ran; its rows are the same as the main connection's
pull_to() { # DIR [env...]: pull into DIR, OUT/RC set, the trace in DIR.trace
    local d=$1; shift
    rm -rf "$d"
    OUT=$(env "$@" STRAV_INTROSPECT_TRACE=1 "$STRAVC" pull --database "$DSN" --schemas "$d" 2>"$d.trace"); RC=$?
}
pull_to "$E2E_TMP/off" STRAV_INTROSPECT_HELPER=off
ok '[ "$RC" = 0 ] && ! grep -q "helper connection" "$E2E_TMP/off.trace"' "helper off: pull works on the main connection alone"
ok 'grep -q "docs_expr" "$E2E_TMP"/off/public/*.strav && grep -q "docs_partial" "$E2E_TMP"/off/public/*.strav' "  and writes the hand-made indexes"
pull_to "$E2E_TMP/on" STRAV_INTROSPECT_HELPER=0
ok '[ "$RC" = 0 ] && grep -q "(helper connection)" "$E2E_TMP/on.trace"' "helper on: a query ran on the helper connection"
ok 'diff -r "$E2E_TMP/off" "$E2E_TMP/on" >/dev/null' "  and every file is byte-identical to the main connection's"
run "$STRAVC" diff --database "$DSN"
dflt=$OUT
OUT=$(STRAV_INTROSPECT_HELPER=0 "$STRAVC" diff --database "$DSN" 2>&1)
is "$OUT" "$dflt" "db drift through the helper says what it says without it"

# pull as another role with the helper asked for: OUT/RC, the trace in DIR.trace
pull_as() { # ROLE DIR
    local dsn=$DSN
    DSN="host=$PGHOST port=$PGPORT user=$1 dbname=pullhelper"
    pull_to "$2" STRAV_INTROSPECT_HELPER=0
    DSN=$dsn
}

# a role that may hold one connection: the helper is refused, the main connection does it all
q "CREATE ROLE onlyone LOGIN CONNECTION LIMIT 1" >/dev/null
pull_as onlyone "$E2E_TMP/one"
ok '[ "$RC" = 0 ] && ! grep -q "helper connection" "$E2E_TMP/one.trace"' "no second connection allowed: pull still works, without the helper"
ok 'diff -r "$E2E_TMP/off" "$E2E_TMP/one" >/dev/null' "  and writes the same files"

# a server where the role may not export snapshots (EXECUTE revoked): the introspection starts
# again without the helper
q "CREATE ROLE nosnap LOGIN; REVOKE EXECUTE ON FUNCTION pg_export_snapshot() FROM PUBLIC" >/dev/null
pull_as nosnap "$E2E_TMP/nosnap"
ok '[ "$RC" = 0 ] && ! grep -q "helper connection" "$E2E_TMP/nosnap.trace"' "pg_export_snapshot not allowed: pull works, without the helper"
ok 'diff -r "$E2E_TMP/off" "$E2E_TMP/nosnap" >/dev/null' "  and writes the same files"
q "GRANT EXECUTE ON FUNCTION pg_export_snapshot() TO PUBLIC" >/dev/null

# the helper reads the main transaction's snapshot: an index and a constraint committed after
# the main connection took its snapshot, and before the helper started, are not in this pull (as it would
# not be on the main connection). The main connection is held between the two by a lock that
# its relations query needs (pg_get_expr of a partition bound opens the partition).
q "CREATE TABLE events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
   CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" >/dev/null
pg_lock_hold events_2024
rm -rf "$E2E_TMP/snap"
STRAV_INTROSPECT_HELPER=0 STRAV_INTROSPECT_TRACE=1 "$STRAVC" pull --database "$DSN" --schemas "$E2E_TMP/snap" >"$E2E_TMP/snap.out" 2>&1 &
puller=$!
waited=0
pg_lock_waited && waited=1
ok '[ "$waited" = 1 ]' "pull's relations query waits for the lock on the partition"
q "CREATE INDEX docs_late ON docs (body);
   ALTER TABLE other ADD CONSTRAINT other_code_late CHECK (code <> '')" >/dev/null
pg_lock_release
wait "$puller"; RC=$?
ok '[ "$RC" = 0 ] && grep -q "(helper connection)" "$E2E_TMP/snap.out"' "pull finishes once the lock is gone, through the helper"
ok '! grep -rq "docs_late" "$E2E_TMP/snap" && grep -rq "other_expr" "$E2E_TMP/snap"' "  without the index committed after its snapshot was taken"
ok '! grep -rq "other_code_late" "$E2E_TMP/snap" && grep -rq "upper(code)" "$E2E_TMP/snap"' "  nor the constraint"
pull_to "$E2E_TMP/later" STRAV_INTROSPECT_HELPER=0
ok '[ "$RC" = 0 ] && grep -rq "docs_late" "$E2E_TMP/later" && grep -rq "other_code_late" "$E2E_TMP/later"' "the next pull has both"
done_testing
