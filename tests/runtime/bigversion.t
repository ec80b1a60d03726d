#!/usr/bin/env bash
# bigversion.t - a version with hundreds of files (its files are read, hashed and stat'ed on
# several threads: runtime/migset.c) reports exactly what a one-by-one reading would: the first
# problem in executionOrder order, the seed format's checksum over the files in order, an
# in-place edit that keeps size and mtime (verification cache). And the connection opened
# before the directories are listed (runtime/runner.c) changes nothing: a refused connection
# is reported once, with a per-tenant domain too, and a slow one still sees a modified
# applied file refused.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-rt.XXXXXX")
PROXY_PID=
trap '[ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null; rm -rf "$WORK"; pg_stop' EXIT
rt_db bigversion
cd "$WORK" || exit 1
mkdir -p database/schemas/public
P=database/migrations/public
N=300   # 600 SQL files plus snapshot.json: well above the threads' threshold (128)
V=$P/1704067200000
for i in $(seq -w 1 $N); do
    mkdir -p $V/tables/t$i
    printf 'CREATE TABLE t%s (id int PRIMARY KEY, note text);\n' "$i" > $V/tables/t$i/up.sql
    printf 'DROP TABLE t%s;\n' "$i" > $V/tables/t$i/down.sql
done
echo '{"enums":[],"tables":[]}' > $V/snapshot.json
"$ROOT/tests/lib/mkmanifest.sh" $V public "Many tables"
find database -exec touch -d '1 minute ago' {} +
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a 601-file version migrates"
is "$(psql -Atc "select count(*) from pg_tables where schemaname = 'public' and tablename ~ '^t[0-9]+$'")" $N "every table of it exists"

# two files edited (same size), the later one in executionOrder first on disk
sed -i 's/note text/note tex2/' $V/tables/t250/up.sql
sed -i 's/note text/note tex2/' $V/tables/t040/up.sql
out=$($STRAV status 2>&1); rc=$?
is "$rc" 1 "status exits 1"
check "status names the first edited file in executionOrder" grep -q "1704067200000/tables/t040/up.sql does not match the SHA-256" <<<"$out"
check "and not the later one" bash -c "! grep -q 't250/up.sql' <<<'$out'"
# a missing file before both: that is the problem reported
mv $V/tables/t020/down.sql "$WORK/d020"
out=$($STRAV status 2>&1)
check "an edit in up before a missing down file: the edit is reported (up is read first)" grep -q "t040/up.sql does not match" <<<"$out"
mv $V/tables/t040/up.sql "$WORK/u040"
out=$($STRAV status 2>&1)
check "a missing up file is the problem reported" grep -q "1704067200000/tables/t040/up.sql listed in executionOrder is missing" <<<"$out"
mv "$WORK/u040" $V/tables/t040/up.sql
sed -i 's/note tex2/note text/' $V/tables/t250/up.sql $V/tables/t040/up.sql
out=$($STRAV status 2>&1)
check "then the missing down file" grep -q "tables/t020/down.sql listed in executionOrder is missing" <<<"$out"
mv "$WORK/d020" $V/tables/t020/down.sql
sed -i 's/enums/enumz/' $V/snapshot.json
out=$($STRAV status 2>&1)
check "an edited snapshot.json of a big version is reported" grep -q "1704067200000/snapshot.json does not match the SHA-256" <<<"$out"
echo '{"enums":[],"tables":[]}' > $V/snapshot.json
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "restored: status exits 0"

# a pending big version: the first of its problems in file order blocks migrate
W=$P/1704153600000
for i in $(seq -w 1 $N); do
    mkdir -p $W/tables/u$i
    printf 'CREATE TABLE u%s (id int);\n' "$i" > $W/tables/u$i/up.sql
    printf 'DROP TABLE u%s;\n' "$i" > $W/tables/u$i/down.sql
done
printf 'CREATE TABLE u200 (id int);\nCOMMIT;\n' > $W/tables/u200/up.sql
printf 'CREATE TABLE u100 (id int);\0\n' > $W/tables/u100/up.sql
"$ROOT/tests/lib/mkmanifest.sh" $W public "More tables"
before=$(rt_snapshot)
out=$($STRAV migrate 2>&1); rc=$?
is "$rc" 1 "a pending big version with two bad files: migrate exits 1"
check "it names the first (the NUL byte of u100)" grep -q "file $W/tables/u100/up.sql contains a NUL byte" <<<"$out"
printf 'CREATE TABLE u100 (id int);\n' > $W/tables/u100/up.sql
"$ROOT/tests/lib/mkmanifest.sh" $W public "More tables"
out=$($STRAV migrate 2>&1); rc=$?
check "then the COMMIT of u200, by file and line" grep -q "$W/tables/u200/up.sql:2: .*the runtime owns the transaction" <<<"$out"
is "$(rt_snapshot)" "$before" "neither refusal ran anything"
rm -rf $W

# the verification cache of a big version: an in-place edit with the old mtime is caught
mkdir .strav
find database -exec touch -d '1 minute ago' {} +
sleep 1.1   # files whose ctime is within the last second are never cached (racy timestamps)
$STRAV status >/dev/null 2>&1   # writes the cache
check "the cache holds the big version" grep -q '^1704067200000' .strav/verified-public
f=$V/tables/t299/down.sql
cp -p $f "$WORK/keep.sql"
sed -i 's/DROP/DRAP/' $f
touch -r "$WORK/keep.sql" $f
out=$($STRAV status 2>&1); rc=$?
is "$rc" 1 "a same-size edit with the old mtime in a cached big version: exit 1"
check "it is reported" grep -q "t299/down.sql does not match the SHA-256" <<<"$out"
cp -p "$WORK/keep.sql" $f
out=$($STRAV status 2>&1); rc=$?
is "$rc" 0 "restored: status from the cache exits 0"

# the seed's manifest format (no files map) with many files: its checksum is over the files in
# executionOrder order, computed here by hand
S=$WORK/seed
mkdir -p $S/database/schemas/public
SV=$S/database/migrations/public/1704067200000
up="" down=""
for i in $(seq -w 1 200); do
    mkdir -p $SV/tables/s$i
    printf 'CREATE TABLE s%s (id int);\n' "$i" > $SV/tables/s$i/up.sql
    printf 'DROP TABLE s%s;\n' "$i" > $SV/tables/s$i/down.sql
    up="$up${up:+, }\"tables/s$i/up.sql\"" down="\"tables/s$i/down.sql\"${down:+, }$down"
done
printf '{\n  "version": "1704067200000",\n  "message": "Seed tables",\n  "executionOrder": {\n    "up": [%s],\n    "down": [%s]\n  }\n}\n' "$up" "$down" > $SV/manifest.json
want=$( {
    printf 'strav seed-format checksum 1\nmanifest.json\t%s\n' "$(sha256sum < $SV/manifest.json | cut -d' ' -f1)"
    for i in $(seq -w 1 200); do printf 'up\t%s\ttables/s%s/up.sql\n' "$(sha256sum < $SV/tables/s$i/up.sql | cut -d' ' -f1)" "$i"; done
    for i in $(seq -w 200 -1 1); do printf 'down\t%s\ttables/s%s/down.sql\n' "$(sha256sum < $SV/tables/s$i/down.sql | cut -d' ' -f1)" "$i"; done
} | sha256sum | cut -d' ' -f1)
rt_db bigseed
out=$(cd $S && $STRAV migrate 2>&1); rc=$?
is "$rc" 0 "a 400-file version in the seed's format migrates"
is "$(psql -Atc "select checksum from _strav_migrations")" "$want" "its checksum covers the files in executionOrder order"
export PGDATABASE=bigversion

# a refused connection while the files are checked: reported once, as before
out=$($STRAV status --database 'host=127.0.0.1 port=1 dbname=x' 2>&1 >"$WORK/stdout"); rc=$?
is "$rc" 1 "a refused connection: exit 1"
is "$(grep -c '^Error: ' <<<"$out")" 1 "one error"
check "it is the connection's" grep -q '127.0.0.1.*port 1' <<<"$out"
is "$(grep -v '^$' "$WORK/stdout" | head -1)" "" "status printed no table"
out=$($STRAV status --json --database 'host=127.0.0.1 port=1 dbname=x' 2>/dev/null)
check "--json: the connection's error" bash -c "jq -e '.ok == false and (.error | test(\"port 1\"))' >/dev/null <<<'$out'"
# a per-tenant domain opens its own connections: the early one is dropped unsaid
TD=$WORK/ten
mkdir -p $TD/database/schemas/shop $TD/database/migrations/shop/1704067200000/tables/items
echo 'CREATE TABLE items (id int);' > $TD/database/migrations/shop/1704067200000/tables/items/up.sql
echo 'DROP TABLE items;' > $TD/database/migrations/shop/1704067200000/tables/items/down.sql
TENANTS='{"pattern": "shop\\_%"}' "$ROOT/tests/lib/mkmanifest.sh" $TD/database/migrations/shop/1704067200000 shop "Items"
out=$(cd $TD && $STRAV status -s shop --database 'host=127.0.0.1 port=1 dbname=x' 2>&1); rc=$?
is "$rc" 1 "per-tenant domain, refused connection: exit 1"
is "$(grep -c '^Error: ' <<<"$out")" 1 "one error, not one per connection attempt"
psql -q -c 'CREATE SCHEMA shop_a'
out=$(cd $TD && $STRAV migrate -s shop 2>&1); rc=$?
is "$rc" 0 "a per-tenant domain still migrates"
is "$(psql -Atc "select count(*) from pg_tables where schemaname = 'shop_a' and tablename = 'items'")" 1 "into its tenant schema"

# a slow connection (a proxy that waits 1 s before it lets the client through): the files are
# checked while it waits, and a modified applied file is still reported and refused
mkdir -p "$WORK/proxy"
python3 - "$PGHOST/.s.PGSQL.5432" "$WORK/proxy/.s.PGSQL.5432" <<'PY' &
import os, socket, sys, threading, time
real, path = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(16)
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    time.sleep(1)
    u = socket.socket(socket.AF_UNIX)
    u.connect(real)
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    pump(u, c)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
PROXY_PID=$!
for _ in $(seq 50); do [ -S "$WORK/proxy/.s.PGSQL.5432" ] && break; sleep 0.1; done
slow() { PGHOST=$WORK/proxy "$STRAV" "$@"; }
out=$(slow status 2>&1); rc=$?
is "$rc" 0 "through the slow connection: status exits 0"
check "it lists the version applied" grep -q '^  1704067200000 *applied' <<<"$out"
sed -i 's/note text/note tex2/' $V/tables/t150/up.sql
touch -r "$WORK/keep.sql" $V/tables/t150/up.sql
out=$(slow status 2>&1); rc=$?
is "$rc" 1 "a modified applied file, slow connection: status exits 1"
check "status marks it modified" grep -q '^  1704067200000 *modified' <<<"$out"
mkdir -p $P/1704500000000/tables/late
echo 'CREATE TABLE late (id int);' > $P/1704500000000/tables/late/up.sql
echo 'DROP TABLE late;' > $P/1704500000000/tables/late/down.sql
"$ROOT/tests/lib/mkmanifest.sh" $P/1704500000000 public "Late"
before=$(rt_snapshot)
out=$(slow migrate 2>&1); rc=$?
is "$rc" 1 "migrate refuses through the slow connection"
check "and says why" grep -q 'applied migration 1704067200000 was modified since it was applied' <<<"$out"
is "$(rt_snapshot)" "$before" "nothing ran"
done_testing
