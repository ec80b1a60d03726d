#!/usr/bin/env bash
# tenants.t - a per-tenant domain (manifest "tenants": {"pattern": "shop\_%"}) is applied to every
# matching schema, each with its own tracking table and result; one tenant's failure leaves that
# tenant unchanged and does not stop the others; status and rollback are per tenant too.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project tenants
rt_db tenants
cd "$WORK" || exit 1
psql -qc 'CREATE SCHEMA shop_a' -c 'CREATE SCHEMA shop_b' -c 'CREATE SCHEMA shop_c' -c 'CREATE SCHEMA shopx'
# shop_c already has an incompatible orders table: its batch must fail and roll back
psql -qc 'CREATE TABLE shop_c.orders (id int)'
before_c=$(pg_dump --schema-only --no-owner -n shop_c tenants | grep -v '^\\\(un\)\?restrict ')
out=$($STRAV migrate -s shop 2>&1); rc=$?
is "$rc" 1 "a failing tenant makes the run exit 1"
check "shop_a applied both versions" grep -qx 'Tenant shop_a:' <<<"$out"
is "$(psql -Atc 'select count(*) from shop_a._strav_shop_migrations') $(psql -Atc 'select count(*) from shop_b._strav_shop_migrations')" "2 2" "shop_a and shop_b each have their own tracking rows"
is "$(psql -Atc "select count(*) from information_schema.columns where table_schema in ('shop_a','shop_b') and table_name='orders' and column_name='note'")" 2 "both got the second version"
check "the failure names the tenant's migration" grep -q 'Error: Migration 1730000000001 failed: relation "orders" already exists' <<<"$out"
is "$(pg_dump --schema-only --no-owner -n shop_c tenants | grep -v '^\\\(un\)\?restrict ')" "$before_c" "the failing tenant is unchanged"
is "$(psql -Atc "select count(*) from pg_namespace where nspname='shopx'") $(psql -Atc "select count(*) from pg_tables where schemaname='shopx'")" "1 0" "a schema that does not match the pattern is left alone"
psql -qc 'DROP TABLE shop_c.orders'
out=$($STRAV migrate -s shop 2>&1); rc=$?
is "$rc" 0 "after the fix the run succeeds"
check "the finished tenants have nothing to do" bash -c "grep -A2 'Tenant shop_a:' <<<'$out' | grep -q 'Nothing to migrate'"
check "shop_c is migrated now" bash -c "grep -A4 'Tenant shop_c:' <<<'$out' | grep -q 'Applied 2 migration(s) in batch 1:'"
js=$($STRAV status -s shop --json); rc=$?
is "$(jq -r '[.tenants[] | .schema + "=" + ([.migrations[].state] | join(","))] | join(" ")' <<<"$js")" "shop_a=applied,applied shop_b=applied,applied shop_c=applied,applied" "status --json per tenant"
out=$($STRAV rollback -s shop --step 1 2>&1); rc=$?
is "$rc" 0 "rollback --step 1 per tenant"
is "$(psql -Atc "select count(*) from information_schema.columns where table_name='orders' and column_name='note'")" 0 "the second version was reverted in every tenant"
done_testing
