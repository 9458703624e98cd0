/*
 * cred.h - credentials: what a piece of update text was presented with.
 *
 * A credential travels with the text it came with: the passwords written
 * in a piece of text, and the PGP signatures that cover exactly that
 * text.  Authorisation (auth.h) matches credentials against auth: lines.
 *
 * Passwords are secrets: they live only in cred_t and are never printed,
 * logged, stored or echoed.  cred_list_free() wipes them.
 *
 * Ownership: a cred_list_t owns its entries and their strings.
 */
#ifndef AUTODBM_CRED_H
#define AUTODBM_CRED_H

#include <stddef.h>
#include <time.h>

#include "util/strv.h"

/** Kinds of credentials. */
enum cred_kind {
    CRED_PASSWORD = 1,  /**< a clear-text password from a password: line */
    CRED_PGP = 2        /**< a PGP signature over the piece */
};

/** States of a PGP signature: the STATE words of autodbm -p's "% piece N:
 *  pgp FINGERPRINT STATE" lines (cred_pgp_state_name()), which scripts
 *  read. */
enum cred_pgp_state {
    CRED_PGP_GOOD = 0,      /**< "good" */
    CRED_PGP_BAD,           /**< "bad": does not verify */
    CRED_PGP_UNKNOWN_KEY,   /**< "unknown-key": no such key in the keyring */
    CRED_PGP_EXPIRED,       /**< "expired": key (or signature) expired */
    CRED_PGP_REVOKED,       /**< "revoked" */
    CRED_PGP_TOO_OLD,       /**< "too-old": signed before now - max age */
    CRED_PGP_FUTURE         /**< "future": signed more than 1 hour ahead */
};

/** One credential. */
typedef struct cred {
    enum cred_kind kind;
    char *password;         /**< CRED_PASSWORD: the password (secret) */
    char fpr[41];           /**< CRED_PGP: signing key fingerprint, 40
                                 upper-case hex digits, NUL-terminated
                                 ("" when unknown) */
    enum cred_pgp_state state; /**< CRED_PGP: verification result */
    time_t sigtime;         /**< CRED_PGP: signature creation time */
    char *digest;           /**< CRED_PGP: the signature's replay record
                                 (pgp_sig_t.digest), or NULL */
    char primary[41];       /**< CRED_PGP: fingerprint of the primary key
                                 owning the signing (sub)key, 40 upper-case
                                 hex digits; equal to fpr for a primary key
                                 signature ("" when unknown) */
    strv_t *checked;        /**< CRED_PASSWORD: private to auth.c - the
                                 auth: values already compared with this
                                 password, each prefixed '+' (matched) or
                                 '-', so one crypt is computed once per mail
                                 however many objects ask; owned */
    unsigned bcrypt_max_cost; /**< CRED_PASSWORD: BCRYPT-PW hashes of a
                                 higher cost are not computed (auth.h);
                                 0: CONF_DEFAULT_BCRYPT_MAX_COST */
    unsigned *checks_left;  /**< CRED_PASSWORD: crypt computations the
                                 mail may still make, shared by all its
                                 passwords (max_password_checks; owned by
                                 the update, not the credential); NULL:
                                 no bound */
} cred_t;

/** A list of credentials. */
typedef struct cred_list {
    cred_t *v;
    size_t n, cap;
} cred_list_t;

#define CRED_LIST_INIT { NULL, 0, 0 }

/** Initialise an empty list. */
void cred_list_init(cred_list_t *l);
/** Wipe passwords, free every entry and the array; @l is left empty. */
void cred_list_free(cred_list_t *l);
/** Append a password credential (the text is copied). */
void cred_add_password(cred_list_t *l, const char *pw, size_t len);
/**
 * Append a PGP credential.
 * @param fpr     40 hex digits (any case; stored upper-case), or NULL
 * @param state   verification result
 * @param sigtime signature creation time
 * @param digest  signature digest for replay detection, or NULL (copied)
 */
void cred_add_pgp(cred_list_t *l, const char *fpr, enum cred_pgp_state state,
                  time_t sigtime, const char *digest);
/**
 * Append a PGP credential with the primary key's fingerprint too (a
 * signature by a subkey counts for its primary key's key-cert).
 * @param primary  the primary key's fingerprint, or NULL (then @fpr)
 * Other parameters as cred_add_pgp().
 */
void cred_add_pgp_key(cred_list_t *l, const char *fpr, const char *primary,
                      enum cred_pgp_state state, time_t sigtime, const char *digest);
/** Append copies of every credential of @from to @to. */
void cred_list_append(cred_list_t *to, const cred_list_t *from);
/** Number of credentials of kind @kind. */
size_t cred_count(const cred_list_t *l, enum cred_kind kind);
/** The -p word of a PGP state ("good", "bad", ...). */
const char *cred_pgp_state_name(enum cred_pgp_state s);

#endif
