# tests/lib/rt.sh - helpers for the runtime TAP scripts (tests/runtime/*.t): TAP assertions and
# a throwaway project directory holding a copy of a fixture under database/migrations.
#   . tests/lib/rt.sh        (after cd to the repository root)
#   rt_project NAME          WORK=<temp dir>, database/migrations = tests/fixtures/migrations/NAME
#   rt_empty_project [DOMAIN] WORK = an empty project (cwd), P = its migrations folder
#   rt_db NAME               create a fresh database and point PGDATABASE at it
#   is GOT EXPECTED DESC     ok when equal, else a diff as TAP comments
#   check DESC CMD...        ok when CMD succeeds
#   ms_now                   the time in milliseconds (for the kill tests' delays)
#   sleep_ms MS              sleep MS milliseconds
#   rt_two_batches DB N TABLE  a project after two batches, for the drift check (below)
#   rt_batch_drift_back      the drift columns back to how the second batch left them
ROOT=$(pwd)
BUILD=${BUILD:-build}
STRAV=$ROOT/$BUILD/strav
STRAV_RUN=$ROOT/$BUILD/strav-run
NO_COLOR=1
export NO_COLOR
T=0

is() {
    T=$((T + 1))
    if [ "$1" = "$2" ]; then
        echo "ok $T - $3"
    else
        echo "not ok $T - $3"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/#   /'
    fi
}

check() {
    local desc=$1
    shift
    T=$((T + 1))
    if "$@"; then echo "ok $T - $desc"; else echo "not ok $T - $desc"; fi
}

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

done_testing() {
    echo "1..$T"
}

rt_project() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
    mkdir -p "$WORK/database/schemas"
    cp -r "$ROOT/tests/fixtures/migrations/$1" "$WORK/database/migrations"
    local d
    for d in "$WORK"/database/migrations/*/; do mkdir -p "$WORK/database/schemas/$(basename "$d")"; done
    trap 'rm -rf "$WORK"; pg_stop' EXIT
}

# An empty project for hand-written migrations: WORK=<temp dir> (the current directory from
# then on, removed at exit with the server), database/schemas/DOMAIN, P=database/migrations/DOMAIN.
rt_empty_project() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
    trap 'rm -rf "$WORK"; pg_stop' EXIT
    cd "$WORK" || exit 1
    mkdir -p "database/schemas/${1:-public}"
    P=database/migrations/${1:-public}
}

rt_db() {
    pg_newdb "$1" >/dev/null || { echo "Bail out! cannot create database $1"; exit 1; }
    export PGDATABASE=$1
}

# schema-only dump (pg_dump's random \restrict key filtered out) plus the tracking table contents (without timings), for before/after checks
rt_snapshot() {
    pg_dump --schema-only --no-owner "$PGDATABASE" | grep -v '^\\\(un\)\?restrict '
    psql -Atc "select version, batch, checksum, message from ${1:-_strav_migrations} order by id" 2>/dev/null
}

# WORK = a new project (the current directory from then on, removed at exit with the server)
# of bench/gen_schema.sh's N tables with a .strav/ folder, generated and migrated into database
# DB, then a column added to TABLE, generated and migrated as a second batch. The tracking
# table's drift columns as that batch left them (the first version's record; a check moves it
# to the version it checked) are kept in saved.rows, outside the checked schema.
rt_two_batches() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
    trap 'rm -rf "$WORK"; pg_stop' EXIT
    cd "$WORK" || exit 1
    local stravc=$ROOT/$BUILD/stravc f
    "$ROOT/bench/gen_schema.sh" "$2" database/schemas >/dev/null
    mkdir .strav
    $stravc generate -m init >/dev/null 2>&1 || { echo "Bail out! generate failed"; exit 1; }
    rt_db "$1"
    $STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! migrate failed"; exit 1; }
    f=$(grep -l "^entity $3 " database/schemas/public/*.strav)
    awk -v t="$3" '$1 == "entity" && $2 == t { print; print "  note       text?"; next } { print }' \
        "$f" >"$f.new" && mv "$f.new" "$f"
    $stravc generate -m note >/dev/null 2>&1 || { echo "Bail out! generate failed"; exit 1; }
    $STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! second migrate failed"; exit 1; }
    psql -qAtX -c "CREATE SCHEMA saved; CREATE TABLE saved.rows AS SELECT version, normalised, drift_mark FROM _strav_migrations" >/dev/null
}

# rt_two_batches's drift columns put back: the tracking table as right after the second batch.
rt_batch_drift_back() {
    psql -qAtX -c "UPDATE _strav_migrations m SET normalised = s.normalised, drift_mark = s.drift_mark FROM saved.rows s WHERE s.version = m.version" >/dev/null
}
