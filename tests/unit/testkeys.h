/*
 * testkeys.h - OpenPGP keys made at test time with GPGME, each in its own
 * temporary GnuPG home (harness_tmpdir()), for test_pgp.c and
 * test_mailin_pgp.c.  Implemented in test_pgp.c.
 */
#ifndef AUTODBM_TESTKEYS_H
#define AUTODBM_TESTKEYS_H

#include <stddef.h>

#include "util/buf.h"

/** A key pair that signs: its own GnuPG home and GPGME context. */
typedef struct tk_signer tk_signer_t;

/**
 * A new ed25519 signing key "@uid" in a fresh home.
 * @param expires  seconds until the key expires (0: never)
 * @param subkey   also add a signing subkey (which then makes signatures)
 * @return the signer (kept until the runner exits), or NULL on failure.
 */
tk_signer_t *tk_signer_new(const char *uid, unsigned long expires, int subkey);
/** The primary key's fingerprint (upper-case). */
const char *tk_fpr(const tk_signer_t *s);
/** The signing subkey's fingerprint ("" without one). */
const char *tk_subfpr(const tk_signer_t *s);
/** Append the armored public key to @out.  @return 0 or -1. */
int tk_export(tk_signer_t *s, buf_t *out);
/** Append the armored secret key to @out.  @return 0 or -1. */
int tk_export_secret(tk_signer_t *s, buf_t *out);
/** Append @text clearsigned to @out.  @return 0 or -1. */
int tk_clearsign(tk_signer_t *s, const char *text, size_t len, buf_t *out);
/** Append an armored detached signature over @data to @out.  @return 0 or -1. */
int tk_detach(tk_signer_t *s, const char *data, size_t len, buf_t *out);
/** Revoke the key (its revocation certificate).  @return 0 or -1. */
int tk_revoke(tk_signer_t *s);

#endif
