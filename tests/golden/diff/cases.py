#!/usr/bin/env python3
# cases.py - writes the old.json/new.json model pairs of the diff golden cases (one directory
# per case). Re-run after editing; then `BLESS=1 tests/golden/diff.t` and review expected.sql.
import copy, json, os

def col(name, kind, null=False, **kw):
    t = {"kind": kind}
    for k in ("length", "precision", "scale", "dims", "enum"):
        if k in kw:
            t[k] = kw.pop(k)
    c = {"name": name, "type": t, "nullable": null}
    c.update(kw)
    return c

def table(name, cols, pk=None, **kw):
    t = {"name": name, "archetype": "table", "columns": cols}
    if pk:
        t["primaryKey"] = {"name": name + "_pkey", "columns": pk}
    t.update(kw)
    return t

def model(tables=(), enums=()):
    return {"domain": "public", "schema": "public", "tenants": None,
            "enums": sorted(enums, key=lambda e: e["name"]),
            "tables": sorted(tables, key=lambda t: t["name"])}

def dflt(kind, text=None):
    d = {"kind": kind}
    if text is not None:
        d["text"] = text
    return d

ID = lambda: col("id", "integer")
EMPTY = model()
cases = {}

# a rich schema built from nothing: every column feature, keyword and odd names
org = table("org", [col("id", "bigint", identity="always"), col("name", "varchar", length=100),
                    col("tags", "text", null=True, dims=1), col("budget", "numeric", precision=10, scale=2,
                    default=dflt("number", "0")), col("note", "text", default=dflt("string", "it's"))],
            ["id"], comment="Organisations", checks=[{"name": "org_budget_check", "expr": "budget >= 0"}],
            uniques=[{"name": "org_name_key", "columns": ["name"]}])
sel = table("select", [ID(), col("org_id", "bigint"), col("my\"col", "char", length=26, null=True),
                       col("role", "enum", enum="role", default=dflt("string", "user")),
                       col("active", "boolean", default=dflt("bool", "true")),
                       col("at", "timestamptz", precision=3, default=dflt("expr", "CURRENT_TIMESTAMP")),
                       col("twice", "integer", null=True, generated="id * 2", comment="derived")],
            ["id"], foreignKeys=[{"name": "select_org_id_fkey", "columns": ["org_id"], "refTable": "org",
                                  "refColumns": ["id"], "onDelete": "cascade", "onUpdate": "noAction"}],
            indexes=[{"name": "select_org_id_idx", "method": "btree", "elements": [{"column": "org_id"}]},
                     {"name": "select_lower_idx", "unique": True, "method": "btree",
                      "elements": [{"expr": "lower(\"my\"\"col\")"}, {"column": "at", "desc": True, "nulls": "last"}],
                      "where": "active"}])
role = {"name": "role", "values": ["user", "admin"], "comment": "who"}
member = table("member", [col("org_id", "bigint"), col("user_id", "integer")], ["org_id", "user_id"],
               foreignKeys=[{"name": "member_org_fkey", "columns": ["org_id"], "refTable": "org", "refColumns": ["id"]},
                            {"name": "member_user_fkey", "columns": ["user_id"], "refTable": "select", "refColumns": ["id"]}])
RICH = model([org, sel, member], [role])
cases["create_all"] = (EMPTY, RICH)
cases["drop_all"] = (RICH, EMPTY)
cases["no_change"] = (RICH, RICH)

def mut(m, f):
    m = copy.deepcopy(m)
    f(m)
    m["tables"].sort(key=lambda t: t["name"])
    m["enums"].sort(key=lambda e: e["name"])
    return m

def T(m, name):
    return next(t for t in m["tables"] if t["name"] == name)

def C(m, t, name):
    return next(c for c in T(m, t)["columns"] if c["name"] == name)

BASE = model([table("users", [ID(), col("email", "varchar", length=100), col("bio", "text", null=True),
                              col("score", "integer", null=True), col("price", "numeric", precision=10, scale=2, null=True),
                              col("code", "char", length=26, null=True), col("flags", "integer", null=True, dims=1)],
                    ["id"], indexes=[{"name": "users_email_idx", "method": "btree", "elements": [{"column": "email"}]}]),
              table("posts", [ID(), col("user_id", "integer"), col("title", "text")], ["id"],
                    foreignKeys=[{"name": "posts_user_id_fkey", "columns": ["user_id"], "refTable": "users",
                                  "refColumns": ["id"]}])],
             [{"name": "status", "values": ["draft", "live"]}])

def add_cols(m):
    u = T(m, "users")["columns"]
    u.append(col("nick", "varchar", length=50, null=True))
    u.append(col("plan", "text", default=dflt("string", "free")))
    u.append(col("level", "integer", backfill=dflt("number", "1")))
    u.append(col("seq", "bigint", identity="byDefault"))
cases["add_column"] = (BASE, mut(BASE, add_cols))
cases["drop_column"] = (BASE, mut(BASE, lambda m: T(m, "users")["columns"].pop(2)))
def ren_col(m):
    c = C(m, "users", "bio"); c["name"] = "about"; c["was"] = ["bio"]
cases["rename_column"] = (BASE, mut(BASE, ren_col))
def ren_table(m):
    t = T(m, "users"); t["name"] = "people"; t["was"] = ["users"]
    T(m, "posts")["foreignKeys"][0]["refTable"] = "people"
cases["rename_table"] = (BASE, mut(BASE, ren_table))
def widen(m):
    C(m, "users", "email")["type"]["length"] = 255
    C(m, "users", "price")["type"].update(precision=12, scale=4)
    C(m, "users", "score")["type"]["kind"] = "bigint"
    C(m, "users", "bio")["type"] = {"kind": "varchar", "length": 500}
cases["type_widen"] = (BASE, mut(BASE, widen))
def narrow(m):
    C(m, "users", "email")["type"]["length"] = 50
    C(m, "users", "code")["type"]["kind"] = "varchar"
    C(m, "users", "bio")["type"] = {"kind": "integer"}
    C(m, "users", "flags")["type"]["dims"] = 2
    C(m, "users", "score")["type"] = {"kind": "enum", "enum": "status"}
cases["type_narrow"] = (BASE, mut(BASE, narrow))
def nullability(m):
    C(m, "users", "email")["nullable"] = True
    C(m, "users", "bio")["nullable"] = False
    C(m, "users", "bio")["backfill"] = dflt("string", "")
cases["nullability"] = (BASE, mut(BASE, nullability))
def defaults(m):
    C(m, "users", "bio")["default"] = dflt("string", "it's")
    C(m, "users", "score")["default"] = dflt("number", "-5")
    C(m, "users", "price")["default"] = dflt("expr", "(1.5 * 2)")
    C(m, "users", "flags")["default"] = dflt("expr", "'{}'::integer[]")
cases["default_set"] = (BASE, mut(BASE, defaults))
cases["default_change"] = (mut(BASE, defaults), mut(BASE, lambda m: (defaults(m), C(m, "users", "bio").update(default=dflt("string", "other")), C(m, "users", "score").pop("default"))))
def identity(m):
    C(m, "users", "id")["identity"] = "always"
    C(m, "posts", "id")["identity"] = "byDefault"
cases["identity_add"] = (BASE, mut(BASE, identity))
cases["identity_change"] = (mut(BASE, identity), mut(BASE, lambda m: C(m, "users", "id").update(identity="byDefault")))
def pk_change(m):
    T(m, "users")["primaryKey"]["columns"] = ["id", "email"]
    T(m, "users")["uniques"] = [{"name": "users_id_key", "columns": ["id"]}]
cases["pk_change"] = (BASE, mut(BASE, pk_change))
def fk_actions(m):
    T(m, "posts")["foreignKeys"][0].update(onDelete="setNull", onUpdate="cascade")
    C(m, "posts", "user_id")["nullable"] = True
cases["fk_actions"] = (BASE, mut(BASE, fk_actions))
def uniques(m):
    T(m, "users")["uniques"] = [{"name": "users_email_key", "columns": ["email"]},
                                {"name": "users_code_score_key", "columns": ["code", "score"]}]
cases["unique_add"] = (BASE, mut(BASE, uniques))
cases["unique_change"] = (mut(BASE, uniques), mut(BASE, lambda m: (uniques(m), T(m, "users")["uniques"][1].update(columns=["score", "code"]))))
def checks(m):
    T(m, "users")["checks"] = [{"name": "users_score_check", "expr": "score > 0"}]
cases["check_add"] = (BASE, mut(BASE, checks))
cases["check_change"] = (mut(BASE, checks), mut(BASE, lambda m: T(m, "users").update(checks=[{"name": "users_score_check", "expr": "score >= 0"}])))
def index_change(m):
    T(m, "users")["indexes"] = [
        {"name": "users_email_idx", "unique": True, "method": "btree", "elements": [{"column": "email", "desc": True}],
         "where": "score IS NOT NULL"},
        {"name": "users_flags_idx", "method": "gin", "elements": [{"column": "flags"}]},
        {"name": "users_lower_idx", "method": "hash", "elements": [{"expr": "lower(email)"}]}]
cases["index_change"] = (BASE, mut(BASE, index_change))
cases["index_rename"] = (BASE, mut(BASE, lambda m: T(m, "users")["indexes"][0].update(name="users_mail_idx")))
def enum_add(m):
    e = m["enums"][0]; e["values"] = ["new_first", "draft", "review", "live", "archived"]
cases["enum_add_values"] = (BASE, mut(BASE, enum_add))
def enum_used(m):
    enum_add(m)
    T(m, "posts")["columns"].append(col("state", "enum", enum="status", default=dflt("string", "review")))
cases["enum_value_used"] = (mut(BASE, lambda m: T(m, "posts")["columns"].append(col("old_state", "enum", enum="status", null=True))),
                            mut(BASE, lambda m: (enum_used(m), T(m, "posts")["columns"].insert(3, col("old_state", "enum", enum="status", null=True)))))
def enum_with_col(m):
    T(m, "posts")["columns"].append(col("state", "enum", enum="status", default=dflt("string", "draft")))
EBASE = mut(BASE, enum_with_col)
def enum_rename(m):
    e = m["enums"][0]; e["name"] = "post_status"; e["was"] = ["status"]
    e["values"] = ["draft", {"name": "published", "was": ["live"]}]
    C(m, "posts", "state")["type"]["enum"] = "post_status"
cases["enum_rename"] = (EBASE, mut(EBASE, enum_rename))
cases["enum_remove_value"] = (EBASE, mut(EBASE, lambda m: m["enums"][0].update(values=["draft"])))
# the column moves to another enum type (no `was` on the enum, as when an inline enum is renamed
# with its field): a value missing from the new type is a destructive removal; values kept under
# their name are not (value `was` hints: tests/unit/test_diff.c)
def enum_retype(values):
    def f(m):
        m["enums"] = [{"name": "kind", "values": values}]
        C(m, "posts", "state")["type"]["enum"] = "kind"
    return f
cases["enum_retype_remove_value"] = (EBASE, mut(EBASE, enum_retype(["draft"])))
cases["enum_retype_keep_values"] = (EBASE, mut(EBASE, enum_retype(["draft", "extra", "live"])))
cases["enum_create_drop"] = (BASE, mut(BASE, lambda m: m.update(enums=[{"name": "kind", "values": ["a", "b"]}])))
def comments(m):
    T(m, "users")["comment"] = "All the people"
    C(m, "users", "bio")["comment"] = "About them, it's free text"
    m["enums"][0]["comment"] = "Lifecycle"
cases["comments"] = (BASE, mut(BASE, comments))
cases["comments_change"] = (mut(BASE, comments), mut(BASE, lambda m: (comments(m), T(m, "users").pop("comment"), C(m, "users", "bio").update(comment="changed"))))
def generated(m):
    C(m, "users", "score")["generated"] = "id * 10"
cases["generated_change"] = (mut(BASE, generated), mut(BASE, lambda m: C(m, "users", "score").update(generated="id * 100")))
def drop_table(m):
    m["tables"] = [t for t in m["tables"] if t["name"] != "users"]
    T(m, "posts").pop("foreignKeys")
cases["drop_referenced_table"] = (BASE, mut(BASE, drop_table))
cases["drop_referencing_table"] = (BASE, mut(BASE, lambda m: m.update(tables=[t for t in m["tables"] if t["name"] != "posts"])))
def cycle(m):
    m["tables"].append(table("a", [ID(), col("b_id", "integer", null=True)], ["id"],
        foreignKeys=[{"name": "a_b_fkey", "columns": ["b_id"], "refTable": "b", "refColumns": ["id"]}]))
    m["tables"].append(table("b", [ID(), col("a_id", "integer", null=True)], ["id"],
        foreignKeys=[{"name": "b_a_fkey", "columns": ["a_id"], "refTable": "a", "refColumns": ["id"]}]))
cases["fk_cycle_create"] = (BASE, mut(BASE, cycle))
cases["fk_cycle_drop"] = (mut(BASE, cycle), BASE)
def fk_type(m):
    C(m, "users", "id")["type"]["kind"] = "bigint"
    C(m, "posts", "user_id")["type"]["kind"] = "bigint"
cases["key_type_change"] = (BASE, mut(BASE, fk_type))
cases["not_null_guard"] = (BASE, mut(BASE, lambda m: T(m, "users")["columns"].append(col("must", "text"))))
def seed_user(m):  # strav-original 6.1: add a nullable timestamptz to the seed's user
    T(m, "users")["columns"].append(col("email_verified_at", "timestamptz", null=True))
cases["add_nullable_timestamptz"] = (BASE, mut(BASE, seed_user))
def fk_options(m):
    T(m, "posts")["foreignKeys"][0].update(match="full", deferrable="deferred", notValid=True)
cases["fk_options"] = (BASE, mut(BASE, fk_options))
def fk_comment(m):
    T(m, "posts")["foreignKeys"][0]["comment"] = "who wrote it"
cases["object_comment_add"] = (BASE, mut(BASE, fk_comment))
cases["object_comment_drop"] = (mut(BASE, fk_comment), BASE)
def col_middle(m):
    T(m, "users")["columns"].insert(1, col("nick", "text", null=True))
cases["add_column_middle"] = (BASE, mut(BASE, col_middle))
def to_ts(m, using=True):
    m["tables"].append(table("logs", [ID(), col("at", "bigint")], ["id"]))
def to_ts_new(m, using=True):
    to_ts(m)
    c = C(m, "logs", "at")
    c["type"]["kind"] = "timestamptz"
    if using:
        c.update({"using": "to_timestamp(at)", "usingDown": "extract(epoch FROM at)::bigint"})
cases["type_change_using"] = (mut(BASE, to_ts), mut(BASE, to_ts_new))

here = os.path.dirname(os.path.abspath(__file__))
for name, (old, new) in cases.items():
    d = os.path.join(here, name)
    os.makedirs(d, exist_ok=True)
    for fn, m in (("old.json", old), ("new.json", new)):
        with open(os.path.join(d, fn), "w") as f:
            json.dump(m, f, indent=2, ensure_ascii=False)
            f.write("\n")
