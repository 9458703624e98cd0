/*
 * seen.h - what the store remembers against replays (src/store/seen.c):
 * handled mails and the signatures that authorised changes.  Both are
 * records in the one "seen" database (signatures under "sig:" + digest,
 * a key space mail ids never use), written in the same transaction as
 * the changes they belong to.
 *
 * Prefixes: store_seen_, and store_sig_ for the signature records kept in
 * the same database.
 */
#ifndef AUTODBM_STORE_SEEN_H
#define AUTODBM_STORE_SEEN_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "store/store.h"

/*
 * Handled mails: an id of every mail whose effects were committed, with
 * a small record of the outcome, so a redelivered mail is neither
 * applied nor answered twice.  The ids are the caller's (the robot's:
 * a digest of the mail, and its Message-ID, see src/robot/robot.c;
 * src/registry/submit.c writes the records); an id is compared on its
 * first maxkey (511) bytes.
 */

/**
 * Look up a handled mail.
 * @param id    the mail's id (non-empty)
 * @param info  receives its outcome record (appended); may be NULL
 * @return 0, ERR_NOTFOUND, ERR_USAGE (empty id), ERR_STORE.
 */
int store_seen_get(store_txn_t *txn, const char *id, buf_t *info, err_t *err);

/**
 * Record a handled mail (write transactions), replacing any record of
 * the same id.
 * @param id    the mail's id (non-empty)
 * @param info  its outcome record, @len bytes
 * @return 0, ERR_USAGE (empty id or a read snapshot), ERR_TEMP,
 *         ERR_STORE.
 */
int store_seen_put(store_txn_t *txn, const char *id, const void *info,
                   size_t len, err_t *err);

/*
 * Signatures that authorised a change (replay detection, issue 4): the
 * replay record of each (cred_t.digest, registry/pgp.h: keyed on
 * signing key, creation time, hash algorithm and signed text since issue
 * 10; records written before, over the packet bytes, match nothing any
 * more, which matters for at most signature_max_age after the upgrade),
 * written in the same transaction as the changes it authorised.
 */

/**
 * Was the signature with hex digest @digest used before?
 * @return 0 (yes), ERR_NOTFOUND (no), ERR_STORE.
 */
int store_sig_seen(store_txn_t *txn, const char *digest, err_t *err);

/**
 * Record the signature @digest as used, with a small @info record (@len
 * bytes; write transactions).
 * @return 0, ERR_USAGE (a read snapshot), ERR_TEMP, ERR_STORE.
 */
int store_sig_put(store_txn_t *txn, const char *digest, const void *info,
                  size_t len, err_t *err);

#endif
