/*
 * auth.h - authorisation: do the credentials of a piece of update text
 * satisfy a check, i.e. match an auth: line of one of the candidate
 * maintainers (RIPE's auth.txt A1-A3)?
 *
 * auth: forms matched here:
 *   MD5-PW <$1$ hash>, BCRYPT-PW <$2[aby]$ hash>, CRYPT-PW <DES crypt>
 *       a password credential whose crypt_r() hash equals the hash;
 *   PGPKEY-<id>
 *       a PGP credential in state good whose fingerprint equals the
 *       fingerpr: of a key-cert in the store, or, for a signature by a
 *       subkey, whose primary key's fingerprint does and whose subkey is
 *       in that key-cert's own certif: key (its packets, not the
 *       keyring); the key-cert's name must be that PGPKEY-<id> (short
 *       key ids are names, never proof).
 * Authorisation is a pure function of the objects and the credentials.
 */
#ifndef AUTODBM_AUTH_H
#define AUTODBM_AUTH_H

#include "registry/cred.h"
#include "util/diag.h"
#include "util/err.h"
#include "rpsl/rpsl.h"
#include "store/store.h"
#include "util/strv.h"

/**
 * Does one of @creds match one auth: line of the maintainer (or irt)
 * object @m?
 * @param txn    for key-cert look-ups (PGP credentials)
 * @param m      a mntner or irt object
 * @param creds  the credentials
 * @param how    if not NULL and the check passes, one description of the
 *               credential that matched is added ("password",
 *               "PGPKEY-1234ABCD")
 * @return 1 if it matches, 0 if not, or a negative ERR_* on store failure.
 */
int auth_object_ok(store_txn_t *txn, const rpsl_obj_t *m, const cred_list_t *creds,
                   strv_t *how, err_t *err);

/** The result of a check over several candidates. */
typedef struct auth_check {
    int passed;         /**< 1 if any candidate was satisfied */
    int candidates;     /**< how many candidate objects existed */
    strv_t names;       /**< the candidate names, as given */
    strv_t by;          /**< on success: "<credential> for <name>" */
} auth_check_t;

/** Initialise / free an auth_check_t. */
void auth_check_init(auth_check_t *c);
void auth_check_free(auth_check_t *c);

/**
 * Run a check: any credential matching any auth: line of any of the
 * maintainers named in @names (classes @cls: SC_MNTNER, or SC_IRT for
 * mnt-irt).  Names that do not exist are skipped.
 *
 * Each name is looked up in the store first, and the STORED object's
 * auth: lines are the ones that count (auth.txt A3: modify and delete
 * are authorised by what is stored, never by what is submitted).
 * @created, if not NULL, is an object being CREATED (a new mntner that
 * maintains itself): its own auth: lines count for its own name only
 * when the store has no object of that name.  Passing a submitted
 * version of a stored object here therefore grants nothing.
 * @return 0 (see c->passed), or ERR_STORE.
 */
int auth_run(store_txn_t *txn, int cls, const strv_t *names,
             const rpsl_obj_t *created, const cred_list_t *creds,
             auth_check_t *c, err_t *err);

/** Results of auth_password_check(). */
enum auth_pw_result {
    AUTH_PW_NO = 0,         /**< no match (or not a password auth: line) */
    AUTH_PW_MATCH = 1,      /**< the password matches */
    AUTH_PW_TOO_COSTLY = 2, /**< a BCRYPT-PW hash of a cost above the
                                 bound: not computed, no match */
    AUTH_PW_NO_BUDGET = 3   /**< not computed: the mail's passwords made
                                 max_password_checks computations already */
};

/**
 * Does @password hash to the hash of the auth: value @auth_value
 * ("MD5-PW $1$<salt>$<22>", "BCRYPT-PW $2[aby]$NN$<53>", "CRYPT-PW
 * <13 DES characters>")?  Only these forms are handed to crypt_r(): no
 * other scheme, and no hash whose cost is chosen by its writer beyond
 * @max_cost (bcrypt's cost NN; md5crypt and DES have fixed costs).
 * Constant-time comparison.
 * @return enum auth_pw_result.
 */
int auth_password_check(const char *auth_value, const char *password, unsigned max_cost);

/** auth_password_check() with the default bound
 *  (CONF_DEFAULT_BCRYPT_MAX_COST): 1 on AUTH_PW_MATCH, else 0. */
int auth_password_ok(const char *auth_value, const char *password);

/**
 * 1 and the cost in *@cost if @auth_value is a well-formed
 * "BCRYPT-PW $2[aby]$NN$<53>" value, else 0.
 */
int auth_bcrypt_cost(const char *auth_value, unsigned *cost);

/**
 * Add to @diags one warning for each BCRYPT-PW hash the passwords of
 * @creds were not checked against because its cost is above their bound
 * (cred_t.bcrypt_max_cost), and one when checks were skipped because the
 * mail's budget (cred_t.checks_left) was spent: the reasons a password
 * that may be right did not authorise.  The hash itself is never shown.
 */
void auth_explain_passwords(const cred_list_t *creds, diag_list_t *diags);

/**
 * 1 if crypt_r(@password, @hash) reproduces the bare crypt hash @hash
 * ($1$..., $2b$..., or 13-character DES), else 0.  Constant-time
 * comparison.  auth_password_ok() is this after checking the scheme word.
 */
int auth_crypt_ok(const char *hash, const char *password);

/**
 * The key-cert whose fingerpr: is the signing key of the PGP credential
 * @c (its fpr, else its primary key's fingerprint when the key-cert's
 * certif: key holds the subkey fpr), whatever the credential's state.
 * @param name   only a key-cert of this name counts (NULL: any)
 * @param found  if not NULL and one is found, receives its name (malloc'd)
 * @return 1 found, 0 not (also for a credential without a full
 *         fingerprint), or a negative ERR_* on store failure.
 */
int auth_pgp_keycert(store_txn_t *txn, const char *name, const cred_t *c, char **found,
                     err_t *err);

#endif
