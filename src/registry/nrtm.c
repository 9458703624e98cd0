/*
 * nrtm.c - NRTM requests and the stream's bytes (see nrtm.h).
 *
 * The parser works in two passes, as RIPE's server does: first the
 * tokens are read as jopt-simple reads them (options, their arguments,
 * the first unknown option or missing argument is an error at once),
 * then the options found are validated in RIPE's order.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/nrtm.h"

#define MAX_OPT 8   /* occurrences of one option kept (more: still "multiple") */

/* What the first pass found. */
struct opts {
    unsigned ng, nk, nq;        /* occurrences */
    const char *g, *q;          /* the first argument of each (in the copy) */
};

void nrtm_error(buf_t *out, const char *text)
{
    buf_printf(out, "%%ERROR:%s\n\n", text);
}

static int refuse(buf_t *reply, const char *text)
{
    nrtm_error(reply, text);
    return ERR_SYNTAX;
}

static int refusef(buf_t *reply, const char *fmt, const char *arg)
{
    buf_t t;
    buf_init(&t);
    buf_printf(&t, fmt, arg);
    nrtm_error(reply, t.s);
    buf_free(&t);
    return ERR_SYNTAX;
}

/* Record option @c with argument @arg (NULL for -k). */
static void record(struct opts *o, char c, const char *arg)
{
    if (c == 'g') {
        if (o->ng++ == 0)
            o->g = arg;
    } else if (c == 'q') {
        if (o->nq++ == 0)
            o->q = arg;
    } else {
        o->nk++;
    }
}

static int known(char c)
{
    return c == 'g' || c == 'k' || c == 'q';
}

/* The first pass over @tok[0..n): jopt-simple's reading.  0, or
 * ERR_SYNTAX with @reply filled. */
static int read_options(char **tok, size_t n, struct opts *o, buf_t *reply)
{
    char name[2] = { 0, 0 };

    for (size_t i = 0; i < n; i++) {
        char *t = tok[i];
        if (t[0] != '-' || t[1] == 0)
            continue;                       /* not an option: ignored */
        if (t[1] == '-') {
            if (t[2] == 0)
                return 0;                   /* "--": the end of options */
            char *nm = t + 2;
            char *eq = strchr(nm, '=');
            if (eq)
                *eq = 0;
            if (strlen(nm) != 1 || !known(nm[0]))
                return refusef(reply, "405: syntax error: '%s' is not a "
                               "recognized option", nm);
            name[0] = nm[0];
            if (nm[0] == 'k') {
                if (eq)
                    return refusef(reply, "405: syntax error: Option '%s' "
                                   "does not take an argument", name);
                record(o, 'k', NULL);
            } else if (eq) {
                record(o, nm[0], eq + 1);
            } else if (i + 1 < n) {
                record(o, nm[0], tok[++i]);
            } else {
                return refusef(reply, "405: syntax error: Option '%s' "
                               "requires an argument", name);
            }
            continue;
        }
        /* short options: "-k", "-g ARG", "-gARG", a cluster "-kgARG" */
        for (char *p = t + 1; *p; p++) {
            name[0] = *p;
            if (!known(*p))
                return refusef(reply, "405: syntax error: '%s' is not a "
                               "recognized option", name);
            if (*p == 'k') {
                record(o, 'k', NULL);
                continue;
            }
            if (p[1]) {
                record(o, *p, p + 1);
            } else if (i + 1 < n) {
                record(o, *p, tok[++i]);
            } else {
                return refusef(reply, "405: syntax error: Option '%s' "
                               "requires an argument", name);
            }
            break;
        }
    }
    return 0;
}

/* Java's Integer.parseInt, widened to int64: an optional sign, then
 * decimal digits.  0 with *v set, -1 otherwise. */
static int parse_num(const char *s, size_t len, int64_t *v)
{
    int neg = 0;
    uint64_t n = 0;
    size_t i = 0;

    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        /* checked before the step: n * 10 would wrap past 2^64 */
        uint64_t d = (uint64_t)(s[i] - '0');
        if (n > ((uint64_t)INT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *v = neg ? -(int64_t)n : (int64_t)n;
    return 0;
}

/* Java's String.trim(): every character up to ' ' off both ends. */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (unsigned char)**s <= ' ') {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && (unsigned char)(*s)[*len - 1] <= ' ')
        (*len)--;
}

/* -g SOURCE:VERSION:FIRST-LAST (checks 7 to 9). */
static int parse_mirror(const char *arg, nrtm_served_fn served, void *sarg,
                        nrtm_request_t *req, buf_t *reply)
{
    const char *c1 = strchr(arg, ':');
    char *src = xstrndup(arg, c1 ? (size_t)(c1 - arg) : strlen(arg));
    const char *spelt = served(src, sarg);
    if (spelt == NULL) {
        int rc = refusef(reply, "403: unknown source %s", src);
        free(src);
        return rc;
    }
    free(src);
    req->source = xstrdup(spelt);
    if (c1 == NULL)
        return refuse(reply, "405: syntax error");
    const char *v = c1 + 1;
    const char *c2 = strchr(v, ':');
    int64_t n;
    if (parse_num(v, c2 ? (size_t)(c2 - v) : strlen(v), &n) != 0 ||
        n < INT32_MIN || n > INT32_MAX)
        return refuse(reply, "405: syntax error");
    if (n < 1 || n > NRTM_VERSION)
        return refuse(reply, "406: NRTM version mismatch");
    req->version = (int)n;
    if (c2 == NULL)
        return refuse(reply, "405: syntax error");
    const char *r = c2 + 1;
    size_t rlen = strcspn(r, ":");
    const char *dash = memchr(r, '-', rlen);
    const char *a = r;
    size_t alen = dash ? (size_t)(dash - r) : rlen;
    trim(&a, &alen);
    if (parse_num(a, alen, &n) != 0)
        return refuse(reply, "405: syntax error");
    if (dash == NULL)
        return refuse(reply, "405: syntax error");
    /* first may be "+5" but never negative: "-" splits the range */
    req->first = (uint64_t)n;
    const char *b = dash + 1;
    const char *end = r + rlen;
    const char *dash2 = memchr(b, '-', (size_t)(end - b));
    size_t blen = dash2 ? (size_t)(dash2 - b) : (size_t)(end - b);
    trim(&b, &blen);
    if (blen == 4 && strncasecmp(b, "LAST", 4) == 0) {
        req->to_newest = 1;
        return 0;
    }
    if (parse_num(b, blen, &n) != 0 || (uint64_t)n < req->first)
        return refuse(reply, "405: syntax error");
    req->last = (uint64_t)n;
    return 0;
}

int nrtm_request_parse(const char *line, size_t len, size_t max,
                       nrtm_served_fn served, void *sarg,
                       nrtm_request_t *req, buf_t *reply)
{
    struct opts o = { 0, 0, 0, NULL, NULL };
    char *copy = NULL, **tok = NULL;
    size_t ntok = 0;
    int rc = 0;

    memset(req, 0, sizeof *req);
    if (len > max) {
        buf_t t;
        buf_init(&t);
        buf_printf(&t, "405: syntax error: request longer than %zu bytes", max);
        nrtm_error(reply, t.s);
        buf_free(&t);
        return ERR_SYNTAX;
    }
    if (memchr(line, 0, len))
        return refuse(reply, "405: syntax error");
    trim(&line, &len);
    copy = xstrndup(line, len);
    tok = xcalloc(len / 2 + 2, sizeof *tok);
    for (char *p = copy; *p;) {
        if (*p == ' ') {
            *p++ = 0;
            continue;
        }
        tok[ntok++] = p;
        p += strcspn(p, " ");
    }
    rc = read_options(tok, ntok, &o, reply);
    if (rc)
        goto leave;
    if (o.ng + o.nk + o.nq == 0) {
        rc = refuse(reply, "405: no flags passed");
        goto leave;
    }
    if (o.nq && (o.ng || o.nk)) {
        rc = refuse(reply, "405: -q cannot be used with any other options");
        goto leave;
    }
    if (o.nk && !o.ng) {
        rc = refuse(reply, "405: -k cannot be used with out -g");
        goto leave;
    }
    if (o.ng) {
        if (o.ng > 1) {
            rc = refuse(reply, "405: syntax error: Found multiple arguments "
                        "for option 'g', but you asked for only one");
            goto leave;
        }
        req->kind = NRTM_MIRROR;
        req->keep = o.nk > 0;
        rc = parse_mirror(o.g, served, sarg, req, reply);
        goto leave;
    }
    if (o.nq > 1) {
        rc = refuse(reply, "405: syntax error: Found multiple arguments "
                    "for option 'q', but you asked for only one");
        goto leave;
    }
    if (strcasecmp(o.q, "sources") == 0)
        req->kind = NRTM_SOURCES;
    else if (strcasecmp(o.q, "version") == 0)
        req->kind = NRTM_VERSION_Q;
    else
        rc = refuse(reply, "405: unsupported option for -q flag.");
leave:
    free(tok);
    free(copy);
    return rc;
}

void nrtm_request_free(nrtm_request_t *req)
{
    if (req == NULL)
        return;
    free(req->source);
    memset(req, 0, sizeof *req);
}

int nrtm_request_check(nrtm_request_t *req, store_txn_t *txn, time_t now,
                       unsigned max_age_days, int allowed,
                       const char *client, buf_t *reply, err_t *err)
{
    uint64_t oldest = 0, newest = 0;
    int rc = store_journal_range(txn, &oldest, &newest, err);
    if (rc)
        return rc;
    if (req->to_newest || req->keep)
        req->last = newest;
    if (req->first < oldest || req->first > newest ||
        req->last < oldest || req->last > newest) {
        buf_printf(reply, "%%ERROR:401: invalid range: Not within %llu-%llu\n\n",
                   (unsigned long long)oldest, (unsigned long long)newest);
        return ERR_SYNTAX;
    }
    if (max_age_days > 0) {
        /* the entry at first, or the next one there is (RIPE) */
        store_journal_it_t *it = NULL;
        store_journal_t je;
        rc = store_journal_open(txn, req->first, &it, err);
        if (rc)
            return rc;
        rc = store_journal_next(it, &je, err);
        time_t when = rc == 0 ? je.when : 0;
        store_journal_close(it);
        if (rc && rc != ERR_NOTFOUND)
            return rc;
        if (rc == ERR_NOTFOUND || (double)now - (double)when >
            (double)max_age_days * 86400.0) {
            err_free(err);
            buf_printf(reply, "%%ERROR:401: (Requesting serials older than "
                       "%u days will be rejected)\n\n", max_age_days);
            return ERR_SYNTAX;
        }
    }
    if (!allowed) {
        buf_printf(reply, "%%ERROR:402: not authorised to mirror the database "
                   "from IP address %s\n\n", client);
        return ERR_SYNTAX;
    }
    return 0;
}

void nrtm_write_banner(buf_t *out, const char *name, const char *terms_url)
{
    buf_printf(out, "%% The %s Database is subject to Terms and Conditions.\n"
               "%% See %s\n\n", name, terms_url);
}

void nrtm_write_source(buf_t *out, const char *source, int allowed,
                       uint64_t oldest, uint64_t newest)
{
    buf_printf(out, "%s:%d:%c:%llu-%llu\n", source, NRTM_VERSION,
               allowed ? 'X' : 'N', (unsigned long long)oldest,
               (unsigned long long)newest);
}

void nrtm_write_sources_end(buf_t *out)
{
    buf_putc(out, '\n');
}

void nrtm_write_version(buf_t *out, const char *version)
{
    buf_printf(out, "%% nrtm-server-%s\n\n", version);
}

void nrtm_write_start(buf_t *out, const nrtm_request_t *req)
{
    buf_printf(out, "%%START Version: %d %s %llu-%llu\n\n", req->version,
               req->source, (unsigned long long)req->first,
               (unsigned long long)req->last);
    if (req->version < NRTM_VERSION)
        buf_printf(out, "%%WARNING: NRTM version %d is deprecated, please "
                   "consider migrating to version %d!\n\n", req->version,
                   NRTM_VERSION);
}

void nrtm_write_end(buf_t *out, const nrtm_request_t *req)
{
    buf_printf(out, "%%END %s\n\n", req->source);
}

/* End the object text appended to @out from @from on as one unit: its
 * line ends kept, exactly one empty line after it. */
static void end_object(buf_t *out, size_t from)
{
    size_t len = out->len;
    while (len > from && (out->s[len - 1] == '\n' || out->s[len - 1] == '\r'))
        len--;
    buf_truncate(out, len);
    buf_puts(out, "\n\n");
}

int nrtm_write_entry(buf_t *out, const nrtm_request_t *req,
                     const store_journal_t *je, const nrtm_filter_t *filter,
                     err_t *err)
{
    size_t start = out->len;
    int rc = NRTM_KEEP;

    /* the unit's line first, the filter then writes the object after
     * it (no copy): a skipped entry is cut off again */
    buf_puts(out, je->op == STORE_OP_DEL ? "DEL" : "ADD");
    if (req->version >= NRTM_VERSION) {
        /* the serial by hand: this runs once per entry of a long stream */
        char d[24];
        size_t i = sizeof d;
        uint64_t v = je->serial;
        do {
            d[--i] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        d[--i] = ' ';
        buf_put(out, d + i, sizeof d - i);
    }
    buf_puts(out, "\n\n");
    size_t obj = out->len;
    if (filter != NULL)
        rc = filter->obj(filter->arg, je->text, je->len, out, err);
    else
        buf_put(out, je->text, je->len);
    if (rc == NRTM_SKIP && req->version < NRTM_VERSION) {
        /* versions 1 and 2 cannot skip */
        buf_truncate(out, obj);
        rc = filter->placeholder(filter->arg, je->text, je->len, out, err);
        if (rc == 0)
            rc = NRTM_KEEP;
    }
    if (rc != NRTM_KEEP) {
        buf_truncate(out, start);
        return rc == NRTM_SKIP ? 0 : rc;     /* a gap (version 3) */
    }
    end_object(out, obj);
    return 0;
}
