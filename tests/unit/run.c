/*
 * run.c - the unit test runner: registers every suite listed in the
 * generated suites.inc and runs them with CUnit's basic interface.
 *
 * usage: unit-tests [SUITE...]   (no argument: all suites)
 * Exit status 0 when every test passed.  The last line is
 * "unit: N passed, N failed" for tests/run-check to add up.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "harness.h"
#include "util/buf.h"

#define SUITE(n) void suite_##n(void);
#include "suites.inc"
#undef SUITE

static char tmproot[PATH_MAX];
static unsigned tmpcount;
static char **owned;
static size_t nowned;

static const char *keep(char *s)
{
    char **n = realloc(owned, (nowned + 1) * sizeof *owned);
    if (n == NULL || s == NULL)
        abort();
    owned = n;
    owned[nowned++] = s;
    return s;
}

CU_pSuite harness_suite(const char *name)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
        abort();
    }
    return s;
}

void harness_test(CU_pSuite s, const char *name, CU_TestFunc fn)
{
    if (CU_add_test(s, name, fn) == NULL) {
        fprintf(stderr, "cannot add test %s: %s\n", name, CU_get_error_msg());
        abort();
    }
}

const char *harness_tmpdir(void)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/t%u", tmproot, ++tmpcount);
    if (mkdir(path, 0700) != 0) {
        perror(path);
        abort();
    }
    return keep(strdup(path));
}

const char *harness_srcdir(void)
{
    const char *d = getenv("AUTODBM_SRCDIR");
    return d && *d ? d : ".";
}

const char *harness_corpus(const char *rel)
{
    char path[PATH_MAX * 2];
    struct stat st;
    const char *c = getenv("AUTODBM_CORPUS");
    if (c && *c)
        snprintf(path, sizeof path, "%s/%s", c, rel);
    else
        snprintf(path, sizeof path, "%s/../shared/corpus/%s", harness_srcdir(), rel);
    if (stat(path, &st) != 0)
        return NULL;
    return keep(strdup(path));
}

int harness_read_file(const char *path, buf_t *out)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_put(out, chunk, n);
    fclose(fp);
    return 0;
}

char *harness_heads(const buf_t *out)
{
    buf_t h;
    int in_obj = 0;

    buf_init(&h);
    buf_puts(&h, "");
    for (const char *p = out->s; p && *p; ) {
        size_t n = strcspn(p, "\n");
        if (n == 0) {
            in_obj = 0;
        } else if (!in_obj) {
            in_obj = 1;
            if (h.len > 0)
                buf_putc(&h, '|');
            buf_put(&h, p, n);
        }
        p += n + (p[n] == '\n');
    }
    char *s = xstrdup(h.s);
    buf_free(&h);
    return s;
}

static void rmtree(void)
{
    char cmd[PATH_MAX + 16];
    /* The tree is ours (mkdtemp); a plain recursive removal. */
    if (tmproot[0] == 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmproot);
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
}

static int want(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmproot, sizeof tmproot, "%s/autodbm-unit-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(tmproot) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    atexit(rmtree);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define SUITE(n) if (argc < 2 || want(argc, argv, #n)) suite_##n();
#include "suites.inc"
#undef SUITE
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned ran = CU_get_number_of_tests_run();
    unsigned failed = CU_get_number_of_tests_failed();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    printf("\nunit: %u passed, %u failed\n", ran - failed, failed);
    return (failed || fails) ? 1 : 0;
}

