#!/usr/bin/env bash
# tests/golden/errors.t - golden diagnostics, one file per diagnostic kind:
#   tests/golden/errors/<kind>.strav     becomes schemas/public/<kind>.strav
#   tests/golden/errors/<kind>.d/        (optional) more domain folders copied into schemas/
#   tests/golden/errors/<kind>.args      (optional) extra arguments for stravc check
#   tests/golden/errors/<kind>.stderr    the exact expected stderr
#   tests/golden/errors/<kind>.rc        (optional) the exit status when not 1 (a warning: 0)
# `stravc check schemas` runs in a scratch folder (so paths read schemas/...) and must exit 1.
# BLESS=1 rewrites the .stderr files. TAP output.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
BUILD=${BUILD:-build}
case "$BUILD" in /*) stravc=$BUILD/stravc ;; *) stravc=$root/$BUILD/stravc ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/strav-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cases=(tests/golden/errors/*.strav)
echo "1..${#cases[@]}"
n=0
for f in "${cases[@]}"; do
    n=$((n + 1))
    kind=$(basename "$f" .strav)
    base=tests/golden/errors/$kind
    rm -rf "$tmp/w" && mkdir -p "$tmp/w/schemas/public"
    cp "$f" "$tmp/w/schemas/public/"
    [ -d "$base.d" ] && cp -R "$base.d/." "$tmp/w/schemas/"
    args=()
    [ -f "$base.args" ] && read -r -a args <"$base.args"
    (cd "$tmp/w" && NO_COLOR=1 "$stravc" check "${args[@]}" schemas >/dev/null 2>"$tmp/err")
    rc=$?
    want_rc=1
    [ -f "$base.rc" ] && read -r want_rc <"$base.rc"
    if [ "${BLESS:-0}" = 1 ] && [ $rc -eq "$want_rc" ]; then
        cp "$tmp/err" "$base.stderr"
    fi
    if [ $rc -ne "$want_rc" ]; then
        echo "not ok $n - $kind (exit $rc, expected $want_rc)"
        sed 's/^/# /' "$tmp/err"
    elif ! diff -u "$base.stderr" "$tmp/err" >"$tmp/diff" 2>&1; then
        echo "not ok $n - $kind"
        sed 's/^/# /' "$tmp/diff"
    else
        echo "ok $n - $kind"
    fi
done
