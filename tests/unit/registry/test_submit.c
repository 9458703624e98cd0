/*
 * test_submit.c - the update transaction (src/registry/submit.c) without
 * MIME, against a real store: pieces of text with their credentials, an
 * origin and keywords in; the ack, the queued messages, the outcome and
 * the replay records out.  A create with a password credential (ack text,
 * the ack and the notification queued), a wrong password (FAILED, the
 * store unchanged), a dry run (nothing committed), HELP, a replayed
 * submission, a limit found by the front end, and an HTTP origin (named
 * in the ack and the notification, no ack mailed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/conf.h"
#include "registry/cred.h"
#include "registry/mailout.h"
#include "registry/submit.h"
#include "rpsl/schema.h"
#include "store/queue.h"
#include "store/seen.h"
#include "store/store.h"

/* 2026-04-14T11:33:44Z, a Tuesday */
#define NOW ((time_t)1776166424)
#define HASH "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1" /* "secret" */

static const char *const sb_seed[] = {
    "mntner: TEST-MNT\nadmin-c: TP1-TEST\nupd-to: up@example.net\n"
    "mnt-nfy: nfy@example.net\nauth: MD5-PW " HASH "\nmnt-by: TEST-MNT\nsource: TEST\n",
    "person: Test Person\ne-mail: tp@example.net\nnic-hdl: TP1-TEST\n"
    "mnt-by: TEST-MNT\nsource: TEST\n",
};

/* The person every test submits (its password comes as a credential). */
#define NEW_PERSON "person: New Person\ne-mail: np@example.net\nnic-hdl: NP1-TEST\n" \
                   "mnt-by: TEST-MNT\nsource: TEST\n"

static int sb_seed_unit(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    for (size_t i = 0; i < sizeof sb_seed / sizeof sb_seed[0]; i++) {
        rpsl_obj_t *o = NULL;
        CU_ASSERT_FATAL(rpsl_parse(sb_seed[i], strlen(sb_seed[i]), 1, 0, &o, NULL) == 0);
        CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
        int rc = store_obj_put(txn, o, NOW - 86400, NULL, err);
        rpsl_obj_free(o);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A test's world: the configuration and a fresh store holding the seed. */
struct sb {
    conf_t conf;
    store_t *st;
    cred_list_t creds;          /* the piece's credentials */
};

static void sb_open(struct sb *w, const char *password)
{
    conf_defaults(&w->conf);
    free(w->conf.robot_address);
    w->conf.robot_address = xstrdup("robot@example.net");
    err_t e = ERR_INIT;
    buf_t dir;
    buf_init(&dir);
    buf_printf(&dir, "%s/db", harness_tmpdir());
    int rc = store_open_size(dir.s, 0, 4u << 20, &w->st, &e);
    buf_free(&dir);
    if (rc == 0)
        rc = store_write(w->st, sb_seed_unit, NULL, &e);
    if (rc != 0)
        fprintf(stderr, "store: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    err_free(&e);
    cred_list_init(&w->creds);
    if (password)
        cred_add_password(&w->creds, password, strlen(password));
}

static void sb_close(struct sb *w)
{
    store_close(w->st);
    cred_list_free(&w->creds);
    conf_free(&w->conf);
}

/* A mail from Joe with @text as its one piece (the piece struct is static:
 * one request at a time). */
static submit_req_t sb_mail(struct sb *w, const char *text, const char *subject,
                            const char *identity)
{
    static upd_piece_t piece;
    piece.text = text;
    piece.len = strlen(text);
    piece.creds = &w->creds;
    submit_req_t req = {
        .pieces = &piece, .npieces = 1,
        .origin = { .kind = ORIGIN_MAIL, .from = "Joe <joe@example.net>", .subject = subject,
                    .date = "Tue, 14 Apr 2026 11:30:00 +0000",
                    .reply_to = "Joe <joe@example.net>", .message_id = "<1@example.net>",
                    .reply_addr = "joe@example.net" },
        .keywords = subject, .identity = identity, .replay_key = "mid:<1@example.net>",
        .ref = "0123456789abcdef", .host = "host.example.net", .now = NOW,
    };
    return req;
}

/* Run @req; the submission (submit_free() it). */
static submit_t *sb_run(struct sb *w, const submit_req_t *req)
{
    submit_t *s = NULL;
    err_t e = ERR_INIT;
    int rc = submit_new(&w->conf, req, &s, &e);
    if (rc == 0)
        rc = submit_run(s, w->st, &e);
    if (rc != 0)
        fprintf(stderr, "submit: %s\n", err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    err_free(&e);
    return s;
}

static int sb_rcpt(uint64_t id, const char *rcpt, const char *data, size_t len, void *arg)
{
    (void)id;
    (void)data;
    (void)len;
    if (*rcpt) {                /* not a shared part */
        buf_t *b = arg;
        buf_printf(b, "%s\n", rcpt);
    }
    return 0;
}

/* The recipients of the queued messages, one a line, oldest first. */
static char *sb_queue(struct sb *w)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "");
    store_txn_t *t = NULL;
    CU_ASSERT_FATAL(store_read_begin(w->st, &t, NULL) == 0);
    CU_ASSERT(store_queue_each(t, sb_rcpt, &b, NULL) == 0);
    store_read_end(t);
    return buf_steal(&b);
}

/* Whether the object @key of @cls is in the store. */
static int sb_exists(struct sb *w, int cls, const char *key)
{
    store_txn_t *t = NULL;
    CU_ASSERT_FATAL(store_read_begin(w->st, &t, NULL) == 0);
    int rc = store_obj_get(t, cls, key, NULL, NULL);
    store_read_end(t);
    return rc == 0;
}

/* The replay record of @id ("" when there is none). */
static char *sb_seen(struct sb *w, const char *id)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "");
    store_txn_t *t = NULL;
    CU_ASSERT_FATAL(store_read_begin(w->st, &t, NULL) == 0);
    store_seen_get(t, id, &b, NULL);
    store_read_end(t);
    return buf_steal(&b);
}

/* The text of notification @i, its segments joined (parts left out). */
static char *sb_note_text(const submit_t *s, size_t i)
{
    const notify_list_t *l = submit_notes(s);
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "");
    CU_ASSERT_FATAL(i < l->n);
    for (size_t k = 0; k < l->v[i].nsegs; k++)
        if (l->v[i].segs[k].text)
            buf_put(&b, l->v[i].segs[k].text, l->v[i].segs[k].len);
    return buf_steal(&b);
}

static const char sb_summary_created[] =
    "SUMMARY OF UPDATE:\n"
    "\n"
    "Number of objects found:                   1\n"
    "Number of objects processed successfully:  1\n"
    "  Create:         1\n"
    "  Modify:         0\n"
    "  Delete:         0\n"
    "  No Operation:   0\n"
    "Number of objects processed with errors:   0\n"
    "  Create:         0\n"
    "  Modify:         0\n"
    "  Delete:         0\n"
    "\n"
    "DETAILED EXPLANATION:\n"
    "\n"
    "\n"
    "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
    "The following object(s) were processed SUCCESSFULLY:\n"
    "\n"
    "---\n"
    "Create SUCCEEDED: [person] NP1-TEST   New Person\n"
    "\n"
    "***Info:    Authorised by password for TEST-MNT\n"
    "\n"
    "\n"
    "\n"
    "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
    "\n"
    "This answer comes from the update robot of the TEST database.\n"
    "For assistance or clarification please contact the TEST database\n"
    "administration.\n"
    "\n"
    "Generated by autodbm version " AUTODBM_VERSION " on host.example.net\n";

static void test_create_by_mail(void)
{
    struct sb w;
    sb_open(&w, "secret");
    submit_req_t req = sb_mail(&w, NEW_PERSON, "NEW", "test:create");
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);
    CU_ASSERT_STRING_EQUAL(submit_outcome_name(submit_outcome(s)), "applied");
    CU_ASSERT_PTR_NULL(submit_reason(s));
    CU_ASSERT_STRING_EQUAL(submit_ack_subject(s), "SUCCESS: NEW");
    const char *ack = submit_ack(s)->s;
    buf_t want;
    buf_init(&want);
    buf_printf(&want, ">  From:       Joe <joe@example.net>\n"
                      ">  Subject:    NEW\n"
                      ">  Date:       Tue, 14 Apr 2026 11:30:00 +0000\n"
                      ">  Reply-To:   Joe <joe@example.net>\n"
                      ">  Message-ID: <1@example.net>\n"
                      "\n%s"
                      "Handled email update (TEST, 2026-04-14T11:33:44Z)\n",
               sb_summary_created);
    CU_ASSERT_STRING_EQUAL(ack, want.s);
    buf_free(&want);
    /* the object is stored, the ack and the mnt-nfy: notification queued */
    CU_ASSERT(sb_exists(&w, SC_PERSON, "NP1-TEST"));
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\nnfy@example.net\n");
    free(q);
    CU_ASSERT_EQUAL(submit_notes(s)->n, 1);
    char *note = sb_note_text(s, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(note, "\n- From:      Joe <joe@example.net>\n"
                                        "- Date/Time: Tue Apr 14 11:33:44 UTC 2026\n"));
    free(note);
    /* the ack as queued: a mail to the sender, in reply to its Message-ID */
    const buf_t *raw = submit_ack_queued(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(raw->s, "\nIn-Reply-To: <1@example.net>\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(raw->s, "\nSubject: SUCCESS: NEW\n"));
    CU_ASSERT_STRING_EQUAL(submit_log(s)->s, "objects=1 ok=1 failed=0 notifications=1");
    submit_free(s);
    sb_close(&w);
}

static void test_wrong_password(void)
{
    struct sb w;
    sb_open(&w, "wrong");
    submit_req_t req = sb_mail(&w, NEW_PERSON, "", "test:wrong");
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);   /* processed, the object failed */
    CU_ASSERT_STRING_EQUAL(submit_ack_subject(s), "FAILED: ");
    const char *ack = submit_ack(s)->s;
    CU_ASSERT_PTR_NOT_NULL(strstr(ack, "Number of objects processed with errors:   1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ack, "\n---\nCreate FAILED: [person] NP1-TEST   New Person\n"));
    CU_ASSERT_PTR_NULL(strstr(ack, "wrong"));       /* the password is never echoed */
    CU_ASSERT(!sb_exists(&w, SC_PERSON, "NP1-TEST"));
    /* the ack, and the mntner's upd-to: told of the failed authorisation */
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\nup@example.net\n");
    free(q);
    CU_ASSERT_STRING_EQUAL(submit_log(s)->s, "objects=1 ok=0 failed=1 notifications=1");
    submit_free(s);
    sb_close(&w);
}

static void test_dry_run(void)
{
    struct sb w;
    sb_open(&w, "secret");
    submit_req_t req = sb_mail(&w, NEW_PERSON, "NEW", "test:dry");
    req.dry_run = 1;
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_DRY_RUN);
    CU_ASSERT_STRING_EQUAL(submit_ack_subject(s), "SUCCESS: NEW");
    CU_ASSERT_PTR_NOT_NULL(strstr(submit_ack(s)->s,
        "Create SUCCEEDED: [person] NP1-TEST   New Person\n\n"
        "***Info:    Authorised by password for TEST-MNT\n\n"
        "***Info:    Dry-run performed, no changes to the database have been made\n"));
    /* nothing committed: no object, nothing queued, no replay record */
    CU_ASSERT(!sb_exists(&w, SC_PERSON, "NP1-TEST"));
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "");
    free(q);
    CU_ASSERT_EQUAL(submit_ack_queued(s)->len, 0);
    submit_free(s);
    req.dry_run = 0;
    s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);
    CU_ASSERT(sb_exists(&w, SC_PERSON, "NP1-TEST"));
    submit_free(s);
    sb_close(&w);
}

static void test_help(void)
{
    struct sb w;
    sb_open(&w, NULL);
    submit_req_t req = sb_mail(&w, NEW_PERSON, "help", "test:help");
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_HELP);
    CU_ASSERT_STRING_EQUAL(submit_ack_subject(s), "SUCCESS: help");
    const char *ack = submit_ack(s)->s;
    CU_ASSERT_PTR_NOT_NULL(strstr(ack, ">  Message-ID: <1@example.net>\n\n"
                                       "You have requested Help information from the TEST "
                                       "Database,\ntherefore the body of your message has "
                                       "been ignored.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ack, "\nHandled email help request (TEST, "
                                       "2026-04-14T11:33:44Z)\n"));
    CU_ASSERT(!sb_exists(&w, SC_PERSON, "NP1-TEST"));    /* the body is ignored */
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\n");
    free(q);
    submit_free(s);
    /* recorded as handled */
    char *rec = sb_seen(&w, "test:help");
    CU_ASSERT_STRING_EQUAL(rec, "1776166424 help");
    free(rec);
    /* the same HELP submission redelivered an hour later: recognised, not
     * answered again (a redelivery is never answered twice) */
    req.now = NOW + 3600;
    s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_HANDLED_BEFORE);
    CU_ASSERT_EQUAL(submit_ack(s)->len, 0);
    q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\n");     /* still the one ack */
    free(q);
    submit_free(s);
    sb_close(&w);
}

static void test_replay(void)
{
    struct sb w;
    sb_open(&w, "secret");
    submit_req_t req = sb_mail(&w, NEW_PERSON, "", "test:replay");
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);
    submit_free(s);
    /* the same submission an hour later: recognised, not applied or answered */
    req.now = NOW + 3600;
    s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_HANDLED_BEFORE);
    CU_ASSERT_STRING_EQUAL(submit_outcome_name(submit_outcome(s)), "already-handled");
    CU_ASSERT_STRING_EQUAL(submit_reason(s), "redelivered: not applied or answered again");
    CU_ASSERT_EQUAL(submit_ack(s)->len, 0);
    long when = 0;
    const char *record = NULL;
    submit_seen(s, &when, &record);
    CU_ASSERT_EQUAL(when, (long)NOW);
    CU_ASSERT_STRING_EQUAL(record, "ok=1 failed=0");
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\nnfy@example.net\n");   /* nothing more */
    free(q);
    submit_free(s);
    /* another submission reusing the replay key is handled, and noted */
    req.identity = "test:other";
    s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);    /* a noop now */
    CU_ASSERT_PTR_NOT_NULL(strstr(submit_log(s)->s, "message-id-reused=yes"));
    submit_free(s);
    sb_close(&w);
}

static void test_front_end_limit(void)
{
    struct sb w;
    sb_open(&w, "secret");
    submit_req_t req = sb_mail(&w, NEW_PERSON, "NEW", "test:limit");
    req.limit = "it is larger than 10 bytes (max_mail_size)";
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_REFUSED);
    CU_ASSERT_STRING_EQUAL(submit_reason(s), req.limit);
    CU_ASSERT_STRING_EQUAL(submit_ack_subject(s), "FAILED: NEW");
    CU_ASSERT_PTR_NOT_NULL(strstr(submit_ack(s)->s,
        "***Error:   The mail was not processed: it is larger than 10 bytes\n"
        "            (max_mail_size). Nothing was changed. Please split the update into\n"
        "            smaller mails.\n"));
    CU_ASSERT(!sb_exists(&w, SC_PERSON, "NP1-TEST"));
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "joe@example.net\n");
    free(q);
    submit_free(s);
    sb_close(&w);
}

static void test_http_origin(void)
{
    struct sb w;
    sb_open(&w, "secret");
    upd_piece_t piece = { NEW_PERSON, strlen(NEW_PERSON), &w.creds };
    submit_req_t req = {
        .pieces = &piece, .npieces = 1,
        .origin = { .kind = ORIGIN_HTTP, .client = "192.0.2.7", .user_agent = "curl/8.0" },
        .keywords = "NEW", .identity = NULL, .ref = "0123456789abcdef",
        .host = "host.example.net", .now = NOW,
    };
    submit_t *s = sb_run(&w, &req);
    CU_ASSERT_EQUAL(submit_outcome(s), SUBMIT_APPLIED);
    buf_t want;
    buf_init(&want);
    buf_printf(&want, "- From-Host: 192.0.2.7\n"
                      "- Date/Time: Tue Apr 14 11:33:44 2026Z\n"
                      "\n%s"
                      "Handled sync update (TEST, 2026-04-14T11:33:44Z)\n",
               sb_summary_created);
    CU_ASSERT_STRING_EQUAL(submit_ack(s)->s, want.s);
    buf_free(&want);
    /* the ack is the response: only the notification is queued */
    CU_ASSERT_EQUAL(submit_ack_queued(s)->len, 0);
    char *q = sb_queue(&w);
    CU_ASSERT_STRING_EQUAL(q, "nfy@example.net\n");
    free(q);
    char *note = sb_note_text(s, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(note, "\nThe update was sent by:\n\n"
                                        "- From-Host: 192.0.2.7\n"
                                        "- Date/Time: Tue Apr 14 11:33:44 2026Z\n\n"));
    CU_ASSERT_PTR_NULL(strstr(note, "- From: "));
    free(note);
    submit_free(s);
    sb_close(&w);
}

void suite_submit(void);

void suite_submit(void)
{
    mailout_init();     /* GMime composes the queued mails */
    CU_pSuite s = harness_suite("submit");
    HARNESS_ADD(s, test_create_by_mail);
    HARNESS_ADD(s, test_wrong_password);
    HARNESS_ADD(s, test_dry_run);
    HARNESS_ADD(s, test_help);
    HARNESS_ADD(s, test_replay);
    HARNESS_ADD(s, test_front_end_limit);
    HARNESS_ADD(s, test_http_origin);
}
