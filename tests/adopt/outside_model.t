#!/usr/bin/env bash
# outside_model.t - what the model cannot hold (a view, a function) never makes baseline, drift
# or status fail with an error: each names every object in a warning, drift says "in sync" only
# with that caveat, and --strict makes them drift (exit 3), makes baseline refuse (exit 1,
# nothing recorded) and makes status exit 1. A standalone sequence used by a nextval default is
# held by the model (@@sequence): pull writes it and warns about nothing else.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project outside
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=outside"
q "
CREATE SEQUENCE order_numbers START 1000;
CREATE TABLE orders (id serial PRIMARY KEY, number integer NOT NULL DEFAULT nextval('order_numbers'));
CREATE VIEW big_orders AS SELECT * FROM orders WHERE number > 2000;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
" >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *"sequence order_numbers"* ]] && [[ "$OUT" == *"big_orders"* ]] && [[ "$OUT" == *"order_count"* ]] && grep -q "@@sequence(order_numbers, start: 1000)" database/schemas/public/_domain.strav' "pull writes the sequence and names the view and the function"
run "$STRAVC" generate -m adopt
v=$(ls database/migrations/public | grep -E '^[0-9]+$' | head -1)
run "$STRAV" migration:baseline --database "$DSN" --version "$v" --strict
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"--strict: nothing was recorded"* ]] && [ -z "$(q "SELECT to_regclass('"'"'_strav_migrations'"'"')")" ]' "baseline --strict refuses and records nothing"
run "$STRAV" migration:baseline --database "$DSN" --version "$v"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: view big_orders"* ]] && [[ "$OUT" == *"order_count"* ]] && [[ "$OUT" == *"Baselined"* ]]' "baseline accepts the database (no error from the nextval default) and warns"
run "$STRAVC" diff --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: view big_orders"* || "$OUT" == *"big_orders"* ]] && [[ "$OUT" == *"2 object(s) or detail(s) in the database are outside the model"* ]]' "drift: in sync with the model, and says what is outside it"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 3 ]' "drift --strict: objects outside the model are drift (exit 3)"
run "$STRAV" db:drift --database "$DSN" --strict --snapshot
ok '[ "$RC" = 3 ]' "strav db:drift --snapshot --strict: exit 3 too"
run "$STRAV" migration:status --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: view big_orders"* ]] && [[ "$OUT" == *"order_count"* ]] && [[ "$OUT" == *"2 object(s) or detail(s) in the database are outside the model"* ]]' "status names what is outside the model, exit 0"
run "$STRAV" migration:status --database "$DSN" --strict
ok '[ "$RC" = 1 ]' "status --strict: objects outside the model make it exit 1"
run "$STRAV" migration:status --database "$DSN" --json --strict
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"outsideModel"* ]] && [[ "$OUT" == *"big_orders"* ]]' "status --json lists them under drift.outsideModel"
q "DROP VIEW big_orders; DROP FUNCTION order_count();" >/dev/null
run "$STRAV" migration:status --database "$DSN" --strict
ok '[ "$RC" = 0 ] && [[ "$OUT" != *"outside the model"* ]]' "status --strict: exit 0 once nothing is outside the model"
done_testing
