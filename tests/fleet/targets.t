#!/usr/bin/env bash
# targets.t - the targets file and the fleet's usage errors, with hostile hand-written files and
# no server: every malformed line is refused (exit 2) with its file and line before anything
# runs, passwords in clear text are refused and never echoed (also when allowed), '#' inside a
# quoted value is not a comment, and an unreachable target fails alone with a masked conninfo.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-targets.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
unset DATABASE_URL PGHOST PGPORT PGSERVICE PGPASSWORD
mkdir -p database/migrations/public database/schemas/public
v=database/migrations/public/1700000000001
mkdir -p $v/tables/t
echo 'CREATE TABLE t (id int);' > $v/tables/t/up.sql
echo 'DROP TABLE t;' > $v/tables/t/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $v public "T"

refused() { # FILE-CONTENT EXPECTED-MESSAGE DESC
    printf '%s\n' "$1" > f.txt
    local out rc
    out=$($STRAV migrate --targets f.txt 2>&1); rc=$?
    is "$rc:$out" "2:$2" "$3"
}
refused 'a b c host=/x dbname=a' "strav: f.txt:1: expected a conninfo (key=value words or a postgresql:// URI) after the label and group, found 'c'" "three words before the conninfo"
refused '# header

lonely   # a label and nothing else' "strav: f.txt:3: 'lonely' is not followed by a conninfo" "a label without a conninfo"
refused 'x - host=/x bogus=1' 'strav: f.txt:1: invalid conninfo '"'"'host=/x bogus=1'"'"': invalid connection option "bogus"' "libpq's own message for an invalid conninfo"
refused '# only comments

   # and blanks' "strav: f.txt: no targets (one conninfo, URI or service=NAME a line)" "a file without targets"
refused 'a - host=/x dbname=one
b - host=/x port=5432 dbname=one' "strav: f.txt:2: database one on /x:5432 is already listed on line 1" "the same database twice (the default port filled in)"
printf 'u - postgresql://app:s3cr3t@db.example/shop\n' > f.txt
out=$($STRAV migrate --targets f.txt 2>&1); rc=$?
is "$rc" 2 "a password in a URI is refused"
check "without echoing it" bash -c '! grep -q s3cr3t <<<"$1" && grep -q "password in clear text" <<<"$1"' _ "$out"
out=$($STRAV migrate --targets nosuch.txt 2>&1); rc=$?
is "$rc:$out" "2:strav: cannot read the targets file nosuch.txt: No such file or directory" "a missing targets file"

printf 'a canary host=/nonexistent-dir dbname=a\n' > f.txt
out=$($STRAV fresh --targets f.txt 2>&1); rc=$?
is "$rc" 2 "fresh --targets is refused"
out=$($STRAV migrate --targets f.txt --only a,zz 2>&1); rc=$?
is "$rc:$out" "2:strav: --only: no target labelled 'zz' in f.txt" "--only with an unknown label"
out=$($STRAV migrate --targets f.txt --canary nope 2>&1); rc=$?
is "$rc:$out" "2:strav: --canary nope: no target of f.txt is in that group" "--canary with an unknown group"
out=$($STRAV migrate --targets f.txt --bogus 2>&1); rc=$?
is "$rc" 2 "an unknown option is refused once, before any target runs"
out=$($STRAV migrate --targets f.txt --jobs 0 2>&1); rc=$?
is "$rc" 2 "--jobs 0 is refused"
out=$($STRAV migrate --targets f.txt -s nosuch 2>&1); rc=$?
is "$rc:$out" "1:Error: Invalid domain: nosuch. Available domains: public" "the domain is checked once, with the usual message"

# allowed passwords and a quoted '#': the unreachable targets fail, nothing shows the password
printf "%s\n" "p1 grp host=/nonexistent-dir port=5432 dbname='we#ird' user=u password=hunter2 # a comment" \
              "p2 - postgresql://u:hunter2@/other?host=/nonexistent-dir" > f.txt
$STRAV migrate --targets f.txt --allow-passwords --json >out.json 2>err.txt; rc=$?
is "$rc" 1 "unreachable targets fail the rollout"
is "$(jq -r '[.targets[] | .status] | join(" ")' out.json)" "failed failed" "each target failed on its own"
is "$(jq -r '.targets[0].database' out.json)" "we#ird" "'#' inside a quoted value is part of the value"
is "$(jq -r '.targets[0].conninfo | test("password=\\*\\*\\*")' out.json)" true "the masked conninfo is shown"
is "$(jq -r '.targets[1].error | test("nonexistent-dir")' out.json)" true "the child's connection error is reported"
check "the password appears nowhere in the output" bash -c '! grep -q hunter2 out.json err.txt'
$STRAV migrate --targets f.txt --allow-passwords >out.txt 2>&1
check "nor in the text output" bash -c '! grep -q hunter2 out.txt'
is "$(tail -1 out.txt)" "Error: 2 of 2 target(s) failed: p1, p2" "the failed targets are named"
$STRAV_RUN status --targets f.txt --allow-passwords --json >out.json 2>err.txt; rc=$?
is "$rc:$(jq -r '[.command, .summary.failed] | join(" ")' out.json)" "1:status 2" "strav-run status --targets: the same fleet runner"
done_testing
