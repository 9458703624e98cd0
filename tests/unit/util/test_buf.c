/*
 * test_buf.c - growable strings: exact reservations, bounded growth of
 * big buffers, and stolen strings given back their unused room.
 */
#include <malloc.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"

/* A reservation on an empty buffer is what was asked for, not the next
 * step of a growth series (a 10 MB mail read into a 12 MB buffer). */
static void test_reserve_exact(void)
{
    buf_t b;
    buf_init(&b);
    buf_reserve(&b, 10000000);
    CU_ASSERT_EQUAL(b.cap, 10000001);
    buf_pad(&b, 'x', 10000000);
    CU_ASSERT_EQUAL(b.cap, 10000001);     /* it fit: no growth */
    CU_ASSERT_EQUAL(b.len, 10000000);
    CU_ASSERT_EQUAL(b.s[b.len], 0);
    buf_free(&b);
}

/* Small buffers double; big ones grow by a quarter, so appending to a
 * big text never leaves more than a quarter of it unused. */
static void test_growth(void)
{
    buf_t b;
    buf_init(&b);
    buf_putc(&b, 'a');
    size_t small = b.cap;
    buf_pad(&b, 'a', small);                /* one more than fits */
    CU_ASSERT_EQUAL(b.cap, 2 * small);
    size_t grown = 0;
    for (size_t i = 0; i < 20000; i++) {
        size_t before = b.cap;
        buf_pad(&b, 'b', 1000);
        if (b.cap != before && before >= ((size_t)1 << 20)) {
            CU_ASSERT_EQUAL(b.cap, before + before / 4);
            grown++;
        }
        CU_ASSERT(b.len < b.cap);
    }
    CU_ASSERT(grown > 0);
    CU_ASSERT(b.cap - b.len <= b.len / 4 + 1000);
    buf_free(&b);
}

/* buf_steal(): the same bytes; a string with much unused room is shrunk. */
static void test_steal_shrinks(void)
{
    buf_t b;
    buf_init(&b);
    buf_reserve(&b, 1 << 16);
    buf_puts(&b, "short");
    char *s = buf_steal(&b);
    CU_ASSERT_STRING_EQUAL(s, "short");
    CU_ASSERT(malloc_usable_size(s) < 1024);
    CU_ASSERT_EQUAL(b.cap, 0);
    CU_ASSERT_EQUAL(b.len, 0);
    free(s);
    s = buf_steal(&b);                      /* empty: an empty string */
    CU_ASSERT_STRING_EQUAL(s, "");
    free(s);
}

void suite_buf(void);
void suite_buf(void)
{
    CU_pSuite s = harness_suite("buf");
    HARNESS_ADD(s, test_reserve_exact);
    HARNESS_ADD(s, test_growth);
    HARNESS_ADD(s, test_steal_shrinks);
}
