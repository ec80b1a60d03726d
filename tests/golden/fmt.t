#!/usr/bin/env bash
# tests/golden/fmt.t - the formatter: for every golden .strav (and schemas/ when present),
# fmt is idempotent (fmt(fmt(x)) == fmt(x)) and keeps the AST (dump ast equal once spans are
# removed). tests/golden/fmt/X.strav must format to X.expected. Also the exit codes of
# `stravc fmt` and `--check`. Run from the repo root.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
stravc=$(pwd)/$BUILD/stravc
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fmt.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
nospan() { sed -E 's/ @[0-9]+:[0-9]+\+[0-9]+$//'; }

files=$(ls tests/golden/parse/*.strav tests/golden/fmt/*.strav 2>/dev/null;
        [ -d schemas ] && find schemas -name '*.strav' | sort)
for src in $files; do
    cp "$src" "$tmp/a.strav"
    "$stravc" fmt "$tmp/a.strav" 2>"$tmp/err" || { sed 's/^/# /' "$tmp/err"; not_ok "fmt $src"; continue; }
    cp "$tmp/a.strav" "$tmp/b.strav"
    "$stravc" fmt "$tmp/b.strav"
    if ! diff -u "$tmp/a.strav" "$tmp/b.strav" >"$tmp/diff"; then
        sed 's/^/# /' "$tmp/diff"
        not_ok "fmt is idempotent on $src"
    else
        ok "fmt is idempotent on $src"
    fi
    "$stravc" dump ast "$src" | nospan >"$tmp/ast1"
    "$stravc" dump ast "$tmp/a.strav" | nospan >"$tmp/ast2"
    if ! diff -u "$tmp/ast1" "$tmp/ast2" >"$tmp/diff"; then
        sed 's/^/# /' "$tmp/diff"
        not_ok "fmt keeps the AST of $src"
    else
        ok "fmt keeps the AST of $src"
    fi
done

for src in tests/golden/fmt/*.strav; do
    want=${src%.strav}.expected
    cp "$src" "$tmp/x.strav"
    "$stravc" fmt "$tmp/x.strav"
    [ "${BLESS:-}" = 1 ] && cp "$tmp/x.strav" "$want"
    if diff -u "$want" "$tmp/x.strav" >"$tmp/diff"; then
        ok "fmt $src gives $want"
    else
        sed 's/^/# /' "$tmp/diff"
        not_ok "fmt $src gives $want"
    fi
done

# --check and exit codes, in a scratch project
mkdir -p "$tmp/p/database/schemas/public/sub"
printf 'entity a {\n  x int\n}\n' >"$tmp/p/database/schemas/public/good.strav"
printf 'entity b{x int}\n' >"$tmp/p/database/schemas/public/sub/bad.strav"
printf 'entity c {\n' >"$tmp/p/database/schemas/public/broken.strav"
printf 'not a schema {' >"$tmp/p/database/schemas/public/notes.txt"
cd "$tmp/p"
out=$("$stravc" fmt --check 2>"$tmp/err"); rc=$?
[ "$rc" -eq 1 ] && [ "$out" = "database/schemas/public/sub/bad.strav" ] \
    && grep -q "broken.strav:1:10: error: the '{' of 'c' is never closed" "$tmp/err" \
    && ok "fmt --check lists unformatted files, reports broken ones, exit 1" \
    || { echo "# rc=$rc out=$out"; not_ok "fmt --check lists unformatted files, reports broken ones, exit 1"; }
[ "$(cat database/schemas/public/sub/bad.strav)" = 'entity b{x int}' ] \
    && ok "fmt --check writes nothing" || not_ok "fmt --check writes nothing"
"$stravc" fmt 2>/dev/null; rc=$?
[ "$rc" -eq 1 ] && [ "$(cat database/schemas/public/broken.strav)" = 'entity c {' ] \
    && ok "fmt leaves a file with syntax errors alone, exit 1" \
    || not_ok "fmt leaves a file with syntax errors alone, exit 1"
[ "$(cat database/schemas/public/sub/bad.strav)" = "$(printf 'entity b {\n  x int\n}')" ] \
    && ok "fmt rewrites unformatted files in place" || not_ok "fmt rewrites unformatted files in place"
[ -z "$(find . -name '*.strav.*')" ] && ok "fmt leaves no temporary files" \
    || not_ok "fmt leaves no temporary files"
rm database/schemas/public/broken.strav
"$stravc" fmt --check >/dev/null 2>&1 && ok "fmt --check exits 0 once formatted" \
    || not_ok "fmt --check exits 0 once formatted"
"$stravc" fmt --check database/schemas/public/good.strav && ok "fmt --check FILE" \
    || not_ok "fmt --check FILE"
"$stravc" fmt missing.strav 2>"$tmp/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "cannot open 'missing.strav'" "$tmp/err" \
    && ok "fmt on a missing path exits 1" || not_ok "fmt on a missing path exits 1"
"$stravc" fmt --bogus 2>/dev/null; [ $? -eq 2 ] && ok "fmt usage error exits 2" \
    || not_ok "fmt usage error exits 2"
"$stravc" fmt --help | grep -q 'usage: stravc fmt' && ok "fmt --help" || not_ok "fmt --help"
"$stravc" dump --help | grep -q 'usage: stravc dump' && ok "dump --help" || not_ok "dump --help"
"$stravc" dump tokens 2>/dev/null; [ $? -eq 2 ] && ok "dump usage error exits 2" \
    || not_ok "dump usage error exits 2"
"$stravc" dump tokens database/schemas/public/good.strav | head -2 >"$tmp/tok"
[ "$(cat "$tmp/tok")" = "$(printf "1:1 'entity' entity\n1:8 identifier a")" ] \
    && ok "dump tokens" || { sed 's/^/# /' "$tmp/tok"; not_ok "dump tokens"; }
echo "1..$n"
exit $fail
