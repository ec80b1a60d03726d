#!/usr/bin/env bash
# all_kinds.t - pull -> compile -> diff on one database holding every object kind at once
# (extension, function, procedure, view, materialized view with indexes, triggers on a table
# and on a view, row level security with FORCE, permissive and restrictive policies with roles),
# all in hand-written DDL: pull must write every object without a warning, the files must
# compile, and `stravc diff --database --strict` must find nothing. Then the database is
# changed behind the model (a function body, a policy, a view) and the same diff must report
# each of them: the comparison is not vacuous.
cd "$(dirname "$0")/../.." || exit 1
B=$(pwd)/${BUILD:-build}
. tests/lib/pg.sh
pg_start
export NO_COLOR=1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$W/out" ] && sed 's/^/#   /' "$W/out" | tail -30; }
W=$PG_TMP/all; mkdir -p "$W/p"
db=$(pg_newdb all_kinds)
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f tests/fixtures/sql/objects_all_kinds.sql >"$W/out" 2>&1
[ $? -eq 0 ] && ok "the database with every kind loads" || nok "the database with every kind loads"
cd "$W/p" || exit 1
"$B/stravc" pull --database "$db" >"$W/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q warning "$W/out"; then ok "pull writes it without a warning"; else nok "pull writes it without a warning"; fi
for f in _extensions.strav current_team.function.strav touch.function.strav \
         reset_team.procedure.strav team_members.view.strav member_emails.view.strav \
         team_sizes.view.strav members.triggers.strav team_members.triggers.strav \
         members.policies.strav; do
    [ -f "database/schemas/public/$f" ] || { echo "# missing $f" >"$W/out"; nok "pull wrote $f"; continue; }
    ok "pull wrote $f"
done
grep -q '@@materialized' database/schemas/public/team_sizes.view.strav &&
    grep -q "name: 'team_sizes_team'" database/schemas/public/team_sizes.view.strav &&
    grep -q '@@force' database/schemas/public/members.policies.strav &&
    grep -q '@@restrictive' database/schemas/public/members.policies.strav &&
    grep -q '@@instead_of(delete)' database/schemas/public/team_members.triggers.strav &&
    grep -q "@@version('" database/schemas/public/_extensions.strav &&
    grep -q "@@search_path('public, pg_temp')" database/schemas/public/touch.function.strav &&
    ok "the files hold what the DDL said" || { cat database/schemas/public/*.strav >"$W/out"; nok "the files hold what the DDL said"; }
"$B/stravc" check >"$W/out" 2>&1 && ok "the pulled files compile" || nok "the pulled files compile"
"$B/stravc" fmt --check >"$W/out" 2>&1 && ok "the pulled files are in canonical form" || nok "the pulled files are in canonical form"
"$B/stravc" diff --database "$db" --strict >"$W/out" 2>&1 && ok "diff --database --strict is clean" || nok "diff --database --strict is clean"
"$B/stravc" generate -m adopt >"$W/out" 2>&1 && ok "generate writes the adoption migration" || nok "generate writes the adoption migration"
v=$(ls database/migrations/public | grep -E '^[0-9]+$' | tail -1)
"$B/strav" migration:baseline --database "$db" --version "$v" >"$W/out" 2>&1 && ok "baseline accepts it" || nok "baseline accepts it"
# behind the model's back: each change must be seen
drift() {   # drift WHAT SQL PATTERN
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$2" >"$W/out" 2>&1
    "$B/stravc" diff --database "$db" --strict >"$W/out" 2>&1
    local rc=$?
    if [ $rc -ne 0 ] && grep -q "$3" "$W/out"; then ok "drift seen: $1"; else nok "drift seen: $1 (exit $rc)"; fi
}
drift "function body" "CREATE OR REPLACE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN OLD; END \$\$" 'no_delete'
psql -X -q -d "$db" -c "CREATE OR REPLACE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NULL; END \$\$" >/dev/null 2>&1
drift "policy" "ALTER POLICY members_team ON members USING (true)" 'members_team'
psql -X -q -d "$db" -c "ALTER POLICY members_team ON members USING (team = current_team())" >/dev/null 2>&1
drift "view" "CREATE OR REPLACE VIEW member_emails AS SELECT upper(email) AS email FROM team_members" 'member_emails'
drift "row level security" "ALTER TABLE members NO FORCE ROW LEVEL SECURITY" 'FORCE ROW LEVEL SECURITY'
echo "1..$n"
