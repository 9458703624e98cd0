/*
 * sync.c - syncupdates' own steps around the update transaction (see
 * syncupdates/sync.h): everything about the request as an HTTP request.
 * The update itself is src/registry/submit.c's, its text is read as the
 * robot reads a text part (src/registry/textin.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <gmime/gmime.h>
#pragma GCC diagnostic pop

#include "registry/mailout.h"
#include "registry/textin.h"
#include "syncupdates/sync.h"
#include "util/hash.h"
#include "util/ipaddr.h"
#include "util/logline.h"
#include "util/msg.h"

#define RETRY_AFTER "Retry-After: 60"
/* The most of a body beyond sync_max_request_size read and thrown away. */
#define DRAIN_MAX ((unsigned long long)256 << 20)

void sync_init(sync_t *s, time_t now, const char *host)
{
    memset(s, 0, sizeof *s);
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    s->now = now;
    s->host = host;
    buf_init(&s->body);
    buf_init(&s->out);
    buf_init(&s->logextra);
    form_init(&s->form);
    diag_list_init(&s->diags);
    s->outcome = "handled";
    s->prio = LOG_INFO;
    mailout_init();
}

/* $NAME, or NULL when unset or empty. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void sync_env(sync_t *s)
{
    s->method = env("REQUEST_METHOD");
    s->query = env("QUERY_STRING");
    s->content_type = env("CONTENT_TYPE");
    s->content_length = env("CONTENT_LENGTH");
    s->remote_addr = env("REMOTE_ADDR");
    s->path_info = env("PATH_INFO");
    s->accept = env("HTTP_ACCEPT");
    s->user_agent = env("HTTP_USER_AGENT");
    s->forwarded_for = env("HTTP_X_FORWARDED_FOR");
    s->html = s->accept && strcasestr(s->accept, "text/html") != NULL;
    const char *https = env("HTTPS");
    const char *scheme = env("REQUEST_SCHEME");
    s->https = (https && strcasecmp(https, "off") != 0) ||
               (scheme && strcasecmp(scheme, "https") == 0);
}

/* Decide the response: @status with the text @fmt (none: empty body). */
static int answer(sync_t *s, int status, const char *outcome, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int answer(sync_t *s, int status, const char *outcome, const char *fmt, ...)
{
    s->status = status;
    s->outcome = outcome;
    buf_reset(&s->out);
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        char *t = xvasprintf(fmt, ap);
        va_end(ap);
        buf_puts(&s->out, t);
        buf_putc(&s->out, '\n');
        free(s->reason);
        s->reason = t;
    }
    s->prio = LOG_NOTICE;
    return 0;
}

/* Append @t (@n bytes) to @b with & < > " ' as character references. */
static void html_escape(buf_t *b, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (t[i]) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, (unsigned char)t[i]);
        }
    }
}

/* The start of a page titled "SOURCE syncupdates" with the heading @h1. */
static void html_head(sync_t *s, const char *h1)
{
    buf_puts(&s->out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
             "<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<title>");
    html_escape(&s->out, s->conf.source, strlen(s->conf.source));
    buf_puts(&s->out, " syncupdates</title>\n<style>\n"
             "body { font-family: sans-serif; margin: 1em auto; max-width: 50em; padding: 0 0.5em; }\n"
             "textarea, pre { width: 100%; box-sizing: border-box; font-family: monospace; }\n"
             "pre { white-space: pre-wrap; overflow-wrap: anywhere; }\n"
             "</style>\n</head>\n<body>\n<h1>");
    html_escape(&s->out, s->conf.source, strlen(s->conf.source));
    buf_printf(&s->out, " database: %s</h1>\n", h1);
}

/* The form: DATA, NEW and HELP, posted to this URL (no action). */
static void html_form(sync_t *s)
{
    s->status = 200;
    s->page = 1;
    s->outcome = "help";
    s->prio = LOG_INFO;
    buf_reset(&s->out);
    html_head(s, "update");
    buf_puts(&s->out,
             "<form method=\"post\" accept-charset=\"UTF-8\">\n"
             "<p><label for=\"data\">Objects to create, modify or delete, separated by "
             "blank lines, with <code>password:</code> lines or PGP clearsigned:</label></p>\n"
             "<p><textarea id=\"data\" name=\"DATA\" rows=\"20\" cols=\"80\" "
             "spellcheck=\"false\"></textarea></p>\n"
             "<p><label><input type=\"checkbox\" name=\"NEW\" value=\"yes\"> NEW: "
             "only create objects</label><br>\n"
             "<label><input type=\"checkbox\" name=\"HELP\" value=\"yes\"> HELP: "
             "show the help text instead</label></p>\n"
             "<p><button type=\"submit\">Submit</button></p>\n"
             "</form>\n</body>\n</html>\n");
}

/* The ack in @s->out as a page: preformatted, escaped. */
static void html_ack(sync_t *s)
{
    buf_t ack = s->out;
    buf_init(&s->out);
    html_head(s, "update result");
    buf_puts(&s->out, "<pre id=\"ack\">");
    html_escape(&s->out, ack.s ? ack.s : "", ack.len);
    buf_puts(&s->out, "</pre>\n<p><a href=\"\">Another update</a></p>\n</body>\n</html>\n");
    buf_free(&ack);
    s->page = 1;
}

/* Milliseconds from now to @s->t0 + sync_read_timeout (0 when past). */
static int ms_left(const sync_t *s)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)s->conf.sync_read_timeout * 1000 -
                   ((long long)(now.tv_sec - s->t0.tv_sec) * 1000 +
                    (now.tv_nsec - s->t0.tv_nsec) / 1000000);
    return ms <= 0 ? 0 : ms > 1000000000 ? 1000000000 : (int)ms;
}

/*
 * Read at most @n bytes of @fd into @p before the request's time is up.
 * @return the bytes read, 0 at the end, -1 a read error, -3 the time is up.
 */
static ssize_t read_some(const sync_t *s, int fd, char *p, size_t n)
{
    for (;;) {
        struct pollfd pf = { fd, POLLIN, 0 };
        int r = poll(&pf, 1, ms_left(s));
        if (r == 0)
            return -3;
        if (r < 0 && errno != EINTR)
            return -1;
        if (r < 0)
            continue;
        ssize_t got = read(fd, p, n);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return got;
    }
}

/* Read and throw away at most @n bytes of @fd (while there is time). */
static void drain(const sync_t *s, int fd, unsigned long long n)
{
    char chunk[65536];
    ssize_t got;
    while (n > 0 && (got = read_some(s, fd, chunk, n < sizeof chunk ? (size_t)n
                                                                     : sizeof chunk)) > 0)
        n -= (unsigned long long)got;
}

/*
 * Read the body: at most sync_max_request_size + 1 bytes (beyond is
 * "too big"), within sync_read_timeout seconds of the request's start.  A
 * body beyond the limit is read and thrown away (up to DRAIN_MAX bytes,
 * in the same time): a server that writes it into the CGI's pipe
 * (fcgiwrap) fails the response on a broken pipe.
 * @return 0, 1 too big, -1 a read error, -2 shorter than CONTENT_LENGTH
 * (the client's connection ended before the whole body came: what came is
 * not applied), -3 the time was up before the body's end.
 */
static int read_body(sync_t *s, FILE *in)
{
    int fd = fileno(in);
    size_t limit = s->conf.sync_max_request_size, want = limit + 1;
    if (s->content_length) {
        char *end;
        errno = 0;
        unsigned long long cl = strtoull(s->content_length, &end, 10);
        if (*end || errno)
            return 1;
        if (cl > limit) {
            drain(s, fd, cl < DRAIN_MAX ? cl : DRAIN_MAX);
            return 1;
        }
        want = (size_t)cl;
    }
    char chunk[65536];
    while (s->body.len < want) {
        size_t n = want - s->body.len;
        if (n > sizeof chunk)
            n = sizeof chunk;
        ssize_t got = read_some(s, fd, chunk, n);
        if (got < 0)
            return (int)got;
        if (got == 0)
            break;
        buf_put(&s->body, chunk, (size_t)got);
    }
    if (s->body.len > limit) {
        drain(s, fd, DRAIN_MAX);
        return 1;
    }
    if (s->content_length && s->body.len < want)
        return -2;          /* the connection ended early: not all of it */
    return 0;
}

int sync_check(sync_t *s, FILE *in)
{
    form_t *f = &s->form;
    int get = s->method && strcmp(s->method, "GET") == 0;
    /* the body, if any, is read (or thrown away) before any answer: a
     * server writing it into the CGI's pipe fails on a broken pipe */
    int rc = get ? 0 : read_body(s, in);
    if (!get && !(s->method && strcmp(s->method, "POST") == 0)) {
        s->header = "Allow: GET, POST";
        return answer(s, 405, "refused", "Method not allowed: use GET or POST");
    }
    if (get && s->query == NULL && s->html) {
        html_form(s);
        return 0;
    }
    if (get) {
        if (s->query) {
            if (strlen(s->query) > s->conf.sync_max_request_size)
                return answer(s, 413, "refused", "The request is larger than %zu bytes "
                              "(sync_max_request_size)", s->conf.sync_max_request_size);
            form_parse_urlencoded(f, s->query, strlen(s->query), NULL);
        }
        if (form_set(&f->data) && !s->conf.sync_allow_get)
            return answer(s, 403, "refused", NULL);
    } else {
        enum form_type t = form_type_of(s->content_type);
        if (t == FORM_NONE)
            return answer(s, 400, "refused", "A POST request needs a Content-Type");
        if (t == FORM_OTHER)
            return answer(s, 415, "refused", "Unsupported media type: use "
                          "application/x-www-form-urlencoded or multipart/form-data");
        if (rc > 0)
            return answer(s, 413, "refused", "The request is larger than %zu bytes "
                          "(sync_max_request_size)", s->conf.sync_max_request_size);
        if (rc == -3)
            return answer(s, 408, "refused", "The request body did not come within %ld "
                          "seconds (sync_read_timeout); nothing was applied",
                          s->conf.sync_read_timeout);
        if (rc == -2)
            return answer(s, 400, "refused", "The request body is incomplete: %zu of %s "
                          "bytes came (nothing was applied)", s->body.len, s->content_length);
        if (rc < 0)
            return answer(s, 400, "refused", "The request body cannot be read");
        if (s->body.len == 0)
            return answer(s, 400, "refused", "The request body is empty");
        char *cs = form_charset(s->content_type);
        err_t err = ERR_INIT;
        if (t == FORM_MULTIPART &&
            form_multipart_check(s->content_type, s->body.s, s->body.len,
                                 s->conf.sync_max_parts, s->conf.sync_max_part_header_size,
                                 &err) != 0)
            answer(s, err.code == ERR_LIMIT ? 413 : 400, "refused", "%s: %s",
                   err.code == ERR_LIMIT ? "The request is too large" : "Bad request",
                   err_text(&err));
        else if (t == FORM_URLENCODED)
            form_parse_urlencoded(f, s->body.s, s->body.len, cs);
        else if (form_parse_multipart(f, s->content_type, s->body.s, s->body.len, &err) != 0)
            answer(s, 400, "refused", "Bad request: %s", err_text(&err));
        err_free(&err);
        free(cs);
        if (s->status)
            return 0;
    }
    /* the path form /syncupdates/<SOURCE> */
    if (s->path_info) {
        const char *p = s->path_info + strspn(s->path_info, "/");
        size_t n = strcspn(p, "/");
        if (n > 0 && !(strlen(s->conf.source) == n && strncasecmp(p, s->conf.source, n) == 0))
            return answer(s, 400, "refused", "Invalid source specified: %.*s",
                          (int)(n > 64 ? 64 : n), p);
    }
    if (form_true(&f->diff))
        return answer(s, 400, "refused", "the DIFF method is not actually supported by "
                      "the Syncupdates interface");
    if (form_true(&f->new_) && !form_set(&f->data))
        return answer(s, 400, "refused", "DATA parameter is missing");
    return 1;
}

/* Whether the address @a is in one of the networks of @nets. */
static int in_nets(const strv_t *nets, const char *a)
{
    ip_range_t addr, net;
    if (a == NULL || ip_parse_net(a, strlen(a), &addr) != 0)
        return 0;
    for (size_t i = 0; i < nets->n; i++)
        if (ip_parse_net(nets->v[i], strlen(nets->v[i]), &net) == 0 &&
            ip_range_contains(&net, &addr))
            return 1;
    return 0;
}

/* @s (@n bytes) as an address of one host (malloc'd), or NULL. */
static char *host_address(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    ip_range_t r;
    if (n == 0 || memchr(s, '/', n) || ip_parse_net(s, n, &r) != 0)
        return NULL;
    return xstrndup(s, n);
}

/*
 * The client's address: REMOTE_ADDR; from a trusted proxy the last
 * address of X-Forwarded-For, else its ORIGIN parameter (a value that is
 * not an address is ignored and logged).  X-Forwarded-For first: a
 * reverse proxy passes its client's form on, ORIGIN and all, and names
 * that client there; a proxy application posting for its users sets
 * ORIGIN and no X-Forwarded-For.
 */
static char *client_address(sync_t *s)
{
    const char *remote = s->remote_addr ? s->remote_addr : "unknown";
    if (!in_nets(&s->conf.sync_trusted_proxies, s->remote_addr))
        return xstrdup(remote);
    char *a = NULL;
    if (s->forwarded_for) {
        const char *last = strrchr(s->forwarded_for, ',');
        last = last ? last + 1 : s->forwarded_for;
        a = host_address(last, strlen(last));
        if (a == NULL)
            logline_kv(&s->logextra, "bad-forwarded-for", "%s", last);
    } else if (form_set(&s->form.origin)) {
        a = host_address(s->form.origin.v.s, s->form.origin.v.len);
        if (a == NULL)
            logline_kv(&s->logextra, "bad-origin", "%s", s->form.origin.v.s);
    }
    if (a != NULL)
        logline_kv(&s->logextra, "proxy", "%s", remote);
    return a ? a : xstrdup(remote);
}

/*
 * The charset DATA is read in: its declared one, if iconv knows it;
 * else (logged) UTF-8.
 */
static const char *data_charset(sync_t *s)
{
    const char *cs = s->form.charset;
    if (cs == NULL)
        return "utf-8";
    GIConv cd = g_iconv_open("UTF-8", g_mime_charset_iconv_name(cs));
    if (cd == (GIConv)-1) {
        logline_kv(&s->logextra, "unknown-charset", "%s", cs);
        return "utf-8";
    }
    g_iconv_close(cd);
    return cs;
}

/*
 * What syncupdates stores of the text (as RIPE): C0 and C1 controls but
 * TAB and LF, and U+FFFD (bytes that were no character), become '?';
 * U+00A0 a space; unless @keep, every other character beyond Latin-1 '?'.
 * In place (the text only gets shorter); @t is valid UTF-8.
 */
static void clean_text(char *t, size_t *len, int keep)
{
    unsigned char *p = (unsigned char *)t;
    size_t i = 0, o = 0, n = *len;
    while (i < n) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + k > n)
            k = n - i;
        unsigned cp = c;
        if (k == 2)
            cp = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F);
        else if (k == 3)
            cp = ((c & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
            (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD || (!keep && cp > 0xFF)) {
            p[o++] = '?';
        } else if (cp == 0xA0) {
            p[o++] = ' ';
        } else {
            memmove(p + o, p + i, k);
            o += k;
        }
        i += k;
    }
    p[o] = 0;
    *len = o;
}

int sync_submit(sync_t *s, err_t *err)
{
    form_t *f = &s->form;
    s->client = client_address(s);
    char *seed = xasprintf("sync:%s:%ld:%ld:%ld", s->client, (long)s->now, (long)getpid(),
                           (long)s->t0.tv_nsec);
    s->ref = xasprintf("%016llx", (unsigned long long)hash_fnv1a64(seed));
    free(seed);
    if (!s->https)
        diag_add(&s->diags, DIAG_WARNING, DIAG_OBJECT, "This Syncupdates request used "
                 "insecure HTTP, which will be removed in a future release. Please "
                 "switch to HTTPS.");
    const char *keywords = NULL;
    if (form_true(&f->help) || !form_set(&f->data))
        keywords = "HELP";
    else if (form_true(&f->new_))
        keywords = "NEW";

    textin_opts_t to = { s->now, s->conf.gnupg_home, s->conf.signature_max_age,
                         s->conf.max_signed_blocks, "request" };
    textin_t *t = textin_new(&to, &s->diags);
    if (keywords == NULL || strcmp(keywords, "HELP") != 0)
        textin_add(t, f->data.v.s, f->data.v.len, data_charset(s), NULL);
    size_t n;
    textin_piece_t *tp = textin_pieces(t, &n);
    upd_piece_t *pieces = xcalloc(n + 1, sizeof *pieces);
    for (size_t i = 0; i < n; i++) {
        clean_text(tp[i].text, &tp[i].len, s->conf.sync_keep_unicode);
        pieces[i].text = tp[i].text;
        pieces[i].len = tp[i].len;
        pieces[i].creds = &tp[i].creds;
    }
    char *limit = textin_over_signed(t)
        ? xasprintf("it has more than %u PGP signatures (max_signed_blocks)",
                    s->conf.max_signed_blocks) : NULL;
    submit_req_t req = {
        .pieces = pieces, .npieces = n, .diags = &s->diags,
        .origin = { .kind = ORIGIN_HTTP, .client = s->client, .user_agent = s->user_agent },
        .keywords = keywords, .ref = s->ref, .limit = limit, .host = s->host, .now = s->now,
    };
    int rc = submit_new(&s->conf, &req, &s->sub, err);
    free(limit);
    free(pieces);
    textin_free(t);         /* the update's paragraphs hold the text now */
    if (rc == 0)
        rc = store_open_size(s->conf.database, 0, s->conf.map_size, &s->st, err);
    if (rc == 0)
        rc = store_lock(s->st, (int)s->conf.lock_timeout, err);
    if (rc == 0)
        rc = submit_run(s->sub, s->st, err);
    return rc;
}

void sync_answered(sync_t *s)
{
    enum submit_outcome o = submit_outcome(s->sub);
    const char *why = submit_reason(s->sub);
    s->status = 200;
    s->outcome = submit_outcome_name(o);
    free(s->reason);
    s->reason = why ? xstrdup(why) : NULL;
    s->prio = o == SUBMIT_INTERNAL ? LOG_ERR : o == SUBMIT_REFUSED ? LOG_NOTICE : LOG_INFO;
    const buf_t *pairs = submit_log(s->sub);
    if (s->logextra.len && pairs->len)
        buf_putc(&s->logextra, ' ');
    buf_put(&s->logextra, pairs->s, pairs->len);
    const buf_t *ack = submit_ack(s->sub);
    buf_reset(&s->out);
    buf_put(&s->out, ack->s, ack->len);
    if (s->html)
        html_ack(s);
}

void sync_failed(sync_t *s, const err_t *err)
{
    if (!s->unconfigured && submit_transient(err->code)) {
        answer(s, 503, "tempfail", "The registry is busy; nothing was changed. "
               "Please try again later.");
        s->header = RETRY_AFTER;
    } else {
        answer(s, 500, "internal-error", "The update could not be handled; nothing was changed "
               "(reference %s).", s->ref ? s->ref : "none");
    }
    free(s->reason);
    s->reason = xstrdup(err_text(err));
    s->prio = LOG_ERR;
}

void sync_release(sync_t *s)
{
    store_unlock(s->st);
}

void sync_deliver(sync_t *s)
{
    store_unlock(s->st);
    if (s->st == NULL || s->sub == NULL || s->status != 200)
        return;
    if (mailout_deliver(s->st, &s->conf, &s->logextra) != 0 && s->prio == LOG_INFO)
        s->prio = LOG_WARNING;
}

/* The reason phrase of @status. */
static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

void sync_respond(sync_t *s, FILE *out)
{
    if (s->status == 0)
        s->status = 500;
    fprintf(out, "Status: %d %s\r\n", s->status, reason_phrase(s->status));
    if (s->header)
        fprintf(out, "%s\r\n", s->header);
    fprintf(out, "Content-Type: text/%s; charset=utf-8\r\n\r\n", s->page ? "html" : "plain");
    if (s->out.len)
        fwrite(s->out.s, 1, s->out.len, out);
    fflush(out);
}

void sync_log(sync_t *s)
{
    buf_t line;
    buf_init(&line);
    logline_kv(&line, "client", "%s", s->client ? s->client
                                    : s->remote_addr ? s->remote_addr : "unknown");
    logline_kv(&line, "method", "%s", s->method ? s->method : "none");
    logline_kv(&line, "size", "%zu", s->body.len);
    logline_kv(&line, "status", "%d", s->status);
    logline_kv(&line, "outcome", "%s", s->outcome);
    if (s->reason)
        logline_kv(&line, "reason", "%s", s->reason);
    if (s->logextra.len) {
        buf_putc(&line, ' ');
        buf_put(&line, s->logextra.s, s->logextra.len);
    }
    logline_time(&line, &s->t0);
    msg_kv(s->prio, &line);
    buf_free(&line);
}

void sync_free(sync_t *s)
{
    store_close(s->st);
    submit_free(s->sub);
    form_free(&s->form);
    diag_list_free(&s->diags);
    free(s->client);
    free(s->ref);
    free(s->reason);
    buf_free(&s->body);
    buf_free(&s->out);
    buf_free(&s->logextra);
    conf_free(&s->conf);
    mailout_shutdown();
}
