#!/usr/bin/env bash
# driftrecord.t - the drift record (runtime/adopt.h, issue 11): the normalised model of the
# newest snapshot, kept in the tracking table's "normalised" column, so that status on any
# machine (no .strav/ here at all) compares a fresh introspection with it instead of re-creating
# the snapshot in a scratch schema. Proven with a role that cannot create a scratch schema (no
# CREATE, no TEMPORARY): its status can only be right through the record. Checked against
# hand-made situations: a hand ALTER after migrate (named, the same list as the full check), a
# hand change before the initial migrate (no record is made from it), a record tampered with or
# truncated (ignored, then rewritten by the full check), a tracking table of the previous strav
# (no column: the full check, and the column added in place by the next migrate), rollback.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rec.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
mkdir -p "$WORK/database/schemas/public"
cat > "$WORK/database/schemas/public/shop.strav" <<'S'
enum tier { basic, gold }
table customer {
  id    bigserial    @primary
  name  varchar(100)
  email text?
  level tier = 'basic'
  @@check(sql('length(name) > 1'))
  @@index(name)
}
table purchase {
  id       bigserial @primary
  customer ref(customer)
  total    numeric(12, 2) = 0
}
table tag {
  id    bigserial @primary
  label text = 'new'
}
table note {
  id   bigserial @primary
  body text?
}
table memo {
  id   bigserial @primary
  body text?
  @@index(body)
}
S
rt_db rec
cd "$WORK" || exit 1
psql -q -c 'CREATE ROLE viewer LOGIN' -c 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO viewer' \
    -c 'REVOKE TEMPORARY ON DATABASE rec FROM PUBLIC'
# the drift mark (driftmark.h, its copy in the tracking table) would answer before the record:
# every status here but the mark's own checks runs without it
nomark() { psql -q -c 'update _strav_migrations set drift_mark = null'; }
viewer() { nomark; PGUSER=viewer $STRAV status 2>&1; }
owner() { nomark; $STRAV status 2>&1; }
records() { psql -Atc "select version from _strav_migrations where normalised is not null order by 1"; }
diffs() { grep '^  - ' <<<"$1"; }

$STRAV generate:migration -m init >/dev/null 2>&1
v1=$(basename "$(ls -d database/migrations/public/*/ | tail -1)")
$STRAV migrate >/dev/null 2>&1
check "no .strav/: nothing on this machine holds drift state" test ! -e .strav
is "$(records)" "$v1" "migrate from an empty schema records the normalised snapshot in the tracking table"
is "$(PGUSER=viewer $STRAV status --json | jq -c '[.drift.checkedBy, .drift.recreatedTables]')" '["mark",0]' "migrate left the drift mark in the tracking table too: status answers with one fingerprint"
nomark
is "$(PGUSER=viewer $STRAV status --json | jq -c '[.drift.checkedBy, .drift.recreatedTables]')" '["record",0]' "without it, status checks through the record: no table re-created"
is "$(psql -Atc "select count(*) from _strav_migrations where drift_mark is not null")" 0 "(the viewer may not write the tracking table: no mark from its check)"
$STRAV status >/dev/null 2>&1
is "$(psql -Atc "select count(*) from _strav_migrations where drift_mark is not null")" 1 "the owner's status found it in sync: the mark is back, for every machine"
is "$(PGUSER=viewer $STRAV status --json | jq -c .drift.checkedBy)" '"mark"' "...and answers the viewer's next status"
psql -q -c 'ALTER TABLE note ADD COLUMN hand2 text'
out=$(PGUSER=viewer $STRAV status 2>&1)
check "a hand change after that: the mark no longer matches, the record names the change" grep -q '^  - .*hand2' <<<"$out"
psql -q -c 'ALTER TABLE note DROP COLUMN hand2'
out=$(viewer); rc=$?
check "a role without CREATE or TEMPORARY: status is clean through the record" bash -c '! grep -q Warning <<<"$1"' _ "$out"
is "$rc" 0 "...and exits 0"
nomark
is "$(PGUSER=viewer $STRAV status --json | jq -c '[.drift.version, .drift.drifted, .drift.differences]')" "[\"$v1\",false,[]]" "--json: in sync"

# a hand ALTER after migrate: named, the same list as the full check gives
psql -q -c 'ALTER TABLE customer ADD COLUMN nickname text' -c "ALTER TABLE purchase ALTER COLUMN total SET DEFAULT 1"
out=$(viewer)
check "a column added by hand after migrate is named (through the record)" grep -q '^  - .*nickname' <<<"$out"
check "...and a default changed by hand" grep -q '^  - .*purchase.total' <<<"$out"
check "...and the check did not fail" bash -c '! grep -q "drift check.*failed" <<<"$1"' _ "$out"
saved=$(psql -Atc "select normalised from _strav_migrations where version = '$v1'")
psql -q -c "update _strav_migrations set normalised = null"
full=$(owner)
is "$(diffs "$out")" "$(diffs "$full")" "the differences equal those of the full check (scratch schema)"
is "$(records)" "$v1" "the full check wrote the record back"
is "$(psql -Atc "select normalised from _strav_migrations where version = '$v1'")" "$saved" \
   "the record made at migrate from the live schema equals the one from a scratch schema"
psql -q -c 'ALTER TABLE customer DROP COLUMN nickname' -c "ALTER TABLE purchase ALTER COLUMN total SET DEFAULT 0"
out=$(viewer)
check "undone by hand: clean again" bash -c '! grep -q Warning <<<"$1"' _ "$out"

# a record tampered with (its body no longer matches its SHA-256) or truncated is no record
psql -q -c "update _strav_migrations set normalised = replace(normalised, '\"nickname\"', 'x') where version = '$v1'" \
    -c "update _strav_migrations set normalised = replace(normalised, '\"email\"', '\"emaul\"') where version = '$v1'"
out=$(viewer)
check "tampered: the viewer's status does not trust it (it needs the full check, which it cannot make)" \
    grep -q "^Warning: the drift check against migration $v1 failed" <<<"$out"
check "...and reports no drift made up by the edit" bash -c '! grep -q "emaul" <<<"$1"' _ "$out"
out=$(owner)
check "tampered: the owner's status is right (full check: in sync)" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$(psql -Atc "select normalised from _strav_migrations where version = '$v1'")" "$saved" "...and rewrites the record"
psql -q -c "update _strav_migrations set normalised = left(normalised, length(normalised) / 2)"
out=$(viewer)
check "truncated: not trusted either" grep -q "^Warning: the drift check against migration $v1 failed" <<<"$out"
out=$(owner)
check "truncated: the full check is right" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$(psql -Atc "select normalised from _strav_migrations where version = '$v1'")" "$saved" "...and the record is whole again"

# a hand change before the next migrate stays drift after it
sed -i 's/^  email text?$/  email text?\n  phone text?/' database/schemas/public/shop.strav
sleep 0.01
$STRAV generate:migration -m phone >/dev/null 2>&1
v2=$(basename "$(ls -d database/migrations/public/*/ | tail -1)")
psql -q -c 'CREATE INDEX hand_email_idx ON customer (email)'
$STRAV migrate >/dev/null 2>&1
is "$(records)" "$v1" "a batch on a schema not empty makes no record"
out=$(owner)
check "the index made by hand before migrate is named" grep -q '^  - .*hand_email_idx' <<<"$out"
is "$(records)" "$v2" "the full check recorded the newest snapshot (and only it)"
out=$(viewer)
check "...so the viewer's status names the hand change too" grep -q '^  - .*hand_email_idx' <<<"$out"
psql -q -c 'DROP INDEX hand_email_idx'

# the record of a newer version made from an older one's: only the changed tables re-created
# (a new table with a foreign key to an unchanged one, a changed default, a new enum value);
# the same bytes as the whole snapshot re-created, and a hand change still named
cat >> database/schemas/public/shop.strav <<'S'
table refund {
  id       bigserial @primary
  purchase ref(purchase)
  reason   text = 'none'
}
S
sed -i 's/^enum tier { basic, gold }$/enum tier { basic, gold, platinum }/; s/^  total    numeric(12, 2) = 0$/  total    numeric(12, 2) = 5/' database/schemas/public/shop.strav
sleep 0.01
$STRAV generate:migration -m refund >/dev/null 2>&1
v3=$(basename "$(ls -d database/migrations/public/*/ | tail -1)")
$STRAV migrate >/dev/null 2>&1
is "$(records)" "$v2" "a later batch leaves the record where it was"
psql -q -c 'GRANT TEMPORARY ON DATABASE rec TO viewer'
nomark
js=$(PGUSER=viewer $STRAV status --json 2>/dev/null)
is "$(jq -c '[.drift.drifted, .drift.checkedBy, .drift.recreatedTables]' <<<"$js")" '[false,"changedTables",3]' \
   "in sync, through $v2's record and only the changed tables (refund, purchase) and a bare copy of the one they reference (customer)"
is "$(records)" "$v2" "(viewer cannot write the record)"
psql -q -c 'REVOKE TEMPORARY ON DATABASE rec FROM viewer'
out=$(owner)
check "the owner's status: in sync" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$(records)" "$v3" "...and the record moves to $v3"
inc=$(psql -Atc "select normalised from _strav_migrations where version = '$v3'")
psql -q -c "update _strav_migrations set normalised = null"
owner >/dev/null
is "$(psql -Atc "select normalised from _strav_migrations where version = '$v3'")" "$inc" \
   "the record from the changed tables equals the whole snapshot re-created"
psql -q -c "ALTER TABLE refund ALTER COLUMN reason DROP DEFAULT"
out=$(viewer)
check "a hand change on a new table is named through that record" grep -q '^  - .*refund.reason' <<<"$out"
psql -q -c "ALTER TABLE refund ALTER COLUMN reason SET DEFAULT 'none'"
out=$(viewer)
check "undone: clean" bash -c '! grep -q Warning <<<"$1"' _ "$out"
$STRAV rollback >/dev/null 2>&1

# rollback then status: the record goes with its row; the full check on the version now newest
$STRAV rollback >/dev/null 2>&1
is "$(records)" "" "rollback deletes the rolled-back version's record with its row"
out=$(owner); rc=$?
check "after rollback: status in sync (full check against $v1)" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$(records)" "$v1" "...and records $v1 again"

# a tracking table of the previous strav: no normalised column
psql -q -c 'ALTER TABLE _strav_migrations DROP COLUMN normalised'
out=$(owner); rc=$?
is "$rc" 0 "no record column (previous strav): status works"
check "...in sync by the full check" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
psql -q -c 'ALTER TABLE customer ADD COLUMN hand text'
out=$(owner)
check "...and names a hand change" grep -q '^  - .*hand' <<<"$out"
psql -q -c 'ALTER TABLE customer DROP COLUMN hand'
$STRAV migrate >/dev/null 2>&1
is "$(psql -Atc "select count(*) from information_schema.columns where table_name = '_strav_migrations' and column_name = 'normalised'")" 1 \
   "the next migrate adds the column in place"
is "$(psql -Atc "select version || ' ' || state from _strav_migrations order by id")" "$v1 applied
$v2 applied
$v3 applied" "...keeping the rows"

# a per-tenant domain: a record and a mark per tenant schema, each tenant checked on its own
psql -q -c 'CREATE SCHEMA shop_a' -c 'CREATE SCHEMA shop_b'
mkdir -p database/schemas/shop
cat > database/schemas/shop/shop.strav <<'S'
domain shop {
  @@tenants(pattern: 'shop_%')
}
table item {
  id    bigserial @primary
  title text = 'untitled'
}
S
"$ROOT/$BUILD/stravc" generate -m shop >/dev/null 2>&1
$STRAV migrate -s shop >/dev/null 2>&1
tenants() { psql -Atc "select '$1', count(normalised), count(drift_mark) from shop_a._strav_shop_migrations union all select 'b', count(normalised), count(drift_mark) from shop_b._strav_shop_migrations"; }
is "$(tenants a | tr '\n' ' ')" "a|1|1 b|1|1 " "each tenant's tracking table holds its record and mark"
psql -q -c 'update shop_a._strav_shop_migrations set drift_mark = null' -c 'update shop_b._strav_shop_migrations set drift_mark = null'
psql -q -c "ALTER TABLE shop_b.item ALTER COLUMN title SET DEFAULT 'x'"
js=$($STRAV status -s shop --json 2>/dev/null)
is "$(jq -c '[.tenants[] | [.schema, .drift.checkedBy, .drift.drifted]]' <<<"$js")" '[["shop_a","record",false],["shop_b","record",true]]' \
   "a hand change in one tenant: named there, through its own record"
check "...naming the column" bash -c 'jq -e ".tenants[1].drift.differences[0] | test(\"item.title\")" <<<"$1" >/dev/null' _ "$js"
psql -q -c "ALTER TABLE shop_b.item ALTER COLUMN title SET DEFAULT 'untitled'"
rm -rf database/schemas/shop

# the initial migrate onto a schema holding a hand-made table makes no record; the full check names it
psql -q -d postgres -c 'CREATE DATABASE rec2'
psql -q -d rec2 -c 'CREATE TABLE hand_made (id int)' \
    -c 'CREATE TABLE _strav_migrations (id serial PRIMARY KEY, version varchar(255) NOT NULL UNIQUE, batch integer NOT NULL, executed_at timestamptz NOT NULL DEFAULT clock_timestamp(), checksum char(64) NOT NULL, duration_ms integer NOT NULL DEFAULT 0, message text)'
PGDATABASE=rec2 $STRAV migrate >/dev/null 2>&1
is "$(PGDATABASE=rec2 records)" "" "a hand-made table before the first migrate: no record (a tracking table of the oldest shape, upgraded in place)"
is "$(psql -d rec2 -Atc "select count(*) from information_schema.columns where table_name = '_strav_migrations' and column_name in ('state', 'normalised')")" 2 \
   "...whose tracking table got the new columns"
out=$(PGDATABASE=rec2 $STRAV status 2>&1)
check "...and status names the table" grep -q '^  - .*hand_made' <<<"$out"
done_testing
