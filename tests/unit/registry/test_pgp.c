/*
 * test_pgp.c - OpenPGP through GPGME (pgp.h) with keys made at test time:
 * clearsigned and detached signatures in every state (good, bad,
 * unknown-key, expired and revoked keys, too old, in the future), subkey
 * signatures, digests that survive re-wrapped armor, key import,
 * inspection and removal, and the key data cache of the home.  Also the test key helpers of testkeys.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gpgme.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <glib.h>
#pragma GCC diagnostic pop

#include "util/buf.h"
#include "harness.h"
#include "registry/pgp.h"
#include "testkeys.h"

/* ---- test keys (testkeys.h) ------------------------------------------- */

struct tk_signer {
    gpgme_ctx_t ctx;
    char *home;
    char fpr[41];
    char subfpr[41];
};

static void upper40(char dst[41], const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i < 40; i++)
        dst[i] = (char)(src[i] >= 'a' && src[i] <= 'f' ? src[i] - 32 : src[i]);
    dst[i] = 0;
}

tk_signer_t *tk_signer_new(const char *uid, unsigned long expires, int subkey)
{
    gpgme_check_version(NULL);
    tk_signer_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->home = strdup(harness_tmpdir());
    if (gpgme_new(&s->ctx) != 0)
        return NULL;
    gpgme_ctx_set_engine_info(s->ctx, GPGME_PROTOCOL_OpenPGP, NULL, s->home);
    gpgme_set_armor(s->ctx, 1);
    gpgme_set_pinentry_mode(s->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
    unsigned flags = GPGME_CREATE_SIGN | GPGME_CREATE_NOPASSWD |
                     (expires ? 0 : GPGME_CREATE_NOEXPIRE);
    if (gpgme_op_createkey(s->ctx, uid, "ed25519", 0, expires, NULL, flags) != 0)
        return NULL;
    gpgme_genkey_result_t gr = gpgme_op_genkey_result(s->ctx);
    if (gr == NULL || gr->fpr == NULL)
        return NULL;
    upper40(s->fpr, gr->fpr);
    if (subkey) {
        gpgme_key_t key;
        if (gpgme_get_key(s->ctx, s->fpr, &key, 1) != 0)
            return NULL;
        gpgme_error_t ge = gpgme_op_createsubkey(s->ctx, key, "ed25519", 0, 0,
                                                 GPGME_CREATE_SIGN | GPGME_CREATE_NOPASSWD |
                                                 GPGME_CREATE_NOEXPIRE);
        gpgme_key_unref(key);
        if (ge)
            return NULL;
        gr = gpgme_op_genkey_result(s->ctx);
        if (gr == NULL || gr->fpr == NULL)
            return NULL;
        upper40(s->subfpr, gr->fpr);
    }
    return s;
}

const char *tk_fpr(const tk_signer_t *s)
{
    return s->fpr;
}

const char *tk_subfpr(const tk_signer_t *s)
{
    return s->subfpr;
}

/* Move the contents of @d to @out and release @d. */
static void drain(gpgme_data_t d, buf_t *out)
{
    size_t n = 0;
    char *p = gpgme_data_release_and_get_mem(d, &n);
    if (p) {
        buf_put(out, p, n);
        gpgme_free(p);
    }
}

static int export_mode(tk_signer_t *s, gpgme_export_mode_t mode, buf_t *out)
{
    gpgme_data_t d;
    if (gpgme_data_new(&d) != 0)
        return -1;
    gpgme_error_t ge = gpgme_op_export(s->ctx, s->fpr, mode, d);
    drain(d, out);
    return ge ? -1 : 0;
}

int tk_export(tk_signer_t *s, buf_t *out)
{
    return export_mode(s, 0, out);
}

int tk_export_secret(tk_signer_t *s, buf_t *out)
{
    return export_mode(s, GPGME_EXPORT_MODE_SECRET, out);
}

static int sign(tk_signer_t *s, const char *text, size_t len, gpgme_sig_mode_t mode,
                buf_t *out)
{
    gpgme_data_t in, o;
    gpgme_key_t key;
    if (gpgme_get_key(s->ctx, s->fpr, &key, 1) != 0)
        return -1;
    gpgme_signers_clear(s->ctx);
    gpgme_signers_add(s->ctx, key);
    gpgme_key_unref(key);
    if (gpgme_data_new_from_mem(&in, text, len, 1) != 0)
        return -1;
    if (gpgme_data_new(&o) != 0) {
        gpgme_data_release(in);
        return -1;
    }
    gpgme_error_t ge = gpgme_op_sign(s->ctx, in, o, mode);
    gpgme_data_release(in);
    drain(o, out);
    return ge ? -1 : 0;
}

int tk_clearsign(tk_signer_t *s, const char *text, size_t len, buf_t *out)
{
    return sign(s, text, len, GPGME_SIG_MODE_CLEAR, out);
}

int tk_detach(tk_signer_t *s, const char *data, size_t len, buf_t *out)
{
    return sign(s, data, len, GPGME_SIG_MODE_DETACH, out);
}

int tk_revoke(tk_signer_t *s)
{
    /* gpg leaves a revocation certificate in openpgp-revocs.d/FPR.rev,
       its armor line guarded by a leading ':' */
    char path[4096];
    snprintf(path, sizeof path, "%s/openpgp-revocs.d/%s.rev", s->home, s->fpr);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    buf_t b;
    buf_init(&b);
    char line[1024];
    while (fgets(line, sizeof line, fp))
        buf_puts(&b, line[0] == ':' && line[1] == '-' ? line + 1 : line);
    fclose(fp);
    gpgme_data_t d;
    int rc = -1;
    if (gpgme_data_new_from_mem(&d, b.s, b.len, 1) == 0) {
        rc = gpgme_op_import(s->ctx, d) ? -1 : 0;
        gpgme_data_release(d);
    }
    buf_free(&b);
    return rc;
}

/* ---- fixtures --------------------------------------------------------- */

static tk_signer_t *alice, *bob, *carol, *dave, *eve;

/* Keys are made once: alice (plain), bob (signing subkey), carol
   (expires in a day), dave (revoked), eve (never imported). */
static int fixtures(void)
{
    static int done, ok;
    if (done)
        return ok;
    done = 1;
    alice = tk_signer_new("Alice <alice@example.net>", 0, 0);
    bob = tk_signer_new("Bob <bob@example.net>", 0, 1);
    carol = tk_signer_new("Carol <carol@example.net>", 86400, 0);
    dave = tk_signer_new("Dave <dave@example.net>", 0, 0);
    eve = tk_signer_new("Eve <eve@example.net>", 0, 0);
    ok = alice && bob && carol && dave && eve;
    return ok;
}

/* A verifier home holding the public keys of alice, bob, carol, dave. */
static pgp_t *verifier(void)
{
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_FATAL(fixtures());
    CU_ASSERT_EQUAL_FATAL(pgp_new(harness_tmpdir(), &p, &e), 0);
    tk_signer_t *all[] = { alice, bob, carol, dave };
    for (size_t i = 0; i < 4; i++) {
        buf_t k;
        buf_init(&k);
        CU_ASSERT_EQUAL(tk_export(all[i], &k), 0);
        CU_ASSERT_EQUAL(pgp_key_import(p, k.s, k.len, NULL, &e), 0);
        buf_free(&k);
    }
    err_free(&e);
    return p;
}

static const char TEXT[] =
    "person:  Test Person\n"
    "address: Somewhere\n"
    "-----a line of dashes\n"
    "- a line with a leading dash\n"
    "nic-hdl: TP1-TEST\n"
    "source:  TEST\n";

/* Clearsign TEXT by @s and verify it with @p at @now; one signature. */
static pgp_sig_t *check_clear(pgp_t *p, tk_signer_t *s, time_t now, buf_t *plain)
{
    buf_t block;
    buf_init(&block);
    CU_ASSERT_EQUAL(tk_clearsign(s, TEXT, strlen(TEXT), &block), 0);
    pgp_time_policy_t tp = { now, 3600, 3600, 0 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, block.s, block.len, &tp, plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL(n, 1);
    buf_free(&block);
    err_free(&e);
    if (n != 1) {
        pgp_sig_free(sigs, n);
        return NULL;
    }
    return sigs;
}

/* ---- tests ------------------------------------------------------------ */

static void test_good_clearsigned(void)
{
    pgp_t *p = verifier();
    buf_t plain;
    buf_init(&plain);
    time_t now = time(NULL);
    pgp_sig_t *s = check_clear(p, alice, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(s->fpr, tk_fpr(alice));
    CU_ASSERT_STRING_EQUAL(s->primary_fpr, tk_fpr(alice));
    CU_ASSERT(s->sigtime >= now - 60 && s->sigtime <= now + 60);
    CU_ASSERT_PTR_NOT_NULL(s->digest);
    CU_ASSERT_EQUAL(strlen(s->digest), 64);
    CU_ASSERT_STRING_EQUAL(plain.s, TEXT);      /* dash-escaping undone */
    pgp_sig_free(s, 1);
    buf_free(&plain);
    pgp_free(p);
}

static void test_tampered(void)
{
    pgp_t *p = verifier();
    buf_t block, plain;
    buf_init(&block);
    buf_init(&plain);
    CU_ASSERT_EQUAL(tk_clearsign(alice, TEXT, strlen(TEXT), &block), 0);
    char *at = strstr(block.s, "Somewhere");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    at[0] = 'N';
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, block.s, block.len, &tp, &plain, &sigs,
                                           &n, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sigs[0].state, CRED_PGP_BAD);
    CU_ASSERT_STRING_EQUAL(sigs[0].fpr, tk_fpr(alice));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain.s, "Nomewhere"));
    pgp_sig_free(sigs, n);
    buf_free(&block);
    buf_free(&plain);
    pgp_free(p);
}

static void test_unknown_key(void)
{
    pgp_t *p = verifier();
    buf_t plain;
    buf_init(&plain);
    pgp_sig_t *s = check_clear(p, eve, time(NULL), &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_UNKNOWN_KEY);
    /* a modern signature names its issuer's fingerprint */
    CU_ASSERT(s->fpr[0] == 0 || strcmp(s->fpr, tk_fpr(eve)) == 0);
    pgp_sig_free(s, 1);
    buf_free(&plain);
    pgp_free(p);
}

static void test_subkey(void)
{
    pgp_t *p = verifier();
    buf_t plain;
    buf_init(&plain);
    pgp_sig_t *s = check_clear(p, bob, time(NULL), &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(s->fpr, tk_subfpr(bob));
    CU_ASSERT_STRING_EQUAL(s->primary_fpr, tk_fpr(bob));
    CU_ASSERT_STRING_NOT_EQUAL(s->fpr, s->primary_fpr);
    pgp_sig_free(s, 1);
    buf_free(&plain);
    pgp_free(p);
}

static void test_expired_key(void)
{
    pgp_t *p = verifier();
    buf_t plain;
    buf_init(&plain);
    time_t now = time(NULL);
    /* the robot's clock two days on: carol's key expired after one */
    pgp_sig_t *s = check_clear(p, carol, now + 2 * 86400, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_EXPIRED);
    CU_ASSERT_STRING_EQUAL(s->fpr, tk_fpr(carol));
    pgp_sig_free(s, 1);
    buf_reset(&plain);
    s = check_clear(p, carol, now, &plain);       /* today it is fine */
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    pgp_sig_free(s, 1);
    buf_free(&plain);
    pgp_free(p);
}

static void test_revoked_key(void)
{
    CU_ASSERT_FATAL(fixtures());
    buf_t plain, block, key;
    buf_init(&plain);
    buf_init(&block);
    buf_init(&key);
    CU_ASSERT_EQUAL(tk_clearsign(dave, TEXT, strlen(TEXT), &block), 0);
    CU_ASSERT_EQUAL_FATAL(tk_revoke(dave), 0);
    CU_ASSERT_EQUAL(tk_export(dave, &key), 0);
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(pgp_new(harness_tmpdir(), &p, &e), 0);
    pgp_keyinfo_t info;
    memset(&info, 0, sizeof info);
    CU_ASSERT_EQUAL(pgp_key_import(p, key.s, key.len, &info, &e), 0);
    CU_ASSERT_EQUAL(info.revoked, 1);
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, block.s, block.len, &tp, &plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sigs[0].state, CRED_PGP_REVOKED);
    CU_ASSERT_STRING_EQUAL(sigs[0].fpr, tk_fpr(dave));
    pgp_sig_free(sigs, n);
    pgp_keyinfo_free(&info);
    buf_free(&plain);
    buf_free(&block);
    buf_free(&key);
    err_free(&e);
    pgp_free(p);
}

static void test_too_old_and_future(void)
{
    pgp_t *p = verifier();
    buf_t plain;
    buf_init(&plain);
    time_t now = time(NULL);
    pgp_sig_t *s = check_clear(p, alice, now + 7200, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_TOO_OLD);
    pgp_sig_free(s, 1);
    buf_reset(&plain);
    s = check_clear(p, alice, now - 7200, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_FUTURE);
    pgp_sig_free(s, 1);
    buf_free(&plain);
    pgp_free(p);
}

static void test_detached(void)
{
    pgp_t *p = verifier();
    static const char data[] = "Content-Type: text/plain\r\n\r\nperson: X\r\n";
    buf_t sig;
    buf_init(&sig);
    CU_ASSERT_EQUAL(tk_detach(alice, data, strlen(data), &sig), 0);
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(pgp_verify_detached(p, data, strlen(data), sig.s, sig.len, &tp,
                                        &sigs, &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sigs[0].state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(sigs[0].fpr, tk_fpr(alice));
    /* one byte different: bad; appended to the same array */
    static const char other[] = "Content-Type: text/plain\r\n\r\nperson: Y\r\n";
    CU_ASSERT_EQUAL(pgp_verify_detached(p, other, strlen(other), sig.s, sig.len, &tp,
                                        &sigs, &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(sigs[1].state, CRED_PGP_BAD);
    /* the replay record is keyed on the signed text, not the packet */
    CU_ASSERT_STRING_NOT_EQUAL(sigs[0].digest, sigs[1].digest);
    /* no signature at all */
    CU_ASSERT_EQUAL(pgp_verify_detached(p, data, strlen(data), "garbage", 7, &tp,
                                        &sigs, &n, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(n, 2);
    pgp_sig_free(sigs, n);
    buf_free(&sig);
    err_free(&e);
    pgp_free(p);
}

/* Re-wrap the base64 lines of the signature armor in @in to @width. */
static void rewrap(const char *in, size_t width, buf_t *out)
{
    const char *sig = strstr(in, "-----BEGIN PGP SIGNATURE-----");
    buf_put(out, in, (size_t)(sig - in));
    buf_puts(out, "-----BEGIN PGP SIGNATURE-----\nComment: re-wrapped\n\n");
    const char *body = strstr(sig, "\n\n") + 2;
    const char *crc = NULL;
    buf_t b64;
    buf_init(&b64);
    for (const char *l = body; *l && strncmp(l, "-----END", 8) != 0;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (l[0] == '=' && len == 5)
            crc = l;
        else
            buf_put(&b64, l, len);
        l = nl ? nl + 1 : l + len;
    }
    for (size_t i = 0; i < b64.len; i += width) {
        buf_put(out, b64.s + i, b64.len - i < width ? b64.len - i : width);
        buf_putc(out, '\n');
    }
    if (crc)
        buf_put(out, crc, 6);
    buf_puts(out, "-----END PGP SIGNATURE-----\n");
    buf_free(&b64);
}

static void test_digest_rewrapped(void)
{
    pgp_t *p = verifier();
    buf_t block, other, plain;
    buf_init(&block);
    buf_init(&other);
    buf_init(&plain);
    CU_ASSERT_EQUAL(tk_clearsign(alice, TEXT, strlen(TEXT), &block), 0);
    rewrap(block.s, 20, &other);
    CU_ASSERT_STRING_NOT_EQUAL(block.s, other.s);
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, block.s, block.len, &tp, &plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, other.s, other.len, &tp, &plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(sigs[0].state, CRED_PGP_GOOD);
    CU_ASSERT_EQUAL(sigs[1].state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(sigs[0].digest, sigs[1].digest);
    /* trailing white space and CRLF line ends: gpg still verifies, and
     * it is the same signature, so the same replay record */
    buf_reset(&other);
    const char *hdr = strstr(block.s, "\n\n") + 2;
    buf_put(&other, block.s, (size_t)(hdr - block.s));
    for (const char *l = hdr; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        buf_put(&other, l, len);
        if (strncmp(l, "-----BEGIN PGP SIGNATURE", 24) == 0)
            hdr = NULL;     /* the armor as it was */
        buf_puts(&other, hdr ? " \t\r\n" : "\n");
        l = nl ? nl + 1 : l + len;
    }
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, other.s, other.len, &tp, &plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(sigs[2].state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(sigs[0].digest, sigs[2].digest);
    /* a new signature of the same text has another digest */
    buf_reset(&other);
    CU_ASSERT_EQUAL(tk_clearsign(bob, TEXT, strlen(TEXT), &other), 0);
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, other.s, other.len, &tp, &plain, &sigs,
                                           &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT_STRING_NOT_EQUAL(sigs[0].digest, sigs[3].digest);
    pgp_sig_free(sigs, n);
    buf_free(&block);
    buf_free(&other);
    buf_free(&plain);
    err_free(&e);
    pgp_free(p);
}

/* pgp_armored_fprs: the key material's own fingerprints, from its packets */
static void test_armored_fprs(void)
{
    CU_ASSERT_FATAL(fixtures());
    buf_t k;
    buf_init(&k);
    strv_t f = STRV_INIT;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(tk_export(bob, &k), 0);
    CU_ASSERT_EQUAL(pgp_armored_fprs(k.s, k.len, &f, &e), 0);
    CU_ASSERT_EQUAL_FATAL(f.n, 2);
    CU_ASSERT_STRING_EQUAL(f.v[0], tk_fpr(bob));
    CU_ASSERT_STRING_EQUAL(f.v[1], tk_subfpr(bob));
    /* two blocks: both keys, in order */
    buf_t two;
    buf_init(&two);
    CU_ASSERT_EQUAL(tk_export(alice, &two), 0);
    buf_put(&two, k.s, k.len);
    strv_free(&f);
    CU_ASSERT_EQUAL(pgp_armored_fprs(two.s, two.len, &f, &e), 0);
    CU_ASSERT_EQUAL_FATAL(f.n, 3);
    CU_ASSERT_STRING_EQUAL(f.v[0], tk_fpr(alice));
    CU_ASSERT_STRING_EQUAL(f.v[1], tk_fpr(bob));
    /* cut short inside a packet, or no key block at all: refused */
    buf_t cut;
    buf_init(&cut);
    const char *b = strstr(k.s, "\n\n") + 2;
    buf_put(&cut, k.s, (size_t)(b - k.s));
    buf_put(&cut, b, 64);
    buf_puts(&cut, "\n-----END PGP PUBLIC KEY BLOCK-----\n");
    strv_free(&f);
    CU_ASSERT_EQUAL(pgp_armored_fprs(cut.s, cut.len, &f, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(pgp_armored_fprs("person: X\n", 10, &f, &e), ERR_SYNTAX);
    strv_free(&f);
    buf_free(&cut);
    buf_free(&two);
    buf_free(&k);
    err_free(&e);
}

static void test_not_clearsigned(void)
{
    pgp_t *p = verifier();
    static const char *bad[] = {
        "person: X\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nperson: X\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nperson: X\n"
        "-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n",
    };
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        buf_t plain;
        buf_init(&plain);
        pgp_sig_t *sigs = NULL;
        size_t n = 0;
        err_t e = ERR_INIT;
        CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, bad[i], strlen(bad[i]), &tp, &plain,
                                               &sigs, &n, &e), ERR_SYNTAX);
        CU_ASSERT_EQUAL(n, 0);
        pgp_sig_free(sigs, n);
        buf_free(&plain);
        err_free(&e);
    }
    pgp_free(p);
}

/*
 * gpg ends the signed text at the first line of five dashes and then
 * verifies every signature armored after it over the text before it: a
 * block of alice's text, her signature under a BEGIN line gpg calls
 * "unexpected armor", the stranger's text and her signature again under
 * the right BEGIN line verifies in gpg.  It must be refused, not read
 * as her text plus his; so must a "NotDashEscaped:" header.
 */
static void test_clearsigned_framing(void)
{
    pgp_t *p = verifier();
    buf_t block, evil;
    buf_init(&block);
    buf_init(&evil);
    CU_ASSERT_EQUAL_FATAL(tk_clearsign(alice, TEXT, strlen(TEXT), &block), 0);
    const char *sig = strstr(block.s, "-----BEGIN PGP SIGNATURE-----\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
    const char *body = sig + strlen("-----BEGIN PGP SIGNATURE-----\n");
    const char *end = strstr(body, "-----END PGP SIGNATURE-----");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    static const char *const early[] = {
        "-----BEGIN PGP SIGNATURE----- x\n", "-----BEGIN PGP MESSAGE-----\n", "-----\n",
    };
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 0 };
    for (size_t i = 0; i < sizeof early / sizeof *early; i++) {
        buf_reset(&evil);
        buf_put(&evil, block.s, (size_t)(sig - block.s));
        buf_puts(&evil, early[i]);
        buf_put(&evil, body, (size_t)(end - body));
        buf_puts(&evil, "-----END PGP MESSAGE-----\n\nmntner: EVIL-MNT\n\n"
                        "-----BEGIN PGP SIGNATURE-----\n");
        buf_puts(&evil, body);
        buf_t plain;
        buf_init(&plain);
        pgp_sig_t *sigs = NULL;
        size_t n = 0;
        err_t e = ERR_INIT;
        CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, evil.s, evil.len, &tp, &plain, &sigs,
                                               &n, &e), ERR_CRYPTO);
        CU_ASSERT_EQUAL(n, 0);
        CU_ASSERT_EQUAL(plain.len, 0);
        pgp_sig_free(sigs, n);
        buf_free(&plain);
        err_free(&e);
    }
    /* NotDashEscaped: gpg would hash "- " lines as they stand */
    buf_reset(&evil);
    const char *hash = strstr(block.s, "Hash:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(hash);
    buf_put(&evil, block.s, (size_t)(hash - block.s));
    buf_puts(&evil, "NotDashEscaped: You need GnuPG to verify this message\n");
    buf_puts(&evil, hash);
    buf_t plain;
    buf_init(&plain);
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, evil.s, evil.len, &tp, &plain, &sigs, &n,
                                           &e), ERR_CRYPTO);
    CU_ASSERT_EQUAL(n, 0);
    /* the block as alice made it verifies, and its text is hers */
    err_free(&e);
    CU_ASSERT_EQUAL(pgp_verify_clearsigned(p, block.s, block.len, &tp, &plain, &sigs, &n,
                                           &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sigs[0].state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(plain.s, TEXT);
    pgp_sig_free(sigs, n);
    buf_free(&plain);
    err_free(&e);
    buf_free(&block);
    buf_free(&evil);
    pgp_free(p);
}

/* The binary packets of the armored signature @a. */
static void unarmor(const char *a, buf_t *bin)
{
    const char *b = strstr(a, "\n\n");
    buf_t b64;
    buf_init(&b64);
    for (const char *l = b ? b + 2 : a; *l && *l != '-' && *l != '=';) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        buf_put(&b64, l, len);
        l = nl ? nl + 1 : l + len;
    }
    gsize n = 0;
    guchar *d = g_base64_decode(b64.s ? b64.s : "", &n);
    buf_put(bin, d, n);
    g_free(d);
    buf_free(&b64);
}

/*
 * gpg checks every signature packet it is given: a signature must be
 * signature packets only (a compressed packet holds thousands in a few
 * bytes), in one armor, and no more than tp->max_sigs of them.
 */
static void test_signature_packets(void)
{
    pgp_t *p = verifier();
    static const char DATA[] = "person: X\r\n";
    buf_t sig, bin, two, pkt;
    buf_init(&sig);
    buf_init(&bin);
    buf_init(&two);
    buf_init(&pkt);
    CU_ASSERT_EQUAL_FATAL(tk_detach(alice, DATA, strlen(DATA), &sig), 0);
    unarmor(sig.s, &bin);
    CU_ASSERT_FATAL(bin.len > 2 && ((unsigned char)bin.s[0] & 0x80));
    pgp_time_policy_t tp = { time(NULL), 3600, 3600, 1 };
    pgp_sig_t *sigs = NULL;
    size_t n = 0;
    err_t e = ERR_INIT;
    /* armored and binary: one good signature */
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), sig.s, sig.len, &tp, &sigs,
                                        &n, &e), 0);
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), bin.s, bin.len, &tp, &sigs,
                                        &n, &e), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(sigs[1].state, CRED_PGP_GOOD);
    /* two packets: beyond max_sigs 1, within 2 */
    buf_put(&two, bin.s, bin.len);
    buf_put(&two, bin.s, bin.len);
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), two.s, two.len, &tp, &sigs,
                                        &n, &e), ERR_LIMIT);
    err_free(&e);
    tp.max_sigs = 2;
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), two.s, two.len, &tp, &sigs,
                                        &n, &e), 0);
    CU_ASSERT_EQUAL(n, 4);
    /* the signature in a compressed packet (uncompressed, algorithm 0) */
    buf_putc(&pkt, (char)(0xC0 | 8));
    buf_putc(&pkt, (char)(bin.len + 1));
    buf_putc(&pkt, 0);
    buf_put(&pkt, bin.s, bin.len);
    CU_ASSERT_FATAL(bin.len + 1 < 192);
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), pkt.s, pkt.len, &tp, &sigs,
                                        &n, &e), ERR_SYNTAX);
    err_free(&e);
    /* two armors: the first is read, the rest is not given to gpg */
    buf_reset(&two);
    buf_puts(&two, "a footer\n");
    buf_put(&two, sig.s, sig.len);
    buf_put(&two, sig.s, sig.len);
    CU_ASSERT_EQUAL(pgp_verify_detached(p, DATA, strlen(DATA), two.s, two.len, &tp, &sigs,
                                        &n, &e), 0);
    CU_ASSERT_EQUAL(n, 5);
    pgp_sig_free(sigs, n);
    err_free(&e);
    buf_free(&sig);
    buf_free(&bin);
    buf_free(&two);
    buf_free(&pkt);
    pgp_free(p);
}

static int listed(pgp_t *p, const char *fpr)
{
    strv_t v;
    strv_init(&v);
    CU_ASSERT_EQUAL(pgp_key_list(p, &v, NULL), 0);
    int r = strv_find(&v, fpr) >= 0;
    strv_free(&v);
    return r;
}

static void test_keys(void)
{
    CU_ASSERT_FATAL(fixtures());
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(pgp_new(harness_tmpdir(), &p, &e), 0);
    buf_t k;
    buf_init(&k);
    CU_ASSERT_EQUAL(tk_export(bob, &k), 0);
    size_t n = 0;
    pgp_keyinfo_t info;
    memset(&info, 0, sizeof info);
    CU_ASSERT_EQUAL(pgp_key_inspect(p, k.s, k.len, &n, &info, &e), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_STRING_EQUAL(info.fpr, tk_fpr(bob));
    CU_ASSERT_STRING_EQUAL(info.keyid, tk_fpr(bob) + 24);
    CU_ASSERT_EQUAL_FATAL(info.owners.n, 1);
    CU_ASSERT_STRING_EQUAL(info.owners.v[0], "Bob <bob@example.net>");
    CU_ASSERT_EQUAL(info.secret, 0);
    CU_ASSERT_EQUAL(info.expired, 0);
    CU_ASSERT_EQUAL(info.revoked, 0);
    CU_ASSERT(!listed(p, tk_fpr(bob)));         /* inspect imports nothing */
    pgp_keyinfo_free(&info);

    CU_ASSERT_EQUAL(pgp_key_import(p, k.s, k.len, &info, &e), 0);
    CU_ASSERT_STRING_EQUAL(info.fpr, tk_fpr(bob));
    CU_ASSERT(listed(p, tk_fpr(bob)));
    CU_ASSERT_EQUAL(pgp_key_import(p, k.s, k.len, &info, &e), 0);   /* again: fine */
    CU_ASSERT_EQUAL(pgp_key_delete(p, tk_fpr(bob), &e), 0);
    CU_ASSERT(!listed(p, tk_fpr(bob)));
    CU_ASSERT_EQUAL(pgp_key_delete(p, tk_fpr(bob), &e), 0);         /* not there */
    pgp_keyinfo_free(&info);

    /* secret key material */
    buf_t sec;
    buf_init(&sec);
    CU_ASSERT_EQUAL(tk_export_secret(alice, &sec), 0);
    CU_ASSERT_EQUAL(pgp_key_import(p, sec.s, sec.len, &info, &e), ERR_SYNTAX);
    CU_ASSERT(!listed(p, tk_fpr(alice)));
    CU_ASSERT_EQUAL(pgp_key_inspect(p, sec.s, sec.len, &n, &info, &e), 0);
    CU_ASSERT_EQUAL(info.secret, 1);
    pgp_keyinfo_free(&info);

    /* two keys */
    buf_t two;
    buf_init(&two);
    CU_ASSERT_EQUAL(tk_export(alice, &two), 0);
    CU_ASSERT_EQUAL(tk_export(carol, &two), 0);
    CU_ASSERT_EQUAL(pgp_key_inspect(p, two.s, two.len, &n, &info, &e), 0);
    CU_ASSERT_EQUAL(n, 2);
    pgp_keyinfo_free(&info);
    CU_ASSERT_EQUAL(pgp_key_import(p, two.s, two.len, &info, &e), ERR_SYNTAX);
    CU_ASSERT(!listed(p, tk_fpr(alice)));
    CU_ASSERT(!listed(p, tk_fpr(carol)));

    /* no key */
    static const char junk[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
                               "-----END PGP PUBLIC KEY BLOCK-----\n";
    CU_ASSERT_EQUAL(pgp_key_import(p, junk, strlen(junk), &info, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(pgp_key_inspect(p, "hello", 5, &n, &info, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(n, 0);
    buf_free(&k);
    buf_free(&sec);
    buf_free(&two);
    err_free(&e);
    pgp_free(p);
}

static void test_keycert_name(void)
{
    char name[16];
    pgp_keycert_name("884F8E2369E5E6F19FB363F4BBCCBB2D5763950D", name);
    CU_ASSERT_STRING_EQUAL(name, "PGPKEY-5763950D");
    pgp_keycert_name("884f8e2369e5e6f19fb363f4bbccbb2d5763950d", name);
    CU_ASSERT_STRING_EQUAL(name, "PGPKEY-5763950D");
    char spaced[51];
    pgp_fpr_spaced("d07999f192d541b6e7bc65789175db8d5763950d", spaced);
    CU_ASSERT_STRING_EQUAL(spaced, "D079 99F1 92D5 41B6 E7BC  6578 9175 DB8D 5763 950D");
    pgp_fpr_spaced("ABCDEF", spaced);
    CU_ASSERT_STRING_EQUAL(spaced, "ABCD EF");
}

static void test_new_creates_home(void)
{
    char *home = NULL;
    const char *base = harness_tmpdir();
    size_t n = strlen(base) + 16;
    home = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(home);
    snprintf(home, n, "%s/a/b/gnupg", base);
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(pgp_new(home, &p, &e), 0);
    DIR *d = opendir(home);
    CU_ASSERT_PTR_NOT_NULL(d);
    if (d)
        closedir(d);
    pgp_free(p);
    CU_ASSERT_EQUAL(pgp_new("", &p, &e), ERR_USAGE);
    err_free(&e);
    free(home);
}

/* ---- the key data cache (autodbm-keys.cache) --------------------------- */

/* Import the public key of @s into @p. */
static void import_key(pgp_t *p, tk_signer_t *s)
{
    buf_t k;
    buf_init(&k);
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(tk_export(s, &k), 0);
    CU_ASSERT_EQUAL(pgp_key_import(p, k.s, k.len, NULL, &e), 0);
    buf_free(&k);
    err_free(&e);
}

/* The contents of @home/@name into @out (appended); 0 or -1. */
static int read_home_file(const char *home, const char *name, buf_t *out)
{
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/%s", home, name);
    int rc = harness_read_file(path.s, out);
    buf_free(&path);
    return rc;
}

static void write_home_file(const char *home, const char *name, const char *text)
{
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/%s", home, name);
    FILE *fp = fopen(path.s, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
    buf_free(&path);
}

/* The cache is written at the first check, follows every change of the
 * keyring (a key imported later is found, with its subkey), survives a
 * corrupt file, and a file with another stamp is ignored. */
static void test_key_cache(void)
{
    CU_ASSERT_FATAL(fixtures());
    const char *home = harness_tmpdir();
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(pgp_new(home, &p, &e), 0);
    import_key(p, alice);
    buf_t plain, file;
    buf_init(&plain);
    buf_init(&file);
    time_t now = time(NULL);
    pgp_sig_t *s = check_clear(p, alice, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    pgp_sig_free(s, 1);
    CU_ASSERT_EQUAL_FATAL(read_home_file(home, "autodbm-keys.cache", &file), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(file.s, tk_fpr(alice)));
    CU_ASSERT_PTR_NULL(strstr(file.s, tk_fpr(bob)));

    /* bob comes later: the stamp changed, the cache is rebuilt */
    import_key(p, bob);
    s = check_clear(p, bob, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(s->fpr, tk_subfpr(bob));
    CU_ASSERT_STRING_EQUAL(s->primary_fpr, tk_fpr(bob));
    pgp_sig_free(s, 1);
    buf_reset(&file);
    CU_ASSERT_EQUAL(read_home_file(home, "autodbm-keys.cache", &file), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(file.s, tk_subfpr(bob)));
    pgp_free(p);

    /* a second context reads the file: what it says is what counts
     * (here: alice revoked, as a white-box check that it is used) */
    buf_t forged;
    buf_init(&forged);
    buf_put(&forged, file.s, file.len);
    char *line = strstr(forged.s, tk_fpr(alice));
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    char *f3 = strchr(strchr(line, ' ') + 1, ' ') + 1;     /* SUB-REVOKED */
    CU_ASSERT_EQUAL_FATAL(*f3, '0');
    *f3 = '1';
    write_home_file(home, "autodbm-keys.cache", forged.s);
    CU_ASSERT_EQUAL_FATAL(pgp_new(home, &p, &e), 0);
    s = check_clear(p, alice, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_REVOKED);
    pgp_sig_free(s, 1);
    pgp_free(p);

    /* the same forged data under another stamp is ignored */
    char *st = strstr(forged.s, "stamp ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    st[6] = st[6] == 'x' ? 'y' : 'x';
    write_home_file(home, "autodbm-keys.cache", forged.s);
    CU_ASSERT_EQUAL_FATAL(pgp_new(home, &p, &e), 0);
    s = check_clear(p, alice, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    pgp_sig_free(s, 1);
    pgp_free(p);

    /* a torn file is rebuilt */
    write_home_file(home, "autodbm-keys.cache", "autodbm-keycache 1\nstamp");
    CU_ASSERT_EQUAL_FATAL(pgp_new(home, &p, &e), 0);
    s = check_clear(p, bob, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(s->primary_fpr, tk_fpr(bob));
    pgp_sig_free(s, 1);
    buf_reset(&file);
    CU_ASSERT_EQUAL(read_home_file(home, "autodbm-keys.cache", &file), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(file.s, "\nend "));
    pgp_free(p);

    buf_free(&forged);
    buf_free(&file);
    buf_free(&plain);
    err_free(&e);
}

/* pgp_key_cache_update() writes the cache; a home whose gpg.conf names
 * another keyring is never cached and still verifies. */
static void test_key_cache_update_and_uncached(void)
{
    CU_ASSERT_FATAL(fixtures());
    const char *home = harness_tmpdir();
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(pgp_new(home, &p, &e), 0);
    import_key(p, carol);
    buf_t file, plain;
    buf_init(&file);
    buf_init(&plain);
    CU_ASSERT_EQUAL(read_home_file(home, "autodbm-keys.cache", &file), -1);
    CU_ASSERT_EQUAL(pgp_key_cache_update(p, &e), 0);
    CU_ASSERT_EQUAL(read_home_file(home, "autodbm-keys.cache", &file), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(file.s, tk_fpr(carol)));
    /* expiry from the cache, judged at the caller's clock */
    time_t now = time(NULL);
    pgp_sig_t *s = check_clear(p, carol, now + 2 * 86400, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_EXPIRED);
    pgp_sig_free(s, 1);
    pgp_free(p);

    const char *home2 = harness_tmpdir();
    write_home_file(home2, "gpg.conf", "no-auto-key-retrieve\nkeyring extra.kbx\n");
    CU_ASSERT_EQUAL_FATAL(pgp_new(home2, &p, &e), 0);
    import_key(p, carol);
    CU_ASSERT_EQUAL(pgp_key_cache_update(p, &e), 0);
    s = check_clear(p, carol, now, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_GOOD);
    CU_ASSERT_STRING_EQUAL(s->fpr, tk_fpr(carol));
    pgp_sig_free(s, 1);
    s = check_clear(p, carol, now + 2 * 86400, &plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->state, CRED_PGP_EXPIRED);
    pgp_sig_free(s, 1);
    buf_reset(&file);
    CU_ASSERT_EQUAL(read_home_file(home2, "autodbm-keys.cache", &file), -1);
    pgp_free(p);
    buf_free(&file);
    buf_free(&plain);
    err_free(&e);
}

void suite_pgp(void);
void suite_pgp(void)
{
    CU_pSuite s = harness_suite("pgp");
    HARNESS_ADD(s, test_new_creates_home);
    HARNESS_ADD(s, test_keycert_name);
    HARNESS_ADD(s, test_good_clearsigned);
    HARNESS_ADD(s, test_tampered);
    HARNESS_ADD(s, test_unknown_key);
    HARNESS_ADD(s, test_subkey);
    HARNESS_ADD(s, test_expired_key);
    HARNESS_ADD(s, test_revoked_key);
    HARNESS_ADD(s, test_too_old_and_future);
    HARNESS_ADD(s, test_detached);
    HARNESS_ADD(s, test_digest_rewrapped);
    HARNESS_ADD(s, test_not_clearsigned);
    HARNESS_ADD(s, test_clearsigned_framing);
    HARNESS_ADD(s, test_signature_packets);
    HARNESS_ADD(s, test_keys);
    HARNESS_ADD(s, test_armored_fprs);
    HARNESS_ADD(s, test_key_cache);
    HARNESS_ADD(s, test_key_cache_update_and_uncached);
}
