/*
 * opts.c - the runtime commands' options (one table for strav-run and strav): parsing argv into
 * Opts, the --help texts (the programs' summary and each command's own) and usage errors (exit
 * 2, spelled as stravc's: cmd_usage_error). Called by runner.c before anything else.
 */
#include "runctx.h"

#include "commands.h"
#include "fleet.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of the option summary per option, and the commands it belongs to. */
enum {
    O_MIGRATE = 1u << CMD_MIGRATE, O_ROLLBACK = 1u << CMD_ROLLBACK, O_FRESH = 1u << CMD_FRESH,
    O_STATUS = 1u << CMD_STATUS,   O_STOP = 1u << CMD_STOP,         O_URL = 1u << CMD_URL,
    O_APPLY = O_MIGRATE | O_ROLLBACK | O_FRESH, O_RUN = O_APPLY | O_STATUS,
    O_ALL = O_RUN | O_STOP | O_URL,
};
static const struct {
    unsigned cmds;
    const char *text;
} option_lines[] = {
    { O_RUN, "  -s, --scope DOMAIN        domain to act on (default public)\n" },
    { O_MIGRATE | O_ROLLBACK, "      --all-domains         every domain, in version order (domains that use\n"
                              "                            others run after them, roll back before)\n" },
    { O_ROLLBACK, "      --batch N             rollback: the batch to revert (not the latest: "
                  "--force)\n" },
    { O_ROLLBACK, "      --step N              rollback: revert the last N migrations\n" },
    { O_ROLLBACK | O_FRESH, "      --force               rollback an older batch; fresh without "
                            "confirmation\n" },
    { O_MIGRATE, "      --allow-out-of-order  migrate: apply pending versions older than applied "
                 "ones\n" },
    { O_STATUS, "      --no-drift-check      status: do not compare the live schema with the "
                "last\n"
                "                            applied migration's snapshot\n" },
    { O_STATUS, "      --strict              status: objects outside the model are an error (exit 1)\n" },
    { O_RUN, "  -j, --jobs N              per-tenant domains: tenants run N at a time (default\n"
             "                            up to 4), results printed in tenant order\n" },
    { O_ALL, "      --json                machine-readable output\n" },
    { O_RUN, "      --database URL        libpq conninfo or URL (else DATABASE_URL, PG*, "
             "embedded)\n" },
    { O_RUN, "      --migrations DIR      migrations root (default database/migrations)\n" },
    { O_RUN, "      --schemas DIR         schemas root (default database/schemas)\n" },
    { O_APPLY, "      --lock-wait SECONDS   wait at most this long for another runner's "
               "migration\n"
               "                            lock (default: no limit)\n" },
    { O_APPLY, "      --lock-timeout T      SET lock_timeout for the batch (e.g. 5s)\n" },
    { O_APPLY, "      --statement-timeout T SET statement_timeout for the batch\n" },
    { O_APPLY, "      --session-pooler      the connection pooler in the way keeps one server\n"
               "                            session per client (PgBouncer pool_mode = session)\n" },
    { O_RUN, "      --verbose             show the server's NOTICE messages\n" },
    { O_RUN, "  -q, --quiet               no progress: neither the line redrawn on a terminal\n"
             "                            nor the line per migration elsewhere (stderr)\n" },
    { O_ALL, "      --no-color            no ANSI colours (also NO_COLOR)\n" },
    { O_ALL, "  -h, --help                this help\n" },
};

static void print_options(FILE *out, unsigned cmds)
{
    fputs("Options:\n", out);
    for (size_t i = 0; i < ARRAY_LEN(option_lines); i++)
        if (option_lines[i].cmds & cmds)
            fputs(option_lines[i].text, out);
    if (cmds & (O_MIGRATE | O_ROLLBACK | O_STATUS))
        fleet_print_options(out);
}

void runner_print_options(FILE *out)
{
    print_options(out, O_ALL);
    fputs("Adoption (pull, drift, baseline; each has --help):\n"
          "      --out DIR             pull: where to write (default <schemas>/<domain>)\n"
          "      --pg-schema NAME      pull: the PostgreSQL schema to read (default: the domain's)\n"
          "      --snapshot            drift: compare with the latest migration's snapshot\n"
          "      --strict              drift, baseline: objects the model cannot hold count\n"
          "      --version V           baseline: record the versions up to V\n",
          out);
}

/* `PROG WORD --help`: the command's own text. */
static void command_help(const Opts *o)
{
    static const char *const what[] = {
        [CMD_MIGRATE] = "Apply every pending migration of the domain, oldest first, as one batch\n"
                        "(one transaction unless a migration has non-transactional steps).\n",
        [CMD_ROLLBACK] = "Revert the last batch (or --batch N, or the last --step N migrations),\n"
                         "newest first, in one transaction.\n",
        [CMD_FRESH] = "Drop every object of the domain and re-apply all its migrations as batch 1\n"
                      "(asks for the domain's name on a terminal; --force otherwise).\n",
        [CMD_STATUS] = "List every migration of the domain with its state, batch and time applied,\n"
                       "and compare the live schema with the newest applied snapshot.\n"
                       "Exit status 1 when a migration is modified, missing, invalid or partial.\n",
        [CMD_STOP] = "Stop the embedded PostgreSQL server under .strav/.\n",
        [CMD_URL] = "Start the embedded PostgreSQL server under .strav/ if needed and print its\n"
                    "libpq conninfo (psql \"$(strav db:url)\").\n",
    };
    printf("usage: %s %s [options]\n\n%s\n", o->prog, o->word, what[o->cmd]);
    print_options(stdout, 1u << o->cmd);
    fputs("\nExit status: 0 success, 1 failure, 2 usage error.\n", stdout);
}

#define usage(o, ...) cmd_usage_error((o)->word, __VA_ARGS__)

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* A value PostgreSQL takes for lock_timeout / statement_timeout: a number of milliseconds
 * (0 or more, a fraction allowed) with an optional unit, e.g. 500, 2s, 1.5min. Checked here so
 * that a typo is a usage error before anything connects, not a server error mid-batch. */
static bool valid_duration(const char *s)
{
    static const char *const units[] = { "", "us", "ms", "s", "min", "h", "d" };
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || v < 0 || v > 2147483647.0 * 1000.0)
        return false;
    while (*end == ' ')
        end++;
    size_t n = strlen(end);
    while (n && end[n - 1] == ' ')
        n--;
    for (size_t k = 0; k < ARRAY_LEN(units); k++)
        if (strlen(units[k]) == n && !strncmp(end, units[k], n))
            return true;
    return false;
}

/* Returns -1 when parsed, else the exit status (0 for --help, 2 for usage errors). */
int opts_parse(Opts *o, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        const char *val = NULL;
        char name[64];
        char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        /* every option, whether it takes a value, and the commands it belongs to: another
         * command's option is unknown to this one, not silently ignored */
        static const struct {
            const char *name;
            bool value;
            unsigned cmds;
        } table[] = {
            { "-s", true, O_RUN },          { "--scope", true, O_RUN },
            { "--batch", true, O_ROLLBACK }, { "--step", true, O_ROLLBACK },
            { "-j", true, O_RUN },          { "--jobs", true, O_RUN },
            /* stop and url take --database to refuse it with their own explanation */
            { "--database", true, O_ALL },  { "--migrations", true, O_RUN },
            { "--schemas", true, O_RUN },   { "--lock-timeout", true, O_APPLY },
            { "--statement-timeout", true, O_APPLY }, { "--lock-wait", true, O_APPLY },
            { "--verbose", false, O_RUN },  { "--force", false, O_ROLLBACK | O_FRESH },
            { "-f", false, O_ROLLBACK | O_FRESH }, { "--json", false, O_ALL },
            { "--no-drift-check", false, O_STATUS }, { "--strict", false, O_STATUS },
            { "--allow-out-of-order", false, O_MIGRATE }, { "--no-color", false, O_ALL },
            { "-q", false, O_RUN },         { "--quiet", false, O_RUN },
            { "--session-pooler", false, O_APPLY }, { "-h", false, O_ALL },
            { "--help", false, O_ALL },
        };
        bool needs = false, known = false;
        for (size_t k = 0; k < ARRAY_LEN(table); k++)
            if (strcmp(name, table[k].name) == 0 && (table[k].cmds & (1u << o->cmd))) {
                needs = table[k].value;
                known = true;
            }
        if (!known)
            return a[0] == '-' ? usage(o, "unknown option '%s'", name)
                               : usage(o, "unexpected argument '%s'", a);
        if (needs && !val) {
            if (i + 1 >= argc)
                return usage(o, "option '%s' needs an argument", name);
            val = argv[++i];
        } else if (!needs && val) {
            return usage(o, "option '%s' takes no argument", name);
        }
        if (!strcmp(name, "-s") || !strcmp(name, "--scope"))
            o->scope = val;
        else if (!strcmp(name, "--batch")) {
            if (!parse_long(val, &o->batch))
                return usage(o, "--batch needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--step")) {
            if (!parse_long(val, &o->step))
                return usage(o, "--step needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--jobs") || !strcmp(name, "-j")) {
            if (!parse_long(val, &o->jobs))
                return usage(o, "--jobs needs a positive number, not '%s'", val);
        } else if (!strcmp(name, "--database"))
            o->database = val;
        else if (!strcmp(name, "--migrations"))
            o->migrations_root = val;
        else if (!strcmp(name, "--schemas"))
            o->schemas_root = val;
        else if (!strcmp(name, "--lock-wait")) {
            char *end;
            errno = 0;
            long v = strtol(val, &end, 10);
            if (errno || end == val || *end || v < 0)
                return usage(o, "--lock-wait needs a number of seconds (0 or more), not '%s'", val);
            o->lock_wait = v;
        } else if (!strcmp(name, "--verbose"))
            o->verbose = true;
        else if (!strcmp(name, "--lock-timeout") || !strcmp(name, "--statement-timeout")) {
            if (!valid_duration(val))
                return usage(o, "%s needs a duration such as 500ms, 5s or 2min, not '%s'", name,
                             val);
            if (name[2] == 'l')
                o->lock_timeout = val;
            else
                o->statement_timeout = val;
        }
        else if (!strcmp(name, "--force") || !strcmp(name, "-f"))
            o->force = true;
        else if (!strcmp(name, "--json"))
            o->json = true;
        else if (!strcmp(name, "--no-drift-check"))
            o->no_drift_check = true;
        else if (!strcmp(name, "--strict")) /* adopt2 */
            o->strict = true;
        else if (!strcmp(name, "--allow-out-of-order"))
            o->allow_out_of_order = true;
        else if (!strcmp(name, "--no-color"))
            cmd_no_color = true;
        else if (!strcmp(name, "-q") || !strcmp(name, "--quiet"))
            o->quiet = true;
        else if (!strcmp(name, "--session-pooler"))
            o->session_pooler = true;
        else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            command_help(o);
            return 0;
        } else
            return a[0] == '-' ? usage(o, "unknown option '%s'", name)
                               : usage(o, "unexpected argument '%s'", a);
    }
    if (o->batch && o->step)
        return usage(o, "%s", "--batch and --step cannot be combined");
    return -1;
}

