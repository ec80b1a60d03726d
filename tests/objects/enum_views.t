#!/usr/bin/env bash
# enum_views.t - views over a column whose enum type is rebuilt (a value removed, values
# reordered): PostgreSQL refuses "cannot alter type of a column used by a view or rule", so the
# migration drops the dependent views and materialized views (with their indexes; a view on the
# view too) before the rebuild and re-creates them after it, on up and on down. On a real
# server: hand-written schemas, rows inserted by hand, the catalog read back after migrate and
# after rollback (the rollback must give back the schema before the migration). The down of a
# value addition rebuilds the type as well: the same views around it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
STRAVC=$ROOT/$BUILD/stravc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-enumviews.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
S=database/schemas/public/s.strav
schema() { # the enum's values
    cat > $S <<X
enum mood { $1 }
table person {
  id   int @primary
  mood mood
  alt  mood?
}
view person_mood {
  @@as(\$\$ SELECT id, mood FROM person \$\$)
}
view sad_people {
  @@as(\$\$ SELECT id FROM person_mood WHERE mood::text = 'sad' \$\$)
}
view mood_count {
  @@materialized
  @@as(\$\$ SELECT mood, count(*) AS n FROM person GROUP BY mood \$\$)
  @@index(mood, unique: true, name: 'mood_count_mood')
}
X
}
schema "happy, sad, meh"
$STRAVC generate -m base >/dev/null 2>&1 || { echo "Bail out! generate base failed"; exit 1; }
rt_db enum_views
$STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! base migrate failed"; exit 1; }
psql -q -c "INSERT INTO person VALUES (1, 'happy', 'sad'), (2, 'sad', NULL), (3, 'sad', 'happy');
            REFRESH MATERIALIZED VIEW mood_count" >/dev/null
before=$(rt_snapshot)

# 'meh' removed and the rest reordered: the type is rebuilt
schema "sad, happy"
out=$($STRAVC generate -m rebuild --allow-destructive 2>&1)
is "$?" 0 "generate writes the rebuild"
v=database/migrations/public/$(ls database/migrations/public | tail -1)
check "the rebuild is in the migration" grep -q 'CREATE TYPE mood AS ENUM' $v/enums/drop_up.sql
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "migrate rebuilds the enum under the views"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(psql -Atc "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = 'mood'::regtype")" \
   "sad,happy" "the enum has the new values"
is "$(psql -Atc "select relname from pg_class where relname in ('person_mood', 'sad_people', 'mood_count', 'mood_count_mood') order by 1" | tr '\n' ' ')" \
   "mood_count mood_count_mood person_mood sad_people " "the views, the materialized view and its index are back"
is "$(psql -Atc "select id from sad_people order by id" | tr '\n' ' ')" "2 3 " "the view on the view reads the converted rows"
is "$(psql -Atc "select mood || '=' || n from mood_count order by mood" | tr '\n' ' ')" "sad=2 happy=1 " "the materialized view is filled again, in the new order"
is "$(psql -Atc "select atttypid::regtype from pg_attribute where attrelid = 'person_mood'::regclass and attname = 'mood'")" \
   "mood" "the view's column has the new type"
check "no old type left" bash -c '[ -z "$(psql -Atc "select typname from pg_type where typname like '"'"'%strav_old%'"'"'")" ]'

out=$($STRAV_RUN rollback 2>&1); rc=$?
is "$rc" 0 "rollback rebuilds it back under the views"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(rt_snapshot)" "$before" "the schema after rollback is the schema before"
is "$(psql -Atc "select id from sad_people order by id" | tr '\n' ' ')" "2 3 " "the views work after the rollback"

# a value added: the up needs nothing (ADD VALUE), but its down rebuilds the type without it
rm -rf "$v"
schema "happy, sad, meh, glad"
$STRAVC generate -m add >/dev/null 2>&1 || echo "Bail out! generate add failed"
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "migrate adds the value"
out=$($STRAV_RUN rollback 2>&1); rc=$?
is "$rc" 0 "rollback rebuilds the type without it, the views dropped and re-created around it"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(rt_snapshot)" "$before" "the schema after rollback is the schema before"
is "$(psql -Atc "select mood || '=' || n from mood_count order by mood" | tr '\n' ' ')" "happy=1 sad=2 " "the materialized view is filled again"
done_testing
