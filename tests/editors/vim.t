#!/usr/bin/env bash
# tests/editors/vim.t - the Vim files (editors/vim): a .strav buffer gets filetype strav from
# ftdetect, and syntax/strav.vim gives each kind of token of a hand-written sample its group
# (read back with synID in a headless vim). Also: every golden and example schema loads
# without a Vim error. Skipped when vim is not installed.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vim.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
if ! command -v vim >/dev/null; then
    echo "1..0 # SKIP vim not installed"
    exit 0
fi
cat >"$tmp/s.strav" <<'S'
/// Doc.
entity user {
  email  string(255) @unique // note
  role   enum(a, b) = 'it''s'
  n      integer = -15
  @@index(email)
}
S
# line col group (1-based, as Vim counts)
cat >"$tmp/want" <<'W'
1 1 stravDoc
2 1 stravDecl
2 8 stravDeclName
3 10 stravType
3 23 stravAttr
3 32 stravComment
4 10 stravRef
4 23 stravString
5 21 stravNumber
6 3 stravAttr
W
cat >"$tmp/probe.vim" <<'V'
let out = [&filetype]
for l in readfile($WANT)
  let [ln, col, _] = split(l)
  call add(out, ln . ' ' . col . ' ' . synIDattr(synID(str2nr(ln), str2nr(col), 1), 'name'))
endfor
call writefile(out, $OUT)
qall!
V
WANT=$tmp/want OUT=$tmp/got vim -Nu NONE -i NONE -es \
    --cmd "set rtp^=$PWD/editors/vim" --cmd 'filetype on' --cmd 'syntax on' \
    -c "source $tmp/probe.vim" "$tmp/s.strav" </dev/null >"$tmp/log" 2>&1
if [ "$(head -1 "$tmp/got" 2>/dev/null)" = strav ]; then ok "ftdetect: *.strav is filetype strav"; else
    sed 's/^/# /' "$tmp/log"; not_ok "ftdetect: *.strav is filetype strav"; fi
tail -n +2 "$tmp/got" 2>/dev/null >"$tmp/got2"
while read -r ln col want; do
    got=$(awk -v l="$ln" -v c="$col" '$1 == l && $2 == c { print $3 }' "$tmp/got2")
    if [ "$got" = "$want" ]; then ok "sample $ln:$col is $want"; else not_ok "sample $ln:$col is $want (got '${got}')"; fi
done <"$tmp/want"
errs=0
for f in tests/golden/*/*.strav schemas/*/*.strav; do
    [ -f "$f" ] || continue
    vim -Nu NONE -i NONE -es --cmd "set rtp^=$PWD/editors/vim" --cmd 'filetype on' \
        --cmd 'syntax on' -c 'syntax sync fromstart' -c 'redraw' -c 'qall!' "$f" </dev/null >"$tmp/log" 2>&1 || errs=$((errs + 1))
    grep -q 'E[0-9]\+:' "$tmp/log" && { echo "# $f: $(head -1 "$tmp/log")"; errs=$((errs + 1)); }
done
if [ "$errs" -eq 0 ]; then ok "every golden and example schema loads without a Vim error"; else not_ok "every golden and example schema loads without a Vim error"; fi
echo "1..$n"
exit $fail
