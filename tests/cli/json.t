#!/usr/bin/env bash
# tests/cli/json.t - every command of stravc, strav and strav-run: `CMD --help` prints that
# command's own text (first line "usage: PROG CMD", on stdout, exit 0); `CMD --json` prints one
# JSON object on stdout (it parses with python3 -m json.tool, also when the command fails);
# `CMD --bogus` is the one usage-error spelling, "PROG: CMD: unknown option '--bogus'" then
# "Try 'PROG CMD --help'.", on stderr with nothing on stdout, exit 2. The command lists are
# written here by hand; a command missing from a program's --help listing is a failure too.
# Runs against a real server (tests/lib/pg.sh) on a copy of the example schemas.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
STRAVC=$ROOT/$BUILD/stravc
pg_start
rt_db jsoncli
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-json.XXXXXX")
trap '"$STRAV" db:stop >/dev/null 2>&1; rm -rf "$WORK"; pg_stop' EXIT
cd "$WORK" || exit 1
mkdir -p database/migrations
cp -r "$ROOT/schemas" database/schemas
"$STRAVC" generate -m "first" >/dev/null 2>&1 || echo "Bail out! stravc generate failed"
V=$(ls database/migrations/public | head -1)
echo 'entity oops {' > broken.strav

# program | command as typed | extra arguments for the --json run | first --help line
CMDS='stravc|check|||usage: stravc check
stravc|model|||usage: stravc model
stravc|fmt|--check database/schemas||usage: stravc fmt
stravc|generate|-m second||usage: stravc generate
stravc|diff|||usage: stravc diff
stravc|rebase|||usage: stravc rebase
stravc|squash|||usage: stravc squash
stravc|lint|||usage: stravc lint
stravc|pull|--out pulled1||usage: stravc pull
stravc|dump|tokens broken.strav||usage: stravc dump
strav|generate:migration|-m third||usage: stravc generate
strav|migrate|||usage: strav migrate
strav|rollback|||usage: strav rollback
strav|migration:fresh|--force||usage: strav migration:fresh
strav|migration:status|||usage: strav migration:status
strav|db:pull|--out pulled2||usage: strav db:pull
strav|db:drift|||usage: strav db:drift
strav|migration:baseline|--version '"$V"'||usage: strav migration:baseline
strav|db:url|||usage: strav db:url
strav|db:stop|||usage: strav db:stop
strav-run|migrate|||usage: strav-run migrate
strav-run|rollback|||usage: strav-run rollback
strav-run|fresh|--force||usage: strav-run fresh
strav-run|status|||usage: strav-run status
strav-run|pull|--out pulled3||usage: strav-run pull
strav-run|drift|--snapshot||usage: strav-run drift
strav-run|baseline|--version '"$V"'||usage: strav-run baseline
strav-run|url|||usage: strav-run url
strav-run|stop|||usage: strav-run stop'

# every command a program's --help lists is in the table (stravc lsp: see below)
for prog in stravc strav strav-run; do
    listed=$("$ROOT/$BUILD/$prog" --help | awk '/^ *[Cc]ommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^[A-Z]/ {on=0}')
    missing=
    for c in $listed; do
        [ "$prog:$c" = stravc:lsp ] && continue
        grep -q "^$prog|$c|" <<<"$CMDS" || missing="$missing $c"
    done
    is "${missing:-none}" none "every command $prog --help lists is tested"
done

while IFS='|' read -r prog cmd args _ first; do
    bin=$ROOT/$BUILD/$prog
    "$bin" "$cmd" --help >out 2>err; rc=$?
    is "$rc:$(head -1 out | cut -d' ' -f1-3):$(wc -c <err)" "0:$first:0" "$prog $cmd --help: its own text, exit 0"
    # shellcheck disable=SC2086
    eval "set -- $args"
    "$bin" "$cmd" --json "$@" >out 2>err; rc=$?
    if python3 -m json.tool out >/dev/null 2>&1 && [ "$(jq -r 'type' out)" = object ]; then
        T=$((T + 1)); echo "ok $T - $prog $cmd --json: one JSON object (exit $rc)"
    else
        T=$((T + 1)); echo "not ok $T - $prog $cmd --json: one JSON object (exit $rc)"
        head -c 600 out | sed 's/^/#   out: /'; head -5 err | sed 's/^/#   err: /'
    fi
    "$bin" "$cmd" --bogus >out 2>err; rc=$?
    want_cmd=$cmd
    is "$rc:$(cat out)$(cat err)" "2:$prog: $want_cmd: unknown option '--bogus'
Try '$prog $want_cmd --help'." "$prog $cmd --bogus: the one usage-error spelling, exit 2"
done <<<"$CMDS"

# the shapes the docs promise, on hand-made cases
"$STRAVC" check --json broken.strav >out 2>err
is "$(jq -r '[.command, .ok, .exitStatus] | map(tostring) | join(" ")' out)" "check false 1" "check --json: command, ok, exitStatus of a failing check"
mkdir -p bad/public && printf 'entity oops {\n  id int @primary\n  name nosuchtype\n}\n' > bad/public/broken.strav
"$STRAVC" check --json bad >out 2>err
is "$(jq -r '.diagnostics[0] | [.severity, .file, .line, .column] | map(tostring) | join(" ")' out)" "error bad/public/broken.strav 3 8" "check --json: an error as a located diagnostic"
is "$(wc -c <err)" 0 "check --json: the diagnostic is not printed on stderr as well"
"$STRAVC" fmt --check --json broken.strav >out 2>err
is "$(jq -r '.files | length' out) $(jq -r '.ok' out)" "0 false" "fmt --json: a file that does not parse is a diagnostic, not a file entry"
printf 'entity   tidy {\n  name text\n}\n' > tidy.strav
"$STRAVC" fmt --check --json tidy.strav >out 2>err
is "$(jq -c '[.files[0].path, .files[0].state, .output]' out)" '["tidy.strav","unformatted",["tidy.strav"]]' "fmt --check --json: the file's state and the text it printed"
"$STRAV" migration:status --json --no-drift-check >out 2>err
is "$(jq -r '.command' out)" status "status --json names the command"
"$STRAV" db:drift --json >out 2>err; rc=$?
is "$rc $(jq -r '[.command, .drifted, (.changes | type)] | map(tostring) | join(" ")' out)" "0 drift false array" "db:drift --json: drifted and changes"
psql -qc 'ALTER TABLE public."user" ADD COLUMN nickname text' 
"$STRAV" db:drift --json >out 2>err; rc=$?
is "$rc $(jq -r '.drifted' out) $(jq -r '.changes | length > 0' out)" "3 true true" "db:drift --json: a hand-added column is drift"
done_testing
