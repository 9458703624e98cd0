/*
 * archive.h - the archive of incoming mails and their acks (the
 * `archive` configuration key; README "Operations: the archive").
 *
 * Layout: DIR/YYYY-MM-DD/HHMMSS.TAG.in for the mail as it arrived and
 * DIR/YYYY-MM-DD/HHMMSS.TAG.ack for the ack sent for it (UTC dates; TAG
 * is chosen by the caller, unique per run).  Files are written to a
 * ".tmp" name, fsync'd and renamed, so a reader (or a crash) never sees
 * a partial file under the final name; a crash may leave a *.tmp file,
 * which is safe to delete.
 *
 * Modes: the mails hold clear-text passwords, so files are created
 * ARCHIVE_FILE_MODE (0600) and the directories the archive creates
 * ARCHIVE_DIR_MODE (0700), whatever the umask; existing directories
 * keep their mode.
 *
 * No state; the caller owns every string.
 */
#ifndef AUTODBM_ARCHIVE_H
#define AUTODBM_ARCHIVE_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"

/** The mode of archive files (owner only: the mails hold passwords). */
#define ARCHIVE_FILE_MODE 0600
/** The mode of the directories the archive creates. */
#define ARCHIVE_DIR_MODE 0700

/**
 * The base path of one mail's archive files: DIR/YYYY-MM-DD/HHMMSS.TAG
 * (date and time of @when in UTC).  Characters of @tag other than
 * letters, digits, '-' and '_' are replaced by '_'.
 * @return a malloc'd path the caller frees.
 */
char *archive_base(const char *dir, time_t when, const char *tag);

/**
 * Write @len bytes of @data to BASE.SUFFIX safely: create the date
 * directory (and DIR) if needed, write BASE.SUFFIX.tmp, fsync it, rename
 * it to BASE.SUFFIX, fsync the directory.
 * @param base    from archive_base()
 * @param suffix  "in" or "ack"
 * @return 0, or ERR_IO (with the path and reason in @err; nothing is
 *         left under the final name).
 */
int archive_write(const char *base, const char *suffix, const void *data,
                  size_t len, err_t *err);

#endif
