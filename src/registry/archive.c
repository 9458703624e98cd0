/*
 * archive.c - the archive of incoming mails and acks (see archive.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/archive.h"
#include "util/buf.h"
#include "util/fsutil.h"

char *archive_base(const char *dir, time_t when, const char *tag)
{
    struct tm tm;
    gmtime_r(&when, &tm);
    char *t = xstrdup(tag ? tag : "");
    for (char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            *p = '_';
    char *base = xasprintf("%s/%04d-%02d-%02d/%02d%02d%02d.%s", dir, tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t);
    free(t);
    return base;
}

int archive_write(const char *base, const char *suffix, const void *data,
                  size_t len, err_t *err)
{
    char *dir = xstrdup(base);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = 0;
    char *path = xasprintf("%s.%s", base, suffix);
    char *tmp = xasprintf("%s.%s.tmp", base, suffix);
    int rc = 0, fd = -1;
    if (slash && fs_mkdirs(dir, ARCHIVE_DIR_MODE) != 0) {
        rc = err_set(err, ERR_IO, "archive: %s: %s", dir, strerror(errno));
        goto leave;
    }
    /* fchmod: a .tmp left by a crash (or an older version) keeps its mode
     * through O_TRUNC */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ARCHIVE_FILE_MODE);
    if (fd < 0 || fchmod(fd, ARCHIVE_FILE_MODE) != 0 || fs_write_all(fd, data, len) != 0 ||
        fsync(fd) != 0) {
        rc = err_set(err, ERR_IO, "archive: %s: %s", tmp, strerror(errno));
        goto leave;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = err_set(err, ERR_IO, "archive: %s: %s", tmp, strerror(errno));
        goto leave;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = err_set(err, ERR_IO, "archive: %s: %s", path, strerror(errno));
        goto leave;
    }
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
leave:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    free(dir);
    free(path);
    free(tmp);
    return rc;
}
