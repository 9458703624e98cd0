/*
 * asn.c - AS numbers, as-block ranges and RPSL set names (see
 * rpsl/asn.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rpsl/asn.h"
#include "util/text.h"

int asn_parse(const char *s, size_t len, uint32_t *asn)
{
    uint64_t v = 0;
    if (len < 3 || text_upper((unsigned char)s[0]) != 'A' ||
        text_upper((unsigned char)s[1]) != 'S')
        return -1;
    s += 2;
    len -= 2;
    if (len > 10 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!text_is_digit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > UINT32_MAX)
        return -1;
    *asn = (uint32_t)v;
    return 0;
}

int asn_parse_range(const char *s, size_t len, uint32_t *lo, uint32_t *hi)
{
    const char *dash = memchr(s, '-', len);
    const char *a = s, *b;
    size_t al, bl;
    uint32_t l, h;
    if (dash == NULL)
        return -1;
    al = (size_t)(dash - s);
    b = dash + 1;
    bl = len - al - 1;
    text_trim(&a, &al);
    text_trim(&b, &bl);
    if (asn_parse(a, al, &l) != 0 || asn_parse(b, bl, &h) != 0)
        return -1;
    *lo = l;
    *hi = h;
    return 0;
}

static const struct {
    const char *prefix;     /* without the '-' */
    unsigned kind;
} set_prefixes[] = {
    { "as", ASN_SET_AS }, { "rs", ASN_SET_RS }, { "fltr", ASN_SET_FLTR },
    { "prng", ASN_SET_PRNG }, { "rtrs", ASN_SET_RTRS }
};

/* Kind of a set-name component "<prefix>-...", 0 if it is none. */
static unsigned set_component(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof set_prefixes / sizeof set_prefixes[0]; k++) {
        size_t pl = strlen(set_prefixes[k].prefix);
        if (len < pl + 2 || s[pl] != '-')
            continue;
        if (!text_eq_ci(s, pl, set_prefixes[k].prefix))
            continue;
        for (size_t i = pl + 1; i < len; i++) {
            int c = (unsigned char)s[i];
            if (!text_is_alnum(c) && c != '_' && c != '-')
                return 0;
        }
        if (!text_is_alnum((unsigned char)s[len - 1]))
            return 0;
        return set_prefixes[k].kind;
    }
    return 0;
}

unsigned asn_set_name(const char *s, size_t len, unsigned kinds)
{
    unsigned kind = 0;
    size_t i = 0;
    uint32_t asn;

    if (len == 0 || len > 80)
        return 0;
    for (;;) {
        size_t start = i;
        unsigned k;
        while (i < len && s[i] != ':')
            i++;
        k = set_component(s + start, i - start);
        if (k != 0) {
            if (kind != 0 && kind != k)
                return 0;
            kind = k;
        } else if (asn_parse(s + start, i - start, &asn) != 0) {
            return 0;
        }
        if (i == len)
            break;
        i++;
    }
    return (kind & kinds) ? kind : 0;
}
