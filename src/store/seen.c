/*
 * seen.c - handled mails and the signatures used (store/seen.h), both in
 * the seen database: mail id (its first maxkey bytes) -> outcome record,
 * and "sig:" + digest -> replay record (store/internal.h lists the kinds
 * of ids).  store_sig_* live here, not in a sig.c, because they are
 * records of this database under a key space of their own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store/internal.h"
#include "store/seen.h"

/* ---------------------------------------------------------------------
 * Handled mails
 */

/**
 * The key of a handled mail id: its first maxkey bytes.
 * @return 0, or ERR_USAGE for an empty id.
 */
static int seen_key(const store_txn_t *txn, const char *id, MDB_val *k,
                    err_t *err)
{
    size_t n = id != NULL ? strlen(id) : 0;

    if (n == 0)
        return err_set(err, ERR_USAGE, "store: empty mail id");
    k->mv_data = (void *)id;
    k->mv_size = n > txn->st->maxkey ? txn->st->maxkey : n;
    return 0;
}

int store_seen_get(store_txn_t *txn, const char *id, buf_t *info, err_t *err)
{
    MDB_val k, v;
    int rc = seen_key(txn, id, &k, err);

    if (rc)
        return rc;
    rc = mdb_get(txn->txn, txn->dbi[DB_SEEN], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "mail not handled yet");
    if (rc)
        return store_env_fail(txn, err, rc, "read handled mails");
    if (info != NULL)
        buf_put(info, v.mv_data, v.mv_size);
    return 0;
}

int store_seen_put(store_txn_t *txn, const char *id, const void *info,
                   size_t len, err_t *err)
{
    MDB_val k, v;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    rc = seen_key(txn, id, &k, err);
    if (rc)
        return rc;
    v.mv_data = (void *)info;
    v.mv_size = len;
    rc = mdb_put(txn->txn, txn->dbi[DB_SEEN], &k, &v, 0);
    if (rc)
        return store_env_fail(txn, err, rc, "record handled mail");
    return 0;
}

/* ---------------------------------------------------------------------
 * Signatures seen (issue 4: replay detection).  Kept in the handled-mails
 * database under "sig:" + digest, a key space that mail identities
 * ("mail:", "mid:", "fnv:") never use.
 */

int store_sig_seen(store_txn_t *txn, const char *digest, err_t *err)
{
    char *id = xasprintf("sig:%s", digest);
    int rc = store_seen_get(txn, id, NULL, err);
    free(id);
    return rc;
}

int store_sig_put(store_txn_t *txn, const char *digest, const void *info,
                  size_t len, err_t *err)
{
    char *id = xasprintf("sig:%s", digest);
    int rc = store_seen_put(txn, id, info, len, err);
    free(id);
    return rc;
}
