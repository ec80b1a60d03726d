#!/usr/bin/env bash
# fresh_outside.t - `fresh` refuses to drop a domain that objects of other schemas depend on
# (docs/runtime.md, "fresh"): not only a foreign key into it, but a view over one of its tables,
# a column or SQL domain of one of its types, a function taking one, a default or a check calling
# one of its functions. Each dependent is created by hand in
# another schema, the way a colleague or another tool would; fresh names it, exits 1 and
# changes nothing; with the dependent gone, fresh runs. An object of the domain's own schema
# that uses another of its objects is no obstacle, and public is checked the same way.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/crm database/schemas/public
C=database/migrations/crm/1704067200000
mkdir -p $C/enums $C/tables/customers $C/tables/notes
cat > $C/enums/up.sql <<'SQL'
CREATE TYPE crm.tier AS ENUM ('free', 'paid');
CREATE FUNCTION crm.next_code() RETURNS int LANGUAGE sql AS 'SELECT 42';
SQL
echo 'DROP FUNCTION crm.next_code(); DROP TYPE crm.tier;' > $C/enums/down.sql
echo 'CREATE TABLE crm.customers (id serial PRIMARY KEY, name text NOT NULL, tier crm.tier);' > $C/tables/customers/up.sql
echo 'DROP TABLE crm.customers;' > $C/tables/customers/down.sql
# inside the domain: a view and a foreign key of its own are no obstacle
echo 'CREATE TABLE crm.notes (id int REFERENCES crm.customers (id), body text); CREATE VIEW crm.named AS SELECT name FROM crm.customers;' > $C/tables/notes/up.sql
echo 'DROP VIEW crm.named; DROP TABLE crm.notes;' > $C/tables/notes/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $C crm "crm"
rt_db fresh_outside
out=$("$STRAV" migrate -s crm 2>&1); rc=$?
is "$rc" 0 "crm migrates"
psql -qc "insert into crm.customers (name) values ('kept')"
out=$("$STRAV" fresh -s crm --force 2>&1); rc=$?
is "$rc" 0 "fresh runs while only the domain's own objects use each other"
psql -qc "create schema billing; insert into crm.customers (name) values ('kept')"

# DEPENDENT-DDL | WHAT THE LIST NAMES | DDL THAT REMOVES IT
cases='create view billing.v as select name from crm.customers|view billing.v|drop view billing.v
create table billing.a (t crm.tier)|column t of table billing.a|drop table billing.a
create domain billing.d as crm.tier|type billing.d|drop domain billing.d
create function billing.f(crm.tier) returns int language sql as $$select 1$$|function billing.f(crm.tier)|drop function billing.f(crm.tier)
create table billing.b (n int default crm.next_code())|default value for column n of table billing.b|drop table billing.b
create table billing.c (id int references crm.customers (id))|constraint c_id_fkey on table billing.c|drop table billing.c
create table billing.e (n int check (n <> crm.next_code()))|constraint e_n_check on table billing.e|drop table billing.e'
while IFS='|' read -r ddl names undo; do
    psql -q -v ON_ERROR_STOP=1 -c "$ddl" || echo "Bail out! cannot run: $ddl"
    before=$(rt_snapshot _strav_crm_migrations)
    out=$("$STRAV" fresh -s crm --force 2>&1); rc=$?
    is "$rc" 1 "fresh refuses: ${ddl%% as *}"
    check "  saying why" grep -q 'fresh would drop objects that other domains reference' <<<"$out"
    check "  naming $names" grep -qF "  $names (uses " <<<"$out"
    is "$(rt_snapshot _strav_crm_migrations)" "$before" "  and changes nothing"
    psql -q -v ON_ERROR_STOP=1 -c "$undo"
done <<<"$cases"
out=$("$STRAV" fresh -s crm --force 2>&1); rc=$?
is "$rc" 0 "with the dependents gone, fresh runs"
is "$(psql -Atc 'select count(*) from crm.customers')" 0 "  and re-created the domain's tables"

# public is checked the same way: a view of another schema over a public table
P=database/migrations/public/1704067200000
mkdir -p $P/tables/items
echo 'CREATE TABLE items (id int PRIMARY KEY);' > $P/tables/items/up.sql
echo 'DROP TABLE items;' > $P/tables/items/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $P public "items"
"$STRAV" migrate >/dev/null 2>&1
psql -qc 'create view billing.items_v as select id from public.items'
out=$("$STRAV" fresh --force 2>&1); rc=$?
is "$rc" 1 "fresh of public refuses while a view of another schema reads one of its tables"
check "  naming the view" grep -qF "  view billing.items_v (uses " <<<"$out"
is "$(psql -Atc "select count(*) from pg_views where viewname = 'items_v'")" 1 "  the view survived"
out=$("$STRAV" fresh --force --json 2>/dev/null); rc=$?
is "$rc $(jq -r .ok <<<"$out")" "1 false" "  --json: ok false, exit 1"
done_testing
