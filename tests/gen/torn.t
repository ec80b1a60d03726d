#!/usr/bin/env bash
# torn.t - what a crash or a kill leaves of `stravc generate` is never taken for a migration
# (docs/migration-format.md, "Writing a version"). Three cases, each checked with stravc and
# strav-run on a real server:
#   - a dead run's staging directory (.tmp-<version>.<pid>, hand-made here: a truncated
#     manifest, half the files) is ignored by status and migrate, not taken as the latest
#     version by generate, and removed by the next generate;
#   - a renamed version whose SQL file never reached the disk (power loss: the manifest and
#     snapshot are synced, the SQL files are not; the file is empty or cut short) is refused by
#     migrate, naming the file, before anything runs;
#   - generate killed with SIGKILL at random moments (KILL_TRIALS, default 4) on a 300-table
#     project: every time, strav-run migrate applies what is left (nothing new or the one
#     complete version) and the next generate and migrate converge.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
S=$ROOT/$BUILD/stravc
pg_start
w=$(mktemp -d "${TMPDIR:-/tmp}/strav-torn.XXXXXX")
trap 'rm -rf "$w"; pg_stop' EXIT
cd "$w" || exit 1
P=database/migrations/public
versions() { ls $P 2>/dev/null | grep -E '^[0-9]+$' | sort -n; }
run() { "$STRAV_RUN" "$@" --database "$DB" 2>&1; }

mkdir -p database/schemas/public
cat >database/schemas/public/shop.strav <<'S'
entity customer {
  name   string(100)
  email  string(200)
}
entity purchase {
  buyer  ref(customer)
  total  numeric(10, 2) = 0
}
S
DB=$(pg_newdb torn1)
STRAV_NOW_MS=1700000000000 "$S" generate -m init >/dev/null 2>&1
out=$(run migrate); rc=$?
is "$rc" 0 "the first version applies"

# --- a dead run's staging directory, made by hand
dead=$(( $(cat /proc/sys/kernel/pid_max) + 1 )) # no process has this pid
tmpd=$P/.tmp-1700000005000.$dead
mkdir -p $tmpd/tables/customer
printf 'ALTER TABLE "customer" ADD COLUMN "x" text;\n' >$tmpd/tables/customer/up.sql
printf '{\n  "version": "1700000005000",\n  "message": "half' >$tmpd/manifest.json
out=$(run status); rc=$?
is "$rc" 0 "status with a staging directory left: exit 0"
check "status does not list the staging directory" eval '! grep -q 1700000005000 <<<"$out"'
out=$(run migrate); rc=$?
is "$rc" 0 "migrate with a staging directory left: exit 0"
is "$(psql -Atq -d "$DB" -c "select count(*) from information_schema.columns where table_name = 'customer' and column_name = 'x'")" 0 \
    "the staging directory's SQL did not run"
out=$("$S" diff 2>&1); rc=$?
is "$rc" 0 "stravc diff compares with the last complete version, not the staging one"
sed -i 's/^  email  string(200)$/&\n  phone  string(30)?/' database/schemas/public/shop.strav
out=$(STRAV_NOW_MS=1700000010000 "$S" generate -m phone 2>&1); rc=$?
is "$rc" 0 "the next generate succeeds"
check "and removes the dead run's staging directory" test ! -e $tmpd
is "$(versions | tr '\n' ' ')" "1700000000000 1700000010000 " "versions after it"
out=$(run migrate); rc=$?
is "$rc" 0 "its version applies"

# --- a renamed version whose SQL file did not reach the disk
sed -i 's/^  total  numeric(10, 2) = 0$/&\n  note   text?/' database/schemas/public/shop.strav
STRAV_NOW_MS=1700000020000 "$S" generate -m note >/dev/null 2>&1
f=$P/1700000020000/tables/purchase/up.sql
check "the new version has the file to tear" test -s $f
cp $f "$w/up.sql.whole"
: >$f # what ext4 shows of an unsynced file after a power loss: its length 0
out=$(run migrate); rc=$?
is "$rc" 1 "migrate refuses the torn version"
check "naming the file" grep -q 'tables/purchase/up.sql' <<<"$out"
is "$(psql -Atq -d "$DB" -c "select count(*) from information_schema.columns where table_name = 'purchase' and column_name = 'note'")" 0 \
    "nothing of it ran"
head -c 20 "$w/up.sql.whole" >$f # cut short
out=$(run migrate); rc=$?
is "$rc" 1 "migrate refuses a version whose file is cut short too"
cp "$w/up.sql.whole" $f
out=$(run migrate); rc=$?
is "$rc" 0 "the whole file back: migrate applies it"

# --- generate killed at random moments
trials=${KILL_TRIALS:-4}
RANDOM=${KILL_SEED:-7}
DB=$(pg_newdb torn2)
rm -rf database
"$ROOT/bench/gen_schema.sh" 300 database/schemas >/dev/null
"$S" generate -m init >/dev/null 2>&1
run migrate >/dev/null
start=$(date +%s%N)
sed -i 's/^  title      string(200)$/&\n  k0         text?/' database/schemas/public/part*.strav
"$S" generate -m timed >/dev/null 2>&1
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
out=$(run migrate); rc=$?
is "$rc" 0 "an uninterrupted change of 300 tables applies (${full_ms} ms to generate)"
for i in $(seq 1 "$trials"); do
    sed -i "s/^  title      string(200)\$/&\n  k$i         text?/" database/schemas/public/part*.strav
    before=$(versions)
    delay_ms=$(( RANDOM % (full_ms + full_ms / 5 + 1) ))
    "$S" generate -m "trial $i" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    new=$(comm -13 <(echo "$before") <(versions) | tr '\n' ' ')
    out=$(run migrate); rc=$?
    is "$rc" 0 "kill after ${delay_ms} ms (new: ${new:-none}): strav-run migrate accepts what is left"
    out=$("$S" generate -m "after $i" 2>&1); rc=$?
    out2=$(run migrate); rc2=$?
    out3=$("$S" diff 2>&1); rc3=$?
    is "$rc $rc2 $rc3 $(ls -a $P | grep -c '^\.tmp-')" "0 0 0 0" \
        "the next generate and migrate converge, no .tmp-* left (exit statuses, .tmp-* count)"
done
done_testing
