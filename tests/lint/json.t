#!/usr/bin/env bash
# json.t - `stravc lint --json` follows docs/cli.md's one-object rule: one JSON object on
# stdout in every outcome (findings, none, a schema that does not compile, an unreadable
# --migration directory), with "command": "lint", "findings" (each finding with all its
# fields), "counts", "diagnostics", "output", "ok" and "exitStatus"; the exit status is the
# same as without --json. Hand-written schemas and migration directories.
cd "$(dirname "$0")/../.." || exit 1
. tests/lint/lib.sh
P=$W/proj
mkdir -p "$P/database/schemas/public"
cd "$P" || exit 1
U=database/schemas/public/t.strav
printf 'table t {\n  id int @primary\n  a  text\n}\n' >$U
STRAV_NOW_MS=1000 "$STRAVC" generate -m base >/dev/null 2>&1
one_object() { python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if isinstance(o, dict) else 1)' "$1"; }

"$STRAVC" lint --json >out 2>err; rc=$?
ok "no change: one JSON object" one_object out
is "$rc $(jq -c '[.command, .findings, .ok, .exitStatus, .diagnostics]' out)" '0 ["lint",[],true,0,[]]' "no change: command, no findings, ok, exit 0"

# a dropped column: an error-level finding, exit 1
printf 'table t {\n  id int @primary\n}\n' >$U
"$STRAVC" lint --json >out 2>err; rc=$?
ok "a finding: one JSON object" one_object out
is "$rc $(jq -c '[.command, .ok, .exitStatus]' out)" '1 ["lint",false,1]' "an error finding: not ok, exit 1 as without --json"
is "$(jq -r '.findings[0] | keys | join(",")' out)" \
   "category,code,column,file,line,message,object,reason,rule,severity,suppressed,table" "every field of a finding is kept"
is "$(jq -c '.findings[0] | [.code, .severity, .table, .column, .file]' out)" '["SL102","error","t","a","database/schemas/public/t.strav"]' "the finding's values"
is "$(jq -c '.counts' out)" '{"errors":1,"warnings":1,"info":1,"suppressed":0}' "counts: SL102 error, SL502 warning, SL405 info"

# a schema that does not compile: the diagnostics in the object, not only on stderr
printf 'table t {\n  id int @primary\n  b nosuchtype\n}\n' >$U
"$STRAVC" lint --json >out 2>err; rc=$?
ok "a compile error: one JSON object" one_object out
is "$rc $(jq -c '[.ok, .exitStatus, (.diagnostics | length > 0), .diagnostics[0].line]' out)" '1 [false,1,true,3]' "the diagnostic is in the object"

# --migration: a directory without a manifest
mkdir -p $W/nomanifest
"$STRAVC" lint --migration $W/nomanifest --json >out 2>err; rc=$?
ok "--migration without a manifest: one JSON object" one_object out
is "$rc $(jq -c '[.command, .ok, .exitStatus]' out)" '1 ["lint",false,1]' "not ok, exit 1"
check_usage() { "$STRAVC" lint --json --bogus >out 2>err; [ $? = 2 ] && [ ! -s out ]; }
ok "a usage error prints no object (exit 2)" check_usage
done_testing
