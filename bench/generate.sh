#!/usr/bin/env bash
# bench/generate.sh - time and peak memory of `stravc generate` on generated schemas
# (bench/gen_schema.sh): the initial migration, then a migration changing 10% of the tables
# (a new nullable column in every tenth table). Usage: bench/generate.sh [SIZES...]
# (default 1000 10000). Build first: make. Targets (issue 3): initial 10,000 tables < 1 s,
# 10% change of 10,000 tables < 0.2 s. "seconds" is wall time (it includes the fdatasync of the
# snapshot and the manifest, not other processes' writes); "cpu s" is user + system time, the
# steadier number on a shared machine. WRITER=1 runs a concurrent 2 GB writer (dd) during each
# generate, to show that generate does not wait for other processes' dirty pages. Take the best of a few runs.
# The initial migration creates ~30,000 inodes (10,000 table directories, 20,000 files): on
# ext4 without a journal (this VM) inode allocation scans recently deleted inodes, so right
# after a mass delete (a previous run's cleanup, another test suite) its system time grows
# several-fold. Numbers that matter are from a file system at rest.
set -eu
cd "$(dirname "$0")/.."
stravc=${STRAVC:-$PWD/build/stravc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# A concurrent writer of dirty pages on the same file system, started before a timed run.
writer() {
    [ "${WRITER:-0}" = 1 ] || return 0
    dd if=/dev/zero of="$tmp/writer.bin" bs=1M count=2048 status=none &
    writer_pid=$!
    sleep 0.5
}
writer_stop() {
    [ -n "${writer_pid:-}" ] || return 0
    kill "$writer_pid" 2>/dev/null; wait "$writer_pid" 2>/dev/null || true
    rm -f "$tmp/writer.bin"; writer_pid=
}
printf '%-8s %-8s %10s %10s %10s %8s\n' tables step seconds "cpu s" "peak MB" files
for size in "${@:-1000 10000}"; do
  for size1 in $size; do
    d=$tmp/p$size1
    bench/gen_schema.sh "$size1" "$d/database/schemas"
    cd "$d"
    writer
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$stravc" generate -m init >/dev/null
    writer_stop
    read -r secs kb usr sys <"$tmp/time"
    files=$(find database/migrations -type f | wc -l)
    printf '%-8s %-8s %10s %10.2f %10.1f %8s\n' "$size1" initial "$secs" "$(echo "$usr + $sys" | bc)" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$files"
    # every tenth table gets a column
    for f in database/schemas/public/part*.strav; do
      awk '/^entity item/ { n = substr($2, 5) + 0 } { print } /^  title/ && n % 10 == 0 { print "  extra      text?" }' "$f" >"$f.new" && mv "$f.new" "$f"
    done
    writer
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$stravc" generate -m change >/dev/null
    writer_stop
    read -r secs kb usr sys <"$tmp/time"
    files=$(find database/migrations -type f | wc -l)
    printf '%-8s %-8s %10s %10.2f %10.1f %8s\n' "$size1" "10%" "$secs" "$(echo "$usr + $sys" | bc)" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$files"
    cd - >/dev/null
  done
done
