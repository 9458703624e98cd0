/*
 * test_text.c - the ASCII character classes and text helpers of
 * util/text.h: locale-free classes, trimming, case-insensitive compare.
 */
#include <string.h>

#include "harness.h"
#include "util/text.h"

static void test_classes(void)
{
    int alpha = 0, digit = 0, xdigit = 0, space = 0;
    for (int c = 0; c < 256; c++) {
        alpha += text_is_alpha(c);
        digit += text_is_digit(c);
        xdigit += text_is_xdigit(c);
        space += text_is_space(c);
        CU_ASSERT_EQUAL(text_is_alnum(c), text_is_alpha(c) || text_is_digit(c));
    }
    CU_ASSERT_EQUAL(alpha, 52);         /* no Latin-1 letters */
    CU_ASSERT_EQUAL(digit, 10);
    CU_ASSERT_EQUAL(xdigit, 22);
    CU_ASSERT_EQUAL(space, 4);
    CU_ASSERT(text_is_space(' ') && text_is_space('\t') && text_is_space('\r') &&
              text_is_space('\n'));
    CU_ASSERT(!text_is_space('\v') && !text_is_space('\f') && !text_is_space(0xA0));
    CU_ASSERT(!text_is_alpha(0xE9) && !text_is_alpha(-1));
    CU_ASSERT_EQUAL(text_upper('a'), 'A');
    CU_ASSERT_EQUAL(text_upper('z'), 'Z');
    CU_ASSERT_EQUAL(text_upper('A'), 'A');
    CU_ASSERT_EQUAL(text_upper('-'), '-');
    CU_ASSERT_EQUAL(text_upper(0xE9), 0xE9);
    CU_ASSERT_EQUAL(text_lower('Q'), 'q');
    CU_ASSERT_EQUAL(text_lower('q'), 'q');
    CU_ASSERT_EQUAL(text_lower('@'), '@');
}

static void trimmed(const char *in, const char *want)
{
    const char *s = in;
    size_t len = strlen(in);
    text_trim(&s, &len);
    CU_ASSERT_EQUAL(len, strlen(want));
    CU_ASSERT(strncmp(s, want, len) == 0);
    CU_ASSERT(s >= in && s + len <= in + strlen(in));
}

static void test_trim(void)
{
    trimmed("abc", "abc");
    trimmed("  abc\t", "abc");
    trimmed("\r\n a b \n", "a b");
    trimmed("", "");
    trimmed(" \t\r\n", "");
    trimmed("\va\f", "\va\f");          /* VT and FF are not space here */
    {
        const char *s = "  x  ";
        size_t len = 3;                 /* "  x": the span, not the string */
        text_trim(&s, &len);
        CU_ASSERT(len == 1 && *s == 'x');
    }
}

static void test_eq_ci(void)
{
    CU_ASSERT_EQUAL(text_eq_ci("AS-ANY", 6, "as-any"), 1);
    CU_ASSERT_EQUAL(text_eq_ci("as-any", 6, "AS-ANY"), 1);
    CU_ASSERT_EQUAL(text_eq_ci("AS-ANYX", 6, "as-any"), 1);   /* a span */
    CU_ASSERT_EQUAL(text_eq_ci("AS-AN", 5, "as-any"), 0);
    CU_ASSERT_EQUAL(text_eq_ci("AS-ANY", 6, "as-an"), 0);
    CU_ASSERT_EQUAL(text_eq_ci("", 0, ""), 1);
    CU_ASSERT_EQUAL(text_eq_ci("a\0b", 3, "a"), 0);
    CU_ASSERT_EQUAL(text_eq_ci("[", 1, "{"), 0);               /* not letters */
}

static void test_lines(void)
{
    const char *t = "ab\r\ncd\n\nlast\r";
    size_t n = strlen(t), off = 0;
    CU_ASSERT_EQUAL(text_line_len(t, n), 2);                  /* CRLF */
    off = text_next_line(t, n, off);
    CU_ASSERT_EQUAL(off, 4);
    CU_ASSERT_EQUAL(text_line_len(t + off, n - off), 2);      /* LF */
    off = text_next_line(t, n, off);
    CU_ASSERT_EQUAL(off, 7);
    CU_ASSERT_EQUAL(text_line_len(t + off, n - off), 0);      /* empty */
    off = text_next_line(t, n, off);
    CU_ASSERT_EQUAL(off, 8);
    CU_ASSERT_EQUAL(text_line_len(t + off, n - off), 4);      /* "last", CR at end */
    off = text_next_line(t, n, off);
    CU_ASSERT_EQUAL(off, n);                                  /* no LF: the end */
    CU_ASSERT_EQUAL(text_line_len("abc\n", 2), 2);            /* bounded by n */
    CU_ASSERT_EQUAL(text_line_len("", 0), 0);
    CU_ASSERT_EQUAL(text_line_len("\r\n", 2), 0);
}

static int host(const char *s, int underscore)
{
    return text_is_hostname(s, strlen(s), underscore);
}

static void test_hostname(void)
{
    CU_ASSERT_EQUAL(host("localhost", 0), 1);
    CU_ASSERT_EQUAL(host("ns1.example.net", 0), 1);
    CU_ASSERT_EQUAL(host("a-b.c", 0), 1);
    CU_ASSERT_EQUAL(host("a_b.c", 0), 0);
    CU_ASSERT_EQUAL(host("a_b.c", 1), 1);
    CU_ASSERT_EQUAL(host("_a.c", 1), 0);
    CU_ASSERT_EQUAL(host("-a.c", 0), 0);
    CU_ASSERT_EQUAL(host("a-.c", 0), 0);
    CU_ASSERT_EQUAL(host("a..c", 0), 0);
    CU_ASSERT_EQUAL(host(".a.c", 0), 0);
    CU_ASSERT_EQUAL(host("a.c.", 0), 0);
    CU_ASSERT_EQUAL(host("", 0), 0);
    CU_ASSERT_EQUAL(host("a!b.c", 0), 0);
    {
        char b[300];
        memset(b, 'a', sizeof b);
        CU_ASSERT_EQUAL(text_is_hostname(b, 63, 0), 1);
        CU_ASSERT_EQUAL(text_is_hostname(b, 64, 0), 0);     /* label > 63 */
        for (size_t i = 63; i < sizeof b; i += 64)
            b[i] = '.';
        CU_ASSERT_EQUAL(text_is_hostname(b, 254, 0), 1);
        CU_ASSERT_EQUAL(text_is_hostname(b, 255, 0), 0);    /* name > 254 */
    }
}

void suite_text(void);
void suite_text(void)
{
    CU_pSuite s = harness_suite("text");
    HARNESS_ADD(s, test_classes);
    HARNESS_ADD(s, test_trim);
    HARNESS_ADD(s, test_eq_ci);
    HARNESS_ADD(s, test_lines);
    HARNESS_ADD(s, test_hostname);
}
