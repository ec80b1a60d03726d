#!/usr/bin/env bash
# domains.t - the seed's multi-domain workflow: public + tenant domains, the invalid-domain
# message, tenant-scoped generate/migrate/status/rollback touching only the tenant's schema and
# tracking table (checked in the catalog), and other domains' tables and _strav_* tracking
# tables never showing up in a diff (#47, #48, #55, #56).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project domains
schema public user <<'S'
entity user {
  id    uuid   @primary
  email string @unique
}
S
schema tenant setting <<'S'
entity setting {
  key   string(100)
  value text?
  owner ref(public.user)?
}
S
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=domains"

run "$STRAV" generate:migration --scope invalid_domain
is "$RC:$OUT" "1:Error: Invalid domain: invalid_domain. Available domains: public, tenant" "generate --scope invalid_domain: the seed's exact error, exit 1"
ok '[ ! -e database/migrations ]' "invalid scope writes nothing"
run "$STRAV" migrate --scope nope
is "$RC:$OUT" "1:Error: Invalid domain: nope. Available domains: public, tenant" "migrate --scope nope: same error (#56)"
is "$(q "select count(*) from pg_tables where schemaname not in ('pg_catalog','information_schema')")" "0" "invalid scope: no database change"
mkdir -p database/schemas/my-domain
run "$STRAV" migrate --scope my-domain
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"Invalid domain"* ]]' "a folder named my-domain is not a domain (#57)"
rmdir database/schemas/my-domain

gm "Create users"
ok '[ "$RC" = 0 ] && [ "$(nversions public)" = 1 ] && [ "$(nversions tenant)" = 0 ]' "default scope generates and migrates public only"
is "$(q "select string_agg(schemaname||'.'||tablename, ' ' order by 1) from pg_tables where schemaname not in ('pg_catalog','information_schema')")" "public._strav_migrations public.user" "public migrate created only public objects"

gen "Add tenant settings" -s tenant; vt=$(latest tenant)
ok '[ "$RC" = 0 ] && [[ "$OUT" == "✓ Migration generated: $vt"* ]] && [ "$(nversions tenant)" = 1 ] && [ "$(nversions public)" = 1 ]' "generate -s tenant writes only database/migrations/tenant"
before_public=$(pg_dump --schema-only --no-owner -n public domains | grep -v '^\\\(un\)\?restrict ')
run "$STRAV" migrate -s tenant
is "$OUT" "Running pending migrations...

Applied 1 migration(s) in batch 1:
  - $vt" "migrate -s tenant: batch 1 of the tenant domain"
is "$(q "select string_agg(schemaname||'.'||tablename, ' ' order by 1) from pg_tables where schemaname='tenant'")" "tenant._strav_tenant_migrations tenant.setting" "tenant objects live in schema tenant with _strav_tenant_migrations (#55)"
is "$(q "select version||':'||batch from tenant._strav_tenant_migrations")" "$vt:1" "tenant tracking row"
is "$(q "select count(*) from public._strav_migrations")" "1" "public tracking table untouched"
is "$(pg_dump --schema-only --no-owner -n public domains | grep -v '^\\\(un\)\?restrict ')" "$before_public" "schema public unchanged by the tenant migrate"
is "$(q "select confrelid::regclass from pg_constraint where conrelid='tenant.setting'::regclass and contype='f'")" "\"user\"" "tenant.setting.owner_id references public.user"
run "$STRAV" migration:status -s tenant
ok '[ "$RC" = 0 ] && [[ "$OUT" == "Migration status for domain tenant (schema tenant, table _strav_tenant_migrations):"* ]] && [[ "$OUT" == *"$vt   applied   1"* ]] && [[ "$OUT" != *"Create users"* ]]' "status -s tenant shows only the tenant's version"
run "$STRAV" migration:status
ok '[[ "$OUT" == *"(schema public, table _strav_migrations)"* ]] && [[ "$OUT" != *"$vt"* ]]' "status (public) does not show the tenant's version"

# a second tenant change: public generate sees no change; tenant generate sees only its own
schema tenant setting <<'S'
entity setting {
  key   string(100) @unique
  value text?
  owner ref(public.user)?
}
S
gen "nothing for public"
is "$RC:$OUT" "0:No changes detected" "tenant schema change: public generate reports no changes"
gm "Unique setting key" -s tenant
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from tenant._strav_tenant_migrations where batch=2")" = 1 ]' "second tenant migrate is tenant batch 2"
is "$(q "select max(batch) from public._strav_migrations")" "1" "public batches unaffected"
run "$STRAV" rollback -s tenant
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from pg_constraint where conrelid='"'"'tenant.setting'"'"'::regclass and contype='"'"'u'"'"'")" = 0 ] && [ "$(q "select count(*) from public._strav_migrations")" = 1 ]' "rollback -s tenant reverts the tenant batch only"
run "$STRAV" migrate -s tenant

# #47/#48: the other domain's tables and the _strav_ tracking tables are never in a diff
run "$STRAVC" diff --database "$DSN"
is "$RC:$OUT" "0:No drift: the database matches the schema files" "stravc diff --database (public): in sync despite tenant tables and _strav_migrations"
run "$STRAVC" diff --database "$DSN" -s tenant
is "$RC:$OUT" "0:No drift: the database matches the schema files" "stravc diff --database -s tenant: in sync despite _strav_tenant_migrations"
run "$STRAVC" diff
is "$RC" "0" "stravc diff (snapshots): nothing to do"
ok '! grep -rq _strav_ database/migrations' "no generated file mentions a _strav_ table"
run "$STRAV" db:drift
is "$RC" "0" "strav db:drift with only PG* variables set connects like migrate does"
run "$STRAV" db:drift --database "$DSN" -s tenant
is "$RC" "0" "strav db:drift --database -s tenant: in sync"

# fresh on the tenant domain drops only the tenant schema's objects
q "insert into public.\"user\"(id, email) values (gen_random_uuid(), 'a@b.c')" >/dev/null
run "$STRAV" migration:fresh -s tenant --force
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from public.\"user\"")" = 1 ] && [ "$(q "select count(*) from tenant._strav_tenant_migrations")" = 2 ]' "fresh -s tenant keeps public data, re-applies the tenant's versions"
done_testing
