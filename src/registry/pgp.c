/*
 * pgp.c - OpenPGP through GPGME, against the registry's own GnuPG home
 * (see pgp.h).
 *
 * GPGME reports per signature a status and a summary computed against the
 * machine's clock and the home's trust database.  Neither is what the
 * robot wants: a signature counts when it verifies cryptographically, and
 * whether its key had expired is judged against the robot's clock (tp->now,
 * settable for replays).  So the status only tells good/bad/unknown-key;
 * revocation and expiry are read from the signing (sub)key itself.
 *
 * The replay record of a signature (pgp_sig_t.digest) is keyed on what
 * the signature says - signing key, creation time, hash algorithm, the
 * canonical signed text - never on the bytes of its packet, so that one
 * signature encoded or wrapped differently is still one record.
 *
 * The only process state is GPGME's own initialisation (idempotent).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <gpgme.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <glib.h>
#pragma GCC diagnostic pop

#include "registry/pgp.h"
#include "util/text.h"

/* One signing (sub)key as the key data cache holds it (see below). */
struct kc_entry {
    char sub[41];           /* the (sub)key's fingerprint, upper-case */
    char prim[41];          /* its primary key's fingerprint */
    int sk_revoked, key_revoked;
    long long sk_expires, key_expires;      /* 0: never */
    int can_sign;           /* the (sub)key may make signatures */
};

/* The key data cache as read or built for one keyring stamp. */
struct keycache {
    char *stamp;            /* the stamp it belongs to; NULL: not loaded */
    struct kc_entry *v;
    size_t n, cap;
};

struct pgp {
    gpgme_ctx_t ctx;
    char *home;
    struct keycache kc;     /* the key data cache (see "key data") */
};

static void kc_clear(struct keycache *kc);

/* What the home's gpg.conf holds when this module creates it. */
static const char GPG_CONF[] =
    "# written by autodbm: the registry's private GnuPG home\n"
    "ignore-time-conflict\n"
    "no-auto-key-retrieve\n";

#define ARMOR_SIG_BEGIN "-----BEGIN PGP SIGNATURE-----"
#define ARMOR_SIG_END   "-----END PGP SIGNATURE-----"
#define CLEARSIGN_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"

/* ---- set-up ----------------------------------------------------------- */

/* mkdir -p @path, new directories mode 0700. */
static int make_dirs(const char *path, err_t *err)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != 0)
            continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            rc = err_set(err, ERR_IO, "%s: %s", p, strerror(errno));
            break;
        }
        *s = c;
        if (c == 0)
            break;
    }
    free(p);
    if (rc == 0) {
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = err_set(err, ERR_IO, "%s: not a directory", path);
    }
    return rc;
}

/* Write the home's gpg.conf unless the operator has one. */
static int write_gpg_conf(const char *home, err_t *err)
{
    char *path = xasprintf("%s/gpg.conf", home);
    struct stat st;
    int rc = 0;
    if (stat(path, &st) != 0) {
        FILE *fp = fopen(path, "w");
        if (fp == NULL || fputs(GPG_CONF, fp) == EOF) {
            rc = err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
            if (fp)
                fclose(fp);
        } else if (fclose(fp) != 0) {
            rc = err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
        }
    }
    free(path);
    return rc;
}

int pgp_new(const char *gnupg_home, pgp_t **out, err_t *err)
{
    *out = NULL;
    if (gnupg_home == NULL || *gnupg_home == 0)
        return err_set(err, ERR_USAGE, "no GnuPG home configured");
    int rc = make_dirs(gnupg_home, err);
    if (rc)
        return rc;
    if ((rc = write_gpg_conf(gnupg_home, err)) != 0)
        return rc;
    /* No gpgconf round trips (three process starts per run): the engine
     * is found at its default place.  Process-wide, before the first
     * gpgme_check_version(); ignored afterwards. */
    gpgme_set_global_flag("disable-gpgconf", "1");
    gpgme_check_version(NULL);          /* process-wide, idempotent */
    gpgme_error_t ge = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
    if (ge)
        return err_set(err, ERR_CRYPTO, "GnuPG engine: %s", gpgme_strerror(ge));
    gpgme_ctx_t ctx;
    if ((ge = gpgme_new(&ctx)) != 0)
        return err_set(err, ERR_CRYPTO, "GPGME: %s", gpgme_strerror(ge));
    ge = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
    if (!ge)
        ge = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, gnupg_home);
    if (ge) {
        gpgme_release(ctx);
        return err_set(err, ERR_CRYPTO, "GPGME: %s: %s", gnupg_home, gpgme_strerror(ge));
    }
    gpgme_set_armor(ctx, 1);
    gpgme_set_offline(ctx, 1);
    gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_CANCEL);
    gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL);
    pgp_t *p = xcalloc(1, sizeof *p);
    p->ctx = ctx;
    p->home = xstrdup(gnupg_home);
    *out = p;
    return 0;
}

void pgp_free(pgp_t *p)
{
    if (p == NULL)
        return;
    gpgme_release(p->ctx);
    kc_clear(&p->kc);
    free(p->home);
    free(p);
}

/* ---- armor and digests ------------------------------------------------ */

/* Whether @s (@l bytes) holds only white space. */
static int blank(const char *s, size_t l)
{
    for (size_t i = 0; i < l; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Whether the line @s (@l bytes, trailing white space allowed) is @tag. */
static int line_is(const char *s, size_t l, const char *tag)
{
    size_t t = strlen(tag);
    return l >= t && memcmp(s, tag, t) == 0 && blank(s + t, l - t);
}

/* Offset of the line that is exactly @tag in @s, from @from; or -1. */
static long find_line(const char *s, size_t n, size_t from, const char *tag)
{
    size_t off = from;
    while (off < n) {
        size_t l = text_line_len(s + off, n - off);
        if (line_is(s + off, l, tag))
            return (long)off;
        off = text_next_line(s, n, off);
    }
    return -1;
}

/*
 * Feed the signed text @s (@n bytes) to @ck in a canonical form: lines
 * (dash-escapes removed when @unescape) without trailing white space
 * (space, tab, CR), joined with CRLF, trailing empty lines dropped.  This
 * is the text form OpenPGP signs (RFC 4880 7.1, 5.2.1), a little coarser:
 * every framing of one signed text that gpg still verifies - line ends,
 * trailing white space, dash-escaping, a clearsigned block or a detached
 * signature over the same text - gives the same bytes.
 */
static void canonical_update(GChecksum *ck, const char *s, size_t n, int unescape)
{
    size_t pending = 0, off = 0;
    int first = 1;
    while (off < n) {
        size_t l = text_line_len(s + off, n - off);
        const char *ln = s + off;
        if (unescape && l >= 2 && ln[0] == '-' && ln[1] == ' ') {
            ln += 2;
            l -= 2;
        }
        while (l > 0 && (ln[l - 1] == ' ' || ln[l - 1] == '\t' || ln[l - 1] == '\r'))
            l--;
        if (l == 0) {
            pending++;
        } else {
            if (!first)
                pending++;
            for (; pending > 0; pending--)
                g_checksum_update(ck, (const guchar *)"\r\n", 2);
            first = 0;
            g_checksum_update(ck, (const guchar *)ln, (gssize)l);
        }
        off = text_next_line(s, n, off);
    }
}

/* Hex SHA-256 of the canonical form of the signed text (canonical_update). */
static char *text_digest(const char *s, size_t n, int unescape)
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    canonical_update(ck, s, n, unescape);
    char *r = xstrdup(g_checksum_get_string(ck));
    g_checksum_free(ck);
    return r;
}

/*
 * The replay record of one good signature: hex SHA-256 over the signing
 * (sub)key's fingerprint @fpr, the signature's creation time, its hash
 * algorithm and the digest of the canonical signed text @textdig - what
 * the signature says, not how its packet is encoded (header format,
 * length encoding, unhashed subpackets, ECDSA's (r, n-s) twin, armor).
 */
static char *sig_record(const char *fpr, time_t sigtime, int hash_algo, const char *textdig)
{
    char *in = xasprintf("autodbm-sig 2\n%s\n%lld\n%d\n%s\n", fpr, (long long)sigtime,
                         hash_algo, textdig);
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(ck, (const guchar *)in, (gssize)strlen(in));
    char *r = xstrdup(g_checksum_get_string(ck));
    g_checksum_free(ck);
    free(in);
    return r;
}

/* ---- packets ---------------------------------------------------------- */

/*
 * Read the header of the OpenPGP packet at *@i of @d (@n bytes): its tag
 * into *@tag, its body length into *@len, *@i moved to its body, which
 * lies wholly within @d.  Partial and indeterminate lengths are refused.
 * @return 0 or -1.
 */
static int packet_next(const unsigned char *d, size_t n, size_t *i, unsigned *tag,
                       size_t *len)
{
    size_t k = *i;
    if (k >= n)
        return -1;
    unsigned h = d[k++];
    if (!(h & 0x80))
        return -1;
    if (h & 0x40) {                     /* new format */
        *tag = h & 0x3F;
        if (k >= n)
            return -1;
        unsigned o = d[k];
        if (o < 192) {
            *len = o;
            k += 1;
        } else if (o < 224) {
            if (n - k < 2)
                return -1;
            *len = ((size_t)(o - 192) << 8) + d[k + 1] + 192;
            k += 2;
        } else if (o == 255) {
            if (n - k < 5)
                return -1;
            *len = (size_t)d[k + 1] << 24 | (size_t)d[k + 2] << 16 |
                   (size_t)d[k + 3] << 8 | d[k + 4];
            k += 5;
        } else {
            return -1;                  /* partial body length */
        }
    } else {                            /* old format */
        *tag = (h >> 2) & 0x0F;
        unsigned lt = h & 3;
        if (lt == 3)
            return -1;                  /* indeterminate length */
        size_t ll = (size_t)1 << lt;
        if (n - k < ll)
            return -1;
        *len = 0;
        for (size_t m = 0; m < ll; m++)
            *len = *len << 8 | d[k + m];
        k += ll;
    }
    if (*len > n - k)
        return -1;
    *i = k;
    return 0;
}

/* Past the armor headers ("Version: x") at @off of @s (@n bytes) and the
 * blank line after them, if there are any; else @off. */
static size_t armor_headers_end(const char *s, size_t n, size_t off)
{
    for (size_t probe = off; probe < n;) {
        size_t l = text_line_len(s + probe, n - probe);
        if (blank(s + probe, l))
            return text_next_line(s, n, probe);
        if (memchr(s + probe, ':', l) == NULL)
            break;
        probe = text_next_line(s, n, probe);
    }
    return off;
}

/* Whether @c is a character of the base64 alphabet (padding included). */
static int b64_char(int c)
{
    return isalnum(c) || c == '+' || c == '/' || c == '=';
}

/*
 * Decode strictly the body of the ASCII armor whose BEGIN line ends at
 * *@off in @s (@n bytes): armor headers, lines of base64 (blanks
 * allowed), an optional CRC-24 line ("=...") and then the line @end_tag.
 * Any other line, or a character outside the base64 alphabet, makes the
 * armor malformed.  The data is appended to @bin; *@off is moved past the
 * END line.
 * @return 0, or -1 (malformed, empty, no END line).
 */
static int armor_decode(const char *s, size_t n, size_t *off, const char *end_tag, buf_t *bin)
{
    size_t o = armor_headers_end(s, n, *off);
    buf_t b64;
    buf_init(&b64);
    int ok = 0;
    while (o < n) {
        size_t l = text_line_len(s + o, n - o);
        const char *ln = s + o;
        o = text_next_line(s, n, o);
        while (l > 0 && (ln[l - 1] == ' ' || ln[l - 1] == '\t'))
            l--;
        if (l > 0 && ln[0] == '=') {            /* the CRC-24 line, then END */
            while (o < n && blank(s + o, text_line_len(s + o, n - o)))
                o = text_next_line(s, n, o);
            if (o >= n)
                break;
            l = text_line_len(s + o, n - o);
            ln = s + o;
            o = text_next_line(s, n, o);
        }
        if (l >= 5 && memcmp(ln, "-----", 5) == 0) {
            ok = line_is(ln, l, end_tag);
            break;
        }
        for (size_t k = 0; k < l && ok == 0; k++) {
            unsigned char c = (unsigned char)ln[k];
            if (b64_char(c))
                buf_putc(&b64, c);
            else if (c != ' ' && c != '\t')
                ok = -1;
        }
        if (ok)
            break;
    }
    gsize bn = 0;
    guchar *raw = NULL;
    if (ok > 0 && b64.len > 0 && b64.len % 4 == 0 &&
        (raw = g_base64_decode(b64.s, &bn)) != NULL && bn > 0)
        buf_put(bin, raw, bn);
    else
        ok = 0;
    g_free(raw);
    buf_free(&b64);
    *off = o;
    return ok > 0 ? 0 : -1;
}

/*
 * The signature data @s (@n bytes) - the first ASCII armor "BEGIN PGP
 * SIGNATURE" in it, or binary packets - decoded strictly into @bin, and
 * the number of its packets into *@count.  Every packet must be a
 * signature packet: a compressed packet can hold millions of them in a
 * few kilobytes, and gpg checks every one.  Text around the armor is
 * ignored: gpg is given only what is decoded here.
 * @return 0 or -1 (malformed, other packets).
 */
static int sig_packets(const char *s, size_t n, buf_t *bin, size_t *count)
{
    *count = 0;
    if (n == 0)
        return -1;
    if ((unsigned char)s[0] & 0x80) {
        buf_put(bin, s, n);                     /* binary packets */
    } else {
        long at = find_line(s, n, 0, ARMOR_SIG_BEGIN);
        if (at < 0)
            return -1;
        size_t off = text_next_line(s, n, (size_t)at);
        if (armor_decode(s, n, &off, ARMOR_SIG_END, bin) != 0)
            return -1;
    }
    const unsigned char *d = (const unsigned char *)bin->s;
    size_t i = 0, len;
    unsigned tag;
    while (i < bin->len) {
        if (packet_next(d, bin->len, &i, &tag, &len) != 0 || tag != 2)
            return -1;
        i += len;
        (*count)++;
    }
    return *count > 0 ? 0 : -1;
}

/* CRC-24 of @d (@n bytes), RFC 4880 6.1. */
static unsigned long crc24(const unsigned char *d, size_t n)
{
    unsigned long crc = 0xB704CEUL;
    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned long)d[i] << 16;
        for (int k = 0; k < 8; k++) {
            crc <<= 1;
            if (crc & 0x1000000UL)
                crc ^= 0x1864CFBUL;
        }
    }
    return crc & 0xFFFFFFUL;
}

/* Append the signature packets @bin armored again (what sig_packets()
 * read, and only that) to @out. */
static void armor_sig(const buf_t *bin, buf_t *out)
{
    buf_puts(out, ARMOR_SIG_BEGIN "\n\n");
    gchar *b = g_base64_encode((const guchar *)bin->s, bin->len);
    size_t bl = strlen(b);
    for (size_t i = 0; i < bl; i += 64) {
        buf_put(out, b + i, bl - i < 64 ? bl - i : 64);
        buf_putc(out, '\n');
    }
    g_free(b);
    unsigned long c = crc24((const unsigned char *)bin->s, bin->len);
    unsigned char cb[3] = { (unsigned char)(c >> 16), (unsigned char)(c >> 8),
                            (unsigned char)c };
    gchar *cs = g_base64_encode(cb, 3);
    buf_printf(out, "=%s\n" ARMOR_SIG_END "\n", cs);
    g_free(cs);
}

/*
 * The signatures @s (@n bytes) for gpg: decoded by sig_packets() into
 * @bin; refused when malformed, or holding more than @tp->max_sigs.
 * @return 0, ERR_SYNTAX, ERR_LIMIT.
 */
static int checked_sigs(const char *s, size_t n, const pgp_time_policy_t *tp, buf_t *bin,
                        err_t *err)
{
    size_t count = 0;
    if (sig_packets(s, n, bin, &count) != 0)
        return err_set(err, ERR_SYNTAX, "the signature is not an armored run of "
                       "signature packets");
    if (tp->max_sigs > 0 && count > tp->max_sigs)
        return err_set(err, ERR_LIMIT, "%zu signatures in one block, more than the %zu "
                       "allowed", count, tp->max_sigs);
    return 0;
}

/* ---- signatures ------------------------------------------------------- */

/* What GPGME said about one signature, copied out of its result. */
struct raw_sig {
    gpgme_error_t status;
    char *fpr;              /* fingerprint or key id as reported */
    time_t sigtime;
    time_t sig_expires;
    int hash_algo;          /* gpgme_hash_algo_t */
};

static void copy_fpr(char dst[41], const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i < 40; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

static int is_hex40(const char *s)
{
    size_t i = 0;
    for (; s && s[i]; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return i == 40;
}

/* ---- key data --------------------------------------------------------- */

/*
 * judge() needs, for the key id or fingerprint a signature names, the
 * signing (sub)key's fingerprint, revocation and expiry and those of its
 * primary key.  Asking gpg costs an engine run per signature, so the data
 * of every key in the keyring is kept in a file of the home, KEYCACHE_FILE,
 * tagged with a stamp of the files the keys live in (device, inode, size,
 * modification and change time of pubring.kbx, pubring.gpg, gpg.conf and
 * common.conf).  Any change of the keyring - an import or removal by this
 * module, gpg run by hand - changes the stamp; the next look-up then lists
 * every key again (one engine run) and rewrites the file (mkstemp and
 * rename: concurrent robots see the old or the new file, and a file left
 * behind with another stamp is ignored).  The file holds raw key data
 * only; expiry is still judged against the caller's clock.  Homes whose
 * keys may live elsewhere (gpg.conf naming other keyrings, keyboxd) are
 * not cached: each look-up asks gpg, as does a look-up by anything other
 * than a long key id or a v4 fingerprint.
 *
 * The file: the line KEYCACHE_MAGIC, the line "stamp STAMP", one line
 * "SUBKEY-FPR PRIMARY-FPR SUB-REVOKED SUB-EXPIRES KEY-REVOKED KEY-EXPIRES
 * CAN-SIGN" per (sub)key in the order GPGME lists them, and "end N" (N
 * entries); a file that does not parse completely (one of version 1, too)
 * is rebuilt.
 *
 * Which key a signature belongs to (issue 10): the (sub)keys a signature's
 * key id or fingerprint names are found in every key of the keyring, and
 * a key may list another one's key as its subkey (a stranger's key-cert
 * with the victim's primary key as an authentication subkey needs no
 * signature of the victim).  So a name is bound thus (kc_choose): to the
 * primary key of that fingerprint when there is one - a primary key is
 * its own key, whatever else lists it; else to the one key holding it as
 * a subkey that may sign; else (none, or several keys) to nothing.
 */
#define KEYCACHE_FILE "autodbm-keys.cache"
#define KEYCACHE_MAGIC "autodbm-keycache 2"

/* The key data judge() uses for one signature. */
struct keydata {
    char fpr[41];               /* the signing (sub)key */
    char primary[41];           /* its primary key */
    int sk_revoked, key_revoked;
    long long sk_expires, key_expires;      /* 0: never */
};

/* Whether @s is exactly @n hex digits. */
static int is_hex_n(const char *s, size_t n)
{
    size_t i = 0;
    for (; s && s[i]; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return s != NULL && i == n;
}

/* Append " NAME:dev:ino:size:mtime:ctime" of @home/@name (zeros if absent). */
static void stamp_file(const char *home, const char *name, buf_t *out)
{
    char *path = xasprintf("%s/%s", home, name);
    struct stat st;
    if (stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    buf_printf(out, "%s%s:%llu:%llu:%lld:%lld.%09ld:%lld.%09ld", out->len ? " " : "", name,
               (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
               (long long)st.st_size, (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
               (long long)st.st_ctim.tv_sec, (long)st.st_ctim.tv_nsec);
    free(path);
}

/* Whether the option file @home/@name sets one of the options @opts
 * (NULL-terminated). */
static int conf_sets(const char *home, const char *name, const char *const *opts)
{
    char *path = xasprintf("%s/%s", home, name);
    FILE *fp = fopen(path, "r");
    free(path);
    if (fp == NULL)
        return 0;
    int hit = 0;
    char *line = NULL;
    size_t cap = 0;
    while (!hit && getline(&line, &cap, fp) > 0) {
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (s[0] == '-' && s[1] == '-')
            s += 2;
        for (size_t i = 0; opts[i] && !hit; i++) {
            size_t l = strlen(opts[i]);
            hit = strncmp(s, opts[i], l) == 0 && (s[l] == 0 || isspace((unsigned char)s[l]));
        }
    }
    free(line);
    fclose(fp);
    return hit;
}

/* The stamp of @home's keyring into @out; -1 when keys may live where the
 * stamp does not see them (no cache then). */
static int home_stamp(const char *home, buf_t *out)
{
    static const char *const gpg_opts[] = {
        "keyring", "primary-keyring", "no-default-keyring", "use-keyboxd", NULL
    };
    static const char *const common_opts[] = { "use-keyboxd", NULL };
    stamp_file(home, "pubring.kbx", out);
    stamp_file(home, "pubring.gpg", out);
    stamp_file(home, "gpg.conf", out);
    stamp_file(home, "common.conf", out);
    if (conf_sets(home, "gpg.conf", gpg_opts) || conf_sets(home, "common.conf", common_opts))
        return -1;
    return 0;
}

static void kc_clear(struct keycache *kc)
{
    free(kc->stamp);
    free(kc->v);
    memset(kc, 0, sizeof *kc);
}

static struct kc_entry *kc_add(struct keycache *kc)
{
    if (kc->n == kc->cap) {
        kc->cap = kc->cap ? kc->cap * 2 : 16;
        kc->v = xrealloc(kc->v, kc->cap * sizeof *kc->v);
    }
    struct kc_entry *e = &kc->v[kc->n++];
    memset(e, 0, sizeof *e);
    return e;
}

/* A decimal number >= 0 filling all of @s; -1 if it is not one. */
static long long parse_num(const char *s)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return errno || *end ? -1 : v;
}

/* Parse the entry line @s (changed in place) into @e; 0 or -1. */
static int kc_parse_entry(char *s, struct kc_entry *e)
{
    char *f[7], *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n == 7)
            return -1;
        f[n++] = t;
    }
    if (n != 7 || !is_hex_n(f[0], 40) || !is_hex_n(f[1], 40))
        return -1;
    long long v[5];
    for (size_t i = 0; i < 5; i++)
        if ((v[i] = parse_num(f[2 + i])) < 0)
            return -1;
    copy_fpr(e->sub, f[0]);
    copy_fpr(e->prim, f[1]);
    e->sk_revoked = v[0] != 0;
    e->sk_expires = v[1];
    e->key_revoked = v[2] != 0;
    e->key_expires = v[3];
    e->can_sign = v[4] != 0;
    return 0;
}

/* Load the home's cache file if it belongs to @stamp; 0 or -1. */
static int kc_read(pgp_t *p, const char *stamp)
{
    char *path = xasprintf("%s/" KEYCACHE_FILE, p->home);
    FILE *fp = fopen(path, "r");
    free(path);
    if (fp == NULL)
        return -1;
    struct keycache kc;
    memset(&kc, 0, sizeof kc);
    char *line = NULL;
    size_t cap = 0;
    ssize_t l;
    int part = 0;               /* 0 magic, 1 stamp, 2 entries, 3 complete */
    while (part < 3 && (l = getline(&line, &cap, fp)) > 0) {
        if (line[l - 1] != '\n')
            break;              /* a torn last line */
        line[l - 1] = 0;
        if (part == 0 && strcmp(line, KEYCACHE_MAGIC) == 0)
            part = 1;
        else if (part == 1 && strncmp(line, "stamp ", 6) == 0 && strcmp(line + 6, stamp) == 0)
            part = 2;
        else if (part == 2 && strncmp(line, "end ", 4) == 0 &&
                 parse_num(line + 4) == (long long)kc.n)
            part = 3;
        else if (part != 2 || kc_parse_entry(line, kc_add(&kc)) != 0)
            break;
    }
    free(line);
    fclose(fp);
    if (part != 3) {
        kc_clear(&kc);
        return -1;
    }
    kc.stamp = xstrdup(stamp);
    kc_clear(&p->kc);
    p->kc = kc;
    return 0;
}

/* Write the cache in memory to the home's cache file (best effort: a
 * read-only home just keeps asking gpg in later runs). */
static void kc_write(const pgp_t *p)
{
    char *tmp = xasprintf("%s/" KEYCACHE_FILE ".XXXXXX", p->home);
    int fd = mkstemp(tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fp == NULL) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return;
    }
    fprintf(fp, "%s\nstamp %s\n", KEYCACHE_MAGIC, p->kc.stamp);
    for (size_t i = 0; i < p->kc.n; i++) {
        const struct kc_entry *e = &p->kc.v[i];
        fprintf(fp, "%s %s %d %lld %d %lld %d\n", e->sub, e->prim, e->sk_revoked,
                e->sk_expires, e->key_revoked, e->key_expires, e->can_sign);
    }
    fprintf(fp, "end %zu\n", p->kc.n);
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad) {
        unlink(tmp);
    } else {
        char *path = xasprintf("%s/" KEYCACHE_FILE, p->home);
        if (rename(tmp, path) != 0)
            unlink(tmp);
        free(path);
    }
    free(tmp);
}

/* Add an entry to @kc for every (sub)key of @key with a v4 fingerprint. */
static void kc_add_key(struct keycache *kc, gpgme_key_t key)
{
    gpgme_subkey_t pk = key->subkeys;
    for (gpgme_subkey_t s = pk; pk && is_hex_n(pk->fpr, 40) && s; s = s->next) {
        if (!is_hex_n(s->fpr, 40))
            continue;       /* judged by asking gpg (not found here) */
        struct kc_entry *e = kc_add(kc);
        copy_fpr(e->sub, s->fpr);
        copy_fpr(e->prim, pk->fpr);
        e->sk_revoked = s->revoked != 0;
        e->sk_expires = (long long)s->expires;
        e->key_revoked = key->revoked != 0;
        e->key_expires = (long long)pk->expires;
        e->can_sign = s->can_sign != 0;
    }
}

/* Entries into @kc (emptied first) for every key of the home matching
 * @pattern (NULL: all): 0, or the GPGME error (@kc left empty). */
static gpgme_error_t kc_list(pgp_t *p, const char *pattern, struct keycache *kc)
{
    memset(kc, 0, sizeof *kc);
    gpgme_error_t ge = gpgme_op_keylist_start(p->ctx, pattern, 0);
    gpgme_key_t key;
    while (!ge && (ge = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
        kc_add_key(kc, key);
        gpgme_key_unref(key);
    }
    gpgme_op_keylist_end(p->ctx);
    if (gpgme_err_code(ge) == GPG_ERR_EOF)
        return 0;
    kc_clear(kc);
    return ge ? ge : gpgme_error(GPG_ERR_GENERAL);
}

/* List every key of the home into the cache (for @stamp, taken before the
 * listing: a change meanwhile makes the result stale, never wrong) and
 * write the file; 0, or -1 when the keys could not be listed. */
static int kc_build(pgp_t *p, const char *stamp)
{
    struct keycache kc;
    if (kc_list(p, NULL, &kc) != 0)
        return -1;
    kc.stamp = xstrdup(stamp);
    kc_clear(&p->kc);
    p->kc = kc;
    kc_write(p);
    return 0;
}

/* Make p->kc current; 0, or -1 when the home is not cached or its keys
 * cannot be listed. */
static int kc_current(pgp_t *p)
{
    buf_t st;
    buf_init(&st);
    int rc = home_stamp(p->home, &st);
    if (rc == 0 && (p->kc.stamp == NULL || strcmp(p->kc.stamp, st.s) != 0) &&
        kc_read(p, st.s) != 0)
        rc = kc_build(p, st.s);
    buf_free(&st);
    return rc;
}

/* Whether the key id or fingerprint @id names the (sub)key @fpr. */
static int names_fpr(const char *id, const char *fpr)
{
    size_t n = strlen(id), f = strlen(fpr);
    return n > 0 && n <= f && strcasecmp(fpr + (f - n), id) == 0;
}

/* Bind @id among the entries @v (see "which key a signature belongs to"
 * above): 1 found (@kd filled), 0 not. */
static int kc_choose(const struct kc_entry *v, size_t n, const char *id, struct keydata *kd)
{
    const struct kc_entry *hit = NULL;
    int ambiguous = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kc_entry *e = &v[i];
        if (!names_fpr(id, e->sub))
            continue;
        if (strcmp(e->sub, e->prim) == 0) {
            hit = e;                /* a primary key: its own key */
            ambiguous = 0;
            break;
        }
        if (!e->can_sign)
            continue;
        if (hit == NULL)
            hit = e;
        else if (strcmp(hit->prim, e->prim) != 0)
            ambiguous = 1;
    }
    if (hit == NULL || ambiguous)
        return 0;
    memcpy(kd->fpr, hit->sub, sizeof kd->fpr);
    memcpy(kd->primary, hit->prim, sizeof kd->primary);
    kd->sk_revoked = hit->sk_revoked;
    kd->sk_expires = hit->sk_expires;
    kd->key_revoked = hit->key_revoked;
    kd->key_expires = hit->key_expires;
    return 1;
}

/* Look @id up in the cache: 1 found (@kd filled), 0 not in the keyring
 * or not bound to one key (kc_choose), -1 no cache. */
static int kc_lookup(pgp_t *p, const char *id, struct keydata *kd)
{
    if (kc_current(p) != 0)
        return -1;
    return kc_choose(p->kc.v, p->kc.n, id, kd);
}

/* Ask gpg for every key holding @id (on this context: no second context,
 * whose engine set-up costs a version probe) and bind it as kc_lookup()
 * does: 1 found (@kd filled), 0 not. */
static int engine_lookup(pgp_t *p, const char *id, struct keydata *kd)
{
    struct keycache kc;
    int r = kc_list(p, id, &kc) == 0 && kc_choose(kc.v, kc.n, id, kd);
    kc_clear(&kc);
    return r;
}

/* The key data of the (sub)key @id names: 1 found, 0 not. */
static int key_lookup(pgp_t *p, const char *id, struct keydata *kd)
{
    memset(kd, 0, sizeof *kd);
    if (is_hex_n(id, 16) || is_hex_n(id, 40)) {
        int r = kc_lookup(p, id, kd);
        if (r >= 0)
            return r;
    }
    return engine_lookup(p, id, kd);
}

int pgp_key_holders(pgp_t *p, const char *fpr, int cached, strv_t *primaries, err_t *err)
{
    struct keycache local;
    memset(&local, 0, sizeof local);
    const struct keycache *kc = &p->kc;
    if (!cached || kc_current(p) != 0) {
        /* not cached: every key holding it, from gpg */
        gpgme_error_t ge = kc_list(p, fpr, &local);
        if (ge)
            return err_set(err, ERR_CRYPTO, "listing the keys holding %s: %s", fpr,
                           gpgme_strerror(ge));
        kc = &local;
    }
    for (size_t i = 0; i < kc->n; i++)
        if (strcasecmp(kc->v[i].sub, fpr) == 0)
            strv_add_unique(primaries, kc->v[i].prim);
    kc_clear(&local);
    return 0;
}

int pgp_key_cache_update(pgp_t *p, err_t *err)
{
    buf_t st;
    buf_init(&st);
    int rc = 0;
    if (home_stamp(p->home, &st) == 0 &&
        (p->kc.stamp == NULL || strcmp(p->kc.stamp, st.s) != 0) &&
        kc_read(p, st.s) != 0 && kc_build(p, st.s) != 0)
        rc = err_set(err, ERR_CRYPTO, "listing the keys of %s failed", p->home);
    buf_free(&st);
    return rc;
}

/* ---- judging signatures ------------------------------------------------ */

/* Decide the state of @rs and fill @out (digest not touched). */
static void judge(pgp_t *p, const struct raw_sig *rs,
                  const pgp_time_policy_t *tp, pgp_sig_t *out)
{
    gpgme_err_code_t code = gpgme_err_code(rs->status);
    out->sigtime = rs->sigtime;
    if (is_hex40(rs->fpr)) {
        copy_fpr(out->fpr, rs->fpr);
        copy_fpr(out->primary_fpr, rs->fpr);
    }
    struct keydata kd;
    int have = rs->fpr && *rs->fpr && code != GPG_ERR_NO_PUBKEY &&
               key_lookup(p, rs->fpr, &kd);
    if (have) {
        copy_fpr(out->fpr, kd.fpr);
        copy_fpr(out->primary_fpr, kd.primary);
    }
    switch (code) {
    case GPG_ERR_NO_ERROR:
    case GPG_ERR_KEY_EXPIRED:       /* judged below against tp->now */
    case GPG_ERR_SIG_EXPIRED:
    case GPG_ERR_CERT_REVOKED:
        if (!have) {
            out->state = CRED_PGP_UNKNOWN_KEY;
        } else if (kd.key_revoked || kd.sk_revoked || code == GPG_ERR_CERT_REVOKED) {
            out->state = CRED_PGP_REVOKED;
        } else if ((kd.sk_expires > 0 && (time_t)kd.sk_expires <= tp->now) ||
                   (kd.key_expires > 0 && (time_t)kd.key_expires <= tp->now) ||
                   (rs->sig_expires > 0 && rs->sig_expires <= tp->now)) {
            out->state = CRED_PGP_EXPIRED;
        } else if (rs->sigtime < tp->now - tp->max_age) {
            out->state = CRED_PGP_TOO_OLD;
        } else if (rs->sigtime > tp->now + tp->max_future) {
            out->state = CRED_PGP_FUTURE;
        } else {
            out->state = CRED_PGP_GOOD;
        }
        break;
    case GPG_ERR_NO_PUBKEY:
        out->state = CRED_PGP_UNKNOWN_KEY;
        break;
    default:                        /* BAD_SIGNATURE and anything else */
        out->state = CRED_PGP_BAD;
        break;
    }
}

/* Map a failed verify operation to a status. */
static int verify_error(gpgme_error_t ge, err_t *err)
{
    switch (gpgme_err_code(ge)) {
    case GPG_ERR_INV_ENGINE:
    case GPG_ERR_ENOMEM:
    case GPG_ERR_NOT_IMPLEMENTED:
    case GPG_ERR_ENOENT:
        return err_set(err, ERR_CRYPTO, "GnuPG: %s", gpgme_strerror(ge));
    default:
        return err_set(err, ERR_SYNTAX, "no usable signature: %s",
                       gpgme_strerror(ge));
    }
}

/*
 * Run gpgme_op_verify and turn its result into pgp_sig_t entries appended
 * to *sigs; @textdig is the digest of the signed text (text_digest), from
 * which each entry's replay record is made (sig_record).
 */
static int verify(pgp_t *p, gpgme_data_t sig, gpgme_data_t text, gpgme_data_t plain,
                  const char *textdig, const pgp_time_policy_t *tp,
                  pgp_sig_t **sigs, size_t *nsigs, err_t *err)
{
    gpgme_error_t ge = gpgme_op_verify(p->ctx, sig, text, plain);
    if (ge)
        return verify_error(ge, err);
    gpgme_verify_result_t vr = gpgme_op_verify_result(p->ctx);
    size_t n = 0;
    for (gpgme_signature_t s = vr ? vr->signatures : NULL; s; s = s->next)
        n++;
    if (n == 0)
        return err_set(err, ERR_SYNTAX, "no signature found");
    struct raw_sig *raw = xcalloc(n, sizeof *raw);
    size_t i = 0;
    for (gpgme_signature_t s = vr->signatures; s; s = s->next, i++) {
        raw[i].status = s->status;
        raw[i].fpr = xstrdup(s->fpr ? s->fpr : "");
        raw[i].sigtime = (time_t)s->timestamp;
        raw[i].sig_expires = (time_t)s->exp_timestamp;
        raw[i].hash_algo = (int)s->hash_algo;
    }
    /* the verify result is invalid from here on (key look-ups) */
    size_t base = *nsigs;
    *sigs = xrealloc(*sigs, (base + n) * sizeof **sigs);
    for (i = 0; i < n; i++) {
        pgp_sig_t *o = &(*sigs)[base + i];
        memset(o, 0, sizeof *o);
        judge(p, &raw[i], tp, o);
        char f[41];
        copy_fpr(f, raw[i].fpr);
        o->digest = sig_record(o->fpr[0] ? o->fpr : f, raw[i].sigtime, raw[i].hash_algo,
                               textdig);
        free(raw[i].fpr);
    }
    *nsigs = base + n;
    free(raw);
    return 0;
}

/*
 * Find the structure of a clearsigned block: @text_off receives where the
 * signed text starts (after the armor headers and the blank line),
 * @sig_off where the "-----BEGIN PGP SIGNATURE-----" line starts.
 *
 * The text must be delimited exactly as gpg delimits what it hashes, so
 * that the text handed on is the text verified.  gpg ends the cleartext
 * at the first line that starts with five dashes, whatever follows them
 * (it only logs "unexpected armor"), and then verifies every signature
 * armored after that line - and after the next one - over the text
 * before it; so that line must be the BEGIN PGP SIGNATURE line.  gpg ends
 * the armor headers at the first line that is not a valid "Hash:" header
 * (logged, not hashed), and "NotDashEscaped:" makes it hash "- " lines
 * and trailing white space as they stand; so every header line must be a
 * "Hash:" line.  A block framed otherwise is refused (@why says why).
 * @return 0; -1 when @b is not a clearsigned block; -2 when it is one
 *         framed in a way refused here.
 */
static int clearsigned_layout(const char *b, size_t n, size_t *text_off,
                              size_t *sig_off, const char **why)
{
    size_t off = 0;
    while (off < n && blank(b + off, text_line_len(b + off, n - off)))
        off = text_next_line(b, n, off);
    if (off >= n || !line_is(b + off, text_line_len(b + off, n - off), CLEARSIGN_BEGIN))
        return -1;
    off = text_next_line(b, n, off);
    /* armor headers ("Hash: SHA256") up to a blank line */
    int bad_header = 0;
    for (;;) {
        if (off >= n)
            return -1;
        size_t l = text_line_len(b + off, n - off);
        int is_blank = blank(b + off, l);
        if (!is_blank && (l < 5 || memcmp(b + off, "Hash:", 5) != 0))
            bad_header = 1;
        off = text_next_line(b, n, off);
        if (is_blank)
            break;
    }
    /* the signed text up to the first line of five dashes */
    size_t s = off, l = 0;
    for (; s < n; s = text_next_line(b, n, s)) {
        l = text_line_len(b + s, n - s);
        if (l >= 5 && memcmp(b + s, "-----", 5) == 0)
            break;
    }
    if (s >= n || find_line(b, n, s, ARMOR_SIG_END) < 0)
        return -1;
    if (bad_header) {
        *why = "an armor header line other than \"Hash:\" (gpg would not hash the "
               "text as it is read here)";
        return -2;
    }
    if (!line_is(b + s, l, ARMOR_SIG_BEGIN)) {
        *why = "the signed text ends at a line starting with five dashes that is not "
               "the signature's BEGIN line (gpg verifies only the text before it)";
        return -2;
    }
    *text_off = off;
    *sig_off = s;
    return 0;
}

/*
 * The signed text of [off, end) as gpg hashes it: dash-escapes removed,
 * trailing white space (space, tab, CR) dropped, LF line ends.
 */
static void clear_text(const char *b, size_t off, size_t end, buf_t *plain)
{
    while (off < end) {
        size_t l = text_line_len(b + off, end - off);
        const char *ln = b + off;
        if (l >= 2 && ln[0] == '-' && ln[1] == ' ') {
            ln += 2;
            l -= 2;
        }
        while (l > 0 && (ln[l - 1] == ' ' || ln[l - 1] == '\t' || ln[l - 1] == '\r'))
            l--;
        buf_put(plain, ln, l);
        buf_putc(plain, '\n');
        off = text_next_line(b, end, off);
    }
}

int pgp_verify_clearsigned(pgp_t *p, const char *block, size_t len,
                           const pgp_time_policy_t *tp, buf_t *plain,
                           pgp_sig_t **sigs, size_t *nsigs, err_t *err)
{
    size_t text_off, sig_off;
    const char *why = NULL;
    int layout = clearsigned_layout(block, len, &text_off, &sig_off, &why);
    if (layout == -1)
        return err_set(err, ERR_SYNTAX, "not a clearsigned block");
    if (layout != 0)
        return err_set(err, ERR_CRYPTO, "the clearsigned block is refused: %s", why);
    buf_t bin, rebuilt;
    buf_init(&bin);
    buf_init(&rebuilt);
    int rc = checked_sigs(block + sig_off, len - sig_off, tp, &bin, err);
    if (rc != 0) {
        buf_free(&bin);
        return rc;
    }
    /* gpg gets the signature packets as read and counted here */
    buf_put(&rebuilt, block, sig_off);
    armor_sig(&bin, &rebuilt);
    buf_free(&bin);
    char *digest = text_digest(block + text_off, sig_off - text_off, 1);
    gpgme_data_t sig = NULL, out = NULL;
    gpgme_error_t ge = gpgme_data_new_from_mem(&sig, rebuilt.s, rebuilt.len, 0);
    if (!ge)
        ge = gpgme_data_new(&out);
    if (ge) {
        rc = err_set(err, ERR_CRYPTO, "GPGME: %s", gpgme_strerror(ge));
    } else {
        rc = verify(p, sig, NULL, out, digest, tp, sigs, nsigs, err);
        if (rc == 0)
            clear_text(block, text_off, sig_off, plain);
    }
    gpgme_data_release(sig);
    gpgme_data_release(out);
    free(digest);
    buf_free(&rebuilt);
    return rc;
}

int pgp_verify_detached(pgp_t *p, const char *data, size_t len,
                        const char *sigtext, size_t siglen,
                        const pgp_time_policy_t *tp, pgp_sig_t **sigs,
                        size_t *nsigs, err_t *err)
{
    buf_t bin;
    buf_init(&bin);
    int rc = checked_sigs(sigtext, siglen, tp, &bin, err);
    if (rc != 0) {
        buf_free(&bin);
        return rc;
    }
    char *digest = text_digest(data, len, 0);
    gpgme_data_t sig = NULL, text = NULL;
    gpgme_error_t ge = gpgme_data_new_from_mem(&sig, bin.s, bin.len, 0);
    if (!ge)
        ge = gpgme_data_new_from_mem(&text, data, len, 0);
    if (ge)
        rc = err_set(err, ERR_CRYPTO, "GPGME: %s", gpgme_strerror(ge));
    else
        rc = verify(p, sig, text, NULL, digest, tp, sigs, nsigs, err);
    gpgme_data_release(sig);
    gpgme_data_release(text);
    free(digest);
    buf_free(&bin);
    return rc;
}

void pgp_sig_free(pgp_sig_t *sigs, size_t n)
{
    if (sigs == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(sigs[i].digest);
    free(sigs);
}

/* ---- keys ------------------------------------------------------------- */

void pgp_keyinfo_free(pgp_keyinfo_t *k)
{
    if (k == NULL)
        return;
    strv_free(&k->owners);
    strv_free(&k->fprs);
    memset(k, 0, sizeof *k);
}

static void fill_info(gpgme_key_t key, pgp_keyinfo_t *info)
{
    pgp_keyinfo_free(info);
    strv_init(&info->owners);
    if (key->subkeys && key->subkeys->fpr) {
        copy_fpr(info->fpr, key->subkeys->fpr);
        size_t l = strlen(info->fpr);
        memcpy(info->keyid, info->fpr + (l >= 16 ? l - 16 : 0), l >= 16 ? 16 : l);
        info->keyid[l >= 16 ? 16 : l] = 0;
    }
    for (gpgme_user_id_t u = key->uids; u; u = u->next)
        if (u->uid)
            strv_add(&info->owners, u->uid);
    info->secret = key->secret;
    for (gpgme_subkey_t s = key->subkeys; s; s = s->next) {
        if (s->secret)
            info->secret = 1;
        if (s->fpr) {
            char f[41];
            copy_fpr(f, s->fpr);
            strv_add(&info->fprs, f);
        }
    }
    info->expired = key->expired;
    info->revoked = key->revoked;
    info->invalid = key->invalid;
}

/* Whether @s holds an armored secret key block. */
static int armored_secret(const char *s, size_t n)
{
    static const char tag[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----";
    size_t t = sizeof tag - 1;
    for (size_t i = 0; i + t <= n; i++)
        if (s[i] == '-' && memcmp(s + i, tag, t) == 0)
            return 1;
    return 0;
}

int pgp_key_inspect(pgp_t *p, const char *armored, size_t len, size_t *nkeys,
                    pgp_keyinfo_t *info, err_t *err)
{
    *nkeys = 0;
    gpgme_data_t d;
    gpgme_error_t ge = gpgme_data_new_from_mem(&d, armored, len, 0);
    if (ge)
        return err_set(err, ERR_CRYPTO, "GPGME: %s", gpgme_strerror(ge));
    int secret = armored_secret(armored, len);
    ge = gpgme_op_keylist_from_data_start(p->ctx, d, 0);
    gpgme_key_t key;
    while (!ge && (ge = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
        if (*nkeys == 0 && info) {
            fill_info(key, info);
            if (secret)
                info->secret = 1;
        }
        (*nkeys)++;
        gpgme_key_unref(key);
    }
    gpgme_op_keylist_end(p->ctx);
    gpgme_data_release(d);
    if (ge && gpgme_err_code(ge) != GPG_ERR_EOF && *nkeys == 0)
        return err_set(err, ERR_SYNTAX, "not OpenPGP key material: %s",
                       gpgme_strerror(ge));
    if (*nkeys == 0 && secret)
        *nkeys = 1;     /* some gpg versions list nothing for secret data */
    if (*nkeys == 0)
        return err_set(err, ERR_SYNTAX, "no OpenPGP key found");
    return 0;
}

int pgp_key_import(pgp_t *p, const char *armored, size_t len,
                   pgp_keyinfo_t *info, err_t *err)
{
    size_t n = 0;
    pgp_keyinfo_t k;
    memset(&k, 0, sizeof k);
    strv_init(&k.owners);
    int rc = pgp_key_inspect(p, armored, len, &n, &k, err);
    if (rc == 0 && n > 1)
        rc = err_set(err, ERR_SYNTAX, "the data holds %zu keys, not one", n);
    if (rc == 0 && (k.secret || armored_secret(armored, len)))
        rc = err_set(err, ERR_SYNTAX, "secret key material is refused");
    if (rc == 0) {
        gpgme_data_t d;
        gpgme_error_t ge = gpgme_data_new_from_mem(&d, armored, len, 0);
        if (!ge) {
            ge = gpgme_op_import(p->ctx, d);
            gpgme_data_release(d);
        }
        gpgme_import_result_t ir = ge ? NULL : gpgme_op_import_result(p->ctx);
        if (ge)
            rc = err_set(err, ERR_CRYPTO, "importing the key: %s", gpgme_strerror(ge));
        else if (ir == NULL || ir->considered == 0 ||
                 (ir->imported == 0 && ir->unchanged == 0))
            rc = err_set(err, ERR_SYNTAX, "the key could not be imported");
    }
    if (rc == 0 && info) {
        pgp_keyinfo_free(info);
        *info = k;
    } else {
        pgp_keyinfo_free(&k);
    }
    return rc;
}

int pgp_key_import_many(pgp_t *p, const char *armored, size_t len, strv_t *fprs,
                        err_t *err)
{
    if (armored_secret(armored, len))
        return err_set(err, ERR_SYNTAX, "secret key material is refused");
    gpgme_data_t d;
    gpgme_error_t ge = gpgme_data_new_from_mem(&d, armored, len, 0);
    if (!ge) {
        ge = gpgme_op_import(p->ctx, d);
        gpgme_data_release(d);
    }
    if (ge)
        return err_set(err, ERR_CRYPTO, "importing keys: %s", gpgme_strerror(ge));
    gpgme_import_result_t ir = gpgme_op_import_result(p->ctx);
    for (gpgme_import_status_t st = ir ? ir->imports : NULL; st; st = st->next)
        if (st->result == 0 && st->fpr && !(st->status & GPGME_IMPORT_SECRET)) {
            char f[41];
            copy_fpr(f, st->fpr);
            strv_add_unique(fprs, f);
        }
    return 0;
}

int pgp_key_delete(pgp_t *p, const char *fpr, err_t *err)
{
    gpgme_key_t key = NULL;
    gpgme_error_t ge = gpgme_get_key(p->ctx, fpr, &key, 0);
    if (gpgme_err_code(ge) == GPG_ERR_EOF || (ge == 0 && key == NULL))
        return 0;
    if (ge)
        return err_set(err, ERR_CRYPTO, "looking up key %s: %s", fpr, gpgme_strerror(ge));
    ge = gpgme_op_delete_ext(p->ctx, key, GPGME_DELETE_FORCE);
    gpgme_key_unref(key);
    if (ge)
        return err_set(err, ERR_CRYPTO, "deleting key %s: %s", fpr, gpgme_strerror(ge));
    return 0;
}

int pgp_key_list(pgp_t *p, strv_t *fprs, err_t *err)
{
    gpgme_error_t ge = gpgme_op_keylist_start(p->ctx, NULL, 0);
    gpgme_key_t key;
    while (!ge && (ge = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
        if (key->subkeys && key->subkeys->fpr)
            strv_add(fprs, key->subkeys->fpr);
        gpgme_key_unref(key);
    }
    gpgme_op_keylist_end(p->ctx);
    if (ge && gpgme_err_code(ge) != GPG_ERR_EOF)
        return err_set(err, ERR_CRYPTO, "listing keys: %s", gpgme_strerror(ge));
    return 0;
}

/* The fingerprints of the key packets of the binary packets @d (@n bytes);
 * 0 or -1 (malformed). */
static int packet_fprs(const unsigned char *d, size_t n, strv_t *fprs)
{
    size_t i = 0, len;
    unsigned tag;
    while (i < n) {
        if (packet_next(d, n, &i, &tag, &len) != 0)
            return -1;
        /* signature, public key, trust, user ID, subkey, user attribute,
         * marker: nothing else (no compressed packet) */
        if (tag != 2 && tag != 6 && tag != 12 && tag != 13 && tag != 14 && tag != 17 &&
            tag != 10)
            return -1;
        if ((tag == 6 || tag == 14) && len >= 1 && d[i] == 4 && len <= 0xFFFF) {
            unsigned char head[3] = { 0x99, (unsigned char)(len >> 8),
                                      (unsigned char)(len & 0xFF) };
            GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA1);
            g_checksum_update(ck, head, 3);
            g_checksum_update(ck, d + i, (gssize)len);
            char f[41];
            copy_fpr(f, g_checksum_get_string(ck));
            g_checksum_free(ck);
            strv_add(fprs, f);
        }
        i += len;
    }
    return 0;
}

int pgp_armored_fprs(const char *armored, size_t len, strv_t *fprs, err_t *err)
{
    static const char begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    static const char end[] = "-----END PGP PUBLIC KEY BLOCK-----";
    size_t blocks = 0, off = 0;
    long at;
    while ((at = find_line(armored, len, off, begin)) >= 0) {
        blocks++;
        off = text_next_line(armored, len, (size_t)at);
        buf_t bin;
        buf_init(&bin);
        int rc = armor_decode(armored, len, &off, end, &bin);
        if (rc == 0)
            rc = packet_fprs((const unsigned char *)bin.s, bin.len, fprs);
        buf_free(&bin);
        if (rc)
            return err_set(err, ERR_SYNTAX, "malformed OpenPGP key data");
    }
    if (blocks == 0)
        return err_set(err, ERR_SYNTAX, "no armored public key block");
    return 0;
}

void pgp_keycert_name(const char *fpr, char out[16])
{
    size_t l = fpr ? strlen(fpr) : 0;
    const char *tail = l >= 8 ? fpr + l - 8 : (fpr ? fpr : "");
    memcpy(out, "PGPKEY-", 7);
    size_t i = 0;
    for (; tail[i] && i < 8; i++)
        out[7 + i] = (char)toupper((unsigned char)tail[i]);
    out[7 + i] = 0;
}

void pgp_fpr_spaced(const char *fpr40, char out[51])
{
    size_t o = 0;
    for (size_t i = 0; i < 40 && fpr40[i]; i++) {
        if (i > 0 && i % 4 == 0) {
            out[o++] = ' ';
            if (i == 20)
                out[o++] = ' ';
        }
        out[o++] = (char)toupper((unsigned char)fpr40[i]);
    }
    out[o] = 0;
}
