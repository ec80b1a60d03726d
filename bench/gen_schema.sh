#!/usr/bin/env bash
# bench/gen_schema.sh N DIR - write a schemas folder DIR/public/ with N tables spread over
# N/100 files: entities with a ref to the previous table, a named enum, indexes and a check.
# Used by bench/check.sh (compiler speed) and bench/generate.sh.
set -eu
n=$1 dir=$2
rm -rf "$dir"; mkdir -p "$dir/public"
cat > "$dir/public/enums.strav" <<'S'
enum status { draft, active, archived }
S
awk -v n="$n" -v dir="$dir/public" 'BEGIN {
  per = 100
  for (i = 0; i < n; i++) {
    f = sprintf("%s/part%04d.strav", dir, int(i / per))
    printf "/// Table number %d.\nentity item%d {\n", i, i > f
    printf "  title      string(200)\n  body       text?\n  price      decimal(10,2) = 0\n" > f
    printf "  state      status = %s\n  tags       text[]?\n  createdBy  uuid? @index\n", "'"'"'draft'"'"'" > f
    if (i > 0) printf "  previous   ref(item%d)? @on_delete(cascade)\n", i - 1 > f
    printf "  @@index(title, price desc)\n  @@check('"'"'price >= 0'"'"')\n}\n\n" > f
  }
}'
