#!/usr/bin/env bash
# tests/cli/foreign_opts.t - each runtime command accepts only its own options (docs/cli.md,
# "Options"): every option of the runtime's table, given to a command it does not belong to, is
# the one usage-error spelling ("PROG: CMD: unknown option '--batch'", "Try 'PROG CMD
# --help'.", nothing on stdout, exit 2), for strav-run and strav (with its aliases), with the
# value separate or after "=". The ownership below is written by hand from docs/cli.md. No
# server: a usage error comes before any connection (PGHOST points at nothing, so a command
# that wrongly accepted the option fails with 1 instead).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-fopts.XXXXXX")
trap '"$STRAV" db:stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
mkdir -p database/migrations/public database/schemas/public
export PGHOST=$WORK/nothing PGDATABASE=none
unset DATABASE_URL

# option | value ("" for a flag) | the commands it belongs to
OPTS='-s|public|migrate rollback fresh status
--scope|public|migrate rollback fresh status
--batch|3|rollback
--step|1|rollback
--force||rollback fresh
-f||rollback fresh
--allow-out-of-order||migrate
--no-drift-check||status
--strict||status
-j|2|migrate rollback fresh status
--jobs|2|migrate rollback fresh status
--migrations|database/migrations|migrate rollback fresh status
--schemas|database/schemas|migrate rollback fresh status
--lock-wait|5|migrate rollback fresh
--lock-timeout|5s|migrate rollback fresh
--statement-timeout|5s|migrate rollback fresh
--session-pooler||migrate rollback fresh
--verbose||migrate rollback fresh status
-q||migrate rollback fresh status
--quiet||migrate rollback fresh status'
# strav-run's command words, and strav's (as typed: the message names the word)
RUN_CMDS='migrate rollback fresh status url stop'
STRAV_CMDS='migrate:migrate migration:run:migrate rollback:rollback migration:rollback:rollback
fresh:fresh migration:fresh:fresh migration:status:status db:url:url db:stop:stop'

foreign() { # prog word cmd
    local prog=$1 word=$2 cmd=$3 bad=
    while IFS='|' read -r opt val owners; do
        case " $owners " in *" $cmd "*) continue ;; esac
        local forms=("$opt")
        [ -n "$val" ] && forms=("$opt $val")
        [ -n "$val" ] && [ "${opt#--}" != "$opt" ] && forms+=("$opt=$val")
        for f in "${forms[@]}"; do
            # shellcheck disable=SC2086
            "$ROOT/$BUILD/$prog" "$word" $f >out 2>err; rc=$?
            want="2:$prog: $word: unknown option '$opt'
Try '$prog $word --help'."
            if [ "$rc:$(cat out)$(cat err)" != "$want" ]; then
                bad="$bad [$f: exit $rc: $(head -1 err)]"
            fi
        done
    done <<<"$OPTS"
    is "${bad:-none}" none "$prog $word refuses the options of other commands"
}
for c in $RUN_CMDS; do foreign strav-run "$c" "$c"; done
for wc in $STRAV_CMDS; do foreign strav "${wc%:*}" "${wc##*:}"; done

# an option a command does own is still accepted (it gets as far as the connection)
"$STRAV_RUN" rollback --batch 3 >out 2>err; rc=$?
check "rollback --batch is accepted (fails later, not with a usage error)" [ "$rc" = 1 ]
"$STRAV_RUN" status --no-drift-check --strict >out 2>err; rc=$?
check "status --no-drift-check --strict is accepted" [ "$rc" = 1 ]
# --help shows only the command's own options
"$STRAV_RUN" status --help >out
check "status --help does not list --batch" bash -c '! grep -q -- "--batch" out'
done_testing
