/*
 * mirror.c - the NRTM v3 client's stream parser and applier (mirror.h).
 *
 * The parser cuts the bytes into lines (LF, an optional CR before it) and
 * runs a small state machine over them: before %START (comments and the
 * reply lines), between units, waiting for the object of an ADD/DEL, in
 * the object, done.  The rules it keeps are listed in the header.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/mirror.h"
#include "registry/textin.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/text.h"

enum pstate {
    P_PRE,      /* before %START or a reply */
    P_BODY,     /* between units */
    P_WAIT,     /* after ADD/DEL: waiting for the object */
    P_OBJ,      /* inside the object */
    P_END,      /* after %END: empty lines only */
    P_DONE,     /* after a reply: the rest is ignored */
    P_FAILED    /* refused: every call fails */
};

struct mirror_parser {
    char *source;           /* the source asked for */
    unsigned want_version;
    uint64_t want_first;
    int persistent;
    size_t max_line, max_object;

    enum pstate st;
    buf_t line;             /* the line being read */
    buf_t obj;              /* the object's raw bytes */
    buf_t utf8;             /* the object as UTF-8 */
    unsigned long lineno;   /* lines read */
    unsigned version;       /* from %START */
    char *start_source;     /* the source as %START spelled it */
    uint64_t first, last;   /* %START's range */
    uint64_t prev;          /* serial of the previous operation (0: none) */
    uint64_t nops;          /* operations so far */
    int op;                 /* the pending operation */
    uint64_t serial;        /* its serial */
    int fail_code;          /* P_FAILED: the status */
    char *fail_text;        /*           and its text */
};

mirror_parser_t *mirror_parser_new(const mirror_request_t *req)
{
    mirror_parser_t *p = xcalloc(1, sizeof *p);
    p->source = xstrdup(req->source ? req->source : "");
    p->want_version = req->version;
    p->want_first = req->first;
    p->persistent = req->persistent;
    p->max_line = req->max_line ? req->max_line : MIRROR_DEFAULT_MAX_LINE;
    p->max_object = req->max_object ? req->max_object : MIRROR_DEFAULT_MAX_OBJECT;
    p->st = P_PRE;
    buf_init(&p->line);
    buf_init(&p->obj);
    buf_init(&p->utf8);
    return p;
}

void mirror_parser_free(mirror_parser_t *p)
{
    if (p == NULL)
        return;
    free(p->source);
    free(p->start_source);
    free(p->fail_text);
    buf_free(&p->line);
    buf_free(&p->obj);
    buf_free(&p->utf8);
    free(p);
}

int mirror_parser_done(const mirror_parser_t *p)
{
    return p->st == P_END || p->st == P_DONE;
}

const char *mirror_reply_name(int r)
{
    switch (r) {
    case MIRROR_REPLY_UPTODATE: return "up-to-date";
    case MIRROR_REPLY_HISTORY: return "history-gone";
    case MIRROR_REPLY_CONFIG: return "config";
    default: return "other";
    }
}

/* Refuse the stream: remember why, so that every later call says it. */
static int fail(mirror_parser_t *p, err_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(mirror_parser_t *p, err_t *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    free(p->fail_text);
    p->fail_text = xasprintf("line %lu: %s", p->lineno, msg);
    free(msg);
    p->fail_code = code;
    p->st = P_FAILED;
    return err_set(err, code, "%s", p->fail_text);
}

/* A callback's status stops the parser too. */
static int stop(mirror_parser_t *p, int rc, err_t *err)
{
    free(p->fail_text);
    p->fail_text = xstrdup(err_text(err));
    p->fail_code = rc;
    p->st = P_FAILED;
    return rc;
}

/* Whether s[0..n) starts with the C string @w (case-sensitive). */
static int starts(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    return n >= l && memcmp(s, w, l) == 0;
}

/* Whether s[0..n) contains @w, case-insensitive (w lower case). */
static int has_ci(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    for (size_t i = 0; i + l <= n; i++) {
        size_t k = 0;
        while (k < l && text_lower((unsigned char)s[i + k]) == w[k])
            k++;
        if (k == l)
            return 1;
    }
    return 0;
}

/*
 * A serial: 1 to 19 decimal digits (no sign, no blanks), so it never
 * overflows.  Returns the bytes read (0: none).
 */
static size_t get_serial(const char *s, size_t n, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < n && i < 19 && text_is_digit((unsigned char)s[i]))
        v = v * 10 + (uint64_t)(s[i++] - '0');
    if (i == 0 || (i < n && text_is_digit((unsigned char)s[i])))
        return 0;
    *out = v;
    return i;
}

/* The first "A-B" or "A - B" range of serials in s[0..n). */
static int find_range(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
    for (size_t i = 0; i < n; i++) {
        if (!text_is_digit((unsigned char)s[i]) ||
            (i > 0 && text_is_digit((unsigned char)s[i - 1])))
            continue;
        size_t k = get_serial(s + i, n - i, a);
        if (k == 0)
            continue;
        size_t j = i + k;
        while (j < n && s[j] == ' ')
            j++;
        if (j >= n || s[j] != '-')
            continue;
        j++;
        while (j < n && s[j] == ' ')
            j++;
        if (j < n && get_serial(s + j, n - j, b) > 0)
            return 1;
    }
    return 0;
}

/*
 * Classify an error or warning line (RIPE, legacy RIPE, IRRd).  @first is
 * the first serial asked for.
 */
static int classify(const char *s, size_t n, uint64_t first)
{
    uint64_t a, b;
    if (has_ci(s, n, "no newer updates available") ||
        has_ci(s, n, "there are no updates available") ||
        has_ci(s, n, "there are no journal entries for this source"))
        return MIRROR_REPLY_UPTODATE;
    if (has_ci(s, n, "older than"))         /* RIPE's 401, IRRd */
        return MIRROR_REPLY_HISTORY;
    if (has_ci(s, n, "not within") && find_range(s, n, &a, &b)) {
        /* RIPE's 401 "invalid range: Not within OLDEST-NEWEST" */
        if (b != UINT64_MAX && first == b + 1)
            return MIRROR_REPLY_UPTODATE;
        if (first < a || first > b)
            return MIRROR_REPLY_HISTORY;
        return MIRROR_REPLY_OTHER;
    }
    if (has_ci(s, n, "do not exist") && find_range(s, n, &a, &b)) {
        /* IRRd: "Serials FIRST - OLDEST" (first below oldest) or
         * "Serials NEWEST - FIRST" (first beyond newest + 1) */
        if ((a == first && b > a) || (b == first && a < b))
            return MIRROR_REPLY_HISTORY;
        return MIRROR_REPLY_OTHER;
    }
    static const char *const config[] = {
        "unknown source", "access denied", "not authorised", "not authorized",
        "version mismatch", "invalid nrtm version", "syntax error",
        "no flags passed", "cannot be used", "unsupported option",
        "invalid parameter", "invalid serial range", "no journal kept",
        "start of the serial range", "exceeds maximum range",
        "dummified mirroring", NULL
    };
    for (size_t i = 0; config[i]; i++)
        if (has_ci(s, n, config[i]))
            return MIRROR_REPLY_CONFIG;
    /* RIPE's codes: 402-406 and 201 are about the request or the client */
    const char *c = memchr(s, ':', n);
    if (c && (size_t)(c - s) + 4 <= n) {
        uint64_t code;
        size_t k = get_serial(c + 1, n - (size_t)(c - s) - 1, &code);
        if (k == 3 && ((code >= 402 && code <= 406) || code == 201))
            return MIRROR_REPLY_CONFIG;
    }
    return MIRROR_REPLY_OTHER;
}

/* Whether the line is a reply instead of a stream (any of the forms). */
static int is_reply(const char *s, size_t n)
{
    return starts(s, n, "%ERROR") || starts(s, n, "% ERROR") ||
           starts(s, n, "%% ERROR") || starts(s, n, "ERROR:") ||
           starts(s, n, "% Warning: there are no") ||
           starts(s, n, "% Warning (1): there are no") ||
           has_ci(s, n, "internal error occurred");
}

static int emit_reply(mirror_parser_t *p, const char *s, size_t n,
                      mirror_event_fn fn, void *arg, err_t *err)
{
    buf_reset(&p->utf8);
    textin_put_charset(&p->utf8, s, n, NULL);
    mirror_event_t ev = { .type = MIRROR_EV_REPLY, .text = p->utf8.s,
                          .len = p->utf8.len,
                          .reply = classify(s, n, p->want_first) };
    p->st = P_DONE;
    int rc = fn(&ev, arg, err);
    return rc ? stop(p, rc, err) : 0;
}

/* Split s[0..n) at runs of blanks into at most @max words. */
static size_t words(const char *s, size_t n, const char **w, size_t *wl,
                    size_t max)
{
    size_t k = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            break;
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '\t')
            j++;
        if (k == max)
            return max + 1;
        w[k] = s + i;
        wl[k++] = j - i;
        i = j;
    }
    return k;
}

/* "%START Version: V SOURCE A-B [FILTERED]" */
static int on_start(mirror_parser_t *p, const char *s, size_t n,
                    mirror_event_fn fn, void *arg, err_t *err)
{
    const char *w[7];
    size_t wl[7];
    size_t k = words(s, n, w, wl, 6);
    uint64_t v = 0, a = 0, b = 0;
    if (k < 5 || k > 6 || !text_eq_ci(w[1], wl[1], "version:") ||
        get_serial(w[2], wl[2], &v) != wl[2] ||
        (k == 6 && !text_eq_ci(w[5], wl[5], "filtered")))
        return fail(p, err, ERR_SYNTAX, "malformed %%START line");
    size_t ka = get_serial(w[4], wl[4], &a);
    if (ka == 0 || ka + 1 >= wl[4] || w[4][ka] != '-' ||
        get_serial(w[4] + ka + 1, wl[4] - ka - 1, &b) != wl[4] - ka - 1)
        return fail(p, err, ERR_SYNTAX, "malformed range in %%START line");
    if (v < 1 || v > 3 || (p->want_version && v != p->want_version))
        return fail(p, err, ERR_SYNTAX, "%%START has NRTM version %" PRIu64
                    ", asked for %u", v, p->want_version);
    if (!text_eq_ci(w[3], wl[3], p->source))
        return fail(p, err, ERR_SYNTAX, "%%START is for source \"%.*s\", asked for %s",
                    (int)(wl[3] > 64 ? 64 : wl[3]), w[3], p->source);
    if (a > b || a == 0)
        return fail(p, err, ERR_SYNTAX, "%%START range %" PRIu64 "-%" PRIu64
                    " is empty", a, b);
    p->version = (unsigned)v;
    p->first = a;
    p->last = b;
    p->start_source = xstrndup(w[3], wl[3]);
    p->st = P_BODY;
    mirror_event_t ev = { .type = MIRROR_EV_START, .version = p->version,
                          .source = p->start_source, .first = a, .last = b,
                          .filtered = k == 6 };
    int rc = fn(&ev, arg, err);
    return rc ? stop(p, rc, err) : 0;
}

/* "ADD n" / "DEL n" (v3), "ADD" / "DEL" (v1, v2) */
static int on_op(mirror_parser_t *p, int op, const char *s, size_t n, err_t *err)
{
    uint64_t serial = 0;
    int explicit = n > 3;
    if (explicit && (s[3] != ' ' || get_serial(s + 4, n - 4, &serial) != n - 4))
        return fail(p, err, ERR_SYNTAX, "malformed %s line", op == STORE_OP_ADD ? "ADD" : "DEL");
    if (p->version == 3) {
        if (!explicit)
            return fail(p, err, ERR_SYNTAX, "%s without serial in a version 3 stream",
                        op == STORE_OP_ADD ? "ADD" : "DEL");
        if (p->nops && serial <= p->prev)
            return fail(p, err, ERR_SYNTAX, "serial %" PRIu64 " after %" PRIu64
                        ": serials must increase", serial, p->prev);
        if (serial < p->first)
            return fail(p, err, ERR_SYNTAX, "serial %" PRIu64 " below the first"
                        " of %%START, %" PRIu64, serial, p->first);
    } else {
        uint64_t implicit = p->first + p->nops;
        if (explicit && serial != implicit)
            return fail(p, err, ERR_SYNTAX, "serial %" PRIu64 " where the version %u"
                        " stream is at %" PRIu64, serial, p->version, implicit);
        serial = implicit;
    }
    if (!p->persistent && serial > p->last)
        return fail(p, err, ERR_SYNTAX, "serial %" PRIu64 " beyond the last of"
                    " %%START, %" PRIu64, serial, p->last);
    p->op = op;
    p->serial = serial;
    p->prev = serial;
    p->nops++;
    buf_reset(&p->obj);
    p->st = P_WAIT;
    return 0;
}

/* Whether the line is "%END SOURCE" or "% END SOURCE" for our source. */
static int end_line(const mirror_parser_t *p, const char *s, size_t n,
                    size_t *src, size_t *srclen)
{
    const char *w[4];
    size_t wl[4];
    size_t k = words(s, n, w, wl, 3);
    if (k == 2 && wl[0] == 4 && memcmp(w[0], "%END", 4) == 0)
        k = 1;
    else if (k == 3 && wl[0] == 1 && w[0][0] == '%' && wl[1] == 3 &&
             memcmp(w[1], "END", 3) == 0)
        k = 2;
    else
        return 0;
    *src = (size_t)(w[k] - s);
    *srclen = wl[k];
    return text_eq_ci(w[k], wl[k], p->source);
}

static int on_object(mirror_parser_t *p, mirror_event_fn fn, void *arg,
                     err_t *err)
{
    buf_reset(&p->utf8);
    textin_put_charset(&p->utf8, p->obj.s, p->obj.len, NULL);
    mirror_event_t ev = { .type = MIRROR_EV_OP, .op = p->op,
                          .serial = p->serial, .text = p->utf8.s,
                          .len = p->utf8.len };
    p->st = P_BODY;
    int rc = fn(&ev, arg, err);
    return rc ? stop(p, rc, err) : 0;
}

static int on_line(mirror_parser_t *p, const char *s, size_t n,
                   mirror_event_fn fn, void *arg, err_t *err)
{
    p->lineno++;
    if (n && s[n - 1] == '\r')
        n--;
    switch (p->st) {
    case P_PRE:
        if (n == 0)
            return 0;
        if (starts(s, n, "%START"))
            return on_start(p, s, n, fn, arg, err);
        if (is_reply(s, n))
            return emit_reply(p, s, n, fn, arg, err);
        if (s[0] == '%')
            return 0;           /* banner, response header */
        return fail(p, err, ERR_SYNTAX, "neither %%START nor a reply before the stream");
    case P_BODY: {
        if (n == 0)
            return 0;
        if (n >= 3 && (memcmp(s, "ADD", 3) == 0 || memcmp(s, "DEL", 3) == 0))
            return on_op(p, s[0] == 'A' ? STORE_OP_ADD : STORE_OP_DEL, s, n, err);
        size_t src, srclen;
        if (end_line(p, s, n, &src, &srclen)) {
            mirror_event_t ev = { .type = MIRROR_EV_END, .source = p->start_source };
            p->st = P_END;
            int rc = fn(&ev, arg, err);
            return rc ? stop(p, rc, err) : 0;
        }
        uint64_t a, b;
        if (p->persistent && starts(s, n, "%END ") && find_range(s, n, &a, &b))
            return 0;           /* RIPE's -k batch marker */
        if (starts(s, n, "%START"))
            return fail(p, err, ERR_SYNTAX, "a second %%START");
        if (starts(s, n, "%END") || starts(s, n, "% END"))
            return fail(p, err, ERR_SYNTAX, "%%END for another source");
        if (is_reply(s, n))
            return emit_reply(p, s, n, fn, arg, err);
        if (s[0] == '%')
            return 0;           /* %WARNING, comments */
        return fail(p, err, ERR_SYNTAX, "expected ADD, DEL or %%END");
    }
    case P_WAIT:
        if (n == 0)
            return 0;
        if (s[0] == '%' || starts(s, n, "ADD") || starts(s, n, "DEL"))
            return fail(p, err, ERR_SYNTAX, "%s %" PRIu64 " without an object",
                        p->op == STORE_OP_ADD ? "ADD" : "DEL", p->serial);
        p->st = P_OBJ;
        /* fall through */
    case P_OBJ:
        if (n == 0)
            return on_object(p, fn, arg, err);
        if (p->obj.len + n + 1 > p->max_object)
            return fail(p, err, ERR_LIMIT, "object of serial %" PRIu64 " larger than"
                        " %zu bytes", p->serial, p->max_object);
        buf_put(&p->obj, s, n);
        buf_putc(&p->obj, '\n');
        return 0;
    case P_END:
        if (n == 0)
            return 0;
        return fail(p, err, ERR_SYNTAX, "data after %%END");
    case P_DONE:
        return 0;
    case P_FAILED:
        break;
    }
    return err_set(err, p->fail_code, "%s", p->fail_text);
}

int mirror_parser_feed(mirror_parser_t *p, const void *data, size_t n,
                       mirror_event_fn fn, void *arg, err_t *err)
{
    const char *s = data;
    while (n > 0) {
        if (p->st == P_FAILED)
            return err_set(err, p->fail_code, "%s", p->fail_text);
        if (p->st == P_DONE)
            return 0;
        const char *nl = memchr(s, '\n', n);
        size_t take = nl ? (size_t)(nl - s) : n;
        if (p->line.len + take > p->max_line) {
            p->lineno++;
            return fail(p, err, ERR_LIMIT, "line longer than %zu bytes", p->max_line);
        }
        if (nl == NULL) {
            buf_put(&p->line, s, n);
            return 0;
        }
        int rc;
        if (p->line.len == 0) {
            rc = on_line(p, s, take, fn, arg, err);
        } else {
            buf_put(&p->line, s, take);
            rc = on_line(p, p->line.s, p->line.len, fn, arg, err);
            buf_reset(&p->line);
        }
        if (rc)
            return rc;
        s += take + 1;
        n -= take + 1;
    }
    return p->st == P_FAILED ? err_set(err, p->fail_code, "%s", p->fail_text) : 0;
}

int mirror_parser_eof(mirror_parser_t *p, mirror_event_fn fn, void *arg,
                      err_t *err)
{
    if (p->st == P_FAILED)
        return err_set(err, p->fail_code, "%s", p->fail_text);
    if (p->line.len > 0) {
        /* a last line without LF: a reply or %END may come so */
        int rc = on_line(p, p->line.s, p->line.len, fn, arg, err);
        buf_reset(&p->line);
        if (rc)
            return rc;
    }
    switch (p->st) {
    case P_END:
    case P_DONE:
        return 0;
    case P_PRE:
        return fail(p, err, ERR_SYNTAX, "the stream ended before %%START or a reply");
    case P_WAIT:
    case P_OBJ:
        return fail(p, err, ERR_SYNTAX, "the stream ended inside the operation of"
                    " serial %" PRIu64, p->serial);
    case P_BODY:
        if (p->persistent)
            return 0;
        return fail(p, err, ERR_SYNTAX, "the stream ended without %%END"
                    " (a cut connection?)");
    case P_FAILED:
        break;
    }
    return err_set(err, p->fail_code, "%s", p->fail_text);
}
