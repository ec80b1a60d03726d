#!/usr/bin/env bash
# kill.t - `stravc generate` is atomic under SIGKILL (issue 3): generate on a 1,000-table schema,
# changing every table, is killed at random moments (KILL_TRIALS, default 24; KILL_SEED for the random delays). After
# each kill the migrations folder holds either no new version or exactly one complete version
# (every file present, nothing extra, SHA-256 as in the manifest's files map); a leftover
# .tmp-* is never taken for a version; the next generate succeeds, removes the dead run's
# .tmp-* and leaves nothing pending (stravc diff exits 0).
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
S=$PWD/$BUILD/stravc
trials=${KILL_TRIALS:-24}
RANDOM=${KILL_SEED:-42}
w=$(mktemp -d "${TMPDIR:-/tmp}/strav-kill.XXXXXX")
trap 'rm -rf "$w"' EXIT
n=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && echo "# $3"; fi; }
echo "1..$((2 * trials + 1))"
bench/gen_schema.sh 1000 "$w/database/schemas" >/dev/null
cd "$w"

# Verify one version directory; prints the problem and fails when it is not complete.
complete() {
    python3 - "$1" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
try:
    m = json.load(open(os.path.join(d, "manifest.json")))
    files = m["files"]
    want = set(files) | {"manifest.json"}
    have = {os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs}
    if want != have:
        sys.exit("files differ from the manifest: %s" % sorted(want ^ have)[:5])
    if "snapshot.json" not in files:
        sys.exit("snapshot.json is not in the files map")
    for k in ("up", "down"):
        for f in m["executionOrder"][k]:
            if f not in files:
                sys.exit("%s of executionOrder.%s has no hash" % (f, k))
    for f, h in files.items():
        if hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest() != h:
            sys.exit("%s: SHA-256 differs" % f)
except (OSError, ValueError, KeyError) as e:
    sys.exit("%s: %s" % (d, e))
PY
}
versions() { ls database/migrations/public 2>/dev/null | grep -E '^[0-9]+$' | sort -n; }

"$S" generate -m init >/dev/null
sed -i 's/^  body       text?$/&\n  first      text?/' database/schemas/public/part*.strav
start=$(date +%s%N)
"$S" generate -m first >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
t "an uninterrupted generate is complete (${full_ms} ms; kills fall within 120% of that)" 'complete "database/migrations/public/$(versions | tail -1)"'

for i in $(seq 1 "$trials"); do
    # every trial changes all 1,000 tables: add a column (odd trials) or drop it again
    if [ $((i % 2)) -eq 1 ]; then
        sed -i 's/^  title      string(200)$/&\n  killed     text?/' database/schemas/public/part*.strav
    else
        sed -i '/^  killed     text?$/d' database/schemas/public/part*.strav
    fi
    before=$(versions)
    delay_ms=$(( RANDOM % (full_ms + full_ms / 5 + 1) ))
    "$S" generate -m "trial $i" --allow-destructive >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    new=$(comm -13 <(echo "$before") <(versions))
    why=""
    case $(echo -n "$new" | grep -c .) in
    0) ;;
    1) why=$(complete "database/migrations/public/$new" 2>&1) || why="incomplete: $why" ;;
    *) why="more than one new version: $new" ;;
    esac
    tmp=$(ls -a database/migrations/public | grep -c '^\.tmp-')
    t "kill after ${delay_ms} ms: $( [ -n "$new" ] && echo "one complete version" || echo "nothing new") (${tmp} leftover .tmp-*)" '[ -z "$why" ]' "$why"
    out=$("$S" generate -m "after $i" --allow-destructive 2>&1); rc=$?
    last=$(versions | tail -1)
    why=""
    [ $rc -eq 0 ] || why="generate failed ($rc): $out"
    [ -z "$why" ] && { why=$(complete "database/migrations/public/$last" 2>&1) || why="incomplete: $why"; }
    [ -z "$why" ] && [ "$(ls -a database/migrations/public | grep -c '^\.tmp-')" -ne 0 ] && why="a .tmp-* is left"
    [ -z "$why" ] && { "$S" diff >/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] || why="diff still reports changes ($rc)"; }
    t "the next generate works, cleans up and converges" '[ -z "$why" ]' "$why"
done
