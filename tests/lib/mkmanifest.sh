#!/usr/bin/env bash
# tests/lib/mkmanifest.sh - write manifest.json for a hand-written migration directory, by the
# contract in docs/migration-format.md: executionOrder from the files present (enums, tables,
# constraints, indexes; down in reverse) and the files map with each file's SHA-256.
#   mkmanifest.sh DIR DOMAIN MESSAGE [NONTX_FILE...]
# DIR's basename is the version. Extra up/down files can be listed in DIR/order.up / order.down
# (one relative path a line) to override the default order. TENANTS (JSON, default null) sets
# the manifest's "tenants"; SCHEMA its "schema" (default: the domain name). A snapshot.json in
# DIR is listed in the files map too (not in executionOrder), as stravc generate does.
set -eu
dir=$1 domain=$2 message=$3; shift 3
version=$(basename "$dir")
schema=${SCHEMA:-$domain}
cd "$dir"
if [ -f order.up ]; then up=$(cat order.up); else
    up=$( { [ -f enums/up.sql ] && echo enums/up.sql; ls -d tables/*/up.sql 2>/dev/null;
            [ -f constraints/up.sql ] && echo constraints/up.sql;
            [ -f indexes/up.sql ] && echo indexes/up.sql; } || true)
fi
if [ -f order.down ]; then down=$(cat order.down); else
    down=$( { [ -f indexes/down.sql ] && echo indexes/down.sql;
              [ -f constraints/down.sql ] && echo constraints/down.sql;
              ls -d tables/*/down.sql 2>/dev/null | sort -r;
              [ -f enums/down.sql ] && echo enums/down.sql; } || true)
fi
jlist() { local first=1; printf '['; for f in $1; do [ $first = 1 ] || printf ', '; printf '"%s"' "$f"; first=0; done; printf ']'; }
{
    printf '{\n  "version": "%s",\n  "message": "%s",\n' "$version" "$message"
    printf '  "generatedAt": "2024-01-01T12:00:00.000Z",\n'
    printf '  "summary": {"tablesToCreate": 0, "tablesToDrop": 0, "tablesToModify": 0, "enumsToCreate": 0, "enumsToModify": 0, "enumsToDrop": 0},\n'
    printf '  "executionOrder": {\n    "up": %s,\n    "down": %s\n  },\n' "$(jlist "$up")" "$(jlist "$down")"
    printf '  "domain": "%s",\n  "schema": "%s",\n  "tenants": %s,\n  "parent": null,\n' "$domain" "$schema" "${TENANTS:-null}"
    printf '  "files": {'
    first=1
    for f in $up $down $([ -f snapshot.json ] && echo snapshot.json); do
        [ $first = 1 ] || printf ','
        printf '\n    "%s": "%s"' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; first=0
    done
    printf '\n  },\n  "nonTransactional": %s,\n  "destructive": [],\n  "irreversible": []\n}\n' "$(jlist "$*")"
} > manifest.json
