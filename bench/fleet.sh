#!/usr/bin/env bash
# bench/fleet.sh - a fleet rollout's throughput: `strav migrate --targets` of a small migration
# (two tables, a foreign key, an index) over 100 databases on three throwaway servers
# (tests/lib/fleet.sh), at --jobs 1, 4 and 8, in targets per minute, against the time of one
# `strav migrate --database` on one database times 100. Between runs the fleet is rolled back
# (untimed). Prints a table; the machine's load is printed too, as it moves the numbers.
#   bench/fleet.sh [RUNS]     (best of RUNS per setting, default 3)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
STRAV=$PWD/$BUILD/strav
ROOT=$PWD
RUNS=${1:-3}
N=100
. tests/lib/pg.sh
. tests/lib/fleet.sh
fleet_start 3
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench-fleet.XXXXXX")
trap 'rm -rf "$W"; fleet_stop' EXIT
now() { date +%s%N; }
secs() { echo "scale=3; ($2 - $1) / 1000000000" | bc; }
best() { sort -n | head -1; }

for s in 1 2 3; do
    names=()
    for i in $(seq 1 $N); do [ $(( (i - 1) % 3 + 1 )) = "$s" ] && names+=("b$i"); done
    fleet_newdbs "$s" "${names[@]}" &
done
wait
fleet_newdbs 1 single
for i in $(seq 1 $N); do echo "b$i - $(fleet_conninfo $(( (i - 1) % 3 + 1 )) "b$i")"; done > "$W/targets"

cd "$W"
mkdir -p database/schemas/public
V=database/migrations/public/1700000000001
mkdir -p $V/tables/accounts $V/tables/orders $V/indexes
printf 'CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());\n' > $V/tables/accounts/up.sql
printf 'DROP TABLE accounts;\n' > $V/tables/accounts/down.sql
printf 'CREATE TABLE orders (id bigserial PRIMARY KEY, account bigint NOT NULL REFERENCES accounts, total numeric(12, 2) NOT NULL DEFAULT 0);\n' > $V/tables/orders/up.sql
printf 'DROP TABLE orders;\n' > $V/tables/orders/down.sql
printf 'CREATE INDEX orders_account_idx ON orders (account);\n' > $V/indexes/up.sql
printf 'DROP INDEX orders_account_idx;\n' > $V/indexes/down.sql
printf '%s\n' tables/accounts/up.sql tables/orders/up.sql indexes/up.sql > $V/order.up
printf '%s\n' indexes/down.sql tables/orders/down.sql tables/accounts/down.sql > $V/order.down
"$ROOT/tests/lib/mkmanifest.sh" $V public "Accounts and orders"

one=$(fleet_conninfo 1 single)
single=$(for _ in $(seq 1 $((RUNS * 3))); do
    t0=$(now); "$STRAV" migrate --database "$one" >/dev/null; t1=$(now)
    "$STRAV" rollback --database "$one" >/dev/null
    secs "$t0" "$t1"
done | best)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPU(s)"
echo "one database: ${single}s per migrate; x $N = $(echo "$single * $N" | bc)s ($(echo "scale=0; 60 / $single" | bc) targets/min)"
printf '%-8s %10s %14s %12s\n' jobs seconds targets/min "vs x$N"
for j in 1 4 8; do
    t=$(for _ in $(seq 1 "$RUNS"); do
        t0=$(now)
        "$STRAV" migrate --targets targets --jobs "$j" >out.txt 2>&1 || { tail -5 out.txt >&2; exit 1; }
        t1=$(now)
        "$STRAV" rollback --targets targets --jobs 8 >/dev/null 2>&1
        secs "$t0" "$t1"
    done | best)
    printf '%-8s %10s %14s %11sx\n' "$j" "$t" "$(echo "scale=0; $N * 60 / $t" | bc)" \
        "$(echo "scale=2; $single * $N / $t" | bc)"
done
