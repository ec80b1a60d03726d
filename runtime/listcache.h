/*
 * listcache.h - status's cache of a domain folder's listing: the sorted version names that
 * migset_scan found (digit-only entries), recorded with the folder's stat data, so that a
 * status run whose folder has not changed reads one small file instead of listing and sorting
 * 10,000 entries (docs/performance.md, round 9). Runtime layer, used by migset_scan_cached.
 *
 * Adding, removing or renaming an entry changes the folder's mtime and ctime; ctime cannot be
 * set back by any program (touch -d, rsync -t, tar only set mtime), and a folder put in
 * another's place has another inode. A listing is trusted only when the device, inode, size,
 * link count, mtime and ctime of the folder are those it was recorded with, and it is recorded
 * only when both times are at least LISTCACHE_RACY_S older than the stat taken before the
 * listing was read: the kernel's timestamps are coarse (a few milliseconds), so two changes
 * within one tick leave the same mtime, and a listing taken in between would match the second
 * state (git's "racy" index entries, the same rule as the verification cache's). A file that
 * is truncated, corrupted, from another folder or another format is a miss, and the listing
 * read instead replaces it (file_replace). Only status uses it: migrate and rollback list the
 * folder every time.
 *
 * The file: "strav-list-cache 1\t<folder>" / "<dev>\t<ino>\t<size>\t<nlink>\t<mtime s.ns>\t
 * <ctime s.ns>\t<count>" / one name per line, ascending / "end\t<count>".
 */
#ifndef STRAV_LISTCACHE_H
#define STRAV_LISTCACHE_H

#include <sys/stat.h>

#include "base.h"

#define LISTCACHE_RACY_S 1

/* The names recorded in the cache file at path for folder root with stat data st (taken
 * before anything was read from it): true and *names / *n set (malloc'd, the caller frees
 * each and the array) on a hit; false, nothing set, on a miss. */
bool listcache_get(
    const char *path, const char *root, const struct stat *st, char ***names, size_t *n);
/* Record names[0..n) (ascending) as root's listing for st, unless st is within the racy
 * window of now. Failure costs speed only. */
void listcache_put(
    const char *path, const char *root, const struct stat *st, char *const *names, size_t n);

#endif
