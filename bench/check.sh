#!/usr/bin/env bash
# bench/check.sh - how long `stravc check` takes on generated schemas of 1,000 and 10,000
# tables, and its peak memory (GNU time's maximum resident set size).
# Usage: bench/check.sh [SIZES...]   (default: 1000 10000). Build first: make.
# Target (issue 2): 10,000 tables checked in under 0.2 s with under 200 MB peak memory.
set -eu
cd "$(dirname "$0")/.."
stravc=${STRAVC:-build/stravc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-8s %10s %12s %10s\n' tables seconds "peak MB" "bytes in"
for n in "${@:-1000 10000}"; do
  for size in $n; do
    bench/gen_schema.sh "$size" "$tmp/s$size"
    bytes=$(cat "$tmp/s$size"/public/*.strav | wc -c)
    best=999999
    for run in 1 2 3; do
      /usr/bin/time -f '%e %M' -o "$tmp/time" "$stravc" check --schemas "$tmp/s$size" >/dev/null
      read -r secs kb < "$tmp/time"
      best=$(awk -v a="$best" -v b="$secs" 'BEGIN { print (b < a) ? b : a }')
    done
    printf '%-8s %10s %12.1f %10s\n' "$size" "$best" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$bytes"
  done
done
