#!/usr/bin/env bash
# every_kind.t - one database holding every kind of object Strav holds at once, in hand-written
# DDL: tables with serial keys and foreign keys, an enum, SQL domains (over a base type and over
# the enum) used by columns and by a composite type, range, list and hash partitioning with a
# sub-partitioned partition and default partitions, exclusion constraints, an extension,
# functions and a procedure, views on views, a materialized view with an index, triggers on a
# table and on a view, row level security with FORCE and policies (the setups of
# tests/types/all_kinds.t and tests/objects/all_kinds.t in one schema). pull writes it without a
# warning, the files compile, `stravc diff --database --strict` is clean, and the migration
# generate writes from the pull rebuilds the same schema in an empty database (dumps equal).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project everykind
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=everykind"
cat "$ROOT/tests/fixtures/sql/types_all_kinds.sql" "$ROOT/tests/fixtures/sql/objects_all_kinds.sql" >"$PWD/all.sql"
psql -X -q -v ON_ERROR_STOP=1 -f all.sql >/dev/null
ok '[ $? = 0 ]' "the database with every kind loads"
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *warning* ]]' "pull writes every kind without a warning"
[[ "$OUT" != *warning* ]] || echo "$OUT" | grep warning | sed 's/^/# /'
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "the pulled schemas compile"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 0 ]' "diff --database --strict is clean"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" generate -m adopt
ok '[ "$RC" = 0 ]' "generate writes the adoption migration"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
q "CREATE DATABASE everykind_fresh" >/dev/null
run "$STRAV" migrate --database "host=$PGHOST port=$PGPORT user=postgres dbname=everykind_fresh"
ok '[ "$RC" = 0 ]' "the migration applies to an empty database"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
norm() { pg_dump --schema-only --no-owner --exclude-table='*._strav_*' -d "$1" |
         grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'; }
norm everykind >a.dump
norm everykind_fresh >b.dump
ok 'diff -u a.dump b.dump >d.out' "the rebuilt schema dumps the same as the hand-written one"
[ -s d.out ] && head -40 d.out | sed 's/^/# /'
done_testing
