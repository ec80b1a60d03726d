#!/usr/bin/env bash
# pull_domain_collate.t - a hand-written database with a SQL domain that has its own collation
# (CREATE DOMAIN ... COLLATE "C") and a table using it. The column inherits the domain's
# collation; pull used to write it as the column's own `@collate('C')` on a domain-typed field,
# which stravc check refuses ("'@collate' needs a text, varchar or char column"), so the pulled
# files did not compile. Now: pull, check and diff --database all pass (the domain's collation
# is the one detail outside the model, with its warning).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db domcoll
cd "$WORK" || exit 1
mkdir -p database/schemas/public
psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE DOMAIN "Email Addr" AS text COLLATE "C" CHECK (VALUE ~ '@');
CREATE TABLE person (id int PRIMARY KEY, mail "Email Addr", nick text COLLATE "C");
SQL
out=$("$STRAVC" pull 2>&1); rc=$?
is "$rc" 0 "pull"
out=$("$STRAVC" check 2>&1); rc=$?
is "$rc" 0 "the pulled files compile"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -6
check "the text column keeps its own collation" grep -q "nick.*@collate('C')" database/schemas/public/person.strav
is "$(grep -c "mail.*@collate" database/schemas/public/person.strav)" 0 "the domain-typed column has none of its own"
out=$("$STRAVC" diff --database "$STRAV_TEST_DSN dbname=domcoll" 2>&1); rc=$?
is "$rc" 0 "diff --database: no drift"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -6
done_testing
