#!/usr/bin/env bash
# rollout.t - a fleet rollout (issue 15, docs/fleet.md) over three PostgreSQL servers on Unix
# sockets holding 30 databases, with hand-written migrations: the targets file (labels, groups,
# URI and key=value forms, comments, passwords refused), migrate to all, one target failing on a
# conflicting table while the others finish (exit 1 naming it) and the re-run finishing it, the
# canary group stopping a bad rollout before the rest, --max-failures, a rollout killed with
# SIGKILL (fleet and children) and resumed to completion, status naming the behind targets and
# a drifted one, rollback across the fleet, and the --json document checked with jq.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
. tests/lib/fleet.sh
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
fleet_start 3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-fleet-work.XXXXXX")
trap 'rm -rf "$WORK"; fleet_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/migrations/public database/schemas/public
mk() { "$ROOT/tests/lib/mkmanifest.sh" "$@"; }
jqok() { jq -e -n 'input | type == "object"' "$1" >/dev/null; } # one JSON object

# database dNN lives on server ((NN - 1) % 3) + 1
srv() { echo $(( (10#$1 - 1) % 3 + 1 )); }
dbs=()
for i in $(seq -w 1 30); do dbs+=("d$i"); done
for s in 1 2 3; do
    mine=()
    for d in "${dbs[@]}"; do [ "$(srv "${d#d}")" = "$s" ] && mine+=("$d"); done
    fleet_newdbs "$s" "${mine[@]}" &
done
for s in 1 2 3; do wait -n || { echo "Bail out! cannot create the databases"; exit 1; }; done
q() { fleet_psql "$(srv "${1#d}")" "$1" -c "$2" 2>/dev/null; }
# every database's name and the result of query $1 there ("dNN|result" lines in name order):
# one psql per server, switching databases with \c
each() {
    local s d
    for s in 1 2 3; do
        for d in "${dbs[@]}"; do
            [ "$(srv "${d#d}")" = "$s" ] && printf '\\c %s\nselect %s, (%s);\n' "$d" "'$d'" "$1"
        done | psql -X -A -t -q -h "${FLEET_SOCK[s]}" -p 5432 -d postgres 2>/dev/null
    done | sort
}
# how many of the 30 databases hold version $1 in their public tracking table
have() {
    each "select count(*) from _strav_migrations where version = '$1'" | grep -c '|1$'
}

{
    echo "# the fleet of rollout.t: label group conninfo"
    echo
    for d in "${dbs[@]}"; do
        s=$(srv "${d#d}")
        case $d in
        d01|d02) echo "$d canary $(fleet_conninfo "$s" "$d")" ;;
        d05) echo "d05 s$s postgresql:///d05?host=${FLEET_SOCK[s]}&port=5432&user=postgres   # URI form" ;;
        d06) echo "   $(fleet_conninfo "$s" "$d")" ;;  # no label: the database's name
        *) echo "$d s$s $(fleet_conninfo "$s" "$d")" ;;
        esac
    done
} > targets

v1=database/migrations/public/1700000000001
mkdir -p $v1/tables/accounts
printf 'CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL);\n' > $v1/tables/accounts/up.sql
printf 'DROP TABLE accounts;\n' > $v1/tables/accounts/down.sql
mk $v1 public "Accounts"
v2=database/migrations/public/1700000000002
mkdir -p $v2/tables/orders
printf 'CREATE TABLE orders (id integer PRIMARY KEY, account integer NOT NULL REFERENCES accounts);\n' > $v2/tables/orders/up.sql
printf 'DROP TABLE orders;\n' > $v2/tables/orders/down.sql
mk $v2 public "Orders"

# ---- the targets file is checked before anything runs
printf 'x1 - host=/nonexistent dbname=x password=hunter2\n' > secret
out=$($STRAV migrate --targets secret 2>&1); rc=$?
is "$rc" 2 "a targets file with a password in clear text is refused (exit 2)"
check "the refusal points at ~/.pgpass and service files" grep -q 'pgpass.*service=NAME' <<<"$out"
check "the refusal does not repeat the password" bash -c '! grep -q hunter2 <<<"$1"' _ "$out"
printf 'a - host=/x dbname=a\na - host=/x dbname=b\n' > dup
out=$($STRAV migrate --targets dup 2>&1); rc=$?
is "$rc:$out" "2:strav: dup:2: label 'a' is already used on line 1" "a duplicate label is refused with its line"
out=$($STRAV migrate --targets targets --database x 2>&1); rc=$?
is "$rc" 2 "--targets with --database is a usage error"

# ---- migrate to all, one target failing on a table created by hand first
q d17 "CREATE TABLE orders (note text)"
$STRAV migrate --targets targets --jobs 6 --per-host 2 >out.txt 2>err.txt; rc=$?
is "$rc" 1 "a failing target makes the rollout exit 1"
is "$(cat err.txt)" "Error: 1 of 30 target(s) failed: d17" "stderr names the failed target"
is "$(grep -cE '^\[[0-9]+ done, [0-9]+ failed, [0-9]+ pending\] (ok|FAILED) ' out.txt)" 30 "one progress line per finished target"
check "the roll-up counts 29 ok, 1 failed" grep -q '^Fleet migrate: 30 target(s): 29 ok, 1 failed, 0 not started' out.txt
check "the roll-up shows d17's error" grep -q '^  - d17 on .*s2:5432: .*"orders" already exists' out.txt
check "d06 got its database's name as label" grep -q '\] ok     d06 on ' out.txt
is "$(have 1700000000002)" 29 "the other 29 targets have both versions"
is "$(q d17 "select count(*) from pg_tables where tablename = 'accounts'")" 0 "d17's batch was rolled back as a whole"

q d17 "DROP TABLE orders"
$STRAV migrate --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "the re-run finishes the rollout"
check "--json is valid JSON" jqok out.json
is "$(jq -r '[.summary.targets, .summary.ok, .summary.failed, .summary.notStarted] | join(" ")' out.json)" "30 30 0 0" "JSON summary: 30 ok"
is "$(jq -r '[.targets[] | select((.result.applied | length) > 0) | .label] | join(" ")' out.json)" "d17" "only d17 had anything to apply"
is "$(jq -r '.targets[] | select(.label == "d17") | [.group, .host, .status, .exitCode, (.result.applied | join(","))] | join(" ")' out.json)" \
    "s2 ${FLEET_SOCK[2]}:5432 ok 0 1700000000001,1700000000002" "d17's entry: group, host, status, exit code, the child's result"
is "$(jq -r '[.targets[] | select(.label == "d05") | .host] | join("")' out.json)" "${FLEET_SOCK[2]}:5432" "the URI target's server is read from the URI"
is "$(jq -r '[.targets[] | select(.conninfo | test("dbname|postgresql")) ] | length' out.json)" 30 "every entry shows its conninfo"
is "$(have 1700000000002)" 30 "all 30 targets have both versions"

# ---- the canary group stops a bad rollout before the rest
v3=database/migrations/public/1700000000003
mkdir -p $v3/indexes
printf 'CREATE INDEX accounts_email_idx ON accounts (email);\n' > $v3/indexes/up.sql
printf 'DROP INDEX accounts_email_idx;\n' > $v3/indexes/down.sql
mk $v3 public "Index a column that does not exist"
$STRAV migrate --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 1 "a failing canary fails the rollout"
is "$(jq -r '.stopped' out.json)" "canary target d01 failed" "the rollout stopped on the canary"
is "$(jq -r '[.summary.ok, .summary.failed, .summary.notStarted] | join(" ")' out.json)" "0 1 29" "nothing ran after the canary (the second canary neither)"
is "$(jq -r '[.targets[] | select(.status == "not-started") | .label] | length' out.json)" 29 "29 targets not started"
is "$(jq -r '.targets[0] | [.label, (.error | test("column \"email\" does not exist"))] | join(" ")' out.json)" "d01 true" "the canary's error is the server's"
is "$(have 1700000000003)" 0 "no target has the bad version"
$STRAV migrate --targets targets --canary s3 >out.txt 2>err.txt; rc=$?
is "$rc" 1 "--canary GROUP: the bad rollout fails"
is "$(grep -cE '^\[' out.txt)" 1 "only one target of the named group ran"
check "it was a target of group s3" grep -qE '^\[0 done, 1 failed, 29 pending\] FAILED d03 \(s3\)' out.txt
rm -rf $v3

# ---- --max-failures: one at a time, three conflicting targets, stop after two
v3=database/migrations/public/1700000000003
mkdir -p $v3/tables/audit
printf 'CREATE TABLE audit (id bigserial PRIMARY KEY, what text);\n' > $v3/tables/audit/up.sql
printf 'DROP TABLE audit;\n' > $v3/tables/audit/down.sql
mk $v3 public "Audit"
for d in d10 d11 d12; do q $d "CREATE TABLE audit (x int)"; done
$STRAV migrate --targets targets --jobs 1 --max-failures 2 --json >out.json 2>err.txt; rc=$?
is "$rc" 1 "--max-failures: exit 1"
is "$(jq -r '[.summary.ok, .summary.failed, .summary.notStarted] | join(" ")' out.json)" "9 2 19" "canaries and d03..d09 done, d10 and d11 failed, the other 19 not started"
is "$(jq -r '.failed | join(" ")' out.json)" "d10 d11" "the failed targets are named"
is "$(jq -r .stopped out.json)" "2 target(s) failed (--max-failures 2)" "the reason to stop"
is "$(tail -1 err.txt)" "Error: 19 target(s) not started: d12, d13, d14, d15, d16, d17, d18, d19, d20, d21, d22, d23, d24, d25, d26, d27, d28, d29, d30" \
    "stderr names the targets not started" 
for d in d10 d11 d12; do q $d "DROP TABLE audit"; done
$STRAV migrate --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "re-running finishes the rest"
is "$(jq '[.targets[].result.applied | length] | add' out.json)" 21 "exactly the 21 targets without the version applied it"
is "$(have 1700000000003)" 30 "all 30 have it"

# ---- a rollout killed in the middle (the fleet and its children), resumed by re-running
v4=database/migrations/public/1700000000004
mkdir -p $v4/tables/slow
printf 'CREATE TABLE slow (id integer);\nSELECT pg_sleep(0.3);\n' > $v4/tables/slow/up.sql
printf 'DROP TABLE slow;\n' > $v4/tables/slow/down.sql
mk $v4 public "Slow"
setsid "$STRAV" migrate --targets targets --jobs 3 >kill.txt 2>&1 &
fpid=$!
for _ in $(seq 1 300); do
    c=$(grep -c '\] ok ' kill.txt 2>/dev/null)
    [ "${c:-0}" -ge 4 ] && break
    sleep 0.05
done
pgid=$(ps -o pgid= -p "$fpid" | tr -d ' ')
check "the fleet runs in its own process group" test -n "$pgid" -a "$pgid" = "$fpid"
kill -KILL -- "-$pgid" 2>/dev/null
wait "$fpid" 2>/dev/null
for _ in $(seq 1 100); do [ -z "$(ps -o pid= -g "$pgid")" ] && break; sleep 0.05; done
is "$(ps -o pid= -g "$pgid" | wc -l)" 0 "no runner survives the kill"
sleep 0.5 # a killed child's backend ends once its pg_sleep returns
done_before=$(have 1700000000004)
check "the kill came in the middle ($done_before of 30 done)" test "$done_before" -gt 0 -a "$done_before" -lt 30
mapfile -t behind < <(each "select count(*) from _strav_migrations where version = '1700000000004'" | sed -n 's/|0$//p')

$STRAV status --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "status --targets: behind is not an error"
check "status --json is valid JSON" jqok out.json
is "$(jq -r '.behind | sort | join(" ")' out.json)" "${behind[*]}" "status names exactly the targets the kill left behind"
is "$(jq -r '[.targets[] | select(.behind > 0) | .behind] | unique | join(" ")' out.json)" 1 "each one version behind"
$STRAV status --targets targets >out.txt 2>&1
check "the text roll-up counts the behind targets" grep -q "^Fleet status: 30 target(s): $((30 - ${#behind[@]})) up to date, ${#behind[@]} behind, 0 drifted" out.txt
check "and lists them with the count" grep -q "^  - ${behind[0]} on .*: 1 version(s) behind$" out.txt

$STRAV migrate --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "the re-run after the kill completes"
is "$(jq '[.targets[].result.applied | length] | add' out.json)" "${#behind[@]}" "only the targets left behind applied anything"
is "$(have 1700000000004)" 30 "all 30 have the version"
is "$(each "select count(*) from _strav_migrations where state <> 'applied'" | grep -c '|0$')" 30 "no partial row anywhere"

# ---- rollback across the fleet: the newest batch of each target
$STRAV rollback --targets targets --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "rollback --targets exits 0"
is "$(jq -r '[.targets[].result.rolledBack | join(",")] | unique | join(" ")' out.json)" 1700000000004 "every target rolled back its newest batch (the slow version)"
is "$(have 1700000000004)" 0 "no target has it any more"
is "$(each "select count(*) from pg_tables where tablename = 'slow'" | grep -c '|0$')" 30 "its down SQL ran on all 30"
is "$(have 1700000000003)" 30 "the older versions stay"

# ---- drift: a domain with a snapshot, one target altered by hand
mkdir -p database/schemas/billing
cat > database/schemas/billing/invoice.strav <<'S'
entity invoice {
  id    int @primary
  total int
}
S
$STRAV generate:migration -s billing -m "Invoices" >/dev/null 2>&1
$STRAV migrate -s billing --targets targets --jobs 8 >/dev/null 2>&1; rc=$?
is "$rc" 0 "a second domain migrates across the fleet (-s passed through)"
q d07 "ALTER TABLE billing.invoice ADD COLUMN note text"
$STRAV status -s billing --targets targets --json >out.json 2>err.txt; rc=$?
is "$(jq -r '.drifted | join(" ")' out.json)" d07 "status --targets names the drifted target"
is "$(jq -r '.behind | length' out.json)" 0 "and nothing behind"

# ---- --per-host 1: the targets of one server never overlap (each records when its SQL ran)
v=database/migrations/spans/1700000000001
mkdir -p $v/tables/span database/schemas/spans
printf 'CREATE TABLE span (a timestamptz, b timestamptz);\nINSERT INTO span (a) VALUES (clock_timestamp());\nSELECT pg_sleep(0.2);\nUPDATE span SET b = clock_timestamp();\n' > $v/tables/span/up.sql
printf 'DROP TABLE span;\n' > $v/tables/span/down.sql
mk $v spans "Spans"
$STRAV migrate -s spans --targets targets --only d01,d02,d03,d04,d05,d06,d07,d08,d09 --jobs 8 --per-host 1 --json >out.json 2>err.txt; rc=$?
is "$rc:$(jq '.summary.targets' out.json)" "0:9" "--only: the nine targets named"
overlaps=0
for s in 1 2 3; do
    spans=$(for d in d01 d02 d03 d04 d05 d06 d07 d08 d09; do
        [ "$(srv "${d#d}")" = "$s" ] && fleet_psql "$s" "$d" -F ' ' -c "select extract(epoch from a), extract(epoch from b) from spans.span"
    done | sort -n)
    overlaps=$((overlaps + $(awk 'NR > 1 && $1 < end { n++ } { end = $2 } END { print n + 0 }' <<<"$spans")))
done
is "$overlaps" 0 "no two runs on one server overlapped"
is "$(each "select count(*) from pg_namespace where nspname = 'spans'" | grep -c '|1$')" 9 "the other 21 targets were left alone"

# ---- a per-tenant domain fans out inside each target
cp -r "$ROOT/tests/fixtures/migrations/tenants/shop" database/migrations/shop
mkdir -p database/schemas/shop
for d in d01 d02 d03; do q $d "CREATE SCHEMA shop_a; CREATE SCHEMA shop_b"; done
$STRAV migrate -s shop --targets targets --only d01,d02,d03 --tenant-jobs 2 --json >out.json 2>err.txt; rc=$?
is "$rc" 0 "a per-tenant domain across three targets"
is "$(jq -r '[.targets[] | [.label, ([.result.tenants[] | .schema + ":" + (.applied | length | tostring)] | join(","))] | join(" ")] | join("; ")' out.json)" \
    "d01 shop_a:2,shop_b:2; d02 shop_a:2,shop_b:2; d03 shop_a:2,shop_b:2" "each target ran both versions in each of its tenant schemas"
is "$(jq -r '[.targets[].summary] | unique | join("")' out.json)" "2 tenant(s), applied 4 migration(s) in all" "the progress summary counts the tenants"

done_testing
