#!/usr/bin/env bash
# tenant_query.t - a per-tenant domain whose hand-written "tenants" query returns its schemas
# out of order, one twice, and (later) a NULL. The runtime promised name order, once per tenant;
# it used to run them in the query's order, run the duplicate twice (the second waiting for the
# first's lock), and try a NULL as the schema "" ('zero-length delimited identifier'). Now:
# sorted, each once, and a NULL or empty name is refused before any tenant runs.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db tenantq
cd "$WORK" || exit 1
mkdir -p database/schemas/shop
V=database/migrations/shop/1704067200000
mkdir -p $V/t
echo "CREATE TABLE items (i int);" > $V/t/up.sql
echo "DROP TABLE items;" > $V/t/down.sql
manifest() { # SQL-ARRAY-ITEMS
    printf '{"version": "1704067200000", "message": "m", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["t/up.sql"], "down": ["t/down.sql"]}, "domain": "shop", "tenants": {"query": "SELECT unnest(ARRAY[%s]::text[])"}}\n' "$1" > $V/manifest.json
}
psql -qc 'CREATE SCHEMA shop_b; CREATE SCHEMA shop_a'
manifest "'shop_b', 'shop_a', 'shop_b'"
out=$(timeout 60 $STRAV migrate -s shop 2>&1); rc=$?
is "$rc" 0 "migrate"
is "$(grep '^Tenant' <<<"$out" | tr '\n' ' ')" "Tenant shop_a: Tenant shop_b: " "each tenant once, in name order"
is "$(grep -c 'waiting for the migration lock' <<<"$out")" 0 "no run waits for another run of the same tenant"
manifest "'shop_a', NULL"
out=$(timeout 60 $STRAV status -s shop 2>&1); rc=$?
is "$rc" 1 "a NULL schema name: refused"
check "saying so" grep -q 'the tenants query returned NULL as a schema name (row 2)' <<<"$out"
is "$(grep -c '^Tenant' <<<"$out")" 0 "before any tenant runs"
done_testing
