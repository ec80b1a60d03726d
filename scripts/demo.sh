#!/usr/bin/env bash
# scripts/demo.sh - the README's main job (make demo): compile the example schemas, generate
# the first migration of each domain, apply them and show the status. The database is the
# embedded PostgreSQL under build/demo/.strav/ unless DATABASE_URL or PG* variables name
# another. The tenant domain is per-tenant (one schema per organisation): the demo registers
# two organisations, so its migration is applied to the schemas acme and globex.
# Running it again changes nothing: generate says "No changes detected", migrate has nothing to do.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${BUILD:-build}
work=$bin/demo
mkdir -p "$work/database/schemas"
cp -R "$top/schemas/." "$work/database/schemas/"
cd "$work"
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' off=$'\033[0m'; else bold= off=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$off"; "$@"; }

step "$bin/stravc" check --schemas database/schemas
step "$bin/strav" generate:migration -m "Initial schema"
step "$bin/strav" generate:migration -m "Initial schema" -s tenant
step "$bin/strav" migrate
url=$("$bin/strav" db:url)
psql "$url" -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO country (code, name) VALUES ('NL', 'Netherlands') ON CONFLICT DO NOTHING;
INSERT INTO organization (name, slug, country_code)
VALUES ('Acme', 'acme', 'NL'), ('Globex', 'globex', 'NL') ON CONFLICT DO NOTHING;
SQL
step "$bin/strav" migrate -s tenant
step "$bin/strav" migration:status
step "$bin/strav" migration:status -s tenant
printf '\nConnect with: psql "%s"   Stop the server: %s db:stop\n' "$url" "$bin/strav"
