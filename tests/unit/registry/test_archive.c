/*
 * test_archive.c - the archive keeps clear-text passwords (the .in files):
 * files are 0600 and the directories it creates 0700, whatever the umask
 * and whatever mode a leftover .tmp file had.  Also the layout of
 * archive.h (DIR/YYYY-MM-DD/HHMMSS.TAG in UTC, the tag made safe for a
 * file name), the bytes written as given (binary included) with no .tmp
 * left, an existing directory's mode kept, and a failure that leaves
 * nothing under the final name.
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

/* Layout: UTC date and time; tag characters other than [A-Za-z0-9_-]
 * become '_' (no '/' can leave the day's directory). */
static void test_base(void)
{
    char *b = archive_base("/a", 1767225600 + 3723, "tag-1_X");   /* 01:02:03Z */
    CU_ASSERT_STRING_EQUAL(b, "/a/2026-01-01/010203.tag-1_X");
    free(b);
    b = archive_base("/a", 1767225599, "../x y/\n");              /* 2025-12-31 23:59:59Z */
    CU_ASSERT_STRING_EQUAL(b, "/a/2025-12-31/235959.___x_y__");
    free(b);
    b = archive_base("d", 0, NULL);
    CU_ASSERT_STRING_EQUAL(b, "d/1970-01-01/000000.");
    free(b);
}

static char *slurp(const char *path, size_t *len)
{
    buf_t b;
    buf_init(&b);
    if (harness_read_file(path, &b) != 0) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_steal(&b);
}

/* The bytes as given, NULs included; written again: replaced whole. */
static void test_content(void)
{
    char *dir = xasprintf("%s/archive", harness_tmpdir());
    char *base = archive_base(dir, 1767268800, "t");
    static const char data[] = "From: a\0b\r\n\xff";
    CU_ASSERT_EQUAL(archive_write(base, "in", data, sizeof data - 1, NULL), 0);
    char *in = xasprintf("%s.in", base), *tmp = xasprintf("%s.in.tmp", base);
    size_t len = 0;
    char *got = slurp(in, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(len, sizeof data - 1);
    CU_ASSERT_EQUAL(memcmp(got, data, len), 0);
    free(got);
    CU_ASSERT_EQUAL(mode_of(tmp), 01000);
    CU_ASSERT_EQUAL(archive_write(base, "in", "x", 1, NULL), 0);
    got = slurp(in, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(len, 1);
    free(got);
    free(tmp);
    free(in);
    free(base);
    free(dir);
}

/* An archive directory the operator made keeps its mode. */
static void test_existing_dir_mode(void)
{
    char *dir = xasprintf("%s/archive", harness_tmpdir());
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0750), 0);
    CU_ASSERT_EQUAL_FATAL(chmod(dir, 0750), 0);
    char *base = archive_base(dir, 1767268800, "t");
    CU_ASSERT_EQUAL(archive_write(base, "ack", "a", 1, NULL), 0);
    CU_ASSERT_EQUAL(mode_of(dir), 0750);
    free(base);
    free(dir);
}

/* Where the day's directory cannot be made: ERR_IO naming the path, and
 * nothing under the final name. */
static void test_failure(void)
{
    char *file = xasprintf("%s/plainfile", harness_tmpdir());
    int fd = open(file, O_WRONLY | O_CREAT, 0600);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    char *base = archive_base(file, 1767268800, "t");   /* DIR is a file */
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(archive_write(base, "in", "x", 1, &e), ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "plainfile"));
    char *in = xasprintf("%s.in", base);
    CU_ASSERT_EQUAL(mode_of(in), 01000);
    err_free(&e);
    free(in);
    free(base);
    free(file);
}

void suite_archive(void);
void suite_archive(void)
{
    CU_pSuite s = harness_suite("archive");
    HARNESS_ADD(s, test_modes_permissive_umask);
    HARNESS_ADD(s, test_modes_leftover_tmp);
    HARNESS_ADD(s, test_base);
    HARNESS_ADD(s, test_content);
    HARNESS_ADD(s, test_existing_dir_mode);
    HARNESS_ADD(s, test_failure);
}
