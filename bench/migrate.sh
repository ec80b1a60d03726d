#!/usr/bin/env bash
# bench/migrate.sh - the runtime against psql as the floor, on a throwaway server
# (tests/lib/pg.sh), every case alternating with its floor (bench/lib.sh: medians of RUNS >= 5
# runs, min, max, peak memory, load average):
#   1. status with 10,000 applied versions (verification cache warm, and cold) / psql 'select 1'
#   2. status right after migrate on a DRIFT_TABLES-table project (bench/gen_schema.sh, default
#      1000): the drift check through the drift mark (.strav/ present), through the drift
#      record in the tracking table (a copy of the project without .strav/, as on a CI runner),
#      then after a hand ALTER through the record and the full check (the snapshot re-created in
#      a scratch schema every run: record and cache removed), --no-drift-check /
#      psql 'select 1'; the old binary runs in the copy without .strav/. DRIFT_ALTER=0 leaves
#      out the hand ALTER part (minutes per run at 10,000 tables)
#   3. the 1,000-table initial migration (the seed's layout) / psql -1 -f and psql sending it as
#      one query
#   4. a small migration (one column) on a SMALL_TABLES-table project (default 1000) / psql -1 -f
#      of the same SQL, each run on a fresh copy (CREATE DATABASE ... TEMPLATE) of the project,
#      from a checkout without .strav/ (a CI runner) and from one with its verification cache;
#      then status right after it (the drift record of the first version, only the changed
#      tables re-created: runtime/adopt.h) and once more (the drift mark it left), both against
#      psql -c 'select 1' on the same database
# OLD=DIR (a build directory of an older tree, e.g. main's) adds that tree's strav-run to every
# case, side by side. ONLY="1 2" runs only those sections.
#   [RUNS=5] [OLD=/tmp/old/build] [DRIFT_TABLES=1000] [DRIFT_ALTER=1] [SMALL_TABLES=5000]
#   bench/migrate.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUN=$PWD/$BUILD/strav-run
STRAVC=$PWD/$BUILD/stravc
OLDRUN=${OLD:+$OLD/strav-run}
ONLY=${ONLY:-1 2 3 4}
. bench/lib.sh
. tests/lib/pg.sh
# one transaction creating 1,000s of tables with their indexes needs more than 64 locks each
PG_START_OPTS="-c max_locks_per_transaction=2048" pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
trap 'rm -rf "$W" "$BENCH_TMP"; pg_stop' EXIT
on() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
in_dir() { (cd "$1" && shift && "$@"); }

# ---- 1. status with 10,000 applied versions
if on 1; then
SV=$W/many/database/migrations/public
mkdir -p "$SV"
pg_newdb b_status >/dev/null
psql -q -X -d b_status -c "CREATE TABLE _strav_migrations (id serial PRIMARY KEY, version varchar(255) NOT NULL UNIQUE, batch integer NOT NULL, executed_at timestamptz NOT NULL DEFAULT clock_timestamp(), checksum char(64) NOT NULL, duration_ms integer NOT NULL DEFAULT 0, message text)"
python3 - "$SV" > "$W/rows.csv" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
for i in range(10000):
    v = str(1600000000000 + i * 1000)
    d = os.path.join(root, v, "tables", "t")
    os.makedirs(d)
    up = "CREATE TABLE t%d (id int);\n" % i
    down = "DROP TABLE t%d;\n" % i
    open(os.path.join(d, "up.sql"), "w").write(up)
    open(os.path.join(d, "down.sql"), "w").write(down)
    m = {"version": v, "message": "step %d" % i, "generatedAt": "2024-01-01T12:00:00.000Z",
         "summary": {}, "executionOrder": {"up": ["tables/t/up.sql"], "down": ["tables/t/down.sql"]},
         "domain": "public", "schema": "public", "tenants": None, "parent": None,
         "files": {"tables/t/up.sql": hashlib.sha256(up.encode()).hexdigest(),
                   "tables/t/down.sql": hashlib.sha256(down.encode()).hexdigest()},
         "nonTransactional": [], "destructive": [], "irreversible": []}
    b = (json.dumps(m, indent=2) + "\n").encode()
    open(os.path.join(root, v, "manifest.json"), "wb").write(b)
    print("%s,%d,%s,step %d" % (v, 1 + i // 100, hashlib.sha256(b).hexdigest(), i))
PY
psql -q -X -d b_status -c "\\copy _strav_migrations (version, batch, checksum, message) from '$W/rows.csv' csv"
sleep 1.1   # files younger than a second are never cached (racy timestamps)
export PGDATABASE=b_status
bench_reset
for r in $(seq 1 "$RUNS"); do   # no .strav/: every manifest and file read and hashed
    bench_one "status, no .strav/ (30,000 files hashed)" -C "$W/many" "$RUN" status
    [ -z "$OLDRUN" ] || bench_one "  old: status, no .strav/" -C "$W/many" "$OLDRUN" status
    bench_one "psql -c 'select 1' (floor)" psql -X -Atc 'select 1'
done
mkdir -p "$W/many/.strav"        # with .strav/: the verification cache (docs/runtime.md)
in_dir "$W/many" "$RUN" status >/dev/null
for r in $(seq 1 "$RUNS"); do
    bench_one "status, .strav/ warm" -C "$W/many" "$RUN" status
    [ -z "$OLDRUN" ] || bench_one "  old: status, .strav/ warm" -C "$W/many" "$OLDRUN" status
    bench_one "psql -c 'select 1' (floor)" psql -X -Atc 'select 1'
done
bench_header "1. status with 10,000 applied versions (target: < 50 ms, within 2x of the floor)"
bench_row "status, .strav/ warm" "psql -c 'select 1' (floor)"
[ -z "$OLDRUN" ] || bench_row "  old: status, .strav/ warm" "psql -c 'select 1' (floor)"
bench_row "status, no .strav/ (30,000 files hashed)" "psql -c 'select 1' (floor)"
[ -z "$OLDRUN" ] || bench_row "  old: status, no .strav/" "psql -c 'select 1' (floor)"
bench_row "psql -c 'select 1' (floor)"
printf '  (%s)\n' "$(in_dir "$W/many" "$RUN" status | tail -1)"
unset PGDATABASE
fi

# ---- 2. status's drift check right after migrate
if on 2; then
N=${DRIFT_TABLES:-1000}
D=$W/drift
bench/gen_schema.sh "$N" "$D/database/schemas" >/dev/null
pg_newdb b_drift >/dev/null
export PGDATABASE=b_drift
in_dir "$D" "$STRAVC" generate -m init >/dev/null
cp -r "$D" "$D.old"      # the old binary's copy: no .strav/, so no cached normalised snapshot
mkdir -p "$D/.strav"     # the drift mark lives in .strav/ (runtime/driftmark.h)
in_dir "$D" "$RUN" migrate >/dev/null   # writes the drift mark
bench_reset
for r in $(seq 1 "$RUNS"); do
    bench_one "status, in sync (drift mark)" -C "$D" "$RUN" status
    bench_one "status, in sync, no .strav/ (drift record)" -C "$D.old" "$RUN" status
    [ -z "$OLDRUN" ] || bench_one "  old: status, in sync (snapshot re-created)" -C "$D.old" "$OLDRUN" status
    bench_one "status --no-drift-check" -C "$D" "$RUN" status --no-drift-check
    bench_one "psql -c 'select 1' (floor)" psql -X -Atc 'select 1'
done
psql -q -X -c 'ALTER TABLE item7 ADD COLUMN hand_made text'
for r in $(seq 1 "$RUNS"); do
    [ "${DRIFT_ALTER:-1}" = 1 ] || break
    rm -f "$D"/.strav/normalised-*   # each run re-creates the snapshot, like the old one
    psql -q -X -c 'UPDATE _strav_migrations SET normalised = NULL'
    bench_one "status after a hand ALTER (full check)" -C "$D" "$RUN" status
    bench_one "status after a hand ALTER, no .strav/ (record)" -C "$D.old" "$RUN" status
    [ -z "$OLDRUN" ] || bench_one "  old: status after a hand ALTER" -C "$D.old" "$OLDRUN" status
done
drift=- drift_rec=-
if [ "${DRIFT_ALTER:-1}" = 1 ]; then
    drift=$(in_dir "$D" "$RUN" status | grep -c '^  - ' || true)
    drift_rec=$(in_dir "$D.old" "$RUN" status | grep -c '^  - ' || true)
fi
psql -q -X -c 'ALTER TABLE item7 DROP COLUMN hand_made'
bench_header "2. status right after migrate, $N tables (target: < 500 ms at 1,000, < 3 s at 10,000)"
bench_row "status, in sync (drift mark)" "psql -c 'select 1' (floor)"
bench_row "status, in sync, no .strav/ (drift record)" "psql -c 'select 1' (floor)"
[ -z "$OLDRUN" ] || bench_row "  old: status, in sync (snapshot re-created)" "psql -c 'select 1' (floor)"
if [ "${DRIFT_ALTER:-1}" = 1 ]; then
    bench_row "status after a hand ALTER (full check)" "psql -c 'select 1' (floor)" "($drift difference reported)"
    bench_row "status after a hand ALTER, no .strav/ (record)" "psql -c 'select 1' (floor)" "($drift_rec difference reported)"
    [ -z "$OLDRUN" ] || bench_row "  old: status after a hand ALTER" "psql -c 'select 1' (floor)"
fi
bench_row "status --no-drift-check" "psql -c 'select 1' (floor)"
bench_row "psql -c 'select 1' (floor)"
unset PGDATABASE
fi

# ---- 3. the 1,000-table initial migration, in the seed's layout
if on 3; then
V=$W/big/database/migrations/public/1704067200000
mkdir -p "$V"
for i in $(seq -w 1 1000); do
    mkdir -p "$V/tables/t$i"
    printf 'CREATE TABLE t%s (\n    id bigserial PRIMARY KEY,\n    name varchar(255) NOT NULL,\n    email text,\n    amount numeric(12, 2) NOT NULL DEFAULT 0,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n' "$i" > "$V/tables/t$i/up.sql"
    printf 'DROP TABLE t%s;\n' "$i" > "$V/tables/t$i/down.sql"
done
mkdir -p "$V/indexes"
for i in $(seq -w 1 1000); do printf 'CREATE INDEX t%s_name_idx ON t%s (name);\n' "$i" "$i"; done > "$V/indexes/up.sql"
for i in $(seq -w 1 1000); do printf 'DROP INDEX t%s_name_idx;\n' "$i"; done > "$V/indexes/down.sql"
tests/lib/mkmanifest.sh "$V" public "Initial 1000 tables"
jq -r '.executionOrder.up[]' "$V/manifest.json" | (cd "$V" && xargs cat) > "$W/all.sql"
# psql -c cannot take 300 KB as one argument (MAX_ARG_STRLEN is 128 KiB), so the same text goes
# through -f with every ';' written as psql's '\;': psql then sends the whole file as ONE
# simple-query message, exactly what psql -c "BEGIN; ...; COMMIT" would send
{ printf 'BEGIN\\;\n'; sed 's/;$/\\;/' "$W/all.sql"; printf 'COMMIT;\n'; } > "$W/one.sql"
bench_reset
for r in $(seq 1 "$RUNS"); do
    pg_newdb b_s_$r >/dev/null
    PGDATABASE=b_s_$r bench_one "strav-run migrate" -C "$W/big" "$RUN" migrate
    if [ -n "$OLDRUN" ]; then
        pg_newdb b_o_$r >/dev/null
        PGDATABASE=b_o_$r bench_one "  old: strav-run migrate" -C "$W/big" "$OLDRUN" migrate
    fi
    pg_newdb b_a_$r >/dev/null
    bench_one "psql -1 -f" psql -q -X -1 -v ON_ERROR_STOP=1 -d b_a_$r -f "$W/all.sql"
    pg_newdb b_b_$r >/dev/null
    bench_one "BEGIN; ...; COMMIT as one query (psql; floor)" psql -q -X -v ON_ERROR_STOP=1 -d b_b_$r -f "$W/one.sql"
done
bench_header "3. the 1,000-table initial migration (target: <= 1.10x the floor)"
bench_row "strav-run migrate" "BEGIN; ...; COMMIT as one query (psql; floor)"
[ -z "$OLDRUN" ] || bench_row "  old: strav-run migrate" "BEGIN; ...; COMMIT as one query (psql; floor)"
bench_row "psql -1 -f" "BEGIN; ...; COMMIT as one query (psql; floor)"
bench_row "BEGIN; ...; COMMIT as one query (psql; floor)"
fi

# ---- 4. a small migration on a big project
if on 4; then
N=${SMALL_TABLES:-1000}
P=$W/small
bench/gen_schema.sh "$N" "$P/database/schemas" >/dev/null
in_dir "$P" "$STRAVC" generate -m init >/dev/null
pg_newdb b_tmpl >/dev/null
PGDATABASE=b_tmpl in_dir "$P" "$RUN" migrate >/dev/null
f=$P/database/schemas/public/part0000.strav
awk '/^entity item0 / { print; print "  extra      text?"; next } { print }' "$f" > "$f.new" && mv "$f.new" "$f"
sleep 0.01
in_dir "$P" "$STRAVC" generate -m small >/dev/null
SMALL=$(ls -d "$P"/database/migrations/public/*/ | tail -1)
jq -r '.executionOrder.up[]' "$SMALL/manifest.json" | (cd "$SMALL" && xargs cat) > "$W/small.sql"
cp -r "$P" "$P.cache" && mkdir -p "$P.cache/.strav"   # a developer's copy: the verification cache
PGDATABASE=b_tmpl in_dir "$P.cache" "$RUN" status --no-drift-check >/dev/null
bench_reset
for r in $(seq 1 "$RUNS"); do
    psql -q -X -c "CREATE DATABASE m_s_$r TEMPLATE b_tmpl"
    PGDATABASE=m_s_$r bench_one "strav-run migrate (1 column)" -C "$P" "$RUN" migrate
    PGDATABASE=m_s_$r bench_one "status right after it (changed tables)" -C "$P" "$RUN" status
    PGDATABASE=m_s_$r bench_one "status again (drift mark)" -C "$P" "$RUN" status
    bench_one "psql -c 'select 1' (floor of status)" psql -q -X -d m_s_$r -c "select 1"
    psql -q -X -c "CREATE DATABASE m_c_$r TEMPLATE b_tmpl"
    PGDATABASE=m_c_$r bench_one "strav-run migrate (1 column), .strav/ present" -C "$P.cache" "$RUN" migrate
    if [ -n "$OLDRUN" ]; then
        psql -q -X -c "CREATE DATABASE m_o_$r TEMPLATE b_tmpl"
        PGDATABASE=m_o_$r bench_one "  old: strav-run migrate (1 column)" -C "$P" "$OLDRUN" migrate
        PGDATABASE=m_o_$r bench_one "  old: status right after it (changed tables)" -C "$P" "$OLDRUN" status
    fi
    psql -q -X -c "CREATE DATABASE m_p_$r TEMPLATE b_tmpl"
    bench_one "psql -1 -f of the same SQL (floor)" psql -q -X -1 -v ON_ERROR_STOP=1 -d m_p_$r -f "$W/small.sql"
    psql -q -X -c "DROP DATABASE m_s_$r" -c "DROP DATABASE m_p_$r" -c "DROP DATABASE m_c_$r"
    [ -z "$OLDRUN" ] || psql -q -X -c "DROP DATABASE m_o_$r"
done
bench_header "4. a small migration (one column) on a $N-table project (target: <= 1.10x the floor; the status right after it: < 0.5 s at 1,000 tables, < 3 s at 10,000)"
bench_row "strav-run migrate (1 column)" "psql -1 -f of the same SQL (floor)"
bench_row "strav-run migrate (1 column), .strav/ present" "psql -1 -f of the same SQL (floor)"
[ -z "$OLDRUN" ] || bench_row "  old: strav-run migrate (1 column)" "psql -1 -f of the same SQL (floor)"
bench_row "psql -1 -f of the same SQL (floor)"
bench_row "status right after it (changed tables)" "psql -c 'select 1' (floor of status)"
[ -z "$OLDRUN" ] || bench_row "  old: status right after it (changed tables)" "psql -c 'select 1' (floor of status)"
bench_row "status again (drift mark)" "psql -c 'select 1' (floor of status)"
bench_row "psql -c 'select 1' (floor of status)"
fi
