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
#include <time.h>


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

/*
 * The text s[0..n) as UTF-8, NUL-terminated: as it is when it is plain
 * ASCII (the common case: no copy when it already ends in a NUL), else
 * converted into p->utf8 (UTF-8 when valid, else Latin-1; NUL bytes
 * become U+FFFD).
 */
static void as_utf8(mirror_parser_t *p, const char **s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)*s;
    size_t i = 0;
    while (i < *n && u[i] - 1u < 0x7Fu)     /* 0x01..0x7F */
        i++;
    if (i == *n && (*s)[*n] == 0)
        return;
    buf_reset(&p->utf8);
    if (i == *n)
        buf_put(&p->utf8, *s, *n);
    else
        textin_put_charset(&p->utf8, *s, *n, NULL);
    *s = p->utf8.s;
    *n = p->utf8.len;
}

static int emit_reply(mirror_parser_t *p, const char *s, size_t n,
                      mirror_event_fn fn, void *arg, err_t *err)
{
    const char *t = s;
    size_t tl = n;
    as_utf8(p, &t, &tl);
    mirror_event_t ev = { .type = MIRROR_EV_REPLY, .text = t, .len = tl,
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
    const char *t = p->obj.s;
    size_t tl = p->obj.len;
    as_utf8(p, &t, &tl);
    mirror_event_t ev = { .type = MIRROR_EV_OP, .op = p->op,
                          .serial = p->serial, .text = t, .len = tl };
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
        buf_reserve(&p->obj, n + 1);
        memcpy(p->obj.s + p->obj.len, s, n);
        p->obj.len += n + 1;
        p->obj.s[p->obj.len - 1] = '\n';
        p->obj.s[p->obj.len] = 0;
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

/* ---- the session: parser + applier ---------------------------------- */

/* A transaction is also committed once the objects collected for it
 * reach this many bytes: batch_size objects of mirror_max_object_size
 * each would otherwise all be held in memory at once. */
#define MIRROR_PENDING_BYTES ((size_t)32 << 20)

/* One operation waiting for its transaction. */
struct pend {
    int op;                 /* STORE_OP_ADD or STORE_OP_DEL */
    uint64_t serial;
    rpsl_obj_t *obj;        /* classified, keys normalised; or of a
                               class this registry does not know (cls
                               -1), kept as text as autodbm-load does */
    char *pkey;             /* DEL: its primary key (cls -1: CLASS:VALUE,
                               store_other_pkey) */
};

struct mirror_session {
    store_t *st;
    char *local;
    char *remote;
    mirror_request_t req;
    unsigned batch_size;
    int lock_timeout;
    mirror_batch_fn on_batch;
    void *arg;
    mirror_parser_t *p;
    uint64_t serial;        /* committed: the source is up to it */
    uint64_t start_last;    /* %START's last */
    struct pend *ops;       /* collected, not committed */
    size_t nops, cap;
    size_t pend_bytes;      /* their texts' bytes (MIRROR_PENDING_BYTES) */
    uint64_t pend_serial;   /* the serial the next commit records */
    mirror_batch_t stats;   /* of the next commit: skipped, unusable */
    int started, reply;
    char *reply_text;
    uint64_t applied, discarded;
    int failed;             /* the stream was refused: nothing more */
};

static void pend_clear(mirror_session_t *s)
{
    for (size_t i = 0; i < s->nops; i++) {
        rpsl_obj_free(s->ops[i].obj);
        free(s->ops[i].pkey);
    }
    s->nops = 0;
    s->pend_bytes = 0;
}

/* Everything collected since the last commit is dropped. */
static void discard(mirror_session_t *s)
{
    s->discarded += s->nops;
    pend_clear(s);
    s->pend_serial = s->serial;
    memset(&s->stats, 0, sizeof s->stats);
}

/* What commit_unit() does in one transaction, and what it counted. */
struct commit {
    mirror_session_t *s;
    time_t when;
    unsigned adds, dels, missing;
    unsigned unusable;      /* refused by the store (ERR_SYNTAX: no
                               usable key, such as one longer than the
                               store's keys): skipped */
    uint64_t unusable_serial;
};

static int commit_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct commit *c = arg;
    mirror_session_t *s = c->s;
    int rc = store_txn_source(txn, s->local, err);
    c->adds = c->dels = c->missing = c->unusable = 0;
    c->unusable_serial = 0;
    for (size_t i = 0; rc == 0 && i < s->nops; i++) {
        const struct pend *o = &s->ops[i];
        rc = store_txn_next_serial(txn, o->serial, err);
        if (rc)
            break;
        if (o->op == STORE_OP_ADD) {
            rc = store_obj_put(txn, o->obj, c->when, NULL, err);
            if (rc == 0)
                c->adds++;
        } else {
            rc = store_obj_del(txn, o->obj->cls, o->pkey, c->when, NULL, err);
            if (rc == ERR_NOTFOUND) {
                /* IRRd's rule: a DEL of what the mirror lacks is noted */
                err_free(err);
                rc = 0;
                c->missing++;
            } else if (rc == 0) {
                c->dels++;
            }
        }
        if (rc == ERR_SYNTAX) {
            /* refused before any write (store_obj_put): an object the
             * store cannot hold is skipped as unusable, its serial
             * passed; it does not stop the stream */
            err_free(err);
            rc = 0;
            if (c->unusable++ == 0)
                c->unusable_serial = o->serial;
        }
        if (rc)
            err_prefix(err, "serial %" PRIu64, o->serial);
    }
    if (rc == 0)
        rc = store_source_serial_set(txn, s->pend_serial, err);
    return rc;
}

/* Apply what was collected and record s->pend_serial, in one transaction. */
static int commit(mirror_session_t *s, err_t *err)
{
    if (s->pend_serial <= s->serial && s->nops == 0)
        return 0;
    struct commit c = { .s = s, .when = time(NULL) };
    int rc = 0;
    if (s->lock_timeout >= 0)
        rc = store_lock(s->st, s->lock_timeout, err);
    if (rc == 0)
        rc = store_write(s->st, commit_unit, &c, err);
    if (s->lock_timeout >= 0)
        store_unlock(s->st);
    if (rc) {
        err_prefix(err, "source %s", s->local);
        discard(s);
        return rc;
    }
    mirror_batch_t b = s->stats;
    b.first = s->nops ? s->ops[0].serial : 0;
    b.last = s->nops ? s->ops[s->nops - 1].serial : 0;
    b.serial = s->pend_serial;
    b.adds = c.adds;
    b.dels = c.dels;
    b.missing = c.missing;
    if (c.unusable) {
        if (b.unusable == 0 || c.unusable_serial < b.unusable_serial)
            b.unusable_serial = c.unusable_serial;
        b.unusable += c.unusable;
    }
    s->applied += s->nops;
    s->serial = s->pend_serial;
    pend_clear(s);
    memset(&s->stats, 0, sizeof s->stats);
    if (s->on_batch)
        s->on_batch(&b, s->arg);
    return 0;
}

/* An operation: parsed, its keys normalised as autodbm-load does. */
static int collect(mirror_session_t *s, const mirror_event_t *ev, err_t *err)
{
    if (ev->serial <= s->serial) {
        s->stats.skipped++;         /* sent again: already applied */
        return 0;
    }
    rpsl_obj_t *o = NULL;
    diag_list_t d = DIAG_LIST_INIT;
    buf_t key;
    buf_init(&key);
    int rc = rpsl_parse(ev->text, ev->len, 1, 0, &o, &d);
    if (rc || o == NULL) {
        diag_list_free(&d);
        return err_set(err, ERR_SYNTAX, "the object of serial %" PRIu64
                       " is not RPSL", ev->serial);
    }
    int usable;
    if (schema_classify(o, &d) == 0) {
        /* errors of a mirrored object are its registry's business; the
         * call normalises the keys as autodbm-load does */
        (void)schema_validate(o, SCHEMA_NON_STRICT | SCHEMA_AS_GIVEN, NULL, &d);
        usable = schema_pkey(o, &key) == 0;
    } else {
        /* a class this registry does not know: kept as text under
         * CLASS:VALUE, as autodbm-load --non-strict keeps it (o->cls
         * stays -1; store/store.h) */
        o->cls = -1;
        usable = store_other_pkey(o, &key) == 0;
    }
    if (!usable) {
        /* a key this registry cannot use: not applicable, but no
         * reason to stop mirroring */
        if (s->stats.unusable++ == 0)
            s->stats.unusable_serial = ev->serial;
        rpsl_obj_free(o);
        diag_list_free(&d);
        buf_free(&key);
        s->pend_serial = ev->serial;
        return 0;
    }
    diag_list_free(&d);
    if (s->nops == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->ops = xrealloc(s->ops, s->cap * sizeof *s->ops);
    }
    struct pend *p = &s->ops[s->nops++];
    p->op = ev->op;
    p->serial = ev->serial;
    p->obj = o;
    p->pkey = ev->op == STORE_OP_DEL ? buf_steal(&key) : NULL;
    buf_free(&key);
    s->pend_serial = ev->serial;
    s->pend_bytes += ev->len;
    if (s->nops >= s->batch_size || s->pend_bytes >= MIRROR_PENDING_BYTES)
        return commit(s, err);
    return 0;
}

static int on_event(const mirror_event_t *ev, void *arg, err_t *err)
{
    mirror_session_t *s = arg;
    switch (ev->type) {
    case MIRROR_EV_START:
        s->started = 1;
        s->start_last = ev->last;
        return 0;
    case MIRROR_EV_OP:
        return collect(s, ev, err);
    case MIRROR_EV_END:
        /* the whole range came: trailing gaps are not asked for again */
        if (s->start_last > s->pend_serial)
            s->pend_serial = s->start_last;
        return commit(s, err);
    case MIRROR_EV_REPLY:
        s->reply = ev->reply;
        free(s->reply_text);
        s->reply_text = xstrndup(ev->text, ev->len);
        if (s->started) {
            /* an error in the middle of a stream: what came is not sure */
            return err_set(err, ERR_SYNTAX, "the server broke the stream off: %s",
                           s->reply_text);
        }
        return 0;
    }
    return 0;
}

static int add_unit(store_txn_t *txn, void *arg, err_t *err)
{
    return store_source_add(txn, arg, err);
}

int mirror_source_serial(store_t *st, const char *local, int create,
                         uint64_t *serial, err_t *err)
{
    store_txn_t *txn = NULL;
    int rc;
    if (create) {
        rc = store_read_begin(st, &txn, err);
        if (rc)
            return rc;
        rc = store_txn_source(txn, local, NULL);
        store_read_end(txn);
        txn = NULL;
        if (rc == ERR_NOTFOUND) {
            rc = store_write(st, add_unit, (void *)local, err);
            if (rc)
                return rc;
        } else if (rc) {
            return err_set(err, rc, "source %s: cannot select it", local);
        }
    }
    rc = store_read_begin(st, &txn, err);
    if (rc)
        return rc;
    rc = store_txn_source(txn, local, err);
    if (rc == 0)
        rc = store_source_serial_get(txn, serial, err);
    store_read_end(txn);
    return rc;
}

int mirror_session_new(store_t *st, const mirror_session_opts_t *o,
                       mirror_session_t **out, err_t *err)
{
    uint64_t serial = 0;
    *out = NULL;
    int rc = mirror_source_serial(st, o->local, 0, &serial, err);
    if (rc)
        return rc;
    mirror_session_t *s = xcalloc(1, sizeof *s);
    s->st = st;
    s->local = xstrdup(o->local);
    s->remote = xstrdup(o->req.source);
    s->req = o->req;
    s->req.source = s->remote;
    s->batch_size = o->batch_size ? o->batch_size : 10000;
    s->lock_timeout = o->lock_timeout;
    s->on_batch = o->on_batch;
    s->arg = o->arg;
    s->serial = serial;
    s->pend_serial = serial;
    s->p = mirror_parser_new(&s->req);
    *out = s;
    return 0;
}

void mirror_session_free(mirror_session_t *s)
{
    if (s == NULL)
        return;
    pend_clear(s);
    free(s->ops);
    mirror_parser_free(s->p);
    free(s->local);
    free(s->remote);
    free(s->reply_text);
    free(s);
}

/* A failed stream: what was collected goes, nothing more is taken. */
static int session_fail(mirror_session_t *s, int rc)
{
    discard(s);
    s->failed = 1;
    return rc;
}

int mirror_session_feed(mirror_session_t *s, const void *data, size_t n,
                        err_t *err)
{
    int rc = mirror_parser_feed(s->p, data, n, on_event, s, err);
    return rc ? session_fail(s, rc) : 0;
}

int mirror_session_idle(mirror_session_t *s, err_t *err)
{
    if (!s->req.persistent || s->failed)
        return 0;
    int rc = commit(s, err);
    return rc ? session_fail(s, rc) : 0;
}

int mirror_session_eof(mirror_session_t *s, err_t *err)
{
    int rc = mirror_parser_eof(s->p, on_event, s, err);
    if (rc == 0 && s->req.persistent)
        rc = commit(s, err);
    if (rc == 0 && s->nops > 0)
        rc = err_set(err, ERR_SOFTWARE, "operations left uncommitted");
    return rc ? session_fail(s, rc) : 0;
}

int mirror_session_reply(const mirror_session_t *s, const char **text)
{
    if (text)
        *text = s->reply_text;
    return s->reply;
}

int mirror_session_done(const mirror_session_t *s)
{
    return mirror_parser_done(s->p);
}

int mirror_session_started(const mirror_session_t *s)
{
    return s->started;
}

uint64_t mirror_session_serial(const mirror_session_t *s)
{
    return s->serial;
}

void mirror_session_counts(const mirror_session_t *s, uint64_t *applied,
                           uint64_t *discarded)
{
    if (applied)
        *applied = s->applied;
    if (discarded)
        *discarded = s->discarded;
}
