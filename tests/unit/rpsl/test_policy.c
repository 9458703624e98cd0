/*
 * test_policy.c - the RPSL policy language as policy.h accepts it today:
 * import/export and their mp- and -via forms, default, filters (AS path
 * regular expressions, prefix sets with range operators, set names),
 * peerings, inet-rtr attributes, route aggregation attributes and set
 * names.  Each table row is one value and whether policy_check() takes
 * it; a refused value also has to say why (the buf_t).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "rpsl/asn.h"
#include "rpsl/policy.h"
#include "util/buf.h"

typedef struct pcase {
    enum policy_kind kind;
    unsigned flags;
    const char *value;
    int ok;             /* 1: accepted, 0: refused */
} pcase_t;

/* Run every row; a failing row names itself in the assertion output. */
static void run_cases(const pcase_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_t why;
        buf_init(&why);
        int rc = policy_check(c[i].kind, c[i].flags, c[i].value, strlen(c[i].value), &why);
        if ((rc == 0) != c[i].ok) {
            char msg[512];
            snprintf(msg, sizeof msg, "policy kind %d \"%s\": expected %s, got %s (%s)",
                     (int)c[i].kind, c[i].value, c[i].ok ? "accepted" : "refused",
                     rc == 0 ? "accepted" : "refused", why.s);
            CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
        }
        if (!c[i].ok && rc != 0)
            CU_ASSERT(why.len > 0);     /* a refusal says why */
        buf_free(&why);
    }
}

#define RUN(tab) run_cases((tab), sizeof (tab) / sizeof (tab)[0])

static void test_import_export(void)
{
    static const pcase_t c[] = {
        { POL_IMPORT, 0, "from AS1 accept ANY", 1 },
        { POL_IMPORT, 0, "from AS1 action pref=100; accept AS1", 1 },
        { POL_IMPORT, 0, "from AS1 192.0.2.1 at 192.0.2.2 accept AS-FOO", 1 },
        { POL_IMPORT, 0, "protocol BGP4 into OSPF from AS1 accept ANY", 1 },
        { POL_IMPORT, 0, "{ from AS1 accept AS1; from AS2 accept AS2; }", 1 },
        { POL_IMPORT, 0, "from AS1 accept AS1 except from AS2 accept AS2", 1 },
        { POL_IMPORT, 0, "from AS1 accept ANY refine { from AS1 accept AS1; }", 1 },
        { POL_IMPORT, 0, "from AS1 from AS2 accept ANY", 1 },
        { POL_IMPORT, 0, "from AS-PEERS accept PeerAS", 1 },
        { POL_IMPORT, 0, "from AS1 accept ANY; from AS2 accept ANY", 1 },  /* lenient: no braces */
        { POL_EXPORT, 0, "to AS1 announce AS2", 1 },
        { POL_EXPORT, 0, "to AS1 action med=0; community.append(1:2); announce RS-FOO", 1 },
        { POL_EXPORT, 0, "to AS1 announce AS1 AND NOT AS2", 1 },
        { POL_IMPORT, 0, "", 0 },
        { POL_IMPORT, 0, "accept ANY", 0 },             /* no from */
        { POL_IMPORT, 0, "from AS1", 0 },               /* no accept */
        { POL_IMPORT, 0, "from AS1 announce ANY", 0 },  /* export's verb */
        { POL_EXPORT, 0, "from AS1 announce ANY", 0 },  /* import's direction */
        { POL_EXPORT, 0, "to AS1 accept ANY", 0 },
        { POL_IMPORT, 0, "from AS1 accept ANY extra", 0 },  /* not a filter term */
        { POL_IMPORT, 0, "from AS1 accept ANY }", 0 },
    };
    RUN(c);
}

static void test_mp_and_afi(void)
{
    static const pcase_t c[] = {
        { POL_MP_IMPORT, 0, "afi ipv6.unicast from AS1 accept ANY", 1 },
        { POL_MP_IMPORT, 0, "afi ipv4.unicast, ipv6.unicast from AS1 accept AS1", 1 },
        { POL_MP_IMPORT, 0, "from AS1 2001:db8::1 at 2001:db8::2 accept ANY", 1 },
        { POL_MP_IMPORT, 0, "from AS1 accept { 2001:db8::/32^48 }", 1 },
        { POL_MP_EXPORT, 0, "afi any to AS1 announce AS2", 1 },
        { POL_MP_DEFAULT, 0, "afi ipv6 to AS1", 1 },
        { POL_MP_IMPORT, 0, "afi ipv7 from AS1 accept ANY", 0 },  /* no such afi */
        /* afi and IPv6 only in the mp- forms (or with POLICY_V6) */
        { POL_IMPORT, 0, "afi ipv6 from AS1 accept ANY", 0 },
        { POL_IMPORT, 0, "from AS1 accept { 2001:db8::/32 }", 0 },
        { POL_IMPORT, POLICY_V6, "from AS1 accept { 2001:db8::/32 }", 1 },
        { POL_DEFAULT, 0, "to AS1 action pref=10; networks ANY", 1 },
        { POL_DEFAULT, 0, "to AS1 networks { 192.0.2.0/24 }", 1 },
        { POL_DEFAULT, 0, "AS1", 0 },
        { POL_IMPORT_VIA, 0, "AS2 from AS1 accept ANY", 1 },
        { POL_EXPORT_VIA, 0, "AS2 to AS1 announce AS3", 1 },
        { POL_IMPORT_VIA, 0, "from AS1 accept ANY", 0 },          /* no intermediate */
    };
    RUN(c);
}

static void test_filters(void)
{
    static const pcase_t c[] = {
        { POL_FILTER, 0, "ANY", 1 },
        { POL_FILTER, 0, "AS1", 1 },
        { POL_FILTER, 0, "AS-FOO^+", 1 },
        { POL_FILTER, 0, "RS-FOO^24", 1 },
        { POL_FILTER, 0, "FLTR-BAR AND NOT AS1", 1 },
        { POL_FILTER, 0, "AS1 OR AS2", 1 },
        { POL_FILTER, 0, "AS1 AS2", 1 },                         /* implicit OR */
        { POL_FILTER, 0, "(AS1 OR AS2) AND community(1:2)", 1 },
        { POL_FILTER, 0, "community.contains(65535:1)", 1 },
        { POL_FILTER, 0, "{ 192.0.2.0/24, 198.51.100.0/24^25-26 }", 1 },
        { POL_FILTER, 0, "{ 192.0.2.0/24^- }", 1 },
        { POL_FILTER, 0, "{ }", 1 },
        { POL_FILTER, 0, "{ 192.0.2.0/24 }^+", 1 },
        { POL_FILTER, 0, "201", 1 },                             /* lenient bare number */
        { POL_FILTER, 0, "{ 192.0.2.0/24^16 }", 0 },             /* shorter than the prefix */
        { POL_FILTER, 0, "{ 192.0.2.0/24^33 }", 0 },             /* beyond /32 */
        { POL_FILTER, 0, "{ 192.0.2.0/24^26-25 }", 0 },          /* n > m */
        { POL_FILTER, 0, "{ 192.0.2.0/33 }", 0 },
        { POL_FILTER, 0, "{ 192.0.2.0/24", 0 },
        { POL_FILTER, 0, "AS1 AND", 0 },
        { POL_FILTER, 0, "(AS1", 0 },
        { POL_FILTER, 0, "FOO-BAR", 0 },                         /* not a set name */
        { POL_FILTER, 0, "AS-", 0 },
        { POL_MP_FILTER, 0, "{ 2001:db8::/32^+ } OR AS1", 1 },
        { POL_EXPORT_COMPS, 0, "{ 192.0.2.0/24 }", 1 },
    };
    RUN(c);
}

static void test_aspath_regex(void)
{
    static const pcase_t c[] = {
        { POL_FILTER, 0, "<^AS1 AS2$>", 1 },
        { POL_FILTER, 0, "<AS1+ .* AS-FOO>", 1 },
        { POL_FILTER, 0, "<^PeerAS+$>", 1 },
        { POL_FILTER, 0, "<[AS1-AS10]*>", 1 },
        { POL_FILTER, 0, "<^AS1 .{2,3}$>", 1 },
        { POL_FILTER, 0, "<AS1|AS2>", 1 },
        { POL_FILTER, 0, "<~AS1>", 1 },
        { POL_FILTER, 0, "<.>", 1 },
        { POL_FILTER, 0, "NOT <AS1> AND AS-FOO", 1 },
        { POL_FILTER, 0, "<>", 0 },                              /* empty */
        { POL_FILTER, 0, "<^$>", 0 },                            /* nothing to match */
        { POL_FILTER, 0, "<AS1", 0 },                            /* unterminated */
        { POL_FILTER, 0, "<FOO>", 0 },                           /* not an AS term */
        { POL_FILTER, 0, "<AS1 & AS2>", 0 },                     /* bad character */
        { POL_FILTER, 0, "<AS1;AS2>", 0 },
    };
    RUN(c);
}

static void test_peering_and_rtr(void)
{
    static const pcase_t c[] = {
        { POL_PEERING, 0, "AS1", 1 },
        { POL_PEERING, 0, "AS1 192.0.2.1 at 192.0.2.2", 1 },
        { POL_PEERING, 0, "AS1 OR AS2 EXCEPT AS3", 1 },
        { POL_PEERING, 0, "PRNG-FOO", 1 },
        { POL_PEERING, 0, "AS-FOO at RTRS-BAR", 1 },
        { POL_PEERING, 0, "AS1 at", 0 },
        { POL_MP_PEERING, 0, "AS1 2001:db8::1 at 2001:db8::2", 1 },
        { POL_PEER, 0, "BGP4 192.0.2.1 asno(AS1)", 1 },
        { POL_PEER, 0, "BGP4 rtr.example.net asno(PeerAS), flap_damp()", 1 },
        { POL_PEER, 0, "OSPF RTRS-FOO", 1 },
        { POL_PEER, 0, "CARRIER-PIGEON 192.0.2.1", 0 },          /* no such protocol */
        { POL_PEER, 0, "BGP4 2001:db8::1", 0 },                  /* v6: mp-peer */
        { POL_MP_PEER, 0, "BGP4 2001:db8::1 asno(AS1)", 1 },
        { POL_IFADDR, 0, "192.0.2.1 masklen 24", 1 },
        { POL_IFADDR, 0, "192.0.2.1 masklen 33", 0 },
        { POL_IFADDR, 0, "192.0.2.1", 0 },                       /* no masklen */
        { POL_IFADDR, 0, "2001:db8::1 masklen 64", 0 },          /* interface: does v6 */
        { POL_INTERFACE, 0, "2001:db8::1 masklen 64", 1 },
        { POL_INTERFACE, 0, "192.0.2.1 masklen 24", 1 },
        { POL_INTERFACE, 0, "2001:db8::1 masklen 129", 0 },
    };
    RUN(c);
}

static void test_route_attributes(void)
{
    static const pcase_t c[] = {
        { POL_INJECT, 0, "at 192.0.2.1 action dpa = 100; upon HAVE-COMPONENTS { 192.0.2.0/25 }", 1 },
        { POL_INJECT, 0, "upon static", 1 },
        { POL_INJECT, 0, "upon EXCLUDE { 192.0.2.0/25 } OR static", 1 },
        { POL_COMPONENTS, 0, "protocol BGP4 AS1", 1 },
        { POL_COMPONENTS, 0, "ATOMIC { 192.0.2.0/24 }", 1 },
        { POL_AGGR_BNDRY, 0, "AS1 OR AS2", 1 },
        { POL_AGGR_BNDRY, 0, "AS-FOO EXCEPT AS3", 1 },
        { POL_AGGR_BNDRY, 0, "RS-FOO", 0 },                      /* not an AS expression */
        { POL_AGGR_MTD, 0, "inbound", 1 },
        { POL_AGGR_MTD, 0, "outbound AS1 OR AS2", 1 },
        { POL_AGGR_MTD, 0, "inbound AS1", 0 },                   /* only outbound takes ASes */
        { POL_AGGR_MTD, 0, "sideways", 0 },
    };
    RUN(c);
}

/* Hostile input: a deep nesting is refused, not a stack overflow. */
static void test_depth_bounded(void)
{
    buf_t v, why;
    buf_init(&v);
    buf_init(&why);
    for (int i = 0; i < 100000; i++)
        buf_putc(&v, '(');
    buf_puts(&v, "AS1");
    for (int i = 0; i < 100000; i++)
        buf_putc(&v, ')');
    CU_ASSERT_EQUAL(policy_check(POL_FILTER, 0, v.s, v.len, &why), -1);
    CU_ASSERT(why.len > 0);
    /* Not NUL-terminated input: only len bytes are read. */
    CU_ASSERT_EQUAL(policy_check(POL_FILTER, 0, "AS1 garbage(", 3, NULL), 0);
    buf_free(&why);
    buf_free(&v);
}

static void test_set_names(void)
{
    CU_ASSERT_EQUAL(asn_set_name("AS-FOO", 6, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("as-foo", 6, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("AS1:AS-FOO", 10, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name("AS1:RS-FOO:AS2", 14, ASN_SET_RS), ASN_SET_RS);
    CU_ASSERT_EQUAL(asn_set_name("AS1:RTRS-X", 10, ASN_SET_RTRS), ASN_SET_RTRS);
    CU_ASSERT_EQUAL(asn_set_name("AS-FOO", 6, ASN_SET_RS), 0);       /* wrong kind */
    CU_ASSERT_EQUAL(asn_set_name("AS-FOO:RS-BAR", 13, ASN_SET_AS | ASN_SET_RS), 0); /* mixed */
    CU_ASSERT_EQUAL(asn_set_name("AS1:AS2", 7, ASN_SET_AS), 0);      /* no set component */
    CU_ASSERT_EQUAL(asn_set_name("AS-FOO-", 7, ASN_SET_AS), 0);      /* ends in '-' */
    CU_ASSERT_EQUAL(asn_set_name("AS-", 3, ASN_SET_AS), 0);
    CU_ASSERT_EQUAL(asn_set_name("AS-F.O", 6, ASN_SET_AS), 0);
    CU_ASSERT_EQUAL(asn_set_name("", 0, ASN_SET_AS), 0);
    char longname[90];
    memset(longname, 'X', sizeof longname);
    memcpy(longname, "AS-", 3);
    CU_ASSERT_EQUAL(asn_set_name(longname, 80, ASN_SET_AS), ASN_SET_AS);
    CU_ASSERT_EQUAL(asn_set_name(longname, 81, ASN_SET_AS), 0);     /* > 80 */
}

void suite_policy(void);
void suite_policy(void)
{
    CU_pSuite s = harness_suite("policy");
    HARNESS_ADD(s, test_import_export);
    HARNESS_ADD(s, test_mp_and_afi);
    HARNESS_ADD(s, test_filters);
    HARNESS_ADD(s, test_aspath_regex);
    HARNESS_ADD(s, test_peering_and_rtr);
    HARNESS_ADD(s, test_route_attributes);
    HARNESS_ADD(s, test_depth_bounded);
    HARNESS_ADD(s, test_set_names);
}
