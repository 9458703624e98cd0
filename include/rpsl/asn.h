/*
 * asn.h - the one lexer of AS numbers and of the RPSL names built from
 * them: "AS3333", as-block ranges "AS1 - AS9", and set names such as
 * "AS-FOO", "AS3333:RS-CUSTOMERS" or "RTRS-CORE".
 *
 * The rules are RIPE's (RIPE's syntax.txt, section 2
 * "as-number" and "as-block range", section 3 "set names"):
 *   - an AS number is "AS" followed by decimal digits, case-insensitive
 *     ("as65536" is AS65536), value 0..4294967295, no leading zero except
 *     in AS0 itself ("AS0123" is not an AS number), no asdot ("AS1.2"
 *     is not one either) and nothing around it;
 *   - an as-block range is two AS numbers joined by '-' with optional
 *     white space around the '-';
 *   - a set name is components joined by ':', each an AS number or
 *     "<prefix>-<letters, digits, '_' or '-'>" ending in a letter or a
 *     digit, prefix one of AS RS FLTR PRNG RTRS; all set components of
 *     one kind, at least one of them; at most 80 bytes.  A component is a
 *     set name when its prefix is followed by '-' (RIPE's "too short"
 *     quirk, which rejects "AS1:RTRS-X", is deliberately not replicated).
 *
 * The syntax checkers (syntax.h), the policy parser (policy.h) and the
 * authorisation and business rules (registry/authz.h, registry/rules.h)
 * all read AS numbers and set names through these functions, so a value
 * the syntax check accepted is read the same way everywhere.
 *
 * Input is a (pointer, length) span, never read past its end and need not
 * be NUL-terminated.  Pure functions, no state, nothing allocated.
 */
#ifndef AUTODBM_ASN_H
#define AUTODBM_ASN_H

#include <stddef.h>
#include <stdint.h>

/**
 * Read an AS number.
 * @param s    the text, exactly the AS number (no surrounding blanks)
 * @param len  its length
 * @param asn  receives the number on success (untouched otherwise)
 * @return 0 if s[0..len) is an AS number, -1 if not.
 */
int asn_parse(const char *s, size_t len, uint32_t *asn);

/**
 * Read an as-block range "ASlo - AShi" (blanks around '-' optional,
 * blanks around the whole ignored).  The order of lo and hi is not
 * checked: a range whose lo > hi is the caller's error to report.
 * @return 0 and sets *lo, *hi; -1 if s[0..len) is not a range.
 */
int asn_parse_range(const char *s, size_t len, uint32_t *lo, uint32_t *hi);

/** Set kinds (a bit set) for asn_set_name(). */
enum asn_set_kind {
    ASN_SET_AS = 1 << 0,    /**< as-set, AS- */
    ASN_SET_RS = 1 << 1,    /**< route-set, RS- */
    ASN_SET_FLTR = 1 << 2,  /**< filter-set, FLTR- */
    ASN_SET_PRNG = 1 << 3,  /**< peering-set, PRNG- */
    ASN_SET_RTRS = 1 << 4   /**< rtr-set, RTRS- */
};

/**
 * Classify an RPSL set name (rules above).
 * @param kinds  the enum asn_set_kind kinds acceptable here
 * @return the kind (one enum asn_set_kind bit) of the name, or 0 if the
 *         name is not a valid set name of one of @kinds.
 */
unsigned asn_set_name(const char *s, size_t len, unsigned kinds);

#endif
