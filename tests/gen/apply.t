#!/usr/bin/env bash
# apply.t - every golden diff case against a real PostgreSQL server. For tests/golden/diff/<c>:
# generate the migration of old.json (initial) and of new.json (the change) with stravc
# generate; apply them to a fresh database; its catalog must equal a database built from scratch
# from new.json; applying the change's down must restore the catalog of old.json exactly; and
# generating again reports no changes. Cases named error_* must be refused.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
STRAVC=$PWD/$BUILD/stravc
. tests/lib/pg.sh
. tests/lib/migrate.sh
pg_start
work=$(mktemp -d "${TMPDIR:-/tmp}/strav-apply.XXXXXX")
trap 'rm -rf "$work"; pg_stop' EXIT
mig_empty_model "$work/empty.json"
n=0
fail() { echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
for d in tests/golden/diff/*/; do
    d=${d%/}; c=$(basename "$d"); n=$((n + 1))
    m="$work/$c/mig"; scratch="$work/$c/scratch"
    gen() { STRAV_NOW_MS=$1 "$STRAVC" generate -m "$2" --new-json "$3" --migrations "$4" --allow-destructive; }
    gen 1000 initial "$d/old.json" "$m" >/dev/null 2>"$work/err" || { fail "$c: initial generate" "$(cat "$work/err")"; continue; }
    before=$(ls "$m/public" 2>/dev/null | wc -l)   # 0 when the old model is empty
    out=$(gen 2000 change "$d/new.json" "$m" 2>"$work/err"); rc=$?
    if [[ $c == error_* ]]; then
        if [ $rc -eq 1 ] && [ "$(ls "$m/public" 2>/dev/null | wc -l)" -eq "$before" ]; then echo "ok $n - $c: refused, nothing written"
        else fail "$c: expected a refusal" "$out"; fi
        continue
    fi
    [ $rc -eq 0 ] || { fail "$c: generate failed" "$(cat "$work/err")"; continue; }
    db=$(pg_newdb "a_$n") && ref=$(pg_newdb "b_$n") || { fail "$c: createdb"; continue; }
    versions=($(ls "$m/public" 2>/dev/null | sort -n))
    first= change=
    if [ "$c" = create_all ] || [ "$c" = no_change ]; then first=; change=${versions[0]:-}
    else first=${versions[0]}; change=${versions[1]:-}; fi
    if [ -n "$first" ]; then
        mig_apply "$m/public/$first" up "$db" 2>"$work/err" || { fail "$c: apply old" "$(cat "$work/err")"; continue; }
    fi
    before=$(mig_dump "$db")
    if [ -n "$change" ]; then
        mig_apply "$m/public/$change" up "$db" 2>"$work/err" || { fail "$c: apply up" "$(cat "$work/err")"; continue; }
    fi
    gen 3000 scratch "$d/new.json" "$scratch" >/dev/null 2>"$work/err" || { fail "$c: scratch generate" "$(cat "$work/err")"; continue; }
    mig_apply_all "$scratch/public" "$ref" 2>"$work/err" || { fail "$c: apply scratch" "$(cat "$work/err")"; continue; }
    after=$(mig_dump "$db"); want=$(mig_dump "$ref")
    [ "$after" = "$want" ] || { fail "$c: catalog after up differs from scratch" "$(diff <(echo "$want") <(echo "$after") | head -20)"; continue; }
    again=$(gen 4000 again "$d/new.json" "$m" 2>&1)
    [ "$again" = "No changes detected" ] || { fail "$c: not converged" "$again"; continue; }
    if [ -n "$change" ]; then
        mig_apply "$m/public/$change" down "$db" 2>"$work/err" || { fail "$c: apply down" "$(cat "$work/err")"; continue; }
        back=$(mig_dump "$db")
        [ "$back" = "$before" ] || { fail "$c: down did not restore the catalog" "$(diff <(echo "$before") <(echo "$back") | head -20)"; continue; }
    fi
    psql -X -q -d postgres -c "DROP DATABASE a_$n" -c "DROP DATABASE b_$n" >/dev/null
    echo "ok $n - $c: up matches scratch, down restores, converges"
done
echo "1..$n"
