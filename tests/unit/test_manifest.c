/*
 * test_manifest.c - the manifest.json migdir.c writes directly is byte for byte the text
 * jansson makes of the same object (json_dumps, JSON_INDENT(2): the format every earlier
 * version was written in), on hostile input: quotes, backslashes, control bytes, non-ASCII
 * in the message and the table names, a per-tenant domain, online and destructive plans, a
 * parent or none, lint, uses and checkpoint members; and a message that is not UTF-8 (jansson
 * drops it) gives jansson's text too.
 */
#include <string.h>

#include "diff.h"
#include "migdir.h"
#include "model_json.h"
#include "strbuf.h"
#include "tap.h"

static Arena A;
static Diag D;

static Model parse(const char *json)
{
    Model m;
    if (!model_json_read(&A, json, strlen(json), "test.json", &m, &D))
        BUG("bad fixture");
    return m;
}

#define INT(n) "{\"name\":\"" n "\",\"type\":{\"kind\":\"integer\"},\"nullable\":false}"
#define TABLE(t) "{\"name\":\"" t "\",\"columns\":[" INT("id") "]}"

/* both texts of one manifest; ok when they are equal */
static bool same(const Plan *p, const Model *m, const char *message, const char *parent,
                 const char *extra)
{
    StrBuf direct = SB_INIT, ref = SB_INIT;
    migdir_manifest_test(&direct, p, m, "1700000000123", message, 1700000000123, parent, extra,
                         false);
    migdir_manifest_test(&ref, p, m, "1700000000123", message, 1700000000123, parent, extra,
                         true);
    bool eq = direct.len == ref.len && !memcmp(sb_str(&direct), sb_str(&ref), direct.len);
    if (!eq) {
        size_t i = 0;
        while (i < direct.len && i < ref.len && direct.buf[i] == ref.buf[i])
            i++;
        printf("# differ at byte %zu: direct '%.40s' jansson '%.40s'\n", i, sb_str(&direct) + i,
               sb_str(&ref) + i);
    }
    sb_release(&direct);
    sb_release(&ref);
    return eq;
}

static const char *HOSTILE = "quote \" backslash \\ tab \t nl \n cr \r bs \b ff \f ctl \x01\x1f "
                             "del \x7f slash / e\xcc\x81 \xc3\xa9 emoji \xf0\x9f\x98\x80 end";

int main(void)
{
    arena_init(&A);
    diag_init(&D);
    Model empty = parse("{\"domain\":\"public\",\"schema\":\"public\",\"tenants\":null,"
                        "\"enums\":[],\"tables\":[]}");
    Model odd = parse("{\"domain\":\"public\",\"schema\":\"public\",\"tenants\":null,"
                      "\"enums\":[{\"name\":\"st\",\"values\":[\"a\",\"b\\\"c\"]}],\"tables\":["
                      TABLE("plain") "," TABLE("we\\\"ird\\\\na me") "," TABLE("caf\xc3\xa9")
                      "," TABLE("a/b") "]}");
    TEST("an initial migration with odd names and a hostile message: jansson's bytes")
    {
        Plan p;
        plan_init(&p, &A);
        CHECK(diff_models(&empty, &odd, &p, &D));
        CHECK(p.nfiles >= 5);
        CHECK(same(&p, &odd, HOSTILE, NULL, NULL));
        CHECK(same(&p, &odd, "", "1699999999999", NULL));
        plan_release(&p);
    }
    TEST("dropping tables (destructive, irreversible), online: jansson's bytes")
    {
        Plan p;
        plan_init(&p, &A);
        CHECK(diff_models(&odd, &empty, &p, &D));
        CHECK(p.ndestructive > 0);
        CHECK(same(&p, &empty, HOSTILE, "1", NULL));
        plan_online(&p);
        CHECK(same(&p, &empty, "online", "1", NULL));
        plan_release(&p);
    }
    TEST("a per-tenant domain, lint, uses and a checkpoint member: jansson's bytes")
    {
        Model t = parse("{\"domain\":\"tenant\",\"schema\":\"tenant\",\"tenants\":{\"query\":"
                        "\"select name from public.\\\"t\\\" where x = 'y'\",\"pattern\":"
                        "\"t_%\"},\"enums\":[],\"tables\":[" TABLE("x") "]}");
        Model t0 = parse("{\"domain\":\"tenant\",\"schema\":\"tenant\",\"tenants\":{},"
                         "\"enums\":[],\"tables\":[]}");
        Plan p;
        plan_init(&p, &A);
        CHECK(diff_models(&t0, &t, &p, &D));
        migdir_manifest_lint("{\"suppressed\": [{\"code\": \"SL101\", \"file\": "
                             "\"tables/x/up.sql\", \"line\": 3, \"ratio\": 0.5, \"ok\": true, "
                             "\"why\": \"a\\nb \\u00e9\"}], \"empty\": {}, \"none\": []}");
        migdir_manifest_uses("{\"public\": \"1700000000000\"}");
        CHECK(same(&p, &t, HOSTILE, "5", "{\"checkpoint\": {\"covers\": [\"1\", \"2\"]}}"));
        migdir_manifest_lint("not json");
        CHECK(same(&p, &t, "lint text that does not parse is left out by both", NULL, NULL));
        migdir_manifest_lint(NULL);
        migdir_manifest_uses(NULL);
        CHECK(same(&p, &t0, "tenants without query or pattern", NULL, NULL));
        plan_release(&p);
    }
    TEST("a message that is not UTF-8, an extra member named like a standard one: jansson's")
    {
        Plan p;
        plan_init(&p, &A);
        CHECK(diff_models(&empty, &odd, &p, &D));
        CHECK(same(&p, &odd, "bad \xff\xfe utf-8", NULL, NULL));
        CHECK(same(&p, &odd, "over\xc0\xaflong", NULL, NULL));
        CHECK(same(&p, &odd, "m", NULL, "{\"parent\": \"x\", \"extra\": 1}"));
        StrBuf sb = SB_INIT;
        migdir_manifest(&sb, &p, &odd, "2", "bad \xff", 0, NULL);
        CHECK(strstr(sb_str(&sb), "\"message\"") == NULL); /* jansson drops it */
        sb_release(&sb);
        plan_release(&p);
    }
    diag_release(&D);
    arena_free(&A);
    return tap_done();
}
