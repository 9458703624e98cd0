/*
 * test_other.c - objects of classes the schema does not know (store/
 * store.h: store_obj_put of an unclassified object, store_other_get,
 * store_other_each, store_other_classes): each class name listed once,
 * in name order, also when one name is the prefix of another with a
 * byte below or above ':' next; ordinary walks pass them by.  And
 * their deletion as autodbm-mirror applies an NRTM DEL in a mirrored
 * source (store_obj_del with cls -1 and "CLASS:VALUE"): a journal DEL
 * entry with the deleted text, the object gone, its history kept; keys
 * that are none or too long are ERR_SYNTAX; nothing reaches the own
 * source or the key-certs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/journal.h"
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

static const char schema_text[] =
    "schema:         FOO-SCHEMA\n"
    "certif:         -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
    "source:         MIRR\n";

/** Mirrored source MIRR: serial 7 adds schema_text, serial 9 deletes it. */
static int add_del(store_txn_t *t, void *arg, err_t *err)
{
    rpsl_obj_t *o = NULL;
    buf_t key;
    int rc;

    (void) arg;
    buf_init(&key);
    CU_ASSERT_FATAL(rpsl_parse(schema_text, strlen(schema_text), 1, 0, &o,
                               NULL) == 0);
    CU_ASSERT(schema_classify(o, NULL) != 0);
    CU_ASSERT_EQUAL(store_other_pkey(o, &key), 0);
    CU_ASSERT_STRING_EQUAL(key.s, "SCHEMA:FOO-SCHEMA");
    rc = store_source_add(t, "MIRR", err);
    if (rc == 0)
        rc = store_txn_source(t, "MIRR", err);
    if (rc == 0)
        rc = store_txn_next_serial(t, 7, err);
    if (rc == 0)
        rc = store_obj_put(t, o, 1000, NULL, err);
    if (rc == 0) {
        CU_ASSERT_EQUAL(store_other_get(t, "schema", "foo-schema", NULL, err), 0);
        rc = store_txn_next_serial(t, 9, err);
    }
    if (rc == 0)
        rc = store_obj_del(t, -1, "schema:foo-schema", 2000, NULL, err);
    if (rc == 0) {
        /* not a key, or longer than the store's keys */
        char *big = xmalloc(4096);
        memset(big, 'X', 4095);
        big[4095] = 0;
        memcpy(big, "SCHEMA:", 7);
        CU_ASSERT_EQUAL(store_obj_del(t, -1, big, 2000, NULL, err), ERR_SYNTAX);
        CU_ASSERT_EQUAL(store_obj_del(t, -1, "FOO-SCHEMA", 2000, NULL, err), ERR_SYNTAX);
        CU_ASSERT_EQUAL(store_obj_del(t, -1, ":FOO", 2000, NULL, err), ERR_SYNTAX);
        CU_ASSERT_EQUAL(store_obj_del(t, -1, "SCHEMA:BAR", 2000, NULL, err),
                        ERR_NOTFOUND);
        err_free(err);
        free(big);
        /* a first value too long for the store: refused, no trace */
        rpsl_obj_t *l = NULL;
        buf_t txt;
        buf_init(&txt);
        buf_puts(&txt, "schema:         ");
        for (int i = 0; i < 600; i++)
            buf_putc(&txt, 'Y');
        buf_puts(&txt, "\nsource:         MIRR\n");
        CU_ASSERT_FATAL(rpsl_parse(txt.s, txt.len, 1, 0, &l, NULL) == 0);
        (void) schema_classify(l, NULL);
        CU_ASSERT_EQUAL(store_obj_put(t, l, 2000, NULL, err), ERR_SYNTAX);
        err_free(err);
        rpsl_obj_free(l);
        buf_free(&txt);
    }
    rpsl_obj_free(o);
    buf_free(&key);
    return rc;
}

static int count_version(const store_journal_t *je, void *arg)
{
    buf_printf(arg, "%llu %s %d %s|", (unsigned long long) je->serial,
               je->op == STORE_OP_ADD ? "ADD" : "DEL", je->cls, je->pkey);
    return 0;
}

static int on_hit(int cls, const char *pkey, const char *text, size_t len,
                  void *arg)
{
    (void) cls;
    (void) pkey;
    (void) text;
    (void) len;
    ++*(int *) arg;
    return 0;
}

static void test_delete(void)
{
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    store_journal_t je;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/del", harness_tmpdir());
    uint64_t first = 0, last = 0;
    buf_t out;
    int hits = 0;

    buf_init(&out);
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, add_del, NULL, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    CU_ASSERT_FATAL(store_txn_source(txn, "mirr", &e) == 0);
    CU_ASSERT_EQUAL(store_other_get(txn, "SCHEMA", "FOO-SCHEMA", &out, &e),
                    ERR_NOTFOUND);
    err_free(&e);
    CU_ASSERT_EQUAL(store_journal_range(txn, &first, &last, &e), 0);
    CU_ASSERT_EQUAL(first, 7);
    CU_ASSERT_EQUAL(last, 9);
    CU_ASSERT_EQUAL_FATAL(store_journal_get(txn, 9, &je, &e), 0);
    CU_ASSERT_EQUAL(je.op, STORE_OP_DEL);
    CU_ASSERT_EQUAL(je.cls, -1);
    CU_ASSERT_STRING_EQUAL(je.pkey, "SCHEMA:FOO-SCHEMA");
    CU_ASSERT(je.len == strlen(schema_text) &&
              memcmp(je.text, schema_text, je.len) == 0);
    CU_ASSERT_EQUAL(store_history(txn, -1, "Schema:Foo-Schema", count_version,
                                  &out, &e), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "7 ADD -1 SCHEMA:FOO-SCHEMA|"
                                  "9 DEL -1 SCHEMA:FOO-SCHEMA|");
    /* nothing in the own source; never a key-cert */
    CU_ASSERT_FATAL(store_txn_source(txn, NULL, &e) == 0);
    CU_ASSERT_EQUAL(store_journal_range(txn, &first, &last, &e), 0);
    CU_ASSERT_EQUAL(last, 0);
    CU_ASSERT_EQUAL(store_history(txn, -1, "SCHEMA:FOO-SCHEMA", count_version,
                                  &out, &e), ERR_NOTFOUND);
    err_free(&e);
    CU_ASSERT_EQUAL(store_each(txn, SC_KEY_CERT, on_hit, &hits, &e), 0);
    CU_ASSERT_EQUAL(hits, 0);
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
    HARNESS_ADD(s, test_delete);
}
