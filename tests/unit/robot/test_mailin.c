/*
 * test_mailin.c - the incoming mail: headers, reply address, bounce
 * detection, the MIME walk (corpus mails from RIPE's tests and synthetic
 * ones), text decoding to UTF-8, and the nesting and part limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "robot/mailin.h"

/* Read a corpus file into @b; fails the test when it is missing. */
static int read_corpus(const char *rel, buf_t *b)
{
    const char *path = harness_corpus(rel);
    CU_ASSERT_PTR_NOT_NULL(path);
    if (path == NULL)
        return -1;
    int rc = harness_read_file(path, b);
    CU_ASSERT_EQUAL(rc, 0);
    return rc;
}

/* Parse @raw (@len bytes) with @opts; asserts success. */
static mailin_msg_t *parse_opts(const char *raw, size_t len, const mailin_opts_t *opts)
{
    mailin_msg_t *m = NULL;
    err_t err = ERR_INIT;
    int rc = mailin_parse(raw, len, opts, &m, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "mailin_parse: %s\n", err_text(&err));
    err_free(&err);
    return m;
}

static mailin_msg_t *parse_str(const char *raw)
{
    return parse_opts(raw, strlen(raw), NULL);
}

/* Parse a corpus mail; NULL (and a failed assertion) if impossible. */
static mailin_msg_t *parse_corpus(const char *rel)
{
    buf_t b;
    buf_init(&b);
    mailin_msg_t *m = NULL;
    if (read_corpus(rel, &b) == 0)
        m = parse_opts(b.s, b.len, NULL);
    buf_free(&b);
    return m;
}

/* Number of diagnostics of @sev whose text contains @needle. */
static size_t diag_with(const mailin_msg_t *m, enum diag_sev sev, const char *needle)
{
    size_t c = 0;
    for (size_t i = 0; i < m->diags.n; i++)
        c += m->diags.v[i].sev == sev && strstr(m->diags.v[i].text, needle) != NULL;
    return c;
}

static size_t count_substr(const char *s, const char *needle)
{
    size_t c = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        c++;
    return c;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- corpus mails ------------------------------------------------------ */

static void test_simple_plain(void)
{
    mailin_msg_t *m = parse_corpus("ripe-testmail/simplePlainTextUnsigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    const char *t = m->pieces[0].text;
    CU_ASSERT_EQUAL(strlen(t), m->pieces[0].len);
    CU_ASSERT_TRUE(starts_with(t, "inetnum: 109.69.68.0 - 109.69.68.7\nnetname: delete\n"));
    CU_ASSERT_EQUAL(count_substr(t, "inetnum: 109.69.68.0 - 109.69.68.7\n"), 2);
    CU_ASSERT_EQUAL(count_substr(t, "password: password\n"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "source: RIPE\n\ninetnum:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "delete: new subnet size"));
    CU_ASSERT_PTR_NULL(strchr(t, '\r'));
    CU_ASSERT_EQUAL(m->pieces[0].creds.n, 0);
    CU_ASSERT_STRING_EQUAL(m->subject, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->date);
    CU_ASSERT_STRING_EQUAL(m->date, "Mon, 28 May 2012 00:04:44 +0200");
    CU_ASSERT_STRING_EQUAL(m->from, "\"foo@test.de\" <bitbucket@ripe.net>");
    CU_ASSERT_STRING_EQUAL(m->from_addr, "bitbucket@ripe.net");
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "bitbucket@ripe.net");
    CU_ASSERT_PTR_NULL(m->reply_to);
    CU_ASSERT_STRING_EQUAL(m->sender, "root@test.de");
    CU_ASSERT_STRING_EQUAL(m->message_id, "<20120527220444.GA6565@XXXsource.test.de>");
    CU_ASSERT_PTR_NULL(m->auto_submitted);
    CU_ASSERT_EQUAL(m->is_bounce, 0);
    CU_ASSERT_EQUAL(m->diags.n, 0);
    mailin_free(m);
}

static void test_alternative(void)
{
    mailin_msg_t *m = parse_corpus("ripe-testmail/multipartAlternativeUnsigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_TRUE(starts_with(m->pieces[0].text,
                               "password: password\npassword: password\n\nas-set:"));
    CU_ASSERT_PTR_NULL(strstr(m->pieces[0].text, "<div"));
    CU_ASSERT_STRING_EQUAL(m->subject, "");
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "john@doe.com");
    CU_ASSERT_EQUAL(m->diags.n, 0);
    mailin_free(m);
}

static void test_mixed(void)
{
    /* one text/plain part in binary encoding (the closing boundary is
     * missing in the file: the part runs to the end) */
    mailin_msg_t *m = parse_corpus("ripe-testmail/multipartMixedUnsigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    const char *t = m->pieces[0].text;
    CU_ASSERT_TRUE(starts_with(t, "as-set:          AS1273:AS-CWW-V6\n"
                                  "descr:           Cable & Wireless"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "members:            AS30128"));
    CU_ASSERT_PTR_NULL(strstr(t, "This is a multi-part message"));
    CU_ASSERT_EQUAL(m->is_bounce, 0);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    mailin_free(m);
}

static void test_utf8_bogus_encoding(void)
{
    /* charset="utf-8" with "Content-Transfer-Encoding: UTF-8" */
    mailin_msg_t *m = parse_corpus("ripe-testmail/simplePlainTextUtf8Encoded.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text,
        "descr:\xD0\xAE\xD0\xBD\xD0\xB8\xD0\xBA\xD0\xBE\xD0\xB4\xD0\xBD\xD0\xBE"
        "\xD0\xB5 \xD0\xBE\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB0\xD0\xBD\xD0\xB8\xD0\xB5\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "source:TEST"));
    CU_ASSERT_STRING_EQUAL(m->subject, "MODIFY KEYWORDS:");
    CU_ASSERT_EQUAL(m->diags.n, 0);
    mailin_free(m);
}

static void test_html_only(void)
{
    mailin_msg_t *m = parse_corpus("ripe-testmail/simpleHtmlTextUnsigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "No valid update found"), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "text/html"), 1);
    CU_ASSERT_EQUAL(m->diags.v[0].attr, DIAG_OBJECT);
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "bitbucket@ripe.net");
    mailin_free(m);
}

static void test_bounces(void)
{
    static const char *const mails[] = {
        "messageDelayedRfc822Headers.mail",
        "permanentFailureMessageAnotherRfc822.mail",
        "permanentFailureMessageMultipartMixedRfc822.mail",
        "permanentFailureMessageNotEnoughParts.mail",
        "permanentFailureMessagePartialReportWithMultipleRecipientsRfc822.mail",
        "permanentFailureMessageRfc822.mail",
        "permanentFailureMessageRfc822JustOneTooLongAddress.mail",
        "permanentFailureMessageRfc822Noc.mail",
        "permanentFailureMessageRfc822Real.mail",
        "permanentFailureMessageRfc822TooLongAddress.mail",
        "permanentFailurePerRecipientMessageRfc822.mail",
        "permanentFailureRfc822Headers.mail",
        "permanentFailureWithoutMessageId.mail",
        NULL
    };
    for (size_t i = 0; mails[i]; i++) {
        char *rel = xasprintf("ripe-testmail/%s", mails[i]);
        mailin_msg_t *m = parse_corpus(rel);
        CU_ASSERT_PTR_NOT_NULL(m);
        if (m != NULL && m->is_bounce != 1)
            fprintf(stderr, "not seen as a bounce: %s\n", mails[i]);
        if (m != NULL)
            CU_ASSERT_EQUAL(m->is_bounce, 1);
        mailin_free(m);
        free(rel);
    }
    /* the null sender is recorded as the empty address */
    mailin_msg_t *m = parse_corpus("ripe-testmail/permanentFailureRfc822Headers.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->sender, "");
    mailin_free(m);
}

static void test_not_bounces(void)
{
    static const char *const mails[] = {
        "ripe-testmail/unsubscribeAppleMail.mail",
        "ripe-testmail/unsubscribeGmail.mail",     /* mbox "From MAILER-DAEMON" line */
        "ripe-testmail/simplePlainTextUnsigned.mail",
        "ripe-testmail/inlinePgpSigned.mail",
        "ripe-testmail/multipartMixedUnsigned.mail",
        NULL
    };
    for (size_t i = 0; mails[i]; i++) {
        mailin_msg_t *m = parse_corpus(mails[i]);
        CU_ASSERT_PTR_NOT_NULL(m);
        if (m != NULL)
            CU_ASSERT_EQUAL(m->is_bounce, 0);
        mailin_free(m);
    }
    mailin_msg_t *m = parse_corpus("ripe-testmail/unsubscribeGmail.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->from_addr, "enduser@gmail.com");
    CU_ASSERT_STRING_EQUAL(m->subject,
                           "Unsubscribe 8b8ed6c0-f9cc-4a5f-afbb-fde079b94f44@ripe.net");
    CU_ASSERT_EQUAL(m->npieces, 1);
    mailin_free(m);
}

static void test_signed_and_inline(void)
{
    /* inline clearsigned: the text is kept as it stands */
    mailin_msg_t *m = parse_corpus("ripe-testmail/inlinePgpSigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_TRUE(starts_with(m->pieces[0].text, "-----BEGIN PGP SIGNED MESSAGE-----\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "-----END PGP SIGNATURE-----"));
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "bitbucket@ripe.net");
    mailin_free(m);

    /* PGP/MIME: the signed part is the body; no credential yet */
    m = parse_corpus("ripe-testmail/multipartPgpSigned.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_TRUE(starts_with(m->pieces[0].text, "key-cert:"));
    CU_ASSERT_PTR_NULL(strstr(m->pieces[0].text, "BEGIN PGP SIGNATURE"));
    CU_ASSERT_EQUAL(m->pieces[0].creds.n, 0);
    CU_ASSERT_STRING_EQUAL(m->subject, "NEW");
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    mailin_free(m);

    /* S/MIME signed, a content part without headers */
    m = parse_corpus("ripe-testmail/multipartPkcs7Signed.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "first line\nsecond line\nthird line\n");
    CU_ASSERT_STRING_EQUAL(m->from_addr, "Registration.Ripe@company.com");
    mailin_free(m);

    /* "Content-Type: text" without subtype is read as text/plain */
    m = parse_corpus("ripe-testmail/testParseFailure.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "aut-num:"));
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    mailin_free(m);
}

/* A corpus mail that must give one piece containing @needle and no error. */
static void expect_piece(const char *rel, const char *needle)
{
    mailin_msg_t *m = parse_corpus(rel);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m == NULL)
        return;
    CU_ASSERT_EQUAL(m->npieces, 1);
    if (m->npieces == 1)
        CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, needle));
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    mailin_free(m);
}

/* A corpus mail that must give no piece and one error containing both needles. */
static void expect_error(const char *rel, const char *n1, const char *n2)
{
    mailin_msg_t *m = parse_corpus(rel);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m == NULL)
        return;
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, n1), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, n2), 1);
    mailin_free(m);
}

static void test_mmi(void)
{
    /* upper-case TEXT/PLAIN */
    expect_piece("ripe-mails/mmi01_uppercase-content-type-is-supported.mail",
                 "person:  First Person\n");
    /* multipart/related > multipart/alternative (QP) + image/jpeg */
    expect_piece("ripe-mails/mmi02_multipart-alternative-is-supported.mail",
                 "mnt-by:  OWNER-MNT\nsource:  TEST\npassword: owner\n");
    mailin_msg_t *m = parse_corpus("ripe-mails/mmi02_multipart-alternative-is-supported.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NULL(strstr(m->pieces[0].text, "<html>"));
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "image/jpeg"), 1);
    mailin_free(m);
    /* multipart/mixed text/plain + winmail.dat */
    expect_piece("ripe-mails/mmi03_multipart-mixed-is-supported.mail",
                 "nic-hdl: FP1-TEST\n");
    m = parse_corpus("ripe-mails/mmi03_multipart-mixed-is-supported.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "application/ms-tnef"), 1);
    mailin_free(m);
    /* multipart/encrypted */
    expect_error("ripe-mails/mmi04_encrypted-messages-are-not-supported.mail",
                 "No valid update found", "ncrypted");
    /* Content-Type: unrecognised */
    expect_error("ripe-mails/mmi05_unrecognised-content-type-is-not-supported.mail",
                 "No valid update found", "unrecognised");
    /* charset=unknown-8bit, quoted-printable */
    expect_piece("ripe-mails/mmi07_unknown-8bit-charset-is-handled.mail",
                 "password: owner\n");
    /* utf-8 with the bogus transfer encoding "UTF-8" */
    expect_piece("ripe-mails/mmi08_text-plain-with-utf-8-charset-is-handled.mail",
                 "e-mail:         test@ripe.net\n");
    /* text/html only */
    expect_error("ripe-mails/mmi10_text-html-is-not-handled.mail",
                 "No valid update found", "text/html");
    /* multipart/mixed with only an attachment */
    expect_error("ripe-mails/mmi11_multipart-mixed-with-only-an-attachment-is-not-supported.mail",
                 "No valid update found", "application/octet-stream");
    /* application/octet-stream holding a clearsigned object is not read */
    m = parse_corpus("ripe-mails/mmi12_application-octet-stream-is-not-supported.mail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "application/octet-stream"), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "No valid update found"), 1);
    CU_ASSERT_STRING_EQUAL(m->subject, "DIFF");
    mailin_free(m);
    /* Latin-1 letters in UTF-8 are kept */
    expect_piece("ripe-mails/mmi22_latin-1-extended-ascii-characters-are-preserved.mail",
                 "\xC3\x96\xC3\x9C\xC3\xAB\xC3\xB1");
}

/* ---- synthetic mails --------------------------------------------------- */

static void test_reply_to(void)
{
    mailin_msg_t *m = parse_str("From: John Doe <jd@example.net>\n"
                                "Reply-To: \"Doe, John\" <reply@example.org>\n"
                                "Subject: NEW\n\nperson: x\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->from, "John Doe <jd@example.net>");
    CU_ASSERT_STRING_EQUAL(m->from_addr, "jd@example.net");
    CU_ASSERT_STRING_EQUAL(m->reply_to, "\"Doe, John\" <reply@example.org>");
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "reply@example.org");
    CU_ASSERT_STRING_EQUAL(m->subject, "NEW");
    CU_ASSERT_PTR_NULL(m->sender);
    CU_ASSERT_PTR_NULL(m->date);
    mailin_free(m);

    /* an unusable Reply-To: fall back to From */
    m = parse_str("From: jd@example.net\nReply-To: nobody\n\ntext\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "jd@example.net");
    mailin_free(m);

    /* two addresses in Reply-To are not one reply address */
    m = parse_str("From: jd@example.net\nReply-To: a@example.net, b@example.net\n\ntext\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "jd@example.net");
    mailin_free(m);
}

static void test_no_address(void)
{
    mailin_msg_t *m = parse_str("Subject: hello\n\nperson: x\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NULL(m->from);
    CU_ASSERT_PTR_NULL(m->from_addr);
    CU_ASSERT_PTR_NULL(m->reply_addr);
    CU_ASSERT_EQUAL(m->npieces, 1);
    mailin_free(m);

    m = parse_str("From: Someone <not-an-address>\nReply-To: undisclosed-recipients:;\n\nx\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL(m->from);
    CU_ASSERT_PTR_NULL(m->from_addr);
    CU_ASSERT_PTR_NULL(m->reply_addr);
    mailin_free(m);
}

static void test_address(void)
{
    char *a = mailin_address("John Doe <jd@example.net>");
    CU_ASSERT_STRING_EQUAL(a, "jd@example.net");
    free(a);
    a = mailin_address("  jd@example.net  ");
    CU_ASSERT_STRING_EQUAL(a, "jd@example.net");
    free(a);
    a = mailin_address("\"foo@test.de\" <bitbucket@ripe.net>");
    CU_ASSERT_STRING_EQUAL(a, "bitbucket@ripe.net");
    free(a);
    CU_ASSERT_PTR_NULL(mailin_address(NULL));
    CU_ASSERT_PTR_NULL(mailin_address(""));
    CU_ASSERT_PTR_NULL(mailin_address("   "));
    CU_ASSERT_PTR_NULL(mailin_address("<>"));
    CU_ASSERT_PTR_NULL(mailin_address("nobody"));
    CU_ASSERT_PTR_NULL(mailin_address("John <nobody>"));
    CU_ASSERT_PTR_NULL(mailin_address("a@example.net, b@example.net"));
    CU_ASSERT_PTR_NULL(mailin_address("group: a@example.net;"));
    CU_ASSERT_PTR_NULL(mailin_address("jd@example.net\r\nBcc: victim@example.org"));
    CU_ASSERT_PTR_NULL(mailin_address("jd@example.net\nBcc: victim@example.org"));
    CU_ASSERT_PTR_NULL(mailin_address("jd@example.net\r"));
    /* the reply address passes syntax_email_usable(), mailout's check:
     * no longer one mailout refuses (the mail used to be applied and its
     * ack dropped), now one it sends to (it used to be left unanswered) */
    CU_ASSERT_PTR_NULL(mailin_address("Jo <jo@b%example.net>"));
    CU_ASSERT_PTR_NULL(mailin_address("jo@-b.example.net"));
    CU_ASSERT_PTR_NULL(mailin_address("jo@b!example.net"));
    a = mailin_address("Jo <\"jo smith\"@example.net>");
    CU_ASSERT_PTR_NOT_NULL(a);
    if (a != NULL)
        CU_ASSERT_STRING_EQUAL(a, "\"jo smith\"@example.net");
    free(a);
    a = mailin_address("jo@[192.0.2.1]");
    CU_ASSERT_PTR_NOT_NULL(a);
    if (a != NULL)
        CU_ASSERT_STRING_EQUAL(a, "jo@[192.0.2.1]");
    free(a);
    a = mailin_address("Jo <jo+tag@example.net>");
    CU_ASSERT_PTR_NOT_NULL(a);
    if (a != NULL)
        CU_ASSERT_STRING_EQUAL(a, "jo+tag@example.net");
    free(a);
    buf_t b;
    buf_init(&b);
    buf_pad(&b, 'x', 310);
    buf_puts(&b, "@example.net");   /* 322 bytes */
    CU_ASSERT_PTR_NULL(mailin_address(b.s));
    buf_truncate(&b, 300);
    buf_puts(&b, "@example.net");   /* 312 bytes */
    a = mailin_address(b.s);
    CU_ASSERT_PTR_NOT_NULL(a);
    free(a);
    buf_free(&b);
}

static void test_header_injection(void)
{
    /* CR LF hidden in an encoded word of From and Subject */
    mailin_msg_t *m = parse_str(
        "From: =?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Eorg?= <eve@example.net>\n"
        "Subject: =?utf-8?q?x=0D=0ABcc=3A_victim=40example=2Eorg?=\n"
        "Return-Path: <eve@example.net\n"
        "\n"
        "text\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->from);
    CU_ASSERT_PTR_NULL(strpbrk(m->from, "\r\n"));
    CU_ASSERT_PTR_NULL(strpbrk(m->subject, "\r\n"));
    CU_ASSERT_STRING_EQUAL(m->from_addr, "eve@example.net");
    CU_ASSERT_STRING_EQUAL(m->reply_addr, "eve@example.net");
    mailin_free(m);

    /* a second address smuggled into From: no reply address */
    m = parse_str("From: eve@example.net, victim@example.org\n\ntext\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NULL(m->from_addr);
    CU_ASSERT_PTR_NULL(m->reply_addr);
    mailin_free(m);
}

static void test_subject_decoding(void)
{
    mailin_msg_t *m = parse_str(
        "From: jd@example.net\n"
        "Subject: =?iso-8859-1?q?D=E9l=E9tion?=\n"
        "  of two\n"
        "\tobjects\n"
        "Message-ID: <abc@example.net>\n"
        "Auto-Submitted: auto-replied\n"
        "Date: Mon, 20 Aug 2012 11:50:58 +0100\n"
        "\n"
        "text\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->subject, "D\xC3\xA9l\xC3\xA9tion"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m->subject, "of two"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m->subject, "objects"));
    CU_ASSERT_PTR_NULL(strpbrk(m->subject, "\r\n\t"));
    CU_ASSERT_STRING_EQUAL(m->message_id, "<abc@example.net>");
    CU_ASSERT_STRING_EQUAL(m->auto_submitted, "auto-replied");
    CU_ASSERT_STRING_EQUAL(m->date, "Mon, 20 Aug 2012 11:50:58 +0100");
    mailin_free(m);
}

static void test_bounce_synthetic(void)
{
    mailin_msg_t *m = parse_str("From: PostMaster@example.net\n\nyour mail\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->is_bounce, 1);
    mailin_free(m);
    m = parse_str("Return-Path: <>\nFrom: jd@example.net\n\nx\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->is_bounce, 1);
    CU_ASSERT_STRING_EQUAL(m->sender, "");
    mailin_free(m);
    m = parse_str("Return-Path: <mailer-daemon@example.net>\nFrom: jd@example.net\n\nx\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->is_bounce, 1);
    mailin_free(m);
    m = parse_str("Return-Path: <postmaster-fan@example.net>\n"
                  "From: daemon@example.net\n\nx\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->is_bounce, 0);
    CU_ASSERT_STRING_EQUAL(m->sender, "postmaster-fan@example.net");
    mailin_free(m);
}

static void test_transfer_encodings(void)
{
    /* base64 */
    mailin_msg_t *m = parse_str(
        "From: jd@example.net\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "cGVyc29uOiBKb2huIERvZQpwYXNzd29yZDogc2VjcmV0Cg==\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "person: John Doe\npassword: secret\n");
    CU_ASSERT_EQUAL(m->pieces[0].len, 34);
    mailin_free(m);

    /* quoted-printable, UTF-8, with a soft line break */
    m = parse_str(
        "From: jd@example.net\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "address: M=C3=BCnchen, a very long li=\n"
        "ne\n"
        "remarks: a=3Db\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text,
                           "address: M\xC3\xBCnchen, a very long line\nremarks: a=b\n");
    mailin_free(m);
}

static void test_latin1(void)
{
    /* declared ISO-8859-1, quoted-printable */
    mailin_msg_t *m = parse_str(
        "From: jd@example.net\n"
        "Content-Type: text/plain; charset=ISO-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "address: K=F6ln =C4=DF\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "address: K\xC3\xB6ln \xC3\x84\xC3\x9F\n");
    mailin_free(m);

    /* 8-bit Latin-1 with no charset: not UTF-8, so read as Latin-1 */
    m = parse_str("From: jd@example.net\n\naddress: K\xF6ln\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "address: K\xC3\xB6ln\n");
    mailin_free(m);

    /* an unknown charset with UTF-8 bytes: kept as UTF-8 */
    m = parse_str("From: jd@example.net\n"
                  "Content-Type: text/plain; charset=x-no-such-charset\n"
                  "\n"
                  "address: K\xC3\xB6ln\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "address: K\xC3\xB6ln\n");
    mailin_free(m);

    /* KOI8-R is converted */
    m = parse_str("From: jd@example.net\n"
                  "Content-Type: text/plain; charset=koi8-r\n"
                  "\n"
                  "descr: \xF0\xD2\xC9\xD7\xC5\xD4\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text,
                           "descr: \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82\n");
    mailin_free(m);
}

static void test_nul_and_invalid_utf8(void)
{
    static const char nul_mail[] =
        "From: jd@example.net\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "person: a\0b\n";
    mailin_msg_t *m = parse_opts(nul_mail, sizeof nul_mail - 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "person: a\xEF\xBF\xBD" "b\n");
    CU_ASSERT_EQUAL(m->pieces[0].len, strlen(m->pieces[0].text));
    mailin_free(m);

    /* NUL bytes in base64 content, no charset */
    m = parse_str("From: jd@example.net\n"
                  "Content-Transfer-Encoding: base64\n"
                  "\n"
                  "eABAAHkK\n");     /* "x\0@\0y\n" */
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "x\xEF\xBF\xBD@\xEF\xBF\xBDy\n");
    mailin_free(m);

    /* declared UTF-8 with malformed sequences: U+FFFD for each bad byte */
    m = parse_str("From: jd@example.net\n"
                  "Content-Type: text/plain; charset=utf-8\n"
                  "\n"
                  "descr: ok \xC3\xA9 bad \xFF\xC3 \xED\xA0\x80 end\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    const char *t = m->pieces[0].text;
    CU_ASSERT_TRUE(starts_with(t, "descr: ok \xC3\xA9 bad \xEF\xBF\xBD\xEF\xBF\xBD "));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " end\n"));
    CU_ASSERT_PTR_NULL(strstr(t, "\xED\xA0\x80"));
    mailin_free(m);

    /* invalid UTF-8 in a header */
    m = parse_str("From: jd@example.net\nSubject: caf\xC3\n\nx\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL(m->subject);
    mailin_free(m);
}

static void test_crlf(void)
{
    mailin_msg_t *m = parse_str("From: John <jd@example.net>\r\n"
                                "Subject: NEW\r\n"
                                "Content-Type: text/plain\r\n"
                                "\r\n"
                                "person: John\r\n"
                                "\r\n"
                                "mntner: X-MNT\r\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->subject, "NEW");
    CU_ASSERT_STRING_EQUAL(m->from_addr, "jd@example.net");
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "person: John\n\nmntner: X-MNT\n");
    mailin_free(m);
}

static void test_mixed_synthetic(void)
{
    mailin_msg_t *m = parse_str(
        "From: jd@example.net\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=BB\n"
        "\n"
        "preamble\n"
        "--BB\n"
        "Content-Type: text/plain\n"
        "\n"
        "first: 1\n"
        "--BB\n"
        "Content-Type: application/pdf\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "JVBERi0=\n"
        "--BB\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "From: other@example.org\n"
        "Subject: inner\n"
        "\n"
        "inner: not processed\n"
        "--BB\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Disposition: attachment; filename=x.txt\n"
        "\n"
        "second: \xE9\n"
        "--BB--\n"
        "epilogue\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 2);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "first: 1");
    CU_ASSERT_STRING_EQUAL(m->pieces[1].text, "second: \xC3\xA9");
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_WARNING), 2);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "application/pdf"), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "message/rfc822"), 1);
    for (size_t i = 0; i < m->npieces; i++)
        CU_ASSERT_PTR_NULL(strstr(m->pieces[i].text, "inner"));
    mailin_free(m);
}

static void test_unsupported_synthetic(void)
{
    /* S/MIME encrypted */
    mailin_msg_t *m = parse_str("From: jd@example.net\n"
                                "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
                                "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIAC\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "ncrypted"), 1);
    mailin_free(m);

    /* an encrypted part next to a text part: a warning, the text is used */
    m = parse_str("From: jd@example.net\n"
                  "Content-Type: multipart/mixed; boundary=\"M\"\n\n"
                  "--M\nContent-Type: text/plain\n\nperson: x\n"
                  "--M\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--M--\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 1);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_WARNING, "application/pgp-encrypted"), 1);
    mailin_free(m);

    /* a mail with headers and an empty body */
    m = parse_str("From: jd@example.net\nSubject: HELP\n\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "No valid update found"), 1);
    CU_ASSERT_STRING_EQUAL(m->subject, "HELP");
    mailin_free(m);

    /* multipart/alternative without text/plain is like HTML only */
    m = parse_str("From: jd@example.net\n"
                  "Content-Type: multipart/alternative; boundary=\"A\"\n\n"
                  "--A\nContent-Type: text/html\n\n<p>x</p>\n"
                  "--A\nContent-Type: text/enriched\n\nx\n--A--\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "text/html"), 1);
    mailin_free(m);
}

static void test_not_a_mail(void)
{
    static const char *const bad[] = {
        "",
        "just some text\nwithout headers\n",
        "\nbody only\n",
        "From someone@example.net Mon Jan  1 00:00:00 2024\n",
        ": no name\n\nx\n",
        NULL
    };
    for (size_t i = 0; bad[i]; i++) {
        mailin_msg_t *m = (mailin_msg_t *)1;
        err_t err = ERR_INIT;
        CU_ASSERT_EQUAL(mailin_parse(bad[i], strlen(bad[i]), NULL, &m, &err), ERR_SYNTAX);
        CU_ASSERT_PTR_NULL(m);
        CU_ASSERT_PTR_NOT_NULL(err.text);
        err_free(&err);
    }
    mailin_msg_t *m = NULL;
    CU_ASSERT_EQUAL(mailin_parse(NULL, 0, NULL, &m, NULL), ERR_SYNTAX);
    mailin_free(NULL);
}

/* A mail of @depth multipart/mixed levels around one text/plain part. */
static void nested_mail(buf_t *b, unsigned depth)
{
    buf_puts(b, "From: jd@example.net\nMIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for (unsigned i = 1; i <= depth; i++)
        buf_printf(b, "--b%u\nContent-Type: multipart/mixed; boundary=\"b%u\"\n\n",
                   i - 1, i);
    buf_printf(b, "--b%u\nContent-Type: text/plain\n\nperson: deep\n", depth);
    for (unsigned i = depth + 1; i-- > 0;)
        buf_printf(b, "--b%u--\n", i);
}

static void test_deep_nesting(void)
{
    buf_t b;
    buf_init(&b);
    nested_mail(&b, 10000);
    mailin_msg_t *m = parse_opts(b.s, b.len, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(m->over_limit, MAILIN_OVER_MIME);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "too deeply nested"), 1);
    mailin_free(m);

    /* within the limit the text is found */
    buf_reset(&b);
    nested_mail(&b, 20);
    m = parse_opts(b.s, b.len, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, "person: deep");
    CU_ASSERT_EQUAL(m->diags.n, 0);
    mailin_free(m);

    /* an explicit, lower limit */
    mailin_opts_t o = { 0, NULL, 5, 0, 0, 0, 0 };
    m = parse_opts(b.s, b.len, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "too deeply nested"), 1);
    mailin_free(m);
    buf_free(&b);
}

static void test_part_limit(void)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "From: jd@example.net\nContent-Type: multipart/mixed; boundary=\"P\"\n\n");
    for (unsigned i = 0; i < 3000; i++)
        buf_printf(&b, "--P\nContent-Type: text/plain\n\npart: %u\n", i);
    buf_puts(&b, "--P--\n");
    mailin_msg_t *m = parse_opts(b.s, b.len, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    /* refused before GMime builds the parts (registry/mimescan.h): no
     * text is read from such a mail */
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(m->over_limit, MAILIN_OVER_MIME);
    CU_ASSERT_EQUAL(diag_count(&m->diags, DIAG_ERROR), 1);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "too many MIME parts"), 1);
    CU_ASSERT_STRING_EQUAL(m->from_addr, "jd@example.net");
    mailin_free(m);

    /* the multipart itself is one of the parts: 1 + 9 fit in 10 */
    buf_reset(&b);
    buf_puts(&b, "From: jd@example.net\nContent-Type: multipart/mixed; boundary=\"P\"\n\n");
    for (unsigned i = 0; i < 9; i++)
        buf_printf(&b, "--P\nContent-Type: text/plain\n\npart: %u\n", i);
    buf_puts(&b, "--P--\n--P\n--P\n");
    mailin_opts_t o = { 0, NULL, 0, 10, 0, 0, 0 };
    m = parse_opts(b.s, b.len, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 9);
    CU_ASSERT_EQUAL(m->over_limit, 0);
    mailin_free(m);
    buf_puts(&b, "x\n");
    buf_printf(&b, "--P\n");
    o.max_parts = 9;
    m = parse_opts(b.s, b.len, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT_EQUAL(diag_with(m, DIAG_ERROR, "too many MIME parts"), 1);
    mailin_free(m);
    buf_free(&b);
}

void suite_mailin(void);
void suite_mailin(void)
{
    /*
     * GMime is set up once for the whole run and never shut down: it
     * cannot be set up again after a full shutdown, and other suites may
     * use it too (mailin_init() calls nest).
     */
    mailin_init();
    CU_pSuite s = harness_suite("mailin");
    HARNESS_ADD(s, test_simple_plain);
    HARNESS_ADD(s, test_alternative);
    HARNESS_ADD(s, test_mixed);
    HARNESS_ADD(s, test_utf8_bogus_encoding);
    HARNESS_ADD(s, test_html_only);
    HARNESS_ADD(s, test_bounces);
    HARNESS_ADD(s, test_not_bounces);
    HARNESS_ADD(s, test_signed_and_inline);
    HARNESS_ADD(s, test_mmi);
    HARNESS_ADD(s, test_reply_to);
    HARNESS_ADD(s, test_no_address);
    HARNESS_ADD(s, test_address);
    HARNESS_ADD(s, test_header_injection);
    HARNESS_ADD(s, test_subject_decoding);
    HARNESS_ADD(s, test_bounce_synthetic);
    HARNESS_ADD(s, test_transfer_encodings);
    HARNESS_ADD(s, test_latin1);
    HARNESS_ADD(s, test_nul_and_invalid_utf8);
    HARNESS_ADD(s, test_crlf);
    HARNESS_ADD(s, test_mixed_synthetic);
    HARNESS_ADD(s, test_unsupported_synthetic);
    HARNESS_ADD(s, test_not_a_mail);
    HARNESS_ADD(s, test_deep_nesting);
    HARNESS_ADD(s, test_part_limit);
}
