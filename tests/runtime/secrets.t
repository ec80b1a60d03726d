#!/usr/bin/env bash
# secrets.t - no password is ever printed: for each way of writing one into a connection string
# (URI user:password with and without '@', an unencoded '@' or '/' in it, a malformed URI whose
# text libpq echoes, upper- and mixed-case PASSWORD= keys, sslpassword, a percent-encoded key,
# quoted values with spaces, several hosts), through the real binaries (build/strav-run and
# build/strav), via --database and DATABASE_URL, in text and --json output: the output does not
# contain the password, and does say what went wrong. No server is needed: every connection
# fails (port 1, a missing socket, a malformed string).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/rt.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strav-sec.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD DATABASE_URL
cd "$WORK" || exit 1
mkdir -p database/schemas/public database/migrations/public

# each line: the secret, then the connection string that holds it
while IFS='|' read -r pw db; do
    for bin in "$STRAV_RUN" "$STRAV"; do
        name=$(basename "$bin")
        for how in arg env json; do
            case $how in
            arg) out=$(timeout 60 "$bin" status --database "$db" 2>&1) ;;
            env) out=$(DATABASE_URL=$db timeout 60 "$bin" migrate 2>&1) ;;
            json) out=$(timeout 60 "$bin" status --json --database "$db" 2>&1) ;;
            esac
            rc=$?
            T=$((T + 1))
            if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ! grep -qF -- "$pw" <<<"$out" &&
               grep -qiE 'cannot connect|invalid|error' <<<"$out"; then
                echo "ok $T - $name $how: $db: fails without printing the password"
            else
                echo "not ok $T - $name $how: $db: fails without printing the password (exit $rc)"
                sed 's/^/#   /' <<<"$out" | head -5
            fi
        done
    done
done <<'EOF'
PW|postgresql://u:PW
Sekr1tPW|postgresql://u:Sekr1tPW
Sekr1tPW|postgres://u:Sekr1tPW/db
Sekr1tPW|postgresql://u:Sekr1tPW@[::1/db
Sekr1tPW|postgresql://u:Sekr1tPW@localhost:1/db
Sekr1t|postgresql://u:Sekr1t@pa@localhost:1/db
w0rdy|postgresql://u:p@ss/w0rdy@localhost:1/db
Sekr1tPW|postgresql://u:Sekr1tPW@h1:1,h2:1/db
Sekr1tPW|postgresql://localhost:1/db?password=Sekr1tPW
Sekr1tPW|postgresql://localhost:1/db?PassWord=Sekr1tPW
Sekr1tPW|postgresql://localhost:1/db?sslpassword=Sekr1tPW&sslmode=disable
Sekr1tPW|postgresql://localhost:1/db?pass%77ord=Sekr1tPW
Sekr1tPW|host=/nonexistent PASSWORD=Sekr1tPW
Sekr1tPW|host=/nonexistent Password = Sekr1tPW dbname=x
Sekr1tPW|host=/nonexistent password='Sekr1tPW with spaces'
with spaces|host=/nonexistent password='Sekr1tPW with spaces'
Sekr1tPW|host=localhost port=1 password=Sekr1tPW
Sekr1tPW|password=Sekr1tPW host=localhost port=notaport
EOF
done_testing
