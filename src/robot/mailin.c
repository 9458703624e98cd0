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
#include "registry/pgp.h"
#include "rpsl/syntax.h"
#include "util/text.h"

#define DEFAULT_MAX_DEPTH   32
#define DEFAULT_MAX_PARTS   1000
#define DEFAULT_MAX_SIGNED  50      /* signatures checked per mail */
#define TYPE_NAME_MAX       64      /* a type name quoted in a message */
#define DEFAULT_MAX_SIG_AGE 3600    /* seconds a signature may be old */
#define MAX_SIG_FUTURE      3600    /* seconds a signature may be ahead */
#define MAX_CLEARSIGN_NEST  8       /* nested clearsigned layers followed */
#define MAX_SIGNED_NEST     8       /* nested PGP/MIME layers checked (each
                                       holds a copy of its signed part) */

/* The state of one walk over a MIME tree. */
struct walk {
    mailin_msg_t *m;
    size_t cap;             /* allocated entries of m->pieces */
    unsigned max_depth;
    unsigned max_parts;
    unsigned nparts;        /* parts visited so far */
    int stopped;            /* a limit was hit: visit nothing more */
    int seen_encrypted;     /* an encrypted part was skipped */
    int seen_html;          /* a text/html part was skipped */
    char *unsupported;      /* first other type skipped, or NULL */
    int refused;            /* text was refused with an error that says
                               why (no "No valid update found") */
    unsigned max_signed;
    unsigned nsigned;       /* signatures checked so far */
    unsigned in_signed;     /* checked PGP/MIME parts around the visit */
    const char *gnupg_home; /* NULL: signatures are not checked */
    pgp_time_policy_t tp;
    pgp_t *pgp;             /* opened at the first signature */
    int pgp_failed;         /* opening it failed (reported once) */
};

void mailin_init(void)
{
    g_mime_init();
}

void mailin_shutdown(void)
{
    g_mime_shutdown();
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at @p (@n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;       /* overlong form, or a surrogate */
        return 3;
    }
    if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
        (p[3] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
        return 0;           /* overlong form, or beyond U+10FFFF */
    return 4;
}

/* Whether @s (@n bytes, NUL bytes allowed) is well-formed UTF-8. */
static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

static void put_replacement(buf_t *b)
{
    buf_put(b, "\xEF\xBF\xBD", 3);      /* U+FFFD */
}

/*
 * Append @s (@n bytes) to @b as valid UTF-8: NUL bytes and every byte
 * that does not start a well-formed sequence become U+FFFD.
 */
static void put_utf8_clean(buf_t *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    buf_reserve(b, n);
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0 || p[i] == 0) {
            put_replacement(b);
            i++;
        } else {
            buf_put(b, p + i, k);
            i += k;
        }
    }
}

/* Append Latin-1 bytes to @b as UTF-8 (NUL becomes U+FFFD). */
static void put_latin1(buf_t *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    buf_reserve(b, n);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0) {
            put_replacement(b);
        } else if (p[i] < 0x80) {
            buf_putc(b, p[i]);
        } else {
            buf_putc(b, 0xC0 | (p[i] >> 6));
            buf_putc(b, 0x80 | (p[i] & 0x3F));
        }
    }
}

/* Raw bytes of unknown charset: UTF-8 if they are that, else Latin-1. */
static void put_raw(buf_t *b, const char *s, size_t n)
{
    if (utf8_valid(s, n))
        put_utf8_clean(b, s, n);
    else
        put_latin1(b, s, n);
}

/* Turn every CR LF of @b into LF, in place. */
static void crlf_to_lf(buf_t *b)
{
    size_t o = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->s[i] == '\r' && i + 1 < b->len && b->s[i + 1] == '\n')
            continue;
        b->s[o++] = b->s[i];
    }
    buf_truncate(b, o);
}

/* Charset names that say nothing useful about the bytes. */
static int charset_is_raw(const char *cs)
{
    static const char *const raw[] = {
        "us-ascii", "ascii", "ansi_x3.4-1968", "unknown-8bit", "x-unknown",
        "unknown", "default", NULL
    };
    for (size_t i = 0; raw[i]; i++)
        if (strcasecmp(cs, raw[i]) == 0)
            return 1;
    return 0;
}

/* Whether @s is a non-empty run of characters of @set. */
static int all_of(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

/*
 * Whether signed text may be read in charset @cs (NULL: not declared):
 * only charsets that map every byte below 0x80 to that ASCII character
 * and have no shift states, so that decoding cannot turn the verified
 * bytes into other lines (mailin.h).  UTF-7, ISO-2022-*, HZ, UTF-16/32
 * and whatever else is not listed are refused.
 */
static int charset_keeps_lines(const char *cs)
{
    static const char *const numbered[] = {     /* followed by digits */
        "iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "latin", "windows-125",
        "cp125", NULL
    };
    if (cs == NULL || *cs == 0 || charset_is_raw(cs) || strcasecmp(cs, "utf-8") == 0 ||
        strcasecmp(cs, "utf8") == 0)
        return 1;
    for (size_t i = 0; numbered[i]; i++) {
        size_t l = strlen(numbered[i]);
        if (strncasecmp(cs, numbered[i], l) == 0 && all_of(cs + l, "0123456789"))
            return 1;
    }
    return strncasecmp(cs, "koi8-", 5) == 0 &&
           all_of(cs + 5, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

/*
 * Append @n bytes in charset @cs (NULL: not declared) to @b as UTF-8.
 * Declared UTF-8 is kept, with U+FFFD for what is malformed; undeclared
 * or meaningless charsets, and charsets iconv does not know or cannot
 * convert the bytes from, are read raw (see put_raw()).
 */
static void put_charset(buf_t *b, const char *s, size_t n, const char *cs)
{
    if (cs == NULL || *cs == 0 || charset_is_raw(cs)) {
        put_raw(b, s, n);
        return;
    }
    if (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0) {
        put_utf8_clean(b, s, n);
        return;
    }
    gsize nread = 0, nwritten = 0;
    GError *gerr = NULL;
    gchar *u = g_convert(s, (gssize)n, "UTF-8", g_mime_charset_iconv_name(cs),
                         &nread, &nwritten, &gerr);
    if (u != NULL) {
        put_utf8_clean(b, u, nwritten);
        g_free(u);
        return;
    }
    if (gerr != NULL)
        g_error_free(gerr);
    put_raw(b, s, n);
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
    put_utf8_clean(&b, v, strlen(v));
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

/* Append the lower-cased printable part of @s, at most @max bytes. */
static void put_token(buf_t *b, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > ' ' && c < 0x7F)
            buf_putc(b, c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
}

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
    put_token(&b, t && *t ? t : "application", TYPE_NAME_MAX);
    buf_putc(&b, '/');
    put_token(&b, s && *s ? s : "octet-stream", TYPE_NAME_MAX);
    const char *raw = header(o, "Content-Type");
    if (strcmp(b.s, "application/octet-stream") == 0 && raw != NULL) {
        buf_t w;
        buf_init(&w);
        size_t n = strcspn(raw, ";");
        char *tok = xstrndup(raw, n);
        put_token(&w, tok, TYPE_NAME_MAX * 2);
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

/*
 * Add @n bytes in charset @cs as a piece with copies of @creds, unless the
 * text is only blank.
 */
static void add_segment(struct walk *w, const char *s, size_t n, const char *cs,
                        const cred_list_t *creds)
{
    buf_t b;
    buf_init(&b);
    if (n > 0)
        put_charset(&b, s, n, cs);
    crlf_to_lf(&b);

    size_t i = 0;
    while (i < b.len && strchr(" \t\r\n", b.s[i]))
        i++;
    if (i == b.len) {
        buf_free(&b);
        return;
    }
    mailin_msg_t *m = w->m;
    if (m->npieces == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 4;
        m->pieces = xrealloc(m->pieces, w->cap * sizeof *m->pieces);
    }
    mailin_piece_t *p = &m->pieces[m->npieces++];
    p->len = b.len;
    p->text = buf_steal(&b);
    cred_list_init(&p->creds);
    if (creds)
        cred_list_append(&p->creds, creds);
}

/* The verifier, opened at the first signature; NULL if there is none. */
static pgp_t *get_pgp(struct walk *w)
{
    if (w->pgp || w->pgp_failed)
        return w->pgp;
    err_t e = ERR_INIT;
    if (w->gnupg_home == NULL) {
        w->pgp_failed = 1;
        diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT, "The mail is PGP "
                 "signed, but no GnuPG home is configured: the signatures "
                 "were not checked");
    } else if (pgp_new(w->gnupg_home, &w->pgp, &e) != 0) {
        w->pgp_failed = 1;
        diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT, "The PGP signatures "
                 "could not be checked: %s", err_text(&e));
    }
    err_free(&e);
    return w->pgp;
}

/* The walk stops at the max_signed bound: the robot refuses the mail. */
static void over_signed(struct walk *w)
{
    if (!w->stopped)
        diag_add(&w->m->diags, DIAG_ERROR, DIAG_OBJECT, "The mail has more than "
                 "%u PGP signatures (max_signed_blocks); it was not processed",
                 w->max_signed);
    w->stopped = 1;
    w->refused = 1;
    w->m->over_limit = MAILIN_OVER_SIGNED;
}

/*
 * Count one more signature check.  Beyond max_signed the walk stops with
 * an error (the robot refuses the mail, mailin.h).  Otherwise w->tp
 * allows the check as many signatures as are left of max_signed (one
 * block may hold several; count_more() counts them after the check).
 * @return 1 when the check may be made, 0 when the limit is hit.
 */
static int count_signed(struct walk *w)
{
    if (++w->nsigned <= w->max_signed) {
        w->tp.max_sigs = (size_t)(w->max_signed - w->nsigned) + 1;
        return 1;
    }
    over_signed(w);
    return 0;
}

/*
 * After a check of @n signatures (counted once by count_signed()): count
 * the others; a check refused for holding too many (@rc ERR_LIMIT) stops
 * the walk.  @return 1 to go on, 0 when the limit is hit.
 */
static int count_more(struct walk *w, int rc, size_t n)
{
    if (rc == ERR_LIMIT) {
        over_signed(w);
        return 0;
    }
    if (n > 1)
        w->nsigned += (unsigned)(n - 1);
    return 1;
}

/* Signed text in charset @cs is not processed: the error says why. */
static void refuse_charset(struct walk *w, const char *cs)
{
    buf_t b;
    buf_init(&b);
    put_token(&b, cs, TYPE_NAME_MAX);
    diag_add(&w->m->diags, DIAG_ERROR, DIAG_OBJECT, "Signed text in charset \"%s\" "
             "was not processed: that charset could make the text read differently "
             "from what was signed (signed text must be US-ASCII, UTF-8, "
             "ISO-8859-*, windows-125* or KOI8-*)", b.s);
    buf_free(&b);
    w->refused = 1;
}

/* Add the signatures @sigs[0..n) to @creds. */
static void add_sig_creds(cred_list_t *creds, const pgp_sig_t *sigs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cred_add_pgp_key(creds, sigs[i].fpr[0] ? sigs[i].fpr : NULL,
                         sigs[i].primary_fpr[0] ? sigs[i].primary_fpr : NULL,
                         sigs[i].state, sigs[i].sigtime, sigs[i].digest);
}

/* Whether the line @s (@l bytes) is @tag, trailing white space allowed. */
static int line_is_tag(const char *s, size_t l, const char *tag)
{
    size_t t = strlen(tag);
    if (l < t || memcmp(s, tag, t) != 0)
        return 0;
    for (size_t i = t; i < l; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/*
 * Split the text @s (@n bytes, charset @cs, the transfer encoding
 * removed) at its clearsigned blocks into pieces: unsigned text gets
 * @creds, the signed text of a block @creds plus the block's signatures
 * (searched again for nested blocks, down to MAX_CLEARSIGN_NEST levels).
 */
static void split_clearsigned(struct walk *w, const char *s, size_t n, const char *cs,
                              const cred_list_t *creds, unsigned level)
{
    size_t seg = 0, off = 0;
    while (off < n && level < MAX_CLEARSIGN_NEST && !w->stopped) {
        size_t l = text_line_len(s + off, n - off);
        if (!line_is_tag(s + off, l, "-----BEGIN PGP SIGNED MESSAGE-----")) {
            off = text_next_line(s, n, off);
            continue;
        }
        /* the block ends with the END line of its signature */
        size_t end = text_next_line(s, n, off), e = end;
        int found = 0;
        while (e < n && !found) {
            size_t el = text_line_len(s + e, n - e);
            found = line_is_tag(s + e, el, "-----END PGP SIGNATURE-----");
            e = text_next_line(s, n, e);
        }
        if (!found)
            break;
        end = e;
        pgp_t *pgp = get_pgp(w);
        if (pgp != NULL && !count_signed(w))
            return;
        pgp_sig_t *sigs = NULL;
        size_t nsigs = 0;
        buf_t plain;
        buf_init(&plain);
        err_t err = ERR_INIT;
        int rc = pgp ? pgp_verify_clearsigned(pgp, s + off, end - off, &w->tp, &plain,
                                              &sigs, &nsigs, &err)
                     : ERR_CRYPTO;
        if (pgp != NULL && !count_more(w, rc, nsigs)) {
            pgp_sig_free(sigs, nsigs);
            buf_free(&plain);
            err_free(&err);
            return;
        }
        if (rc == 0 && !charset_keeps_lines(cs)) {
            add_segment(w, s + seg, off - seg, cs, creds);
            refuse_charset(w, cs);
            seg = end;
        } else if (rc == 0) {
            add_segment(w, s + seg, off - seg, cs, creds);
            cred_list_t inner = CRED_LIST_INIT;
            if (creds)
                cred_list_append(&inner, creds);
            add_sig_creds(&inner, sigs, nsigs);
            split_clearsigned(w, plain.s, plain.len, cs, &inner, level + 1);
            cred_list_free(&inner);
            seg = end;
        } else if (rc != ERR_SYNTAX && pgp != NULL) {
            diag_add(&w->m->diags, DIAG_WARNING, DIAG_OBJECT, "A PGP signature "
                     "could not be checked: %s", err_text(&err));
        }
        pgp_sig_free(sigs, nsigs);
        buf_free(&plain);
        err_free(&err);
        off = end;
    }
    if (!w->stopped)
        add_segment(w, s + seg, n - seg, cs, creds);
}

/* Decode a text part and add its pieces (see split_clearsigned()). */
static void add_text_piece(struct walk *w, GMimePart *part)
{
    GMimeStream *mem = g_mime_stream_mem_new();
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    if (dw != NULL)
        g_mime_data_wrapper_write_to_stream(dw, mem);   /* transfer-decodes */
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
                                                              "charset");
    if (w->in_signed > 0 && !charset_keeps_lines(cs))
        refuse_charset(w, cs);
    else if (ba != NULL && ba->len > 0)
        split_clearsigned(w, (const char *)ba->data, ba->len, cs, NULL, 0);
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
    pgp_t *pgp = sig.len > 0 ? get_pgp(w) : NULL;
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
    if (!count_signed(w)) {
        buf_free(&sig);
        return;
    }
    GMimeStream *mem = signed_bytes(content);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    pgp_sig_t *sigs = NULL;
    size_t nsigs = 0;
    err_t err = ERR_INIT;
    int rc = pgp_verify_detached(pgp, (const char *)ba->data, ba->len, sig.s, sig.len,
                                 &w->tp, &sigs, &nsigs, &err);
    GMimeObject *verified = rc == 0 ? parse_entity(mem) : NULL;
    if (!count_more(w, rc, nsigs)) {
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
        size_t first = w->m->npieces;
        w->in_signed++;
        walk(w, verified, depth + 1, 0);
        w->in_signed--;
        cred_list_t creds = CRED_LIST_INIT;
        add_sig_creds(&creds, sigs, nsigs);
        for (size_t i = first; i < w->m->npieces; i++)
            cred_list_append(&w->m->pieces[i].creds, &creds);
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
    if (w->stopped || o == NULL)
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
            for (int i = 0; i < n && !w->stopped; i++)
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
    if (w->refused)
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

    /* GMime reads the caller's bytes where they are: a byte array that
     * borrows them (never written: the stream is only read, and it does
     * not own the array), instead of a copy of a 10 MB mail.  The parts
     * refer to the stream until the message is released below. */
    GByteArray *bytes = g_byte_array_new_take((guint8 *)(uintptr_t)(raw + off), len - off);
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

    struct walk w;
    memset(&w, 0, sizeof w);
    w.m = m;
    w.max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    w.max_parts = opts && opts->max_parts ? opts->max_parts : DEFAULT_MAX_PARTS;
    w.max_signed = opts && opts->max_signed_blocks ? opts->max_signed_blocks
                                                   : DEFAULT_MAX_SIGNED;
    w.gnupg_home = opts ? opts->gnupg_home : NULL;
    w.tp.now = opts && opts->now ? opts->now : time(NULL);
    w.tp.max_age = opts && opts->max_sig_age > 0 ? opts->max_sig_age : DEFAULT_MAX_SIG_AGE;
    w.tp.max_future = MAX_SIG_FUTURE;
    walk(&w, g_mime_message_get_mime_part(gm), 0, 1);
    if (m->npieces == 0)
        explain_no_text(&w);
    free(w.unsupported);
    pgp_free(w.pgp);
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
