#!/usr/bin/env bash
# outside_deps.t - objects the model cannot hold (a view, a trigger) are recorded by pull with
# what they depend on (@@depends in _domain.strav), and generate refuses a change that would
# break them (a column the view reads changes type or is dropped, the table the trigger is on is
# dropped), naming the object; a change they do not depend on is generated as usual.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project outside_deps
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=outside_deps"
q "
CREATE TABLE orders (id integer PRIMARY KEY, number integer NOT NULL, note text);
CREATE TABLE audit (id integer PRIMARY KEY, at timestamptz);
CREATE VIEW big_orders AS SELECT id, number FROM orders WHERE number > 2000;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER audit_touch BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION touch();
" >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && grep -q "@@depends(.view big_orders., on: orders.id orders.number)" database/schemas/public/_domain.strav && grep -q "@@depends(.trigger audit_touch on audit., on: audit)" database/schemas/public/_domain.strav' "pull records the view's columns and the trigger's table"
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
