/*
 * opts.c - the runtime commands' options (one table for strav-run and strav): parsing argv into
 * Opts, the --help summary and usage errors (exit 2). Called by runner.c before anything else.
 */
#include "runctx.h"

#include "fleet.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void runner_print_options(FILE *out)
{
    fputs("Options:\n"
          "  -s, --scope DOMAIN        domain to act on (default public)\n"
          "      --batch N             rollback: the batch to revert (not the latest: --force)\n"
          "      --step N              rollback: revert the last N migrations\n"
          "      --force               rollback an older batch; fresh without confirmation\n"
          "      --allow-out-of-order  migrate: apply pending versions older than applied ones\n"
          "      --no-drift-check      status: do not compare the live schema with the last\n"
          "                            applied migration's snapshot\n"
          "      --strict              status: objects outside the model are an error (exit 1)\n"
          "  -j, --jobs N              per-tenant domains: tenants run N at a time (default\n"
          "                            up to 4), results printed in tenant order\n"
          "      --json                machine-readable output\n"
          "      --database URL        libpq conninfo or URL (else DATABASE_URL, PG*, embedded)\n"
          "      --migrations DIR      migrations root (default database/migrations)\n"
          "      --schemas DIR         schemas root (default database/schemas)\n"
          "      --lock-wait SECONDS   wait at most this long for another runner's migration\n"
          "                            lock (default: no limit)\n"
          "      --lock-timeout T      SET lock_timeout for the batch (e.g. 5s)\n"
          "      --statement-timeout T SET statement_timeout for the batch\n"
          "      --session-pooler      the connection pooler in the way keeps one server\n"
          "                            session per client (PgBouncer pool_mode = session)\n"
          "      --verbose             show the server's NOTICE messages\n"
          "      --no-color            no ANSI colours (also NO_COLOR)\n"
          "  -h, --help                this help\n",
          out);
    fleet_print_options(out);
}

static int usage(const Opts *o, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int usage(const Opts *o, const char *fmt, ...)
{
    fprintf(stderr, "%s: ", o->prog);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", o->prog);
    return 2;
}

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
        static const char *const with_value[] = { "-s", "--scope", "--batch", "--step", "-j", "--jobs",
                                                  "--database", "--migrations", "--schemas",
                                                  "--lock-timeout", "--statement-timeout", "--lock-wait" };
        bool needs = false;
        for (size_t k = 0; k < ARRAY_LEN(with_value); k++)
            if (strcmp(name, with_value[k]) == 0)
                needs = true;
        if (needs && !val) {
            if (i + 1 >= argc)
                return usage(o, "option '%s' needs a value", name);
            val = argv[++i];
        } else if (!needs && val) {
            return usage(o, "option '%s' takes no value", name);
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
        else if (!strcmp(name, "--lock-timeout"))
            o->lock_timeout = val;
        else if (!strcmp(name, "--statement-timeout"))
            o->statement_timeout = val;
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
            o->color = false;
        else if (!strcmp(name, "--session-pooler"))
            o->session_pooler = true;
        else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            printf("Usage: %s COMMAND [options]\n", o->prog);
            runner_print_options(stdout);
            return 0;
        } else
            return usage(o, "unknown option '%s'", a);
    }
    if (o->batch && o->step)
        return usage(o, "%s", "--batch and --step cannot be combined");
    return -1;
}

