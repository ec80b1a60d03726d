#!/usr/bin/env bash
# resume.t - the step model (issue 8 §1): a migration is a sequence of steps (a run of
# transactional files, or one statement of a non-transactional file), progress is committed
# with each step, and the next migrate/rollback resumes at the first unfinished one. A failing
# non-transactional statement is retried from that step after the cause is fixed, never from the
# top; status shows "partial (step k of n)" and exits 1; fresh says what it committed; a
# tracking table of an older strav is upgraded in place; rollback --batch N needs batch N.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_project nontx
rt_db resume
cd "$WORK" || exit 1
rm -rf database/migrations/public/*
mk() { "$ROOT/tests/lib/mkmanifest.sh" "$@"; }

# 1730000000001: a table with duplicate codes, then (outside a transaction) two indexes, the
# second of them UNIQUE and failing on the duplicates; the down drops the indexes outside a
# transaction, then the table inside one.
v1=database/migrations/public/1730000000001
mkdir -p $v1/tables/items $v1/indexes
printf "CREATE TABLE items (id bigserial PRIMARY KEY, code text NOT NULL);\nINSERT INTO items (code) VALUES ('a'), ('b'), ('b');\n" > $v1/tables/items/up.sql
printf 'DROP TABLE items;\n' > $v1/tables/items/down.sql
# the idempotent form of docs/runtime.md: drop an INVALID leftover of a failed or killed build
cat > $v1/indexes/up.sql <<'SQL'
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_id_idx ON items (id);
DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('"items_code_key"') AND NOT indisvalid) THEN EXECUTE 'DROP INDEX ' || pg_catalog.to_regclass('"items_code_key"')::text; END IF; END$$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_code_key ON items (code);
SQL
printf 'DROP INDEX CONCURRENTLY IF EXISTS items_code_key;\nDROP INDEX CONCURRENTLY IF EXISTS items_id_idx;\n' > $v1/indexes/down.sql
mk $v1 public "Items" indexes/up.sql indexes/down.sql
v2=database/migrations/public/1730000000002
mkdir -p $v2/tables/notes
printf 'CREATE TABLE notes (id bigserial PRIMARY KEY);\n' > $v2/tables/notes/up.sql
printf 'DROP TABLE notes;\n' > $v2/tables/notes/down.sql
mk $v2 public "Notes"

out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 1 "the failing unique index fails migrate"
check "the error names the file and line of the failing statement" grep -q '1730000000001/indexes/up.sql:3: error: could not create unique index' <<<"$out"
check "it does not claim the database is unchanged" bash -c '! grep -q "database unchanged" <<<"$1"' _ "$out"
check "it says the statement ran outside a transaction and the next run retries from there" grep -q 'outside a transaction:.*committed: 1730000000001 at step 2 of 3.*retries from this step' <<<"$out"
is "$(psql -Atc "select version, batch, state, step, steps from _strav_migrations")" "1730000000001|1|up|2|3" "the progress row says 2 of 3 steps are done"
out=$($STRAV_RUN status --no-drift-check 2>&1); rc=$?
is "$rc" 1 "status exits 1 on a partly applied migration"
check "status shows partial (step 2 of 3)" grep -q '^  1730000000001 *partial (step 2 of 3) ' <<<"$out"
check "status counts it" grep -q '0 applied, 1 pending, 0 modified, 0 missing, 1 partial' <<<"$out"
is "$($STRAV_RUN status --json --no-drift-check | jq -c '.migrations[0] | [.state, .direction, .step, .steps]')" '["partial","up",2,3]' "status --json says the same"
out=$($STRAV_RUN rollback 2>&1); rc=$?
check "rollback refuses a partly applied migration" test "$rc" = 1
check "... and says to finish it with migrate" grep -q 'only partly applied (step 2 of 3).*migrate' <<<"$out"

# the cause is in the data: fix it, and migrate resumes at step 3, whose DO guard drops the INVALID
# index the failed build left (re-running step 1 would fail
# with "relation items already exists")
psql -qc "delete from items where id = 3"
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "after the fix migrate succeeds"
check "it resumes at step 3 of 3" grep -q 'Resuming migration 1730000000001 at step 3 of 3' <<<"$out"
check "and applies both in batch 1" grep -q 'Applied 2 migration(s) in batch 1:' <<<"$out"
is "$(psql -Atc "select version, batch, state from _strav_migrations order by version")" "1730000000001|1|applied
1730000000002|1|applied" "both rows final, in the resumed batch"
is "$(psql -Atc "select count(*) from items")|$(psql -Atc "select string_agg(indexrelid::regclass::text || ':' || indisvalid::text, ',' order by 1) from pg_index where indrelid = 'items'::regclass and not indisprimary")" "2|items_id_idx:true,items_code_key:true" "step 1 ran once, both indexes valid"
out=$($STRAV_RUN status --no-drift-check 2>&1); rc=$?
is "$rc" 0 "status exits 0 again"

# rollback stops in the middle: a hand-made view keeps DROP TABLE items (step 3 of 3) from running
psql -qc "create view items_v as select * from items"
out=$($STRAV_RUN rollback 2>&1); rc=$?
is "$rc" 1 "a rollback whose last step fails exits 1"
check "it says what is committed" grep -q 'committed before it: 1 migration(s) rolled back and 1730000000001 at step 2 of 3' <<<"$out"
is "$(psql -Atc "select version, state, step, steps from _strav_migrations")" "1730000000001|down|2|3" "the progress row says 2 of 3 down steps are done"
out=$($STRAV_RUN status --no-drift-check 2>&1); rc=$?
check "status: partial (rollback step 2 of 3), exit 1" bash -c '[ "$1" = 1 ] && grep -q "partial (rollback step 2 of 3)" <<<"$2"' _ "$rc" "$out"
out=$($STRAV_RUN migrate 2>&1); rc=$?
check "migrate refuses a partly rolled back migration" bash -c '[ "$1" = 1 ] && grep -q "partly rolled back (step 2 of 3)" <<<"$2"' _ "$rc" "$out"
psql -qc "drop view items_v"
out=$($STRAV_RUN rollback 2>&1); rc=$?
is "$rc" 0 "after the fix the rollback resumes and finishes"
check "at step 3 of 3" grep -q 'Resuming the rollback of 1730000000001 at step 3 of 3' <<<"$out"
is "$(psql -Atc "select count(*) from _strav_migrations")|$(psql -Atc "select count(*) from pg_class where relname in ('items', 'notes', 'items_id_idx', 'items_code_key')")" "0|0" "everything reverted, no rows left"

# rollback --batch N of a batch that does not exist is an error
printf "CREATE TABLE items (id bigserial PRIMARY KEY, code text NOT NULL);\nINSERT INTO items (code) VALUES ('a'), ('b');\n" > $v1/tables/items/up.sql
mk $v1 public "Items" indexes/up.sql indexes/down.sql
$STRAV_RUN migrate >/dev/null 2>&1
out=$($STRAV_RUN rollback --batch 7 2>&1); rc=$?
is "$rc:$out" "1:Rolling back batch 7...
Error: batch 7 does not exist; the latest is 1" "rollback --batch 7: exit 1, names the latest batch"
$STRAV_RUN rollback >/dev/null 2>&1
out=$($STRAV_RUN rollback --batch 2 2>&1); rc=$?
check "with nothing applied it still fails" bash -c '[ "$1" = 1 ] && grep -q "batch 2 does not exist; nothing is applied" <<<"$2"' _ "$rc" "$out"

# an old tracking table (no progress columns) is upgraded in place; its rows stay applied
rt_db resume_old
psql -qc "CREATE TABLE _strav_migrations (id serial PRIMARY KEY, version varchar(255) NOT NULL UNIQUE, batch integer NOT NULL, executed_at timestamptz NOT NULL DEFAULT clock_timestamp(), checksum char(64) NOT NULL, duration_ms integer NOT NULL DEFAULT 0, message text)"
psql -qc "CREATE TABLE items (id bigserial PRIMARY KEY, code text NOT NULL); CREATE INDEX items_id_idx ON items (id); CREATE UNIQUE INDEX items_code_key ON items (code)"
psql -qc "INSERT INTO _strav_migrations (version, batch, checksum, message) VALUES ('1730000000001', 1, '$(sha256sum $v1/manifest.json | cut -d' ' -f1)', 'Items')"
out=$($STRAV_RUN status --no-drift-check 2>&1); rc=$?
check "status reads an old table: the old row is applied" bash -c '[ "$1" = 0 ] && grep -q "^  1730000000001 *applied " <<<"$2"' _ "$rc" "$out"
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "migrate on an old tracking table works"
is "$(psql -Atc "select version, batch, state, step from _strav_migrations order by version")" "1730000000001|1|applied|0
1730000000002|2|applied|0" "the table got the progress columns; the old row stays applied"

# fresh with a non-transactional step that fails: the drop was committed, and it says so
rt_db resume_fresh
$STRAV_RUN migrate >/dev/null 2>&1
psql -qc "create table stray (id int)"
printf "CREATE TABLE items (id bigserial PRIMARY KEY, code text NOT NULL);\nINSERT INTO items (code) VALUES ('a'), ('b'), ('b');\n" > $v1/tables/items/up.sql
mk $v1 public "Items" indexes/up.sql indexes/down.sql
out=$($STRAV_RUN fresh --force 2>&1); rc=$?
is "$rc" 1 "fresh fails on the duplicate codes"
check "fresh said up front that it cannot be one transaction" grep -q 'fresh cannot be one transaction' <<<"$out"
check "fresh does not claim the database is unchanged" bash -c '! grep -q "unchanged" <<<"$1"' _ "$out"
check "fresh says the drop is committed" grep -q "committed: the drop of the domain's objects, 1730000000001 at step 2 of 3" <<<"$out"
is "$(psql -Atc "select to_regclass('stray') is null")" t "the drop did happen"
psql -qc "delete from items where id = 3"
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 0 "migrate finishes the interrupted fresh"
is "$(psql -Atc "select string_agg(version || ':' || batch || ':' || state, ',' order by version) from _strav_migrations")" "1730000000001:1:applied,1730000000002:1:applied" "in fresh's batch 1"
# the connection dies during COMMIT (a deferred trigger ends its own backend): the outcome is
# unknown to the client, and it says so instead of "rolled back"
rt_db resume_commit
rm -rf database/migrations/public/*
v3=database/migrations/public/1730000000003
mkdir -p $v3/tables/t
cat > $v3/tables/t/up.sql <<'SQL'
CREATE TABLE t (id int);
CREATE FUNCTION t_die() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NULL; END$$;
CREATE CONSTRAINT TRIGGER t_die AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION t_die();
INSERT INTO t VALUES (1);
SQL
printf 'DROP TABLE t;\nDROP FUNCTION t_die();\n' > $v3/tables/t/down.sql
mk $v3 public "Dies at commit"
out=$($STRAV_RUN migrate 2>&1); rc=$?
is "$rc" 1 "a connection lost during COMMIT fails migrate"
check "it says the outcome is unknown" grep -q 'Outcome unknown:' <<<"$out"
check "and never that the transaction was rolled back" bash -c '! grep -qi "rolled back" <<<"$1"' _ "$out"
is "$($STRAV_RUN migrate --json 2>/dev/null | jq -r '.outcome')" unknown "--json: outcome unknown"
done_testing
