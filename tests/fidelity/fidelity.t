#!/usr/bin/env bash
# fidelity.t - the adoption path, measured on hand-written DDL (tests/fidelity/cases/<name>/
# a.sql and b.sql, two PostgreSQL states written the way people write DDL, never by Strav).
# For every case, exactly the procedure of issue 9:
#   build A and B in two databases; `stravc pull` both; generate A's migration from pulled A and
#   `strav migration:baseline` it on A; replace the schemas with pulled B, generate and
#   `strav migrate` A (generate gets --allow-destructive: B is what the author wants);
#   pg_dump --schema-only of A must equal B's; `stravc diff --database --strict` on A must be
#   clean (exit 0: no difference and nothing outside the model); `strav rollback` (the batch after the baseline) must give back the dump of the
#   original A. Whatever pull warns about counts as a failure (the model could not hold it).
# Dumps are normalised only by dropping comment lines, SET lines, blank lines and Strav's
# tracking tables (_strav_*); nothing else is forgiven (column order included).
# A case may hold `schemas` (one line: the PostgreSQL schemas to pull, default public; a schema a
# state lacks is not pulled, so that state's project has no such domain) and
# `hints.sh` (run in the project after B is pulled: the author's rename hints, e.g. @was) and
# `order` (one line: the domains in the order B's changes are generated and migrated, default
# the schemas order: a domain that stops using another's table goes before the one dropping it).
# One TAP line per case; the closing comment gives the pass rate. CASE=name runs one case,
# KEEP=1 keeps the work directory, CASES=DIR reads the cases from DIR.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
B=$ROOT/${BUILD:-build}
. tests/lib/pg.sh
pg_start
W=$PG_TMP/work
mkdir -p "$W"
export NO_COLOR=1
n=0 pass=0

dump() {   # dump DB: normalised schema-only dump
    pg_dump --schema-only --exclude-table='*._strav_*' -d "$1" |
        grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^$' \
            -e '^\\restrict' -e '^\\unrestrict'
}

step() {   # step WHAT CMD...: run CMD in the project, record the failing step
    local what=$1; shift
    "$@" >"$C/out" 2>&1
    local rc=$?
    cat "$C/out" >>"$C/log"
    if [ $rc -ne 0 ]; then why="$what (exit $rc)"; return 1; fi
    return 0
}

pull_all() {   # pull_all DB DIR: pull every schema of the case into DIR
    local db=$1 dir=$2 s dom
    rm -rf "$dir"; mkdir -p "$dir/public"
    for s in $schemas; do
        dom=$s
        # a schema the state does not have is a domain the author does not have yet
        [ "$(psql -X -At -d "$db" -c "SELECT count(*) FROM pg_namespace WHERE nspname = '$s'")" = 1 ] || continue
        "$B/stravc" pull --database "$db" -s "$dom" --schemas "$dir" >"$C/out" 2>&1 ||
            { cat "$C/out" >>"$C/log"; why="pull $s (exit $?)"; return 1; }
        cat "$C/out" >>"$C/log"
        # whatever pull warns about is a difference the model cannot hold: not exact
        if grep -q 'warning' "$C/out"; then why="pull $s warns: $(grep -m1 warning "$C/out")"; return 1; fi
    done
}

for_each_domain() {   # for_each_domain CMD...: run CMD with -s DOMAIN for every schema
    local s
    for s in $schemas; do "$@" -s "$s" || return 1; done
}

run_case() {
    local name=$1 d=$ROOT/${CASES:-tests/fidelity/cases}/$1
    C=$W/$name; rm -rf "$C"; mkdir -p "$C/p/database"
    schemas=public
    [ -f "$d/schemas" ] && schemas=$(cat "$d/schemas")
    local dba dbb
    dba=$(pg_newdb "a_$name") && dbb=$(pg_newdb "b_$name") || { why="createdb"; return 1; }
    psql -X -q -v ON_ERROR_STOP=1 -d "$dba" -f "$d/a.sql" >"$C/log" 2>&1 || { why="a.sql does not load"; return 1; }
    psql -X -q -v ON_ERROR_STOP=1 -d "$dbb" -f "$d/b.sql" >>"$C/log" 2>&1 || { why="b.sql does not load"; return 1; }
    dump "$dba" >"$C/a.dump"; dump "$dbb" >"$C/b.dump"
    pull_all "$dba" "$C/pull_a" || return 1
    pull_all "$dbb" "$C/pull_b" || return 1
    cd "$C/p" || return 1
    cp -r "$C/pull_a" database/schemas
    local s
    for s in $schemas; do
        [ -d "database/schemas/$s" ] || continue   # A has no such schema: no domain yet
        step "generate A ($s)" "$B/stravc" generate -m adopt -s "$s" || return 1
        local v
        v=$(ls "database/migrations/$s" 2>/dev/null | grep -E '^[0-9]+$' | sort | tail -1)
        if [ -z "$v" ]; then   # nothing to adopt only when A has nothing in that schema
            ls database/schemas/"$s"/*.strav >/dev/null 2>&1 && { why="generate A wrote no migration for $s"; return 1; }
            continue
        fi
        step "baseline A ($s)" "$B/strav" migration:baseline --database "$dba" -s "$s" --version "$v" || return 1
    done
    rm -rf database/schemas; cp -r "$C/pull_b" database/schemas
    [ -f "$d/hints.sh" ] && { (cd database/schemas && . "$d/hints.sh") || { why="hints.sh"; return 1; }; }
    local changed= order=$schemas
    [ -f "$d/order" ] && order=$(cat "$d/order")
    for s in $order; do
        local before after
        before=$(ls "database/migrations/$s" 2>/dev/null | grep -cE '^[0-9]+$')
        step "generate B ($s)" "$B/stravc" generate -m change --allow-destructive -s "$s" || return 1
        after=$(ls "database/migrations/$s" 2>/dev/null | grep -cE '^[0-9]+$')
        [ "$after" -gt "$before" ] && changed="$s $changed"   # rolled back in reverse order
    done
    for s in $order; do
        step "migrate A ($s)" "$B/strav" migrate --database "$dba" -s "$s" || return 1
    done
    dump "$dba" >"$C/a2.dump"
    diff -u "$C/b.dump" "$C/a2.dump" >"$C/out" || { cat "$C/out" >>"$C/log"; why="migrated A differs from B"; return 1; }
    for s in $schemas; do
        step "diff --database --strict ($s)" "$B/stravc" diff --database "$dba" --strict -s "$s" || return 1
    done
    for s in $changed; do   # only the batch after the baseline: a domain B left alone has none
        step "rollback ($s)" "$B/strav" rollback --database "$dba" -s "$s" || return 1
    done
    dump "$dba" >"$C/a3.dump"
    diff -u "$C/a.dump" "$C/a3.dump" >"$C/out" || { cat "$C/out" >>"$C/log"; why="rolled-back A differs from A"; return 1; }
    return 0
}

for d in "${CASES:-tests/fidelity/cases}"/*/; do
    name=$(basename "$d")
    [ -n "${CASE:-}" ] && [ "$CASE" != "$name" ] && continue
    n=$((n + 1)); why=
    if run_case "$name" 2>/dev/null; then
        cd "$ROOT" || exit 1
        pass=$((pass + 1)); echo "ok $n - $name"
    else
        cd "$ROOT" || exit 1
        echo "not ok $n - $name: $why"
        sed 's/^/#   /' "$W/$name/log" 2>/dev/null | tail -40
    fi
done
echo "# fidelity: $pass/$n cases exact"
echo "1..$n"
[ -n "${KEEP:-}" ] && { cp -r "$W" "${TMPDIR:-/tmp}/strav-fidelity.$$"; echo "# work kept in ${TMPDIR:-/tmp}/strav-fidelity.$$"; }
exit 0
