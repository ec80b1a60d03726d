#!/usr/bin/env bash
# status_message.t - a hand-written manifest whose message holds a terminal escape sequence and
# a line break: `status` prints it raw, so a migration from a pull request can recolour or
# rewrite the operator's terminal (ESC [ ... sequences, a right-to-left override) and break the
# one-line-per-version table that scripts read. Known bug in runtime/cmd_status.c (owned
# elsewhere): the checks of the text output are TODO; --json (escaped by jansson) is fine.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
todo() { # DESC REASON CMD...: a check of a known bug (TAP TODO: does not fail the suite)
    local desc=$1 why=$2
    shift 2
    T=$((T + 1))
    if "$@"; then echo "ok $T - $desc # TODO $why"; else echo "not ok $T - $desc # TODO $why"; fi
}
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
BUG='cmd_status.c printf()s the message as it is'
out=$(timeout 30 $STRAV status 2>&1)
todo "status prints no ESC byte from a manifest's message" "$BUG" test "$(tr -cd '\033' <<<"$out" | wc -c)" = 0
todo "the version's row stays one line" "$BUG" test "$(grep -c 'second line' <<<"$out")" = 0 -o "$(grep -c '1704067200000.*second line' <<<"$out")" = 1
is "$($STRAV status --json | jq -r '.migrations[0].message')" "$(printf 'esc\033[31mred\r\nsecond line')" "--json keeps the message exactly"
done_testing
