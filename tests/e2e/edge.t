#!/usr/bin/env bash
# edge.t - renames and other changes beyond §6.2 that a user makes on a populated database:
# table rename (@@was) with an inline enum, enum value rename (@was), enum value inserted in the
# middle, field rename with an inline enum, checks and composite uniques added, narrowing type
# change refused, nullable -> required with NULL rows, dropping a referenced table.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
con() { q "select pg_get_constraintdef(oid) from pg_constraint where conname='$1'"; }
labels() { q "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e join pg_type t on t.oid=e.enumtypid where typname='$1'"; }
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=edge"
insync() { run "$STRAVC" diff --database "$DSN"; ok '[ "$RC" = 0 ]' "$1: database in sync with the files"; }

project edge
schema public item <<'S'
enum item_state {
  draft
  live
  finished
}

entity item {
  name   string(100)
  state  item_state = 'draft'
  kind   enum(a, b)?
  size   integer?
}
S
schema public owner <<'S'
entity owner {
  name string
}
entity pet {
  owner ref(owner)
}
S
gm "Initial"
ok '[ "$RC" = 0 ]' "initial"
q "insert into item(name, state, kind, size) values ('a', 'finished', 'b', 1), ('b', 'draft', 'a', null)" >/dev/null
q "insert into owner(name) values ('o'); insert into pet(owner_id) values (1)" >/dev/null

# enum value rename (@was) and a value inserted in the middle
sed -i -e 's/^  finished$/  done @was(finished)/' -e 's/^  draft$/  draft\n  review/' database/schemas/public/item.strav
gm "Rename state value"
ok '[ "$RC" = 0 ] && [ "$(labels item_state)" = "draft,review,live,done" ] && [ "$(q "select state from item where name='"'"'a'"'"'")" = done ]' "enum value @was(finished) renamed to done (data kept); review inserted before live"
insync "enum value rename"

# table rename with an inline enum (its type is named after the table)
sed -i -e 's/^entity item {$/entity article {\n  @@was(item)/' database/schemas/public/item.strav
gm "Rename item"
ok '[ "$RC" = 0 ] && [ "$(q "select string_agg(kind::text, '"','"' order by name) from article")" = "b,a" ] && [ -z "$(q "select to_regclass('"'"'item'"'"')")" ]' "@@was(item): table renamed, rows and inline enum values kept"
insync "table rename"

# field rename with an inline enum
sed -i 's/^  kind   enum(a, b)?$/  sort   enum(a, b)? @was(kind)/' database/schemas/public/item.strav
gm "Rename kind"
ok '[ "$RC" = 0 ] && [ "$(q "select string_agg(sort::text, '"','"' order by name) from article")" = "b,a" ]' "field rename with an inline enum keeps the data"
insync "field rename with inline enum"

# an inline enum losing a value while its field is renamed is still a destructive change
sed -i 's/^  sort   enum(a, b)? @was(kind)$/  rank   enum(a)? @was(sort)/' database/schemas/public/item.strav
n=$(nversions)
gen "Rename sort, drop b"
ok '[ "$RC" = 1 ] && [ "$(nversions)" = "$n" ]' "inline enum value removed together with a field rename: refused without --allow-destructive"
for x in $(ls database/migrations/public | sort -n | tail -n +$((n + 1))); do rm -rf "database/migrations/public/$x"; done
sed -i 's/^  rank   enum(a)? @was(sort)$/  sort   enum(a, b)?/' database/schemas/public/item.strav
gen "nothing"
is "$RC:$OUT" "0:No changes detected" "back to the applied model"

# @@check and @@unique added; narrowing varchar refused
sed -i '$ s/^}$/  @@check('"'size >= 0'"')\n  @@unique(name, size)\n}/' database/schemas/public/item.strav
gm "Checks"
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from pg_constraint where conrelid='"'"'article'"'"'::regclass and contype in ('"'"'c'"'"','"'"'u'"'"')")" = 2 ]' "@@check and @@unique added"
insync "check and composite unique"
sed -i 's/string(100)/string(50)/' database/schemas/public/item.strav
gen "Narrow"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *name* ]]' "varchar(100) -> varchar(50) is refused without --allow-destructive"
sed -i 's/string(50)/string(100)/' database/schemas/public/item.strav

# nullable -> required with a NULL row: runtime error, nothing changed
sed -i 's/^  size   integer?$/  size   integer/' database/schemas/public/item.strav
gen "Size required"
if [ "$RC" = 0 ]; then
    snap=$(dump)
    run "$STRAV" migrate
    ok '[ "$RC" = 1 ] && [[ "$OUT" == *size* ]] && [[ "$OUT" == *"Transaction rolled back"* ]]' "nullable -> required on a NULL row: migrate fails naming the column, rolled back"
    is "$(dump)" "$snap" "and the database is unchanged"
    rm -rf "database/migrations/public/$(latest)"
else
    ok '[[ "$OUT" == *size* ]]' "nullable -> required refused at generate time, naming the column"
fi
sed -i 's/^  size   integer$/  size   integer? /' database/schemas/public/item.strav

# dropping a table another table references
rm database/schemas/public/owner.strav
schema public pet <<'S'
entity pet {
  name string?
}
S
gen "Drop owner" --allow-destructive
ok '[ "$RC" = 0 ]' "drop owner (referenced by pet.owner_id, which is dropped too)"
run "$STRAV" migrate
ok '[ "$RC" = 0 ] && [ -z "$(q "select to_regclass('"'"'owner'"'"')")" ] && [ "$(col pet name)" = "character varying(255)|YES|" ]' "migrate drops the referenced table and the referencing column"
insync "after dropping a referenced table"
# its rollback re-adds pet.owner_id NOT NULL: with rows in pet that cannot work; it fails safely
snap=$(dump)
run "$STRAV" rollback
ok '[ "$RC" = 1 ] && [[ "$OUT" == *owner_id* ]] && [[ "$OUT" == *"Transaction rolled back"* ]]' "rollback of the irreversible drop on a populated table fails, naming owner_id"
is "$(dump)" "$snap" "and changes nothing"
q "delete from pet" >/dev/null
run "$STRAV" rollback
ok '[ "$RC" = 0 ] && [ "$(q "select count(*) from owner")" = 0 ] && [ -n "$(con fk_pet_owner_id)" ]' "with pet empty, rollback recreates owner and the FK (rows are gone: irreversible)"
done_testing
