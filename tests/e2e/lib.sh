# tests/e2e/lib.sh - helpers for the end-to-end scripts (tests/e2e/*.t): a throwaway project
# directory driven through the real commands (strav, stravc) against the script's own server.
#   . tests/e2e/lib.sh       (after cd to the repository root; starts the server)
#   project NAME             fresh project dir (cd into it) and fresh database NAME (PGDATABASE)
#   schema DOMAIN FILE       write database/schemas/DOMAIN/FILE.strav from stdin
#   run CMD...               run CMD; OUT = stdout+stderr, RC = exit status
#   q SQL                    one psql query, unaligned, tuples only
#   ok COND DESC             COND is a shell command string evaluated with eval
#   is GOT WANT DESC         equality, with a diff on failure
# Set TODO='bug: ...' before an assertion to mark it TODO (known bug; tests/run does not count it).
ROOT=$(pwd)
BUILD=${BUILD:-build}
B=$ROOT/$BUILD
STRAV=$B/strav
STRAVC=$B/stravc
NO_COLOR=1
export NO_COLOR
T=0
TODO=
. "$ROOT/tests/lib/pg.sh"
pg_start
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strav-e2e.XXXXXX")
trap 'cd /; [ -n "${KEEP:-}" ] || rm -rf "$E2E_TMP"; pg_stop' EXIT

_tap() {   # _tap PASSED DESC
    T=$((T + 1))
    local dir=
    [ -n "$TODO" ] && dir=" # TODO $TODO"
    if [ "$1" = 1 ]; then echo "ok $T - $2$dir"; else echo "not ok $T - $2$dir"; fi
    TODO=
}

ok() {
    if (eval "$1") >/dev/null 2>&1; then _tap 1 "$2"; else _tap 0 "$2"; echo "#   failed: $1"; [ -n "${OUT:-}" ] && printf '%s\n' "$OUT" | head -15 | sed 's/^/#   out: /'; fi
    return 0
}

is() {
    if [ "$1" = "$2" ]; then _tap 1 "$3"; else
        _tap 0 "$3"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | head -30 | sed 's/^/#   /'
    fi
    return 0
}

done_testing() { echo "1..$T"; }

project() {
    P=$E2E_TMP/$1
    mkdir -p "$P/database/schemas/public"
    cd "$P" || exit 1
    pg_newdb "$1" >/dev/null || { echo "Bail out! cannot create database $1"; exit 1; }
    export PGDATABASE=$1
}

schema() { mkdir -p "database/schemas/$1"; cat >"database/schemas/$1/$2.strav"; }

run() { OUT=$("$@" 2>&1); RC=$?; }

q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

# the newest version directory of a domain
latest() { ls "database/migrations/${1:-public}" 2>/dev/null | sort -n | tail -1; }
nversions() { ls "database/migrations/${1:-public}" 2>/dev/null | wc -l | tr -d ' '; }

# gen MSG [opts]: strav generate:migration; gm MSG [opts]: generate then migrate (OUT/RC of the last)
gen() { local m=$1; shift; run "$STRAV" generate:migration -m "$m" "$@"; }
gm() {
    local m=$1; shift
    gen "$m" "$@"; [ "$RC" = 0 ] || return 1
    local scope=()
    [ "${1:-}" = -s ] && scope=(-s "$2")
    run "$STRAV" migrate "${scope[@]}"; [ "$RC" = 0 ]
}

# schema-only dump without pg_dump's random \restrict key
dump() { pg_dump --schema-only --no-owner "$PGDATABASE" | grep -v '^\\\(un\)\?restrict '; }

# column facts: "type|nullable|default" from information_schema (udt for user types)
col() {
    q "select case when data_type in ('USER-DEFINED') then udt_name
                   when character_maximum_length is not null then data_type||'('||character_maximum_length||')'
                   when data_type='numeric' and numeric_precision is not null then 'numeric('||numeric_precision||','||numeric_scale||')'
                   else data_type end
              ||'|'||is_nullable||'|'||coalesce(column_default,'')
       from information_schema.columns where table_schema='${3:-public}' and table_name='$1' and column_name='$2'"
}
