#!/usr/bin/env python3
# tests/lsp/symlinks.t - `stravc lsp` lists a domain's files with the project loader's rule
# (compiler/project.c, tests/diag/symlinks.t): a symbolic link to a file inside the schemas
# folder is read (its entity resolves), while a link that leaves the folder, a dangling link
# and a FIFO named x.strav are each an error naming the entry, published on the open file -
# never read from outside, never skipped silently, never a hang. Messages written by hand.
import json, os, shutil, subprocess, sys, tempfile, threading

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STRAVC = os.path.abspath(os.path.join(os.environ.get("BUILD", "build"), "stravc"))
n = 0
failed = False


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed = True
        for line in json.dumps(diag, indent=1)[:2000].splitlines():
            print("# " + line)


def send(p, obj):
    body = json.dumps(obj).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read(p):
    length = None
    while True:
        line = p.stdout.readline()
        if not line:
            raise EOFError("server closed its output")
        line = line.strip()
        if not line:
            break
        k, v = line.decode().split(":", 1)
        if k.lower() == "content-length":
            length = int(v)
    return json.loads(p.stdout.read(length))


def diagnostics(p, uri):
    while True:
        m = read(p)
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m["params"]["diagnostics"]


tmp = tempfile.mkdtemp(prefix="lsp-symlinks.t.")
timer = threading.Timer(60, lambda: os._exit(3))  # a hung server (a FIFO read) fails the test
timer.daemon = True
timer.start()
try:
    schemas = os.path.join(tmp, "database", "schemas")
    pub = os.path.join(schemas, "public")
    shared = os.path.join(schemas, ".shared")
    outside = os.path.join(tmp, "outside")
    for d in (pub, shared, outside):
        os.makedirs(d)
    with open(os.path.join(shared, "user.strav"), "w") as f:
        f.write("entity user {\n  email string\n}\n")
    with open(os.path.join(outside, "secret.strav"), "w") as f:
        f.write("entity secret {\n  x text\n}\n")
    os.symlink("../.shared/user.strav", os.path.join(pub, "user.strav"))
    post = os.path.join(pub, "post.strav")
    text = "entity post {\n  author ref(user)\n}\n"
    with open(post, "w") as f:
        f.write(text)
    real_outside = os.path.realpath(os.path.join(outside, "secret.strav"))

    def session(extra):
        """Open post.strav with the entry extra() made; the diagnostics, the server's exit."""
        p = subprocess.Popen([STRAVC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=tmp)
        send(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        read(p)
        send(p, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file://" + post, "languageId": "strav", "version": 1, "text": text}}})
        d = diagnostics(p, "file://" + post)
        send(p, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        send(p, {"jsonrpc": "2.0", "method": "exit"})
        p.stdin.close()
        rc = p.wait(timeout=30)
        p.stdout.close()
        return d, rc

    d, rc = session(None)
    ok(d == [] and rc == 0, "a link to a file inside the schemas folder is read: ref(user) resolves", d)

    bad = os.path.join(pub, "bad.strav")
    cases = [
        (lambda: os.symlink(os.path.join(outside, "secret.strav"), bad),
         "'%s' is a symbolic link to '%s', outside the schemas folder" % (bad, real_outside),
         "a link leaving the schemas folder is an error naming both ends"),
        (lambda: os.symlink(os.path.join(pub, "nothing.strav"), bad),
         "'%s' is a symbolic link to nothing" % bad, "a dangling link is an error"),
        (lambda: os.mkfifo(bad), "'%s' is not a regular file" % bad,
         "a FIFO is an error (and no hang)"),
    ]
    for make, want, name in cases:
        make()
        d, rc = session(None)
        msgs = [x["message"] for x in d]
        ok(any(want in m for m in msgs), name, d)
        os.unlink(bad)
    # the secret entity is not read through the link
    os.symlink(os.path.join(outside, "secret.strav"), bad)
    text = "entity post {\n  author ref(user)\n  s ref(secret)\n}\n"
    with open(post, "w") as f:
        f.write(text)
    d, rc = session(None)
    ok(any("secret" in x["message"] and x.get("range", {}).get("start", {}).get("line") == 2
           for x in d), "the entity behind the outside link is not found", d)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
