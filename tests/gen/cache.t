#!/usr/bin/env bash
# cache.t - generate's cache in .strav/ (compiler/gencache.h) never changes what generate
# writes: the same hand-written schema edits are generated in a project without .strav/ (the
# reference) and in projects whose cache is cold, warm, corrupted, truncated, from another
# stravc build, stale against a hand-edited manifest or schema (same size, mtime kept), or
# shared by concurrent runs; every migrations folder (SQL, snapshots, manifests, lock files)
# must be byte-identical to the reference.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
S=$PWD/$BUILD/stravc
w=$(mktemp -d "${TMPDIR:-/tmp}/strav-cache.XXXXXX")
trap 'rm -rf "$w"' EXIT
n=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }

# step N DIR: the schemas of step N (hand-written), then generate with a fixed clock
schemas() { # N DIR
    local d=$2/database/schemas
    mkdir -p "$d/public" "$d/tenant"
    cat >"$d/public/user.strav" <<'S'
enum role { reader, writer }
entity user {
  email string(255) @unique
  bio   text?
  role  role = 'reader'
}
S
    cat >"$d/tenant/note.strav" <<'S'
table note {
  id   integer @primary
  body text
}
S
    if [ "$1" -ge 2 ]; then
        cat >"$d/public/post.strav" <<'S'
entity post {
  title  string(200)
  author ref(user) @on_delete(cascade)
  @@index(title)
}
S
    fi
    if [ "$1" -ge 3 ]; then
        printf '  extra text?\n}\n' >"$d/tenant/x" && sed '$d' "$d/tenant/note.strav" >"$d/tenant/y" &&
            cat "$d/tenant/y" "$d/tenant/x" >"$d/tenant/note.strav" && rm "$d/tenant/x" "$d/tenant/y"
    fi
}
gen() { # N DIR [env...]: generate step N in DIR
    local step=$1 dir=$2
    shift 2
    schemas "$step" "$dir"
    (cd "$dir" && env STRAV_NOW_MS=$((1700000000000 + step * 1000)) "$@" "$S" generate -m "step $step" >/dev/null 2>&1)
}
same() { diff -r "$w/ref/database/migrations" "$1/database/migrations" >/dev/null; }
drop_last() { rm -rf "$1"/database/migrations/*/1700000003000; } # DIR: undo step 3
cache() { echo "$1/.strav/generate-cache"; }
valid() { # FILE: the cache file's own checksum line matches (hand-checked with sha256sum)
    local f=$1 want
    want=$(head -n -1 "$f" | sha256sum | cut -d' ' -f1)
    [ "$(tail -1 "$f")" = "end $want" ]
}

mkdir -p "$w/ref"
for s in 1 2 3; do gen $s "$w/ref"; done
t "reference: three generates without .strav/ wrote two versions per domain" \
  '[ "$(ls "$w/ref/database/migrations/public" "$w/ref/database/migrations/tenant" | grep -c 00)" = 4 ] && [ ! -e "$w/ref/.strav" ]'

# cold, then warm: the cache fills as it goes
mkdir -p "$w/c/.strav"
for s in 1 2 3; do gen $s "$w/c"; done
t "a cold cache (empty .strav/) writes the same migrations" 'same "$w/c"'
t "the cache file was written, is well formed and lists every manifest" \
  'valid "$(cache "$w/c")" && [ "$(grep -c "^m " "$(cache "$w/c")")" = 4 ]'
head -1 "$(cache "$w/c")" >"$w/header"
drop_last "$w/c"
gen 3 "$w/c"
t "a warm cache writes the same migrations" 'same "$w/c"'

# corrupted: one byte of an entry changed (its checksum line no longer matches)
cp "$(cache "$w/c")" "$w/good-cache"
sed -i '2s/ [0-9]*$/ 1699999999999/; 2s/ -$/ 1699999999999/' "$(cache "$w/c")"
t "(the corrupted cache's checksum line no longer matches)" '! valid "$(cache "$w/c")"'
drop_last "$w/c"
gen 3 "$w/c"
t "a corrupted cache is ignored: same migrations" 'same "$w/c"'
t "and rewritten whole" 'valid "$(cache "$w/c")"'

# truncated in the middle of a line
head -c 150 "$w/good-cache" >"$(cache "$w/c")"
drop_last "$w/c"
gen 3 "$w/c"
t "a truncated cache is ignored: same migrations" 'same "$w/c"'

# another stravc build: a well-formed file whose every parent is wrong, under another build id
plant() { # HEADER: a cache with that header, all parents wrong, a correct checksum line
    { echo "$1"; grep '^m ' "$w/good-cache" | sed 's/ [^ ]*$/ 1600000000000/'; } >"$w/planted"
    echo "end $(sha256sum <"$w/planted" | cut -d' ' -f1)" >>"$w/planted"
    cp "$w/planted" "$(cache "$w/c")"
}
plant "strav generate cache 1 0.0.0.0.0"
drop_last "$w/c"
gen 3 "$w/c"
t "a cache from another stravc build is ignored: same migrations" 'same "$w/c"'
# control: the same planted file under this build's header is read (so the test above can fail)
plant "$(cat "$w/header")"
drop_last "$w/c"
gen 3 "$w/c"
t "(control: this build's header makes the planted parents count: the history looks broken)" \
  '! same "$w/c"'
cp "$w/good-cache" "$(cache "$w/c")"
drop_last "$w/c"
gen 3 "$w/c"
t "the good cache again: same migrations" 'same "$w/c"'

# STRAV_NO_CACHE: the cache is neither read nor written
cp "$w/planted" "$(cache "$w/c")"
drop_last "$w/c"
gen 3 "$w/c" STRAV_NO_CACHE=1
t "STRAV_NO_CACHE=1 reads no cache (same migrations) and leaves the file alone" \
  'same "$w/c" && cmp -s "$w/planted" "$(cache "$w/c")"'
cp "$w/good-cache" "$(cache "$w/c")"

# a schema, then a manifest edited by hand, same size, mtime kept: the cache knows the old bytes
keep() { cp -p "$1" "$w/orig"; sed -i "$2" "$1"; touch -r "$w/orig" "$1"; } # FILE SED-SCRIPT
for d in ref c; do
    drop_last "$w/$d"
    schemas 3 "$w/$d"
    keep "$w/$d/database/schemas/public/user.strav" 's/^  bio   text?/  bix   text?/'
    (cd "$w/$d" && STRAV_NOW_MS=1700000003000 "$S" generate -m "step 3" --allow-destructive >/dev/null 2>&1)
done
t "(the edited schema was generated: bio became bix)" \
  'grep -rq "bix" "$w/ref/database/migrations/public/1700000003000"'
t "a cache that disagrees with a hand-edited schema: same migrations" 'same "$w/c"'
# the parent of the public domain's second version: 1700000001000 -> 1700000001009
for d in ref c; do
    drop_last "$w/$d"
    keep "$w/$d/database/migrations/public/1700000002000/manifest.json" 's/"parent": "1700000001000"/"parent": "1700000001009"/'
    (cd "$w/$d" && STRAV_NOW_MS=1700000003000 "$S" generate -m "step 3" --allow-destructive >"$w/$d.out" 2>&1)
    echo "rc=$?" >>"$w/$d.out"
done
t "(the hand edit kept size and mtime)" \
  '[ "$(stat -c %s.%Y "$w/orig")" = "$(stat -c %s.%Y "$w/c/database/migrations/public/1700000002000/manifest.json")" ]'
t "(the edited parent is believed: generate refuses a broken history)" 'grep -q "rc=1" "$w/ref.out" && grep -q "broken" "$w/ref.out"'
t "a cache that disagrees with a hand-edited manifest: the same refusal, the same folder" \
  'cmp -s "$w/ref.out" "$w/c.out" && same "$w/c"'

# concurrent generates sharing one .strav/ (each into its own migrations folder)
rm -rf "$w/ref"
mkdir -p "$w/ref"
for s in 1 2; do gen $s "$w/ref"; done
mkdir -p "$w/p/.strav"
ok=true
for round in 1 2 3; do
    rm -rf "$w/p/database" "$w/p/m"*
    for s in 1 2; do
        schemas $s "$w/p"
        for k in 1 2 3 4; do
            (cd "$w/p" && STRAV_NOW_MS=$((1700000000000 + s * 1000)) "$S" generate -m "step $s" \
                --migrations "m$k" >/dev/null 2>&1) &
        done
        wait
    done
    for k in 1 2 3 4; do
        diff -r "$w/ref/database/migrations" "$w/p/m$k" >/dev/null || ok=false
    done
done
t "concurrent generates sharing the cache write the same migrations" '$ok'
t "the shared cache file is whole afterwards" 'valid "$(cache "$w/p")" && ! ls "$w/p/.strav" | grep -q tmp'

echo "1..$n"
