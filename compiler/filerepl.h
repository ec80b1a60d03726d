/*
 * filerepl.h - replace a small file's bytes atomically: they are written to <path>.<pid>.tmp
 * beside it, then renamed over it, so a reader sees the old file or the new one, never a part
 * of either. Lowest layer, shared by the compiler (generate's cache, a domain's lock file) and
 * the runtime (the verification caches, the drift mark, adopt's cache). No fsync: these are
 * files a crash may lose, not tear, and each user says what losing one costs.
 * A writer killed between the two steps leaves its .tmp behind; every replace first deletes
 * the ones of its path that nobody has written for FILEREPL_STALE_S seconds (a write takes
 * milliseconds), so they cannot pile up in .strav/ or beside the migrations.
 */
#ifndef STRAV_FILEREPL_H
#define STRAV_FILEREPL_H

#include "base.h"

#define FILEREPL_STALE_S 60

/* Replace path's content with data[0..len). false when it could not be written or renamed
 * (errno says why; path is as it was, and the temporary file is removed). */
bool file_replace(const char *path, const void *data, size_t len);

#endif
