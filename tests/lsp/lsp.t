#!/usr/bin/env python3
# tests/lsp/lsp.t - a scripted LSP client against `stravc lsp` (the real binary, over pipes,
# Content-Length framing written here by hand). A two-domain project in a temp dir; the
# expected ranges, names and texts below are written by hand from the input text:
# initialize -> capabilities; didOpen of a file with an unknown type -> the diagnostic on that
# type's range, in UTF-16 units after a non-BMP character; didChange fixing it -> an empty
# list; three syntax errors -> exactly three diagnostics; a missing '}' -> one at the '{'; an unsaved buffer overriding the file on disk; formatting -> the canonical text;
# definition of a ref target, an enum type, a parent and a public.x target in another domain;
# a non-public domain using another (crm.customer, crm.status): clean, definitions into crm,
# a broken crm buffer as one diagnostic, an unknown crm.x where it is written;
# hover on a field (column name, SQL type, constraints) and on an archetype keyword (its
# implicit columns); completion of types, attributes, tables, enums; the outline
# (documentSymbol); malformed messages get
# error answers and the server goes on; shutdown + exit -> status 0, exit alone -> 1.
import json, os, shutil, subprocess, sys, tempfile, threading

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
STRAVC = os.path.abspath(os.path.join(BUILD, "stravc"))
n = 0
failed = False


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed = True
        if diag is not None:
            for line in json.dumps(diag, indent=1, ensure_ascii=False)[:3000].splitlines():
                print("# " + line)


class Client:
    def __init__(self, root):
        self.p = subprocess.Popen([STRAVC, "lsp"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
        self.next_id = 0
        self.notes = []

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        headers = {}
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            line = line.strip()
            if not line:
                break
            k, v = line.decode().split(":", 1)
            headers[k.lower()] = v.strip()
        body = self.p.stdout.read(int(headers["content-length"]))
        return json.loads(body)

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait_id(self.next_id)

    def wait_id(self, id_):
        while True:
            m = self.read()
            if "id" in m and m["id"] == id_ and "method" not in m:
                return m
            self.notes.append(m)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        """The next publishDiagnostics for uri (from the queue, else read)."""
        while True:
            for i, m in enumerate(self.notes):
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                    del self.notes[i]
                    return m["params"]["diagnostics"]
            self.notes.append(self.read())


def uri(path):
    return "file://" + path


def pos_json(line, ch):
    return {"line": line, "character": ch}


def rng(l1, c1, l2, c2):
    return {"start": pos_json(l1, c1), "end": pos_json(l2, c2)}


tmp = tempfile.mkdtemp(prefix="lsp.t.")
timer = threading.Timer(120, lambda: os._exit(3))  # a hung server fails the test
timer.daemon = True
timer.start()
try:
    pub = os.path.join(tmp, "database", "schemas", "public")
    ten = os.path.join(tmp, "database", "schemas", "tenant")
    os.makedirs(pub)
    os.makedirs(ten)
    with open(os.path.join(pub, "user.strav"), "w") as f:
        f.write("enum role { member, admin }\n\n"
                "entity user {\n"
                "  email string(255) @unique\n"
                "}\n")
    with open(os.path.join(ten, "project.strav"), "w") as f:
        f.write("entity project {\n  owner ref(public.user)\n}\n")
    post_path = os.path.join(pub, "post.strav")
    with open(post_path, "w") as f:
        f.write("// on disk: replaced by the editor's buffer\nentity post { x nosuchtype }\n")

    c = Client(tmp)
    r = c.request("initialize", {"processId": None, "rootUri": uri(tmp), "capabilities": {}})
    caps = r.get("result", {}).get("capabilities", {})
    ok(caps.get("documentFormattingProvider") and caps.get("definitionProvider")
       and caps.get("hoverProvider") and "completionProvider" in caps
       and caps.get("textDocumentSync", {}).get("change") == 1,
       "initialize answers the capabilities (full sync, formatting, definition, hover, completion)", r)
    c.notify("initialized", {})

    # Line 2 holds U+1F600 (two UTF-16 units, four bytes) inside a comment before the error.
    broken = ("/// Posts.\n"
              "attribute post of user {\n"
              "  /*\U0001F600*/ title strng(100)\n"
              "  author ref(user) @on_delete(cascade)\n"
              "  kind role = 'member'\n"
              "}\n")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(post_path), "languageId": "strav",
                                                       "version": 1, "text": broken}})
    d = c.diagnostics(uri(post_path))
    # "  /*" is 4 units, the emoji 2, "*/ title " 9: strng starts at character 15, ends at 20.
    hit = [x for x in d if x["range"] == rng(2, 15, 2, 20)]
    ok(len(hit) == 1 and hit[0]["severity"] == 1 and "strng" in hit[0]["message"],
       "didOpen: the unknown type's diagnostic at 2:15-2:20 (UTF-16 units after a non-BMP char)", d)
    ok(all("nosuchtype" not in x["message"] for x in d), "the open buffer replaces the file on disk", d)

    fixed = broken.replace("strng(100)", "string(100)")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 2},
                                        "contentChanges": [{"text": fixed}]})
    d = c.diagnostics(uri(post_path))
    ok(d == [], "didChange fixing it: empty diagnostics", d)

    # A ranged change (clients may send them): break it again at 2:15-2:21, then undo.
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 3},
                                        "contentChanges": [{"range": rng(2, 15, 2, 21), "text": "strng"}]})
    d = c.diagnostics(uri(post_path))
    ok(len(d) == 1 and d[0]["range"] == rng(2, 15, 2, 20), "a ranged didChange is applied", d)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 4},
                                        "contentChanges": [{"text": fixed}]})
    ok(c.diagnostics(uri(post_path)) == [], "and fixed again")

    # Several syntax errors in one buffer: exactly those three, each at its token.
    three = ("entity post {\n"
             "  title: text\n"
             "  body text,\n"
             "}\n"
             "entitty comment {\n"
             "  x int\n"
             "}\n")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 5},
                                        "contentChanges": [{"text": three}]})
    d = c.diagnostics(uri(post_path))
    got = sorted((x["range"]["start"]["line"], x["range"]["start"]["character"],
                  x["range"]["end"]["line"], x["range"]["end"]["character"], x["severity"]) for x in d)
    ok(got == [(1, 7, 1, 8, 1), (2, 11, 2, 12, 1), (4, 0, 4, 7, 1)]
       and any("did you mean 'entity'?" in x["message"] for x in d),
       "three syntax errors in one buffer: three diagnostics at ':', ',' and 'entitty'", d)
    # A missing '}': reported at the '{', the next declaration as related information.
    unclosed = "entity post {\n  title text\n\nentity other {\n  x int\n}\n"
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 6},
                                        "contentChanges": [{"text": unclosed}]})
    d = c.diagnostics(uri(post_path))
    ok(len(d) == 1 and d[0]["range"] == rng(0, 12, 0, 13)
       and [r["location"]["range"] for r in d[0].get("relatedInformation", [])] == [rng(3, 0, 3, 6)],
       "a missing '}': the diagnostic on the unclosed '{', related: the next declaration", d)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(post_path), "version": 7},
                                        "contentChanges": [{"text": fixed}]})
    ok(c.diagnostics(uri(post_path)) == [], "and fixed once more")

    # Formatting: a hand-written canonical form of the file.
    r = c.request("textDocument/formatting", {"textDocument": {"uri": uri(post_path)},
                                              "options": {"tabSize": 2, "insertSpaces": True}})
    edits = r.get("result")
    want = ("/// Posts.\n"
            "attribute post of user {\n"
            "  /*\U0001F600*/\n"
            "  title  string(100)\n"
            "  author ref(user) @on_delete(cascade)\n"
            "  kind   role      = 'member'\n"
            "}\n")
    ok(isinstance(edits, list) and len(edits) == 1 and edits[0]["newText"] == want
       and edits[0]["range"] == rng(0, 0, 6, 0), "formatting returns the canonical text over the whole file", r)

    def definition(path, line, ch):
        return c.request("textDocument/definition", {"textDocument": {"uri": uri(path)},
                                                     "position": pos_json(line, ch)}).get("result")

    user_path = os.path.join(pub, "user.strav")
    r = definition(post_path, 3, 14)  # ref(u|ser)
    ok(r == {"uri": uri(user_path), "range": rng(2, 7, 2, 11)}, "definition of a ref target", r)
    r = definition(post_path, 4, 8)  # kind r|ole
    ok(r == {"uri": uri(user_path), "range": rng(0, 5, 0, 9)}, "definition of an enum type", r)
    r = definition(post_path, 1, 19)  # of u|ser
    ok(r == {"uri": uri(user_path), "range": rng(2, 7, 2, 11)}, "definition of a parent", r)
    proj_path = os.path.join(ten, "project.strav")
    with open(proj_path) as f:
        ptext = f.read()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(proj_path), "languageId": "strav",
                                                       "version": 1, "text": ptext}})
    ok(c.diagnostics(uri(proj_path)) == [], "a tenant-domain file that references public is clean")
    r = definition(proj_path, 1, 22)  # ref(public.u|ser)
    ok(r == {"uri": uri(user_path), "range": rng(2, 7, 2, 11)}, "definition of public.user from another domain", r)
    # a non-public domain using another non-public one (crm.X): loaded like project.c does
    crm = os.path.join(tmp, "database", "schemas", "crm")
    bil = os.path.join(tmp, "database", "schemas", "billing")
    os.makedirs(crm)
    os.makedirs(bil)
    cust_path = os.path.join(crm, "customer.strav")
    with open(cust_path, "w") as f:
        f.write("enum status { lead, won }\n\nentity customer {\n  name string(100)\n}\n")
    inv_path = os.path.join(bil, "invoice.strav")
    itext = "entity invoice {\n  customer ref(crm.customer)\n  state    crm.status = 'lead'\n}\n"
    with open(inv_path, "w") as f:
        f.write(itext)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(inv_path), "languageId": "strav",
                                                       "version": 1, "text": itext}})
    d = c.diagnostics(uri(inv_path))
    ok(d == [], "a billing file using crm.customer and crm.status is clean", d)
    r = definition(inv_path, 1, 20)  # ref(crm.c|ustomer)
    ok(r == {"uri": uri(cust_path), "range": rng(2, 7, 2, 15)}, "definition of crm.customer from billing", r)
    r = definition(inv_path, 2, 16)  # crm.s|tatus
    ok(r == {"uri": uri(cust_path), "range": rng(0, 5, 0, 11)}, "definition of crm.status from billing", r)
    # an unsaved edit of crm that breaks it: billing says so in one line, on no file of billing's
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(cust_path), "languageId": "strav",
                                                       "version": 1, "text": "entity customer {\n  name nosuchtype\n}\n"}})
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(inv_path), "version": 2},
                                        "contentChanges": [{"text": itext + "\n"}]})
    d = c.diagnostics(uri(inv_path))
    ok(len(d) == 1 and "domain 'crm' has errors" in d[0].get("message", ""),
       "a broken crm (open buffer) is one diagnostic in billing", d)
    c.notify("textDocument/didClose", {"textDocument": {"uri": uri(cust_path)}})
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(inv_path), "version": 3},
                                        "contentChanges": [{"text": itext.replace("crm.status", "crm.nosuch")}]})
    d = c.diagnostics(uri(inv_path))
    ok(len(d) == 1 and "nosuch" in d[0].get("message", "") and d[0]["range"]["start"]["line"] == 2,
       "an unknown crm.nosuch is reported where it is written", d)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(inv_path), "version": 4},
                                        "contentChanges": [{"text": itext}]})
    d = c.diagnostics(uri(inv_path))
    ok(d == [], "and clean again", d)
    r = definition(post_path, 2, 20)  # on the field name 'title': nothing to go to
    ok(r is None, "definition elsewhere is null", r)

    def hover(path, line, ch):
        r = c.request("textDocument/hover", {"textDocument": {"uri": uri(path)},
                                             "position": pos_json(line, ch)}).get("result")
        return r["contents"]["value"] if isinstance(r, dict) else None

    h = hover(post_path, 3, 4)  # au|thor
    ok(h is not None and "`author_id` `INTEGER` NOT NULL" in h and "FOREIGN KEY `fk_post_author_id`" in h
       and "ON DELETE CASCADE" in h and "INDEX `idx_post_author_id`" in h,
       "hover on a ref field: its column, SQL type, FK and index", h)
    with open(user_path) as f:
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(user_path), "languageId": "strav",
                                                           "version": 1, "text": f.read()}})
    ok(c.diagnostics(uri(user_path)) == [], "didOpen of a clean file: empty diagnostics")
    h = hover(user_path, 3, 4)  # em|ail
    ok(h is not None and "`email` `VARCHAR(255)` NOT NULL" in h and "UNIQUE `uq_user_email`" in h,
       "hover on a field: its UNIQUE constraint", h)
    h = hover(post_path, 4, 3)  # ki|nd
    ok(h is not None and "`kind` `role` NOT NULL DEFAULT `'member'`" in h, "hover shows the default", h)
    h = hover(post_path, 1, 3)  # att|ribute
    ok(h is not None and "table `post`" in h and "`id` `SERIAL` NOT NULL" in h and "`user_id`" in h
       and "`created_at` `TIMESTAMPTZ` NOT NULL DEFAULT `CURRENT_TIMESTAMP`" in h
       and "`deleted_at` `TIMESTAMPTZ`\n" in h and "`title`" not in h,
       "hover on the archetype keyword lists its implicit columns only", h)

    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(user_path)}}).get("result")
    want_sym = [
        {"name": "role", "kind": 10, "detail": "enum", "range": rng(0, 0, 0, 27), "selectionRange": rng(0, 5, 0, 9),
         "children": [{"name": "member", "kind": 22, "range": rng(0, 12, 0, 18), "selectionRange": rng(0, 12, 0, 18)},
                      {"name": "admin", "kind": 22, "range": rng(0, 20, 0, 25), "selectionRange": rng(0, 20, 0, 25)}]},
        {"name": "user", "kind": 5, "detail": "entity", "range": rng(2, 0, 4, 1), "selectionRange": rng(2, 7, 2, 11),
         "children": [{"name": "email", "kind": 8, "range": rng(3, 2, 3, 27), "selectionRange": rng(3, 2, 3, 7)}]},
    ]
    ok(r == want_sym, "documentSymbol: the declarations with their fields and enum values", r)

    def completion(path, text, line, ch):
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": 9},
                                            "contentChanges": [{"text": text}]})
        c.diagnostics(uri(path))
        r = c.request("textDocument/completion", {"textDocument": {"uri": uri(path)},
                                                  "position": pos_json(line, ch)}).get("result")
        return [i["label"] for i in r] if isinstance(r, list) else r

    labels = completion(post_path, fixed.replace("  kind role", "  kind ro"), 4, 9)
    ok(isinstance(labels, list) and "timestamptz" in labels and "string" in labels and "role" in labels
       and "user" not in labels, "completion at a field's type: types and enums", labels)
    labels = completion(post_path, fixed.replace("@on_delete(cascade)", "@on_"), 3, 22)
    ok(isinstance(labels, list) and "on_delete" in labels and "unique" in labels and "check" not in labels,
       "completion after @: field attributes", labels)
    labels = completion(post_path, fixed.replace("}\n", "  @@\n}\n"), 5, 4)
    ok(isinstance(labels, list) and "check" in labels and "index" in labels and "email" not in labels,
       "completion after @@: table attributes", labels)
    labels = completion(post_path, fixed.replace("ref(user)", "ref(us)"), 3, 15)
    ok(isinstance(labels, list) and "user" in labels and "post" in labels and "role" not in labels,
       "completion in ref(...): table names", labels)
    labels = completion(post_path, fixed + "\nent", 7, 3)
    ok(isinstance(labels, list) and "entity" in labels and "association" in labels,
       "completion at the top level: declaration keywords", labels)
    labels = completion(post_path, fixed.replace("/// Posts.\n", "// 'x' @ \n"), 0, 9)
    ok(labels == [], "no completion inside a comment", labels)

    # Malformed input: each gets an answer (or is ignored) and the server goes on.
    c.raw(b"Content-Length: 9\r\n\r\n{not json")
    m = c.read()
    ok(m.get("error", {}).get("code") == -32700 and m.get("id") is None, "a body that is not JSON: parse error", m)
    c.send([1, 2])
    m = c.read()
    ok(m.get("error", {}).get("code") == -32600, "a JSON array: invalid request", m)
    r = c.request("no/such/method", {})
    ok(r.get("error", {}).get("code") == -32601, "an unknown method: method not found", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": 42}, "position": "x"})
    ok(r.get("error", {}).get("code") == -32602, "bad params: invalid params", r)
    c.raw(b"X-Junk: 1\r\n\r\n")  # a header block without Content-Length is skipped
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri(post_path)},
                                         "position": {"line": 99999, "character": 99999}})
    ok("result" in r, "a position past the end still answers", r)

    # A closed file of the domain with errors gets its diagnostics too, even when it holds
    # bytes that are not UTF-8 (each counts as one UTF-16 unit: 't\xff' is 0:7-0:9).
    oth = os.path.join(tmp, "database", "schemas", "other")
    os.makedirs(oth)
    bad_path = os.path.join(oth, "bad.strav")
    with open(bad_path, "wb") as f:
        f.write(b"entity t\xff {\n  x nosuch\n}\n")
    ok_path = os.path.join(oth, "ok.strav")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(ok_path), "languageId": "strav",
                                                       "version": 1, "text": "entity fine {}\n"}})
    ok(c.diagnostics(uri(ok_path)) == [], "a clean file in a domain where another file has errors")
    d = c.diagnostics(uri(bad_path))
    ok(len(d) == 1 and d[0]["range"] == rng(0, 7, 0, 9) and "UTF-8" in d[0]["message"],
       "the closed file's diagnostics, at the right range past a byte that is not UTF-8", d)

    c.notify("textDocument/didClose", {"textDocument": {"uri": uri(proj_path)}})
    ok(c.diagnostics(uri(proj_path)) == [], "didClose clears the file's diagnostics")
    r = c.request("shutdown", None)
    ok("result" in r and r["result"] is None, "shutdown answers null", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri(post_path)}, "position": pos_json(0, 0)})
    ok(r.get("error", {}).get("code") == -32600, "a request after shutdown is refused", r)
    c.notify("exit", None)
    rc = c.p.wait(timeout=30)
    err = c.p.stderr.read().decode(errors="replace")
    ok(rc == 0, "exit after shutdown: status 0", {"rc": rc, "stderr": err})

    c2 = Client(tmp)
    r = c2.request("textDocument/hover", {})
    ok(r.get("error", {}).get("code") == -32002, "a request before initialize: not initialized", r)
    c2.request("initialize", {"capabilities": {}})
    c2.notify("exit", None)
    rc = c2.p.wait(timeout=30)
    ok(rc == 1, "exit without shutdown: status 1", {"rc": rc})
    c3 = Client(tmp)
    c3.p.stdin.close()
    ok(c3.p.wait(timeout=30) == 1, "end of input without exit: status 1")
    for cl in (c2, c3):
        cl.p.stdout.close()
        cl.p.stderr.close()
    c.p.stdout.close()
    c.p.stderr.close()
    c.p.stdin.close()
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
