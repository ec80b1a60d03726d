#!/usr/bin/env bash
# bench/lsp.sh - how long `stravc lsp` takes to answer on a generated project of N tables
# (bench/gen_schema.sh, default 1000, 100 per file): didOpen and didChange until the
# diagnostics arrive (the whole domain re-parsed and re-checked), then hover, definition,
# completion and formatting. Prints the median and worst wall time of 20 rounds and the
# server's CPU time per answer (from /proc, so a loaded machine does not inflate it).
# Usage: bench/lsp.sh [N]. Target (issue 13): under 50 ms per answer at 1,000 tables.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bench/gen_schema.sh "$n" "$tmp/database/schemas" >/dev/null
STRAVC=${STRAVC:-build/stravc} python3 - "$tmp" <<'PY'
import json, os, subprocess, sys, time
root = sys.argv[1]
path = os.path.join(root, "database/schemas/public/part0001.strav")
text = open(path).read()
p = subprocess.Popen([os.environ["STRAVC"], "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def send(o):
    b = json.dumps(o).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def read():
    h = {}
    while True:
        l = p.stdout.readline().strip()
        if not l: break
        k, v = l.decode().split(":", 1); h[k.lower()] = v
    return json.loads(p.stdout.read(int(h["content-length"])))
def until(pred):
    while True:
        m = read()
        if pred(m): return m
uri = "file://" + path
rid = [0]
def req(method, params):
    rid[0] += 1; send({"jsonrpc": "2.0", "id": rid[0], "method": method, "params": params})
    return until(lambda m: m.get("id") == rid[0])
req("initialize", {"capabilities": {}})
lines = text.split("\n")
ref_line = next(i for i, l in enumerate(lines) if "ref(" in l)
ref_ch = lines[ref_line].index("ref(") + 5
results = {}
def cpu_ms():  # the server's user + system CPU time, from /proc (10 ms ticks)
    f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
def t(name, fn):
    xs = []
    c0 = cpu_ms()
    for i in range(20):
        s = time.perf_counter(); fn(i); xs.append((time.perf_counter() - s) * 1000)
    xs.sort(); results[name] = (xs[len(xs) // 2], xs[-1], (cpu_ms() - c0) / 20)
pos = lambda l, c: {"textDocument": {"uri": uri}, "position": {"line": l, "character": c}}
is_diag = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
def opened(i):
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "text": text}}})
    until(is_diag)
t("didOpen -> diagnostics", opened)
def change(i):
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri},
          "contentChanges": [{"text": text + ("\n// edit %d\n" % i)}]}})
    until(is_diag)
t("didChange -> diagnostics", change)
t("hover (field)", lambda i: req("textDocument/hover", pos(ref_line, 3)))
t("definition (ref)", lambda i: req("textDocument/definition", pos(ref_line, ref_ch)))
t("completion (type)", lambda i: req("textDocument/completion", pos(ref_line, 13)))
t("formatting", lambda i: req("textDocument/formatting", {"textDocument": {"uri": uri}}))
print("%-28s %10s %10s %12s" % ("answer", "median ms", "worst ms", "server CPU ms"))
for k, (med, worst, cpu) in results.items():
    print("%-28s %10.2f %10.2f %12.1f" % (k, med, worst, cpu))
req("shutdown", None); send({"jsonrpc": "2.0", "method": "exit"}); p.wait()
print("(wall times include the client; CPU is the server's own, averaged over 20, immune to load)")
PY
