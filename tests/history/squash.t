#!/usr/bin/env bash
# squash.t - stravc squash on a history of 22 versions (columns, tables, enums and their
# values, indexes, references, an association, a rename, a drop, a backfill): a checkpoint up
# to version 18, then more versions. A database migrated through the whole history, one
# migrated only to version 8, and a new one (which applies the checkpoint alone, then what
# follows) end with the same pg_dump --schema-only; status says on each what the checkpoint
# means for it; rolling back past the checkpoint is refused; a tampered checkpoint is refused.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
# the schema at step N (each step is one migration)
stage() {
    local n=$1
    {
        echo 'entity user {'
        echo '  email string(255) @unique'
        [ "$n" -ge 2 ] && { [ "$n" -ge 11 ] && echo '  name string(100)?' || echo '  name string?'; }
        if [ "$n" -ge 13 ]; then echo "  role enum(user, editor, admin) = 'user'"
        elif [ "$n" -ge 4 ]; then echo "  role enum(user, admin) = 'user'"; fi
        [ "$n" -ge 8 ] && [ "$n" -lt 15 ] && echo '  age integer? @min(0)'
        [ "$n" -ge 10 ] && echo "  nick string @backfill('anon')"
        [ "$n" -ge 18 ] && echo '  bio text?'
        [ "$n" -ge 21 ] && echo '  phone string(20)?'
        echo '}'
    } >database/schemas/public/user.strav
    if [ "$n" -ge 3 ]; then
        {
            echo 'entity post {'
            echo '  title string(200)'
            echo '  author ref(user)'
            [ "$n" -ge 6 ] && echo '  body text?'
            [ "$n" -ge 16 ] && echo '  published boolean = false'
            [ "$n" -ge 19 ] && echo '  views integer = 0'
            [ "$n" -ge 7 ] && echo '  @@index(title)'
            echo '}'
        } >database/schemas/public/post.strav
    fi
    if [ "$n" -ge 5 ]; then
        {
            echo 'entity tag {'
            echo '  label string(50) @unique'
            if [ "$n" -ge 17 ]; then echo '  colour string(7)? @was(color)'
            elif [ "$n" -ge 14 ]; then echo '  color string(7)?'; fi
            echo '}'
        } >database/schemas/public/tag.strav
    fi
    [ "$n" -ge 9 ] && printf 'association post_tag between post, tag {\n}\n' >database/schemas/public/post_tag.strav
    [ "$n" -ge 12 ] && printf 'contribution comment of post {\n  body text\n}\n' >database/schemas/public/comment.strav
    if [ "$n" -ge 20 ]; then
        {
            echo 'entity setting {'
            echo '  key string(100) @unique'
            echo '  value text?'
            [ "$n" -ge 22 ] && echo '  changedBy ref(user)?'
            echo '}'
        } >database/schemas/public/setting.strav
    fi
    return 0
}
step() {   # step N: write the stage, generate it with a clock of its own
    stage "$1"
    STRAV_NOW_MS=$((1700000000000 + $1 * 1000)) run "$STRAVC" generate -m "step $1" --allow-destructive
    [ "$RC" = 0 ] || echo "# step $1 failed: $OUT"
}
mig() { PGDATABASE=$1 run "$STRAV" migrate; }
st() { PGDATABASE=$1 run "$STRAV" status --no-drift-check; }
V() { echo $((1700000000000 + $1 * 1000)); }

project squash_old
pg_newdb squash_mid >/dev/null
gen_ok=1
for n in $(seq 1 20); do
    step "$n"; [ "$RC" = 0 ] || gen_ok=0
    case $n in 4|12|20) mig squash_old ;; 8) mig squash_mid ;; esac
done
ok '[ "$gen_ok" = 1 ] && [ "$(ls database/migrations/public | grep -c "^[0-9]*$")" = 20 ]' "20 versions generated"
ok '[ "$RC" = 0 ]' "the old database migrated through all of them (three batches)"

run "$STRAVC" squash --up-to "$(V 99)"
ok '[ "$RC" = 1 ] && grep -q "no version" <<<"$OUT"' "squash refuses an unknown version"
run "$STRAVC" squash --up-to "$(V 1)"
ok '[ "$RC" = 1 ] && grep -q "nothing to squash" <<<"$OUT"' "squash refuses to cover a single version"
STRAV_NOW_MS=1700000900000 run "$STRAVC" squash --up-to "$(V 18)"
ok '[ "$RC" = 0 ]' "stravc squash --up-to version 18"
CP=database/migrations/public/$(V 18)/checkpoint
ok '[ -f $CP/manifest.json ] && [ "$(jq -r ".checkpoint.covers | length" $CP/manifest.json)" = 18 ]' "the checkpoint records the 18 versions it covers"
ok '[ "$(jq -r .version $CP/manifest.json)" = "$(V 18)" ] && [ "$(jq -r .parent $CP/manifest.json)" = null ]' "it is an alternative body of version 18 with no parent"
ok '[ -d database/migrations/public/$(V 1) ] && [ -d database/migrations/public/$(V 17) ]' "the covered directories are kept (databases in the middle need them)"
ok 'grep -q "^$(V 18)/checkpoint - " database/migrations/public.lock' "strav.lock lists the checkpoint"
ok '! find $CP -name up.sql -exec cat {} + | grep -qiE "add column|drop |rename"' "the checkpoint up files create, never add, drop or rename columns"
run "$STRAVC" squash --up-to "$(V 18)"
ok '[ "$RC" = 1 ] && grep -q "already has a checkpoint" <<<"$OUT"' "a second checkpoint of the same version is refused"
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "check accepts the history with its checkpoint"
run "$STRAVC" diff
ok '[ "$RC" = 0 ]' "diff: nothing to generate"
# versions after the checkpoint
step 21; step 22
ok '[ "$RC" = 0 ] && [ "$(jq -r .parent database/migrations/public/$(V 22)/manifest.json)" = "$(V 21)" ]' "generate continues after the squash"

pg_newdb squash_new >/dev/null
st squash_new
ok 'grep -q "^  $(V 18) .*pending" <<<"$OUT" && ! grep -q "^  $(V 5) " <<<"$OUT"' "status on a new database: the checkpoint is pending, the covered versions are not listed"
mig squash_new
ok '[ "$RC" = 0 ] && grep -q "Applied 5 migration" <<<"$OUT"' "a new database applies the checkpoint and the 4 versions after it (5, not 22)"
mig squash_mid
ok '[ "$RC" = 0 ] && grep -q "Applied 14 migration" <<<"$OUT"' "the database in the middle (at version 8) applies versions 9..22 one by one"
mig squash_old
ok '[ "$RC" = 0 ] && grep -q "Applied 2 migration" <<<"$OUT"' "the old database applies only versions 21 and 22"
mig squash_new
ok '[ "$RC" = 0 ] && grep -q "Nothing to migrate" <<<"$OUT"' "nothing pending on the new database afterwards"
mig squash_old
ok '[ "$RC" = 0 ] && grep -q "Nothing to migrate" <<<"$OUT"' "nothing pending on the old database (the checkpoint is not pending there)"

d_old=$(PGDATABASE=squash_old dump); d_mid=$(PGDATABASE=squash_mid dump); d_new=$(PGDATABASE=squash_new dump)
is "$d_new" "$d_old" "new (checkpoint) and old database: identical pg_dump --schema-only"
is "$d_mid" "$d_old" "middle and old database: identical pg_dump --schema-only"
ok 'grep -q "colour character varying(7)" <<<"$d_new" && grep -q "changed_by_id" <<<"$d_new" && ! grep -q " age integer" <<<"$d_new"' "the dump is the whole history's result"

st squash_old
ok '[ "$RC" = 0 ] && grep -q "22 applied, 0 pending" <<<"$OUT"' "status on the old database: 22 applied"
ok 'grep -q "$(V 1) .. $(V 18) (18) are covered by checkpoint $(V 18)" <<<"$OUT"' "and it says versions 1..18 are covered by the checkpoint"
st squash_new
ok '[ "$RC" = 0 ] && grep -q "5 applied, 0 pending, 0 modified, 0 missing" <<<"$OUT"' "status on the new database: 5 applied"
ok 'grep -q "built from checkpoint $(V 18), which covers 18" <<<"$OUT"' "and it says it was built from the checkpoint"
PGDATABASE=squash_new run "$STRAV" status --json --no-drift-check
ok '[ "$(jq -r .checkpoint.used <<<"$OUT")" = "$(V 18)" ] && [ "$(jq -r ".checkpoint.covers | length" <<<"$OUT")" = 18 ]' "status --json names the checkpoint used and what it covers"
st squash_mid
ok '[ "$RC" = 0 ] && grep -q "22 applied, 0 pending" <<<"$OUT" && grep -q "covered by checkpoint" <<<"$OUT"' "status on the middle database: 22 applied, covered versions noted"

# rollback: versions after the checkpoint roll back; past it, refused
PGDATABASE=squash_new run "$STRAV" rollback --step 4
ok '[ "$RC" = 0 ]' "the new database rolls back the versions after the checkpoint"
PGDATABASE=squash_new run "$STRAV" rollback
ok '[ "$RC" = 1 ] && grep -q "cannot roll back $(V 18)" <<<"$OUT" && grep -q "checkpoint" <<<"$OUT"' "rolling back the checkpoint is refused with a clear message"
ok '[ "$(PGDATABASE=squash_new q "select count(*) from pg_tables where schemaname='"'"'public'"'"' and tablename='"'"'user'"'"'")" = 1 ]' "and nothing was dropped"
PGDATABASE=squash_old run "$STRAV" rollback --step 5
ok '[ "$RC" = 1 ] && grep -q "cannot roll back $(V 18)" <<<"$OUT"' "the old database cannot roll back past the checkpoint either"
mig squash_new
is "$(PGDATABASE=squash_new dump)" "$d_old" "re-migrated after the rollback: still identical"

# a tampered checkpoint is refused by a database that needs it: its snapshot.json (never run,
# but read by the drift check and the drift record) as well as its SQL
pg_newdb squash_badsnap >/dev/null
cp "$CP/snapshot.json" "$E2E_TMP/cp-snapshot.json"
echo " " >>"$CP/snapshot.json"
mig squash_badsnap
ok '[ "$RC" = 1 ] && grep -q "checkpoint $(V 18) cannot be used" <<<"$OUT"' "a new database refuses a checkpoint whose snapshot.json changed"
is "$(PGDATABASE=squash_badsnap q "select count(*) from pg_tables where schemaname='public'")" 0 "  and applies nothing"
cp "$E2E_TMP/cp-snapshot.json" "$CP/snapshot.json"
pg_newdb squash_bad >/dev/null
f=$(ls $CP/tables/*/up.sql | head -1); echo "-- edited" >>"$f"
mig squash_bad
ok '[ "$RC" = 1 ] && grep -q "checkpoint $(V 18) cannot be used" <<<"$OUT"' "a new database refuses a checkpoint whose files changed"
is "$(PGDATABASE=squash_bad q "select count(*) from pg_tables where schemaname='public'")" 0 "and applies nothing"
mig squash_old
ok '[ "$RC" = 0 ]' "the old database, which does not use the checkpoint, is unaffected"
done_testing
