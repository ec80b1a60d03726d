/*
 * cmd_generate.c - `stravc generate` (write a migration directory per domain with changes) and
 * `stravc diff` (print the plan, write nothing). Both: load the schemas (project_load) or, for
 * tests, two model JSON files; take each domain's latest snapshot as the old model; diff_models;
 * then migdir_write or emit_plan_text.
 */
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_json.h"
#include "commands.h"
#include "diff.h"
#include "emit_sql.h"
#include "gencache.h"
#include "history.h"
#include "migdir.h"
#include "model_json.h"
#include "sha256.h"
#include "plan_json.h"
#include "prefault.h"
#include "project.h"
#include "source.h"
#include "strbuf.h"
#include "xdomain.h"

typedef struct Opts {
    const char *schemas, *migrations, *domain, *message;
    const char *old_json, *new_json; /* hidden: diff two model files */
    bool allow_destructive, json, online;
} Opts;

static const char generate_usage[] =
    "usage: stravc generate -m MESSAGE [-s DOMAIN] [--schemas DIR] [--migrations DIR]\n"
    "                       [--allow-destructive] [--online] [--json]\n"
    "\n"
    "Compare the schemas with each domain's latest migration snapshot and write a new\n"
    "migration directory <migrations>/<domain>/<version>/ for every domain that changed.\n"
    "\n"
    "  -m, --message MSG     the migration's message (required)\n"
    "  -s, --scope DOMAIN    only this domain\n"
    "  --schemas DIR         the schemas folder (default database/schemas)\n"
    "  --migrations DIR      the migrations folder (default database/migrations)\n"
    "  --allow-destructive   allow changes that lose data (drop table/column, narrowing type\n"
    "                        change, enum value removal)\n"
    "  --online              write the non-blocking form of every change that has one\n"
    "                        (docs/online.md)\n"
    "  --json                one JSON object: the migrations written (docs/cli.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success or no changes, 1 errors reported (or destructive changes refused),\n"
    "2 usage error.\n";

static const char diff_usage[] =
    "usage: stravc diff [-s DOMAIN] [--schemas DIR] [--migrations DIR] [--online] [--json]\n"
    "\n"
    "Print the changes `stravc generate` would write (summary, then the SQL of every file,\n"
    "up then down), writing nothing.\n"
    "\n"
    "  -s, --scope DOMAIN    only this domain\n"
    "  --schemas DIR         the schemas folder (default database/schemas)\n"
    "  --migrations DIR      the migrations folder (default database/migrations)\n"
    "  --online              the online forms (docs/online.md)\n"
    "  --json                machine-readable output\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 nothing to do, 3 there are changes (so CI can fail on a forgotten\n"
    "generate), 1 errors reported (also a change generate would refuse because another\n"
    "domain uses what it drops or changes), 2 usage error.\n";

static int parse_opts(int argc, char **argv, Opts *o, const char *usage, bool generate)
{
    static const struct option longopts[] = {
        {"schemas", required_argument, NULL, 'S'},
        {"migrations", required_argument, NULL, 'M'},
        {"scope", required_argument, NULL, 's'},
        {"domain", required_argument, NULL, 's'},
        {"message", required_argument, NULL, 'm'},
        {"allow-destructive", no_argument, NULL, 'D'},
        {"online", no_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},
        {"old-json", required_argument, NULL, 'O'},
        {"new-json", required_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->schemas = "database/schemas";
    o->migrations = "database/migrations";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:s:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            o->schemas = optarg;
            break;
        case 'M':
            o->migrations = optarg;
            break;
        case 's':
            o->domain = optarg;
            break;
        case 'm':
            o->message = optarg;
            break;
        case 'D':
            o->allow_destructive = true;
            break;
        case 'o':
            o->online = true;
            break;
        case 'j':
            o->json = true;
            break;
        case 'O':
            o->old_json = optarg;
            break;
        case 'N':
            o->new_json = optarg;
            break;
        default:
            return cmd_opt_other(c, argv, usage);
        }
    }
    if (cmd_opt_extra(argc, argv, usage))
        return 2;
    if (generate && (!o->message || !*o->message)) {
        return cmd_usage_error(argv[0], "a message is required (-m MESSAGE)");
    }
    if (generate && o->old_json) {
        return cmd_usage_error(argv[0], "--old-json is a diff option");
    }
    if (!o->new_json != !o->old_json && !(o->new_json && !o->old_json)) {
        return cmd_usage_error(argv[0], "--old-json needs --new-json");
    }
    return -1;
}

char *(*cmd_generate_lint)(const Model *old_m, const Model *new_m, const Plan *p);


static bool read_model_file(Arena *a, const char *path, Model *m, Diag *d)
{
    Source *src = source_load(path);
    if (!src) {
        diag_global(d, DIAG_ERROR, "cannot read '%s'", path);
        return false;
    }
    bool ok = model_json_read(a, src->buf, src->len, path, m, d);
    source_free(src);
    return ok;
}

/* One domain to compare: the new model and the old one (snapshot or --old-json). */
typedef struct Work {
    const Model *new_m;
    Model old_m;
    const char *parent;
} Work;

static void print_summary(FILE *out, const Plan *p)
{
    const PlanSummary *s = &p->summary;
    fprintf(out,
            "  Tables: %d to create, %d to drop, %d to modify\n"
            "  Enums: %d to create, %d to modify, %d to drop\n",
            s->tables_create, s->tables_drop, s->tables_modify, s->enums_create, s->enums_modify,
            s->enums_drop);
    for (size_t i = 0; i < p->nirreversible; i++)
        fprintf(out, "  ! irreversible: %s\n", p->irreversible[i]);
}

static json_t *plan_json(const Plan *p, const Model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "domain", json_string(m->domain));
    const PlanSummary *s = &p->summary;
    json_t *js = json_object();
    json_object_set_new(js, "tablesToCreate", json_integer(s->tables_create));
    json_object_set_new(js, "tablesToDrop", json_integer(s->tables_drop));
    json_object_set_new(js, "tablesToModify", json_integer(s->tables_modify));
    json_object_set_new(js, "enumsToCreate", json_integer(s->enums_create));
    json_object_set_new(js, "enumsToModify", json_integer(s->enums_modify));
    json_object_set_new(js, "enumsToDrop", json_integer(s->enums_drop));
    json_object_set_new(o, "summary", js);
    json_t *ops = json_array();
    for (size_t i = 0; i < p->nops; i++)
        json_array_append_new(ops, json_string(p->ops[i].what));
    json_object_set_new(o, "changes", ops);
    json_object_set_new(o, "ops", plan_ops_json(p)); /* the typed changes (docs/plan-json.md) */
    json_t *files = json_array();
    StrBuf sb = SB_INIT;
    for (size_t i = 0; i < p->nfiles; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "up", json_string(p->files[i].up_path));
        json_object_set_new(f, "down", json_string(p->files[i].down_path));
        sb_reset(&sb);
        emit_plan_file(&sb, p, &p->files[i], false);
        json_object_set_new(f, "upSql", json_string(sb_str(&sb)));
        sb_reset(&sb);
        emit_plan_file(&sb, p, &p->files[i], true);
        json_object_set_new(f, "downSql", json_string(sb_str(&sb)));
        json_object_set_new(f, "nonTransactional", json_boolean(p->files[i].non_tx));
        json_array_append_new(files, f);
    }
    sb_release(&sb);
    json_object_set_new(o, "files", files);
    json_t *a = json_array();
    for (size_t i = 0; i < p->ndestructive; i++)
        json_array_append_new(a, json_string(p->destructive[i]));
    json_object_set_new(o, "destructive", a);
    a = json_array();
    for (size_t i = 0; i < p->nirreversible; i++)
        json_array_append_new(a, json_string(p->irreversible[i]));
    json_object_set_new(o, "irreversible", a);
    return o;
}

/* The run's domains for xdomain.h: those with a plan to write (generated) and every other
 * domain's latest snapshot; then the check and the order to write them in (xorder). */
static bool xdomain_prepare(XdSet *xs, Arena *a, const char *migrations, const char *schemas,
                            const Work *work,
                            size_t nwork, const Plan *plans, size_t *xorder, size_t *nxorder,
                            Diag *d)
{
    const Model **news = ARENA_ARRAY(a, const Model *, nwork + 1);
    const Model **olds = ARENA_ARRAY(a, const Model *, nwork + 1);
    const char **parents = ARENA_ARRAY(a, const char *, nwork + 1);
    bool *gen = ARENA_ARRAY(a, bool, nwork + 1);
    for (size_t i = 0; i < nwork; i++) {
        news[i] = work[i].new_m;
        olds[i] = &work[i].old_m;
        parents[i] = work[i].parent;
        gen[i] = !plan_empty(&plans[i]);
    }
    xdomain_load(xs, a, migrations, schemas, news, olds, parents, gen, nwork);
    return xdomain_check(xs, xorder, nxorder, d);
}

/* ---------------------------------------------------------------- incremental (issue 11)
 * The new snapshot is written first (model_json_write_compact_index): reading the previous
 * snapshot then takes, for every table whose text is byte-identical to the new one, the new
 * model's table instead of parsing it (model_json_reuse), so a 10% change parses 10% of the
 * old snapshot. Two threads: the history check and the reading of the latest snapshot's bytes
 * run beside the loading of the schemas, and the new snapshot's SHA-256 beside the diff. The
 * main thread takes the history check's result only when it had no diagnostic at all; anything
 * else is done again on the main thread, so output and messages never depend on the threads. */

typedef struct Prefetch {
    const char *migrations;
    const char **domains;
    size_t n;
    Arena a; /* what the history checks allocate, kept until the end of the run */
    bool *hist_ok; /* linear history, without a diagnostic */
    MigdirAhead *ahead; /* the latest snapshot's bytes (migdir_load_latest_ahead) */
    pthread_t th;
    bool started;
} Prefetch;

static void *prefetch_main(void *arg)
{
    Prefetch *pf = arg;
    for (size_t i = 0; i < pf->n; i++) {
        Diag dd;
        diag_init(&dd);
        pf->hist_ok[i] = history_check(&pf->a, pf->migrations, pf->domains[i], false, &dd) &&
                         diag_size(&dd) == 0;
        diag_release(&dd);
        migdir_read_ahead(&pf->a, pf->migrations, pf->domains[i], &pf->ahead[i]);
    }
    return NULL;
}

/* Start checking the histories of the domains the schemas folder has (all of them with
 * scope NULL) while the main thread loads the schemas. */
static void prefetch_start(Prefetch *pf, Arena *a, const char *schemas, const char *migrations,
                           const char *scope)
{
    memset(pf, 0, sizeof *pf);
    arena_init(&pf->a);
    pf->migrations = migrations;
    size_t nall = 0;
    const char **all = project_domains(a, schemas, &nall);
    if (!all)
        return;
    pf->domains = ARENA_ARRAY(a, const char *, nall + 1);
    for (size_t i = 0; i < nall; i++)
        if (!scope || !strcmp(all[i], scope))
            pf->domains[pf->n++] = all[i];
    pf->hist_ok = ARENA_ARRAY(a, bool, pf->n + 1);
    pf->ahead = ARENA_ARRAY(a, MigdirAhead, pf->n + 1);
    json_object_seed(0); /* jansson's one global, set before two threads may create objects */
    pf->started = pf->n && pthread_create(&pf->th, NULL, prefetch_main, pf) == 0;
}

static void prefetch_join(Prefetch *pf)
{
    if (pf->started)
        pthread_join(pf->th, NULL);
    if (!pf->started)
        pf->n = 0; /* nothing was read */
    pf->started = false;
}

static size_t prefetch_find(const Prefetch *pf, const char *domain)
{
    for (size_t i = 0; i < pf->n; i++)
        if (!strcmp(pf->domains[i], domain))
            return i;
    return SIZE_MAX;
}

static void prefetch_release(Prefetch *pf)
{
    size_t n = pf->n; /* a second join forgets it */
    prefetch_join(pf);
    for (size_t i = 0; i < n; i++)
        migdir_ahead_release(&pf->ahead[i]);
    arena_free(&pf->a);
}

/* The new snapshots' text, where each table lies in it, and its SHA-256 (made during the
 * diff). */
typedef struct SnapJob {
    const Model *m;
    StrBuf json;
    size_t *off, *len;
    char sha[65];
} SnapJob;

typedef struct Snapshots {
    SnapJob *job;
    size_t n;
    pthread_t th;
    bool started;
} Snapshots;

static void snapshots_write(Snapshots *s, const Work *work, size_t nwork)
{
    memset(s, 0, sizeof *s);
    s->job = xcalloc(nwork + 1, sizeof *s->job);
    s->n = nwork;
    for (size_t i = 0; i < nwork; i++) {
        SnapJob *j = &s->job[i];
        j->m = work[i].new_m;
        j->json = (StrBuf)SB_INIT;
        j->off = xcalloc(j->m->ntables + 1, sizeof *j->off);
        j->len = xcalloc(j->m->ntables + 1, sizeof *j->len);
        model_json_write_compact_index(&j->json, j->m, j->off, j->len);
    }
}

static void *snapshots_main(void *arg)
{
    Snapshots *s = arg;
    for (size_t i = 0; i < s->n; i++)
        sha256_hex(s->job[i].json.buf ? s->job[i].json.buf : "", s->job[i].json.len,
                   s->job[i].sha);
    return NULL;
}

static void snapshots_start(Snapshots *s)
{
    s->started = s->n && pthread_create(&s->th, NULL, snapshots_main, s) == 0;
    if (!s->started)
        snapshots_main(s);
}

static void snapshots_join(Snapshots *s)
{
    if (s->started)
        pthread_join(s->th, NULL);
    s->started = false;
}

static void snapshots_release(Snapshots *s)
{
    snapshots_join(s);
    for (size_t i = 0; i < s->n; i++) {
        sb_release(&s->job[i].json);
        free(s->job[i].off);
        free(s->job[i].len);
    }
    free(s->job);
    memset(s, 0, sizeof *s);
}

/* Write the new snapshots, then read each domain's latest snapshot taking from the new model
 * every table whose text is unchanged (model_json_reuse). */
static bool load_old(Arena *a, const Opts *o, Prefetch *pf, Snapshots *snaps, Work *work,
                     size_t nwork, Diag *d)
{
    snapshots_write(snaps, work, nwork);
    for (size_t i = 0; i < nwork; i++) {
        Work *w = &work[i];
        ModelJsonReuse reuse = {w->new_m, snaps->job[i].json.buf, snaps->job[i].off,
                                snaps->job[i].len};
        model_json_reuse(&reuse);
        size_t k = pf ? prefetch_find(pf, w->new_m->domain) : SIZE_MAX;
        bool ok = migdir_load_latest_ahead(a, o->migrations, w->new_m->domain, w->new_m,
                                           k == SIZE_MAX ? NULL : &pf->ahead[k], &w->old_m,
                                           &w->parent, d);
        model_json_reuse(NULL);
        if (!ok)
            return false;
    }
    return true;
}

static int run(int argc, char **argv, bool generate)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, generate ? generate_usage : diff_usage, generate);
    if (rc >= 0)
        return rc;
    if (o.json)
        cli_json_begin(generate ? "generate" : "diff");
    Arena a;
    arena_init(&a);
    prefault_enable(); /* the models of a big project: their pages faulted in on the other core */
    Diag d;
    diag_init(&d);
    ProjectLoad pl = {0};
    Prefetch pf = {0};
    arena_init(&pf.a);
    Snapshots snaps = {0};
    GenCache cache;
    gencache_open(&cache);
    history_use_cache(&cache);
    bool loaded = false;
    Work *work = NULL;
    size_t nwork = 0;
    rc = 1;
    if (o.new_json) {
        Model *nm = ARENA_NEW(&a, Model);
        work = ARENA_ARRAY(&a, Work, 1);
        nwork = 1;
        work[0].new_m = nm;
        if (!read_model_file(&a, o.new_json, nm, &d) ||
            (o.old_json && !read_model_file(&a, o.old_json, &work[0].old_m, &d)))
            goto out;
        if (!o.old_json && !load_old(&a, &o, NULL, &snaps, work, 1, &d))
            goto out;
    } else {
        loaded = true;
        prefetch_start(&pf, &a, o.schemas, o.migrations, o.domain);
        bool pl_ok = project_load(&pl, &a, o.schemas, o.domain, &d) && !diag_count_errors(&d);
        prefetch_join(&pf);
        if (!pl_ok)
            goto out;
        work = ARENA_ARRAY(&a, Work, pl.project.ndomains + 1);
        for (size_t i = 0; i < pl.project.ndomains; i++) {
            const Model *m = &pl.project.domains[i];
            if (o.domain && strcmp(m->domain, o.domain))
                continue; /* loaded only because the scope references it */
            work[nwork++].new_m = m;
        }
        if (!load_old(&a, &o, &pf, &snaps, work, nwork, &d))
            goto out;
        for (size_t i = 0; i < nwork; i++)
            work[i].old_m.schema_absent = !work[i].parent; /* adopt2: an empty domain still
                                                              gets a schema */
    }
    /* a forked history has no single "latest snapshot" to compare with: refuse */
    for (size_t i = 0; i < nwork; i++) {
        size_t k = prefetch_find(&pf, work[i].new_m->domain);
        if ((k == SIZE_MAX || !pf.hist_ok[k]) &&
            !history_check(&a, o.migrations, work[i].new_m->domain, false, &d))
            goto out;
    }
    cli_diag_flush(&d); /* warnings */

    if (generate && snaps.n)
        snapshots_start(&snaps);
    Plan *plans = ARENA_ARRAY(&a, Plan, nwork + 1);
    bool ok = true, any = false;
    for (size_t i = 0; i < nwork; i++) {
        plan_init(&plans[i], &a);
        if (!diff_models(&work[i].old_m, work[i].new_m, &plans[i], &d))
            ok = false;
        else if (o.online || work[i].new_m->online) /* --online, or @@online in the domain */
            plan_online(&plans[i]);
        any = any || !plan_empty(&plans[i]);
    }
    if (!ok)
        goto release;
    if (!generate) {
        /* what generate would refuse for the other domains' sake, diff reports too */
        if (loaded && any) {
            XdSet xs;
            size_t *xo = ARENA_ARRAY(&a, size_t, nwork + 1), nxo = 0;
            if (!xdomain_prepare(&xs, &a, o.migrations, o.schemas, work, nwork, plans, xo, &nxo,
                                 &d))
                goto release;
        }
        if (o.json) {
            json_t *arr = json_array();
            for (size_t i = 0; i < nwork; i++)
                json_array_append_new(arr, plan_json(&plans[i], work[i].new_m));
            cli_json_set("changes", json_boolean(any));
            cli_json_set("domains", arr);
        } else if (!any) {
            puts("No changes detected");
        } else {
            StrBuf sb = SB_INIT;
            for (size_t i = 0; i < nwork; i++) {
                if (plan_empty(&plans[i]))
                    continue;
                if (nwork > 1)
                    sb_addf(&sb, "-- domain %s\n", work[i].new_m->domain);
                emit_plan_text(&sb, &plans[i]);
            }
            fputs(sb_str(&sb), stdout);
            sb_release(&sb);
        }
        rc = any ? 3 : 0;
        goto release;
    }
    cli_json_set("migrations", json_array());
    if (!any) {
        puts("No changes detected");
        rc = 0;
        goto release;
    }
    if (!o.allow_destructive) {
        bool refused = false;
        for (size_t i = 0; i < nwork; i++) {
            if (!plans[i].ndestructive)
                continue;
            if (!refused)
                fputs("Error: the migration would destroy data:\n", stderr);
            refused = true;
            for (size_t k = 0; k < plans[i].ndestructive; k++)
                fprintf(stderr, "  - %s\n", plans[i].destructive[k]);
        }
        if (refused) {
            fputs("Nothing was written. Re-run with --allow-destructive to generate it.\n",
                  stderr);
            goto release;
        }
    }
    /* the domains together (xdomain.h): refuse a change that breaks another domain, and
     * write the migrations of one run in the order they must be applied */
    XdSet xs;
    size_t *xorder = ARENA_ARRAY(&a, size_t, nwork + 1), nxorder = 0;
    if (!xdomain_prepare(&xs, &a, o.migrations, o.schemas ? o.schemas : "", work, nwork, plans,
                         xorder, &nxorder, &d))
        goto release;
    uint64_t now = migdir_now_ms(), last = 0;
    bool related = xdomain_related(&xs);
    for (size_t k = 0; k < nxorder; k++) {
        size_t i = xorder[k];
        char version[32];
        uint64_t vn = migdir_next_version(now, work[i].parent);
        if (related && vn <= last) /* one run's related domains: versions in apply order */
            vn = last + 1;
        last = vn;
        snprintf(version, sizeof version, "%llu", (unsigned long long)vn);
        migdir_manifest_uses(xdomain_uses_json(&xs, i));
        char *lint = cmd_generate_lint ? cmd_generate_lint(&work[i].old_m, work[i].new_m,
                                                           &plans[i])
                                       : NULL;
        migdir_manifest_lint(lint);
        snapshots_join(&snaps);
        if (i < snaps.n)
            migdir_prepared_snapshot(snaps.job[i].m, &snaps.job[i].json, snaps.job[i].sha);
        bool written = migdir_write(o.migrations, work[i].new_m, &plans[i], version, o.message,
                                    now, work[i].parent, &d);
        migdir_manifest_lint(NULL);
        migdir_manifest_uses(NULL);
        migdir_prepared_snapshot(NULL, NULL, NULL);
        free(lint);
        if (!written)
            goto release;
        xdomain_wrote(&xs, i, version);
        gencache_put(&cache, migdir_written_manifest(), work[i].parent ? work[i].parent : "-");
        History h;
        if (!history_load(&a, o.migrations, work[i].new_m->domain, &h, &d) ||
            !history_write_lock(&h, &d))
            goto release;
        printf("✓ Migration generated: %s\n", version);
        if (cli_json_on()) { /* the plan's JSON holds every file's SQL again: only for --json */
            json_t *jm = json_object();
            json_object_set_new(jm, "domain", json_string(work[i].new_m->domain));
            json_object_set_new(jm, "version", json_string(version));
            json_object_set_new(jm, "dir", json_string(arena_printf(&a, "%s/%s/%s",
                                                                     o.migrations,
                                                                     work[i].new_m->domain,
                                                                     version)));
            json_object_set_new(jm, "plan", plan_json(&plans[i], work[i].new_m));
            cli_json_push("migrations", jm);
        }
        if (nwork > 1 || strcmp(work[i].new_m->domain, "public"))
            printf("  Domain: %s\n", work[i].new_m->domain);
        print_summary(stdout, &plans[i]);
    }
    rc = 0;
release:
    for (size_t i = 0; i < nwork; i++)
        plan_release(&plans[i]);
out:
    snapshots_release(&snaps);
    prefetch_release(&pf);
    history_use_cache(NULL);
    gencache_close(&cache);
    cli_diag_flush(&d);
    if (loaded)
        project_release(&pl);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}

int cmd_generate(int argc, char **argv)
{
    return run(argc, argv, true);
}

int cmd_diff(int argc, char **argv)
{
    return run(argc, argv, false);
}
