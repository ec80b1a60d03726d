#!/usr/bin/env bash
# bench/pull.sh - `stravc pull` of N tables (4 columns, a FK to the previous table, an
# expression index each; bench/introspect.sh's shape) in the three ways it meets a folder:
#   new folder      into a folder that does not exist yet (every file created)
#   unchanged       --force over the previous pull of the same database (no file written:
#                   each is read and compared, inode and mtime stay)
#   10% edited      --force after every tenth file was edited (untimed): those are written
#                   beside and renamed over, the others left alone
# against two floors: psql sending the same introspection queries (STRAV_INTROSPECT_SQL dumps
# them: the server's share) and a plain copy (cp -r) of the folder (the kernel's share of
# creating the files); "of psql+cp" is the median against the sum of both. bench/lib.sh: medians of RUNS >= 5, min, max, cpu, peak memory, load.
# OLD=path/to/old/stravc adds that binary to every case, alternated with the new one.
# Folders are moved into a trash folder between runs and deleted at the end: removing
# thousands of files makes every new inode on ext4 slower for minutes (recently_deleted).
# Usage: [RUNS=5] [OLD=...] bench/pull.sh [N...]   (default 1000 10000). Needs `make` first.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
new=$PWD/$BUILD/stravc
old=${OLD:-}
. bench/lib.sh
. tests/lib/pg.sh
PG_START_OPTS="-c max_locks_per_transaction=1024" pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
mkdir "$W/trash"
trap 'rm -rf "$W" "$BENCH_TMP"; pg_stop' EXIT
k=0
trash() { local d; for d in "$@"; do [ ! -e "$d" ] || mv "$d" "$W/trash/$((k += 1))"; done; }
edit_tenth() { # DIR: append a comment to every tenth file, so pull has to replace it
    local i=0 f
    for f in "$1"/public/*.strav; do
        [ $((i++ % 10)) != 0 ] || echo '// edited' >>"$f"
    done
}
for n in ${*:-1000 10000}; do
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
    rm -f "$W/q.sql" # the introspection queries as a psql script (and the server's caches warm)
    STRAV_INTROSPECT_SQL="$W/q.sql" "$new" pull --database "$db" --schemas "$W/warm" >/dev/null
    trash "$W/warm"
    bench_reset
    for r in $(seq 1 "$RUNS"); do
        bins=$new
        [ -z "$old" ] || if [ $((r % 2)) = 1 ]; then bins="$new $old"; else bins="$old $new"; fi
        for bin in $bins; do
            tag=
            [ "$bin" = "$new" ] || tag="  old: "
            trash "$W/d"
            bench_one "${tag}pull, new folder" "$bin" pull --database "$db" --schemas "$W/d"
            bench_one "${tag}pull --force, unchanged" "$bin" pull --force --database "$db" --schemas "$W/d"
            edit_tenth "$W/d"
            bench_one "${tag}pull --force, 10% of the files edited" "$bin" pull --force --database "$db" --schemas "$W/d"
        done
        trash "$W/copy"
        bench_one "cp -r of the folder (floor)" cp -r "$W/d" "$W/copy"
        bench_one "psql, the same queries (floor)" psql -X -q -At -v schema=public -f "$W/q.sql" "$db"
    done
    floors=$(awk -v a="$(bench_median "cp -r of the folder (floor)")" \
                 -v b="$(bench_median "psql, the same queries (floor)")" 'BEGIN { print a + b }')
    of_both() { awk -v m="$(bench_median "$1")" -v f="$floors" 'BEGIN { if (f > 0) printf "%.2fx of psql+cp", m / f }'; }
    bench_header "stravc pull, $n tables ($(find "$W/d" -type f | wc -l) files; target: < 2 s at 10,000 either way)"
    for tag in "" ${old:+"  old: "}; do
        for c in "pull, new folder" "pull --force, unchanged" "pull --force, 10% of the files edited"; do
            bench_row "$tag$c" "psql, the same queries (floor)" "$(of_both "$tag$c")"
        done
    done
    bench_row "psql, the same queries (floor)"
    bench_row "cp -r of the folder (floor)"
done
