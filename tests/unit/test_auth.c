/*
 * test_auth.c - password credentials against auth: lines, asked again and
 * again as a mail with many objects does (the answers are remembered in
 * the credential and must stay right).
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "harness.h"
#include "schema.h"

#define HASH "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"   /* "secret" */
#define OTHER "$1$pEeRsAlT$DZs03uI5F6YpDRtgfLUvc1"  /* "peer-secret" */

static rpsl_obj_t *mntner(const char *auths)
{
    const char *fmt = "mntner: A-MNT\n%sauth: PGPKEY-12345678\nsource: TEST\n";
    char *text = xasprintf(fmt, auths);
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL), 0);
    schema_classify(o, NULL);
    free(text);
    return o;
}

static void test_repeated_checks(void)
{
    rpsl_obj_t *both = mntner("auth: MD5-PW " OTHER "\nauth: MD5-PW " HASH "\n");
    rpsl_obj_t *other = mntner("auth: MD5-PW " OTHER "\n");
    cred_list_t good = CRED_LIST_INIT, bad = CRED_LIST_INIT;
    cred_add_password(&good, "secret", 6);
    cred_add_password(&bad, "wrong", 5);
    for (int round = 0; round < 3; round++) {
        CU_ASSERT_EQUAL(auth_object_ok(NULL, both, &good, NULL, NULL), 1);
        CU_ASSERT_EQUAL(auth_object_ok(NULL, other, &good, NULL, NULL), 0);
        CU_ASSERT_EQUAL(auth_object_ok(NULL, both, &bad, NULL, NULL), 0);
    }
    /* each (password, hash) pair was hashed once */
    CU_ASSERT_EQUAL(good.v[0].checked->n, 2);
    CU_ASSERT_EQUAL(bad.v[0].checked->n, 2);
    cred_list_free(&good);
    cred_list_free(&bad);
    rpsl_obj_free(both);
    rpsl_obj_free(other);
}

static void test_password_schemes(void)
{
    CU_ASSERT_EQUAL(auth_password_ok("MD5-PW " HASH, "secret"), 1);
    CU_ASSERT_EQUAL(auth_password_ok("MD5-PW " HASH, "Secret"), 0);
    CU_ASSERT_EQUAL(auth_password_ok("BCRYPT-PW " HASH, "secret"), 0);  /* wrong scheme */
    CU_ASSERT_EQUAL(auth_password_ok("PGPKEY-12345678", "secret"), 0);
}

void suite_auth(void);
void suite_auth(void)
{
    CU_pSuite s = harness_suite("auth");
    HARNESS_ADD(s, test_repeated_checks);
    HARNESS_ADD(s, test_password_schemes);
}
