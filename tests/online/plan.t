#!/usr/bin/env bash
# plan.t - the typed plan as `stravc diff --json` shows it (docs/plan-json.md) and the choice of
# online mode: kinds, locks and flags of a hand-written change on an existing table, plain and
# --online; @@online in the domain block as the domain's default (and fmt keeps it); misuse of
# the attribute refused. No server.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-plan.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
mkdir -p database/schemas/public
S=database/schemas/public/s.strav
printf 'table acct {\n  id int @primary\n}\ntable item {\n  id int @primary\n  acct int\n  price int?\n  n int\n}\n' > $S
STRAV_NOW_MS=1000 $STRAVC generate -m base >/dev/null || { echo "Bail out! generate failed"; exit 1; }
cat > $S <<'X'
table acct {
  id int @primary
}
table item {
  id    int @primary
  acct  int
  price int
  n     bigint
  @@index(price)
  @@foreign(acct, references: acct)
}
table fresh {
  id int @primary
  @@index(id, name: 'fresh_idx')
}
X
ops() { $STRAVC diff --json "$@" | jq -r '.domains[0].ops[] | "\(.kind) \(.table) \(.lock // "-") \(.flags | join(","))"'; }
is "$(ops)" "set_not_null item ACCESS EXCLUSIVE scansTable
alter_type item ACCESS EXCLUSIVE rewritesTable
create_table fresh - newTable
add_foreign_key item SHARE ROW EXCLUSIVE scansTable
add_index fresh - scansTable,newTable
add_index item SHARE scansTable" "plain: each change with its lock and costs"
is "$(ops --online)" "alter_type item ACCESS EXCLUSIVE rewritesTable
create_table fresh - newTable
add_index fresh - scansTable,newTable
add_index item SHARE UPDATE EXCLUSIVE scansTable,nonTransactional,concurrent,retried
add_not_null_check item ACCESS EXCLUSIVE retried
validate_constraint item SHARE UPDATE EXCLUSIVE scansTable,retried
set_not_null item ACCESS EXCLUSIVE scansTable,retried
drop_not_null_check item ACCESS EXCLUSIVE retried
add_foreign_key item SHARE ROW EXCLUSIVE notValid,retried
validate_constraint item SHARE UPDATE EXCLUSIVE scansTable,retried" \
   "--online: the new table keeps the plain forms, the existing one gets concurrent, NOT VALID and validate steps"
is "$($STRAVC diff --json | jq -r '.domains[0].ops[] | select(.kind == "alter_type") | "\(.column) \(.file) \(.what)"')" \
   'n tables/item/up.sql change type of item.n from INTEGER to BIGINT' "an op names its column, file and summary line"
# the domain's default
printf 'domain {\n  @@online\n}\n' > database/schemas/public/domain.strav
is "$(ops | grep -c retried)" 7 "@@online in the domain block: generate and diff write the online forms"
is "$($STRAVC fmt --check database/schemas/public/domain.strav >/dev/null 2>&1; echo $?)" 0 "fmt keeps @@online as written"
STRAV_NOW_MS=2000 $STRAVC generate -m online >/dev/null 2>&1
is "$(jq -c .online database/migrations/public/2000/manifest.json)" '{"lockTimeoutMs":1000,"retries":8}' "generate with @@online writes an online migration"
printf 'domain {\n  @@online(true)\n}\n' > database/schemas/public/domain.strav
check "@@online takes no arguments" sh -c "! $STRAVC check >/dev/null 2>&1"
printf 'table t {\n  id int @primary\n  @@online\n}\n' > database/schemas/public/domain.strav
out=$($STRAVC check 2>&1)
check "@@online on a table is refused" grep -q "only allowed in a domain block" <<<"$out"
done_testing
