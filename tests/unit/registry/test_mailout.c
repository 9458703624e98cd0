/*
 * test_mailout.c - composing outgoing mail: the body is sent as the UTF-8
 * it is (also when every character would fit in Latin-1), labelled
 * charset=utf-8, and reads back unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "util/fsutil.h"
#include "harness.h"
#include "robot/mailin.h"
#include "registry/mailout.h"
#include "store/store.h"
#include "store/queue.h"

static void compose(const char *body, buf_t *out)
{
    mailout_msg_t m = {
        MAILOUT_NOTIFY, "auto-dbm@example.net", "someone@example.com",
        "Notification of TEST database changes", body, NULL, 1767268800
    };
    err_t err = ERR_INIT;
    CU_ASSERT_EQUAL(mailout_compose(&m, out, &err), 0);
    err_free(&err);
}

/* The Message-ID names the robot's domain (of its From: address), not
 * the host the robot runs on. */
static void test_message_id_domain(void)
{
    buf_t out;
    buf_init(&out);
    compose("x\n", &out);
    const char *mid = strstr(out.s, "\nMessage-Id: <");
    CU_ASSERT_PTR_NOT_NULL(mid);
    if (mid != NULL) {
        size_t len = strcspn(mid + 1, "\r\n");
        CU_ASSERT(len > 13 && strncmp(mid + 1 + len - 13, "@example.net>", 13) == 0);
    }
    buf_free(&out);
}

/* Text that fits in Latin-1 stays UTF-8 (it was re-encoded as ISO-8859-1
 * but labelled utf-8). */
static void test_latin1_range_stays_utf8(void)
{
    const char *body = "address:        M\xc3\xbchlenstra\xc3\x9f" "e 5\n"
                       "address:        K\xc3\xb6ln\n";
    buf_t out;
    buf_init(&out);
    compose(body, &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "charset=utf-8"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "iso-8859-1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "K=C3=B6ln"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "K=F6ln"));

    mailin_msg_t *m = NULL;
    err_t err = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(mailin_parse(out.s, out.len, NULL, &m, &err), 0);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, body);
    mailin_free(m);
    err_free(&err);
    buf_free(&out);
}

/* Plain ASCII is sent 7bit, other scripts quoted-printable UTF-8. */
static void test_ascii_and_cyrillic(void)
{
    buf_t out;
    buf_init(&out);
    compose("source:         TEST\n", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Content-Transfer-Encoding: 7bit"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "\n\nsource:         TEST\n"));
    buf_reset(&out);
    compose("remarks:        \xd0\x9f\n", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Content-Transfer-Encoding: quoted-printable"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "=D0=9F"));
    buf_free(&out);
}

/* The recipients outgoing mail accepts: bare addr-specs as the one e-mail
 * parser (syntax_email_address) returns them, quoted local parts too;
 * never a display name, a list, a header break or non-ASCII. */
static void test_recipients(void)
{
    static const struct { const char *to; int ok; } v[] = {
        { "someone@example.com", 1 },
        { "\"odd..name\"@example.org", 1 },
        { "\"a b\"@example.org", 1 },
        { "Joe <joe@example.org>", 0 },
        { "joe@example.org (Joe)", 0 },
        { "a@example.org, b@example.org", 0 },
        { "a@example.org\nBcc: x@evil.example", 0 },
        { "us\xc3\xa9r@example.org", 0 },
        { "\"a\\\"b\"@example.org", 0 },
        { "", 0 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        mailout_msg_t m = {
            MAILOUT_NOTIFY, "auto-dbm@example.net", v[i].to, "s", "body\n", NULL, 1767268800
        };
        buf_t out;
        buf_init(&out);
        err_t err = ERR_INIT;
        int rc = mailout_compose(&m, &out, &err);
        if ((rc == 0) != v[i].ok)
            fprintf(stderr, "recipient %s: %d\n", v[i].to, rc);
        CU_ASSERT_EQUAL(rc == 0, v[i].ok);
        CU_ASSERT(rc == 0 || rc == ERR_SYNTAX);
        buf_free(&out);
        err_free(&err);
    }
}

/* Shared parts (mailout.h): two notifications queued as recipes over one
 * part are delivered byte for byte as mailout_compose() makes each joined
 * text, in 7bit and in quoted-printable (non-ASCII, '=', trailing blanks,
 * a line over 900 bytes in the part), and the part leaves the queue with
 * the last message; mailout_segs_size() is their size as delivered. */
struct segq {
    const mailout_seg_t *segs;
    size_t nsegs;
    mailout_part_t *parts;
    const char *to[2];
};

static int queue_segs(store_txn_t *txn, void *arg, err_t *err)
{
    struct segq *q = arg;
    for (int i = 0; i < 2; i++) {
        mailout_msg_t m = { MAILOUT_NOTIFY, "auto-dbm@example.net", q->to[i], "s", NULL, NULL,
                            1767268800 };
        int rc = mailout_compose_queue_segs(txn, &m, q->segs, q->nsegs, q->parts, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int count_entries(uint64_t id, const char *rcpt, const char *data, size_t len, void *arg)
{
    (void)id;
    (void)rcpt;
    (void)data;
    (void)len;
    (*(size_t *)arg)++;
    return 0;
}

/* The body (after the first blank line) of @s. */
static const char *body_of(const char *s)
{
    const char *b = strstr(s, "\n\n");
    return b ? b + 2 : s;
}

static void check_shared(const char *head, const char *part, const char *tail, int tag)
{
    char *dir = xasprintf("%s/segs%d", harness_tmpdir(), tag);
    conf_t c;
    conf_defaults(&c);
    free(c.database);
    free(c.outbox);
    c.database = xasprintf("%s/db", dir);
    c.outbox = xasprintf("%s/outbox", dir);
    store_t *st = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(fs_mkdirs(c.database, 0700), 0);
    CU_ASSERT_EQUAL_FATAL(store_open(c.database, 0, &st, &e), 0);
    mailout_part_t parts[1] = { { xstrdup(part), strlen(part), { 0, 0 }, { 0, 0 }, 0 } };
    mailout_seg_t segs[3] = { { (char *)head, strlen(head), -1 }, { NULL, 0, 0 },
                              { (char *)tail, strlen(tail), -1 } };
    struct segq q = { segs, 3, parts, { "a@example.org", "b@example.org" } };
    CU_ASSERT_EQUAL_FATAL(store_write(st, queue_segs, &q, &e), 0);
    size_t n = 0;
    store_txn_t *t = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, &e), 0);
    store_queue_each(t, count_entries, &n, &e);
    store_read_end(t);
    CU_ASSERT_EQUAL(n, 3);      /* the part once, two recipes */

    char *joined = xasprintf("%s%s%s", head, part, tail);
    buf_t want;
    buf_init(&want);
    mailout_msg_t m = { MAILOUT_NOTIFY, "auto-dbm@example.net", "a@example.org", "s", joined,
                        NULL, 1767268800 };
    CU_ASSERT_EQUAL(mailout_compose(&m, &want, &e), 0);
    /* measured without composing: the size of the message as delivered
     * (the Message-ID of one process has one length); twice the same */
    size_t size = 0;
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(mailout_segs_size(&m, segs, 3, parts, &size, &e), 0);
        CU_ASSERT_EQUAL(size, want.len);
    }
    CU_ASSERT_NOT_EQUAL(parts[0].size[tag == 2], 0);
    CU_ASSERT_EQUAL(parts[0].size[tag != 2], 0);

    mailout_stats_t ms;
    CU_ASSERT_EQUAL(mailout_flush(st, &c, &ms, &e), 0);
    CU_ASSERT_EQUAL(ms.delivered, 2);
    n = 0;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, &e), 0);
    store_queue_each(t, count_entries, &n, &e);
    store_read_end(t);
    CU_ASSERT_EQUAL(n, 0);      /* the part left with the last message */

    char *cmd = xasprintf("cat %s/new/*", c.outbox);
    FILE *fp = popen(cmd, "r");
    buf_t got;
    buf_init(&got);
    char chunk[4096];
    size_t k;
    while (fp && (k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_put(&got, chunk, k);
    if (fp)
        pclose(fp);
    /* both messages are the joined text, encoded as mailout_compose() does */
    const char *wb = body_of(want.s);
    const char *g1 = body_of(got.s);
    CU_ASSERT(strncmp(g1, wb, strlen(wb)) == 0);
    const char *next = strlen(g1) > strlen(wb) ? g1 + strlen(wb) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(next);
    CU_ASSERT_PTR_NOT_NULL(strstr(next, "\nTo: "));
    CU_ASSERT_STRING_EQUAL(body_of(next), wb);
    CU_ASSERT_EQUAL(got.len, 2 * size);
    CU_ASSERT_EQUAL(strstr(want.s, "quoted-printable") != NULL, tag == 2);
    CU_ASSERT_EQUAL(strstr(got.s, "quoted-printable") != NULL, tag == 2);

    buf_free(&got);
    buf_free(&want);
    free(cmd);
    free(joined);
    free(parts[0].text);
    store_close(st);
    conf_free(&c);
    err_free(&e);
    free(dir);
}

static void test_shared_parts(void)
{
    check_shared("Dear you,\n\n", "person: A\nremarks: a = b\n", "bye\n", 1);
    char *longline = xmalloc(1001);
    memset(longline, 'x', 1000);
    longline[1000] = 0;
    char *part = xasprintf("person: J\xc3\xbcrgen\nremarks: a = b  \nremarks: %s\n\t\n", longline);
    check_shared("Dear you, \n\n", part, "bye=\n", 2);
    free(part);
    free(longline);
}

void suite_mailout(void);
void suite_mailout(void)
{
    mailin_init();      /* GMime; never shut down (see suite_mailin) */
    CU_pSuite s = harness_suite("mailout");
    HARNESS_ADD(s, test_message_id_domain);
    HARNESS_ADD(s, test_latin1_range_stays_utf8);
    HARNESS_ADD(s, test_ascii_and_cyrillic);
    HARNESS_ADD(s, test_recipients);
    HARNESS_ADD(s, test_shared_parts);
}
