#!/usr/bin/env bash
# basic.t - the seed's basic and rollback workflows through the real commands, with generated
# migrations: create the user schema, add emailVerifiedAt, generate (seed's output line), review
# the up.sql, migrate (seed's output), status, rollback restores the catalog exactly, batches.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project basic
schema public user <<'S'
entity user {
  id       ulid              @primary
  email    string            @email @unique
  password string
  role     enum(user, admin) = 'user'
}
S
gen "Create users"
ok '[ "$RC" = 0 ] && [[ "$OUT" =~ ^✓\ Migration\ generated:\ [0-9]{13}$'"'"$'\n'"'"' ]]' "first generate prints ✓ Migration generated: <version>"
v1=$(latest)
run "$STRAV" migrate
is "$OUT" "Running pending migrations...

Applied 1 migration(s) in batch 1:
  - $v1" "first migrate: seed output, batch 1"
is "$(col user id)" "character(26)|NO|" "user.id is char(26) NOT NULL without default (#7)"
is "$(col user role)" "user_role|NO|'user'::user_role" "role column typed user_role with default 'user' (#11)"
is "$(q "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e join pg_type t on t.oid=e.enumtypid where typname='user_role'")" "user,admin" "enum user_role has user, admin"
before=$(dump)

# add the field, as in the seed
schema public user <<'S'
entity user {
  id              ulid              @primary
  email           string            @email @unique
  password        string
  role            enum(user, admin) = 'user'
  emailVerifiedAt timestamptz?
}
S
gen "Add email verification"
v2=$(latest)
is "$OUT" "✓ Migration generated: $v2
  Tables: 0 to create, 0 to drop, 1 to modify
  Enums: 0 to create, 0 to modify, 0 to drop" "generate -m 'Add email verification' prints the seed's line"
ok '[ "$v2" -gt "$v1" ]' "second version is newer"
up=$(cat "database/migrations/public/$v2/tables/user/up.sql")
ok '[[ "$up" =~ ALTER\ TABLE\ \"user\"\ ADD\ COLUMN\ \"?email_verified_at\"?\ TIMESTAMPTZ\; ]]' "tables/user/up.sql adds email_verified_at TIMESTAMPTZ (nullable)"
ok '! grep -qi "not null" "database/migrations/public/$v2/tables/user/up.sql"' "the added column is nullable"
is "$(jq -c .executionOrder "database/migrations/public/$v2/manifest.json")" '{"up":["tables/user/up.sql"],"down":["tables/user/down.sql"]}' "manifest executionOrder"
is "$(jq -r .message "database/migrations/public/$v2/manifest.json")" "Add email verification" "manifest message"
run "$STRAV" migrate
is "$OUT" "Running pending migrations...

Applied 1 migration(s) in batch 2:
  - $v2" "migrate applies it in batch 2"
is "$(col user email_verified_at)" "timestamp with time zone|YES|" "email_verified_at exists, nullable, no default"
run "$STRAV" migrate
is "$OUT" "Running pending migrations...
Nothing to migrate. All migrations are up to date." "migrate again: nothing to migrate (#50)"
run "$STRAV" migration:status
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"$v1   applied   1"*"Create users"* ]] && [[ "$OUT" == *"$v2   applied   2"*"Add email verification"* ]] && [[ "$OUT" == *"2 applied, 0 pending, 0 modified, 0 missing"* ]]' "status lists both applied with batches"
gen "again"
is "$RC:$OUT:$(nversions)" "0:No changes detected:2" "generate after migrate: no changes, no directory (#25)"

# rollback restores the catalog exactly
run "$STRAV" rollback
is "$OUT" "Rolling back batch 2...

Rolled back 1 migration(s) from batch 2:
  - $v2" "rollback prints the seed's lines"
is "$(dump)" "$before" "rollback restores pg_dump --schema-only exactly"
is "$(q "select version||':'||batch from _strav_migrations order by id")" "$v1:1" "tracking table keeps only batch 1"
run "$STRAV" migration:status
ok '[[ "$OUT" == *"$v2   pending"* ]] && [[ "$OUT" == *"1 applied, 1 pending"* ]]' "status: v2 pending after rollback"

# the seed's rollback scenario: batch with two migrations, rollback, fix, generate, migrate
schema public post <<'S'
entity post {
  title  string(200)
  author ref(user)
}
S
gen "Add posts"; v3=$(latest)
run "$STRAV" migrate
is "$OUT" "Running pending migrations...

Applied 2 migration(s) in batch 2:
  - $v2
  - $v3" "two pending versions applied together in batch 2, ascending (#49)"
run "$STRAV" rollback
is "$OUT" "Rolling back batch 2...

Rolled back 2 migration(s) from batch 2:
  - $v3
  - $v2" "rollback reverts both, newest first (#52)"
is "$(dump)" "$before" "catalog back to batch 1"
# fix the issue in the schema, generate a new migration and run again
schema public post <<'S'
entity post {
  title  string(300)
  author ref(user)
}
S
gen "Fix post table issues"; v4=$(latest)
run "$STRAV" migrate
is "$OUT" "Running pending migrations...

Applied 3 migration(s) in batch 2:
  - $v2
  - $v3
  - $v4" "migrate again: batch 2 holds v2, v3 and the fix"
is "$(col post title)" "character varying(300)|NO|" "post.title is varchar(300)"
run "$STRAV" rollback --batch 1
ok '[ "$RC" = 1 ] && [ "$(q "select count(*) from _strav_migrations")" = 4 ]' "rollback --batch 1 while batch 2 exists is refused (#54)"
run "$STRAV" rollback --step 1
ok '[ "$RC" = 0 ] && [ "$(col post title)" = "character varying(200)|NO|" ]' "rollback --step 1 reverts only the fix"
run "$STRAV" rollback; run "$STRAV" rollback
is "$RC:$(q "select count(*) from _strav_migrations")" "0:0" "rolling back every batch empties the tracking table"
run "$STRAV" rollback
is "$RC:$OUT" "0:Rolling back last batch...
Nothing to rollback." "rollback with nothing applied (#53)"

# fresh: drops and re-applies everything as batch 1
run "$STRAV" migrate
q "insert into \"user\"(id, email, password) values ('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'a@b.c', 'x')" >/dev/null
run "$STRAV" migration:fresh --force
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from \"user\"")" = 0 ] && [ "$(q "select distinct batch from _strav_migrations")" = 1 ] && [ "$(q "select count(*) from _strav_migrations")" = 4 ]' "migration:fresh --force re-applies all 4 versions as batch 1 with empty tables"
run env -u APP_ENV "$STRAV" migration:fresh </dev/null
ok '[ "$RC" = 1 ] && [ "$(q "select count(*) from _strav_migrations")" = 4 ]' "migration:fresh without --force and without a terminal is refused (#58)"

# a failing migration leaves nothing (seed's error handling)
mkdir -p database/migrations/public/9999999999999/tables/x
echo 'SELECT invalid_column FROM "user";' >database/migrations/public/9999999999999/tables/x/up.sql
echo 'SELECT 1;' >database/migrations/public/9999999999999/tables/x/down.sql
sum() { sha256sum "$1" | cut -d' ' -f1; }
jq -n --arg u "$(sum database/migrations/public/9999999999999/tables/x/up.sql)" --arg d "$(sum database/migrations/public/9999999999999/tables/x/down.sql)" \
  '{version:"9999999999999",message:"broken",generatedAt:"2026-01-01T00:00:00.000Z",summary:{},executionOrder:{up:["tables/x/up.sql"],down:["tables/x/down.sql"]},files:{"tables/x/up.sql":$u,"tables/x/down.sql":$d},nonTransactional:[],destructive:[],irreversible:[]}' \
  >database/migrations/public/9999999999999/manifest.json
snap=$(dump)
run "$STRAV" migrate
ok '[ "$RC" = 1 ] && [[ "$OUT" == *"Error: Migration 9999999999999 failed: column \"invalid_column\" does not exist"* ]] && [[ "$OUT" == *"✓ Transaction rolled back - database unchanged"* ]]' "failing migration: seed's error lines, exit 1"
is "$(dump)" "$snap" "failing migration: catalog unchanged"
rm -rf database/migrations/public/9999999999999

# #59: a folder that is not a version, or a file, in the migrations dir is ignored
mkdir database/migrations/public/abc; touch database/migrations/public/README
run "$STRAV" migration:status
ok '[ "$RC" = 0 ] && [[ "$OUT" != *abc* ]] && [[ "$OUT" == *"4 applied, 0 pending"* ]]' "#59 abc/ and a stray file are ignored by status"
rm -rf database/migrations/public/abc database/migrations/public/README

# the seed's aliases
sed -i 's/^}$/  age integer?\n}/' database/schemas/public/post.strav
run "$STRAV" g:migration -m "alias g"; va=$(latest)
ok '[ "$RC" = 0 ] && [[ "$OUT" == "✓ Migration generated: $va"* ]]' "g:migration alias"
# #60: a second runner waits on the advisory lock, then the migration is applied exactly once
psql -X -q -c "select pg_advisory_lock(hashtextextended('strav:public._strav_migrations', 0)), pg_sleep(1.5)" >/dev/null &
locker=$!
sleep 0.5
"$STRAV" migration:run -s public >"$E2E_TMP/m1" 2>&1 & m1=$!
"$STRAV" migrate >"$E2E_TMP/m2" 2>&1 & m2=$!
wait $m1; r1=$?; wait $m2; r2=$?; wait $locker
ok '[ "$r1:$r2" = 0:0 ] && [ "$(q "select count(*) from _strav_migrations where version='"'"'$va'"'"'")" = 1 ] && cat "$E2E_TMP/m1" "$E2E_TMP/m2" | grep -q "Nothing to migrate"' "#60 two concurrent migrate (migration:run -s public alias): one applies, the other finds nothing"
sed -i '/^  age integer?$/d' database/schemas/public/post.strav
run "$STRAV" migration:generate -m "alias generate" --allow-destructive
ok '[ "$RC" = 0 ]' "migration:generate alias (passes --allow-destructive through)"
run "$STRAV" migrate
b=$(q "select max(batch) from _strav_migrations")
run "$STRAV" migration:rollback --batch "$b"
ok '[ "$RC" = 0 ] && [[ "$OUT" == "Rolling back batch $b..."* ]] && [ "$(col post age)" = "integer|YES|" ]' "migration:rollback --batch <latest>"
done_testing
