#!/usr/bin/env bash
# tests/fuzz/fuzz.t - fuzz smoke test of the front end, lex+parse+check+fmt (tests/fuzz/fuzz_front.c): build it with
# clang -fsanitize=fuzzer,address,undefined from the compiler sources and the generated lexer
# and parser, run it FUZZ_SECONDS (default 20) seeded from tests/golden/**/*.strav, then feed it
# giant inputs (a 10 MB line, 100k nested-looking tokens, random bytes). ok = no crash, no hang.
# Skipped when clang's libFuzzer is not available.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if ! command -v clang >/dev/null || [ ! -f "$BUILD/gen/parser.c" ] || [ ! -f "$BUILD/gen/lexer.c" ]; then
    echo "1..0 # SKIP clang or $BUILD/gen missing (run make first)"
    exit 0
fi
bin=$tmp/fuzz_front
srcs="tests/fuzz/fuzz_front.c compiler/parse*.c compiler/ast.c compiler/fmt.c compiler/source.c
      compiler/diag.c compiler/arena.c compiler/strbuf.c compiler/sema*.c compiler/names.c compiler/sha256.c
      compiler/model.c compiler/model_objects.c compiler/model_seq.c compiler/sqlnorm.c compiler/sqlquote.c
      $BUILD/gen/lexer.c $BUILD/gen/parser.c"
[ -f compiler/base.c ] && srcs="$srcs compiler/base.c"
if ! clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DARENA_DEBUG \
        -I compiler -I "$BUILD/gen" -o "$bin" $srcs -lutf8proc -lcrypto 2>"$tmp/cc"; then
    if grep -q 'libclang_rt.fuzzer\|fuzzer' "$tmp/cc" && ! grep -q 'error:.*\.c:' "$tmp/cc"; then
        echo "1..0 # SKIP libFuzzer not available"
        exit 0
    fi
    sed 's/^/# /' "$tmp/cc"
    not_ok "build the fuzz target"
    echo "1..$n"
    exit 1
fi
ok "build the fuzz target"

mkdir -p "$tmp/corpus" "$tmp/crash"
# Seeds: every golden and example schema, plus tests/fuzz/regress/ (inputs that once crashed).
for f in tests/golden/*/*.strav tests/golden/*/*/*/*.strav tests/golden/*/*.d/*/*.strav \
         schemas/*/*.strav schemas/*/*/*.strav schemas/*/*/*/*.strav tests/fuzz/regress/*; do
    [ -f "$f" ] && cp "$f" "$tmp/corpus/$(echo "$f" | tr '/' '_')"
done
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$tmp/crash/" "$tmp/corpus" >"$tmp/log" 2>&1; then
    ok "fuzz the front end for ${secs}s"
else
    tail -40 "$tmp/log" | sed 's/^/# /'
    for c in "$tmp"/crash/*; do [ -f "$c" ] && { echo "# input:"; od -c "$c" | head -10 | sed 's/^/#   /'; }; done
    not_ok "fuzz the front end for ${secs}s"
fi

# Giant inputs, each run once (a file argument runs just that input).
mkdir -p "$tmp/giant"
head -c 10000000 /dev/zero | tr '\0' 'a' >"$tmp/giant/long_ident"
{ printf 'entity e { x int @a('; head -c 10000000 /dev/zero | tr '\0' '1' | sed 's/1111111111/1111111111 /g'; printf ') }'; } >"$tmp/giant/long_line"
head -c 100000 /dev/zero | tr '\0' '(' >"$tmp/giant/parens"
head -c 200000 /dev/zero | tr '\0' '@' >"$tmp/giant/ats"
python3 -c "import sys; sys.stdout.write('table t {\n' + ''.join('  f%d text[][] = \'x\' @a(b: c d, e)\n' % i for i in range(100000)) + '}\n')" >"$tmp/giant/many_fields" 2>/dev/null \
    || printf 'table t {}\n' >"$tmp/giant/many_fields"
printf "/*" >"$tmp/giant/open_comment"; head -c 1000000 /dev/zero | tr '\0' '*' >>"$tmp/giant/open_comment"
printf "'" >"$tmp/giant/open_string"; head -c 1000000 /dev/zero | tr '\0' "'" >>"$tmp/giant/open_string"
head -c 1000000 /dev/urandom >"$tmp/giant/random"
for g in "$tmp"/giant/*; do
    name=$(basename "$g")
    if timeout 120 "$bin" -rss_limit_mb=4096 -timeout=100 "$g" >"$tmp/log" 2>&1; then
        ok "giant input: $name"
    else
        tail -20 "$tmp/log" | sed 's/^/# /'
        not_ok "giant input: $name"
    fi
done
echo "1..$n"
exit $fail
