#!/usr/bin/env bash
# notnull_pg.t - on a real server, the data-dependent findings are real: the SET NOT NULL that
# lint flags (SL201, with the .strav line) is generated without complaint and fails when
# applied to a table holding a NULL; after the NULL is fixed, the same migration applies. The
# same for SL203 (a new UNIQUE over duplicate values).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

project lint_nn
schema public product <<'S'
entity product {
  name  string
  price decimal(10, 2)?
  sku   string
}
S
gm "Initial"
ok '[ "$RC" = 0 ]' "initial schema applied"
q "insert into product(name, price, sku) values ('a', 1.5, 'x'), ('b', NULL, 'x')" >/dev/null

schema public product <<'S'
entity product {
  name  string
  price decimal(10, 2)
  sku   string @unique
}
S
run "$STRAVC" lint --json
is "$(jq -r '.findings[] | select(.code == "SL201" or .code == "SL203") | "\(.code) \(.file):\(.line) \(.category)"' <<<"$OUT" | sort)" \
"SL201 database/schemas/public/product.strav:3 data-dependent
SL203 database/schemas/public/product.strav:4 data-dependent" "lint flags SET NOT NULL and the new UNIQUE, with the .strav lines"
gen "Require price"
ok '[ "$RC" = 0 ]' "generate writes the migration (the findings are warnings)"
ok 'grep -q "warning SL201" <<<"$OUT"' "generate prints the SL201 finding"
run "$STRAV" migrate
ok '[ "$RC" != 0 ]' "migrate fails on the populated table, as SL201 said"
ok 'grep -qi "null" <<<"$OUT"' "the failure names the NULL: $(grep -i null <<<"$OUT" | head -1)"
is "$(q "select is_nullable from information_schema.columns where table_name='product' and column_name='price'")" YES "price is still nullable"
q "update product set price = 0 where price is null" >/dev/null
run "$STRAV" migrate
ok '[ "$RC" != 0 ] && grep -qi "unique\|duplicate" <<<"$OUT"' "then the UNIQUE over duplicates fails, as SL203 said"
q "update product set sku = 'y' where name = 'b'" >/dev/null
run "$STRAV" migrate
ok '[ "$RC" = 0 ]' "with the data fixed the same migration applies"
is "$(q "select is_nullable from information_schema.columns where table_name='product' and column_name='price'")" NO "price is NOT NULL"
done_testing
