#!/usr/bin/env bash
# random.t - randomized model pairs (tests/gen/randmodels.py, seeded: RANDOM_SEED, default 42;
# RANDOM_CASES, default 150) checked on one PostgreSQL server, one schema per database state:
# the old model's migration, then the change, applied up must give the catalog of the new model
# built from scratch; down must restore the old catalog; generating again reports no changes.
# And the adoption path on every new state: `stravc pull` of it must write files that compile
# and that `stravc diff --database --strict` finds in sync with it (issue 9).
# RANDOM_SHARD=K/N checks only the cases K, K+N, K+2N... of the same generated set, so that
# tests/run can run the halves side by side: this file is 1/2 unless told, random_2.t is 2/2;
# RANDOM_SHARD=1/1 checks every case in one run.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
STRAVC=$PWD/$BUILD/stravc
seed=${RANDOM_SEED:-42}
cases=${RANDOM_CASES:-150}
shard=${RANDOM_SHARD:-1/2}
shard_k=${shard%/*} shard_n=${shard#*/}
case "$shard_k/$shard_n" in
    [1-9]/[1-9]|[1-9]/[1-9][0-9]) [ "$shard_k" -le "$shard_n" ] || { echo "Bail out! RANDOM_SHARD=$shard"; exit 1; } ;;
    *) echo "Bail out! RANDOM_SHARD must be K/N, got '$shard'"; exit 1 ;;
esac
. tests/lib/pg.sh
. tests/lib/migrate.sh
pg_start
work=$(mktemp -d "${TMPDIR:-/tmp}/strav-random.XXXXXX")
trap 'rm -rf "$work"; pg_stop' EXIT
python3 tests/gen/randmodels.py "$seed" "$cases" "$work/cases" || { echo "Bail out! generator failed"; exit 1; }
db=$(pg_newdb random)
echo "# seed $seed, $cases cases, shard $shard"
gen() { STRAV_NOW_MS=$1 "$STRAVC" generate -m "$2" --new-json "$3" --migrations "$4" --allow-destructive; }
# dump one schema with its name replaced, so two schemas compare
sdump() { mig_dump "$db" -n "$1" | sed "s/\b$1\b/S/g"; }
n=0 bad=0 k=0
for d in "$work"/cases/*/; do
    k=$((k + 1))
    [ $(( (k - 1) % shard_n + 1 )) = "$shard_k" ] || continue
    d=${d%/}; i=$(basename "$d"); n=$((n + 1))
    m="$d/mig"; s="$d/scratch"; a="s${i}_a"; b="s${i}_b"
    psql -X -q -d "$db" -c "CREATE SCHEMA $a" -c "CREATE SCHEMA $b" >/dev/null
    err() { bad=$((bad + 1)); echo "not ok $n - case $i (seed $seed): $1"; sed 's/^/# /' "$d/err" | head -15; }
    gen 1000 old "$d/old.json" "$m" >/dev/null 2>"$d/err" || { err "generate old"; continue; }
    gen 2000 new "$d/new.json" "$m" >/dev/null 2>"$d/err" || { err "generate change"; continue; }
    gen 1000 scratch "$d/new.json" "$s" >/dev/null 2>"$d/err" || { err "generate scratch"; continue; }
    vs=($(ls "$m/public" | sort -n))
    PGOPTIONS="-c search_path=$a" mig_apply "$m/public/${vs[0]}" up "$db" 2>"$d/err" || { err "apply old"; continue; }
    before=$(sdump "$a")
    if [ ${#vs[@]} -gt 1 ]; then
        PGOPTIONS="-c search_path=$a" mig_apply "$m/public/${vs[1]}" up "$db" 2>"$d/err" || { err "apply up"; continue; }
    fi
    PGOPTIONS="-c search_path=$b" mig_apply_all "$s/public" "$db" 2>"$d/err" || { err "apply scratch"; continue; }
    after=$(sdump "$a"); want=$(sdump "$b")
    if [ "$after" != "$want" ]; then diff <(echo "$want") <(echo "$after") >"$d/err"; err "up differs from scratch"; continue; fi
    again=$(gen 3000 again "$d/new.json" "$m" 2>&1)
    [ "$again" = "No changes detected" ] || { echo "$again" >"$d/err"; err "not converged"; continue; }
    if [ ${#vs[@]} -gt 1 ]; then
        PGOPTIONS="-c search_path=$a" mig_apply "$m/public/${vs[1]}" down "$db" 2>"$d/err" || { err "apply down"; continue; }
        back=$(sdump "$a")
        if [ "$back" != "$before" ]; then diff <(echo "$before") <(echo "$back") >"$d/err"; err "down did not restore"; continue; fi
    fi
    # pull -> compile -> diff against the same database is clean
    pr="$d/pulled"; mkdir -p "$pr/public"
    "$STRAVC" pull --database "$db" --pg-schema "$b" -s public --schemas "$pr" >"$d/err" 2>&1 || { err "pull"; continue; }
    if grep -q '^warning' "$d/err"; then err "pull warns"; continue; fi
    "$STRAVC" diff --database "$db" --schemas "$pr" -s public --strict >"$d/err" 2>&1 || { err "pulled files are not in sync with the database they came from"; continue; }
    echo "ok $n - case $i"
done
echo "1..$n"
