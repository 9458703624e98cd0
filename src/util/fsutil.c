/*
 * fsutil.c - small file system helpers (see fsutil.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsutil.h"

int fs_mkdirs(const char *dir, mode_t mode)
{
    char *d = xstrdup(dir);
    int rc = 0;
    for (char *p = d + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(d, mode) != 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
    }
    if (rc == 0 && mkdir(d, mode) != 0 && errno != EEXIST)
        rc = -1;
    int e = errno;
    free(d);
    errno = e;
    return rc;
}

int fs_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}
