#!/usr/bin/env bash
# tests/golden/model.t - golden model JSON: every tests/golden/model/<case>/ is a small schemas
# folder (one subfolder per domain); `stravc model --json <case>` must print <case>/expected.json
# and exit 0. BLESS=1 rewrites the expected files. TAP output; run from anywhere.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/strav-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cases=(tests/golden/model/*/)
echo "1..${#cases[@]}"
n=0
for c in "${cases[@]}"; do
    c=${c%/}
    n=$((n + 1))
    "$BUILD/stravc" model --json "$c" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "${BLESS:-0}" = 1 ] && [ $rc -eq 0 ]; then
        cp "$tmp/out" "$c/expected.json"
    fi
    if [ $rc -ne 0 ]; then
        echo "not ok $n - ${c##*/} (exit $rc)"
        sed 's/^/# /' "$tmp/err"
    elif ! diff -u "$c/expected.json" "$tmp/out" >"$tmp/diff" 2>&1; then
        echo "not ok $n - ${c##*/}"
        sed 's/^/# /' "$tmp/diff"
    else
        echo "ok $n - ${c##*/}"
    fi
done
