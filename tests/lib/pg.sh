# tests/lib/pg.sh - start a throwaway PostgreSQL server for one test script, stop it on exit.
# Source it, then call pg_start. It runs initdb in a fresh temporary directory, listens only on
# a Unix socket inside that directory (no TCP port, so no collisions), and exports PGHOST,
# PGPORT, PGUSER, PGDATABASE and STRAV_TEST_DSN for libpq. When run as root the server runs as
# the unprivileged user 'postgres' (PostgreSQL refuses root). pg_stop is registered on EXIT.
#   pg_start            start the server (prints nothing; fails the script on error);
#                       PG_START_OPTS adds server options (e.g. "-c max_locks_per_transaction=256")
#   pg_newdb NAME       create a fresh database and echo its conninfo
#   pg_bindir           print the directory of the server binaries

pg_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    d=$(dirname "$(command -v initdb 2>/dev/null)" 2>/dev/null)
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    return 1
}

_pg_as() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local bindir
    bindir=$(pg_bindir) || { echo "Bail out! no PostgreSQL server binaries (apt-get install postgresql)"; exit 1; }
    PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strav-pg.XXXXXX")
    chmod 755 "$PG_TMP"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
    if ! _pg_as "$bindir/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C \
            --no-sync >"$PG_TMP/initdb.log" 2>&1; then
        echo "Bail out! initdb failed:"; sed 's/^/# /' "$PG_TMP/initdb.log"; exit 1
    fi
    if ! _pg_as "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
            -o "-k $PG_TMP -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 ${PG_START_OPTS:-}" \
            start >/dev/null 2>&1; then
        echo "Bail out! server did not start:"; sed 's/^/# /' "$PG_TMP/server.log"; exit 1
    fi
    PG_BINDIR=$bindir
    export PGHOST=$PG_TMP PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    export STRAV_TEST_DSN="host=$PG_TMP port=5432 user=postgres dbname=postgres"
    unset DATABASE_URL PGPASSWORD PGSERVICE
    trap pg_stop EXIT
}

pg_stop() {
    [ -n "${PG_TMP:-}" ] || return 0
    _pg_as "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PG_TMP"
    PG_TMP=
}

pg_newdb() {
    psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
    echo "host=$PG_TMP port=5432 user=postgres dbname=$1"
}

# Hold a lock to stop another session at a known point (tests of what a command reads while it
# waits). All in PGDATABASE:
#   pg_lock_hold TABLE   a session takes ACCESS EXCLUSIVE on TABLE and keeps it (pg_sleep);
#                        returns once the lock is granted
#   pg_lock_waited       true once another backend waits for a lock (polls up to 30 s)
#   pg_lock_release      cancel the holding session and wait for it
pg_lock_hold() {
    psql -X -q -c "BEGIN; LOCK TABLE $1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" \
        >/dev/null 2>&1 &
    PG_LOCK_HOLDER=$!
    local i
    for i in $(seq 1 100); do
        [ "$(psql -X -Atc "SELECT count(*) FROM pg_locks WHERE relation = '$1'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

pg_lock_waited() {
    local i
    for i in $(seq 1 300); do
        [ "$(psql -X -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")" -ge 1 ] && return 0
        sleep 0.1
    done
    return 1
}

pg_lock_release() {
    psql -X -q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
    wait "$PG_LOCK_HOLDER"
}
