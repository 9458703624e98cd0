/*
 * test_source.c - unit tests of several sources in one store
 * (store/store.h: store_txn_source, store_source_*,
 * store_txn_next_serial; store/bulk.h: store_bulk_begin_source): the same
 * key in two sources, look-ups that stay in their source, a mirrored
 * journal with the origin's gapped serials, serials going backwards and
 * the own source refused, dumped objects kept out of the journal, a
 * source added by another handle seen by an open read-only handle's next
 * snapshot, an aborted add, clearing, bulk loads into a mirrored source,
 * and the format 3 -> 4 upgrade.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/bulk.h"
#include "store/journal.h"
#include "store/store.h"
#include "util/ipaddr.h"

/** Parse and classify @text (the test fails on a bad one). */
static rpsl_obj_t *obj_of(const char *text)
{
    rpsl_obj_t *o = NULL;

    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
    return o;
}

/** What src_unit() does in one write transaction. */
struct op {
    const char *source;     /**< select this first (NULL: own) */
    const char *add;        /**< store_source_add this first */
    uint64_t serial;        /**< store_txn_next_serial this first (0: no) */
    const char *put;        /**< put this text, or */
    int del_cls;            /**< delete (del_cls, del_key) when del_key */
    const char *del_key;
    int fail;               /**< return ERR_USAGE at the end (abort) */
};

/** Store unit: the ops of a NULL-terminated list (put/del/add). */
static int src_unit(store_txn_t *t, void *arg, err_t *err)
{
    const struct op *op = arg;
    int rc = 0;

    for (; rc == 0 && (op->put || op->del_key || op->add || op->fail); op++) {
        if (op->add)
            rc = store_source_add(t, op->add, err);
        if (rc == 0)
            rc = store_txn_source(t, op->source, err);
        if (rc == 0 && op->serial)
            rc = store_txn_next_serial(t, op->serial, err);
        if (rc == 0 && op->put) {
            rpsl_obj_t *o = obj_of(op->put);
            rc = store_obj_put(t, o, 1000, NULL, err);
            rpsl_obj_free(o);
        } else if (rc == 0 && op->del_key) {
            rc = store_obj_del(t, op->del_cls, op->del_key, 2000, NULL, err);
        }
        if (rc == 0 && op->fail)
            rc = err_set(err, ERR_USAGE, "abort on purpose");
    }
    return rc;
}

/** Run @ops in one write transaction on @st. */
static int run_ops(store_t *st, const struct op *ops)
{
    err_t e;
    int rc;

    err_init(&e);
    rc = store_write(st, src_unit, (void *)ops, &e);
    err_free(&e);
    return rc;
}

/** Count hits (store_hit_fn). */
static int count_hit(int cls, const char *pkey, const char *text, size_t len,
                     void *arg)
{
    (void)cls;
    (void)pkey;
    (void)text;
    (void)len;
    (*(int *)arg)++;
    return 0;
}

/** Append names (store_source_each callback). */
static int name_cb(const char *name, void *arg)
{
    buf_t *b = arg;
    buf_puts(b, name);
    buf_putc(b, ' ');
    return 0;
}

static store_t *new_store(char **dirp)
{
    store_t *st = NULL;
    err_t e;

    err_init(&e);
    *dirp = xasprintf("%s/db", harness_tmpdir());
    CU_ASSERT_FATAL(store_open(*dirp, 0, &st, &e) == 0);
    err_free(&e);
    return st;
}

#define AS_OWN "aut-num: AS65000\nas-name: OWN\nsource: TEST\n"
#define AS_MIR "aut-num: AS65000\nas-name: MIRRORED\nsource: RIPE\n"
#define RT_MIR "route: 10.0.0.0/8\norigin: AS65000\nmnt-by: M-MNT\n" \
               "source: RIPE\n"
#define MNT_MIR "mntner: M-MNT\nauth: MD5-PW x\nsource: RIPE\n"

static void test_same_key_two_sources(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    buf_t b;
    err_t e;
    int n;
    ip_range_t r;
    struct op ops[] = {
        { .put = AS_OWN },
        { .add = "ripe", .source = "RIPE", .put = AS_MIR },
        { .source = "ripe", .put = RT_MIR },
        { .source = "Ripe", .put = MNT_MIR },
        { 0 }
    };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    /* own by default */
    CU_ASSERT(store_txn_source_name(t) == NULL);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "as65000", &b, &e) == 0);
    CU_ASSERT(strstr(b.s, "OWN") != NULL);
    CU_ASSERT(store_count(t, -1) == 1);
    CU_ASSERT(store_obj_get(t, SC_ROUTE, "10.0.0.0/8AS65000", NULL, &e) ==
              ERR_NOTFOUND);
    n = 0;
    CU_ASSERT(store_lookup(t, "M-MNT", 0, count_hit, &n, &e) == 0);
    CU_ASSERT(n == 0);
    n = 0;
    CU_ASSERT(store_inverse(t, schema_attr_by_name("mnt-by"), "M-MNT", count_hit,
                            &n, &e) == 0);
    CU_ASSERT(n == 0);
    CU_ASSERT_FATAL(ip_parse_net("10.1.0.0/16", strlen("10.1.0.0/16"), &r) == 0);
    n = 0;
    CU_ASSERT(store_addr(t, SC_ROUTE, &r, STORE_LESS_ALL, count_hit, &n,
                         &e) == 0);
    CU_ASSERT(n == 0);
    /* the mirrored one */
    CU_ASSERT(store_txn_source(t, "ripe", &e) == 0);
    CU_ASSERT_STRING_EQUAL(store_txn_source_name(t), "RIPE");
    buf_reset(&b);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", &b, &e) == 0);
    CU_ASSERT(strstr(b.s, "MIRRORED") != NULL);
    CU_ASSERT(store_count(t, -1) == 3);
    CU_ASSERT(store_count(t, SC_AUT_NUM) == 1);
    n = 0;
    CU_ASSERT(store_lookup(t, "M-MNT", 0, count_hit, &n, &e) == 0);
    CU_ASSERT(n == 1);
    n = 0;
    CU_ASSERT(store_inverse(t, schema_attr_by_name("mnt-by"), "M-MNT", count_hit,
                            &n, &e) == 0);
    CU_ASSERT(n == 1);
    n = 0;
    CU_ASSERT(store_addr(t, SC_ROUTE, &r, STORE_LESS_ALL, count_hit, &n,
                         &e) == 0);
    CU_ASSERT(n == 1);
    n = 0;
    CU_ASSERT(store_each(t, -1, count_hit, &n, &e) == 0);
    CU_ASSERT(n == 3);
    /* and back */
    CU_ASSERT(store_txn_source(t, NULL, &e) == 0);
    buf_reset(&b);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", &b, &e) == 0);
    CU_ASSERT(strstr(b.s, "OWN") != NULL);
    /* unknown and impossible names */
    CU_ASSERT(store_txn_source(t, "NOPE", &e) == ERR_NOTFOUND);
    CU_ASSERT(store_txn_source(t, "bad name!", &e) == ERR_NOTFOUND);
    store_read_end(t);
    store_close(st);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

/** Collect journal serials of the selected source. */
static void walk(store_txn_t *t, uint64_t from, buf_t *out)
{
    store_journal_it_t *it = NULL;
    store_journal_t je;
    err_t e;

    err_init(&e);
    buf_reset(out);
    CU_ASSERT_FATAL(store_journal_open(t, from, &it, &e) == 0);
    while (store_journal_next(it, &je, &e) == 0)
        buf_printf(out, "%llu%c ", (unsigned long long)je.serial,
                   je.op == STORE_OP_ADD ? '+' : '-');
    store_journal_close(it);
    err_free(&e);
}

/** Store unit: what the serial functions refuse (all must fail). */
static int refuse_unit(store_txn_t *t, void *arg, err_t *err)
{
    uint64_t s = 7;
    (void)arg;
    /* own source */
    CU_ASSERT(store_txn_next_serial(t, 1, err) == ERR_USAGE);
    CU_ASSERT(store_source_serial_get(t, &s, err) == ERR_USAGE);
    CU_ASSERT(store_source_serial_set(t, 5, err) == ERR_USAGE);
    CU_ASSERT(store_source_clear(t, NULL, err) == ERR_USAGE);
    CU_ASSERT(store_source_clear(t, "NOPE", err) == ERR_NOTFOUND);
    CU_ASSERT_FATAL(store_txn_source(t, "MIR", err) == 0);
    /* going backwards, repeated, zero, out of range */
    CU_ASSERT(store_txn_next_serial(t, 150, err) == ERR_USAGE);
    CU_ASSERT(strstr(err_text(err), "200") != NULL);
    CU_ASSERT(store_txn_next_serial(t, 200, err) == ERR_USAGE);
    CU_ASSERT(store_txn_next_serial(t, 0, err) == ERR_USAGE);
    CU_ASSERT(store_txn_next_serial(t, (uint64_t)1 << 63, err) == ERR_USAGE);
    CU_ASSERT(store_txn_next_serial(t, 201, err) == 0);
    CU_ASSERT(store_source_add(t, "", err) == ERR_USAGE);
    CU_ASSERT(store_source_add(t, "A B", err) == ERR_USAGE);
    CU_ASSERT(store_source_add(t, "X123456789012345678901234567890123456789"
                               "0123456789012345678901234", err) == ERR_USAGE);
    return 0;
}

static void test_mirrored_journal(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    store_journal_t je;
    uint64_t first, last, s;
    buf_t b;
    err_t e;
    struct op ops[] = {
        { .put = AS_OWN },
        { .add = "MIR", .source = "MIR", .serial = 100, .put = AS_MIR },
        { .source = "MIR", .serial = 105, .put = MNT_MIR },
        { .source = "MIR", .serial = 200, .del_cls = SC_AUT_NUM,
          .del_key = "AS65000" },
        { 0 }
    };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT(store_write(st, refuse_unit, NULL, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(first == 1 && last == 1);
    CU_ASSERT_FATAL(store_txn_source(t, "mir", &e) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(first == 100 && last == 200);
    walk(t, 0, &b);
    CU_ASSERT_STRING_EQUAL(b.s, "100+ 105+ 200- ");
    walk(t, 101, &b);
    CU_ASSERT_STRING_EQUAL(b.s, "105+ 200- ");
    CU_ASSERT(store_journal_get(t, 105, &je, &e) == 0);
    CU_ASSERT(je.cls == SC_MNTNER);
    CU_ASSERT(store_journal_get(t, 101, &je, &e) == ERR_NOTFOUND);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", NULL, &e) ==
              ERR_NOTFOUND);
    CU_ASSERT(store_source_serial_get(t, &s, &e) == 0);
    CU_ASSERT(s == 0);
    CU_ASSERT(store_source_serial_set(t, 5, &e) == ERR_USAGE);  /* read */
    CU_ASSERT(store_txn_source(t, NULL, &e) == 0);
    CU_ASSERT(store_journal_get(t, 100, &je, &e) == ERR_NOTFOUND);
    buf_reset(&b);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", &b, &e) == 0);
    store_read_end(t);
    store_close(st);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

/** Store unit: record serial 4242 of MIR, then a dumped object. */
static int serial_unit(store_txn_t *t, void *arg, err_t *err)
{
    int rc;
    rpsl_obj_t *o;

    (void)arg;
    rc = store_txn_source(t, "MIR", err);
    if (rc == 0)
        rc = store_source_serial_set(t, 4242, err);
    if (rc)
        return rc;
    o = obj_of(MNT_MIR);
    rc = store_obj_put(t, o, 1000, NULL, err);
    rpsl_obj_free(o);
    return rc;
}

/** Collect history serials. */
static int hist_cb(const store_journal_t *je, void *arg)
{
    buf_printf(arg, "%llx ", (unsigned long long)je->serial);
    return 0;
}

static void test_dumped_objects(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    uint64_t first, last, s;
    buf_t b;
    err_t e;
    struct op ops[] = {
        { .add = "MIR", .source = "MIR", .put = AS_MIR },
        { .source = "MIR", .put = RT_MIR },
        { 0 }
    };
    struct op later[] = {
        { .source = "MIR", .serial = 4243, .put = AS_MIR },
        { 0 }
    };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT_FATAL(store_write(st, serial_unit, NULL, &e) == 0);
    CU_ASSERT_FATAL(run_ops(st, later) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT_FATAL(store_txn_source(t, "MIR", &e) == 0);
    /* dumped objects are not in the journal; the NRTM one is */
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(first == 4243 && last == 4243);
    CU_ASSERT(store_source_serial_get(t, &s, &e) == 0);
    CU_ASSERT(s == 4242);
    CU_ASSERT(store_count(t, -1) == 3);
    CU_ASSERT(store_obj_get(t, SC_ROUTE, "10.0.0.0/8AS65000", &b, &e) == 0);
    buf_reset(&b);
    CU_ASSERT(store_history(t, SC_AUT_NUM, "AS65000", hist_cb, &b, &e) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, "8000000000000001 1093 ");
    store_read_end(t);
    store_close(st);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

static void test_visible_to_open_reader(void)
{
    char *dir;
    store_t *w = new_store(&dir), *r = NULL;
    store_txn_t *t = NULL, *old = NULL;
    buf_t b;
    err_t e;
    struct op ops[] = {
        { .add = "LATE", .source = "LATE", .serial = 7, .put = AS_MIR },
        { 0 }
    };
    struct op ops2[] = {
        { .add = "LATER", .source = "LATER", .put = MNT_MIR },
        { 0 }
    };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT_FATAL(store_open(dir, STORE_RDONLY, &r, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(r, &old, &e) == 0);
    CU_ASSERT(store_txn_source(old, "LATE", &e) == ERR_NOTFOUND);
    CU_ASSERT_FATAL(run_ops(w, ops) == 0);
    /* the snapshot that began before does not see it */
    CU_ASSERT(store_txn_source(old, "LATE", &e) == ERR_NOTFOUND);
    CU_ASSERT_FATAL(store_read_begin(r, &t, &e) == 0);
    CU_ASSERT(store_txn_source(t, "late", &e) == 0);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", &b, &e) == 0);
    CU_ASSERT(strstr(b.s, "MIRRORED") != NULL);
    store_read_end(t);
    /* another one while the old snapshot is still open */
    CU_ASSERT_FATAL(run_ops(w, ops2) == 0);
    CU_ASSERT_FATAL(store_read_begin(r, &t, &e) == 0);
    CU_ASSERT(store_txn_source(t, "LATER", &e) == 0);
    CU_ASSERT(store_obj_get(t, SC_MNTNER, "M-MNT", NULL, &e) == 0);
    buf_reset(&b);
    CU_ASSERT(store_source_each(t, name_cb, &b, &e) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, "LATE LATER ");
    store_read_end(t);
    CU_ASSERT(store_txn_source(old, "LATER", &e) == ERR_NOTFOUND);
    store_read_end(old);
    store_close(r);
    store_close(w);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

static void test_abort_and_clear(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    buf_t b;
    err_t e;
    struct op aborted[] = {
        { .add = "GONE", .source = "GONE", .put = AS_MIR },
        { .add = "b-src" },
        { .fail = 1 },
        { 0 }
    };
    struct op ops[] = {
        { .add = "b-src", .source = "B-SRC", .put = AS_MIR },
        { .add = "A_SRC", .source = "a_src", .serial = 3, .put = AS_MIR },
        { 0 }
    };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT(run_ops(st, aborted) == ERR_USAGE);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_source_each(t, name_cb, &b, &e) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, "A_SRC B-SRC ");
    CU_ASSERT(store_txn_source(t, "GONE", &e) == ERR_NOTFOUND);
    CU_ASSERT(store_txn_source(t, "B-SRC", &e) == 0);
    CU_ASSERT(store_count(t, -1) == 1);
    store_read_end(t);
    store_close(st);
    /* a read-only handle opens every source; clearing one */
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_txn_source(t, "A_SRC", &e) == 0);
    CU_ASSERT(store_count(t, -1) == 1);
    store_read_end(t);
    store_close(st);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

/** Store unit: clear the source named by @arg. */
static int clear_unit(store_txn_t *t, void *arg, err_t *err)
{
    return store_source_clear(t, arg, err);
}

static void test_clear(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    uint64_t first, last, s;
    err_t e;
    struct op ops[] = {
        { .put = AS_OWN },
        { .add = "MIR", .source = "MIR", .put = RT_MIR },
        { .source = "MIR", .serial = 9, .put = AS_MIR },
        { 0 }
    };

    err_init(&e);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT_FATAL(store_write(st, clear_unit, "MIR", &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_count(t, -1) == 1);
    CU_ASSERT_FATAL(store_txn_source(t, "MIR", &e) == 0);
    CU_ASSERT(store_count(t, -1) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(first == 0 && last == 0);
    CU_ASSERT(store_source_serial_get(t, &s, &e) == 0);
    CU_ASSERT(s == 0);
    store_read_end(t);
    store_close(st);
    err_free(&e);
    free(dir);
}

/** Bulk-load @texts into @source of @st. */
static void bulk(store_t *st, const char *source, const char *const *texts,
                 size_t n)
{
    store_bulk_t *bk = NULL;
    store_batch_t *b = store_batch_new();
    err_t e;

    err_init(&e);
    CU_ASSERT_FATAL(store_bulk_begin_source(st, source, 1000, &bk, &e) == 0);
    for (size_t i = 0; i < n; i++) {
        rpsl_obj_t *o = obj_of(texts[i]);
        CU_ASSERT(store_batch_add(b, st, o, &e) == 0);
        rpsl_obj_free(o);
    }
    CU_ASSERT_FATAL(store_bulk_put(bk, b, &e) == 0);
    CU_ASSERT_FATAL(store_bulk_end(bk, &e) == 0);
    store_batch_free(b);
    err_free(&e);
}

static void test_bulk_source(void)
{
    static const char *const texts[] = { AS_MIR, RT_MIR, MNT_MIR };
    static const char *const more[] = {
        "mntner: N-MNT\nauth: MD5-PW y\nsource: RIPE\n"
    };
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    uint64_t first, last;
    ip_range_t r;
    err_t e;
    int n;
    struct op ops[] = {
        { .put = AS_OWN }, { .add = "MIR" }, { .add = "EMPTY" }, { 0 }
    };

    err_init(&e);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    bulk(st, "mir", texts, 3);      /* fresh: sorted appends */
    bulk(st, "MIR", more, 1);       /* into data: as store_obj_put */
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_count(t, -1) == 1);
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(last == 1);
    CU_ASSERT_FATAL(store_txn_source(t, "MIR", &e) == 0);
    CU_ASSERT(store_count(t, -1) == 4);
    CU_ASSERT(store_journal_range(t, &first, &last, &e) == 0);
    CU_ASSERT(first == 0 && last == 0);
    CU_ASSERT(store_obj_get(t, SC_MNTNER, "n-mnt", NULL, &e) == 0);
    CU_ASSERT_FATAL(ip_parse_net("10.0.0.0/8", strlen("10.0.0.0/8"), &r) == 0);
    n = 0;
    CU_ASSERT(store_addr(t, SC_ROUTE, &r, STORE_EXACT, count_hit, &n, &e) == 0);
    CU_ASSERT(n == 1);
    n = 0;
    CU_ASSERT(store_inverse(t, schema_attr_by_name("origin"), "AS65000",
                            count_hit, &n, &e) == 0);
    CU_ASSERT(n == 1);
    CU_ASSERT(store_txn_source(t, "EMPTY", &e) == 0);
    CU_ASSERT(store_count(t, -1) == 0);
    store_read_end(t);
    store_close(st);
    /* a bulk load into a source that does not exist */
    {
        store_bulk_t *bk = NULL;
        CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
        CU_ASSERT(store_bulk_begin_source(st, "NONE", 1, &bk, &e) ==
                  ERR_NOTFOUND);
        CU_ASSERT(bk == NULL);
        store_close(st);
    }
    err_free(&e);
    free(dir);
}

/** Set the format value of the store in @dir to @fmt (raw LMDB). */
static void set_format(const char *dir, uint8_t fmt)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    uint8_t f[4] = { 0, 0, 0, fmt };
    MDB_val k = { strlen("store.format"), (void *)"store.format" };
    MDB_val v = { sizeof f, f };

    CU_ASSERT_FATAL(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 32);
    CU_ASSERT_FATAL(mdb_env_open(env, dir, 0, 0640) == 0);
    CU_ASSERT_FATAL(mdb_txn_begin(env, NULL, 0, &txn) == 0);
    CU_ASSERT_FATAL(mdb_dbi_open(txn, "meta", 0, &dbi) == 0);
    CU_ASSERT(mdb_put(txn, dbi, &k, &v, 0) == 0);
    CU_ASSERT(mdb_txn_commit(txn) == 0);
    mdb_env_close(env);
}

/** The format value of the store @st (through meta). */
static int format_of(store_t *st)
{
    store_txn_t *t = NULL;
    buf_t b;
    err_t e;
    int f = -1;

    err_init(&e);
    buf_init(&b);
    if (store_read_begin(st, &t, &e) == 0 &&
        store_meta_get(t, "store.format", &b, &e) == 0 && b.len == 4)
        f = (uint8_t)b.s[3];
    store_read_end(t);
    buf_free(&b);
    err_free(&e);
    return f;
}

static void test_upgrade(void)
{
    char *dir;
    store_t *st = new_store(&dir);
    store_txn_t *t = NULL;
    buf_t b;
    err_t e;
    struct op ops[] = { { .put = AS_OWN }, { 0 } };
    struct op mir[] = { { .add = "MIR", .source = "MIR", .put = AS_MIR },
                        { 0 } };

    err_init(&e);
    buf_init(&b);
    CU_ASSERT_FATAL(run_ops(st, ops) == 0);
    CU_ASSERT(format_of(st) == 4);
    store_close(st);
    set_format(dir, 3);
    /* read-only: works, stays format 3, has no mirrored source */
    CU_ASSERT_FATAL(store_open(dir, STORE_RDONLY, &st, &e) == 0);
    CU_ASSERT(format_of(st) == 3);
    CU_ASSERT_FATAL(store_read_begin(st, &t, &e) == 0);
    CU_ASSERT(store_obj_get(t, SC_AUT_NUM, "AS65000", NULL, &e) == 0);
    CU_ASSERT(store_source_each(t, name_cb, &b, &e) == 0);
    CU_ASSERT(b.len == 0);
    store_read_end(t);
    store_close(st);
    /* read-write: upgraded in place */
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT(format_of(st) == 4);
    CU_ASSERT(run_ops(st, mir) == 0);
    store_close(st);
    /* format 5 (or 2) is refused */
    set_format(dir, 5);
    st = NULL;
    CU_ASSERT(store_open(dir, 0, &st, &e) == ERR_STORE);
    CU_ASSERT(st == NULL);
    CU_ASSERT(store_open(dir, STORE_RDONLY, &st, &e) == ERR_STORE);
    buf_free(&b);
    err_free(&e);
    free(dir);
}

void suite_source(void);
void suite_source(void)
{
    CU_pSuite s = harness_suite("source");

    HARNESS_ADD(s, test_same_key_two_sources);
    HARNESS_ADD(s, test_mirrored_journal);
    HARNESS_ADD(s, test_dumped_objects);
    HARNESS_ADD(s, test_visible_to_open_reader);
    HARNESS_ADD(s, test_abort_and_clear);
    HARNESS_ADD(s, test_clear);
    HARNESS_ADD(s, test_bulk_source);
    HARNESS_ADD(s, test_upgrade);
}
