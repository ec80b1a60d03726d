/*
 * progress.c - the progress display of progress.h: one line on stderr redrawn with "\r" and
 * erased with "\r\033[K" on a terminal (cut to the terminal's width so it never wraps), plain
 * lines elsewhere, and the elapsed time from a monotonic clock.
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static ProgressMode mode = PROGRESS_OFF;
static bool shown;         /* a TTY line is on the screen */
static double t0, last;    /* start of the run, last redraw */
static const char *verb = "";
static size_t total, seen; /* migrations: how many, how many got their line (LINES) */
static long shown_k = -1;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_setup(bool quiet, bool json)
{
    const char *env = getenv("STRAV_PROGRESS");
    bool tty = isatty(STDERR_FILENO);
    if (env && !strcmp(env, "tty"))
        tty = true;
    else if (env && !strcmp(env, "lines"))
        tty = false;
    if (quiet || (env && !strcmp(env, "off")))
        mode = PROGRESS_OFF;
    else if (tty)
        mode = PROGRESS_TTY;
    else
        mode = json ? PROGRESS_OFF : PROGRESS_LINES;
}

void progress_set_mode(ProgressMode m)
{
    progress_clear();
    mode = m;
}

ProgressMode progress_mode(void)
{
    return mode;
}

static size_t width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

/* Redraw the TTY line with text (cut to the width - 1, at a UTF-8 boundary). */
static void draw(const char *text)
{
    size_t w = width() - 1, n = strlen(text);
    if (n > w) {
        n = w;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    fflush(stdout);
    fprintf(stderr, "\r\033[K%.*s", (int)n, text);
    fflush(stderr);
    shown = true;
    last = now();
}

void progress_clear(void)
{
    if (mode == PROGRESS_TTY && shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        shown = false;
    }
}

void progress_begin(const char *v, size_t n)
{
    verb = v;
    total = n;
    seen = 0;
    shown_k = -1;
    t0 = now();
    last = 0;
}

void progress_migration(size_t k, const char *version, const char *file)
{
    if (mode == PROGRESS_OFF || k >= total)
        return;
    double t = now();
    if (mode == PROGRESS_LINES) {
        if (k < seen)
            return;
        seen = k + 1;
        fflush(stdout);
        fprintf(stderr, "%s: migration %zu of %zu: %s (%.1fs)\n", verb, k + 1, total, version,
                t - t0);
        fflush(stderr);
        return;
    }
    if ((long)k == shown_k && shown && t - last < 0.05)
        return;
    shown_k = (long)k;
    char line[512];
    snprintf(line, sizeof line, "%s: migration %zu of %zu  %s%s%s  %.1fs", verb, k + 1, total,
             version, file ? "  " : "", file ? file : "", t - t0);
    draw(line);
}

void progress_end(void)
{
    progress_clear();
    total = 0;
}

void progress_phase(const char *fmt, ...)
{
    if (mode != PROGRESS_TTY)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    draw(line);
}

void progress_tally(const char *what, size_t done, size_t failed, size_t total_)
{
    if (mode != PROGRESS_TTY)
        return;
    char line[256];
    snprintf(line, sizeof line, "%s: %zu done, %zu failed of %zu  %.1fs", what, done, failed,
             total_, now() - t0);
    draw(line);
}

void progress_tally_end(const char *what, size_t done, size_t failed, size_t total_)
{
    if (mode == PROGRESS_OFF)
        return;
    progress_clear();
    fflush(stdout);
    fprintf(stderr, "%s: %zu done, %zu failed of %zu in %.1fs\n", what, done, failed, total_,
            t0 > 0 ? now() - t0 : 0.0);
    fflush(stderr);
}
