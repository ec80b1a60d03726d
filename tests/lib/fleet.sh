# tests/lib/fleet.sh - several throwaway PostgreSQL servers for one test script (the fleet
# tests), each with its own temporary directory and Unix socket (no TCP), all stopped on exit.
# Source tests/lib/pg.sh first (for pg_bindir and _pg_as), then:
#   fleet_start N        start servers 1..N: FLEET_SOCK[i] is server i's socket directory
#                        (initdb runs once; the other clusters are copies of it)
#   fleet_newdbs I NAME...   create databases NAME... on server I
#   fleet_conninfo I NAME    echo the conninfo of database NAME on server I
#   fleet_psql I NAME ARGS...   psql -X -A -t on database NAME of server I
#   fleet_stop           stop every server and remove the directories (registered on EXIT)
# The clusters live in /dev/shm when it is writable (FLEET_TMP overrides): 30 databases are some
# 10,000 files, and removing them from a disk mounted with discard takes tens of seconds.
FLEET_SOCK=()
FLEET_BASE=

fleet_start() {
    local n=$1 bindir i
    bindir=$(pg_bindir) || { echo "Bail out! no PostgreSQL server binaries"; exit 1; }
    PG_BINDIR=$bindir
    local tmp=${FLEET_TMP:-}
    [ -z "$tmp" ] && { [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm || tmp=${TMPDIR:-/tmp}; }
    FLEET_BASE=$(mktemp -d "$tmp/strav-fleet.XXXXXX")
    chmod 755 "$FLEET_BASE"
    trap fleet_stop EXIT
    [ "$(id -u)" = 0 ] && chown postgres "$FLEET_BASE"
    if ! _pg_as "$bindir/initdb" -D "$FLEET_BASE/template" -U postgres -A trust -E UTF8 \
            --locale=C --no-sync >"$FLEET_BASE/initdb.log" 2>&1; then
        echo "Bail out! initdb failed:"; sed 's/^/# /' "$FLEET_BASE/initdb.log"; exit 1
    fi
    for i in $(seq 1 "$n"); do
        _pg_as mkdir -p "$FLEET_BASE/s$i"
        _pg_as cp -a "$FLEET_BASE/template" "$FLEET_BASE/s$i/data"
        FLEET_SOCK[i]=$FLEET_BASE/s$i
    done
    for i in $(seq 1 "$n"); do
        _pg_as "$bindir/pg_ctl" -D "$FLEET_BASE/s$i/data" -l "$FLEET_BASE/s$i/server.log" -W \
            -o "-k $FLEET_BASE/s$i -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB" \
            start >/dev/null 2>&1
    done
    for i in $(seq 1 "$n"); do
        local tries=0
        until _pg_as "$bindir/pg_isready" -q -h "$FLEET_BASE/s$i" -p 5432; do
            tries=$((tries + 1))
            if [ "$tries" -gt 600 ]; then
                echo "Bail out! server $i did not start:"; sed 's/^/# /' "$FLEET_BASE/s$i/server.log"; exit 1
            fi
            sleep 0.1
        done
    done
    unset DATABASE_URL PGPASSWORD PGSERVICE PGHOST PGPORT PGDATABASE
    export PGUSER=postgres
}

fleet_stop() {
    [ -n "${FLEET_BASE:-}" ] || return 0
    local i
    for i in "${!FLEET_SOCK[@]}"; do
        _pg_as "$PG_BINDIR/pg_ctl" -D "$FLEET_BASE/s$i/data" -m immediate -w stop >/dev/null 2>&1
    done
    rm -rf "$FLEET_BASE"
    FLEET_BASE=
}

fleet_newdbs() {
    local i=$1 d sql=
    shift
    # FILE_COPY: with fsync off its checkpoint is cheap, and it beats WAL-logging every block
    for d in "$@"; do sql+="CREATE DATABASE \"$d\" STRATEGY FILE_COPY;"; done
    # one session per server; CREATE DATABASE cannot run inside a transaction block
    printf '%s\n' "${sql//;/;$'\n'}" | psql -X -q -v ON_ERROR_STOP=1 -h "${FLEET_SOCK[i]}" -p 5432 -d postgres >/dev/null
}

fleet_conninfo() {
    echo "host=${FLEET_SOCK[$1]} port=5432 user=postgres dbname=$2"
}

fleet_psql() {
    local i=$1 db=$2
    shift 2
    psql -X -A -t -q -h "${FLEET_SOCK[i]}" -p 5432 -d "$db" "$@"
}
