/*
 * keyring.h - the registry's GnuPG keyring as a cache of the store.
 *
 * The public keys in the GnuPG home (pgp.h) are exactly those of the
 * key-cert objects in the store: a key-cert that is loaded has its key
 * imported (keyring_import_all), one created, modified or deleted by the
 * robot has its key imported or removed after the commit
 * (keyring_commit_obj, keyring_forget_obj), and
 * keyring_rebuild() makes the home match the store again from scratch
 * (autodbm-load --rebuild-keyring).  The store is the truth: a key in the
 * keyring without a key-cert in the store authorises nothing.
 *
 * Ownership: nothing is kept; the caller owns the pgp_t and the store.
 */
#ifndef AUTODBM_KEYRING_H
#define AUTODBM_KEYRING_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "registry/pgp.h"
#include "rpsl/rpsl.h"
#include "store/store.h"

/**
 * The armored key of a key-cert: the lines of its certif: attributes
 * (continuation lines included), each followed by '\n'.
 * @param obj  a key-cert object
 * @param out  receives the text (appended)
 * @return the number of certif: attributes seen.
 */
size_t keyring_certif_text(const rpsl_obj_t *obj, buf_t *out);

/**
 * Import the public key of the key-cert @obj.  Only PGPKEY- key-certs
 * carry OpenPGP keys; X509 ones are skipped (return 0, *imported 0).
 * @param info      receives the key's description (may be NULL; free with
 *                  pgp_keyinfo_free())
 * @param imported  set to 1 when a key was imported (may be NULL)
 * @return 0; ERR_SYNTAX when certif: is not one public key; ERR_CRYPTO.
 */
int keyring_import_obj(pgp_t *pgp, const rpsl_obj_t *obj, pgp_keyinfo_t *info,
                       int *imported, err_t *err);

/**
 * Remove the public key of the key-cert @obj from the keyring (nothing
 * happens when it is not there or the certif: is not a usable key).
 * @return 0; ERR_CRYPTO.
 */
int keyring_remove_obj(pgp_t *pgp, const rpsl_obj_t *obj, err_t *err);

/** Counts of a keyring_rebuild(). */
typedef struct keyring_stats {
    size_t removed;     /**< keys removed from the home */
    size_t imported;    /**< key-certs whose key was imported */
    size_t skipped;     /**< key-certs without a usable PGP key (X509, bad
                             certif:); each is listed in @diags */
} keyring_stats_t;

/**
 * Import the key of every PGP key-cert in @st (one read snapshot) without
 * removing anything: what autodbm-load does after a load.  The certif:
 * keys of key-certs with a fingerpr: go in one engine run; a key-cert
 * counts as imported when its fingerpr: key came in, and keys that belong
 * to no key-cert (a certif: with several keys) are removed again.
 * Key-certs without fingerpr: or with several key blocks are imported one
 * by one (exactly one public key).  Secret key material is never
 * imported.  Bad key-certs are reported in @diags (may be NULL) as
 * DIAG_WARNINGs naming the key-cert and counted as skipped.  Finally the
 * home's key data cache is brought up to date (pgp_key_cache_update()).
 * Key-certs stored before keyring_check_obj() existed, or loaded, may
 * share keys (their certif: packets tell, pgp_armored_fprs()): one whose
 * key lists another key-cert's primary key as a subkey is not imported
 * (skipped, with a warning: gpg would merge the other key into it), and a
 * subkey in the keys of two key-certs is a DIAG_WARNING naming both, for
 * the operator to delete the one that is not the key owner's.
 * @param stats  receives the counts (may be NULL; removed is kept)
 * @return 0; ERR_STORE; ERR_CRYPTO.
 */
int keyring_import_all(store_t *st, pgp_t *pgp, keyring_stats_t *stats,
                       diag_list_t *diags, err_t *err);

/**
 * Empty the home's public keyring and import the key of every key-cert in
 * @st (one read snapshot).  Bad key-certs do not stop the rebuild: each is
 * reported in @diags (may be NULL) as a DIAG_WARNING naming the key-cert.
 * @param stats  receives the counts (may be NULL)
 * @return 0; ERR_STORE; ERR_CRYPTO.
 */
int keyring_rebuild(store_t *st, pgp_t *pgp, keyring_stats_t *stats,
                    diag_list_t *diags, err_t *err);

/**
 * Whether the key @info (pgp_key_inspect() of the certif: of the key-cert
 * @pkey, being created or modified) may be that key-cert's key.  A
 * fingerprint - of the primary key or of any subkey - belongs to one
 * key-cert only: none may appear twice in the key, be the fingerpr: of
 * another key-cert in the store (@txn), or be a (sub)key of the key of
 * another key-cert, looked up in the registry's keyring (@pgp, which holds
 * the key of every key-cert of the store) and confirmed in the store.  A
 * stranger's key listing the victim's key as a subkey is refused so.
 * One exception: the primary key of @info may be a subkey of another
 * key-cert's key (a stranger who listed the victim's public key as a
 * subkey before she registered it).  Only the holder of a primary key has
 * proven possession, so the key is accepted, with a warning in @warn
 * naming the other key-cert, which loses its key from the keyring at the
 * commit (keyring_commit_obj) as in autodbm-load (keyring_import_all).
 * A subkey shared with another key-cert's key stays refused.
 * @param why   receives the reason when the key is refused (malloc'd; the
 *              caller frees it), NULL when it is accepted
 * @param warn  receives warnings for the ack when it is accepted (may be
 *              NULL)
 * @return 0 (see *why); ERR_STORE; ERR_CRYPTO.
 */
int keyring_check_obj(store_txn_t *txn, pgp_t *pgp, const char *pkey,
                      const pgp_keyinfo_t *info, char **why, strv_t *warn, err_t *err);

/**
 * After a commit that created, modified or deleted a key-cert, bring the
 * keyring in step with the store (a fresh read snapshot of @st): the key
 * of the key-cert @pkey as now stored is imported - in place of the key
 * with the same fingerprint, so subkeys and user ids it no longer has go
 * - and the key of @old (the version before, NULL on create) is forgotten
 * as keyring_forget_obj() does when its fingerprint changed or the
 * key-cert is gone.  Before the import, every other key in the keyring
 * that holds the primary key of @pkey as a subkey is deleted from the
 * keyring (gpg would merge the key into it; keyring_check_obj()), each
 * with a warning in @warn naming the key-cert that loses its key; that
 * key-cert stays in the store.  Keys are imported only here, after the
 * commit, never during the update: a dry run, a failed object, a
 * transaction rolled back or a temporary failure leaves nothing in the
 * keyring.  A robot
 * stopped between the commit and this leaves the key-cert without its key
 * (its signatures count as by an unknown key) until keyring_rebuild().
 * @param pkey  the key-cert's name (NULL: the name of @old, a delete)
 * @param warn  receives the warnings for the log line (may be NULL)
 * @return 0; ERR_STORE; ERR_SYNTAX (the stored certif: is not one public
 *         key); ERR_CRYPTO.
 */
int keyring_commit_obj(store_t *st, pgp_t *pgp, const char *pkey, const rpsl_obj_t *old,
                       strv_t *warn, err_t *err);

/**
 * After a commit that deleted or modified the key-cert @old: remove its
 * key from the keyring unless a key-cert in the store (a fresh read
 * snapshot of @st) still holds that fingerprint (the key-cert was created
 * again, or kept its key).  Removing only after the commit keeps the
 * keyring a superset of the store's keys; a key left over (the robot
 * stopped in between) grants nothing, since a signature counts only
 * through a key-cert in the store, and keyring_rebuild() clears it.
 * @return 0; ERR_STORE; ERR_CRYPTO.
 */
int keyring_forget_obj(store_t *st, pgp_t *pgp, const rpsl_obj_t *old, err_t *err);

/** Whether the key-cert name @pkey is a PGPKEY- one (holds an OpenPGP key). */
int keyring_is_pgp_name(const char *pkey);

/**
 * The key of the PGPKEY- key-cert @o (named @pkey), as a key-cert create
 * or modify checks it - the robot (process.c) and autodbm-load alike: its
 * certif: holds exactly one armored public key of plain key packets (no
 * secret key, no compressed data), not revoked, with a user ID the primary
 * key self-signed, and @pkey is PGPKEY- plus the last 8 hex digits of its
 * fingerprint.  It does not look at other key-certs (keyring_check_obj()).
 * @param info  receives the key (pgp_key_inspect(); the caller frees it
 *              with pgp_keyinfo_free(), also on failure)
 * @param d     receives the reasons as DIAG_ERRORs (at the first certif:,
 *              or at the class line for the name)
 * @return 0 when the key is usable, -1 when not (see @d).
 */
int keyring_keycert_key(pgp_t *pgp, const rpsl_obj_t *o, const char *pkey,
                        pgp_keyinfo_t *info, diag_list_t *d);

/**
 * Replace method:, owner: and fingerpr: of the key-cert @o by the values
 * generated from its key @info (keyring_keycert_key()): "PGP", one owner:
 * per user ID, the spaced fingerprint, right after the class line.
 * Supplied values that differ from the generated ones give the DIAG_WARNING
 * "Supplied attribute 'NAME' has been replaced with a generated value" in
 * @d.  The fingerpr: is what binds a signing key to the key-cert (auth.h).
 */
void keyring_keycert_generate(rpsl_obj_t *o, const pgp_keyinfo_t *info, diag_list_t *d);

#endif
