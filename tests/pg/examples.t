#!/usr/bin/env bash
# tests/pg/examples.t - the example schemas (schemas/) are real, applicable PostgreSQL: generate
# the first migration of every domain with stravc generate, apply public and then tenant (in its
# own schema, search_path tenant,public, as strav-run does) to a fresh database, and check a
# few catalog facts the model promises (types, nullability, FK actions, enum order).
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
STRAVC=$PWD/$BUILD/stravc
. tests/lib/pg.sh
. tests/lib/migrate.sh
pg_start
work=$(mktemp -d "${TMPDIR:-/tmp}/strav-examples.XXXXXX")
trap 'rm -rf "$work"; pg_stop' EXIT
echo "1..6"
if STRAV_NOW_MS=1000 "$STRAVC" generate -m initial --schemas schemas --migrations "$work/mig" \
        >"$work/out" 2>&1; then
    echo "ok 1 - generate the examples' first migrations"
else
    echo "not ok 1 - generate"; sed 's/^/# /' "$work/out"
fi
db=$(pg_newdb examples)
if mig_apply_all "$work/mig/public" "$db" 2>"$work/err"; then
    echo "ok 2 - public applies"
else
    echo "not ok 2 - public applies"; sed 's/^/# /' "$work/err"
fi
psql -X -q -d "$db" -c 'CREATE SCHEMA tenant' >/dev/null
if mig_apply_all "$work/mig/tenant" "$db options='-csearch_path=tenant,public'" 2>"$work/err"; then
    echo "ok 3 - tenant applies in its own schema"
else
    echo "not ok 3 - tenant applies"; sed 's/^/# /' "$work/err"
fi
q() { psql -X -At -d "$db" -c "$1"; }
got=$(q "SELECT data_type || ' ' || is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = 'user' AND column_name = 'email_verified_at'")
want="timestamp with time zone YES"
[ "$got" = "$want" ] && echo "ok 4 - user.email_verified_at is a nullable timestamptz" ||
    { echo "not ok 4 - email_verified_at"; echo "# got '$got'"; }
got=$(q "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum
         WHERE enumtypid = 'public.user_role'::regtype")
[ "$got" = "user,admin" ] && echo "ok 5 - user_role values in order" ||
    { echo "not ok 5 - user_role"; echo "# got '$got'"; }
got=$(q "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tenant'")
[ "$got" = 7 ] && echo "ok 6 - the 7 tenant tables live in schema tenant" ||
    { echo "not ok 6 - tenant tables"; echo "# got '$got'"; }
