#!/usr/bin/env bash
# changes.t - strav-original §6.2 (diffs against an existing database) and the destructive-change
# safety, each as a schema edit driven through strav generate:migration + migrate on a populated
# database and checked in the catalog (and the data), not only in the SQL text.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
con() { q "select pg_get_constraintdef(oid) from pg_constraint where conname='$1'"; }
labels() { q "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e join pg_type t on t.oid=e.enumtypid where typname='$1'"; }
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=changes"
# user.strav from the fields given on stdin (post and comment stay)
user() { { echo 'entity user {'; echo '  id uuid @primary'; cat; echo '}'; } >database/schemas/public/user.strav; }
post() { printf 'entity post {\n  title string(200)\n  author %s\n}\n' "$1" >database/schemas/public/post.strav; }

project changes
user <<'S'
  email  string            @unique
  role   enum(user, admin) = 'user'
  bio    text?
  title  string?
  status string            = 'draft'
  code   text
  nick   string(100)
  tok    text?
  slug   string
S
post 'ref(user)'
schema public comment <<'S'
contribution comment of post {
  body text
}
S
gm "Initial"
ok '[ "$RC" = 0 ]' "initial schema applied"
U=11111111-1111-1111-1111-111111111111
q "insert into \"user\"(id, email, bio, title, code, nick, tok, slug) values ('$U', 'a@b.c', 'my bio', 'Dr', '42', 'nick', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 's')" >/dev/null
q "insert into post(title, author_id) values ('p', '$U')" >/dev/null
q "insert into comment(post_id, body) values (1, 'c')" >/dev/null

# 25
gen "nothing"
is "$RC:$OUT:$(nversions)" "0:No changes detected:1" "#25 model unchanged: no changes, no directory"

# 26
user <<'S'
  email  string            @unique
  role   enum(user, admin) = 'user'
  bio    text?
  title  string?
  status string            = 'draft'
  code   text
  nick   string(100)
  tok    text?
  slug   string
  extra  text?
S
gm "Add extra"
ok '[ "$RC" = 0 ] && [ "$(col user extra)" = "text|YES|" ] && [ "$(jq .summary.tablesToModify database/migrations/public/$(latest)/manifest.json)" = 1 ]' "#26 nullable column added; summary tablesToModify = 1"

# 27/28: a required column without default on a populated table
user <<'S'
  email    string            @unique
  role     enum(user, admin) = 'user'
  bio      text?
  title    string?
  status   string            = 'draft'
  code     text
  nick     string(100)
  tok      text?
  slug     string
  extra    text?
  nickname string
S
n=$(nversions)
gm "Add nickname"
ok '[ "$RC" != 0 ] && [[ "$OUT" == *"table user has 1 rows: column nickname: give it a default or @backfill"* ]] && [ -z "$(col user nickname)" ]' "#28 required column without default or backfill: migrate stops naming the rows and the column, nothing changed"
rm -rf "database/migrations/public/$(latest)"   # the author drops the migration that cannot apply
sed -i 's/^  nickname string$/  nickname string @backfill('"'"'anon'"'"')/' database/schemas/public/user.strav
gm "Add nickname"
ok '[ "$RC" = 0 ] && [ "$(col user nickname)" = "character varying(255)|NO|" ] && [ "$(q "select nickname from \"user\"")" = anon ]' "#28 with @backfill('anon') it applies on a table with rows, NOT NULL without default"
# 28 a required reference added to a populated table
post 'ref(user)
  editor ref(user)'
gm "Add editor"
ok '[ "$RC" != 0 ] && [[ "$OUT" == *"column editor_id: give it a default or @backfill"* ]] && [ -z "$(col post editor_id)" ]' "#28 required ref on a populated table without backfill: migrate stops naming the column"
rm -rf "database/migrations/public/$(latest)"
post "ref(user)
  editor ref(user) @backfill('$U')"
gm "Add editor"
ok '[ "$RC" = 0 ] && [ "$(q "select editor_id from post")" = "$U" ] && [ "$(col post editor_id)" = "uuid|NO|" ] && [ -n "$(con fk_post_editor_id)" ]' "#28 required ref with @backfill: column, value, FK"

# 30 rename with @was keeps the data
sed -i 's/^  bio      text?$/  about    text? @was(bio)/' database/schemas/public/user.strav
gm "Rename bio"
ok '[ "$RC" = 0 ] && grep -q "RENAME COLUMN" database/migrations/public/$(latest)/tables/user/up.sql && [ "$(q "select about from \"user\"")" = "my bio" ]' "#30 @was(bio): RENAME, data kept"

# 31 nullable -> required, 32 default change, 33 text -> integer, 34 varchar(100) -> (255), 35 text -> ulid
sed -i -e 's/^  title    string?$/  title    string/' -e "s/'draft'/'review'/" -e 's/^  code     text$/  code     integer/' \
       -e 's/^  nick     string(100)$/  nick     string(255)/' -e 's/^  tok      text?$/  tok      ulid?/' database/schemas/public/user.strav
gen "Tighten user"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *'"'"'"user".code from TEXT to INTEGER'"'"'* ]] && [[ "$OUT" == *'"'"'"user".tok from TEXT to CHAR(26)'"'"'* ]]' "#33/#35 text -> integer and text -> ulid are refused as destructive without --allow-destructive"
gm "Tighten user" --allow-destructive
ok '[ "$RC" = 0 ]' "#31-#35 generate --allow-destructive + migrate"
is "$(col user title)" "character varying(255)|NO|" "#31 title NOT NULL"
is "$(col user status)" "character varying(255)|NO|'review'::character varying" "#32 default 'review'"
is "$(col user code):$(q 'select code from "user"')" "integer|NO|:42" "#33 code integer, value converted"
is "$(col user nick)" "character varying(255)|NO|" "#34 varchar(100) -> varchar(255)"
is "$(col user tok):$(q 'select tok from "user"')" "character(26)|YES|:01ARZ3NDEKTSV4RRFFQ69G5FAV" "#35 text -> ulid is char(26), value kept"
before=$(dump)
run "$STRAV" rollback
is "$(col user code)|$(col user nick)|$(col user tok)|$(col user status)" "text|NO||character varying(100)|NO||text|YES||character varying(255)|NO|'draft'::character varying" "#31-#35 rollback restores the old types and default"
run "$STRAV" migrate
is "$(dump)" "$before" "re-applied"

# 37 enum value added; 39 enum field added
sed -i -e 's/enum(user, admin)/enum(user, admin, staff)/' -e 's/^  slug     string$/  slug     string\n  kind     enum(a, b)?/' database/schemas/public/user.strav
gm "Enum changes"
ok '[ "$RC" = 0 ] && [ "$(labels user_role)" = "user,admin,staff" ] && [ "$(col user kind)" = "user_kind|YES|" ]' "#37 staff added to user_role; #39 new enum column typed user_kind"
is "$(jq -c '[.summary.enumsToModify, .summary.enumsToCreate, .executionOrder.up[0]]' database/migrations/public/$(latest)/manifest.json)" '[1,1,"enums/add_values_up.sql"]' "#37/#39 summary and enums first"

# 5/38/40/29/41: destructive changes need --allow-destructive; refused ones write nothing
sed -i -e 's/enum(user, admin, staff)/enum(user, staff)/' -e '/^  kind /d' -e '/^  extra /d' database/schemas/public/user.strav
rm database/schemas/public/comment.strav
n=$(nversions); snap=$(dump)
gen "Destructive"
ok '[ "$RC" = 1 ] && [ "$(nversions)" = "$n" ]' "#5 destructive changes without --allow-destructive: exit 1, nothing written"
ok '[[ "$OUT" == *extra* ]] && [[ "$OUT" == *comment* ]] && [[ "$OUT" == *admin* ]]' "#5 the refusal names the dropped column, table and enum value"
run "$STRAV" migrate
is "$(dump)" "$snap" "#5 database untouched"
gen "Destructive" --allow-destructive; v=$(latest)
ok '[ "$RC" = 0 ] && [ "$(nversions)" = $((n + 1)) ]' "with --allow-destructive the migration is written"
d=$(jq -c .destructive database/migrations/public/$v/manifest.json)
ok '[[ "$d" == *extra* ]] && [[ "$d" == *comment* ]] && [[ "$d" == *admin* ]] && [[ "$d" == *kind* ]]' "#5 manifest.destructive lists the column drops, the table drop and the enum value removal"
run "$STRAV" migrate
ok '[ "$RC" = 0 ]' "destructive migration applies (#40: the enum type is dropped after its column)"
is "$(labels user_role):$(labels user_kind):$(col user extra):$(q "select to_regclass('comment')")" "user,staff:::" "#38 admin removed; #40 user_kind gone; #29 extra gone; #41 comment gone"
run "$STRAV" rollback
ok '[ "$RC" = 0 ] && [ "$(labels user_role)" = "user,admin,staff" ] && [ "$(col user kind)" = "user_kind|YES|" ] && [ -n "$(con fk_comment_post_id)" ] && [ "$(col user extra)" = "text|YES|" ]' "#41 rollback recreates comment with its FK, the enum value, column and type"
# a dropped column comes back at the end of the table: compare the dumps without column order
unordered() { sed 's/,$//' | grep -v '^$' | sort; }
is "$(dump | unordered)" "$(unordered <<<"$snap")" "rollback of the destructive migration restores the catalog (up to column order)"
run "$STRAV" migrate

# 42/43 unique and index on an existing column, then unique removed
sed -i 's/^  slug     string$/  slug     string @unique @index/' database/schemas/public/user.strav
gm "Index slug"
ok '[ "$RC" = 0 ] && [ "$(con uq_user_slug)" = "UNIQUE (slug)" ] && [ -n "$(q "select 1 from pg_indexes where indexname='"'"'idx_user_slug'"'"'")" ]' "#42 unique and #43 index added on an existing column"
sed -i 's/^  slug     string @unique @index$/  slug     string @index/' database/schemas/public/user.strav
gm "Slug not unique"
ok '[ "$RC" = 0 ] && [ -z "$(con uq_user_slug)" ]' "#42 removing @unique drops the constraint"

# 44 required ref -> optional: DROP NOT NULL and the FK becomes ON DELETE SET NULL
post "ref(user)?
  editor ref(user)"
gm "Optional author"
is "$(col post author_id):$(con fk_post_author_id)" 'uuid|YES|:FOREIGN KEY (author_id) REFERENCES "user"(id) ON UPDATE CASCADE ON DELETE SET NULL' "#44 author_id nullable, FK ON DELETE SET NULL"

# 46 quote in a default and in an enum value, added to an existing table
sed -i "s/^  slug     string @index$/  slug     string @index\n  motto    text = 'it''s'\n  mood     enum(ok, 'it''s')?/" database/schemas/public/user.strav
gm "Quotes"
ok '[ "$RC" = 0 ] && [ "$(q "select motto from \"user\"")" = "it'"'"'s" ] && [ "$(labels user_mood)" = "ok,it'"'"'s" ]' "#46 quote in default and enum value"

# convergence: the database equals the schema files; nothing left to generate
gen "again"
is "$RC:$OUT" "0:No changes detected" "generate: no changes after all steps"
run "$STRAVC" diff --database "$DSN"
is "$RC:$OUT" "0:No drift: the database matches the schema files" "stravc diff --database: in sync after all steps"
run "$STRAV" migration:status
ok '[ "$RC" = 0 ] && [[ "$OUT" == *" 0 pending, 0 modified, 0 missing"* ]]' "status: all applied"
done_testing
