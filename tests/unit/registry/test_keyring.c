/*
 * test_keyring.c - the registry's keyring as a cache of the store
 * (keyring.h), with the committed test keys of tests/keys/ (README there):
 *   - a key-cert's certif: lines are its armored key; keyring_keycert_key()
 *     takes one plain public key whose name matches its fingerprint and
 *     refuses a wrong name, two keys, secret key material, and a key
 *     without a user ID its primary key self-signed;
 *   - keyring_import_all() puts the key of every key-cert of the store in
 *     a temporary GnuPG home, keyring_rebuild() drops keys without one,
 *     keyring_commit_obj()/keyring_forget_obj() follow a create and a
 *     delete;
 *   - one key, one key-cert: keyring_check_obj() refuses a key (or a
 *     subkey) that another key-cert already holds;
 *   - subkeys: carol's signing subkey is listed with her key, and her
 *     key-cert holds it in the keyring.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/keyring.h"
#include "registry/pgp.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

#define ALICE "0EC843E0414CFDC698ACAE52FBC73F79AAC53B23"
#define BOB "A2919B07EFBEDB5D47B32D76498FA4D63E5007CE"
#define CAROL "754561C541C6792FD96C69104D0006DE8F924A80"
#define CAROL_SUB "EA417A81943170EB902E78236946036D20DC26E2"

/* tests/keys/NAME into @out (appended).  @return 0 or -1. */
static int key_file(const char *name, buf_t *out)
{
    char *path = xasprintf("%s/tests/keys/%s", harness_srcdir(), name);
    int rc = harness_read_file(path, out);
    free(path);
    return rc;
}

/* A key-cert @name whose certif: lines hold @armored (one per line). */
static rpsl_obj_t *keycert(const char *name, const char *armored)
{
    buf_t t;
    buf_init(&t);
    buf_printf(&t, "key-cert: %s\n", name);
    const char *p = armored;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len)
            buf_printf(&t, "certif: %.*s\n", (int)len, p);
        else
            buf_puts(&t, "certif:\n");
        p += len + (nl != NULL);
    }
    buf_puts(&t, "mnt-by: A-MNT\nsource: TEST\n");
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(t.s, t.len, 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(schema_classify(o, NULL), 0);
    buf_free(&t);
    return o;
}

/* The key-cert of tests/keys/FILE named @name. */
static rpsl_obj_t *keycert_file(const char *name, const char *file)
{
    buf_t k;
    buf_init(&k);
    CU_ASSERT_EQUAL_FATAL(key_file(file, &k), 0);
    rpsl_obj_t *o = keycert(name, k.s);
    buf_free(&k);
    return o;
}

static pgp_t *home(void)
{
    pgp_t *p = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(pgp_new(harness_tmpdir(), &p, &e), 0);
    return p;
}

/* keyring_keycert_key() of @o named @name: 0/-1; the first error text
 * (if any) into @why (appended). */
static int keycert_key(pgp_t *p, const rpsl_obj_t *o, const char *name, buf_t *why,
                       pgp_keyinfo_t *info)
{
    diag_list_t d = DIAG_LIST_INIT;
    memset(info, 0, sizeof *info);
    int rc = keyring_keycert_key(p, o, name, info, &d);
    for (size_t i = 0; i < d.n && why; i++)
        if (d.v[i].sev == DIAG_ERROR) {
            buf_puts(why, d.v[i].text);
            break;
        }
    CU_ASSERT_EQUAL(rc == 0, diag_count(&d, DIAG_ERROR) == 0);
    diag_list_free(&d);
    return rc;
}

static int listed(pgp_t *p, const char *fpr)
{
    strv_t v = STRV_INIT;
    CU_ASSERT_EQUAL(pgp_key_list(p, &v, NULL), 0);
    int r = strv_find(&v, fpr) >= 0;
    strv_free(&v);
    return r;
}

static void test_certif_text(void)
{
    buf_t k, got;
    buf_init(&k);
    buf_init(&got);
    CU_ASSERT_EQUAL_FATAL(key_file("alice.pub.asc", &k), 0);
    rpsl_obj_t *o = keycert("PGPKEY-AAC53B23", k.s);
    size_t lines = 0;
    for (size_t i = 0; i < k.len; i++)
        lines += k.s[i] == '\n';
    CU_ASSERT_EQUAL(keyring_certif_text(o, &got), lines);
    /* the armor again, line for line, each ending in '\n' */
    CU_ASSERT_STRING_EQUAL(got.s, k.s);
    CU_ASSERT(keyring_is_pgp_name("PGPKEY-AAC53B23"));
    CU_ASSERT(keyring_is_pgp_name("pgpkey-aac53b23"));
    CU_ASSERT(!keyring_is_pgp_name("X509-1"));
    rpsl_obj_free(o);
    buf_free(&got);
    buf_free(&k);
}

static void test_keycert_key(void)
{
    pgp_t *p = home();
    pgp_keyinfo_t info;
    buf_t why;
    buf_init(&why);

    rpsl_obj_t *alice = keycert_file("PGPKEY-AAC53B23", "alice.pub.asc");
    CU_ASSERT_EQUAL(keycert_key(p, alice, "PGPKEY-AAC53B23", &why, &info), 0);
    CU_ASSERT_STRING_EQUAL(info.fpr, ALICE);
    CU_ASSERT_EQUAL(info.invalid, 0);
    /* generated attributes: method, owner per user ID, spaced fingerprint */
    diag_list_t d = DIAG_LIST_INIT;
    keyring_keycert_generate(alice, &info, &d);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_WARNING), 0);   /* nothing supplied */
    long m = rpsl_obj_find(alice, "method", 0), f = rpsl_obj_find(alice, "fingerpr", 0);
    CU_ASSERT_EQUAL(m, 1);
    CU_ASSERT_FATAL(f > 1);
    CU_ASSERT_STRING_EQUAL(alice->attrs[m].value, "PGP");
    /* the processing value: blank runs are one space */
    CU_ASSERT_STRING_EQUAL(alice->attrs[f].value,
                           "0EC8 43E0 414C FDC6 98AC AE52 FBC7 3F79 AAC5 3B23");
    CU_ASSERT(rpsl_obj_find(alice, "owner", 0) > 1);
    diag_list_free(&d);
    pgp_keyinfo_free(&info);

    /* the name must be PGPKEY- and the fingerprint's last 8 hex digits */
    buf_reset(&why);
    CU_ASSERT_EQUAL(keycert_key(p, alice, "PGPKEY-3E5007CE", &why, &info), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why.s, "PGPKEY-AAC53B23"));
    pgp_keyinfo_free(&info);

    /* secret key material never goes near the keyring */
    rpsl_obj_t *sec = keycert_file("PGPKEY-AAC53B23", "alice.sec.asc");
    buf_reset(&why);
    CU_ASSERT_EQUAL(keycert_key(p, sec, "PGPKEY-AAC53B23", &why, &info), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why.s, "secret key"));
    pgp_keyinfo_free(&info);

    /* two keys in one key-cert */
    buf_t two;
    buf_init(&two);
    CU_ASSERT_EQUAL(key_file("alice.pub.asc", &two), 0);
    CU_ASSERT_EQUAL(key_file("bob.pub.asc", &two), 0);
    rpsl_obj_t *both = keycert("PGPKEY-AAC53B23", two.s);
    buf_reset(&why);
    CU_ASSERT_EQUAL(keycert_key(p, both, "PGPKEY-AAC53B23", &why, &info), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why.s, "multiple keys"));
    pgp_keyinfo_free(&info);

    /* no key at all */
    rpsl_obj_t *none = keycert("PGPKEY-AAC53B23", "not a key\n");
    buf_reset(&why);
    CU_ASSERT_EQUAL(keycert_key(p, none, "PGPKEY-AAC53B23", &why, &info), -1);
    pgp_keyinfo_free(&info);

    CU_ASSERT(!listed(p, ALICE));       /* checking imports nothing */
    rpsl_obj_free(none);
    rpsl_obj_free(both);
    buf_free(&two);
    rpsl_obj_free(sec);
    rpsl_obj_free(alice);
    buf_free(&why);
    pgp_free(p);
}

/*
 * bob's public key with the signature of its user ID broken (one byte of
 * the self-signature's last MPI changed), armored again (no checksum line,
 * which the armor reader does not require): a user ID nobody proved.
 */
static char *unproven_key(void)
{
    buf_t k;
    buf_init(&k);
    CU_ASSERT_EQUAL_FATAL(key_file("bob.pub.asc", &k), 0);
    /* the base64 between the blank line and the "=" checksum or END */
    char *body = strstr(k.s, "\n\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    body += 2;
    buf_t b64;
    buf_init(&b64);
    for (const char *q = body; *q && *q != '=' && *q != '-'; q = strchr(q, '\n') + 1) {
        const char *nl = strchr(q, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
        buf_put(&b64, q, (size_t)(nl - q));
    }
    gsize n = 0;
    guchar *bin = g_base64_decode(b64.s, &n);
    /* packets (new or old format headers): find the first signature
     * (tag 2) after the user ID (tag 13) */
    size_t i = 0, sig_end = 0;
    int seen_uid = 0;
    while (i < n && sig_end == 0) {
        unsigned h = bin[i], tag;
        size_t len, hl;
        CU_ASSERT_FATAL(h & 0x80);
        if (h & 0x40) {                 /* new format, 1- or 2-octet length */
            tag = h & 0x3f;
            if (bin[i + 1] < 192) { len = bin[i + 1]; hl = 2; }
            else { len = ((size_t)(bin[i + 1] - 192) << 8) + bin[i + 2] + 192; hl = 3; }
        } else {                        /* old format, 1- or 2-octet length */
            tag = (h >> 2) & 0x0f;
            if ((h & 3) == 0) { len = bin[i + 1]; hl = 2; }
            else { len = ((size_t)bin[i + 1] << 8) | bin[i + 2]; hl = 3; }
        }
        if (tag == 13)
            seen_uid = 1;
        else if (tag == 2 && seen_uid)
            sig_end = i + hl + len;
        i += hl + len;
    }
    CU_ASSERT_FATAL(sig_end > 0 && sig_end <= n);
    bin[sig_end - 3] ^= 0x55;           /* inside the signature's s value */
    gchar *enc = g_base64_encode(bin, n);
    buf_t out;
    buf_init(&out);
    buf_puts(&out, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n");
    for (size_t o = 0, el = strlen(enc); o < el; o += 64)
        buf_printf(&out, "%.*s\n", (int)(el - o < 64 ? el - o : 64), enc + o);
    buf_puts(&out, "-----END PGP PUBLIC KEY BLOCK-----\n");
    g_free(enc);
    g_free(bin);
    buf_free(&b64);
    buf_free(&k);
    return buf_steal(&out);
}

static void test_unproven_user_id(void)
{
    pgp_t *p = home();
    char *armored = unproven_key();
    rpsl_obj_t *o = keycert("PGPKEY-3E5007CE", armored);
    pgp_keyinfo_t info;
    buf_t why;
    buf_init(&why);
    CU_ASSERT_EQUAL(keycert_key(p, o, "PGPKEY-3E5007CE", &why, &info), -1);
    CU_ASSERT_STRING_EQUAL(info.fpr, BOB);      /* the key was read ... */
    CU_ASSERT_EQUAL(info.invalid, 1);           /* ... and found unproven */
    CU_ASSERT_PTR_NOT_NULL(strstr(why.s, "no user ID with a valid self-signature"));
    pgp_keyinfo_free(&info);
    /* the key as it was is fine */
    rpsl_obj_t *good = keycert_file("PGPKEY-3E5007CE", "bob.pub.asc");
    CU_ASSERT_EQUAL(keycert_key(p, good, "PGPKEY-3E5007CE", NULL, &info), 0);
    pgp_keyinfo_free(&info);
    rpsl_obj_free(good);
    buf_free(&why);
    rpsl_obj_free(o);
    free(armored);
    pgp_free(p);
}

/* ---- the store and the keyring ---- */

typedef struct put_arg {
    rpsl_obj_t **objs;
    size_t n;
} put_arg_t;

static int put_all(store_txn_t *txn, void *arg, err_t *err)
{
    put_arg_t *a = arg;
    for (size_t i = 0; i < a->n; i++)
        if (store_obj_put(txn, a->objs[i], 0, NULL, err) != 0)
            return -1;
    return 0;
}

static int del_one(store_txn_t *txn, void *arg, err_t *err)
{
    return store_obj_del(txn, SC_KEY_CERT, arg, 0, NULL, err);
}

/* A key-cert as the robot stores it: generated attributes filled in. */
static rpsl_obj_t *stored_keycert(pgp_t *p, const char *name, const char *file)
{
    rpsl_obj_t *o = keycert_file(name, file);
    pgp_keyinfo_t info;
    CU_ASSERT_EQUAL_FATAL(keycert_key(p, o, name, NULL, &info), 0);
    diag_list_t d = DIAG_LIST_INIT;
    keyring_keycert_generate(o, &info, &d);
    diag_list_free(&d);
    pgp_keyinfo_free(&info);
    return o;
}

/* keyring_check_obj() in a read snapshot: NULL (accepted) or the reason. */
static char *check(store_t *st, pgp_t *p, const char *name, const char *file)
{
    rpsl_obj_t *o = keycert_file(name, file);
    pgp_keyinfo_t info;
    buf_t k;
    buf_init(&k);
    keyring_certif_text(o, &k);
    size_t nk = 0;
    memset(&info, 0, sizeof info);
    CU_ASSERT_EQUAL_FATAL(pgp_key_inspect(p, k.s, k.len, &nk, &info, NULL), 0);
    store_txn_t *txn = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &txn, NULL), 0);
    char *why = NULL;
    strv_t warn = STRV_INIT;
    CU_ASSERT_EQUAL(keyring_check_obj(txn, p, name, &info, &why, &warn, NULL), 0);
    store_read_end(txn);
    strv_free(&warn);
    pgp_keyinfo_free(&info);
    buf_free(&k);
    rpsl_obj_free(o);
    return why;
}

static void test_store_and_keyring(void)
{
    pgp_t *p = home();
    store_t *st = NULL;
    CU_ASSERT_EQUAL_FATAL(store_open(harness_tmpdir(), 0, &st, NULL), 0);
    rpsl_obj_t *objs[2] = { stored_keycert(p, "PGPKEY-AAC53B23", "alice.pub.asc"),
                            stored_keycert(p, "PGPKEY-8F924A80", "carol.pub.asc") };
    put_arg_t a = { objs, 2 };
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_all, &a, NULL), 0);

    /* load: every key-cert's key into the home */
    keyring_stats_t stats = { 0, 0, 0 };
    diag_list_t d = DIAG_LIST_INIT;
    CU_ASSERT_EQUAL(keyring_import_all(st, p, &stats, &d, NULL), 0);
    CU_ASSERT_EQUAL(stats.imported, 2);
    CU_ASSERT_EQUAL(stats.skipped, 0);
    CU_ASSERT(listed(p, ALICE));
    CU_ASSERT(listed(p, CAROL));
    CU_ASSERT(!listed(p, BOB));
    /* carol's signing subkey came with her key */
    strv_t holders = STRV_INIT;
    CU_ASSERT_EQUAL(pgp_key_holders(p, CAROL_SUB, 0, &holders, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(holders.n, 1);
    CU_ASSERT_STRING_EQUAL(holders.v[0], CAROL);
    strv_free(&holders);

    /* one key, one key-cert: alice's key under a second name is refused,
     * so is carol's; bob's key is his own */
    char *why = check(st, p, "PGPKEY-AAC53B23-2", "alice.pub.asc");
    CU_ASSERT_PTR_NOT_NULL(why);
    CU_ASSERT(why && strstr(why, "PGPKEY-AAC53B23") && strstr(why, "one key-cert only"));
    free(why);
    why = check(st, p, "PGPKEY-X", "carol.pub.asc");
    CU_ASSERT_PTR_NOT_NULL(why);
    free(why);
    why = check(st, p, "PGPKEY-3E5007CE", "bob.pub.asc");
    CU_ASSERT_PTR_NULL(why);
    free(why);

    /* a stray key in the home (no key-cert): the rebuild drops it */
    buf_t bob;
    buf_init(&bob);
    CU_ASSERT_EQUAL(key_file("bob.pub.asc", &bob), 0);
    CU_ASSERT_EQUAL(pgp_key_import(p, bob.s, bob.len, NULL, NULL), 0);
    CU_ASSERT(listed(p, BOB));
    memset(&stats, 0, sizeof stats);
    CU_ASSERT_EQUAL(keyring_rebuild(st, p, &stats, &d, NULL), 0);
    CU_ASSERT(!listed(p, BOB));
    CU_ASSERT(listed(p, ALICE));
    CU_ASSERT(listed(p, CAROL));
    CU_ASSERT_EQUAL(stats.imported, 2);
    CU_ASSERT(stats.removed >= 3);          /* everything went out first */

    /* after a create is committed, its key comes in */
    rpsl_obj_t *bobkc = stored_keycert(p, "PGPKEY-3E5007CE", "bob.pub.asc");
    put_arg_t b = { &bobkc, 1 };
    CU_ASSERT_EQUAL_FATAL(store_write(st, put_all, &b, NULL), 0);
    CU_ASSERT(!listed(p, BOB));             /* not before the commit step */
    CU_ASSERT_EQUAL(keyring_commit_obj(st, p, "PGPKEY-3E5007CE", NULL, NULL, NULL), 0);
    CU_ASSERT(listed(p, BOB));

    /* after a delete is committed, its key goes */
    CU_ASSERT_EQUAL_FATAL(store_write(st, del_one, "PGPKEY-3E5007CE", NULL), 0);
    CU_ASSERT(listed(p, BOB));
    CU_ASSERT_EQUAL(keyring_forget_obj(st, p, bobkc, NULL), 0);
    CU_ASSERT(!listed(p, BOB));
    CU_ASSERT(listed(p, ALICE));

    rpsl_obj_free(bobkc);
    buf_free(&bob);
    diag_list_free(&d);
    rpsl_obj_free(objs[0]);
    rpsl_obj_free(objs[1]);
    store_close(st);
    pgp_free(p);
}

void suite_keyring(void);
void suite_keyring(void)
{
    CU_pSuite s = harness_suite("keyring");
    HARNESS_ADD(s, test_certif_text);
    HARNESS_ADD(s, test_keycert_key);
    HARNESS_ADD(s, test_unproven_user_id);
    HARNESS_ADD(s, test_store_and_keyring);
}
