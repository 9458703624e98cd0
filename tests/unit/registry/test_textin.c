/*
 * test_textin.c - update text as a front end received it (textin.h):
 * decoding from the declared charset (and raw bytes without one), CR LF
 * read as LF, blank text left out, a clearsigned block that cannot be
 * checked (no GnuPG home) kept as text with a warning naming the
 * caller's noun, the pieces handed over, the charsets signed text may be
 * read in, and the token quoting of names.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/mailout.h"
#include "registry/textin.h"

static textin_t *reader(diag_list_t *d, const char *noun)
{
    textin_opts_t o = { 0, NULL, 0, 0, noun };
    diag_list_init(d);
    return textin_new(&o, d);
}

static void test_decode(void)
{
    diag_list_t d;
    textin_t *t = reader(&d, NULL);
    textin_add(t, "caf\xe9\r\nx\n", 8, "ISO-8859-1", NULL);
    textin_add(t, " \n\t\n", 4, NULL, NULL);            /* blank: no piece */
    textin_add(t, "na\xefve\n", 6, NULL, NULL);         /* raw, not UTF-8: Latin-1 */
    textin_add(t, "\xc3\xa9t\xc3\xa9\n", 6, "us-ascii", NULL); /* raw, UTF-8 */
    textin_add(t, "a\0b\xff\n", 5, "UTF-8", NULL);      /* NUL, malformed: U+FFFD */
    size_t n;
    textin_piece_t *p = textin_pieces(t, &n);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT_STRING_EQUAL(p[0].text, "caf\xc3\xa9\nx\n");
    CU_ASSERT_EQUAL(p[0].len, strlen(p[0].text));
    CU_ASSERT_EQUAL(p[0].creds.n, 0);
    CU_ASSERT_STRING_EQUAL(p[1].text, "na\xc3\xafve\n");
    CU_ASSERT_STRING_EQUAL(p[2].text, "\xc3\xa9t\xc3\xa9\n");
    CU_ASSERT_STRING_EQUAL(p[3].text, "a\xef\xbf\xbd" "b\xef\xbf\xbd\n");
    CU_ASSERT_EQUAL(d.n, 0);
    textin_piece_t *v;
    textin_take(t, &v, &n);
    CU_ASSERT_EQUAL(n, 4);
    textin_pieces(t, &n);
    CU_ASSERT_EQUAL(n, 0);                              /* handed over */
    textin_free(t);
    for (size_t i = 0; i < 4; i++) {
        free(v[i].text);
        cred_list_free(&v[i].creds);
    }
    free(v);
    diag_list_free(&d);
}

static void test_unchecked_block(void)
{
    static const char text[] =
        "before\n"
        "-----BEGIN PGP SIGNED MESSAGE-----\n"
        "Hash: SHA256\n\n"
        "person: x\n"
        "-----BEGIN PGP SIGNATURE-----\n\n"
        "AAAA\n"
        "-----END PGP SIGNATURE-----\n";
    diag_list_t d;
    textin_t *t = reader(&d, "request");
    cred_list_t creds = CRED_LIST_INIT;
    cred_add_password(&creds, "pw", 2);
    textin_add(t, text, sizeof text - 1, "utf-8", &creds);
    size_t n;
    textin_piece_t *p = textin_pieces(t, &n);
    /* no verifier: the block stays in the text, the caller's credentials
     * only, and a warning names the request */
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(p[0].text, text);
    CU_ASSERT_EQUAL(p[0].creds.n, 1);
    CU_ASSERT_EQUAL(cred_count(&p[0].creds, CRED_PGP), 0);
    CU_ASSERT_EQUAL_FATAL(d.n, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].text, "The request is PGP signed, but no GnuPG home"));
    CU_ASSERT_FALSE(textin_over_signed(t));
    CU_ASSERT_FALSE(textin_refused(t));
    cred_list_free(&creds);
    textin_free(t);
    diag_list_free(&d);
}

static void test_charsets(void)
{
    CU_ASSERT_TRUE(textin_charset_keeps_lines(NULL));
    CU_ASSERT_TRUE(textin_charset_keeps_lines("UTF-8"));
    CU_ASSERT_TRUE(textin_charset_keeps_lines("iso-8859-15"));
    CU_ASSERT_TRUE(textin_charset_keeps_lines("windows-1252"));
    CU_ASSERT_TRUE(textin_charset_keeps_lines("KOI8-R"));
    CU_ASSERT_FALSE(textin_charset_keeps_lines("UTF-7"));
    CU_ASSERT_FALSE(textin_charset_keeps_lines("ISO-2022-JP"));
    CU_ASSERT_FALSE(textin_charset_keeps_lines("iso-8859-x"));
    buf_t b;
    buf_init(&b);
    textin_put_token(&b, "UTF-7\r\n<x>", 8);
    CU_ASSERT_STRING_EQUAL(b.s, "utf-7<");     /* 8 bytes read: CR, LF dropped */
    buf_free(&b);
}

void suite_textin(void);

void suite_textin(void)
{
    mailout_init();     /* GMime (its charset names); never shut down
                           (see suite_mailin) */
    CU_pSuite s = harness_suite("textin");
    HARNESS_ADD(s, test_decode);
    HARNESS_ADD(s, test_unchecked_block);
    HARNESS_ADD(s, test_charsets);
}
