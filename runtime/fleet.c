/*
 * fleet.c - a rollout over the targets file (fleet.h, docs/fleet.md). Each target runs as a
 * child process of this same program (/proc/self/exe COMMAND OPTIONS --json) whose conninfo
 * comes in DATABASE_URL, never on a command line: the child has its own tracking table, lock
 * and tenant fan-out exactly as a single database. The parent only schedules (--jobs overall,
 * --per-host per server, the canary group alone and first, --max-failures), collects each
 * child's JSON, prints a line per finished target and a roll-up. Re-running the same migrate
 * finishes what is not done, because each child applies only its pending versions.
 */
#include "fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "runctx.h"
#include "targets.h"

extern char **environ;

typedef struct FleetOpts {
    const char *prog;
    RunCmd cmd;
    const char *targets, *canary, *only;
    long jobs, per_host, max_failures, tenant_jobs;
    bool allow_passwords, json, color;
    bool quiet; /* -q/--quiet: no line per target (the children get it too) */
    char **pass; /* options handed to every child, in the order given */
    int npass;
} FleetOpts;

typedef enum TState { T_PENDING, T_RUNNING, T_OK, T_FAILED, T_SKIPPED, T_EXCLUDED } TState;

typedef struct Run {
    TState state;
    bool canary;
    pid_t pid;
    int fd[2];     /* the child's stdout and stderr, -1 once closed */
    StrBuf out, err;
    double start, secs;
    int exit_code; /* -1 when no exit status (killed, or never started) */
    int signo;     /* the signal that ended the child, else 0 */
    json_t *result; /* the child's JSON, or NULL */
    char *summary;  /* one-line outcome */
    char *error;    /* why it failed, or NULL */
    /* status */
    long applied, behind, problems;
    bool drifted;
} Run;

static const char *const child_value_opts[] = { "-s",        "--scope",        "--batch",
                                                "--step",    "--migrations",   "--schemas",
                                                "--lock-timeout", "--statement-timeout",
                                                "--lock-wait" };

void fleet_print_options(FILE *out)
{
    fputs("Fleet (migrate, rollback, status; docs/fleet.md):\n"
          "      --targets FILE        run on every database listed in FILE, each as its own\n"
          "                            run of this program (labels, groups, conninfos)\n"
          "  -j, --jobs N              with --targets: targets at a time (default 4)\n"
          "      --per-host N          with --targets: at most N at a time per server\n"
          "      --canary GROUP        run this group first, one target at a time; stop the\n"
          "                            rollout if one fails (default: a group named canary)\n"
          "      --max-failures N      start no new target after N failures\n"
          "      --only LABEL,...      only these targets of the file\n"
          "      --tenant-jobs N       per-tenant domains: --jobs N inside each target\n"
          "      --allow-passwords     accept a targets file with passwords in clear text\n",
          out);
}

bool fleet_wanted(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--targets") || !strncmp(argv[i], "--targets=", 10))
            return true;
    return false;
}

/* Usage errors as every command spells them (cmd_usage_error), naming the command. */
#define usage(f, ...) cmd_usage_error(cmd_name((f)->cmd), __VA_ARGS__)

static bool positive(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v <= 0 || v > INT_MAX)
        return false;
    *out = v;
    return true;
}

/* Split argv into the fleet's options and the ones every child gets. -1 when parsed, else the
 * exit status. */
static int parse(FleetOpts *f, int argc, char **argv)
{
    f->pass = xcalloc((size_t)argc + 1, sizeof *f->pass);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[64];
        const char *eq = strchr(a, '=');
        if (!strncmp(a, "--", 2) && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else
            snprintf(name, sizeof name, "%s", a);
        static const char *const fleet_value[] = { "--targets",      "-j",       "--jobs",
                                                   "--per-host",     "--canary", "--max-failures",
                                                   "--tenant-jobs",  "--only",   "--database" };
        bool mine = false, child_val = false;
        for (size_t k = 0; k < ARRAY_LEN(fleet_value); k++)
            mine |= !strcmp(name, fleet_value[k]);
        for (size_t k = 0; k < ARRAY_LEN(child_value_opts); k++)
            child_val |= !strcmp(name, child_value_opts[k]);
        if (!mine) {
            if (!strcmp(name, "--allow-passwords"))
                f->allow_passwords = true;
            else if (!strcmp(name, "-q") || !strcmp(name, "--quiet")) {
                f->quiet = true;
                f->pass[f->npass++] = argv[i];
            }
            else if (!strcmp(name, "--json"))
                f->json = true;
            else if (!strcmp(name, "--no-color"))
                f->color = false;
            else {
                f->pass[f->npass++] = argv[i];
                if (child_val && !val && i + 1 < argc)
                    f->pass[f->npass++] = argv[++i];
            }
            continue;
        }
        if (!val) {
            if (i + 1 >= argc)
                return usage(f, "option '%s' needs an argument", name);
            val = argv[++i];
        }
        if (!strcmp(name, "--targets"))
            f->targets = val;
        else if (!strcmp(name, "--canary"))
            f->canary = val;
        else if (!strcmp(name, "--only"))
            f->only = val;
        else if (!strcmp(name, "--database"))
            return usage(f, "%s", "--database and --targets cannot be combined: list the "
                                  "database in the targets file");
        else {
            long *dst = !strcmp(name, "--per-host")       ? &f->per_host
                        : !strcmp(name, "--max-failures") ? &f->max_failures
                        : !strcmp(name, "--tenant-jobs")  ? &f->tenant_jobs
                                                          : &f->jobs;
            if (!positive(val, dst))
                return usage(f, "%s needs a positive number, not '%s'", name, val);
        }
    }
    if (!f->targets || !*f->targets)
        return usage(f, "%s", "--targets needs a file name");
    if (f->cmd != CMD_MIGRATE && f->cmd != CMD_ROLLBACK && f->cmd != CMD_STATUS)
        return usage(f, "--targets works with migrate, rollback and status, not %s",
                     cmd_name(f->cmd));
    return -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- children ---------------------------------------------------------------------------- */

/* environ without DATABASE_URL, plus DATABASE_URL=conninfo (malloc'd array and entry). */
static char **child_env(const char *conninfo)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "DATABASE_URL=", 13) != 0)
            env[k++] = environ[i];
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "DATABASE_URL=%s", conninfo);
    env[k] = sb_detach(&sb);
    return env;
}

static int spawn(Run *r, const Target *t, const char *self, char *const *args)
{
    int po[2], pe[2];
    if (pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    char **env = child_env(t->conninfo);
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* the rollout stops with its parent: a killed fleet leaves no runner behind (a killed
         * child's batch is rolled back or resumed like any interrupted run) */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        close(po[1]);
        close(pe[1]);
        execve(self, args, env);
        dprintf(2, "cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    int saved = errno;
    size_t k = 0; /* the DATABASE_URL entry is the last one */
    while (env[k])
        k++;
    free(env[k - 1]);
    free(env);
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        errno = saved;
        return -1;
    }
    r->pid = pid;
    r->fd[0] = po[0];
    r->fd[1] = pe[0];
    fcntl(po[0], F_SETFD, FD_CLOEXEC);
    fcntl(pe[0], F_SETFD, FD_CLOEXEC);
    r->start = now();
    r->state = T_RUNNING;
    return 0;
}

/* ---- reading a child's result -------------------------------------------------------------- */

/* The last non-empty line of s (for a child that wrote no JSON). */
static char *last_line(const char *s)
{
    const char *end = s + strlen(s);
    while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
        end--;
    const char *b = end;
    while (b > s && b[-1] != '\n')
        b--;
    StrBuf sb = SB_INIT;
    sb_add(&sb, b, (size_t)(end - b));
    return sb_detach(&sb);
}

/* The error of a child's result: its own, or the first failing tenant's. */
static char *result_error(json_t *res)
{
    const char *e = json_string_value(json_object_get(res, "error"));
    if (e)
        return xstrdup(e);
    json_t *ten = json_object_get(res, "tenants");
    size_t i;
    json_t *tj;
    json_array_foreach(ten, i, tj)
    {
        if (json_is_false(json_object_get(tj, "ok"))) {
            StrBuf sb = SB_INIT;
            const char *te = json_string_value(json_object_get(tj, "error"));
            sb_addf(&sb, "tenant %s: %s", json_string_value(json_object_get(tj, "schema")),
                    te ? te : "failed");
            return sb_detach(&sb);
        }
    }
    return NULL;
}

/* Status of one result object (a database, or one tenant of it). */
static void status_of(Run *r, json_t *res)
{
    long pending = 0, applied = 0, problems = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(res, "migrations"), i, m)
    {
        const char *st = json_string_value(json_object_get(m, "state"));
        if (!st)
            continue;
        if (!strcmp(st, "pending"))
            pending++;
        else if (!strcmp(st, "applied") || !strcmp(st, "baselined"))
            applied++;
        else
            problems++;
    }
    if (pending > r->behind)
        r->behind = pending;
    if (applied > r->applied)
        r->applied = applied;
    r->problems += problems;
    if (json_is_true(json_object_get(json_object_get(res, "drift"), "drifted")))
        r->drifted = true;
}

static void summarise(Run *r, RunCmd cmd)
{
    json_t *res = r->result;
    json_t *ten = json_object_get(res, "tenants");
    StrBuf sb = SB_INIT;
    size_t nt = json_array_size(ten);
    if (cmd == CMD_STATUS) {
        if (ten) {
            size_t i;
            json_t *tj;
            json_array_foreach(ten, i, tj) status_of(r, tj);
        } else
            status_of(r, res);
        if (ten)
            sb_addf(&sb, "%zu tenant(s), ", nt);
        if (r->behind)
            sb_addf(&sb, "behind by %ld version(s)", r->behind);
        else
            sb_addf(&sb, "up to date (%ld applied)", r->applied);
        if (r->drifted)
            sb_adds(&sb, ", drifted from its snapshot");
        if (r->problems)
            sb_addf(&sb, ", %ld version(s) modified, missing, partial or invalid", r->problems);
    } else {
        const char *key = cmd == CMD_MIGRATE ? "applied" : "rolledBack";
        size_t n = 0;
        long batch = 0;
        if (ten) {
            size_t i;
            json_t *tj;
            json_array_foreach(ten, i, tj)
            {
                n += json_array_size(json_object_get(tj, key));
                long b = (long)json_integer_value(json_object_get(tj, "batch"));
                batch = b > batch ? b : batch;
            }
            sb_addf(&sb, "%zu tenant(s), ", nt);
        } else {
            n = json_array_size(json_object_get(res, key));
            batch = (long)json_integer_value(json_object_get(res, "batch"));
        }
        if (n == 0)
            sb_adds(&sb, cmd == CMD_MIGRATE ? "nothing to migrate" : "nothing to roll back");
        else if (ten)
            sb_addf(&sb, "%s %zu migration(s) in all", cmd == CMD_MIGRATE ? "applied" : "rolled back",
                    n);
        else
            sb_addf(&sb, "%s %zu migration(s) %s batch %ld",
                    cmd == CMD_MIGRATE ? "applied" : "rolled back", n,
                    cmd == CMD_MIGRATE ? "in" : "from", batch);
    }
    r->summary = sb_detach(&sb);
}

/* Runs of newlines, tabs and spaces become one space, in place. */
static void flatten(char *s)
{
    char *w = s;
    for (const char *p = s; *p; p++) {
        bool sp = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
        if (sp && (w == s || w[-1] == ' '))
            continue;
        *w++ = sp ? ' ' : *p;
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

static void finish(Run *r, RunCmd cmd, int status)
{
    r->secs = now() - r->start;
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    json_error_t jerr;
    r->result = r->out.len ? json_loadb(r->out.buf, r->out.len, 0, &jerr) : NULL;
    if (r->result && !json_is_object(r->result)) {
        json_decref(r->result);
        r->result = NULL;
    }
    if (r->result)
        r->error = result_error(r->result);
    bool ok = r->result && !r->error && (r->exit_code == 0 || cmd == CMD_STATUS);
    if (!ok && !r->error) {
        StrBuf sb = SB_INIT;
        char *ll = last_line(sb_str(&r->err));
        if (r->signo)
            sb_addf(&sb, "killed by signal %d", r->signo);
        else if (!r->result)
            sb_addf(&sb, "exited with status %d without a result", r->exit_code);
        else
            sb_addf(&sb, "exited with status %d", r->exit_code);
        if (*ll)
            sb_addf(&sb, ": %s", ll);
        free(ll);
        r->error = sb_detach(&sb);
    }
    if (r->error) /* one line: a progress line per target (the child's JSON keeps the text) */
        flatten(r->error);
    if (ok)
        summarise(r, cmd);
    r->state = ok ? T_OK : T_FAILED;
}

/* Read what the running children wrote (waiting up to timeout_ms); reap the ones whose output
 * ended. Returns how many finished. */
static size_t pump(Run *runs, size_t n, RunCmd cmd, int timeout_ms, size_t *finished)
{
    struct pollfd *pf = xcalloc(2 * n + 1, sizeof *pf);
    size_t *who = xcalloc(2 * n + 1, sizeof *who);
    nfds_t np = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
            if (runs[i].state == T_RUNNING && runs[i].fd[k] >= 0) {
                pf[np].fd = runs[i].fd[k];
                pf[np].events = POLLIN;
                who[np++] = i * 2 + (size_t)k;
            }
    if (np && poll(pf, np, timeout_ms) > 0) {
        char buf[65536];
        for (nfds_t p = 0; p < np; p++) {
            if (!pf[p].revents)
                continue;
            Run *r = &runs[who[p] / 2];
            int k = (int)(who[p] % 2);
            ssize_t got = read(pf[p].fd, buf, sizeof buf);
            if (got > 0)
                sb_add(k ? &r->err : &r->out, buf, (size_t)got);
            else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(r->fd[k]);
                r->fd[k] = -1;
            }
        }
    }
    free(pf);
    free(who);
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        Run *r = &runs[i];
        if (r->state != T_RUNNING || r->fd[0] >= 0 || r->fd[1] >= 0)
            continue;
        int status = 0;
        while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
            ;
        finish(r, cmd, status);
        finished[nf++] = i;
    }
    return nf;
}

/* ---- output ------------------------------------------------------------------------------ */

static FILE *progress_stream(const FleetOpts *f)
{
    return f->json ? stderr : stdout;
}

static void progress(const FleetOpts *f, const Targets *t, const Run *runs, size_t i,
                     const size_t counts[3])
{
    const Run *r = &runs[i];
    const Target *g = &t->v[i];
    bool ok = r->state == T_OK;
    bool warn = ok && (r->behind || r->drifted || r->problems);
    const char *col = !f->color ? "" : !ok ? RED : warn ? YELLOW : GREEN;
    FILE *out = progress_stream(f);
    fprintf(out, "[%zu done, %zu failed, %zu pending] %s%-6s%s %s%s%s%s on %s: %s (%.2fs)\n",
            counts[0], counts[1], counts[2], col, ok ? "ok" : "FAILED", f->color ? RESET : "",
            g->label, *g->group ? " (" : "", g->group, *g->group ? ")" : "", g->server,
            ok ? r->summary : r->error, r->secs);
    fflush(out);
}

static json_t *target_json(const Target *g, const Run *r, RunCmd cmd)
{
    static const char *const names[] = { "pending", "running", "ok", "failed", "not-started",
                                         "excluded" };
    json_t *j = json_object();
    json_object_set_new(j, "label", json_string(g->label));
    json_object_set_new(j, "group", *g->group ? json_string(g->group) : json_null());
    json_object_set_new(j, "host", json_string(g->server));
    json_object_set_new(j, "database", *g->dbname ? json_string(g->dbname) : json_null());
    json_object_set_new(j, "conninfo", json_string(g->shown));
    json_object_set_new(j, "line", json_integer(g->line));
    json_object_set_new(j, "canary", json_boolean(r->canary));
    json_object_set_new(j, "status", json_string(names[r->state]));
    bool ran = r->state == T_OK || r->state == T_FAILED;
    json_object_set_new(j, "exitCode", ran && r->exit_code >= 0 ? json_integer(r->exit_code)
                                                                : json_null());
    json_object_set_new(j, "signal", r->signo ? json_integer(r->signo) : json_null());
    json_object_set_new(j, "seconds", ran ? json_real(r->secs)
                                          : json_null());
    json_object_set_new(j, "summary", r->summary ? json_string(r->summary) : json_null());
    json_object_set_new(j, "error", r->error ? json_string(r->error) : json_null());
    if (cmd == CMD_STATUS && r->state == T_OK) {
        json_object_set_new(j, "applied", json_integer(r->applied));
        json_object_set_new(j, "behind", json_integer(r->behind));
        json_object_set_new(j, "drifted", json_boolean(r->drifted));
        json_object_set_new(j, "problems", json_integer(r->problems));
    }
    json_object_set_new(j, "result", r->result ? json_incref(r->result) : json_null());
    return j;
}

/* Names of the runs in state st (with the status predicate, if any), "a, b, c". */
static void list_names(StrBuf *sb, const Targets *t, const Run *runs, TState st)
{
    for (size_t i = 0; i < t->n; i++)
        if (runs[i].state == st)
            sb_addf(sb, "%s%s", sb->len ? ", " : "", t->v[i].label);
}

static void rollup_status(const Targets *t, const Run *runs, size_t total)
{
    size_t up = 0, behind = 0, drifted = 0, problems = 0, failed = 0;
    for (size_t i = 0; i < t->n; i++) {
        const Run *r = &runs[i];
        if (r->state == T_FAILED)
            failed++;
        else if (r->state == T_OK) {
            behind += r->behind > 0;
            drifted += r->drifted;
            problems += r->problems > 0;
            up += !r->behind && !r->drifted && !r->problems;
        }
    }
    printf("\nFleet status: %zu target(s): %zu up to date, %zu behind, %zu drifted, %zu with "
           "problems, %zu unreachable or failed\n",
           total, up, behind, drifted, problems, failed);
    static const char *const heads[] = { "Behind (pending versions):", "Drifted from the newest "
                                         "applied snapshot:",
                                         "Problems (modified, missing, partial or invalid "
                                         "versions: run status on the target):",
                                         "Failed:" };
    for (int h = 0; h < 4; h++) {
        bool head = false;
        for (size_t i = 0; i < t->n; i++) {
            const Run *r = &runs[i];
            bool in = h == 3 ? r->state == T_FAILED
                             : r->state == T_OK && (h == 0   ? r->behind > 0
                                                    : h == 1 ? r->drifted
                                                             : r->problems > 0);
            if (!in)
                continue;
            if (!head)
                printf("%s\n", heads[h]);
            head = true;
            const Target *g = &t->v[i];
            if (h == 0)
                printf("  - %s on %s: %ld version(s) behind\n", g->label, g->server, r->behind);
            else if (h == 2)
                printf("  - %s on %s: %ld version(s)\n", g->label, g->server, r->problems);
            else if (h == 3)
                printf("  - %s on %s: %s\n", g->label, g->server, r->error);
            else
                printf("  - %s on %s\n", g->label, g->server);
        }
    }
}

/* ---- the rollout ------------------------------------------------------------------------- */

static bool in_list(const char *list, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && !strncmp(p, label, n))
            return true;
        p += len + (c ? 1 : 0);
    }
    return false;
}

static size_t running_on(const Targets *t, const Run *runs, const char *server)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += runs[i].state == T_RUNNING && !strcmp(t->v[i].server, server);
    return n;
}

/* One rollout: the options, the targets and their runs. */
typedef struct Fleet {
    FleetOpts f;
    const char *scope;
    Targets t;
    Run *runs;
    size_t *fin;       /* scratch for pump */
    char self[PATH_MAX];
    char **args;       /* every child's argv (owned entries) */
    size_t total, ncanary;
    size_t counts[3];  /* done, failed, pending */
    size_t skipped;
    StrBuf stop;       /* why the rollout stopped early, "" when it did not */
    double secs;
} Fleet;

/* Mark the runs (--only, the canary group) and check the names given; 0 or the exit status. */
static int select_targets(Fleet *fl)
{
    const FleetOpts *f = &fl->f;
    const char *canary = f->canary ? f->canary : "canary";
    fl->runs = xcalloc(fl->t.n, sizeof *fl->runs);
    fl->fin = xcalloc(fl->t.n, sizeof *fl->fin);
    for (size_t i = 0; i < fl->t.n; i++) {
        Run *r = &fl->runs[i];
        r->fd[0] = r->fd[1] = -1;
        r->exit_code = -1;
        if (f->only && !in_list(f->only, fl->t.v[i].label)) {
            r->state = T_EXCLUDED;
            continue;
        }
        fl->total++;
        r->canary = f->cmd != CMD_STATUS && !strcmp(fl->t.v[i].group, canary);
        fl->ncanary += r->canary;
    }
    /* every name must be in the file: a typo must not shrink the rollout */
    for (const char *p = f->only ? f->only : ""; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < fl->t.n; i++)
            found |= strlen(fl->t.v[i].label) == len && !strncmp(fl->t.v[i].label, p, len);
        if (!found) {
            fprintf(stderr, "%s: --only: no target labelled '%.*s' in %s\n", f->prog, (int)len, p,
                    f->targets);
            return 2;
        }
        p += len + (c ? 1 : 0);
    }
    if (f->canary && !fl->ncanary && f->cmd != CMD_STATUS) {
        fprintf(stderr, "%s: --canary %s: no target of %s is in that group\n", f->prog, f->canary,
                f->targets);
        return 2;
    }
    return 0;
}

/* Every child's argv: PROG COMMAND OPTIONS --json [--jobs N]. */
static void child_args(Fleet *fl)
{
    const FleetOpts *f = &fl->f;
    fl->args = xcalloc((size_t)f->npass + 6, sizeof *fl->args);
    size_t na = 0;
    fl->args[na++] = xstrdup(f->prog);
    fl->args[na++] = xstrdup(cmd_name(f->cmd));
    for (int i = 0; i < f->npass; i++)
        fl->args[na++] = xstrdup(f->pass[i]);
    fl->args[na++] = xstrdup("--json");
    if (f->tenant_jobs) {
        char tj[32];
        snprintf(tj, sizeof tj, "%ld", f->tenant_jobs);
        fl->args[na++] = xstrdup("--jobs");
        fl->args[na++] = xstrdup(tj);
    }
}

/* A target has finished (or could not start): count it, print its line, and decide whether the
 * rollout stops. */
static void finished(Fleet *fl, size_t i, size_t running, long *failures)
{
    const FleetOpts *f = &fl->f;
    Run *r = &fl->runs[i];
    fl->counts[2]--;
    fl->counts[r->state == T_OK ? 0 : 1]++;
    if (!f->quiet)
        progress(f, &fl->t, fl->runs, i, fl->counts);
    if (r->state != T_FAILED)
        return;
    ++*failures;
    if (fl->stop.len || f->cmd == CMD_STATUS)
        return;
    if (r->canary)
        sb_addf(&fl->stop, "canary target %s failed", fl->t.v[i].label);
    else if (f->max_failures && *failures >= f->max_failures)
        sb_addf(&fl->stop, "%ld target(s) failed (--max-failures %ld)", *failures,
                f->max_failures);
    if (fl->stop.len) {
        FILE *out = progress_stream(f);
        fprintf(out, "Stopping the rollout: %s; no new target starts%s\n", fl->stop.buf,
                running > 1 ? ", the running ones finish" : "");
        fflush(out);
    }
}

/* The canary phase (one at a time), then the rest (--jobs, --per-host), until done or
 * stopped; targets never started end as T_SKIPPED. */
static void rollout(Fleet *fl)
{
    const FleetOpts *f = &fl->f;
    double t0 = now();
    long failures = 0;
    fl->counts[2] = fl->total;
    for (int phase = fl->ncanary ? 0 : 1; phase < 2 && !fl->stop.len; phase++) {
        size_t limit = phase == 0 ? 1 : (size_t)f->jobs;
        for (;;) {
            size_t running = 0;
            for (size_t i = 0; i < fl->t.n; i++)
                running += fl->runs[i].state == T_RUNNING;
            for (size_t i = 0; i < fl->t.n && !fl->stop.len && running < limit; i++) {
                Run *r = &fl->runs[i];
                if (r->state != T_PENDING || r->canary != (phase == 0))
                    continue;
                if (f->per_host &&
                    running_on(&fl->t, fl->runs, fl->t.v[i].server) >= (size_t)f->per_host)
                    continue;
                if (spawn(r, &fl->t.v[i], fl->self, fl->args) == 0) {
                    running++;
                    continue;
                }
                r->state = T_FAILED;
                StrBuf sb = SB_INIT;
                sb_addf(&sb, "cannot start a runner: %s", strerror(errno));
                r->error = sb_detach(&sb);
                finished(fl, i, running, &failures);
            }
            if (!running)
                break;
            size_t nf = pump(fl->runs, fl->t.n, f->cmd, 1000, fl->fin);
            for (size_t k = 0; k < nf; k++)
                finished(fl, fl->fin[k], running, &failures);
        }
    }
    for (size_t i = 0; i < fl->t.n; i++)
        if (fl->runs[i].state == T_PENDING) {
            fl->runs[i].state = T_SKIPPED;
            fl->skipped++;
        }
    fl->secs = now() - t0;
}

static void report_json(const Fleet *fl, bool ok)
{
    const FleetOpts *f = &fl->f;
    json_t *out = json_object();
    json_object_set_new(out, "command", json_string(cmd_name(f->cmd)));
    json_object_set_new(out, "domain", json_string(fl->scope));
    json_object_set_new(out, "targetsFile", json_string(f->targets));
    json_object_set_new(out, "ok", json_boolean(ok));
    json_t *sum = json_object();
    json_object_set_new(sum, "targets", json_integer((json_int_t)fl->total));
    json_object_set_new(sum, "ok", json_integer((json_int_t)fl->counts[0]));
    json_object_set_new(sum, "failed", json_integer((json_int_t)fl->counts[1]));
    json_object_set_new(sum, "notStarted", json_integer((json_int_t)fl->skipped));
    json_object_set_new(sum, "seconds", json_real(fl->secs));
    json_object_set_new(out, "summary", sum);
    json_object_set_new(out, "stopped", fl->stop.len ? json_string(fl->stop.buf) : json_null());
    json_t *failed = json_array(), *arr = json_array(), *behind = json_array(),
           *drifted = json_array();
    for (size_t i = 0; i < fl->t.n; i++) {
        const Run *r = &fl->runs[i];
        const char *label = fl->t.v[i].label;
        if (r->state == T_EXCLUDED)
            continue;
        if (r->state == T_FAILED)
            json_array_append_new(failed, json_string(label));
        if (r->state == T_OK && r->behind)
            json_array_append_new(behind, json_string(label));
        if (r->state == T_OK && r->drifted)
            json_array_append_new(drifted, json_string(label));
        json_array_append_new(arr, target_json(&fl->t.v[i], r, f->cmd));
    }
    json_object_set_new(out, "failed", failed);
    if (f->cmd == CMD_STATUS) {
        json_object_set_new(out, "behind", behind);
        json_object_set_new(out, "drifted", drifted);
    } else {
        json_decref(behind);
        json_decref(drifted);
    }
    json_object_set_new(out, "targets", arr);
    char *s = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    printf("%s\n", s);
    free(s);
    json_decref(out);
}

static void report_text(const Fleet *fl, const char *skipped_names)
{
    const FleetOpts *f = &fl->f;
    if (f->cmd == CMD_STATUS) {
        rollup_status(&fl->t, fl->runs, fl->total);
        return;
    }
    size_t nfailed = fl->counts[1];
    printf("\nFleet %s: %zu target(s): %zu ok, %zu failed, %zu not started (%.1fs)\n",
           cmd_name(f->cmd), fl->total, fl->counts[0], nfailed, fl->skipped, fl->secs);
    if (nfailed) {
        printf("Failed:\n");
        for (size_t i = 0; i < fl->t.n; i++)
            if (fl->runs[i].state == T_FAILED)
                printf("  - %s on %s: %s\n", fl->t.v[i].label, fl->t.v[i].server,
                       fl->runs[i].error);
    }
    if (fl->skipped)
        printf("Not started (%s): %s\n", fl->stop.buf, skipped_names);
    if ((nfailed || fl->skipped) && f->cmd == CMD_MIGRATE)
        printf("Fix the failures and run the same command again: targets that are done have "
               "nothing pending and are left as they are.\n");
    else if ((nfailed || fl->skipped) && f->cmd == CMD_ROLLBACK)
        printf("Running rollback again would revert one more batch on the targets that are "
               "done: finish the rest with --only LABEL,... (see docs/fleet.md).\n");
}

/* The roll-up (text or JSON) and the "Error:" lines; returns the exit status. */
static int report(const Fleet *fl)
{
    const FleetOpts *f = &fl->f;
    size_t nfailed = fl->counts[1];
    bool status_bad = false;
    for (size_t i = 0; f->cmd == CMD_STATUS && i < fl->t.n; i++)
        status_bad |= fl->runs[i].state == T_OK &&
                      (fl->runs[i].problems > 0 || fl->runs[i].exit_code != 0);
    int rc = nfailed || fl->skipped || status_bad ? 1 : 0;
    StrBuf failed_names = SB_INIT, skipped_names = SB_INIT;
    list_names(&failed_names, &fl->t, fl->runs, T_FAILED);
    list_names(&skipped_names, &fl->t, fl->runs, T_SKIPPED);
    if (f->json)
        report_json(fl, rc == 0);
    else
        report_text(fl, sb_str(&skipped_names));
    fflush(stdout);
    const char *red = f->color ? RED : "", *reset = f->color ? RESET : "";
    if (nfailed)
        fprintf(stderr, "%sError:%s %zu of %zu target(s) failed: %s\n", red, reset, nfailed,
                fl->total, failed_names.buf);
    if (fl->skipped)
        fprintf(stderr, "%sError:%s %zu target(s) not started: %s\n", red, reset, fl->skipped,
                skipped_names.buf);
    if (status_bad && !nfailed)
        fprintf(stderr, "%sError:%s some targets have modified, missing, partial or invalid "
                        "versions\n",
                red, reset);
    sb_release(&failed_names);
    sb_release(&skipped_names);
    return rc;
}

int fleet_run(const char *prog, RunCmd cmd, int argc, char **argv)
{
    Fleet fl = { 0 };
    FleetOpts *f = &fl.f;
    f->prog = prog;
    f->cmd = cmd;
    f->jobs = 4;
    f->color = true;
    int rc = parse(f, argc, argv);
    if (rc >= 0)
        goto done;
    f->color = f->color && cmd_color(isatty(f->json ? 2 : 1));
    /* the children's options are checked once here, not once per target */
    Opts o = { 0 };
    o.cmd = cmd;
    o.prog = prog;
    o.word = cmd_name(cmd); /* usage errors name it */
    o.scope = "public";
    o.migrations_root = "database/migrations";
    o.schemas_root = "database/schemas";
    rc = opts_parse(&o, f->npass, f->pass);
    if (rc >= 0)
        goto done;
    fl.scope = o.scope;
    rc = 1;
    if (runner_check_scope(o.scope, o.migrations_root, o.schemas_root) != 0)
        goto done;
    StrBuf err = SB_INIT;
    if (targets_load(&fl.t, f->targets, f->allow_passwords, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, sb_str(&err));
        sb_release(&err);
        rc = 2;
        goto done;
    }
    sb_release(&err);
    ssize_t sn = readlink("/proc/self/exe", fl.self, sizeof fl.self - 1);
    if (sn <= 0) {
        fprintf(stderr, "%s: cannot find its own executable (/proc/self/exe): %s\n", prog,
                strerror(errno));
        goto done;
    }
    fl.self[sn] = '\0';
    if ((rc = select_targets(&fl)) != 0)
        goto done;
    child_args(&fl);

    FILE *pout = progress_stream(f);
    fprintf(pout, "Fleet %s of domain %s: %zu target(s) from %s, %ld at a time", cmd_name(cmd),
            fl.scope, fl.total, f->targets, f->jobs);
    if (f->per_host)
        fprintf(pout, " (at most %ld per server)", f->per_host);
    if (fl.ncanary)
        fprintf(pout, "; canary group %s first (%zu target(s), one at a time)",
                f->canary ? f->canary : "canary", fl.ncanary);
    fprintf(pout, "\n");
    fflush(pout);
    rollout(&fl);
    rc = report(&fl);
done:
    for (size_t i = 0; fl.runs && i < fl.t.n; i++) {
        sb_release(&fl.runs[i].out);
        sb_release(&fl.runs[i].err);
        json_decref(fl.runs[i].result);
        free(fl.runs[i].summary);
        free(fl.runs[i].error);
    }
    free(fl.runs);
    free(fl.fin);
    for (size_t i = 0; fl.args && fl.args[i]; i++)
        free(fl.args[i]);
    free(fl.args);
    free(f->pass);
    sb_release(&fl.stop);
    targets_release(&fl.t);
    return rc;
}
