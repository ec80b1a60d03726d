/*
 * gencache.c - generate's cache file in .strav/ (gencache.h): reading and validating it as a
 * whole, a hash table of its entries, and its atomic rewrite.
 */
#include "gencache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filerepl.h"
#include "sha256.h"
#include "strbuf.h"

#define CACHE_DIR ".strav"
#define CACHE_MAGIC "strav generate cache 1"

/* The build that writes and reads the file: the running executable's identity (device, inode,
 * size, modification time), so a cache written by any other stravc binary is not read. */
static void build_id(StrBuf *out)
{
    struct stat st;
    if (stat("/proc/self/exe", &st) == 0)
        sb_addf(out, "%llx.%llx.%llx.%lld.%ld", (unsigned long long)st.st_dev,
                (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    else
        sb_adds(out, __DATE__ " " __TIME__);
}

static size_t key_hash(const char *k)
{
    size_t h = 0;
    for (int i = 0; i < 16; i++) /* hex digits of a SHA-256: any 16 spread well */
        h = h * 16 + (size_t)(k[i] <= '9' ? k[i] - '0' : k[i] - 'a' + 10);
    return h;
}

static bool is_key(const char *s, size_t len)
{
    if (len != 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static GenEntry *find(GenCache *c, const char *key, size_t *slot_out)
{
    if (!c->nslot)
        return NULL;
    size_t i = key_hash(key) & (c->nslot - 1);
    for (; c->slot[i]; i = (i + 1) & (c->nslot - 1))
        if (!memcmp(c->e[c->slot[i] - 1].key, key, 64))
            return &c->e[c->slot[i] - 1];
    if (slot_out)
        *slot_out = i;
    return NULL;
}

static void rehash(GenCache *c)
{
    free(c->slot);
    c->nslot = c->nslot ? 2 * c->nslot : 64;
    c->slot = xcalloc(c->nslot, sizeof *c->slot);
    for (size_t k = 0; k < c->n; k++) {
        size_t i = key_hash(c->e[k].key) & (c->nslot - 1);
        while (c->slot[i])
            i = (i + 1) & (c->nslot - 1);
        c->slot[i] = k + 1;
    }
}

static void add(GenCache *c, const char *key, const char *value, size_t vlen, bool used)
{
    if (2 * (c->n + 1) > c->nslot)
        rehash(c);
    size_t slot;
    GenEntry *e = find(c, key, &slot);
    if (e) {
        free(e->value);
    } else {
        if (c->n == c->cap)
            c->e = xrealloc(c->e, (c->cap = c->cap ? 2 * c->cap : 64) * sizeof *c->e);
        e = &c->e[c->n++];
        memcpy(e->key, key, 64);
        e->key[64] = '\0';
        c->slot[slot] = c->n;
    }
    e->value = xmalloc(vlen + 1);
    memcpy(e->value, value, vlen);
    e->value[vlen] = '\0';
    e->used = used;
}

/* Parse the file's text; false (and nothing kept) unless all of it is well formed. */
static bool load(GenCache *c, const StrBuf *text)
{
    StrBuf head = SB_INIT;
    sb_adds(&head, CACHE_MAGIC " ");
    build_id(&head);
    sb_addch(&head, '\n');
    const char *s = sb_str(text), *end = s + text->len;
    bool ok = text->len > head.len && !memcmp(s, head.buf, head.len);
    const char *p = s + head.len;
    sb_release(&head);
    while (ok && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        size_t len = (size_t)(nl - p);
        if (len == 4 + 64 && !memcmp(p, "end ", 4) && nl + 1 == end) {
            char sum[65];
            sha256_hex(s, (size_t)(p - s), sum);
            return !memcmp(sum, p + 4, 64);
        }
        /* m <key> <value> */
        if (len < 2 + 64 + 2 || memcmp(p, "m ", 2) || !is_key(p + 2, 64) || p[66] != ' ' ||
            memchr(p + 67, ' ', len - 67))
            return false;
        char key[65];
        memcpy(key, p + 2, 64);
        key[64] = '\0';
        add(c, key, p + 67, len - 67, false);
        p = nl + 1;
    }
    return false; /* no end line: truncated */
}

static void clear(GenCache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->e[i].value);
    free(c->e);
    free(c->slot);
    c->e = NULL;
    c->slot = NULL;
    c->n = c->cap = c->nslot = 0;
}

void gencache_open(GenCache *c)
{
    memset(c, 0, sizeof *c);
    const char *off = getenv("STRAV_NO_CACHE");
    struct stat st;
    if ((off && *off) || stat(CACHE_DIR, &st) != 0 || !S_ISDIR(st.st_mode) ||
        access(CACHE_DIR, W_OK) != 0)
        return;
    c->enabled = true;
    c->path = xstrdup(CACHE_DIR "/generate-cache");
    StrBuf text = SB_INIT;
    if (read_file(c->path, &text) == 0 && !load(c, &text)) {
        clear(c); /* corrupted, truncated or another build's: start empty */
        c->dirty = true;
    }
    sb_release(&text);
}

const char *gencache_get(GenCache *c, const char *key)
{
    if (!c->enabled || !is_key(key, strlen(key)))
        return NULL;
    GenEntry *e = find(c, key, NULL);
    if (!e)
        return NULL;
    if (!e->used)
        c->dirty = true; /* entries nobody uses are dropped at the next rewrite */
    e->used = true;
    return e->value;
}

void gencache_put(GenCache *c, const char *key, const char *value)
{
    size_t vl = strlen(value);
    if (!c->enabled || !is_key(key, strlen(key)) || !vl || strchr(value, ' ') ||
        strchr(value, '\n'))
        return;
    GenEntry *e = find(c, key, NULL);
    if (e && e->used && !strcmp(e->value, value))
        return;
    add(c, key, value, vl, true);
    c->dirty = true;
}

void gencache_close(GenCache *c)
{
    if (c->enabled && c->dirty) {
        StrBuf out = SB_INIT;
        sb_adds(&out, CACHE_MAGIC " ");
        build_id(&out);
        sb_addch(&out, '\n');
        for (size_t i = 0; i < c->n; i++)
            if (c->e[i].used)
                sb_addf(&out, "m %s %s\n", c->e[i].key, c->e[i].value);
        char sum[65];
        sha256_hex(out.buf, out.len, sum);
        sb_addf(&out, "end %s\n", sum);
        file_replace(c->path, out.buf, out.len); /* a failure costs speed only */
        sb_release(&out);
    }
    clear(c);
    free(c->path);
    memset(c, 0, sizeof *c);
}
