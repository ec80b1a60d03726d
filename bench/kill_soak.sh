#!/usr/bin/env bash
# bench/kill_soak.sh - the long run of tests/runtime/kill.t: SIGKILL migrate and rollback at
# random moments in a batch with non-transactional steps (generated enum add-and-use,
# concurrent index builds), and crash the server mid-batch, many times; every next run must
# finish with the schema of an uninterrupted run. Prints the TAP lines and a count.
#   bench/kill_soak.sh [TRIALS] [SERVER_KILLS] [SEED]   (defaults 50 = 100 kills, 10, 1)
cd "$(dirname "$0")/.." || exit 1
out=$(KILL_TRIALS=${1:-50} SERVER_KILLS=${2:-10} KILL_SEED=${3:-1} bash tests/runtime/kill.t 2>&1)
printf '%s\n' "$out" | grep -v '^ok'
echo "ok: $(grep -c '^ok' <<<"$out"), not ok: $(grep -c '^not ok' <<<"$out")"
grep -q '^not ok' <<<"$out" && exit 1
exit 0
