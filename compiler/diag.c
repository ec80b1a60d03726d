/*
 * diag.c - collect diagnostics during a compiler run and render them like a C compiler.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

const char *diag_progname = "stravc";

struct DiagItem {
    DiagLevel level;
    Span span;
    bool located;
    char *msg;
    size_t seq;    /* insertion order */
    size_t parent; /* for notes: index of the diagnostic it belongs to */
};

void diag_init(Diag *d)
{
    memset(d, 0, sizeof(*d));
    d->max_errors = 20;
}

void diag_release(Diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].msg);
    free(d->items);
    int max = d->max_errors;
    memset(d, 0, sizeof(*d));
    d->max_errors = max;
}

/* A message quotes what was written ('name'); a name of a megabyte (hostile or generated
 * input) would make the message a megabyte. Every run of more than LONG_WORD bytes without a
 * blank keeps its first and last bytes around an ellipsis that says how much was left out,
 * cut at UTF-8 character boundaries. Returns msg or a new string (msg freed). */
enum { LONG_WORD = 512, WORD_HEAD = 200, WORD_TAIL = 100 }; /* paths stay whole */

static char *shorten_long_words(char *msg)
{
    size_t len = strlen(msg), i = 0;
    bool any = false;
    for (size_t j = 0; j <= len; j++)
        if (msg[j] == ' ' || msg[j] == '\n' || msg[j] == '\0') {
            any = any || j - i > LONG_WORD;
            i = j + 1;
        }
    if (!any)
        return msg;
    StrBuf sb = SB_INIT;
    i = 0;
    for (size_t j = 0; j <= len; j++) {
        if (msg[j] != ' ' && msg[j] != '\n' && msg[j] != '\0')
            continue;
        if (j - i > LONG_WORD) {
            size_t head = i + WORD_HEAD, tail = j - WORD_TAIL;
            while (head > i && ((unsigned char)msg[head] & 0xC0) == 0x80)
                head--;
            while (tail < j && ((unsigned char)msg[tail] & 0xC0) == 0x80)
                tail++;
            sb_add(&sb, msg + i, head - i);
            sb_addf(&sb, "...(%zu more bytes)...", tail - head);
            sb_add(&sb, msg + tail, j - tail);
        } else {
            sb_add(&sb, msg + i, j - i);
        }
        if (j < len)
            sb_addch(&sb, msg[j]);
        i = j + 1;
    }
    free(msg);
    return sb_detach(&sb);
}

PRINTF_LIKE(5, 0)
static void add(Diag *d, DiagLevel level, Span span, bool located, const char *fmt, va_list ap)
{
    if (level == DIAG_ERROR && d->nerrors >= d->max_errors) {
        d->capped = true;
        return;
    }
    if (level == DIAG_NOTE && (d->n == 0 || d->capped))
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    StrBuf sb = SB_INIT;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    sb_grow(&sb, n > 0 ? (size_t)n : 0);
    vsnprintf(sb.buf, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    sb.len = (size_t)(n > 0 ? n : 0);
    DiagItem *it = &d->items[d->n];
    it->level = level;
    it->span = span;
    it->located = located && span.src != NULL;
    it->msg = shorten_long_words(sb_detach(&sb));
    it->seq = d->n;
    if (level == DIAG_NOTE) {
        size_t p = d->n - 1;
        while (d->items[p].level == DIAG_NOTE)
            p = d->items[p].parent;
        it->parent = p;
    } else {
        it->parent = d->n;
    }
    d->n++;
    if (level == DIAG_ERROR)
        d->nerrors++;
    else if (level == DIAG_WARNING)
        d->nwarnings++;
}

void diag_at(Diag *d, DiagLevel level, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, level, span, true, fmt, ap);
    va_end(ap);
}

void diag_global(Diag *d, DiagLevel level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Span none = {NULL, 0, 0};
    add(d, level, none, false, fmt, ap);
    va_end(ap);
}

int diag_count_errors(const Diag *d)
{
    return d->nerrors;
}

bool diag_full(const Diag *d)
{
    return d->nerrors >= d->max_errors;
}

size_t diag_size(const Diag *d)
{
    return d->n;
}

DiagView diag_view(const Diag *d, size_t i)
{
    const DiagItem *it = &d->items[i];
    DiagView v = { it->level, it->span, it->located, it->msg, it->parent };
    return v;
}

/* Sort key of an item: that of its parent diagnostic, then its own sequence. */
static const DiagItem *sort_items;

static int cmp_main(const DiagItem *a, const DiagItem *b)
{
    if (a->located != b->located)
        return a->located ? 1 : -1; /* global ones first */
    if (a->located) {
        int c = strcmp(a->span.src->path, b->span.src->path);
        if (c)
            return c;
        if (a->span.off != b->span.off)
            return a->span.off < b->span.off ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_items(const void *pa, const void *pb)
{
    const DiagItem *a = pa, *b = pb;
    int c = cmp_main(&sort_items[a->parent], &sort_items[b->parent]);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *level_name(DiagLevel l)
{
    switch (l) {
    case DIAG_ERROR:
        return "error";
    case DIAG_WARNING:
        return "warning";
    case DIAG_NOTE:
        return "note";
    }
    return "?";
}

static const char *level_color(DiagLevel l)
{
    switch (l) {
    case DIAG_ERROR:
        return "\033[1;31m";
    case DIAG_WARNING:
        return "\033[1;35m";
    case DIAG_NOTE:
        return "\033[1;36m";
    }
    return "";
}

static void print_caret(FILE *out, const DiagItem *it, bool color)
{
    const Source *src = it->span.src;
    size_t linelen;
    const char *line = source_line(src, it->span.off, &linelen);
    uint32_t lno, col;
    source_line_col(src, it->span.off, &lno, &col);
    /* Very long lines are cut around the caret so the output stays readable. */
    size_t from = 0, to = linelen;
    size_t at = col - 1;
    if (linelen > 200) {
        from = at > 80 ? at - 80 : 0;
        to = from + 200 < linelen ? from + 200 : linelen;
        while (from > 0 && ((unsigned char)line[from] & 0xC0) == 0x80) /* whole characters */
            from--;
        while (to < linelen && ((unsigned char)line[to] & 0xC0) == 0x80)
            to--;
    }
    fprintf(out, "%5u | ", lno);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)line[i];
        fputc(c == '\0' || (c < 0x20 && c != '\t') ? ' ' : c, out);
    }
    fputs("\n      | ", out);
    for (size_t i = from; i < at && i < to; i++)
        fputc(line[i] == '\t' ? '\t' : ' ', out);
    if (color)
        fputs("\033[1;32m", out);
    fputc('^', out);
    size_t span = it->span.len;
    if (at + span > linelen)
        span = linelen > at ? linelen - at : 1;
    for (size_t i = 1; i < span && at + i < to; i++)
        fputc('~', out);
    if (color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void diag_flush(Diag *d, FILE *out, bool color)
{
    /* Rendered in memory and written at once: stderr is unbuffered, and a caret line put out
     * character by character cost ~40 write calls per diagnostic (41,000 for the 1,000
     * warnings of bench/generate.sh's 10% change). */
    char *text = NULL;
    size_t textlen = 0;
    FILE *mem = d->n ? open_memstream(&text, &textlen) : NULL;
    FILE *real = out;
    if (mem)
        out = mem;
    sort_items = d->items;
    /* parent indexes refer to positions before sorting; sort a copy and look parents up in
     * the original array. */
    DiagItem *sorted = xmalloc((d->n ? d->n : 1) * sizeof(*sorted));
    if (d->n)
        memcpy(sorted, d->items, d->n * sizeof(*sorted));
    qsort(sorted, d->n, sizeof(*sorted), cmp_items);
    for (size_t i = 0; i < d->n; i++) {
        const DiagItem *it = &sorted[i];
        if (color)
            fputs("\033[1m", out);
        if (it->located) {
            uint32_t line, col;
            source_line_col(it->span.src, it->span.off, &line, &col);
            fprintf(out, "%s:%u:%u: ", it->span.src->path, line, col);
        } else {
            fprintf(out, "%s: ", diag_progname);
        }
        if (color)
            fprintf(out, "%s%s:\033[0m\033[1m %s\033[0m\n", level_color(it->level),
                    level_name(it->level), it->msg);
        else
            fprintf(out, "%s: %s\n", level_name(it->level), it->msg);
        if (it->located && it->level != DIAG_NOTE)
            print_caret(out, it, color);
    }
    if (d->capped)
        fprintf(out, "%s: error: too many errors, stopping\n", diag_progname);
    free(sorted);
    sort_items = NULL;
    diag_release(d);
    if (mem && !fclose(mem)) {
        fwrite(text, 1, textlen, real);
        fflush(real);
    }
    free(text);
}
