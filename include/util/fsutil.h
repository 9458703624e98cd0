/*
 * fsutil.h - small file system helpers shared by the modules that write
 * files (the archive, Maildir delivery): creating a directory with its
 * parents, writing a whole buffer.  No state.
 * Prefix: fs_ (file system), shorter than the file name.
 */
#ifndef AUTODBM_FSUTIL_H
#define AUTODBM_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/**
 * Create directory @dir and any missing parents ("mkdir -p").
 * @param mode  permissions of the directories created
 * @return 0 (also when it exists already), or -1 with errno set.
 */
int fs_mkdirs(const char *dir, mode_t mode);

/**
 * Write all @n bytes of @p to @fd, retrying short writes and EINTR.
 * @return 0, or -1 with errno set.
 */
int fs_write_all(int fd, const void *p, size_t n);

#endif
