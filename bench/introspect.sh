#!/usr/bin/env bash
# bench/introspect.sh - introspection of N tables (4 columns, a FK to the previous table, an
# expression index each) on a throwaway server, and `stravc pull` of the same schema into a new
# folder, against psql 'select 1' and a plain copy (cp -r) of the folder pull wrote as floors
# (bench/lib.sh: medians of RUNS >= 5, min, max, peak memory, load average).
# OLD=path/to/old/build adds that tree's test_adopt and stravc, side by side.
# Usage: [RUNS=5] [OLD=...] bench/introspect.sh [N...]   (default: 1000 10000). `make` first.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
old=${OLD:-}
. bench/lib.sh
. tests/lib/pg.sh
pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
trap 'rm -rf "$W" "$BENCH_TMP"; pg_stop' EXIT
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
    "$BUILD/tests/test_adopt" introspect "$db" app --stats >/dev/null   # warm the cache
    bench_reset
    for r in $(seq 1 "$RUNS"); do
        bench_one "introspect (test_adopt)" "$BUILD/tests/test_adopt" introspect "$db" app
        [ -z "$old" ] || bench_one "  old: introspect (test_adopt)" "$old/tests/test_adopt" introspect "$db" app
        rm -rf "$W/pull" "$W/copy"
        bench_one "stravc pull, new folder" "$BUILD/stravc" pull --database "$db" -s app --schemas "$W/pull"
        bench_one "cp -r of the folder pull wrote (floor)" cp -r "$W/pull" "$W/copy"
        if [ -n "$old" ]; then
            rm -rf "$W/opull"
            bench_one "  old: stravc pull, new folder" "$old/stravc" pull --database "$db" -s app --schemas "$W/opull"
        fi
        bench_one "psql -c 'select 1' (floor)" psql -X -Atc 'select 1' "$db"
    done
    bench_header "introspection and pull, $n tables (target: pull of 10,000 < 2 s)"
    bench_row "introspect (test_adopt)" "psql -c 'select 1' (floor)"
    [ -z "$old" ] || bench_row "  old: introspect (test_adopt)" "psql -c 'select 1' (floor)"
    bench_row "stravc pull, new folder" "psql -c 'select 1' (floor)" "$(bench_ratio "stravc pull, new folder" "cp -r of the folder pull wrote (floor)") of cp -r"
    [ -z "$old" ] || bench_row "  old: stravc pull, new folder" "psql -c 'select 1' (floor)"
    bench_row "cp -r of the folder pull wrote (floor)"
    bench_row "psql -c 'select 1' (floor)"
done
