#!/usr/bin/env bash
# status_mark.t - the drift mark (runtime/driftmark.h, issue 11): migrate records a fingerprint
# of the catalog when the batch started from a schema in sync, and status trusts it instead of
# re-creating the snapshot. Proven with a role that cannot create the scratch schema the full
# check needs: with a valid mark its status is clean, without one it warns that the check
# failed. A hand change after migrate (column, comment, dropped index, default, enum value) is
# still reported, a hand change before migrate is not absorbed into the mark, and a database
# migrated by a strav without marks (no .strav/driftmark-*) gets the full check, then a mark.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-mark.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
mkdir -p "$WORK/database/schemas/public"
cat > "$WORK/database/schemas/public/shop.strav" <<'S'
enum tier { basic, gold }
table customer {
  id    bigserial    @primary
  name  varchar(100)
  email text?
  level tier = 'basic'
  @@index(name)
}
S
rt_db mark
cd "$WORK" || exit 1
# (a GRANT after migrate would be a catalog change itself: the default privileges give viewer
# read access to the tables as they are created)
psql -q -c 'CREATE ROLE viewer LOGIN' -c 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO viewer'
# nor TEMPORARY: the drift check falls back to the role's temporary schema otherwise
psql -q -c 'REVOKE TEMPORARY ON DATABASE mark FROM PUBLIC'
mkdir .strav   # the project's state directory: the mark is kept there
mark() { cut -f2 .strav/driftmark-* 2>/dev/null; }
$STRAV generate:migration -m init >/dev/null 2>&1
v1=$(basename "$(ls -d database/migrations/public/*/ | tail -1)")
$STRAV migrate >/dev/null 2>&1
is "$(mark)" "$v1" "migrate from an empty schema marks the version"
is "$(psql -Atc "select count(*) from pg_class where relname like '%catalog%' and relnamespace = 'public'::regnamespace")" 0 "nothing is added to the database"

# viewer has no CREATE or TEMPORARY on the database: the full check (a scratch schema) cannot run for it,
# once the server's spelling of the snapshot cached in .strav/ is gone
viewer_status() { rm -f .strav/normalised-*; PGUSER=viewer $STRAV status 2>&1; }
out=$(viewer_status); rc=$?
check "with the mark, status needs no scratch schema: no warning" bash -c '! grep -q Warning <<<"$1"' _ "$out"
is "$rc" 0 "and exits 0"
is "$(PGUSER=viewer $STRAV status --json | jq -c '[.drift.version, .drift.drifted, .drift.differences]')" "[\"$v1\",false,[]]" "--json: in sync, same shape as the full check"

psql -q -c 'ALTER TABLE customer ADD COLUMN nickname text'
out=$($STRAV status 2>&1)
check "a column added by hand after migrate is reported" grep -q '^  - .*nickname' <<<"$out"
out=$(viewer_status)
check "the mark no longer matches: viewer's status compares with the drift record (runtime/adopt.h) and names it" grep -q '^  - .*nickname' <<<"$out"
psql -q -c 'ALTER TABLE customer DROP COLUMN nickname'
out=$($STRAV status 2>&1)
check "dropped again: in sync (full check)" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
out=$(viewer_status)
check "that full check left a new mark: viewer's status is clean again" bash -c '! grep -q Warning <<<"$1"' _ "$out"

psql -q -c "COMMENT ON COLUMN customer.email IS 'hand-written'"
out=$($STRAV status 2>&1)
check "a comment added by hand is reported" grep -q '^  - .*customer.email' <<<"$out"
psql -q -c 'COMMENT ON COLUMN customer.email IS NULL'
psql -q -c 'DROP INDEX idx_customer_name'
out=$($STRAV status 2>&1)
check "an index dropped by hand is reported" grep -q '^  - .*idx_customer_name' <<<"$out"
psql -q -c 'CREATE INDEX idx_customer_name ON customer (name)'
out=$($STRAV status 2>&1)
check "re-created: in sync" bash -c '! grep -q -i drift <<<"$1"' _ "$out"

# a change by hand before the next migrate stays drift after it
sed -i 's/^  email text?$/  email text?\n  phone text?/' database/schemas/public/shop.strav
sleep 0.01
$STRAV generate:migration -m phone >/dev/null 2>&1
v2=$(basename "$(ls -d database/migrations/public/*/ | tail -1)")
check "a second migration" test "$v2" != "$v1"
psql -q -c 'CREATE INDEX hand_email_idx ON customer (email)'
$STRAV migrate >/dev/null 2>&1
is "$(mark)" "" "the batch started out of sync: no mark"
out=$($STRAV status 2>&1)
check "the index added by hand before migrate is reported after it" grep -q '^  - .*hand_email_idx' <<<"$out"
psql -q -c 'DROP INDEX hand_email_idx'
out=$($STRAV status 2>&1)
check "dropped: in sync" bash -c '! grep -q -i drift <<<"$1"' _ "$out"
is "$(mark)" "$v2" "status marked the version it found in sync"

# a database migrated by a strav without marks
rm .strav/driftmark-*
out=$(viewer_status)
check "no mark: the drift record serves viewer" bash -c '! grep -q Warning <<<"$1"' _ "$out"
psql -q -c 'update _strav_migrations set normalised = null, drift_mark = null'
rm -f .strav/driftmark-*   # (the check through the record left a new mark)
out=$(viewer_status)
check "no mark and no record: the full check runs (and fails for viewer)" grep -q "^Warning: the drift check against migration $v2 failed" <<<"$out"
psql -q -c 'ALTER TABLE customer ADD COLUMN extra int'
out=$($STRAV status 2>&1)
check "no mark: a hand change is reported" grep -q '^  - .*extra' <<<"$out"
psql -q -c 'ALTER TABLE customer DROP COLUMN extra'
out=$($STRAV status 2>&1); rc=$?
check "no mark, in sync: no warning" bash -c '[ "$2" = 0 ] && ! grep -q -i drift <<<"$1"' _ "$out" "$rc"
is "$(mark)" "$v2" "and the mark is made"
rm -rf .strav
psql -q -c 'update _strav_migrations set normalised = null, drift_mark = null'
out=$(viewer_status)
check "no .strav/ and no record: the full check runs" grep -q "^Warning: the drift check against migration $v2 failed" <<<"$out"
psql -q -c "ALTER TABLE customer ALTER COLUMN name SET DEFAULT 'x'"
out=$($STRAV status 2>&1)
check "a default set by hand is reported" grep -q '^  - change default of customer.name' <<<"$out"
psql -q -c 'ALTER TABLE customer ALTER COLUMN name DROP DEFAULT'
psql -q -c "ALTER TYPE tier ADD VALUE 'platinum'"
out=$($STRAV status 2>&1)
check "an enum value added by hand is reported" grep -q '^  - .*enum tier' <<<"$out"
is "$(psql -Atc "select count(*) from pg_namespace where nspname like '_strav_scratch%'")" 0 "no scratch schema left behind"
done_testing
