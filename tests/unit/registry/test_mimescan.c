/*
 * test_mimescan.c - the MIME-free bound on a mail's structure
 * (mimescan.h): parts and nesting counted as the MIME walk counts them
 * (at the limit passes, one more is refused), delimiters after a close
 * and boundaries of leaf types not counted, header blocks measured
 * together, the mail's own header block cut for the answer, an attached
 * mail's parts counted.
 */
#include <string.h>

#include "harness.h"
#include "registry/mimescan.h"
#include "util/buf.h"

#define BIG ((size_t)1 << 20)

static int scan(const buf_t *b, unsigned depth, unsigned parts, size_t header)
{
    return mimescan_mail(b->s, b->len, depth, parts, header, NULL);
}

static void test_parts(void)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "From: a@b\r\nContent-Type: Multipart/Mixed;\r\n boundary=\"P q\"\r\n\r\npreamble\r\n");
    for (int i = 0; i < 4; i++)
        buf_puts(&b, "--P q \r\nContent-Type: text/plain\r\n\r\n--P qx\r\n---P q\r\n");
    buf_puts(&b, "--P q--\r\n--P q\r\n--P q\r\n");     /* epilogue */
    CU_ASSERT_EQUAL(scan(&b, 32, 5, BIG), MIMESCAN_OK);     /* 1 + 4 */
    CU_ASSERT_EQUAL(scan(&b, 32, 4, BIG), MIMESCAN_PARTS);
    CU_ASSERT_EQUAL(scan(&b, 1, 5, BIG), MIMESCAN_OK);
    /* a boundary on a leaf type declares nothing */
    buf_reset(&b);
    buf_puts(&b, "Content-Type: text/plain; boundary=x\n\n--x\n--x\n--x\n");
    CU_ASSERT_EQUAL(scan(&b, 32, 1, BIG), MIMESCAN_OK);
    /* a token boundary, the other parameters after it */
    buf_reset(&b);
    buf_puts(&b, "Content-type: multipart/alternative; BOUNDARY=x;a=b\n\n--x\n\n--x\n\n--x--\n");
    CU_ASSERT_EQUAL(scan(&b, 32, 3, BIG), MIMESCAN_OK);
    CU_ASSERT_EQUAL(scan(&b, 32, 2, BIG), MIMESCAN_PARTS);
    buf_free(&b);
}

static void test_depth(void)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "Content-Type: multipart/mixed; boundary=b0\n\n");
    for (int i = 1; i <= 3; i++)
        buf_printf(&b, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i - 1, i);
    /* the innermost multipart (depth 3) is empty: nothing at depth 4 */
    CU_ASSERT_EQUAL(scan(&b, 3, 100, BIG), MIMESCAN_OK);
    buf_puts(&b, "--b3\n\ntext\n");
    CU_ASSERT_EQUAL(scan(&b, 4, 100, BIG), MIMESCAN_OK);
    CU_ASSERT_EQUAL(scan(&b, 3, 100, BIG), MIMESCAN_DEPTH);
    /* a delimiter of an outer boundary ends the inner ones */
    buf_reset(&b);
    buf_puts(&b, "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
                 "Content-Type: multipart/mixed; boundary=i\n\n--i\n\nx\n"
                 "--o\n\ny\n--i\n\nz\n--o--\n");
    CU_ASSERT_EQUAL(scan(&b, 32, 4, BIG), MIMESCAN_OK);     /* i's last is text */
    CU_ASSERT_EQUAL(scan(&b, 32, 3, BIG), MIMESCAN_PARTS);
    buf_free(&b);
}

static void test_headers(void)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "From: a@b\nSubject: x\n\nbody: 1\n");    /* 21 bytes */
    size_t top = 0;
    CU_ASSERT_EQUAL(mimescan_mail(b.s, b.len, 32, 10, 21, &top), MIMESCAN_OK);
    CU_ASSERT_EQUAL(top, 21);
    CU_ASSERT_EQUAL(mimescan_mail(b.s, b.len, 32, 10, 20, &top), MIMESCAN_HEADER);
    CU_ASSERT_EQUAL(top, 10);                               /* "From: a@b\n" */
    /* the parts' header blocks add up */
    buf_reset(&b);
    buf_puts(&b, "Content-Type: multipart/mixed; boundary=x\n\n");   /* 42 */
    for (int i = 0; i < 3; i++)
        buf_puts(&b, "--x\nX-A: 123456789\n\nbody\n");                /* 3 x 15 */
    CU_ASSERT_EQUAL(scan(&b, 32, 10, 87), MIMESCAN_OK);
    CU_ASSERT_EQUAL(scan(&b, 32, 10, 86), MIMESCAN_HEADER);
    /* a line that is no field ends a header block */
    buf_reset(&b);
    buf_puts(&b, "From: a@b\n");
    for (int i = 0; i < 100; i++)
        buf_puts(&b, "not a field\n");
    CU_ASSERT_EQUAL(scan(&b, 32, 10, 10), MIMESCAN_OK);
    buf_free(&b);
}

static void test_attached_mail(void)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
                 "Content-Type: message/rfc822\n\nFrom: c@d\n"
                 "Content-Type: multipart/mixed; boundary=y\n\n");
    for (int i = 0; i < 5; i++)
        buf_puts(&b, "--y\n\n");
    buf_puts(&b, "--y--\n--x--\n");
    CU_ASSERT_EQUAL(scan(&b, 32, 7, BIG), MIMESCAN_OK);
    CU_ASSERT_EQUAL(scan(&b, 32, 6, BIG), MIMESCAN_PARTS);
    buf_free(&b);
}

void suite_mimescan(void);

void suite_mimescan(void)
{
    CU_pSuite s = harness_suite("mimescan");
    HARNESS_ADD(s, test_parts);
    HARNESS_ADD(s, test_depth);
    HARNESS_ADD(s, test_headers);
    HARNESS_ADD(s, test_attached_mail);
}
