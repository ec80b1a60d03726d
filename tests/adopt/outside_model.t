#!/usr/bin/env bash
# outside_model.t - what the model cannot hold (an aggregate; views and functions are in the
# model since issue 14) never makes baseline, drift or status fail with an error: each names
# every object in a warning, drift says "in sync" only with that caveat, and --strict makes them
# drift (exit 3), makes baseline refuse (exit 1, nothing recorded) and makes status exit 1. A
# standalone sequence used by a nextval default is held by the model (@@sequence): pull writes
# it and does not warn about it.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project outside
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=outside"
q "
CREATE SEQUENCE order_numbers START 1000;
CREATE TABLE orders (id serial PRIMARY KEY, number integer NOT NULL DEFAULT nextval('order_numbers'));
CREATE AGGREGATE big_sum(integer) (sfunc = int4pl, stype = integer);
" >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *"sequence order_numbers"* ]] && [[ "$OUT" == *"big_sum"* ]] && grep -q "@@sequence(order_numbers, start: 1000)" database/schemas/public/_domain.strav' "pull writes the sequence and names the aggregate"
run "$STRAVC" generate -m adopt
v=$(ls database/migrations/public | grep -E '^[0-9]+$' | head -1)
run "$STRAV" migration:baseline --database "$DSN" --version "$v" --strict
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"--strict: nothing was recorded"* ]] && [ -z "$(q "SELECT to_regclass('"'"'_strav_migrations'"'"')")" ]' "baseline --strict refuses and records nothing"
run "$STRAV" migration:baseline --database "$DSN" --version "$v"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"big_sum"* ]] && [[ "$OUT" == *"Baselined"* ]]' "baseline accepts the database (no error from the nextval default) and warns"
run "$STRAVC" diff --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"big_sum"* ]] && [[ "$OUT" == *"1 object(s) or detail(s) in the database are outside the model"* ]]' "drift: in sync with the model, and says what is outside it"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 3 ]' "drift --strict: objects outside the model are drift (exit 3)"
run "$STRAV" db:drift --database "$DSN" --strict --snapshot
ok '[ "$RC" = 3 ]' "strav db:drift --snapshot --strict: exit 3 too"
run "$STRAV" migration:status --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"big_sum"* ]] && [[ "$OUT" == *"1 object(s) or detail(s) in the database are outside the model"* ]]' "status names what is outside the model, exit 0"
run "$STRAV" migration:status --database "$DSN" --strict
ok '[ "$RC" = 1 ]' "status --strict: objects outside the model make it exit 1"
run "$STRAV" migration:status --database "$DSN" --json --strict
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"outsideModel"* ]] && [[ "$OUT" == *"big_sum"* ]]' "status --json lists them under drift.outsideModel"
q "DROP AGGREGATE big_sum(integer);" >/dev/null
run "$STRAV" migration:status --database "$DSN" --strict
ok '[ "$RC" = 0 ] && [[ "$OUT" != *"outside the model"* ]]' "status --strict: exit 0 once nothing is outside the model"
done_testing
