/*
 * test_archive.c - the archive keeps clear-text passwords (the .in files):
 * files are 0600 and the directories it creates 0700, whatever the umask
 * and whatever mode a leftover .tmp file had.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/archive.h"
#include "util/buf.h"
#include "harness.h"

static unsigned mode_of(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 01000;       /* no such file: never a mode */
    return (unsigned)(sb.st_mode & 07777);
}

/* umask 000: what is created is 0600 / 0700 all the same. */
static void test_modes_permissive_umask(void)
{
    char *dir = xasprintf("%s/archive", harness_tmpdir());
    char *base = archive_base(dir, 1767268800, "tag");
    mode_t old = umask(0);
    CU_ASSERT_EQUAL(archive_write(base, "in", "password: x\n", 12, NULL), 0);
    umask(old);
    char *day = xasprintf("%s/2026-01-01", dir);
    char *in = xasprintf("%s.in", base);
    CU_ASSERT_EQUAL(mode_of(dir), 0700);
    CU_ASSERT_EQUAL(mode_of(day), 0700);
    CU_ASSERT_EQUAL(mode_of(in), 0600);
    free(in);
    free(day);
    free(base);
    free(dir);
}

/* A .tmp left by a crash (or an older version) with mode 0644 keeps its
 * mode through O_TRUNC: the file is still 0600 when it is renamed. */
static void test_modes_leftover_tmp(void)
{
    char *dir = xasprintf("%s/archive", harness_tmpdir());
    char *base = archive_base(dir, 1767268800, "tag");
    CU_ASSERT_EQUAL(archive_write(base, "in", "a\n", 2, NULL), 0);
    char *tmp = xasprintf("%s.ack.tmp", base);
    int fd = open(tmp, O_WRONLY | O_CREAT, 0644);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(fchmod(fd, 0644), 0);
    close(fd);
    CU_ASSERT_EQUAL(archive_write(base, "ack", "ack\n", 4, NULL), 0);
    char *ack = xasprintf("%s.ack", base);
    CU_ASSERT_EQUAL(mode_of(ack), 0600);
    CU_ASSERT_EQUAL(mode_of(tmp), 01000);   /* renamed away */
    free(ack);
    free(tmp);
    free(base);
    free(dir);
}

void suite_archive(void);
void suite_archive(void)
{
    CU_pSuite s = harness_suite("archive");
    HARNESS_ADD(s, test_modes_permissive_umask);
    HARNESS_ADD(s, test_modes_leftover_tmp);
}
