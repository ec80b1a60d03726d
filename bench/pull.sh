#!/usr/bin/env bash
# bench/pull.sh - time `stravc pull` of N tables (bench/introspect.sh's shape) into a new folder
# and again over that folder (`--force`, nothing changed), for this tree's stravc and, side by
# side, a baseline binary (BASE=path/to/old/stravc). Best of 3 runs each.
# Usage: [BASE=...] bench/pull.sh [N...]   (default 10000). Needs `make` first.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/pg.sh
PG_START_OPTS="-c max_locks_per_transaction=1024" pg_start
BUILD=${BUILD:-build}
now() { date +%s.%N; }
best() { sort -n | head -1; }
for n in "${@:-10000}"; do
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
    for bin in "${BASE:-}" "$PWD/$BUILD/stravc"; do
        [ -n "$bin" ] || continue
        new=() over=()
        for run in 1 2 3; do
            d=$(mktemp -d)
            s=$(now); "$bin" pull --database "$db" --schemas "$d" >/dev/null 2>&1; e=$(now)
            new+=("$(echo "$e - $s" | bc)")
            s=$(now); "$bin" pull --force --database "$db" --schemas "$d" >/dev/null 2>&1; e=$(now)
            over+=("$(echo "$e - $s" | bc)")
            rm -rf "$d"
        done
        printf '%-6s tables  %-40s new folder %6.2f s   over a previous pull %6.2f s\n' "$n" "$bin" \
            "$(printf '%s\n' "${new[@]}" | best)" "$(printf '%s\n' "${over[@]}" | best)"
    done
done
