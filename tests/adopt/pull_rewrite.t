#!/usr/bin/env bash
# pull_rewrite.t - `stravc pull --force` over a previous pull writes only the files whose text
# changed: an unchanged table's file keeps its inode and mtime (git, editors and file watchers
# see only real changes), a changed table's file is replaced whole, and the summary line says
# how many files were written; a file no object is written to any more (a dropped table) is
# left in place and named in a warning, and a new table gets its file.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
pg_start
B=${BUILD:-build}
T=$PG_TMP/work; mkdir -p "$T/schemas"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for f in "$@"; do sed 's/^/# /' "$f" | head -20; done; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what" "$T/out" "$T/err"; fi; }
stamp() { stat -c '%i %Y.%y' "$T/schemas/public/$1.strav"; }

db=$(pg_newdb pullw)
psql "$db" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { echo "Bail out! fixture"; exit 1; }
CREATE TABLE author (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title varchar(200) NOT NULL);
CREATE TABLE shelf (id integer PRIMARY KEY, label text);
SQL

"$B/stravc" pull --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "first pull writes every file" grep -q '(3 of 3 files written' "$T/out"
a1=$(stamp author) b1=$(stamp book) s1=$(stamp shelf)
sleep 1.1   # a rewrite would show in the mtime's seconds too
"$B/stravc" pull --force --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "a pull of an unchanged database writes nothing" grep -q '(0 of 3 files written' "$T/out"
check "unchanged files keep inode and mtime" test "$(stamp author)$(stamp book)$(stamp shelf)" = "$a1$b1$s1"

psql "$db" -q -v ON_ERROR_STOP=1 -c 'ALTER TABLE book ADD COLUMN isbn char(13)' >/dev/null
"$B/stravc" pull --force --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "a pull after one table changed writes one file" grep -q '(1 of 3 files written' "$T/out"
check "the changed table's file holds the new column" grep -q 'isbn' "$T/schemas/public/book.strav"
check "the changed file was replaced" test "$(stamp book)" != "$b1"
check "the other files were left alone" test "$(stamp author)$(stamp shelf)" = "$a1$s1"
check "no temporary file is left behind" test -z "$(ls -A "$T/schemas/public" | grep -v '\.strav$')"
"$B/stravc" check --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "the pulled files compile" test $? -eq 0

# A file that is a different length but was edited by hand is replaced, not merged.
echo '// edited' >>"$T/schemas/public/shelf.strav"
"$B/stravc" pull --force --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "a hand-edited file is rewritten" grep -q '(1 of 3 files written' "$T/out"
check "the edit is gone" test -z "$(grep -c edited "$T/schemas/public/shelf.strav" | grep -v '^0$')"
# A table dropped since the previous pull: its file is left alone and named (it may hold
# hand-written work; removing it is the author's call); a new table gets its file.
a2=$(stamp author)
psql "$db" -q -v ON_ERROR_STOP=1 -c 'DROP TABLE shelf; CREATE TABLE lamp (id integer PRIMARY KEY)' >/dev/null
"$B/stravc" pull --force --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "a pull after a drop and a create exits 0" test $? -eq 0
check "the new table's file is written" grep -q '^table lamp' "$T/schemas/public/lamp.strav"
check "the summary counts the new file only" grep -q '(1 of 3 files written' "$T/out"
check "the dropped table's file is still there" grep -q '^table shelf' "$T/schemas/public/shelf.strav"
check "a warning names the dropped table's file" grep -q 'warning: .*/shelf\.strav: no object of schema public' "$T/err"
check "only that file is named" test "$(grep -c 'no object of schema' "$T/err")" = 1
check "the summary says one file was left" grep -q '^1 other .strav file in .* left as it is' "$T/out"
check "the untouched files keep inode and mtime" test "$(stamp author)" = "$a2"
"$B/stravc" pull --force --json --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "--json lists it under stale" test "$(jq -c .stale "$T/out")" = '["shelf.strav"]'

# Without --force an existing file stops the pull before anything is written.
rm "$T/schemas/public/lamp.strav"
psql "$db" -q -v ON_ERROR_STOP=1 -c 'ALTER TABLE author ADD COLUMN born date' >/dev/null
"$B/stravc" pull --database "$db" --schemas "$T/schemas" >"$T/out" 2>"$T/err"
check "without --force an existing file is an error" test $? -eq 1
check "the error names it" grep -q 'author.strav exists; nothing was written' "$T/err"
check "and nothing was written" test ! -e "$T/schemas/public/lamp.strav" -a "$(stamp author)" = "$a2"
echo "1..$n"
