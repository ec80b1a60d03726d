#!/usr/bin/env bash
# introspect.t - every tests/golden/introspect/<case>.sql is loaded into schema "app" of a fresh
# database and introspected; the model JSON must equal <case>.json and the warnings (what the
# model cannot hold) <case>.warnings. BLESS=1 rewrites the expected files (review them).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
pg_start
BUILD=${BUILD:-build}
n=0
for sql in tests/golden/introspect/*.sql; do
    case=${sql%.sql}; name=$(basename "$case")
    db=$(pg_newdb "t_$name")
    if ! psql "$db" -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA app' -c 'SET search_path = app' \
            -f "$sql" >"$PG_TMP/load.log" 2>&1; then
        n=$((n + 1)); echo "not ok $n - $name: loading the SQL failed"; sed 's/^/# /' "$PG_TMP/load.log"
        continue
    fi
    "$BUILD/tests/test_adopt" introspect "$db" app >"$PG_TMP/got.json" 2>"$PG_TMP/got.warn"
    rc=$?
    n=$((n + 1))
    [ $rc -eq 0 ] && echo "ok $n - $name: introspection succeeds" ||
        { echo "not ok $n - $name: exit $rc"; sed 's/^/# /' "$PG_TMP/got.warn"; }
    for ext in json warnings; do
        got=$PG_TMP/got.json; [ $ext = warnings ] && got=$PG_TMP/got.warn
        n=$((n + 1))
        if [ "${BLESS:-}" = 1 ]; then
            cp "$got" "$case.$ext"; echo "ok $n - $name.$ext blessed"
        elif diff -u "$case.$ext" "$got" >"$PG_TMP/diff" 2>&1; then
            echo "ok $n - $name: $ext as expected"
        else
            echo "not ok $n - $name: $ext differs"; sed 's/^/# /' "$PG_TMP/diff" | head -40
        fi
    done
done
echo "1..$n"
