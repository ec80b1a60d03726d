#!/usr/bin/env bash
# seed_history_generate.t - a project whose history was written by hand or by the TypeScript
# Strav (seed-format manifests, no snapshot.json) runs `stravc generate` for its next change:
# generate must refuse (it cannot know the model after the last version), and say how to give it
# one (it used to print only "cannot read '.../snapshot.json': No such file or directory").
# Following that advice (pull a database at that version, save the model as the snapshot) makes
# the next generate write only the change.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db seedhist
cd "$WORK" || exit 1
mkdir -p database/schemas/public
V=database/migrations/public/1704067200000
mkdir -p $V/tables/users
printf '{"version": "1704067200000", "message": "users", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["tables/users/up.sql"], "down": ["tables/users/down.sql"]}}\n' > $V/manifest.json
echo 'CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);' > $V/tables/users/up.sql
echo 'DROP TABLE users;' > $V/tables/users/down.sql
$STRAV migrate >/dev/null 2>&1
printf 'table users {\n  id integer @primary(name: '"'"'users_pkey'"'"')\n  email text\n  name text?\n}\n' > "$WORK/users.strav"
cp "$WORK/users.strav" database/schemas/public/users.strav
out=$("$STRAVC" generate -m next 2>&1); rc=$?
is "$rc" 1 "generate refuses without the last version's snapshot"
check "and says how to write one" grep -q "note: version 1704067200000 has no snapshot.*stravc model --json -s public | jq '.domains\[0\]' > $V/snapshot.json" <<<"$out"
rm database/schemas/public/users.strav
"$STRAVC" pull >/dev/null 2>&1
"$STRAVC" model --json -s public | jq '.domains[0]' > $V/snapshot.json
cp "$WORK/users.strav" database/schemas/public/users.strav
out=$("$STRAVC" generate -m next 2>&1); rc=$?
is "$rc" 0 "with the snapshot written as told, generate works"
is "$(cat database/migrations/public/1*/tables/users/up.sql | grep -v '^--' | grep -c 'CREATE TABLE')" 1 "and writes only the change (no second CREATE TABLE)"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "which applies"
done_testing
