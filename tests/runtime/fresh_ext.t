#!/usr/bin/env bash
# fresh_ext.t - what `strav fresh` does with extensions (docs/runtime.md, "fresh") and with a
# domain that has no migrations. Hand-written migration directories: public's migrations
# create citext (a table column uses it) and pg_trgm; btree_gist existed before them (created
# by hand); hstore is created by public's migrations but a table of another schema, outside
# the domain, uses it. Fresh drops citext and pg_trgm and re-creates them with the migrations,
# keeps btree_gist; with hstore in use elsewhere it refuses and changes nothing. A domain with
# no migrations says there is nothing to migrate and records no batch.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-freshext.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public database/migrations/public
mig() { # mig VERSION 'extensions/up.sql' 'tables up' 'tables down' 'extensions/down.sql'
    local d=database/migrations/public/$1
    mkdir -p $d/extensions $d/tables/t
    printf '%s\n' "$2" > $d/extensions/up.sql
    printf '%s\n' "$3" > $d/tables/t/up.sql
    printf '%s\n' "$4" > $d/tables/t/down.sql
    printf '%s\n' "$5" > $d/extensions/down.sql
    printf 'extensions/up.sql\ntables/t/up.sql\n' > $d/order.up
    printf 'tables/t/down.sql\nextensions/down.sql\n' > $d/order.down
    bash "$ROOT/tests/lib/mkmanifest.sh" $d public "$1" >/dev/null
    rm $d/order.up $d/order.down
}
mig 1700000000001 'CREATE EXTENSION citext;
CREATE EXTENSION "pg_trgm";' 'CREATE TABLE t (id int PRIMARY KEY, email citext NOT NULL);' \
    'DROP TABLE t;' 'DROP EXTENSION "pg_trgm";
DROP EXTENSION citext;'
rt_db fresh_ext
psql -q -c "CREATE EXTENSION btree_gist" >/dev/null
$STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! migrate failed"; exit 1; }
psql -q -c "INSERT INTO t VALUES (1, 'A@x')" >/dev/null
exts() { psql -Atc "select string_agg(extname, ',' order by extname) from pg_extension where extname <> 'plpgsql'"; }
oid_of() { psql -Atc "select oid from pg_extension where extname = '$1'"; }
is "$(exts)" "btree_gist,citext,pg_trgm" "after migrate: the migrations' extensions and the one made before"
citext0=$(oid_of citext) gist0=$(oid_of btree_gist)

out=$($STRAV_RUN fresh --force 2>&1); rc=$?
is "$rc" 0 "fresh succeeds on a domain whose migrations create extensions"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(exts)" "btree_gist,citext,pg_trgm" "the same extensions after it"
check "citext was dropped and created again by the migration" [ "$(oid_of citext)" != "$citext0" ]
is "$(oid_of btree_gist)" "$gist0" "btree_gist, there before the migrations, was kept"
is "$(psql -Atc "select count(*) from t")" 0 "the table is re-created empty"

# hstore: created by a later migration of public, used by a table outside the domain
mig 1700000000002 'CREATE EXTENSION hstore;' 'CREATE TABLE t2 (id int PRIMARY KEY);' 'DROP TABLE t2;' 'DROP EXTENSION hstore;'
$STRAV_RUN migrate >/dev/null 2>&1 || { echo "Bail out! second migrate failed"; exit 1; }
psql -q -c "CREATE SCHEMA other; CREATE TABLE other.kv (h hstore)" >/dev/null
before=$(rt_snapshot)
out=$($STRAV_RUN fresh --force 2>&1); rc=$?
is "$rc" 1 "fresh refuses when an extension its migrations created is used outside the domain"
check "it names the extension and what uses it" grep -q 'hstore.*other.kv\|other.kv.*hstore' <<<"$out"
[ "$rc" = 1 ] || sed 's/^/#   /' <<<"$out" | head -20
is "$(rt_snapshot)" "$before" "and changes nothing"
psql -q -c "DROP SCHEMA other CASCADE" >/dev/null 2>&1
out=$($STRAV_RUN fresh --force 2>&1); rc=$?
is "$rc" 0 "with the other use gone, fresh succeeds"
is "$(exts)" "btree_gist,citext,hstore,pg_trgm" "every extension is back"

# a domain with no migrations
rm -rf database/migrations/public/*
out=$($STRAV_RUN fresh --force 2>&1); rc=$?
is "$rc" 0 "fresh of a domain with no migrations succeeds"
check "it says there is nothing to migrate" grep -q '^Nothing to migrate' <<<"$out"
check "and no 'Applied 0 migration(s)'" bash -c '! grep -q "Applied 0" <<<"$1"' _ "$out"
is "$(psql -Atc "select count(*) from _strav_migrations" 2>&1)" 0 "no batch recorded"
j=$($STRAV_RUN fresh --force --json 2>/dev/null)
is "$(jq -c '[.ok, .applied, has("batch")]' <<<"$j")" '[true,[],false]' "--json: ok, nothing applied, no batch"
done_testing
