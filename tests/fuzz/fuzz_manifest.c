/*
 * fuzz_manifest.c - libFuzzer target for the runtime's migration-directory reader
 * (runtime/migset.c: manifest.json types and rules, the files map, the seed's format, and the
 * statement scan of runtime/sqlsplit.c that refuses transaction control). The input is
 * manifest.json, optionally followed by a NUL byte and the text every listed file gets. Each
 * run builds <tmp>/public/1720000000001/ from it (the files executionOrder names that are
 * plain relative paths, up to 16, are created), then loads the domain as strav-run does
 * (migset_scan, migset_newest_schema, migset_load, migset_load_sql) and splits every loaded
 * file. A crash, leak or abort is a finding. Built by tests/fuzz/fuzz_readers.t.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "migset.h"
#include "sqlsplit.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, len, f);
    fclose(f);
}

/* mkdir -p of path's parent directories (below the version directory). */
static void make_parents(char *path)
{
    for (char *p = strchr(path + strlen(root) + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
}

/* Create the files executionOrder lists (plain relative names only), each holding sql. */
static void create_listed(const char *vdir, const char *manifest, size_t mlen, const char *sql,
                          size_t slen)
{
    json_t *j = json_loadb(manifest, mlen, 0, NULL);
    json_t *eo = json_object_get(j, "executionOrder");
    int made = 0;
    static const char *const keys[] = { "up", "down" };
    for (int k = 0; k < 2; k++) {
        json_t *arr = json_object_get(eo, keys[k]);
        for (size_t i = 0; i < json_array_size(arr) && made < 16; i++) {
            const char *rel = json_string_value(json_array_get(arr, i));
            if (!rel || !*rel || rel[0] == '/' || strstr(rel, "..") || strlen(rel) > 100)
                continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", vdir, rel);
            make_parents(path);
            write_file(path, sql, slen);
            made++;
        }
    }
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) {
        snprintf(root, sizeof root, "%s/strav-fuzz-manifest.XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(root))
            abort();
    }
    char dom[300], vdir[320], path[400];
    snprintf(dom, sizeof dom, "%s/public", root);
    snprintf(vdir, sizeof vdir, "%s/1720000000001", dom);
    nftw(dom, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    mkdir(dom, 0700);
    mkdir(vdir, 0700);
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t mlen = nul ? (size_t)(nul - text) : size;
    const char *sql = nul ? nul + 1 : "SELECT 1;\n";
    size_t slen = nul ? size - mlen - 1 : strlen(sql);
    snprintf(path, sizeof path, "%s/manifest.json", vdir);
    write_file(path, text, mlen);
    create_listed(vdir, text, mlen, sql, slen);

    MigScan scan;
    migset_scan(&scan, root, "public");
    char *tenants = NULL;
    free(migset_newest_schema(root, "public", &scan, &tenants));
    free(tenants);
    MigSet set;
    StrBuf err = SB_INIT;
    if (migset_load_scanned(&set, &scan, root, "public", NULL, &err) == 0) {
        for (size_t i = 0; i < set.n; i++) {
            Migration *m = &set.v[i];
            if (m->problem || migset_load_sql(m) != 0)
                continue;
            for (size_t f = 0; f < m->nup; f++) {
                size_t *st;
                sqlsplit_statements(m->up[f].sql, &st);
                free(st);
            }
        }
        migset_release(&set);
    }
    migset_scan_release(&scan);
    sb_release(&err);
    return 0;
}
