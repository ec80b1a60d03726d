/*
 * cmd_opts.c - the parts of option parsing every stravc command with getopt_long shares
 * (commands.h): -h and the usage errors, spelled once so they read the same everywhere:
 *   stravc: CMD: unknown option '--x'
 *   Try 'stravc CMD --help'.
 * and exit status 2 (the runtime's commands, in strav and strav-run, print the same through
 * cmd_usage_error with cmd_progname set), and the one colour rule of every program. The
 * commands call getopt_long with opterr = 0 and an optstring that
 * starts with "+:" so a missing argument comes back as ':' and an unknown option as '?'.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

const char *cmd_progname = "stravc";
bool cmd_no_color;

const char *cmd_usage_as;

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    const char *prog = cmd_progname;
    char buf[128];
    if (cmd_usage_as && strchr(cmd_usage_as, ' ')) { /* "strav generate:migration" */
        snprintf(buf, sizeof buf, "%s", cmd_usage_as);
        char *sp = strchr(buf, ' ');
        *sp = '\0';
        prog = buf;
        cmd = sp + 1;
    }
    fprintf(stderr, "%s: %s: ", prog, cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", prog, cmd);
    va_end(ap);
    return 2;
}

int cmd_strip_no_color(int argc, char **argv, int from)
{
    int k = from;
    for (int i = from; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < argc)
                argv[k++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--no-color"))
            cmd_no_color = true;
        else
            argv[k++] = argv[i];
    }
    argv[k] = NULL;
    return k;
}

bool cmd_color(bool tty)
{
    const char *nc = getenv("NO_COLOR");
    return tty && !cmd_no_color && !(nc && *nc);
}

/* The option as the user wrote it, without an "=value": "--scope", "-s". */
static void option_text(char *buf, size_t cap, char **argv, int c)
{
    const char *arg = optind > 0 ? argv[optind - 1] : NULL;
    if (arg && !strncmp(arg, "--", 2) && (c == ':' || optopt == 0 || strchr(arg, '='))) {
        size_t n = strcspn(arg, "=");
        snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), arg);
    } else if (optopt > 0 && optopt < 128) {
        snprintf(buf, cap, "-%c", optopt);
    } else {
        snprintf(buf, cap, "%s", arg ? arg : "?");
    }
}

int cmd_opt_other(int c, char **argv, const char *usage)
{
    if (c == 'h') {
        fputs(usage, stdout);
        return 0;
    }
    char opt[128];
    option_text(opt, sizeof opt, argv, c);
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (c == ':')
        return cmd_usage_error(argv[0], "option '%s' needs an argument", opt);
    if (!strncmp(arg, "--", 2) && strchr(arg, '=') && optopt != 0)
        return cmd_usage_error(argv[0], "option '%s' takes no argument", opt);
    return cmd_usage_error(argv[0], "unknown option '%s'", opt);
}

bool cmd_opt_extra(int argc, char **argv, const char *usage)
{
    UNUSED(usage);
    if (optind >= argc)
        return false;
    cmd_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    return true;
}
