#!/usr/bin/env bash
# tests/lint/fuzz.t - fuzz smoke test of the linter (tests/fuzz/fuzz_lint.c): built with clang
# -fsanitize=fuzzer,address,undefined, run FUZZ_SECONDS (default 15) seeded from the runtime's
# SQL fixtures and the hand-written cases of rules.t, then fed giant inputs (an unterminated
# dollar quote, 200k open parentheses, random bytes). ok = no crash, no hang, no leak.
# Skipped when clang's libFuzzer is not available.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-15}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lintfuzz.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
if ! command -v clang >/dev/null; then echo "1..0 # SKIP no clang"; exit 0; fi
bin=$tmp/fuzz_lint
if ! clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DARENA_DEBUG \
        -I compiler -I runtime -o "$bin" tests/fuzz/fuzz_lint.c runtime/lint.c \
        runtime/lint_rules.c runtime/sqlsplit.c compiler/arena.c compiler/strbuf.c \
        compiler/model.c compiler/model_seq.c compiler/sqlquote.c -ljansson -lutf8proc 2>"$tmp/cc"; then
    if grep -q 'fuzzer' "$tmp/cc" && ! grep -q 'error:.*\.c:' "$tmp/cc"; then
        echo "1..0 # SKIP libFuzzer not available"; exit 0
    fi
    sed 's/^/# /' "$tmp/cc" | head -20; echo "not ok 1 - fuzz_lint builds"; echo "1..1"; exit 1
fi
ok "fuzz_lint builds"
mkdir -p "$tmp/corpus"
i=0
for f in $(find tests/fixtures/migrations -name '*.sql' | head -200); do cp "$f" "$tmp/corpus/f$i.sql"; i=$((i + 1)); done
awk '/<<.SQL.$/{f=1; i++; next} /^SQL$/{f=0; next} f{print > ("'"$tmp"'/corpus/r" i ".sql")}' tests/lint/rules.t
if timeout $((secs + 60)) "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 \
        "$tmp/corpus" >"$tmp/log" 2>&1; then
    ok "no crash in ${secs}s of fuzzing ($(ls "$tmp/corpus" | wc -l) corpus files)"
else
    tail -30 "$tmp/log" | sed 's/^/# /'; not_ok "no crash in ${secs}s of fuzzing"
fi
mkdir -p "$tmp/big"
{ printf 'CREATE TABLE t (a int); $x$'; head -c 3000000 /dev/zero | tr '\0' 'a'; } >"$tmp/big/dollar.sql"
{ printf 'ALTER TABLE t ADD CONSTRAINT c CHECK '; head -c 200000 /dev/zero | tr '\0' '('; } >"$tmp/big/parens.sql"
{ for k in $(seq 1 20000); do printf 'alter table t%d alter column c type varchar(%d), ' "$k" "$k"; done; echo ';'; } >"$tmp/big/actions.sql"
head -c 2000000 /dev/urandom >"$tmp/big/random.sql"
for f in "$tmp"/big/*.sql; do
    if timeout 120 "$bin" -timeout=100 "$f" >"$tmp/log" 2>&1; then
        ok "giant input $(basename "$f")"
    else
        tail -20 "$tmp/log" | sed 's/^/# /'; not_ok "giant input $(basename "$f")"
    fi
done
echo "1..$n"
