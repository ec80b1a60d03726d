#!/usr/bin/env bash
# status_message.t - a hand-written manifest whose message holds a terminal escape sequence and
# a line break: `status` printed it raw, so a migration from a pull request could recolour or
# rewrite the operator's terminal (ESC [ ... sequences) and break the one-line-per-version table
# that scripts read. Now every control byte is a space in the text output; --json (escaped by
# jansson) keeps the message exactly.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT
rt_db statusmsg
cd "$WORK" || exit 1
mkdir -p database/schemas/public
V=database/migrations/public/1704067200000
mkdir -p $V/t
printf '{"version": "1704067200000", "message": "esc\\u001b[31mred\\r\\nsecond line", "generatedAt": "2024-01-01T00:00:00.000Z", "summary": {}, "executionOrder": {"up": ["t/up.sql"], "down": ["t/down.sql"]}}\n' > $V/manifest.json
echo "CREATE TABLE a (i int);" > $V/t/up.sql
echo "DROP TABLE a;" > $V/t/down.sql
out=$(timeout 30 $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "the version applies"
out=$(timeout 30 $STRAV status 2>&1)
check "status prints no ESC byte from a manifest's message" test "$(tr -cd '\033' <<<"$out" | wc -c)" = 0
check "the version's row stays one line" test "$(grep -c 'second line' <<<"$out")" = 0 -o "$(grep -c '1704067200000.*second line' <<<"$out")" = 1
is "$($STRAV status --json | jq -r '.migrations[0].message')" "$(printf 'esc\033[31mred\r\nsecond line')" "--json keeps the message exactly"
done_testing
