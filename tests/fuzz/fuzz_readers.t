#!/usr/bin/env bash
# tests/fuzz/fuzz_readers.t - fuzz smoke test of the two readers of files people edit and merge
# by hand: the runtime's manifest reader (tests/fuzz/fuzz_manifest.c: runtime/migset.c with
# runtime/sqlsplit.c) and the snapshot reader (tests/fuzz/fuzz_model_json.c: compiler/
# model_json.c's model_json_read, with a write/read round trip). Both are built with clang
# -fsanitize=fuzzer,address,undefined from one set of objects, seeded from the fixtures
# (tests/fixtures/migrations/**/manifest.json with one of their SQL files, the golden models),
# and run FUZZ_SECONDS each (default 20). ok = no crash, leak, hang or round-trip difference.
# Skipped when clang's libFuzzer is not available.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_readers.t.XXXXXX")
# the manifest harness rebuilds a directory tree per run: on tmpfs that is five times faster
ftmp=$(mktemp -d /dev/shm/strav-fuzz.XXXXXX 2>/dev/null || echo "$tmp")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp" "$ftmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if ! command -v clang >/dev/null || [ ! -f "$BUILD/gen/parser.c" ] || [ ! -f "$BUILD/gen/lexer.c" ]; then
    echo "1..0 # SKIP clang or $BUILD/gen missing (run make first)"
    exit 0
fi
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-sanitize-recover=all
       -DARENA_DEBUG -I compiler -I runtime -I $BUILD/gen $(pg_config --includedir 2>/dev/null | sed 's/^/-I/')"
srcs="$(ls compiler/*.c | grep -v -e '^compiler/main.c$' -e '^compiler/pq_lazy.c$')
      runtime/migset.c runtime/listcache.c runtime/sqlsplit.c $BUILD/gen/lexer.c $BUILD/gen/parser.c"
mkdir -p "$tmp/obj"
# shellcheck disable=SC2086
if ! printf '%s\n' $srcs | xargs -P 2 -I{} sh -c 'clang '"$(echo $flags)"' -fsanitize=fuzzer-no-link,address,undefined -c -o "'"$tmp"'/obj/$(echo {} | tr / _).o" {}' 2>"$tmp/cc"; then
    sed 's/^/# /' "$tmp/cc" | head -20
    not_ok "build the reader objects"
    echo "1..$n"
    exit 1
fi
for t in manifest model_json; do
    # shellcheck disable=SC2086
    if ! clang $flags -fsanitize=fuzzer,address,undefined -o "$tmp/fuzz_$t" "tests/fuzz/fuzz_$t.c" \
            "$tmp"/obj/*.o -ljansson -lcrypto -lutf8proc -lpthread 2>"$tmp/cc"; then
        if grep -q 'libclang_rt.fuzzer\|fuzzer' "$tmp/cc" && ! grep -q 'error:.*\.c:' "$tmp/cc"; then
            echo "1..0 # SKIP libFuzzer not available"
            exit 0
        fi
        sed 's/^/# /' "$tmp/cc" | head -20
        not_ok "build fuzz_$t"
        continue
    fi
    ok "build fuzz_$t"
done

# seeds: every fixture manifest (its version made the harness's), followed by a NUL and the
# first SQL file it lists; a seed-format manifest; the golden models, indented and compact
mkdir -p "$tmp/seed_manifest" "$tmp/seed_model_json" "$tmp/crash"
i=0
for m in tests/fixtures/migrations/*/*/*/manifest.json; do
    i=$((i + 1))
    d=$(dirname "$m")
    f=$(jq -r '.executionOrder.up[0] // empty' "$m" 2>/dev/null)
    { sed -E 's/"version": *"[0-9]+"/"version": "1720000000001"/' "$m"; printf '\0';
      [ -n "$f" ] && [ -f "$d/$f" ] && cat "$d/$f"; } > "$tmp/seed_manifest/fixture_$i"
done
printf '{"version": "1720000000001", "message": "m", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["a/up.sql"], "down": ["a/down.sql"]}}\0CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nDO $$ BEGIN COMMIT; END $$;\n' > "$tmp/seed_manifest/seed_format"
for m in tests/golden/model/*/expected.json; do
    name=$(basename "$(dirname "$m")")
    jq '.domains[0]' "$m" > "$tmp/seed_model_json/$name" 2>/dev/null
    jq -c '.domains[0]' "$m" > "$tmp/seed_model_json/$name.compact" 2>/dev/null
done
for t in manifest model_json; do
    [ -x "$tmp/fuzz_$t" ] || continue
    if (cd "$tmp" && TMPDIR=$ftmp "./fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -max_len=65536 -artifact_prefix="$tmp/crash/$t-" "$tmp/seed_$t") >"$tmp/log" 2>&1; then
        ok "fuzz the $t reader for ${secs}s ($(grep -oE 'Done [0-9]+ runs' "$tmp/log" | tail -1 | tr -dc 0-9) runs)"
    else
        tail -40 "$tmp/log" | sed 's/^/# /'
        for c in "$tmp"/crash/$t-*; do [ -f "$c" ] && { echo "# input:"; od -c "$c" | head -10 | sed 's/^/#   /'; }; done
        not_ok "fuzz the $t reader for ${secs}s"
    fi
done
echo "1..$n"
exit $fail
