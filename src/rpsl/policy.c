/*
 * policy.c - the RPSL policy language parser (see include/rpsl/policy.h).
 *
 * A pull tokenizer over the value feeds a recursive-descent parser with
 * one token of look-ahead.  Grammar (RFC 2622, RFC 4012), as parsed:
 *
 *   import    ::= [protocol P] [into P] [afi LIST] ie-expr
 *   ie-expr   ::= ie-term { (EXCEPT | REFINE) [afi LIST] ie-term }
 *   ie-term   ::= factor [;] | "{" factor ; { factor ; } "}"
 *   factor    ::= { [peering] (from|to) peering [action ACTIONS] }
 *                 (accept|announce) filter     (leading peering: -via)
 *   peering   ::= as-expr [router-expr] [at router-expr] | PRNG-set
 *   as-expr   ::= as-term { (AND|OR|EXCEPT) as-term }
 *   filter    ::= f-and { [OR] f-and }       (juxtaposition is OR)
 *   f-and     ::= f-not { AND f-not }
 *   f-not     ::= NOT f-not | "(" filter ")" | "{" prefixes "}" [^op]
 *                 | "<" as-path-regex ">" | ANY | PeerAS | ASn [^op]
 *                 | set-name [^op] | rp-attr "(" args ")" | rp-attr OP value
 *   ACTIONS   ::= rp-stmt { [;] rp-stmt } [;]
 *   rp-stmt   ::= rp-attr "(" args ")" | rp-attr OP value
 *
 * Keywords are case-insensitive.  Recursion depth is capped.
 */
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "rpsl/policy.h"
#include "rpsl/asn.h"
#include "util/text.h"

#define MAX_DEPTH 64

enum tok {
    T_END, T_WORD, T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_SEMI,
    T_COMMA, T_OP, T_RANGEOP, T_LT, T_GT, T_ERR
};

typedef struct parser {
    const char *s;      /* the value */
    size_t len;
    size_t pos;         /* next unread byte */
    enum tok t;         /* current token */
    const char *ts;     /* its text */
    size_t tl;          /* its length */
    int v6;             /* IPv6 allowed */
    int depth;          /* recursion depth */
    int failed;
    buf_t *why;
} parser_t;

/* ---- character classes and small checks ---- */

static int is_wordc(int c)
{
    return text_is_alnum(c) || c == '_' || c == ':' || c == '.' || c == '-' ||
           c == '/' || c == '*';
}

/* A decimal number without sign; *v receives it (capped). */
static int parse_num(const char *s, size_t len, unsigned long *v)
{
    unsigned long n = 0;
    if (len == 0 || len > 10)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!text_is_digit((unsigned char)s[i]))
            return -1;
        n = n * 10 + (unsigned long)(s[i] - '0');
    }
    *v = n;
    return 0;
}

/* A DNS host name with at least one dot and an optional trailing dot;
 * '_' allowed in labels. */
static int is_dns_name(const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '.')
        len--;
    return memchr(s, '.', len) != NULL && text_is_hostname(s, len, 1);
}

static int is_asn(const char *s, size_t len)
{
    uint32_t asn;
    return asn_parse(s, len, &asn) == 0;
}

/* ---- the tokenizer ---- */

static void fail(parser_t *p, const char *what)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (p->why) {
        buf_puts(p->why, what);
        if (p->t == T_END)
            buf_puts(p->why, " at end of value");
        else
            buf_printf(p->why, " at \"%.*s\"", (int)(p->tl > 40 ? 40 : p->tl), p->ts);
    }
}

static void next(parser_t *p)
{
    const char *s = p->s;
    size_t len = p->len, i;

    while (p->pos < len && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
                            s[p->pos] == '\n' || s[p->pos] == '\r'))
        p->pos++;
    i = p->pos;
    p->ts = s + i;
    p->tl = 1;
    if (i >= len) {
        p->t = T_END;
        p->tl = 0;
        return;
    }
    int c = (unsigned char)s[i];
    int c1 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
    int c2 = i + 2 < len ? (unsigned char)s[i + 2] : 0;
    switch (c) {
    case '(': p->t = T_LPAREN; break;
    case ')': p->t = T_RPAREN; break;
    case '{': p->t = T_LBRACE; break;
    case '}': p->t = T_RBRACE; break;
    case ';': p->t = T_SEMI; break;
    case ',': p->t = T_COMMA; break;
    case '^': {
        size_t j = i + 1;
        if (c1 == '+' || c1 == '-') {
            j++;
        } else if (text_is_digit(c1)) {
            while (j < len && text_is_digit((unsigned char)s[j]))
                j++;
            if (j + 1 < len && s[j] == '-' && text_is_digit((unsigned char)s[j + 1])) {
                j++;
                while (j < len && text_is_digit((unsigned char)s[j]))
                    j++;
            }
        } else {
            p->t = T_ERR;
            break;
        }
        p->t = T_RANGEOP;
        p->tl = j - i;
        break;
    }
    case '<':
        if (c1 == '<' && c2 == '=') {
            p->t = T_OP;
            p->tl = 3;
        } else if (c1 == '=') {
            p->t = T_OP;
            p->tl = 2;
        } else {
            p->t = T_LT;
        }
        break;
    case '>':
        if (c1 == '>' && c2 == '=') {
            p->t = T_OP;
            p->tl = 3;
        } else if (c1 == '=') {
            p->t = T_OP;
            p->tl = 2;
        } else {
            p->t = T_GT;
        }
        break;
    case '=':
        p->t = T_OP;
        p->tl = c1 == '=' ? 2 : 1;
        break;
    case '!':
    case '+':
        if (c1 == '=') {
            p->t = T_OP;
            p->tl = 2;
        } else {
            p->t = T_ERR;
        }
        break;
    default:
        if ((c == '.' || c == '-' || c == '*' || c == '/') && c1 == '=') {
            p->t = T_OP;
            p->tl = 2;
            break;
        }
        if (!is_wordc(c)) {
            p->t = T_ERR;
            break;
        }
        {
            size_t j = i;
            while (j < len && is_wordc((unsigned char)s[j])) {
                int d = (unsigned char)s[j];
                if ((d == '.' || d == '-' || d == '*' || d == '/') && j > i &&
                    j + 1 < len && s[j + 1] == '=')
                    break;
                j++;
            }
            p->t = T_WORD;
            p->tl = j - i;
        }
        break;
    }
    p->pos = i + p->tl;
}

static int at_kw(const parser_t *p, const char *kw)
{
    return p->t == T_WORD && text_eq_ci(p->ts, p->tl, kw);
}

static int accept_kw(parser_t *p, const char *kw)
{
    if (!at_kw(p, kw))
        return 0;
    next(p);
    return 1;
}

static int expect(parser_t *p, enum tok t, const char *what)
{
    if (p->t != t) {
        fail(p, what);
        return -1;
    }
    next(p);
    return 0;
}

/* Words that end an expression and can never be a name here. */
static const char *const stop_words[] = {
    "from", "to", "action", "accept", "announce", "except", "refine",
    "and", "or", "not", "at", "afi", "protocol", "into", "networks",
    "upon", "atomic", "tunnel", "masklen", NULL
};

static int at_stop_word(const parser_t *p)
{
    if (p->t != T_WORD)
        return 0;
    for (size_t i = 0; stop_words[i]; i++)
        if (text_eq_ci(p->ts, p->tl, stop_words[i]))
            return 1;
    return 0;
}

static int enter(parser_t *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail(p, "nesting too deep");
        return -1;
    }
    return 0;
}

static void leave_(parser_t *p)
{
    p->depth--;
}

/* ---- addresses, prefixes, range operators ---- */

static int is_address(const parser_t *p, const char *s, size_t len)
{
    uint8_t a[16];
    if (ip_parse_v4(s, len, a) == 0)
        return 4;
    if (p->v6 && ip_parse_v6(s, len, a) == 0)
        return 6;
    return 0;
}

/* Check a range operator token against a maximum prefix length and the
 * prefix length it applies to (-1 when it follows a name). */
static int check_rangeop(parser_t *p, int maxlen, int plen)
{
    const char *s = p->ts + 1;
    size_t len = p->tl - 1;
    unsigned long n, m;
    const char *dash;

    if (len == 1 && (s[0] == '+' || s[0] == '-'))
        return 0;
    dash = memchr(s, '-', len);
    if (dash == NULL) {
        if (parse_num(s, len, &n) != 0)
            return -1;
        m = n;
    } else if (parse_num(s, (size_t)(dash - s), &n) != 0 ||
               parse_num(dash + 1, len - (size_t)(dash - s) - 1, &m) != 0) {
        return -1;
    }
    if (n > m || m > (unsigned long)maxlen)
        return -1;
    if (plen >= 0 && n < (unsigned long)plen)
        return -1;
    return 0;
}

static int opt_rangeop(parser_t *p, int maxlen, int plen)
{
    if (p->t != T_RANGEOP)
        return 0;
    if (check_rangeop(p, maxlen, plen) != 0) {
        fail(p, "invalid range operator");
        return -1;
    }
    next(p);
    return 0;
}

/* One address prefix with an optional range operator. */
static int prefix_item(parser_t *p)
{
    ip_range_t r;
    int plen;
    if (p->t != T_WORD ||
        ip_parse_prefix(p->ts, p->tl, p->v6 ? 0 : 4, 0, &r, &plen) != 0) {
        fail(p, "expected an address prefix");
        return -1;
    }
    next(p);
    return opt_rangeop(p, r.af == 6 ? 128 : 32, plen);
}

/* "{" [prefix {, prefix}] "}" with the current token on "{". */
static int prefix_set(parser_t *p)
{
    next(p);
    if (p->t == T_RBRACE) {
        next(p);
        return 0;
    }
    for (;;) {
        if (prefix_item(p) != 0)
            return -1;
        if (p->t == T_COMMA) {
            next(p);
            continue;
        }
        return expect(p, T_RBRACE, "expected \"}\"");
    }
}

/* ---- AS and router expressions, peerings ---- */

static int as_expr(parser_t *p);

static int as_term(parser_t *p)
{
    if (p->t == T_LPAREN) {
        int rc;
        if (enter(p) != 0)
            return -1;
        next(p);
        rc = as_expr(p);
        if (rc == 0)
            rc = expect(p, T_RPAREN, "expected \")\"");
        leave_(p);
        return rc;
    }
    if (p->t == T_WORD && !at_stop_word(p) &&
        (is_asn(p->ts, p->tl) || text_eq_ci(p->ts, p->tl, "peeras") ||
         text_eq_ci(p->ts, p->tl, "as-any") ||
         asn_set_name(p->ts, p->tl, ASN_SET_AS | ASN_SET_PRNG))) {
        next(p);
        return 0;
    }
    fail(p, "expected an AS number or as-set name");
    return -1;
}

static int as_expr(parser_t *p)
{
    if (as_term(p) != 0)
        return -1;
    while (at_kw(p, "and") || at_kw(p, "or") || at_kw(p, "except")) {
        next(p);
        if (as_term(p) != 0)
            return -1;
    }
    return 0;
}

static int router_expr(parser_t *p);

static int router_term(parser_t *p)
{
    if (p->t == T_LPAREN) {
        int rc;
        if (enter(p) != 0)
            return -1;
        next(p);
        rc = router_expr(p);
        if (rc == 0)
            rc = expect(p, T_RPAREN, "expected \")\"");
        leave_(p);
        return rc;
    }
    if (p->t == T_WORD && !at_stop_word(p) &&
        (is_address(p, p->ts, p->tl) ||
         asn_set_name(p->ts, p->tl, ASN_SET_RTRS) ||
         is_dns_name(p->ts, p->tl))) {
        next(p);
        return 0;
    }
    fail(p, "expected a router address, inet-rtr or rtr-set name");
    return -1;
}

static int router_expr(parser_t *p)
{
    if (router_term(p) != 0)
        return -1;
    while (at_kw(p, "and") || at_kw(p, "or") || at_kw(p, "except")) {
        next(p);
        if (router_term(p) != 0)
            return -1;
    }
    return 0;
}

static int peering(parser_t *p)
{
    if (as_expr(p) != 0)
        return -1;
    if ((p->t == T_WORD && !at_stop_word(p)) || p->t == T_LPAREN)
        if (router_expr(p) != 0)
            return -1;
    if (accept_kw(p, "at"))
        if (router_expr(p) != 0)
            return -1;
    return 0;
}

/* ---- values and actions ---- */

static int value(parser_t *p);

/* "(" [value {, value}] ")" or the same with braces; current token on
 * the opening bracket. */
static int value_list(parser_t *p, enum tok close)
{
    int rc = 0;
    if (enter(p) != 0)
        return -1;
    next(p);
    if (p->t == close) {
        next(p);
        leave_(p);
        return 0;
    }
    for (;;) {
        if ((rc = value(p)) != 0)
            break;
        if (p->t == T_COMMA) {
            next(p);
            continue;
        }
        rc = expect(p, close, close == T_RPAREN ? "expected \")\"" : "expected \"}\"");
        break;
    }
    leave_(p);
    return rc;
}

static int value(parser_t *p)
{
    if (p->t == T_LBRACE)
        return value_list(p, T_RBRACE);
    if (p->t == T_LPAREN)
        return value_list(p, T_RPAREN);
    if (p->t == T_WORD) {
        next(p);
        /* e.g. "next-hop = self" or an address followed by a range op */
        if (p->t == T_RANGEOP)
            next(p);
        return 0;
    }
    fail(p, "expected a value");
    return -1;
}

/* An rp-attribute name: "pref", "community.append", "next-hop" ... */
static int is_rp_attr(const char *s, size_t len)
{
    if (len == 0 || !text_is_alpha((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (!text_is_alnum(c) && c != '-' && c != '_' && c != '.')
            return 0;
    }
    return s[len - 1] != '.';
}

static int rp_stmt(parser_t *p)
{
    if (p->t != T_WORD || at_stop_word(p) || !is_rp_attr(p->ts, p->tl)) {
        fail(p, "expected an action");
        return -1;
    }
    next(p);
    if (p->t == T_LPAREN)
        return value_list(p, T_RPAREN);
    if (p->t == T_OP) {
        next(p);
        return value(p);
    }
    fail(p, "expected an operator or \"(\"");
    return -1;
}

static int actions(parser_t *p)
{
    if (rp_stmt(p) != 0)
        return -1;
    for (;;) {
        if (p->t == T_SEMI)
            next(p);
        if (p->t != T_WORD || at_stop_word(p))
            return 0;
        if (rp_stmt(p) != 0)
            return -1;
    }
}

/* ---- filters ---- */

static int filter(parser_t *p);

static int can_start_prim(const parser_t *p)
{
    if (p->t == T_LPAREN || p->t == T_LBRACE || p->t == T_LT)
        return 1;
    if (p->t != T_WORD)
        return 0;
    return at_kw(p, "not") || !at_stop_word(p);
}

/* An AS path regular expression; the current token is "<". */
static int aspath_regex(parser_t *p)
{
    const char *s = p->s;
    size_t i = p->pos, n = 0;

    while (i < p->len && s[i] != '>') {
        int c = (unsigned char)s[i];
        if (text_is_alnum(c) || c == '_' || c == '-' || c == ':') {
            size_t start = i;
            while (i < p->len && (text_is_alnum((unsigned char)s[i]) || s[i] == '_' ||
                                  s[i] == '-' || s[i] == ':'))
                i++;
            /* ASn, as-set, PeerAS, AS-ANY, repetition counts and ASn-ASm
             * ranges inside [...] */
            if (!text_is_digit((unsigned char)s[start]) &&
                !(i - start >= 2 && text_lower((unsigned char)s[start]) == 'a' &&
                  text_lower((unsigned char)s[start + 1]) == 's') &&
                !text_eq_ci(s + start, i - start, "peeras")) {
                p->pos = start;
                next(p);
                fail(p, "invalid AS path regular expression");
                return -1;
            }
            n++;
            continue;
        }
        if (!strchr(" \t^$.*+?[]{}()|,~", c)) {
            p->pos = i;
            next(p);
            fail(p, "invalid character in AS path regular expression");
            return -1;
        }
        if (c == '.')
            n++;
        i++;
    }
    if (i >= p->len || n == 0) {
        p->pos = i;
        next(p);
        fail(p, "unterminated or empty AS path regular expression");
        return -1;
    }
    p->pos = i + 1;
    next(p);
    return 0;
}

static int filter_prim(parser_t *p)
{
    int rc;

    if (p->t == T_LPAREN) {
        if (enter(p) != 0)
            return -1;
        next(p);
        rc = filter(p);
        if (rc == 0)
            rc = expect(p, T_RPAREN, "expected \")\"");
        leave_(p);
        return rc;
    }
    if (p->t == T_LBRACE) {
        if (prefix_set(p) != 0)
            return -1;
        return opt_rangeop(p, p->v6 ? 128 : 32, -1);
    }
    if (p->t == T_LT)
        return aspath_regex(p);
    if (p->t != T_WORD || at_stop_word(p)) {
        fail(p, "expected a filter");
        return -1;
    }
    if (text_eq_ci(p->ts, p->tl, "any")) {
        next(p);
        return 0;
    }
    if (text_eq_ci(p->ts, p->tl, "peeras") || is_asn(p->ts, p->tl) ||
        asn_set_name(p->ts, p->tl, ASN_SET_AS | ASN_SET_RS | ASN_SET_FLTR)) {
        next(p);
        return opt_rangeop(p, 128, -1);
    }
    {
        unsigned long n;
        /* Lenient: a bare number (registries carry "accept 201"). */
        if (parse_num(p->ts, p->tl, &n) == 0) {
            next(p);
            return 0;
        }
    }
    if (is_rp_attr(p->ts, p->tl)) {
        next(p);
        if (p->t == T_LPAREN)
            return value_list(p, T_RPAREN);
        if (p->t == T_OP) {
            next(p);
            return value(p);
        }
    }
    fail(p, "expected a filter term");
    return -1;
}

static int filter_not(parser_t *p)
{
    int rc;
    if (!at_kw(p, "not"))
        return filter_prim(p);
    if (enter(p) != 0)
        return -1;
    next(p);
    rc = filter_not(p);
    leave_(p);
    return rc;
}

static int filter_and(parser_t *p)
{
    if (filter_not(p) != 0)
        return -1;
    while (at_kw(p, "and")) {
        next(p);
        if (filter_not(p) != 0)
            return -1;
    }
    return 0;
}

static int filter(parser_t *p)
{
    if (filter_and(p) != 0)
        return -1;
    for (;;) {
        if (accept_kw(p, "or")) {
            if (filter_and(p) != 0)
                return -1;
        } else if (can_start_prim(p)) {
            if (filter_and(p) != 0)
                return -1;
        } else {
            return 0;
        }
    }
}

/* ---- import / export ---- */

static const char *const afis[] = {
    "ipv4", "ipv6", "ipv4.unicast", "ipv4.multicast", "ipv6.unicast",
    "ipv6.multicast", "any", "any.unicast", "any.multicast", NULL
};

static int afi_list(parser_t *p)
{
    for (;;) {
        size_t i;
        for (i = 0; afis[i]; i++)
            if (at_kw(p, afis[i]))
                break;
        if (afis[i] == NULL) {
            fail(p, "expected an address family");
            return -1;
        }
        next(p);
        if (p->t != T_COMMA)
            return 0;
        next(p);
    }
}

static const char *const protocols[] = {
    "bgp4", "bgp", "mpbgp", "ospf", "rip", "ripng", "igrp", "is-is", "isis",
    "static", "dvmrp", "pim-dm", "pim-sm", "cbt", "mospf", NULL
};

static int protocol_name(parser_t *p)
{
    for (size_t i = 0; protocols[i]; i++)
        if (at_kw(p, protocols[i])) {
            next(p);
            return 0;
        }
    fail(p, "expected a protocol name");
    return -1;
}

typedef struct ie_ctx {
    const char *dir;    /* "from" or "to" */
    const char *verb;   /* "accept" or "announce" */
    int via;            /* -via: each clause starts with a peering */
} ie_ctx_t;

static int ie_factor(parser_t *p, const ie_ctx_t *c)
{
    do {
        if (c->via && peering(p) != 0)
            return -1;
        if (!accept_kw(p, c->dir)) {
            fail(p, c->dir[0] == 'f' ? "expected \"from\"" : "expected \"to\"");
            return -1;
        }
        if (peering(p) != 0)
            return -1;
        if (accept_kw(p, "action") && actions(p) != 0)
            return -1;
    } while (c->via ? !at_kw(p, c->verb) : at_kw(p, c->dir));
    if (!accept_kw(p, c->verb)) {
        fail(p, c->verb[1] == 'c' ? "expected \"accept\"" : "expected \"announce\"");
        return -1;
    }
    return filter(p);
}

static int ie_term(parser_t *p, const ie_ctx_t *c)
{
    if (p->t != T_LBRACE) {
        /* Lenient: "f1; f2" without the braces RFC 2622 asks for. */
        for (;;) {
            if (ie_factor(p, c) != 0)
                return -1;
            if (p->t != T_SEMI)
                return 0;
            next(p);
            if (!at_kw(p, c->dir) && !(c->via && p->t == T_WORD && !at_stop_word(p)))
                return 0;
        }
    }
    next(p);
    for (;;) {
        if (ie_factor(p, c) != 0)
            return -1;
        if (p->t == T_SEMI)
            next(p);
        else if (p->t != T_RBRACE) {
            fail(p, "expected \";\" or \"}\"");
            return -1;
        }
        if (p->t == T_RBRACE) {
            next(p);
            return 0;
        }
    }
}

static int ie_expr(parser_t *p, const ie_ctx_t *c)
{
    if (ie_term(p, c) != 0)
        return -1;
    while (at_kw(p, "except") || at_kw(p, "refine")) {
        next(p);
        if (p->v6 && accept_kw(p, "afi") && afi_list(p) != 0)
            return -1;
        if (ie_term(p, c) != 0)
            return -1;
    }
    return 0;
}

static int import_export(parser_t *p, int import, int via)
{
    ie_ctx_t c;
    c.dir = import ? "from" : "to";
    c.verb = import ? "accept" : "announce";
    c.via = via;
    if (accept_kw(p, "protocol") && protocol_name(p) != 0)
        return -1;
    if (accept_kw(p, "into") && protocol_name(p) != 0)
        return -1;
    if (p->v6 && accept_kw(p, "afi") && afi_list(p) != 0)
        return -1;
    return ie_expr(p, &c);
}

static int default_attr(parser_t *p)
{
    if (p->v6 && accept_kw(p, "afi") && afi_list(p) != 0)
        return -1;
    if (!accept_kw(p, "to")) {
        fail(p, "expected \"to\"");
        return -1;
    }
    if (peering(p) != 0)
        return -1;
    if (accept_kw(p, "action") && actions(p) != 0)
        return -1;
    if (accept_kw(p, "networks") && filter(p) != 0)
        return -1;
    return 0;
}

/* ---- inet-rtr attributes ---- */

static int peer_attr(parser_t *p)
{
    if (protocol_name(p) != 0)
        return -1;
    if (p->t != T_WORD ||
        !(is_address(p, p->ts, p->tl) || is_dns_name(p->ts, p->tl) ||
          asn_set_name(p->ts, p->tl, ASN_SET_RTRS | ASN_SET_PRNG))) {
        fail(p, "expected a peer address or name");
        return -1;
    }
    next(p);
    if (p->t == T_END)
        return 0;
    for (;;) {
        if (p->t != T_WORD || !is_rp_attr(p->ts, p->tl)) {
            fail(p, "expected a peer option");
            return -1;
        }
        next(p);
        if (p->t == T_LPAREN && value_list(p, T_RPAREN) != 0)
            return -1;
        if (p->t != T_COMMA)
            return 0;
        next(p);
    }
}

static int masklen(parser_t *p, int af)
{
    unsigned long n;
    if (!accept_kw(p, "masklen")) {
        fail(p, "expected \"masklen\"");
        return -1;
    }
    if (p->t != T_WORD || parse_num(p->ts, p->tl, &n) != 0 ||
        n > (af == 6 ? 128UL : 32UL)) {
        fail(p, "expected a mask length");
        return -1;
    }
    next(p);
    return 0;
}

static int ifaddr_attr(parser_t *p, int interface)
{
    int af;
    if (p->t != T_WORD || (af = is_address(p, p->ts, p->tl)) == 0) {
        fail(p, "expected an interface address");
        return -1;
    }
    next(p);
    if (masklen(p, af) != 0)
        return -1;
    if (accept_kw(p, "action") && actions(p) != 0)
        return -1;
    if (interface && accept_kw(p, "tunnel")) {
        if (p->t != T_WORD || !is_address(p, p->ts, p->tl)) {
            fail(p, "expected a tunnel end point");
            return -1;
        }
        next(p);
        if (expect(p, T_COMMA, "expected \",\"") != 0)
            return -1;
        if (!at_kw(p, "gre") && !at_kw(p, "ipinip")) {
            fail(p, "expected GRE or IPinIP");
            return -1;
        }
        next(p);
    }
    return 0;
}

/* ---- route attributes ---- */

static int condition(parser_t *p);

static int cond_term(parser_t *p)
{
    int rc;
    if (at_kw(p, "not")) {
        if (enter(p) != 0)
            return -1;
        next(p);
        rc = cond_term(p);
        leave_(p);
        return rc;
    }
    if (p->t == T_LPAREN) {
        if (enter(p) != 0)
            return -1;
        next(p);
        rc = condition(p);
        if (rc == 0)
            rc = expect(p, T_RPAREN, "expected \")\"");
        leave_(p);
        return rc;
    }
    if (accept_kw(p, "static"))
        return 0;
    if (at_kw(p, "have-components") || at_kw(p, "exclude")) {
        next(p);
        if (p->t == T_LBRACE)
            return prefix_set(p);
        if (p->t == T_LPAREN) {
            next(p);
            if (p->t == T_LBRACE) {
                if (prefix_set(p) != 0)
                    return -1;
            } else {
                for (;;) {
                    if (prefix_item(p) != 0)
                        return -1;
                    if (p->t != T_COMMA)
                        break;
                    next(p);
                }
            }
            return expect(p, T_RPAREN, "expected \")\"");
        }
        fail(p, "expected a prefix list");
        return -1;
    }
    fail(p, "expected a condition");
    return -1;
}

static int condition(parser_t *p)
{
    if (cond_term(p) != 0)
        return -1;
    while (at_kw(p, "and") || at_kw(p, "or")) {
        next(p);
        if (cond_term(p) != 0)
            return -1;
    }
    return 0;
}

static int inject_attr(parser_t *p)
{
    int any = 0;
    if (accept_kw(p, "at")) {
        if (router_expr(p) != 0)
            return -1;
        any = 1;
    }
    if (accept_kw(p, "action")) {
        if (actions(p) != 0)
            return -1;
        any = 1;
    }
    if (accept_kw(p, "upon")) {
        if (condition(p) != 0)
            return -1;
        any = 1;
    }
    if (!any) {
        fail(p, "expected \"at\", \"action\" or \"upon\"");
        return -1;
    }
    return 0;
}

static int components_attr(parser_t *p)
{
    accept_kw(p, "atomic");
    if (can_start_prim(p) && !at_kw(p, "protocol") && filter(p) != 0)
        return -1;
    while (accept_kw(p, "protocol")) {
        if (protocol_name(p) != 0 || filter(p) != 0)
            return -1;
    }
    return 0;
}

static int aggr_mtd_attr(parser_t *p)
{
    if (accept_kw(p, "inbound"))
        return 0;
    if (!accept_kw(p, "outbound")) {
        fail(p, "expected \"inbound\" or \"outbound\"");
        return -1;
    }
    if (p->t != T_END)
        return as_expr(p);
    return 0;
}

int policy_check(enum policy_kind kind, unsigned flags, const char *s,
                 size_t len, buf_t *why)
{
    parser_t p;
    int rc;

    memset(&p, 0, sizeof p);
    p.s = s;
    p.len = len;
    p.why = why;
    p.v6 = (flags & POLICY_V6) != 0;
    switch (kind) {
    case POL_MP_IMPORT: case POL_MP_EXPORT: case POL_MP_DEFAULT:
    case POL_IMPORT_VIA: case POL_EXPORT_VIA: case POL_MP_FILTER:
    case POL_MP_PEERING: case POL_MP_PEER:
        p.v6 = 1;
        break;
    default:
        break;
    }
    next(&p);
    if (p.t == T_END) {
        fail(&p, "empty value");
        return -1;
    }
    switch (kind) {
    case POL_IMPORT: case POL_MP_IMPORT:
        rc = import_export(&p, 1, 0);
        break;
    case POL_EXPORT: case POL_MP_EXPORT:
        rc = import_export(&p, 0, 0);
        break;
    case POL_IMPORT_VIA:
        rc = import_export(&p, 1, 1);
        break;
    case POL_EXPORT_VIA:
        rc = import_export(&p, 0, 1);
        break;
    case POL_DEFAULT: case POL_MP_DEFAULT:
        rc = default_attr(&p);
        break;
    case POL_FILTER: case POL_MP_FILTER: case POL_EXPORT_COMPS:
        rc = filter(&p);
        break;
    case POL_PEERING: case POL_MP_PEERING:
        rc = peering(&p);
        break;
    case POL_PEER: case POL_MP_PEER:
        rc = peer_attr(&p);
        break;
    case POL_IFADDR:
        rc = ifaddr_attr(&p, 0);
        break;
    case POL_INTERFACE:
        p.v6 = 1;
        rc = ifaddr_attr(&p, 1);
        break;
    case POL_INJECT:
        rc = inject_attr(&p);
        break;
    case POL_COMPONENTS:
        rc = components_attr(&p);
        break;
    case POL_AGGR_BNDRY:
        rc = as_expr(&p);
        break;
    case POL_AGGR_MTD:
        rc = aggr_mtd_attr(&p);
        break;
    default:
        fail(&p, "unknown policy kind");
        return -1;
    }
    if (rc == 0 && p.t != T_END) {
        fail(&p, "unexpected text");
        return -1;
    }
    if (rc != 0 || p.failed)
        return -1;
    return 0;
}
