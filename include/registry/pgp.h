/*
 * pgp.h - OpenPGP through GPGME, against the registry's own GnuPG home.
 *
 * This module owns everything the robot does with OpenPGP: verifying
 * inline clearsigned text and detached (PGP/MIME) signatures, importing
 * the public key of a key-cert object, removing it again, and describing
 * a key (fingerprint, user ids).  It never uses the user's GnuPG home:
 * every context is bound to the configured gnupg_home (created 0700 if
 * missing) with the OpenPGP engine, and trust is irrelevant (the web of
 * trust's validity is never looked at): a signature counts when GPGME
 * reports it valid cryptographically; which key-cert it belongs to is
 * decided by the caller by fingerprint (auth.h).
 *
 * Never shells out to gpg and never parses gpg's human output.
 *
 * When the home has no gpg.conf, pgp_new() writes one
 * (ignore-time-conflict, no-auto-key-retrieve).  Key expiry and
 * revocation are judged from the signing (sub)key's own data against the
 * caller's clock (pgp_time_policy_t.now), never the machine's.
 *
 * Ownership: pgp_t is opaque (pgp_new/pgp_free).  Results own their
 * strings; free them with the matching *_free function.
 */
#ifndef AUTODBM_PGP_H
#define AUTODBM_PGP_H

#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "registry/cred.h"
#include "util/err.h"
#include "util/strv.h"

typedef struct pgp pgp_t;

/**
 * Bind a GPGME context to @gnupg_home.
 * @param gnupg_home  the registry's GnuPG home (created mode 0700 with its
 *                    parents if missing)
 * @param out         receives the context; free with pgp_free()
 * @return 0; ERR_IO if the home cannot be created; ERR_CRYPTO if GPGME or
 *         its OpenPGP engine is not usable.
 */
int pgp_new(const char *gnupg_home, pgp_t **out, err_t *err);

/** Free a context.  NULL is accepted. */
void pgp_free(pgp_t *p);

/** What one signature check found. */
typedef struct pgp_sig {
    enum cred_pgp_state state;  /**< good, bad, unknown-key, expired, revoked,
                                     too-old, future */
    char fpr[41];               /**< the signing key's (or subkey's) full
                                     fingerprint, upper-case; "" if unknown */
    char primary_fpr[41];       /**< fingerprint of the primary key owning the
                                     signing subkey (equal to fpr for a primary
                                     key signature); "" if unknown */
    time_t sigtime;             /**< signature creation time */
    char *digest;               /**< the signature's replay record (store.h
                                     store_sig_seen): hex SHA-256 over the
                                     signing (sub)key's fingerprint, the
                                     creation time, the hash algorithm and
                                     the signed text in canonical text form
                                     (CRLF, trailing white space and empty
                                     lines dropped, dash-escapes removed):
                                     every encoding of one signature (packet
                                     header, lengths, unhashed subpackets,
                                     armor) gives the same record; malloc'd */
} pgp_sig_t;

/** Time limits applied to good signatures, and how many one check takes. */
typedef struct pgp_time_policy {
    time_t now;                 /**< the current time */
    long max_age;               /**< seconds a signature may be old (3600) */
    long max_future;            /**< seconds it may be ahead (3600) */
    size_t max_sigs;            /**< signature packets one block or part
                                     may hold (0: no bound); more is
                                     ERR_LIMIT, nothing verified */
} pgp_time_policy_t;

/**
 * Verify an inline clearsigned block ("-----BEGIN PGP SIGNED MESSAGE-----"
 * to "-----END PGP SIGNATURE-----").
 * @param block     the block's bytes
 * @param len       their length
 * @param tp        time policy: a good signature older than max_age becomes
 *                  CRED_PGP_TOO_OLD, one further than max_future ahead
 *                  CRED_PGP_FUTURE
 * @param plain     receives the signed text as gpg hashed it: dash-escaping
 *                  and trailing white space removed, LF line ends (appended)
 * @param sigs      receives one entry per signature (appended); free each
 *                  with pgp_sig_free()
 * @param nsigs     receives the number of entries
 * @return 0 when the block could be processed (whatever the states);
 *         ERR_SYNTAX when it is not a clearsigned block; ERR_CRYPTO on an
 *         engine failure, or for a block framed so that gpg would hash
 *         other text than the one handed on (an armor header other than
 *         "Hash:", a line of five dashes before the BEGIN PGP SIGNATURE
 *         line); nothing is verified then.  The signature armor must hold
 *         signature packets only (no compressed packet; ERR_SYNTAX), at
 *         most tp->max_sigs (ERR_LIMIT); gpg is given those packets
 *         armored again, never the armor as it came (text after it is
 *         ignored).
 */
int pgp_verify_clearsigned(pgp_t *p, const char *block, size_t len,
                           const pgp_time_policy_t *tp, buf_t *plain,
                           pgp_sig_t **sigs, size_t *nsigs, err_t *err);

/**
 * Verify a detached signature (PGP/MIME, RFC 3156) over exactly @data.
 * The caller passes the signed part's raw bytes in canonical form (CRLF).
 * @sig is binary packets or holds an armored signature (its first one is
 * read, text around it ignored): signature packets only, at most
 * tp->max_sigs of them (see pgp_verify_clearsigned()).
 * @return as pgp_verify_clearsigned().
 */
int pgp_verify_detached(pgp_t *p, const char *data, size_t len,
                        const char *sig, size_t siglen,
                        const pgp_time_policy_t *tp, pgp_sig_t **sigs,
                        size_t *nsigs, err_t *err);

/** Free the strings of an array of @n signatures and the array. */
void pgp_sig_free(pgp_sig_t *sigs, size_t n);

/** A public key as a key-cert describes it. */
typedef struct pgp_keyinfo {
    char fpr[41];           /**< primary key fingerprint, upper-case */
    char keyid[17];         /**< last 16 hex digits of fpr */
    strv_t owners;          /**< user ids, as owner: lines */
    int secret;             /**< the data held secret key material */
    int expired, revoked;   /**< state of the primary key */
    int invalid;            /**< gpg found no user ID with a valid
                                 self-signature: whoever made the key did
                                 not prove to hold its primary key */
    strv_t fprs;            /**< the fingerprints of the primary key and of
                                 every subkey, upper-case, in key order (a
                                 fingerprint listed twice stays twice) */
} pgp_keyinfo_t;

/** Free the strings of @k. */
void pgp_keyinfo_free(pgp_keyinfo_t *k);

/**
 * Examine armored key data without importing it.
 * @param armored  the certif: lines joined with '\n' (ASCII armor)
 * @param nkeys    receives the number of keys in the data
 * @param info     filled for the first key (when *nkeys >= 1)
 * @return 0; ERR_SYNTAX when the data is not OpenPGP key material.
 */
int pgp_key_inspect(pgp_t *p, const char *armored, size_t len, size_t *nkeys,
                    pgp_keyinfo_t *info, err_t *err);

/**
 * Import one armored public key into the GnuPG home.
 * @return 0; ERR_SYNTAX for no key, several keys or secret key material;
 *         ERR_CRYPTO on an engine failure.
 */
int pgp_key_import(pgp_t *p, const char *armored, size_t len,
                   pgp_keyinfo_t *info, err_t *err);

/**
 * Import every public key of @armored (any number of armored blocks) in
 * one engine run - the bulk path of keyring_import_all().
 * @param fprs  receives the primary fingerprint of every key imported or
 *              already there (appended, upper-case, each once)
 * @return 0; ERR_SYNTAX for secret key material (nothing imported);
 *         ERR_CRYPTO on an engine failure.
 */
int pgp_key_import_many(pgp_t *p, const char *armored, size_t len, strv_t *fprs,
                        err_t *err);

/**
 * Remove the key with fingerprint @fpr from the GnuPG home.
 * @return 0 (also when the key was not there); ERR_CRYPTO.
 */
int pgp_key_delete(pgp_t *p, const char *fpr, err_t *err);

/**
 * The keys of the GnuPG home that hold the (sub)key @fpr: as their primary
 * key or as a subkey of any capability (key-cert uniqueness, keyring.h).
 * @param fpr        a full fingerprint (40 hex digits)
 * @param cached     1: from the home's key data cache (rebuilt, listing
 *                   every key, when the keyring changed since); 0: asking
 *                   gpg for the keys holding @fpr only (cheaper right
 *                   after a change of the keyring)
 * @param primaries  receives the primary fingerprint of each such key
 *                   (appended, upper-case, each once)
 * @return 0; ERR_CRYPTO when the keys could not be listed.
 */
int pgp_key_holders(pgp_t *p, const char *fpr, int cached, strv_t *primaries, err_t *err);

/**
 * The v4 fingerprints of the primary key and of every subkey in armored
 * public key data, read from the packets themselves without the engine
 * or any keyring: what a key-cert's own key material holds.  The armor's
 * base64 is decoded and the packets are walked (old- and new-format
 * headers; partial and indeterminate lengths, which key packets never
 * have, are refused); each public-key (tag 6) and public-subkey (tag 14)
 * packet of version 4 gives SHA-1(0x99, two-byte length, body) (RFC 4880
 * 12.2).  Other versions are skipped.  Only the packets public key
 * material is made of are accepted (public key and subkey, user ID, user
 * attribute, signature, trust, marker): a compressed packet would hide
 * keys from this walk, and gpg unpacks kilobytes of it into megabytes of
 * signatures to check (minutes of one import).
 * @param armored  one or more "-----BEGIN PGP PUBLIC KEY BLOCK-----" blocks
 * @param fprs     receives the fingerprints (appended, upper-case, in
 *                 packet order)
 * @return 0; ERR_SYNTAX when there is no armored key block, its base64
 *         does not decode, or a packet is malformed, runs past the end or
 *         is of another type (@fprs may then hold those of the packets
 *         before).
 */
int pgp_armored_fprs(const char *armored, size_t len, strv_t *fprs, err_t *err);

/**
 * The primary key fingerprints of every public key in the GnuPG home.
 * @param fprs  receives the fingerprints (appended)
 * @return 0; ERR_CRYPTO.
 */
int pgp_key_list(pgp_t *p, strv_t *fprs, err_t *err);

/**
 * Bring the home's key data cache (autodbm-keys.cache, see above) up to
 * date now rather than at the next signature check: one listing of every
 * key when the keyring changed since the cache was written, else nothing.
 * Only an optimisation (keyring_import_all() calls it after a bulk load);
 * a cache that cannot be written is no error.
 * @return 0; ERR_CRYPTO when the keys could not be listed.
 */
int pgp_key_cache_update(pgp_t *p, err_t *err);

/**
 * RIPE's spaced fingerprint form of 40 hex digits, upper-cased:
 * "D079 99F1 92D5 41B6 E7BC  6578 9175 DB8D 5763 950D" (fingerpr: of a
 * key-cert, the ack's and notifications' credential texts).  A shorter
 * @fpr40 gives a shorter text.
 * @param out  receives at most 51 bytes including the NUL
 */
void pgp_fpr_spaced(const char *fpr40, char out[51]);

/** RIPE's key-cert name for a fingerprint: "PGPKEY-" + its last 8 hex digits. */
void pgp_keycert_name(const char *fpr, char out[16]);

#endif
