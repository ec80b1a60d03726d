#!/usr/bin/env bash
# unlisted.t - a version directory holding *.sql its manifest does not list (docs/runtime.md,
# "Verification"). Written by hand the way people do: the seed's manifest with an empty
# executionOrder beside the files, or a file added after the manifest was written. migrate and
# fresh refuse it before anything runs (it would be recorded as applied without that SQL), and
# status shows it invalid; other files (notes, a README) are not SQL; rollback of an applied
# version is not blocked.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_empty_project
rt_db unlisted
v1=1704067200000
mkdir -p $P/$v1/tables/users
echo 'CREATE TABLE users (id int PRIMARY KEY);' > $P/$v1/tables/users/up.sql
echo 'DROP TABLE users;' > $P/$v1/tables/users/down.sql
# the seed's format, the files forgotten in executionOrder
cat > $P/$v1/manifest.json <<JSON
{ "version": "$v1", "message": "users", "executionOrder": { "up": [], "down": [] } }
JSON
echo "notes" > $P/$v1/README.md
before=$(rt_snapshot)
out=$("$STRAV" migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses a version whose executionOrder leaves its SQL out"
check "  naming the first unlisted file" grep -qF "$P/$v1/tables/users/down.sql is not listed in manifest.json's executionOrder" <<<"$out"
check "  and how many more" grep -qF "(nor 1 more .sql file)" <<<"$out"
check "  and not the README" bash -c '! grep -q README <<<"$1"' _ "$out"
is "$(rt_snapshot)" "$before" "  nothing ran and nothing was recorded"
out=$("$STRAV" migration:status 2>&1); rc=$?
is "$rc" 1 "status: exit 1"
check "  the version is invalid" grep -qE "$v1 +invalid" <<<"$out"
check "  with the reason" grep -qF "$v1: $P/$v1/tables/users/down.sql is not listed" <<<"$out"
out=$("$STRAV" fresh --force 2>&1); rc=$?
is "$rc" 1 "fresh refuses it too"
check "  with the same reason" grep -qF "tables/users/down.sql is not listed" <<<"$out"

# listed: applies
cat > $P/$v1/manifest.json <<JSON
{ "version": "$v1", "message": "users",
  "executionOrder": { "up": ["tables/users/up.sql"], "down": ["tables/users/down.sql"] } }
JSON
out=$("$STRAV" migrate 2>&1); rc=$?
is "$rc" 0 "once listed, the version applies"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/#   /'
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'users'")" 1 "  the table exists"

# the generator's format (files map): one more file dropped in a sub-directory, upper-case name
v2=1704067201000
mkdir -p $P/$v2/tables/posts $P/$v2/indexes/extra
echo 'CREATE TABLE posts (id int);' > $P/$v2/tables/posts/up.sql
echo 'DROP TABLE posts;' > $P/$v2/tables/posts/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $P/$v2 public posts
echo 'CREATE INDEX posts_id ON posts (id);' > $P/$v2/indexes/extra/UP.SQL
ln -s /etc/passwd $P/$v2/tables/posts/linked.sql
before=$(rt_snapshot)
out=$("$STRAV" migrate 2>&1); rc=$?
is "$rc" 1 "a file added after the manifest was written is refused"
check "  the first in name order" grep -qF "$P/$v2/indexes/extra/UP.SQL is not listed" <<<"$out"
check "  a symbolic link named .sql counts, and is not followed" grep -qF "(nor 1 more .sql file)" <<<"$out"
is "$(rt_snapshot)" "$before" "  nothing ran and nothing was recorded"
out=$("$STRAV" migrate --json 2>/dev/null); rc=$?
is "$rc" 1 "  --json: exit 1"
check "  --json: the reason in the JSON" bash -c 'jq -e ".ok == false and (.error | test(\"UP.SQL is not listed\"))" <<<"$1" >/dev/null' _ "$out"
rm -rf $P/$v2

# an applied version that later gains a stray file still rolls back
echo 'DROP TABLE users CASCADE;' > $P/$v1/tables/users/extra.sql
out=$("$STRAV" rollback 2>&1); rc=$?
is "$rc" 0 "rollback is not blocked by an unlisted file"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/#   /'
is "$(psql -Atc "select count(*) from pg_tables where tablename = 'users'")" 0 "  the down ran"

# a pending version verified from the cache (.strav/) has no file lists in memory: status
# reads the manifest's names itself and does not take the listed files for unlisted ones
rm $P/$v1/tables/users/extra.sql
mkdir -p .strav
sleep 1.2   # files younger than a second are never cached
"$STRAV" migration:status >/dev/null 2>&1
out=$("$STRAV" migration:status 2>&1); rc=$?
is "$rc" 0 "status of a pending version verified from the cache: exit 0"
check "  pending, not invalid" grep -qE "$v1 +pending" <<<"$out"
done_testing
