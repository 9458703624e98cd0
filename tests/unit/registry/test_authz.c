/*
 * test_authz.c - whose auth: lines count (issue 10, hole 1): a stored
 * maintainer is always checked against its stored auth: lines, whatever
 * the caller passes as the object being created; only a mntner that does
 * not exist yet vouches for itself.  And the checks of authz.h that decide
 * most updates: mnt-by (the new object's on create, the stored one's on
 * modify), an inetnum's parent (mnt-lower, else mnt-by), a route's
 * covering inetnum (mnt-routes before mnt-lower before mnt-by) and
 * mnt-irt: (the irt's own auth:), each with the maintainers a failure
 * names for upd-to:.
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

/* ---- the checks per class ---- */

#define PW(x) "auth: MD5-PW " x "\n"
#define B_MNT "mntner: B-MNT\nadmin-c: TP1-TEST\nupd-to: b@example.net\n" \
              PW("$1$saltsalt$91ZSoXQgwsjWY1yrGyk5t/") "mnt-by: B-MNT\nsource: TEST\n"
#define L_MNT "mntner: L-MNT\nadmin-c: TP1-TEST\nupd-to: l@example.net\n" \
              PW("$1$saltsalt$UYBlDLSNDT.AL8GaCFseU.") "mnt-by: L-MNT\nsource: TEST\n"
#define R_MNT "mntner: R-MNT\nadmin-c: TP1-TEST\nupd-to: r@example.net\n" \
              PW("$1$saltsalt$3hZlFIu8R/xEDv3ltHXxJ.") "mnt-by: R-MNT\nsource: TEST\n"
#define IRT "irt: IRT-X\naddress: x\ne-mail: irt@example.net\nabuse-mailbox: irt@example.net\n" \
            "admin-c: TP1-TEST\ntech-c: TP1-TEST\n" \
            PW("$1$saltsalt$p.CQpoVlIHqRDEnAQBr.g0") "mnt-by: A-MNT\nsource: TEST\n"
/* an allocation with all three: mnt-by A, mnt-lower L, mnt-routes R */
#define NET "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: NET\ncountry: NL\n" \
            "admin-c: TP1-TEST\ntech-c: TP1-TEST\nstatus: ALLOCATED PA\n" \
            "mnt-by: A-MNT\nmnt-lower: L-MNT\nmnt-routes: R-MNT\nsource: TEST\n"
/* one with mnt-by A only */
#define NET2 "inetnum: 198.51.100.0 - 198.51.100.255\nnetname: NET2\ncountry: NL\n" \
             "admin-c: TP1-TEST\ntech-c: TP1-TEST\nstatus: ALLOCATED PA\n" \
             "mnt-by: A-MNT\nsource: TEST\n"
#define PERSON(mnt) "person: Test Person\naddress: x\nphone: +31 1\nnic-hdl: TP1-TEST\n" \
                    "mnt-by: " mnt "\nsource: TEST\n"

static int put_registry(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    static const char *const objs[] = { STORED, B_MNT, L_MNT, R_MNT, IRT, NET, NET2,
                                        PERSON("A-MNT") };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        rpsl_obj_t *o = obj(objs[i]);
        int rc = store_obj_put(txn, o, 0, NULL, err);
        rpsl_obj_free(o);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * authz_run of @op on @new_ (text; NULL for none) over @old (text; NULL)
 * with the passwords @pws (comma-separated): passed?  The maintainers of
 * the failed checks, sorted and comma-joined, into @upd_to (may be NULL).
 */
static int decide(store_txn_t *txn, enum proc_op op, const char *new_, const char *old_,
                  const char *pws, char **upd_to)
{
    rpsl_obj_t *o = new_ ? obj(new_) : NULL, *old = old_ ? obj(old_) : NULL;
    cred_list_t creds = CRED_LIST_INIT;
    for (const char *p = pws; *p;) {
        size_t n = strcspn(p, ",");
        cred_add_password(&creds, p, n);
        p += n + (p[n] == ',');
    }
    authz_policy_t pol = { NULL };
    authz_req_t q = { txn, op, op == PROC_DELETE ? old : o, old, &creds, &pol };
    diag_list_t d = DIAG_LIST_INIT;
    authz_res_t res;
    authz_res_init(&res);
    CU_ASSERT_EQUAL(authz_run(&q, &d, &res, NULL), 0);
    int passed = res.passed;
    /* a refusal always says so in the ack, a pass never */
    CU_ASSERT_EQUAL(passed, diag_count(&d, DIAG_ERROR) == 0);
    if (upd_to) {
        strv_sort(&res.upd_to);
        buf_t j;
        buf_init(&j);
        for (size_t i = 0; i < res.upd_to.n; i++)
            buf_printf(&j, "%s%s", i ? "," : "", res.upd_to.v[i]);
        *upd_to = buf_steal(&j);
    }
    authz_res_free(&res);
    diag_list_free(&d);
    cred_list_free(&creds);
    rpsl_obj_free(o);
    rpsl_obj_free(old);
    return passed;
}

static store_t *registry(store_txn_t **txn)
{
    store_t *st = NULL;
    CU_ASSERT_EQUAL_FATAL(store_open(harness_tmpdir(), 0, &st, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_registry, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, txn, NULL), 0);
    return st;
}

#define UPD_TO_IS(want)                                      \
    do {                                                     \
        CU_ASSERT_PTR_NOT_NULL(upd);                         \
        if (upd)                                             \
            CU_ASSERT_STRING_EQUAL(upd, (want));             \
        free(upd);                                           \
        upd = NULL;                                          \
    } while (0)

/* mnt-by: the new object's on create, the stored object's on modify and
 * delete (what the submitter writes there counts only when creating). */
static void test_mnt_by(void)
{
    store_txn_t *txn = NULL;
    store_t *st = registry(&txn);
    char *upd = NULL;
    const char *mine = PERSON("B-MNT"), *stored = PERSON("A-MNT");

    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, mine, NULL, "b-secret", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, mine, NULL, "secret", &upd), 0);
    UPD_TO_IS("B-MNT");
    /* modify: taking the object over to B-MNT needs A-MNT, the holder */
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, mine, stored, "b-secret", &upd), 0);
    UPD_TO_IS("A-MNT");
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, mine, stored, "secret", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_DELETE, NULL, stored, "b-secret", NULL), 0);
    CU_ASSERT_EQUAL(decide(txn, PROC_DELETE, NULL, stored, "secret", NULL), 1);
    /* no password, or a password of nobody's */
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, mine, NULL, "", NULL), 0);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, mine, NULL, "wrong", NULL), 0);
    store_read_end(txn);
    store_close(st);
}

#define SUBNET(mnt, extra) "inetnum: 192.0.2.0 - 192.0.2.127\nnetname: SUB\ncountry: NL\n" \
                           "admin-c: TP1-TEST\ntech-c: TP1-TEST\nstatus: ASSIGNED PA\n" \
                           "mnt-by: " mnt "\n" extra "source: TEST\n"

/* An inetnum create: its own mnt-by and the parent's mnt-lower (not the
 * parent's mnt-by when it has a mnt-lower); without mnt-lower, mnt-by. */
static void test_mnt_lower(void)
{
    store_txn_t *txn = NULL;
    store_t *st = registry(&txn);
    char *upd = NULL;
    const char *sub = SUBNET("B-MNT", "");

    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret,lower", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret,secret", &upd), 0);
    UPD_TO_IS("L-MNT");
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret", &upd), 0);
    UPD_TO_IS("L-MNT");
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "lower", &upd), 0);
    UPD_TO_IS("B-MNT");
    /* NET2 has no mnt-lower: its mnt-by decides */
    const char *sub2 = "inetnum: 198.51.100.0 - 198.51.100.127\nnetname: SUB\ncountry: NL\n"
                       "admin-c: TP1-TEST\ntech-c: TP1-TEST\nstatus: ASSIGNED PA\n"
                       "mnt-by: B-MNT\nsource: TEST\n";
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub2, NULL, "b-secret,secret", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub2, NULL, "b-secret,lower", &upd), 0);
    UPD_TO_IS("A-MNT");
    /* a modify of the child asks the child's holder only */
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, sub, sub, "b-secret", NULL), 1);
    store_read_end(txn);
    store_close(st);
}

#define ROUTE(pfx) "route: " pfx "\ndescr: r\norigin: AS1\nmnt-by: B-MNT\nsource: TEST\n"

/* A route create under an inetnum: mnt-routes first, not mnt-lower or
 * mnt-by; under one without mnt-routes or mnt-lower: mnt-by. */
static void test_mnt_routes(void)
{
    store_txn_t *txn = NULL;
    store_t *st = registry(&txn);
    char *upd = NULL;
    const char *r = ROUTE("192.0.2.0/25");

    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r, NULL, "b-secret,routes", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r, NULL, "b-secret,lower", &upd), 0);
    UPD_TO_IS("R-MNT");
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r, NULL, "b-secret,secret", &upd), 0);
    UPD_TO_IS("R-MNT");
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r, NULL, "routes", &upd), 0);
    UPD_TO_IS("B-MNT");
    const char *r2 = ROUTE("198.51.100.0/24");
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r2, NULL, "b-secret,secret", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, r2, NULL, "b-secret,routes", &upd), 0);
    UPD_TO_IS("A-MNT");
    store_read_end(txn);
    store_close(st);
}

/* A new mnt-irt: reference needs the irt's own auth: (A7); one kept
 * from the stored version does not. */
static void test_mnt_irt(void)
{
    store_txn_t *txn = NULL;
    store_t *st = registry(&txn);
    const char *sub = SUBNET("B-MNT", "mnt-irt: IRT-X\n"), *plain = SUBNET("B-MNT", "");

    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret,lower,irt", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret,lower", NULL), 0);
    /* the irt's mnt-by (A-MNT) is not the irt's auth */
    CU_ASSERT_EQUAL(decide(txn, PROC_CREATE, sub, NULL, "b-secret,lower,secret", NULL), 0);
    /* added by a modify: the irt again; already there: the holder alone */
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, sub, plain, "b-secret", NULL), 0);
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, sub, plain, "b-secret,irt", NULL), 1);
    CU_ASSERT_EQUAL(decide(txn, PROC_MODIFY, sub, sub, "b-secret", NULL), 1);
    store_read_end(txn);
    store_close(st);
}

void suite_authz(void);
void suite_authz(void)
{
    CU_pSuite s = harness_suite("authz");
    HARNESS_ADD(s, test_stored_wins);
    HARNESS_ADD(s, test_mnt_by);
    HARNESS_ADD(s, test_mnt_lower);
    HARNESS_ADD(s, test_mnt_routes);
    HARNESS_ADD(s, test_mnt_irt);
}
