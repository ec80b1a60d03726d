#!/usr/bin/env bash
# adopt.t - adopting a hand-built database: psql DDL -> strav db:pull -> stravc check passes ->
# stravc diff --database in sync -> generate the first migration -> migration:baseline records it
# without running it -> migrate has nothing to do; a later hand change is reported as drift (3).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project adopt
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=adopt"
q "
CREATE TYPE order_status AS ENUM ('new', 'paid', 'it''s shipped');
CREATE TABLE customer (
  id serial PRIMARY KEY,
  email varchar(255) NOT NULL,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_customer_email UNIQUE (email)
);
CREATE TABLE \"order\" (
  id bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  status order_status NOT NULL DEFAULT 'new',
  total numeric(10,2) NOT NULL DEFAULT 0,
  note text DEFAULT 'n/a',
  placed_on date
);
CREATE INDEX idx_order_customer_id ON \"order\" (customer_id);
CREATE INDEX order_total_paid ON \"order\" (total) WHERE status = 'paid';
INSERT INTO customer(email) VALUES ('a@b.c');
" >/dev/null
run "$STRAV" db:pull
ok '[ "$RC" = 0 ] && ls database/schemas/public/*.strav >/dev/null' "strav db:pull writes .strav files (PG* connection)"
ls database/schemas/public/*.strav | sed 's/^/# pulled: /'
run "$STRAVC" check
is "$RC:$OUT" "0:ok: 1 domain, 2 tables, 1 enum" "stravc check passes on the pulled files"
run "$STRAVC" fmt --check
is "$RC" "0" "stravc fmt --check: pulled files are in canonical form"
run "$STRAVC" diff --database "$DSN"
is "$RC:$OUT" "0:No drift: the database matches the schema files" "stravc diff --database: in sync after pull"
run "$STRAV" db:drift --database "$DSN"
is "$RC" "0" "strav db:drift: in sync"

gen "Baseline"; v=$(latest)
ok '[ "$RC" = 0 ] && [ -n "$v" ]' "generate the first migration from the pulled files"
run "$STRAV" migration:baseline --version "$v"
ok '[ "$RC" = 0 ] && [ "$(q "select version from _strav_migrations")" = "$v" ]' "migration:baseline records the version"
run "$STRAV" migrate
ok '[[ "$OUT" == *"Nothing to migrate"* ]] && [ "$(q "select count(*) from customer")" = 1 ]' "migrate afterwards: nothing to migrate, data intact"
run "$STRAV" db:drift --snapshot
is "$RC" "0" "strav db:drift --snapshot: the database matches the baselined snapshot"

# a hand change in the database is drift
q "ALTER TABLE customer ADD COLUMN phone text" >/dev/null
run "$STRAVC" diff --database "$DSN"
ok '[ "$RC" = 3 ] && [[ "$OUT" == *phone* ]]' "after a hand ALTER, stravc diff --database reports drift naming the column (exit 3)"
run "$STRAV" db:drift
ok '[ "$RC" = 3 ]' "strav db:drift exit 3"
# the schema catches up: add the field, generate, baseline is not needed, migrate... the column exists
q "ALTER TABLE customer DROP COLUMN phone" >/dev/null
run "$STRAVC" diff --database "$DSN"
is "$RC" "0" "hand change reverted: in sync again"

# a second change through the normal workflow on the adopted database

sed -i 's/^}$/  phone text?\n}/' "$(grep -l '^[a-z]* customer ' database/schemas/public/*.strav)"
gm "Add phone"
ok '[ "$RC" = 0 ] && [ "$(col customer phone)" = "text|YES|" ]' "generate + migrate a change on the adopted database"
run "$STRAVC" diff --database "$DSN"
is "$RC" "0" "in sync after the change"

# baseline refuses a database that does not match the version
DSN2=$(pg_newdb adopt2)
psql -X -q -d adopt2 -c "CREATE TABLE customer (id serial PRIMARY KEY, email varchar(255) NOT NULL)" >/dev/null
run "$STRAV" migration:baseline --database "$DSN2" --version "$v"
ok '[ "$RC" = 1 ] && [ -z "$(psql -X -Atq -d adopt2 -c "select to_regclass('"'"'_strav_migrations'"'"')")" ]' "migration:baseline on a database that differs: exit 1, nothing recorded"
done_testing
