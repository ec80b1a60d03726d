#!/usr/bin/env bash
# tests/golden/syntax.t - golden test of lexical and syntax errors: for every
# tests/golden/syntax/X.strav, `stravc dump ast X.strav` must exit 1, print nothing on stdout
# and print exactly X.stderr (file:line:col: error: ..., the source line, a caret).
# BLESS=1 rewrites the .stderr files. Run from the repo root so paths are relative.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
stravc=$BUILD/stravc
tmp=$(mktemp -d "${TMPDIR:-/tmp}/syntax.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
for src in tests/golden/syntax/*.strav; do
    n=$((n + 1))
    want=${src%.strav}.stderr
    NO_COLOR=1 "$stravc" dump ast "$src" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "${BLESS:-}" = 1 ] && [ "$rc" -eq 1 ] && cp "$tmp/err" "$want"
    if [ "$rc" -ne 1 ]; then
        echo "# exit status $rc, expected 1"
        sed 's/^/# /' "$tmp/err"
        echo "not ok $n - $src"
        fail=1
    elif [ -s "$tmp/out" ]; then
        echo "# unexpected output on stdout"
        echo "not ok $n - $src"
        fail=1
    elif ! diff -u "$want" "$tmp/err" >"$tmp/diff" 2>&1; then
        sed 's/^/# /' "$tmp/diff"
        echo "not ok $n - $src"
        fail=1
    else
        echo "ok $n - $src"
    fi
done
echo "1..$n"
exit $fail
