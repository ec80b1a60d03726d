#!/usr/bin/env bash
# reuse.t - the incremental read of the previous snapshot (model_json_reuse, docs/performance.md
# "Generate: incremental"): a table whose text in the snapshot is byte-identical to the new
# model's is taken from the new model instead of being parsed. For every golden diff case
# (tests/golden/diff/<case>/: hand-written old.json and new.json, expected.sql), old.json is
# first written as a real migration (generate --new-json old.json, so the snapshot has the
# compact one-table-per-line layout that reuse matches), then `stravc diff --new-json new.json`
# against that migrations folder must print exactly the golden expected.sql: the unchanged
# tables come from the new model, the changed ones are parsed, and the plan is the one the
# two-file diff gives. Error cases (expected exit 1) are left to tests/golden/diff.t.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
root=$PWD
stravc=$root/$BUILD/stravc
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for d in tests/golden/diff/*/; do
    d=${d%/}
    case=$(basename "$d")
    rc_want=$(head -1 "$d/expected.status")
    [ "$rc_want" = "exit 1" ] && continue
    n=$((n + 1))
    m=$tmp/$case
    mkdir -p "$m"
    if ! (cd "$m" && "$stravc" generate -m base --allow-destructive --new-json "$root/$d/old.json" \
              --migrations mig >/dev/null 2>"$m/gen.err"); then
        echo "not ok $n - reuse $case (writing old.json as a migration failed)"
        sed 's/^/# /' "$m/gen.err" | head -5
        continue
    fi
    out=$(cd "$m" && "$stravc" diff --new-json "$root/$d/new.json" --migrations mig 2>"$m/diff.err")
    rc=$?
    want_sql=$(cat "$d/expected.sql")
    if [ "$out" = "$want_sql" ] && [ "exit $rc" = "$rc_want" ]; then
        echo "ok $n - reuse $case"
    else
        echo "not ok $n - reuse $case (exit $rc, want $rc_want)"
        diff -u "$d/expected.sql" <(printf '%s\n' "$out") | head -30 | sed 's/^/# /'
        sed 's/^/# /' "$m/diff.err" | head -5
    fi
done
# hostile: the first table's line is byte-identical to the new model's text but followed by
# garbage; reuse skips the matched object, so the parser must still stop at the garbage, at the
# same place a full parse stops (line and column of the 'x' in the file)
n=$((n + 1))
m=$tmp/hostile
mkdir -p "$m"
(cd "$m" && "$stravc" generate -m base --new-json "$root/tests/golden/diff/add_column/old.json" \
    --migrations mig >/dev/null 2>&1)
snap=$(ls "$m"/mig/public/*/snapshot.json)
line=$(grep -n '^    {"name":"posts"' "$snap" | cut -d: -f1)
sed -i "${line}s/}]},\$/}]}x,/" "$snap"
col=$(sed -n "${line}p" "$snap" | awk '{ print index($0, "}]}x") + 3 }')
err=$(cd "$m" && "$stravc" diff --new-json "$root/tests/golden/diff/add_column/new.json" \
      --migrations mig 2>&1 >/dev/null)
rc=$?
if [ "$rc" = 1 ] && [ -n "$line" ] && [[ "$err" == *"snapshot.json:$line:$col: ',' or ']' expected"* ]]; then
    echo "ok $n - reuse: garbage after a reused table is an error at its place"
else
    echo "not ok $n - reuse: garbage after a reused table (exit $rc, line $line col $col)"
    printf '%s\n' "$err" | sed 's/^/# /' | head -5
fi
# hostile: a hand-edited snapshot whose second foreign key lost its name. Each table's own
# arrays are now sorted as the table is read: that sort must not run on a table that failed
# (it compared the NULL name: a crash), and the message is the reader's.
n=$((n + 1))
cat >"$tmp/badfk.json" <<'J'
{"domain":"public","schema":"public","tenants":null,"enums":[],
 "tables":[
  {"name":"a","archetype":"table","columns":[{"name":"id","type":{"kind":"integer"},"nullable":false},
   {"name":"b1","type":{"kind":"integer"},"nullable":true},{"name":"b2","type":{"kind":"integer"},"nullable":true}],
   "primaryKey":{"name":"a_pkey","columns":["id"]},
   "foreignKeys":[{"name":"fk_z","columns":["b1"],"refTable":"a","refColumns":["id"],"onDelete":"noAction","onUpdate":"noAction"},
                  {"columns":["b2"],"refTable":"a","refColumns":["id"],"onDelete":"noAction","onUpdate":"noAction"}]}
 ]}
J
err=$("$stravc" diff --old-json "$tmp/badfk.json" --new-json "$tmp/badfk.json" 2>&1 >/dev/null)
rc=$?
if [ "$rc" = 1 ] && [[ "$err" == *"badfk.json: table 'a': missing string member 'name'"* ]]; then
    echo "ok $n - a foreign key without a name is an error, not a crash"
else
    echo "not ok $n - a foreign key without a name (exit $rc)"
    printf '%s\n' "$err" | sed 's/^/# /' | head -5
fi
echo "1..$n"
