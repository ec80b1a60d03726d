#!/usr/bin/env bash
# tests/install/install.t - `make install DESTDIR=tmp PREFIX=/usr` puts the three programs,
# the four man pages and the bash completion where a Debian tool has them; `man -M` renders
# strav(1), stravc(1), strav-run(1) and strav-language(5) from the installed tree; the
# installed binaries run from there, and the installed strav finds the installed stravc next
# to itself (generate:migration writes a migration with nothing on PATH); the bash completion
# script loads and completes commands; the zsh one parses (when zsh is there). Skipped without scdoc.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/install.t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
check() { local name=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$name"; else sed 's/^/# /' "$tmp/out" | head -20; not_ok "$name"; fi; }

if ! command -v scdoc >/dev/null; then
    echo "1..0 # SKIP scdoc not installed (apt-get install scdoc)"
    exit 0
fi
root=$tmp/root
check "make install DESTDIR=... PREFIX=/usr" make -s install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr
for f in bin/strav bin/stravc bin/strav-run; do
    if [ -x "$root/usr/$f" ]; then ok "installed $f"; else not_ok "installed $f"; fi
done
for f in share/man/man1/strav.1 share/man/man1/stravc.1 share/man/man1/strav-run.1 \
         share/man/man5/strav-language.5 share/bash-completion/completions/strav \
         share/bash-completion/completions/stravc share/bash-completion/completions/strav-run \
         share/zsh/vendor-completions/_strav; do
    if [ -s "$root/usr/$f" ]; then ok "installed $f"; else not_ok "installed $f"; fi
done

# Render with man(1) from the installed tree (man-db); else with groff directly.
for page in "1 strav" "1 stravc" "1 strav-run" "5 strav-language"; do
    set -- $page
    if command -v man >/dev/null; then
        MANWIDTH=80 MAN_KEEP_FORMATTING= man -M "$root/usr/share/man" "$1" "$2" >"$tmp/page" 2>"$tmp/err"
    else
        groff -man -Tutf8 "$root/usr/share/man/man$1/$2.$1" >"$tmp/page" 2>"$tmp/err"
    fi
    if grep -q "^NAME" "$tmp/page" && grep -q "$2 - " "$tmp/page" && ! grep -qi "warning" "$tmp/err"; then
        ok "man -M ... $1 $2 renders"
    else
        sed 's/^/# /' "$tmp/err" | head; head -5 "$tmp/page" | sed 's/^/# /'
        not_ok "man -M ... $1 $2 renders"
    fi
done
if grep -q "created_at" "$tmp/page" && grep -q "id serial" "$tmp/page"; then ok "strav-language(5) lists the implicit columns"; else not_ok "strav-language(5) lists the implicit columns"; fi

# The installed programs run, with an empty PATH apart from the basics.
bin=$root/usr/bin
check "installed stravc --version" env PATH=/usr/bin:/bin "$bin/stravc" --version
check "installed strav-run --help" env PATH=/usr/bin:/bin "$bin/strav-run" --help
check "installed strav --help" env PATH=/usr/bin:/bin "$bin/strav" --help

# strav generate:migration execs the stravc next to it: a project in a temp dir, no stravc on PATH.
mkdir -p "$tmp/proj/database/schemas/public"
printf 'entity note {\n  body text\n}\n' >"$tmp/proj/database/schemas/public/note.strav"
if (cd "$tmp/proj" && env PATH=/usr/bin:/bin "$bin/strav" generate:migration -m "first note") >"$tmp/out" 2>&1 &&
        ls "$tmp"/proj/database/migrations/public/*/manifest.json >/dev/null 2>&1; then
    ok "installed strav runs the installed stravc (generate:migration)"
else
    sed 's/^/# /' "$tmp/out" | head; not_ok "installed strav runs the installed stravc (generate:migration)"
fi

# Completion: the script loads in bash and completes a command and an option.
comp=$root/usr/share/bash-completion/completions/strav
out=$(bash -c '. "$1"; COMP_WORDS=(strav migr); COMP_CWORD=1; _strav; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" 2>&1)
if printf '%s\n' "$out" | grep -qx migrate && printf '%s\n' "$out" | grep -qx migration:run; then
    ok "bash completion completes 'strav migr'"
else
    echo "# got: $out"; not_ok "bash completion completes 'strav migr'"
fi
out=$(bash -c '. "$1"; COMP_WORDS=(stravc fmt --ch); COMP_CWORD=2; _stravc; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" 2>&1)
if [ "$out" = "--check" ]; then ok "bash completion completes 'stravc fmt --ch'"; else echo "# got: $out"; not_ok "bash completion completes 'stravc fmt --ch'"; fi

if command -v zsh >/dev/null; then
    check "the zsh completion file parses" zsh -n "$root/usr/share/zsh/vendor-completions/_strav"
else
    ok "the zsh completion file parses # SKIP zsh not installed"
fi

check "make uninstall removes everything it installed" sh -c "make -s uninstall DESTDIR='$root' PREFIX=/usr && [ -z \"\$(find '$root' -type f)\" ]"
echo "1..$n"
exit $fail
