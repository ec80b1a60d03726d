#!/usr/bin/env bash
# seedfiles.t - hand-written SQL files in the seed's format as editors and dumps write them: a
# UTF-8 byte order mark and CRLF line ends apply and roll back; `COPY ... FROM stdin` with its
# inline rows is refused before anything runs, naming file:line (it used to spin forever at 100%
# CPU); a failing statement after a comment line is reported at its own line, not the comment's.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
P=database/migrations/public V=$P/1704067200000
mkdir -p $V/tables/a
printf '{"version": "1704067200000", "message": "a", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["tables/a/up.sql"], "down": ["tables/a/down.sql"]}}\n' > $V/manifest.json

rt_db bom
printf '\xef\xbb\xbfCREATE TABLE a (id int);\r\n-- a comment; with a semicolon\r\nINSERT INTO a VALUES (1);\r\n' > $V/tables/a/up.sql
printf '\xef\xbb\xbfDROP TABLE a;\r\n' > $V/tables/a/down.sql
out=$(timeout 20 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a file with a byte order mark and CRLF line ends applies"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out"
is "$(psql -Atc 'select count(*) from a' 2>&1)" 1 "its statements ran"
out=$(timeout 20 $STRAV rollback 2>&1); rc=$?
is "$rc" 0 "its down file (with a byte order mark) rolls back"
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'a'")" 0 "the table is gone"
printf '\xef\xbb\xbfBEGIN;\r\nCREATE TABLE a (id int);\r\n' > $V/tables/a/up.sql
out=$(timeout 20 $STRAV migrate 2>&1); rc=$?
check "a BEGIN right after the byte order mark is still refused" grep -q 'tables/a/up.sql:1: BEGIN' <<<"$out"

rt_db copy
printf 'CREATE TABLE a (id int);\nCOPY a (id) FROM stdin;\n1\n2\n\\.\n' > $V/tables/a/up.sql
printf 'DROP TABLE a;\n' > $V/tables/a/down.sql
out=$(timeout 20 $STRAV migrate 2>&1); rc=$?
is "$rc" 1 "COPY ... FROM stdin: migrate fails (and returns)"
check "naming file:line before anything runs" grep -q 'tables/a/up.sql:2: COPY ... FROM STDIN' <<<"$out"
is "$(psql -Atc "select count(*) from pg_tables where tablename in ('a', '_strav_migrations')")" 0 "nothing ran"

rt_db line
printf 'CREATE TABLE a (id int);\n-- the next statement divides by zero\n\n/* so /* does */ this */\nSELECT 1/0;\n' > $V/tables/a/up.sql
out=$(timeout 20 $STRAV migrate 2>&1)
check "an error without a position names the statement's line, after the comments" grep -q 'tables/a/up.sql:5: error: division by zero' <<<"$out"
grep -q 'division' <<<"$out" || sed 's/^/#   /' <<<"$out"
done_testing
