#!/usr/bin/env bash
# outside_deps.t - objects outside the project (a report view another team owns, an audit
# trigger installed by an extension) are declared with what they depend on (@@depends in the
# domain block, written by hand: views, triggers and policies that pull can read are in the
# model since issue 14), and generate refuses a change that would break them (a column the
# view reads changes type or is dropped, the table the trigger is on is dropped), naming the
# object; a change they do not depend on is generated as usual.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project outside_deps
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=outside_deps"
q "
CREATE TABLE orders (id integer PRIMARY KEY, number integer NOT NULL, note text);
CREATE TABLE audit (id integer PRIMARY KEY, at timestamptz);
" >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ]' "pull reads the tables"
cat >>database/schemas/public/_domain.strav <<'EOF'
domain {
  @@depends('view big_orders', on: orders.id orders.number)
  @@depends('trigger audit_touch on audit', on: audit)
}
EOF
run "$STRAVC" fmt --check database/schemas
ok '[ "$RC" = 0 ]' "the domain block pull wrote is in canonical form"
run "$STRAVC" generate -m adopt
ok '[ "$RC" = 0 ]' "the adopting migration is generated"
v=$(ls database/migrations/public | grep -E '^[0-9]+$' | head -1)
run "$STRAV" migration:baseline --database "$DSN" --version "$v"
ok '[ "$RC" = 0 ]' "baseline accepts it"
sed -i 's/^  number integer/  number bigint/' database/schemas/public/orders.strav
run "$STRAVC" generate -m widen
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"column '"'"'orders.number'"'"' changes type, but view big_orders (outside the model) depends on it"* ]]' "a type change of a column the view reads is refused, naming the view"
sed -i 's/^  number bigint/  number integer/; /^  note /d' database/schemas/public/orders.strav
run "$STRAVC" generate -m drop_note --allow-destructive
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"Migration generated"* ]]' "dropping a column the view does not read is generated"
rm database/schemas/public/audit.strav
run "$STRAVC" generate -m drop_audit --allow-destructive
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"table '"'"'audit'"'"' is dropped, but trigger audit_touch on audit"* ]]' "dropping the table the trigger is on is refused"
done_testing
