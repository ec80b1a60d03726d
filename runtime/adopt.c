/*
 * adopt.c - pull, drift and baseline (see adopt.h): introspection (introspect.c) joined to the
 * compiler's writers (model_strav.c), loaders (project.c, migdir.c, model_json.c) and diff.
 * Before a model from files or a snapshot is compared with the live schema it is "normalised
 * through PostgreSQL": created in a scratch schema inside a transaction, introspected and rolled
 * back, so expressions (checks, defaults, index expressions, predicates) are compared as the
 * server prints them on both sides, never as two different spellings of the same SQL.
 */
#include "adopt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_json.h"
#include "commands.h"
#include "diag.h"
#include "diff.h"
#include "embedded.h"
#include "emit_sql.h"
#include "filerepl.h"
#include "introspect.h"
#include "ledger.h"
#include "migdir.h"
#include "migset.h"
#include "model_json.h"
#include "model_strav.h"
#include "pg.h"
#include "plan.h"
#include "progress.h"
#include "project.h"
#include "sqlquote.h"
#include "strbuf.h"

typedef struct Opts {
    const char *database, *domain, *out, *schemas, *migrations, *pg_schema, *version;
    bool force, snapshot, strict, json, quiet;
} Opts;

/* The --help texts follow "usage: PROG COMMAND " (parse_opts prints that part). */
static const char pull_usage[] =
    "[--database URL] [-s DOMAIN] [--out DIR] [--schemas DIR] [--pg-schema NAME]\n"
    "            [--force] [--json] [-q|--quiet]\n"
    "Write .strav files (one per table and per enum) for the live schema of DOMAIN's\n"
    "PostgreSQL schema into DIR (default <schemas>/<domain>); --force replaces the files\n"
    "whose text changed (other .strav files in DIR are named in a warning, left in place);\n"
    "--json prints one JSON object (docs/cli.md); on a terminal a progress line is shown on\n"
    "stderr unless --quiet.\n";
static const char drift_usage[] =
    "[--database URL] [-s DOMAIN] [--schemas DIR] [--migrations DIR] [--snapshot]\n"
    "             [--strict] [--json] [-q|--quiet]\n"
    "Print the plan that brings the live database to the schema files (or, with --snapshot, to\n"
    "the latest migration's snapshot), and a warning for every object of the schema the model\n"
    "cannot hold (--strict: those count as drift); --json prints one JSON object (docs/cli.md);\n"
    "on a terminal a progress line is shown on stderr unless --quiet.\n"
    "Exit status: 0 in sync, 3 drifted, 1 error, 2 usage.\n";
static const char baseline_usage[] =
    "[--database URL] [-s DOMAIN] --version V [--migrations DIR] [--strict]\n"
    "            [--json]\n"
    "Check that the live schema equals migration V's snapshot, then record V and every earlier\n"
    "version as applied without running them. Refuses, listing the differences, otherwise.\n"
    "Objects the model cannot hold are one warning each (--strict: refused too);\n"
    "--json prints one JSON object (docs/cli.md).\n";

static int parse_opts(int argc, char **argv, Opts *o, const char *usage)
{
    static const struct option longopts[] = {
        {"database", required_argument, NULL, 'd'},
        {"scope", required_argument, NULL, 's'},
        {"domain", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"schemas", required_argument, NULL, 'S'},
        {"migrations", required_argument, NULL, 'M'},
        {"pg-schema", required_argument, NULL, 'P'},
        {"version", required_argument, NULL, 'v'},
        {"force", no_argument, NULL, 'f'},
        {"snapshot", no_argument, NULL, 'n'},
        {"strict", no_argument, NULL, 'X'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (Opts){.domain = "public", .schemas = "database/schemas",
                .migrations = "database/migrations"};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:d:s:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->database = optarg; break;
        case 's': o->domain = optarg; break;
        case 'o': o->out = optarg; break;
        case 'S': o->schemas = optarg; break;
        case 'M': o->migrations = optarg; break;
        case 'P': o->pg_schema = optarg; break;
        case 'v': o->version = optarg; break;
        case 'f': o->force = true; break;
        case 'n': o->snapshot = true; break;
        case 'X': o->strict = true; break;
        case 'j': o->json = true; break;
        case 'q': o->quiet = true; break;
        case 'h':
            printf("usage: %s %s ", cmd_progname, argv[0]);
            fputs(usage, stdout);
            return 0;
        default:
            return cmd_opt_other(c, argv, usage);
        }
    }
    if (cmd_opt_extra(argc, argv, usage))
        return 2;
    if (!domain_name_valid(o->domain))
        return cmd_usage_error(argv[0], "invalid domain name '%s'", o->domain);
    progress_setup(o->quiet, o->json);
    return -1;
}

/* Connect as migrate and status do (embedded_resolve: --database, DATABASE_URL, PG*, else the
 * embedded default); NULL after printing why. */
static PgConn *connect_or_report(const char *database)
{
    StrBuf info = SB_INIT, err = SB_INIT;
    PgConn *c = NULL;
    if (embedded_resolve(database, &info, &err) == 0)
        c = pg_connect(sb_str(&info), &err);
    if (!c)
        fprintf(stderr, "error: %s\n", sb_str(&err));
    sb_release(&info);
    sb_release(&err);
    return c;
}

static void print_warnings(const IntrospectInfo *info)
{
    for (size_t i = 0; i < info->nwarnings; i++) {
        fprintf(stderr, "warning: %s\n", info->warnings[i]);
        cli_json_push("warnings", json_string(info->warnings[i]));
    }
}

/* ---- pull ------------------------------------------------------------------------------- */

static bool mkdirs(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
    free(p);
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names in dir, sorted (one readdir instead of a stat per file: pull checks each file it
 * writes against this list). Arena-owned; *n = 0 when dir cannot be read. */
static const char **dir_names(Arena *a, const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 64;
    const char **v = xmalloc(cap * sizeof *v);
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = arena_strdup(a, e->d_name);
    }
    closedir(d);
    const char **out = ARENA_ARRAY(a, const char *, *n ? *n : 1);
    memcpy(out, v, *n * sizeof *v);
    free(v);
    qsort(out, *n, sizeof *out, cmp_name);
    return out;
}

static bool has_name(const char **names, size_t n, const char *name)
{
    return n && bsearch(&name, names, n, sizeof *names, cmp_name) != NULL;
}

/* Does the open file fd hold exactly text (len bytes)? */
static bool same_bytes(int fd, const char *text, size_t len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
        return false;
    char *old = xmalloc(len + 1);
    size_t got = 0;
    ssize_t k;
    while (got <= len && (k = read(fd, old + got, len + 1 - got)) > 0)
        got += (size_t)k;
    bool same = got == len && memcmp(old, text, len) == 0;
    free(old);
    return same;
}

/* Write text to path unless the file already holds exactly that (git, editors and file
 * watchers then see only real changes, and an unchanged pull costs no writes). A changed file
 * is written beside it and renamed over it, so a reader never sees half a file; a new one
 * (exists false: not in the directory's listing) is created in place, nobody can be reading
 * it. *changed says whether it was written. */
static bool write_file(const char *path, const char *text, bool exists, bool *changed)
{
    size_t len = strlen(text);
    *changed = true;
    int fd = -1;
    if (!exists) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            return false;
        exists = fd < 0; /* created since the listing: compare and replace it */
    }
    if (exists) {
        int old = open(path, O_RDONLY | O_CLOEXEC);
        bool same = old >= 0 && same_bytes(old, text, len);
        if (old >= 0)
            close(old);
        if (same) {
            *changed = false;
            return true;
        }
    }
    StrBuf tmp = SB_INIT;
    sb_adds(&tmp, path);
    if (exists) {
        sb_addf(&tmp, ".tmp-%ld", (long)getpid());
        fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    }
    bool ok = fd >= 0 && write_all(fd, text, len);
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok && exists)
        ok = rename(tmp.buf, path) == 0;
    if (!ok) {
        int e = errno;
        if (exists || fd >= 0)
            unlink(tmp.buf);
        errno = e;
    }
    sb_release(&tmp);
    return ok;
}

int adopt_pull_main(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, pull_usage);
    if (rc >= 0)
        return rc;
    if (o.json)
        cli_json_begin("pull");
    const char *def_schema = strcmp(o.domain, "public") ? o.domain : "public";
    const char *schema = o.pg_schema ? o.pg_schema : def_schema;
    PgConn *c = connect_or_report(o.database);
    if (!c)
        return cli_json_end(1);
    Arena a;
    arena_init(&a);
    StrBuf err = SB_INIT, warn = SB_INIT, path = SB_INIT;
    Model m;
    IntrospectInfo info;
    rc = 1;
    progress_phase("pull: reading schema %s", schema);
    bool read = introspect_schema(c, schema, &a, &m, &info, &err);
    progress_clear();
    if (!read) {
        fprintf(stderr, "error: %s\n", sb_str(&err));
        goto out;
    }
    m.domain = o.domain;
    ModelStravFile *files;
    size_t n;
    model_strav_write(&a, &m, &files, &n, &warn);
    const char *dir = o.out ? o.out : arena_printf(&a, "%s/%s", o.schemas, o.domain);
    if (!mkdirs(dir)) {
        fprintf(stderr, "error: cannot create %s: %s\n", dir, strerror(errno));
        goto out;
    }
    /* adopt2: the domain block holds @@schema, standalone sequences and the schema comment */
    const char *dom = model_strav_domain(&a, &m, strcmp(schema, def_schema) ? schema : NULL);
    if (dom) {
        ModelStravFile *all = ARENA_ARRAY(&a, ModelStravFile, n + 1);
        memcpy(all, files, n * sizeof *files);
        all[n++] = (ModelStravFile){"_domain.strav", dom};
        files = all;
    }
    size_t nold;
    const char **old = dir_names(&a, dir, &nold);
    for (size_t i = 0; i < n && !o.force; i++) {
        if (has_name(old, nold, files[i].name)) {
            fprintf(stderr, "error: %s/%s exists; nothing was written (use --force to overwrite)\n",
                    dir, files[i].name);
            goto out;
        }
    }
    size_t nwritten = 0;
    const char **mine = ARENA_ARRAY(&a, const char *, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        sb_reset(&path);
        sb_addf(&path, "%s/%s", dir, files[i].name);
        bool changed;
        if (!write_file(path.buf, files[i].text, has_name(old, nold, files[i].name), &changed)) {
            fprintf(stderr, "error: cannot write %s: %s\n", path.buf, strerror(errno));
            goto out;
        }
        nwritten += changed;
        mine[i] = files[i].name;
    }
    print_warnings(&info);
    /* A .strav file this pull did not write (a table dropped since the previous pull, or a
     * file written by hand) is left alone and named: removing it is the author's call. */
    qsort(mine, n, sizeof *mine, cmp_name);
    size_t nstale = 0;
    for (size_t i = 0; i < nold; i++) {
        size_t len = strlen(old[i]);
        if (len < 6 || strcmp(old[i] + len - 6, ".strav") || has_name(mine, n, old[i]))
            continue;
        fprintf(stderr, "warning: %s/%s: no object of schema %s is written to it (dropped "
                        "since it was pulled?); left as it is\n", dir, old[i], schema);
        cli_json_push("stale", json_string(old[i]));
        nstale++;
    }
    size_t nwarn = info.nwarnings;
    for (const char *p = sb_str(&warn); *p; nwarn++) {
        const char *nl = strchr(p, '\n');
        fprintf(stderr, "warning: %.*s\n", (int)(nl - p), p);
        cli_json_push("warnings", json_stringn(p, (size_t)(nl - p)));
        p = nl + 1;
    }
    printf("Pulled %zu tables and %zu enums from schema %s into %s (%zu of %zu files written, "
           "the others unchanged)\n",
           m.ntables, m.nenums, schema, dir, nwritten, n);
    cli_json_set("schema", json_string(schema));
    cli_json_set("dir", json_string(dir));
    cli_json_set("tables", json_integer((json_int_t)m.ntables));
    cli_json_set("enums", json_integer((json_int_t)m.nenums));
    cli_json_set("files", json_integer((json_int_t)n));
    cli_json_set("written", json_integer((json_int_t)nwritten));
    if (nwarn)
        printf("%zu objects or details could not be expressed: see the warnings above\n", nwarn);
    if (nstale)
        printf("%zu other .strav %s in %s left as %s (see the warnings above)\n", nstale,
               nstale == 1 ? "file" : "files", dir, nstale == 1 ? "it is" : "they are");
    rc = 0;
out:
    sb_release(&err);
    sb_release(&warn);
    sb_release(&path);
    arena_free(&a);
    pg_close(c);
    return cli_json_end(rc);
}

static char *read_all(const char *path, size_t *len);
static void enc_line(StrBuf *sb, const char *s);
static bool query_or(PgConn *c, PgResult **r, const char *sql, int n, const char *const *p,
                     StrBuf *err);

/* ---- normalising a model through PostgreSQL --------------------------------------------- */

static bool exec_or(PgConn *c, const char *sql, StrBuf *err)
{
    PgError e = PG_ERROR_INIT;
    if (pg_exec(c, sql, &e) == 0)
        return true;
    sb_addf(err, "%s", e.message ? e.message : "?");
    pg_error_release(&e);
    return false;
}

/* Open the transaction normalise works in and make *name its scratch schema: a new schema,
 * or, for a role without CREATE on the database, its own temporary schema (pg_temp_N; every
 * role may create temporary objects by default, and they vanish with the transaction's
 * rollback like the rest). A temporary table cannot reference a permanent one, so a model
 * with foreign keys into another schema then fails to normalise, with the server's reason. */
static bool scratch_schema(PgConn *c, Arena *a, const char **name, StrBuf *err)
{
    StrBuf q = SB_INIT;
    sb_adds(&q, "BEGIN; " PG_CATALOG_SETTINGS "; SAVEPOINT scratch; CREATE SCHEMA ");
    sql_ident(&q, *name);
    PgError e = PG_ERROR_INIT;
    bool ok = pg_exec(c, q.buf, &e) == 0;
    if (!ok && e.sqlstate && strcmp(e.sqlstate, "42501") == 0) { /* insufficient_privilege */
        PgResult *r = NULL;
        ok = exec_or(c, "ROLLBACK TO SAVEPOINT scratch; CREATE TEMPORARY TABLE _strav_probe ();"
                        " DROP TABLE pg_temp._strav_probe", err) &&
             query_or(c, &r, "SELECT nspname FROM pg_catalog.pg_namespace"
                             " WHERE oid = pg_catalog.pg_my_temp_schema()", 0, NULL, err);
        if (ok && pg_nrows(r) == 1)
            *name = arena_strdup(a, pg_value(r, 0, 0));
        else if (ok)
            sb_adds(err, "no temporary schema"), ok = false;
        pg_result_free(r);
        if (!ok)
            sb_adds(err, " (the drift check builds the model in a scratch schema: its role needs "
                         "CREATE or TEMPORARY on the database)");
    } else if (!ok) {
        sb_addf(err, "%s", e.message ? e.message : "?");
    }
    pg_error_release(&e);
    sb_release(&q);
    return ok;
}

/* out = want as the server stores it: want's CREATE script runs in a scratch schema inside a
 * transaction that is rolled back after introspecting it. */
static bool normalise(PgConn *c, Arena *a, const Model *want, Model *out, StrBuf *err)
{
    Model empty = {.domain = want->domain, .schema = want->schema, .per_tenant = want->per_tenant,
                   .tenants = want->tenants, .comment = want->comment}; /* adopt2: a schema's
                   * comment is not made on the scratch schema; it is copied below */
    /* objects (issue 14): extensions are database-wide, not created in the scratch schema;
     * they are compared as declared (name and version) */
    Model want_noext = *want;
    size_t next = 0;
    while (next < want->nobjects && want->objects[next].kind == DBO_EXTENSION)
        next++;
    want_noext.objects = next ? want->objects + next : want->objects;
    want_noext.nobjects = want->nobjects - next;
    Plan p;
    plan_init(&p, a);
    Diag d;
    diag_init(&d);
    bool ok = diff_models(&empty, &want_noext, &p, &d);
    diag_flush(&d, stderr, false);
    diag_release(&d);
    StrBuf sql = SB_INIT, q = SB_INIT;
    for (size_t i = 0; ok && i < p.nfiles; i++)
        emit_plan_file(&sql, &p, &p.files[i], false);
    const char *scratch = arena_printf(a, "_strav_scratch_%ld", (long)getpid());
    if (ok)
        ok = scratch_schema(c, a, &scratch, err);
    sb_adds(&q, "SET LOCAL search_path = ");
    sql_ident(&q, scratch);
    sb_adds(&q, ", "); /* objects the model cannot hold (a sequence in a default) are found */
    sql_ident(&q, want->schema);
    if (ok && !exec_or(c, q.buf, err))
        ok = false;
    else if (ok && sql.len && !exec_or(c, sql.buf, err))
        sb_adds(err, " (while creating the model in a scratch schema)"), ok = false;
    else if (ok)
        ok = introspect_schema_in_tx(c, scratch, want->schema, a, out, NULL, err);
    pg_exec(c, "ROLLBACK", NULL);
    if (ok) /* what the server does not store: @backfill values and where each column is */
        for (size_t i = 0; i < out->ntables; i++) {
            const Table *wt = model_find_table(want, out->tables[i].name);
            for (size_t k = 0; wt && k < out->tables[i].ncolumns; k++) {
                Column *col = &out->tables[i].columns[k];
                const Column *wc = table_find_column(wt, col->name);
                if (wc) {
                    col->backfill = wc->backfill;
                    col->span = wc->span;
                }
            }
        }
    if (ok && next) { /* objects (issue 14): the declared extensions, then what the server made */
        DbObject *all = ARENA_ARRAY(a, DbObject, next + out->nobjects);
        memcpy(all, want->objects, next * sizeof *all);
        if (out->nobjects)
            memcpy(all + next, out->objects, out->nobjects * sizeof *all);
        out->objects = all;
        out->nobjects += next;
        model_sort(out);
    }
    if (ok) {
        out->comment = want->comment; /* adopt2 */
        out->domain = want->domain;
        out->schema = want->schema;
        out->per_tenant = want->per_tenant;
        out->tenants = want->tenants;
    }
    plan_release(&p);
    sb_release(&sql);
    sb_release(&q);
    return ok;
}

/* plan = what brings the live schema to norm (want as the server spells it). false on error
 * (message in err). */
static bool compare_norm(PgConn *c, Arena *a, const Model *want, const Model *norm, Plan *plan,
                         IntrospectInfo *info, StrBuf *fp, bool fp_helper_only, StrBuf *err)
{
    Model live;
    if (!introspect_schema_fp(c, want->schema, a, &live, info, fp, fp_helper_only, err))
        return false;
    live.domain = want->domain;
    live.per_tenant = want->per_tenant;
    live.tenants = want->tenants;
    Diag d;
    diag_init(&d);
    bool ok = diff_models(&live, norm, plan, &d);
    if (!ok)
        sb_adds(err, "cannot compare the models (see the diagnostics above)");
    if (!ok) /* the generator's warnings (column positions, guards) are not about drift */
        diag_flush(&d, stderr, false);
    diag_release(&d);
    return ok;
}

/* plan = what brings live to want (both normalised). false on error (message in err). */
static bool compare_to(PgConn *c, Arena *a, const Model *want, Plan *plan, IntrospectInfo *info,
                       StrBuf *err)
{
    Model norm;
    return normalise(c, a, want, &norm, err) &&
           compare_norm(c, a, want, &norm, plan, info, NULL, false, err);
}

/* normalise(), remembered in cache_dir (when not NULL): the server's spelling of a snapshot
 * depends only on the snapshot's bytes, the schema it is placed in and the server version, so
 * status pays for creating every table in a scratch schema once per snapshot, not per run.
 * One file per schema, .strav/normalised-<hash of schema>.json: a key line, then the model. */
static bool normalise_cached(PgConn *c, Arena *a, const char *cache_dir, const char *text,
                             size_t len, const Model *want, Model *out, bool *hit, StrBuf *err)
{
    *hit = false;
    if (!cache_dir)
        return normalise(c, a, want, out, err);
    char snap_sha[65], schema_sha[65];
    sha256_hex(text, len, snap_sha);
    sha256_hex(want->schema, strlen(want->schema), schema_sha);
    StrBuf key = SB_INIT, path = SB_INIT, body = SB_INIT;
    sb_addf(&key, "strav-normalised 1\t%s\t%d\t", snap_sha, pg_server_version(c));
    enc_line(&key, want->schema);
    sb_addf(&path, "%s/normalised-%.16s.json", cache_dir, schema_sha);
    size_t clen = 0;
    char *cached = read_all(path.buf, &clen);
    bool ok = false;
    char *nl = cached ? strchr(cached, '\n') : NULL;
    if (nl && (size_t)(nl - cached) == key.len && !memcmp(cached, key.buf, key.len)) {
        Diag d;
        diag_init(&d);
        size_t off = (size_t)(nl + 1 - cached);
        ok = model_json_read(a, cached + off, clen - off, path.buf, out, &d);
        diag_release(&d); /* a damaged cache is only a miss */
    }
    if (ok) {
        *hit = true;
        out->domain = want->domain;
        out->schema = want->schema;
        out->per_tenant = want->per_tenant;
        out->tenants = want->tenants;
    } else if ((ok = normalise(c, a, want, out, err))) {
        sb_addf(&body, "%s\n", key.buf);
        model_json_write(&body, out);
        file_replace(path.buf, sb_str(&body), body.len); /* a failure costs time next run */
    }
    free(cached);
    sb_release(&key);
    sb_release(&path);
    sb_release(&body);
    return ok;
}

/* compare_to, printing the error. */
static bool compare(PgConn *c, Arena *a, const Model *want, Plan *plan, IntrospectInfo *info)
{
    StrBuf err = SB_INIT;
    bool ok = compare_to(c, a, want, plan, info, &err);
    if (!ok)
        fprintf(stderr, "error: %s\n", sb_str(&err));
    sb_release(&err);
    return ok;
}

/* A schema name on the cache key line: no tab or newline may end the key early. */
static void enc_line(StrBuf *sb, const char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\t' || *s == '%')
            sb_addf(sb, "%%%02x", (unsigned)(unsigned char)*s);
        else
            sb_addch(sb, *s);
}

/* ---- the drift record (adopt.h) ------------------------------------------------------- */

#define RECORD_MAGIC "strav-drift-record 1"

/* The key line of a record for the snapshot text: magic, the snapshot's SHA-256, the server
 * version, the schema (then, in a record, the body's SHA-256). */
static void record_key(StrBuf *key, PgConn *c, const char *text, size_t len, const char *schema)
{
    char snap_sha[65];
    sha256_hex(text, len, snap_sha);
    sb_addf(key, RECORD_MAGIC "\t%s\t%d\t", snap_sha, pg_server_version(c));
    enc_line(key, schema);
}

static void record_make(StrBuf *out, const char *key, const Model *norm)
{
    StrBuf body = SB_INIT;
    model_json_write_compact(&body, norm);
    char sha[65];
    sha256_hex(body.buf, body.len, sha);
    sb_addf(out, "%s\t%s\n", key, sha);
    sb_add(out, body.buf, body.len);
    sb_release(&body);
}

/* norm from record when it is a whole record of this key: a truncated, damaged or foreign
 * one (another snapshot, server version or schema) is no record. */
static bool record_use(Arena *a, const char *record, const char *key, const Model *want,
                       Model *out)
{
    size_t klen = strlen(key);
    if (!record || strncmp(record, key, klen) || record[klen] != '\t')
        return false;
    const char *sha = record + klen + 1, *nl = strchr(sha, '\n');
    if (!nl || nl - sha != 64)
        return false;
    char got[65];
    size_t blen = strlen(nl + 1);
    sha256_hex(nl + 1, blen, got);
    if (memcmp(got, sha, 64))
        return false;
    Diag d;
    diag_init(&d);
    bool ok = model_json_read(a, nl + 1, blen, "the drift record", out, &d);
    diag_release(&d);
    if (ok) {
        out->comment = want->comment;
        out->domain = want->domain;
        out->schema = want->schema;
        out->per_tenant = want->per_tenant;
        out->tenants = want->tenants;
    }
    return ok;
}

/* snapshot.json of dir, read into *text and parsed into snap (schema set). 1 ok, 2 none, -1
 * error (err). */
static int read_snapshot(Arena *a, const char *dir, const char *schema, char **text, size_t *len,
                         Model *snap, StrBuf *err)
{
    const char *path = arena_printf(a, "%s/snapshot.json", dir);
    *text = read_all(path, len);
    if (!*text) {
        if (errno == ENOENT)
            return 2;
        sb_addf(err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    Diag d;
    diag_init(&d);
    bool ok = model_json_read(a, *text, *len, path, snap, &d);
    diag_flush(&d, stderr, false);
    diag_release(&d);
    if (!ok) {
        sb_addf(err, "%s cannot be read as a model", path);
        return -1;
    }
    snap->schema = arena_strdup(a, schema);
    return 1;
}

/* snapshot.json of an older version (read_snapshot), where a table whose text is the same as
 * in snap (the newer snapshot, just read) is taken from snap instead of being parsed again
 * (model_json_reuse): between two versions most tables are unchanged, and parsing 16 MB of
 * snapshot at 10,000 tables costs 0.1 s. snap's text for the comparison is written again; a
 * snapshot in another layout is parsed in full, as before. */
static int read_base_snapshot(Arena *a, const Model *snap, const char *dir, const char *schema,
                              char **text, size_t *len, Model *out, StrBuf *err)
{
    StrBuf idx = SB_INIT;
    size_t *off = ARENA_ARRAY(a, size_t, snap->ntables + 1);
    size_t *lens = ARENA_ARRAY(a, size_t, snap->ntables + 1);
    model_json_write_compact_index(&idx, snap, off, lens);
    ModelJsonReuse r = { snap, idx.buf, off, lens };
    model_json_reuse(&r);
    int rc = read_snapshot(a, dir, schema, text, len, out, err);
    model_json_reuse(NULL);
    sb_release(&idx);
    return rc;
}

/* Compact JSON of one table (its own one-table model), to tell changed tables apart. */
static void table_text(StrBuf *out, const Table *t)
{
    Table copy = *t;
    Model one = {.domain = "", .schema = "", .tables = &copy, .ntables = 1};
    sb_reset(out);
    model_json_write_compact(out, &one);
}

/* out = snap as the server makes it, from base_norm (a record: base_snap as the server made it):
 * only the tables whose model differs between the two snapshots are created in a scratch
 * schema (with a bare copy of each table their foreign keys reference), the rest is taken from
 * base_norm; the enums, types, sequences and objects come from the scratch schema, where all
 * of them are created (an unchanged table's server spelling names them, it does not depend on
 * their definitions). false (nothing said) when it cannot be done that way: partitioning, more
 * than half of the tables changed, a table missing on either side, or the partial model does
 * not build (a view over a table left out); the caller then normalises the whole snapshot. */
static bool normalise_incremental(PgConn *c, Arena *a, const Model *snap, const Model *base_snap,
                                  const Model *base_norm, Model *out, size_t *recreated)
{
    StrBuf x = SB_INIT, y = SB_INIT;
    bool ok = true;
    size_t n = snap->ntables, nchanged = 0;
    unsigned char *need = ARENA_ARRAY(a, unsigned char, n + 1); /* 1 changed, 2 referenced */
    for (size_t i = 0; ok && i < n; i++) {
        const Table *t = &snap->tables[i];
        if (t->partition_by || t->partition_of || (i && strcmp(snap->tables[i - 1].name, t->name) >= 0)) {
            ok = false;
            break;
        }
        const Table *b = model_find_table(base_snap, t->name);
        /* a table the base snapshot's reading took from this one (read_base_snapshot) shares
         * its arrays: equal without writing both out */
        bool same = b && t->columns && b->columns == t->columns && b->ncolumns == t->ncolumns;
        if (b && !same) {
            table_text(&x, t);
            table_text(&y, b);
            same = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
        }
        if (!same) {
            need[i] = 1;
            nchanged++;
        }
    }
    for (size_t i = 0; ok && i < base_snap->ntables; i++)
        if (base_snap->tables[i].partition_by || base_snap->tables[i].partition_of)
            ok = false;
    sb_release(&x);
    sb_release(&y);
    if (!ok || nchanged * 2 > n)
        return false;
    /* the tables the changed ones reference: present in the scratch schema as bare copies */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; need[i] == 1 && k < snap->tables[i].nfks; k++) {
            const ForeignKey *fk = &snap->tables[i].fks[k];
            const Table *rt = fk->ref_schema ? NULL : model_find_table(snap, fk->ref_table);
            if (rt && !need[rt - snap->tables])
                need[rt - snap->tables] = 2;
        }
    }
    Model sub = *snap;
    sub.tables = ARENA_ARRAY(a, Table, n + 1);
    sub.ntables = 0;
    for (size_t i = 0; i < n; i++) {
        if (!need[i])
            continue;
        Table t = snap->tables[i];
        if (need[i] == 2) { /* a target only: its columns and keys */
            t.fks = NULL, t.nfks = 0;
            t.checks = NULL, t.nchecks = 0;
            t.indexes = NULL, t.nindexes = 0;
            t.excludes = NULL, t.nexcludes = 0;
            t.comment = NULL;
        }
        sub.tables[sub.ntables++] = t;
    }
    Model subnorm;
    StrBuf err = SB_INIT;
    *recreated = sub.ntables;
    ok = normalise(c, a, &sub, &subnorm, &err);
    sb_release(&err);
    if (!ok)
        return false;
    *out = subnorm;
    out->tables = ARENA_ARRAY(a, Table, n + 1);
    out->ntables = n;
    for (size_t i = 0; i < n; i++) {
        const Table *t = model_find_table(need[i] == 1 ? &subnorm : base_norm,
                                          snap->tables[i].name);
        if (!t)
            return false;
        out->tables[i] = *t;
    }
    return true;
}

int adopt_record_live(PgConn *c, const char *dir, const char *schema, StrBuf *record,
                      StrBuf *err)
{
    Arena a;
    arena_init(&a);
    char *text = NULL;
    size_t len = 0;
    Model snap, live;
    int rc = read_snapshot(&a, dir, schema, &text, &len, &snap, err);
    if (rc == 1 && !introspect_schema(c, schema, &a, &live, NULL, err))
        rc = -1;
    if (rc == 1) {
        /* what normalise() takes from the model rather than the server: @backfill values,
         * where each column is, the declared extensions, the domain's settings */
        for (size_t i = 0; i < live.ntables; i++) {
            const Table *wt = model_find_table(&snap, live.tables[i].name);
            for (size_t k = 0; wt && k < live.tables[i].ncolumns; k++) {
                Column *col = &live.tables[i].columns[k];
                const Column *wc = table_find_column(wt, col->name);
                if (wc) {
                    col->backfill = wc->backfill;
                    col->span = wc->span;
                }
            }
        }
        size_t next = 0, n = 0;
        while (next < snap.nobjects && snap.objects[next].kind == DBO_EXTENSION)
            next++;
        DbObject *all = ARENA_ARRAY(&a, DbObject, next + live.nobjects + 1);
        for (size_t i = 0; i < next; i++)
            all[n++] = snap.objects[i];
        for (size_t i = 0; i < live.nobjects; i++)
            if (live.objects[i].kind != DBO_EXTENSION)
                all[n++] = live.objects[i];
        live.objects = all;
        live.nobjects = n;
        model_sort(&live);
        live.comment = snap.comment;
        live.domain = snap.domain;
        live.schema = snap.schema;
        live.per_tenant = snap.per_tenant;
        live.tenants = snap.tenants;
        StrBuf key = SB_INIT;
        record_key(&key, c, text, len, schema);
        record_make(record, key.buf, &live);
        sb_release(&key);
        rc = 0;
    }
    free(text);
    arena_free(&a);
    return rc;
}

int adopt_snapshot_drift(PgConn *c, const char *dir, const char *schema, const char *cache_dir,
                         StrBuf *diffs, size_t *ndiffs, StrBuf *err)
{
    size_t nout;
    return adopt_snapshot_drift_rec(c, dir, schema, cache_dir, NULL, diffs, ndiffs, NULL, &nout,
                                    err);
}

int adopt_snapshot_drift_outside(PgConn *c, const char *dir, const char *schema,
                                 const char *cache_dir, StrBuf *diffs, size_t *ndiffs,
                                 StrBuf *outside, size_t *noutside, StrBuf *err)
{
    return adopt_snapshot_drift_rec(c, dir, schema, cache_dir, NULL, diffs, ndiffs, outside,
                                    noutside, err);
}

int adopt_snapshot_drift_rec(PgConn *c, const char *dir, const char *schema,
                             const char *cache_dir, DriftRecords *rec, StrBuf *diffs,
                             size_t *ndiffs, StrBuf *outside, size_t *noutside, StrBuf *err)
{
    *noutside = 0;
    Arena a;
    arena_init(&a);
    Plan plan;
    plan_init(&plan, &a);
    *ndiffs = 0;
    char *text = NULL;
    size_t len = 0;
    Model snap, norm;
    StrBuf key = SB_INIT;
    int rc = read_snapshot(&a, dir, schema, &text, &len, &snap, err);
    if (rc != 1)
        goto out;
    rc = -1;
    record_key(&key, c, text, len, schema);
    IntrospectInfo info;
    if (rec) {
        rec->by = DRIFT_BY_RECORD;
        rec->recreated = 0;
    }
    if (!rec || !record_use(&a, rec->record, key.buf, &snap, &norm)) {
        /* from the record of an older version: only the changed tables re-created */
        char *btext = NULL;
        size_t blen = 0;
        Model bsnap, bnorm;
        StrBuf bkey = SB_INIT, berr = SB_INIT;
        bool done = false;
        if (rec && rec->base_dir && rec->base_record &&
            read_base_snapshot(&a, &snap, rec->base_dir, schema, &btext, &blen, &bsnap, &berr) == 1) {
            record_key(&bkey, c, btext, blen, schema);
            done = record_use(&a, rec->base_record, bkey.buf, &bsnap, &bnorm) &&
                   normalise_incremental(c, &a, &snap, &bsnap, &bnorm, &norm, &rec->recreated);
            if (done)
                rec->by = DRIFT_BY_CHANGED_TABLES;
        }
        free(btext);
        sb_release(&bkey);
        sb_release(&berr);
        bool hit = false;
        if (!done && !normalise_cached(c, &a, cache_dir, text, len, &snap, &norm, &hit, err))
            goto out;
        if (rec && !done) {
            rec->by = hit ? DRIFT_BY_CACHE : DRIFT_BY_SNAPSHOT;
            rec->recreated = hit ? 0 : snap.ntables;
        }
        if (rec && rec->new_record)
            record_make(rec->new_record, key.buf, &norm);
    }
    if (!compare_norm(c, &a, &snap, &norm, &plan, &info, rec ? rec->fingerprint : NULL,
                      rec && rec->fingerprint_helper_only, err))
        goto out;
    *noutside = info.nwarnings; /* adopt2: what the model cannot hold */
    for (size_t i = 0; outside && i < info.nwarnings; i++)
        sb_addf(outside, "%s\n", info.warnings[i]);
    for (size_t i = 0; i < plan.nops; i++)
        sb_addf(diffs, "%s\n", plan.ops[i].what);
    *ndiffs = plan.nops;
    rc = plan.nops ? 1 : 0;
out:
    free(text);
    sb_release(&key);
    plan_release(&plan);
    arena_free(&a);
    return rc;
}

/* ---- drift ------------------------------------------------------------------------------ */

int adopt_drift_main(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, drift_usage);
    if (rc >= 0)
        return rc;
    if (o.json)
        cli_json_begin("drift");
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    ProjectLoad pl = {0};
    bool loaded = false;
    const Model *want = NULL;
    PgConn *c = NULL;
    Plan plan;
    plan_init(&plan, &a);
    rc = 1;
    if (o.snapshot) {
        Model fallback = {.domain = o.domain,
                          .schema = strcmp(o.domain, "public") ? o.domain : "public"};
        Model *snap = ARENA_NEW(&a, Model);
        const char *version;
        if (!migdir_load_latest(&a, o.migrations, o.domain, &fallback, snap, &version, &d))
            goto out;
        if (!version) {
            fprintf(stderr, "error: domain %s has no migration yet\n", o.domain);
            goto out;
        }
        want = snap;
    } else {
        loaded = true;
        if (!project_load(&pl, &a, o.schemas, o.domain, &d) || diag_count_errors(&d))
            goto out;
        want = project_find(&pl.project, o.domain);
    }
    cli_diag_flush(&d);
    if (!want || !(c = connect_or_report(o.database)))
        goto out;
    IntrospectInfo info;
    progress_phase("drift: comparing the live schema with the %s",
                   o.snapshot ? "latest snapshot" : "schema files");
    bool compared = compare(c, &a, want, &plan, &info);
    progress_clear();
    if (!compared)
        goto out;
    print_warnings(&info);
    json_t *jops = json_array();
    for (size_t i = 0; i < plan.nops; i++)
        json_array_append_new(jops, json_string(plan.ops[i].what));
    cli_json_set("against", json_string(o.snapshot ? "snapshot" : "schemas"));
    cli_json_set("changes", jops);
    cli_json_set("outsideModel", json_integer((json_int_t)info.nwarnings));
    if (plan_empty(&plan) && o.strict && info.nwarnings) {
        printf("Drift: %zu object(s) or detail(s) in the database are outside the model (the "
               "warnings above); --strict counts them as drift\n", info.nwarnings);
        rc = 3;
    } else if (plan_empty(&plan)) {
        printf("No drift: the database matches the %s\n",
               o.snapshot ? "latest snapshot" : "schema files");
        if (info.nwarnings)
            printf("but %zu object(s) or detail(s) in the database are outside the model (the "
                   "warnings above; --strict makes them drift)\n", info.nwarnings);
        rc = 0;
    } else {
        StrBuf sb = SB_INIT;
        emit_plan_text(&sb, &plan);
        printf("Drift: the database differs from the %s. This plan brings it back:\n%s",
               o.snapshot ? "latest snapshot" : "schema files", sb_str(&sb));
        sb_release(&sb);
        rc = 3;
    }
    cli_json_set("drifted", json_boolean(rc == 3));
out:
    cli_diag_flush(&d);
    plan_release(&plan);
    if (loaded)
        project_release(&pl);
    if (c)
        pg_close(c);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}

/* ---- baseline --------------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    StrBuf sb = SB_INIT;
    if (read_file(path, &sb) != 0)
        return NULL;
    *len = sb.len;
    return sb_detach(&sb);
}

static bool query_or(PgConn *c, PgResult **r, const char *sql, int n, const char *const *p,
                     StrBuf *err)
{
    PgError e = PG_ERROR_INIT;
    if (pg_query(c, r, sql, n, p, &e) == 0)
        return true;
    sb_addf(err, "%s", e.message ? e.message : "?");
    pg_error_release(&e);
    return false;
}

/* Record set->v[0..upto] as applied in one new batch; the tracking table is runtime/runner.c's
 * (same columns, same advisory lock key). Prints what it did. */
static bool record_applied(PgConn *c, const MigSet *set, size_t upto, const char *schema,
                           const char *domain, StrBuf *err)
{
    StrBuf table = SB_INIT, qt = SB_INIT, key = SB_INIT, sql = SB_INIT;
    ledger_table_name(&table, domain);
    pg_quote_ident(c, &qt, schema);
    sb_addch(&qt, '.');
    pg_quote_ident(c, &qt, table.buf);
    ledger_lock_key(&key, schema, table.buf);
    const char *kp[] = {key.buf};
    PgResult *r = NULL;
    size_t added = 0;
    long batch = 0;
    bool ok = query_or(c, NULL, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, kp, err);
    sb_adds(&sql, "BEGIN; CREATE SCHEMA IF NOT EXISTS ");
    pg_quote_ident(c, &sql, schema);
    sb_adds(&sql, "; ");
    StrBuf qix = SB_INIT;
    ledger_index_name(c, &qix, table.buf);
    ledger_table_sql(&sql, qt.buf, qix.buf, true);
    sb_release(&qix);
    ok = ok && exec_or(c, sql.buf, err);
    sb_reset(&sql);
    sb_addf(&sql, "SELECT coalesce(max(batch), 0) + 1 FROM %s", qt.buf);
    if (ok && (ok = query_or(c, &r, sql.buf, 0, NULL, err)))
        batch = strtol(pg_value(r, 0, 0), NULL, 10);
    pg_result_free(r);
    sb_reset(&sql);
    sb_addf(&sql,
            "INSERT INTO %s (version, batch, checksum, duration_ms, message, state)"
            " VALUES ($1, $2, $3, 0, $4, 'baselined') ON CONFLICT (version) DO NOTHING RETURNING 1",
            qt.buf);
    char bstr[32];
    snprintf(bstr, sizeof bstr, "%ld", batch);
    for (size_t i = 0; ok && i <= upto; i++) {
        const Migration *m = &set->v[i];
        const char *p[] = {m->version, bstr, m->checksum, m->message};
        r = NULL;
        ok = query_or(c, &r, sql.buf, 4, p, err);
        added += ok && pg_nrows(r) > 0;
        pg_result_free(r);
    }
    ok = ok && exec_or(c, "COMMIT", err);
    if (!ok)
        pg_exec(c, "ROLLBACK", NULL);
    else if (added)
        printf("Baselined: %zu version(s) up to %s recorded as applied in %s (batch %ld), "
               "nothing was run\n", added, set->v[upto].version, qt.buf, batch);
    else
        printf("Nothing to record: every version up to %s is already applied\n",
               set->v[upto].version);
    pg_query(c, NULL, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, kp, NULL);
    sb_release(&table);
    sb_release(&qt);
    sb_release(&key);
    sb_release(&sql);
    return ok;
}

int adopt_baseline_main(int argc, char **argv)
{
    Opts o;
    int rc = parse_opts(argc, argv, &o, baseline_usage);
    if (rc >= 0)
        return rc;
    if (!o.version)
        return cmd_usage_error(argv[0], "--version V is required");
    if (o.json)
        cli_json_begin("baseline");
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d);
    MigSet set = {0};
    StrBuf err = SB_INIT;
    PgConn *c = NULL;
    Plan plan;
    plan_init(&plan, &a);
    char *text = NULL;
    rc = 1;
    if (migset_load(&set, o.migrations, o.domain, NULL, &err) != 0) {
        fprintf(stderr, "error: %s\n", sb_str(&err));
        goto out;
    }
    size_t upto = 0;
    while (upto < set.n && strcmp(set.v[upto].version, o.version))
        upto++;
    if (upto == set.n) {
        fprintf(stderr, "error: no migration %s in %s/%s\n", o.version, o.migrations, o.domain);
        goto out;
    }
    for (size_t i = 0; i <= upto; i++) {
        if (set.v[i].problem) {
            fprintf(stderr, "error: migration %s cannot be trusted: %s\n", set.v[i].version,
                    set.v[i].problem);
            goto out;
        }
    }
    const char *path = arena_printf(&a, "%s/snapshot.json", set.v[upto].dir);
    size_t len;
    Model snap;
    if (!(text = read_all(path, &len))) {
        fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
        goto out;
    }
    if (!model_json_read(&a, text, len, path, &snap, &d))
        goto out;
    if (set.v[upto].schema)
        snap.schema = arena_strdup(&a, set.v[upto].schema);
    if (!(c = connect_or_report(o.database)))
        goto out;
    IntrospectInfo info;
    if (!compare(c, &a, &snap, &plan, &info))
        goto out;
    print_warnings(&info);
    if (!plan_empty(&plan)) {
        fprintf(stderr,
                "error: the database does not match migration %s; nothing was recorded.\n"
                "Differences (what would bring the database to that snapshot):\n",
                o.version);
        for (size_t i = 0; i < plan.nops; i++) {
            fprintf(stderr, "  - %s\n", plan.ops[i].what);
            cli_json_push("differences", json_string(plan.ops[i].what));
        }
        goto out;
    }
    if (o.strict && info.nwarnings) {
        fprintf(stderr,
                "error: %zu object(s) or detail(s) of the database are outside the model (the "
                "warnings above); --strict: nothing was recorded\n", info.nwarnings);
        goto out;
    }
    sb_reset(&err);
    if (!record_applied(c, &set, upto, snap.schema, o.domain, &err)) {
        fprintf(stderr, "error: %s\n", sb_str(&err));
        goto out;
    }
    cli_json_set("version", json_string(o.version));
    rc = 0;
out:
    cli_diag_flush(&d);
    free(text);
    plan_release(&plan);
    migset_release(&set);
    if (c)
        pg_close(c);
    sb_release(&err);
    diag_release(&d);
    arena_free(&a);
    return cli_json_end(rc);
}
