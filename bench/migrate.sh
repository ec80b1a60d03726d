#!/usr/bin/env bash
# bench/migrate.sh - how fast strav-run applies a 1,000-table initial migration compared with
# (a) psql -1 -f on the same SQL and (b) the same SQL sent by psql as one multi-statement query
# in one transaction (the fastest a client can do); and how fast `status` is with 10,000
# applied versions. Uses a throwaway server (tests/lib/pg.sh). Prints times and ratios.
# Also: the cost of status's drift check on a 100-table snapshot (cold and with .strav/), and,
# for scale, what the 30,000 fstatat calls of the integrity check cost on their own here.
#   bench/migrate.sh [RUNS]     (best of RUNS, default 5)
#   ONLY=status bench/migrate.sh   skips the 1,000-table migrate comparison
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUN=$PWD/$BUILD/strav-run
RUNS=${1:-5}
. tests/lib/pg.sh
# one transaction creating 1,000 tables with their indexes needs more than the default 64 locks
PG_START_OPTS="-c max_locks_per_transaction=256" pg_start
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-bench.XXXXXX")
trap 'rm -rf "$W"; pg_stop' EXIT

now() { date +%s%N; }
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }

best() { sort -n | head -1; }
S=- A=- B=-
if [ "${ONLY:-}" != status ]; then
# ---- the 1,000-table initial migration, in the seed's layout
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
# the same SQL, in executionOrder
jq -r '.executionOrder.up[]' "$V/manifest.json" | (cd "$V" && xargs cat) > "$W/all.sql"
# (b): psql -c cannot take 300 KB as one argument (MAX_ARG_STRLEN is 128 KiB), so the same
# text goes through -f with every ';' written as psql's '\;', which makes psql send the whole
# file as ONE simple-query message, exactly what psql -c "BEGIN; ...; COMMIT" would send
{ printf 'BEGIN\\;\n'; sed 's/;$/\\;/' "$W/all.sql"; printf 'COMMIT;\n'; } > "$W/one.sql"

t_strav=() t_a=() t_b=()
for r in $(seq 1 "$RUNS"); do
    db=b_s_$r; pg_newdb $db >/dev/null
    s=$(now); (cd "$W/big" && PGDATABASE=$db "$RUN" migrate >/dev/null); e=$(now); t_strav+=("$(ms "$s" "$e")")
    db=b_a_$r; pg_newdb $db >/dev/null
    s=$(now); psql -q -X -1 -v ON_ERROR_STOP=1 -d $db -f "$W/all.sql" >/dev/null; e=$(now); t_a+=("$(ms "$s" "$e")")
    db=b_b_$r; pg_newdb $db >/dev/null
    s=$(now); psql -q -X -v ON_ERROR_STOP=1 -d $db -f "$W/one.sql" >/dev/null; e=$(now); t_b+=("$(ms "$s" "$e")")
done
S=$(printf '%s\n' "${t_strav[@]}" | best)
A=$(printf '%s\n' "${t_a[@]}" | best)
B=$(printf '%s\n' "${t_b[@]}" | best)
fi

# ---- status with 10,000 applied versions
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
t_cold=() t_warm=() t_psql=()
for r in $(seq 1 "$RUNS"); do   # no .strav/: every manifest and file read and hashed
    s=$(now); (cd "$W/many" && PGDATABASE=b_status "$RUN" status >/dev/null); e=$(now); t_cold+=("$(ms "$s" "$e")")
done
mkdir -p "$W/many/.strav"        # with .strav/: the verification cache (docs/runtime.md)
(cd "$W/many" && PGDATABASE=b_status "$RUN" status >/dev/null)
for r in $(seq 1 "$RUNS"); do
    s=$(now); (cd "$W/many" && PGDATABASE=b_status "$RUN" status >/dev/null); e=$(now); t_warm+=("$(ms "$s" "$e")")
    s=$(now); psql -X -d b_status -Atc 'select 1' >/dev/null; e=$(now); t_psql+=("$(ms "$s" "$e")")
done
# for scale: the fstatat calls alone (one per manifest and SQL file), in one process
t_stat=()
for r in $(seq 1 "$RUNS"); do
    t_stat+=("$(python3 - "$SV" <<'PY'
import os, sys, time
root = sys.argv[1]
paths = [os.path.join(v, f) for v in sorted(os.listdir(root))
         for f in ("manifest.json", "tables/t/up.sql", "tables/t/down.sql")]
fd = os.open(root, os.O_RDONLY)
t = time.perf_counter()
for p in paths:
    os.stat(p, dir_fd=fd)
print("%.1f" % ((time.perf_counter() - t) * 1000))
PY
)")
done
SF=$(printf '%s\n' "${t_stat[@]}" | best)

# ---- status's drift check against a 100-table snapshot (generated with stravc)
D=$W/drift
bench/gen_schema.sh 100 "$D/database/schemas" >/dev/null
pg_newdb b_drift >/dev/null
(cd "$D" && PGDATABASE=b_drift "$OLDPWD/$BUILD/strav" generate:migration -m init >/dev/null &&
    PGDATABASE=b_drift "$OLDPWD/$BUILD/strav" migrate >/dev/null)
t_dcold=() t_dwarm=() t_dnone=()
for r in $(seq 1 "$RUNS"); do
    rm -rf "$D/.strav"
    s=$(now); (cd "$D" && PGDATABASE=b_drift "$RUN" status >/dev/null); e=$(now); t_dcold+=("$(ms "$s" "$e")")
done
mkdir -p "$D/.strav"
(cd "$D" && PGDATABASE=b_drift "$RUN" status >/dev/null)
for r in $(seq 1 "$RUNS"); do
    s=$(now); (cd "$D" && PGDATABASE=b_drift "$RUN" status >/dev/null); e=$(now); t_dwarm+=("$(ms "$s" "$e")")
    s=$(now); (cd "$D" && PGDATABASE=b_drift "$RUN" status --no-drift-check >/dev/null); e=$(now); t_dnone+=("$(ms "$s" "$e")")
done
DC=$(printf '%s\n' "${t_dcold[@]}" | best)
DW=$(printf '%s\n' "${t_dwarm[@]}" | best)
DN=$(printf '%s\n' "${t_dnone[@]}" | best)

STC=$(printf '%s\n' "${t_cold[@]}" | best)
ST=$(printf '%s\n' "${t_warm[@]}" | best)
PS=$(printf '%s\n' "${t_psql[@]}" | best)
applied=$(cd "$W/many" && PGDATABASE=b_status "$RUN" status | tail -1)

if [ "$S" != - ]; then
printf '\n1,000-table initial migration (best of %s runs, ms)\n' "$RUNS"
printf '  %-44s %8s  %s\n' "strav-run migrate" "$S" "1.00x"
printf '  %-44s %8s  strav/a = %sx\n' "(a) psql -1 -f" "$A" "$(echo "scale=2; $S / $A" | bc)"
printf '  %-44s %8s  strav/b = %sx  (target <= 1.10x)\n' "(b) BEGIN; ...; COMMIT as one query (psql)" "$B" "$(echo "scale=2; $S / $B" | bc)"
fi
printf '\nstatus with 10,000 applied versions (best of %s runs, ms; target < 50)\n' "$RUNS"
printf '  %-44s %8s\n' "strav-run status (verification cache warm)" "$ST"
printf '  %-44s %8s\n' "strav-run status (no cache: hash 30,000 files)" "$STC"
printf '  %-44s %8s\n' "for scale: psql -c 'select 1'" "$PS"
printf '  %-44s %8s\n' "for scale: the 30,000 stat() calls alone" "$SF"
printf '  (%s)\n' "$applied"
printf '\nstatus drift check, 100-table snapshot (best of %s runs, ms)\n' "$RUNS"
printf '  %-44s %8s\n' "status, no .strav/ (snapshot normalised)" "$DC"
printf '  %-44s %8s\n' "status, .strav/ (normalised snapshot cached)" "$DW"
printf '  %-44s %8s\n' "status --no-drift-check" "$DN"
