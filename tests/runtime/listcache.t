#!/usr/bin/env bash
# listcache.t - status's listing cache (runtime/listcache.h): once the domain folder is older
# than the racy window, status records its version names in .strav/listing-<domain> and reads
# them from there while the folder is unchanged. It must never hide a change: a version folder
# added or removed by hand shows at once, also when the folder's mtime is put back (touch -d:
# the ctime tells); a folder changed less than a second ago is not recorded; a damaged cache
# file is a miss that is written again; migrate never uses it. Versions written by hand in the
# seed's format (tests/lib/mkmanifest.sh).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
rt_db listcache
rt_empty_project # the current directory, P its migrations folder
L=.strav/listing-public
mkdir -p .strav
version() { # VERSION TABLE: a hand-written migration creating TABLE
    mkdir -p "$P/$1/tables/$2"
    echo "CREATE TABLE $2 (id int PRIMARY KEY);" >"$P/$1/tables/$2/up.sql"
    echo "DROP TABLE $2;" >"$P/$1/tables/$2/down.sql"
    "$ROOT/tests/lib/mkmanifest.sh" "$P/$1" public "create $2"
}
for i in 1 2 3; do version "170000000000$i" "t$i"; done
$STRAV migrate >/dev/null 2>&1 || { echo "Bail out! migrate"; exit 1; }
summary() { $STRAV status 2>&1 | tail -1; }

# a folder changed less than a second ago is not recorded
is "$(summary)" "3 applied, 0 pending, 0 modified, 0 missing" "status after migrate"
check "a folder changed within the last second: no listing recorded" test ! -e $L
sleep 1.1
is "$(summary)" "3 applied, 0 pending, 0 modified, 0 missing" "status a second later"
check "...records the listing" test -s $L
is "$(sed -n '3,5p' $L | tr '\n' ' ')" "1700000000001 1700000000002 1700000000003 " "...the names in ascending order"
ino=$(stat -c %i $L)
is "$(summary)" "3 applied, 0 pending, 0 modified, 0 missing" "status again, from the listing"
is "$(stat -c %i $L)" "$ino" "...which it does not rewrite"

# a version added by hand shows at once
version 1700000000004 t4
is "$(summary)" "3 applied, 1 pending, 0 modified, 0 missing" "a version folder added by hand is pending at once"
sleep 1.1
summary >/dev/null
check "...and the listing is recorded again with it" grep -qx 1700000000004 $L

# one version swapped for another, the folder's mtime put back: its size and link count are
# the same, only the ctime tells
version 1700000000005 t5
sleep 1.1
summary >/dev/null   # recorded: ... 4, 5
m=$(stat -c %y $P)
mkdir -p "$WORK/stage" && mv $P/1700000000005 "$WORK/stage/"
P=$WORK/stage version 1700000000006 t6 && P=database/migrations/public
mv "$WORK/stage/1700000000006" $P/
touch -d "$m" $P
is "$($STRAV status 2>&1 | grep -o '^ *170000000000[56]' | tr -d ' ')" 1700000000006 \
   "a version swapped for another, the folder's mtime put back: the new one is listed (ctime)"
mv $P/1700000000006 "$WORK/stage/" && mv "$WORK/stage/1700000000005" $P/

# removed by hand: an applied version vanishes at once
sleep 1.1
summary >/dev/null
mv $P/1700000000002 "$WORK/away"
is "$(summary)" "2 applied, 2 pending, 0 modified, 1 missing" "an applied version folder removed by hand is missing at once"
mv "$WORK/away" $P/1700000000002

# a damaged listing: a miss, the folder is listed, and the file is written again
sleep 1.1
summary >/dev/null
good=$(cat $L)
head -c 60 $L >"$WORK/cut" && cp "$WORK/cut" $L
is "$(summary)" "3 applied, 2 pending, 0 modified, 0 missing" "a truncated listing: status lists the folder"
is "$(cat $L)" "$good" "...and writes the listing again"
sed -i 's/^1700000000003$/1700000000009/' $L
is "$(summary)" "3 applied, 2 pending, 0 modified, 0 missing" "a listing with a name out of order is not used"
sed -i '/^1700000000004$/d' $L
out=$(summary)
check "a listing whose count does not match its names is not used" test "$out" = "3 applied, 2 pending, 0 modified, 0 missing"

# migrate lists the folder itself: a listing that lies is not its business
sleep 1.1
summary >/dev/null
printf '%s\n' "$(sed '/^1700000000005$/d; s/^end\t5$/end\t4/; 2s/\t5$/\t4/' $L)" >"$WORK/lie" && cp "$WORK/lie" $L
$STRAV migrate >/dev/null 2>&1; rc=$?
is "$rc" 0 "migrate with a listing that leaves a version out (it never reads it)"
is "$(psql -Atc "select count(*) from pg_tables where tablename in ('t4', 't5')")" 2 "...applies both pending versions: t4 and t5 exist"
done_testing
