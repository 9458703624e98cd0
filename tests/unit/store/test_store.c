/*
 * test_store.c - unit tests of the LMDB store (src/store): objects and
 * their case-insensitive keys, index maintenance on modify and delete,
 * the journal and object history, map growth, atomic units, snapshots,
 * meta values, and the address index checked against a brute-force scan
 * of randomly generated IPv4/IPv6 ranges; bulk loads (store_bulk_*) into
 * empty and non-empty stores compared byte for byte with store_obj_put();
 * format 3 limits (long primary keys, long index values) and the format
 * mark.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "harness.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/bulk.h"
#include "store/journal.h"
#include "store/queue.h"
#include "store/seen.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/** Take the string out of @b and release @b completely. */
static char *take(buf_t *b)
{
    char *s = buf_steal(b);
    buf_free(b);
    return s;
}

/** A new string "@a@b". */
static char *cat2(const char *a, const char *b)
{
    buf_t s;
    buf_init(&s);
    buf_puts(&s, a);
    buf_puts(&s, b);
    return take(&s);
}

/** Parse and classify @text; the test fails if that is not possible. */
static rpsl_obj_t *mkobj(const char *text)
{
    rpsl_obj_t *o = NULL;

    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
    return o;
}

/** The display text the store keeps for @text. */
static char *display(const char *text)
{
    rpsl_obj_t *o = mkobj(text);
    buf_t b;

    buf_init(&b);
    rpsl_print(o, &b, RPSL_PRINT_DISPLAY);
    rpsl_obj_free(o);
    return take(&b);
}

/** Open a fresh store in a new temporary directory. */
static store_t *open_fresh(size_t mapsize)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = cat2(harness_tmpdir(), "/db");
    int rc = mapsize ? store_open_size(dir, 0, mapsize, &st, &e)
                     : store_open(dir, 0, &st, &e);

    if (rc)
        fprintf(stderr, "store_open: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_FATAL(st != NULL);
    err_free(&e);
    free(dir);
    return st;
}

/** One write operation for ops_unit(). */
struct op {
    const char *text;   /* object to put, or NULL to delete */
    int cls;            /* class to delete */
    const char *pkey;   /* key to delete */
    time_t when;
};

/** A list of operations run as one unit. */
struct ops {
    const struct op *v;
    size_t n;
    int ret;            /* status the unit returns after its writes */
    int calls;          /* how often the unit ran */
    int status[16];     /* status of each operation (first 16) */
    uint64_t serial[16];
};

static int ops_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct ops *o = arg;

    o->calls++;
    for (size_t i = 0; i < o->n; i++) {
        const struct op *p = &o->v[i];
        uint64_t serial = 0;
        int rc;

        if (p->text != NULL) {
            rpsl_obj_t *obj = mkobj(p->text);
            rc = store_obj_put(t, obj, p->when, &serial, err);
            rpsl_obj_free(obj);
        } else {
            rc = store_obj_del(t, p->cls, p->pkey, p->when, &serial, err);
        }
        if (i < 16) {
            o->status[i] = rc;
            o->serial[i] = serial;
        }
        if (rc == ERR_TEMP || rc == ERR_STORE)
            return rc;
        err_free(err);
    }
    if (o->ret)
        return err_set(err, o->ret, "unit refused");
    return 0;
}

/** Run @n operations in one unit; @return store_write()'s status. */
static int run_ops(store_t *st, const struct op *v, size_t n, struct ops *out)
{
    struct ops o;
    err_t e = ERR_INIT;
    int rc;

    memset(&o, 0, sizeof o);
    o.v = v;
    o.n = n;
    rc = store_write(st, ops_unit, &o, &e);
    err_free(&e);
    if (out != NULL)
        *out = o;
    return rc;
}

/** Put one object in its own unit; @return the put's status. */
static int put1(store_t *st, const char *text, time_t when, uint64_t *serial)
{
    struct op op = { text, 0, NULL, when };
    struct ops o;
    int rc = run_ops(st, &op, 1, &o);

    CU_ASSERT(rc == 0);
    if (serial != NULL)
        *serial = o.serial[0];
    return o.status[0];
}

/** Delete one object in its own unit; @return the delete's status. */
static int del1(store_t *st, int cls, const char *pkey, time_t when)
{
    struct op op = { NULL, cls, pkey, when };
    struct ops o;
    int rc = run_ops(st, &op, 1, &o);

    CU_ASSERT(rc == 0);
    return o.status[0];
}

/** Results of a look-up: class and key of each hit, in order. */
struct hits {
    size_t n, cap;
    int *cls;
    char **pkey;
    char **text;
};

static int collect(int cls, const char *pkey, const char *text, size_t len,
                   void *arg)
{
    struct hits *h = arg;

    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->cls = xrealloc(h->cls, h->cap * sizeof *h->cls);
        h->pkey = xrealloc(h->pkey, h->cap * sizeof *h->pkey);
        h->text = xrealloc(h->text, h->cap * sizeof *h->text);
    }
    h->cls[h->n] = cls;
    h->pkey[h->n] = xstrdup(pkey);
    h->text[h->n] = xstrndup(text, len);
    h->n++;
    return 0;
}

static void hits_clear(struct hits *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->pkey[i]);
        free(h->text[i]);
    }
    free(h->cls);
    free(h->pkey);
    free(h->text);
    memset(h, 0, sizeof *h);
}

/** Number of objects with inverse key (@aid, @value). */
static size_t n_inverse(store_t *st, int aid, const char *value)
{
    store_txn_t *t = NULL;
    struct hits h;
    size_t n;

    memset(&h, 0, sizeof h);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_inverse(t, aid, value, collect, &h, NULL) == 0);
    store_read_end(t);
    n = h.n;
    hits_clear(&h);
    return n;
}

/** Number of objects with lookup key @value. */
static size_t n_lookup(store_t *st, const char *value, unsigned long mask)
{
    store_txn_t *t = NULL;
    struct hits h;
    size_t n;

    memset(&h, 0, sizeof h);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_lookup(t, value, mask, collect, &h, NULL) == 0);
    store_read_end(t);
    n = h.n;
    hits_clear(&h);
    return n;
}

/** Status of store_obj_get(cls, pkey), the text appended to @text. */
static int get1(store_t *st, int cls, const char *pkey, buf_t *text)
{
    store_txn_t *t = NULL;
    int rc;

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    rc = store_obj_get(t, cls, pkey, text, NULL);
    store_read_end(t);
    return rc;
}

static const char PERSON1[] =
    "person: John Smith\n"
    "address: Street 1\n"
    "phone: +31 20 1234567\n"
    "nic-hdl: JS1-TEST\n"
    "mnt-by: OLD-MNT\n"
    "source: TEST\n";

static const char PERSON2[] =
    "person: Jane Doe\n"
    "address: Street 2\n"
    "phone: +31 20 7654321\n"
    "nic-hdl: JS1-TEST\n"
    "mnt-by: NEW-MNT\n"
    "source: TEST\n";

static const char MNT1[] =
    "mntner: Test-Mnt\n"
    "descr: a maintainer\n"
    "admin-c: JS1-TEST\n"
    "mnt-by: Test-Mnt\n"
    "source: TEST\n";

static const char NET1[] =
    "inetnum: 192.0.2.0 - 192.0.2.255\n"
    "netname: EXAMPLE-NET\n"
    "admin-c: JS1-TEST\n"
    "mnt-by: OLD-MNT\n"
    "source: TEST\n";

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

static void test_put_get(void)
{
    store_t *st = open_fresh(0);
    char *want = display(MNT1);
    buf_t b;

    buf_init(&b);
    CU_ASSERT(put1(st, MNT1, 1000, NULL) == 0);
    CU_ASSERT(get1(st, SC_MNTNER, "TEST-MNT", &b) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, want);
    buf_reset(&b);
    CU_ASSERT(get1(st, SC_MNTNER, "test-mnt", &b) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, want);
    CU_ASSERT(get1(st, SC_MNTNER, "tEsT-MnT", NULL) == 0);
    /* Another class or key is not found. */
    CU_ASSERT(get1(st, SC_PERSON, "TEST-MNT", NULL) == ERR_NOTFOUND);
    CU_ASSERT(get1(st, SC_MNTNER, "TEST-MNT2", NULL) == ERR_NOTFOUND);
    CU_ASSERT(get1(st, SC_MNTNER, "TEST-MN", NULL) == ERR_NOTFOUND);
    CU_ASSERT(get1(st, SC_MNTNER, "", NULL) == ERR_NOTFOUND);

    /* store_obj_load gives back a classified object. */
    {
        store_txn_t *t = NULL;
        rpsl_obj_t *o = NULL;
        CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
        CU_ASSERT(store_obj_load(t, SC_MNTNER, "test-mnt", &o, NULL) == 0);
        CU_ASSERT_FATAL(o != NULL);
        CU_ASSERT(o->cls == SC_MNTNER);
        CU_ASSERT_STRING_EQUAL(rpsl_obj_get(o, "descr"), "a maintainer");
        rpsl_obj_free(o);
        o = NULL;
        CU_ASSERT(store_obj_load(t, SC_MNTNER, "nope", &o, NULL) ==
                  ERR_NOTFOUND);
        CU_ASSERT(o == NULL);
        CU_ASSERT(store_count(t, -1) == 1);
        CU_ASSERT(store_count(t, SC_MNTNER) == 1);
        CU_ASSERT(store_count(t, SC_PERSON) == 0);
        store_read_end(t);
    }
    /* The primary key is a lookup key; callbacks see it upper-case. */
    {
        store_txn_t *t = NULL;
        struct hits h;
        memset(&h, 0, sizeof h);
        CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
        CU_ASSERT(store_lookup(t, "test-mnt", 0, collect, &h, NULL) == 0);
        CU_ASSERT_FATAL(h.n == 1);
        CU_ASSERT(h.cls[0] == SC_MNTNER);
        CU_ASSERT_STRING_EQUAL(h.pkey[0], "TEST-MNT");
        CU_ASSERT_STRING_EQUAL(h.text[0], want);
        store_read_end(t);
        hits_clear(&h);
    }
    buf_free(&b);
    free(want);
    store_close(st);
}

static void test_modify_indexes(void)
{
    store_t *st = open_fresh(0);
    buf_t b;

    buf_init(&b);
    CU_ASSERT(put1(st, PERSON1, 1, NULL) == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "old-mnt") == 1);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "new-mnt") == 0);
    CU_ASSERT(n_lookup(st, "john smith", 0) == 1);
    CU_ASSERT(n_lookup(st, "jane doe", 0) == 0);

    CU_ASSERT(put1(st, PERSON2, 2, NULL) == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "OLD-MNT") == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "new-mnt") == 1);
    CU_ASSERT(n_lookup(st, "JOHN SMITH", 0) == 0);
    CU_ASSERT(n_lookup(st, "Jane Doe", 0) == 1);
    CU_ASSERT(n_lookup(st, "js1-test", 0) == 1);
    CU_ASSERT(get1(st, SC_PERSON, "js1-test", &b) == 0);
    CU_ASSERT(strstr(b.s, "Jane Doe") != NULL);
    CU_ASSERT(strstr(b.s, "John Smith") == NULL);

    /* Putting the same version again keeps one set of entries. */
    CU_ASSERT(put1(st, PERSON2, 3, NULL) == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "new-mnt") == 1);
    {
        store_txn_t *t = NULL;
        CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
        CU_ASSERT(store_count(t, -1) == 1);
        store_read_end(t);
    }
    buf_free(&b);
    store_close(st);
}

static void test_delete(void)
{
    store_t *st = open_fresh(0);
    store_txn_t *t = NULL;
    struct hits h;
    ip_range_t r;

    memset(&h, 0, sizeof h);
    CU_ASSERT_FATAL(ip_parse_v4_range("192.0.2.0 - 192.0.2.255", 23, &r) == 0);
    CU_ASSERT(put1(st, PERSON1, 1, NULL) == 0);
    CU_ASSERT(put1(st, NET1, 2, NULL) == 0);
    CU_ASSERT(n_inverse(st, SA_ADMIN_C, "js1-test") == 1);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "old-mnt") == 2);
    CU_ASSERT(n_lookup(st, "example-net", 0) == 1);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_addr(t, SC_INETNUM, &r, STORE_EXACT, collect, &h,
                         NULL) == 0);
    CU_ASSERT(h.n == 1);
    store_read_end(t);
    hits_clear(&h);

    CU_ASSERT(del1(st, SC_INETNUM, "192.0.2.0 - 192.0.2.255", 3) == 0);
    CU_ASSERT(get1(st, SC_INETNUM, "192.0.2.0 - 192.0.2.255", NULL) ==
              ERR_NOTFOUND);
    CU_ASSERT(n_inverse(st, SA_ADMIN_C, "js1-test") == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "old-mnt") == 1);
    CU_ASSERT(n_lookup(st, "example-net", 0) == 0);
    CU_ASSERT(n_lookup(st, "192.0.2.0 - 192.0.2.255", 0) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_addr(t, SC_INETNUM, &r, STORE_EXACT, collect, &h,
                         NULL) == 0);
    CU_ASSERT(store_addr(t, SC_INETNUM, &r, STORE_LESS_ALL, collect, &h,
                         NULL) == 0);
    CU_ASSERT(h.n == 0);
    CU_ASSERT(store_count(t, -1) == 1);
    CU_ASSERT(store_count(t, SC_INETNUM) == 0);
    store_read_end(t);
    hits_clear(&h);

    /* Deleting again, or something never there, is ERR_NOTFOUND. */
    CU_ASSERT(del1(st, SC_INETNUM, "192.0.2.0 - 192.0.2.255", 4) ==
              ERR_NOTFOUND);
    CU_ASSERT(del1(st, SC_PERSON, "XX1-TEST", 4) == ERR_NOTFOUND);
    CU_ASSERT(del1(st, SC_PERSON, "js1-test", 5) == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "old-mnt") == 0);
    CU_ASSERT(n_lookup(st, "john smith", 0) == 0);
    store_close(st);
}

static void test_bad_objects(void)
{
    store_t *st = open_fresh(0);
    store_txn_t *t = NULL;
    uint64_t first = 9, last = 9;

    CU_ASSERT(put1(st, "inetnum: not-an-address\nnetname: X\n", 1, NULL) ==
              ERR_SYNTAX);
    CU_ASSERT(put1(st, "route: 10.0.0.0/8\nsource: TEST\n", 1, NULL) ==
              ERR_SYNTAX);
    CU_ASSERT(put1(st, "person: No Handle\nsource: TEST\n", 1, NULL) ==
              ERR_SYNTAX);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_count(t, -1) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 0 && last == 0);
    CU_ASSERT(n_lookup(st, "no handle", 0) == 0);
    {
        /* Look-ups that make no sense are usage errors. */
        ip_range_t r;
        CU_ASSERT_FATAL(ip_parse_v4_range("10.0.0.0/8", 10, &r) == 0);
        CU_ASSERT(store_addr(t, SC_PERSON, &r, STORE_EXACT, collect, NULL,
                             NULL) == ERR_USAGE);
    }
    store_read_end(t);
    store_close(st);
}

static void test_lookup_each_count(void)
{
    static const char *texts[] = {
        "mntner: DUAL-TEST\nsource: TEST\n",
        "role: Some Role\nnic-hdl: DUAL-TEST\nsource: TEST\n",
        "mntner: B-MNT\nsource: TEST\n",
        "mntner: A-MNT\nsource: TEST\n",
        "person: PO1-Test\nnic-hdl: PO1-TEST\nsource: TEST\n",
    };
    struct op ops[5];
    store_txn_t *t = NULL;
    struct hits h;

    store_t *st = open_fresh(0);
    for (size_t i = 0; i < 5; i++) {
        ops[i].text = texts[i];
        ops[i].when = (time_t)i;
    }
    CU_ASSERT(run_ops(st, ops, 5, NULL) == 0);
    CU_ASSERT(n_lookup(st, "dual-test", 0) == 2);
    CU_ASSERT(n_lookup(st, "dual-test", 1UL << SC_ROLE) == 1);
    CU_ASSERT(n_lookup(st, "dual-test", 1UL << SC_PERSON) == 0);
    CU_ASSERT(n_lookup(st, "some role", 0) == 1);
    /* Found by its primary key and by its name: reported once. */
    CU_ASSERT(n_lookup(st, "po1-test", 0) == 1);
    CU_ASSERT(n_lookup(st, "po1-test", 1UL << SC_MNTNER) == 0);
    CU_ASSERT(n_lookup(st, "nothing", 0) == 0);

    memset(&h, 0, sizeof h);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_each(t, SC_MNTNER, collect, &h, NULL) == 0);
    CU_ASSERT_FATAL(h.n == 3);
    CU_ASSERT_STRING_EQUAL(h.pkey[0], "A-MNT");
    CU_ASSERT_STRING_EQUAL(h.pkey[1], "B-MNT");
    CU_ASSERT_STRING_EQUAL(h.pkey[2], "DUAL-TEST");
    for (size_t i = 0; i < h.n; i++)
        CU_ASSERT(h.cls[i] == SC_MNTNER);
    hits_clear(&h);
    CU_ASSERT(store_each(t, -1, collect, &h, NULL) == 0);
    CU_ASSERT(h.n == 5);
    hits_clear(&h);
    CU_ASSERT(store_count(t, -1) == 5);
    CU_ASSERT(store_count(t, SC_MNTNER) == 3);
    CU_ASSERT(store_count(t, SC_ROLE) == 1);
    CU_ASSERT(store_count(t, SC_PERSON) == 1);
    CU_ASSERT(store_count(t, SC_INETNUM) == 0);
    store_read_end(t);
    store_close(st);
}

/* A callback that makes nested store calls in the same transaction. */
struct nest {
    store_txn_t *t;
    size_t outer, inner;
    int bad;
};

static int nest_inner(int cls, const char *pkey, const char *text,
                      size_t len, void *arg)
{
    struct nest *n = arg;
    (void)cls;
    (void)pkey;
    (void)text;
    (void)len;
    n->inner++;
    return 0;
}

static int nest_outer(int cls, const char *pkey, const char *text,
                      size_t len, void *arg)
{
    struct nest *n = arg;
    (void)text;
    (void)len;
    n->outer++;
    if (store_obj_get(n->t, cls, pkey, NULL, NULL) != 0)
        n->bad++;
    if (store_each(n->t, -1, nest_inner, n, NULL) != 0)
        n->bad++;
    if (store_lookup(n->t, pkey, 0, nest_inner, n, NULL) != 0)
        n->bad++;
    return 0;
}

static void test_nested_calls(void)
{
    store_t *st = open_fresh(0);
    struct nest n;

    memset(&n, 0, sizeof n);
    CU_ASSERT(put1(st, PERSON1, 1, NULL) == 0);
    CU_ASSERT(put1(st, MNT1, 1, NULL) == 0);
    CU_ASSERT(put1(st, NET1, 1, NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &n.t, NULL) == 0);
    CU_ASSERT(store_each(n.t, -1, nest_outer, &n, NULL) == 0);
    store_read_end(n.t);
    CU_ASSERT(n.bad == 0);
    CU_ASSERT(n.outer == 3);
    /* 3 x (3 objects + 1 lookup hit of the own key) */
    CU_ASSERT(n.inner == 12);
    store_close(st);
}

/* ------------------------------------------------------------------ */
/* Journal and history                                                 */
/* ------------------------------------------------------------------ */

static const char JA[] = "mntner: A-MNT\ndescr: first\nsource: TEST\n";
static const char JB[] = "mntner: B-MNT\ndescr: bee\nsource: TEST\n";
static const char JA2[] = "mntner: a-mnt\ndescr: second\nsource: TEST\n";

static void test_journal(void)
{
    store_t *st = open_fresh(0);
    const char *texts[4] = { JA, JB, JA2, JB };
    const struct op ops[4] = {
        { JA, 0, NULL, 100 }, { JB, 0, NULL, 200 }, { JA2, 0, NULL, 300 },
        { NULL, SC_MNTNER, "b-mnt", 400 }
    };
    const char *keys[4] = { "A-MNT", "B-MNT", "A-MNT", "B-MNT" };
    store_txn_t *t = NULL;
    store_journal_t je;
    uint64_t first, last, s = 0;
    struct ops o;

    /* Two units: serials continue across transactions. */
    CU_ASSERT(run_ops(st, ops, 2, &o) == 0);
    CU_ASSERT(o.serial[0] == 1 && o.serial[1] == 2);
    CU_ASSERT(run_ops(st, ops + 2, 2, &o) == 0);
    CU_ASSERT(o.status[0] == 0 && o.status[1] == 0);
    CU_ASSERT(o.serial[0] == 3 && o.serial[1] == 4);

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 1);
    CU_ASSERT(last == 4);
    for (uint64_t i = 1; i <= 4; i++) {
        char *want = display(texts[i - 1]);
        memset(&je, 0, sizeof je);
        CU_ASSERT_FATAL(store_journal_get(t, i, &je, NULL) == 0);
        CU_ASSERT(je.serial == i);
        CU_ASSERT(je.op == (i == 4 ? STORE_OP_DEL : STORE_OP_ADD));
        CU_ASSERT(je.when == (time_t)(100 * i));
        CU_ASSERT(je.cls == SC_MNTNER);
        CU_ASSERT_STRING_EQUAL(je.pkey, keys[i - 1]);
        CU_ASSERT(je.len == strlen(want));
        CU_ASSERT(memcmp(je.text, want, je.len) == 0);
        free(want);
    }
    CU_ASSERT(store_journal_get(t, 0, &je, NULL) == ERR_NOTFOUND);
    CU_ASSERT(store_journal_get(t, 5, &je, NULL) == ERR_NOTFOUND);
    store_read_end(t);

    /* A failed delete writes no journal entry; the next one is 5. */
    CU_ASSERT(del1(st, SC_MNTNER, "b-mnt", 500) == ERR_NOTFOUND);
    CU_ASSERT(put1(st, JB, 600, &s) == 0);
    CU_ASSERT(s == 5);
    store_close(st);
}

/* history collector */
struct hist {
    size_t n;
    uint64_t serial[8];
    int op[8];
    char *text[8];
};

static int hist_cb(const store_journal_t *je, void *arg)
{
    struct hist *h = arg;

    if (h->n < 8) {
        h->serial[h->n] = je->serial;
        h->op[h->n] = je->op;
        h->text[h->n] = xstrndup(je->text, je->len);
    }
    h->n++;
    return 0;
}

static void hist_clear(struct hist *h)
{
    for (size_t i = 0; i < h->n && i < 8; i++)
        free(h->text[i]);
    memset(h, 0, sizeof *h);
}

static void test_history(void)
{
    store_t *st = open_fresh(0);
    char *wa = display(JA), *wa2 = display(JA2);
    store_txn_t *t = NULL;
    struct hist h;

    memset(&h, 0, sizeof h);
    CU_ASSERT(put1(st, JA, 1, NULL) == 0);      /* serial 1 */
    CU_ASSERT(put1(st, JB, 2, NULL) == 0);      /* serial 2, other object */
    CU_ASSERT(put1(st, JA2, 3, NULL) == 0);     /* serial 3 */
    CU_ASSERT(del1(st, SC_MNTNER, "A-mnt", 4) == 0); /* serial 4 */

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_history(t, SC_MNTNER, "a-mnt", hist_cb, &h, NULL) == 0);
    CU_ASSERT_FATAL(h.n == 3);
    CU_ASSERT(h.serial[0] == 1 && h.serial[1] == 3 && h.serial[2] == 4);
    CU_ASSERT(h.op[0] == STORE_OP_ADD && h.op[1] == STORE_OP_ADD &&
              h.op[2] == STORE_OP_DEL);
    CU_ASSERT_STRING_EQUAL(h.text[0], wa);
    CU_ASSERT_STRING_EQUAL(h.text[1], wa2);
    CU_ASSERT_STRING_EQUAL(h.text[2], wa2);
    hist_clear(&h);
    CU_ASSERT(store_history(t, SC_MNTNER, "B-MNT", hist_cb, &h, NULL) == 0);
    CU_ASSERT(h.n == 1 && h.serial[0] == 2);
    hist_clear(&h);
    CU_ASSERT(store_history(t, SC_MNTNER, "C-MNT", hist_cb, &h, NULL) ==
              ERR_NOTFOUND);
    CU_ASSERT(store_history(t, SC_PERSON, "A-MNT", hist_cb, &h, NULL) ==
              ERR_NOTFOUND);
    CU_ASSERT(h.n == 0);
    store_read_end(t);

    /* Re-created: the history goes on. */
    CU_ASSERT(put1(st, JA, 5, NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_history(t, SC_MNTNER, "A-MNT", hist_cb, &h, NULL) == 0);
    CU_ASSERT(h.n == 4 && h.serial[3] == 5 && h.op[3] == STORE_OP_ADD);
    hist_clear(&h);
    store_read_end(t);
    free(wa);
    free(wa2);
    store_close(st);
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */
/* ------------------------------------------------------------------ */

/* A unit that writes many objects. */
struct many {
    size_t from, n;
    int calls;
};

static int many_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct many *m = arg;
    buf_t b;
    int rc = 0;

    m->calls++;
    buf_init(&b);
    for (size_t i = m->from; i < m->from + m->n && rc == 0; i++) {
        rpsl_obj_t *o;
        buf_reset(&b);
        buf_printf(&b, "person: Person Number %zu\naddress: Street %zu\n"
                   "phone: +1 555 %zu\nnic-hdl: PN%zu-TEST\n"
                   "mnt-by: MNT-%zu\nremarks: %0200zu\nsource: TEST\n",
                   i, i, i, i, i % 7, i);
        o = mkobj(b.s);
        rc = store_obj_put(t, o, (time_t)i, NULL, err);
        rpsl_obj_free(o);
    }
    buf_free(&b);
    return rc;
}

static void test_map_growth(void)
{
    store_t *st = open_fresh(64 * 1024);
    struct many m = { 0, 3000, 0 };
    store_txn_t *t = NULL;
    err_t e = ERR_INIT;
    uint64_t first, last;
    buf_t b;

    buf_init(&b);
    /* One unit much larger than the map: it must be rerun after growth. */
    CU_ASSERT(store_write(st, many_unit, &m, &e) == 0);
    CU_ASSERT(m.calls > 1);
    /* More units, each growing the map again. */
    for (size_t i = 0; i < 3; i++) {
        struct many m2 = { 3000 + 1000 * i, 1000, 0 };
        CU_ASSERT(store_write(st, many_unit, &m2, &e) == 0);
    }
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_count(t, -1) == 6000);
    CU_ASSERT(store_count(t, SC_PERSON) == 6000);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 1 && last == 6000);
    CU_ASSERT(store_obj_get(t, SC_PERSON, "pn0-test", &b, NULL) == 0);
    CU_ASSERT(strstr(b.s, "Person Number 0\n") != NULL);
    CU_ASSERT(store_obj_get(t, SC_PERSON, "pn5999-test", NULL, NULL) == 0);
    store_read_end(t);
    {
        size_t want = 0;
        for (size_t i = 0; i < 6000; i++)
            want += i % 7 == 3;
        CU_ASSERT(n_inverse(st, SA_MNT_BY, "mnt-3") == want);
    }
    CU_ASSERT(n_lookup(st, "person number 4321", 0) == 1);
    buf_free(&b);
    err_free(&e);
    store_close(st);
}

static void test_unit_error(void)
{
    store_t *st = open_fresh(0);
    const struct op ops[3] = {
        { PERSON1, 0, NULL, 1 }, { MNT1, 0, NULL, 2 }, { NET1, 0, NULL, 3 }
    };
    store_txn_t *t = NULL;
    uint64_t first = 7, last = 7;
    struct ops o;
    uint64_t s = 0;

    memset(&o, 0, sizeof o);
    o.v = ops;
    o.n = 3;
    o.ret = ERR_LIMIT;
    {
        err_t e = ERR_INIT;
        CU_ASSERT(store_write(st, ops_unit, &o, &e) == ERR_LIMIT);
        CU_ASSERT(e.code == ERR_LIMIT);
        err_free(&e);
    }
    CU_ASSERT(o.calls == 1);
    CU_ASSERT(o.status[0] == 0 && o.status[1] == 0 && o.status[2] == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_count(t, -1) == 0);
    CU_ASSERT(store_obj_get(t, SC_PERSON, "JS1-TEST", NULL, NULL) ==
              ERR_NOTFOUND);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 0 && last == 0);
    store_read_end(t);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, "old-mnt") == 0);
    CU_ASSERT(n_lookup(st, "example-net", 0) == 0);
    /* The journal starts at 1 after the rolled-back unit. */
    CU_ASSERT(put1(st, MNT1, 5, &s) == 0);
    CU_ASSERT(s == 1);
    store_close(st);
}

/* A unit checking what the open snapshot sees while it writes. */
struct snap {
    store_txn_t *reader;
    int seen_in_reader;
};

static int snap_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct snap *s = arg;
    rpsl_obj_t *o = mkobj(PERSON2);
    int rc = store_obj_put(t, o, 2, NULL, err);

    rpsl_obj_free(o);
    if (rc == 0) {
        o = mkobj(MNT1);
        rc = store_obj_put(t, o, 2, NULL, err);
        rpsl_obj_free(o);
    }
    /* Written but not committed: the reader must not see it. */
    if (store_obj_get(s->reader, SC_MNTNER, "TEST-MNT", NULL, NULL) == 0)
        s->seen_in_reader = 1;
    return rc;
}

static void test_snapshot(void)
{
    store_t *st = open_fresh(0);
    store_txn_t *r1 = NULL, *r2 = NULL;
    struct snap s = { NULL, 0 };
    buf_t b;

    buf_init(&b);
    CU_ASSERT(put1(st, PERSON1, 1, NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &r1, NULL) == 0);
    s.reader = r1;
    CU_ASSERT(store_write(st, snap_unit, &s, NULL) == 0);
    CU_ASSERT(s.seen_in_reader == 0);
    /* The old snapshot still sees the old state after the commit. */
    CU_ASSERT(store_obj_get(r1, SC_MNTNER, "TEST-MNT", NULL, NULL) ==
              ERR_NOTFOUND);
    CU_ASSERT(store_obj_get(r1, SC_PERSON, "JS1-TEST", &b, NULL) == 0);
    CU_ASSERT(strstr(b.s, "John Smith") != NULL);
    CU_ASSERT(store_count(r1, -1) == 1);
    /* A second, newer snapshot at the same time sees the new state. */
    CU_ASSERT_FATAL(store_read_begin(st, &r2, NULL) == 0);
    CU_ASSERT(store_obj_get(r2, SC_MNTNER, "TEST-MNT", NULL, NULL) == 0);
    buf_reset(&b);
    CU_ASSERT(store_obj_get(r2, SC_PERSON, "JS1-TEST", &b, NULL) == 0);
    CU_ASSERT(strstr(b.s, "Jane Doe") != NULL);
    CU_ASSERT(store_count(r2, -1) == 2);
    store_read_end(r1);
    store_read_end(r2);
    buf_free(&b);
    store_close(st);
}

/* meta unit */
static int meta_unit(store_txn_t *t, void *arg, err_t *err)
{
    const char *v = arg;
    return store_meta_put(t, "nic-hdl.counter", v, strlen(v), err);
}

static void test_meta(void)
{
    store_t *st = open_fresh(0);
    store_txn_t *t = NULL;
    buf_t b;

    buf_init(&b);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_meta_get(t, "nic-hdl.counter", &b, NULL) == ERR_NOTFOUND);
    CU_ASSERT(store_meta_put(t, "x", "1", 1, NULL) == ERR_USAGE);
    store_read_end(t);
    CU_ASSERT(store_write(st, meta_unit, "41", NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_meta_get(t, "nic-hdl.counter", &b, NULL) == 0);
    CU_ASSERT(b.len == 2 && memcmp(b.s, "41", 2) == 0);
    store_read_end(t);
    CU_ASSERT(store_write(st, meta_unit, "1234567", NULL) == 0);
    buf_reset(&b);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_meta_get(t, "nic-hdl.counter", &b, NULL) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, "1234567");
    CU_ASSERT(store_meta_get(t, "other", &b, NULL) == ERR_NOTFOUND);
    store_read_end(t);
    buf_free(&b);
    store_close(st);
}

static void test_reopen(void)
{
    const char *base = harness_tmpdir();
    char *dir = cat2(base, "/db");
    char *missing = cat2(base, "/none");
    store_t *st = NULL;
    err_t e = ERR_INIT;
    buf_t b;

    buf_init(&b);
    CU_ASSERT(store_open(missing, STORE_RDONLY, &st, &e) == ERR_IO);
    CU_ASSERT(st == NULL);
    CU_ASSERT_FATAL(store_open(dir, STORE_BULK, &st, &e) == 0);
    CU_ASSERT(put1(st, MNT1, 1, NULL) == 0);
    CU_ASSERT(store_sync(st, &e) == 0);
    store_close(st);
    st = NULL;
    CU_ASSERT_FATAL(store_open(dir, STORE_RDONLY, &st, &e) == 0);
    CU_ASSERT(get1(st, SC_MNTNER, "test-mnt", &b) == 0);
    CU_ASSERT(strstr(b.s, "a maintainer") != NULL);
    CU_ASSERT(store_write(st, meta_unit, "1", &e) == ERR_USAGE);
    store_close(st);
    st = NULL;
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT(put1(st, JA, 2, NULL) == 0);
    CU_ASSERT(get1(st, SC_MNTNER, "a-mnt", NULL) == 0);
    store_close(st);
    buf_free(&b);
    err_free(&e);
    free(dir);
    free(missing);
}

/* ------------------------------------------------------------------ */
/* Address index against brute force                                   */
/* ------------------------------------------------------------------ */

/** One object of the reference set. */
struct ref {
    int cls;
    ip_range_t r;
    char *pkey;     /* upper case, as the store reports it */
};

/** Reference set. */
struct refs {
    struct ref *v;
    size_t n, cap;
};

/** xorshift64* */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static int acmp(const ip_range_t *r, const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, ip_addr_len(r->af));
}

/** Set bits [len, 8n) of @a to @one. */
static void fill_host(uint8_t *a, unsigned len, size_t n, int one)
{
    for (unsigned bit = len; bit < 8 * n; bit++) {
        if (one)
            a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        else
            a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
    }
}

/** A random prefix of family @af under the test's dense areas. */
static void rand_prefix(uint64_t *s, int af, ip_range_t *r)
{
    size_t n = af == 4 ? 4 : 16;
    unsigned len;

    memset(r, 0, sizeof *r);
    r->af = af;
    if (af == 4) {
        uint32_t a = 0x0a000000u | (uint32_t)(rnd(s) & 0xffff);
        r->lo[0] = (uint8_t)(a >> 24);
        r->lo[1] = (uint8_t)(a >> 16);
        r->lo[2] = (uint8_t)(a >> 8);
        r->lo[3] = (uint8_t)a;
        len = 16 + (unsigned)(rnd(s) % 17);
    } else {
        uint64_t x = rnd(s);
        r->lo[0] = 0x20; r->lo[1] = 0x01; r->lo[2] = 0x0d; r->lo[3] = 0xb8;
        r->lo[4] = (uint8_t)(x >> 8);
        r->lo[5] = (uint8_t)x;
        r->lo[6] = (uint8_t)(x >> 16);
        for (size_t i = 7; i < 16; i++)
            r->lo[i] = (uint8_t)(rnd(s) >> 20);
        len = 32 + (unsigned)(rnd(s) % 25);
        if (rnd(s) % 10 == 0)
            len = 100 + (unsigned)(rnd(s) % 29);
    }
    memcpy(r->hi, r->lo, n);
    fill_host(r->lo, len, n, 0);
    fill_host(r->hi, len, n, 1);
}

/** A random IPv4 range: arbitrary, or crossing a random prefix's end. */
static void rand_range4(uint64_t *s, ip_range_t *r)
{
    uint32_t lo, hi;

    if (rnd(s) % 2) {
        lo = 0x0a000000u | (uint32_t)(rnd(s) & 0xffff);
        hi = lo + (uint32_t)(rnd(s) % 3000);
    } else {
        /* Straddle the end of a random prefix: partial overlaps. */
        ip_range_t p;
        uint32_t end;
        rand_prefix(s, 4, &p);
        end = (uint32_t)p.hi[0] << 24 | (uint32_t)p.hi[1] << 16 |
              (uint32_t)p.hi[2] << 8 | p.hi[3];
        lo = end - (uint32_t)(rnd(s) % 300);
        hi = end + 1 + (uint32_t)(rnd(s) % 300);
    }
    if (hi > 0x0affffffu)
        hi = 0x0affffffu;
    if (lo < 0x0a000000u)
        lo = 0x0a000000u;
    if (lo > hi)
        lo = hi;
    memset(r, 0, sizeof *r);
    r->af = 4;
    for (int i = 0; i < 4; i++) {
        r->lo[i] = (uint8_t)(lo >> (24 - 8 * i));
        r->hi[i] = (uint8_t)(hi >> (24 - 8 * i));
    }
}

/** Make the object text for class @cls, range @r, origin @asn. */
static char *obj_text(int cls, const ip_range_t *r, unsigned asn)
{
    buf_t b;

    buf_init(&b);
    buf_printf(&b, "%s: ", schema_class_name(cls));
    if (cls == SC_INETNUM)
        ip_format_range(r, &b);
    else
        ip_format_prefix(r, &b);
    buf_puts(&b, "\n");
    if (cls == SC_ROUTE || cls == SC_ROUTE6)
        buf_printf(&b, "origin: AS%u\n", asn);
    else
        buf_puts(&b, "netname: NET\n");
    buf_puts(&b, "source: TEST\n");
    return take(&b);
}

/** Add the object @text to the reference set (once) and return it. */
static void ref_add(struct refs *R, const char *text)
{
    rpsl_obj_t *o = mkobj(text);
    struct ref x;
    buf_t b;

    buf_init(&b);
    CU_ASSERT_FATAL(schema_pkey(o, &b) == 0);
    for (size_t i = 0; i < b.len; i++)
        if (b.s[i] >= 'a' && b.s[i] <= 'z')
            b.s[i] = (char)(b.s[i] - 'a' + 'A');
    x.cls = o->cls;
    CU_ASSERT_FATAL(schema_obj_range(o, &x.r) == 0);
    x.pkey = take(&b);
    rpsl_obj_free(o);
    for (size_t i = 0; i < R->n; i++) {
        if (R->v[i].cls == x.cls && strcmp(R->v[i].pkey, x.pkey) == 0) {
            free(x.pkey);
            return;
        }
    }
    if (R->n == R->cap) {
        R->cap = R->cap ? 2 * R->cap : 256;
        R->v = xrealloc(R->v, R->cap * sizeof *R->v);
    }
    R->v[R->n++] = x;
}

/* A unit putting a list of texts. */
struct textlist {
    char **v;
    size_t from, n;
};

static int texts_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct textlist *l = arg;

    for (size_t i = l->from; i < l->from + l->n; i++) {
        rpsl_obj_t *o = mkobj(l->v[i]);
        int rc = store_obj_put(t, o, 1, NULL, err);
        rpsl_obj_free(o);
        if (rc)
            return rc;
    }
    return 0;
}

/** hi - lo, 16 bytes. */
static void rsize(const ip_range_t *r, uint8_t out[16])
{
    int borrow = 0;
    for (int i = 15; i >= 0; i--) {
        int d = (int)r->hi[i] - (int)r->lo[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* Sorting of expected results. */
static int exp_by_size(const void *pa, const void *pb)
{
    const struct ref *a = *(const struct ref *const *)pa;
    const struct ref *b = *(const struct ref *const *)pb;
    uint8_t sa[16], sb[16];
    int c;

    rsize(&a->r, sa);
    rsize(&b->r, sb);
    c = memcmp(sb, sa, 16);
    if (c == 0)
        c = memcmp(a->r.lo, b->r.lo, 16);
    if (c == 0)
        c = strcmp(a->pkey, b->pkey);
    return c;
}

static int exp_by_start(const void *pa, const void *pb)
{
    const struct ref *a = *(const struct ref *const *)pa;
    const struct ref *b = *(const struct ref *const *)pb;
    int c = memcmp(a->r.lo, b->r.lo, 16);

    if (c == 0)
        c = memcmp(b->r.hi, a->r.hi, 16);
    if (c == 0)
        c = strcmp(a->pkey, b->pkey);
    return c;
}

/** 1 if @o contains @i. */
static int contains(const ip_range_t *o, const ip_range_t *i)
{
    return acmp(o, o->lo, i->lo) <= 0 && acmp(o, o->hi, i->hi) >= 0;
}

static int req(const ip_range_t *a, const ip_range_t *b)
{
    return acmp(a, a->lo, b->lo) == 0 && acmp(a, a->hi, b->hi) == 0;
}

/**
 * The brute-force answer to (@cls, @q, @rel) over @R.
 * @param out  receives pointers into R (caller frees the array)
 * @return the number of results.
 */
static size_t brute(const struct refs *R, int cls, const ip_range_t *q,
                    enum store_rel rel, const struct ref ***out)
{
    const struct ref **v = xcalloc(R->n + 1, sizeof *v);
    size_t n = 0, k;

    if (rel == STORE_BEST) {
        n = brute(R, cls, q, STORE_EXACT, out);
        if (n > 0) {
            free(v);
            return n;
        }
        free((void *)*out);
        rel = STORE_LESS_ONE;
    }
    for (size_t i = 0; i < R->n; i++) {
        const struct ref *x = &R->v[i];
        if (x->cls != cls || x->r.af != q->af)
            continue;
        switch (rel) {
        case STORE_EXACT:
            if (req(&x->r, q))
                v[n++] = x;
            break;
        case STORE_LESS_ALL:
            if (contains(&x->r, q))
                v[n++] = x;
            break;
        case STORE_LESS_ONE:
            if (contains(&x->r, q) && !req(&x->r, q))
                v[n++] = x;
            break;
        case STORE_MORE_ALL:
        case STORE_MORE_ONE:
            if (contains(q, &x->r) && !req(&x->r, q))
                v[n++] = x;
            break;
        default:
            break;
        }
    }
    if (rel == STORE_MORE_ONE) {
        /* Keep the ranges not strictly inside another candidate. */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            int inside = 0;
            for (size_t j = 0; j < n && !inside; j++)
                if (contains(&v[j]->r, &v[i]->r) && !req(&v[j]->r, &v[i]->r))
                    inside = 1;
            if (!inside)
                v[m++] = v[i];
        }
        n = m;
    }
    if (rel == STORE_LESS_ALL || rel == STORE_LESS_ONE)
        qsort(v, n, sizeof *v, exp_by_size);
    else
        qsort(v, n, sizeof *v, exp_by_start);
    if (rel == STORE_LESS_ONE && n > 0) {
        /* The smallest (then the last-starting) range, all its objects. */
        k = n - 1;
        while (k > 0 && req(&v[k - 1]->r, &v[n - 1]->r))
            k--;
        memmove(v, v + k, (n - k) * sizeof *v);
        n -= k;
    }
    *out = v;
    return n;
}

static const char *rel_name(enum store_rel rel)
{
    static const char *names[] = { "EXACT", "LESS_ONE", "LESS_ALL",
                                   "MORE_ONE", "MORE_ALL", "BEST" };
    return names[rel];
}

/**
 * Run every relation for query @q in class @cls and compare with the
 * brute force.  @return the number of mismatching relations.
 */
static int check_query(store_txn_t *t, const struct refs *R, int cls,
                       const ip_range_t *q, size_t *nres)
{
    int bad = 0;

    for (int rel = STORE_EXACT; rel <= STORE_BEST; rel++) {
        const struct ref **want = NULL;
        size_t nw = brute(R, cls, q, (enum store_rel)rel, &want);
        struct hits h;
        int ok;

        memset(&h, 0, sizeof h);
        CU_ASSERT(store_addr(t, cls, q, (enum store_rel)rel, collect, &h,
                             NULL) == 0);
        ok = h.n == nw;
        for (size_t i = 0; ok && i < nw; i++)
            ok = h.cls[i] == cls && strcmp(h.pkey[i], want[i]->pkey) == 0;
        if (!ok) {
            buf_t b;
            buf_init(&b);
            ip_format_range(q, &b);
            fprintf(stderr, "\n%s %s %s: got %zu, want %zu\n",
                    schema_class_name(cls), rel_name((enum store_rel)rel),
                    b.s, h.n, nw);
            for (size_t i = 0; i < h.n && i < 10; i++)
                fprintf(stderr, "  got  %s\n", h.pkey[i]);
            for (size_t i = 0; i < nw && i < 10; i++)
                fprintf(stderr, "  want %s\n", want[i]->pkey);
            buf_free(&b);
            bad++;
        }
        *nres += nw;
        hits_clear(&h);
        free((void *)want);
    }
    return bad;
}

static void test_addr_random(void)
{
    store_t *st = open_fresh(0);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    struct refs R = { NULL, 0, 0 };
    char **texts = NULL;
    size_t ntexts = 0, cap = 0, nres = 0;
    store_txn_t *t = NULL;
    ip_range_t r;
    int bad = 0;

#define ADD_TEXT(s) do { \
        if (ntexts == cap) { \
            cap = cap ? 2 * cap : 1024; \
            texts = xrealloc(texts, cap * sizeof *texts); \
        } \
        texts[ntexts++] = (s); \
    } while (0)

    /* IPv4 inetnums: nested prefixes, arbitrary and crossing ranges. */
    for (int i = 0; i < 3000; i++) {
        if (rnd(&seed) % 2)
            rand_prefix(&seed, 4, &r);
        else
            rand_range4(&seed, &r);
        ADD_TEXT(obj_text(SC_INETNUM, &r, 0));
    }
    /* Edges: the whole space, the first and last blocks. */
    {
        static const char *edges[] = { "0.0.0.0 - 255.255.255.255",
            "255.255.255.0 - 255.255.255.255", "255.255.255.255 - 255.255.255.255",
            "0.0.0.0 - 0.0.0.255", "10.0.0.0 - 10.0.255.255",
            "9.255.255.0 - 10.0.0.255" };
        for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        {
            char *a = cat2("inetnum: ", edges[i]);
            ADD_TEXT(cat2(a, "\nnetname: EDGE\nsource: TEST\n"));
            free(a);
        }
    }
    /* IPv4 routes with several origins per prefix. */
    for (int i = 0; i < 700; i++) {
        unsigned norig = 1 + (unsigned)(rnd(&seed) % 3);
        rand_prefix(&seed, 4, &r);
        if (r.hi[3] == r.lo[3] && r.lo[2] == r.hi[2])
            continue;
        for (unsigned j = 0; j < norig; j++)
            ADD_TEXT(obj_text(SC_ROUTE, &r, 64500 + (unsigned)(rnd(&seed) % 6)));
    }
    ADD_TEXT(xstrdup("route: 0.0.0.0/0\norigin: AS1\nsource: TEST\n"));
    ADD_TEXT(xstrdup("route: 0.0.0.0/0\norigin: AS2\nsource: TEST\n"));
    /* IPv6 inet6nums and routes. */
    for (int i = 0; i < 800; i++) {
        rand_prefix(&seed, 6, &r);
        ADD_TEXT(obj_text(SC_INET6NUM, &r, 0));
    }
    ADD_TEXT(xstrdup("inet6num: ::/0\nnetname: ALL\nsource: TEST\n"));
    ADD_TEXT(xstrdup("inet6num: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n"
                     "netname: LAST\nsource: TEST\n"));
    ADD_TEXT(xstrdup("inet6num: 2001:db8::/32\nnetname: DOC\nsource: TEST\n"));
    for (int i = 0; i < 300; i++) {
        unsigned norig = 1 + (unsigned)(rnd(&seed) % 3);
        rand_prefix(&seed, 6, &r);
        for (unsigned j = 0; j < norig; j++)
            ADD_TEXT(obj_text(SC_ROUTE6, &r, 64500 + (unsigned)(rnd(&seed) % 6)));
    }
#undef ADD_TEXT

    for (size_t i = 0; i < ntexts; i++)
        ref_add(&R, texts[i]);
    /* Load in units of 1000 (duplicates replace their first version). */
    for (size_t i = 0; i < ntexts; i += 1000) {
        struct textlist l = { texts, i, ntexts - i < 1000 ? ntexts - i : 1000 };
        err_t e = ERR_INIT;
        int rc = store_write(st, texts_unit, &l, &e);
        if (rc)
            fprintf(stderr, "load: %s\n", err_text(&e));
        CU_ASSERT_FATAL(rc == 0);
        err_free(&e);
    }

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_count(t, -1) == R.n);
    {
        static const int classes[4] = { SC_INETNUM, SC_ROUTE, SC_INET6NUM,
                                        SC_ROUTE6 };
        for (int c = 0; c < 4; c++) {
            int cls = classes[c];
            int af = (cls == SC_INETNUM || cls == SC_ROUTE) ? 4 : 6;
            for (int i = 0; i < 300 && bad < 5; i++) {
                uint64_t k = rnd(&seed) % 10;
                if (k < 3) {
                    /* An existing range of the class. */
                    const struct ref *x;
                    do {
                        x = &R.v[rnd(&seed) % R.n];
                    } while (x->cls != cls);
                    r = x->r;
                } else if (k < 6 || af == 6) {
                    rand_prefix(&seed, af, &r);
                    if (k == 9) {
                        /* a single address */
                        memcpy(r.hi, r.lo, 16);
                    }
                } else if (k < 9) {
                    rand_range4(&seed, &r);
                } else {
                    rand_range4(&seed, &r);
                    memcpy(r.lo, r.hi, 16);
                }
                bad += check_query(t, &R, cls, &r, &nres);
            }
            /* The whole space and the last address. */
            memset(&r, 0, sizeof r);
            r.af = af;
            memset(r.hi, 0xff, ip_addr_len(af));
            bad += check_query(t, &R, cls, &r, &nres);
            memset(r.lo, 0xff, ip_addr_len(af));
            bad += check_query(t, &R, cls, &r, &nres);
        }
    }
    store_read_end(t);
    CU_ASSERT(bad == 0);
    /* The comparison is not vacuous. */
    CU_ASSERT(nres > 10000);

    for (size_t i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    for (size_t i = 0; i < R.n; i++)
        free(R.v[i].pkey);
    free(R.v);
    store_close(st);
}

static void test_domain(void)
{
    store_t *st = open_fresh(0);
    static const char *texts[] = {
        "domain: 2.0.192.in-addr.arpa\nsource: TEST\n",
        "domain: 0.192.in-addr.arpa\nsource: TEST\n",
        "domain: 8.b.d.0.1.0.0.2.ip6.arpa\nsource: TEST\n",
        "domain: 4.4.e164.arpa\nsource: TEST\n",
    };
    struct op ops[4];
    store_txn_t *t = NULL;
    struct hits h;
    ip_range_t r;

    for (size_t i = 0; i < 4; i++) {
        ops[i].text = texts[i];
        ops[i].when = 1;
    }
    CU_ASSERT(run_ops(st, ops, 4, NULL) == 0);
    memset(&h, 0, sizeof h);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_count(t, SC_DOMAIN) == 4);
    CU_ASSERT_FATAL(ip_parse_v4_range("192.0.2.128", 11, &r) == 0);
    CU_ASSERT(store_addr(t, SC_DOMAIN, &r, STORE_LESS_ALL, collect, &h,
                         NULL) == 0);
    CU_ASSERT_FATAL(h.n == 2);
    CU_ASSERT_STRING_EQUAL(h.pkey[0], "0.192.IN-ADDR.ARPA");
    CU_ASSERT_STRING_EQUAL(h.pkey[1], "2.0.192.IN-ADDR.ARPA");
    hits_clear(&h);
    CU_ASSERT(store_addr(t, SC_DOMAIN, &r, STORE_BEST, collect, &h,
                         NULL) == 0);
    CU_ASSERT(h.n == 1);
    hits_clear(&h);
    CU_ASSERT_FATAL(ip_parse_prefix("2001:db8:1::/48", 15, 6, 1, &r, NULL) ==
                    0);
    CU_ASSERT(store_addr(t, SC_DOMAIN, &r, STORE_LESS_ONE, collect, &h,
                         NULL) == 0);
    CU_ASSERT_FATAL(h.n == 1);
    CU_ASSERT_STRING_EQUAL(h.pkey[0], "8.B.D.0.1.0.0.2.IP6.ARPA");
    hits_clear(&h);
    store_read_end(t);
    store_close(st);
}

/* ------------------------------------------------------------------ */
/* Mail queue, handled mails, keys ever used                           */
/* ------------------------------------------------------------------ */

/* A unit queueing the messages of a NULL-terminated list. */
static int queue_unit(store_txn_t *t, void *arg, err_t *err)
{
    const char **msgs = arg;
    uint64_t id = 0;

    for (size_t i = 0; msgs[i] != NULL; i++) {
        char rcpt[64];
        int rc;
        snprintf(rcpt, sizeof rcpt, "r%zu@example.net", i);
        rc = store_queue_put(t, rcpt, msgs[i], strlen(msgs[i]), &id, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* A unit removing queue entry *(uint64_t *)arg. */
static int unqueue_unit(store_txn_t *t, void *arg, err_t *err)
{
    return store_queue_del(t, *(const uint64_t *)arg, err);
}

struct qlist {
    size_t n;
    uint64_t id[8];
    char *rcpt[8];
    char *data[8];
};

static int queue_cb(uint64_t id, const char *rcpt, const char *data,
                    size_t len, void *arg)
{
    struct qlist *q = arg;

    if (q->n < 8) {
        q->id[q->n] = id;
        q->rcpt[q->n] = xstrdup(rcpt);
        q->data[q->n] = xstrndup(data, len);
    }
    q->n++;
    return 0;
}

static void qlist_clear(struct qlist *q)
{
    for (size_t i = 0; i < q->n && i < 8; i++) {
        free(q->rcpt[i]);
        free(q->data[i]);
    }
    memset(q, 0, sizeof *q);
}

static void qlist_read(store_t *st, struct qlist *q)
{
    store_txn_t *t = NULL;

    qlist_clear(q);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_queue_each(t, queue_cb, q, NULL) == 0);
    store_read_end(t);
}

static void test_queue(void)
{
    store_t *st = open_fresh(0);
    const char *three[] = { "Subject: one\n\nA\n", "Subject: two\n\nB\n",
                            "Subject: three\n\nC\n", NULL };
    const char *one[] = { "Subject: four\n\nD\n", NULL };
    struct qlist q;
    uint64_t id;

    memset(&q, 0, sizeof q);
    CU_ASSERT(store_write(st, queue_unit, three, NULL) == 0);
    qlist_read(st, &q);
    CU_ASSERT_FATAL(q.n == 3);
    for (size_t i = 0; i < 3; i++) {
        char rcpt[64];
        snprintf(rcpt, sizeof rcpt, "r%zu@example.net", i);
        CU_ASSERT(q.id[i] == i + 1);
        CU_ASSERT_STRING_EQUAL(q.rcpt[i], rcpt);
        CU_ASSERT_STRING_EQUAL(q.data[i], three[i]);
    }
    /* Remove the newest and the first: ids are never reused. */
    id = 3;
    CU_ASSERT(store_write(st, unqueue_unit, &id, NULL) == 0);
    id = 1;
    CU_ASSERT(store_write(st, unqueue_unit, &id, NULL) == 0);
    CU_ASSERT(store_write(st, unqueue_unit, &id, NULL) == ERR_NOTFOUND);
    CU_ASSERT(store_write(st, queue_unit, one, NULL) == 0);
    qlist_read(st, &q);
    CU_ASSERT_FATAL(q.n == 2);
    CU_ASSERT(q.id[0] == 2 && q.id[1] == 4);
    CU_ASSERT_STRING_EQUAL(q.data[0], three[1]);
    CU_ASSERT_STRING_EQUAL(q.data[1], one[0]);
    qlist_clear(&q);
    store_close(st);
}

static int seen_unit(store_txn_t *t, void *arg, err_t *err)
{
    (void)arg;
    return store_seen_put(t, "<abc@example.net>", "ok 3", 4, err);
}

static void test_seen(void)
{
    store_t *st = open_fresh(0);
    store_txn_t *t = NULL;
    buf_t b;

    buf_init(&b);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_seen_get(t, "<abc@example.net>", &b, NULL) ==
              ERR_NOTFOUND);
    store_read_end(t);
    CU_ASSERT(store_write(st, seen_unit, NULL, NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_seen_get(t, "<abc@example.net>", &b, NULL) == 0);
    CU_ASSERT_STRING_EQUAL(b.s, "ok 3");
    CU_ASSERT(store_seen_get(t, "<abd@example.net>", NULL, NULL) ==
              ERR_NOTFOUND);
    store_read_end(t);
    buf_free(&b);
    store_close(st);
}

struct used {
    size_t n;
    char *k[8];
};

static int used_cb(const char *pkey, void *arg)
{
    struct used *u = arg;
    if (u->n < 8)
        u->k[u->n] = xstrdup(pkey);
    u->n++;
    return 0;
}

static void used_clear(struct used *u)
{
    for (size_t i = 0; i < u->n && i < 8; i++)
        free(u->k[i]);
    memset(u, 0, sizeof *u);
}

static void test_keys_used(void)
{
    store_t *st = open_fresh(0);
    const struct op ops[5] = {
        { "person: A\nnic-hdl: AA1-TEST\nsource: TEST\n", 0, NULL, 1 },
        { "person: B\nnic-hdl: aa2-test\nsource: TEST\n", 0, NULL, 1 },
        { "person: C\nnic-hdl: AB1-TEST\nsource: TEST\n", 0, NULL, 1 },
        { "role: D\nnic-hdl: AA7-TEST\nsource: TEST\n", 0, NULL, 1 },
        { NULL, SC_PERSON, "AA2-TEST", 2 }
    };
    store_txn_t *t = NULL;
    struct used u;

    memset(&u, 0, sizeof u);
    CU_ASSERT(run_ops(st, ops, 5, NULL) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_keys_used(t, SC_PERSON, "aa", used_cb, &u, NULL) == 0);
    CU_ASSERT_FATAL(u.n == 2);
    CU_ASSERT_STRING_EQUAL(u.k[0], "AA1-TEST");
    CU_ASSERT_STRING_EQUAL(u.k[1], "AA2-TEST");     /* deleted, still used */
    used_clear(&u);
    CU_ASSERT(store_keys_used(t, SC_ROLE, "AA", used_cb, &u, NULL) == 0);
    CU_ASSERT(u.n == 1 && strcmp(u.k[0], "AA7-TEST") == 0);
    used_clear(&u);
    CU_ASSERT(store_keys_used(t, SC_PERSON, "", used_cb, &u, NULL) == 0);
    CU_ASSERT(u.n == 3);
    used_clear(&u);
    CU_ASSERT(store_keys_used(t, SC_PERSON, "b", used_cb, &u, NULL) == 0);
    CU_ASSERT(u.n == 0);
    store_read_end(t);
    store_close(st);
}


/* ------------------------------------------------------------------ */
/* Bulk loads against store_obj_put                                    */
/* ------------------------------------------------------------------ */

/** The objects of the bulk tests: every 7th repeats an earlier key. */
static char **bulk_texts(size_t n)
{
    char **v = xcalloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        size_t k = (i % 7 == 6) ? i / 3 : i;    /* a new version of k */
        unsigned a = (unsigned)(k * 2654435761u);
        switch (k % 5) {
        case 0:
            v[i] = xasprintf("person: Person %zu\naddress: Street %zu\n"
                             "e-mail: p%zu@example.net\nnic-hdl: P%zu-TEST\n"
                             "mnt-by: M%zu-MNT\nremarks: v%zu\n"
                             "source: TEST\n", k % 13, i, k, k, k % 11, i);
            break;
        case 1:
            v[i] = xasprintf("inetnum: 10.%u.%u.0 - 10.%u.%u.255\n"
                             "netname: NET-%zu\ncountry: NL\n"
                             "admin-c: P%zu-TEST\ntech-c: P%zu-TEST\n"
                             "status: ASSIGNED PA\nmnt-by: M%zu-MNT\n"
                             "mnt-by: M%zu-MNT\nremarks: v%zu\nsource: TEST\n",
                             a >> 24, (a >> 16) & 0xff, a >> 24,
                             (a >> 16) & 0xff, k % 17, k / 5 * 5,
                             k / 5 * 5, k % 11, k % 11, i);
            break;
        case 2:
            v[i] = xasprintf("route: 10.%u.0.0/16\norigin: AS%zu\n"
                             "descr: d%zu\nmnt-by: M%zu-MNT\nsource: TEST\n",
                             a >> 24, k % 3 + 1, i, k % 11);
            break;
        case 3:
            v[i] = xasprintf("inet6num: 2001:db8:%x::/48\nnetname: N6-%zu\n"
                             "country: NL\nadmin-c: P0-TEST\ntech-c: P5-TEST\n"
                             "status: ASSIGNED\nmnt-by: M%zu-MNT\nsource: TEST\n",
                             a & 0xffff, k % 19, k % 11);
            break;
        default:
            v[i] = xasprintf("mntner: M%zu-MNT\nadmin-c: P%zu-TEST\n"
                             "upd-to: u%zu@example.net\nauth: MD5-PW $1$x$y\n"
                             "mnt-by: M%zu-MNT\nremarks: v%zu\nsource: TEST\n",
                             k % 11, k / 5 * 5, k, k % 11, i);
            break;
        }
    }
    return v;
}

/** Arguments of put_range_unit(). */
struct put_range {
    char **texts;
    size_t from, to;
};

/** Store unit: store_obj_put texts[from, to). */
static int put_range_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct put_range *p = arg;
    for (size_t i = p->from; i < p->to; i++) {
        rpsl_obj_t *o = mkobj(p->texts[i]);
        int rc = store_obj_put(t, o, 1000, NULL, err);
        rpsl_obj_free(o);
        if (rc)
            return rc;
    }
    return 0;
}

/** Bulk-load texts[from, to) into @st in batches of @per. */
static void bulk_range(store_t *st, char **texts, size_t from, size_t to,
                       size_t per, int finish)
{
    store_bulk_t *bk = NULL;
    store_batch_t *b = store_batch_new();
    err_t e = ERR_INIT;

    CU_ASSERT_FATAL(store_bulk_begin(st, 1000, &bk, &e) == 0);
    for (size_t i = from; i < to; i++) {
        rpsl_obj_t *o = mkobj(texts[i]);
        CU_ASSERT(store_batch_add(b, st, o, &e) == 0);
        rpsl_obj_free(o);
        if (store_batch_count(b) == per || i + 1 == to) {
            CU_ASSERT(store_bulk_put(bk, b, &e) == 0);
            store_batch_clear(b);
        }
    }
    CU_ASSERT(store_bulk_count(bk) == to - from);
    if (finish) {
        CU_ASSERT(store_bulk_end(bk, &e) == 0);
    } else {
        store_bulk_free(bk);
    }
    store_batch_free(b);
    err_free(&e);
}

/** Compare every named database of two LMDB environments.
 * @return the number of differences (0 = identical). */
static int same_dbs(const char *da, const char *db)
{
    static const char *const names[] = {
        "objects", "inverse", "lookup", "addr_start", "addr_bucket",
        "journal", "history", "meta"
    };
    MDB_env *env[2] = { NULL, NULL };
    MDB_txn *txn[2] = { NULL, NULL };
    const char *dirs[2] = { da, db };
    int diffs = 0;

    for (int i = 0; i < 2; i++) {
        CU_ASSERT_FATAL(mdb_env_create(&env[i]) == 0);
        mdb_env_set_maxdbs(env[i], 32);
        CU_ASSERT_FATAL(mdb_env_open(env[i], dirs[i], MDB_RDONLY, 0) == 0);
        CU_ASSERT_FATAL(mdb_txn_begin(env[i], NULL, MDB_RDONLY, &txn[i]) == 0);
    }
    for (size_t d = 0; d < sizeof names / sizeof names[0]; d++) {
        MDB_dbi dbi[2];
        MDB_cursor *c[2];
        size_t n = 0;
        for (int i = 0; i < 2; i++) {
            CU_ASSERT_FATAL(mdb_dbi_open(txn[i], names[d], 0, &dbi[i]) == 0);
            CU_ASSERT_FATAL(mdb_cursor_open(txn[i], dbi[i], &c[i]) == 0);
        }
        MDB_val k[2], v[2];
        int r0 = mdb_cursor_get(c[0], &k[0], &v[0], MDB_FIRST);
        int r1 = mdb_cursor_get(c[1], &k[1], &v[1], MDB_FIRST);
        while (r0 == 0 && r1 == 0) {
            if (k[0].mv_size != k[1].mv_size || v[0].mv_size != v[1].mv_size ||
                memcmp(k[0].mv_data, k[1].mv_data, k[0].mv_size) != 0 ||
                memcmp(v[0].mv_data, v[1].mv_data, v[0].mv_size) != 0) {
                if (diffs++ < 5)
                    fprintf(stderr, "bulk: %s differs at entry %zu\n",
                            names[d], n);
            }
            n++;
            r0 = mdb_cursor_get(c[0], &k[0], &v[0], MDB_NEXT);
            r1 = mdb_cursor_get(c[1], &k[1], &v[1], MDB_NEXT);
        }
        if (r0 != MDB_NOTFOUND || r1 != MDB_NOTFOUND) {
            fprintf(stderr, "bulk: %s has different lengths (%zu)\n",
                    names[d], n);
            diffs++;
        }
        if (d == 0)
            CU_ASSERT(n > 100);
        mdb_cursor_close(c[0]);
        mdb_cursor_close(c[1]);
    }
    for (int i = 0; i < 2; i++) {
        mdb_txn_abort(txn[i]);
        mdb_env_close(env[i]);
    }
    return diffs;
}

static void test_bulk(void)
{
    const size_t n = 2500;
    char **texts = bulk_texts(n);
    const char *base = harness_tmpdir();
    char *dput = cat2(base, "/put"), *dfresh = cat2(base, "/fresh");
    char *dmix = cat2(base, "/mix"), *dcut = cat2(base, "/cut");
    store_t *st = NULL;
    err_t e = ERR_INIT;
    struct put_range pr = { texts, 0, n };
    buf_t b;

    buf_init(&b);
    /* the reference: store_obj_put of everything, in order */
    CU_ASSERT_FATAL(store_open(dput, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_range_unit, &pr, &e) == 0);
    store_close(st);

    /* a bulk load into an empty store (small map: it has to grow) */
    CU_ASSERT_FATAL(store_open_size(dfresh, STORE_BULK, 64 * 1024, &st,
                                    &e) == 0);
    bulk_range(st, texts, 0, n, 97, 1);
    store_close(st);
    CU_ASSERT(same_dbs(dput, dfresh) == 0);

    /* into a store with data: applied like store_obj_put */
    CU_ASSERT_FATAL(store_open(dmix, 0, &st, &e) == 0);
    pr.to = 300;
    CU_ASSERT_FATAL(store_write(st, put_range_unit, &pr, &e) == 0);
    bulk_range(st, texts, 300, n, 211, 1);
    store_close(st);
    CU_ASSERT(same_dbs(dput, dmix) == 0);

    /* the fresh store reads normally */
    CU_ASSERT_FATAL(store_open(dfresh, STORE_RDONLY, &st, &e) == 0);
    CU_ASSERT(get1(st, SC_PERSON, "p10-test", &b) == 0);
    CU_ASSERT(strstr(b.s, "p10@example.net") != NULL);
    store_close(st);

    /* an unfinished bulk load leaves a store that is refused */
    CU_ASSERT_FATAL(store_open(dcut, STORE_BULK, &st, &e) == 0);
    bulk_range(st, texts, 0, 50, 20, 0);
    store_close(st);
    st = NULL;
    CU_ASSERT(store_open(dcut, 0, &st, &e) == ERR_STORE);
    CU_ASSERT(st == NULL);
    CU_ASSERT(strstr(err_text(&e), "bulk") != NULL);

    /* objects store_obj_put refuses are refused by store_batch_add */
    {
        store_batch_t *bt = store_batch_new();
        rpsl_obj_t *o = mkobj("inetnum: 10.0.0.9 - 10.0.0.1\nsource: TEST\n");
        CU_ASSERT_FATAL(store_open(dput, 0, &st, &e) == 0);
        CU_ASSERT(store_batch_add(bt, st, o, &e) == ERR_SYNTAX);
        CU_ASSERT(store_batch_count(bt) == 0);
        rpsl_obj_free(o);
        store_batch_free(bt);
        store_close(st);
    }

    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(dput);
    free(dfresh);
    free(dmix);
    free(dcut);
    buf_free(&b);
    err_free(&e);
}

/* ------------------------------------------------------------------ */
/* Format 3: long keys and values, the format mark                     */
/* ------------------------------------------------------------------ */

/** A string of @n copies of @c followed by @tail. */
static char *repeat(int c, size_t n, const char *tail)
{
    buf_t b;
    buf_init(&b);
    buf_pad(&b, c, n);
    buf_puts(&b, tail);
    return take(&b);
}

/*
 * Inverse and lookup entries are "index key NUL okey" keys: index keys
 * are cut to 254 bytes and primary keys may have up to 254 characters;
 * put, delete and bulk load agree, and a store of another format is
 * refused.
 */
static void test_long_keys(void)
{
    char *pk254 = repeat('k', 254, ""), *pk255 = repeat('k', 255, "");
    char *long1 = repeat('v', 300, "-ONE"), *long2 = repeat('v', 300, "-TWO");
    char *t[5];
    const char *base = harness_tmpdir();
    char *dput = cat2(base, "/lk-put"), *dbulk = cat2(base, "/lk-bulk");
    char *dold = cat2(base, "/lk-old");
    store_t *st = NULL;
    err_t e = ERR_INIT;
    struct ops o;
    struct op op;

    t[0] = xasprintf("mntner: %s\nmnt-by: %s\nsource: TEST\n", pk254, long1);
    t[1] = xasprintf("person: %s\nnic-hdl: LK1-TEST\nmnt-by: %s\n"
                     "source: TEST\n", long1, long1);
    t[2] = xasprintf("person: %s\nnic-hdl: LK2-TEST\nmnt-by: %s\n"
                     "source: TEST\n", long2, long2);
    t[3] = xasprintf("person: Short Name\nnic-hdl: LK3-TEST\nmnt-by: %s\n"
                     "source: TEST\n", pk254);
    t[4] = xasprintf("mntner: %s\nsource: TEST\n", pk255);

    CU_ASSERT_FATAL(store_open(dput, 0, &st, &e) == 0);
    for (int i = 0; i < 4; i++)
        CU_ASSERT(put1(st, t[i], 1, NULL) == 0);
    /* a primary key of 255 characters is too long */
    op.text = t[4];
    op.cls = 0;
    op.pkey = NULL;
    op.when = 1;
    run_ops(st, &op, 1, &o);
    CU_ASSERT(o.status[0] == ERR_SYNTAX);
    CU_ASSERT(get1(st, SC_MNTNER, pk254, NULL) == 0);
    CU_ASSERT(get1(st, SC_MNTNER, pk255, NULL) == ERR_NOTFOUND);
    /* values longer than an index key: found by their first 254 bytes
     * (so these two find each other) */
    CU_ASSERT(n_inverse(st, SA_MNT_BY, long1) == 3);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, long2) == 3);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, pk254) == 1);
    CU_ASSERT(n_lookup(st, long1, 0) == 2);
    CU_ASSERT(n_lookup(st, long2, 1UL << SC_PERSON) == 2);
    CU_ASSERT(n_lookup(st, "short name", 0) == 1);
    CU_ASSERT(n_lookup(st, "short", 0) == 0);
    CU_ASSERT(n_lookup(st, pk254, 0) == 1);
    {
        char *cut = repeat('v', 200, "");
        CU_ASSERT(n_lookup(st, cut, 0) == 0);
        CU_ASSERT(n_inverse(st, SA_MNT_BY, cut) == 0);
        free(cut);
    }
    /* delete removes the entries */
    CU_ASSERT(del1(st, SC_PERSON, "LK1-TEST", 2) == 0);
    CU_ASSERT(n_inverse(st, SA_MNT_BY, long1) == 2);
    CU_ASSERT(n_lookup(st, long1, 0) == 1);
    CU_ASSERT(put1(st, t[1], 3, NULL) == 0);
    store_close(st);

    /* a bulk load of the same versions writes the same indexes (the
     * journal differs: the reference has the delete) */
    CU_ASSERT_FATAL(store_open(dbulk, STORE_BULK, &st, &e) == 0);
    {
        char *bt[5] = { t[0], t[2], t[3], t[1], t[4] };
        store_bulk_t *bk = NULL;
        store_batch_t *b = store_batch_new();
        CU_ASSERT_FATAL(store_bulk_begin(st, 1, &bk, &e) == 0);
        for (int i = 0; i < 5; i++) {
            rpsl_obj_t *ob = mkobj(bt[i]);
            CU_ASSERT(store_batch_add(b, st, ob, &e) == (i == 4 ? ERR_SYNTAX : 0));
            rpsl_obj_free(ob);
        }
        CU_ASSERT(store_bulk_put(bk, b, &e) == 0);
        CU_ASSERT(store_bulk_end(bk, &e) == 0);
        store_batch_free(b);
    }
    CU_ASSERT(n_inverse(st, SA_MNT_BY, long1) == 3);
    CU_ASSERT(n_lookup(st, long2, 0) == 2);
    store_close(st);
    {
        static const char *const names[] = { "inverse", "lookup" };
        MDB_env *env[2];
        MDB_txn *txn[2];
        const char *dirs[2] = { dput, dbulk };
        for (int i = 0; i < 2; i++) {
            CU_ASSERT_FATAL(mdb_env_create(&env[i]) == 0);
            mdb_env_set_maxdbs(env[i], 32);
            CU_ASSERT_FATAL(mdb_env_open(env[i], dirs[i], MDB_RDONLY, 0) == 0);
            CU_ASSERT_FATAL(mdb_txn_begin(env[i], NULL, MDB_RDONLY, &txn[i]) == 0);
        }
        for (int d = 0; d < 2; d++) {
            MDB_dbi dbi[2];
            MDB_cursor *c[2];
            MDB_val k[2], v[2];
            int r[2], n = 0;
            for (int i = 0; i < 2; i++) {
                CU_ASSERT_FATAL(mdb_dbi_open(txn[i], names[d], 0, &dbi[i]) == 0);
                CU_ASSERT_FATAL(mdb_cursor_open(txn[i], dbi[i], &c[i]) == 0);
                r[i] = mdb_cursor_get(c[i], &k[i], &v[i], MDB_FIRST);
            }
            while (r[0] == 0 && r[1] == 0) {
                CU_ASSERT(k[0].mv_size == k[1].mv_size &&
                          memcmp(k[0].mv_data, k[1].mv_data, k[0].mv_size) == 0);
                CU_ASSERT(v[0].mv_size == 0 && v[1].mv_size == 0);
                CU_ASSERT(k[0].mv_size <= 254 + 1 + 256);
                n++;
                for (int i = 0; i < 2; i++)
                    r[i] = mdb_cursor_get(c[i], &k[i], &v[i], MDB_NEXT);
            }
            CU_ASSERT(r[0] == MDB_NOTFOUND && r[1] == MDB_NOTFOUND);
            CU_ASSERT(n == (d == 0 ? 4 : 3));
            mdb_cursor_close(c[0]);
            mdb_cursor_close(c[1]);
        }
        for (int i = 0; i < 2; i++) {
            mdb_txn_abort(txn[i]);
            mdb_env_close(env[i]);
        }
    }

    /* a store of format 2 (DUPSORT inverse and lookup) is refused */
    CU_ASSERT_FATAL(store_open(dold, 0, &st, &e) == 0);
    store_close(st);
    {
        MDB_env *env = NULL;
        MDB_txn *txn = NULL;
        MDB_dbi dbi;
        uint8_t fmt[4] = { 0, 0, 0, 2 };
        MDB_val k = { strlen("store.format"), (void *)"store.format" };
        MDB_val v = { sizeof fmt, fmt };
        CU_ASSERT_FATAL(mdb_env_create(&env) == 0);
        mdb_env_set_maxdbs(env, 32);
        CU_ASSERT_FATAL(mdb_env_open(env, dold, 0, 0640) == 0);
        CU_ASSERT_FATAL(mdb_txn_begin(env, NULL, 0, &txn) == 0);
        CU_ASSERT_FATAL(mdb_dbi_open(txn, "meta", 0, &dbi) == 0);
        CU_ASSERT(mdb_put(txn, dbi, &k, &v, 0) == 0);
        CU_ASSERT(mdb_txn_commit(txn) == 0);
        mdb_env_close(env);
    }
    st = NULL;
    CU_ASSERT(store_open(dold, 0, &st, &e) == ERR_STORE);
    CU_ASSERT(st == NULL);
    CU_ASSERT(strstr(err_text(&e), "format 3") != NULL);

    for (int i = 0; i < 5; i++)
        free(t[i]);
    free(pk254);
    free(pk255);
    free(long1);
    free(long2);
    free(dput);
    free(dbulk);
    free(dold);
    err_free(&e);
}

void suite_store(void);
void suite_store(void)
{
    CU_pSuite s = harness_suite("store");

    HARNESS_ADD(s, test_put_get);
    HARNESS_ADD(s, test_modify_indexes);
    HARNESS_ADD(s, test_delete);
    HARNESS_ADD(s, test_bad_objects);
    HARNESS_ADD(s, test_lookup_each_count);
    HARNESS_ADD(s, test_nested_calls);
    HARNESS_ADD(s, test_journal);
    HARNESS_ADD(s, test_history);
    HARNESS_ADD(s, test_map_growth);
    HARNESS_ADD(s, test_unit_error);
    HARNESS_ADD(s, test_snapshot);
    HARNESS_ADD(s, test_meta);
    HARNESS_ADD(s, test_reopen);
    HARNESS_ADD(s, test_addr_random);
    HARNESS_ADD(s, test_domain);
    HARNESS_ADD(s, test_queue);
    HARNESS_ADD(s, test_seen);
    HARNESS_ADD(s, test_keys_used);
    HARNESS_ADD(s, test_bulk);
    HARNESS_ADD(s, test_long_keys);
}
