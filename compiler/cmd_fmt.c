/*
 * cmd_fmt.c - `stravc fmt [--check] [PATH...]` (rewrite .strav files in canonical form) and
 * `stravc dump tokens|ast FILE` (debug views of the lexer and parser, used by golden tests).
 * Front end only: source -> parser -> AST -> fmt.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "cmd_json.h"
#include "commands.h"
#include "diag.h"
#include "fmt.h"
#include "lex.h"
#include "parse.h"
#include "source.h"
#include "strbuf.h"

static const char fmt_usage[] =
    "usage: stravc fmt [--check] [--json] [PATH...]\n"
    "\n"
    "Rewrite .strav files in canonical form. A PATH is a file or a folder searched\n"
    "recursively for *.strav files (default: database/schemas).\n"
    "\n"
    "  --check   write nothing; list the files that are not formatted and exit 1\n"
    "  --json    one JSON object: the files and what happened to each (docs/cli.md)\n"
    "  -h, --help\n"
    "\n"
    "Exit status: 0 success, 1 unformatted files (--check) or errors, 2 usage error.\n";

static const char dump_usage[] =
    "usage: stravc dump tokens|ast FILE [--json]\n"
    "\n"
    "Print the tokens (line:col kind text) or the syntax tree of one file.\n"
    "\n"
    "  --json    one JSON object with the printed lines in \"output\" (docs/cli.md)\n"
    "Exit status: 0 success, 1 errors reported, 2 usage error.\n";

/* Write data to path atomically: a temporary file in the same folder, then rename. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    StrBuf tmp = SB_INIT;
    sb_addf(&tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp.buf);
    if (fd < 0) {
        fprintf(stderr, "stravc: error: cannot create '%s': %s\n", tmp.buf, strerror(errno));
        sb_release(&tmp);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0)
        (void)fchmod(fd, st.st_mode & 07777);
    FILE *f = fdopen(fd, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    if (!f)
        close(fd);
    if (!ok || rename(tmp.buf, path) != 0) {
        fprintf(stderr, "stravc: error: cannot write '%s': %s\n", path, strerror(errno));
        unlink(tmp.buf);
        sb_release(&tmp);
        return -1;
    }
    sb_release(&tmp);
    return 0;
}

/* Format one file. Returns 0 when formatted (or rewritten), 1 otherwise. */
static int fmt_one(const char *path, bool check)
{
    Source *src = source_load(path);
    if (!src) {
        fprintf(stderr, "stravc: error: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    AstFile *f = parse_file(&a, src, &d);
    int rc = 0;
    if (diag_count_errors(&d)) {
        cli_diag_flush(&d);
        rc = 1;
    } else {
        StrBuf out = SB_INIT;
        fmt_file(&out, f);
        bool same = out.len == src->len && memcmp(sb_str(&out), src->buf, out.len) == 0;
        const char *state = same ? "unchanged" : check ? "unformatted" : "formatted";
        if (!same && check) {
            printf("%s\n", path);
            rc = 1;
        } else if (!same && write_atomic(path, sb_str(&out), out.len) != 0) {
            rc = 1;
            state = "error";
        }
        json_t *j = json_object();
        json_object_set_new(j, "path", json_string(path));
        json_object_set_new(j, "state", json_string(state));
        cli_json_push("files", j);
        sb_release(&out);
    }
    diag_release(&d);
    arena_free(&a);
    source_free(src);
    return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file is formatted as named; a folder is searched recursively, in name order. */
static int fmt_path(const char *path, bool check, bool top)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "stravc: error: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return top || has_suffix(path, ".strav") ? fmt_one(path, check) : 0;
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "stravc: error: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        StrBuf sub = SB_INIT;
        sb_addf(&sub, "%s%s%s", path, has_suffix(path, "/") ? "" : "/", names[i]);
        if (fmt_path(sub.buf, check, false))
            rc = 1;
        sb_release(&sub);
        free(names[i]);
    }
    free(names);
    return rc;
}

int cmd_fmt(int argc, char **argv)
{
    static const struct option opts[] = {
        { "check", no_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool check = false, json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        if (c == 'j')
            json = true;
        else if (c == 'c')
            check = true;
        else
            return cmd_opt_other(c, argv, fmt_usage);
    }
    if (json) {
        cli_json_begin("fmt");
        cli_json_set("check", json_boolean(check));
        cli_json_set("files", json_array());
    }
    if (optind == argc)
        return cli_json_end(fmt_path("database/schemas", check, false));
    int rc = 0;
    for (int i = optind; i < argc; i++)
        if (fmt_path(argv[i], check, true))
            rc = 1;
    return cli_json_end(rc);
}

/* ---- dump ---- */

static void dump_tokens(Source *src)
{
    Lexer lx;
    lex_init(&lx, src->buf, src->len);
    Token t;
    StrBuf sb = SB_INIT;
    for (;;) {
        int k = lex_next(&lx, &t);
        uint32_t line, col;
        source_line_col(src, t.off, &line, &col);
        sb_addf(&sb, "%u:%u %s", line, col, lex_token_name(k));
        if (k != 0) {
            sb_adds(&sb, " ");
            for (uint32_t i = 0; i < t.len; i++) {
                unsigned char ch = (unsigned char)src->buf[t.off + i];
                if (ch < 0x20 || ch == 0x7f || ch == '\\')
                    sb_addf(&sb, "\\x%02x", ch);
                else
                    sb_addch(&sb, (char)ch);
            }
        }
        sb_addch(&sb, '\n');
        if (k == 0)
            break;
    }
    fwrite(sb_str(&sb), 1, sb.len, stdout);
    sb_release(&sb);
}

int cmd_dump(int argc, char **argv)
{
    bool json = false;
    int k = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(dump_usage, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return cmd_usage_error("dump", "unknown option '%.*s'", (int)strcspn(argv[i], "="),
                                   argv[i]);
        else
            argv[k++] = argv[i];
    }
    argc = k;
    if (argc != 3 || (strcmp(argv[1], "tokens") != 0 && strcmp(argv[1], "ast") != 0))
        return cmd_usage_error("dump", "expected 'tokens' or 'ast' and one FILE");
    if (json) {
        cli_json_begin("dump");
        cli_json_set("what", json_string(argv[1]));
    }
    Source *src = source_load(argv[2]);
    if (!src) {
        fprintf(stderr, "stravc: error: cannot open '%s': %s\n", argv[2], strerror(errno));
        return cli_json_end(1);
    }
    int rc = 0;
    if (!strcmp(argv[1], "tokens")) {
        dump_tokens(src);
    } else {
        Arena a;
        arena_init(&a);
        Diag d;
        diag_init(&d);
        AstFile *f = parse_file(&a, src, &d);
        if (diag_count_errors(&d)) {
            cli_diag_flush(&d);
            rc = 1;
        } else {
            StrBuf out = SB_INIT;
            ast_dump(&out, f);
            fwrite(sb_str(&out), 1, out.len, stdout);
            sb_release(&out);
        }
        diag_release(&d);
        arena_free(&a);
    }
    source_free(src);
    return cli_json_end(rc);
}
