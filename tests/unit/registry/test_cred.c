/*
 * test_cred.c - credentials (cred.h): what is stored for a password and
 * a PGP signature, copies that do not share storage, counting, the -p
 * state words scripts read, and a freed list that is empty and reusable.
 */
#include <string.h>

#include "harness.h"
#include "registry/cred.h"

#define ALICE "0EC843E0414CFDC698ACAE52FBC73F79AAC53B23"
#define CAROL "754561C541C6792FD96C69104D0006DE8F924A80"
#define CAROL_SUB "EA417A81943170EB902E78236946036D20DC26E2"

static void test_password(void)
{
    cred_list_t l = CRED_LIST_INIT;
    cred_add_password(&l, "secretXXX", 6);      /* only len bytes */
    cred_add_password(&l, "", 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_EQUAL(l.v[0].kind, CRED_PASSWORD);
    CU_ASSERT_STRING_EQUAL(l.v[0].password, "secret");
    CU_ASSERT_STRING_EQUAL(l.v[1].password, "");
    /* the auth: cache starts empty, one per password */
    CU_ASSERT_PTR_NOT_NULL(l.v[0].checked);
    CU_ASSERT_EQUAL(l.v[0].checked->n, 0);
    CU_ASSERT_PTR_NOT_EQUAL(l.v[0].checked, l.v[1].checked);
    CU_ASSERT_EQUAL(l.v[0].bcrypt_max_cost, 0);
    CU_ASSERT_PTR_NULL(l.v[0].checks_left);
    CU_ASSERT_EQUAL(cred_count(&l, CRED_PASSWORD), 2);
    CU_ASSERT_EQUAL(cred_count(&l, CRED_PGP), 0);
    cred_list_free(&l);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_PTR_NULL(l.v);
}

static void test_pgp(void)
{
    cred_list_t l;
    cred_list_init(&l);
    char lower[] = "0ec843e0414cfdc698acae52fbc73f79aac53b23";
    cred_add_pgp(&l, lower, CRED_PGP_GOOD, 1767268740, "digest-1");
    cred_add_pgp_key(&l, CAROL_SUB, CAROL, CRED_PGP_EXPIRED, 5, NULL);
    cred_add_pgp_key(&l, CAROL_SUB, "", CRED_PGP_BAD, 0, NULL);  /* "" primary: the key */
    cred_add_pgp(&l, NULL, CRED_PGP_UNKNOWN_KEY, 0, NULL);
    cred_add_pgp(&l, ALICE "FFFF", CRED_PGP_GOOD, 0, NULL);       /* 40 digits kept */
    CU_ASSERT_EQUAL_FATAL(l.n, 5);

    CU_ASSERT_EQUAL(l.v[0].kind, CRED_PGP);
    CU_ASSERT_STRING_EQUAL(l.v[0].fpr, ALICE);          /* upper-cased */
    CU_ASSERT_STRING_EQUAL(l.v[0].primary, ALICE);      /* a primary key's own */
    CU_ASSERT_EQUAL(l.v[0].state, CRED_PGP_GOOD);
    CU_ASSERT_EQUAL(l.v[0].sigtime, 1767268740);
    CU_ASSERT_STRING_EQUAL(l.v[0].digest, "digest-1");
    CU_ASSERT_PTR_NULL(l.v[0].password);
    lower[0] = 'f';                                     /* copied, not kept */
    CU_ASSERT_STRING_EQUAL(l.v[0].fpr, ALICE);

    CU_ASSERT_STRING_EQUAL(l.v[1].fpr, CAROL_SUB);
    CU_ASSERT_STRING_EQUAL(l.v[1].primary, CAROL);
    CU_ASSERT_EQUAL(l.v[1].state, CRED_PGP_EXPIRED);
    CU_ASSERT_PTR_NULL(l.v[1].digest);
    CU_ASSERT_STRING_EQUAL(l.v[2].primary, CAROL_SUB);
    CU_ASSERT_STRING_EQUAL(l.v[3].fpr, "");
    CU_ASSERT_STRING_EQUAL(l.v[3].primary, "");
    CU_ASSERT_STRING_EQUAL(l.v[4].fpr, ALICE);
    CU_ASSERT_EQUAL(cred_count(&l, CRED_PGP), 5);
    CU_ASSERT_EQUAL(cred_count(&l, CRED_PASSWORD), 0);
    cred_list_free(&l);
    CU_ASSERT_EQUAL(l.n, 0);
    /* reusable after free */
    cred_add_password(&l, "x", 1);
    CU_ASSERT_EQUAL(cred_count(&l, CRED_PASSWORD), 1);
    cred_list_free(&l);
}

/* cred_list_append: copies that outlive the source; the password's
 * bounds travel with it, the auth: cache does not. */
static void test_append(void)
{
    cred_list_t from = CRED_LIST_INIT, to = CRED_LIST_INIT;
    unsigned left = 7;
    cred_add_password(&to, "first", 5);
    cred_add_password(&from, "pw", 2);
    from.v[0].bcrypt_max_cost = 9;
    from.v[0].checks_left = &left;
    strv_add(from.v[0].checked, "+MD5-PW x");
    cred_add_pgp_key(&from, CAROL_SUB, CAROL, CRED_PGP_REVOKED, 42, "d");
    cred_list_append(&to, &from);
    cred_list_free(&from);

    CU_ASSERT_EQUAL_FATAL(to.n, 3);
    CU_ASSERT_STRING_EQUAL(to.v[0].password, "first");
    CU_ASSERT_STRING_EQUAL(to.v[1].password, "pw");
    CU_ASSERT_EQUAL(to.v[1].bcrypt_max_cost, 9);
    CU_ASSERT_PTR_EQUAL(to.v[1].checks_left, &left);    /* shared budget */
    CU_ASSERT_EQUAL(to.v[1].checked->n, 0);             /* fresh cache */
    CU_ASSERT_EQUAL(to.v[2].kind, CRED_PGP);
    CU_ASSERT_STRING_EQUAL(to.v[2].fpr, CAROL_SUB);
    CU_ASSERT_STRING_EQUAL(to.v[2].primary, CAROL);
    CU_ASSERT_EQUAL(to.v[2].state, CRED_PGP_REVOKED);
    CU_ASSERT_EQUAL(to.v[2].sigtime, 42);
    CU_ASSERT_STRING_EQUAL(to.v[2].digest, "d");
    CU_ASSERT_EQUAL(cred_count(&to, CRED_PASSWORD), 2);
    CU_ASSERT_EQUAL(cred_count(&to, CRED_PGP), 1);
    cred_list_free(&to);

    /* appending an empty list changes nothing */
    cred_list_append(&to, &from);
    CU_ASSERT_EQUAL(to.n, 0);
}

/* The words of autodbm -p (README "Programs"): scripts read them. */
static void test_state_names(void)
{
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_GOOD), "good");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_BAD), "bad");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_UNKNOWN_KEY), "unknown-key");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_EXPIRED), "expired");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_REVOKED), "revoked");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_TOO_OLD), "too-old");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name(CRED_PGP_FUTURE), "future");
    CU_ASSERT_STRING_EQUAL(cred_pgp_state_name((enum cred_pgp_state)99), "bad");
}

void suite_cred(void);
void suite_cred(void)
{
    CU_pSuite s = harness_suite("cred");
    HARNESS_ADD(s, test_password);
    HARNESS_ADD(s, test_pgp);
    HARNESS_ADD(s, test_append);
    HARNESS_ADD(s, test_state_names);
}
