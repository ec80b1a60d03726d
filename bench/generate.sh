#!/usr/bin/env bash
# bench/generate.sh - `stravc generate` on generated schemas (bench/gen_schema.sh) against two
# floors measured in the same runs (bench/lib.sh: medians of RUNS >= 5, min, max, peak memory,
# load average): `stravc check` of the same schemas (loading and checking every table, which
# any generate must do) and, for the initial migration, a plain copy (cp -r) of the directory
# it wrote (the kernel's share of writing ~3 files per table).
#   initial   the first migration of SIZE tables, into an empty migrations folder
#   10%       a second migration after a new nullable column in every tenth table, also against
#             a plain copy (cp -r) of the migration folder it wrote: the kernel's share
#   no cache  the 10% case with STRAV_NO_CACHE=1 (the projects have a .strav/ folder, so
#             generate keeps its cache there: compiler/gencache.h)
#   dd        the 10% case again while dd writes 2 GB to the same file system (generate must
#             not wait for other processes' dirty pages: no syncfs, only its own fdatasync)
# OLD=path/to/old/stravc adds that binary to every case, side by side.
# Usage: [RUNS=5] [OLD=...] bench/generate.sh [SIZES...]   (default 1000 10000). Build first.
# The initial migration creates ~30,000 inodes at 10,000 tables. Nothing is deleted between the
# timed runs: outputs are moved aside (bench_trash, bench/lib.sh says why) and deleted at exit.
# Other processes deleting many files (a test suite) still slow inode creation for minutes:
# compare cases within one run, and at rest.
set -eu
cd "$(dirname "$0")/.."
stravc=${STRAVC:-$PWD/build/stravc}
old=${OLD:-}
. bench/lib.sh
tmp=$(mktemp -d); trap 'bench_empty_trash; rm -rf "$tmp" "$BENCH_TMP"' EXIT

# one project per binary: schemas + a migrations folder holding the initial migration
prepare() { # DIR SIZE
    rm -rf "$1"
    bench/gen_schema.sh "$2" "$1/database/schemas"
    mkdir -p "$1/.strav" # generate's cache (the old binary ignores it)
}
in_dir() { (cd "$1" && shift && "$@"); }
ten_percent() { # DIR: every tenth table gets a column
    local f
    for f in "$1"/database/schemas/public/part*.strav; do
        awk '/^entity item/ { n = substr($2, 5) + 0 } { print } /^  title/ && n % 10 == 0 { print "  extra      text?" }' "$f" >"$f.new" && mv "$f.new" "$f"
    done
}
# generate -m init in DIR, its migrations folder moved aside first (not timed)
gen_initial() { bench_trash "$1/database/migrations"; in_dir "$1" "$2" generate -m init; }
# DIR holds the initial migration and the 10% edit; remove any later migration first
drop_later() {
    local first
    first=$(ls "$1/database/migrations/public" | sort | head -1)
    for v in $(ls "$1/database/migrations/public"); do
        [ "$v" = "$first" ] || bench_trash "$1/database/migrations/public/$v"
    done
}
# the newest version folder of DIR's public domain
latest() { echo "$1/database/migrations/public/$(ls "$1/database/migrations/public" | sort | tail -1)"; }
# new and old binary in turn, the first of the pair alternating between runs
order() { if [ -z "$old" ]; then echo new; elif [ $(($1 % 2)) = 1 ]; then echo new old; else echo old new; fi; }
writer_start() {
    dd if=/dev/zero of="$tmp/writer.bin" bs=1M count=2048 status=none &
    writer_pid=$!
    sleep 0.5
}
writer_stop() {
    kill "$writer_pid" 2>/dev/null || true   # it may have finished: 2 GB in under a second at rest
    wait "$writer_pid" 2>/dev/null || true
    rm -f "$tmp/writer.bin"
}

for size in ${*:-1000 10000}; do
    bench_reset
    P=$tmp/new$size O=$tmp/old$size
    prepare "$P" "$size"
    [ -z "$old" ] || prepare "$O" "$size"
    for r in $(seq 1 "$RUNS"); do
        bench_one "stravc check (floor)" "$stravc" check --schemas "$P/database/schemas"
        for who in $(order "$r"); do
            if [ "$who" = new ]; then
                bench_trash "$P/database/migrations"
                bench_one "generate: initial" -C "$P" "$stravc" generate -m init
                bench_trash "$tmp/copy"
                bench_one "cp -r of the directory it wrote (floor)" cp -r "$P/database/migrations" "$tmp/copy"
            else
                bench_trash "$O/database/migrations"
                bench_one "  old: generate: initial" -C "$O" "$old" generate -m init
            fi
        done
    done
    bench_trash "$tmp/copy"
    files=$(find "$P/database/migrations" -type f | wc -l)
    ten_percent "$P"
    [ -z "$old" ] || ten_percent "$O"
    for dd in no yes; do
        for r in $(seq 1 "$RUNS"); do
            for who in $(order "$r"); do
                d=$P bin=$stravc label="generate: 10% change"
                [ "$who" = new ] || d=$O bin=$old label="  old: generate: 10% change"
                [ "$dd" = no ] || label="$label beside dd of 2 GB"
                drop_later "$d"; sleep 0.01
                [ "$dd" = no ] || writer_start
                bench_one "$label" -C "$d" "$bin" generate -m change
                [ "$dd" = no ] || writer_stop
            done
            if [ "$dd" = no ]; then
                bench_trash "$tmp/copy10"
                bench_one "cp -r of the 10% migration it wrote (floor)" cp -r "$(latest "$P")" "$tmp/copy10"
                drop_later "$P"; sleep 0.01
                bench_one "generate: 10% change, no cache" -C "$P" env STRAV_NO_CACHE=1 "$stravc" generate -m change
            fi
        done
    done
    bench_header "generate, $size tables ($files files in the initial migration; targets at 10,000: initial < 1 s, 10% < 0.2 s, < 200 MB)"
    bench_row "generate: initial" "stravc check (floor)" "$(bench_ratio "generate: initial" "cp -r of the directory it wrote (floor)") of cp -r"
    [ -z "$old" ] || bench_row "  old: generate: initial" "stravc check (floor)" "$(bench_ratio "  old: generate: initial" "cp -r of the directory it wrote (floor)") of cp -r"
    bench_row "cp -r of the directory it wrote (floor)" "stravc check (floor)"
    bench_row "generate: 10% change" "stravc check (floor)" "$(bench_ratio "generate: 10% change" "cp -r of the 10% migration it wrote (floor)") of cp -r"
    [ -z "$old" ] || bench_row "  old: generate: 10% change" "stravc check (floor)" "$(bench_ratio "  old: generate: 10% change" "cp -r of the 10% migration it wrote (floor)") of cp -r"
    bench_row "cp -r of the 10% migration it wrote (floor)" "stravc check (floor)"
    bench_row "generate: 10% change, no cache" "stravc check (floor)"
    bench_row "generate: 10% change beside dd of 2 GB" "stravc check (floor)"
    [ -z "$old" ] || bench_row "  old: generate: 10% change beside dd of 2 GB" "stravc check (floor)"
    bench_row "stravc check (floor)"
    bench_trash "$P" "$O"
done
