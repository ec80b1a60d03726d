#!/usr/bin/env bash
# default_parens.t - SQL-expression defaults that PostgreSQL's column DEFAULT grammar (b_expr)
# cannot take bare: pg_get_expr prints a hand-written `DEFAULT (NOT false)` as `NOT false`, pull
# writes `= sql('NOT false')`, and generate used to emit `DEFAULT NOT false`: the migration
# failed with a syntax error, on the column and on a SQL domain alike. Same for AT TIME ZONE
# (the common `DEFAULT (now() AT TIME ZONE 'utc')`), IS NULL and LIKE. Now the expression is
# wrapped in parentheses and the pulled database is rebuilt from its own files.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db parsrc
cd "$WORK" || exit 1
mkdir -p database/schemas/public
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE DOMAIN flag AS boolean DEFAULT (NOT true);
CREATE TABLE t (id int PRIMARY KEY, g boolean DEFAULT (NOT false),
  at timestamp DEFAULT (now() AT TIME ZONE 'utc'), n boolean DEFAULT (NULL IS NULL),
  l boolean DEFAULT ('a' LIKE 'a%'), f flag, s text DEFAULT ('it''s' || 'x'));
SQL
"$STRAVC" pull >/dev/null 2>&1
out=$("$STRAVC" generate -m init 2>&1); rc=$?
is "$rc" 0 "generate from the pulled files"
rt_db pardst
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "the migration applies on an empty database"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -6
q="select string_agg(attname || '=' || pg_get_expr(adbin, adrelid), ', ' order by attnum) from pg_attrdef join pg_attribute on attrelid = adrelid and attnum = adnum where adrelid = 't'::regclass"
is "$(psql -Atc "$q" -d pardst)" "$(psql -Atc "$q" -d parsrc)" "with the same column defaults"
q="select pg_get_expr(typdefaultbin, 0) from pg_type where typname = 'flag'"
is "$(psql -Atc "$q" -d pardst)" "$(psql -Atc "$q" -d parsrc)" "and the same domain default"
out=$("$STRAVC" diff --database "$STRAV_TEST_DSN dbname=parsrc" 2>&1); rc=$?
is "$rc" 0 "diff --database against the original: no drift"
check "a plain call keeps its spelling" grep -q "DEFAULT 'it''s'::text || 'x'::text" database/migrations/public/*/tables/t/up.sql
done_testing
