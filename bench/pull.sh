#!/usr/bin/env bash
# bench/pull.sh - `stravc pull` of N tables (bench/introspect.sh's shape) into a new folder and
# again over that folder (`--force`, nothing changed: no file is rewritten), against a plain
# copy (cp -r) of the folder as the floor (bench/lib.sh: medians of RUNS >= 5, min, max, peak
# memory, load average). OLD=path/to/old/stravc adds that binary, side by side.
# Usage: [RUNS=5] [OLD=...] bench/pull.sh [N...]   (default 10000). Needs `make` first.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
old=${OLD:-}
. bench/lib.sh
. tests/lib/pg.sh
PG_START_OPTS="-c max_locks_per_transaction=1024" pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
trap 'rm -rf "$W" "$BENCH_TMP"; pg_stop' EXIT
for n in ${*:-10000}; do
    db=$(pg_newdb "bench_$n")
    psql "$db" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
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
    bench_reset
    for r in $(seq 1 "$RUNS"); do
        for bin in "$PWD/$BUILD/stravc" $old; do
            tag=
            [ "$bin" = "$PWD/$BUILD/stravc" ] || tag="  old: "
            rm -rf "$W/d" "$W/copy"
            bench_one "${tag}pull, new folder" "$bin" pull --database "$db" --schemas "$W/d"
            bench_one "${tag}pull --force over it (unchanged)" "$bin" pull --force --database "$db" --schemas "$W/d"
        done
        bench_one "cp -r of the folder (floor)" cp -r "$W/d" "$W/copy"
    done
    bench_header "stravc pull, $n tables ($(find "$W/d" -type f | wc -l) files; target < 2 s either way)"
    for tag in "" ${old:+"  old: "}; do
        bench_row "${tag}pull, new folder" "cp -r of the folder (floor)"
        bench_row "${tag}pull --force over it (unchanged)" "cp -r of the folder (floor)"
    done
    bench_row "cp -r of the folder (floor)"
done
