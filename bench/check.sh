#!/usr/bin/env bash
# bench/check.sh - `stravc check` on generated schemas (bench/gen_schema.sh) of 1,000 and 10,000
# tables, against a plain read of the same bytes (cat > /dev/null) as the floor (bench/lib.sh:
# medians of RUNS >= 5, min, max, peak memory, load average). OLD=path/to/old/stravc adds that
# binary side by side. Usage: [RUNS=5] [OLD=...] bench/check.sh [SIZES...]. Build first: make.
# Target (issue 2): 10,000 tables checked in under 0.2 s with under 200 MB peak memory.
set -eu
cd "$(dirname "$0")/.."
stravc=${STRAVC:-$PWD/build/stravc}
old=${OLD:-}
. bench/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp" "$BENCH_TMP"' EXIT
for size in ${*:-1000 10000}; do
    bench/gen_schema.sh "$size" "$tmp/s$size"
    bytes=$(cat "$tmp/s$size"/public/*.strav | wc -c)
    bench_reset
    for r in $(seq 1 "$RUNS"); do
        bench_one "stravc check" "$stravc" check --schemas "$tmp/s$size"
        [ -z "$old" ] || bench_one "  old: stravc check" "$old" check --schemas "$tmp/s$size"
        bench_one "cat of the same files (floor)" sh -c 'cat "$@" > /dev/null' cat "$tmp/s$size"/public/*.strav
    done
    bench_header "stravc check, $size tables ($bytes bytes; target at 10,000: < 200 ms, < 200 MB)"
    bench_row "stravc check" "cat of the same files (floor)"
    [ -z "$old" ] || bench_row "  old: stravc check" "cat of the same files (floor)"
    bench_row "cat of the same files (floor)"
done
