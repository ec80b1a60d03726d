#!/usr/bin/env bash
# pending.t - `stravc lint` on the pending change (schemas against the latest snapshot): each
# rule from a .strav edit with its code and the .strav line of the field, attribute or table
# that caused it; @lint_ignore / @@lint_ignore suppress with a reason and generate records
# them in the manifest; --json is checked with jq; generate prints the findings.
# BLESS=1 rewrites tests/lint/golden/pending.out.
cd "$(dirname "$0")/../.." || exit 1
. tests/lint/lib.sh
P=$W/proj
mkdir -p "$P/database/schemas/public"
cd "$P" || exit 1
U=database/schemas/public/user.strav
cat >$U <<'S'
entity user {
  id     uuid @primary
  email  string
  price  int?
  bio    text?
  nick   string(100)
  amount decimal(10, 2)
  mood   enum(happy, sad, meh)
}
S
cat >database/schemas/public/legacy.strav <<'S'
table legacy {
  id int @primary
}
S
cat >database/schemas/public/post.strav <<'S'
entity post {
  title text
}
S
STRAV_NOW_MS=1000 "$STRAVC" generate -m base >/dev/null 2>&1
is "$("$STRAVC" lint)" "lint: no findings" "no pending change: no findings"

# info-level findings only (SL405): generate prints the seed's lines and nothing else
printf 'entity post {\n  title text\n  body  text?\n}\n' >database/schemas/public/post.strav
is "$("$STRAVC" lint --json | jq -r '[.findings[] | "\(.code) \(.severity)"] | join(",")')" "SL405 info" "a nullable column: only SL405, info"
"$STRAVC" lint >/dev/null
is "$?" 0 "lint exits 0 on info"

# one pending change touching every rule the generator can produce
cat >$U <<'S'
entity user {
  id     uuid @primary
  mail   string @unique @was(email)
  price  bigint
  nick   string(20)
  amount decimal(12, 2)
  mood   enum(happy, sad)
  @@index(mail)
  @@check('amount > 0')
}
S
rm database/schemas/public/legacy.strav
cat >database/schemas/public/post.strav <<'S'
entity post {
  title  text
  author ref(user)?
}
S
out=$("$STRAVC" lint --json); rc=$?
is "$rc" 1 "exit 1: error-level findings"
got=$(jq -r '.findings[] | "\(.code) \(.file | sub(".*/"; "")):\(.line) \(.object)"' <<<"$out" | sort -u)
is "$got" \
'SL101 up.sql:1 "legacy"
SL102 user.strav:1 "user"."bio"
SL103 user.strav:7 "user_mood"
SL201 user.strav:4 "user"."price"
SL202 user.strav:5 "user"."nick"
SL203 user.strav:3 "user"
SL204 user.strav:9 "user"
SL301 user.strav:4 "user"."price"
SL301 user.strav:5 "user"."nick"
SL301 user.strav:7 "user"."mood"
SL401 post.strav:3 "post"
SL401 user.strav:8 "user"
SL402 post.strav:3 "post"
SL403 user.strav:9 "user"
SL405 post.strav:1 "post"
SL405 up.sql:1 "legacy"
SL405 user.strav:1 "user"
SL501 up.sql:1 "legacy"
SL502 user.strav:1 "user"."bio"
SL504 user.strav:1 "user"."email"' "every finding with its code, .strav line and object"
is "$(jq -r '[.findings[] | select(.code == "SL101")][0].file' <<<"$out")" \
   "(pending public)/tables/legacy/up.sql" "a dropped table has no .strav line: the pending SQL file"
is "$(jq -r '.findings | map(select(.severity == "error")) | length > 0' <<<"$out")" true "--json: severities"
is "$(jq -r '[.findings[] | keys] | add | unique | join(",")' <<<"$out")" \
   "category,code,column,file,line,message,object,reason,rule,severity,suppressed,table" "--json: the keys of a finding"
is "$(jq -r '[.findings[].category] | unique | join(",")' <<<"$out")" \
   "backward-incompatible,blocking-lock,data-dependent,destructive,table-rewrite" "--json: all five categories"
"$STRAVC" lint >"$W/pending.out"
if [ -n "${BLESS:-}" ]; then cp "$W/pending.out" "$ROOT/tests/lint/golden/pending.out"; fi
is "$(cat "$W/pending.out")" "$(cat "$ROOT/tests/lint/golden/pending.out")" "text output matches tests/lint/golden/pending.out"
is "$("$STRAVC" lint -s public --json | jq '.findings | length')" "$(jq '.findings | length' <<<"$out")" "-s DOMAIN"

# suppression in the schema: @lint_ignore on a field, @@lint_ignore on a table
cat >database/schemas/public/legacy.strav <<'S'
table legacy {
  id int @primary
}
S
printf 'entity post {\n  title text\n}\n' >database/schemas/public/post.strav
cat >$U <<'S'
entity user {
  id     uuid @primary
  email  string
  price  int?
  bio    text?
  nick   string(100) @lint_ignore(SL202, 'no nick is longer than 20') @lint_ignore(SL301, "small table")
  amount decimal(10, 2)
  mood   enum(happy, sad, meh)
  @@lint_ignore(SL405, 'applied at night')
}
S
sed -i 's/string(100)/string(20)/' $U
out=$("$STRAVC" lint --json); rc=$?
is "$(jq -r '.findings[] | "\(.code) \(.line) \(.suppressed) \(.reason)"' <<<"$out")" \
"SL202 6 true no nick is longer than 20
SL301 6 true small table
SL405 1 true applied at night" "field and table suppressions with their reasons (both quote styles)"
is "$rc" 0 "exit 0 when every error is suppressed"
gout=$(STRAV_NOW_MS=2000 "$STRAVC" generate -m narrow --allow-destructive 2>&1); grc=$?
is "$grc" 0 "generate succeeds"
is "$gout" "✓ Migration generated: 2000
  Tables: 0 to create, 0 to drop, 1 to modify
  Enums: 0 to create, 0 to modify, 0 to drop
  ! irreversible: change type of \"user\".nick from VARCHAR(100) to VARCHAR(20)" \
   "generate: every finding suppressed (SL405 is info), so only the seed's lines"
is "$(jq -c '.lint' database/migrations/public/2000/manifest.json)" \
   '[{"code":"SL202","object":"\"user\".\"nick\"","reason":"no nick is longer than 20"},{"code":"SL301","object":"\"user\".\"nick\"","reason":"small table"},{"code":"SL405","object":"\"user\"","reason":"applied at night"}]' \
   "generate records the suppressed findings in the manifest"
is "$(jq -c '.lint' database/migrations/public/1000/manifest.json)" null "no lint key when nothing was suppressed"
is "$("$STRAVC" lint)" "lint: no findings" "after generate nothing is pending"

# errors in the attribute
for bad in "@lint_ignore(SL2, 'x')" "@lint_ignore(SL202)" "@lint_ignore(SL202, '')" "@lint_ignore('nope', 'x')"; do
    sed -i "s/^  email  string.*/  email  string $bad/" $U
    "$STRAVC" check >/dev/null 2>&1
    is "$?" 1 "check rejects $bad"
done

# a generate on a domain whose change has only warnings prints them, exits 0
sed -i "s/^  email  string.*/  email  string/; s/^  price  int?/  price  int/" $U
gout=$(STRAV_NOW_MS=3000 "$STRAVC" generate -m nn 2>&1); grc=$?
is "$grc" 0 "generate with a warning-level finding exits 0"
ok "and prints SL201 with the .strav line" grep -q "user.strav:4: warning SL201" <<<"$gout"
done_testing
