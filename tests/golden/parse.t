#!/usr/bin/env bash
# tests/golden/parse.t - golden test of the parser: for every tests/golden/parse/X.strav,
# `stravc dump ast X.strav` must print X.ast and exit 0. BLESS=1 rewrites the .ast files
# (review the diff in git before committing). Run from the repo root (tests/run does).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
stravc=$BUILD/stravc
n=0 fail=0
for src in tests/golden/parse/*.strav; do
    n=$((n + 1))
    want=${src%.strav}.ast
    got=$("$stravc" dump ast "$src" 2>&1)
    rc=$?
    if [ "${BLESS:-}" = 1 ] && [ "$rc" -eq 0 ]; then
        printf '%s\n' "$got" >"$want"
    fi
    if [ "$rc" -ne 0 ]; then
        echo "# exit status $rc"
        printf '%s\n' "$got" | sed 's/^/# /'
        echo "not ok $n - $src"
        fail=1
    elif ! diff -u "$want" <(printf '%s\n' "$got") >"${TMPDIR:-/tmp}/parse.t.$$" 2>&1; then
        sed 's/^/# /' "${TMPDIR:-/tmp}/parse.t.$$"
        echo "not ok $n - $src"
        fail=1
    else
        echo "ok $n - $src"
    fi
    rm -f "${TMPDIR:-/tmp}/parse.t.$$"
done
echo "1..$n"
exit $fail
