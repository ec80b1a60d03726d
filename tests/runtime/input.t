#!/usr/bin/env bash
# input.t - what strav-run reads is what the directory holds, and nothing it reads can take the
# transaction or the session away from it. Hand-written migration directories (mkmanifest.sh,
# or JSON written here) with: transaction or session control in a SQL file (refused before
# anything runs, naming file:line; the same words inside a function body, a DO block, a string
# or a comment are fine); a symlink to /dev/zero, a FIFO, a symlink out of the version directory
# (refused quickly, never a hang or unbounded growth); wrong JSON types for each manifest key;
# a version name with a leading zero; a domain name too long for PostgreSQL's 63-byte names.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db input
cd "$WORK" || exit 1
mkdir -p database/schemas/public database/migrations/public .strav
P=database/migrations/public
MK=$ROOT/tests/lib/mkmanifest.sh
T0=60   # generous: a hang shows up as a timeout (exit 124), not as a slow test

# new_version V SQL [DOWN]: a one-table version V whose tables/t/up.sql holds SQL
new_version() {
    rm -rf "${P:?}/$1"
    mkdir -p "$P/$1/tables/t"
    printf '%s\n' "$2" > "$P/$1/tables/t/up.sql"
    printf '%s\n' "${3:-DROP TABLE IF EXISTS t;}" > "$P/$1/tables/t/down.sql"
    "$MK" "$P/$1" public "Version $1"
}
# has DESC TEXT: ok when $out holds TEXT (fixed string); else $out as TAP comments
has() {
    T=$((T + 1))
    if grep -qF -- "$2" <<<"$out"; then echo "ok $T - $1"; else echo "not ok $T - $1"; sed 's/^/#   /' <<<"$out" | head -20; fi
}
tables() { psql -Atc "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'"; }

# ---- transaction and session control ------------------------------------------------------
i=0
while IFS='|' read -r word stmt; do
    i=$((i + 1))
    v=$((1720000000000 + i))
    new_version $v "CREATE TABLE t$i (id int);
-- a comment line
$stmt
CREATE TABLE u$i (id int);"
    before=$(tables)
    out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
    is "$rc" 1 "$word in a SQL file: migrate exits 1"
    has "$word: the refusal names file:line and the statement" "$P/$v/tables/t/up.sql:3: $word"
    is "$(tables)" "$before" "$word: nothing ran (not even the statements before it)"
    out=$(timeout $T0 $STRAV status 2>&1); rc=$?
    has "$word: status shows the version invalid with the same reason" "$P/$v/tables/t/up.sql:3: $word"
    rm -rf "${P:?}/$v"
done <<'EOF'
COMMIT|COMMIT;
BEGIN|begin;
START TRANSACTION|START TRANSACTION;
ROLLBACK|ROLLBACK;
SAVEPOINT|SAVEPOINT s1;
RELEASE|RELEASE SAVEPOINT s1;
END|END;
ABORT|ABORT;
PREPARE TRANSACTION|PREPARE TRANSACTION 'x';
SET search_path|SET search_path = pg_catalog;
SET SESSION|SET SESSION statement_timeout = 0;
SET ROLE|SET ROLE postgres;
SET standard_conforming_strings|SET standard_conforming_strings = off;
RESET|RESET search_path;
DISCARD|DISCARD PLANS;
EOF
# a non-transactional file gets the same check
new_version 1720000000100 "CREATE INDEX CONCURRENTLY t_i ON t (id);
SET search_path = pg_catalog;"
"$MK" "$P/1720000000100" public "nontx" tables/t/up.sql
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "SET in a non-transactional file: migrate exits 1"
has "the non-transactional file is named with its line" "$P/1720000000100/tables/t/up.sql:2: SET search_path"
rm -rf "${P:?}/1720000000100"

new_version 1720000000200 "CREATE TABLE t (id int, note text DEFAULT 'BEGIN; COMMIT;');
SET LOCAL lock_timeout = '10s';
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS \$\$
BEGIN
  RETURN 1;
END;
\$\$;
CREATE PROCEDURE p() LANGUAGE plpgsql AS \$body\$ BEGIN COMMIT; END \$body\$;
DO \$\$ BEGIN PERFORM 1; END \$\$;
/* COMMIT; */ -- ROLLBACK;
CREATE TABLE \"commit\" (\"begin\" int);
CREATE FUNCTION g() RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN true THEN 1 END;
END;" "DROP FUNCTION g(); DROP TABLE \"commit\"; DROP PROCEDURE p(); DROP FUNCTION f(); DROP TABLE t;"
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "COMMIT/BEGIN inside function bodies, DO blocks, strings, comments and names: applied"
is "$(tables)" "_strav_migrations,commit,t" "the migration ran"
is "$(psql -Atc 'select g()')" 1 "the BEGIN ATOMIC function exists"

# ---- files that are not regular files ----------------------------------------------------
new_version 1720000000300 "CREATE TABLE z (id int);"
mv $P/1720000000300/tables/t/up.sql "$WORK/z.sql"
ln -s /dev/zero $P/1720000000300/tables/t/up.sql
start=$(date +%s)
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a symlink to /dev/zero: migrate exits 1 (not 124: no endless read)"
has "it is refused before it is read" "$P/1720000000300/tables/t/up.sql listed in executionOrder is a symbolic link that leads out of the version directory"
out=$(timeout $T0 $STRAV status 2>&1); rc=$?
check "status does not hang on it either (exit $rc)" test "$rc" -ne 124
rm $P/1720000000300/tables/t/up.sql
mkfifo $P/1720000000300/tables/t/up.sql
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a FIFO: migrate exits 1 (not 124: no hang)"
has "it says the file is a FIFO" "up.sql listed in executionOrder is a FIFO, not a regular file"
out=$(timeout $T0 $STRAV status 2>&1); rc=$?
check "status does not hang on a FIFO (exit $rc)" test "$rc" -ne 124
rm $P/1720000000300/tables/t/up.sql
mv $P/1720000000300/manifest.json "$WORK/m.json"
mkfifo $P/1720000000300/manifest.json
out=$(timeout $T0 $STRAV status 2>&1); rc=$?
check "a FIFO manifest of the newest version: status does not hang (exit $rc)" test "$rc" -ne 124 -a "$rc" -ne 0
has "it names the manifest" "$P/1720000000300/manifest.json is a FIFO"
rm $P/1720000000300/manifest.json
mv "$WORK/m.json" $P/1720000000300/manifest.json
mkdir -p "$WORK/outside"
cp "$WORK/z.sql" "$WORK/outside/z.sql"
ln -s "$WORK/outside/z.sql" $P/1720000000300/tables/t/up.sql
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a symlink out of the version directory (absolute): refused"
has "it says where it leads" "up.sql listed in executionOrder is a symbolic link that leads out of the version directory"
rm $P/1720000000300/tables/t/up.sql
ln -s ../../../../../outside/z.sql $P/1720000000300/tables/t/up.sql
ln -s ../../../outside "$P/1720000000300/tables/t2" 2>/dev/null
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a relative symlink climbing out of the version directory: refused"
has "same message" "is a symbolic link that leads out of the version directory"
rm -f $P/1720000000300/tables/t/up.sql $P/1720000000300/tables/t2
cp "$WORK/z.sql" $P/1720000000300/tables/t/real.sql
ln -s real.sql $P/1720000000300/tables/t/up.sql
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a symlink that stays inside the version directory is read"
check "z exists" grep -q z <<<"$(tables)"

# ---- wrong JSON types -----------------------------------------------------------------
new_version 1720000000400 "CREATE TABLE w (id int);"
cp $P/1720000000400/manifest.json "$WORK/good.json"
while IFS='|' read -r key value want; do
    jq --argjson v "$value" ".\"$key\" = \$v" "$WORK/good.json" > $P/1720000000400/manifest.json
    out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
    is "$rc" 1 "\"$key\": $value is refused"
    has "\"$key\": $value: the message says what it must be" "manifest.json: \"$key\" must be $want"
done <<'EOF'
schema|7|a string, not a number
tenants|5|null or an object, not a number
message|{}|a string, not an object
nonTransactional|"tables/t/up.sql"|an array of file names, not a string
nonTransactional|[1]|an array of file names, not an array
files|[]|an object of SHA-256 strings, not an array
files|{"tables/t/up.sql": 5}|an object of SHA-256 strings, not an object
executionOrder|"up"|an object, not a string
parent|17|a string or null, not a number
domain|true|a string, not a boolean
summary|"x"|an object, not a string
generatedAt|0|a string, not a number
destructive|"x"|an array of strings, not a string
EOF
jq '.executionOrder.up = "tables/t/up.sql"' "$WORK/good.json" > $P/1720000000400/manifest.json
out=$(timeout $T0 $STRAV migrate 2>&1)
has "executionOrder.up as a string is refused" 'executionOrder.up must be an array of file names, not a string'
jq '.tenants = {"pattern": 5}' "$WORK/good.json" > $P/1720000000400/manifest.json
out=$(timeout $T0 $STRAV migrate 2>&1)
has "tenants with a non-string pattern is refused" '"tenants" must be null, {"query": "SELECT ..."} or {"pattern": "..."}'
jq '.nonTransactional = ["nope.sql"]' "$WORK/good.json" > $P/1720000000400/manifest.json
out=$(timeout $T0 $STRAV migrate 2>&1)
has "nonTransactional naming a file not in executionOrder is refused" 'nonTransactional names nope.sql, which executionOrder does not list'
jq --arg s "$(printf 's%.0s' $(seq 64))" '.schema = $s' "$WORK/good.json" > $P/1720000000400/manifest.json
out=$(timeout $T0 $STRAV migrate 2>&1)
has "a schema name over 63 bytes is refused" '"schema" must be 1 to 63 bytes'
cp "$WORK/good.json" $P/1720000000400/manifest.json
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "the well-typed manifest applies"

# ---- version names with a leading zero -----------------------------------------------------
mkdir -p $P/01720000000400/tables/t
echo 'CREATE TABLE w2 (id int);' > $P/01720000000400/tables/t/up.sql
echo 'DROP TABLE w2;' > $P/01720000000400/tables/t/down.sql
"$MK" $P/01720000000400 public "zero"
out=$(timeout $T0 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "01720000000400 next to 1720000000400: refused"
has "the refusal names the leading zero" "01720000000400 starts with a zero"
check "w2 was not created" test -z "$(tables | grep w2)"
rm -rf $P/01720000000400

# ---- domain names too long for PostgreSQL -------------------------------------------------
long=d$(printf 'x%.0s' $(seq 45))   # 46 bytes: _strav_<46>_migrations is 64
mkdir -p database/schemas/$long database/migrations/$long/1720000000001/tables/t
echo 'CREATE TABLE t (id int);' > database/migrations/$long/1720000000001/tables/t/up.sql
echo 'DROP TABLE t;' > database/migrations/$long/1720000000001/tables/t/down.sql
"$MK" database/migrations/$long/1720000000001 $long "long"
out=$(timeout $T0 $STRAV migrate -s $long 2>&1); rc=$?
is "$rc" 1 "a 46-byte domain name: migrate exits 1"
has "it says why" "the domain name $long is 46 bytes long; at most 45 are allowed"
is "$(psql -Atc "select count(*) from pg_namespace where nspname like 'dxxx%'")" 0 "no schema was created for it"
ok44=d$(printf 'x%.0s' $(seq 44))
mv database/migrations/$long database/migrations/$ok44
mv database/schemas/$long database/schemas/$ok44
"$MK" database/migrations/$ok44/1720000000001 $ok44 "long"
out=$(timeout $T0 $STRAV migrate -s $ok44 2>&1); rc=$?
is "$rc" 0 "a 45-byte domain name migrates (a 63-byte tracking table)"
is "$(psql -Atc "select count(*) from $ok44._strav_${ok44}_migrations")" 1 "with its full tracking table name"

done_testing
