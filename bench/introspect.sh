#!/usr/bin/env bash
# bench/introspect.sh - time introspection of 1,000 and 10,000 tables (4 columns, a FK to the
# previous table, an extra index each) on a throwaway server; prints tables, queries, ms.
# Usage: bench/introspect.sh [N...]   (default: 1000 10000). Needs `make` first.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/pg.sh
pg_start
BUILD=${BUILD:-build}
for n in "${@:-1000 10000}"; do
    for n1 in $n; do
        db=$(pg_newdb "bench_$n1")
        psql "$db" -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA app' >/dev/null
        psql "$db" -q -v ON_ERROR_STOP=1 <<SQL
SET search_path = app;
SET client_min_messages = warning;
DO \$\$
BEGIN
    FOR i IN 1..$n1 LOOP
        EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, name varchar(100) NOT NULL DEFAULT %L,
                        prev_id integer %s, created_at timestamptz NOT NULL DEFAULT now())',
                       i, 'x', CASE WHEN i > 1 THEN format('REFERENCES t%s (id)', i - 1) ELSE '' END);
        EXECUTE format('CREATE INDEX idx_t%s_name ON t%s (lower(name))', i, i);
        IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP;
END
\$\$;
SQL
        psql "$db" -qc 'ANALYZE' >/dev/null
        "$BUILD/tests/test_adopt" introspect "$db" app --stats >/dev/null   # warm the cache
        for run in 1 2 3; do
            "$BUILD/tests/test_adopt" introspect "$db" app --stats
        done
    done
done
