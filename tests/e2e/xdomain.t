#!/usr/bin/env bash
# xdomain.t - domains that use each other's enums and tables (docs/language.md "Using another
# domain", docs/runtime.md "Domains that use each other"): crm holds an enum and a table,
# billing (shared) and shop (per-tenant: shop_a, shop_b) point at them. One generate orders the
# versions crm first and records "uses" in the manifests; migrating a user before crm is
# refused; --all-domains migrates and rolls back in order; rolling back crm under billing is
# refused; a crm change that would break billing's latest migration is refused at generate.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project xdomain
q "CREATE SCHEMA shop_a; CREATE SCHEMA shop_b" >/dev/null
schema crm customer <<'S'
enum status { lead, active }
table customer {
  id   bigint @primary
  name text
}
S
schema billing invoice <<'S'
table invoice {
  id       bigint @primary
  customer ref(crm.customer)
  state    crm.status = 'lead'
}
S
schema shop domain <<'S'
domain { @@tenants(pattern: 'shop\_%') }
S
schema shop order <<'S'
table order {
  id    bigint @primary
  buyer ref(crm.customer)?
}
S

run "$STRAVC" generate -m init
ok '[ "$RC" = 0 ]' "one generate writes the three domains"
vc=$(latest crm); vb=$(latest billing); vs=$(latest shop)
ok '[ "$vc" -lt "$vb" ] && [ "$vc" -lt "$vs" ]' "crm's version comes before its users' ($vc < $vb, $vs)"
is "$(jq -c .uses "database/migrations/billing/$vb/manifest.json")" "{\"crm\":\"$vc\"}" "billing's manifest records the crm version it was generated against"
is "$(jq -c .uses "database/migrations/crm/$vc/manifest.json")" "null" "crm uses nothing"

run "$STRAV" migrate -s billing
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"generated against migration $vc of domain crm, which is not applied here: migrate crm first"* ]]' "migrate -s billing before crm is refused, naming crm"
is "$(q "select count(*) from pg_tables where schemaname = 'billing' and tablename = 'invoice'")" "0" "refused: billing.invoice not created"
run "$STRAV" migrate -s shop
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"domain crm, which is not applied here"* ]]' "a per-tenant user of crm is refused the same way"

run "$STRAV" migrate --all-domains
ok '[ "$RC" = 0 ]' "migrate --all-domains applies every domain"
ok '[[ "$OUT" == *"Domain crm ($vc):"*"Domain billing ($vb):"* ]]' "crm runs before billing"
is "$(q "select confrelid::regclass from pg_constraint where conrelid = 'billing.invoice'::regclass and contype = 'f'")" "crm.customer" "billing.invoice's key points at crm.customer"
is "$(q "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'billing.invoice'::regclass and attname = 'state'")" "crm.status" "billing.invoice.state is crm's enum"
is "$(q "select string_agg(conrelid::regclass || '>' || confrelid::regclass, ' ' order by conrelid::regclass::text) from pg_constraint where contype = 'f' and connamespace::regnamespace::text like 'shop%'")" "shop_a.\"order\">crm.customer shop_b.\"order\">crm.customer" "each tenant schema's order points at the shared crm.customer"
run "$STRAVC" diff --database "host=$PGHOST port=$PGPORT user=postgres dbname=xdomain" -s billing
is "$RC:$OUT" "0:No drift: the database matches the schema files" "diff --database on billing is clean"

run "$STRAV" rollback -s crm
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"cannot roll back migration $vc of domain crm: the applied migration $vb of domain billing (schema billing)"* ]]' "rolling back crm under billing is refused, naming billing"
is "$(q "select count(*) from pg_tables where schemaname = 'crm' and tablename = 'customer'")" "1" "refused: crm.customer still there"

# a change of crm alone that breaks billing's latest migration
cp database/schemas/crm/customer.strav "$E2E_TMP/customer.strav"
schema crm customer <<'S'
enum status { lead, active }
S
run "$STRAVC" generate -m drop -s crm --allow-destructive
want="domain crm would break domain billing: after this change it has no table 'customer', which domain billing's latest migration uses (billing.invoice: foreign key"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"$want"* ]]' "generate -s crm dropping a table billing uses is refused"
run "$STRAVC" diff -s crm
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"$want"* ]]' "diff -s crm reports the same refusal (exit 1, not 3)"
js=$("$STRAVC" diff -s crm --json 2>/dev/null)
ok '[[ "$(jq -r ".diagnostics[0].message" <<<"$js")" == *"would break domain billing"* ]]' "  and in --json, among the diagnostics"
schema crm customer <<'S'
enum status { lead, active }
table customer {
  id   integer @primary
  name text
}
S
run "$STRAVC" generate -m retype -s crm --allow-destructive
want="has 'customer.id' typed INTEGER, not BIGINT"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"$want"* ]]' "changing the type of a key billing references is refused"
cp "$E2E_TMP/customer.strav" database/schemas/crm/customer.strav
schema crm customer <<'S'
enum status { active }
table customer {
  id   bigint @primary
  name text
}
S
run "$STRAVC" generate -m enum -s crm --allow-destructive
want="domain crm would drop or reorder values of enum 'status', which domain billing uses (billing.invoice.state)"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"$want"* ]]' "dropping a value of an enum billing uses is refused (PostgreSQL would recreate the type)"
schema crm customer <<'S'
enum status { lead, active, lost }
table customer {
  id   bigint @primary
  name text
}
S
run "$STRAVC" generate -m enum -s crm
ok '[ "$RC" = 0 ]' "adding a value to it is fine (ALTER TYPE ... ADD VALUE in place)"
cp "$E2E_TMP/customer.strav" database/schemas/crm/customer.strav
rm -rf "database/migrations/crm/$(latest crm)"
schema crm customer <<'S'
enum status { lead, active }
enum tier { gold }
table customer {
  id   bigint @primary
  name text
}
S
schema billing invoice <<'S'
table invoice {
  id       bigint @primary
  customer ref(crm.customer)
  state    crm.status = 'lead'
  tier     crm.tier?
}
S
run "$STRAVC" generate -m tier -s billing
want="domain billing uses crm.tier (billing.invoice.tier), but domain crm's latest migration has no enum 'tier': generate crm's change first"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"$want"* ]]' "billing using what crm has not generated yet is refused"
run "$STRAVC" generate -m tier
ok '[ "$RC" = 0 ] && [ "$(latest crm)" -lt "$(latest billing)" ]' "generated together: crm first"
run "$STRAV" migrate --all-domains
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from billing._strav_billing_migrations")" = 2 ]' "migrate --all-domains applies the pair in order"

nbill=$(q "select count(*) from billing._strav_billing_migrations")
js=$("$STRAV" rollback --all-domains --json 2>/dev/null); RC=$?
nbill=$((nbill - $(q "select count(*) from billing._strav_billing_migrations")))
ok '[ "$RC" = 0 ]' "rollback --all-domains reverts every domain's latest batch, users first"
is "$(jq -s length <<<"$js")" "1" "  --json prints one document for all the runs (docs/cli.md)"
is "$(jq -r '[.command, .allDomains, .ok, (.runs | map(.domain) | index("billing") < index("crm"))] | join(" ")' <<<"$js")" \
   "rollback true true true" "  command, allDomains, ok, and billing's run before crm's"
is "$(jq -r '[.runs[] | select(.domain == "billing") | .rolledBack | length] | add' <<<"$js")" "$nbill" "  each run's own document inside (billing's rolledBack: the rows it removed)"
run "$STRAV" rollback --all-domains
ok '[ "$RC" = 0 ]' "and the batch before"
is "$(q "select count(*) from pg_tables where schemaname in ('crm', 'billing', 'shop_a', 'shop_b') and tablename not like '\_strav%'")" "0" "every domain's tables are gone"

# a fleet of two more databases (each with its own tenant schemas): per domain, then all at once
for db in xd_f1 xd_f2; do
    pg_newdb "$db" >/dev/null
    psql -X -q -d "$db" -c "CREATE SCHEMA shop_a; CREATE SCHEMA shop_b" >/dev/null
    echo "$db host=$PGHOST port=$PGPORT user=postgres dbname=$db"
done >targets
run "$STRAV" migrate --targets targets -s shop
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"2 of 2 target(s) failed"* ]]' "fleet: migrate -s shop before crm fails on every target"
is "$(psql -X -A -t -d xd_f1 -c "select count(*) from pg_tables where schemaname like 'shop%'")" "0" "fleet: refused before anything ran (no tenant table)"
run "$STRAV" migrate --targets targets -s crm
ok '[ "$RC" = 0 ]' "fleet: crm applied on both targets"
run "$STRAV" migrate --targets targets -s shop
ok '[ "$RC" = 0 ]' "fleet: then shop, in every tenant schema of both targets"
is "$(psql -X -A -t -d xd_f2 -c "select count(*) from pg_constraint where contype = 'f' and confrelid = 'crm.customer'::regclass")" "2" "fleet: xd_f2's two tenant schemas point at its crm.customer"
run "$STRAV" rollback --targets targets -s crm
ok '[ "$RC" = 1 ]' "fleet: rolling back crm under the tenants is refused"
done_testing
