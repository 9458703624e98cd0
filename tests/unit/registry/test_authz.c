/*
 * test_authz.c - whose auth: lines count (issue 10, hole 1): a stored
 * maintainer is always checked against its stored auth: lines, whatever
 * the caller passes as the object being created; only a mntner that does
 * not exist yet vouches for itself.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "registry/authz.h"
#include "harness.h"
#include "rpsl/schema.h"

#define HASH "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"   /* "secret" */
#define OTHER "$1$pEeRsAlT$DZs03uI5F6YpDRtgfLUvc1"  /* "peer-secret" */

#define STORED "mntner: A-MNT\nadmin-c: TP1-TEST\nupd-to: a@example.net\n" \
               "auth: MD5-PW " HASH "\nmnt-by: A-MNT\nsource: TEST\n"
/* A-MNT as a stranger submits it: his own hash */
#define REWRITTEN "mntner: A-MNT\nadmin-c: TP1-TEST\nupd-to: evil@example.org\n" \
                  "auth: MD5-PW " OTHER "\nmnt-by: A-MNT\nsource: TEST\n"
#define NEW "mntner: B-MNT\nadmin-c: TP1-TEST\nupd-to: b@example.net\n" \
            "auth: MD5-PW " OTHER "\nmnt-by: B-MNT\nsource: TEST\n"

static rpsl_obj_t *obj(const char *text)
{
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(schema_classify(o, NULL), 0);
    return o;
}

static int put_stored(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    rpsl_obj_t *o = obj(STORED);
    int rc = store_obj_put(txn, o, 0, NULL, err);
    rpsl_obj_free(o);
    return rc;
}

/* auth_run over @name with @created and the password @pw: passed? */
static int run(store_txn_t *txn, const char *name, const rpsl_obj_t *created, const char *pw)
{
    strv_t names = STRV_INIT;
    strv_add(&names, name);
    cred_list_t creds = CRED_LIST_INIT;
    cred_add_password(&creds, pw, strlen(pw));
    auth_check_t c;
    auth_check_init(&c);
    CU_ASSERT_EQUAL(auth_run(txn, SC_MNTNER, &names, created, &creds, &c, NULL), 0);
    int passed = c.passed;
    auth_check_free(&c);
    cred_list_free(&creds);
    strv_free(&names);
    return passed;
}

/* authz_run of a modify of A-MNT to @obj with the password @pw: passed? */
static int modify(store_txn_t *txn, const rpsl_obj_t *obj_, const rpsl_obj_t *old,
                  const char *pw)
{
    cred_list_t creds = CRED_LIST_INIT;
    cred_add_password(&creds, pw, strlen(pw));
    authz_policy_t pol = { NULL };
    authz_req_t q = { txn, PROC_MODIFY, obj_, old, &creds, &pol };
    diag_list_t d = DIAG_LIST_INIT;
    authz_res_t res;
    authz_res_init(&res);
    CU_ASSERT_EQUAL(authz_run(&q, &d, &res, NULL), 0);
    int passed = res.passed;
    authz_res_free(&res);
    diag_list_free(&d);
    cred_list_free(&creds);
    return passed;
}

static void test_stored_wins(void)
{
    store_t *st = NULL;
    CU_ASSERT_EQUAL_FATAL(store_open(harness_tmpdir(), 0, &st, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_stored, NULL, NULL), 0);
    store_txn_t *txn = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &txn, NULL), 0);
    rpsl_obj_t *stored = obj(STORED), *rewritten = obj(REWRITTEN), *fresh = obj(NEW);

    /* a submitted version of a stored mntner vouches for nothing */
    CU_ASSERT_EQUAL(run(txn, "A-MNT", rewritten, "peer-secret"), 0);
    CU_ASSERT_EQUAL(run(txn, "a-mnt", rewritten, "peer-secret"), 0);
    CU_ASSERT_EQUAL(run(txn, "A-MNT", rewritten, "secret"), 1);
    /* a mntner being created vouches for itself, and only for itself */
    CU_ASSERT_EQUAL(run(txn, "B-MNT", fresh, "peer-secret"), 1);
    CU_ASSERT_EQUAL(run(txn, "B-MNT", fresh, "secret"), 0);
    CU_ASSERT_EQUAL(run(txn, "B-MNT", NULL, "peer-secret"), 0);
    CU_ASSERT_EQUAL(run(txn, "A-MNT", fresh, "peer-secret"), 0);

    /* the whole modify: the stranger's password fails, the owner's passes */
    CU_ASSERT_EQUAL(modify(txn, rewritten, stored, "peer-secret"), 0);
    CU_ASSERT_EQUAL(modify(txn, rewritten, stored, "secret"), 1);

    rpsl_obj_free(stored);
    rpsl_obj_free(rewritten);
    rpsl_obj_free(fresh);
    store_read_end(txn);
    store_close(st);
}

void suite_authz(void);
void suite_authz(void)
{
    CU_pSuite s = harness_suite("authz");
    HARNESS_ADD(s, test_stored_wins);
}
