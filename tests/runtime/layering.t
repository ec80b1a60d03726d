#!/usr/bin/env bash
# layering.t - the compiler never depends on the runtime (DESIGN: lower layers never call back
# up): no compiler source except stravc's main.c includes a runtime header, the compiler
# library links on its own (every object of build/libstravc.a, no runtime object), and SHA-256
# has one definition (compiler/sha256.c, the lowest layer), used by the generator's files map
# and the runtime's integrity check alike.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layering.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

bad=
for f in compiler/*.[ch]; do
    [ "$f" = compiler/main.c ] && continue
    for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        [ -f "runtime/$h" ] && [ ! -f "compiler/$h" ] && bad="$bad $f:$h"
    done
done
is "${bad# }" "" "no compiler file (but stravc's main.c) includes a runtime header"

printf 'int main(void) { return 0; }\n' > "$tmp/m.c"
cc -o "$tmp/m" "$tmp/m.c" -Wl,--whole-archive "$BUILD/libstravc.a" -Wl,--no-whole-archive \
    -lutf8proc -ljansson -lcrypto -lpthread 2>"$tmp/err"
# a sanitizer build (BUILD=build-san) also misses the sanitizer runtimes: those do not count
missing=$(grep -o "undefined reference to \`[^']*'" "$tmp/err" | grep -v '__asan\|__ubsan\|__sanitizer\|__lsan' | sort -u)
ok=0
if [ -n "$missing" ] || grep -q 'cannot find\|No such file' "$tmp/err"; then
    ok=1
    sed 's/^/#   /' <<<"$missing" | head -10
fi
is "$ok" 0 "every object of libstravc.a links without the runtime (and without libpq)"

defs=$(grep -lE '^(static )?void sha256_hex\(' compiler/*.c runtime/*.c | tr '\n' ' ')
is "${defs% }" "compiler/sha256.c" "one definition of sha256_hex, in compiler/sha256.c"
users=$(grep -l 'sha256_hex(' compiler/migdir.c runtime/migset.c | tr '\n' ' ')
is "${users% }" "compiler/migdir.c runtime/migset.c" "the generator and the runtime both use it"
done_testing
