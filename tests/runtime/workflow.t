#!/usr/bin/env bash
# workflow.t - the seed's workflows end to end with the seed's output: basic migrate, nothing to
# migrate, status, multi-domain (public + tenant + factory, tracking table per domain, schema per
# domain), rollback scenario, --batch guard, invalid domain text, --json, exit codes, aliases.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project basic
rt_db workflow
cd "$WORK" || exit 1

out=$($STRAV migrate 2>&1); rc=$?
is "$out" "Running pending migrations...

Applied 3 migration(s) in batch 1:
  - 1704067200000
  - 1704153600000
  - 1704240000000" "migrate prints the seed's lines"
is "$rc" 0 "migrate exits 0"
is "$(psql -Atc 'select version || chr(32) || batch from _strav_migrations order by id')" \
"1704067200000 1
1704153600000 1
1704240000000 1" "public tracking table _strav_migrations holds every version in batch 1"
is "$(psql -Atc "select count(*) from information_schema.tables where table_schema='public' and table_name in ('users','profiles')")" 2 "tables created in public"

out=$($STRAV migration:run -s public 2>&1); rc=$?
is "$out" "Running pending migrations...
Nothing to migrate. All migrations are up to date." "second migrate (alias migration:run) has nothing to do"
is "$(psql -Atc 'select count(*) from _strav_migrations')" 3 "no row added"

out=$($STRAV migrate --scope invalid_domain 2>&1); rc=$?
is "$out" "Error: Invalid domain: invalid_domain. Available domains: public, factory, tenant" "invalid domain: the seed's text, public first then sorted"
is "$rc" 1 "invalid domain exits 1"
out=$($STRAV generate:migration --scope invalid_domain 2>&1); rc=$?
is "$out" "Error: Invalid domain: invalid_domain. Available domains: public, factory, tenant" "generate:migration checks the domain the same way"

out=$($STRAV migrate -s tenant 2>&1); rc=$?
is "$out" "Running pending migrations...

Applied 1 migration(s) in batch 1:
  - 1704326400000" "tenant domain migrates on its own"
is "$(psql -Atc 'select version from tenant._strav_tenant_migrations')" 1704326400000 "tenant tracking table lives in the tenant schema"
is "$(psql -Atc "select table_schema from information_schema.tables where table_name='settings'")" tenant "tenant objects live in schema tenant"
is "$(psql -Atc 'select count(*) from _strav_migrations')" 3 "public tracking table untouched by the tenant domain"
$STRAV migrate -s factory >/dev/null 2>&1
is "$(psql -Atc 'select count(*) from factory._strav_factory_migrations')" 1 "factory domain: _strav_factory_migrations"

out=$($STRAV migration:status -s tenant 2>&1); rc=$?
check "status lists the tenant version as applied with its message" grep -q '^  1704326400000 *applied *1 .*Add tenant settings$' <<<"$out"
is "$rc" 0 "status exits 0 when everything is in order"
js=$($STRAV status --json)
is "$(jq -r '[.migrations[] | .state] | join(",")' <<<"$js")" "applied,applied,applied" "status --json states"
is "$(jq -r '.migrations[0].message' <<<"$js")" "Create users" "status --json carries the message"

# rollback scenario: roll back the last batch, add a migration, migrate again
# (the tenant domain has a foreign key into public.users: take it away first, as an operator would)
out=$($STRAV rollback -s tenant 2>&1)
is "$out" "Rolling back batch 1...

Rolled back 1 migration(s) from batch 1:
  - 1704326400000
Dropped schema tenant: nothing of domain tenant is left in it" "tenant rollback (the domain's last migration: its own schema goes too, docs/runtime.md)"
is "$(psql -Atc "select count(*) from pg_namespace where nspname = 'tenant'")" 0 "the tenant schema is gone"
out=$($STRAV rollback 2>&1); rc=$?
is "$out" "Rolling back batch 1...

Rolled back 3 migration(s) from batch 1:
  - 1704240000000
  - 1704153600000
  - 1704067200000" "rollback prints the seed's lines, newest first"
is "$rc" 0 "rollback exits 0"
is "$(psql -Atc "select count(*) from information_schema.tables where table_schema='public' and table_name in ('users','profiles')")" 0 "rollback ran executionOrder.down"
is "$(psql -Atc 'select count(*) from _strav_migrations')" 0 "rollback removed the tracking rows"
out=$($STRAV migration:rollback 2>&1)
is "$out" "Rolling back last batch...
Nothing to rollback." "rollback with nothing applied"

# two batches, then the --batch guard
mv database/migrations/public/1704240000000 "$WORK/later"
$STRAV migrate >/dev/null 2>&1
mv "$WORK/later" database/migrations/public/1704240000000
out=$($STRAV migrate 2>&1)
is "$out" "Running pending migrations...

Applied 1 migration(s) in batch 2:
  - 1704240000000" "the next batch is last + 1"
out=$($STRAV rollback --batch 1 2>&1); rc=$?
check "rollback --batch of an older batch is refused without --force" grep -q "batch 1 is not the latest batch (2)" <<<"$out"
is "$rc" 1 "refused rollback exits 1"
is "$(psql -Atc 'select count(*) from _strav_migrations')" 3 "refused rollback changed nothing"
out=$($STRAV rollback --step 1 2>&1)
is "$out" "Rolling back last 1 migration(s)...

Rolled back 1 migration(s):
  - 1704240000000" "rollback --step 1"
out=$($STRAV rollback --batch 1 2>&1)
is "$out" "Rolling back batch 1...

Rolled back 2 migration(s) from batch 1:
  - 1704153600000
  - 1704067200000" "rollback --batch 1 once it is the latest"

# out-of-order: an older pending version is refused unless allowed
$STRAV migrate >/dev/null 2>&1
$STRAV rollback --step 3 >/dev/null 2>&1
$STRAV migrate >/dev/null 2>&1
psql -qc "delete from _strav_migrations where version = '1704153600000'" \
         -c 'alter table profiles drop constraint profiles_user_id_fkey' -c 'drop table profiles'
out=$($STRAV migrate 2>&1); rc=$?
check "a pending version older than the newest applied is refused" grep -q "older than the newest applied one" <<<"$out"
is "$rc" 1 "out-of-order migrate exits 1"
out=$($STRAV migrate --allow-out-of-order 2>&1); rc=$?
is "$rc" 0 "--allow-out-of-order applies it"

# usage errors exit 2; --help exits 0
$STRAV rollback --batch x >/dev/null 2>&1; is "$?" 2 "bad --batch value is a usage error (2)"
$STRAV migrate --bogus >/dev/null 2>&1; is "$?" 2 "unknown option is a usage error (2)"
$STRAV frobnicate >/dev/null 2>&1; is "$?" 2 "unknown command is a usage error (2)"
$STRAV --help >/dev/null 2>&1; is "$?" 0 "--help exits 0"
check "--help lists every seed command and alias" bash -c "$STRAV --help | grep -q 'g:migration' && $STRAV --help | grep -q 'migration:fresh'"

# --json on migrate/rollback
js=$($STRAV rollback --json -s factory)
is "$(jq -r '.rolledBack | join(",")' <<<"$js") $(jq -r .ok <<<"$js")" "1704412800000 true" "rollback --json"
js=$($STRAV migrate --json -s factory)
is "$(jq -r '(.applied | join(",")), .batch' <<<"$js" | tr '\n' ' ')" "1704412800000 1 " "migrate --json"

# fresh: refused off a terminal without --force; with --force drops only the domain's objects
out=$($STRAV migration:fresh -s factory </dev/null 2>&1); rc=$?
check "fresh without --force off a terminal is refused" grep -q "needs --force" <<<"$out"
is "$rc" 1 "refused fresh exits 1"
psql -qc 'insert into factory.jobs(name) values ($$x$$)'
out=$($STRAV fresh -s factory --force 2>&1); rc=$?
is "$rc" 0 "fresh --force exits 0"
is "$(psql -Atc 'select count(*) from factory.jobs')" 0 "fresh dropped and re-created the domain's tables"
is "$(psql -Atc 'select batch from factory._strav_factory_migrations')" 1 "fresh re-applied as batch 1"
$STRAV migrate -s tenant >/dev/null 2>&1
is "$(psql -Atc 'select count(*) from _strav_migrations') $(psql -Atc 'select count(*) from tenant._strav_tenant_migrations')" "3 1" "fresh of one domain left the others alone"
out=$($STRAV fresh --force 2>&1); rc=$?
check "fresh of public is refused while another domain has a foreign key into it" grep -q "other domains reference" <<<"$out"
is "$(psql -Atc "select count(*) from pg_constraint where conname='settings_owner_id_fkey'")" 1 "the tenant's foreign key survived"
done_testing
