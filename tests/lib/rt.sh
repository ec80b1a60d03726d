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
