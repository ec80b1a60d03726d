#!/usr/bin/env python3
# tests/install/manpages.t - the man pages (docs/man/*.scd) never drift from the programs'
# --help: for strav and strav-run the OPTIONS section lists exactly the options `--help`
# prints; for stravc every command of `stravc --help` has a "## stravc CMD" section listing
# exactly the options `stravc CMD --help` prints (usage line and option table). Both sides are
# parsed; an option added to one only is a failure. The scdoc sources must also build, and
# the bash and zsh completions must know every long option.
import os, re, shutil, subprocess, sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
n = 0
failed = False


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed = True
        for line in diag.splitlines():
            print("# " + line)


OPT = re.compile(r"^--?[A-Za-z][A-Za-z0-9-]*$")
METAVAR = re.compile(r"^[A-Z][A-Z0-9_.]*$")


def leading_options(line):
    """The options an option-table line starts with: '-s, --scope DOMAIN  text' -> -s, --scope."""
    out = []
    for tok in line.strip().replace(",", " ").split():
        tok = tok.split("=")[0]
        if OPT.match(tok):
            out.append(tok)
        elif METAVAR.match(tok) and out:
            continue  # DOMAIN, N, T, URL...
        else:
            break
    return out


def help_options(text):
    """Options of a --help text: bracketed ones in the usage lines and the option table."""
    opts = set()
    in_usage = False
    for line in text.splitlines():
        low = line.lower()
        if low.startswith("usage:"):
            in_usage = True
        elif in_usage and not line.startswith(" "):
            in_usage = False
        if in_usage:
            for br in re.findall(r"\[([^\]]*)\]", line):
                for tok in br.replace("|", " ").split():
                    if OPT.match(tok.split("=")[0]):
                        opts.add(tok.split("=")[0])
            continue
        if line.lstrip().startswith("-"):
            opts.update(leading_options(line))
    return opts


def scd_sections(path):
    """{section title: set of options} of an scdoc page: option lines are '*-x*, *--xx* _ARG_'."""
    secs = {}
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^(#+) (.*)$", line)
            if m:
                cur = m.group(2).strip()
                secs.setdefault(cur, set())
                continue
            if cur and line.startswith("*-"):
                plain = re.sub(r"[*_]", "", line)
                secs[cur].update(leading_options(plain))
    return secs


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def compare(name, man, helped):
    ok(man == helped, name,
       "only in --help: %s\nonly in the man page: %s" % (sorted(helped - man), sorted(man - helped)))


# Self-check of the parsers on hand-written text, so a parser that finds nothing cannot pass.
ok(help_options("usage: x [--a N] [-b]\n\n  -c, --cc DIR   text --not-this\n      --d T SET x\n")
   == {"--a", "-b", "-c", "--cc", "--d"}, "help parser reads usage brackets and option table")
ok(leading_options(re.sub(r"[*_]", "", "*-s*, *--scope* _DOMAIN_")) == ["-s", "--scope"],
   "man parser reads an scdoc option line")

if shutil.which("scdoc"):
    for f in sorted(os.listdir("docs/man")):
        if f.endswith(".scd"):
            with open("docs/man/" + f, "rb") as src:
                p = subprocess.run(["scdoc"], stdin=src, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
            ok(p.returncode == 0 and b".TH" in p.stdout, "scdoc builds docs/man/" + f,
               p.stderr.decode(errors="replace"))
else:
    print("ok %d - scdoc builds the pages # SKIP scdoc not installed" % (n + 1))
    n += 1

for prog in ("strav", "strav-run"):
    rc, out = run([BUILD + "/" + prog, "--help"])
    ok(rc == 0, prog + " --help exits 0")
    secs = scd_sections("docs/man/%s.1.scd" % prog)
    compare(prog + "(1) OPTIONS match " + prog + " --help", secs.get("OPTIONS", set()),
            help_options(out))

# Each command's own --help lists only options the page documents.
RUNTIME_CMDS = {
    "strav": ["generate:migration", "migrate", "rollback", "migration:fresh", "migration:status",
              "db:stop", "db:url", "db:pull", "db:drift", "migration:baseline"],
    "strav-run": ["migrate", "rollback", "fresh", "status", "stop", "url", "pull", "drift",
                  "baseline"],
}
for prog, cmds in RUNTIME_CMDS.items():
    page = scd_sections("docs/man/%s.1.scd" % prog).get("OPTIONS", set())
    for c in cmds:
        rc, out = run([BUILD + "/" + prog, c, "--help"])
        own = help_options(out)
        ok(rc == 0 and own and own <= page, "%s %s --help: its options are in %s(1)" % (prog, c, prog),
           "rc %d; not in the page: %s" % (rc, sorted(own - page)))

rc, out = run([BUILD + "/stravc", "--help"])
ok(rc == 0, "stravc --help exits 0")
cmds = []
incmds = False
for line in out.splitlines():
    if line.strip() == "commands:":
        incmds = True
    elif incmds and line.startswith("  ") and line.strip():
        cmds.append(line.split()[0])
    elif incmds and not line.strip() and cmds:
        incmds = False
ok(len(cmds) >= 5, "stravc --help lists its commands", out)
secs = scd_sections("docs/man/stravc.1.scd")
mancmds = sorted(s.split()[1] for s in secs if s.startswith("stravc "))
ok(sorted(cmds) == mancmds, "stravc(1) has one section per command",
   "--help: %s\nman: %s" % (sorted(cmds), mancmds))
for c in cmds:
    rc, out = run([BUILD + "/stravc", c, "--help"])
    ok(rc == 0, "stravc %s --help exits 0" % c, out)
    compare("stravc(1) '%s' options match stravc %s --help" % (c, c),
            secs.get("stravc " + c, set()), help_options(out))

# The completion scripts know every long option some --help prints.
helped = set()
for prog in (["strav"], ["strav-run"], ["stravc"]) + tuple(["stravc", c] for c in cmds) + tuple(
        [p, c] for p, cs in RUNTIME_CMDS.items() for c in cs):
    helped |= {o for o in help_options(run([BUILD + "/" + prog[0]] + prog[1:] + ["--help"])[1])
               if o.startswith("--")}
for comp in ("completions/strav.bash", "completions/_strav"):
    with open(comp) as f:
        words = set(re.findall(r"--[a-z][a-z0-9-]*", f.read()))
    ok(helped <= words, comp + " completes every long option of the --help texts",
       "missing: %s" % sorted(helped - words))

print("1..%d" % n)
sys.exit(1 if failed else 0)
