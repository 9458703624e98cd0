/*
 * test_journal.c - unit tests of the journal iterator (store/journal.h:
 * store_journal_open / _next / _close), what the NRTM server reads: an
 * empty journal, walks from the first serial, from the middle and past
 * the last, an ADD and a DEL of the same object, two walks at once in one
 * snapshot, a snapshot that does not see later writes, and 10,000 entries
 * walked in memory that does not grow (heap bytes in use, counted by
 * mallinfo2, equal after 10 entries and after 10,000).
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/journal.h"

/** One change for change_unit(): put @text, or delete (@cls, @pkey). */
struct change {
    const char *text;
    int cls;
    const char *pkey;
    time_t when;
};

/** What change_unit() applies: @n changes, or @gen generated mntners. */
struct changes {
    const struct change *v;
    size_t n;
    unsigned gen;
};

/** Parse, classify and put @text. @return store_obj_put()'s status. */
static int put_text(store_txn_t *t, const char *text, time_t when,
                    err_t *err)
{
    rpsl_obj_t *o = NULL;
    int rc;

    if (rpsl_parse(text, strlen(text), 1, 0, &o, NULL) != 0 || o == NULL ||
        schema_classify(o, NULL) != 0) {
        rpsl_obj_free(o);
        return err_set(err, ERR_SYNTAX, "test object does not parse");
    }
    rc = store_obj_put(t, o, when, NULL, err);
    rpsl_obj_free(o);
    return rc;
}

/** Store unit: the changes of a struct changes, in order. */
static int change_unit(store_txn_t *t, void *arg, err_t *err)
{
    const struct changes *c = arg;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        const struct change *ch = &c->v[i];
        rc = ch->text != NULL ? put_text(t, ch->text, ch->when, err)
                              : store_obj_del(t, ch->cls, ch->pkey, ch->when,
                                              NULL, err);
    }
    for (unsigned i = 0; rc == 0 && i < c->gen; i++) {
        char *text = xasprintf("mntner: GEN%u-MNT\ndescr: number %u\n"
                               "source: TEST\n", i, i);
        rc = put_text(t, text, 1000 + i, err);
        free(text);
    }
    return rc;
}

/** A new store in a fresh directory with @n changes and @gen generated
 *  objects applied in one unit. */
static store_t *store_with(const struct change *v, size_t n, unsigned gen)
{
    struct changes c = { v, n, gen };
    char *dir = xasprintf("%s/db", harness_tmpdir());
    store_t *st = NULL;
    err_t e = ERR_INIT;

    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    if (n > 0 || gen > 0)
        CU_ASSERT_FATAL(store_write(st, change_unit, &c, &e) == 0);
    err_free(&e);
    free(dir);
    return st;
}

/** The serials a walk from @from returns (up to @max), and their number. */
static size_t walk(store_txn_t *t, uint64_t from, uint64_t *serial,
                   size_t max)
{
    store_journal_it_t *it = NULL;
    store_journal_t je;
    size_t n = 0;
    int rc;

    CU_ASSERT_FATAL(store_journal_open(t, from, &it, NULL) == 0);
    CU_ASSERT_FATAL(it != NULL);
    while ((rc = store_journal_next(it, &je, NULL)) == 0) {
        if (n < max)
            serial[n] = je.serial;
        n++;
    }
    CU_ASSERT(rc == ERR_NOTFOUND);
    /* past the end it stays there */
    CU_ASSERT(store_journal_next(it, &je, NULL) == ERR_NOTFOUND);
    store_journal_close(it);
    return n;
}

static const char MA[] = "mntner: A-MNT\ndescr: first\nsource: TEST\n";
static const char MB[] = "mntner: B-MNT\ndescr: bee\nsource: TEST\n";
static const char PC[] =
    "person: Carl Example\nnic-hdl: CE1-TEST\nsource: TEST\n";
static const char MA2[] = "mntner: a-mnt\ndescr: second\nsource: TEST\n";

/** Five changes: serials 1..5 (the last deletes B-MNT). */
static const struct change FIVE[] = {
    { MA, 0, NULL, 100 }, { MB, 0, NULL, 200 }, { PC, 0, NULL, 300 },
    { MA2, 0, NULL, 400 }, { NULL, SC_MNTNER, "b-mnt", 500 }
};

static void test_empty(void)
{
    store_t *st = store_with(NULL, 0, 0);
    store_txn_t *t = NULL;
    store_journal_it_t *it = NULL;
    store_journal_t je;
    uint64_t first = 9, last = 9, s[1];
    err_t e = ERR_INIT;

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 0 && last == 0);
    CU_ASSERT(walk(t, 0, s, 1) == 0);
    CU_ASSERT(walk(t, 1, s, 1) == 0);
    CU_ASSERT_FATAL(store_journal_open(t, 1, &it, &e) == 0);
    CU_ASSERT(store_journal_next(it, &je, &e) == ERR_NOTFOUND);
    CU_ASSERT(e.code == ERR_NOTFOUND);
    store_journal_close(it);
    store_journal_close(NULL);
    err_free(&e);
    store_read_end(t);
    store_close(st);
}

static void test_from_first(void)
{
    store_t *st = store_with(FIVE, 5, 0);
    store_txn_t *t = NULL;
    store_journal_it_t *it = NULL;
    store_journal_t je, want;
    uint64_t first, last, i = 0;

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 1 && last == 5);
    CU_ASSERT_FATAL(store_journal_open(t, first, &it, NULL) == 0);
    while (store_journal_next(it, &je, NULL) == 0) {
        i++;
        /* each entry as store_journal_get() reads it */
        CU_ASSERT_FATAL(store_journal_get(t, i, &want, NULL) == 0);
        CU_ASSERT(je.serial == i);
        CU_ASSERT(je.op == want.op);
        CU_ASSERT(je.when == (time_t)(100 * i));
        CU_ASSERT(je.cls == want.cls);
        CU_ASSERT_STRING_EQUAL(je.pkey, want.pkey);
        CU_ASSERT(je.len == want.len && je.len > 0);
        CU_ASSERT(memcmp(je.text, want.text, je.len) == 0);
    }
    CU_ASSERT(i == 5);
    store_journal_close(it);
    store_read_end(t);
    store_close(st);
}

static void test_from_middle_and_past(void)
{
    store_t *st = store_with(FIVE, 5, 0);
    store_txn_t *t = NULL;
    uint64_t s[8];

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(walk(t, 0, s, 8) == 5);
    CU_ASSERT(s[0] == 1 && s[4] == 5);
    CU_ASSERT(walk(t, 3, s, 8) == 3);
    CU_ASSERT(s[0] == 3 && s[1] == 4 && s[2] == 5);
    CU_ASSERT(walk(t, 5, s, 8) == 1);
    CU_ASSERT(s[0] == 5);
    CU_ASSERT(walk(t, 6, s, 8) == 0);
    CU_ASSERT(walk(t, UINT64_MAX, s, 8) == 0);
    store_read_end(t);
    store_close(st);
}

static void test_add_then_del(void)
{
    const struct change ch[] = {
        { PC, 0, NULL, 10 }, { NULL, SC_PERSON, "ce1-test", 20 }
    };
    store_t *st = store_with(ch, 2, 0);
    store_txn_t *t = NULL;
    store_journal_it_t *it = NULL;
    store_journal_t add, del, end;

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT_FATAL(store_journal_open(t, 1, &it, NULL) == 0);
    CU_ASSERT_FATAL(store_journal_next(it, &add, NULL) == 0);
    CU_ASSERT(add.serial == 1 && add.op == STORE_OP_ADD && add.when == 10);
    CU_ASSERT(add.cls == SC_PERSON);
    CU_ASSERT_STRING_EQUAL(add.pkey, "CE1-TEST");
    CU_ASSERT(add.len > 0 && memmem(add.text, add.len, "Carl Example",
                                    strlen("Carl Example")) != NULL);
    CU_ASSERT_FATAL(store_journal_next(it, &del, NULL) == 0);
    CU_ASSERT(del.serial == 2 && del.op == STORE_OP_DEL && del.when == 20);
    CU_ASSERT(del.cls == SC_PERSON);
    CU_ASSERT_STRING_EQUAL(del.pkey, "CE1-TEST");
    /* a DEL carries the text the object had (what a mirror deletes) */
    CU_ASSERT(del.len == add.len);
    CU_ASSERT(memcmp(del.text, add.text, add.len) == 0);
    CU_ASSERT(store_journal_next(it, &end, NULL) == ERR_NOTFOUND);
    store_journal_close(it);
    store_read_end(t);
    store_close(st);
}

static void test_two_walks(void)
{
    store_t *st = store_with(FIVE, 5, 0);
    store_txn_t *t = NULL;
    store_journal_it_t *a = NULL, *b = NULL;
    store_journal_t ja, jb;

    /* the second walk cannot share the first one's cursor */
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT_FATAL(store_journal_open(t, 1, &a, NULL) == 0);
    CU_ASSERT_FATAL(store_journal_open(t, 4, &b, NULL) == 0);
    for (uint64_t i = 1; i <= 2; i++) {
        CU_ASSERT_FATAL(store_journal_next(a, &ja, NULL) == 0);
        CU_ASSERT_FATAL(store_journal_next(b, &jb, NULL) == 0);
        CU_ASSERT(ja.serial == i);
        CU_ASSERT(jb.serial == i + 3);
    }
    CU_ASSERT(store_journal_next(b, &jb, NULL) == ERR_NOTFOUND);
    store_journal_close(b);
    CU_ASSERT_FATAL(store_journal_next(a, &ja, NULL) == 0);
    CU_ASSERT(ja.serial == 3);
    store_journal_close(a);
    store_read_end(t);
    store_close(st);
}

static void test_snapshot(void)
{
    const struct change more[] = { { MB, 0, NULL, 600 } };
    struct changes c = { more, 1, 0 };
    store_t *st = store_with(FIVE, 5, 0);
    store_txn_t *t = NULL;
    uint64_t s[8], first, last;

    /* a walk sees the journal as its snapshot began */
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT_FATAL(store_write(st, change_unit, &c, NULL) == 0);
    CU_ASSERT(walk(t, 4, s, 8) == 2);
    store_read_end(t);
    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(last == 6);
    CU_ASSERT(walk(t, 4, s, 8) == 3);
    CU_ASSERT(s[2] == 6);
    store_read_end(t);
    store_close(st);
}

/** Heap bytes in use (0 where the allocator does not count them). */
static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

static void test_long_walk(void)
{
    enum { N = 10000 };
    store_t *st = store_with(NULL, 0, N);
    store_txn_t *t = NULL;
    store_journal_it_t *it = NULL;
    store_journal_t je;
    size_t n = 0, bad = 0, at10 = 0, atend = 0;
    uint64_t first, last;
    int rc;

    CU_ASSERT_FATAL(store_read_begin(st, &t, NULL) == 0);
    CU_ASSERT(store_journal_range(t, &first, &last, NULL) == 0);
    CU_ASSERT(first == 1 && last == N);
    CU_ASSERT_FATAL(store_journal_open(t, 1, &it, NULL) == 0);
    /* nothing in this loop allocates but the walk itself */
    while ((rc = store_journal_next(it, &je, NULL)) == 0) {
        n++;
        if (je.serial != n || je.op != STORE_OP_ADD ||
            je.cls != SC_MNTNER || je.when != (time_t)(1000 + n - 1))
            bad++;
        if (n == 10)
            at10 = heap_in_use();
    }
    atend = heap_in_use();
    CU_ASSERT(rc == ERR_NOTFOUND);
    CU_ASSERT(n == N);
    CU_ASSERT(bad == 0);
    if (atend != at10)
        fprintf(stderr, "journal walk: %zu heap bytes after 10 entries, "
                "%zu after %zu\n", at10, atend, n);
    CU_ASSERT(atend == at10);
    store_journal_close(it);
    store_read_end(t);
    store_close(st);
}

void suite_journal(void);
void suite_journal(void)
{
    CU_pSuite s = harness_suite("journal");

    HARNESS_ADD(s, test_empty);
    HARNESS_ADD(s, test_from_first);
    HARNESS_ADD(s, test_from_middle_and_past);
    HARNESS_ADD(s, test_add_then_del);
    HARNESS_ADD(s, test_two_walks);
    HARNESS_ADD(s, test_snapshot);
    HARNESS_ADD(s, test_long_walk);
}
