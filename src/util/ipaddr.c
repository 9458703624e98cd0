/*
 * ipaddr.c - IPv4 and IPv6 addresses, prefixes, inetnum ranges and
 * reverse domains (see include/util/ipaddr.h).
 *
 * Addresses are 16 bytes in network order; IPv4 uses the first four.
 * Every parser works on a (pointer, length) pair and never reads past
 * it, so callers can hand in slices of larger values.  Nothing here
 * allocates except the formatting functions, which append to a buf_t.
 */
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/text.h"

size_t ip_addr_len(int af)
{
    return af == 6 ? 16 : 4;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Case-insensitive comparison of @n bytes of @s with the lower-case @lit. */
static int eq_nocase(const char *s, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

/*
 * Parse a decimal number of 1..@maxdigits digits without superfluous
 * leading zeros; value must be <= @max.  Returns -1 on error.
 */
static long parse_dec(const char *s, size_t len, size_t maxdigits, long max)
{
    long v = 0;
    if (len == 0 || len > maxdigits)
        return -1;
    if (len > 1 && s[0] == '0')
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > max ? -1 : v;
}

int ip_parse_v4(const char *s, size_t len, uint8_t out[16])
{
    uint8_t a[16];
    size_t pos = 0;
    memset(a, 0, sizeof a);
    for (int i = 0; i < 4; i++) {
        size_t start = pos;
        while (pos < len && s[pos] != '.')
            pos++;
        long v = parse_dec(s + start, pos - start, 3, 255);
        if (v < 0)
            return -1;
        a[i] = (uint8_t)v;
        if (i < 3) {
            if (pos >= len)
                return -1;
            pos++;              /* the '.' */
        }
    }
    if (pos != len)
        return -1;
    memcpy(out, a, 16);
    return 0;
}

int ip_parse_v6(const char *s, size_t len, uint8_t out[16])
{
    uint8_t a[16];
    int ngroups = 0;            /* 16-bit groups written into a[] */
    int gap = -1;               /* group index where "::" stands */
    size_t pos = 0;

    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
    }
    if (len < 2)
        return -1;
    memset(a, 0, sizeof a);
    if (s[0] == ':') {
        if (s[1] != ':')
            return -1;
        gap = 0;
        pos = 2;
        if (pos == len) {
            memcpy(out, a, 16);
            return 0;
        }
    }
    for (;;) {
        size_t start = pos;
        unsigned v = 0;
        while (pos < len && hexval((unsigned char)s[pos]) >= 0 && pos - start < 5) {
            v = v * 16 + (unsigned)hexval((unsigned char)s[pos]);
            pos++;
        }
        if (pos < len && s[pos] == '.') {
            /* An embedded IPv4 tail: the rest of the string. */
            uint8_t v4[16];
            if (ngroups > 6 || ip_parse_v4(s + start, len - start, v4) != 0)
                return -1;
            memcpy(a + 2 * ngroups, v4, 4);
            ngroups += 2;
            pos = len;
            break;
        }
        if (pos == start || pos - start > 4 || ngroups >= 8)
            return -1;
        a[2 * ngroups] = (uint8_t)(v >> 8);
        a[2 * ngroups + 1] = (uint8_t)(v & 0xff);
        ngroups++;
        if (pos == len)
            break;
        if (s[pos] != ':')
            return -1;
        pos++;
        if (pos < len && s[pos] == ':') {
            if (gap >= 0)
                return -1;      /* two "::" */
            gap = ngroups;
            pos++;
            if (pos == len)
                break;
        } else if (pos == len) {
            return -1;          /* trailing single ':' */
        }
    }
    if (gap >= 0) {
        int tail = ngroups - gap;
        if (ngroups >= 8)
            return -1;          /* "::" must stand for at least one group */
        memmove(a + 16 - 2 * tail, a + 2 * gap, (size_t)(2 * tail));
        memset(a + 2 * gap, 0, (size_t)(2 * (8 - ngroups)));
    } else if (ngroups != 8) {
        return -1;
    }
    memcpy(out, a, 16);
    return 0;
}

/* Fill r->lo/hi for the prefix @addr/@plen (host bits of lo cleared). */
static void prefix_to_range(int af, const uint8_t addr[16], int plen, ip_range_t *r)
{
    size_t n = ip_addr_len(af);
    memset(r, 0, sizeof *r);
    r->af = af;
    for (size_t i = 0; i < n; i++) {
        int bits = plen - (int)(8 * i);
        uint8_t mask;
        if (bits >= 8)
            mask = 0xff;
        else if (bits <= 0)
            mask = 0;
        else
            mask = (uint8_t)(0xff << (8 - bits));
        r->lo[i] = addr[i] & mask;
        r->hi[i] = (uint8_t)(addr[i] | (uint8_t)~mask);
    }
}

int ip_parse_prefix(const char *s, size_t len, int af, int strict_host_bits,
                    ip_range_t *r, int *plen)
{
    uint8_t a[16];
    const char *slash;
    int fam;
    long n;

    text_trim(&s, &len);
    slash = memchr(s, '/', len);
    if (slash == NULL)
        return -1;
    fam = memchr(s, ':', (size_t)(slash - s)) ? 6 : 4;
    if (af != 0 && af != fam)
        return -1;
    if (fam == 4) {
        if (ip_parse_v4(s, (size_t)(slash - s), a) != 0)
            return -1;
    } else if (ip_parse_v6(s, (size_t)(slash - s), a) != 0) {
        return -1;
    }
    n = parse_dec(slash + 1, len - (size_t)(slash + 1 - s), 3, fam == 4 ? 32 : 128);
    if (n < 0)
        return -1;
    prefix_to_range(fam, a, (int)n, r);
    if (strict_host_bits && memcmp(r->lo, a, 16) != 0)
        return -1;
    if (plen)
        *plen = (int)n;
    return 0;
}

int ip_parse_v4_range(const char *s, size_t len, ip_range_t *r)
{
    uint8_t lo[16], hi[16];
    const char *dash;

    text_trim(&s, &len);
    if (len == 0)
        return -1;
    if (memchr(s, '/', len))
        return ip_parse_prefix(s, len, 4, 1, r, NULL);
    dash = memchr(s, '-', len);
    if (dash == NULL) {
        if (ip_parse_v4(s, len, lo) != 0)
            return -1;
        memset(r, 0, sizeof *r);
        r->af = 4;
        memcpy(r->lo, lo, 16);
        memcpy(r->hi, lo, 16);
        return 0;
    }
    {
        const char *a = s, *b = dash + 1;
        size_t alen = (size_t)(dash - s), blen = len - alen - 1;
        text_trim(&a, &alen);
        text_trim(&b, &blen);
        if (ip_parse_v4(a, alen, lo) != 0 || ip_parse_v4(b, blen, hi) != 0)
            return -1;
        if (ip_addr_cmp(4, lo, hi) > 0)
            return -1;
    }
    memset(r, 0, sizeof *r);
    r->af = 4;
    memcpy(r->lo, lo, 16);
    memcpy(r->hi, hi, 16);
    return 0;
}

/* The in-addr.arpa part of ip_parse_reverse_domain(); @s/@len are the
 * labels in front of "in-addr.arpa" without the joining dot. */
static int parse_inaddr(const char *s, size_t len, ip_range_t *r)
{
    long lab[4], dash_lo = -1, dash_hi = -1;
    int n = 0;
    size_t pos = 0;
    uint8_t addr[16];

    if (len > 0) {
        for (;;) {
            size_t start = pos;
            const char *d;
            if (n == 4)
                return -1;
            while (pos < len && s[pos] != '.')
                pos++;
            d = memchr(s + start, '-', pos - start);
            if (d != NULL) {
                size_t l1 = (size_t)(d - (s + start));
                if (n != 0)
                    return -1;  /* only the first (left-most) label */
                dash_lo = parse_dec(s + start, l1, 3, 255);
                dash_hi = parse_dec(d + 1, pos - start - l1 - 1, 3, 255);
                if (dash_lo < 0 || dash_hi < 0 || dash_lo > dash_hi)
                    return -1;
                if (dash_lo == 0 && dash_hi == 255)
                    return -1;
                lab[n++] = dash_lo;
            } else {
                long v = parse_dec(s + start, pos - start, 3, 255);
                if (v < 0)
                    return -1;
                lab[n++] = v;
            }
            if (pos == len)
                break;
            pos++;
            if (pos == len)
                return -1;      /* empty label */
        }
    }
    if (dash_lo >= 0 && n != 4)
        return -1;
    memset(addr, 0, sizeof addr);
    for (int i = 0; i < n; i++)
        addr[i] = (uint8_t)lab[n - 1 - i];
    prefix_to_range(4, addr, 8 * n, r);
    if (dash_lo >= 0)
        r->hi[3] = (uint8_t)dash_hi;
    return 0;
}

/* The ip6.arpa part: single hex nibble labels, least significant first. */
static int parse_ip6arpa(const char *s, size_t len, ip_range_t *r)
{
    int nib[32];
    int n = 0;
    size_t pos = 0;
    uint8_t addr[16];

    if (len > 0) {
        for (;;) {
            int v;
            if (n == 32 || pos >= len)
                return -1;
            v = hexval((unsigned char)s[pos]);
            if (v < 0)
                return -1;
            nib[n++] = v;
            pos++;
            if (pos == len)
                break;
            if (s[pos] != '.')
                return -1;
            pos++;
            if (pos == len)
                return -1;
        }
    }
    memset(addr, 0, sizeof addr);
    for (int i = 0; i < n; i++) {
        int v = nib[n - 1 - i];
        if (i % 2 == 0)
            addr[i / 2] = (uint8_t)(v << 4);
        else
            addr[i / 2] |= (uint8_t)v;
    }
    prefix_to_range(6, addr, 4 * n, r);
    return 0;
}

int ip_parse_reverse_domain(const char *s, size_t len, ip_range_t *r)
{
    static const char v4[] = "in-addr.arpa";
    static const char v6[] = "ip6.arpa";
    size_t l4 = sizeof v4 - 1, l6 = sizeof v6 - 1;

    text_trim(&s, &len);
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len >= l4 && eq_nocase(s + len - l4, v4, l4)) {
        if (len == l4)
            return parse_inaddr(s, 0, r);
        if (s[len - l4 - 1] != '.')
            return -1;
        return parse_inaddr(s, len - l4 - 1, r);
    }
    if (len >= l6 && eq_nocase(s + len - l6, v6, l6)) {
        if (len == l6)
            return parse_ip6arpa(s, 0, r);
        if (s[len - l6 - 1] != '.')
            return -1;
        return parse_ip6arpa(s, len - l6 - 1, r);
    }
    return -1;
}

int ip_range_prefixlen(const ip_range_t *r)
{
    size_t n = ip_addr_len(r->af);
    int plen = 0;
    size_t i = 0;

    /* Leading bytes where lo == hi belong to the network part. */
    while (i < n && r->lo[i] == r->hi[i]) {
        plen += 8;
        i++;
    }
    if (i == n)
        return plen;
    {
        uint8_t x = (uint8_t)(r->lo[i] ^ r->hi[i]);
        int bits = 0;
        /* x must be 0...01...1, lo those bits 0, hi those bits 1. */
        while (bits < 8 && (x & (0x80 >> bits)) == 0)
            bits++;
        uint8_t host = (uint8_t)(0xff >> bits);
        if (x != host || (r->lo[i] & host) != 0 || (r->hi[i] & host) != host)
            return -1;
        plen += bits;
    }
    for (i++; i < n; i++)
        if (r->lo[i] != 0 || r->hi[i] != 0xff)
            return -1;
    return plen;
}

int ip_addr_cmp(int af, const uint8_t a[16], const uint8_t b[16])
{
    return memcmp(a, b, ip_addr_len(af));
}

int ip_range_contains(const ip_range_t *outer, const ip_range_t *inner)
{
    if (outer->af != inner->af)
        return 0;
    return ip_addr_cmp(outer->af, outer->lo, inner->lo) <= 0 &&
           ip_addr_cmp(outer->af, outer->hi, inner->hi) >= 0;
}

int ip_range_equal(const ip_range_t *a, const ip_range_t *b)
{
    return a->af == b->af && ip_addr_cmp(a->af, a->lo, b->lo) == 0 &&
           ip_addr_cmp(a->af, a->hi, b->hi) == 0;
}

int ip_range_overlaps(const ip_range_t *a, const ip_range_t *b)
{
    if (a->af != b->af)
        return 0;
    return ip_addr_cmp(a->af, a->lo, b->hi) <= 0 &&
           ip_addr_cmp(a->af, b->lo, a->hi) <= 0;
}

/* Append @v in base @base (10 or 16, lower-case digits); no printf:
 * addresses are formatted for every address object a load checks. */
static void put_uint(buf_t *out, unsigned v, unsigned base)
{
    char d[16];
    size_t n = 0;

    do {
        d[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v > 0);
    while (n > 0)
        buf_putc(out, d[--n]);
}

void ip_format_addr(int af, const uint8_t a[16], buf_t *out)
{
    unsigned g[8];
    int best = -1, bestlen = 0;

    if (af != 6) {
        for (int i = 0; i < 4; i++) {
            if (i > 0)
                buf_putc(out, '.');
            put_uint(out, a[i], 10);
        }
        return;
    }
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    /* RFC 5952 4.2: compress the longest run (>= 2) of zero groups, the
     * first one on a tie. */
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > bestlen && j - i >= 2) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            buf_puts(out, "::");
            i += bestlen - 1;
            continue;
        }
        if (i > 0 && i != best + bestlen)
            buf_putc(out, ':');
        put_uint(out, g[i], 16);
    }
}

void ip_format_range(const ip_range_t *r, buf_t *out)
{
    if (r->af == 6) {
        int plen = ip_range_prefixlen(r);
        if (plen >= 0) {
            ip_format_addr(6, r->lo, out);
            buf_putc(out, '/');
            put_uint(out, (unsigned)plen, 10);
            return;
        }
    }
    ip_format_addr(r->af, r->lo, out);
    buf_puts(out, " - ");
    ip_format_addr(r->af, r->hi, out);
}

void ip_format_prefix(const ip_range_t *r, buf_t *out)
{
    int plen = ip_range_prefixlen(r);
    if (plen < 0) {
        ip_format_range(r, out);
        return;
    }
    ip_format_addr(r->af, r->lo, out);
    buf_putc(out, '/');
    put_uint(out, (unsigned)plen, 10);
}

int ip_parse_net(const char *s, size_t len, ip_range_t *r)
{
    uint8_t a[16];
    if (memchr(s, '/', len) != NULL)
        return ip_parse_prefix(s, len, 0, 0, r, NULL);
    memset(r, 0, sizeof *r);
    if (ip_parse_v4(s, len, a) == 0)
        r->af = 4;
    else if (ip_parse_v6(s, len, a) == 0)
        r->af = 6;
    else
        return -1;
    memcpy(r->lo, a, sizeof a);
    memcpy(r->hi, a, sizeof a);
    return 0;
}
