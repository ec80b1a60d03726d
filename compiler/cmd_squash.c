/*
 * cmd_squash.c - `stravc squash [-s DOMAIN] [--up-to VERSION]`: write the checkpoint of a
 * version (migdir_write_checkpoint, docs/history.md): one migration that creates VERSION's
 * snapshot from nothing, computed from the model alone (diff of the empty model with the
 * snapshot; no database), stored in <domain>/<VERSION>/checkpoint/ and covering every version
 * up to VERSION. The covered directories stay where they are: a database in the middle of
 * them still needs them, and the runtime picks the checkpoint only for a database that applied
 * none of them (runtime/checkpoint.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_json.h"
#include "commands.h"
#include "diff.h"
#include "history.h"
#include "migdir.h"
#include "model_json.h"
#include "source.h"
#include "strbuf.h"

static const char squash_usage[] =
    "usage: stravc squash [-s DOMAIN] [--up-to VERSION] [--migrations DIR] [--json]\n"
    "\n"
    "Write a checkpoint: one migration equal to the snapshot of VERSION (default: the newest),\n"
    "covering every version up to it. A new database applies the checkpoint instead of the\n"
    "covered versions, then whatever follows; a database that applied them sees no change.\n"
    "The covered directories are kept (docs/history.md).\n"
    "\n"
    "  -s, --scope DOMAIN    the domain (default public)\n"
    "  --up-to VERSION       the last version the checkpoint covers (default: the newest)\n"
    "  --migrations DIR      the migrations folder (default database/migrations)\n"
    "  --json                one JSON object: the checkpoint written (docs/cli.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 written, 1 refused or errors, 2 usage error.\n";

/* ---- the physical column order of the replayed history
 * ALTER TABLE ADD COLUMN appends, so a database that replayed the versions has each table's
 * columns in the order they were added, not in the snapshot's (declared) order. The checkpoint
 * creates them in the replayed order, so both kinds of database dump the same. Renames (the
 * `was` hints) keep their place. */

typedef struct Phys {
    const char *table;
    const char **cols;
    size_t n;
} Phys;

typedef struct PhysSet {
    Phys *t;
    size_t n;
} PhysSet;

static const Phys *phys_find(const PhysSet *ps, const char *table)
{
    for (size_t i = 0; i < ps->n; i++)
        if (!strcmp(ps->t[i].table, table))
            return &ps->t[i];
    return NULL;
}

static bool phys_has(const char *const *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cols[i], name))
            return true;
    return false;
}

/* ps after one more version whose snapshot is m. */
static void phys_step(Arena *a, PhysSet *ps, const Model *m)
{
    PhysSet next = { ARENA_ARRAY(a, Phys, m->ntables + 1), 0 };
    for (size_t i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        const Phys *old = phys_find(ps, t->name);
        for (size_t w = 0; !old && w < t->nwas; w++)
            if (!model_find_table(m, t->was[w]))
                old = phys_find(ps, t->was[w]);
        Phys np = { t->name, ARENA_ARRAY(a, const char *, t->ncolumns + 1), 0 };
        for (size_t k = 0; old && k < old->n; k++) {
            const Column *c = table_find_column(t, old->cols[k]);
            for (size_t j = 0; !c && j < t->ncolumns; j++) /* renamed? */
                for (size_t w = 0; w < t->columns[j].nwas; w++)
                    if (!strcmp(t->columns[j].was[w], old->cols[k]) &&
                        !phys_has(old->cols, old->n, t->columns[j].name))
                        c = &t->columns[j];
            if (c && !phys_has(np.cols, np.n, c->name))
                np.cols[np.n++] = c->name;
        }
        for (size_t j = 0; j < t->ncolumns; j++)
            if (!phys_has(np.cols, np.n, t->columns[j].name))
                np.cols[np.n++] = t->columns[j].name;
        next.t[next.n++] = np;
    }
    *ps = next;
}

static bool read_snapshot(Arena *a, const History *h, size_t i, Model *m, Diag *d)
{
    char *snap = arena_printf(a, "%s/%s/snapshot.json", h->dir, h->v[i].version);
    Source *src = source_load(snap);
    if (!src) {
        diag_global(d, DIAG_ERROR, "cannot read '%s'", snap);
        return false;
    }
    bool ok = model_json_read(a, src->buf, src->len, snap, m, d);
    source_free(src);
    return ok;
}

/* Reorder m's columns as a database that replayed versions 0..iv has them. */
static bool replayed_order(Arena *a, const History *h, size_t iv, Model *m, Diag *d)
{
    PhysSet ps = { NULL, 0 };
    for (size_t i = 0; i < iv; i++) {
        Model mi;
        if (!read_snapshot(a, h, i, &mi, d))
            return false;
        phys_step(a, &ps, &mi);
    }
    phys_step(a, &ps, m);
    for (size_t i = 0; i < m->ntables; i++) {
        Table *t = &m->tables[i];
        const Phys *p = phys_find(&ps, t->name);
        if (!p)
            BUG("table %s lost by phys_step", t->name);
        Column *cols = ARENA_ARRAY(a, Column, t->ncolumns + 1);
        for (size_t k = 0; k < p->n; k++)
            cols[k] = *table_find_column(t, p->cols[k]);
        t->columns = cols;
    }
    return true;
}

int cmd_squash(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "scope", required_argument, NULL, 's' },      { "domain", required_argument, NULL, 's' },
        { "up-to", required_argument, NULL, 'u' },      { "migrations", required_argument, NULL, 'M' },
        { "json", no_argument, NULL, 'j' },             { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *domain = "public", *upto = NULL, *migrations = "database/migrations";
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            domain = optarg;
            break;
        case 'u':
            upto = optarg;
            break;
        case 'M':
            migrations = optarg;
            break;
        case 'j':
            json = true;
            break;
        default:
            return cmd_opt_other(c, argv, squash_usage);
        }
    }
    if (cmd_opt_extra(argc, argv, squash_usage))
        return 2;
    if (json)
        cli_json_begin("squash");
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    int rc = 1;
    Plan plan;
    bool have_plan = false;
    History h;
    if (!history_check(&a, migrations, domain, false, &d) ||
        !history_load(&a, migrations, domain, &h, &d))
        goto out;
    size_t iv = h.n ? h.n - 1 : SIZE_MAX;
    if (upto) {
        iv = SIZE_MAX;
        for (size_t i = 0; i < h.n; i++)
            if (!strcmp(h.v[i].version, upto))
                iv = i;
        if (iv == SIZE_MAX) {
            fprintf(stderr, "Error: domain %s has no version %s\n", domain, upto);
            goto out;
        }
    }
    if (iv == SIZE_MAX || iv == 0) {
        fprintf(stderr, "Error: domain %s has %s up to %s: nothing to squash\n", domain,
                h.n ? "one version" : "no versions", upto ? upto : "its newest");
        goto out;
    }
    const HistVersion *v = &h.v[iv];
    if (v->has_checkpoint) {
        fprintf(stderr, "Error: version %s of domain %s already has a checkpoint (%s/%s/%s)\n",
                v->version, domain, h.dir, v->version, MIGDIR_CHECKPOINT);
        goto out;
    }
    Model m;
    if (!read_snapshot(&a, &h, iv, &m, &d) || !replayed_order(&a, &h, iv, &m, &d))
        goto out;
    Model empty = { .domain = m.domain, .schema = m.schema, .per_tenant = m.per_tenant,
                    .tenants = m.tenants };
    plan_init(&plan, &a);
    have_plan = true;
    if (!diff_models(&empty, &m, &plan, &d))
        goto out;
    const char **covers = ARENA_ARRAY(&a, const char *, iv + 2);
    for (size_t i = 0; i <= iv; i++)
        covers[i] = h.v[i].version;
    char *msg = arena_printf(&a, "Checkpoint of %zu migrations (%s .. %s)", iv + 1,
                             h.v[0].version, v->version);
    if (!migdir_write_checkpoint(migrations, &m, &plan, v->version, msg, migdir_now_ms(), covers,
                                 iv + 1, &d))
        goto out;
    History after;
    if (!history_load(&a, migrations, domain, &after, &d) || !history_write_lock(&after, &d))
        goto out;
    printf("✓ Checkpoint written: %s/%s/%s\n  Covers %zu migrations (%s .. %s); a new database "
           "applies it instead of them.\n",
           h.dir, v->version, MIGDIR_CHECKPOINT, iv + 1, h.v[0].version, v->version);
    json_t *jc = json_object(), *jcov = json_array();
    json_object_set_new(jc, "domain", json_string(domain));
    json_object_set_new(jc, "version", json_string(v->version));
    json_object_set_new(jc, "dir", json_string(arena_printf(&a, "%s/%s/%s", h.dir, v->version,
                                                            MIGDIR_CHECKPOINT)));
    for (size_t i = 0; i <= iv; i++)
        json_array_append_new(jcov, json_string(covers[i]));
    json_object_set_new(jc, "covers", jcov);
    cli_json_set("checkpoint", jc);
    rc = 0;
out:
    if (have_plan)
        plan_release(&plan);
    cli_diag_flush(&d);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}
