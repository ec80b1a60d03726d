#!/usr/bin/env bash
# server.t - the test harness can start a private PostgreSQL server and talk to it.
. "$(dirname "$0")/../lib/pg.sh"
pg_start
v=$(psql -Atc 'select 40 + 2')
if [ "$v" = 42 ]; then echo "ok 1 - private server answers on its Unix socket"; else echo "not ok 1 - got '$v'"; fi
db=$(pg_newdb strav_smoke)
n=$(psql "$db" -Atc 'select current_database()')
[ "$n" = strav_smoke ] && echo "ok 2 - pg_newdb gives a usable conninfo" || echo "not ok 2 - got '$n'"
echo "1..2"
