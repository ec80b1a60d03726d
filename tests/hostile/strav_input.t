#!/usr/bin/env bash
# strav_input.t - hostile .strav files for stravc: a UTF-8 byte order mark (what editors on
# Windows write) with CRLF line ends compiles, generates and formats like the plain file (it
# used to be "'<BOM>entity' does not start a declaration"); invalid UTF-8, NUL bytes and
# 100,000-deep nesting are errors with file:line, never a crash or a hang; a megabyte name
# gives a diagnostic of a few hundred bytes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-in.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
D=database/schemas/public
mkdir -p $D

printf '\xef\xbb\xbfentity u {\r\n  name string\r\n}\r\n' > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1); rc=$?
is "$rc" 0 "a byte order mark and CRLF: check passes"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out" | head -5
timeout 20 "$STRAVC" generate -m init >/dev/null 2>&1
check "generate writes the table" grep -qs 'CREATE TABLE' database/migrations/public/*/tables/u/up.sql
printf '\xef\xbb\xbfentity u {\r\n  name strin\r\n}\r\n' > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1)
check "an error after the byte order mark points at its own place" grep -q "u.strav:2:8: error: unknown type 'strin'" <<<"$out"
printf '\xef\xbb\xbfentity u {\r\n  name string\r\n}\r\n' > $D/u.strav
timeout 20 "$STRAVC" fmt >/dev/null 2>&1
is "$(cat $D/u.strav)" "$(printf 'entity u {\n  name string\n}')" "fmt writes the file without the mark"

printf 'entity u {\n  name string\n  s string = '"'"'\xff'"'"'\n}\n' > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1); rc=$?
is "$rc" 1 "invalid UTF-8 in a string: an error"
check "named by file:line" grep -q 'u.strav:3:14: error: string is not valid UTF-8' <<<"$out"
printf 'entity u {\n  name string\0\n}\n' > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1); rc=$?
is "$rc" 1 "a NUL byte: an error"
check "named by file:line" grep -q 'u.strav:2:14: error: NUL byte in source file' <<<"$out"
python3 -c "n=100000; print('entity u {\n  @@check(' + '('*n + 'a' + ')'*n + ')\n  a integer\n}')" > $D/u.strav
timeout 20 "$STRAVC" check >/dev/null 2>&1; rc=$?
is "$rc" 1 "100,000 nested parentheses: an error, no crash or hang"
# a megabyte name: the message keeps its ends and says how much it left out, and the source
# line is cut around the caret, so a diagnostic stays a few hundred bytes
python3 -c "print('entity a {\n  x ' + 'q' * 1000000 + 'END\n}')" > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1); rc=$?
is "$rc" 1 "a megabyte type name is an error"
check "  the message says how much it left out" grep -q "unknown type 'qqqqqqqqqq.*\.\.\.(999705 more bytes)\.\.\.q*END'" <<<"$out"
check "  and the whole diagnostic is under 1,000 bytes (was 1 MB)" test "$(wc -c <<<"$out")" -lt 1000
python3 -c "print('entity a { x ' + 'é' * 1000 + ' }')" > $D/u.strav
out=$(timeout 20 "$STRAVC" check 2>&1)
check "  a long name of two-byte characters is cut between characters" bash -c 'iconv -f UTF-8 -t UTF-8 >/dev/null' <<<"$out"
done_testing
