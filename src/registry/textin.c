/*
 * textin.c - update text as a front end received it: charset decoding and
 * the split at inline clearsigned blocks, with the signature limit (see
 * registry/textin.h).  Moved here from src/robot/mailin.c so that the
 * mail robot and syncupdates read text the same way.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <gmime/gmime.h>
#pragma GCC diagnostic pop

#include "registry/textin.h"
#include "util/buf.h"
#include "util/text.h"

#define DEFAULT_MAX_SIGNED  50      /* signatures checked per submission */
#define DEFAULT_MAX_SIG_AGE 3600    /* seconds a signature may be old */
#define MAX_SIG_FUTURE      3600    /* seconds a signature may be ahead */
#define MAX_CLEARSIGN_NEST  8       /* nested clearsigned layers followed */
#define NAME_MAX_QUOTED     64      /* a charset name quoted in a message */

struct textin {
    diag_list_t *diags;
    const char *noun;
    textin_piece_t *pieces;
    size_t npieces, cap;
    unsigned max_signed;
    unsigned nsigned;       /* signatures checked so far */
    int over;               /* the signature limit was hit */
    int refused;            /* text was refused with an error saying why */
    const char *gnupg_home; /* NULL: signatures are not checked */
    pgp_time_policy_t tp;
    pgp_t *pgp;             /* opened at the first signature */
    int pgp_failed;         /* opening it failed (reported once) */
};

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
void textin_put_utf8(buf_t *b, const char *s, size_t n)
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
        textin_put_utf8(b, s, n);
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
int textin_charset_keeps_lines(const char *cs)
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
void textin_put_charset(buf_t *b, const char *s, size_t n, const char *cs)
{
    if (cs == NULL || *cs == 0 || charset_is_raw(cs)) {
        put_raw(b, s, n);
        return;
    }
    if (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0) {
        textin_put_utf8(b, s, n);
        return;
    }
    gsize nread = 0, nwritten = 0;
    GError *gerr = NULL;
    gchar *u = g_convert(s, (gssize)n, "UTF-8", g_mime_charset_iconv_name(cs),
                         &nread, &nwritten, &gerr);
    if (u != NULL) {
        textin_put_utf8(b, u, nwritten);
        g_free(u);
        return;
    }
    if (gerr != NULL)
        g_error_free(gerr);
    put_raw(b, s, n);
}

/* ---- names ------------------------------------------------------ */

/* Append the lower-cased printable part of @s, at most @max bytes. */
void textin_put_token(buf_t *b, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > ' ' && c < 0x7F)
            buf_putc(b, c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
}

/* ---- the reader ------------------------------------------------------- */

textin_t *textin_new(const textin_opts_t *opts, diag_list_t *diags)
{
    textin_t *t = xcalloc(1, sizeof *t);
    t->diags = diags;
    t->noun = opts && opts->noun ? opts->noun : "mail";
    t->max_signed = opts && opts->max_signed_blocks ? opts->max_signed_blocks
                                                    : DEFAULT_MAX_SIGNED;
    t->gnupg_home = opts ? opts->gnupg_home : NULL;
    t->tp.now = opts && opts->now ? opts->now : time(NULL);
    t->tp.max_age = opts && opts->max_sig_age > 0 ? opts->max_sig_age : DEFAULT_MAX_SIG_AGE;
    t->tp.max_future = MAX_SIG_FUTURE;
    return t;
}

static void free_pieces(textin_piece_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        cred_list_free(&v[i].creds);
    }
    free(v);
}

void textin_free(textin_t *t)
{
    if (t == NULL)
        return;
    free_pieces(t->pieces, t->npieces);
    pgp_free(t->pgp);
    free(t);
}

textin_piece_t *textin_pieces(textin_t *t, size_t *n)
{
    *n = t->npieces;
    return t->pieces;
}

void textin_take(textin_t *t, textin_piece_t **pieces, size_t *n)
{
    *pieces = t->pieces;
    *n = t->npieces;
    t->pieces = NULL;
    t->npieces = t->cap = 0;
}

int textin_over_signed(const textin_t *t)
{
    return t->over;
}

int textin_refused(const textin_t *t)
{
    return t->refused;
}

/*
 * Add @n bytes in charset @cs as a piece with copies of @creds, unless the
 * text is only blank.
 */
static void add_segment(textin_t *t, const char *s, size_t n, const char *cs,
                        const cred_list_t *creds)
{
    buf_t b;
    buf_init(&b);
    if (n > 0)
        textin_put_charset(&b, s, n, cs);
    crlf_to_lf(&b);

    size_t i = 0;
    while (i < b.len && strchr(" \t\r\n", b.s[i]))
        i++;
    if (i == b.len) {
        buf_free(&b);
        return;
    }
    if (t->npieces == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->pieces = xrealloc(t->pieces, t->cap * sizeof *t->pieces);
    }
    textin_piece_t *p = &t->pieces[t->npieces++];
    p->len = b.len;
    p->text = buf_steal(&b);
    cred_list_init(&p->creds);
    if (creds)
        cred_list_append(&p->creds, creds);
}

pgp_t *textin_pgp(textin_t *t)
{
    if (t->pgp || t->pgp_failed)
        return t->pgp;
    err_t e = ERR_INIT;
    if (t->gnupg_home == NULL) {
        t->pgp_failed = 1;
        diag_add(t->diags, DIAG_WARNING, DIAG_OBJECT, "The %s is PGP "
                 "signed, but no GnuPG home is configured: the signatures "
                 "were not checked", t->noun);
    } else if (pgp_new(t->gnupg_home, &t->pgp, &e) != 0) {
        t->pgp_failed = 1;
        diag_add(t->diags, DIAG_WARNING, DIAG_OBJECT, "The PGP signatures "
                 "could not be checked: %s", err_text(&e));
    }
    err_free(&e);
    return t->pgp;
}

/* The signature limit is hit: the front end refuses the submission. */
static void over_signed(textin_t *t)
{
    if (!t->over)
        diag_add(t->diags, DIAG_ERROR, DIAG_OBJECT, "The %s has more than "
                 "%u PGP signatures (max_signed_blocks); it was not processed",
                 t->noun, t->max_signed);
    t->over = 1;
    t->refused = 1;
}

const pgp_time_policy_t *textin_count_signed(textin_t *t)
{
    if (++t->nsigned <= t->max_signed) {
        t->tp.max_sigs = (size_t)(t->max_signed - t->nsigned) + 1;
        return &t->tp;
    }
    over_signed(t);
    return NULL;
}

int textin_count_more(textin_t *t, int rc, size_t n)
{
    if (rc == ERR_LIMIT) {
        over_signed(t);
        return 0;
    }
    if (n > 1)
        t->nsigned += (unsigned)(n - 1);
    return 1;
}

void textin_refuse_charset(textin_t *t, const char *cs)
{
    buf_t b;
    buf_init(&b);
    textin_put_token(&b, cs, NAME_MAX_QUOTED);
    diag_add(t->diags, DIAG_ERROR, DIAG_OBJECT, "Signed text in charset \"%s\" "
             "was not processed: that charset could make the text read differently "
             "from what was signed (signed text must be US-ASCII, UTF-8, "
             "ISO-8859-*, windows-125* or KOI8-*)", b.s);
    buf_free(&b);
    t->refused = 1;
}

void textin_sig_creds(cred_list_t *creds, const pgp_sig_t *sigs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cred_add_pgp_key(creds, sigs[i].fpr[0] ? sigs[i].fpr : NULL,
                         sigs[i].primary_fpr[0] ? sigs[i].primary_fpr : NULL,
                         sigs[i].state, sigs[i].sigtime, sigs[i].digest);
}

/* Whether the line @s (@l bytes) is @tag, trailing white space allowed. */
static int line_is_tag(const char *s, size_t l, const char *tag)
{
    size_t n = strlen(tag);
    if (l < n || memcmp(s, tag, n) != 0)
        return 0;
    for (size_t i = n; i < l; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/*
 * Split the text @s (@n bytes, charset @cs) at its clearsigned blocks
 * into pieces: unsigned text gets @creds, the signed text of a block
 * @creds plus the block's signatures (searched again for nested blocks,
 * down to MAX_CLEARSIGN_NEST levels).
 */
static void split_clearsigned(textin_t *t, const char *s, size_t n, const char *cs,
                              const cred_list_t *creds, unsigned level)
{
    size_t seg = 0, off = 0;
    while (off < n && level < MAX_CLEARSIGN_NEST && !t->over) {
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
        pgp_t *pgp = textin_pgp(t);
        const pgp_time_policy_t *tp = NULL;
        if (pgp != NULL && (tp = textin_count_signed(t)) == NULL)
            return;
        pgp_sig_t *sigs = NULL;
        size_t nsigs = 0;
        buf_t plain;
        buf_init(&plain);
        err_t err = ERR_INIT;
        int rc = pgp ? pgp_verify_clearsigned(pgp, s + off, end - off, tp, &plain,
                                              &sigs, &nsigs, &err)
                     : ERR_CRYPTO;
        if (pgp != NULL && !textin_count_more(t, rc, nsigs)) {
            pgp_sig_free(sigs, nsigs);
            buf_free(&plain);
            err_free(&err);
            return;
        }
        if (rc == 0 && !textin_charset_keeps_lines(cs)) {
            add_segment(t, s + seg, off - seg, cs, creds);
            textin_refuse_charset(t, cs);
            seg = end;
        } else if (rc == 0) {
            add_segment(t, s + seg, off - seg, cs, creds);
            cred_list_t inner = CRED_LIST_INIT;
            if (creds)
                cred_list_append(&inner, creds);
            textin_sig_creds(&inner, sigs, nsigs);
            split_clearsigned(t, plain.s, plain.len, cs, &inner, level + 1);
            cred_list_free(&inner);
            seg = end;
        } else if (rc != ERR_SYNTAX && pgp != NULL) {
            diag_add(t->diags, DIAG_WARNING, DIAG_OBJECT, "A PGP signature "
                     "could not be checked: %s", err_text(&err));
        }
        pgp_sig_free(sigs, nsigs);
        buf_free(&plain);
        err_free(&err);
        off = end;
    }
    if (!t->over)
        add_segment(t, s + seg, n - seg, cs, creds);
}

void textin_add(textin_t *t, const char *s, size_t n, const char *cs,
                const cred_list_t *creds)
{
    if (!t->over)
        split_clearsigned(t, s, n, cs, creds, 0);
}
