/*
 * queue.c - the outgoing mail queue in the store (store/queue.h).
 *
 * queue: id (8 bytes BE) -> recipient NUL message.  The next id is the
 * meta value "store.queue.next" (8 bytes BE), so that ids are never
 * reused, even after the newest message was delivered and removed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store/internal.h"
#include "store/queue.h"

int store_queue_reserve(store_txn_t *txn, const char *rcpt, size_t len,
                        void **dst, uint64_t *id, err_t *err)
{
    uint8_t ik[8];
    uint64_t next = 1;
    size_t rlen = strlen(rcpt);
    MDB_val k, v;
    int rc;

    *dst = NULL;
    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    /* The next id lives in meta so that ids are never reused, even after
     * the newest message was delivered and removed. */
    k.mv_data = (void *)STORE_META_QUEUE;
    k.mv_size = strlen(STORE_META_QUEUE);
    rc = mdb_get(txn->txn, txn->dbi[DB_META], &k, &v);
    if (rc == 0 && v.mv_size == 8)
        next = get_be64(v.mv_data);
    else if (rc != 0 && rc != MDB_NOTFOUND)
        return store_env_fail(txn, err, rc, "read queue id");
    put_be64(ik, next + 1);
    v.mv_data = ik;
    v.mv_size = 8;
    rc = mdb_put(txn->txn, txn->dbi[DB_META], &k, &v, 0);
    if (rc)
        return store_env_fail(txn, err, rc, "write queue id");

    /* room in the page: the caller writes the message in place */
    put_be64(ik, next);
    k.mv_data = ik;
    k.mv_size = 8;
    v.mv_data = NULL;
    v.mv_size = rlen + 1 + len;
    rc = mdb_put(txn->txn, txn->dbi[DB_QUEUE], &k, &v,
                 MDB_NOOVERWRITE | MDB_RESERVE);
    if (rc)
        return store_env_fail(txn, err, rc, "queue message");
    memcpy(v.mv_data, rcpt, rlen + 1);
    *dst = (char *)v.mv_data + rlen + 1;
    if (id != NULL)
        *id = next;
    return 0;
}

int store_queue_put(store_txn_t *txn, const char *rcpt, const void *data,
                    size_t len, uint64_t *id, err_t *err)
{
    void *dst;
    int rc = store_queue_reserve(txn, rcpt, len, &dst, id, err);
    if (rc == 0 && len > 0)
        memcpy(dst, data, len);
    return rc;
}

int store_queue_each(store_txn_t *txn, store_queue_fn fn, void *arg,
                     err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = store_env_cur_acquire(txn, DB_QUEUE, &c, err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    while (rc == 0) {
        const char *p = v.mv_data;
        const char *nul = memchr(p, 0, v.mv_size);
        if (k.mv_size != 8 || nul == NULL) {
            rc = err_set(err, ERR_STORE, "store: corrupt queue entry");
            goto leave;
        }
        rc = fn(get_be64(k.mv_data), p, nul + 1,
                v.mv_size - (size_t)(nul + 1 - p), arg);
        if (rc)
            goto leave;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else
        rc = store_env_fail(txn, err, rc, "read queue");
leave:
    store_env_cur_release(txn, DB_QUEUE, c);
    return rc;
}

int store_queue_del(store_txn_t *txn, uint64_t id, err_t *err)
{
    uint8_t ik[8];
    MDB_val k;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    put_be64(ik, id);
    k.mv_data = ik;
    k.mv_size = 8;
    rc = mdb_del(txn->txn, txn->dbi[DB_QUEUE], &k, NULL);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no queued message %llu",
                       (unsigned long long)id);
    if (rc)
        return store_env_fail(txn, err, rc, "delete queued message");
    return 0;
}
