/*
 * syntax.c - attribute value syntaxes (see include/rpsl/syntax.h).
 *
 * One checker per enum syntax_id, following the value types of
 * RIPE's syntax.txt (sections 2-5 and 8).  A checker looks at
 * one value (or one item of a list value) and either accepts it, possibly
 * with a normalised form and an Info text, or rejects it; the default
 * error text is RIPE's "Syntax error in <value>".  The RPSL policy
 * attributes are handed to the policy parser (policy.h).
 *
 * Constant tables only (country and language codes, reserved words,
 * status values); no state.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/text.h"
#include "rpsl/asn.h"
#include "rpsl/policy.h"
#include "rpsl/schema_class.h"
#include "rpsl/syntax.h"

/* ISO 3166-1 alpha-2 (plus EU) and ISO 639-1, sorted, 3 bytes a code. */
static const char country_codes[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH "
    "BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL "
    "CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET "
    "EU FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT "
    "GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA "
    "MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS "
    "PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO "
    "SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW ";
static const char language_codes[] =
    "AA AB AE AF AK AM AN AR AS AV AY AZ BA BE BG BH BI BM BN BO BR BS CA "
    "CE CH CO CR CS CU CV CY DA DE DV DZ EE EL EN EO ES ET EU FA FF FI FJ "
    "FO FR FY GA GD GL GN GU GV HA HE HI HO HR HT HU HY HZ IA ID IE IG II "
    "IK IO IS IT IU JA JV KA KG KI KJ KK KL KM KN KO KR KS KU KV KW KY LA "
    "LB LG LI LN LO LT LU LV MG MH MI MK ML MN MR MS MT MY NA NB ND NE NG "
    "NL NN NO NR NV NY OC OJ OM OR OS PA PI PL PS PT QU RM RN RO RU RW SA "
    "SC SD SE SG SI SK SL SM SN SO SQ SR SS ST SU SV SW TA TE TG TH TI TK "
    "TL TN TO TR TS TT TW TY UG UK UR UZ VE VI VO WA WO XH YI YO ZA ZH ZU ";

/* ---- small helpers ---- */

/* Case-insensitive prefix test. */
static int starts_ci(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && text_eq_ci(s, n, w);
}

static int ends_ci(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && text_eq_ci(s + len - n, n, w);
}

/* Every byte of s[from..len) is in: letters, digits and @extra. */
static int all_of(const char *s, size_t from, size_t len, const char *extra)
{
    for (size_t i = from; i < len; i++) {
        int c = (unsigned char)s[i];
        if (!text_is_alnum(c) && (c == 0 || strchr(extra, c) == NULL))
            return 0;
    }
    return 1;
}

/* Decimal digits only, 1..maxd of them. */
static int all_digits(const char *s, size_t len, size_t maxd)
{
    if (len == 0 || len > maxd)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!text_is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static unsigned long to_ulong(const char *s, size_t len)
{
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    return v;
}

/* A malloc'd formatted string (through a buf_t, which owns nothing after). */
static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    buf_t b;
    char *s;
    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    s = xstrdup(b.s);
    buf_free(&b);
    return s;
}

static void set_error(syntax_result_t *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(syntax_result_t *res, const char *fmt, ...)
{
    va_list ap;
    buf_t b;
    if (res->error)
        return;             /* keep the first, most specific text */
    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    res->error = xstrdup(b.s);
    buf_free(&b);
}

/* Record a normalisation of the whole value with RIPE's Info text. */
static void set_norm(syntax_result_t *res, const char *in, size_t inlen,
                     const char *out, int with_info)
{
    if (strlen(out) == inlen && memcmp(in, out, inlen) == 0)
        return;
    free(res->normalised);
    free(res->info);
    res->normalised = xstrdup(out);
    res->info = with_info ? str_printf("Value %.*s converted to %s", (int)inlen, in, out)
                          : NULL;
}

static int code_in(const char *table, size_t tsize, const char *code, size_t len)
{
    size_t n = (tsize - 1) / 3, lo = 0, hi;
    char c0, c1;
    if (len != 2 || !text_is_alpha((unsigned char)code[0]) || !text_is_alpha((unsigned char)code[1]))
        return 0;
    c0 = (char)text_upper((unsigned char)code[0]);
    c1 = (char)text_upper((unsigned char)code[1]);
    hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *t = table + 3 * mid;
        int cmp = t[0] != c0 ? (unsigned char)t[0] - (unsigned char)c0
                             : (unsigned char)t[1] - (unsigned char)c1;
        if (cmp == 0)
            return 1;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int syntax_country_known(const char *code)
{
    return code != NULL && code_in(country_codes, sizeof country_codes, code, strlen(code));
}

int syntax_language_known(const char *code)
{
    return code != NULL && code_in(language_codes, sizeof language_codes, code, strlen(code));
}

static int is_asn(const char *s, size_t len)
{
    uint32_t a;
    return asn_parse(s, len, &a) == 0;
}

/* "AUTO-n" with n >= 1, optionally followed by 2..4 letters. */
static int is_auto_key(const char *s, size_t len, int letters)
{
    size_t i = 5, d;
    if (!starts_ci(s, len, "AUTO-") || len < 6 || s[5] < '1' || s[5] > '9')
        return 0;
    while (i < len && text_is_digit((unsigned char)s[i]))
        i++;
    d = i;
    while (i < len && text_is_alpha((unsigned char)s[i]))
        i++;
    if (i != len)
        return 0;
    if (d == len)
        return 1;
    return letters && len - d >= 2 && len - d <= 4;
}

/* ---- names and handles ---- */

static const char *const reserved_words[] = {
    "ANY", "AS-ANY", "RS-ANY", "PEERAS", "AND", "OR", "NOT", "ATOMIC",
    "FROM", "TO", "AT", "ACTION", "ACCEPT", "ANNOUNCE", "EXCEPT", "REFINE",
    "NETWORKS", "INTO", "INBOUND", "OUTBOUND", NULL
};

static int is_reserved_word(const char *s, size_t len)
{
    for (size_t i = 0; reserved_words[i]; i++)
        if (text_eq_ci(s, len, reserved_words[i]))
            return 1;
    return 0;
}

static const char *const forbidden_mntners[] = {
    "ASNEW-MNT", "AUTO-1", "BLUELIGHT-MNT", "EXAMPLE-MNT",
    "GOODY2SHOES-MNT", "MNT-BY", "MNT-DOMAIN", "MNT-DOMAINS", "MNT-LOWER",
    "MNT-ROUTE", "MNT-ROUTES", "NEW-MNT", "RIPE-NCC-NONE-MNT", "SANTA-MNT",
    NULL
};

static const struct {
    const char *prefix;
    int cls;
    const char *cls_name;
} reserved_prefixes[] = {
    { "as-", SC_AS_SET, "as-set" }, { "rs-", SC_ROUTE_SET, "route-set" },
    { "rtrs-", SC_RTR_SET, "rtr-set" }, { "fltr-", SC_FILTER_SET, "filter-set" },
    { "prng-", SC_PEERING_SET, "peering-set" },
    { "org-", SC_ORGANISATION, "organisation" }, { "irt-", SC_IRT, "irt" },
    { "pgpkey-", SC_KEY_CERT, "key-cert" }, { "x509-", SC_KEY_CERT, "key-cert" }
};

/* [A-Z] followed by [A-Z0-9_-]{min..max}, the last a letter or digit. */
static int name_shape(const char *s, size_t len, size_t maxlen)
{
    if (len == 0 || len > maxlen || !text_is_alpha((unsigned char)s[0]))
        return 0;
    if (!all_of(s, 1, len, "_-"))
        return 0;
    return text_is_alnum((unsigned char)s[len - 1]);
}

static int chk_object_name(const char *s, size_t len, int cls, unsigned flags,
                           syntax_result_t *res)
{
    if (len < 2 || !name_shape(s, len, 80))
        return 0;
    if (is_reserved_word(s, len)) {
        if (flags & SYNTAX_CREATE)
            set_error(res, "Reserved name '%.*s' used", (int)len, s);
        return 0;
    }
    if (!(flags & SYNTAX_CREATE))
        return 1;
    for (size_t i = 0; i < sizeof reserved_prefixes / sizeof reserved_prefixes[0]; i++)
        if (starts_ci(s, len, reserved_prefixes[i].prefix) &&
            cls != reserved_prefixes[i].cls) {
            set_error(res, "Names starting with '%s' are reserved for '%s'.",
                      reserved_prefixes[i].prefix, reserved_prefixes[i].cls_name);
            return 0;
        }
    if (cls == SC_MNTNER) {
        int bad = starts_ci(s, len, "RIPE-NCC-");
        for (size_t i = 0; forbidden_mntners[i] && !bad; i++)
            bad = text_eq_ci(s, len, forbidden_mntners[i]);
        if (!bad && ((len == 5 && starts_ci(s, len, "MNT-") && s[4] >= '1' && s[4] <= '9') ||
                     (len == 6 && starts_ci(s, len, "MNTR-") && s[5] >= '1' && s[5] <= '9')))
            bad = 1;
        if (bad) {
            set_error(res, "Reserved name '%.*s' used", (int)len, s);
            return 0;
        }
        if (!ends_ci(s, len, "-MNT")) {
            set_error(res, "When creating a MNTNER the name must end with an -MNT suffix");
            return 0;
        }
    }
    return 1;
}

static int chk_nic_handle(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res)
{
    size_t i = 0, n;
    (void)cls;
    (void)flags;
    (void)res;
    if (len > 30)
        return 0;
    if (is_auto_key(s, len, 1))
        return 1;
    while (i < len && text_is_alpha((unsigned char)s[i]))
        i++;
    if (i < 2 || i > 4)
        return 0;
    if (i < len && s[i] >= '1' && s[i] <= '9') {
        n = i;
        while (i < len && text_is_digit((unsigned char)s[i]))
            i++;
        if (i - n > 6)
            return 0;
    }
    if (i == len)
        return 1;
    if (s[i] != '-')
        return 0;
    n = ++i;
    while (i < len && text_is_alpha((unsigned char)s[i]))
        i++;
    return i == len && len - n >= 2 && len - n <= 10;
}

int syntax_nic_hdl_suffix_ok(const char *hdl, const char *source)
{
    static const char *const rirs[] = {
        "RIPE", "ORG", "ARIN", "LACNIC", "RADB", "APNIC", "RIPN", "AFRINIC", NULL
    };
    const char *dash = hdl ? strchr(hdl, '-') : NULL;
    size_t n;
    if (dash == NULL || strncmp(hdl, "AUTO-", 5) == 0 || strncmp(hdl, "auto-", 5) == 0)
        return 1;
    dash++;
    n = strlen(dash);
    if (source && text_eq_ci(dash, n, source))
        return 1;
    for (size_t i = 0; rirs[i]; i++)
        if (text_eq_ci(dash, n, rirs[i]))
            return 1;
    return syntax_country_known(dash);
}

static int chk_netname(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return name_shape(s, len, 80);
}

static int chk_as_number(const char *s, size_t len, int cls, unsigned flags,
                         syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return is_asn(s, len);
}

static int chk_as_block(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    uint32_t lo, hi;
    (void)cls;
    (void)flags;
    (void)res;
    return asn_parse_range(s, len, &lo, &hi) == 0 && lo <= hi;
}

/* person: 2..10 words of [A-Z0-9.`'_-], <= 64 each; the first starts
 * with a letter and so does at least one other. */
static int chk_person_name(const char *s, size_t len, int cls, unsigned flags,
                           syntax_result_t *res)
{
    size_t i = 0;
    int words = 0, letters = 0;
    (void)cls;
    (void)flags;
    (void)res;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i == start || i - start > 64 || !all_of(s, start, i, ".`'_-"))
            return 0;
        if (text_is_alpha((unsigned char)s[start]))
            letters++;
        else if (words == 0)
            return 0;
        words++;
        if (i < len)
            i++;
    }
    return words >= 2 && words <= 10 && letters >= 2;
}

/* org-name / role: 1..30 words of 1..64 [A-Z0-9][)(._"*@,&:!'`+/-. */
static int chk_org_name(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    size_t i = 0;
    int words = 0;
    (void)cls;
    (void)flags;
    (void)res;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i == start || i - start > 64 || !all_of(s, start, i, "][)(._\"*@,&:!'`+/-"))
            return 0;
        words++;
        if (i < len)
            i++;
    }
    return words >= 1 && words <= 30;
}

static int chk_organisation(const char *s, size_t len, int cls, unsigned flags,
                            syntax_result_t *res)
{
    size_t i = 4, n;
    (void)cls;
    (void)flags;
    (void)res;
    if (len > 30)
        return 0;
    if (is_auto_key(s, len, 1))
        return 1;
    if (!starts_ci(s, len, "ORG-"))
        return 0;
    while (i < len && text_is_alpha((unsigned char)s[i]))
        i++;
    if (i - 4 < 2 || i - 4 > 4)
        return 0;
    if (i < len && s[i] >= '1' && s[i] <= '9') {
        n = i;
        while (i < len && text_is_digit((unsigned char)s[i]))
            i++;
        if (i - n > 6)
            return 0;
    }
    if (i >= len || s[i] != '-')
        return 0;
    i++;
    return name_shape(s + i, len - i, 80);
}

static int chk_irt(const char *s, size_t len, int cls, unsigned flags,
                   syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return len > 4 && len <= 80 && starts_ci(s, len, "IRT-") && all_of(s, 4, len, "_-") &&
           text_is_alnum((unsigned char)s[len - 1]);
}

static int is_pgpkey(const char *s, size_t len)
{
    if (len != 15 || !starts_ci(s, len, "PGPKEY-"))
        return 0;
    for (size_t i = 7; i < len; i++)
        if (!text_is_xdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int is_x509(const char *s, size_t len)
{
    return len > 5 && starts_ci(s, len, "X509-") && s[5] >= '1' && s[5] <= '9' &&
           all_digits(s + 5, len - 5, 20);
}

static int chk_key_cert(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return is_pgpkey(s, len) || is_x509(s, len) || is_auto_key(s, len, 0);
}

static int prefixed_name(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len > n && len <= 80 && starts_ci(s, len, prefix) && text_is_alnum((unsigned char)s[n]) &&
           all_of(s, n, len, "_-");
}

static int chk_poem(const char *s, size_t len, int cls, unsigned flags,
                    syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return prefixed_name(s, len, "POEM-");
}

static int chk_poetic_form(const char *s, size_t len, int cls, unsigned flags,
                           syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return prefixed_name(s, len, "FORM-");
}

static int chk_org_type(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    static const char *const types[] = {
        "IANA", "RIR", "NIR", "LIR", "DIRECT_ASSIGNMENT", "OTHER", NULL
    };
    (void)cls;
    (void)flags;
    (void)res;
    for (size_t i = 0; types[i]; i++)
        if (text_eq_ci(s, len, types[i]))
            return 1;
    return 0;
}

static int chk_source(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    buf_t b;
    (void)cls;
    (void)flags;
    if (len < 2 || !name_shape(s, len, 80))
        return 0;
    buf_init(&b);
    for (size_t i = 0; i < len; i++)
        buf_putc(&b, text_upper((unsigned char)s[i]));
    set_norm(res, s, len, b.s, 0);          /* upper-cased silently */
    buf_free(&b);
    return 1;
}

/* ---- set names ---- */

static int chk_set(const char *s, size_t len, int cls, unsigned flags,
                   syntax_result_t *res, unsigned kind, int own_cls,
                   const char *any_name)
{
    if (asn_set_name(s, len, kind) == 0)
        return 0;
    if ((flags & SYNTAX_CREATE) && (cls == own_cls || cls < 0)) {
        if (any_name && text_eq_ci(s, len, any_name)) {
            set_error(res, "Reserved name '%.*s' used", (int)len, s);
            return 0;
        }
        /* flat as-set names on create: a business rule (rules.c,
         * configurable hierarchical_as_sets), reported on the object */
    }
    return 1;
}

static int chk_as_set(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    return chk_set(s, len, cls, flags, res, ASN_SET_AS, SC_AS_SET, "AS-ANY");
}

static int chk_route_set(const char *s, size_t len, int cls, unsigned flags,
                         syntax_result_t *res)
{
    return chk_set(s, len, cls, flags, res, ASN_SET_RS, SC_ROUTE_SET, "RS-ANY");
}

static int chk_rtr_set(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    return chk_set(s, len, cls, flags, res, ASN_SET_RTRS, SC_RTR_SET, NULL);
}

static int chk_filter_set(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res)
{
    return chk_set(s, len, cls, flags, res, ASN_SET_FLTR, SC_FILTER_SET, NULL);
}

static int chk_peering_set(const char *s, size_t len, int cls, unsigned flags,
                           syntax_result_t *res)
{
    return chk_set(s, len, cls, flags, res, ASN_SET_PRNG, SC_PEERING_SET, NULL);
}

/* ---- addresses ---- */

/* Address family allowed by the class: 4, 6 or 0 (either). */
static int class_af(int cls)
{
    if (cls == SC_INETNUM || cls == SC_ROUTE)
        return 4;
    if (cls == SC_INET6NUM || cls == SC_ROUTE6)
        return 6;
    return 0;
}

/*
 * A short IPv4 prefix, fewer than four octets before the '/' ("193.0.1/24",
 * "194.0/28"): put the full form ("193.0.1.0/24") in @out (reset first)
 * and return 1; anything else: 0.  RIPE expands these with an Info.
 */
static int expand_short_v4(const char *s, size_t len, buf_t *out)
{
    const char *slash = memchr(s, '/', len);
    size_t octets = 1, digits = 0;
    if (slash == NULL || slash == s)
        return 0;
    for (const char *p = s; p < slash; p++) {
        if (*p == '.') {
            if (digits == 0)
                return 0;
            octets++;
            digits = 0;
        } else if (text_is_digit((unsigned char)*p) && digits < 3) {
            digits++;
        } else {
            return 0;
        }
    }
    if (digits == 0 || octets >= 4)
        return 0;
    buf_reset(out);
    buf_put(out, s, (size_t)(slash - s));
    for (; octets < 4; octets++)
        buf_puts(out, ".0");
    buf_put(out, slash, len - (size_t)(slash - s));
    return 1;
}

static int chk_ipv4(const char *s, size_t len, int cls, unsigned flags,
                    syntax_result_t *res)
{
    ip_range_t r;
    buf_t b;
    (void)cls;
    (void)flags;
    buf_init(&b);
    int bad = expand_short_v4(s, len, &b) ? ip_parse_v4_range(b.s, b.len, &r)
                                          : ip_parse_v4_range(s, len, &r);
    buf_free(&b);
    if (bad)
        return 0;
    buf_init(&b);
    ip_format_range(&r, &b);
    set_norm(res, s, len, b.s, 1);
    buf_free(&b);
    return 1;
}

static int chk_ipv6(const char *s, size_t len, int cls, unsigned flags,
                    syntax_result_t *res)
{
    ip_range_t r;
    int plen;
    buf_t b;
    (void)cls;
    if (memchr(s, '/', len)) {
        if (ip_parse_prefix(s, len, 6, 0, &r, &plen) != 0)
            return 0;
    } else {
        uint8_t a[16];
        if (ip_parse_v6(s, len, a) != 0)
            return 0;
        memset(&r, 0, sizeof r);
        r.af = 6;
        memcpy(r.lo, a, 16);
        memcpy(r.hi, a, 16);
        plen = 128;
    }
    if ((flags & SYNTAX_CREATE) && plen > 64) {
        set_error(res, "Syntax error in %.*s (prefix length must be /64 or shorter)",
                  (int)len, s);
        return 0;
    }
    buf_init(&b);
    ip_format_prefix(&r, &b);
    set_norm(res, s, len, b.s, 1);
    buf_free(&b);
    return 1;
}

static int chk_route_common(const char *s, size_t len, unsigned flags,
                            syntax_result_t *res, int af)
{
    ip_range_t r;
    int plen;
    buf_t b;
    buf_init(&b);
    int bad = af == 4 && expand_short_v4(s, len, &b)
        ? ip_parse_prefix(b.s, b.len, af, 1, &r, &plen)
        : ip_parse_prefix(s, len, af, 1, &r, &plen);
    buf_free(&b);
    if (bad)
        return 0;
    if ((flags & SYNTAX_CREATE) && plen < (af == 4 ? 8 : 12)) {
        set_error(res, "Automatic creation of route objects of this size is not "
                  "allowed, please contact the database administration for "
                  "further information.");
        return 0;
    }
    buf_init(&b);
    ip_format_prefix(&r, &b);
    set_norm(res, s, len, b.s, 1);
    buf_free(&b);
    return 1;
}

static int chk_route(const char *s, size_t len, int cls, unsigned flags,
                     syntax_result_t *res)
{
    (void)cls;
    return chk_route_common(s, len, flags, res, 4);
}

static int chk_route6(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    (void)cls;
    return chk_route_common(s, len, flags, res, 6);
}

/* One address (pingable:), family per class. */
static int chk_pingable(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    uint8_t a[16];
    int af = class_af(cls);
    (void)flags;
    (void)res;
    if (af != 6 && ip_parse_v4(s, len, a) == 0)
        return 1;
    return af != 4 && ip_parse_v6(s, len, a) == 0;
}

/* One holes: item: a prefix of the class's family. */
static int chk_holes(const char *s, size_t len, int cls, unsigned flags,
                     syntax_result_t *res)
{
    ip_range_t r;
    (void)flags;
    (void)res;
    return ip_parse_prefix(s, len, class_af(cls), 1, &r, NULL) == 0;
}

/* <prefix>[^-|^+|^n|^n-m] of family @af (0 = either). */
static int is_prefix_range(const char *s, size_t len, int af)
{
    const char *caret = memchr(s, '^', len);
    size_t plen_txt = caret ? (size_t)(caret - s) : len;
    ip_range_t r;
    int plen;
    unsigned long n, m, max;

    if (ip_parse_prefix(s, plen_txt, af, 1, &r, &plen) != 0)
        return 0;
    if (caret == NULL)
        return 1;
    s = caret + 1;
    len -= plen_txt + 1;
    if (len == 1 && (s[0] == '+' || s[0] == '-'))
        return 1;
    max = r.af == 6 ? 128 : 32;
    {
        const char *dash = memchr(s, '-', len);
        size_t l1 = dash ? (size_t)(dash - s) : len;
        if (!all_digits(s, l1, 3))
            return 0;
        n = m = to_ulong(s, l1);
        if (dash) {
            if (!all_digits(dash + 1, len - l1 - 1, 3))
                return 0;
            m = to_ulong(dash + 1, len - l1 - 1);
        }
    }
    return n >= (unsigned long)plen && n <= m && m <= max;
}

/* A range operator alone ("^+", "^24-32"), for set names in members. */
static int is_range_op(const char *s, size_t len)
{
    const char *dash;
    if (len < 2 || s[0] != '^')
        return 0;
    s++;
    len--;
    if (len == 1 && (s[0] == '+' || s[0] == '-'))
        return 1;
    dash = memchr(s, '-', len);
    if (dash == NULL)
        return all_digits(s, len, 3) && to_ulong(s, len) <= 128;
    {
        size_t l1 = (size_t)(dash - s);
        return all_digits(s, l1, 3) && all_digits(dash + 1, len - l1 - 1, 3) &&
               to_ulong(s, l1) <= to_ulong(dash + 1, len - l1 - 1) &&
               to_ulong(dash + 1, len - l1 - 1) <= 128;
    }
}

/* ---- DNS names and domains ---- */

/* inet-rtr / alias: a host name, trailing dot stripped with Info. */
static int chk_dns_key(const char *s, size_t len, syntax_result_t *res, int underscore)
{
    size_t n = len;
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (!text_is_hostname(s, n, underscore))
        return 0;
    if (n != len) {
        char *t = xstrndup(s, n);
        set_norm(res, s, len, t, 1);
        free(t);
    }
    return 1;
}

static int chk_inet_rtr(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    return chk_dns_key(s, len, res, 1);
}

static int chk_alias(const char *s, size_t len, int cls, unsigned flags,
                     syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    return chk_dns_key(s, len, res, 0);
}

static int chk_domain(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    size_t n = len;
    ip_range_t r;
    (void)cls;
    (void)flags;
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0 || n > 254)
        return 0;
    if (ends_ci(s, n, "in-addr.arpa") || ends_ci(s, n, "ip6.arpa")) {
        if (ip_parse_reverse_domain(s, n, &r) != 0)
            return 0;
    } else if (ends_ci(s, n, "e164.arpa")) {
        size_t body = n - 9;   /* strlen("e164.arpa") */
        if (body > 0) {
            if (s[body - 1] != '.')
                return 0;
            for (size_t i = 0; i + 1 < body; i += 2)
                if (!text_is_digit((unsigned char)s[i]) || s[i + 1] != '.')
                    return 0;
            if (body % 2 != 0)
                return 0;
        }
    } else {
        return 0;
    }
    if (n != len) {
        char *t = xstrndup(s, n);
        set_norm(res, s, len, t, 1);
        free(t);
    }
    return 1;
}

static int chk_nserver(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    const char *sp = memchr(s, ' ', len);
    size_t hl = sp ? (size_t)(sp - s) : len;
    (void)cls;
    (void)flags;
    (void)res;
    if (hl > 0 && s[hl - 1] == '.' && !text_is_hostname(s, hl - 1, 0))
        return 0;
    if (!(hl > 0 && s[hl - 1] == '.') && !text_is_hostname(s, hl, 0))
        return 0;
    if (sp) {
        uint8_t a[16];
        const char *ip = sp + 1;
        size_t il = len - hl - 1;
        if (memchr(ip, ' ', il))
            return 0;
        if (ip_parse_v4(ip, il, a) != 0 && ip_parse_v6(ip, il, a) != 0)
            return 0;
    }
    return 1;
}

static int chk_ds_rdata(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    static const unsigned long max[3] = { 65535, 255, 255 };
    size_t i = 0, hex = 0;
    (void)cls;
    (void)flags;
    (void)res;
    for (int f = 0; f < 3; f++) {
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (!all_digits(s + start, i - start, 5) || to_ulong(s + start, i - start) > max[f])
            return 0;
        if (i >= len)
            return 0;
        i++;
    }
    for (; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (!text_is_xdigit((unsigned char)s[i]))
            return 0;
        hex++;
    }
    return hex > 0 && hex % 2 == 0;
}

/* ---- e-mail, phone, URLs, locations ---- */

/* addr-spec: dot-atom or quoted local part, '@', domain. */
static int is_addr_spec(const char *s, size_t len)
{
    size_t at, i;
    if (len == 0 || len > 320)
        return 0;
    if (s[0] == '"') {
        for (i = 1; i < len && s[i] != '"'; i++) {
            if (s[i] == '\\')
                i++;
            else if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
                return 0;
        }
        if (i >= len || i + 1 >= len || s[i + 1] != '@')
            return 0;
        at = i + 1;
    } else {
        const char *a = memchr(s, '@', len);
        if (a == NULL)
            return 0;
        at = (size_t)(a - s);
        if (at == 0 || s[0] == '.' || s[at - 1] == '.')
            return 0;
        for (i = 0; i < at; i++) {
            int c = (unsigned char)s[i];
            if (c >= 0x80 || (!text_is_alnum(c) && strchr("!#$%&'*+/=?^_`{|}~.-", c) == NULL) ||
                c == 0)
                return 0;
            if (c == '.' && s[i + 1] == '.')
                return 0;
        }
    }
    /* the domain: labels of letters, digits, '-', or non-ASCII (IDN) */
    {
        const char *d = s + at + 1;
        size_t dl = len - at - 1, j = 0;
        if (dl == 0)
            return 0;
        if (d[0] == '[') {
            /* an address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"):
             * nothing else inside, never a list or a second address */
            if (d[dl - 1] != ']' || dl <= 2)
                return 0;
            for (j = 1; j + 1 < dl; j++)
                if (!text_is_alnum((unsigned char)d[j]) && d[j] != '.' && d[j] != ':' &&
                    d[j] != '-')
                    return 0;
            return 1;
        }
        while (j < dl) {
            size_t start = j;
            while (j < dl && d[j] != '.') {
                int c = (unsigned char)d[j];
                if (c < 0x80 && !text_is_alnum(c) && c != '-' && c != '_')
                    return 0;
                j++;
            }
            if (j == start || d[start] == '-' || d[j - 1] == '-')
                return 0;
            if (j < dl && ++j == dl)
                return 0;
        }
    }
    return 1;
}

/*
 * An e-mail value: an addr-spec, "display name <addr-spec>" or
 * "addr-spec (comment)".  1 and the addr-spec's span in *@as, *@al, or 0.
 */
static int email_addr_span(const char *s, size_t len, const char **as, size_t *al)
{
    const char *lt;
    if (len == 0 || len > 320)
        return 0;
    lt = memchr(s, '<', len);
    if (lt != NULL) {
        /* display-name form: name <addr> */
        size_t dl = (size_t)(lt - s);
        int inq = 0;
        if (s[len - 1] != '>')
            return 0;
        for (size_t i = 0; i < dl; i++) {
            if (s[i] == '"')
                inq = !inq;
            else if (!inq && (s[i] == ',' || s[i] == '@' || s[i] == ';' || s[i] == '>'))
                return 0;
        }
        if (inq)
            return 0;
        s = lt + 1;
        len = len - dl - 2;
        if (memchr(s, '<', len) || memchr(s, '>', len))
            return 0;
    } else {
        /* "addr (comment)" */
        const char *paren = memchr(s, '(', len);
        if (paren != NULL && s[0] != '"') {
            if (s[len - 1] != ')')
                return 0;
            len = (size_t)(paren - s);
            while (len > 0 && s[len - 1] == ' ')
                len--;
        }
    }
    text_trim(&s, &len);
    if (memchr(s, ' ', len) && s[0] != '"')
        return 0;
    if (!is_addr_spec(s, len))
        return 0;
    *as = s;
    *al = len;
    return 1;
}

static int chk_email_value(const char *s, size_t len)
{
    const char *as;
    size_t al;
    return email_addr_span(s, len, &as, &al);
}

char *syntax_email_address(const char *value)
{
    const char *as;
    size_t al;
    if (value == NULL || !email_addr_span(value, strlen(value), &as, &al))
        return NULL;
    return xstrndup(as, al);
}

int syntax_email_usable(const char *a)
{
    if (a == NULL || *a == 0 || strlen(a) > 320)
        return 0;
    for (const char *p = a; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < ' ' || c >= 127 || c == '<' || c == '>' || c == '\\')
            return 0;
    }
    char *spec = syntax_email_address(a);
    int ok = spec != NULL && strcmp(spec, a) == 0;
    free(spec);
    return ok;
}

static int chk_email(const char *s, size_t len, int cls, unsigned flags,
                     syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return chk_email_value(s, len);
}

static int phone_chars(const char *s, size_t *i, size_t len)
{
    size_t start = *i;
    while (*i < len && (text_is_digit((unsigned char)s[*i]) || s[*i] == '.' || s[*i] == ' ' ||
                        s[*i] == '-'))
        (*i)++;
    return *i > start;
}

/* ^\+[0-9. -]+(\([0-9. -]+\)[0-9. -]+)?(ext\.[0-9. -]+)?$ len<=30 */
static int chk_phone(const char *s, size_t len, int cls, unsigned flags,
                     syntax_result_t *res)
{
    size_t i = 1;
    (void)cls;
    (void)flags;
    (void)res;
    if (len < 2 || len > 30 || s[0] != '+')
        return 0;
    if (!phone_chars(s, &i, len))
        return 0;
    if (i < len && s[i] == '(') {
        i++;
        if (!phone_chars(s, &i, len) || i >= len || s[i] != ')')
            return 0;
        i++;
        if (!phone_chars(s, &i, len))
            return 0;
    }
    if (i < len && len - i > 4 && text_eq_ci(s + i, 4, "ext.")) {
        i += 4;
        if (!phone_chars(s, &i, len))
            return 0;
    }
    return i == len;
}

static int chk_country(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    if (code_in(country_codes, sizeof country_codes, s, len))
        return 1;
    set_error(res, "Country not recognised: %.*s", (int)len, s);
    return 0;
}

static int chk_language(const char *s, size_t len, int cls, unsigned flags,
                        syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    if (code_in(language_codes, sizeof language_codes, s, len))
        return 1;
    set_error(res, "Language not recognised: %.*s", (int)len, s);
    return 0;
}

/* URI characters (RFC 3986 unreserved, reserved and '%'). */
static int uri_chars(const char *s, size_t from, size_t len)
{
    return all_of(s, from, len, "-._~:/?#[]@!$&'()*+,;=%");
}

static int chk_contact(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    size_t i = 1;
    (void)cls;
    (void)flags;
    (void)res;
    if (len < 3 || !text_is_alpha((unsigned char)s[0]))
        return 0;
    while (i < len && (text_is_alnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
                       s[i] == '.'))
        i++;
    if (i >= len || s[i] != ':' || i + 1 >= len)
        return 0;
    return uri_chars(s, i + 1, len);
}

/* https://host[:port][/path...] */
static int chk_https_url(const char *s, size_t len, int cls, unsigned flags,
                         syntax_result_t *res)
{
    size_t i = 8, start;
    (void)cls;
    (void)flags;
    (void)res;
    if (len <= 8 || !starts_ci(s, len, "https://") || !uri_chars(s, 8, len))
        return 0;
    start = i;
    if (s[i] == '[') {
        const char *rb = memchr(s + i, ']', len - i);
        uint8_t a[16];
        if (rb == NULL || ip_parse_v6(s + i + 1, (size_t)(rb - s) - i - 1, a) != 0)
            return 0;
        i = (size_t)(rb - s) + 1;
    } else {
        while (i < len && s[i] != '/' && s[i] != ':' && s[i] != '?' && s[i] != '#')
            i++;
        if (!text_is_hostname(s + start, i - start, 0))
            return 0;
    }
    if (i < len && s[i] == ':') {
        size_t p = ++i;
        while (i < len && text_is_digit((unsigned char)s[i]))
            i++;
        if (i == p || i - p > 5 || to_ulong(s + p, i - p) > 65535)
            return 0;
    }
    return i == len || s[i] == '/' || s[i] == '?' || s[i] == '#';
}

/* [+-]D+[.D+], |v| <= max */
static int parse_degrees(const char *s, size_t len, double max)
{
    size_t i = 0;
    double v = 0, scale = 1;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= len || !text_is_digit((unsigned char)s[i]))
        return 0;
    while (i < len && text_is_digit((unsigned char)s[i])) {
        v = v * 10 + (s[i] - '0');
        if (v > 1000)
            return 0;
        i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len)
            return 0;
        while (i < len && text_is_digit((unsigned char)s[i])) {
            scale /= 10;
            v += (s[i] - '0') * scale;
            i++;
        }
    }
    return i == len && v <= max;
}

static int chk_geoloc(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    const char *sp = memchr(s, ' ', len);
    (void)cls;
    (void)flags;
    (void)res;
    if (sp == NULL)
        return 0;
    return parse_degrees(s, (size_t)(sp - s), 90.0) &&
           parse_degrees(sp + 1, len - (size_t)(sp - s) - 1, 180.0);
}

/* ---- auth:, status:, members: and friends ---- */

static int crypt_chars(const char *s, size_t len)
{
    return all_of(s, 0, len, "./");
}

static int chk_auth(const char *s, size_t len, int cls, unsigned flags,
                    syntax_result_t *res)
{
    const char *sp = memchr(s, ' ', len);
    size_t kl = sp ? (size_t)(sp - s) : len;
    const char *h = sp ? sp + 1 : s + len;
    size_t hl = sp ? len - kl - 1 : 0;
    (void)cls;
    (void)flags;
    if (sp == NULL)
        return is_pgpkey(s, len) || is_x509(s, len) || is_auto_key(s, len, 0);
    if (text_eq_ci(s, kl, "MD5-PW")) {
        /* $1$<salt 1..8>$<22> */
        const char *d;
        if (hl < 4 + 22 || memcmp(h, "$1$", 3) != 0)
            return 0;
        d = memchr(h + 3, '$', hl - 3);
        if (d == NULL)
            return 0;
        {
            size_t sl = (size_t)(d - h) - 3, rest = hl - 3 - sl - 1;
            return sl >= 1 && sl <= 8 && crypt_chars(h + 3, sl) && rest == 22 &&
                   crypt_chars(d + 1, rest);
        }
    }
    if (text_eq_ci(s, kl, "BCRYPT-PW")) {
        /* $2a$NN$<53>, also $2b$ and $2y$; NN from 04 to 31, bcrypt's own
         * range (rules.h bounds it further: bcrypt_max_cost) */
        if (!(hl == 60 && h[0] == '$' && h[1] == '2' && strchr("aby", h[2]) && h[2] &&
              h[3] == '$' && text_is_digit((unsigned char)h[4]) &&
              text_is_digit((unsigned char)h[5]) && h[6] == '$' && crypt_chars(h + 7, 53)))
            return 0;
        unsigned cost = (unsigned)(h[4] - '0') * 10 + (unsigned)(h[5] - '0');
        if (cost < 4 || cost > 31) {
            set_error(res, "BCRYPT-PW cost must be from 04 to 31, not %02u", cost);
            return 0;
        }
        return 1;
    }
    if (text_eq_ci(s, kl, "CRYPT-PW"))
        return hl == 13 && crypt_chars(h, hl);
    if (text_eq_ci(s, kl, "SSO"))
        return hl <= 90 && chk_email_value(h, hl);
    return 0;
}

static const char *const inetnum_status[] = {
    "ALLOCATED UNSPECIFIED", "ALLOCATED PA", "ALLOCATED-ASSIGNED PA",
    "LIR-PARTITIONED PA", "SUB-ALLOCATED PA", "AGGREGATED-BY-LIR",
    "ASSIGNED PA", "ASSIGNED PI", "ASSIGNED ANYCAST", "LEGACY", NULL
};

static const char *const inet6num_status[] = {
    "ALLOCATED-BY-RIR", "ALLOCATED-BY-LIR", "AGGREGATED-BY-LIR", "ASSIGNED",
    "ASSIGNED ANYCAST", "ASSIGNED PI", NULL
};

static const char *const autnum_status[] = {
    "ASSIGNED", "LEGACY", "OTHER", NULL
};

static int in_list(const char *const *list, const char *s, size_t len)
{
    for (size_t i = 0; list[i]; i++)
        if (text_eq_ci(s, len, list[i]))
            return 1;
    return 0;
}

static int chk_status(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    int ok;
    buf_t b;
    (void)flags;
    switch (cls) {
    case SC_INETNUM:
        ok = in_list(inetnum_status, s, len);
        break;
    case SC_INET6NUM:
        ok = in_list(inet6num_status, s, len);
        break;
    case SC_AUT_NUM:
        ok = in_list(autnum_status, s, len);
        break;
    default:
        ok = in_list(inetnum_status, s, len) || in_list(inet6num_status, s, len) ||
             in_list(autnum_status, s, len);
        break;
    }
    if (!ok)
        return 0;
    buf_init(&b);
    for (size_t i = 0; i < len; i++)
        buf_putc(&b, text_upper((unsigned char)s[i]));
    set_norm(res, s, len, b.s, 1);
    buf_free(&b);
    return 1;
}

/* Split "NAME^op" into the name and a valid range operator. */
static size_t strip_range_op(const char *s, size_t len, int *bad)
{
    const char *caret = memchr(s, '^', len);
    *bad = 0;
    if (caret == NULL)
        return len;
    if (!is_range_op(caret, len - (size_t)(caret - s)))
        *bad = 1;
    return (size_t)(caret - s);
}

static int members_item(const char *s, size_t len, int cls, int mp)
{
    int bad;
    size_t nl;
    uint8_t a[16];

    switch (cls) {
    case SC_AS_SET:
        return is_asn(s, len) || asn_set_name(s, len, ASN_SET_AS);
    case SC_ROUTE_SET:
        if (is_prefix_range(s, len, mp ? 0 : 4))
            return 1;
        nl = strip_range_op(s, len, &bad);
        return !bad && (is_asn(s, nl) || asn_set_name(s, nl, ASN_SET_AS | ASN_SET_RS));
    case SC_RTR_SET:
        if (ip_parse_v4(s, len, a) == 0 || (mp && ip_parse_v6(s, len, a) == 0))
            return 1;
        return asn_set_name(s, len, ASN_SET_RTRS) || text_is_hostname(s, len, 1);
    default:
        if (is_prefix_range(s, len, mp ? 0 : 4))
            return 1;
        if (ip_parse_v4(s, len, a) == 0 || (mp && ip_parse_v6(s, len, a) == 0))
            return 1;
        nl = strip_range_op(s, len, &bad);
        if (!bad && (is_asn(s, nl) || asn_set_name(s, nl, ASN_SET_AS | ASN_SET_RS)))
            return 1;
        return asn_set_name(s, len, ASN_SET_RTRS) || text_is_hostname(s, len, 1);
    }
}

static int chk_members(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    (void)flags;
    (void)res;
    return members_item(s, len, cls, 0);
}

static int chk_mp_members(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res)
{
    (void)flags;
    (void)res;
    return members_item(s, len, cls, 1);
}

static int chk_member_of(const char *s, size_t len, int cls, unsigned flags,
                         syntax_result_t *res)
{
    unsigned kinds;
    (void)flags;
    (void)res;
    switch (cls) {
    case SC_AUT_NUM:
        kinds = ASN_SET_AS;
        break;
    case SC_ROUTE:
    case SC_ROUTE6:
        kinds = ASN_SET_RS;
        break;
    case SC_INET_RTR:
        kinds = ASN_SET_RTRS;
        break;
    default:
        kinds = ASN_SET_AS | ASN_SET_RS | ASN_SET_RTRS;
        break;
    }
    return asn_set_name(s, len, kinds) != 0;
}

static int chk_mbrs_by_ref(const char *s, size_t len, int cls, unsigned flags,
                           syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    if (text_eq_ci(s, len, "ANY"))
        return 1;
    return len >= 2 && name_shape(s, len, 80) && !is_reserved_word(s, len);
}

/* <mntner> [ "{" prefix-range[, ...] "}" | ANY ] */
static int chk_mnt_routes(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res)
{
    size_t i = 0;
    int af = class_af(cls);
    (void)flags;
    (void)res;
    while (i < len && s[i] != ' ' && s[i] != '{')
        i++;
    if (i < 2 || !name_shape(s, i, 81) || is_reserved_word(s, i))
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    if (i == len)
        return 1;
    if (text_eq_ci(s + i, len - i, "ANY"))
        return 1;
    if (s[i] != '{' || s[len - 1] != '}')
        return 0;
    i++;
    len--;
    {
        int items = 0;
        while (i < len) {
            size_t start;
            while (i < len && (s[i] == ' ' || s[i] == ','))
                i++;
            if (i == len)
                break;
            start = i;
            while (i < len && s[i] != ' ' && s[i] != ',')
                i++;
            if (!is_prefix_range(s + start, i - start, af))
                return 0;
            items++;
        }
        return items > 0;
    }
}

/* changed: <email> [YYYYMMDD] */
static int chk_changed(const char *s, size_t len, int cls, unsigned flags,
                       syntax_result_t *res)
{
    const char *sp = memchr(s, ' ', len);
    (void)cls;
    (void)flags;
    (void)res;
    if (len > 89)
        return 0;
    if (sp == NULL)
        return is_addr_spec(s, len);
    {
        const char *d = sp + 1;
        size_t dl = len - (size_t)(sp - s) - 1;
        unsigned long y, m, day;
        if (!is_addr_spec(s, (size_t)(sp - s)) || !all_digits(d, dl, 8) || dl != 8)
            return 0;
        y = to_ulong(d, 4);
        m = to_ulong(d + 4, 2);
        day = to_ulong(d + 6, 2);
        return y >= 1984 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
    }
}

static int chk_number(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    (void)flags;
    (void)res;
    if (!all_digits(s, len, 3) || (len > 1 && s[0] == '0'))
        return 0;
    return to_ulong(s, len) <= (cls == SC_INETNUM ? 32UL : 128UL);
}

/* free text (also certif: lines and generated values, which may be
 * empty): anything but control characters (tab allowed). */
static int chk_free_form(const char *s, size_t len, int cls, unsigned flags,
                         syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

static int chk_method(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    (void)cls;
    (void)flags;
    (void)res;
    return text_eq_ci(s, len, "PGP") || text_eq_ci(s, len, "X509");
}

/* ---- RPSL policy attributes ---- */

static int policy(enum policy_kind kind, const char *s, size_t len, unsigned pflags)
{
    return policy_check(kind, pflags, s, len, NULL) == 0;
}

#define POLICY_CHECKER(fn, kind, v6)                                        \
    static int fn(const char *s, size_t len, int cls, unsigned flags,       \
                  syntax_result_t *res)                                     \
    {                                                                       \
        (void)flags;                                                        \
        (void)res;                                                          \
        (void)cls;                                                          \
        return policy((kind), s, len, (v6) ? POLICY_V6 : 0);                \
    }

POLICY_CHECKER(chk_import, POL_IMPORT, 0)
POLICY_CHECKER(chk_export, POL_EXPORT, 0)
POLICY_CHECKER(chk_default, POL_DEFAULT, 0)
POLICY_CHECKER(chk_mp_import, POL_MP_IMPORT, 1)
POLICY_CHECKER(chk_mp_export, POL_MP_EXPORT, 1)
POLICY_CHECKER(chk_mp_default, POL_MP_DEFAULT, 1)
POLICY_CHECKER(chk_import_via, POL_IMPORT_VIA, 1)
POLICY_CHECKER(chk_export_via, POL_EXPORT_VIA, 1)
POLICY_CHECKER(chk_filter, POL_FILTER, 0)
POLICY_CHECKER(chk_mp_filter, POL_MP_FILTER, 1)
POLICY_CHECKER(chk_peering, POL_PEERING, 0)
POLICY_CHECKER(chk_mp_peering, POL_MP_PEERING, 1)
POLICY_CHECKER(chk_peer, POL_PEER, 0)
POLICY_CHECKER(chk_mp_peer, POL_MP_PEER, 1)
POLICY_CHECKER(chk_ifaddr, POL_IFADDR, 0)
POLICY_CHECKER(chk_interface, POL_INTERFACE, 1)
POLICY_CHECKER(chk_aggr_bndry, POL_AGGR_BNDRY, 0)
POLICY_CHECKER(chk_aggr_mtd, POL_AGGR_MTD, 0)

/* inject/components/export-comps: IPv6 allowed except in route objects. */
static int chk_route_policy(enum policy_kind kind, const char *s, size_t len, int cls)
{
    return policy(kind, s, len, cls == SC_ROUTE ? 0 : POLICY_V6);
}

static int chk_inject(const char *s, size_t len, int cls, unsigned flags,
                      syntax_result_t *res)
{
    (void)flags;
    (void)res;
    return chk_route_policy(POL_INJECT, s, len, cls);
}

static int chk_components(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res)
{
    (void)flags;
    (void)res;
    return chk_route_policy(POL_COMPONENTS, s, len, cls);
}

static int chk_export_comps(const char *s, size_t len, int cls, unsigned flags,
                            syntax_result_t *res)
{
    (void)flags;
    (void)res;
    return chk_route_policy(POL_EXPORT_COMPS, s, len, cls);
}

/* ---- the table and the entry points ---- */

typedef int (*checker_fn)(const char *s, size_t len, int cls, unsigned flags,
                          syntax_result_t *res);

enum list_mode { LM_NONE, LM_ALWAYS, LM_FLAG };

static const struct syntax_def {
    int id;
    const char *name;
    checker_fn fn;
    enum list_mode list;
} defs[SYN__COUNT] = {
    { SYN_AGGR_BNDRY, "aggr_bndry", chk_aggr_bndry, LM_NONE },
    { SYN_AGGR_MTD, "aggr_mtd", chk_aggr_mtd, LM_NONE },
    { SYN_ALIAS, "alias", chk_alias, LM_NONE },
    { SYN_AS_BLOCK, "as_block", chk_as_block, LM_NONE },
    { SYN_AS_NUMBER, "as_number", chk_as_number, LM_NONE },
    { SYN_AS_SET, "as_set", chk_as_set, LM_NONE },
    { SYN_AUTH_SCHEME, "auth_scheme", chk_auth, LM_NONE },
    { SYN_CERTIF, "certif", chk_free_form, LM_NONE },
    { SYN_CHANGED, "changed", chk_changed, LM_NONE },
    { SYN_COMPONENTS, "components", chk_components, LM_NONE },
    { SYN_CONTACT, "contact", chk_contact, LM_NONE },
    { SYN_COUNTRY_CODE, "country_code", chk_country, LM_NONE },
    { SYN_DEFAULT, "default", chk_default, LM_NONE },
    { SYN_DOMAIN, "domain", chk_domain, LM_NONE },
    { SYN_DS_RDATA, "ds_rdata", chk_ds_rdata, LM_NONE },
    { SYN_EMAIL, "email", chk_email, LM_NONE },
    { SYN_EXPORT, "export", chk_export, LM_NONE },
    { SYN_EXPORT_COMPS, "export_comps", chk_export_comps, LM_NONE },
    { SYN_EXPORT_VIA, "export_via", chk_export_via, LM_NONE },
    { SYN_FILTER, "filter", chk_filter, LM_NONE },
    { SYN_FILTER_SET, "filter_set", chk_filter_set, LM_NONE },
    { SYN_FREE_FORM, "free_form", chk_free_form, LM_NONE },
    { SYN_GENERATED, "generated", chk_free_form, LM_NONE },
    { SYN_GEOFEED, "geofeed", chk_https_url, LM_NONE },
    { SYN_GEOLOC, "geoloc", chk_geoloc, LM_NONE },
    { SYN_HOLES, "holes", chk_holes, LM_ALWAYS },
    { SYN_IFADDR, "ifaddr", chk_ifaddr, LM_NONE },
    { SYN_IMPORT, "import", chk_import, LM_NONE },
    { SYN_IMPORT_VIA, "import_via", chk_import_via, LM_NONE },
    { SYN_INET_RTR, "inet_rtr", chk_inet_rtr, LM_NONE },
    { SYN_INJECT, "inject", chk_inject, LM_NONE },
    { SYN_INTERFACE, "interface", chk_interface, LM_NONE },
    { SYN_IPV4, "ipv4", chk_ipv4, LM_NONE },
    { SYN_IPV6, "ipv6", chk_ipv6, LM_NONE },
    { SYN_IRT, "irt", chk_irt, LM_FLAG },
    { SYN_KEY_CERT, "key_cert", chk_key_cert, LM_NONE },
    { SYN_LANGUAGE_CODE, "language_code", chk_language, LM_NONE },
    { SYN_MBRS_BY_REF, "mbrs_by_ref", chk_mbrs_by_ref, LM_ALWAYS },
    { SYN_MEMBER_OF, "member_of", chk_member_of, LM_ALWAYS },
    { SYN_MEMBERS, "members", chk_members, LM_ALWAYS },
    { SYN_METHOD, "method", chk_method, LM_NONE },
    { SYN_MNT_ROUTES, "mnt_routes", chk_mnt_routes, LM_NONE },
    { SYN_MP_DEFAULT, "mp_default", chk_mp_default, LM_NONE },
    { SYN_MP_EXPORT, "mp_export", chk_mp_export, LM_NONE },
    { SYN_MP_FILTER, "mp_filter", chk_mp_filter, LM_NONE },
    { SYN_MP_IMPORT, "mp_import", chk_mp_import, LM_NONE },
    { SYN_MP_MEMBERS, "mp_members", chk_mp_members, LM_ALWAYS },
    { SYN_MP_PEER, "mp_peer", chk_mp_peer, LM_NONE },
    { SYN_MP_PEERING, "mp_peering", chk_mp_peering, LM_NONE },
    { SYN_NETNAME, "netname", chk_netname, LM_NONE },
    { SYN_NIC_HANDLE, "nic_handle", chk_nic_handle, LM_NONE },
    { SYN_NSERVER, "nserver", chk_nserver, LM_NONE },
    { SYN_NUMBER, "number", chk_number, LM_NONE },
    { SYN_OBJECT_NAME, "object_name", chk_object_name, LM_FLAG },
    { SYN_ORG_NAME, "org_name", chk_org_name, LM_NONE },
    { SYN_ORG_TYPE, "org_type", chk_org_type, LM_NONE },
    { SYN_ORGANISATION, "organisation", chk_organisation, LM_NONE },
    { SYN_PEER, "peer", chk_peer, LM_NONE },
    { SYN_PEERING, "peering", chk_peering, LM_NONE },
    { SYN_PEERING_SET, "peering_set", chk_peering_set, LM_NONE },
    { SYN_PERSON_ROLE_NAME, "person_role_name", chk_person_name, LM_NONE },
    { SYN_PHONE, "phone", chk_phone, LM_NONE },
    { SYN_PINGABLE, "pingable", chk_pingable, LM_NONE },
    { SYN_POEM, "poem", chk_poem, LM_NONE },
    { SYN_POETIC_FORM, "poetic_form", chk_poetic_form, LM_FLAG },
    { SYN_PREFIXLEN, "prefixlen", chk_https_url, LM_NONE },
    { SYN_ROUTE, "route", chk_route, LM_NONE },
    { SYN_ROUTE6, "route6", chk_route6, LM_NONE },
    { SYN_ROUTE_SET, "route_set", chk_route_set, LM_NONE },
    { SYN_RTR_SET, "rtr_set", chk_rtr_set, LM_NONE },
    { SYN_SOURCE, "source", chk_source, LM_NONE },
    { SYN_STATUS, "status", chk_status, LM_NONE },
};

const char *syntax_name(int syn)
{
    if (syn < 0 || syn >= SYN__COUNT)
        return NULL;
    return defs[syn].name;
}

void syntax_result_free(syntax_result_t *res)
{
    if (res == NULL)
        return;
    free(res->error);
    free(res->normalised);
    free(res->info);
    memset(res, 0, sizeof *res);
}

/* Check every comma-separated item; empty items are errors. */
static int check_list(const struct syntax_def *d, int cls, const char *v,
                      size_t len, unsigned flags, syntax_result_t *res)
{
    size_t i = 0;
    for (;;) {
        size_t start = i, il;
        const char *item;
        while (i < len && v[i] != ',')
            i++;
        item = v + start;
        il = i - start;
        text_trim(&item, &il);
        if (il == 0) {
            set_error(res, "Syntax error in %.*s", (int)len, v);
            return 0;
        }
        if (!d->fn(item, il, cls, flags, res)) {
            set_error(res, "Syntax error in %.*s", (int)il, item);
            return 0;
        }
        /* a list item's normalisation is not reported */
        free(res->normalised);
        free(res->info);
        res->normalised = res->info = NULL;
        if (i == len)
            return 1;
        i++;
    }
}

int syntax_check(int syn, int cls, const char *value, unsigned flags,
                 syntax_result_t *res)
{
    const struct syntax_def *d;
    const char *v = value ? value : "";
    size_t len = strlen(v);
    int ok;

    memset(res, 0, sizeof *res);
    if (syn < 0 || syn >= SYN__COUNT) {
        res->error = str_printf("Unknown syntax %d", syn);
        return 0;
    }
    d = &defs[syn];
    if (d->id != syn)           /* the table is in enum order; be safe */
        for (d = defs; d->id != syn; d++)
            ;
    text_trim(&v, &len);
    if (syn == SYN_FREE_FORM || syn == SYN_CERTIF || syn == SYN_GENERATED)
        ok = d->fn(v, len, cls, flags, res);    /* empty allowed */
    else if (len == 0)
        ok = 0;
    else if (d->list == LM_ALWAYS || (d->list == LM_FLAG && (flags & SYNTAX_LIST)))
        ok = check_list(d, cls, v, len, flags, res);
    else
        ok = d->fn(v, len, cls, flags, res);
    if (!ok) {
        if (res->error == NULL)
            res->error = str_printf("Syntax error in %.*s", (int)len, v);
        free(res->normalised);
        free(res->info);
        res->normalised = res->info = NULL;
    } else {
        free(res->error);
        res->error = NULL;
    }
    res->ok = ok;
    return ok;
}
