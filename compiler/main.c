/*
 * main.c - stravc: the schema compiler's command line. Dispatches to the subcommands of
 * commands.h; each parses its own options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adopt.h"
#include "commands.h"
#include "lint.h"

typedef struct Command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} Command;

static const Command commands[] = {
    {"check", cmd_check, "validate the schemas (all domains, or -s DOMAIN)"},
    {"model", cmd_model, "print the resolved model (--json)"},
    {"fmt", cmd_fmt, "rewrite .strav files in canonical form (--check: only report)"},
    {"generate", cmd_generate, "write a migration for the changes since the last one"},
    {"diff", cmd_diff, "print the changes a generate would write, write nothing"},
    {"rebase", cmd_rebase, "repair a forked migration history (two migrations, one parent)"},
    {"squash", cmd_squash, "write a checkpoint migration covering the history up to a version"},
    {"lint", lint_main, "check the pending change or a migration (--migration DIR) for risks"},
    {"pull", adopt_pull_main, "write .strav files from a live database (--database URL)"},
    {"lsp", cmd_lsp, "run the language server for editors (LSP on stdin/stdout)"},
    {"dump", cmd_dump, "debug: print the tokens or syntax tree of one file"},
};

static void usage(FILE *out)
{
    fputs("usage: stravc <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fputs("\nRun 'stravc <command> --help' for a command's options.\n"
          "Every command also takes:\n"
          "      --no-color    no ANSI colours (also NO_COLOR set and not empty)\n"
          "Exit status: 0 success, 1 errors reported, 2 usage error.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("stravc 0.1");
        return 0;
    }
    cmd_generate_lint = lint_generate_hook;
    static char usage_as[128];
    const char *ua = getenv("STRAV_USAGE_AS");
    if (ua && *ua) {
        snprintf(usage_as, sizeof usage_as, "%s", ua);
        cmd_usage_as = usage_as;
    }
    unsetenv("STRAV_USAGE_AS");
    argc = cmd_strip_no_color(argc, argv, 2); /* --no-color belongs to every command */
    /* diff against a live database instead of the last snapshot: the drift check */
    if (!strcmp(argv[1], "diff"))
        for (int i = 2; i < argc; i++)
            if (!strcmp(argv[i], "--database") || !strncmp(argv[i], "--database=", 11))
                return adopt_drift_main(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "stravc: unknown command '%s'\nTry 'stravc --help'.\n", argv[1]);
    return 2;
}
