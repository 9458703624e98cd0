/*
 * test_notify.c - notifications (src/registry/notify.c) against a real store:
 * the address x object matrix (one mail per address covering exactly its
 * objects, sorted, case-insensitive), upd-to: only on authorisation
 * failures, the robot's address and dry runs, references added and
 * removed (irt-nfy:, ref-nfy:) and filtered auth: hashes (the unified line diff of
 * modify entries: tests/unit/util/test_textdiff.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "robot/mailin.h"
#include "registry/notify.h"
#include "registry/process.h"
#include "rpsl/schema.h"
#include "store/store.h"

/* 2026-04-14T11:33:44Z, a Tuesday */
#define NOW ((time_t)1776166424)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static rpsl_obj_t *nt_obj(const char *text)
{
    rpsl_obj_t *o = NULL;
    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
    return o;
}

static const char *const nt_seed[] = {
    "mntner:  A-MNT\n"
    "descr:   a\n"
    "admin-c: P1-TEST\n"
    "upd-to:  a-upd@example.net\n"
    "mnt-nfy: a-nfy@example.net\n"
    "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:  A-MNT\n"
    "source:  TEST\n",
    "mntner:  B-MNT\n"
    "descr:   b\n"
    "admin-c: P1-TEST\n"
    "upd-to:  b-upd@example.net\n"
    "mnt-nfy: shared@example.net\n"
    "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:  B-MNT\n"
    "source:  TEST\n",
    "mntner:  C-MNT\n"
    "descr:   c\n"
    "admin-c: P1-TEST\n"
    "upd-to:  c-upd@example.net\n"
    "mnt-nfy: Shared@Example.NET\n"
    "mnt-nfy: robot@example.net\n"
    "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:  C-MNT\n"
    "source:  TEST\n",
    "irt:     IRT-X\n"
    "address: Street 1\n"
    "e-mail:  irt@example.net\n"
    "irt-nfy: irt-nfy@example.net\n"
    "admin-c: P1-TEST\n"
    "tech-c:  P1-TEST\n"
    "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:  A-MNT\n"
    "source:  TEST\n",
    "organisation: ORG-XA1-TEST\n"
    "org-name: X\n"
    "org-type: OTHER\n"
    "address: Street 1\n"
    "e-mail:  org@example.net\n"
    "ref-nfy: ref-nfy@example.net\n"
    "mnt-ref: A-MNT\n"
    "mnt-by:  A-MNT\n"
    "source:  TEST\n",
};

static int nt_seed_unit(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    for (size_t i = 0; i < sizeof nt_seed / sizeof nt_seed[0]; i++) {
        rpsl_obj_t *o = nt_obj(nt_seed[i]);
        int rc = store_obj_put(txn, o, NOW, NULL, err);
        rpsl_obj_free(o);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/** A fresh store holding the seed objects, and a read snapshot of it. */
static store_t *nt_store(store_txn_t **txn)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    buf_t dir;
    buf_init(&dir);
    buf_printf(&dir, "%s/db", harness_tmpdir());
    int rc = store_open_size(dir.s, 0, 4u << 20, &st, &e);
    if (rc != 0)
        fprintf(stderr, "store_open: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    buf_free(&dir);
    rc = store_write(st, nt_seed_unit, NULL, &e);
    if (rc != 0)
        fprintf(stderr, "seed: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_FATAL(store_read_begin(st, txn, &e) == 0);
    err_free(&e);
    return st;
}

static proc_report_t *nt_report(void)
{
    proc_report_t *r = xcalloc(1, sizeof *r);
    strv_init(&r->not_objects);
    diag_list_init(&r->global);
    return r;
}

/** Append a result; @old_text / @new_text may be NULL.  The submitted
 *  object is @new_text, else @old_text.  Valid until the next nt_add(). */
static proc_result_t *nt_add(proc_report_t *r, enum proc_op op, int ok,
                             const char *old_text, const char *new_text)
{
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    proc_result_t *x = &r->v[r->n];
    memset(x, 0, sizeof *x);
    diag_list_init(&x->diags);
    strv_init(&x->auth_by);
    strv_init(&x->upd_to);
    x->op = op;
    x->ok = ok;
    x->submitted = nt_obj(new_text ? new_text : old_text);
    x->cls = x->submitted->cls;
    x->key = proc_key_display(x->submitted);
    if (old_text != NULL)
        x->old = nt_obj(old_text);
    if (ok && new_text != NULL && op != PROC_DELETE)
        x->stored = nt_obj(new_text);
    x->para = r->n;
    r->n++;
    return x;
}

static const origin_t nt_origin = { .from = "Joe <joe@example.net>" };

static const notify_opts_t nt_opts = {
    "TEST", "ROBOT@example.net", &nt_origin, NOW, 0, 0, 0
};

static void nt_build(store_txn_t *txn, const proc_report_t *r, notify_list_t *l)
{
    err_t e = ERR_INIT;
    int rc = notify_build(txn, r, &nt_opts, l, &e);
    if (rc != 0)
        fprintf(stderr, "notify_build: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    err_free(&e);
}

/** Number of occurrences of @needle in @s. */
static size_t nt_count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void nt_done(store_t *st, store_txn_t *txn, proc_report_t *r,
                    notify_list_t *l)
{
    notify_list_free(l);
    proc_report_free(r);
    store_read_end(txn);
    store_close(st);
}

#define P1_NEW \
    "person:  Person One\n" \
    "address: Street 1\n" \
    "phone:   +31 20 1234567\n" \
    "nic-hdl: P1-TEST\n" \
    "notify:  p1@example.net\n" \
    "mnt-by:  A-MNT\n" \
    "source:  TEST\n"

#define P2_OLD \
    "person:  Person Two\n" \
    "address: Street 2\n" \
    "phone:   +31 20 1234567\n" \
    "nic-hdl: P2-TEST\n" \
    "notify:  old@example.net\n" \
    "mnt-by:  B-MNT\n" \
    "source:  TEST\n"

#define P2_NEW \
    "person:  Person Two\n" \
    "address: Street 2\n" \
    "phone:   +31 20 7654321\n" \
    "nic-hdl: P2-TEST\n" \
    "notify:  new@example.net\n" \
    "mnt-by:  C-MNT\n" \
    "source:  TEST\n"

#define P3 \
    "person:  Person Three\n" \
    "address: Street 3\n" \
    "phone:   +31 20 1234567\n" \
    "nic-hdl: P3-TEST\n" \
    "notify:  p3@example.net\n" \
    "mnt-by:  A-MNT\n" \
    "source:  TEST\n"

#define P5 \
    "person:  Person Five\n" \
    "address: Street 5\n" \
    "phone:   +31 20 1234567\n" \
    "nic-hdl: P5-TEST\n" \
    "notify:  P1@example.net\n" \
    "mnt-by:  B-MNT\n" \
    "source:  TEST\n"

/* ------------------------------------------------------------------ */
/* Tests                                                              */

static void test_matrix(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    nt_add(r, PROC_CREATE, 1, NULL, P1_NEW);
    nt_add(r, PROC_MODIFY, 1, P2_OLD, P2_NEW);
    nt_add(r, PROC_NOOP, 1, P3, P3);
    nt_add(r, PROC_CREATE, 0, NULL, P3);           /* failed, not auth */
    proc_result_t *x = nt_add(r, PROC_DELETE, 1, P5, NULL);
    x->delete_reason = xstrdup("not needed any more");

    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 4);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "a-nfy@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[1].to, "old@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[2].to, "p1@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[3].to, "shared@example.net");
    for (size_t i = 0; i < l.n; i++) {
        CU_ASSERT_STRING_EQUAL(l.v[i].subject, "Notification of TEST database changes");
        CU_ASSERT(strstr(l.v[i].body, "\n- From:      Joe <joe@example.net>\n"
                                      "- Date/Time: Tue Apr 14 11:33:44 UTC 2026\n") != NULL);
        CU_ASSERT(strstr(l.v[i].body, "REQUESTED FOR") == NULL);
        CU_ASSERT(strstr(l.v[i].body, "P3-TEST") == NULL);
        CU_ASSERT(strstr(l.v[i].body, "robot@") == NULL);
    }

    /* a-nfy: only the create of P1 (A-MNT's mnt-nfy:). */
    const char *b = l.v[0].body;
    CU_ASSERT(strstr(b, "    mnt-nfy: of [mntner] A-MNT\n") != NULL);
    CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 1);
    CU_ASSERT(strstr(b, "---\nOBJECT BELOW CREATED:\n\nperson:         Person One\n") != NULL);

    /* old@: the notify: of P2's old version, not new@. */
    b = l.v[1].body;
    CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 1);
    CU_ASSERT(strstr(b, "    notify: of [person] P2-TEST   Person Two\n") != NULL);
    CU_ASSERT(strstr(b, "OBJECT BELOW MODIFIED:") != NULL);

    /* p1@: P1 created and P5 deleted (P5 lists "P1@example.net"). */
    b = l.v[2].body;
    CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 2);
    CU_ASSERT(strstr(b, "OBJECT BELOW CREATED:\n\nperson:         Person One\n") != NULL);
    CU_ASSERT(strstr(b, "OBJECT BELOW DELETED:\n\nperson:         Person Five\n") != NULL);
    CU_ASSERT(strstr(b, "OBJECT BELOW CREATED") < strstr(b, "OBJECT BELOW DELETED"));
    CU_ASSERT(strstr(b, "source:         TEST\n\n***Info:    not needed any more\n") != NULL);
    CU_ASSERT(strstr(b, "Person Two") == NULL);

    /* shared@: B-MNT and C-MNT (two spellings) for P2, B-MNT for P5. */
    b = l.v[3].body;
    CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 2);
    CU_ASSERT(strstr(b, "    mnt-nfy: of [mntner] B-MNT\n") != NULL);
    CU_ASSERT(strstr(b, "    mnt-nfy: of [mntner] C-MNT\n") != NULL);
    CU_ASSERT(strstr(b, "OBJECT BELOW MODIFIED:") != NULL);
    CU_ASSERT(strstr(b, "OBJECT BELOW DELETED:") != NULL);
    CU_ASSERT(strstr(b, "Person One") == NULL);
    nt_done(st, txn, r, &l);
}

static void test_modify_text(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    nt_add(r, PROC_MODIFY, 1, P2_OLD, P2_NEW);
    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "old@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[0].body,
        "This is to notify you of changes in the TEST database.\n"
        "\n"
        "You receive this mail because your address is listed in:\n"
        "\n"
        "    notify: of [person] P2-TEST   Person Two\n"
        "\n"
        "The update was sent by:\n"
        "\n"
        "- From:      Joe <joe@example.net>\n"
        "- Date/Time: Tue Apr 14 11:33:44 UTC 2026\n"
        "\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "The following object(s) in the TEST database, which you either\n"
        "maintain or are listed in as to-be-notified, have been created,\n"
        "changed or deleted:\n"
        "\n"
        "---\n"
        "OBJECT BELOW MODIFIED:\n"
        "\n"
        "@@ -2,6 +2,6 @@\n"
        " address:        Street 2\n"
        "-phone:          +31 20 1234567\n"
        "+phone:          +31 20 7654321\n"
        " nic-hdl:        P2-TEST\n"
        "-notify:         old@example.net\n"
        "-mnt-by:         B-MNT\n"
        "+notify:         new@example.net\n"
        "+mnt-by:         C-MNT\n"
        " source:         TEST\n"
        "\n"
        "THIS IS THE NEW VERSION OF THE OBJECT:\n"
        "\n"
        "person:         Person Two\n"
        "address:        Street 2\n"
        "phone:          +31 20 7654321\n"
        "nic-hdl:        P2-TEST\n"
        "notify:         new@example.net\n"
        "mnt-by:         C-MNT\n"
        "source:         TEST\n"
        "\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "\n"
        "This mail was generated by the update robot of the TEST database.\n");
    nt_done(st, txn, r, &l);
}

static void test_auth_failure(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    /* Modify: upd-to: of proc_result.upd_to (A-MNT) and of the old
     * version's mnt-by (B-MNT); not of the submitted C-MNT; no notify:. */
    proc_result_t *x = nt_add(r, PROC_MODIFY, 0, P2_OLD, P2_NEW);
    x->auth_failed = 1;
    strv_add(&x->upd_to, "A-MNT");
    /* Create of a mntner that maintains itself: its own upd-to:. */
    x = nt_add(r, PROC_CREATE, 0, NULL,
               "mntner:  D-MNT\n"
               "descr:   d\n"
               "admin-c: P1-TEST\n"
               "upd-to:  d-upd@example.net\n"
               "mnt-nfy: d-nfy@example.net\n"
               "notify:  d-notify@example.net\n"
               "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
               "mnt-by:  D-MNT\n"
               "source:  TEST\n");
    x->auth_failed = 1;

    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "a-upd@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[1].to, "b-upd@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[2].to, "d-upd@example.net");
    for (size_t i = 0; i < l.n; i++) {
        const char *b = l.v[i].body;
        CU_ASSERT_STRING_EQUAL(l.v[i].subject,
                               "TEST database updates, auth error notification");
        CU_ASSERT(strstr(b, "OBJECT BELOW") == NULL);
        CU_ASSERT(strstr(b, "$1$") == NULL);
        CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 1);
    }
    const char *b = l.v[0].body;
    CU_ASSERT(strstr(b, "    upd-to: of [mntner] A-MNT\n") != NULL);
    CU_ASSERT(strstr(b,
        "---\n"
        "MODIFY REQUESTED FOR:\n"
        "\n"
        "person:         Person Two\n"
        "address:        Street 2\n"
        "phone:          +31 20 1234567\n"
        "nic-hdl:        P2-TEST\n"
        "notify:         old@example.net\n"
        "mnt-by:         B-MNT\n"
        "source:         TEST\n"
        "\n"
        "@@ -2,6 +2,6 @@\n") != NULL);
    CU_ASSERT(strstr(l.v[1].body, "    upd-to: of [mntner] B-MNT\n") != NULL);
    b = l.v[2].body;
    CU_ASSERT(strstr(b, "---\nCREATE REQUESTED FOR:\n\nmntner:         D-MNT\n") != NULL);
    CU_ASSERT(strstr(b, "auth:           MD5-PW # Filtered\n") != NULL);
    nt_done(st, txn, r, &l);
}

static void test_robot_and_dry_run(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    nt_add(r, PROC_CREATE, 1, NULL,
           "person:  Person Six\n"
           "address: Street 6\n"
           "phone:   +31 20 1234567\n"
           "nic-hdl: P6-TEST\n"
           "notify:  robot@EXAMPLE.net\n"
           "mnt-by:  C-MNT\n"
           "source:  TEST\n");
    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "Shared@Example.NET");
    notify_list_free(&l);
    CU_ASSERT_EQUAL(l.n, 0);

    r->dry_run = 1;
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL(l.n, 0);
    nt_done(st, txn, r, &l);
}

/* A person and its mntner deleted in one update: the mntner is gone from
 * the store when the notifications are built, yet its mnt-nfy: hears of
 * both deletions (it was left out of the person's). */
static void test_deleted_mntner(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    const char *p9 =
        "person:  Person Nine\n"
        "address: Street 9\n"
        "nic-hdl: P9-TEST\n"
        "mnt-by:  D-MNT\n"
        "source:  TEST\n";
    const char *d =
        "mntner:  D-MNT\n"
        "admin-c: P9-TEST\n"
        "upd-to:  d-upd@example.net\n"
        "mnt-nfy: d-nfy@example.net\n"
        "auth:    MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
        "mnt-by:  D-MNT\n"
        "source:  TEST\n";
    nt_add(r, PROC_DELETE, 1, p9, NULL);
    nt_add(r, PROC_DELETE, 1, d, NULL);
    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "d-nfy@example.net");
    CU_ASSERT_EQUAL(nt_count(l.v[0].body, "OBJECT BELOW DELETED:"), 2);
    CU_ASSERT(strstr(l.v[0].body, "nic-hdl:        P9-TEST\n") != NULL);
    CU_ASSERT(strstr(l.v[0].body, "mntner:         D-MNT\n") != NULL);
    nt_done(st, txn, r, &l);
}

static void test_references(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    /* Adds mnt-irt: IRT-X, removes org: ORG-XA1-TEST. */
    nt_add(r, PROC_MODIFY, 1,
           "inetnum: 192.0.2.0 - 192.0.2.255\n"
           "netname: NET\n"
           "org:     ORG-XA1-TEST\n"
           "mnt-by:  A-MNT\n"
           "source:  TEST\n",
           "inetnum: 192.0.2.0 - 192.0.2.255\n"
           "netname: NET\n"
           "mnt-irt: IRT-X\n"
           "mnt-by:  A-MNT\n"
           "source:  TEST\n");
    /* Unchanged references tell nobody; a missing irt is skipped. */
    nt_add(r, PROC_MODIFY, 1,
           "inetnum: 198.51.100.0 - 198.51.100.255\n"
           "netname: NET1\n"
           "mnt-irt: IRT-X, IRT-MISSING\n"
           "source:  TEST\n",
           "inetnum: 198.51.100.0 - 198.51.100.255\n"
           "netname: NET2\n"
           "mnt-irt: irt-x\n"
           "source:  TEST\n");
    notify_list_t l = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &l);
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    CU_ASSERT_STRING_EQUAL(l.v[0].to, "a-nfy@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[1].to, "irt-nfy@example.net");
    CU_ASSERT_STRING_EQUAL(l.v[2].to, "ref-nfy@example.net");
    for (size_t i = 1; i < 3; i++) {
        const char *b = l.v[i].body;
        CU_ASSERT(strstr(b, "added or removed\nreferences to objects you are listed in as "
                            "to-be-notified:\n") != NULL);
        CU_ASSERT_EQUAL(nt_count(b, "\n---\n"), 1);
        CU_ASSERT(strstr(b, "192.0.2.0 - 192.0.2.255") != NULL);
        CU_ASSERT(strstr(b, "198.51.100.0") == NULL);
    }
    CU_ASSERT(strstr(l.v[1].body, "    irt-nfy: of [irt] IRT-X\n") != NULL);
    CU_ASSERT(strstr(l.v[2].body, "    ref-nfy: of [organisation] ORG-XA1-TEST\n") != NULL);
    nt_done(st, txn, r, &l);
}

/* Shared mode: the same texts as segments over parts, each object entry
 * built once however many addresses are told about it; the bound on the
 * addresses (max_recipients), found before any text is built; and the
 * bound on the bytes of the mails as delivered (max_notify_bytes). */
static void test_shared_and_bound(void)
{
    store_txn_t *txn;
    store_t *st = nt_store(&txn);
    proc_report_t *r = nt_report();
    nt_add(r, PROC_CREATE, 1, NULL,
           "person:  Person Many\n"
           "address: Street 1\n"
           "phone:   +31 20 1234567\n"
           "nic-hdl: PM-TEST\n"
           "notify:  m1@example.net\n"
           "notify:  Em Two <m2@example.net>\n"
           "notify:  m3@example.net (three)\n"
           "mnt-by:  A-MNT\n"
           "source:  TEST\n");
    nt_add(r, PROC_MODIFY, 1, P2_OLD, P2_NEW);

    notify_list_t plain = { NULL, 0, 0, NULL, 0 }, shared = { NULL, 0, 0, NULL, 0 };
    nt_build(txn, r, &plain);
    notify_opts_t o = nt_opts;
    o.shared = 1;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(notify_build(txn, r, &o, &shared, &e), 0);
    CU_ASSERT_EQUAL_FATAL(plain.n, shared.n);
    CU_ASSERT(plain.n >= 5);
    CU_ASSERT_EQUAL(shared.nparts, 2);      /* two objects: two parts */
    for (size_t i = 0; i < shared.n; i++) {
        CU_ASSERT_PTR_NULL(shared.v[i].body);
        CU_ASSERT_STRING_EQUAL(shared.v[i].to, plain.v[i].to);
        buf_t j;
        buf_init(&j);
        for (size_t k = 0; k < shared.v[i].nsegs; k++) {
            const mailout_seg_t *g = &shared.v[i].segs[k];
            const char *t = g->text ? g->text : shared.parts[g->part].text;
            size_t n = g->text ? g->len : shared.parts[g->part].len;
            CU_ASSERT(n > 0 && t[n - 1] == '\n');   /* mailout's condition */
            buf_put(&j, t, n);
        }
        CU_ASSERT_STRING_EQUAL(j.s, plain.v[i].body);
        buf_free(&j);
    }
    CU_ASSERT_STRING_EQUAL(shared.v[0].to, "a-nfy@example.net");
    notify_list_free(&shared);

    /* one address more than allowed: ERR_LIMIT, nothing built */
    o.max_recipients = (unsigned)plain.n - 1;
    CU_ASSERT_EQUAL(notify_build(txn, r, &o, &shared, &e), ERR_LIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "max_recipients"));
    CU_ASSERT_EQUAL(shared.n, 0);
    err_free(&e);
    o.max_recipients = (unsigned)plain.n;
    CU_ASSERT_EQUAL(notify_build(txn, r, &o, &shared, &e), 0);
    CU_ASSERT_EQUAL(shared.n, plain.n);
    notify_list_free(&shared);

    /* the bytes of all the mails as delivered (max_notify_bytes), shared
     * or not: one byte less than they make is ERR_LIMIT, nothing kept */
    size_t total = 0;
    for (size_t i = 0; i < plain.n; i++) {
        mailout_msg_t m = { MAILOUT_NOTIFY, o.robot_address, plain.v[i].to,
                            plain.v[i].subject, plain.v[i].body, NULL, o.now };
        buf_t w;
        buf_init(&w);
        CU_ASSERT_EQUAL(mailout_compose(&m, &w, &e), 0);
        total += w.len;
        buf_free(&w);
    }
    o.max_recipients = 0;
    for (int sh = 0; sh < 2; sh++) {
        o.shared = sh;
        o.max_notify_bytes = total - 1;
        CU_ASSERT_EQUAL(notify_build(txn, r, &o, &shared, &e), ERR_LIMIT);
        CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "max_notify_bytes"));
        CU_ASSERT_EQUAL(shared.n, 0);
        CU_ASSERT_EQUAL(shared.nparts, 0);
        err_free(&e);
        o.max_notify_bytes = total;
        CU_ASSERT_EQUAL(notify_build(txn, r, &o, &shared, &e), 0);
        CU_ASSERT_EQUAL(shared.n, plain.n);
        notify_list_free(&shared);
    }
    nt_done(st, txn, r, &plain);
}

void suite_notify(void);

void suite_notify(void)
{
    mailin_init();      /* GMime (max_notify_bytes measures the mails) */
    CU_pSuite s = harness_suite("notify");
    HARNESS_ADD(s, test_matrix);
    HARNESS_ADD(s, test_modify_text);
    HARNESS_ADD(s, test_auth_failure);
    HARNESS_ADD(s, test_robot_and_dry_run);
    HARNESS_ADD(s, test_references);
    HARNESS_ADD(s, test_deleted_mntner);
    HARNESS_ADD(s, test_shared_and_bound);
}
