/*
 * mailout.c - compose, queue and deliver outgoing mail (see mailout.h).
 *
 * Composition uses GMime (mailout_init() or mailin_init() initialises it).
 * Delivery reads the queue in one read snapshot, delivers each message
 * (Maildir: tmp/ then rename into new/; SMTP: one libESMTP session for the
 * batch, recipient status checked per message), then removes the
 * delivered ones in one write transaction.  A lock file in the database
 * directory keeps two flushes from delivering the same message twice.
 * A crash between delivery and removal can deliver a message twice by
 * SMTP (never lose one); into a Maildir the second delivery replaces the
 * first, as file names come from the never-reused queue id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <gmime/gmime.h>
#pragma GCC diagnostic pop
#include <libesmtp.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/logline.h"
#include "util/msg.h"
#include "registry/mailout.h"
#include "rpsl/syntax.h"
#include "store/queue.h"

/* A header value without line breaks or control characters. */
static char *clean_header(const char *s)
{
    buf_t b;
    buf_init(&b);
    for (const char *p = s ? s : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r' || c == '\n' || c == '\t')
            buf_putc(&b, ' ');
        else if (c < ' ' || c == 127)
            continue;
        else
            buf_putc(&b, c);
    }
    return buf_steal(&b);
}

/* Does the text @body (@n bytes) need quoted-printable? */
static int needs_qp(const char *body, size_t n)
{
    size_t line = 0;
    const unsigned char *end = (const unsigned char *)body + n;
    for (const unsigned char *p = (const unsigned char *)body; p < end; p++) {
        if (*p >= 128 || *p == 0)
            return 1;
        line = *p == '\n' ? 0 : line + 1;
        if (line > 900)
            return 1;
    }
    return 0;
}

/* A new Message-ID: "TIME.RANDOM.PID@DOMAIN", DOMAIN that of @from (the
 * robot's address, syntax_email_usable()), else the host name. */
static char *new_message_id(time_t now, const char *from)
{
    unsigned char r[12];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        memset(r, 0, sizeof r);
    char host[256];
    const char *at = from ? strrchr(from, '@') : NULL;
    if (at != NULL && at[1] != 0 && strlen(at + 1) < sizeof host) {
        snprintf(host, sizeof host, "%s", at + 1);
    } else if (gethostname(host, sizeof host) != 0 || host[0] == 0) {
        snprintf(host, sizeof host, "localhost");
    }
    host[sizeof host - 1] = 0;
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "%lld.", (long long)now);
    for (size_t i = 0; i < sizeof r; i++)
        buf_printf(&b, "%02x", r[i]);
    buf_printf(&b, ".%ld@%s", (long)getpid(), host);
    return buf_steal(&b);
}

/*
 * The body through the filters GMime's writer applies (the transfer
 * encoding, then the newline format, which ends the text with a newline;
 * an empty body stays empty), a chunk at a time.  Appended to @out when
 * not NULL, written at @dst when not NULL; returns the encoded length.
 */
static size_t encode_body(GMimeFormatOptions *fo, GMimeContentEncoding enc,
                          const char *body, size_t blen, buf_t *out, char *dst)
{
    GMimeFilter *nl = g_mime_format_options_create_newline_filter(fo, TRUE);
    GMimeFilter *ce = g_mime_filter_basic_new(enc, TRUE);
    const size_t chunk = 65536;
    size_t off = 0, total = 0;
    while (off < blen) {
        size_t n = blen - off < chunk ? blen - off : chunk;
        int last = off + n == blen;
        char *o1, *o2;
        size_t l1, l2, p1, p2;
        if (last)
            g_mime_filter_complete(ce, (char *)body + off, n, 0, &o1, &l1, &p1);
        else
            g_mime_filter_filter(ce, (char *)body + off, n, 0, &o1, &l1, &p1);
        if (last)
            g_mime_filter_complete(nl, o1, l1, p1, &o2, &l2, &p2);
        else
            g_mime_filter_filter(nl, o1, l1, p1, &o2, &l2, &p2);
        if (out != NULL)
            buf_put(out, o2, l2);
        if (dst != NULL && l2 > 0)
            memcpy(dst + total, o2, l2);
        total += l2;
        off += n;
    }
    g_object_unref(ce);
    g_object_unref(nl);
    return total;
}

/*
 * The header block of @m (GMime writes it for an empty part) into *@head
 * (g_malloc'd), the body's transfer encoding into *@enc and the format
 * options into *@fo.  @return 0, ERR_SYNTAX for an unusable address.
 */
static int compose_head(const mailout_msg_t *m, int want_qp, char **head,
                        GMimeContentEncoding *enc, GMimeFormatOptions **fo, err_t *err)
{
    if (!syntax_email_usable(m->to))
        return err_set(err, ERR_SYNTAX, "unusable recipient address \"%s\"", m->to ? m->to : "");
    if (!syntax_email_usable(m->from))
        return err_set(err, ERR_SYNTAX, "unusable sender address \"%s\"", m->from ? m->from : "");

    GMimeMessage *msg = g_mime_message_new(TRUE);
    g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, NULL, m->from);
    g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, m->to);
    char *subject = clean_header(m->subject);
    g_mime_message_set_subject(msg, subject, "utf-8");
    free(subject);
    GDateTime *dt = g_date_time_new_from_unix_utc((gint64)m->date);
    g_mime_message_set_date(msg, dt);
    g_date_time_unref(dt);
    char *mid = new_message_id(m->date, m->from);
    g_mime_message_set_message_id(msg, mid);
    free(mid);
    if (m->in_reply_to && *m->in_reply_to) {
        char *irt = clean_header(m->in_reply_to);
        g_mime_object_set_header((GMimeObject *)msg, "In-Reply-To", irt, NULL);
        g_mime_object_set_header((GMimeObject *)msg, "References", irt, NULL);
        free(irt);
    }
    g_mime_object_set_header((GMimeObject *)msg, "Auto-Submitted",
                             m->kind == MAILOUT_ACK ? "auto-replied" : "auto-generated", NULL);

    GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
    const char *body = m->body ? m->body : "";
    *enc = want_qp || needs_qp(body, strlen(body)) ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
                          : GMIME_CONTENT_ENCODING_7BIT;
    /* GMime writes the headers (an empty part); the body is encoded by
     * encode_body(), through the same filters GMime's writer applies: a
     * large body is not copied into GMime and back.  Not
     * g_mime_text_part_set_text(): it re-encodes text that fits in Latin-1
     * as ISO-8859-1, and the body must stay the UTF-8 it says. */
    GMimeStream *bs = g_mime_stream_mem_new();
    GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(bs, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content((GMimePart *)part, dw);
    g_object_unref(dw);
    g_object_unref(bs);
    g_mime_text_part_set_charset(part, "utf-8");
    g_mime_part_set_content_encoding((GMimePart *)part, *enc);
    g_mime_message_set_mime_part(msg, (GMimeObject *)part);
    g_object_unref(part);

    *fo = g_mime_format_options_clone(NULL);
    g_mime_format_options_set_newline_format(*fo, GMIME_NEWLINE_FORMAT_UNIX);
    *head = g_mime_object_to_string((GMimeObject *)msg, *fo);
    g_object_unref(msg);
    return 0;
}

void mailout_init(void)
{
    g_mime_init();
}

void mailout_shutdown(void)
{
    g_mime_shutdown();
}

int mailout_compose(const mailout_msg_t *m, buf_t *out, err_t *err)
{
    char *s;
    GMimeContentEncoding enc;
    GMimeFormatOptions *fo;
    int rc = compose_head(m, 0, &s, &enc, &fo, err);
    if (rc)
        return rc;
    const char *body = m->body ? m->body : "";
    size_t blen = strlen(body);
    size_t hlen = strlen(s);
    /* the encoded body: about its size for 7bit, a little more for QP */
    buf_reserve(out, hlen + blen + (enc == GMIME_CONTENT_ENCODING_7BIT ? 0 : blen / 8) + 64);
    buf_put(out, s, hlen);
    g_free(s);
    encode_body(fo, enc, body, blen, out, NULL);
    g_mime_format_options_free(fo);
    return 0;
}

int mailout_compose_queue(store_txn_t *txn, const mailout_msg_t *m, buf_t *copy,
                          err_t *err)
{
    char *s;
    GMimeContentEncoding enc;
    GMimeFormatOptions *fo;
    int rc = compose_head(m, 0, &s, &enc, &fo, err);
    if (rc)
        return rc;
    const char *body = m->body ? m->body : "";
    size_t blen = strlen(body);
    size_t hlen = strlen(s);
    /* first the encoded length, then the bytes straight into the queue */
    size_t elen = encode_body(fo, enc, body, blen, NULL, NULL);
    void *dst = NULL;
    rc = store_queue_reserve(txn, m->to, hlen + elen, &dst, NULL, err);
    if (rc == 0) {
        char *d = dst;
        memcpy(d, s, hlen);
        size_t n = encode_body(fo, enc, body, blen, NULL, d + hlen);
        if (n != elen)      /* the filters are deterministic: never */
            rc = err_set(err, ERR_STORE, "mail: encoded body changed length");
        else if (copy != NULL)
            buf_put(copy, d, hlen + elen);
    }
    g_free(s);
    g_mime_format_options_free(fo);
    return rc;
}

/* The recipe item tags and the first byte of a recipe (mailout.h). */
#define RECIPE_MARK 0
#define ITEM_TEXT 'T'
#define ITEM_PART 'P'

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Does the body made of @segs need quoted-printable?  A part is looked
 * at once (mailout_part_t.qp). */
static int segs_need_qp(const mailout_seg_t *segs, size_t nsegs, mailout_part_t *parts)
{
    for (size_t i = 0; i < nsegs; i++) {
        if (segs[i].text != NULL) {
            if (needs_qp(segs[i].text, segs[i].len))
                return 1;
            continue;
        }
        mailout_part_t *p = &parts[segs[i].part];
        if (p->qp == 0)
            p->qp = needs_qp(p->text, p->len) ? 2 : 1;
        if (p->qp == 2)
            return 1;
    }
    return 0;
}

int mailout_segs_size(const mailout_msg_t *m, const mailout_seg_t *segs, size_t nsegs,
                      mailout_part_t *parts, size_t *size, err_t *err)
{
    *size = 0;
    mailout_msg_t head_only = *m;
    head_only.body = NULL;
    char *head;
    GMimeContentEncoding enc;
    GMimeFormatOptions *fo;
    int rc = compose_head(&head_only, segs_need_qp(segs, nsegs, parts), &head, &enc, &fo, err);
    if (rc)
        return rc;
    int e = enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    size_t total = strlen(head);
    for (size_t i = 0; i < nsegs; i++) {
        if (segs[i].text != NULL) {
            total += encode_body(fo, enc, segs[i].text, segs[i].len, NULL, NULL);
            continue;
        }
        mailout_part_t *p = &parts[segs[i].part];
        if (p->size[e] == 0)
            p->size[e] = 1 + encode_body(fo, enc, p->text, p->len, NULL, NULL);
        total += p->size[e] - 1;
    }
    g_free(head);
    g_mime_format_options_free(fo);
    *size = total;
    return 0;
}

int mailout_compose_queue_segs(store_txn_t *txn, const mailout_msg_t *m,
                               const mailout_seg_t *segs, size_t nsegs,
                               mailout_part_t *parts, err_t *err)
{
    int qp = segs_need_qp(segs, nsegs, parts);
    mailout_msg_t head_only = *m;
    head_only.body = NULL;
    char *head;
    GMimeContentEncoding enc;
    GMimeFormatOptions *fo;
    int rc = compose_head(&head_only, qp, &head, &enc, &fo, err);
    if (rc)
        return rc;
    int e = enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    size_t hlen = strlen(head);
    /* the parts first (a reserved message must be written before the next
     * write in the transaction), each once per encoding */
    size_t total = 1 + 9 + hlen;
    for (size_t i = 0; rc == 0 && i < nsegs; i++) {
        if (segs[i].text != NULL) {
            total += 9 + encode_body(fo, enc, segs[i].text, segs[i].len, NULL, NULL);
            continue;
        }
        total += 9;
        mailout_part_t *p = &parts[segs[i].part];
        if (p->queued[e] != 0)
            continue;
        size_t elen = encode_body(fo, enc, p->text, p->len, NULL, NULL);
        void *dst = NULL;
        rc = store_queue_reserve(txn, "", elen, &dst, &p->queued[e], err);
        if (rc == 0)
            encode_body(fo, enc, p->text, p->len, NULL, dst);
    }
    void *dst = NULL;
    if (rc == 0)
        rc = store_queue_reserve(txn, m->to, total, &dst, NULL, err);
    if (rc == 0) {
        unsigned char *d = dst;
        *d++ = RECIPE_MARK;
        *d++ = ITEM_TEXT;
        put_be64(d, hlen);
        memcpy(d + 8, head, hlen);
        d += 8 + hlen;
        for (size_t i = 0; i < nsegs; i++) {
            if (segs[i].text != NULL) {
                *d++ = ITEM_TEXT;
                size_t n = encode_body(fo, enc, segs[i].text, segs[i].len, NULL, (char *)d + 8);
                put_be64(d, n);
                d += 8 + n;
            } else {
                *d++ = ITEM_PART;
                put_be64(d, parts[segs[i].part].queued[e]);
                d += 8;
            }
        }
        if ((size_t)(d - (unsigned char *)dst) != total)     /* deterministic: never */
            rc = err_set(err, ERR_STORE, "mail: encoded body changed length");
    }
    g_free(head);
    g_mime_format_options_free(fo);
    return rc;
}

int mailout_queue(store_txn_t *txn, const char *to, const char *data, size_t len,
                  err_t *err)
{
    return store_queue_put(txn, to, data, len, NULL, err);
}

/* ------------------------------------------------------------------ */
/* Delivery                                                           */

/* One piece of a message as delivered: bytes in the read snapshot. */
struct piece {
    const char *p;
    size_t n;
};

struct qmsg {
    uint64_t id;
    char *rcpt;
    struct piece *pieces;   /* the message, in order (in the snapshot) */
    size_t npieces;
    size_t len;             /* their total length */
    uint64_t *refs;         /* the parts it uses */
    size_t nrefs;
    int done;       /* 1 delivered, 2 refused for good: remove */
};

struct qpart {
    uint64_t id;
    const char *data;       /* in the snapshot */
    size_t len;
};

struct qlist {
    struct qmsg *v;
    size_t n, cap;
    struct qpart *parts;    /* shared parts (empty recipient), by id */
    size_t nparts, pcap;
    const char *maildir;    /* deliver here from the snapshot, or NULL */
    int rc;                 /* maildir: ERR_TEMP after a failure */
    err_t *err;             /* maildir: the last failure */
};

static int maildir_put(const char *dir, const struct qmsg *m, err_t *err);

static void add_piece(struct qmsg *m, const char *p, size_t n)
{
    m->pieces = xrealloc(m->pieces, (m->npieces + 1) * sizeof *m->pieces);
    m->pieces[m->npieces].p = p;
    m->pieces[m->npieces].n = n;
    m->npieces++;
    m->len += n;
}

static const struct qpart *find_part(const struct qlist *q, uint64_t id)
{
    /* parts are queued before the messages using them: ids ascend */
    size_t lo = 0, hi = q->nparts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q->parts[mid].id == id)
            return &q->parts[mid];
        if (q->parts[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The pieces of the recipe @data (mailout.h "Shared parts").  0, or -1
 * when it is malformed or names a part that is not queued. */
static int read_recipe(const struct qlist *q, struct qmsg *m, const char *data, size_t len)
{
    const unsigned char *d = (const unsigned char *)data + 1, *end = (const unsigned char *)data + len;
    while (d < end) {
        if (end - d < 9)
            return -1;
        unsigned char tag = *d;
        uint64_t v = get_be64(d + 1);
        d += 9;
        if (tag == ITEM_TEXT) {
            if (v > (uint64_t)(end - d))
                return -1;
            add_piece(m, (const char *)d, (size_t)v);
            d += v;
        } else if (tag == ITEM_PART) {
            const struct qpart *p = find_part(q, v);
            m->refs = xrealloc(m->refs, (m->nrefs + 1) * sizeof *m->refs);
            m->refs[m->nrefs++] = v;
            if (p == NULL)
                return -1;
            add_piece(m, p->data, p->len);
        } else {
            return -1;
        }
    }
    return 0;
}

/* One queued entry: a shared part is remembered; a message is delivered
 * into the Maildir straight from the read snapshot's mapped bytes (no
 * copy), or kept (as pieces of the snapshot) for SMTP. */
static int collect(uint64_t id, const char *rcpt, const char *data, size_t len, void *arg)
{
    struct qlist *q = arg;
    if (rcpt[0] == 0) {
        if (q->nparts == q->pcap) {
            q->pcap = q->pcap ? q->pcap * 2 : 16;
            q->parts = xrealloc(q->parts, q->pcap * sizeof *q->parts);
        }
        q->parts[q->nparts].id = id;
        q->parts[q->nparts].data = data;
        q->parts[q->nparts].len = len;
        q->nparts++;
        return 0;
    }
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->v = xrealloc(q->v, q->cap * sizeof *q->v);
    }
    struct qmsg *m = &q->v[q->n++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->rcpt = xstrdup(rcpt);
    if (len > 0 && data[0] == RECIPE_MARK) {
        if (read_recipe(q, m, data, len) != 0) {
            /* never deliverable: dropped, and said so */
            m->done = 2;
            buf_t line;
            buf_init(&line);
            logline_kv(&line, "delivery", "dropped");
            logline_kv(&line, "queue-id", "%llu", (unsigned long long)id);
            logline_kv(&line, "to", "%s", rcpt);
            logline_kv(&line, "reason", "it refers to a part that is not queued");
            msg_kv(LOG_WARNING, &line);
            buf_free(&line);
            return 0;
        }
    } else {
        add_piece(m, data, len);
    }
    if (q->maildir != NULL) {
        if (maildir_put(q->maildir, m, q->err) == 0)
            m->done = 1;
        else
            q->rc = ERR_TEMP;
    }
    return 0;
}

/* Deliver one message into the Maildir @dir.  Returns 0 or -1 (errno). */
static int maildir_put(const char *dir, const struct qmsg *m, err_t *err)
{
    char *tmp = xasprintf("%s/tmp", dir), *new = xasprintf("%s/new", dir);
    char *cur = xasprintf("%s/cur", dir);
    int rc = -1, fd = -1;
    char *tpath = NULL, *npath = NULL;
    if (fs_mkdirs(tmp, 0750) || fs_mkdirs(new, 0750) || fs_mkdirs(cur, 0750)) {
        err_set(err, ERR_IO, "%s: %s", dir, strerror(errno));
        goto leave;
    }
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = 0;
    for (char *p = host; *p; p++)
        if (*p == '/' || *p == ':')
            *p = '_';
    /* The name comes from the queue id alone, never reused by the store:
     * a message delivered again after a crash between this rename and its
     * removal from the queue replaces its first copy instead of adding a
     * second one. */
    char *name = xasprintf("autodbm.Q%llu.%s", (unsigned long long)m->id, host);
    tpath = xasprintf("%s/%s", tmp, name);
    npath = xasprintf("%s/%s", new, name);
    free(name);
    fd = open(tpath, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    int werr = fd < 0;
    for (size_t i = 0; !werr && i < m->npieces; i++)
        werr = fs_write_all(fd, m->pieces[i].p, m->pieces[i].n) != 0;
    if (werr || fsync(fd) != 0) {
        err_set(err, ERR_IO, "%s: %s", tpath, strerror(errno));
        goto leave;
    }
    close(fd);
    fd = -1;
    if (rename(tpath, npath) != 0) {
        err_set(err, ERR_IO, "%s: %s", npath, strerror(errno));
        goto leave;
    }
    int dfd = open(new, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
leave:
    if (fd >= 0) {
        close(fd);
        unlink(tpath);
    }
    free(tmp);
    free(new);
    free(cur);
    free(tpath);
    free(npath);
    return rc;
}

/* libESMTP message callback: the whole message in one CRLF chunk, made
 * when libESMTP asks for it and let go once it was sent, so one message
 * at a time is held whole. */
struct smtp_body {
    const struct qmsg *m;
    buf_t crlf;
    int sent;
};

static void to_crlf(const char *s, size_t n, int *prev_cr, buf_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && !*prev_cr)
            buf_putc(out, '\r');
        buf_putc(out, s[i]);
        *prev_cr = s[i] == '\r';
    }
}

static const char *body_cb(void **ctx, int *len, void *arg)
{
    struct smtp_body *b = arg;
    (void)ctx;
    if (len == NULL) {      /* rewind */
        b->sent = 0;
        return NULL;
    }
    if (b->sent) {
        buf_free(&b->crlf);
        *len = 0;
        return NULL;
    }
    buf_reset(&b->crlf);
    int prev_cr = 0;
    for (size_t i = 0; i < b->m->npieces; i++)
        to_crlf(b->m->pieces[i].p, b->m->pieces[i].n, &prev_cr, &b->crlf);
    b->sent = 1;
    *len = (int)b->crlf.len;
    return b->crlf.s ? b->crlf.s : "";
}

/* Deliver the batch over SMTP; mark delivered messages done. */
static int smtp_send(const conf_t *conf, struct qlist *q, unsigned *refused, err_t *err)
{
    smtp_session_t session = smtp_create_session();
    if (session == NULL)
        return err_set(err, ERR_TEMP, "smtp: cannot create a session");
    smtp_set_server(session, conf->smtp_server);
    smtp_set_timeout(session, Timeout_GREETING, 30);
    smtp_set_timeout(session, Timeout_ENVELOPE, 30);
    smtp_set_timeout(session, Timeout_TRANSFER, 60);
    struct smtp_body *bodies = xcalloc(q->n + 1, sizeof *bodies);
    smtp_message_t *msgs = xcalloc(q->n + 1, sizeof *msgs);
    smtp_recipient_t *rcpts = xcalloc(q->n + 1, sizeof *rcpts);
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].done)
            continue;
        bodies[i].m = &q->v[i];
        buf_init(&bodies[i].crlf);
        msgs[i] = smtp_add_message(session);
        smtp_set_reverse_path(msgs[i], conf->robot_address);
        smtp_set_messagecb(msgs[i], body_cb, &bodies[i]);
        rcpts[i] = smtp_add_recipient(msgs[i], q->v[i].rcpt);
    }
    int rc = 0;
    if (!smtp_start_session(session)) {
        char ebuf[128];
        rc = err_set(err, ERR_TEMP, "smtp %s: %s", conf->smtp_server,
                     smtp_strerror(smtp_errno(), ebuf, sizeof ebuf));
    }
    for (size_t i = 0; i < q->n; i++) {
        if (msgs[i] == NULL)
            continue;
        const smtp_status_t *ms = smtp_message_transfer_status(msgs[i]);
        const smtp_status_t *rs = smtp_recipient_status(rcpts[i]);
        if (ms && ms->code / 100 == 2 && rs && rs->code / 100 == 2) {
            q->v[i].done = 1;
        } else if (rs && rs->code / 100 == 5) {
            /* refused for good by our own MTA: keeping it would retry
             * forever.  Dropped, so say so (the operator's only trace). */
            q->v[i].done = 2;
            (*refused)++;
            const char *t = rs->text ? rs->text : "";
            buf_t line;
            buf_init(&line);
            logline_kv(&line, "delivery", "dropped");
            logline_kv(&line, "queue-id", "%llu", (unsigned long long)q->v[i].id);
            logline_kv(&line, "to", "%s", q->v[i].rcpt);
            logline_kv(&line, "reason", "smtp %s refused it for good: %d %.*s",
                       conf->smtp_server, rs->code, (int)strcspn(t, "\r\n"), t);
            msg_kv(LOG_WARNING, &line);
            buf_free(&line);
        }
        buf_free(&bodies[i].crlf);
    }
    smtp_destroy_session(session);
    free(bodies);
    free(msgs);
    free(rcpts);
    return rc;
}

/* Remove the delivered (or dropped) messages, then every part no message
 * left in the queue refers to. */
static int remove_done(store_txn_t *txn, void *arg, err_t *err)
{
    struct qlist *q = arg;
    for (size_t i = 0; i < q->n; i++) {
        if (!q->v[i].done)
            continue;
        int rc = store_queue_del(txn, q->v[i].id, err);
        if (rc && rc != ERR_NOTFOUND)
            return rc;
    }
    for (size_t k = 0; k < q->nparts; k++) {
        int used = 0;
        for (size_t i = 0; i < q->n && !used; i++)
            for (size_t r = 0; !q->v[i].done && r < q->v[i].nrefs && !used; r++)
                used = q->v[i].refs[r] == q->parts[k].id;
        if (used)
            continue;
        int rc = store_queue_del(txn, q->parts[k].id, err);
        if (rc && rc != ERR_NOTFOUND)
            return rc;
    }
    return 0;
}

int mailout_flush(store_t *st, const conf_t *conf, mailout_stats_t *stats, err_t *err)
{
    stats->delivered = stats->deferred = 0;
    char *lockpath = xasprintf("%s/flush.lock", conf->database);
    int lfd = open(lockpath, O_RDWR | O_CREAT, 0640);
    free(lockpath);
    if (lfd < 0)
        return err_set(err, ERR_TEMP, "flush lock: %s", strerror(errno));
    if (flock(lfd, LOCK_EX) != 0) {
        close(lfd);
        return err_set(err, ERR_TEMP, "flush lock: %s", strerror(errno));
    }
    struct qlist q;
    memset(&q, 0, sizeof q);
    q.err = err;
    if (conf->delivery == CONF_DELIVERY_MAILDIR)
        q.maildir = conf->outbox;
    store_txn_t *txn = NULL;
    /* The messages are delivered from the read snapshot's mapped bytes:
     * it stays open until they are sent. */
    int rc = store_read_begin(st, &txn, err);
    if (rc == 0)
        rc = store_queue_each(txn, collect, &q, err);
    unsigned refused = 0;
    if (rc == 0 && q.n > 0 && conf->delivery != CONF_DELIVERY_MAILDIR)
        rc = smtp_send(conf, &q, &refused, err);
    else if (rc == 0)
        rc = q.rc;      /* delivered by collect() */
    if (txn != NULL)
        store_read_end(txn);
    if (q.n > 0 || q.nparts > 0) {
        err_t e2 = ERR_INIT;
        int rc2 = store_write(st, remove_done, &q, &e2);
        if (rc2 && rc == 0) {
            rc = rc2;
            err_set(err, rc2, "%s", err_text(&e2));
        }
        err_free(&e2);
    }
    for (size_t i = 0; i < q.n; i++) {
        if (q.v[i].done == 1)
            stats->delivered++;
        else if (q.v[i].done == 0)
            stats->deferred++;
        free(q.v[i].rcpt);
        free(q.v[i].pieces);
        free(q.v[i].refs);
    }
    free(q.v);
    free(q.parts);
    if (rc == 0 && stats->deferred)
        rc = err_set(err, ERR_TEMP, "%u messages left queued", stats->deferred);
    flock(lfd, LOCK_UN);
    close(lfd);
    (void)refused;
    return rc;
}

int mailout_deliver(store_t *st, const conf_t *conf, buf_t *log)
{
    mailout_stats_t ms = { 0, 0 };
    err_t err = ERR_INIT;
    int rc = mailout_flush(st, conf, &ms, &err);
    logline_kv(log, "delivered", "%u", ms.delivered);
    if (rc != 0) {
        logline_kv(log, "queued", "%u", ms.deferred);
        logline_kv(log, "delivery-error", "%s", err_text(&err));
    } else {
        logline_kv(log, "queued", "0");
    }
    err_free(&err);
    return rc;
}
