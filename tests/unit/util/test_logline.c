/*
 * test_logline.c - log lines of KEY=VALUE pairs: bare values where they
 * may be, quoted and escaped values where not (logline.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "util/logline.h"

/* The one pair @key=@value as logline_kv() writes it into an empty line. */
static char *pair(const char *key, const char *value)
{
    buf_t b;
    buf_init(&b);
    logline_kv(&b, key, "%s", value);
    return buf_steal(&b);
}

#define PAIR_IS(k, v, want) do {                 \
        char *got_ = pair((k), (v));             \
        CU_ASSERT_STRING_EQUAL(got_, (want));    \
        free(got_);                              \
    } while (0)

/* Values of the bare set stay bare; the first pair has no space before it. */
static void test_bare(void)
{
    PAIR_IS("message-id", "<a.b+c_d-e/f:g@example.net>", "message-id=<a.b+c_d-e/f:g@example.net>");
    PAIR_IS("size", "850+", "size=850+");
    PAIR_IS("time", "17ms", "time=17ms");
}

/* Anything else is quoted: spaces, '=', quotes and backslashes (escaped),
 * control bytes (escaped, never raw), UTF-8 (as it is), the empty value. */
static void test_quoted(void)
{
    PAIR_IS("reason", "store locked", "reason=\"store locked\"");
    PAIR_IS("reason", "a=b", "reason=\"a=b\"");
    PAIR_IS("reason", "key \"x\" at C:\\dir", "reason=\"key \\\"x\\\" at C:\\\\dir\"");
    PAIR_IS("reason", "two\nlines\r\tand\x01\x7f", "reason=\"two\\nlines\\r\\tand\\x01\\x7f\"");
    PAIR_IS("reason", "Юникод", "reason=\"Юникод\"");
    PAIR_IS("reason", "", "reason=\"\"");
    PAIR_IS("from", "x y@example.net", "from=\"x y@example.net\"");
}

/* Pairs are separated by one space; a formatted value is quoted as a whole. */
static void test_line(void)
{
    buf_t b;
    buf_init(&b);
    logline_kv(&b, "outcome", "%s", "tempfail");
    logline_kv(&b, "reason", "store: %s: %s", "/var/db x/data.mdb", "Permission denied");
    logline_kv(&b, "queued", "%u", 4u);
    CU_ASSERT_STRING_EQUAL(b.s, "outcome=tempfail reason=\"store: /var/db x/data.mdb: "
                                "Permission denied\" queued=4");
    buf_free(&b);
}

void suite_logline(void);
void suite_logline(void)
{
    CU_pSuite s = harness_suite("logline");
    HARNESS_ADD(s, test_bare);
    HARNESS_ADD(s, test_quoted);
    HARNESS_ADD(s, test_line);
}
