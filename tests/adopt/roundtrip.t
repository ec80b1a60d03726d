#!/usr/bin/env bash
# roundtrip.t - adopting a hand-built database: pull writes .strav files that compile to the
# introspected model and report no drift; a database changed by hand is reported as drifted
# with the right plan (against the files and against the latest snapshot); baseline adopts the
# matching database and refuses the changed one, listing the differences.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
pg_start
B=${BUILD:-build}
T=$PG_TMP/work; mkdir -p "$T/schemas/public"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for f in "$@"; do sed 's/^/# /' "$f" | head -40; done; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what" "$T/out" "$T/err"; fi; }

db=$(pg_newdb adopt)
psql "$db" -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA app' -c 'SET search_path = app' \
    -f tests/adopt/fixtures/roundtrip.sql >/dev/null || { echo "Bail out! fixture"; exit 1; }

"$B/tests/test_adopt" pull --database "$db" -s app --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "pull writes the files" test $? -eq 0 -a -f "$T/schemas/app/users.strav"
check "pull has nothing to warn about on an expressible schema" test ! -s "$T/err"
"$B/tests/test_adopt" pull --database "$db" -s app --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "pull refuses to overwrite without --force" test $? -eq 1
grep -q '^entity users {' "$T/schemas/app/users.strav" && grep -q '^event audit_events {' \
    "$T/schemas/app/audit_events.strav"
check "archetypes only where the columns match exactly" test $? -eq 0
# now() is kept as written: a table whose stamp says now() is not an entity (whose stamps emit
# CURRENT_TIMESTAMP), and the field says sql('now()').
psql "$db" -q -c "CREATE TABLE app.stamped (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)" &&
"$B/tests/test_adopt" pull --database "$db" -s app --schemas "$T/stamped" >"$T/out" 2>"$T/err" &&
grep -q '^table stamped {' "$T/stamped/app/stamped.strav" && grep -q "created_at *timestamptz *= sql('now()')" "$T/stamped/app/stamped.strav"
check "a now() default is written as written, and is no entity stamp" test $? -eq 0
psql "$db" -q -c "DROP TABLE app.stamped"
"$B/stravc" check --schemas "$T/schemas" -s app >"$T/out" 2>"$T/err"
check "the pulled files compile" test $? -eq 0
"$B/stravc" fmt --check "$T/schemas/app" >"$T/out" 2>"$T/err"
check "the pulled files are in canonical format" test $? -eq 0

# The compiled model equals the introspected one (archetype is informative only).
"$B/stravc" model --json --schemas "$T/schemas" -s app 2>"$T/err" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); d=d["domains"][0] if "domains" in d else d
for t in d["tables"]: t.pop("archetype", None)
print(json.dumps(d, indent=1, sort_keys=True))' >"$T/compiled.json"
"$B/tests/test_adopt" introspect "$db" app 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin)
for t in d["tables"]: t.pop("archetype", None)
print(json.dumps(d, indent=1, sort_keys=True))' >"$T/live.json"
diff -u "$T/live.json" "$T/compiled.json" >"$T/out" 2>&1
check "compiling the pulled files gives the introspected model" test $? -eq 0

"$B/tests/test_adopt" drift --database "$db" -s app --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "drift: files and database in sync (exit 0)" test $? -eq 0

# A migration from empty to the files, to test --snapshot and baseline.
mkdir -p "$T/migrations"
"$B/stravc" generate -m init --schemas "$T/schemas" --migrations "$T/migrations" -s app \
    >"$T/out" 2>"$T/err"
check "generate the initial migration" test $? -eq 0
V=$(ls "$T/migrations/app" | head -1)
"$B/tests/test_adopt" drift --database "$db" -s app --migrations "$T/migrations" --snapshot \
    >"$T/out" 2>"$T/err"
check "drift --snapshot: in sync" test $? -eq 0

# Change the database by hand: add a column, drop an index, change a default.
psql "$db" -q -v ON_ERROR_STOP=1 -c 'SET search_path = app' \
    -c 'ALTER TABLE users ADD COLUMN nickname text' -c 'DROP INDEX users_tags' \
    -c "ALTER TABLE users ALTER COLUMN score SET DEFAULT 7" >/dev/null
"$B/tests/test_adopt" drift --database "$db" -s app --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "drift: a changed database exits 3" test $? -eq 3
grep -q 'DROP COLUMN nickname' "$T/out" && grep -q 'CREATE INDEX users_tags ON users USING gin (tags)' "$T/out" &&
    grep -qi 'ALTER COLUMN score SET DEFAULT -1' "$T/out"
check "drift: the plan drops the column, re-creates the index, restores the default" test $? -eq 0
"$B/tests/test_adopt" drift --database "$db" -s app --migrations "$T/migrations" --snapshot \
    >"$T/out" 2>"$T/err"
check "drift --snapshot: a changed database exits 3" test $? -eq 3

# Baseline: refused on the changed database, accepted on a matching one.
"$B/tests/test_adopt" baseline --database "$db" -s app --migrations "$T/migrations" --version "$V" \
    >"$T/out" 2>"$T/err"
rc=$?
check "baseline refuses a mismatching database" test $rc -eq 1
grep -q 'nickname' "$T/err" && grep -q 'users_tags' "$T/err"
check "baseline lists the differences" test $? -eq 0
[ "$(psql "$db" -Atc "SELECT count(*) FROM pg_class WHERE relname = '_strav_app_migrations'")" = 0 ]
check "baseline recorded nothing when refusing" test $? -eq 0

db2=$(pg_newdb adopt2)
psql "$db2" -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA app' -c 'SET search_path = app' \
    -f tests/adopt/fixtures/roundtrip.sql >/dev/null
"$B/tests/test_adopt" baseline --database "$db2" -s app --migrations "$T/migrations" --version "$V" \
    >"$T/out" 2>"$T/err"
check "baseline adopts a matching database" test $? -eq 0
got=$(psql "$db2" -Atc "SELECT version || ' ' || batch || ' ' || length(checksum) FROM app._strav_app_migrations")
check "baseline recorded the version (batch 1, sha256 checksum)" test "$got" = "$V 1 64"
want=$(sha256sum "$T/migrations/app/$V/manifest.json" | cut -d' ' -f1)
got=$(psql "$db2" -Atc "SELECT checksum FROM app._strav_app_migrations")
check "the checksum is the manifest's sha256" test "$got" = "$want"
"$B/tests/test_adopt" baseline --database "$db2" -s app --migrations "$T/migrations" --version "$V" \
    >"$T/out" 2>"$T/err"
check "baseline again records nothing" grep -q 'Nothing to record' "$T/out"
echo "1..$n"
