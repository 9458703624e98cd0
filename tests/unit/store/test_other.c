/*
 * test_other.c - objects of classes the schema does not know (store/
 * store.h: store_obj_put of an unclassified object, store_other_get,
 * store_other_each, store_other_classes): each class name listed once,
 * in name order, also when one name is the prefix of another with a
 * byte below or above ':' next; ordinary walks pass them by.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

static const char *const texts[] = {
    "ab:             one\nsource:         X\n",
    "a:              one\nsource:         X\n",
    "a:              two\nsource:         X\n",
    "a-b:            one\nsource:         X\n",
    "a0:             one\nsource:         X\n",
    "a-b:            two\nsource:         X\n",
    "zz:             one\nsource:         X\n",
    "mntner:         M-MNT\nsource:         X\n",
};

static int put_texts(store_txn_t *t, void *arg, err_t *err)
{
    int rc = 0;

    (void) arg;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]) && rc == 0; i++) {
        rpsl_obj_t *o = NULL;
        CU_ASSERT_FATAL(rpsl_parse(texts[i], strlen(texts[i]), 1, 0, &o,
                                   NULL) == 0);
        (void) schema_classify(o, NULL);    /* -1 for all but mntner */
        rc = store_obj_put(t, o, 1000, NULL, err);
        rpsl_obj_free(o);
    }
    return rc;
}

static int on_class(const char *name, void *arg)
{
    buf_puts(arg, name);
    buf_putc(arg, '|');
    return 0;
}

static int stop_class(const char *name, void *arg)
{
    (void) name;
    ++*(int *) arg;
    return 7;
}

static int on_other(const char *cls, const char *key, const char *text,
                    size_t len, void *arg)
{
    (void) text;
    (void) len;
    buf_printf(arg, "%s:%s|", cls, key);
    return 0;
}

static void test_classes(void)
{
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db", harness_tmpdir());
    buf_t out;
    int n = 0;

    buf_init(&out);
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_texts, NULL, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    buf_puts(&out, "");
    CU_ASSERT_EQUAL(store_other_classes(txn, on_class, &out, &e), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "A-B|A0|A|AB|ZZ|");
    CU_ASSERT_EQUAL(store_other_classes(txn, stop_class, &n, &e), 7);
    CU_ASSERT_EQUAL(n, 1);
    buf_reset(&out);
    buf_puts(&out, "");
    CU_ASSERT_EQUAL(store_other_each(txn, on_other, &out, &e), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "A-B:ONE|A-B:TWO|A0:ONE|A:ONE|A:TWO|AB:ONE|ZZ:ONE|");
    buf_reset(&out);
    CU_ASSERT_EQUAL(store_other_get(txn, "a-b", "Two", &out, &e), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "a-b:            two\n"));
    CU_ASSERT_EQUAL(store_other_get(txn, "a", "three", NULL, &e), ERR_NOTFOUND);
    err_free(&e);
    CU_ASSERT_EQUAL(store_count(txn, -1), 1);
    store_read_end(txn);
    store_close(st);
    buf_free(&out);
    free(dir);
    err_free(&e);
}

void suite_other(void);
void suite_other(void)
{
    CU_pSuite s = harness_suite("store_other");

    HARNESS_ADD(s, test_classes);
}
