#!/usr/bin/env bash
# diff.t - golden tests of the diff engine: for every tests/golden/diff/<case>/, `stravc diff
# --old-json old.json --new-json new.json` must print exactly expected.sql (stdout) and
# expected.status (exit status, then stderr). BLESS=1 rewrites the expected files; review them.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
n=0
for d in tests/golden/diff/*/; do
    d=${d%/}
    n=$((n + 1))
    out=$("$BUILD/stravc" diff --old-json "$d/old.json" --new-json "$d/new.json" 2>"$d/.stderr")
    rc=$?
    status=$(printf 'exit %s\n' "$rc"; cat "$d/.stderr")
    rm -f "$d/.stderr"
    if [ -n "${BLESS:-}" ]; then
        printf '%s\n' "$out" >"$d/expected.sql"
        printf '%s\n' "$status" >"$d/expected.status"
    fi
    if [ "$out" = "$(cat "$d/expected.sql" 2>/dev/null)" ] &&
       [ "$status" = "$(cat "$d/expected.status" 2>/dev/null)" ]; then
        echo "ok $n - diff $(basename "$d")"
    else
        echo "not ok $n - diff $(basename "$d")"
        diff -u "$d/expected.sql" <(printf '%s\n' "$out") | head -40 | sed 's/^/# /'
        diff -u "$d/expected.status" <(printf '%s\n' "$status") | head -10 | sed 's/^/# /'
    fi
done
echo "1..$n"
