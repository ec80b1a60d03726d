/*
 * strav_main.c - the `strav` front command with the seed's commands and aliases:
 * generate:migration (execs stravc generate found next to this binary), migrate, rollback,
 * migration:fresh, migration:status, db:stop. The runtime commands share runner.c with strav-run.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt.h"
#include "commands.h"
#include "runner.h"
#include "strbuf.h"

static void help(FILE *out)
{
    fputs("Usage: strav COMMAND [options]\n"
          "Commands:\n"
          "  generate:migration  (migration:generate, g:migration)  write a migration from the "
          "schemas\n"
          "                      -m, --message TEXT   -s, --scope DOMAIN\n"
          "                      --allow-destructive  --online  (stravc generate --help)\n"
          "  migrate             (migration:run)       apply pending migrations as one batch\n"
          "  rollback            (migration:rollback)  revert the last batch (--batch N)\n"
          "  migration:fresh     (fresh)               drop the domain's objects, re-apply all\n"
          "  migration:status    (status)              list migrations and their state\n"
          "  db:stop                                   stop the embedded server in .strav/\n"
          "  db:url                                    print the embedded server's conninfo\n"
          "  db:pull             (pull)                write .strav files from a live database\n"
          "  db:drift            (drift)               compare schemas with a live database\n"
          "  migration:baseline  (baseline)            adopt a database that matches a version\n",
          out);
    runner_print_options(out);
    fputs("\nRun 'strav COMMAND --help' for a command's own text and options.\n", out);
}

/* exec stravc generate ARGS: stravc next to this binary, else on PATH. */
static int run_generate(int argc, char **argv)
{
    /* validate -s/--scope first, with the seed's message */
    const char *scope = NULL, *mroot = "database/migrations", *sroot = "database/schemas";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-s") || !strcmp(a, "--scope")) && i + 1 < argc)
            scope = argv[i + 1];
        else if (!strncmp(a, "--scope=", 8))
            scope = a + 8;
        else if (!strcmp(a, "--migrations") && i + 1 < argc)
            mroot = argv[i + 1];
        else if (!strcmp(a, "--schemas") && i + 1 < argc)
            sroot = argv[i + 1];
    }
    if (scope && runner_check_scope(scope, mroot, sroot) != 0)
        return 1;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    StrBuf path = SB_INIT;
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            sb_addf(&path, "%s/stravc", self);
        }
    }
    char **args = xcalloc((size_t)argc + 5, sizeof *args);
    args[0] = xstrdup("stravc");
    args[1] = xstrdup("generate");
    for (int i = 0; i < argc; i++)
        args[i + 2] = argv[i];
    if (!scope) { /* like every strav command (and the seed), the default scope is public */
        args[argc + 2] = xstrdup("-s");
        args[argc + 3] = xstrdup("public");
    }
    setenv("STRAV_USAGE_AS", "strav generate:migration", 1); /* its usage errors name this */
    if (path.len && access(path.buf, X_OK) == 0)
        execv(path.buf, args);
    execvp("stravc", args);
    fprintf(stderr, "strav: cannot run stravc: %s\n", strerror(errno));
    free(args);
    sb_release(&path);
    return 1;
}

int main(int argc, char **argv)
{
    cmd_progname = "strav"; /* usage errors spelled as stravc's, naming this program */
    static const struct {
        const char *name;
        RunCmd cmd;
    } cmds[] = {
        { "migrate", CMD_MIGRATE },          { "migration:run", CMD_MIGRATE },
        { "rollback", CMD_ROLLBACK },        { "migration:rollback", CMD_ROLLBACK },
        { "migration:fresh", CMD_FRESH },    { "fresh", CMD_FRESH },
        { "migration:status", CMD_STATUS },  { "status", CMD_STATUS },
        { "db:stop", CMD_STOP },             { "db:url", CMD_URL },
    };
    if (argc < 2) {
        help(stderr);
        return 2;
    }
    const char *c = argv[1];
    if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
        help(stdout);
        return 0;
    }
    if (!strcmp(c, "generate:migration") || !strcmp(c, "migration:generate") ||
        !strcmp(c, "g:migration"))
        return run_generate(argc - 2, argv + 2);
    static const char *const adoption[] = { "db:pull", "pull", "db:drift", "drift",
                                            "migration:baseline", "baseline" };
    for (size_t i = 0; i < sizeof adoption / sizeof adoption[0]; i++)
        if (!strcmp(c, adoption[i]))
            argc = cmd_strip_no_color(argc, argv, 2); /* their parser does not know it */
    if (!strcmp(c, "db:pull") || !strcmp(c, "pull"))
        return adopt_pull_main(argc - 1, argv + 1);
    if (!strcmp(c, "db:drift") || !strcmp(c, "drift"))
        return adopt_drift_main(argc - 1, argv + 1);
    if (!strcmp(c, "migration:baseline") || !strcmp(c, "baseline"))
        return adopt_baseline_main(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(c, cmds[i].name))
            return runner_run("strav", argv[1], cmds[i].cmd, argc - 2, argv + 2);
    fprintf(stderr, "strav: unknown command '%s'\nTry 'strav --help'.\n", c);
    return 2;
}
