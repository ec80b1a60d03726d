#!/usr/bin/env bash
# not_null_guard.t - a NOT NULL column without a default or @backfill added to an existing
# table: generate warns and writes a guarded ADD; migrate succeeds on an empty table and stops
# with "table t has N rows" (nothing changed) on a populated one. A type change PostgreSQL may not
# convert (bigint -> timestamptz) without @using is a warning at generate.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project guard
schema public item <<'S'
table item {
  id    integer @primary
  label text?
}
S
run "$STRAVC" generate -m init
run "$STRAV" migrate
is "$RC" 0 "first migration applied"
printf 'table item {\n  id    integer @primary\n  label text?\n  sku   text\n}\n' >database/schemas/public/item.strav
run "$STRAVC" generate -m sku
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: column '"'"'item.sku'"'"' is added NOT NULL"* ]]' "generate warns and writes the migration"
q "INSERT INTO item VALUES (1, 'a'), (2, 'b')" >/dev/null
run "$STRAV" migrate
ok '[ "$RC" != 0 ] && [[ "$OUT" == *"table item has 2 rows: column sku: give it a default or @backfill"* ]]' "on a populated table migrate stops with the row count"
is "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'item' AND column_name = 'sku'")" 0 "nothing was changed"
q "DELETE FROM item" >/dev/null
run "$STRAV" migrate
is "$RC" 0 "on the empty table the same migration applies"
is "$(q "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'item' AND column_name = 'sku'")" NO "the column is NOT NULL"
printf 'table item {\n  id    integer @primary\n  label text?\n  sku   text\n  at    bigint?\n}\n' >database/schemas/public/item.strav
gm "at"
printf 'table item {\n  id    integer @primary\n  label text?\n  sku   text\n  at    timestamptz?\n}\n' >database/schemas/public/item.strav
run "$STRAVC" generate -m "at as time" --allow-destructive
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: column '"'"'item.at'"'"' changes type from bigint to timestamptz: PostgreSQL may have no cast for it; give the conversion with @using"* ]]' "a type change without a cast: a warning naming @using"
rm -rf "database/migrations/public/$(latest)"
sed -i "s/^  at    timestamptz?\$/  at    timestamptz? @using('to_timestamp(at)', down: 'extract(epoch FROM at)::bigint')/" database/schemas/public/item.strav
q "INSERT INTO item VALUES (1, 'a', 'x', 86400)" >/dev/null
gm "at as time" --allow-destructive
ok '[ "$RC" = 0 ] && [ "$(q "SELECT at AT TIME ZONE '"'"'UTC'"'"' FROM item")" = "1970-01-02 00:00:00" ]' "with @using the data is converted by the author's expression"
run "$STRAV" rollback
ok '[ "$RC" = 0 ] && [ "$(q "SELECT at FROM item")" = 86400 ]' "and the down converts back with down:"
done_testing
