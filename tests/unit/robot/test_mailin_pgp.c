/*
 * test_mailin_pgp.c - signatures in the incoming mail: inline clearsigned
 * blocks split a text part into unsigned and signed pieces, nested layers
 * accumulate credentials, and PGP/MIME (RFC 3156) signatures cover exactly
 * the pieces of the signed part, verified over that part as the MIME
 * parser located it (never a boundary found by a text search); signed
 * text only in charsets that cannot change its lines; at most
 * max_signed_blocks checks.  Keys are made at test time (testkeys.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "harness.h"
#include "robot/mailin.h"
#include "registry/pgp.h"
#include "testkeys.h"

static tk_signer_t *signer;
static const char *home;

/* The signer and a GnuPG home holding its public key. */
static int setup(void)
{
    static int done, ok;
    if (done)
        return ok;
    done = 1;
    signer = tk_signer_new("Mail Signer <signer@example.net>", 0, 0);
    if (signer == NULL)
        return 0;
    home = harness_tmpdir();
    pgp_t *p = NULL;
    buf_t k;
    buf_init(&k);
    ok = pgp_new(home, &p, NULL) == 0 && tk_export(signer, &k) == 0 &&
         pgp_key_import(p, k.s, k.len, NULL, NULL) == 0;
    buf_free(&k);
    pgp_free(p);
    return ok;
}

static mailin_msg_t *parse(const buf_t *raw)
{
    mailin_opts_t o = { time(NULL), home, 0, 0, 3600, 0, 0 };
    mailin_msg_t *m = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(mailin_parse(raw->s, raw->len, &o, &m, &e), 0);
    err_free(&e);
    return m;
}

/* Whether piece @i of @m has exactly @n PGP credentials, all of @state
   by the signer. */
static int creds_are(const mailin_msg_t *m, size_t i, size_t n, enum cred_pgp_state state)
{
    if (i >= m->npieces || m->pieces[i].creds.n != n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        const cred_t *c = &m->pieces[i].creds.v[k];
        if (c->kind != CRED_PGP || c->state != state || strcmp(c->fpr, tk_fpr(signer)) != 0)
            return 0;
    }
    return 1;
}

static const char OBJ[] = "person:  Signed Person\nnic-hdl: SP1-TEST\nsource:  TEST\n";

static void test_inline_before_after(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\n\npassword: before\n\n");
    CU_ASSERT_EQUAL(tk_clearsign(signer, OBJ, strlen(OBJ), &raw), 0);
    buf_puts(&raw, "\nperson: After Text\n");
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "password: before"));
    CU_ASSERT_EQUAL(m->pieces[0].creds.n, 0);
    CU_ASSERT_STRING_EQUAL(m->pieces[1].text, OBJ);
    CU_ASSERT(creds_are(m, 1, 1, CRED_PGP_GOOD));
    CU_ASSERT_PTR_NOT_NULL(m->pieces[1].creds.v[0].digest);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[2].text, "After Text"));
    CU_ASSERT_PTR_NULL(strstr(m->pieces[2].text, "PGP"));
    CU_ASSERT_EQUAL(m->pieces[2].creds.n, 0);
    mailin_free(m);
    buf_free(&raw);
}

static void test_inline_nested(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t inner, raw;
    buf_init(&inner);
    buf_init(&raw);
    CU_ASSERT_EQUAL(tk_clearsign(signer, OBJ, strlen(OBJ), &inner), 0);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\n\n");
    CU_ASSERT_EQUAL(tk_clearsign(signer, inner.s, inner.len, &raw), 0);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, OBJ);
    CU_ASSERT(creds_are(m, 0, 2, CRED_PGP_GOOD));
    mailin_free(m);
    buf_free(&inner);
    buf_free(&raw);
}

static void test_inline_tampered_and_old(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\n\n");
    CU_ASSERT_EQUAL(tk_clearsign(signer, OBJ, strlen(OBJ), &raw), 0);
    char *at = strstr(raw.s, "Signed Person");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    *at = 'Z';
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_BAD));
    mailin_free(m);
    *at = 'S';
    mailin_opts_t o = { time(NULL) + 7200, home, 0, 0, 3600, 0, 0 };
    CU_ASSERT_EQUAL(mailin_parse(raw.s, raw.len, &o, &m, NULL), 0);
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_TOO_OLD));
    mailin_free(m);
    o.max_sig_age = 10000;          /* a longer configured age */
    CU_ASSERT_EQUAL(mailin_parse(raw.s, raw.len, &o, &m, NULL), 0);
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_GOOD));
    mailin_free(m);
    buf_free(&raw);
}

/* Turn every LF of @s into CRLF, appended to @out. */
static void crlf(const char *s, buf_t *out)
{
    for (; *s; s++) {
        if (*s == '\n')
            buf_putc(out, '\r');
        buf_putc(out, *s);
    }
}

/*
 * A PGP/MIME mail (LF line ends, as a stored mail has them) whose signed
 * part is @part (LF line ends); @before goes in an unsigned text part in
 * front when not NULL.  @tamper changes one byte of the signed part after
 * signing.
 */
static void pgp_mime(const char *part, const char *before, int tamper, buf_t *raw)
{
    buf_t canon, sig;
    buf_init(&canon);
    buf_init(&sig);
    crlf(part, &canon);
    CU_ASSERT_EQUAL(tk_detach(signer, canon.s, canon.len, &sig), 0);
    buf_puts(raw, "From: a@example.net\nSubject: NEW\nMIME-Version: 1.0\n");
    if (before) {
        buf_puts(raw, "Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n"
                      "Content-Type: text/plain\n\n");
        buf_puts(raw, before);
        buf_puts(raw, "\n--outer\n");
    }
    buf_puts(raw, "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
                  " protocol=\"application/pgp-signature\"; boundary=\"sig-b\"\n\n"
                  "This is an OpenPGP/MIME signed message.\n--sig-b\n");
    size_t at = raw->len;
    buf_puts(raw, part);
    if (tamper)
        raw->s[at + strlen(part) - 3] ^= 1;
    buf_puts(raw, "\n--sig-b\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n"
                  "Content-Disposition: attachment; filename=\"signature.asc\"\n\n");
    buf_put(raw, sig.s, sig.len);
    buf_puts(raw, "\n--sig-b--\n");
    if (before)
        buf_puts(raw, "\n--outer--\n");
    buf_free(&canon);
    buf_free(&sig);
}

static void test_pgp_mime_plain(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    pgp_mime("Content-Type: text/plain; charset=us-ascii\n"
             "Content-Transfer-Encoding: 7bit\n\n"
             "person:  Signed Person\nnic-hdl: SP1-TEST\nsource:  TEST\n", NULL, 0, &raw);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, OBJ);
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_GOOD));
    mailin_free(m);
    buf_free(&raw);
}

static void test_pgp_mime_mixed_attachment(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    pgp_mime("Content-Type: multipart/mixed; boundary=\"inner\"\n\n"
             "--inner\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: quoted-printable\n\n"
             "person:  Signed Person\nnic-hdl: SP1-TEST\nsource:  TEST\n\n"
             "--inner\nContent-Type: application/octet-stream\n"
             "Content-Disposition: attachment; filename=\"x.bin\"\n"
             "Content-Transfer-Encoding: base64\n\nAAECAwQF\n--inner--\n",
             "password: unsigned\n", 0, &raw);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "password: unsigned"));
    CU_ASSERT_EQUAL(m->pieces[0].creds.n, 0);       /* outside the signed part */
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[1].text, "Signed Person"));
    CU_ASSERT(creds_are(m, 1, 1, CRED_PGP_GOOD));
    CU_ASSERT(m->diags.n >= 1);                     /* the attachment */
    mailin_free(m);
    buf_free(&raw);
}

static void test_pgp_mime_tampered(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    pgp_mime("Content-Type: text/plain\n\n"
             "person:  Signed Person\nnic-hdl: SP1-TEST\nsource:  TEST\n", NULL, 1, &raw);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_BAD));
    mailin_free(m);
    buf_free(&raw);
}

/*
 * Append to @out a multipart/signed entity (its Content-Type line, a blank
 * line, its body) with boundary @bd over @part (LF line ends), whose
 * signature is the signer's over @signed_text (NULL: over @part itself).
 */
static void signed_entity(const char *bd, const char *part, const char *signed_text,
                          buf_t *out)
{
    buf_t canon, sig;
    buf_init(&canon);
    buf_init(&sig);
    crlf(signed_text ? signed_text : part, &canon);
    CU_ASSERT_EQUAL(tk_detach(signer, canon.s, canon.len, &sig), 0);
    buf_printf(out, "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
                    " protocol=\"application/pgp-signature\"; boundary=\"%s\"\n\n--%s\n",
               bd, bd);
    buf_puts(out, part);
    buf_printf(out, "\n--%s\nContent-Type: application/pgp-signature\n\n", bd);
    buf_put(out, sig.s, sig.len);
    buf_printf(out, "\n--%s--\n", bd);
    buf_free(&canon);
    buf_free(&sig);
}

/* The mail of headers and @entity gives one piece, OBJ, with @n good
   signatures of the signer. */
static void check_one_signed_piece(const char *entity, size_t n)
{
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\nMIME-Version: 1.0\n");
    buf_puts(&raw, entity);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_STRING_EQUAL(m->pieces[0].text, OBJ);
    CU_ASSERT(creds_are(m, 0, n, CRED_PGP_GOOD));
    mailin_free(m);
    buf_free(&raw);
}

static const char SIGNED_PART[] = "Content-Type: text/plain\n\n"
    "person:  Signed Person\nnic-hdl: SP1-TEST\nsource:  TEST\n";

/*
 * Issue 10, hole 2: the signature of a part the signer once signed, with
 * that part between two --sig-b lines in the preamble of a
 * multipart/mixed, and a multipart/signed with boundary sig-b over other
 * text: the other text must not get a good signature.
 */
static void test_pgp_mime_wrapping(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\nMIME-Version: 1.0\n"
                   "Content-Type: multipart/mixed; boundary=\"outer\"\n\n--sig-b\n");
    buf_puts(&raw, SIGNED_PART);
    buf_puts(&raw, "\n--sig-b\n--outer\n");
    signed_entity("sig-b", "Content-Type: text/plain\n\n"
                  "person:  Other Person\nnic-hdl: OP1-TEST\nsource:  TEST\n",
                  SIGNED_PART, &raw);
    buf_puts(&raw, "\n--outer--\n");
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(m->pieces[0].text, "Other Person"));
    CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_BAD));
    mailin_free(m);
    buf_free(&raw);
}

/* A signed part without header lines (text/plain by default) verifies. */
static void test_pgp_mime_no_headers(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t e;
    buf_init(&e);
    signed_entity("b", strchr(SIGNED_PART, '\n') + 1, NULL, &e);
    check_one_signed_piece(e.s, 1);
    buf_free(&e);
}

/*
 * Nested PGP/MIME: the inner pieces carry the signature of every layer,
 * up to 8 checked layers; deeper ones (each checked layer holds a copy of
 * its signed part) are walked without being checked: of 9 layers, the 8
 * outer ones count.
 */
static void test_pgp_mime_nested(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t part;
    buf_init(&part);
    buf_puts(&part, SIGNED_PART);
    for (int i = 1; i <= 9; i++) {
        buf_t next;
        buf_init(&next);
        char bd[16];
        snprintf(bd, sizeof bd, "b%d", i);
        signed_entity(bd, part.s, NULL, &next);
        buf_free(&part);
        part = next;
        if (i == 2)
            check_one_signed_piece(part.s, 2);
    }
    check_one_signed_piece(part.s, 8);
    buf_free(&part);
}

/* Whether @m has a message-level error mentioning @what. */
static int has_error(const mailin_msg_t *m, const char *what)
{
    for (size_t i = 0; i < m->diags.n; i++)
        if (m->diags.v[i].sev == DIAG_ERROR && strstr(m->diags.v[i].text, what))
            return 1;
    return 0;
}

/*
 * Issue 10, hole 8: signed text is read only in ASCII-compatible
 * charsets without shift states; in UTF-7 "+AAo-" would be a line end.
 */
static void test_signed_charsets(void)
{
    CU_ASSERT_FATAL(setup());
    static const char text[] = "person:  Signed Person\nremarks: a +AAo-notify: x@example.net\n"
                               "nic-hdl: SP1-TEST\nsource:  TEST\n";
    static const char *const refused[] = { "utf-7", "UTF-7", "iso-2022-jp", "hz-gb-2312",
                                           "utf-16", "utf-32le", "ebcdic-us", "shift_jis",
                                           "iso-8859-1x", "latin", NULL };
    static const char *const allowed[] = { "us-ascii", "utf-8", "UTF8", "iso-8859-15",
                                           "ISO_8859-2", "latin1", "windows-1252", "cp1251",
                                           "koi8-r", "unknown-8bit", NULL };
    buf_t block;
    buf_init(&block);
    CU_ASSERT_EQUAL_FATAL(tk_clearsign(signer, text, strlen(text), &block), 0);
    for (int pass = 0; pass < 2; pass++) {
        const char *const *list = pass ? allowed : refused;
        for (size_t i = 0; list[i]; i++) {
            buf_t raw;
            buf_init(&raw);
            buf_puts(&raw, "From: a@example.net\nSubject: NEW\nMIME-Version: 1.0\n"
                           "Content-Type: text/plain; charset=");
            buf_puts(&raw, list[i]);
            buf_puts(&raw, "\n\n");
            buf_put(&raw, block.s, block.len);
            mailin_msg_t *m = parse(&raw);
            CU_ASSERT_PTR_NOT_NULL_FATAL(m);
            if (pass) {
                CU_ASSERT_EQUAL(m->npieces, 1);
                CU_ASSERT(creds_are(m, 0, 1, CRED_PGP_GOOD));
                CU_ASSERT(m->npieces == 1 && strstr(m->pieces[0].text, "+AAo-notify"));
            } else {
                CU_ASSERT_EQUAL(m->npieces, 0);
                CU_ASSERT(has_error(m, "was not processed"));
            }
            mailin_free(m);
            buf_free(&raw);
        }
    }
    /* PGP/MIME: the charset of a text part inside the signed part */
    buf_t raw;
    buf_init(&raw);
    pgp_mime("Content-Type: text/plain; charset=utf-7\n\n"
             "person:  Signed Person\nremarks: a +AAo-notify: x@example.net\n", NULL, 0, &raw);
    mailin_msg_t *m = parse(&raw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->npieces, 0);
    CU_ASSERT(has_error(m, "utf-7"));
    mailin_free(m);
    buf_free(&raw);
    buf_free(&block);
}

/* max_signed_blocks: beyond it the walk stops with over_limit. */
static void test_max_signed_blocks(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\n\n");
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(tk_clearsign(signer, OBJ, strlen(OBJ), &raw), 0);
        buf_puts(&raw, "\n");
    }
    mailin_opts_t o = { time(NULL), home, 0, 0, 3600, 3, 0 };
    mailin_msg_t *m = NULL;
    CU_ASSERT_EQUAL(mailin_parse(raw.s, raw.len, &o, &m, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->over_limit, 0);
    CU_ASSERT_EQUAL(m->npieces, 3);
    mailin_free(m);
    o.max_signed_blocks = 2;
    CU_ASSERT_EQUAL(mailin_parse(raw.s, raw.len, &o, &m, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->over_limit, MAILIN_OVER_SIGNED);
    CU_ASSERT(has_error(m, "max_signed_blocks"));
    mailin_free(m);
    buf_free(&raw);
}

static void test_no_gnupg_home(void)
{
    CU_ASSERT_FATAL(setup());
    buf_t raw;
    buf_init(&raw);
    buf_puts(&raw, "From: a@example.net\nSubject: NEW\n\n");
    CU_ASSERT_EQUAL(tk_clearsign(signer, OBJ, strlen(OBJ), &raw), 0);
    mailin_opts_t o = { time(NULL), NULL, 0, 0, 0, 0, 0 };
    mailin_msg_t *m = NULL;
    CU_ASSERT_EQUAL(mailin_parse(raw.s, raw.len, &o, &m, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->npieces, 1);
    CU_ASSERT_EQUAL(m->pieces[0].creds.n, 0);
    CU_ASSERT(m->diags.n >= 1);
    mailin_free(m);
    buf_free(&raw);
}

void suite_mailin_pgp(void);
void suite_mailin_pgp(void)
{
    CU_pSuite s = harness_suite("mailin_pgp");
    mailin_init();      /* GMime; never shut down (see suite_mailin) */
    HARNESS_ADD(s, test_inline_before_after);
    HARNESS_ADD(s, test_inline_nested);
    HARNESS_ADD(s, test_inline_tampered_and_old);
    HARNESS_ADD(s, test_pgp_mime_plain);
    HARNESS_ADD(s, test_pgp_mime_mixed_attachment);
    HARNESS_ADD(s, test_pgp_mime_tampered);
    HARNESS_ADD(s, test_pgp_mime_wrapping);
    HARNESS_ADD(s, test_pgp_mime_no_headers);
    HARNESS_ADD(s, test_pgp_mime_nested);
    HARNESS_ADD(s, test_signed_charsets);
    HARNESS_ADD(s, test_max_signed_blocks);
    HARNESS_ADD(s, test_no_gnupg_home);
}
