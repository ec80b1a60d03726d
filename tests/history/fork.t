#!/usr/bin/env bash
# fork.t - the team workflow of docs/history.md on real git branches: two branches each
# generate a migration on the same parent and are merged. stravc check, stravc generate and
# strav migrate refuse the forked history naming both versions and the fix; the lock file
# database/migrations/<domain>.lock makes
# the merge itself conflict; stravc rebase repairs it, and the repaired history brings a fresh
# database and one migrated before the fork to the same schema dump.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
command -v git >/dev/null || { echo "1..0 # SKIP git not installed"; exit 0; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$E2E_TMP
g() { git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main -c merge.conflictstyle=merge "$@" >/dev/null 2>&1; }
user() { { echo 'entity user {'; echo '  email string(255) @unique'; cat; echo '}'; } >database/schemas/public/user.strav; }

project forkdb
g init -q .
user </dev/null
STRAV_NOW_MS=1700000000000 run "$STRAVC" generate -m "init"
ok '[ "$RC" = 0 ] && [ -f database/migrations/public.lock ]' "generate writes the lock file database/migrations/public.lock"
is "$(grep -c '^1700000000000 - ' database/migrations/public.lock)" 1 "the lock lists the first version with no parent"
g add -A && g commit -qm init
run "$STRAV" migrate
ok '[ "$RC" = 0 ]' "main migrated"
pg_newdb forkold >/dev/null
PGDATABASE=forkold run "$STRAV" migrate   # migrated from main + b1 later: the 'already migrated' database

# b1 adds a column; b2 (from main) adds another table and changes nothing of b1's
g checkout -q -b b1
user <<'S'
  x text?
S
STRAV_NOW_MS=1700000100000 run "$STRAVC" generate -m "add x"
V1=$(latest)
g add -A && g commit -qm b1
g checkout -q main && g checkout -q -b b2
schema public post <<'S'
entity post {
  title string(200)
}
S
STRAV_NOW_MS=1700000200000 run "$STRAVC" generate -m "add post"
V2=$(latest)
g add -A && g commit -qm b2
ok '[ "$V1" = 1700000100000 ] && [ "$V2" = 1700000200000 ]' "both branches generated one migration on the same parent"

g checkout -q main && g merge -q --no-edit b1
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 0 ]' "a database migrated with main after b1 merged"
git -c user.name=t -c user.email=t@example.com merge --no-edit b2 >"$E2E_TMP/merge.out" 2>&1; mrc=$?
ok '[ "$mrc" != 0 ] && grep -q "CONFLICT.*public.lock" "$E2E_TMP/merge.out"' "merging the second branch conflicts in the lock file (git shows it at merge time)"
ok '! git diff --name-only --diff-filter=U | grep -qv public.lock' "the lock file is the only conflicted file (the .strav files merge cleanly)"
# resolve as a hurried team would: keep both sides' lines
sed -i '/^<<<<<<<\|^=======\|^>>>>>>>/d' database/migrations/public.lock
g add -A && g commit -qm merge

run "$STRAVC" check
ok '[ "$RC" = 1 ]' "stravc check refuses the forked history"
ok 'grep -q "forked" <<<"$OUT" && grep -q "$V1" <<<"$OUT" && grep -q "$V2" <<<"$OUT"' "check names both versions"
ok 'grep -q "\"add x\"" <<<"$OUT" && grep -q "\"add post\"" <<<"$OUT"' "check shows both messages"
ok 'grep -q "stravc rebase -s public" <<<"$OUT"' "check names the command that fixes it"
run "$STRAVC" generate -m "more"
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT" && grep -q "stravc rebase -s public" <<<"$OUT"' "stravc generate refuses it"
ok '[ "$(nversions)" = 3 ]' "generate wrote nothing (3 versions)"
run "$STRAVC" diff
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT"' "stravc diff refuses it too (no 'add column x' again)"
pg_newdb forkfresh0 >/dev/null
PGDATABASE=forkfresh0 run "$STRAV" migrate
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT" && grep -q "$V1" <<<"$OUT" && grep -q "$V2" <<<"$OUT" && grep -q "stravc rebase" <<<"$OUT"' "strav migrate refuses it on a fresh database"
is "$(PGDATABASE=forkfresh0 q "select count(*) from pg_tables where schemaname = 'public'")" 0 "and applied nothing"
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT"' "strav migrate refuses it on a migrated database"

# the newer side (b2) is older than a day relative to a clock 2 days later: --force needed
STRAV_NOW_MS=1700172800000 run "$STRAVC" rebase
ok '[ "$RC" = 1 ] && grep -q "more than a day ago" <<<"$OUT" && grep -q -- "--force" <<<"$OUT"' "rebase refuses to replace a migration older than a day without --force"
ok '[ -d database/migrations/public/$V2 ]' "and changed nothing"
mkdir -p "$E2E_TMP/fcp" && cp -r database "$E2E_TMP/fcp/"
(cd "$E2E_TMP/fcp" && STRAV_NOW_MS=1700172800000 "$STRAVC" rebase --force >/dev/null 2>&1); frc=$?
ok '[ "$frc" = 0 ] && [ ! -d "$E2E_TMP/fcp/database/migrations/public/$V2" ]' "with --force it does (in a copy of the project)"
STRAV_NOW_MS=1700000300000 run "$STRAVC" rebase
ok '[ "$RC" = 0 ]' "stravc rebase repairs the fork"
g add -A && g commit -qm rebase
V3=$(latest)
ok '[ ! -d database/migrations/public/$V2 ] && [ -d database/migrations/public/$V1 ] && [ "$V3" != "$V2" ]' "the newer side was replaced by a new version"
ok 'grep -q "\"parent\": \"$V1\"" database/migrations/public/$V3/manifest.json' "the new version sits on the older head"
ok 'grep -q "CREATE TABLE post" database/migrations/public/$V3/tables/post/up.sql && ! grep -rq "\"x\"" database/migrations/public/$V3/tables' "it holds the other side's change only"
ok '! grep -q "Note:" <<<"$OUT"' "the union equals the merged schema files"
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "check is happy again"
run "$STRAVC" diff
ok '[ "$RC" = 0 ]' "diff: nothing to generate"

pg_newdb forkfresh >/dev/null
PGDATABASE=forkfresh run "$STRAV" migrate
ok '[ "$RC" = 0 ]' "the repaired history migrates a fresh database"
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 0 ] && grep -q "$V3" <<<"$OUT"' "and the already-migrated database (applies only the new version)"
a=$(PGDATABASE=forkfresh dump); b=$(PGDATABASE=forkold dump)
is "$b" "$a" "both end with the same pg_dump --schema-only"
ok 'grep -q "CREATE TABLE public.post" <<<"$a" && grep -q " x text" <<<"$a"' "and the dump holds both branches' changes"

# a lock file that disagrees with the directories (a merge resolved by dropping a line)
cp database/migrations/public.lock "$E2E_TMP/lock"
sed -i '$d' database/migrations/public.lock
run "$STRAVC" check
ok '[ "$RC" = 1 ] && grep -q "does not list $V3" <<<"$OUT" && grep -q "stravc rebase -s public" <<<"$OUT"' "check refuses a stale lock file, naming the version and the fix"
run "$STRAVC" rebase
ok '[ "$RC" = 0 ] && grep -q "rewritten" <<<"$OUT"' "rebase on a linear history rewrites the lock file"
ok 'cmp -s database/migrations/public.lock "$E2E_TMP/lock"' "to what generate wrote"
# a version whose parent is not on disk (hand-written directory)
O=database/migrations/public/1700000250000
mkdir -p $O/tables/zz && echo 'CREATE TABLE zz (id integer);' >$O/tables/zz/up.sql && echo 'DROP TABLE zz;' >$O/tables/zz/down.sql
bash "$ROOT/tests/lib/mkmanifest.sh" $O public "orphan" && sed -i 's/"parent": null/"parent": "1699999999999"/' $O/manifest.json
run "$STRAVC" check
ok '[ "$RC" = 1 ] && grep -q "names parent 1699999999999, which is not" <<<"$OUT" && grep -q "git checkout" <<<"$OUT"' "check refuses a version whose parent is missing"
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 1 ] && grep -q "names parent 1699999999999" <<<"$OUT"' "so does migrate"
rm -rf $O
# without a lock file the runtime reads the parents from the manifests and caches them in
# .strav/; the cache never hides a new fork
mkdir -p .strav && mv database/migrations/public.lock "$E2E_TMP/lock2"
PGDATABASE=forkold run "$STRAV" status
ok '[ "$RC" = 0 ] && [ "$(wc -l <.strav/verified-public.parents)" = 3 ]' "without a lock file the runtime caches the parents it read"
mkdir -p $O/tables/zz && echo 'CREATE TABLE zz (id integer);' >$O/tables/zz/up.sql && echo 'DROP TABLE zz;' >$O/tables/zz/down.sql
bash "$ROOT/tests/lib/mkmanifest.sh" $O public "second child" && sed -i "s/\"parent\": null/\"parent\": \"$V1\"/" $O/manifest.json
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT" && grep -q "1700000250000  \"second child\"" <<<"$OUT"' "a fork added after the cache was written is refused"
rm -rf $O .strav && mv "$E2E_TMP/lock2" database/migrations/public.lock

# an incompatible fork: both sides change the type of the same column differently
g checkout -q -b c1
user <<'S'
  x varchar(50)?
  y integer?
S
STRAV_NOW_MS=1700000400000 run "$STRAVC" generate -m "x varchar 50" --allow-destructive
g add -A && g commit -qm c1
g checkout -q main && g checkout -q -b c2
user <<'S'
  x varchar(10)?
S
STRAV_NOW_MS=1700000500000 run "$STRAVC" generate -m "x varchar" --allow-destructive
g add -A && g commit -qm c2
g checkout -q main && g merge -q --no-edit c1
git -c user.name=t -c user.email=t@example.com merge --no-edit c2 >/dev/null 2>&1
git checkout --theirs database/migrations/public.lock >/dev/null 2>&1
user <<'S'
  x varchar(10)?
  y integer?
S
g add -A && g commit -qm merge2
before=$(ls database/migrations/public | sort | tr '\n' ' ')
run "$STRAVC" check
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT"' "a fork whose lock was resolved to one side is still found (from the manifests)"
PGDATABASE=forkold run "$STRAV" migrate
ok '[ "$RC" = 1 ] && grep -q "forked" <<<"$OUT" && grep -q "x varchar 50" <<<"$OUT"' "and by migrate (the unlisted version's parent read from its manifest)"
STRAV_NOW_MS=1700000600000 run "$STRAVC" rebase
ok '[ "$RC" = 1 ] && grep -q "tables/user/columns/x/type" <<<"$OUT"' "rebase refuses two incompatible changes, naming the column"
is "$(ls database/migrations/public | sort | tr '\n' ' ')" "$before" "and changes nothing"
done_testing
