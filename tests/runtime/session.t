#!/usr/bin/env bash
# session.t - the session settings the generated SQL relies on are the runtime's, whatever the
# database or role sets: with standard_conforming_strings = off, an empty search_path, a LATIN1
# client_encoding and a non-ISO DateStyle configured by ALTER DATABASE / ALTER ROLE ... SET,
# a default 'C:\new' (written as the generator writes literals) is stored as those six
# characters, an enum label written the same way cannot end its literal early and run a DROP
# TABLE (in a non-transactional file), UTF-8 text arrives intact, both transactional and
# non-transactional files see the settings, and pull reads the default back exactly. Server
# NOTICEs stay out of the output; warnings do not.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db session
psql -q -d postgres -c "ALTER DATABASE session SET standard_conforming_strings = off" \
     -c "ALTER DATABASE session SET search_path = ''" \
     -c "ALTER DATABASE session SET DateStyle = 'SQL, DMY'" \
     -c "ALTER ROLE postgres IN DATABASE session SET client_encoding = 'LATIN1'" \
     -c "ALTER ROLE postgres IN DATABASE session SET quote_all_identifiers = on" || exit 1
is "$(psql -Atc 'show standard_conforming_strings')" off "the database really has standard_conforming_strings = off"
cd "$WORK" || exit 1
mkdir -p database/schemas/public .strav
P=database/migrations/public
V=$P/1720000000001
mkdir -p $V/enums $V/tables/t $V/tables/probe
# literals as the generator writes them (doubled quotes, backslashes as they are)
cat > $V/enums/up.sql <<'EOF'
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE victim (id int);
EOF
echo "DROP TABLE victim; DROP TYPE mood;" > $V/enums/down.sql
cat > $V/tables/t/up.sql <<'EOF'
CREATE TABLE t (
  id int PRIMARY KEY,
  path text NOT NULL DEFAULT 'C:\new',
  name text NOT NULL DEFAULT 'caf'
);
INSERT INTO t (id, name) VALUES (1, 'café ☕');
CREATE TABLE probe AS SELECT current_setting('standard_conforming_strings') AS scs,
  current_setting('client_encoding') AS enc, current_setting('DateStyle') AS ds,
  current_setting('search_path') AS sp, current_setting('quote_all_identifiers') AS qai;
DROP TABLE IF EXISTS not_there_at_all;
DO $$ BEGIN RAISE WARNING 'a server warning is shown'; END $$;
EOF
echo "DROP TABLE probe; DROP TABLE t;" > $V/tables/t/down.sql
cat > $V/tables/probe/up.sql <<'EOF'
ALTER TYPE mood ADD VALUE 'x\''); DROP TABLE victim; --';
CREATE TABLE probe_nontx AS SELECT current_setting('standard_conforming_strings') AS scs,
  current_setting('client_encoding') AS enc;
EOF
echo "DROP TABLE probe_nontx;" > $V/tables/probe/down.sql
printf 'enums/up.sql\ntables/t/up.sql\ntables/probe/up.sql\n' > $V/order.up
printf 'tables/probe/down.sql\ntables/t/down.sql\nenums/down.sql\n' > $V/order.down
"$ROOT/tests/lib/mkmanifest.sh" $V public "Session" tables/probe/up.sql

out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "migrate succeeds on a database with standard_conforming_strings = off"
q() { psql -Atc "set standard_conforming_strings = on" -c "set client_encoding = 'UTF8'" -c "$1" | tail -n 1; }
is "$(q "select path || '|' || octet_length(path) from public.t")" 'C:\new|6' "the default 'C:\\new' is stored as six characters (no newline)"
is "$(q "select name from public.t")" 'café ☕' "UTF-8 text arrives intact (client_encoding UTF8, not LATIN1)"
is "$(q "select count(*) from pg_tables where tablename = 'victim'")" 1 "the enum label did not run DROP TABLE"
is "$(q "select enumlabel from pg_enum e join pg_type t on t.oid = e.enumtypid where typname = 'mood' order by enumsortorder desc limit 1")" \
   "x\\'); DROP TABLE victim; --" "the label is stored exactly as written"
is "$(q "select scs || ' ' || enc || ' ' || ds || ' ' || qai from public.probe")" "on UTF8 ISO, MDY off" \
   "a transactional file sees the runtime's settings"
is "$(q "select sp from public.probe")" 'public' "...and the domain's search_path (set per transaction, not the database's '')"
is "$(q "select scs || ' ' || enc from public.probe_nontx")" "on UTF8" "a non-transactional file sees them too"
check "server NOTICEs are not printed (drop ... does not exist, skipping)" bash -c "! grep -q 'does not exist, skipping' <<<'$out'"
check "server warnings are" grep -q 'warning: a server warning is shown' <<<"$out"

# pull reads the default back exactly, on the same database settings
out=$($STRAV pull -s public --out "$WORK/pulled" --force 2>&1); rc=$?
is "$rc" 0 "pull works on that database"
check "the pulled default is 'C:\\new' (one backslash, no newline)" grep -rqF "'C:\\new'" "$WORK/pulled"

# status (its drift check builds the model in a scratch schema) is clean too
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "status: exit 0"
check "status shows the version applied" grep -qE '^  1720000000001 +applied' <<<"$out"

# --verbose lets the server's NOTICEs through
out=$($STRAV rollback 2>&1); rc=$?
is "$rc" 0 "rollback"
out=$($STRAV migrate --verbose 2>&1); rc=$?
is "$rc" 0 "migrate --verbose"
check "with --verbose the NOTICE is printed" grep -q 'does not exist, skipping' <<<"$out"
done_testing
