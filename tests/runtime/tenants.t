#!/usr/bin/env bash
# tenants.t - a per-tenant domain (manifest "tenants": {"pattern": "shop\_%"}) is applied to every
# matching schema, each with its own tracking table and result; one tenant's failure leaves that
# tenant unchanged and does not stop the others; status and rollback are per tenant too.
# --jobs N runs tenants N at a time in worker processes: output stays in tenant-name order and
# identical to --jobs 1, a blocked tenant does not hold the others back, failures stay isolated.
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

# ---- --jobs: bounded parallelism (state here: every tenant has version 1, version 2 pending)
psql -qc 'CREATE SCHEMA shop_d' -c 'CREATE SCHEMA shop_e'
# hold shop_a's orders table for 3 s: with workers, the other tenants finish meanwhile
psql -qc 'BEGIN' -c 'LOCK TABLE shop_a.orders IN ACCESS EXCLUSIVE MODE' -c 'SELECT pg_sleep(3)' -c 'COMMIT' >/dev/null &
locker=$!
sleep 0.5
out=$($STRAV migrate -s shop --jobs 4 2>&1); rc=$?
wait $locker
is "$rc" 0 "migrate --jobs 4 succeeds"
is "$(grep '^Tenant' <<<"$out" | tr '\n' ' ')" "Tenant shop_a: Tenant shop_b: Tenant shop_c: Tenant shop_d: Tenant shop_e: " "results are printed in tenant-name order"
check "each tenant's lines follow its header" bash -c "grep -A3 'Tenant shop_d:' <<<'$out' | grep -q 'Applied 2 migration(s) in batch 1:'"
lag=$(psql -Atc "select extract(epoch from (select executed_at from shop_a._strav_shop_migrations where version='1730000000002') - (select executed_at from shop_b._strav_shop_migrations where version='1730000000002')) >= 1.5")
is "$lag" t "tenants run concurrently: shop_b finished while shop_a waited for its lock"
is "$($STRAV status -s shop --jobs 4)" "$($STRAV status -s shop --jobs 1)" "status output is the same with --jobs 4 and --jobs 1"
is "$($STRAV status -s shop --json | jq -r '[.tenants[].schema] | join(" ")')" "shop_a shop_b shop_c shop_d shop_e" "--json: tenants in name order"
# failure isolation with workers: shop_f cannot take the first version
psql -qc 'CREATE SCHEMA shop_f' -c 'CREATE TABLE shop_f.orders (id int)'
out=$($STRAV migrate -s shop -j 3 2>&1); rc=$?
is "$rc" 1 "a failing tenant among workers: exit 1"
check "its error is reported" grep -q 'Error: Migration 1730000000001 failed: relation "orders" already exists' <<<"$out"
check "the run says one tenant failed" grep -q '^Error: 1 of the domain.s tenant schemas failed' <<<"$out"
is "$(psql -Atc 'select count(*) from shop_f._strav_shop_migrations' 2>/dev/null || echo none)" "none" "the failed tenant is unchanged (no tracking table)"
js=$($STRAV status -s shop --json)
is "$(jq -r '[.tenants[] | .schema + "=" + ([.migrations[].state] | join(","))] | join(" ")' <<<"$js")" "shop_a=applied,applied shop_b=applied,applied shop_c=applied,applied shop_d=applied,applied shop_e=applied,applied shop_f=pending,pending" "the others are fully applied"
$STRAV migrate -s shop --jobs 0 >/dev/null 2>&1
is "$?" 2 "--jobs 0 is a usage error"
done_testing
