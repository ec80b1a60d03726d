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
echo "1..$n"
