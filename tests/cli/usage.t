#!/usr/bin/env bash
# tests/cli/usage.t - stravc's commands each answer --help with their own text (on stdout,
# exit 0, starting "usage: stravc CMD") and spell usage errors one way (on stderr, nothing on
# stdout, exit 2): "stravc: CMD: <what>" then "Try 'stravc CMD --help'."; strav and strav-run
# spell theirs the same way ("strav: migrate: ..."). The expected lines are written here by
# hand.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
stravc=$BUILD/stravc
tmp=$(mktemp -d "${TMPDIR:-/tmp}/usage.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

for cmd in check model fmt generate diff lint lsp dump; do
    "$stravc" "$cmd" --help >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ $rc -eq 0 ] && head -1 "$tmp/out" | grep -q "^usage: stravc $cmd" && [ ! -s "$tmp/err" ]; then
        ok "stravc $cmd --help prints its own help"
    else
        head -3 "$tmp/out" "$tmp/err" | sed 's/^/# /'; not_ok "stravc $cmd --help prints its own help (rc $rc)"
    fi
done

# args | expected first line of stderr
while IFS='|' read -r args want; do
    cmd=${args%% *}
    # shellcheck disable=SC2086
    "$stravc" $args >"$tmp/out" 2>"$tmp/err"; rc=$?
    printf '%s\n%s\n' "$want" "Try 'stravc $cmd --help'." >"$tmp/want"
    if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/want" "$tmp/err"; then
        ok "stravc $args: $want"
    else
        sed 's/^/# got: /' "$tmp/err" | head -5; not_ok "stravc $args: $want (rc $rc)"
    fi
done <<'CASES'
check --bogus|stravc: check: unknown option '--bogus'
check -x|stravc: check: unknown option '-x'
check -s|stravc: check: option '-s' needs an argument
check --schemas|stravc: check: option '--schemas' needs an argument
check --help=yes|stravc: check: option '--help' takes no argument
check --json=1|stravc: check: option '--json' takes no argument
check one two|stravc: check: unexpected argument 'two'
model|stravc: model: --json is required (the only output format)
model --json --zz|stravc: model: unknown option '--zz'
fmt --nope|stravc: fmt: unknown option '--nope'
fmt -q|stravc: fmt: unknown option '-q'
generate|stravc: generate: a message is required (-m MESSAGE)
generate -m|stravc: generate: option '-m' needs an argument
generate -m x --old-json a|stravc: generate: --old-json is a diff option
diff --what|stravc: diff: unknown option '--what'
diff --migrations|stravc: diff: option '--migrations' needs an argument
lsp extra|stravc: lsp: unexpected argument 'extra'
lsp --stdio-please|stravc: lsp: unknown option '--stdio-please'
dump|stravc: dump: expected 'tokens' or 'ast' and one FILE
dump tokens|stravc: dump: expected 'tokens' or 'ast' and one FILE
CASES

# The runtime spells them the same way, naming the program and the command as typed.
while IFS='|' read -r prog args want; do
    cmd=${args%% *}
    # shellcheck disable=SC2086
    "$BUILD/$prog" $args >"$tmp/out" 2>"$tmp/err"; rc=$?
    printf '%s\n%s\n' "$want" "Try '$prog $cmd --help'." >"$tmp/want"
    if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/want" "$tmp/err"; then
        ok "$prog $args: $want"
    else
        sed 's/^/# got: /' "$tmp/err" | head -5; not_ok "$prog $args: $want (rc $rc)"
    fi
done <<'CASES'
strav|migrate --bogus|strav: migrate: unknown option '--bogus'
strav|migration:run --bogus=1|strav: migration:run: unknown option '--bogus'
strav|rollback --batch|strav: rollback: option '--batch' needs an argument
strav|rollback --batch x|strav: rollback: --batch needs a positive number, not 'x'
strav|rollback --batch 1 --step 1|strav: rollback: --batch and --step cannot be combined
strav|status --json=yes|strav: status: option '--json' takes no argument
strav|status extra|strav: status: unexpected argument 'extra'
strav|db:pull --nope|strav: db:pull: unknown option '--nope'
strav|db:pull -s|strav: db:pull: option '-s' needs an argument
strav|migration:baseline|strav: migration:baseline: --version V is required
strav|db:drift one|strav: db:drift: unexpected argument 'one'
strav|generate:migration --nope|strav: generate:migration: unknown option '--nope'
strav|migrate --targets t --jobs 0|strav: migrate: --jobs needs a positive number, not '0'
strav-run|fresh -x|strav-run: fresh: unknown option '-x'
strav-run|migrate --lock-wait|strav-run: migrate: option '--lock-wait' needs an argument
strav-run|url --lock-wait 5|strav-run: url: unknown option '--lock-wait'
strav|migration:status --batch 3|strav: migration:status: unknown option '--batch'
strav-run|drift --strict=1|strav-run: drift: option '--strict' takes no argument
CASES

"$stravc" frobnicate >"$tmp/out" 2>"$tmp/err"; rc=$?
printf "stravc: unknown command 'frobnicate'\nTry 'stravc --help'.\n" >"$tmp/want"
if [ $rc -eq 2 ] && cmp -s "$tmp/want" "$tmp/err"; then ok "an unknown command"; else sed 's/^/# /' "$tmp/err"; not_ok "an unknown command"; fi
echo "1..$n"
exit $fail
