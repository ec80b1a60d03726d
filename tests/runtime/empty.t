#!/usr/bin/env bash
# empty.t - a domain with no migrations yet (an empty folder, or only a schemas folder) and an
# empty database: status lists nothing and exits 0, migrate says "Nothing to migrate." and
# creates nothing (no schema, no tracking table), in text and JSON.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db empty
cd "$WORK" || exit 1
mkdir -p database/schemas/public database/schemas/billing database/migrations/public
mkdir .strav
objects() {
    psql -Atc "select nspname from pg_namespace where nspname not like 'pg\_%' and nspname <> 'information_schema' order by 1"
    psql -Atc "select schemaname || '.' || tablename from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1"
}
before=$(objects)

out=$($STRAV migration:status 2>&1); rc=$?
is "$rc" 0 "status of an empty domain: exit 0"
is "$out" "Migration status for domain public (schema public, table _strav_migrations):

  Version         State     Batch  Applied at            Message
  (no migrations)

0 applied, 0 pending, 0 modified, 0 missing" "status of an empty domain lists nothing"
out=$($STRAV status -s billing 2>&1); rc=$?
is "$rc" 0 "status of a domain with only a schemas folder: exit 0"
check "it names the schema and table it would use" grep -q '^Migration status for domain billing (schema billing, table _strav_billing_migrations):$' <<<"$out"
is "$($STRAV status --json | jq -c '[.migrations, .ok]')" '[[],true]' "status --json: no migrations, ok"

for scope in public billing; do
    out=$($STRAV migrate -s $scope 2>&1); rc=$?
    is "$rc" 0 "migrate $scope with no migrations: exit 0"
    is "$out" "Running pending migrations...
Nothing to migrate. All migrations are up to date." "migrate $scope says Nothing to migrate."
done
is "$($STRAV migrate --json -s billing | jq -c '.ok')" true "migrate --json: ok"
is "$(objects)" "$before" "no schema and no tracking table were created"
out=$($STRAV rollback -s billing 2>&1); rc=$?
is "$(objects)" "$before" "rollback with nothing applied creates nothing either"
done_testing
