/*
 * cmd_lsp.c - `stravc lsp`: run the Language Server Protocol server (lsp.h) on stdin and
 * stdout for an editor. Parses only --help.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "lsp.h"

static const char lsp_usage[] =
    "usage: stravc lsp\n"
    "\n"
    "Run a Language Server Protocol server on stdin/stdout (JSON-RPC, Content-Length\n"
    "framing) for editors: diagnostics as you type, formatting, go to definition, hover,\n"
    "completion. It reads the domain folder of each open file, open buffers first.\n"
    "\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 after the client's shutdown and exit, 1 otherwise, 2 usage error.\n";

int cmd_lsp(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1)
        return cmd_opt_other(c, argv, lsp_usage);
    if (cmd_opt_extra(argc, argv, lsp_usage))
        return 2;
    return lsp_serve(stdin, stdout);
}
