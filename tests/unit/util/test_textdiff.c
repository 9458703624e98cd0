/*
 * test_textdiff.c - the unified line diff of util/textdiff.h: hunks with
 * one line of context, shared hunks, edges, minimality, and the fallback
 * for texts too different to search.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/buf.h"
#include "util/textdiff.h"

static char *diff(const char *a, const char *b)
{
    buf_t out;
    buf_init(&out);
    textdiff_unified(a, b, &out);
    return buf_steal(&out);
}

static void test_diff(void)
{
    char *d = diff("a\nb\nc\n", "a\nb\nc\n");
    CU_ASSERT_STRING_EQUAL(d, "");
    free(d);

    d = diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nB\nc\nd\ne\nf\nG\nh\n");
    CU_ASSERT_STRING_EQUAL(d,
        "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        "@@ -6,3 +6,3 @@\n f\n-g\n+G\n h\n");
    free(d);

    /* Two changes two lines apart share one hunk. */
    d = diff("a\nb\nc\nd\ne\n", "a\nB\nc\nd\nE\n");
    CU_ASSERT_STRING_EQUAL(d, "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n-e\n+E\n");
    free(d);

    /* Insertion at the start, deletion at the end. */
    d = diff("b\nc\nd\ne\n", "a\nb\nc\nd\n");
    CU_ASSERT_STRING_EQUAL(d, "@@ -1,1 +1,2 @@\n+a\n b\n@@ -3,2 +4,1 @@\n d\n-e\n");
    free(d);
    d = diff("b\nc\nd\n", "a\nb\nc\n");
    CU_ASSERT_STRING_EQUAL(d, "@@ -1,3 +1,3 @@\n+a\n b\n c\n-d\n");
    free(d);

    /* From and to nothing; a missing final newline. */
    d = diff("", "x\ny");
    CU_ASSERT_STRING_EQUAL(d, "@@ -0,0 +1,2 @@\n+x\n+y\n");
    free(d);
    d = diff("x\ny\n", "");
    CU_ASSERT_STRING_EQUAL(d, "@@ -1,2 +0,0 @@\n-x\n-y\n");
    free(d);

    /* A minimal diff, not "all removed, all added". */
    d = diff("a\nx\nb\nx\nc\n", "x\na\nb\nc\nx\n");
    size_t minus = 0, plus = 0;
    for (const char *p = d; *p; p = strchr(p, '\n') + 1) {
        minus += *p == '-';
        plus += *p == '+';
    }
    CU_ASSERT_EQUAL(minus, 2);
    CU_ASSERT_EQUAL(plus, 2);
    free(d);

    /* Large, completely different texts still give a valid diff. */
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    for (int i = 0; i < 3000; i++) {
        buf_printf(&a, "remarks: old %d\n", i);
        buf_printf(&b, "remarks: new %d\n", i);
    }
    d = diff(a.s, b.s);
    CU_ASSERT(strncmp(d, "@@ -1,3000 +1,3000 @@\n-remarks: old 0\n", 38) == 0);
    free(d);
    buf_free(&a);
    buf_free(&b);
}

void suite_textdiff(void);
void suite_textdiff(void)
{
    CU_pSuite s = harness_suite("textdiff");
    HARNESS_ADD(s, test_diff);
}
