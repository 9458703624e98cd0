/*
 * test_ipaddr.c - unit tests of the ipaddr module: IPv4/IPv6 parsing,
 * prefixes, inetnum ranges, reverse domains, comparisons and RFC 5952
 * formatting.
 */
#include <string.h>

#include "harness.h"
#include "util/ipaddr.h"

/* Format an address/range into a static-free buffer owned by the caller. */
static int addr_is(int af, const uint8_t a[16], const char *want)
{
    buf_t b;
    int ok;
    buf_init(&b);
    ip_format_addr(af, a, &b);
    ok = strcmp(b.s, want) == 0;
    if (!ok)
        fprintf(stderr, "\n  got %s want %s\n", b.s, want);
    buf_free(&b);
    return ok;
}

static int range_is(const ip_range_t *r, const char *want)
{
    buf_t b;
    int ok;
    buf_init(&b);
    ip_format_range(r, &b);
    ok = strcmp(b.s, want) == 0;
    if (!ok)
        fprintf(stderr, "\n  got %s want %s\n", b.s, want);
    buf_free(&b);
    return ok;
}

static int prefix_is(const ip_range_t *r, const char *want)
{
    buf_t b;
    int ok;
    buf_init(&b);
    ip_format_prefix(r, &b);
    ok = strcmp(b.s, want) == 0;
    if (!ok)
        fprintf(stderr, "\n  got %s want %s\n", b.s, want);
    buf_free(&b);
    return ok;
}

static int v4(const char *s, uint8_t a[16])
{
    return ip_parse_v4(s, strlen(s), a);
}

static int v6(const char *s, uint8_t a[16])
{
    return ip_parse_v6(s, strlen(s), a);
}

static void test_v4_parse(void)
{
    uint8_t a[16];
    static const uint8_t zero12[12];
    CU_ASSERT_EQUAL(v4("192.0.2.1", a), 0);
    CU_ASSERT(a[0] == 192 && a[1] == 0 && a[2] == 2 && a[3] == 1);
    CU_ASSERT(memcmp(a + 4, zero12, 12) == 0);
    CU_ASSERT_EQUAL(v4("0.0.0.0", a), 0);
    CU_ASSERT_EQUAL(v4("255.255.255.255", a), 0);
    CU_ASSERT(a[3] == 255);
    CU_ASSERT_EQUAL(v4("256.0.0.0", a), -1);
    CU_ASSERT_EQUAL(v4("1.2.3", a), -1);
    CU_ASSERT_EQUAL(v4("1.2.3.4.5", a), -1);
    CU_ASSERT_EQUAL(v4("01.2.3.4", a), -1);
    CU_ASSERT_EQUAL(v4("1..3.4", a), -1);
    CU_ASSERT_EQUAL(v4("1.2.3.4 ", a), -1);
    CU_ASSERT_EQUAL(v4("a.b.c.d", a), -1);
    CU_ASSERT_EQUAL(v4("", a), -1);
    /* length limits the parse */
    CU_ASSERT_EQUAL(ip_parse_v4("10.1.2.3/8", 8, a), 0);
    CU_ASSERT(a[0] == 10 && a[3] == 3);
}

static void test_v6_parse(void)
{
    uint8_t a[16];
    CU_ASSERT_EQUAL(v6("2001:db8::1", a), 0);
    CU_ASSERT(a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8 && a[15] == 1);
    CU_ASSERT_EQUAL(v6("::", a), 0);
    CU_ASSERT_EQUAL(v6("::1", a), 0);
    CU_ASSERT(a[15] == 1 && a[14] == 0);
    CU_ASSERT_EQUAL(v6("1::", a), 0);
    CU_ASSERT(a[1] == 1 && a[15] == 0);
    CU_ASSERT_EQUAL(v6("1:2:3:4:5:6:7:8", a), 0);
    CU_ASSERT(a[14] == 0 && a[15] == 8);
    CU_ASSERT_EQUAL(v6("::ffff:192.0.2.1", a), 0);
    CU_ASSERT(a[10] == 0xff && a[11] == 0xff && a[12] == 192 && a[15] == 1);
    CU_ASSERT_EQUAL(v6("[2001:DB8::A]", a), 0);
    CU_ASSERT(a[15] == 0x0a);
    CU_ASSERT_EQUAL(v6("1:2:3:4:5:6:7:8:9", a), -1);
    CU_ASSERT_EQUAL(v6("1:2:3:4:5:6:7", a), -1);
    CU_ASSERT_EQUAL(v6("1::2::3", a), -1);
    CU_ASSERT_EQUAL(v6("12345::", a), -1);
    CU_ASSERT_EQUAL(v6("1:2:3:4:5:6:7:8::", a), -1);
    CU_ASSERT_EQUAL(v6(":1::", a), -1);
    CU_ASSERT_EQUAL(v6("1:", a), -1);
    CU_ASSERT_EQUAL(v6("g::", a), -1);
    CU_ASSERT_EQUAL(v6("192.0.2.1", a), -1);
    CU_ASSERT_EQUAL(v6("", a), -1);
    CU_ASSERT_EQUAL(v6("::1.2.3.256", a), -1);
}

static void test_prefix_parse(void)
{
    ip_range_t r;
    int plen = -1;
    const char *s = " 10.0.0.0/8 ";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 1, &r, &plen), 0);
    CU_ASSERT_EQUAL(plen, 8);
    CU_ASSERT(range_is(&r, "10.0.0.0 - 10.255.255.255"));
    s = "10.1.0.0/8";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 1, &r, &plen), -1);
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 0, &r, &plen), 0);
    CU_ASSERT(prefix_is(&r, "10.0.0.0/8"));
    s = "10.0.0.0/33";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 0, 0, &r, NULL), -1);
    s = "0.0.0.0/0";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 0, 1, &r, &plen), 0);
    CU_ASSERT_EQUAL(plen, 0);
    CU_ASSERT(range_is(&r, "0.0.0.0 - 255.255.255.255"));
    s = "2001:db8::/32";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 0, 1, &r, &plen), 0);
    CU_ASSERT_EQUAL(r.af, 6);
    CU_ASSERT_EQUAL(plen, 32);
    CU_ASSERT(range_is(&r, "2001:db8::/32"));
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 1, &r, &plen), -1);
    s = "2001:db8::1/32";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 6, 1, &r, &plen), -1);
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 6, 0, &r, &plen), 0);
    CU_ASSERT(prefix_is(&r, "2001:db8::/32"));
    s = "2001:db8::/129";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 6, 0, &r, &plen), -1);
    s = "2001:db8::/128";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 6, 1, &r, &plen), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 128);
    s = "10.0.0.0";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 0, &r, &plen), -1);
    s = "10.0.0.0/";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 0, &r, &plen), -1);
    s = "10.0.0.0/x";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 4, 0, &r, &plen), -1);
}

static void test_v4_range(void)
{
    ip_range_t r;
    const char *s = "192.0.2.0 - 192.0.2.255";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(r.af, 4);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 24);
    s = "192.0.2.0-192.0.2.9";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), -1);
    CU_ASSERT(range_is(&r, "192.0.2.0 - 192.0.2.9"));
    CU_ASSERT(prefix_is(&r, "192.0.2.0 - 192.0.2.9"));
    s = "10.0.0.0/8";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT(range_is(&r, "10.0.0.0 - 10.255.255.255"));
    s = "10.0.0.1/8";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), -1);
    s = "192.0.2.7";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT(range_is(&r, "192.0.2.7 - 192.0.2.7"));
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 32);
    s = "192.0.2.9 - 192.0.2.1";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), -1);
    s = "192.0.2.0 - ";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), -1);
    s = "2001:db8::/32";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), -1);
    s = "";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, 0, &r), -1);
}

static void test_reverse(void)
{
    ip_range_t r;
    const char *s = "193.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT(range_is(&r, "193.0.0.0 - 193.255.255.255"));
    s = "2.0.192.in-addr.arpa.";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT(range_is(&r, "192.0.2.0 - 192.0.2.255"));
    s = "1-9.2.0.192.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT(range_is(&r, "192.0.2.1 - 192.0.2.9"));
    s = "0-255.2.0.192.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "1-9.0.192.in-addr.arpa";       /* dash only with 4 labels */
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "2.1-9.0.192.in-addr.arpa";     /* dash only in the first label */
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "9-1.2.0.192.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "256.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "01.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "1.2.3.4.5.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "1..2.in-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "IN-ADDR.ARPA";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 0);
    s = "8.b.d.0.1.0.0.2.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(r.af, 6);
    CU_ASSERT(prefix_is(&r, "2001:db8::/32"));
    s = "1.8.b.d.0.1.0.0.2.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT(prefix_is(&r, "2001:db8:1000::/36"));
    s = "10.b.d.0.1.0.0.2.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "x.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.ip6.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 128);
    s = "1.4.4.e164.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "example.com";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
    s = "xin-addr.arpa";
    CU_ASSERT_EQUAL(ip_parse_reverse_domain(s, strlen(s), &r), -1);
}

static void test_prefixlen(void)
{
    ip_range_t r;
    const char *s = "10.0.0.0 - 10.0.1.255";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 23);
    s = "10.0.1.0 - 10.0.2.255";        /* two /24, not one prefix */
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), -1);
    s = "0.0.0.0 - 255.255.255.255";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 0);
    s = "10.0.0.0 - 10.0.0.6";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &r), 0);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), -1);
    memset(&r, 0, sizeof r);
    r.af = 6;
    memset(r.hi, 0xff, 16);
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), 0);
    CU_ASSERT(range_is(&r, "::/0"));
    r.hi[15] = 0xfe;
    CU_ASSERT_EQUAL(ip_range_prefixlen(&r), -1);
    CU_ASSERT(range_is(&r, ":: - ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
}

static void test_compare(void)
{
    ip_range_t big, small, other, six;
    const char *s = "10.0.0.0/8";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &big), 0);
    s = "10.1.0.0 - 10.1.0.255";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &small), 0);
    s = "9.255.255.0 - 10.0.0.5";
    CU_ASSERT_EQUAL(ip_parse_v4_range(s, strlen(s), &other), 0);
    s = "::/0";
    CU_ASSERT_EQUAL(ip_parse_prefix(s, strlen(s), 6, 1, &six, NULL), 0);
    CU_ASSERT(ip_addr_cmp(4, big.lo, small.lo) < 0);
    CU_ASSERT(ip_addr_cmp(4, small.lo, big.lo) > 0);
    CU_ASSERT(ip_addr_cmp(4, big.lo, big.lo) == 0);
    CU_ASSERT_EQUAL(ip_range_contains(&big, &small), 1);
    CU_ASSERT_EQUAL(ip_range_contains(&small, &big), 0);
    CU_ASSERT_EQUAL(ip_range_contains(&big, &big), 1);
    CU_ASSERT_EQUAL(ip_range_contains(&big, &other), 0);
    CU_ASSERT_EQUAL(ip_range_contains(&six, &big), 0);
    CU_ASSERT_EQUAL(ip_range_overlaps(&big, &other), 1);
    CU_ASSERT_EQUAL(ip_range_overlaps(&other, &big), 1);
    CU_ASSERT_EQUAL(ip_range_overlaps(&small, &other), 0);
    CU_ASSERT_EQUAL(ip_range_overlaps(&six, &big), 0);
    CU_ASSERT_EQUAL(ip_range_equal(&big, &big), 1);
    CU_ASSERT_EQUAL(ip_range_equal(&big, &small), 0);
    CU_ASSERT_EQUAL(ip_addr_len(4), 4);
    CU_ASSERT_EQUAL(ip_addr_len(6), 16);
}

static void test_format_v6(void)
{
    uint8_t a[16];
    CU_ASSERT_EQUAL(v6("2001:0DB8:0000:0000:0000:0000:0000:0001", a), 0);
    CU_ASSERT(addr_is(6, a, "2001:db8::1"));
    CU_ASSERT_EQUAL(v6("2001:db8:0:0:1:0:0:1", a), 0);
    CU_ASSERT(addr_is(6, a, "2001:db8::1:0:0:1"));      /* first of equal runs */
    CU_ASSERT_EQUAL(v6("2001:0:0:1:0:0:0:1", a), 0);
    CU_ASSERT(addr_is(6, a, "2001:0:0:1::1"));          /* longest run */
    CU_ASSERT_EQUAL(v6("2001:db8:0:1:1:1:1:1", a), 0);
    CU_ASSERT(addr_is(6, a, "2001:db8:0:1:1:1:1:1"));   /* no :: for one group */
    CU_ASSERT_EQUAL(v6("::", a), 0);
    CU_ASSERT(addr_is(6, a, "::"));
    CU_ASSERT_EQUAL(v6("1::", a), 0);
    CU_ASSERT(addr_is(6, a, "1::"));
    CU_ASSERT_EQUAL(v6("::1", a), 0);
    CU_ASSERT(addr_is(6, a, "::1"));
    CU_ASSERT_EQUAL(v6("1:2:3:4:5:6:7:8", a), 0);
    CU_ASSERT(addr_is(6, a, "1:2:3:4:5:6:7:8"));
    CU_ASSERT_EQUAL(v4("192.0.2.10", a), 0);
    CU_ASSERT(addr_is(4, a, "192.0.2.10"));
}

void suite_ipaddr(void);

void suite_ipaddr(void)
{
    CU_pSuite s = harness_suite("ipaddr");
    HARNESS_ADD(s, test_v4_parse);
    HARNESS_ADD(s, test_v6_parse);
    HARNESS_ADD(s, test_prefix_parse);
    HARNESS_ADD(s, test_v4_range);
    HARNESS_ADD(s, test_reverse);
    HARNESS_ADD(s, test_prefixlen);
    HARNESS_ADD(s, test_compare);
    HARNESS_ADD(s, test_format_v6);
}
