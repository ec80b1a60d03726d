#!/usr/bin/env bash
# drift.t - issue 12 §3: during development `strav db:drift` against a schema that adds a NOT
# NULL column with @backfill shows the plan (add nullable, backfill, set NOT NULL) and exits 3
# like any other difference; without @backfill the plan holds the guarded add (it applies to an
# empty table and stops on a populated one, naming the row count).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
project driftbf
schema public user <<'S'
entity user {
  email string
}
S
gm "init"
ok '[ "$RC" = 0 ]' "initial schema applied"
q "insert into \"user\"(email) values ('a@b.c')" >/dev/null
schema public user <<'S'
entity user {
  email string
  nick  string @backfill('anon')
}
S
run "$STRAV" db:drift
is "$RC" 3 "drift with a NOT NULL @backfill column exits 3"
ok 'grep -q "add column \"user\".nick" <<<"$OUT"' "and shows the change"
ok 'grep -q "UPDATE \"user\" SET nick = '"'"'anon'"'"' WHERE nick IS NULL;" <<<"$OUT"' "with the backfill statement"
ok '! grep -q "without a default or @backfill" <<<"$OUT"' "no 'without @backfill' error"
schema public user <<'S'
entity user {
  email string
  nick  string
}
S
run "$STRAV" db:drift
is "$RC" 3 "without @backfill the drift check shows the plan too (exit 3)"
ok 'grep -q "give it a default or @backfill" <<<"$OUT"' "whose add is guarded: it stops on a populated table with that advice"
done_testing
