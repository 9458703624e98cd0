/*
 * keyring.h - the registry's GnuPG keyring as a cache of the store.
 *
 * The public keys in the GnuPG home (pgp.h) are exactly those of the
 * key-cert objects in the store: a key-cert that is loaded or created has
 * its key imported (keyring_import_obj), a deleted one has its key removed
 * (keyring_remove_obj), and keyring_rebuild() makes the home match the
 * store again from scratch (autodbm-load --rebuild-keyring).
 *
 * Ownership: nothing is kept; the caller owns the pgp_t and the store.
 */
#ifndef AUTODBM_KEYRING_H
#define AUTODBM_KEYRING_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "pgp.h"
#include "rpsl.h"
#include "store.h"

/**
 * The armored key of a key-cert: the lines of its certif: attributes
 * (continuation lines included), joined with '\n'.
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
 * Empty the home's public keyring and import the key of every key-cert in
 * @st (one read snapshot).  Bad key-certs do not stop the rebuild: each is
 * reported in @diags (may be NULL) as a DIAG_WARNING naming the key-cert.
 * @param stats  receives the counts (may be NULL)
 * @return 0; ERR_STORE; ERR_CRYPTO.
 */
int keyring_rebuild(store_t *st, pgp_t *pgp, keyring_stats_t *stats,
                    diag_list_t *diags, err_t *err);

#endif
