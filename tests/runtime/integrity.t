#!/usr/bin/env bash
# integrity.t - tampering with an applied migration is reported by status and refused by
# migrate and rollback; a vanished applied migration is reported; a corrupt or missing manifest
# or a missing executionOrder file is a clear error before anything runs. The verification
# cache never hides tampering, and the copies a killed writer of it left are cleaned up.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project basic
rt_db integrity
cd "$WORK" || exit 1
P=database/migrations/public
# files older than the cache's two-second racy window, and a .strav/ directory: the
# verification cache is in play, and must not hide tampering
find database -exec touch -d '1 minute ago' {} +
mkdir .strav
$STRAV migrate >/dev/null 2>&1
sleep 1.1   # files changed in the last second are never cached (racy timestamps)
$STRAV status >/dev/null 2>&1
check "status wrote the verification cache" test "$(grep -c '^17' .strav/verified-public)" = 3
ino=$(stat -c %i .strav/verified-public)
$STRAV status >/dev/null 2>&1
is "$(stat -c %i .strav/verified-public)" "$ino" "an unchanged set does not rewrite the cache (the newest version is cached too)"

# a status killed between writing the cache's copy and renaming it leaves the copy behind: the
# next write of the cache deletes the copies a minute old, not a younger one (a live writer's)
printf partial > .strav/verified-public.4000000.tmp
touch -d '2 minutes ago' .strav/verified-public.4000000.tmp
printf live > .strav/verified-public.4000001.tmp
touch $P/1704067200000/manifest.json   # a version to verify again: the cache is rewritten
$STRAV status >/dev/null 2>&1
check "the cache was written again" test "$(stat -c %i .strav/verified-public)" != "$ino"
check "a killed writer's copy a minute old is deleted" test ! -e .strav/verified-public.4000000.tmp
check "a younger copy is left alone" test -e .strav/verified-public.4000001.tmp
rm -f .strav/verified-public.4000001.tmp

# same size, mtime put back: only the ctime tells (the cache must notice)
f=$P/1704067200000/indexes/up.sql
cp -p $f "$WORK/idx.sql"
sed -i 's/users_email_unique/users_email_uniqu2/' $f
touch -r "$WORK/idx.sql" $f
out=$($STRAV status 2>&1)
check "a same-size edit with the old mtime is still detected" grep -q '^  1704067200000 *modified' <<<"$out"
cp -p "$WORK/idx.sql" $f

# tamper with an applied SQL file, manifest untouched
cp $P/1704153600000/tables/profiles/up.sql "$WORK/orig.sql"
echo 'ALTER TABLE profiles ADD COLUMN sneaky int;' >> $P/1704153600000/tables/profiles/up.sql
out=$($STRAV status 2>&1); rc=$?
check "status marks the tampered version modified" grep -q '^  1704153600000 *modified' <<<"$out"
check "status says which file disagrees" grep -q 'tables/profiles/up.sql does not match the SHA-256' <<<"$out"
is "$rc" 1 "status exits 1 when something is modified"
is "$($STRAV status --json | jq -r '.migrations[1].state')" modified "status --json: modified"
# add a pending version so migrate has work to refuse
mkdir -p $P/1704500000000/tables/tags
echo 'CREATE TABLE tags (id int);' > $P/1704500000000/tables/tags/up.sql
echo 'DROP TABLE tags;' > $P/1704500000000/tables/tags/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $P/1704500000000 public "Tags"
before=$(rt_snapshot)
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses while an applied migration is modified"
check "migrate explains why" grep -q 'applied migration 1704153600000 was modified since it was applied' <<<"$out"
is "$(rt_snapshot)" "$before" "refused migrate changed nothing"
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 1 "rollback refuses a modified migration"

# tamper by regenerating the manifest too: the stored checksum catches it
"$ROOT/tests/lib/mkmanifest.sh" $P/1704153600000 public "Add profiles"
out=$($STRAV status 2>&1)
check "a consistent but changed manifest is still modified (stored checksum)" grep -q '^  1704153600000 *modified' <<<"$out"
cp "$WORK/orig.sql" $P/1704153600000/tables/profiles/up.sql
"$ROOT/tests/lib/mkmanifest.sh" $P/1704153600000 public "Add profiles"
out=$($STRAV status 2>&1); rc=$?
check "restoring the files restores the state" grep -q '^  1704153600000 *applied' <<<"$out"

# an applied migration that vanished
mv $P/1704240000000 "$WORK/gone"
out=$($STRAV status 2>&1)
check "status reports an applied version missing on disk" grep -q '^  1704240000000 *missing' <<<"$out"
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses while an applied version is missing"
check "migrate names the missing version" grep -q 'applied migration 1704240000000 is missing on disk' <<<"$out"
mv "$WORK/gone" $P/1704240000000

# pending version problems: corrupt manifest, missing file; nothing runs
before=$(rt_snapshot)
cp $P/1704500000000/manifest.json "$WORK/m.json"
echo '{ "version": "1704500000000", ' > $P/1704500000000/manifest.json
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "corrupt manifest: exit 1"
check "corrupt manifest: clear message" grep -q 'Migration 1704500000000 cannot be applied: .*manifest.json is corrupt' <<<"$out"
cp "$WORK/m.json" $P/1704500000000/manifest.json
rm $P/1704500000000/tables/tags/up.sql
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "missing executionOrder file: exit 1"
check "missing file: clear message" grep -q 'tables/tags/up.sql listed in executionOrder is missing' <<<"$out"
rm $P/1704500000000/manifest.json
out=$($STRAV migrate 2>&1); rc=$?
check "missing manifest: clear message" grep -q '1704500000000/manifest.json is missing' <<<"$out"
is "$(rt_snapshot)" "$before" "none of these changed the database"
rm -rf $P/1704500000000
check "a directory that is not a version is ignored" bash -c "mkdir -p $P/notes && $STRAV migrate >/dev/null 2>&1"

# passwords never printed
out=$($STRAV status --database 'postgresql://bob:s3cretpw@127.0.0.1:1/x' 2>&1)
check "a failed connection does not print the password (URL)" bash -c "! grep -q s3cretpw <<<'$out' && grep -q 'bob:\*\*\*@' <<<'$out'"
out=$($STRAV status --database "host=127.0.0.1 port=1 user=bob password=s3cretpw" 2>&1)
check "a failed connection does not print the password (conninfo)" bash -c "! grep -q s3cretpw <<<'$out'"
# snapshot.json: in the files map though never run; an edit is a modification like an SQL one
S=$P/1704600000000
mkdir -p $S/tables/tags
echo 'CREATE TABLE tags (id int);' > $S/tables/tags/up.sql
echo 'DROP TABLE tags;' > $S/tables/tags/down.sql
echo '{"enums":[],"tables":[]}' > $S/snapshot.json
"$ROOT/tests/lib/mkmanifest.sh" $S public "Tags"
check "mkmanifest lists snapshot.json in the files map" test "$(jq -r '.files["snapshot.json"] | length' $S/manifest.json)" = 64
echo '{}' > $P/1704067200000/snapshot.json   # on disk, not in an old manifest's files map: ignored
find database -exec touch -d '1 minute ago' {} +
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a version with snapshot.json in its files map migrates"
sleep 1.1   # past the racy window (the ctimes are new)
$STRAV status >/dev/null 2>&1   # writes the cache, snapshot.json included
check "the verification cache lists snapshot.json" grep -q '^1704600000000.*snapshot.json$' .strav/verified-public
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "status from the cache: all applied (an old manifest without snapshot.json still works)"
cp -p $S/snapshot.json "$WORK/snap.json"
sed -i 's/enums/enumz/' $S/snapshot.json
touch -r "$WORK/snap.json" $S/snapshot.json   # same size, same mtime: only the ctime tells
out=$($STRAV status 2>&1); rc=$?
check "status marks a version with an edited snapshot.json modified" grep -q '^  1704600000000 *modified' <<<"$out"
check "status names snapshot.json" grep -q '1704600000000/snapshot.json does not match the SHA-256' <<<"$out"
is "$rc" 1 "status exits 1 for an edited snapshot"
mkdir -p $P/1704700000000/tables/tags2
echo 'CREATE TABLE tags2 (id int);' > $P/1704700000000/tables/tags2/up.sql
echo 'DROP TABLE tags2;' > $P/1704700000000/tables/tags2/down.sql
echo '{"enums":[],"tables":[]}' > $P/1704700000000/snapshot.json
"$ROOT/tests/lib/mkmanifest.sh" $P/1704700000000 public "Tags 2"
before=$(rt_snapshot)
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses while an applied snapshot.json is modified"
check "migrate explains why" grep -q 'applied migration 1704600000000 was modified since it was applied' <<<"$out"
is "$(rt_snapshot)" "$before" "refused migrate changed nothing"
cp -p "$WORK/snap.json" $S/snapshot.json
out=$($STRAV status 2>&1); rc=$?
check "restoring snapshot.json restores the state" grep -q '^  1704600000000 *applied' <<<"$out"
rm $P/1704700000000/snapshot.json
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a files-map entry missing on disk: exit 1"
check "missing snapshot.json: clear message" grep -q '1704700000000/snapshot.json listed in the manifest.s files map is missing' <<<"$out"
is "$(rt_snapshot)" "$before" "a missing snapshot.json ran nothing"
rm $S/snapshot.json
out=$($STRAV status 2>&1); rc=$?
check "status: an applied version whose snapshot.json vanished is modified" grep -q '^  1704600000000 *modified' <<<"$out"
cp -p "$WORK/snap.json" $S/snapshot.json
echo '{}' > $P/1704700000000/snapshot.json
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a snapshot.json edited before it was applied blocks migrate too"
check "it says which file" grep -q '1704700000000/snapshot.json does not match the SHA-256' <<<"$out"
rm -rf $P/1704700000000
done_testing
