#!/usr/bin/env python3
# randmodels.py SEED N OUTDIR - write N random model pairs OUTDIR/<i>/{old,new}.json for
# random.t. Seeded: the same SEED gives the same pairs. The old model is random; the new one is
# the old with random changes of every kind the diff handles (tables and columns added, dropped,
# renamed through `was`; type, nullability, default, identity, comment changes; keys, FKs,
# uniques, checks, indexes; enum values added, renamed, enums created and dropped). Models stay
# valid: FK columns typed like their target, constraints only over existing columns, NOT NULL
# columns added with a default or backfill.
import copy, json, os, random, sys

seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
R = random.Random(seed)
WORDS = ["alpha", "beta", "gamma", "delta", "user", "order", "select", "group", "item", "tag",
         "note", "price", "my table", "Mixed", "x\"y", "o'k"]

def typ():
    k = R.choice(["integer", "bigint", "text", "varchar", "numeric", "boolean", "timestamptz",
                  "smallint", "uuid", "jsonb", "date", "char"])
    t = {"kind": k}
    if k == "varchar":
        t["length"] = R.choice([10, 50, 255])
    if k == "char":
        t["length"] = R.choice([1, 26])
    if k == "numeric" and R.random() < 0.7:
        t["precision"] = R.choice([8, 10, 12]); t["scale"] = R.choice([0, 2])
    if R.random() < 0.1 and k not in ("jsonb",):
        t["dims"] = 1
    return t

def default_for(t, enums):
    if t.get("dims"):
        return None
    k = t["kind"]
    if k in ("integer", "bigint", "smallint"):
        return {"kind": "number", "text": str(R.randint(-5, 99))}
    if k == "numeric":
        return {"kind": "number", "text": R.choice(["0", "1", "-2"])}
    if k in ("text",) or (k == "varchar"):
        return {"kind": "string", "text": R.choice(["", "x", "it's"])}
    if k == "boolean":
        return {"kind": "bool", "text": R.choice(["true", "false"])}
    if k == "timestamptz":
        return {"kind": "expr", "text": "CURRENT_TIMESTAMP"}
    if k == "enum":
        e = next(e for e in enums if e["name"] == t["enum"])
        return {"kind": "string", "text": vname(R.choice(e["values"]))}
    return None

def vname(v):
    return v if isinstance(v, str) else v["name"]

class Names:
    def __init__(self):
        self.i = 0
    def __call__(self, base):
        self.i += 1
        return "%s_%d" % (base, self.i)

def new_column(m, tname, names, existing=False):
    t = typ()
    if m["enums"] and R.random() < 0.2:
        t = {"kind": "enum", "enum": R.choice(m["enums"])["name"]}
    c = {"name": names(R.choice(WORDS)), "type": t, "nullable": R.random() < 0.5}
    d = default_for(t, m["enums"]) if R.random() < 0.4 else None
    if d:
        c["default"] = d
    if existing and not c["nullable"] and not d:
        b = default_for(t, m["enums"])
        if b:
            c["backfill"] = b
        else:
            c["nullable"] = True
    if R.random() < 0.15:
        c["comment"] = R.choice(["a note", "it's here"])
    return c

def new_table(m, names):
    name = names(R.choice(WORDS))
    idt = {"kind": R.choice(["integer", "bigint"])}
    cols = [{"name": "id", "type": idt, "nullable": False}]
    if R.random() < 0.3:
        cols[0]["identity"] = R.choice(["always", "byDefault"])
    for _ in range(R.randint(1, 4)):
        cols.append(new_column(m, name, names))
    t = {"name": name, "archetype": "table", "columns": cols,
         "primaryKey": {"name": name[:40] + "_pkey", "columns": ["id"]}}
    if R.random() < 0.2:
        t["comment"] = "table " + name
    return t

def fix(m):
    """Drop what refers to missing things; keep FK columns typed like their target."""
    tables = {t["name"]: t for t in m["tables"]}
    for t in m["tables"]:
        cols = {c["name"] for c in t["columns"]}
        t["foreignKeys"] = [f for f in t.get("foreignKeys", []) if f["refTable"] in tables and
                            set(f["columns"]) <= cols]
        for f in t["foreignKeys"]:
            tgt = next(c for c in tables[f["refTable"]]["columns"] if c["name"] == "id")
            src = next(c for c in t["columns"] if c["name"] == f["columns"][0])
            src["type"] = {"kind": tgt["type"]["kind"]}
            src.pop("default", None)
            src.pop("identity", None)
        t["uniques"] = [u for u in t.get("uniques", []) if set(u["columns"]) <= cols]
        t["indexes"] = [i for i in t.get("indexes", []) if all(e["column"] in cols for e in i["elements"])]
        t["checks"] = [c for c in t.get("checks", []) if c["col"] in cols]
        for k in ("foreignKeys", "uniques", "indexes", "checks"):
            if not t[k]:
                del t[k]
    for t in m["tables"]:
        for c in t["columns"]:
            if c["type"]["kind"] == "enum" and not any(e["name"] == c["type"]["enum"] for e in m["enums"]):
                c["type"] = {"kind": "text"}
                c.pop("default", None)
            d = c.get("default")
            if d and c["type"]["kind"] == "enum":
                e = next(e for e in m["enums"] if e["name"] == c["type"]["enum"])
                if d["text"] not in [vname(v) for v in e["values"]]:
                    c["default"] = {"kind": "string", "text": vname(e["values"][0])}
    m["tables"].sort(key=lambda t: t["name"])
    m["enums"].sort(key=lambda e: e["name"])

def add_objects(m, t, names, p=0.3):
    others = [o for o in m["tables"]]
    if R.random() < p and others:
        tgt = R.choice(others)
        c = {"name": names("ref"), "type": {"kind": "integer"}, "nullable": R.random() < 0.5}
        if not c["nullable"]:
            c["nullable"] = True
        t["columns"].append(c)
        t.setdefault("foreignKeys", []).append({"name": names("fk"), "columns": [c["name"]],
            "refTable": tgt["name"], "refColumns": ["id"],
            "onDelete": R.choice(["noAction", "cascade", "setNull", "restrict"]),
            "onUpdate": R.choice(["noAction", "cascade"])})
    plain = [c["name"] for c in t["columns"] if not c["type"].get("dims") and c["type"]["kind"] not in ("jsonb",)]
    if R.random() < p and plain:
        t.setdefault("uniques", []).append({"name": names("uq"), "columns": R.sample(plain, min(len(plain), R.randint(1, 2)))})
    if R.random() < p and plain:
        cols = R.sample(plain, min(len(plain), R.randint(1, 2)))
        ix = {"name": names("ix"), "method": "btree",
              "elements": [dict(column=c, **({"desc": True} if R.random() < 0.3 else {})) for c in cols]}
        if R.random() < 0.3:
            ix["unique"] = True
        if R.random() < 0.3:
            ix["where"] = '"' + cols[0].replace('"', '""') + '" IS NOT NULL'
        t.setdefault("indexes", []).append(ix)
    if R.random() < p:
        c = R.choice(t["columns"])
        q = '"' + c["name"].replace('"', '""') + '"'
        t.setdefault("checks", []).append({"name": names("ck"), "expr": q + " IS NOT NULL OR true", "col": c["name"]})

def random_model(names):
    m = {"domain": "public", "schema": "public", "tenants": None, "enums": [], "tables": []}
    for _ in range(R.randint(0, 2)):
        m["enums"].append({"name": names("enum"), "values": [names("v") for _ in range(R.randint(1, 4))]})
    for _ in range(R.randint(1, 4)):
        m["tables"].append(new_table(m, names))
    for t in m["tables"]:
        add_objects(m, t, names)
    fix(m)
    return m

def mutate(old, names):
    m = copy.deepcopy(old)
    for t in m["tables"]:
        t.pop("was", None)
        for c in t["columns"]:
            c.pop("was", None); c.pop("backfill", None)
    for e in m["enums"]:
        e.pop("was", None)
        e["values"] = [vname(v) for v in e["values"]]
    for _ in range(R.randint(1, 4)):
        r = R.random()
        if r < 0.08 and m["tables"]:
            m["tables"].remove(R.choice(m["tables"]))
        elif r < 0.16:
            t = new_table(m, names); m["tables"].append(t); add_objects(m, t, names)
        elif r < 0.22 and m["tables"]:
            t = R.choice(m["tables"]); old_name = t["name"]; t["name"] = names("renamed"); t["was"] = [old_name] + t.get("was", [])
            for o in m["tables"]:
                for f in o.get("foreignKeys", []):
                    if f["refTable"] == old_name:
                        f["refTable"] = t["name"]
        elif r < 0.26 and m["enums"]:
            e = R.choice(m["enums"]); i = R.randrange(len(e["values"]) + 1); e["values"].insert(i, names("nv"))
        elif r < 0.30 and m["enums"]:
            e = R.choice(m["enums"]); i = R.randrange(len(e["values"])); ov = e["values"][i]
            o = vname(ov); prev = ov.get("was", []) if isinstance(ov, dict) else []
            nn = names("rv"); e["values"][i] = {"name": nn, "was": [o] + prev}
            for t in m["tables"]:
                for c in t["columns"]:
                    if c["type"].get("enum") == e["name"] and c.get("default", {}).get("text") == o:
                        c["default"]["text"] = nn
        elif r < 0.33:
            m["enums"].append({"name": names("enum"), "values": [names("v") for _ in range(R.randint(1, 3))]})
        elif r < 0.35 and m["enums"]:
            m["enums"].remove(R.choice(m["enums"]))
        elif m["tables"]:
            t = R.choice(m["tables"])
            cols = [c for c in t["columns"] if c["name"] != "id" and not any(
                c["name"] in f["columns"] for f in t.get("foreignKeys", []))]
            s = R.random()
            if s < 0.15:
                t["columns"].append(new_column(m, t["name"], names, existing=True))
            elif s < 0.25 and cols:
                t["columns"].remove(R.choice(cols))
            elif s < 0.35 and cols:
                c = R.choice(cols); o = c["name"]; c["name"] = names("rc"); c["was"] = [o] + c.get("was", [])
                for u in t.get("uniques", []):
                    u["columns"] = [c["name"] if x == o else x for x in u["columns"]]
                for i in t.get("indexes", []):
                    for e in i["elements"]:
                        if e["column"] == o:
                            e["column"] = c["name"]
                for k in t.get("checks", []):
                    if k["col"] == o:
                        k["col"] = c["name"]
                        k["expr"] = '"' + c["name"].replace('"', '""') + '" IS NOT NULL OR true'
                for i in t.get("indexes", []):
                    if "where" in i:
                        i.pop("where")
            elif s < 0.5 and cols:
                c = R.choice(cols); k = c["type"]["kind"]
                swaps = {"integer": "bigint", "bigint": "integer", "smallint": "integer", "text": "varchar",
                         "varchar": "text", "numeric": "numeric", "char": "varchar", "date": "timestamptz",
                         "timestamptz": "timestamptz", "boolean": "boolean", "uuid": "text", "jsonb": "jsonb", "enum": "text"}
                nk = swaps.get(k, k); nt = {"kind": nk}
                if nk == "varchar":
                    nt["length"] = R.choice([50, 255, 300])
                if nk == "numeric":
                    nt["precision"] = R.choice([12, 14]); nt["scale"] = R.choice([2, 4])
                if c["type"].get("dims"):
                    nt["dims"] = 1
                c["type"] = nt
                c.pop("default", None)
                for i in t.get("indexes", []):
                    i.pop("where", None)
            elif s < 0.6 and cols:
                c = R.choice(cols); c["nullable"] = not c["nullable"]
                if not c["nullable"] and "default" not in c:
                    b = default_for(c["type"], m["enums"])
                    if b:
                        c["backfill"] = b
                    else:
                        c["nullable"] = True
            elif s < 0.72 and cols:
                c = R.choice(cols); d = default_for(c["type"], m["enums"])
                if d and R.random() < 0.7:
                    c["default"] = d
                else:
                    c.pop("default", None)
            elif s < 0.77:
                c = t["columns"][0]
                c["identity"] = R.choice(["always", "byDefault", None])
                if c["identity"] is None:
                    del c["identity"]
                c.pop("default", None)
            elif s < 0.82 and cols:
                c = R.choice(cols)
                if "comment" in c:
                    del c["comment"]
                else:
                    c["comment"] = "now it's documented"
            elif s < 0.86:
                t["comment"] = R.choice(["changed", "it's a table"]) if "comment" not in t else None
                if t["comment"] is None:
                    del t["comment"]
            elif s < 0.93:
                for k in ("uniques", "indexes", "checks", "foreignKeys"):
                    if t.get(k) and R.random() < 0.5:
                        t[k].pop(R.randrange(len(t[k])))
            else:
                add_objects(m, t, names, 0.6)
            for f in t.get("foreignKeys", []):
                if R.random() < 0.2:
                    f["onDelete"] = R.choice(["noAction", "cascade", "restrict"])
    fix(m)
    return m

def strip(m):
    for t in m["tables"]:
        for c in t.get("checks", []):
            c.pop("col", None)
    return m

for i in range(n):
    names = Names()
    old = random_model(names)
    new = mutate(old, names)
    d = os.path.join(out, "%04d" % i)
    os.makedirs(d, exist_ok=True)
    for fn, m in (("old.json", old), ("new.json", new)):
        with open(os.path.join(d, fn), "w") as f:
            json.dump(strip(copy.deepcopy(m)), f, indent=1, ensure_ascii=False)
