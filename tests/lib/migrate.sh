# tests/lib/migrate.sh - helpers for tests that apply generated migrations with psql (source
# after pg.sh). They follow docs/migration-format.md the way strav-run does: files of
# executionOrder in order, checksums verified, nonTransactional files on their own, the others
# in one transaction.
#   mig_apply DIR up|down DB     apply one migration directory
#   mig_apply_all MIGDIR DB      apply every version of MIGDIR (a domain folder) up, in order
#   mig_dump DB                  normalised pg_dump --schema-only: comments, SET lines and blank
#                                lines dropped, trailing commas removed, lines sorted (PostgreSQL
#                                cannot reorder columns, so a column re-added by a down lands
#                                last; sorting makes the comparison ignore column order only)
#   mig_empty_model FILE         write an empty public model

mig_apply() {
    local dir=$1 way=$2 db=$3 f sum want ntx batch=()
    local -a rows
    # one line per file: path, expected sha256, 1 when it runs outside the transaction
    mapfile -t rows < <(jq -r --arg w "$way" '. as $m | .executionOrder[$w][] |
        [., $m.files[.], (if (. as $f | $m.nonTransactional | index([$f])) then 1 else 0 end)] |
        @tsv' "$dir/manifest.json")
    _mig_flush() {
        [ ${#batch[@]} -eq 0 ] && return 0
        cat "${batch[@]}" | psql -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f - >/dev/null || return 1
        batch=()
    }
    for row in "${rows[@]}"; do
        IFS=$'\t' read -r f want ntx <<<"$row"
        sum=$(sha256sum "$dir/$f") && sum=${sum%% *}
        if [ "$want" != "$sum" ]; then
            echo "# checksum mismatch: $dir/$f" >&2
            return 1
        fi
        if [ "$ntx" = 1 ]; then
            _mig_flush || return 1
            psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$dir/$f" >/dev/null || return 1
        else
            batch+=("$dir/$f")
        fi
    done
    _mig_flush
}

mig_apply_all() {
    local migdir=$1 db=$2 v
    [ -d "$migdir" ] || return 0
    for v in $(ls "$migdir" | grep -E '^[0-9]+$' | sort -n); do
        mig_apply "$migdir/$v" up "$db" || return 1
    done
}

mig_dump() {
    pg_dump --schema-only -d "$1" "${@:2}" | grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' \
        -e '^$' -e '^\\restrict' -e '^\\unrestrict' | sed 's/,$//' | LC_ALL=C sort
}

mig_empty_model() {
    printf '{"domain": "public", "schema": "public", "tenants": null, "enums": [], "tables": []}\n' >"$1"
}
