#!/usr/bin/env bash
# all_kinds.t - one database holding every kind of the types branch at once (domains over a base
# type and over an enum, with checks, defaults and NOT NULL; range, list and hash partitioning,
# default partitions, a sub-partitioned partition, indexes, keys and foreign keys on a
# partitioned parent; exclusion constraints over columns and expressions, partial, deferrable;
# a composite type with a domain attribute, used by a column;
# a column whose type is a domain inside a partitioned table):
# pull -> compile -> `diff --database --strict` is clean, pull warns about nothing, and the
# migration generate writes from the pull rebuilds the same schema in an empty database
# (dumps equal, written by hand DDL, never by Strav).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project allkinds
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=allkinds"
cp "$ROOT/tests/fixtures/sql/types_all_kinds.sql" "$PWD/all.sql"
psql -X -q -v ON_ERROR_STOP=1 -f all.sql >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *warning* ]]' "pull writes every kind without a warning"
ok '[ -f database/schemas/public/positive_amount.domain.strav ] && [ -f database/schemas/public/contact.type.strav ] && grep -q "@@partition_of(invoice, default: true)" database/schemas/public/invoice_rest.strav && grep -q "@@partition_by(hash, id)" database/schemas/public/invoice_2025.strav' "domains get their own files; partitions their bounds"
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "the pulled schemas compile"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 0 ]' "diff --database --strict is clean"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" generate -m adopt
ok '[ "$RC" = 0 ]' "generate writes the adoption migration"
q "CREATE DATABASE allkinds_fresh" >/dev/null
run "$STRAV" migrate --database "host=$PGHOST port=$PGPORT user=postgres dbname=allkinds_fresh"
ok '[ "$RC" = 0 ]' "the migration applies to an empty database"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
norm() { pg_dump --schema-only --no-owner --exclude-table='*._strav_*' -d "$1" |
         grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'; }
norm allkinds >a.dump
norm allkinds_fresh >b.dump
ok 'diff -u a.dump b.dump >d.out' "the rebuilt schema dumps the same as the hand-written one"
[ -s d.out ] && head -40 d.out | sed 's/^/# /'
done_testing
