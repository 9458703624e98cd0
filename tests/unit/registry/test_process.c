/*
 * test_process.c - the update engine against a real store: operations,
 * passwords, AUTO-n keys (both examples of seeds/object-processing.txt),
 * references, delete checks.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/process.h"
#include "rpsl/schema.h"

#define HASH "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1" /* "secret" */

static const char *base_objects[] = {
    "mntner: TEST-MNT\nadmin-c: TP1-TEST\nupd-to: up@example.net\n"
    "auth: MD5-PW " HASH "\nmnt-by: TEST-MNT\nsource: TEST\n",
    "person: Test Person\ne-mail: tp@example.net\nnic-hdl: TP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\n",
    NULL
};

struct env {
    store_t *st;
};

static rpsl_obj_t *obj(const char *text)
{
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(schema_classify(o, NULL), 0);
    return o;
}

static int put_base(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    for (size_t i = 0; base_objects[i]; i++) {
        rpsl_obj_t *o = obj(base_objects[i]);
        int rc = store_obj_put(txn, o, 0, NULL, err);
        rpsl_obj_free(o);
        if (rc)
            return rc;
    }
    return 0;
}

static store_t *new_store(void)
{
    store_t *st = NULL;
    CU_ASSERT_EQUAL_FATAL(store_open(harness_tmpdir(), 0, &st, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_base, NULL, NULL), 0);
    return st;
}

struct run {
    const char *text;
    const char *subject;
    proc_report_t *r;
    const char *override_hash;  /* non-NULL: override allowed with it */
};

static int run_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct run *u = arg;
    upd_piece_t p = { u->text, strlen(u->text), NULL };
    upd_msg_t *m = NULL;
    int rc = upd_split(&p, 1, u->subject, &m, err);
    if (rc == 0) {
        proc_opts_t o = { "TEST", 1767268800 /* 2026-01-01T12:00:00Z */, 0,
                          u->override_hash != NULL, u->override_hash, NULL, NULL, NULL, 0, 0 };
        proc_report_free(u->r);
        u->r = NULL;
        rc = proc_run(txn, &o, m, &u->r, err);
    }
    upd_msg_free(m);
    return rc;
}

static proc_report_t *process(store_t *st, const char *text, const char *subject)
{
    struct run u = { text, subject, NULL, NULL };
    CU_ASSERT_EQUAL(store_write(st, run_unit, &u, NULL), 0);
    return u.r;
}

/* As process(), with override: allowed and its password hashed as @hash. */
static proc_report_t *process_override(store_t *st, const char *text, const char *hash)
{
    struct run u = { text, "", NULL, hash };
    CU_ASSERT_EQUAL(store_write(st, run_unit, &u, NULL), 0);
    return u.r;
}

static int has_diag(const proc_result_t *r, const char *needle)
{
    for (size_t i = 0; i < r->diags.n; i++)
        if (strstr(r->diags.v[i].text, needle))
            return 1;
    return 0;
}

static int exists(store_t *st, int cls, const char *key)
{
    store_txn_t *t = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, NULL), 0);
    int rc = store_obj_get(t, cls, key, NULL, NULL);
    store_read_end(t);
    return rc == 0;
}

static void test_create_with_password(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "password: secret\n\nperson: New Person\ne-mail: np@example.net\n"
                                   "nic-hdl: NP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(r->n, 1);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_EQUAL(r->v[0].op, PROC_CREATE);
    CU_ASSERT_STRING_EQUAL(r->v[0].key, "[person] NP1-TEST   New Person");
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[0].stored, "created"), "2026-01-01T12:00:00Z");
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[0].stored, "last-modified"), "2026-01-01T12:00:00Z");
    CU_ASSERT_EQUAL(r->v[0].auth_by.n, 1);
    CU_ASSERT_STRING_EQUAL(r->v[0].auth_by.v[0], "password for TEST-MNT");
    CU_ASSERT(exists(st, SC_PERSON, "np1-test"));
    proc_report_free(r);
    /* the same again is a noop */
    r = process(st, "password: secret\n\nperson: New Person\ne-mail: np@example.net\n"
                    "nic-hdl: NP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL(r->v[0].op, PROC_NOOP);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT(has_diag(&r->v[0], "identical to database object"));
    proc_report_free(r);
    store_close(st);
}

static void test_wrong_password(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "person: New Person\ne-mail: np@example.net\n"
                                   "nic-hdl: NP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\npassword: wrong\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT_EQUAL(r->v[0].auth_failed, 1);
    CU_ASSERT(has_diag(&r->v[0], "Authorisation for [person] NP1-TEST failed\nusing \"mnt-by:\"\nnot authenticated by: TEST-MNT"));
    CU_ASSERT_EQUAL(r->v[0].upd_to.n, 1);
    CU_ASSERT(!exists(st, SC_PERSON, "NP1-TEST"));
    proc_report_free(r);
    store_close(st);
}

static void test_modify_needs_old_mntner(void)
{
    store_t *st = new_store();
    /* modify the mntner itself: the stored auth: decides */
    proc_report_t *r = process(st, "mntner: TEST-MNT\nadmin-c: TP1-TEST\nupd-to: new@example.net\n"
                                   "auth: MD5-PW " HASH "\nmnt-by: TEST-MNT\nsource: TEST\npassword: secret\n", "");
    CU_ASSERT_EQUAL(r->v[0].op, PROC_MODIFY);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_PTR_NOT_NULL(r->v[0].old);
    proc_report_free(r);
    store_close(st);
}

/* A modify that fails authorisation keeps the stored version in old (the
 * upd-to: notification shows it and the change attempted); it was lost. */
static void test_failed_modify_keeps_old(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "person: Test Person\ne-mail: changed@example.net\n"
                                   "nic-hdl: TP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\npassword: wrong\n", "");
    CU_ASSERT_EQUAL(r->v[0].op, PROC_MODIFY);
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT_EQUAL(r->v[0].auth_failed, 1);
    CU_ASSERT_PTR_NULL(r->v[0].stored);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->v[0].old);
    long e = rpsl_obj_find(r->v[0].old, "e-mail", 0);
    CU_ASSERT_FATAL(e >= 0);
    CU_ASSERT_STRING_EQUAL(r->v[0].old->attrs[e].value, "tp@example.net");
    proc_report_free(r);
    store_close(st);
}

static void test_auto_forward_reference(void)
{
    /* seeds/object-processing.txt, first figure */
    store_t *st = new_store();
    proc_report_t *r = process(st, "password: secret\n\n"
        "inetnum: 193.0.7.35\nnetname: EXAMPLE\ncountry: NL\nadmin-c: auto-1\ntech-c: TP1-TEST\n"
        "status: ASSIGNED PA\nmnt-by: TEST-MNT\nsource: TEST\n\n"
        "person: admin guy\ne-mail: ag@example.net\nnic-hdl: auto-1\nmnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(r->n, 2);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_EQUAL(r->v[1].ok, 1);
    CU_ASSERT_STRING_EQUAL(r->v[1].key, "[person] AG1-TEST   admin guy");
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[0].stored, "admin-c"), "AG1-TEST");
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[0].stored, "inetnum"), "193.0.7.35 - 193.0.7.35");
    CU_ASSERT(exists(st, SC_PERSON, "AG1-TEST"));
    CU_ASSERT(exists(st, SC_INETNUM, "193.0.7.35 - 193.0.7.35"));
    proc_report_free(r);
    /* the next admin guy gets the next free number */
    r = process(st, "password: secret\n\nperson: Another Guy\ne-mail: x@example.net\nnic-hdl: AUTO-7\n"
                    "mnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_STRING_EQUAL(r->v[0].key, "[person] AG2-TEST   Another Guy");
    proc_report_free(r);
    store_close(st);
}

static void test_auto_circular(void)
{
    /* seeds/object-processing.txt, second figure: never resolvable */
    store_t *st = new_store();
    proc_report_t *r = process(st, "password: secret\n\n"
        "organisation: auto-1\norg-name: Example Org\norg-type: OTHER\naddress: Street 1\n"
        "e-mail: org@example.net\nadmin-c: auto-2\nmnt-ref: TEST-MNT\nmnt-by: TEST-MNT\nsource: TEST\n\n"
        "person: admin guy\ne-mail: ag@example.net\nnic-hdl: auto-2\norg: auto-1\nmnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(r->n, 2);
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT_EQUAL(r->v[1].ok, 0);
    CU_ASSERT(has_diag(&r->v[0], "Reference \"auto-2\" not found"));
    CU_ASSERT(has_diag(&r->v[1], "Reference \"auto-1\" not found"));
    CU_ASSERT(!exists(st, SC_ORGANISATION, "ORG-EO1-TEST"));
    proc_report_free(r);
    store_close(st);
}

static void test_references_and_deletes(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "password: secret\n\nperson: X Y\ne-mail: x@example.net\n"
                                   "nic-hdl: XY1-TEST\nmnt-by: NOSUCH-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT(has_diag(&r->v[0], "Unknown object referenced NOSUCH-MNT"));
    proc_report_free(r);
    /* TP1-TEST is referenced by TEST-MNT: cannot go alone ... */
    r = process(st, "password: secret\n\n" "person: Test Person\ne-mail: tp@example.net\n"
                    "nic-hdl: TP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\ndelete: cleanup\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT(has_diag(&r->v[0], "is referenced from other objects"));
    proc_report_free(r);
    /* ... a delete that does not match the stored version fails ... */
    r = process(st, "password: secret\n\nperson: Test Person\ne-mail: other@example.net\n"
                    "nic-hdl: TP1-TEST\nmnt-by: TEST-MNT\nsource: TEST\ndelete: cleanup\n", "");
    CU_ASSERT(has_diag(&r->v[0], "doesn't match version in database"));
    proc_report_free(r);
    /* ... but the pair goes together in one mail */
    r = process(st, "password: secret\n\n"
                    "person: Test Person\ne-mail: tp@example.net\nnic-hdl: TP1-TEST\nmnt-by: TEST-MNT\n"
                    "source: TEST\ndelete: cleanup\n\n"
                    "mntner: TEST-MNT\nadmin-c: TP1-TEST\nupd-to: up@example.net\nauth: MD5-PW " HASH "\n"
                    "mnt-by: TEST-MNT\nsource: TEST\ndelete: cleanup\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_EQUAL(r->v[1].ok, 1);
    CU_ASSERT_EQUAL(r->v[1].op, PROC_DELETE);
    CU_ASSERT(!exists(st, SC_MNTNER, "TEST-MNT"));
    CU_ASSERT(!exists(st, SC_PERSON, "TP1-TEST"));
    proc_report_free(r);
    r = process(st, "person: Gone\nnic-hdl: GO1-TEST\nsource: TEST\ndelete: x\n", "");
    CU_ASSERT(has_diag(&r->v[0], "does not exist in the database"));
    proc_report_free(r);
    store_close(st);
}

static void test_new_mntner_self_auth(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "mntner: SELF-MNT\nadmin-c: TP1-TEST\nupd-to: s@example.net\n"
                                   "auth: MD5-PW " HASH "\nmnt-by: SELF-MNT\nsource: TEST\npassword: secret\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_STRING_EQUAL(r->v[0].auth_by.v[0], "password for SELF-MNT");
    proc_report_free(r);
    r = process(st, "mntner: BAD\nadmin-c: TP1-TEST\nupd-to: s@example.net\n"
                    "auth: MD5-PW " HASH "\nmnt-by: BAD\nsource: TEST\npassword: secret\n", "");
    CU_ASSERT_EQUAL(r->v[0].ok, 0);     /* creation needs -MNT */
    proc_report_free(r);
    store_close(st);
}

static void test_keyword_new(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "person: Test Person\ne-mail: tp@example.net\nnic-hdl: TP1-TEST\n"
                                   "mnt-by: TEST-MNT\nsource: TEST\npassword: secret\n", "NEW");
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT(has_diag(&r->v[0], "Enforced new keyword specified"));
    proc_report_free(r);
    store_close(st);
}

static void test_override(void)
{
    store_t *st = new_store();
    const char *obj = "person: Test Person\ne-mail: tp@example.net\nnic-hdl: TP1-TEST\n"
                      "remarks: changed by the administration\nmnt-by: TEST-MNT\nsource: TEST\n";
    char *text = xasprintf("%soverride: admin,wrong,testing\n", obj);
    proc_report_t *r = process_override(st, text, HASH);
    CU_ASSERT_EQUAL(r->v[0].ok, 0);
    CU_ASSERT(has_diag(&r->v[0], "Override authentication failed"));
    proc_report_free(r);
    free(text);
    /* the right override password stands in for the maintainer's */
    text = xasprintf("%soverride: admin,secret,testing\n", obj);
    r = process_override(st, text, HASH);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_EQUAL(r->v[0].op, PROC_MODIFY);
    CU_ASSERT_EQUAL(strv_find(&r->v[0].auth_by, "override") >= 0, 1);
    proc_report_free(r);
    /* and without allow_override it is refused whatever the password */
    free(text);
    text = xasprintf("%sremarks: once more\noverride: admin,secret,testing\n", obj);
    r = process(st, text, "");
    CU_ASSERT(has_diag(&r->v[0], "Override not allowed in email update"));
    proc_report_free(r);
    free(text);
    store_close(st);
}

/* One run of an already split update, with shed_stored; @abort_it makes
 * the unit fail so that its transaction is thrown away (as store_write
 * does before it retries a unit). */
struct shed_run {
    upd_msg_t *m;
    proc_report_t *r;
    int abort_it;
};

static int shed_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct shed_run *u = arg;
    proc_opts_t o = { "TEST", 1767268800, 0, 0, NULL, NULL, NULL, NULL, 1, 0 };
    proc_report_free(u->r);
    u->r = NULL;
    int rc = proc_run(txn, &o, u->m, &u->r, err);
    if (rc == 0 && u->abort_it)
        rc = err_set(err, ERR_TEMP, "thrown away");
    return rc;
}

/*
 * shed_stored: results keep no stored version but its key; the paragraphs
 * of successful objects are released (text deflated); and a transaction
 * retried after that processes the same update again to the same end.
 */
static void test_shed_and_retry(void)
{
    store_t *st = new_store();
    /* a small paragraph, and one big enough to be kept deflated */
    buf_t tb;
    buf_init(&tb);
    buf_puts(&tb, "password: secret\n\n"
                  "mntner: SHED-MNT\nadmin-c: AUTO-1\nupd-to: s@example.net\n"
                  "auth: MD5-PW " HASH "\nmnt-by: SHED-MNT\nsource: TEST\n\n"
                  "person: Shed Person\ne-mail: sp@example.net\nnic-hdl: AUTO-1\n");
    for (int i = 0; i < 200; i++)
        buf_printf(&tb, "remarks: line %d of a long person object\n", i);
    buf_puts(&tb, "mnt-by: TEST-MNT\nsource: TEST\n\nthis is not an object\n");
    const char *text = tb.s;
    upd_piece_t p = { text, strlen(text), NULL };
    struct shed_run u = { NULL, NULL, 1 };
    CU_ASSERT_EQUAL_FATAL(upd_split(&p, 1, "", &u.m, NULL), 0);
    CU_ASSERT_EQUAL(upd_object_count(u.m), 2);
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(store_write(st, shed_unit, &u, &e), ERR_TEMP);
    err_free(&e);
    CU_ASSERT(!exists(st, SC_MNTNER, "SHED-MNT"));
    /* both objects were released by the run that was thrown away; the
     * big one's text is kept deflated, the small one's as it is */
    CU_ASSERT_PTR_NULL(u.m->paras[0].obj);
    CU_ASSERT_EQUAL(u.m->paras[0].released, 1);
    CU_ASSERT_PTR_NOT_NULL(u.m->paras[0].text);
    CU_ASSERT_PTR_NULL(u.m->paras[0].packed);
    CU_ASSERT_PTR_NULL(u.m->paras[1].obj);
    CU_ASSERT_EQUAL(u.m->paras[1].released, 1);
    CU_ASSERT_PTR_NULL(u.m->paras[1].text);
    CU_ASSERT(u.m->paras[1].packed_len > 0 && u.m->paras[1].packed_len < 4096);
    CU_ASSERT_EQUAL(upd_object_count(u.m), 2);

    u.abort_it = 0;
    CU_ASSERT_EQUAL_FATAL(store_write(st, shed_unit, &u, NULL), 0);
    proc_report_t *r = u.r;
    CU_ASSERT_EQUAL_FATAL(r->n, 2);
    for (size_t i = 0; i < r->n; i++) {
        CU_ASSERT_EQUAL(r->v[i].ok, 1);
        CU_ASSERT_EQUAL(r->v[i].op, PROC_CREATE);
        CU_ASSERT_PTR_NULL(r->v[i].stored);
    }
    CU_ASSERT_STRING_EQUAL(r->v[0].pkey, "SHED-MNT");
    CU_ASSERT_STRING_EQUAL(r->v[1].pkey, "SP1-TEST");
    CU_ASSERT_STRING_EQUAL(r->v[1].key, "[person] SP1-TEST   Shed Person");
    /* the non-object is still reported, once */
    CU_ASSERT_EQUAL(r->not_objects.n, 1);
    CU_ASSERT(exists(st, SC_MNTNER, "SHED-MNT"));
    CU_ASSERT(exists(st, SC_PERSON, "SP1-TEST"));
    CU_ASSERT_EQUAL(u.m->paras[1].released, 1);     /* released again */
    proc_report_free(r);
    upd_msg_free(u.m);
    buf_free(&tb);
    store_close(st);
}

/*
 * shed_stored and one object changed again later in the same update: the
 * result that wrote a version later replaced or deleted keeps that
 * version (it cannot be loaded again); seq gives the order of the
 * changes, not the order of the message.
 */
static void test_shed_replaced(void)
{
    store_t *st = new_store();
    const char *text = "password: secret\n\n"
        "person: Gone Person\ne-mail: gp@example.net\nnic-hdl: GP1-TEST\n"
        "mnt-by: TEST-MNT\nsource: TEST\ndelete: gone\n\n"
        "person: Gone Person\ne-mail: gp@example.net\nnic-hdl: GP1-TEST\n"
        "mnt-by: TEST-MNT\nsource: TEST\n\n"
        "person: Kept Person\ne-mail: kp@example.net\nnic-hdl: KP1-TEST\n"
        "mnt-by: TEST-MNT\nsource: TEST\n\n"
        "person: Kept Person\ne-mail: kp2@example.net\nnic-hdl: KP1-TEST\n"
        "mnt-by: TEST-MNT\nsource: TEST\n";
    upd_piece_t p = { text, strlen(text), NULL };
    struct shed_run u = { NULL, NULL, 0 };
    CU_ASSERT_EQUAL_FATAL(upd_split(&p, 1, "", &u.m, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(store_write(st, shed_unit, &u, NULL), 0);
    proc_report_t *r = u.r;
    CU_ASSERT_EQUAL_FATAL(r->n, 4);
    for (size_t i = 0; i < r->n; i++)
        CU_ASSERT_EQUAL(r->v[i].ok, 1);
    /* the delete listed first came second: after the create */
    CU_ASSERT_EQUAL(r->v[0].op, PROC_DELETE);
    CU_ASSERT_EQUAL(r->v[1].op, PROC_CREATE);
    CU_ASSERT(r->v[1].seq < r->v[0].seq);
    CU_ASSERT(r->v[0].seq > r->v[3].seq);   /* in a later pass */
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->v[1].stored);
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[1].stored, "nic-hdl"), "GP1-TEST");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->v[0].old);
    /* created, then modified: the create keeps the version it wrote, the
     * modify (still current) keeps none */
    CU_ASSERT_EQUAL(r->v[2].op, PROC_CREATE);
    CU_ASSERT_EQUAL(r->v[3].op, PROC_MODIFY);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->v[2].stored);
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(r->v[2].stored, "e-mail"), "kp@example.net");
    CU_ASSERT_PTR_NULL(r->v[3].stored);
    CU_ASSERT_EQUAL(r->v[2].seq + 1, r->v[3].seq);
    CU_ASSERT(!exists(st, SC_PERSON, "GP1-TEST"));
    CU_ASSERT(exists(st, SC_PERSON, "KP1-TEST"));
    proc_report_free(r);
    upd_msg_free(u.m);
    store_close(st);
}

/* An AUTO-n key referenced by its own object: an organisation's org:
 * is resolved to its generated key; a role's admin-c:/tech-c: fail. */
static void test_auto_self_reference(void)
{
    store_t *st = new_store();
    proc_report_t *r = process(st, "password: secret\n\n"
        "organisation: AUTO-1\norg-name: Self Org\norg-type: OTHER\naddress: Street\n"
        "e-mail: so@example.net\norg: AUTO-1\nmnt-ref: TEST-MNT\nmnt-by: TEST-MNT\n"
        "source: TEST\n\n"
        "role: Self Role\ne-mail: sr@example.net\nadmin-c: AUTO-2\ntech-c: AUTO-2\n"
        "nic-hdl: AUTO-2\nmnt-by: TEST-MNT\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(r->n, 2);
    CU_ASSERT_EQUAL(r->v[0].ok, 1);
    CU_ASSERT_STRING_EQUAL(r->v[0].pkey, "ORG-SO1-TEST");
    CU_ASSERT(exists(st, SC_ORGANISATION, "ORG-SO1-TEST"));
    CU_ASSERT_EQUAL(r->v[1].ok, 0);
    CU_ASSERT(has_diag(&r->v[1], "Self reference is not allowed for attribute type \"admin-c\""));
    CU_ASSERT(has_diag(&r->v[1], "Self reference is not allowed for attribute type \"tech-c\""));
    CU_ASSERT(!has_diag(&r->v[1], "Unexpected error occurred"));
    proc_report_free(r);
    store_close(st);
}

void suite_process(void);
void suite_process(void)
{
    CU_pSuite s = harness_suite("process");
    HARNESS_ADD(s, test_create_with_password);
    HARNESS_ADD(s, test_wrong_password);
    HARNESS_ADD(s, test_modify_needs_old_mntner);
    HARNESS_ADD(s, test_failed_modify_keeps_old);
    HARNESS_ADD(s, test_auto_forward_reference);
    HARNESS_ADD(s, test_auto_circular);
    HARNESS_ADD(s, test_references_and_deletes);
    HARNESS_ADD(s, test_new_mntner_self_auth);
    HARNESS_ADD(s, test_keyword_new);
    HARNESS_ADD(s, test_override);
    HARNESS_ADD(s, test_shed_and_retry);
    HARNESS_ADD(s, test_shed_replaced);
    HARNESS_ADD(s, test_auto_self_reference);
}
