#!/usr/bin/env bash
# golden_roundtrip.t - for every compiler golden schema (tests/golden/model/<case>/): build the
# database from the model (stravc generate + strav-run migrate), pull it, then check that
# `drift` against the original files reports no changes, that the pulled files compile, and
# that they compile to the model introspection read (archetypes are informative only). A golden
# schema PostgreSQL itself rejects is skipped with the server's reason.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh
pg_start
B=${BUILD:-build}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for f in "$@"; do sed 's/^/# /' "$f" | head -30; done; }
strip='import json,sys
d=json.load(sys.stdin); d=d["domains"] if "domains" in d else [d]
d=[m for m in d if m["domain"]==sys.argv[1] or len(d)==1]
for m in d:
    for k in ("tenants","perTenant","domain"): m.pop(k, None)
    for e in m.get("enums", []):
        e.pop("was", None); e["values"]=[v["name"] if isinstance(v, dict) else v for v in e["values"]]
    for t in m.get("tables", []):
        for k in ("archetype","was","asA","asB"): t.pop(k, None)
        for c in t["columns"]:
            for k in ("validators","was","backfill","sensitive","using","usingDown"): c.pop(k, None)
print(json.dumps(d, indent=1, sort_keys=True))'
for dir in tests/golden/model/*/; do
    case=$(basename "$dir")
    grep -rqs '@@tenants' "$dir" && { ok "$case # SKIP per-tenant domain"; continue; }
    T=$PG_TMP/$case; mkdir -p "$T/mig" "$T/pulled"
    db=$(pg_newdb "g_$case")
    domains=$(cd "$dir" && for d in */; do [ -d "$d" ] && echo "${d%/}"; done | sort | awk '$0=="public"{print;next}{o=o" "$0}END{print o}')
    good=1
    for dom in $domains; do
        "$B/stravc" generate -m init --schemas "$dir" --migrations "$T/mig" -s "$dom" >"$T/out" 2>&1 &&
        "$B/strav-run" migrate --database "$db" --migrations "$T/mig" --schemas "$dir" -s "$dom" \
            --no-color >>"$T/out" 2>&1 ||
            { good=0; ok "$case/$dom # SKIP PostgreSQL rejects it: $(grep -m1 error: "$T/out" | sed 's/.*error: //')"; }
    done
    [ $good = 1 ] || continue
    for dom in $domains; do
        schema=$("$B/stravc" model --json --schemas "$dir" -s "$dom" 2>/dev/null |
            python3 -c 'import json,sys; d=json.load(sys.stdin); d=d["domains"] if "domains" in d else [d]; print([m for m in d if m["domain"]==sys.argv[1]][0]["schema"])' "$dom")
        "$B/tests/test_adopt" drift --database "$db" --schemas "$dir" -s "$dom" >"$T/out" 2>&1
        [ $? = 0 ] && ok "$case/$dom: drift against the original files: none" ||
            nok "$case/$dom: drift against the original files" "$T/out"
        echo "$schema" >"$T/schema.$dom"
        mkdir -p "$T/pulled/public"
        "$B/tests/test_adopt" pull --database "$db" -s "$dom" --pg-schema "$schema" \
            --schemas "$T/pulled" --force >"$T/out" 2>&1
    done
    for dom in $domains; do
        if ! "$B/stravc" model --json --schemas "$T/pulled" -s "$dom" >"$T/pulled.json" 2>"$T/err"; then
            nok "$case/$dom: the pulled files compile" "$T/err" "$T/pulled/$dom/"*.strav; continue
        fi
        "$B/tests/test_adopt" introspect "$db" "$(cat "$T/schema.$dom")" >"$T/orig.json" 2>/dev/null
        python3 -c "$strip" "$dom" <"$T/orig.json" >"$T/a"; python3 -c "$strip" "$dom" <"$T/pulled.json" >"$T/b"
        diff -u "$T/a" "$T/b" >"$T/out" && ok "$case/$dom: pulled files compile to the same model" ||
            nok "$case/$dom: pulled files compile to a different model" "$T/out"
    done
done
echo "1..$n"
