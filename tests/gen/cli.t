#!/usr/bin/env bash
# cli.t - stravc generate / diff on a schemas folder: messages, exit codes, one directory for
# two generates, the destructive refusal, an invalid scope, atomic writes.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
S=$PWD/$BUILD/stravc
w=$(mktemp -d "${TMPDIR:-/tmp}/strav-cli.XXXXXX")
trap 'rm -rf "$w"' EXIT
n=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
mkdir -p "$w/database/schemas/public" "$w/database/schemas/tenant"
cat >"$w/database/schemas/public/user.strav" <<'S'
entity user {
  email string(255) @unique
  bio   text?
}
S
cat >"$w/database/schemas/tenant/note.strav" <<'S'
table note {
  id   integer @primary
  body text
}
S
cd "$w"
out=$("$S" diff); rc=$?
t "diff with pending changes exits 3 and prints SQL" '[ $rc -eq 3 ] && grep -q "CREATE TABLE \"user\"" <<<"$out"'
out=$(STRAV_NOW_MS=1704067200000 "$S" generate -m "Init" -s public); rc=$?
t "generate prints the seed's line" '[ $rc -eq 0 ] && grep -qx "✓ Migration generated: 1704067200000" <<<"$out"'
t "the directory follows the format" '[ -f database/migrations/public/1704067200000/manifest.json ] && [ -f database/migrations/public/1704067200000/snapshot.json ] && [ -f database/migrations/public/1704067200000/tables/user/up.sql ]'
t "manifest keys in order" '[ "$(jq -r "keys_unsorted|join(\",\")" database/migrations/public/1704067200000/manifest.json)" = "version,message,generatedAt,summary,executionOrder,domain,schema,tenants,parent,files,nonTransactional,destructive,irreversible" ]'
out=$(STRAV_NOW_MS=1704067200000 "$S" generate -m "Again" -s public); rc=$?
t "a second generate without changes writes nothing" '[ $rc -eq 0 ] && [ "$out" = "No changes detected" ] && [ $(ls database/migrations/public | wc -l) -eq 1 ]'
out=$("$S" diff -s public); rc=$?
t "diff without changes exits 0" '[ $rc -eq 0 ] && [ "$out" = "No changes detected" ]'
sed -i '/bio/d' database/schemas/public/user.strav
out=$("$S" generate -m "Drop bio" -s public 2>&1); rc=$?
t "a destructive change is refused and named" '[ $rc -eq 1 ] && grep -q "drop column \"user\".bio" <<<"$out" && [ $(ls database/migrations/public | wc -l) -eq 1 ]'
out=$(STRAV_NOW_MS=1000 "$S" generate -m "Drop bio" -s public --allow-destructive); rc=$?
t "with consent it is generated, version bumped past the parent" '[ $rc -eq 0 ] && grep -qx "✓ Migration generated: 1704067200001" <<<"$out"'
t "the manifest records parent, destructive and irreversible" '[ "$(jq -r ".parent, .destructive[0], (.irreversible|length)" database/migrations/public/1704067200001/manifest.json | tr "\n" " ")" = "1704067200000 drop column \"user\".bio 1 " ]'
out=$("$S" generate -m x -s nope 2>&1); rc=$?
t "an invalid scope names the available domains" '[ $rc -eq 1 ] && grep -q "Invalid domain: nope. Available domains: public, tenant" <<<"$out"'
out=$("$S" diff --json -s tenant); rc=$?
t "diff --json is JSON and exits 3" '[ $rc -eq 3 ] && [ "$(jq -r ".changes, .domains[0].domain" <<<"$out" | tr "\n" " ")" = "true tenant " ]'
"$S" generate >/dev/null 2>&1; rc=$?
t "generate without a message is a usage error" '[ $rc -eq 2 ]'
mkdir -p database/migrations/tenant/.tmp-5
out=$(STRAV_NOW_MS=5 "$S" generate -m "Tenant" -s tenant); rc=$?
t "a leftover temporary directory is ignored and replaced" '[ $rc -eq 0 ] && [ -d database/migrations/tenant/5 ] && [ ! -e database/migrations/tenant/.tmp-5 ]'
chmod 500 database/migrations/tenant
echo 'table extra { id integer @primary }' >database/schemas/tenant/extra.strav
out=$(STRAV_NOW_MS=9 "$S" generate -m "Fails" -s tenant 2>&1); rc=$?
chmod 700 database/migrations/tenant
if [ "$(id -u)" = 0 ]; then n=$((n + 1)); echo "ok $n - # SKIP root ignores permissions"
else t "a failed write leaves no directory" '[ $rc -eq 1 ] && [ "$(ls -A database/migrations/tenant)" = 5 ]'; fi
printf 'table note {\n  id   integer @primary\n  body text\n  must text\n}\n' >database/schemas/tenant/note.strav
rm -f database/schemas/tenant/extra.strav
out=$("$S" generate -m "Must" -s tenant --allow-destructive 2>&1); rc=$?
t "a NOT NULL column without default or backfill: a warning at its source line, a guarded ADD" '[ $rc -eq 0 ] && grep -q "note.strav:4:.*warning: column .note.must. is added NOT NULL" <<<"$out" && grep -rqs "RAISE EXCEPTION" database/migrations/tenant/*/tables/note/up.sql'
echo "1..$n"
