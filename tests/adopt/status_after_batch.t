#!/usr/bin/env bash
# status_after_batch.t - status after a batch that did not start from an empty schema (every
# deploy after the first): migrate leaves no drift mark then, so the first status runs the full
# check; the fingerprint it keeps as the mark is read in the same snapshot as the schema it
# compared (runtime/introspect.h, introspect_schema_fp), on the helper connection or on the
# main one, so the next status answers with one fingerprint, and a hand change committed
# while the check was reading is reported by the next status, never absorbed into the mark.
# Each case runs with the helper (STRAV_INTROSPECT_HELPER=0) and without it (off).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
. tests/lib/rt.sh
pg_start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-after.XXXXXX")
trap 'rm -rf "$WORK"; pg_stop' EXIT

for helper in 0 off; do
    export STRAV_INTROSPECT_HELPER=$helper
    rt_db "after_$helper"
    P=$WORK/$helper
    mkdir -p "$P/database/schemas/public" "$P/.strav"
    cd "$P" || exit 1
    cat >database/schemas/public/shop.strav <<'S'
table customer {
  id    bigserial    @primary
  name  varchar(100)
  @@index(name)
}
table event {
  city  integer
  at    date
  @@partition_by(range, at)
}
table event_2024 {
  @@partition_of(event, from: '2024-01-01', to: '2025-01-01')
}
S
    $STRAV generate:migration -m init >/dev/null 2>&1
    $STRAV migrate >/dev/null 2>&1
    sed -i 's/^  name  varchar(100)$/  name  varchar(100)\n  email text?/' database/schemas/public/shop.strav
    $STRAV generate:migration -m email >/dev/null 2>&1
    out=$($STRAV migrate 2>&1)
    check "helper=$helper: the second batch applies" grep -q "email" <<<"$(psql -Atc "select column_name from information_schema.columns where table_name = 'customer'")"
    js=$($STRAV status --json 2>/dev/null)
    is "$(jq -c '[.drift.drifted, (.drift.checkedBy != "mark")]' <<<"$js")" '[false,true]' \
        "helper=$helper: the first status after it runs the full check: in sync"
    is "$($STRAV status --json 2>/dev/null | jq -c '[.drift.drifted, .drift.checkedBy]')" '[false,"mark"]' \
        "  the next one answers with the mark that check left"

    # a hand change committed while the full check reads: the check's relations query waits
    # for a lock on the partition (pg_get_expr of its bound opens it) after its snapshot was
    # taken; meanwhile a column is added by hand
    rm -f .strav/driftmark-*
    psql -q -c "UPDATE _strav_migrations SET drift_mark = NULL"
    pg_lock_hold event_2024
    $STRAV status --json >"$WORK/race_$helper.json" 2>/dev/null &
    st=$!
    waited=0
    pg_lock_waited && waited=1
    check "  the check waits for the lock after taking its snapshot" test "$waited" = 1
    psql -q -c "ALTER TABLE customer ADD COLUMN nickname text"
    pg_lock_release
    wait "$st"
    is "$(jq -c '.drift.drifted' "$WORK/race_$helper.json")" 'false' "  that check saw the schema as it was (in sync)"
    js=$($STRAV status --json 2>/dev/null)
    is "$(jq -c '[.drift.drifted, (.drift.checkedBy != "mark")]' <<<"$js")" '[true,true]' \
        "  the next status does not trust the mark and reports the hand change"
    check "  naming the column" grep -q nickname <<<"$(jq -r '.drift.differences[]' <<<"$js")"
    cd "$WORK" || exit 1
done
unset STRAV_INTROSPECT_HELPER
done_testing
