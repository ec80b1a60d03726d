#!/usr/bin/env bash
# bench/introspect.sh - introspection of N tables (4 columns, a FK to the previous table, an
# expression index each) in schema app on a throwaway server: in-process (test_adopt), and
# `stravc pull` of the same schema into a new folder, against the floors measured in the same
# runs (bench/lib.sh: medians of RUNS >= 5, min, max, cpu, peak memory, load average):
#   psql, the same queries   the introspection's queries as a psql script (the server's
#                            share: STRAV_INTROSPECT_SQL=FILE makes introspection dump them)
#   cp -r                    a plain copy of the folder pull wrote (the kernel's share)
#   psql -c 'select 1'       a connection and nothing else
# OLD=path/to/old/build adds that tree's test_adopt and stravc, side by side, alternated.
# Folders go to a trash folder between runs and are deleted at the end (bench/pull.sh says
# why). STRAV_INTROSPECT_TRACE=1 prints each query's time (a one-off look, not a bench).
# Usage: [RUNS=5] [OLD=...] bench/introspect.sh [N...]   (default: 1000 10000). `make` first.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
old=${OLD:-}
. bench/lib.sh
. tests/lib/pg.sh
PG_START_OPTS="-c max_locks_per_transaction=1024" pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
mkdir "$W/trash"
trap 'rm -rf "$W" "$BENCH_TMP"; pg_stop' EXIT
k=0
trash() { local d; for d in "$@"; do [ ! -e "$d" ] || mv "$d" "$W/trash/$((k += 1))"; done; }
for n in ${*:-1000 10000}; do
    db=$(pg_newdb "bench_$n")
    psql "$db" -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA app' >/dev/null
    psql "$db" -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = app;
SET client_min_messages = warning;
DO \$\$
BEGIN
    FOR i IN 1..$n LOOP
        EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, name varchar(100) NOT NULL DEFAULT %L,
                        prev_id integer %s, created_at timestamptz NOT NULL DEFAULT now())',
                       i, 'x', CASE WHEN i > 1 THEN format('REFERENCES t%s (id)', i - 1) ELSE '' END);
        EXECUTE format('CREATE INDEX idx_t%s_name ON t%s (lower(name))', i, i);
        IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP;
END
\$\$;
SQL
    rm -f "$W/q.sql" # the queries as a psql script; this also warms the server's caches
    STRAV_INTROSPECT_SQL="$W/q.sql" "$BUILD/tests/test_adopt" introspect "$db" app --stats >/dev/null
    bench_reset
    for r in $(seq 1 "$RUNS"); do
        trees=new
        [ -z "$old" ] || if [ $((r % 2)) = 1 ]; then trees="new old"; else trees="old new"; fi
        for t in $trees; do
            if [ "$t" = new ]; then tag= dir=$BUILD; else tag="  old: " dir=$old; fi
            bench_one "${tag}introspect (test_adopt)" "$dir/tests/test_adopt" introspect "$db" app
            trash "$W/pull"
            bench_one "${tag}stravc pull, new folder" "$dir/stravc" pull --database "$db" -s app --schemas "$W/pull"
        done
        bench_one "psql, the same queries (floor)" psql -X -q -At -v schema=app -f "$W/q.sql" "$db"
        trash "$W/copy"
        bench_one "cp -r of the folder pull wrote (floor)" cp -r "$W/pull" "$W/copy"
        bench_one "psql -c 'select 1' (floor)" psql -X -Atc 'select 1' "$db"
    done
    floors=$(awk -v a="$(bench_median "cp -r of the folder pull wrote (floor)")" \
                 -v b="$(bench_median "psql, the same queries (floor)")" 'BEGIN { print a + b }')
    of_both() { awk -v m="$(bench_median "$1")" -v f="$floors" 'BEGIN { if (f > 0) printf "%.2fx of psql+cp", m / f }'; }
    bench_header "introspection and pull, $n tables (target: pull of 10,000 < 2 s)"
    for tag in "" ${old:+"  old: "}; do
        bench_row "${tag}introspect (test_adopt)" "psql, the same queries (floor)"
        bench_row "${tag}stravc pull, new folder" "psql, the same queries (floor)" "$(of_both "${tag}stravc pull, new folder")"
    done
    bench_row "psql, the same queries (floor)" "psql -c 'select 1' (floor)"
    bench_row "cp -r of the folder pull wrote (floor)"
    bench_row "psql -c 'select 1' (floor)"
done
