#!/usr/bin/env bash
# tests/diag/symlinks.t - the project loader and *.strav entries that are not regular files
# (compiler/project.c): a symbolic link to a regular file inside the schemas folder is read
# like the file itself; a link that leaves the folder, a dangling link, a link to a folder, a
# FIFO and a folder named x.strav are each an error naming the entry - never skipped silently,
# never a hang. Every expected message below is written by hand.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=$PWD/${BUILD:-build}
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-symlinks.XXXXXX")
trap 'rm -rf "$W"' EXIT
n=0 fail=0
ok() {
    n=$((n + 1))
    if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; sed 's/^/# /' "$W/err" | head -8; fi
}
cd "$W"
S=database/schemas
mkdir -p $S/public $S/.shared "$W/outside"
printf 'entity user {\n  email string\n}\n' >$S/.shared/user.strav
printf 'entity post {\n  title text\n}\n' >$S/public/post.strav
printf 'entity secret {\n  x text\n}\n' >"$W/outside/secret.strav"

ln -s ../.shared/user.strav $S/public/user.strav
"$B/stravc" model --json $S >"$W/out" 2>"$W/err"; rc=$?
ok '[ $rc -eq 0 ] && grep -q "\"name\": *\"user\"" "$W/out" && grep -q "\"name\": *\"post\"" "$W/out"' \
    "a link to a file inside the schemas folder is read (exit $rc)"

check_err() { # $1: entry to create (command), $2: message fragment, $3: test name
    rm -f $S/public/bad.strav 2>/dev/null; rmdir $S/public/bad.strav 2>/dev/null
    eval "$1"
    timeout 20 "$B/stravc" check $S >"$W/out" 2>"$W/err"; rc=$?
    want=$2
    ok '[ $rc -eq 1 ] && grep -qF -- "$want" "$W/err"' "$3 (exit $rc)"
}
check_err "ln -s '$W/outside/secret.strav' $S/public/bad.strav" \
    "stravc: error: '$S/public/bad.strav' is a symbolic link to '$(cd "$W/outside" && pwd -P)/secret.strav', outside the schemas folder" \
    "a link that leaves the schemas folder is refused, naming both ends"
check_err "ln -s ../../../outside/secret.strav $S/public/bad.strav" \
    "outside the schemas folder" "a relative link climbing out is refused too"
check_err "ln -s /dev/zero $S/public/bad.strav" \
    "'$S/public/bad.strav' is a symbolic link to '/dev/zero', outside the schemas folder" \
    "a link to /dev/zero is refused without reading it"
check_err "ln -s nowhere.strav $S/public/bad.strav" \
    "stravc: error: '$S/public/bad.strav' is a symbolic link to nothing" "a dangling link is an error"
check_err "ln -s ../.shared $S/public/bad.strav" \
    "which is not a regular file" "a link to a folder inside is an error"
check_err "mkfifo $S/public/bad.strav" \
    "stravc: error: '$S/public/bad.strav' is not a regular file" "a FIFO is an error, not a hang"
check_err "mkdir $S/public/bad.strav" \
    "stravc: error: '$S/public/bad.strav' is not a regular file" "a folder named bad.strav is an error"
# the good files are still checked alongside: a syntax error in one is reported too
printf 'entity post {\n  title: text\n}\n' >$S/public/post.strav
check_err "ln -s nowhere.strav $S/public/bad.strav" \
    "post.strav:2:8: error: unexpected ':' after field name 'title'" \
    "the other files are still parsed and reported"
echo "1..$n"
exit $fail
