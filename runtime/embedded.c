/*
 * embedded.c - the project-local PostgreSQL cluster (see embedded.h).
 * Layout: .strav/pg/ (owned by the server's account) holds data/, server.log and, when the path
 * is short enough for a Unix socket (about 107 bytes), the socket itself; otherwise the socket
 * lives in /tmp/strav-<hash of the project path>. PostgreSQL refuses to run as root, so under
 * root initdb and pg_ctl run as the 'postgres' account (or 'nobody'). When that account cannot
 * reach .strav/ (a project under /root), the cluster lives in /var/tmp/strav-<hash> instead.
 * A flock on .strav/lock serialises concurrent first uses.
 */
#include "embedded.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg.h"
#include "sha256.h"

/* max_locks_per_transaction of the embedded cluster: the shared lock table holds this many
 * times (max_connections + max_prepared_transactions) locks, about 100,000 (some 25 MB of
 * shared memory), enough to drop some 10,000 tables in one transaction. */
#define EMBEDDED_MAX_LOCKS 1024

typedef struct Cluster {
    char *base;    /* .strav (absolute) */
    char *pgdir;   /* directory owned by the server account */
    char *data;    /* PGDATA */
    char *sock;    /* socket directory */
    char *log;     /* server log */
    char *bindir;  /* server binaries, NULL when not found */
    bool as_other; /* run the server binaries under another account (we are root) */
    uid_t uid;
    gid_t gid;
} Cluster;

static void cluster_release(Cluster *c)
{
    free(c->base);
    free(c->pgdir);
    free(c->data);
    free(c->sock);
    free(c->log);
    free(c->bindir);
}

static char *path_join(const char *a, const char *b)
{
    StrBuf sb = SB_INIT;
    sb_addf(&sb, "%s/%s", a, b);
    return sb_detach(&sb);
}

static bool is_exec(const char *dir, const char *prog)
{
    char *p = path_join(dir, prog);
    bool ok = access(p, X_OK) == 0;
    free(p);
    return ok;
}

/* pg_config --bindir, then the newest /usr/lib/postgresql/N/bin, then PATH. */
static char *find_bindir(void)
{
    char line[4096];
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char *got = fgets(line, sizeof line, p);
        pclose(p);
        if (got) {
            line[strcspn(line, "\n")] = '\0';
            if (is_exec(line, "initdb") && is_exec(line, "pg_ctl"))
                return xstrdup(line);
        }
    }
    glob_t g;
    char *best = NULL;
    long bestv = -1;
    if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *v = g.gl_pathv[i] + strlen("/usr/lib/postgresql/");
            char *end;
            long n = strtol(v, &end, 10);
            if (end != v && n > bestv && is_exec(g.gl_pathv[i], "initdb")) {
                bestv = n;
                free(best);
                best = xstrdup(g.gl_pathv[i]);
            }
        }
        globfree(&g);
    }
    if (best)
        return best;
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    char *copy = xstrdup(path), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (*d && is_exec(d, "initdb") && is_exec(d, "pg_ctl")) {
            best = xstrdup(d);
            break;
        }
    }
    free(copy);
    return best;
}

/* Run argv (as the server account when needed) with stdout/stderr to logfd; returns the exit
 * status, or -1 when it could not be started. */
static int run_argv(const Cluster *c, char *const argv[], int logfd)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (logfd >= 0) {
            dup2(logfd, 1);
            dup2(logfd, 2);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        if (c->as_other) {
            if (setgroups(0, NULL) != 0 || setgid(c->gid) != 0 || setuid(c->uid) != 0)
                _exit(126);
        }
        if (chdir(c->pgdir) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* run_argv with a NULL-terminated list of arguments: prog (in bindir), then the rest. */
static int run_as(const Cluster *c, int logfd, const char *prog, ...)
{
    char *argv[32];
    size_t n = 0;
    argv[n++] = path_join(c->bindir, prog);
    va_list ap;
    va_start(ap, prog);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < ARRAY_LEN(argv) - 1)
        argv[n++] = xstrdup(a);
    va_end(ap);
    argv[n] = NULL;
    int rc = run_argv(c, argv, logfd);
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    return rc;
}

/* Can the server account search (x) every directory down to path? Checked in a child that
 * drops to that account. */
static bool reachable_by(const Cluster *c, const char *path)
{
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(c->gid) != 0 || setuid(c->uid) != 0)
            _exit(1);
        _exit(access(path, X_OK) == 0 ? 0 : 1);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool path_is_plain(const char *p)
{
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

static int make_dir(const char *p, mode_t mode, const Cluster *c, bool chown_it, StrBuf *err)
{
    if (mkdir(p, mode) != 0 && errno != EEXIST) {
        sb_addf(err, "cannot create %s: %s", p, strerror(errno));
        return -1;
    }
    if (chown_it && c->as_other && chown(p, c->uid, c->gid) != 0) {
        sb_addf(err, "cannot give %s to the server account: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

/* Work out every path; create the directories. */
static int cluster_setup(Cluster *c, bool create, StrBuf *err)
{
    memset(c, 0, sizeof *c);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) {
        sb_addf(err, "cannot find the current directory: %s", strerror(errno));
        return -1;
    }
    char hash[65];
    sha256_hex(cwd, strlen(cwd), hash);
    hash[12] = '\0';
    c->base = path_join(cwd, ".strav");
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw)
            pw = getpwnam("nobody");
        if (!pw) {
            sb_adds(err, "running as root, and there is no 'postgres' or 'nobody' account to run "
                         "the embedded PostgreSQL server (PostgreSQL refuses to run as root)");
            return -1;
        }
        c->as_other = true;
        c->uid = pw->pw_uid;
        c->gid = pw->pw_gid;
    }
    if (create && make_dir(c->base, 0755, c, false, err) != 0)
        return -1;
    c->pgdir = path_join(c->base, "pg");
    if (c->as_other && !reachable_by(c, c->base)) {
        /* e.g. a project under /root: the server account cannot reach it */
        free(c->pgdir);
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "/var/tmp/strav-%s", hash);
        c->pgdir = sb_detach(&sb);
    }
    if (create && make_dir(c->pgdir, 0700, c, true, err) != 0)
        return -1;
    c->data = path_join(c->pgdir, "data");
    c->log = path_join(c->pgdir, "server.log");
    if (strlen(c->pgdir) + sizeof "/.s.PGSQL.5432.lock" > 100 || !path_is_plain(c->pgdir)) {
        StrBuf sb = SB_INIT;
        sb_addf(&sb, "/tmp/strav-%s", hash);
        c->sock = sb_detach(&sb);
        if (create && make_dir(c->sock, 0700, c, true, err) != 0)
            return -1;
    } else {
        c->sock = xstrdup(c->pgdir);
    }
    return 0;
}

static void add_conninfo_value(StrBuf *out, const char *v)
{
    sb_addch(out, '\'');
    for (; *v; v++) {
        if (*v == '\'' || *v == '\\')
            sb_addch(out, '\\');
        sb_addch(out, *v);
    }
    sb_addch(out, '\'');
}

static void socket_conninfo(StrBuf *out, const Cluster *c)
{
    sb_adds(out, "host=");
    add_conninfo_value(out, c->sock);
    sb_adds(out, " port=5432 user=postgres dbname=postgres");
}

/* Whether the server answers on its socket: PG_PING_OK, PG_PING_STARTING (up, not ready yet:
 * crash recovery), or PG_PING_DOWN. A connection attempt, not pg_ctl status: the postmaster.pid
 * check of pg_ctl takes a killed postmaster that nobody reaped yet (a zombie: a container
 * without an init) for a running server. */
static int server_ping(const Cluster *c)
{
    char *sockfile = path_join(c->sock, ".s.PGSQL.5432");
    bool sock = access(sockfile, F_OK) == 0;
    free(sockfile);
    if (!sock)
        return PG_PING_DOWN;
    StrBuf info = SB_INIT;
    socket_conninfo(&info, c);
    sb_adds(&info, " connect_timeout=10");
    int st = pg_ping(info.buf);
    sb_release(&info);
    return st;
}

/* Whether process pid is alive and a postgres (not a zombie, not a reused pid). */
static bool postgres_alive(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close = strrchr(buf, ')'); /* "pid (comm) S ..." */
    const char *open = strchr(buf, '(');
    if (!close || !open || close[1] != ' ')
        return false;
    if (close[2] == 'Z' || close[2] == 'X')
        return false;
    return strncmp(open + 1, "postgres", 8) == 0 || strncmp(open + 1, "postmaster", 10) == 0;
}

/* After a kill -9 of the postmaster its postmaster.pid stays behind; when the pid in it is
 * gone (or a zombie, or some other program now), remove it so the next start is not refused. */
static void clear_stale_pidfile(const Cluster *c)
{
    char *pidfile = path_join(c->data, "postmaster.pid");
    FILE *f = fopen(pidfile, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
        if (pid > 0 && !postgres_alive(pid)) {
            fprintf(stderr, "note: the embedded PostgreSQL server (pid %ld) is gone; restarting "
                            "it\n", pid);
            unlink(pidfile);
        }
    }
    free(pidfile);
}

static void show_log_tail(const char *path, StrBuf *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    StrBuf all = SB_INIT;
    while (fgets(line, sizeof line, f))
        sb_adds(&all, line);
    fclose(f);
    const char *s = sb_str(&all);
    size_t n = all.len, lines = 0;
    while (n > 0 && lines < 8) {
        n--;
        if (n > 0 && s[n - 1] == '\n')
            lines++;
    }
    sb_addf(err, "\n%s", s + n);
    sb_release(&all);
}

static int lock_base(const Cluster *c, StrBuf *err)
{
    char *p = path_join(c->base, "lock");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(p);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        sb_addf(err, "cannot lock %s/lock: %s", c->base, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int embedded_ensure(StrBuf *conninfo, StrBuf *err)
{
    Cluster c;
    int rc = -1, lockfd = -1, logfd = -1;
    if (cluster_setup(&c, true, err) != 0)
        goto out;
    c.bindir = find_bindir();
    if (!c.bindir) {
        sb_adds(err, "no database configured (--database, DATABASE_URL or PG* variables) and the "
                     "PostgreSQL server binaries (initdb, pg_ctl) for the embedded default were not "
                     "found; install them (apt-get install postgresql) or configure a database");
        goto out;
    }
    if ((lockfd = lock_base(&c, err)) < 0)
        goto out;
    char *pgver = path_join(c.data, "PG_VERSION");
    bool exists = access(pgver, F_OK) == 0;
    free(pgver);
    if (!exists) {
        logfd = open(c.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (logfd >= 0 && c.as_other && fchown(logfd, c.uid, c.gid) != 0) {
            sb_addf(err, "cannot give %s to the server account: %s", c.log, strerror(errno));
            goto out;
        }
        fprintf(stderr, "note: creating the embedded PostgreSQL cluster in %s\n", c.data);
        int st = run_as(&c, logfd, "initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E",
                        "UTF8", "--locale=C", "--no-sync", (char *)NULL);
        if (st != 0) {
            sb_addf(err, "initdb failed for the embedded cluster (see %s)", c.log);
            show_log_tail(c.log, err);
            goto out;
        }
    }
    int ping = server_ping(&c);
    /* a server in crash recovery (restarted by another command): wait for it to be ready */
    for (int i = 0; ping == PG_PING_STARTING && i < 600; i++) {
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
        ping = server_ping(&c);
    }
    if (ping != PG_PING_OK) {
        if (logfd < 0)
            logfd = open(c.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (logfd >= 0 && c.as_other && fchown(logfd, c.uid, c.gid) != 0) {
            sb_addf(err, "cannot give %s to the server account: %s", c.log, strerror(errno));
            goto out;
        }
        clear_stale_pidfile(&c);
        StrBuf opts = SB_INIT;
        /* sized for what Strav sends: a rollback or fresh of a migration with thousands of
         * tables locks every one of them (and their indexes, sequences, types) in one
         * transaction; 64 per connection runs out at about 1,000 tables */
        sb_addf(&opts, "-k %s -c listen_addresses='' -c unix_socket_permissions=0700 "
                       "-c max_locks_per_transaction=%d", c.sock, EMBEDDED_MAX_LOCKS);
        int st = -1;
        /* right after a kill -9 of the postmaster its backends may still hold the shared
         * memory for a moment ("pre-existing shared memory block is still in use"): retry */
        for (int i = 0; i < 20 && st != 0; i++) {
            if (i) {
                struct timespec ts = { 0, 250000000 };
                nanosleep(&ts, NULL);
                clear_stale_pidfile(&c);
            }
            st = run_as(&c, logfd, "pg_ctl", "-D", c.data, "-l", c.log, "-w", "-t", "60", "-o",
                        opts.buf, "start", (char *)NULL);
            if (st != 0 && server_ping(&c) == PG_PING_OK)
                st = 0; /* another command started it meanwhile */
        }
        sb_release(&opts);
        if (st != 0) {
            sb_addf(err, "the embedded PostgreSQL server did not start (see %s)", c.log);
            show_log_tail(c.log, err);
            goto out;
        }
    }
    socket_conninfo(conninfo, &c);
    rc = 0;
out:
    if (logfd >= 0)
        close(logfd);
    if (lockfd >= 0)
        close(lockfd);
    cluster_release(&c);
    return rc;
}

int embedded_stop(StrBuf *msg, StrBuf *err)
{
    Cluster c;
    int rc = -1;
    if (cluster_setup(&c, false, err) != 0)
        goto out;
    char *pidfile = path_join(c.data, "postmaster.pid");
    bool running = access(pidfile, F_OK) == 0;
    free(pidfile);
    if (!running) {
        sb_adds(msg, "The embedded PostgreSQL server is not running.");
        rc = 0;
        goto out;
    }
    c.bindir = find_bindir();
    if (!c.bindir) {
        sb_adds(err, "PostgreSQL server binaries (pg_ctl) not found (apt-get install postgresql)");
        goto out;
    }
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int st = run_as(&c, devnull, "pg_ctl", "-D", c.data, "-m", "fast", "-w", "stop", (char *)NULL);
    if (devnull >= 0)
        close(devnull);
    if (st != 0) {
        sb_addf(err, "pg_ctl stop failed for %s", c.data);
        goto out;
    }
    sb_addf(msg, "Stopped the embedded PostgreSQL server (%s).", c.data);
    rc = 0;
out:
    cluster_release(&c);
    return rc;
}

int embedded_resolve(const char *database, StrBuf *out, StrBuf *err)
{
    const char *url = database;
    if (!url || !*url)
        url = getenv("DATABASE_URL");
    if (url && *url) {
        sb_adds(out, url);
        return 0;
    }
    if (pg_env_configured())
        return 0;
    return embedded_ensure(out, err);
}
