#!/usr/bin/env bash
# bench/online.sh - writers' latency while a migration runs, plain against --online
# (docs/online.md, "Under load"). On a throwaway server: a table of ROWS rows (default
# 1,000,000), pgbench CLIENTS writers (default 4; single-row UPDATEs and INSERTs) running for
# DURATION seconds (default 30), and after LEAD seconds (default 3) one migration of one change
# kind: add index, add FK, set NOT NULL, add unique, add column with default, type change; each
# generated once plain and once with --online. From pgbench's per-transaction log: the writers'
# p99 and maximum latency (the longest any writer was held up), and the migration's duration.
# Prints a markdown table (and TSV lines "kind mode p99_ms max_ms migrate_ms tx" to $TSV when
# set). KINDS and MODES (default: all; e.g. MODES=online) narrow the runs.
# Usage: bench/online.sh            (from the repository root, after make)
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
STRAVC=$ROOT/$BUILD/stravc
STRAV_RUN=$ROOT/$BUILD/strav-run
ROWS=${ROWS:-1000000}
CLIENTS=${CLIENTS:-4}
DURATION=${DURATION:-30}
LEAD=${LEAD:-3}
KINDS=${KINDS:-"index fk notnull unique default type"}
MODES=${MODES:-"plain online"}
. tests/lib/pg.sh
pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench-online.XXXXXX")
chmod 777 "$W"
trap 'rm -rf "$W"; pg_stop' EXIT
export NO_COLOR=1

base='table acct {
  id int @primary
}
table item {
  id    int @primary
  acct  int
  price int?
  code  text
  n     int
}'
target() { # KIND: the schema after the change
    case $1 in
    index) sed 's/^  n     int$/  n     int\n  @@index(price)/' <<<"$base" ;;
    fk) sed 's/^  n     int$/  n     int\n  @@foreign(acct, references: acct)/' <<<"$base" ;;
    notnull) sed 's/^  price int?$/  price int/' <<<"$base" ;;
    unique) sed 's/^  code  text$/  code  text @unique/' <<<"$base" ;;
    default) sed 's/^  n     int$/  n     int\n  flag  bool = false/' <<<"$base" ;;
    type) sed 's/^  n     int$/  n     bigint/' <<<"$base" ;;
    esac
}
cat > "$W/writer.sql" <<'X'
\set id random(1, :rows)
UPDATE item SET n = n + 1 WHERE id = :id;
INSERT INTO item (id, acct, price, code, n) SELECT v, 1 + v % 100, 1, 'i' || v, 0 FROM nextval('bench_ins') v;
X
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

printf '| change | mode | writers p99 (ms) | writers max (ms) | migration (ms) | transactions |\n|---|---|---|---|---|---|\n'
for kind in $KINDS; do
    for mode in $MODES; do
        P=$W/$kind-$mode
        mkdir -p "$P/database/schemas/public"
        cd "$P" || exit 1
        echo "$base" > database/schemas/public/s.strav
        STRAV_NOW_MS=1000 "$STRAVC" generate -m base >/dev/null 2>&1
        db=b_${kind}_$mode
        psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
        export PGDATABASE=$db
        "$STRAV_RUN" migrate >/dev/null 2>&1 || { echo "base migrate failed" >&2; exit 1; }
        psql -q -c "INSERT INTO acct SELECT g FROM generate_series(1, 100) g;
                    INSERT INTO item SELECT g, 1 + g % 100, 1 + g % 7, 'c' || g, 0 FROM generate_series(1, $ROWS) g;
                    CREATE SEQUENCE bench_ins START $((ROWS + 1));" >/dev/null
        psql -q -c "VACUUM ANALYZE item" >/dev/null
        target "$kind" > database/schemas/public/s.strav
        STRAV_NOW_MS=2000 "$STRAVC" generate -m change --allow-destructive $([ "$mode" = online ] && echo --online) >/dev/null 2>&1
        cd "$W" || exit 1
        rm -f "$W"/log_"$db"*
        pgbench -n -f "$W/writer.sql" -D rows="$ROWS" -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" \
            -l --log-prefix="$W/log_$db" "$db" >"$W/pgbench_$db.out" 2>&1 &
        pb=$!
        sleep "$LEAD"
        cd "$P" || exit 1
        t0=$(ms_now)
        "$STRAV_RUN" migrate >"$W/migrate_$db.out" 2>&1
        mrc=$?
        mig=$(( $(ms_now) - t0 ))
        cd "$W" || exit 1
        wait "$pb"
        [ -n "${BENCH_DEBUG:-}" ] && cat "$W/pgbench_$db.out" "$W/migrate_$db.out" >&2
        [ $mrc = 0 ] || mig="failed ($(tail -1 "$W/migrate_$db.out"))"
        # per-transaction log: client tx latency_us script epoch epoch_us
        stats=$(cat "$W"/log_"$db"* 2>/dev/null | awk '{print $3}' | sort -n |
            awk '{v[NR] = $1} END {if (NR) {i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f %.1f %d", v[i] / 1000, v[NR] / 1000, NR} else print "- - 0"}')
        read -r p99 max ntx <<<"$stats"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$kind" "$mode" "$p99" "$max" "$mig" "$ntx"
        [ -n "${TSV:-}" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$mode" "$p99" "$max" "$mig" "$ntx" >>"$TSV"
        psql -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
    done
done
