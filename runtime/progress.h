/*
 * progress.h - progress of long runtime work on stderr: migrate, rollback and fresh (migration
 * k of n, the file, the time so far), the tenant fan-out (done and failed of the total, then a
 * roll-up line), pull and the drift check (their phase). On a terminal one line is redrawn in
 * place and erased at the end; off a terminal each migration gets one plain line and nothing
 * else is printed; --quiet (or --json off a terminal) prints neither. One progress display per
 * process; worker processes turn it off. The bottom of the runtime, next to out.c: it calls
 * nothing above it.
 */
#ifndef STRAV_PROGRESS_H
#define STRAV_PROGRESS_H

#include <stddef.h>

#include "base.h"

typedef enum ProgressMode { PROGRESS_OFF, PROGRESS_LINES, PROGRESS_TTY } ProgressMode;

/* Decide the mode once: TTY when stderr is a terminal, LINES otherwise, OFF with quiet, and
 * OFF off a terminal with json (stderr then carries only errors). STRAV_PROGRESS=tty|lines|off
 * overrides the terminal test (for tests and wrappers). */
void progress_setup(bool quiet, bool json);
void progress_set_mode(ProgressMode m); /* a worker process: PROGRESS_OFF */
ProgressMode progress_mode(void);

/* A run of n migrations (verb "migrate", "rollback" or "fresh"), or of n tenants: starts the
 * clock. */
void progress_begin(const char *verb, size_t n);
/* Migration k (0-based) of the run has started (its statements are being sent); file is
 * the file being run, or NULL. LINES: one line the first time a k at least as large as every
 * earlier one is seen (callers announce each k in order). TTY: the line is redrawn (at most
 * every 50 ms unless k changed). */
void progress_migration(size_t k, const char *version, const char *file);
/* The run is over: erase the line (TTY). */
void progress_end(void);

/* Anything else: "pull: reading schema public" (TTY only, redrawn). */
void progress_phase(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* The tenant fan-out: done and failed of total (TTY: redrawn); progress_tally_end prints the
 * roll-up line (both modes). */
void progress_tally(const char *what, size_t done, size_t failed, size_t total);
void progress_tally_end(const char *what, size_t done, size_t failed, size_t total);

/* Erase the progress line before other output (out.c calls it); the next update redraws. */
void progress_clear(void);

#endif
