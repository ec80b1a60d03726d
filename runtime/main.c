/*
 * main.c - strav-run: apply and revert migration directories on PostgreSQL.
 *   strav-run migrate|rollback|fresh|status|stop|url|pull|drift|baseline [options]
 * Everything else lives in runner.c (shared with the strav front command).
 */
#include <stdio.h>
#include <string.h>

#include "adopt.h"
#include "commands.h"
#include "runner.h"

static void help(FILE *out)
{
    fputs("Usage: strav-run COMMAND [options]\n"
          "Commands:\n"
          "  migrate    apply every pending migration of the domain as one batch\n"
          "  rollback   revert the last batch (--batch N, --step N)\n"
          "  fresh      drop the domain's objects and re-apply all its migrations\n"
          "  status     list every migration with its state\n"
          "  stop       stop the embedded PostgreSQL server under .strav/\n"
          "  url        start the embedded server if needed and print its conninfo\n"
          "  pull       write .strav files from a live database schema\n"
          "  drift      compare the schema files (or --snapshot) with a live database\n"
          "  baseline   record versions as applied once the live schema matches them\n",
          out);
    runner_print_options(out);
    fputs("\nRun 'strav-run COMMAND --help' for a command's own text and options.\n", out);
}

int main(int argc, char **argv)
{
    cmd_progname = "strav-run"; /* usage errors spelled as stravc's, naming this program */
    static const struct {
        const char *name;
        RunCmd cmd;
    } cmds[] = { { "migrate", CMD_MIGRATE }, { "rollback", CMD_ROLLBACK }, { "fresh", CMD_FRESH },
                 { "status", CMD_STATUS },   { "stop", CMD_STOP },         { "url", CMD_URL } };
    if (argc < 2) {
        help(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "pull") || !strcmp(argv[1], "drift") || !strcmp(argv[1], "baseline"))
        argc = cmd_strip_no_color(argc, argv, 2); /* their parser does not know it */
    if (!strcmp(argv[1], "pull"))
        return adopt_pull_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "drift"))
        return adopt_drift_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "baseline"))
        return adopt_baseline_main(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return runner_run("strav-run", argv[1], cmds[i].cmd, argc - 2, argv + 2);
    fprintf(stderr, "strav-run: unknown command '%s'\nTry 'strav-run --help'.\n", argv[1]);
    return 2;
}
