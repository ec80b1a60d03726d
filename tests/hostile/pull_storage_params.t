#!/usr/bin/env bash
# pull_storage_params.t - storage parameters on a hand-written database (a table's fillfactor
# and autovacuum settings, an index's WITH (...)): the model has no place for them, and pull,
# diff --database and baseline used to drop them without a word (no warning, "No drift", so a
# rebuilt database silently lost the tuning). Now each is a warning line, counted as outside the
# model (drift --strict: exit 3).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db relopts
cd "$WORK" || exit 1
mkdir -p database/schemas/public
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE hot (id int PRIMARY KEY, v int) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01);
CREATE INDEX hot_v ON hot (v) WITH (fillfactor = 50);
CREATE TABLE plain (id int PRIMARY KEY);
SQL
out=$("$STRAVC" pull 2>&1); rc=$?
is "$rc" 0 "pull"
check "the table's parameters are a warning" grep -q 'warning: table hot: storage parameters (fillfactor=70, autovacuum_vacuum_scale_factor=0.01) are not in the model' <<<"$out"
check "the index's too" grep -q 'warning: index hot_v: storage parameters (fillfactor=50) are not in the model' <<<"$out"
is "$(grep -c 'plain' <<<"$out")" 0 "a table without any: no warning"
out=$($STRAV db:drift --strict 2>&1); rc=$?
is "$rc" 3 "drift --strict counts them"
done_testing
