#!/usr/bin/env bash
# timeouts.t - --lock-timeout and --statement-timeout (docs/runtime.md, "Options"): a value
# PostgreSQL would reject is a usage error (exit 2) before anything connects, so a typo never
# fails a batch half-way on the server; the spellings PostgreSQL takes (a bare number of
# milliseconds, a unit, a fraction, a space before the unit) reach the batch's statements, which
# read them back with current_setting() and fail the migration when they differ.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/schemas/public
P=database/migrations/public
# one migration per pair of expected settings, written by hand: its up.sql raises unless
# lock_timeout and statement_timeout are what the command line said
version=1704067200000
migration() { # LOCK STMT: the settings the next migration expects
    version=$((version + 1000))
    mkdir -p $P/$version/tables/t$version
    cat > $P/$version/tables/t$version/up.sql <<SQL
DO \$\$ BEGIN
  IF current_setting('lock_timeout') <> '$1' OR current_setting('statement_timeout') <> '$2' THEN
    RAISE EXCEPTION 'settings are % / %', current_setting('lock_timeout'), current_setting('statement_timeout');
  END IF;
END \$\$;
CREATE TABLE t$version (i int);
SQL
    echo "DROP TABLE t$version;" > $P/$version/tables/t$version/down.sql
    "$ROOT/tests/lib/mkmanifest.sh" $P/$version public "expects $1 / $2"
}
rt_db timeouts
migration 1500ms 2s
out=$("$STRAV" migrate --lock-timeout 1e3 2>&1); rc=$?
is "$rc" 1 "an exponent reaches the server (1s), and the statement that reads it back fails the batch"
check "  with its message" grep -q "settings are 1s / 0" <<<"$out"
for bad in abc -5 10x '' '5 s s' 5S 1s2; do
    before=$(rt_snapshot)
    out=$("$STRAV" migrate --lock-timeout "$bad" 2>&1); rc=$?
    is "$rc" 2 "--lock-timeout '$bad' is a usage error"
    check "  and the message names the option and the value" grep -qF -- "--lock-timeout needs a duration such as 500ms, 5s or 2min, not '$bad'" <<<"$out"
    is "$(rt_snapshot)" "$before" "  and nothing changed"
done
out=$("$STRAV" rollback --statement-timeout 3x 2>&1); rc=$?
is "$rc" 2 "--statement-timeout 3x is a usage error for rollback too"
check "  naming --statement-timeout" grep -qF -- "--statement-timeout needs a duration" <<<"$out"

out=$("$STRAV" migrate --lock-timeout 1.5s --statement-timeout '2 s' 2>&1); rc=$?
is "$rc" 0 "a fraction and a space before the unit are accepted and applied"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/#   /'
migration 250ms 0
out=$("$STRAV" migrate --lock-timeout 250 2>&1); rc=$?
is "$rc" 0 "a bare number is milliseconds"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/#   /'
migration 2min 1h
out=$("$STRAV" migrate --lock-timeout=2min --statement-timeout=60min 2>&1); rc=$?
is "$rc" 0 "min and h units, with '='"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/#   /'
is "$(psql -Atc "select count(*) from pg_tables where tablename like 't17%'")" 3 "three migrations applied, each one's check passed"
done_testing
