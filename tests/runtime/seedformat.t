#!/usr/bin/env bash
# seedformat.t - a migration directory written by hand in the seed's documented manifest format
# (version, message, generatedAt, summary, executionOrder: no files map, no Strav keys) is
# applied by `strav migrate`, its checksum covers every file it lists, and a later edit of one
# of those files is reported as modified (also with the verification cache in play), refused
# by migrate, and undone by restoring the file.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db seedformat
cd "$WORK" || exit 1
mkdir -p database/schemas/public .strav
P=database/migrations/public
V1=$P/1704067200000 V2=$P/1704153600000
mkdir -p $V1/enums $V1/tables/users $V2/tables/posts
cat > $V1/manifest.json <<'EOF'
{
  "version": "1704067200000",
  "message": "Add user authentication",
  "generatedAt": "2024-01-01T12:00:00.000Z",
  "summary": {
    "tablesToCreate": 1,
    "tablesToDrop": 0,
    "tablesToModify": 0,
    "enumsToCreate": 1,
    "enumsToModify": 0,
    "enumsToDrop": 0
  },
  "executionOrder": {
    "up": ["enums/up.sql", "tables/users/up.sql"],
    "down": ["tables/users/down.sql", "enums/down.sql"]
  }
}
EOF
echo "CREATE TYPE user_role AS ENUM ('admin', 'member');" > $V1/enums/up.sql
echo "DROP TYPE user_role;" > $V1/enums/down.sql
cat > $V1/tables/users/up.sql <<'EOF'
CREATE TABLE users (
  id serial PRIMARY KEY,
  role user_role NOT NULL DEFAULT 'member',
  email text NOT NULL
);
EOF
echo "DROP TABLE users;" > $V1/tables/users/down.sql
cat > $V2/manifest.json <<'EOF'
{"version": "1704153600000", "message": "Posts", "generatedAt": "2024-01-02T12:00:00.000Z",
 "summary": {"tablesToCreate": 1, "tablesToDrop": 0, "tablesToModify": 0, "enumsToCreate": 0, "enumsToModify": 0, "enumsToDrop": 0},
 "executionOrder": {"up": ["tables/posts/up.sql"], "down": ["tables/posts/down.sql"]}}
EOF
echo "CREATE TABLE posts (id serial PRIMARY KEY, author int REFERENCES users (id));" > $V2/tables/posts/up.sql
echo "DROP TABLE posts;" > $V2/tables/posts/down.sql
# old enough for the verification cache (two-second racy window) to trust their times
find database -exec touch -d '1 minute ago' {} +

out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "strav migrate applies hand-written seed-format migrations"
grep -q 'files map' <<<"$out" && sed 's/^/#   /' <<<"$out"
is "$(psql -Atc "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public' and tablename not like '\_strav%'")" \
   "posts,users" "both tables exist"
is "$(psql -Atc 'select count(*) from _strav_migrations')" 2 "both versions are recorded"
ck=$(psql -Atc "select checksum from _strav_migrations where version = '1704067200000'")
check "a SHA-256 checksum is recorded" grep -qE '^[0-9a-f]{64}$' <<<"$ck"
check "it is not just the manifest's bytes (it covers the files too)" test "$ck" != "$(sha256sum < $V1/manifest.json | cut -d' ' -f1)"
sleep 1.1
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "status: exit 0"
check "status shows both applied" test "$(grep -cE '^  170[0-9]+ +applied' <<<"$out")" = 2
out=$($STRAV status 2>&1)
check "status again (from the verification cache): both applied" test "$(grep -cE '^  170[0-9]+ +applied' <<<"$out")" = 2

# edit a file the manifest lists, keeping its size and time (only the checksum can tell)
cp -p $V1/tables/users/up.sql "$WORK/users.sql"
sed -i 's/email text/email TEXT/' $V1/tables/users/up.sql
touch -r "$WORK/users.sql" $V1/tables/users/up.sql
out=$($STRAV status 2>&1); rc=$?
is "$rc" 1 "status after an edit: exit 1"
check "the edited version is modified" grep -qE '^  1704067200000 +modified' <<<"$out"
check "the other one is still applied" grep -qE '^  1704153600000 +applied' <<<"$out"
is "$($STRAV status --json | jq -r '.migrations[0].state')" modified "status --json: modified"
mkdir -p $P/1704240000000/tables/tags
printf '{"version": "1704240000000", "message": "Tags", "generatedAt": "2024-01-03T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["tables/tags/up.sql"], "down": ["tables/tags/down.sql"]}}\n' > $P/1704240000000/manifest.json
echo "CREATE TABLE tags (id int);" > $P/1704240000000/tables/tags/up.sql
echo "DROP TABLE tags;" > $P/1704240000000/tables/tags/down.sql
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses while a seed-format version is modified"
check "it names the version" grep -q 'applied migration 1704067200000 was modified since it was applied' <<<"$out"
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'tags'")" 0 "nothing ran"

# an edited down file counts as well; restoring everything restores the state
cp -p "$WORK/users.sql" $V1/tables/users/up.sql
cp -p $V2/tables/posts/down.sql "$WORK/posts_down.sql"
echo "DROP TABLE posts CASCADE;" > $V2/tables/posts/down.sql
out=$($STRAV status 2>&1)
check "an edited down file: modified" grep -qE '^  1704153600000 +modified' <<<"$out"
cp -p "$WORK/posts_down.sql" $V2/tables/posts/down.sql
out=$($STRAV status 2>&1)
check "restored: applied again" test "$(grep -cE '^  170[0-9]+ +applied' <<<"$out")" = 2

out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "the third seed-format version migrates"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 0 "and rolls back"
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'tags'")" 0 "tags is gone"

# a seed-format manifest still gets every check: a missing listed file is refused
mkdir -p $P/1704500000000
printf '{"version": "1704500000000", "message": "x", "generatedAt": "2024-01-03T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["nope.sql"], "down": []}}\n' > $P/1704500000000/manifest.json
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a seed-format version listing a missing file is refused"
check "with the file named" grep -q '1704500000000/nope.sql listed in executionOrder is missing' <<<"$out"
done_testing
