#!/usr/bin/env bash
# tests/lsp/fuzz.t - fuzz smoke test of the LSP server's message reader and handlers
# (tests/fuzz/fuzz_lsp.c): build it with clang -fsanitize=fuzzer,address,undefined, run it
# FUZZ_SECONDS (default 15) from hand-written seed streams (a whole session, broken headers,
# huge lengths, bad JSON, wrong types in every field), then feed it a few giant inputs.
# ok = no crash, no leak, no hang. Skipped when clang's libFuzzer is not available.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-15}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lspfuzz.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if ! command -v clang >/dev/null || [ ! -f "$BUILD/gen/parser.c" ] || [ ! -f "$BUILD/gen/lexer.c" ]; then
    echo "1..0 # SKIP clang or $BUILD/gen missing (run make first)"
    exit 0
fi
bin=$tmp/fuzz_lsp
srcs="tests/fuzz/fuzz_lsp.c $(ls compiler/*.c | grep -v -e '/main.c$' -e '/cmd_' -e '/pq_lazy.c$') $BUILD/gen/lexer.c $BUILD/gen/parser.c"
if ! clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DARENA_DEBUG \
        -I compiler -I runtime -I "$BUILD/gen" -o "$bin" $srcs -lutf8proc -ljansson -lcrypto 2>"$tmp/cc"; then
    if grep -q 'libclang_rt.fuzzer\|fuzzer' "$tmp/cc" && ! grep -q 'error:.*\.c:' "$tmp/cc"; then
        echo "1..0 # SKIP libFuzzer not available"
        exit 0
    fi
    sed 's/^/# /' "$tmp/cc" | head -40
    not_ok "build the LSP fuzz target"
    echo "1..$n"
    exit 1
fi
ok "build the LSP fuzz target"

mkdir -p "$tmp/corpus" "$tmp/crash" "$tmp/ws/database/schemas/public"
printf 'entity user {\n  email string @unique\n}\n' >"$tmp/ws/database/schemas/public/user.strav"
f="file://$tmp/ws/database/schemas/public/post.strav"
msg() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
{
    msg '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'
    msg "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$f\",\"text\":\"entity post of user {\\n  a ref(user)\\n  b strng @\\n}\\n\"}}}"
    msg "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"$f\"},\"position\":{\"line\":1,\"character\":3}}}"
    msg "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/definition\",\"params\":{\"textDocument\":{\"uri\":\"$f\"},\"position\":{\"line\":1,\"character\":9}}}"
    msg "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/completion\",\"params\":{\"textDocument\":{\"uri\":\"$f\"},\"position\":{\"line\":2,\"character\":11}}}"
    msg "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"$f\"},\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":2},\"end\":{\"line\":5,\"character\":0}},\"text\":\"x\"}]}}"
    msg "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"textDocument/formatting\",\"params\":{\"textDocument\":{\"uri\":\"$f\"}}}"
    msg "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/documentSymbol\",\"params\":{\"textDocument\":{\"uri\":\"$f\"}}}"
    msg '{"jsonrpc":"2.0","id":6,"method":"shutdown"}'
    msg '{"jsonrpc":"2.0","method":"exit"}'
} >"$tmp/corpus/session"
printf 'Content-Length: 99999999999999999999\r\n\r\n{}' >"$tmp/corpus/huge_length"
printf 'Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}' >"$tmp/corpus/two_lengths"
printf 'content-length:2\n\n{}Content-Length: 3\r\n\r\n[1]' >"$tmp/corpus/lf_only"
printf 'Content-Length: 10\r\n\r\n{"id":{}}' >"$tmp/corpus/truncated"
msg '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":[]}}' >"$tmp/corpus/types"
msg '{"id":1.5,"method":7,"params":null}' >>"$tmp/corpus/types"
msg "{\"id\":2,\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///%00\",\"text\":1}}}" >>"$tmp/corpus/types"
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$tmp/crash/" "$tmp/corpus" >"$tmp/log" 2>&1; then
    ok "fuzz the LSP reader and server for ${secs}s"
else
    tail -40 "$tmp/log" | sed 's/^/# /'
    not_ok "fuzz the LSP reader and server for ${secs}s"
fi

mkdir -p "$tmp/giant"
{ printf 'Content-Length: 1\r\n'; head -c 3000000 /dev/zero | tr '\0' 'x'; } >"$tmp/giant/long_header"
python3 -c "
import sys, json
t = 'entity e {\n' + ''.join('  f%d text @index\n' % i for i in range(5000)) + '}\n'
b = json.dumps({'jsonrpc': '2.0', 'method': 'textDocument/didOpen', 'params': {'textDocument': {'uri': 'file:///nonexistent/x/y.strav', 'text': t}}})
i = json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize', 'params': {}})
sys.stdout.write('Content-Length: %d\r\n\r\n%s' % (len(i), i) + 'Content-Length: %d\r\n\r\n%s' % (len(b), b))
" >"$tmp/giant/big_document"
head -c 1000000 /dev/urandom >"$tmp/giant/random"
printf '[' >"$tmp/giant/deep"; head -c 100000 /dev/zero | tr '\0' '[' >>"$tmp/giant/deep"
{ printf 'Content-Length: 100001\r\n\r\n'; cat "$tmp/giant/deep"; } >"$tmp/giant/deep_json"
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
