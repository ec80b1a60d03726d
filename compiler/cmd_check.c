/*
 * cmd_check.c - `stravc check` (load and validate every domain, print diagnostics or a one-line
 * summary) and `stravc model --json` (print the resolved project as JSON). Both are thin shells
 * over project_load; they own the arena, the diagnostics and the exit status (0/1/2).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_json.h"
#include "commands.h"
#include "history.h"
#include "model_json.h"
#include "prefault.h"
#include "project.h"
#include "strbuf.h"

typedef struct Opts {
    const char *schemas;
    const char *migrations;
    const char *domain;
    bool json;
} Opts;

static const char check_usage[] =
    "usage: stravc check [--schemas DIR] [--migrations DIR] [-s DOMAIN] [--json] [DIR]\n"
    "\n"
    "Parse and check every .strav file under DIR/<domain>/ (default database/schemas), and\n"
    "check each domain's migration history: no fork (two migrations with the same parent),\n"
    "no missing parent, <domain>.lock in agreement with the directories (docs/history.md).\n"
    "\n"
    "  --schemas DIR       the schemas folder (one subfolder per domain); also positional\n"
    "  --migrations DIR    the migrations folder (default database/migrations)\n"
    "  -s, --scope DOMAIN  check only DOMAIN (and the public domain it may reference)\n"
    "      --json          one JSON object: diagnostics, counts, ok (docs/cli.md)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 no errors, 1 errors reported, 2 usage error.\n";

static const char model_usage[] =
    "usage: stravc model --json [--schemas DIR] [-s DOMAIN] [DIR]\n"
    "\n"
    "Print the resolved model of every domain (or only DOMAIN) as JSON on stdout\n"
    "(the format of docs/model-json.md). Nothing is printed when there are errors.\n"
    "\n"
    "  --json              JSON output (the only format)\n"
    "  --schemas DIR       the schemas folder (default database/schemas); also positional\n"
    "  -s, --scope DOMAIN  only this domain\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 success, 1 errors reported, 2 usage error.\n";

/* Returns -1 to continue, or an exit status. */
static int parse_opts(int argc, char **argv, Opts *o, const char *usage)
{
    static const struct option longopts[] = {
        { "schemas", required_argument, NULL, 'S' }, { "scope", required_argument, NULL, 's' },
        { "domain", required_argument, NULL, 's' },  { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },          { "migrations", required_argument, NULL, 'M' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof(*o));
    o->schemas = "database/schemas";
    o->migrations = "database/migrations";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            o->schemas = optarg;
            break;
        case 's':
            o->domain = optarg;
            break;
        case 'M':
            o->migrations = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        default:
            return cmd_opt_other(c, argv, usage);
        }
    }
    if (optind < argc)
        o->schemas = argv[optind++];
    if (cmd_opt_extra(argc, argv, usage))
        return 2;
    return -1;
}

/* Load the project; on failure flush the diagnostics. */
static int load(const Opts *o, Arena *a, ProjectLoad *pl, Diag *d)
{
    diag_init(d);
    arena_init(a);
    prefault_enable(); /* the model of a big project: its pages faulted in on the other core */
    bool ok = project_load(pl, a, o->schemas, o->domain, d);
    if (!ok || diag_count_errors(d) > 0) {
        cli_diag_flush(d);
        return 1;
    }
    cli_diag_flush(d); /* warnings */
    return 0;
}

/* The migration history of every domain with a migrations folder (or only -s DOMAIN). */
static bool check_histories(const Opts *o, Arena *a, Diag *d)
{
    bool ok = true;
    if (o->domain) {
        ok = history_check(a, o->migrations, o->domain, true, d);
    } else {
        DIR *dir = opendir(o->migrations);
        struct dirent *de;
        while (dir && (de = readdir(dir)))
            if (de->d_name[0] != '.' && de->d_type != DT_REG)
                ok = history_check(a, o->migrations, de->d_name, true, d) && ok;
        if (dir)
            closedir(dir);
    }
    cli_diag_flush(d);
    return ok;
}

int cmd_check(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, check_usage);
    if (rc >= 0)
        return rc;
    if (o.json)
        cli_json_begin("check");
    Arena a;
    Diag d;
    ProjectLoad pl;
    rc = load(&o, &a, &pl, &d);
    if (rc == 0 && !check_histories(&o, &a, &d))
        rc = 1;
    if (rc == 0) {
        size_t nt = 0, ne = 0;
        for (size_t i = 0; i < pl.project.ndomains; i++) {
            nt += pl.project.domains[i].ntables;
            ne += pl.project.domains[i].nenums;
        }
        printf("ok: %zu domain%s, %zu table%s, %zu enum%s\n", pl.project.ndomains,
               pl.project.ndomains == 1 ? "" : "s", nt, nt == 1 ? "" : "s", ne, ne == 1 ? "" : "s");
        cli_json_set("domains", json_integer((json_int_t)pl.project.ndomains));
        cli_json_set("tables", json_integer((json_int_t)nt));
        cli_json_set("enums", json_integer((json_int_t)ne));
    }
    project_release(&pl);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}

int cmd_model(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, model_usage);
    if (rc >= 0)
        return rc;
    if (!o.json) {
        cmd_usage_error("model", "--json is required (the only output format)");
        return 2;
    }
    Arena a;
    Diag d;
    ProjectLoad pl;
    rc = load(&o, &a, &pl, &d);
    if (rc == 0) {
        StrBuf sb = SB_INIT;
        project_json_write(&sb, &pl.project);
        fwrite(sb_str(&sb), 1, sb.len, stdout);
        sb_release(&sb);
    }
    project_release(&pl);
    diag_release(&d);
    arena_free(&a);
    return rc;
}
