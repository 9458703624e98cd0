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
 * The digest of a signature (replay detection) is taken over the binary
 * signature packets, after removing the ASCII armor, so that the same
 * signature wrapped differently gives the same digest.
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

#include "pgp.h"

struct pgp {
    gpgme_ctx_t ctx;
    char *home;
};

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
    free(p->home);
    free(p);
}

/* ---- armor and digests ------------------------------------------------ */

/* The line starting at @s (of @n bytes): its length without the EOL. */
static size_t line_len(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    size_t l = nl ? (size_t)(nl - s) : n;
    if (l > 0 && s[l - 1] == '\r')
        l--;
    return l;
}

/* Offset of the next line after the one at @off, or @n. */
static size_t next_line(const char *s, size_t n, size_t off)
{
    const char *nl = memchr(s + off, '\n', n - off);
    return nl ? (size_t)(nl - s) + 1 : n;
}

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

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/*
 * Append the binary packets of the armored block whose BEGIN line is at
 * @off of @s to @bin: armor headers skipped, base64 decoded until the
 * checksum or END line.
 */
static void dearmor(const char *s, size_t n, size_t off, buf_t *bin)
{
    off = next_line(s, n, off);
    /* armor headers: "Key: value" lines up to a blank line */
    size_t probe = off;
    while (probe < n) {
        size_t l = line_len(s + probe, n - probe);
        if (blank(s + probe, l)) {
            off = next_line(s, n, probe);
            break;
        }
        if (memchr(s + probe, ':', l) == NULL)
            break;      /* no headers and no blank line: data starts here */
        probe = next_line(s, n, probe);
    }
    unsigned acc = 0;
    int bits = 0;
    while (off < n) {
        size_t l = line_len(s + off, n - off);
        const char *ln = s + off;
        if (l >= 5 && memcmp(ln, "-----", 5) == 0)
            break;
        size_t t = l;
        while (t > 0 && isspace((unsigned char)ln[t - 1]))
            t--;
        if (t == 5 && ln[0] == '=')
            break;      /* the CRC-24 line */
        for (size_t i = 0; i < t; i++) {
            int v = b64val((unsigned char)ln[i]);
            if (v < 0)
                continue;   /* padding, stray white space */
            acc = (acc << 6) | (unsigned)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf_putc(bin, (int)((acc >> bits) & 0xFF));
            }
        }
        off = next_line(s, n, off);
    }
}

/* Offset of the line that is exactly @tag in @s, from @from; or -1. */
static long find_line(const char *s, size_t n, size_t from, const char *tag)
{
    size_t off = from;
    while (off < n) {
        size_t l = line_len(s + off, n - off);
        if (line_is(s + off, l, tag))
            return (long)off;
        off = next_line(s, n, off);
    }
    return -1;
}

/* Hex SHA-256 of the signature packets in @sig (armored or binary). */
static char *sig_digest(const char *sig, size_t len)
{
    buf_t bin;
    buf_init(&bin);
    long at = find_line(sig, len, 0, ARMOR_SIG_BEGIN);
    if (at >= 0)
        dearmor(sig, len, (size_t)at, &bin);
    else
        buf_put(&bin, sig, len);
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(ck, (const guchar *)bin.s, (gssize)bin.len);
    char *r = xstrdup(g_checksum_get_string(ck));
    g_checksum_free(ck);
    buf_free(&bin);
    return r;
}

/* ---- signatures ------------------------------------------------------- */

/* What GPGME said about one signature, copied out of its result. */
struct raw_sig {
    gpgme_error_t status;
    char *fpr;              /* fingerprint or key id as reported */
    time_t sigtime;
    time_t sig_expires;
};

static void copy_fpr(char dst[41], const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i < 40; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

/* Whether the key id or fingerprint @id names subkey @sk. */
static int names_subkey(const char *id, gpgme_subkey_t sk)
{
    size_t n = strlen(id);
    if (sk->fpr == NULL)
        return 0;
    size_t f = strlen(sk->fpr);
    return n > 0 && n <= f && strcasecmp(sk->fpr + (f - n), id) == 0;
}

static int is_hex40(const char *s)
{
    size_t i = 0;
    for (; s && s[i]; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return i == 40;
}

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
    gpgme_key_t key = NULL;
    gpgme_subkey_t sk = NULL;
    if (rs->fpr && *rs->fpr && code != GPG_ERR_NO_PUBKEY &&
        gpgme_get_key(p->ctx, rs->fpr, &key, 0) == 0 && key) {
        for (gpgme_subkey_t s = key->subkeys; s && !sk; s = s->next)
            if (names_subkey(rs->fpr, s))
                sk = s;
    }
    if (sk) {
        copy_fpr(out->fpr, sk->fpr);
        copy_fpr(out->primary_fpr, key->subkeys->fpr);
    }
    switch (code) {
    case GPG_ERR_NO_ERROR:
    case GPG_ERR_KEY_EXPIRED:       /* judged below against tp->now */
    case GPG_ERR_SIG_EXPIRED:
    case GPG_ERR_CERT_REVOKED:
        if (sk == NULL) {
            out->state = CRED_PGP_UNKNOWN_KEY;
        } else if (key->revoked || sk->revoked || code == GPG_ERR_CERT_REVOKED) {
            out->state = CRED_PGP_REVOKED;
        } else if ((sk->expires > 0 && (time_t)sk->expires <= tp->now) ||
                   (key->subkeys->expires > 0 &&
                    (time_t)key->subkeys->expires <= tp->now) ||
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
    if (key)
        gpgme_key_unref(key);
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
 * to *sigs; @digest is the digest each entry gets a copy of.
 */
static int verify(pgp_t *p, gpgme_data_t sig, gpgme_data_t text, gpgme_data_t plain,
                  const char *digest, const pgp_time_policy_t *tp,
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
    }
    /* the verify result is invalid from here on (key look-ups) */
    size_t base = *nsigs;
    *sigs = xrealloc(*sigs, (base + n) * sizeof **sigs);
    for (i = 0; i < n; i++) {
        pgp_sig_t *o = &(*sigs)[base + i];
        memset(o, 0, sizeof *o);
        judge(p, &raw[i], tp, o);
        o->digest = xstrdup(digest);
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
 * @return 0 or -1.
 */
static int clearsigned_layout(const char *b, size_t n, size_t *text_off,
                              size_t *sig_off)
{
    size_t off = 0;
    while (off < n && blank(b + off, line_len(b + off, n - off)))
        off = next_line(b, n, off);
    if (off >= n || !line_is(b + off, line_len(b + off, n - off), CLEARSIGN_BEGIN))
        return -1;
    off = next_line(b, n, off);
    /* armor headers ("Hash: SHA256") up to a blank line */
    for (;;) {
        if (off >= n)
            return -1;
        size_t l = line_len(b + off, n - off);
        int is_blank = blank(b + off, l);
        off = next_line(b, n, off);
        if (is_blank)
            break;
    }
    long s = find_line(b, n, off, ARMOR_SIG_BEGIN);
    if (s < 0 || find_line(b, n, (size_t)s, ARMOR_SIG_END) < 0)
        return -1;
    *text_off = off;
    *sig_off = (size_t)s;
    return 0;
}

/* The signed text of [off, end): dash-escapes removed, LF line ends. */
static void clear_text(const char *b, size_t off, size_t end, buf_t *plain)
{
    while (off < end) {
        size_t l = line_len(b + off, end - off);
        const char *ln = b + off;
        if (l >= 2 && ln[0] == '-' && ln[1] == ' ') {
            ln += 2;
            l -= 2;
        }
        buf_put(plain, ln, l);
        buf_putc(plain, '\n');
        off = next_line(b, end, off);
    }
}

int pgp_verify_clearsigned(pgp_t *p, const char *block, size_t len,
                           const pgp_time_policy_t *tp, buf_t *plain,
                           pgp_sig_t **sigs, size_t *nsigs, err_t *err)
{
    size_t text_off, sig_off;
    if (clearsigned_layout(block, len, &text_off, &sig_off) != 0)
        return err_set(err, ERR_SYNTAX, "not a clearsigned block");
    char *digest = sig_digest(block + sig_off, len - sig_off);
    gpgme_data_t sig = NULL, out = NULL;
    int rc;
    gpgme_error_t ge = gpgme_data_new_from_mem(&sig, block, len, 0);
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
    return rc;
}

int pgp_verify_detached(pgp_t *p, const char *data, size_t len,
                        const char *sigtext, size_t siglen,
                        const pgp_time_policy_t *tp, pgp_sig_t **sigs,
                        size_t *nsigs, err_t *err)
{
    char *digest = sig_digest(sigtext, siglen);
    gpgme_data_t sig = NULL, text = NULL;
    int rc;
    gpgme_error_t ge = gpgme_data_new_from_mem(&sig, sigtext, siglen, 0);
    if (!ge)
        ge = gpgme_data_new_from_mem(&text, data, len, 0);
    if (ge)
        rc = err_set(err, ERR_CRYPTO, "GPGME: %s", gpgme_strerror(ge));
    else
        rc = verify(p, sig, text, NULL, digest, tp, sigs, nsigs, err);
    gpgme_data_release(sig);
    gpgme_data_release(text);
    free(digest);
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
    for (gpgme_subkey_t s = key->subkeys; s; s = s->next)
        if (s->secret)
            info->secret = 1;
    info->expired = key->expired;
    info->revoked = key->revoked;
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
