/*
 * lint_cmd.c - the `stravc lint` command and generate's lint hook (lint.h). The pending change
 * is what generate would write (schemas against each domain's latest snapshot: diff_models,
 * the typed plan read by lint_plan_ops); --migration DIR reads a directory's manifest (seed
 * format: executionOrder.up) and its SQL files. Findings of a pending change are mapped to the
 * .strav line of their column or table, where @lint_ignore / @@lint_ignore suppress them.
 * --json is the one-object envelope of docs/cli.md (cmd_json.h) with "findings" and "counts".
 */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd_json.h"
#include "commands.h"
#include "diag.h"
#include "diff.h"
#include "emit_sql.h"
#include "lint.h"
#include "migdir.h"
#include "model_json.h"
#include "project.h"
#include "source.h"
#include "strbuf.h"

static const char lint_usage[] =
    "usage: stravc lint [-s DOMAIN] [--json] [--schemas DIR] [--migrations DIR]\n"
    "       stravc lint --migration DIR [--json]\n"
    "\n"
    "Analyse the pending change (what `stravc generate` would write) or, with --migration, an\n"
    "existing migration directory, for changes that lose data, fail on existing rows, rewrite\n"
    "a table, block writers or break the running application (docs/lint.md).\n"
    "\n"
    "  -s, --scope DOMAIN    only this domain\n"
    "  --schemas DIR         the schemas folder (default database/schemas)\n"
    "  --migrations DIR      the migrations folder (default database/migrations)\n"
    "  --migration DIR       lint this migration directory instead of the pending change\n"
    "  --json                one JSON object: findings, counts, diagnostics, ok (docs/cli.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 no unsuppressed error-level finding, 1 there is one (or a failure),\n"
    "2 usage error.\n";

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    StrBuf sb = SB_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&sb, buf, n);
    fclose(f);
    return sb_detach(&sb);
}

/* ---------------------------------------------------------------- pending change */

static const LintIgnore *find_ignore(const LintIgnore *v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(v[i].code, code))
            return &v[i];
    return NULL;
}

static void span_pos(Lint *l, LintFinding *f, Span sp)
{
    if (!sp.src)
        return;
    uint32_t line, col;
    source_line_col(sp.src, sp.off, &line, &col);
    f->file = arena_strdup(&l->a, sp.src->path);
    f->line = line;
}

/* The span of the index or constraint called name in t, or a span without source. */
static Span named_span(const Table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (!strcmp(t->indexes[i].name, name))
            return t->indexes[i].span;
    for (size_t i = 0; i < t->nuniques; i++)
        if (!strcmp(t->uniques[i].name, name))
            return t->uniques[i].span;
    for (size_t i = 0; i < t->nchecks; i++)
        if (!strcmp(t->checks[i].name, name))
            return t->checks[i].span;
    for (size_t i = 0; i < t->nfks; i++)
        if (!strcmp(t->fks[i].name, name))
            return t->fks[i].span;
    if (t->pk.name && !strcmp(t->pk.name, name))
        return t->pk.span;
    return (Span){0};
}

/* Map each finding to its .strav position (column, else table, else enum) and apply the
 * schema's suppressions; the SQL file of the plan stays when the object is gone. */
static void map_to_schema(Lint *l, const Model *m)
{
    for (size_t i = 0; i < l->n; i++) {
        LintFinding *f = &l->f[i];
        const Table *t = f->table ? model_find_table(m, f->table) : NULL;
        const Column *c = t && f->column ? table_find_column(t, f->column) : NULL;
        const LintIgnore *ig = NULL;
        Span ns = {0};
        if (f->name && !t && !f->table)
            for (size_t k = 0; k < m->ntables && !ns.src; k++)
                if ((ns = named_span(&m->tables[k], f->name)).src)
                    t = &m->tables[k];
        if (f->name && t && !ns.src)
            ns = named_span(t, f->name);
        if (ns.src) {
            span_pos(l, f, ns);
        } else if (c) {
            span_pos(l, f, c->span);
        } else if (t) {
            span_pos(l, f, t->span);
        } else if (f->table) {
            const Enum *e = model_find_enum(m, f->table);
            if (e)
                span_pos(l, f, e->span);
        }
        if (c)
            ig = find_ignore(c->lint_ignores, c->nlint_ignores, f->rule->code);
        if (!ig && t)
            ig = find_ignore(t->lint_ignores, t->nlint_ignores, f->rule->code);
        if (ig && !f->reason)
            f->reason = ig->reason;
    }
}

static void lint_plan(Lint *l, const Plan *p, const Model *new_m, const char *domain)
{
    lint_plan_ops(l, p, domain);
    map_to_schema(l, new_m);
}

char *lint_generate_hook(const Model *old_m, const Model *new_m, const Plan *p)
{
    Lint l;
    lint_init(&l, old_m);
    lint_plan(&l, p, new_m, new_m->domain);
    const Lint *one = &l;
    lint_report_min(stderr, &one, 1, false, LINT_WARNING, false);
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
        if (!l.f[i].reason)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(l.f[i].rule->code));
        json_object_set_new(o, "object", json_string(l.f[i].object));
        json_object_set_new(o, "reason", json_string(l.f[i].reason));
        json_array_append_new(arr, o);
    }
    char *s = json_array_size(arr) ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    lint_release(&l);
    return s;
}

/* The findings on stdout, or into the --json object. Exit status: 1 an unsuppressed error. */
static int report(const Lint *const *ls, size_t nls)
{
    if (!cli_json_on())
        return lint_report(stdout, ls, nls, false) ? 1 : 0;
    bool failed;
    json_t *root = lint_json(ls, nls, &failed);
    cli_json_set("findings", json_incref(json_object_get(root, "findings")));
    cli_json_set("counts", json_incref(json_object_get(root, "counts")));
    json_decref(root);
    return failed ? 1 : 0;
}

static int lint_pending(const char *schemas, const char *migrations, const char *domain)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    ProjectLoad pl = {0};
    int rc = 1;
    Lint *ls = NULL;
    const Lint **lp = NULL;
    size_t nls = 0;
    Plan *plans = NULL;
    if (!project_load(&pl, &a, schemas, domain, &d) || diag_count_errors(&d)) {
        cli_diag_flush(&d);
        project_release(&pl);
        goto out;
    }
    ls = calloc(pl.project.ndomains + 1, sizeof *ls);
    lp = calloc(pl.project.ndomains + 1, sizeof *lp);
    plans = calloc(pl.project.ndomains + 1, sizeof *plans);
    bool ok = true;
    for (size_t i = 0; ok && i < pl.project.ndomains; i++) {
        const Model *m = &pl.project.domains[i];
        if (domain && strcmp(m->domain, domain))
            continue;
        Model *old = ARENA_NEW(&a, Model);
        const char *parent;
        Plan *p = &plans[nls];
        plan_init(p, &a);
        if (!migdir_load_latest(&a, migrations, m->domain, m, old, &parent, &d) ||
            !diff_models(old, m, p, &d)) {
            plan_release(p);
            ok = false;
            break;
        }
        lint_init(&ls[nls], old);
        lint_plan(&ls[nls], p, m, m->domain);
        lp[nls] = &ls[nls];
        nls++;
    }
    cli_diag_flush(&d); /* before the sources go */
    if (ok)
        rc = report(lp, nls);
    for (size_t i = 0; i < nls; i++) {
        lint_release(&ls[i]);
        plan_release(&plans[i]);
    }
    project_release(&pl);
out:
    cli_diag_flush(&d);
    diag_release(&d);
    arena_free(&a);
    free(ls);
    free(lp);
    free(plans);
    return rc;
}

/* ---------------------------------------------------------------- a migration directory */

static bool rel_ok(const char *rel)
{
    if (!*rel || rel[0] == '/')
        return false;
    for (const char *p = rel; *p;) {
        const char *s = strchr(p, '/');
        size_t n = s ? (size_t)(s - p) : strlen(p);
        if ((n == 2 && !strncmp(p, "..", 2)) || n == 0)
            return false;
        p += n + (s ? 1 : 0);
    }
    return true;
}

/* The snapshot of the latest version before dir (a sibling with a smaller version name) that
 * has one: the old types and enum values, as far as the generator knew them. */
static bool load_previous(Arena *a, const char *dir, Model *old)
{
    char *d1 = strdup(dir), *d2 = strdup(dir);
    char *me = basename(d1), *parent = dirname(d2);
    bool found = false;
    StrBuf path = SB_INIT;
    char *best = NULL;
    DIR *dh = migdir_version_name(me) ? opendir(parent) : NULL;
    struct dirent *de;
    while (dh && (de = readdir(dh))) {
        if (!migdir_version_name(de->d_name) || migdir_version_cmp(de->d_name, me) >= 0 ||
            (best && migdir_version_cmp(de->d_name, best) <= 0))
            continue;
        sb_reset(&path);
        sb_addf(&path, "%s/%s/snapshot.json", parent, de->d_name);
        if (access(path.buf, R_OK))
            continue;
        free(best);
        best = strdup(de->d_name);
    }
    if (dh)
        closedir(dh);
    if (best) {
        sb_reset(&path);
        sb_addf(&path, "%s/%s/snapshot.json", parent, best);
        char *text = read_text(path.buf);
        if (text) {
            Diag d;
            diag_init(&d);
            found = model_json_read(a, text, strlen(text), path.buf, old, &d);
            diag_release(&d);
            free(text);
        }
    }
    sb_release(&path);
    free(best);
    free(d1);
    free(d2);
    return found;
}

static int lint_dir(const char *dir)
{
    StrBuf path = SB_INIT;
    sb_addf(&path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *man = json_load_file(path.buf, 0, &je);
    if (!man) {
        fprintf(stderr, "stravc: error: %s: %s\n", path.buf, je.text);
        sb_release(&path);
        return 1;
    }
    json_t *up = json_object_get(json_object_get(man, "executionOrder"), "up");
    if (!json_is_array(up)) {
        fprintf(stderr, "stravc: error: %s: no executionOrder.up list\n", path.buf);
        json_decref(man);
        sb_release(&path);
        return 1;
    }
    Arena a;
    arena_init(&a);
    Model *old = ARENA_NEW(&a, Model);
    bool have_old = load_previous(&a, dir, old);
    Lint l;
    lint_init(&l, have_old ? old : NULL);
    int rc = 0;
    size_t i;
    json_t *v;
    json_array_foreach(up, i, v)
    {
        const char *rel = json_string_value(v);
        if (!rel || !rel_ok(rel)) {
            fprintf(stderr, "stravc: error: %s: bad file name in executionOrder.up\n", path.buf);
            rc = 1;
            break;
        }
        StrBuf fp = SB_INIT;
        sb_addf(&fp, "%s/%s", dir, rel);
        char *sql = read_text(fp.buf);
        if (!sql) {
            fprintf(stderr, "stravc: error: cannot read '%s'\n", fp.buf);
            rc = 1;
        } else {
            lint_sql(&l, fp.buf, sql);
        }
        free(sql);
        sb_release(&fp);
        if (rc)
            break;
    }
    if (!rc) {
        const Lint *one = &l;
        rc = report(&one, 1);
    }
    lint_release(&l);
    arena_free(&a);
    json_decref(man);
    sb_release(&path);
    return rc;
}

int lint_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"schemas", required_argument, NULL, 'S'},
        {"migrations", required_argument, NULL, 'M'},
        {"migration", required_argument, NULL, 'D'},
        {"scope", required_argument, NULL, 's'},
        {"domain", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *schemas = "database/schemas", *migrations = "database/migrations", *dir = NULL,
               *domain = NULL;
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': schemas = optarg; break;
        case 'M': migrations = optarg; break;
        case 'D': dir = optarg; break;
        case 's': domain = optarg; break;
        case 'j': json = true; break;
        default: return cmd_opt_other(c, argv, lint_usage);
        }
    }
    if (cmd_opt_extra(argc, argv, lint_usage))
        return 2;
    if (json)
        cli_json_begin("lint");
    return cli_json_end(dir ? lint_dir(dir) : lint_pending(schemas, migrations, domain));
}
