/*
 * test_mailout.c - composing outgoing mail: the body is sent as the UTF-8
 * it is (also when every character would fit in Latin-1), labelled
 * charset=utf-8, and reads back unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "mailin.h"
#include "mailout.h"

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

void suite_mailout(void);
void suite_mailout(void)
{
    mailin_init();      /* GMime; never shut down (see suite_mailin) */
    CU_pSuite s = harness_suite("mailout");
    HARNESS_ADD(s, test_latin1_range_stays_utf8);
    HARNESS_ADD(s, test_ascii_and_cyrillic);
    HARNESS_ADD(s, test_recipients);
}
