# bench/lib.sh - what every bench/*.sh shares: timing one run (wall time in ms from the clock,
# peak resident memory from GNU time), a median/min/max report per case with a ratio to a
# floor measured in the same run, and the load average (2 cores shared by many processes: a
# number means little without it). Source it after cd to the repository root.
#   RUNS=N                      runs per case (default 5; fewer than 5 is raised to 5)
#   bench_header TITLE          prints TITLE, the load average, and the column heads
#   bench_one LABEL [-C DIR] CMD...
#                               runs CMD (an executable, not a shell function) once in DIR,
#                               stdout and stderr dropped, and appends its time and peak memory
#                               to LABEL's samples; a failure is a warning on stderr
#   bench_row LABEL [FLOOR] [NOTE]
#                               prints LABEL's median, min, max (ms), median user + system
#                               time (cpu ms: steadier under load), peak MB and, with FLOOR
#                               (another label), median(LABEL) / median(FLOOR)
#   bench_median LABEL          prints LABEL's median in ms
#   bench_ratio LABEL FLOOR     prints median(LABEL) / median(FLOOR), e.g. 1.05x
#   bench_reset                 forgets every sample
#   bench_trash PATH...         moves each PATH that exists (under TMPDIR) into a trash folder
#                               instead of deleting it; bench_empty_trash (call it
#                               from the EXIT trap) deletes the trash once, after the timings.
# Why not rm -rf between runs: on ext4 without a journal (this VM), the kernel will not reuse an
# inode deleted in the last minutes (fs/ext4/ialloc.c, recently_deleted()), and every new inode
# then scans past them: after deleting a 30,000-file migration, creating the next one took
# 1 ms per inode instead of ~40 us (perf: find_inode_bit -> recently_deleted). A bench that
# deletes its previous output measures that, not the command.
# Alternate the cases inside one loop over the runs (old binary, new binary, floor, ...), so
# that a change of load hits them alike and the ratio stays meaningful.
RUNS=${RUNS:-5}
[ "$RUNS" -ge 5 ] 2>/dev/null || RUNS=5
declare -A BENCH_T BENCH_M BENCH_C
BENCH_TMP=$(mktemp "${TMPDIR:-/tmp}/strav-bench-time.XXXXXX")

bench_reset() { BENCH_T=(); BENCH_M=(); BENCH_C=(); }

BENCH_TRASH= BENCH_TRASH_N=0
bench_trash() {
    local p
    [ -n "$BENCH_TRASH" ] || BENCH_TRASH=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench-trash.XXXXXX")
    for p in "$@"; do
        [ -e "$p" ] || continue
        BENCH_TRASH_N=$((BENCH_TRASH_N + 1))
        mv "$p" "$BENCH_TRASH/$BENCH_TRASH_N" # same file system as TMPDIR: a rename
    done
}
bench_empty_trash() { [ -z "$BENCH_TRASH" ] || rm -rf "$BENCH_TRASH"; }

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

bench_header() {
    printf '\n%s\n  (load average %s; %s runs per case)\n' "$1" "$(bench_load)" "$RUNS"
    printf '  %-50s %9s %8s %8s %8s %8s %7s\n' case "median ms" min max "cpu ms" "peak MB" ratio
}

bench_one() {
    local label=$1 dir=. s e rc kb usr sys
    shift
    if [ "$1" = -C ]; then dir=$2; shift 2; fi
    s=$(date +%s%N)
    (cd "$dir" && exec /usr/bin/time -f '%M %U %S' -o "$BENCH_TMP" "$@" >/dev/null 2>&1)
    rc=$?
    e=$(date +%s%N)
    [ "$rc" = 0 ] || echo "warning: $label: exit status $rc" >&2
    read -r kb usr sys < <(tail -1 "$BENCH_TMP")
    case $kb in *[!0-9]* | '') kb=0 usr=0 sys=0 ;; esac
    BENCH_T[$label]+="$(( (e - s) / 1000 )) "
    BENCH_C[$label]+="$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000000 }') "
    BENCH_M[$label]+="$kb "
    return 0
}

# median, min, max of LABEL's samples (microseconds; cpu: of its user + system time)
_bench_stats() {
    local v=${BENCH_T[$1]:-}
    [ "${2:-}" != cpu ] || v=${BENCH_C[$1]:-}
    tr ' ' '\n' <<<"$v" | grep . | sort -n |
        awk '{ v[NR] = $1 } END { if (!NR) { print "0 0 0"; exit }
             m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             print m, v[1], v[NR] }'
}

bench_median() { _bench_stats "$1" | awk '{ printf "%.1f\n", $1 / 1000 }'; }

bench_ratio() {
    local a b
    read -r a _ _ <<<"$(_bench_stats "$1")"
    read -r b _ _ <<<"$(_bench_stats "$2")"
    awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

bench_row() {
    local label=$1 floor=${2:-} note=${3:-} med min max cpu peak ratio=-
    read -r med min max <<<"$(_bench_stats "$label")"
    read -r cpu _ _ <<<"$(_bench_stats "$label" cpu)"
    peak=$(tr ' ' '\n' <<<"${BENCH_M[$label]:-}" | grep . | sort -n | tail -1)
    [ -z "$floor" ] || ratio=$(bench_ratio "$label" "$floor")
    printf '  %-50s %9.1f %8.1f %8.1f %8.1f %8.1f %7s  %s\n' "$label" \
        "$(awk -v v="$med" 'BEGIN{print v/1000}')" "$(awk -v v="$min" 'BEGIN{print v/1000}')" \
        "$(awk -v v="$max" 'BEGIN{print v/1000}')" "$(awk -v v="$cpu" 'BEGIN{print v/1000}')" \
        "$(awk -v k="${peak:-0}" 'BEGIN { print k / 1024 }')" "$ratio" "$note"
}
