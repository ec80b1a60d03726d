#!/usr/bin/env bash
# outside_model.t - what the model cannot hold (a standalone sequence used by a nextval default,
# an aggregate; views are in the model since issue 14) never makes baseline or drift fail with an error: both name each object in a warning,
# drift says "in sync" only with that caveat, and --strict makes them drift (exit 3) and makes
# baseline refuse (exit 1, nothing recorded).
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
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"sequence order_numbers"* ]] && [[ "$OUT" == *"big_sum"* ]]' "pull names the sequence and the aggregate"
run "$STRAVC" generate -m adopt
v=$(ls database/migrations/public | grep -E '^[0-9]+$' | head -1)
run "$STRAV" migration:baseline --database "$DSN" --version "$v" --strict
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"--strict: nothing was recorded"* ]] && [ -z "$(q "SELECT to_regclass('"'"'_strav_migrations'"'"')")" ]' "baseline --strict refuses and records nothing"
run "$STRAV" migration:baseline --database "$DSN" --version "$v"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"warning: sequence order_numbers"* ]] && [[ "$OUT" == *"Baselined"* ]]' "baseline accepts the database (no error from the nextval default) and warns"
run "$STRAVC" diff --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"big_sum"* ]] && [[ "$OUT" == *"2 object(s) or detail(s) in the database are outside the model"* ]]' "drift: in sync with the model, and says what is outside it"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 3 ]' "drift --strict: objects outside the model are drift (exit 3)"
run "$STRAV" db:drift --database "$DSN" --strict --snapshot
ok '[ "$RC" = 3 ]' "strav db:drift --snapshot --strict: exit 3 too"
done_testing
