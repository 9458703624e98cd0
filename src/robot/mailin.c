/*
 * mailin.c - the incoming mail: the headers the robot needs and the pieces
 * of update text found in the MIME tree (see mailin.h).
 *
 * GMime parses the bytes into a tree of parts; this module walks that
 * tree itself, with a nesting limit and a part limit, so that a hostile
 * structure can neither exhaust the stack nor take unbounded time.  (The
 * GMime parser bounds its own recursion: it stops building multiparts at
 * a fixed depth and keeps deeper structure as opaque leaf content.)
 *
 * Everything read here is untrusted.  Text parts are decoded from their
 * transfer encoding and charset into UTF-8; whatever cannot be decoded is
 * read as raw bytes (UTF-8 when that is valid, Latin-1 otherwise), and the
 * result is always valid UTF-8 without NUL bytes (U+FFFD stands in for
 * both) with LF line ends.  Header values are decoded (RFC 2047),
 * unfolded, made valid UTF-8 and cleaned of control characters, so that
 * nothing taken from them can inject a header into a reply.
 *
 * The only process state is GMime's own, set up by mailin_init().
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <gmime/gmime.h>
#pragma GCC diagnostic pop

#include "util/buf.h"
#include "robot/mailin.h"
#include "registry/mimescan.h"
#include "registry/pgp.h"
#include "registry/textin.h"
#include "rpsl/syntax.h"
#include "util/text.h"

#define DEFAULT_MAX_DEPTH   32
#define DEFAULT_MAX_PARTS   1000
#define DEFAULT_MAX_HEADER  ((size_t)512 << 10)
#define TYPE_NAME_MAX       64      /* a type name quoted in a message */
#define MAX_SIGNED_NEST     8       /* nested PGP/MIME layers checked (each
                                       holds a copy of its signed part) */

/* The state of one walk over a MIME tree. */
struct walk {
    mailin_msg_t *m;
    unsigned max_depth;
    unsigned max_parts;
    unsigned nparts;        /* parts visited so far */
    int stopped;            /* a limit was hit: visit nothing more */
    int seen_encrypted;     /* an encrypted part was skipped */
    int seen_html;          /* a text/html part was skipped */
    char *unsupported;      /* first other type skipped, or NULL */
    int refused;            /* text was refused with an error that says
                               why (no "No valid update found") */
    unsigned in_signed;     /* checked PGP/MIME parts around the visit */
    textin_t *t;            /* the text parts' reader (registry/textin.h):
                               its pieces, signatures and their limit */
};

void mailin_init(void)
{
    g_mime_init();
}

void mailin_shutdown(void)
{
    g_mime_shutdown();
}

/* ---- header values ---------------------------------------------------- */

/*
 * A header value fit to keep: valid UTF-8, control characters (CR and LF
 * among them) turned into spaces, outer white space trimmed.  NULL in,
 * NULL out.
 */
static char *clean_header(const char *v)
{
    if (v == NULL)
        return NULL;
    buf_t b;
    buf_init(&b);
    textin_put_utf8(&b, v, strlen(v));
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.s[i];
        if (c < 0x20 || c == 0x7F)
            b.s[i] = ' ';
    }
    size_t start = 0, end = b.len;
    while (start < end && b.s[start] == ' ')
        start++;
    while (end > start && b.s[end - 1] == ' ')
        end--;
    char *r = xstrndup(b.s + start, end - start);
    buf_free(&b);
    return r;
}

/* The decoded, unfolded value of header @name of @o, or NULL. */
static const char *header(GMimeObject *o, const char *name)
{
    return g_mime_object_get_header(o, name);
}

/* ---- addresses -------------------------------------------------------- */

/* The addr-spec of the only mailbox of @l, unchecked; NULL if not one. */
static const char *list_single_addr(InternetAddressList *l)
{
    if (l == NULL || internet_address_list_length(l) != 1)
        return NULL;
    InternetAddress *ia = internet_address_list_get_address(l, 0);
    if (ia == NULL || !INTERNET_ADDRESS_IS_MAILBOX(ia))
        return NULL;
    return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
}

/* A copy of the checked address of the only mailbox of @l, or NULL. */
static char *list_address(InternetAddressList *l)
{
    const char *a = list_single_addr(l);
    return syntax_email_usable(a) ? xstrdup(a) : NULL;
}

char *mailin_address(const char *header_value)
{
    if (header_value == NULL)
        return NULL;
    for (const char *p = header_value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return NULL;        /* CR, LF: header injection */
    }
    InternetAddressList *l = internet_address_list_parse(NULL, header_value);
    if (l == NULL)
        return NULL;
    char *r = list_address(l);
    g_object_unref(l);
    return r;
}

/* Whether the local part of @a names a mail system (bounce sender). */
static int daemon_local_part(const char *a)
{
    if (a == NULL)
        return 0;
    const char *at = strrchr(a, '@');
    size_t n = at ? (size_t)(at - a) : strlen(a);
    return (n == 13 && strncasecmp(a, "mailer-daemon", n) == 0) ||
           (n == 10 && strncasecmp(a, "postmaster", n) == 0);
}

/* ---- MIME types ------------------------------------------------------- */

/*
 * The lower-cased "type/subtype" of @o.  GMime turns a Content-Type it
 * cannot parse into application/octet-stream; then the type as written
 * is used instead, so that the message names it, and a bare "text"
 * (seen in real mail) is read as text/plain.
 */
static char *mime_type(GMimeObject *o)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    const char *t = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    const char *s = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
    buf_t b;
    buf_init(&b);
    textin_put_token(&b, t && *t ? t : "application", TYPE_NAME_MAX);
    buf_putc(&b, '/');
    textin_put_token(&b, s && *s ? s : "octet-stream", TYPE_NAME_MAX);
    const char *raw = header(o, "Content-Type");
    if (strcmp(b.s, "application/octet-stream") == 0 && raw != NULL) {
        buf_t w;
        buf_init(&w);
        size_t n = strcspn(raw, ";");
        char *tok = xstrndup(raw, n);
        textin_put_token(&w, tok, TYPE_NAME_MAX * 2);
        free(tok);
        if (strcmp(w.s, "text") == 0) {
            buf_reset(&b);
            buf_puts(&b, "text/plain");
        } else if (w.len > 0) {
            buf_reset(&b);
            buf_puts(&b, w.s);
        }
        buf_free(&w);
    }
    return buf_steal(&b);
}

static int type_is_encrypted(const char *t)
{
    return strcmp(t, "multipart/encrypted") == 0 ||
           strcmp(t, "application/pgp-encrypted") == 0 ||
           strcmp(t, "application/pkcs7-mime") == 0 ||
           strcmp(t, "application/x-pkcs7-mime") == 0;
}

/* ---- the walk --------------------------------------------------------- */

static void note_unsupported(struct walk *w, const char *type)
{
    if (w->unsupported == NULL)
        w->unsupported = xstrdup(type);
}

/* Decode a text part and add its pieces (registry/textin.h). */
static void add_text_piece(struct walk *w, GMimePart *part)
{
    GMimeStream *mem = g_mime_stream_mem_new();
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    if (dw != NULL)
        g_mime_data_wrapper_write_to_stream(dw, mem);   /* transfer-decodes */
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
                                                              "charset");
    if (w->in_signed > 0 && !textin_charset_keeps_lines(cs))
        textin_refuse_charset(w->t, cs);
    else if (ba != NULL && ba->len > 0)
        textin_add(w->t, (const char *)ba->data, ba->len, cs, NULL);
    g_object_unref(mem);
}

static void walk(struct walk *w, GMimeObject *o, unsigned depth, int top);

/* The transfer-decoded content of a leaf part, appended to @out. */
static void part_content(GMimeObject *o, buf_t *out)
{
    if (!GMIME_IS_PART(o))
        return;
    GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(o));
    if (dw == NULL)
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (ba != NULL && ba->len > 0)
        buf_put(out, ba->data, ba->len);
    g_object_unref(mem);
}

/*
 * The first body part @content of a multipart/signed entity as GMime
 * writes it out again: its headers and body in canonical CRLF form, the
 * bytes RFC 3156 signs (the same serialisation as GMime's own
 * g_mime_multipart_signed_verify()).  The caller unrefs the stream; its
 * byte array holds the bytes.
 */
static GMimeStream *signed_bytes(GMimeObject *content)
{
    GMimeStream *mem = g_mime_stream_mem_new();
    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    g_mime_object_write_to_stream(content, fo, mem);
    g_mime_format_options_free(fo);
    return mem;
}

/* The MIME part that the bytes of @mem (an entity) are, or NULL. */
static GMimeObject *parse_entity(GMimeStream *mem)
{
    g_mime_stream_reset(mem);
    GMimeParser *parser = g_mime_parser_new_with_stream(mem);
    GMimeObject *o = g_mime_parser_construct_part(parser, NULL);
    g_object_unref(parser);
    return o;
}

/*
 * multipart/signed.  With protocol application/pgp-signature and a
 * signature part, the signature is checked over the bytes of the signed
 * part (signed_bytes()), and THOSE bytes, parsed again, are walked: every
 * piece found in them gets the signature's credentials, so what is
 * processed as signed is exactly what was verified (never bytes found by
 * searching the mail for a boundary line).  Otherwise (no signature part,
 * another protocol, no verifier, a check that failed, more than
 * MAX_SIGNED_NEST checked layers around it) the signed part is walked as
 * it stands, without credentials.
 */
static void walk_signed(struct walk *w, GMimeMultipart *mp, unsigned depth)
{
    if (g_mime_multipart_get_count(mp) < 1)
        return;
    GMimeObject *content = g_mime_multipart_get_part(mp, 0);
    const char *proto = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp),
                                                                 "protocol");
    buf_t sig;
    buf_init(&sig);
    if (g_mime_multipart_get_count(mp) >= 2 && proto != NULL &&
        strcasecmp(proto, "application/pgp-signature") == 0)
        part_content(g_mime_multipart_get_part(mp, 1), &sig);
    pgp_t *pgp = sig.len > 0 ? textin_pgp(w->t) : NULL;
    if (pgp != NULL && w->in_signed >= MAX_SIGNED_NEST) {
        diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT, "PGP/MIME signatures "
                 "nested more than %d levels deep were not checked",
                 MAX_SIGNED_NEST);
        pgp = NULL;
    }
    if (pgp == NULL) {
        buf_free(&sig);
        walk(w, content, depth + 1, 0);
        return;
    }
    const pgp_time_policy_t *tp = textin_count_signed(w->t);
    if (tp == NULL) {
        buf_free(&sig);
        return;
    }
    GMimeStream *mem = signed_bytes(content);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    pgp_sig_t *sigs = NULL;
    size_t nsigs = 0;
    err_t err = ERR_INIT;
    int rc = pgp_verify_detached(pgp, (const char *)ba->data, ba->len, sig.s, sig.len,
                                 tp, &sigs, &nsigs, &err);
    GMimeObject *verified = rc == 0 ? parse_entity(mem) : NULL;
    if (!textin_count_more(w->t, rc, nsigs)) {
        /* nothing of it is processed */
    } else if (rc != 0) {
        diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT, "The PGP/MIME "
                 "signature could not be checked: %s", err_text(&err));
        walk(w, content, depth + 1, 0);
    } else if (verified == NULL) {
        diag_add(&w->m->diags, DIAG_ERROR, DIAG_OBJECT, "The signed part of a "
                 "PGP/MIME signed message cannot be read; it was not processed");
        w->refused = 1;
    } else {
        size_t first, n;
        textin_pieces(w->t, &first);
        w->in_signed++;
        walk(w, verified, depth + 1, 0);
        w->in_signed--;
        cred_list_t creds = CRED_LIST_INIT;
        textin_sig_creds(&creds, sigs, nsigs);
        textin_piece_t *pieces = textin_pieces(w->t, &n);
        for (size_t i = first; i < n; i++)
            cred_list_append(&pieces[i].creds, &creds);
        cred_list_free(&creds);
        g_object_unref(verified);
    }
    pgp_sig_free(sigs, nsigs);
    err_free(&err);
    g_object_unref(mem);
    buf_free(&sig);
}

/*
 * multipart/alternative: the first text/plain alternative; failing that
 * the first nested multipart (it may hold one); failing that nothing,
 * and what the alternatives were explains the error.
 */
static void walk_alternative(struct walk *w, GMimeMultipart *mp, unsigned depth)
{
    int n = g_mime_multipart_get_count(mp);
    if (n > 0 && (unsigned)n > w->max_parts)
        n = (int)w->max_parts;      /* alternatives are not walked parts */
    GMimeObject *choice = NULL;
    for (int i = 0; i < n && choice == NULL; i++) {
        GMimeObject *c = g_mime_multipart_get_part(mp, i);
        char *t = mime_type(c);
        if (strcmp(t, "text/plain") == 0)
            choice = c;
        free(t);
    }
    for (int i = 0; i < n && choice == NULL; i++) {
        GMimeObject *c = g_mime_multipart_get_part(mp, i);
        if (GMIME_IS_MULTIPART(c))
            choice = c;
    }
    if (choice != NULL) {
        walk(w, choice, depth + 1, 0);
        return;
    }
    for (int i = 0; i < n; i++) {
        char *t = mime_type(g_mime_multipart_get_part(mp, i));
        if (strcmp(t, "text/html") == 0)
            w->seen_html = 1;
        else if (type_is_encrypted(t))
            w->seen_encrypted = 1;
        else
            note_unsupported(w, t);
        free(t);
    }
}

/*
 * Visit @o at nesting @depth (the body is at 0); @top is set for the body
 * itself, whose type is not an "attachment".
 */
static void walk(struct walk *w, GMimeObject *o, unsigned depth, int top)
{
    if (w->stopped || textin_over_signed(w->t) || o == NULL)
        return;
    if (depth > w->max_depth) {
        diag_add(&w->m->diags, DIAG_ERROR, DIAG_OBJECT,
                 "The MIME structure of the mail is too deeply nested (more "
                 "than %u levels); the parts below were not processed",
                 w->max_depth);
        w->stopped = 1;
        w->m->over_limit = MAILIN_OVER_MIME;
        return;
    }
    if (++w->nparts > w->max_parts) {
        diag_add(&w->m->diags, DIAG_ERROR, DIAG_OBJECT,
                 "The mail has too many MIME parts (more than %u); the "
                 "remaining parts were not processed", w->max_parts);
        w->stopped = 1;
        w->m->over_limit = MAILIN_OVER_MIME;
        return;
    }
    char *type = mime_type(o);
    if (type_is_encrypted(type) || GMIME_IS_MULTIPART_ENCRYPTED(o)) {
        w->seen_encrypted = 1;
        if (!top)
            diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT,
                     "An encrypted part (%s) was ignored: encrypted mail is "
                     "not supported", type);
    } else if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        if (GMIME_IS_MULTIPART_SIGNED(o) || strcmp(type, "multipart/signed") == 0) {
            walk_signed(w, mp, depth);
        } else if (strcmp(type, "multipart/alternative") == 0) {
            walk_alternative(w, mp, depth);
        } else {
            int n = g_mime_multipart_get_count(mp);
            for (int i = 0; i < n && !w->stopped && !textin_over_signed(w->t); i++)
                walk(w, g_mime_multipart_get_part(mp, i), depth + 1, 0);
        }
    } else if (GMIME_IS_MESSAGE_PART(o)) {
        diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT,
                 "An attached mail (%s) was not processed", type);
        note_unsupported(w, type);
    } else if (GMIME_IS_PART(o) && (strcmp(type, "text/plain") == 0 ||
                                    strcmp(type, "application/pgp") == 0)) {
        /* application/pgp (RFC 1991 era, "x-action=sign"): clearsigned text */
        add_text_piece(w, GMIME_PART(o));
    } else {
        if (strcmp(type, "text/html") == 0)
            w->seen_html = 1;
        else
            note_unsupported(w, type);
        if (!top)
            diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT,
                     "Attachment of type %s was ignored", type);
    }
    free(type);
}

/* The message-level error of a mail that gave no piece of text. */
static void explain_no_text(struct walk *w)
{
    diag_list_t *d = &w->m->diags;
    if (w->refused || textin_refused(w->t))
        return;     /* the error that says why is there */
    if (w->seen_encrypted)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "No valid update found: "
                 "encrypted mail is not supported");
    else if (w->seen_html)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "No valid update found: the "
                 "mail has no text/plain part (text/html is not supported)");
    else if (w->unsupported)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "No valid update found: the "
                 "mail has no text/plain part (content of type %s is not "
                 "supported)", w->unsupported);
    else
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "No valid update found: the "
                 "mail contains no text");
}

/* ---- the message ------------------------------------------------------ */

/*
 * Skip mbox envelope lines ("From " and ">From ") before the headers.
 * @return the offset of the first header line.
 */
static size_t skip_envelope(const char *raw, size_t len)
{
    size_t off = 0;
    for (;;) {
        size_t rest = len - off;
        if (!((rest >= 5 && memcmp(raw + off, "From ", 5) == 0) ||
              (rest >= 6 && memcmp(raw + off, ">From ", 6) == 0)))
            return off;
        const char *nl = memchr(raw + off, '\n', rest);
        if (nl == NULL)
            return len;
        off = (size_t)(nl - raw) + 1;
    }
}

/* Whether @s starts with a header field: a field name and a colon. */
static int starts_with_header(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7F &&
           s[i] != ':')
        i++;
    if (i == 0)
        return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < n && s[i] == ':';
}

/* Fill the header fields of @m from @gm. */
static void read_headers(mailin_msg_t *m, GMimeMessage *gm)
{
    GMimeObject *o = GMIME_OBJECT(gm);
    m->from = clean_header(header(o, "From"));
    m->reply_to = clean_header(header(o, "Reply-To"));
    const char *subj = header(o, "Subject");
    m->subject = clean_header(subj ? subj : "");
    m->date = clean_header(header(o, "Date"));
    m->message_id = clean_header(header(o, "Message-ID"));
    m->auto_submitted = clean_header(header(o, "Auto-Submitted"));
    m->precedence = clean_header(header(o, "Precedence"));
    m->list_id = clean_header(header(o, "List-Id"));
    const char *ar = header(o, "X-Autoreply");
    m->autoreply = clean_header(ar ? ar : header(o, "X-Autorespond"));
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    int nh = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < nh; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        if (h && strcasecmp(g_mime_header_get_name(h), "X-Loop") == 0) {
            char *v = clean_header(g_mime_header_get_value(h));
            strv_add(&m->x_loop, v ? v : "");
            free(v);
        }
    }

    InternetAddressList *from = g_mime_message_get_from(gm);
    m->from_addr = list_address(from);
    char *reply = list_address(g_mime_message_get_reply_to(gm));
    if (reply != NULL)
        m->reply_addr = reply;
    else if (m->from_addr != NULL)
        m->reply_addr = xstrdup(m->from_addr);

    int null_sender = 0;
    const char *rp = header(o, "Return-Path");
    if (rp != NULL) {
        char *v = clean_header(rp);
        size_t i = 0, n = strlen(v);
        while (i < n && (v[i] == '<' || v[i] == ' '))
            i++;
        while (n > i && (v[n - 1] == '>' || v[n - 1] == ' '))
            n--;
        /* <> or, as Postfix pipe(8) writes the null sender, <MAILER-DAEMON> */
        if (i == n || (n - i == 13 && strncasecmp(v + i, "MAILER-DAEMON", 13) == 0)) {
            null_sender = 1;
            m->sender = xstrdup("");
        } else {
            m->sender = mailin_address(v);
        }
        free(v);
    }

    GMimeObject *body = g_mime_message_get_mime_part(gm);
    int report = 0;
    if (body != NULL) {
        char *t = mime_type(body);
        const char *rt = g_mime_object_get_content_type_parameter(body,
                                                                  "report-type");
        report = strcmp(t, "multipart/report") == 0 && rt != NULL &&
                 strcasecmp(rt, "delivery-status") == 0;
        free(t);
    }
    m->is_bounce = report || null_sender ||
                   daemon_local_part(list_single_addr(from)) ||
                   daemon_local_part(m->sender);
}

int mailin_parse(const char *raw, size_t len, const mailin_opts_t *opts,
                 mailin_msg_t **out, err_t *err)
{
    *out = NULL;
    if (raw == NULL || len == 0)
        return err_set(err, ERR_SYNTAX, "not a mail: no bytes");
    size_t off = skip_envelope(raw, len);
    if (!starts_with_header(raw + off, len - off))
        return err_set(err, ERR_SYNTAX, "not a mail: no header block");

    /* Before GMime builds anything: a mail whose MIME structure or header
     * blocks are beyond the limits (registry/mimescan.h) costs GMime
     * memory and time in proportion to them; only its own header block,
     * cut at the header limit, is parsed, to answer the sender. */
    unsigned max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    unsigned max_parts = opts && opts->max_parts ? opts->max_parts : DEFAULT_MAX_PARTS;
    size_t max_header = opts && opts->max_header ? opts->max_header : DEFAULT_MAX_HEADER;
    size_t top = 0;
    int over = mimescan_mail(raw + off, len - off, max_depth, max_parts, max_header, &top);
    size_t plen = over ? top : len - off;
    if (plen == 0)
        return err_set(err, ERR_SYNTAX, "not a mail: its first header line is "
                       "longer than %zu bytes", max_header);

    /* GMime reads the caller's bytes where they are: a byte array that
     * borrows them (never written: the stream is only read, and it does
     * not own the array), instead of a copy of a 10 MB mail.  The parts
     * refer to the stream until the message is released below. */
    GByteArray *bytes = g_byte_array_new_take((guint8 *)(uintptr_t)(raw + off), plen);
    GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(bytes);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *gm = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (gm == NULL) {
        g_byte_array_free(bytes, FALSE);    /* the wrapper, not the bytes */
        return err_set(err, ERR_SYNTAX, "not a mail: the headers cannot be parsed");
    }

    mailin_msg_t *m = xcalloc(1, sizeof *m);
    diag_list_init(&m->diags);
    strv_init(&m->x_loop);
    read_headers(m, gm);
    if (over) {
        if (over == MIMESCAN_HEADER)
            diag_add(&m->diags, DIAG_ERROR, DIAG_OBJECT, "The header blocks of "
                     "the mail are larger than %zu bytes; it was not processed",
                     max_header);
        else if (over == MIMESCAN_DEPTH)
            diag_add(&m->diags, DIAG_ERROR, DIAG_OBJECT, "The MIME structure "
                     "of the mail is too deeply nested (more than %u levels); "
                     "it was not processed", max_depth);
        else
            diag_add(&m->diags, DIAG_ERROR, DIAG_OBJECT, "The mail has too "
                     "many MIME parts (more than %u); it was not processed",
                     max_parts);
        m->over_limit = over == MIMESCAN_HEADER ? MAILIN_OVER_HEADER : MAILIN_OVER_MIME;
        g_object_unref(gm);
        g_byte_array_free(bytes, FALSE);
        *out = m;
        return 0;
    }

    struct walk w;
    memset(&w, 0, sizeof w);
    w.m = m;
    w.max_depth = max_depth;
    w.max_parts = max_parts;
    textin_opts_t to = { opts ? opts->now : 0, opts ? opts->gnupg_home : NULL,
                         opts ? opts->max_sig_age : 0,
                         opts ? opts->max_signed_blocks : 0, "mail" };
    w.t = textin_new(&to, &m->diags);
    walk(&w, g_mime_message_get_mime_part(gm), 0, 1);
    textin_take(w.t, &m->pieces, &m->npieces);
    if (textin_over_signed(w.t))
        m->over_limit = MAILIN_OVER_SIGNED;
    if (m->npieces == 0)
        explain_no_text(&w);
    free(w.unsupported);
    textin_free(w.t);
    g_object_unref(gm);
    g_byte_array_free(bytes, FALSE);
    *out = m;
    return 0;
}

void mailin_free(mailin_msg_t *m)
{
    if (m == NULL)
        return;
    free(m->from);
    free(m->from_addr);
    free(m->reply_to);
    free(m->reply_addr);
    free(m->sender);
    free(m->subject);
    free(m->date);
    free(m->message_id);
    free(m->auto_submitted);
    free(m->precedence);
    free(m->list_id);
    free(m->autoreply);
    strv_free(&m->x_loop);
    for (size_t i = 0; i < m->npieces; i++) {
        free(m->pieces[i].text);
        cred_list_free(&m->pieces[i].creds);
    }
    free(m->pieces);
    diag_list_free(&m->diags);
    free(m);
}
