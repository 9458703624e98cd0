/*
 * ipaddr.h - IPv4 and IPv6 addresses, prefixes and ranges.
 *
 * Every address is kept as 16 bytes in network order.  An IPv4 address
 * uses the first 4 bytes (the other 12 are zero) and af == 4; an IPv6
 * address uses all 16 and af == 6.  A range is inclusive [lo, hi].
 *
 * The registry uses these for inetnum ("a.b.c.d - e.f.g.h", prefixes),
 * inet6num and route6 (IPv6 prefixes), route (IPv4 prefixes) and reverse
 * domains (in-addr.arpa / ip6.arpa names converted to ranges).
 *
 * All functions are pure; nothing is allocated except where a buf_t is
 * filled.
 *
 * Prefix: ip_ (functions and ip_range_t), short for the file's ipaddr.
 */
#ifndef AUTODBM_IPADDR_H
#define AUTODBM_IPADDR_H

#include <stdint.h>
#include <stddef.h>

#include "util/buf.h"

/** An inclusive address range of one family. */
typedef struct ip_range {
    int af;             /**< 4 or 6 */
    uint8_t lo[16];     /**< first address, network order */
    uint8_t hi[16];     /**< last address, network order */
} ip_range_t;

/** Number of address bytes used by family @af (4 or 16). */
size_t ip_addr_len(int af);

/**
 * Parse an IPv4 dotted quad (exactly 4 decimal octets 0..255, no leading
 * zeros beyond a single "0").
 * @return 0 on success, -1 on a syntax error.
 */
int ip_parse_v4(const char *s, size_t len, uint8_t out[16]);

/**
 * Parse an IPv6 address in any RFC 4291 text form (with "::", embedded
 * IPv4 tail, optional surrounding brackets).
 * @return 0 on success, -1 on a syntax error.
 */
int ip_parse_v6(const char *s, size_t len, uint8_t out[16]);

/**
 * Parse a prefix "addr/len" of family @af (4 or 6; 0 = either).  With
 * @strict_host_bits set, host bits must be zero, otherwise they are
 * cleared.  Surrounding white space is ignored.
 * @param r     receives the range the prefix covers
 * @param plen  receives the prefix length (may be NULL)
 * @return 0 on success, -1 on a syntax error or non-zero host bits.
 */
int ip_parse_prefix(const char *s, size_t len, int af, int strict_host_bits,
                    ip_range_t *r, int *plen);

/**
 * Parse one address or one prefix "addr/len", IPv4 or IPv6 (host bits of
 * a prefix are cleared): an entry of an access list.
 * @param r  receives the range it covers (a single address for an address)
 * @return 0; -1 when @s is neither.
 */
int ip_parse_net(const char *s, size_t len, ip_range_t *r);

/**
 * Parse an inetnum key: "a.b.c.d - e.f.g.h" (lo <= hi), a prefix
 * "a.b.c.d/n" (host bits must be zero) or a single address.
 * @return 0 on success, -1 on a syntax error.
 */
int ip_parse_v4_range(const char *s, size_t len, ip_range_t *r);

/**
 * Parse a reverse domain (trailing dot allowed) into the range it
 * delegates: "193.in-addr.arpa" -> 193.0.0.0 - 193.255.255.255,
 * "1-9.2.0.192.in-addr.arpa" -> 192.0.2.1 - 192.0.2.9, nibble names
 * under ip6.arpa -> an IPv6 prefix.
 * @return 0 on success, -1 if the name is not a valid in-addr.arpa or
 *         ip6.arpa name (e164.arpa names are not address space: -1).
 */
int ip_parse_reverse_domain(const char *s, size_t len, ip_range_t *r);

/**
 * If the range is exactly one CIDR prefix, return its length, else -1.
 */
int ip_range_prefixlen(const ip_range_t *r);

/** Compare two addresses of family @af: <0, 0, >0. */
int ip_addr_cmp(int af, const uint8_t a[16], const uint8_t b[16]);

/** 1 if @outer contains @inner (same family, lo<=lo and hi>=hi), else 0. */
int ip_range_contains(const ip_range_t *outer, const ip_range_t *inner);

/** 1 if the two ranges are equal, else 0. */
int ip_range_equal(const ip_range_t *a, const ip_range_t *b);

/** 1 if the ranges overlap (share at least one address), else 0. */
int ip_range_overlaps(const ip_range_t *a, const ip_range_t *b);

/** Append an address in canonical text (IPv6: RFC 5952, lower case). */
void ip_format_addr(int af, const uint8_t a[16], buf_t *out);

/**
 * Append a range in registry form: IPv4 "a.b.c.d - e.f.g.h"; IPv6 as
 * "prefix/len" (IPv6 ranges that are not one prefix print as "lo - hi").
 */
void ip_format_range(const ip_range_t *r, buf_t *out);

/** Append a range as "addr/len" if it is one prefix, else as ip_format_range(). */
void ip_format_prefix(const ip_range_t *r, buf_t *out);

#endif
