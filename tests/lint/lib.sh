# tests/lint/lib.sh - helpers for the linter's scripts (tests/lint/*.t).
#   . tests/lint/lib.sh      (after cd to the repository root)
#   mig NAME [VERSION]       write a hand-written migration dir $W/NAME/VERSION (default 1000):
#                            up.sql from stdin, a seed-format manifest with only executionOrder
#   codes DIR                the unsuppressed finding codes of `stravc lint --migration DIR`, sorted, one line
#   has DIR CODE DESC / hasnt DIR CODE DESC
#   is GOT WANT DESC, ok DESC CMD...
ROOT=$(pwd)
BUILD=${BUILD:-build}
STRAVC=$ROOT/$BUILD/stravc
STRAV=$ROOT/$BUILD/strav
NO_COLOR=1
export NO_COLOR
T=0
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-lint.XXXXXX")
trap 'rm -rf "$W"; type pg_stop >/dev/null 2>&1 && pg_stop' EXIT

is() {
    T=$((T + 1))
    if [ "$1" = "$2" ]; then echo "ok $T - $3"; else
        echo "not ok $T - $3"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | head -40 | sed 's/^/#   /'
    fi
}

ok() {
    local desc=$1
    shift
    T=$((T + 1))
    if "$@" >/dev/null 2>&1; then echo "ok $T - $desc"; else echo "not ok $T - $desc"; fi
}

done_testing() { echo "1..$T"; }

mig() {
    local d=$W/$1/${2:-1000}
    mkdir -p "$d"
    cat >"$d/up.sql"
    printf '{"executionOrder": {"up": ["up.sql"], "down": []}}\n' >"$d/manifest.json"
    LAST=$d
}

codes() {
    "$STRAVC" lint --migration "$1" --json 2>/dev/null |
        jq -r '[.findings[] | select(.suppressed | not) | .code] | unique | join(" ")'
}

has() {
    T=$((T + 1))
    local c
    c=$(codes "$1")
    if [[ " $c " == *" $2 "* ]]; then echo "ok $T - $3"; else
        echo "not ok $T - $3"; echo "#   $2 not in: $c"; fi
}

hasnt() {
    T=$((T + 1))
    local c
    c=$(codes "$1")
    if [[ " $c " != *" $2 "* ]]; then echo "ok $T - $3"; else
        echo "not ok $T - $3"; echo "#   $2 unexpected in: $c"; fi
}
