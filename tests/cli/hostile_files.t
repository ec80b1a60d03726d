#!/usr/bin/env bash
# hostile_files.t - the compiler reads only regular files, bounded by their size: a FIFO or a
# symlink to /dev/zero among the schema files (which the project loader refuses with an error:
# tests/diag/symlinks.t) or as a migration's manifest never makes stravc check or generate hang or grow
# without bound.
cd "$(dirname "$0")/../.." || exit 1
B=$PWD/${BUILD:-build}
W=$(mktemp -d "${TMPDIR:-/tmp}/strav-hostile.XXXXXX"); trap 'rm -rf "$W"' EXIT
n=0
ok() { n=$((n + 1)); if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$W/err" | head -5; fi; }
cd "$W"
mkdir -p database/schemas/public
printf 'entity user {\n  email string\n}\n' > database/schemas/public/user.strav

"$B/stravc" generate -m init >"$W/out" 2>"$W/err"
ok '[ $? -eq 0 ]' "a plain project generates"

mkfifo database/schemas/public/pipe.strav
timeout 20 "$B/stravc" check >"$W/out" 2>"$W/err"; rc=$?
ok '[ $rc -ne 124 ]' "a FIFO among the schema files: check does not hang (exit $rc)"
rm database/schemas/public/pipe.strav

ln -s /dev/zero database/schemas/public/zero.strav
timeout 20 "$B/stravc" check >"$W/out" 2>"$W/err"; rc=$?
ok '[ $rc -ne 124 ]' "a symlink to /dev/zero among the schema files: check does not hang (exit $rc)"
rm database/schemas/public/zero.strav

v=$(ls database/migrations/public | grep -E '^[0-9]+$' | head -1)
mv "database/migrations/public/$v/manifest.json" "$W/manifest.json"
mkfifo "database/migrations/public/$v/manifest.json"
printf 'entity user {\n  email string\n  name string?\n}\n' > database/schemas/public/user.strav
timeout 20 "$B/stravc" generate -m next >"$W/out" 2>"$W/err"; rc=$?
ok '[ $rc -ne 124 ]' "a FIFO manifest: generate does not hang (exit $rc)"
timeout 20 "$B/stravc" check >"$W/out" 2>"$W/err"; rc=$?
ok '[ $rc -ne 124 ]' "check does not hang on it either (exit $rc)"
echo "1..$n"
