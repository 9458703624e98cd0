/*
 * test_asn.c - the one lexer of AS numbers, as-block ranges and set names
 * (rpsl/asn.h), and that the syntax check and the policy parser read AS
 * numbers through it (so they agree on every edge case).
 *
 * The rule is ../shared/spec/ripe/syntax.txt section 2 "as-number":
 * case-insensitive "AS" + digits, 0..4294967295, no leading zero except
 * AS0, no asdot.
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "rpsl/asn.h"
#include "rpsl/policy.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"

/* asn_parse over the whole NUL-terminated @s; -1 or the number. */
static int64_t asn(const char *s)
{
    uint32_t v = 7;
    if (asn_parse(s, strlen(s), &v) != 0) {
        CU_ASSERT_EQUAL(v, 7);          /* untouched on failure */
        return -1;
    }
    return v;
}

static void test_numbers(void)
{
    CU_ASSERT_EQUAL(asn("AS0"), 0);
    CU_ASSERT_EQUAL(asn("AS1"), 1);
    CU_ASSERT_EQUAL(asn("AS3333"), 3333);
    CU_ASSERT_EQUAL(asn("AS4294967295"), 4294967295);
    CU_ASSERT_EQUAL(asn("AS4294967296"), -1);
    CU_ASSERT_EQUAL(asn("AS9999999999"), -1);
    CU_ASSERT_EQUAL(asn("AS99999999999"), -1);
    /* case: the spec's patterns are case-insensitive */
    CU_ASSERT_EQUAL(asn("as65536"), 65536);
    CU_ASSERT_EQUAL(asn("aS65536"), 65536);
    CU_ASSERT_EQUAL(asn("As1"), 1);
    /* leading zeros: only AS0 itself */
    CU_ASSERT_EQUAL(asn("AS0123"), -1);
    CU_ASSERT_EQUAL(asn("AS00"), -1);
    CU_ASSERT_EQUAL(asn("AS007"), -1);
    CU_ASSERT_EQUAL(asn("AS04294967295"), -1);
    /* asdot is not accepted */
    CU_ASSERT_EQUAL(asn("AS1.5"), -1);
    CU_ASSERT_EQUAL(asn("AS0.1"), -1);
    /* shapes that are no AS number */
    CU_ASSERT_EQUAL(asn("AS"), -1);
    CU_ASSERT_EQUAL(asn(""), -1);
    CU_ASSERT_EQUAL(asn("3333"), -1);
    CU_ASSERT_EQUAL(asn("ASN1"), -1);
    CU_ASSERT_EQUAL(asn("AS-1"), -1);
    CU_ASSERT_EQUAL(asn("AS+1"), -1);
    CU_ASSERT_EQUAL(asn(" AS1"), -1);
    CU_ASSERT_EQUAL(asn("AS1 "), -1);
    CU_ASSERT_EQUAL(asn("AS1:AS-X"), -1);
    /* a span: never read past its end */
    {
        uint32_t v = 0;
        CU_ASSERT_EQUAL(asn_parse("AS3257 ", 6, &v), 0);
        CU_ASSERT_EQUAL(v, 3257);
        CU_ASSERT_EQUAL(asn_parse("AS12345", 4, &v), 0);
        CU_ASSERT_EQUAL(v, 12);
        CU_ASSERT_EQUAL(asn_parse("AS0123", 3, &v), 0);    /* "AS0" */
        CU_ASSERT_EQUAL(v, 0);
    }
}

static int range(const char *s, uint32_t *lo, uint32_t *hi)
{
    return asn_parse_range(s, strlen(s), lo, hi);
}

static void test_ranges(void)
{
    uint32_t lo = 0, hi = 0;
    CU_ASSERT(range("AS64496 - AS64511", &lo, &hi) == 0 && lo == 64496 && hi == 64511);
    CU_ASSERT(range("AS1-AS2", &lo, &hi) == 0 && lo == 1 && hi == 2);
    CU_ASSERT(range("as0  -\tAS4294967295", &lo, &hi) == 0 && lo == 0 &&
              hi == 4294967295u);
    CU_ASSERT(range("  AS5 - AS6  ", &lo, &hi) == 0 && lo == 5 && hi == 6);
    /* order is the caller's business (syntax rejects lo > hi) */
    CU_ASSERT(range("AS9 - AS1", &lo, &hi) == 0 && lo == 9 && hi == 1);
    CU_ASSERT(range("AS1 - 2", &lo, &hi) != 0);
    CU_ASSERT(range("AS1", &lo, &hi) != 0);
    CU_ASSERT(range("AS1 - AS2 - AS3", &lo, &hi) != 0);
    CU_ASSERT(range("AS01 - AS2", &lo, &hi) != 0);
    CU_ASSERT(range("AS1 - AS4294967296", &lo, &hi) != 0);
    CU_ASSERT(range("-", &lo, &hi) != 0);
}

static void test_set_names(void)
{
    CU_ASSERT_EQUAL(asn_set_name("AS-FOO", 6, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("as1:as-foo", 10, ASN_SET_AS | ASN_SET_RS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("AS1:RS-FOO", 10, ASN_SET_AS | ASN_SET_RS), ASN_SET_RS);
    CU_ASSERT_EQUAL(asn_set_name("AS1:RS-FOO", 10, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS1:AS2", 7, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS-A:RS-B", 9, ASN_SET_AS | ASN_SET_RS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS1::AS-B", 9, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS-B:", 5, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS-", 3, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS-A-", 5, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("RTRS-A_B", 8, ASN_SET_RTRS), ASN_SET_RTRS);
    CU_ASSERT_EQUAL(asn_set_name("fltr-x", 6, ASN_SET_FLTR), ASN_SET_FLTR);
    CU_ASSERT_EQUAL(asn_set_name("PRNG-X", 6, ASN_SET_PRNG), ASN_SET_PRNG);
    /* the AS number components follow asn_parse */
    CU_ASSERT_EQUAL(asn_set_name("AS4294967295:AS-X", 17, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("AS4294967296:AS-X", 17, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS0123:AS-X", 11, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("AS1.2:AS-X", 10, ASN_SET_AS), 0U);
    CU_ASSERT_EQUAL(asn_set_name("as65536:AS-X", 12, ASN_SET_AS), ASN_SET_AS);
    {
        char longname[90];
        memset(longname, 'A', sizeof longname);
        memcpy(longname, "AS-", 3);
        CU_ASSERT_EQUAL(asn_set_name(longname, 80, ASN_SET_AS), ASN_SET_AS);
        CU_ASSERT_EQUAL(asn_set_name(longname, 81, ASN_SET_AS), 0U);
    }
}

static int syn(int id, int cls, const char *v)
{
    syntax_result_t r;
    int ok = syntax_check(id, cls, v, 0, &r);
    syntax_result_free(&r);
    return ok;
}

static int pol(const char *v)
{
    return policy_check(POL_IMPORT, 0, v, strlen(v), NULL);
}

/* syntax (aut-num:, members:, as-block:) and the policy parser agree
 * with asn_parse on @v: all accept it (@ok) or all refuse it */
static void agree(const char *v, int ok)
{
    char buf[96];
    CU_ASSERT_EQUAL(syn(SYN_AS_NUMBER, SC_AUT_NUM, v), ok);
    CU_ASSERT_EQUAL(syn(SYN_MEMBERS, SC_AS_SET, v), ok);
    strcpy(buf, "from AS1 accept ");
    strcat(buf, v);
    strcat(buf, " AND AS-FOO");
    CU_ASSERT_EQUAL(pol(buf), ok ? 0 : -1);
    strcpy(buf, "AS0 - ");
    strcat(buf, v);
    CU_ASSERT_EQUAL(syn(SYN_AS_BLOCK, SC_AS_BLOCK, buf), ok);
}

static void test_callers_agree(void)
{
    agree("AS0", 1);
    agree("as65536", 1);
    agree("AS4294967295", 1);
    agree("AS0123", 0);
    agree("AS4294967296", 0);
    agree("AS1.2", 0);
    agree("ASX", 0);
}

void suite_asn(void);
void suite_asn(void)
{
    CU_pSuite s = harness_suite("asn");
    HARNESS_ADD(s, test_numbers);
    HARNESS_ADD(s, test_ranges);
    HARNESS_ADD(s, test_set_names);
    HARNESS_ADD(s, test_callers_agree);
}
