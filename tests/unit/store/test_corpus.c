/*
 * test_corpus.c - the registry corpus round trip: every object of
 * ../shared/corpus/ripe-TEST.db and AS3257.aut-num.txt is loaded into a
 * store (the way autodbm-load does it) and found again by its primary key
 * and by every inverse and lookup key it carries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"

struct objs {
    rpsl_obj_t **v;
    size_t n;
};

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    buf_t b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_put(&b, chunk, n);
    fclose(fp);
    *len = b.len;
    return buf_steal(&b);
}

/* Parse a dump the way the loader does; keep the valid objects. */
static void read_dump(const char *path, const char *source, struct objs *out,
                      size_t *rejected)
{
    size_t len, pos = 0, plen;
    unsigned ln = 1, pl;
    const char *st;
    char *text = slurp(path, &len);
    while (rpsl_next_paragraph(text, len, &pos, &ln, RPSL_PARSE_SKIP_COMMENT_LINES,
                               &st, &plen, &pl)) {
        rpsl_obj_t *o = NULL;
        diag_list_t d = DIAG_LIST_INIT;
        if (rpsl_parse(st, plen, pl, RPSL_PARSE_SKIP_COMMENT_LINES, &o, &d) != 0 ||
            schema_classify(o, &d) != 0 ||
            schema_validate(o, SCHEMA_NON_STRICT, source, &d) > 0) {
            (*rejected)++;
            rpsl_obj_free(o);
        } else {
            out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            out->v[out->n++] = o;
        }
        diag_list_free(&d);
    }
    free(text);
}

static int put_all(store_txn_t *txn, void *arg, err_t *err)
{
    struct objs *os = arg;
    for (size_t i = 0; i < os->n; i++) {
        int rc = store_obj_put(txn, os->v[i], (time_t)1700000000, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
}

struct want {
    int cls;
    const char *pkey;
    int found;
};

static int match_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)text;
    (void)len;
    struct want *w = arg;
    if (cls == w->cls && strcasecmp(pkey, w->pkey) == 0)
        w->found = 1;
    return 0;
}

struct keyctx {
    store_txn_t *txn;
    struct want *w;
    size_t checked, missed;
};

static int check_key(enum schema_keykind kind, int aid, const char *value, size_t len,
                     void *arg)
{
    struct keyctx *k = arg;
    char *v = xstrndup(value, len);
    err_t e = ERR_INIT;
    k->w->found = 0;
    if (kind == SCHEMA_KEY_INVERSE)
        store_inverse(k->txn, aid, v, match_hit, k->w, &e);
    else
        store_lookup(k->txn, v, 0, match_hit, k->w, &e);
    k->checked++;
    if (!k->w->found) {
        k->missed++;
        fprintf(stderr, "not found by %s %s \"%s\": %s\n",
                kind == SCHEMA_KEY_INVERSE ? "inverse" : "lookup",
                schema_attr_name(aid), v, k->w->pkey);
    }
    free(v);
    err_free(&e);
    return 0;
}

static void round_trip(const char *rel, const char *source, size_t min_objects)
{
    const char *path = harness_corpus(rel);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    struct objs os = { NULL, 0 };
    size_t rejected = 0;
    read_dump(path, source, &os, &rejected);
    CU_ASSERT(os.n >= min_objects);

    store_t *st = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(store_open(harness_tmpdir(), 0, &st, &e), 0);
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_all, &os, &e), 0);

    store_txn_t *txn = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &txn, &e), 0);
    size_t missing = 0, keys = 0, missed_keys = 0;
    for (size_t i = 0; i < os.n; i++) {
        buf_t k, text;
        buf_init(&k);
        buf_init(&text);
        CU_ASSERT_EQUAL(schema_pkey(os.v[i], &k), 0);
        if (store_obj_get(txn, os.v[i]->cls, k.s, &text, &e) != 0) {
            missing++;
        } else {
            /* the stored text parses back to the same values */
            rpsl_obj_t *back = NULL;
            CU_ASSERT_EQUAL(rpsl_parse(text.s, text.len, 1, 0, &back, NULL), 0);
            if (back) {
                CU_ASSERT_EQUAL(back->nattrs, os.v[i]->nattrs);
                for (size_t a = 0; a < back->nattrs && a < os.v[i]->nattrs; a++)
                    CU_ASSERT_STRING_EQUAL(back->attrs[a].value, os.v[i]->attrs[a].value);
            }
            rpsl_obj_free(back);
        }
        struct want w = { os.v[i]->cls, k.s, 0 };
        struct keyctx kc = { txn, &w, 0, 0 };
        schema_each_key(os.v[i], check_key, &kc);
        keys += kc.checked;
        missed_keys += kc.missed;
        buf_free(&k);
        buf_free(&text);
    }
    CU_ASSERT_EQUAL(missing, 0);
    CU_ASSERT_EQUAL(missed_keys, 0);
    CU_ASSERT(keys > 0);
    store_read_end(txn);
    store_close(st);
    for (size_t i = 0; i < os.n; i++)
        rpsl_obj_free(os.v[i]);
    free(os.v);
    err_free(&e);
}

static void test_ripe_test_db(void)
{
    /* ripe-TEST.db holds about 225 objects; nearly all are valid legacy data */
    round_trip("ripe-TEST.db", "TEST", 200);
}

static void test_as3257(void)
{
    /* its source is RIPE: accept any valid source */
    round_trip("AS3257.aut-num.txt", NULL, 1);
}

void suite_corpus(void);
void suite_corpus(void)
{
    CU_pSuite s = harness_suite("corpus");
    HARNESS_ADD(s, test_ripe_test_db);
    HARNESS_ADD(s, test_as3257);
}
