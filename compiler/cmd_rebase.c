/*
 * cmd_rebase.c - `stravc rebase [-s DOMAIN]`: repair a forked history (history.h). Two
 * branches each generated migrations on the same parent and were merged; the side with the
 * newer head is regenerated on top of the other: the snapshots of the common parent and of
 * both heads are merged three-way (model_merge3), the union is diffed against the older head,
 * one migration is written on top of it (migdir_write) and the newer side's directories are
 * removed. Refuses when both sides changed one object differently, and (without --force)
 * when a removed migration is more than a day old: it may have been applied somewhere.
 * On a linear history it only rewrites a stale <domain>.lock.
 */
#define _XOPEN_SOURCE 700 /* nftw (with _DEFAULT_SOURCE from the Makefile: timegm) */
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_json.h"
#include "commands.h"
#include "diff.h"
#include "history.h"
#include "migdir.h"
#include "model_json.h"
#include "model_merge.h"
#include "project.h"
#include "strbuf.h"

static const char rebase_usage[] =
    "usage: stravc rebase [-s DOMAIN] [-m MESSAGE] [--force] [--migrations DIR]\n"
    "                     [--schemas DIR] [--json]\n"
    "\n"
    "Repair a forked migration history (two migrations with the same parent, after merging\n"
    "two branches that each generated one): the side whose newest migration is newer is\n"
    "replaced by one migration on top of the other side, bringing it to the union of both\n"
    "sides' changes (three-way merge of the snapshots). Refused when both sides changed the\n"
    "same object differently. On a linear history, rewrites a stale <domain>.lock.\n"
    "\n"
    "  -s, --scope DOMAIN    the domain (default public)\n"
    "  -m, --message MSG     the new migration's message (default: the replaced ones')\n"
    "  --force               replace migrations generated more than a day ago (they may have\n"
    "                        been applied somewhere: see docs/history.md)\n"
    "  --migrations DIR      the migrations folder (default database/migrations)\n"
    "  --schemas DIR         the schemas folder, to compare the result with (default\n"
    "                        database/schemas)\n"
    "  --json                one JSON object: what was removed and written (docs/cli.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 repaired or nothing to do, 1 refused or errors, 2 usage error.\n";

typedef struct Opts {
    const char *domain, *migrations, *schemas, *message;
    bool force, json;
} Opts;

static int parse_opts(int argc, char **argv, Opts *o)
{
    static const struct option longopts[] = {
        { "scope", required_argument, NULL, 's' },     { "domain", required_argument, NULL, 's' },
        { "message", required_argument, NULL, 'm' },   { "force", no_argument, NULL, 'f' },
        { "migrations", required_argument, NULL, 'M' }, { "schemas", required_argument, NULL, 'S' },
        { "json", no_argument, NULL, 'j' },            { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    o->domain = "public";
    o->migrations = "database/migrations";
    o->schemas = "database/schemas";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:s:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->domain = optarg;
            break;
        case 'm':
            o->message = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        case 'M':
            o->migrations = optarg;
            break;
        case 'S':
            o->schemas = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        default:
            return cmd_opt_other(c, argv, rebase_usage);
        }
    }
    return cmd_opt_extra(argc, argv, rebase_usage) ? 2 : -1;
}

/* generatedAt (YYYY-MM-DDTHH:MM:SS.mmmZ) as epoch ms; the version (epoch ms) when absent. */
static uint64_t generated_ms(const HistVersion *v)
{
    struct tm tm = { 0 };
    int ms = 0;
    if (v->generated_at && sscanf(v->generated_at, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year,
                                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                                  &ms) >= 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        return (uint64_t)timegm(&tm) * 1000 + (uint64_t)ms;
    }
    return strtoull(v->version, NULL, 10);
}

/* A snapshot as JSON (NULL with an error printed). */
static json_t *load_snapshot(const History *h, const char *version)
{
    StrBuf p = SB_INIT;
    sb_addf(&p, "%s/%s/snapshot.json", h->dir, version);
    json_error_t e;
    json_t *j = json_load_file(p.buf, 0, &e);
    if (!j)
        fprintf(stderr, "stravc: error: cannot read %s: %s\n", p.buf, e.text);
    sb_release(&p);
    return j;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static bool json_model(Arena *a, json_t *j, const char *what, Model *m, Diag *d)
{
    char *text = json_dumps(j, JSON_COMPACT);
    bool ok = text && model_json_read(a, text, strlen(text), what, m, d);
    free(text);
    return ok;
}

/* Compare the merged model with the schema files, when they load: a difference means the
 * merged .strav files are not the union the snapshots say (or were edited since). */
static void compare_with_schemas(const Opts *o, Arena *a, const Model *merged)
{
    ProjectLoad pl = { 0 };
    Diag d;
    diag_init(&d);
    if (project_load(&pl, a, o->schemas, o->domain, &d) && !diag_count_errors(&d))
        for (size_t i = 0; i < pl.project.ndomains; i++) {
            if (strcmp(pl.project.domains[i].domain, o->domain))
                continue;
            Plan p;
            plan_init(&p, a);
            if (diff_models(merged, &pl.project.domains[i], &p, &d) && !plan_empty(&p))
                printf("Note: the schema files differ from the union of the two sides; run "
                       "'stravc diff -s %s' to see how.\n",
                       o->domain);
            plan_release(&p);
        }
    project_release(&pl);
    diag_release(&d);
}

static int relock(const History *h, Diag *d)
{
    bool exists;
    StrBuf problem = SB_INIT;
    bool same = history_lock_matches(h, &exists, &problem);
    sb_release(&problem);
    if (same && exists) {
        printf("The history of domain %s is linear; nothing to do.\n", h->domain);
        return 0;
    }
    if (!history_write_lock(h, d))
        return 1;
    printf("The history of domain %s is linear; %s.lock %s.\n", h->domain, h->dir,
           exists ? "rewritten" : "written");
    return 0;
}

int cmd_rebase(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.json)
        cli_json_begin("rebase");
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    json_t *jbase = NULL, *jkeep = NULL, *jnew = NULL, *merged = NULL;
    Plan plan;
    bool have_plan = false;
    rc = 1;
    History h;
    if (!history_load(&a, o.migrations, o.domain, &h, &d))
        goto out;
    HistFork f = history_find_fork(&h);
    if (f.kind == HIST_LINEAR) {
        rc = relock(&h, &d);
        goto out;
    }
    if (f.kind == HIST_ORPHAN) {
        StrBuf sb = SB_INIT;
        history_fork_message(&sb, &h, &f);
        fprintf(stderr, "Error: %s\n", sb.buf);
        sb_release(&sb);
        goto out;
    }
    size_t ha = history_chain_head(&h, f.a), hb = history_chain_head(&h, f.b);
    if (ha == SIZE_MAX || hb == SIZE_MAX) {
        fprintf(stderr, "Error: the history of domain %s forks more than once after %s; "
                        "remove the extra migrations by hand, then run stravc rebase again\n",
                o.domain, f.parent ? f.parent : "its start");
        goto out;
    }
    /* keep the side with the older head; regenerate the other */
    bool b_newer = migdir_version_cmp(h.v[hb].version, h.v[ha].version) > 0;
    size_t keep = b_newer ? ha : hb, start = b_newer ? f.b : f.a, head = b_newer ? hb : ha;
    /* the replaced side's versions: its chain from start to head */
    size_t *gone = ARENA_ARRAY(&a, size_t, h.n + 1), ngone = 0;
    for (size_t cur = start;;) {
        gone[ngone++] = cur;
        if (cur == head)
            break;
        for (size_t i = cur + 1; i < h.n; i++)
            if (h.v[i].parent && !strcmp(h.v[i].parent, h.v[cur].version)) {
                cur = i;
                break;
            }
    }
    uint64_t now = migdir_now_ms();
    if (!o.force)
        for (size_t i = 0; i < ngone; i++) {
            uint64_t g = generated_ms(&h.v[gone[i]]);
            if (now > g && now - g > 24ull * 3600 * 1000) {
                fprintf(stderr,
                        "Error: migration %s (\"%s\") was generated more than a day ago and may "
                        "already be applied to a database (a shared or production one); "
                        "rebasing would replace it. If no database has applied it, run "
                        "stravc rebase -s %s --force\n",
                        h.v[gone[i]].version, h.v[gone[i]].message, o.domain);
                goto out;
            }
        }
    /* three snapshots: common parent (or nothing), the kept head, the replaced head */
    if (f.parent)
        jbase = load_snapshot(&h, f.parent);
    else
        jbase = json_object();
    jkeep = load_snapshot(&h, h.v[keep].version);
    jnew = load_snapshot(&h, h.v[head].version);
    if (!jbase || !jkeep || !jnew)
        goto out;
    StrBuf conflicts = SB_INIT;
    merged = model_merge3(jbase, jkeep, jnew, &conflicts);
    if (!merged) {
        fprintf(stderr,
                "Error: cannot rebase: both sides of the fork changed the same objects of domain "
                "%s differently:\n",
                o.domain);
        for (const char *p = conflicts.buf; p && *p;) {
            size_t n = strcspn(p, "\n");
            fprintf(stderr, "  - %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
        fprintf(stderr,
                "Nothing was changed. Decide by hand: remove one side's migrations (%s ... %s), "
                "fix the schema files, then stravc generate.\n",
                h.v[start].version, h.v[head].version);
        sb_release(&conflicts);
        goto out;
    }
    sb_release(&conflicts);
    Model mkeep, mmerged;
    if (!json_model(&a, jkeep, "snapshot of the kept head", &mkeep, &d) ||
        !json_model(&a, merged, "merged snapshot", &mmerged, &d))
        goto out;
    plan_init(&plan, &a);
    have_plan = true;
    if (!diff_models(&mkeep, &mmerged, &plan, &d))
        goto out;
    /* the new version: newer than every version, the removed ones too */
    const char *parent = h.v[keep].version;
    char version[32] = "";
    if (!plan_empty(&plan)) {
        const char *max = h.v[h.n - 1].version;
        snprintf(version, sizeof version, "%llu",
                 (unsigned long long)migdir_next_version(now, max));
        StrBuf msg = SB_INIT;
        if (o.message) {
            sb_adds(&msg, o.message);
        } else {
            for (size_t i = 0; i < ngone; i++)
                sb_addf(&msg, "%s%s", i ? "; " : "", h.v[gone[i]].message);
        }
        bool ok = migdir_write(o.migrations, &mmerged, &plan, version, sb_str(&msg), now, parent,
                               &d);
        sb_release(&msg);
        if (!ok)
            goto out;
    }
    for (size_t i = 0; i < ngone; i++) {
        char *p = arena_printf(&a, "%s/%s", h.dir, h.v[gone[i]].version);
        if (nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
            fprintf(stderr, "stravc: error: cannot remove %s\n", p);
            goto out;
        }
    }
    History after;
    if (!history_load(&a, o.migrations, o.domain, &after, &d) || !history_write_lock(&after, &d))
        goto out;
    printf("Rebased domain %s: removed", o.domain);
    cli_json_set("removed", json_array());
    for (size_t i = 0; i < ngone; i++) {
        printf(" %s", h.v[gone[i]].version);
        cli_json_push("removed", json_string(h.v[gone[i]].version));
    }
    cli_json_set("written", *version ? json_string(version) : json_null());
    if (*version)
        printf("; wrote %s on top of %s (the union of both sides).\n", version, parent);
    else
        printf("; their changes were already in %s: no new migration.\n", parent);
    compare_with_schemas(&o, &a, &mmerged);
    rc = 0;
out:
    if (have_plan)
        plan_release(&plan);
    json_decref(jbase);
    json_decref(jkeep);
    json_decref(jnew);
    json_decref(merged);
    cli_diag_flush(&d);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}
