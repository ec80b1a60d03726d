#!/usr/bin/env bash
# privileges.t - the runtime as an ordinary role, the way production databases are set up: a
# LOGIN role that is not a superuser, owns neither the database nor the public schema, and was
# granted CREATE on schema public (PostgreSQL 15's public schema gives nothing to others).
# generate -> migrate -> status (its drift check) -> db:drift seeing a hand-made change ->
# rollback -> fresh all work. The drift check builds the model in a scratch schema; without
# CREATE on the database it uses the role's temporary schema, and without TEMPORARY either it
# says what it needs. The role that owns the database (still no superuser) works as well.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
chmod 755 "$WORK"
trap 'rm -rf "$WORK"; pg_stop' EXIT
psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE ROLE owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE DATABASE shared" -c "CREATE DATABASE owned OWNER owner" || exit 1
psql -q -v ON_ERROR_STOP=1 -d shared -c "GRANT CREATE ON SCHEMA public TO app" || exit 1
cd "$WORK" || exit 1
mkdir -p database/schemas
cp -r "$ROOT/schemas/public" database/schemas/
"$ROOT/$BUILD/stravc" generate -m init >/dev/null || { echo "Bail out! generate failed"; exit 1; }

run_as() {   # run_as ROLE DB: the whole cycle as ROLE
    local role=$1 db=$2 out rc
    local url="host=$PG_TMP port=5432 user=$role dbname=$db"
    out=$($STRAV migrate --database "$url" 2>&1); rc=$?
    is "$rc" 0 "$role on $db: migrate"
    [ $rc = 0 ] || sed 's/^/# /' <<<"$out"
    out=$($STRAV status --database "$url" 2>&1); rc=$?
    is "$rc" 0 "$role on $db: status, drift check included, exit 0"
    check "$role on $db: ...and the drift check ran (no warning that it failed)" \
        bash -c "! grep -qi 'drift check.*failed' <<<\"\$1\"" _ "$out"
    out=$($STRAV db:drift --database "$url" 2>&1); rc=$?
    is "$rc" 0 "$role on $db: db:drift is clean"
    [ $rc = 0 ] || sed 's/^/# /' <<<"$out"
    psql -q -d "$db" -c 'ALTER TABLE public."user" ADD COLUMN nickname text' || return
    out=$($STRAV db:drift --database "$url" 2>&1); rc=$?
    is "$rc" 3 "$role on $db: a column added by hand is drift (exit 3)"
    check "$role on $db: ...naming it" grep -q 'nickname' <<<"$out"
    psql -q -d "$db" -c 'ALTER TABLE public."user" DROP COLUMN nickname' || return
    out=$($STRAV rollback --database "$url" 2>&1); rc=$?
    is "$rc" 0 "$role on $db: rollback"
    is "$(psql -Atd "$db" -c "select count(*) from pg_tables where schemaname = 'public' and tablename not like '\\_strav%'")" 0 \
       "$role on $db: ...leaves no table behind"
    out=$($STRAV fresh --force --database "$url" 2>&1); rc=$?
    is "$rc" 0 "$role on $db: fresh"
}
run_as app shared
run_as owner owned

# no CREATE on the database and no TEMPORARY either: the drift check says what it needs
psql -q -d postgres -c "REVOKE TEMPORARY ON DATABASE shared FROM PUBLIC" || exit 1
out=$($STRAV db:drift --database "host=$PG_TMP port=5432 user=app dbname=shared" 2>&1); rc=$?
is "$rc" 1 "without CREATE or TEMPORARY on the database, db:drift fails (exit 1)"
check "...saying the role needs CREATE or TEMPORARY on the database" grep -q 'needs CREATE or TEMPORARY on the database' <<<"$out"
done_testing
