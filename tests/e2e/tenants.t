#!/usr/bin/env bash
# tenants.t - the repository's example schemas (schemas/: public + per-tenant domain tenant with
# @@tenants(query: ...)) through the real commands: generate both domains, migrate public, add
# organizations, migrate tenant (one schema per organization, each with its own tracking table),
# a tenant change applied to every tenant as batch 2, rollback per tenant, status per tenant.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project tenants
rm -rf database/schemas; cp -r "$ROOT/schemas" database/schemas
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "stravc check on the example schemas"
gen "Initial" ; vp=$(latest public)
gen "Initial" -s tenant; vt=$(latest tenant)
ok '[ -n "$vp" ] && [ -n "$vt" ]' "generate public, then generate -s tenant"
run "$STRAV" migrate -s tenant
ok '[ "$RC" = 1 ]' "migrate -s tenant before public: the tenant query fails (no organization table)"
is "$(q "select count(*) from pg_namespace where nspname in ('acme','bolt','tenant')")" "0" "and creates nothing"
run "$STRAV" migrate
q "insert into country(code, name) values ('FR', 'France')" >/dev/null
run "$STRAV" migrate -s tenant
is "$RC:$OUT" "0:No tenant schemas for domain tenant ({\"query\":\"SELECT slug FROM public.organization ORDER BY slug\"})." "no organizations: no tenant schemas"
q "insert into organization(id, name, slug, country_code) values (gen_random_uuid(), 'A', 'acme', 'FR'), (gen_random_uuid(), 'B', 'bolt', 'FR')" >/dev/null
run "$STRAV" migrate -s tenant
ok '[ "$RC" = 0 ] && [[ "$OUT" == "Tenant acme:"*"Applied 1 migration(s) in batch 1:"*"Tenant bolt:"*"Applied 1 migration(s) in batch 1:"* ]]' "migrate -s tenant: each tenant schema gets batch 1"
tabs() { q "select string_agg(tablename, ' ' order by tablename) from pg_tables where schemaname='$1'"; }
ok '[ "$(tabs acme)" = "$(tabs bolt)" ] && [[ "$(tabs acme)" == "_strav_tenant_migrations "*task* ]]' "acme and bolt hold the same tables and their own tracking table"
is "$(q "select count(*) from public._strav_migrations"):$(q "select version from acme._strav_tenant_migrations")" "1:$vt" "public tracking untouched; tenant tracking per schema"
is "$(tabs tenant)" "" "nothing in the schema named tenant"

# a tenant change
sed -i 's/^  archived    boolean              = false$/  archived    boolean              = false\n  color       string(7)?/' database/schemas/tenant/projects.strav
gm "Project color" -s tenant
ok '[ "$RC" = 0 ] && [ "$(col project color acme)" = "character varying(7)|YES|" ] && [ "$(col project color bolt)" = "character varying(7)|YES|" ]' "tenant change applied to every tenant"
is "$(q "select max(batch) from acme._strav_tenant_migrations"):$(q "select max(batch) from bolt._strav_tenant_migrations")" "2:2" "batch 2 in each tenant"
run "$STRAV" migration:status -s tenant
ok '[ "$RC" = 0 ] && [ "$(grep -c "2 applied, 0 pending" <<<"$OUT")" = 2 ]' "status -s tenant: per tenant, 2 applied"
run "$STRAV" rollback -s tenant
ok '[ "$RC" = 0 ] && [ -z "$(col project color acme)" ] && [ -z "$(col project color bolt)" ]' "rollback -s tenant reverts the change in every tenant"
# a new organization after the fact gets everything on the next migrate
q "insert into organization(id, name, slug, country_code) values (gen_random_uuid(), 'C', 'core', 'FR')" >/dev/null
run "$STRAV" migrate -s tenant
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from core._strav_tenant_migrations")" = 2 ] && [ "$(col project color core)" = "character varying(7)|YES|" ]' "a new tenant gets all versions on the next migrate"
done_testing
