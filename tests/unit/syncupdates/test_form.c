/*
 * test_form.c - the parameters of a syncupdates request (form.h): the
 * urlencoded decoding ('+', %XX, a '%' that starts no escape, NUL bytes
 * kept), only the upper-case names syncupdates knows, the first of a name
 * given twice, DATA's charset from the Content-Type; multipart parts (the
 * part's charset before the request's, a transfer encoding removed, no
 * boundary refused); the bounds before a multipart body is parsed (parts,
 * the header of a part, a nested multipart, a delimiter hidden in a
 * header); the media types; "set" and "true".
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/mailout.h"
#include "syncupdates/form.h"

static void test_urlencoded(void)
{
    static const char q[] = "DATA=a+b%3Dc%0A%zz%41%00x&new=yes&NEW=&NEW=yes&HELP&"
                            "ORIGIN=1.2.3.4&X=1&DIFF=No";
    form_t f;
    form_init(&f);
    form_parse_urlencoded(&f, q, sizeof q - 1, "ISO-8859-1");
    CU_ASSERT_TRUE(f.data.present);
    CU_ASSERT_EQUAL_FATAL(f.data.v.len, 12);
    CU_ASSERT_EQUAL(memcmp(f.data.v.s, "a b=c\n%zzA\0x", 12), 0);
    CU_ASSERT_STRING_EQUAL(f.charset, "ISO-8859-1");
    CU_ASSERT_TRUE(f.new_.present);             /* "new" is not "NEW" */
    CU_ASSERT_FALSE(form_set(&f.new_));         /* the first NEW= counts */
    CU_ASSERT_TRUE(f.help.present);
    CU_ASSERT_FALSE(form_true(&f.help));        /* present, not set */
    CU_ASSERT_FALSE(form_true(&f.diff));        /* "No" */
    CU_ASSERT_TRUE(form_true(&f.data));
    CU_ASSERT_STRING_EQUAL(f.origin.v.s, "1.2.3.4");
    CU_ASSERT_FALSE(f.redirect.present);
    form_free(&f);
    CU_ASSERT_FALSE(f.data.present);
    CU_ASSERT_PTR_NULL(f.charset);
}

static void test_multipart(void)
{
    static const char ct[] = "multipart/form-data; boundary=XyZ; charset=ISO-8859-1";
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"NEW\"\r\n\r\nyes\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"; filename=\"u.txt\"\r\n"
        "Content-Type: text/plain; charset=KOI8-R\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "person: =E1\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"\r\n\r\nsecond\r\n"
        "--XyZ--\r\n";
    form_t f;
    form_init(&f);
    err_t err = ERR_INIT;
    CU_ASSERT_EQUAL(form_parse_multipart(&f, ct, body, sizeof body - 1, &err), 0);
    CU_ASSERT_TRUE(form_true(&f.new_));
    CU_ASSERT_STRING_EQUAL(f.data.v.s, "person: \xe1");       /* the first DATA */
    CU_ASSERT_STRING_EQUAL(f.charset, "KOI8-R");              /* the part's */
    form_free(&f);

    static const char body2[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"\r\n\r\ncaf\xe9\r\n--XyZ--\r\n";
    form_init(&f);
    CU_ASSERT_EQUAL(form_parse_multipart(&f, ct, body2, sizeof body2 - 1, &err), 0);
    CU_ASSERT_STRING_EQUAL(f.data.v.s, "caf\xe9");
    CU_ASSERT_STRING_EQUAL(f.charset, "ISO-8859-1");          /* the request's */
    form_free(&f);

    form_init(&f);
    CU_ASSERT_EQUAL(form_parse_multipart(&f, "multipart/form-data", body2, sizeof body2 - 1,
                                         &err), ERR_SYNTAX);
    form_free(&f);
    err_free(&err);
}

static void test_multipart_check(void)
{
    static const char ct[] = "multipart/form-data; boundary=XyZ";
    static const char two[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"NEW\"\r\n\r\nyes\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"\r\n\r\nx\r\n--XyZ--\r\n";
    err_t err = ERR_INIT;
    CU_ASSERT_EQUAL(form_multipart_check(ct, two, sizeof two - 1, 2, 100, &err), 0);
    CU_ASSERT_EQUAL(form_multipart_check(ct, two, sizeof two - 1, 1, 100, &err), ERR_LIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&err), "sync_max_parts"));
    err_free(&err);
    /* the longer header: 45 bytes */
    CU_ASSERT_EQUAL(form_multipart_check(ct, two, sizeof two - 1, 2, 44, &err), ERR_LIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&err), "sync_max_part_header_size"));
    err_free(&err);
    CU_ASSERT_EQUAL(form_multipart_check(ct, two, sizeof two - 1, 2, 45, &err), 0);
    /* delimiters with no empty line between them: each counted */
    static const char glued[] = "--XyZ\n--XyZ\n--XyZ\n--XyZ\n\n--XyZ--\n";
    CU_ASSERT_EQUAL(form_multipart_check(ct, glued, sizeof glued - 1, 3, 1000, &err),
                    ERR_LIMIT);
    err_free(&err);
    static const char nested[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"\r\nContent-Type:\r\n"
        " MULTIPART/mixed; boundary=in\r\n\r\n--in\r\n\r\nx\r\n--in--\r\n--XyZ--\r\n";
    CU_ASSERT_EQUAL(form_multipart_check(ct, nested, sizeof nested - 1, 16, 8192, &err),
                    ERR_SYNTAX);
    err_free(&err);
    /* "multipart" in a body is no header */
    static const char inbody[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"DATA\"\r\n\r\nmultipart\r\n--XyZ--\r\n";
    CU_ASSERT_EQUAL(form_multipart_check(ct, inbody, sizeof inbody - 1, 16, 8192, &err), 0);
    CU_ASSERT_EQUAL(form_multipart_check("multipart/form-data", two, sizeof two - 1, 16, 8192,
                                         &err), ERR_SYNTAX);
    err_free(&err);
}

static void test_types(void)
{
    CU_ASSERT_EQUAL(form_type_of(NULL), FORM_NONE);
    CU_ASSERT_EQUAL(form_type_of(""), FORM_NONE);
    CU_ASSERT_EQUAL(form_type_of("application/x-www-form-urlencoded; charset=UTF-8"),
                    FORM_URLENCODED);
    CU_ASSERT_EQUAL(form_type_of("Multipart/Form-Data; boundary=a"), FORM_MULTIPART);
    CU_ASSERT_EQUAL(form_type_of("text/plain"), FORM_OTHER);
    char *cs = form_charset("application/x-www-form-urlencoded; charset=\"latin1\"");
    CU_ASSERT_STRING_EQUAL(cs, "latin1");
    free(cs);
    CU_ASSERT_PTR_NULL(form_charset("application/x-www-form-urlencoded"));
}

void suite_form(void);

void suite_form(void)
{
    mailout_init();     /* GMime (the multipart parser); never shut down
                           (see suite_mailin) */
    CU_pSuite s = harness_suite("form");
    HARNESS_ADD(s, test_urlencoded);
    HARNESS_ADD(s, test_multipart);
    HARNESS_ADD(s, test_multipart_check);
    HARNESS_ADD(s, test_types);
}
