#!/usr/bin/env python3
# tests/diag/recovery.t - syntax error recovery never cascades (compiler/parse.c). Inputs are
# the hand-written schemas of the repository (schemas/, tests/golden/model/), each broken by
# one edit of the kind users make: a token deleted, a ':' ',' ';' or quote inserted, a token
# doubled, two letters swapped, a brace or parenthesis deleted. Properties (fixed seeds):
#   1. one edit gives at most one error (a stray quote at most two: it can turn the rest of
#      the line into a string and the string into code);
#   2. two broken files concatenated give exactly the errors of each (recovery resumes at the
#      next declaration and reports the second mistake as if alone);
#   3. a file with 30 broken declarations stops at 20 errors and says so.
import glob, os, random, re, subprocess, sys, tempfile

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STRAVC = os.path.abspath(os.path.join(os.environ.get("BUILD", "build"), "stravc"))
files = sorted(glob.glob("schemas/*/*.strav") + glob.glob("tests/golden/model/*/*/*.strav"))
TOK = re.compile(r"'(?:[^'\n]|'')*'|\"[^\"\n]*\"|[A-Za-z_][A-Za-z_0-9]*|[0-9]+|@@|//[^\n]*|/\*.*?\*/|\S", re.S)
tmp = tempfile.mkdtemp(prefix="strav-recovery.")
n = 0
failed = False


def ok(cond, name, detail=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed = True
        for line in detail[:3000].splitlines():
            print("# " + line)


def errors(text):
    path = os.path.join(tmp, "x.strav")
    with open(path, "w", encoding="latin-1") as f:
        f.write(text)
    r = subprocess.run([STRAVC, "dump", "ast", path], capture_output=True, text=True, errors="replace")
    return len(re.findall(r"^\S+:[0-9]+:[0-9]+: error:", r.stderr, re.M)), r.stderr


KINDS = ["del", "colon", "comma", "semi", "quote", "dup", "swap", "brace", "paren"]


def mutate(rng, src, kind):
    toks = [m for m in TOK.finditer(src) if not m.group().startswith("/")]
    if kind in ("brace", "paren"):
        toks = [m for m in toks if m.group() in ("{}" if kind == "brace" else "()")]
    if kind == "swap":
        toks = [m for m in toks if len(m.group()) >= 3 and m.group()[0].isalpha()]
    if not toks:
        return None
    m = rng.choice(toks)
    s, e = m.span()
    w = m.group()
    if kind in ("del", "brace", "paren"):
        return src[:s] + src[e:]
    if kind in ("colon", "comma", "semi", "quote"):
        return src[:e] + {"colon": ":", "comma": ",", "semi": ";", "quote": "'"}[kind] + src[e:]
    if kind == "dup":
        return src[:e] + " " + w + src[e:]
    j = rng.randrange(len(w) - 1)
    return src[:s] + w[:j] + w[j + 1] + w[j] + w[j + 2:] + src[e:]


def read(path):
    with open(path, encoding="latin-1") as f:
        return f.read()


ok(len(files) >= 20, "found the hand-written schemas (%d files)" % len(files))
rng = random.Random(13)
worst = {}
for kind in KINDS:
    bad = []
    for _ in range(60):
        src = read(rng.choice(files))
        out = mutate(rng, src, kind)
        if out is None:
            continue
        k, err = errors(out)
        if k > (2 if kind == "quote" else 1):
            bad.append("%d errors:\n%s\n%s" % (k, out, err))
    ok(not bad, "one edit (%s) gives at most %s error%s" % (kind, "two" if kind == "quote" else "one",
                                                          "s" if kind == "quote" else ""),
       "\n".join(bad[:2]))

rng = random.Random(29)
bad = []
for _ in range(120):
    a = mutate(rng, read(rng.choice(files)), rng.choice(KINDS[:7]))
    b = mutate(rng, read(rng.choice(files)), rng.choice(KINDS[:7]))
    if a is None or b is None:
        continue
    na, _ = errors(a)
    nb, _ = errors(b)
    nab, err = errors(a.rstrip("\n") + "\n\n" + b)
    if nab != na + nb:
        bad.append("%d + %d != %d:\n%s" % (na, nb, nab, err))
ok(not bad, "two broken files concatenated: the errors of each, no more, no fewer", "\n".join(bad[:2]))

many = "".join("entity t%d {\n  a%d: text\n}\n\n" % (i, i) for i in range(30))
k, err = errors(many)
ok(k == 20 and err.rstrip().endswith("stravc: error: too many errors, stopping")
   and "a19: text" in err and "a20: text" not in err,
   "30 broken declarations: the first 20 errors, then 'too many errors, stopping'", err)
print("1..%d" % n)
sys.exit(1 if failed else 0)
