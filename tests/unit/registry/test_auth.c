/*
 * test_auth.c - password credentials against auth: lines, asked again and
 * again as a mail with many objects does (the answers are remembered in
 * the credential and must stay right).
 */
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "harness.h"
#include "rpsl/schema.h"

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

/* bcrypt's cost is the hash writer's choice: beyond the bound it is never
 * computed (cost 19 takes ~30 s, 31 ~30 h). */
#define B10 "$2b$10$QAyEchd.Fr/gmJjH8nC8HO6B/nh0gA.ymn5VAUeC2sLIQVzW14m5W"
#define B19 "$2b$19$abcdefghijklmnopqrstuOabcdefghijklmnopqrstuvwxyz01234"
static void test_bcrypt_cost(void)
{
    unsigned cost = 0;
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW " B10, "stranger-pw", 12), AUTH_PW_MATCH);
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW " B10, "wrong", 12), AUTH_PW_NO);
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW " B10, "stranger-pw", 9), AUTH_PW_TOO_COSTLY);
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW " B19, "x", 12), AUTH_PW_TOO_COSTLY);
    CU_ASSERT_EQUAL(auth_password_ok("BCRYPT-PW " B19, "x"), 0);
    CU_ASSERT_EQUAL(auth_bcrypt_cost("BCRYPT-PW " B19, &cost), 1);
    CU_ASSERT_EQUAL(cost, 19);
    CU_ASSERT_EQUAL(auth_bcrypt_cost("MD5-PW " HASH, &cost), 0);
    /* other crypt_r schemes with a cost of their writer's choosing are
     * never handed to crypt_r(): no answer, however long it would take */
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW $5$rounds=999999999$salt$abc", "x", 31),
                    AUTH_PW_NO);
    CU_ASSERT_EQUAL(auth_password_check("MD5-PW $6$rounds=999999999$salt$abc", "x", 31),
                    AUTH_PW_NO);
    CU_ASSERT_EQUAL(auth_password_check("CRYPT-PW _/...salt", "x", 31), AUTH_PW_NO);
    CU_ASSERT_EQUAL(auth_password_check("CRYPT-PW $y$j9T$abc", "x", 31), AUTH_PW_NO);
    CU_ASSERT_EQUAL(auth_password_check("BCRYPT-PW $2$19$abc", "x", 31), AUTH_PW_NO);
}

/* The mail's budget of crypt computations, shared by its passwords, and
 * the warnings that say why a password was not checked. */
static void test_password_budget(void)
{
    rpsl_obj_t *m = mntner("auth: MD5-PW " HASH "\nauth: BCRYPT-PW " B19 "\n");
    unsigned left = 1;
    cred_list_t c = CRED_LIST_INIT;
    cred_add_password(&c, "wrong", 5);
    cred_add_password(&c, "secret", 6);
    c.v[0].checks_left = c.v[1].checks_left = &left;
    CU_ASSERT_EQUAL(auth_object_ok(NULL, m, &c, NULL, NULL), 0);   /* budget spent on "wrong" */
    CU_ASSERT_EQUAL(left, 0);
    diag_list_t d;
    diag_list_init(&d);
    auth_explain_passwords(&c, &d);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_WARNING), 2);   /* budget, cost 19 */
    for (size_t i = 0; i < d.n; i++)
        CU_ASSERT_PTR_NULL(strstr(d.v[i].text, "abcdefghij"));    /* no hash shown */
    diag_list_free(&d);
    cred_list_free(&c);
    rpsl_obj_free(m);
}

void suite_auth(void);
void suite_auth(void)
{
    CU_pSuite s = harness_suite("auth");
    HARNESS_ADD(s, test_repeated_checks);
    HARNESS_ADD(s, test_password_schemes);
    HARNESS_ADD(s, test_bcrypt_cost);
    HARNESS_ADD(s, test_password_budget);
}
