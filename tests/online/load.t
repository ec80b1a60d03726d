#!/usr/bin/env bash
# load.t - the short version of bench/online.sh: with pgbench writers running (single-row
# UPDATEs and INSERTs on a table of 20,000 rows), each change kind with an online form (add
# index, add FK, SET NOT NULL, add unique) is applied with --online; from pgbench's
# per-transaction log no writer may wait longer than the lock timeout (1 s) plus a generous
# margin (2 s: the machine is shared). The kinds without an online form (column with default,
# type change) must still apply. Timings are not asserted beyond that bound.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
command -v pgbench >/dev/null || { echo "1..0 # SKIP no pgbench"; exit 0; }
TSV=$(mktemp "${TMPDIR:-/tmp}/strav-load.XXXXXX")
trap 'rm -f "$TSV"' EXIT
TSV=$TSV ROWS=20000 DURATION=${LOAD_DURATION:-6} LEAD=2 MODES=online bench/online.sh >/dev/null 2>&1
while IFS=$'\t' read -r kind mode p99 max mig ntx; do
    case $mig in failed*) ok=0 ;; *) ok=1 ;; esac
    is "$ok" 1 "$kind --online applies under load ($mig ms, $ntx writer transactions)"
    check "$kind: writers ran throughout" test "$ntx" -gt 100
    case $kind in
    index | fk | notnull | unique)
        check "$kind: no writer waited longer than lock_timeout + 2 s (max $max ms, p99 $p99 ms)" \
            awk -v m="$max" 'BEGIN { exit !(m + 0 < 3000) }' ;;
    esac
done <"$TSV"
is "$(wc -l <"$TSV")" 6 "all six change kinds ran"
done_testing
