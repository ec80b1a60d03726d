#!/usr/bin/env bash
# pooler.t - strav-run behind PgBouncer, the pooler most deployments put in front of PostgreSQL.
# A migration needs one server session for the whole run (the session advisory lock, the session
# settings). Through a pooler that refuses the startup options (pool_mode = session or
# transaction) or silently drops them (ignore_startup_parameters = options), the runner says so
# and takes no lock unless told the pooler keeps sessions (--session-pooler); with it, the
# settings are SET on the server session and hold (standard_conforming_strings off on the
# database, a backslash default arrives as written). Under transaction pooling with a false
# --session-pooler, two concurrent runners share one server connection: the guard notices the
# server session changed hands and stops the runner that lost it, and the migrations still end
# applied exactly once. Under statement pooling, which closes the connection on the first
# BEGIN, status still lists the versions and its drift warning says why the check could not
# run, and migrate --session-pooler fails saying the same and applies nothing (the first
# failure's reason, not libpq's "no connection to the server" of the later ones). Skipped when
# pgbouncer is not installed.
cd "$(dirname "$0")/../.." || exit 1
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { echo "1..0 # SKIP pgbouncer not installed"; exit 0; }
PGB=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
BD=$PG_TMP/bouncer
mkdir -p "$BD"
bouncer_stop() {
    [ -f "$BD/pgb.pid" ] && kill "$(cat "$BD/pgb.pid")" 2>/dev/null
    for _ in $(seq 50); do [ -f "$BD/pgb.pid" ] || break; sleep 0.1; done
    rm -f "$BD/pgb.pid"
}
trap 'bouncer_stop; rm -rf "$WORK"; pg_stop' EXIT

# bouncer_start MODE [EXTRA_INI_LINE]: PgBouncer on a Unix socket in $BD (no TCP), pool size 1
bouncer_start() {
    bouncer_stop
    cat >"$BD/pgb.ini" <<EOF
[databases]
app = host=$PG_TMP port=5432 dbname=app
stm = host=$PG_TMP port=5432 dbname=stm
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $BD
auth_type = trust
auth_file = $BD/users.txt
pool_mode = $1
default_pool_size = 1
logfile = $BD/pgb.log
pidfile = $BD/pgb.pid
${2:-}
EOF
    echo '"postgres" ""' >"$BD/users.txt"
    [ "$(id -u)" = 0 ] && chown -R postgres "$BD"
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGB" -d "$BD/pgb.ini"; else "$PGB" -d "$BD/pgb.ini"; fi || {
        echo "Bail out! pgbouncer did not start"; cat "$BD/pgb.log" 2>/dev/null | sed 's/^/# /'; exit 1; }
    for _ in $(seq 50); do psql -d "$VIA" -Atc 'select 1' >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "Bail out! pgbouncer does not answer"; sed 's/^/# /' "$BD/pgb.log"; exit 1
}

rt_db app
psql -q -d postgres -c "ALTER DATABASE app SET standard_conforming_strings = off" || exit 1
DIRECT="host=$PG_TMP port=5432 user=postgres dbname=app"
VIA="host=$BD port=6432 user=postgres dbname=app"

# Two hand-written migrations in the seed's format: a table with a backslash default, then a
# slow one in steps (the second runner of the transaction-pooling case arrives while it runs
# and takes the server connection at a step boundary).
cd "$WORK" || exit 1
mkdir -p database/schemas/public
M=database/migrations/public
mkdir -p $M/1720000000001/tables/t $M/1720000000002/tables/slow $M/1720000000002/indexes
cat >$M/1720000000001/tables/t/up.sql <<'EOF'
CREATE TABLE t (id int PRIMARY KEY, path text NOT NULL DEFAULT 'C:\new');
INSERT INTO t (id) VALUES (1);
EOF
echo "DROP TABLE t;" >$M/1720000000001/tables/t/down.sql
echo "CREATE TABLE slow (id int PRIMARY KEY);" >$M/1720000000002/tables/slow/up.sql
echo "DROP TABLE slow;" >$M/1720000000002/tables/slow/down.sql
# non-transactional: one step per statement, each step's progress committed between them
{ for _ in 1 2 3 4 5 6; do echo "SELECT pg_sleep(0.4);"; done
  echo "CREATE INDEX CONCURRENTLY slow_id ON slow (id);"; } >$M/1720000000002/indexes/up.sql
echo "DROP INDEX slow_id;" >$M/1720000000002/indexes/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $M/1720000000001 public "Backslash default"
"$ROOT/tests/lib/mkmanifest.sh" $M/1720000000002 public "Slow" indexes/up.sql
q() { psql -d "$DIRECT" -Atc "$1"; }
applied() { q "select coalesce(string_agg(version::text || ':' || state, ' ' order by version), '-') from public._strav_migrations" 2>/dev/null || echo "-"; }

# ---- session pooling: the options are refused ---------------------------------------------
bouncer_start session
out=$($STRAV migrate --database "$VIA" 2>&1); rc=$?
is "$rc" 1 "session pooling, no --session-pooler: migrate refuses (exit 1)"
check "...saying a pooler is in the way and what to do" grep -q 'connection pooler.*--session-pooler' <<<"$out"
is "$(q "select count(*) from pg_tables where tablename in ('t', 'slow')")" 0 "...and applies nothing"
out=$($STRAV status --database "$VIA" --no-drift-check 2>&1); rc=$?
check "status works through the pooler without the flag (it takes no lock)" grep -q '0 applied, 2 pending' <<<"$out"
out=$($STRAV migrate --database "$VIA" --session-pooler 2>&1); rc=$?
is "$rc" 0 "with --session-pooler, migrate succeeds through the pooler"
[ "$rc" = 0 ] || sed 's/^/# /' <<<"$out"
is "$(q "select path || '|' || octet_length(path) from public.t")" 'C:\new|6' \
   "the runtime's settings hold through the pooler: 'C:\\new' is six characters on a standard_conforming_strings = off database"
is "$(applied)" "1720000000001:applied 1720000000002:applied" "both migrations are recorded"
out=$($STRAV rollback --database "$VIA" --session-pooler 2>&1); rc=$?
is "$rc" 0 "rollback through the pooler with --session-pooler"
is "$(q "select count(*) from pg_tables where tablename in ('t', 'slow')")" 0 "...drops both tables"

# ---- a pooler that silently drops the options --------------------------------------------
bouncer_start session "ignore_startup_parameters = options"
out=$($STRAV migrate --database "$VIA" 2>&1); rc=$?
is "$rc" 1 "options silently dropped by the pooler: still detected, migrate refuses"
check "...with the same explanation" grep -q 'connection pooler' <<<"$out"

# ---- transaction pooling, falsely declared as session pooling -----------------------------
bouncer_start transaction
q "DELETE FROM public._strav_migrations" >/dev/null
$STRAV migrate --database "$VIA" --session-pooler >"$WORK/a.out" 2>&1 &
pa=$!
sleep 0.5
$STRAV migrate --database "$VIA" --session-pooler >"$WORK/b.out" 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
if [ $ra -ne 0 ] && [ $rb -ne 0 ]; then both="both failed"; else both="one ran"; fi
check "two runners on one transaction-pooled server connection: the guard stops one of them" \
    grep -q 'another server session between two transactions' "$WORK/a.out" "$WORK/b.out"
is "$both" "one ran" "...and the other runs to its end"
[ "$both" = "one ran" ] || sed 's/^/# /' "$WORK/a.out" "$WORK/b.out"
bouncer_stop   # closes its server connection, and with it any lock left on it
out=$($STRAV migrate --database "$DIRECT" --lock-wait 10 2>&1); rc=$?
is "$rc" 0 "a direct migrate afterwards finishes whatever is left"
is "$(applied)" "1720000000001:applied 1720000000002:applied" "every migration is applied exactly once"
is "$(q "select count(*) from public.t")" 1 "the first migration's row is there once"

# ---- statement pooling: no transaction at all ---------------------------------------------
# a generated migration (it has a snapshot, so status runs its drift check), applied directly
pg_newdb stm >/dev/null || { echo "Bail out! cannot create database stm"; exit 1; }
SDIRECT="host=$PG_TMP port=5432 user=postgres dbname=stm"
SVIA="host=$BD port=6432 user=postgres dbname=stm"
mkdir -p "$WORK/stm/database/schemas/public" "$WORK/stm/.strav"
cd "$WORK/stm" || exit 1
printf 'entity author {\n  name  string(100)\n}\n' >database/schemas/public/app.strav
"$ROOT/$BUILD/stravc" generate -m init >/dev/null || { echo "Bail out! generate"; exit 1; }
$STRAV migrate --database "$SDIRECT" >/dev/null 2>&1 || { echo "Bail out! direct migrate"; exit 1; }
bouncer_start statement
for cache in with without; do
    [ "$cache" = with ] || rm -rf .strav
    out=$($STRAV status --database "$SVIA" 2>&1); rc=$?
    is "$rc" 0 "statement pooling, .strav/ $cache: status exits 0"
    check "...lists the applied version" grep -q '1 applied, 0 pending' <<<"$out"
    check "...and its drift warning names statement pooling as the reason" \
        grep -q 'drift check against migration .* failed: .*transaction blocks not allowed in statement pooling mode (a connection pooler in statement pooling mode allows no transaction' <<<"$out"
    check "...not libpq's 'no connection to the server'" eval '! grep -q "no connection to the server" <<<"$out"'
done
q2() { psql -d "$SDIRECT" -Atc "$1"; }
q2 "DROP TABLE public.author; DROP TABLE public._strav_migrations" >/dev/null
out=$($STRAV migrate --database "$SVIA" --session-pooler 2>&1); rc=$?
is "$rc" 1 "statement pooling with --session-pooler: migrate fails"
check "...saying statement pooling allows no transaction" grep -q 'statement pooling mode allows no transaction' <<<"$out"
is "$(q2 "select count(*) from pg_tables where schemaname = 'public' and tablename = 'author'")" 0 "...and creates nothing"
done_testing
