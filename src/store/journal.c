/*
 * journal.c - the store's serial journal and object history
 * (store/journal.h): appending an entry with its history entry (for
 * obj.c), reading entries one by one or walking them in serial order
 * (the iterator NRTM reads), one object's history, the primary keys ever
 * used.
 *
 * journal: serial (8 bytes BE) -> op(1) time(8, BE) code(1) PKEY NUL
 * text, appended with MDB_APPEND; history: okey -> serials (DUPSORT,
 * DUPFIXED).  The next serial is read once per write transaction (the
 * last key + 1) and kept in the transaction.
 *
 * store_history and store_keys_used read the history; store/journal.h
 * says why they are not named store_journal_*.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/internal.h"
#include "store/journal.h"

/** A walk over the journal (store_journal_open). */
struct store_journal_it {
    store_txn_t *txn;
    MDB_cursor *c;          /**< on the journal, from store_env_cur_acquire */
    uint64_t from;          /**< the first serial wanted */
    int started;            /**< the cursor has been positioned */
    int done;               /**< past the last entry */
};

/* ---------------------------------------------------------------------
 * Appending
 */

int store_journal_add(store_txn_t *t, enum store_op op, time_t when,
                      const void *okey, size_t oklen, const char *text,
                      size_t len, uint64_t *serial, err_t *err)
{
    uint8_t sk[8], tb[8];
    uint64_t ser;
    int db = DB_JOURNAL;
    MDB_val k, v;
    int rc;

    if (t->src >= 0 && t->pending_serial != 0) {
        /* a mirrored source's entry with the serial its origin gave */
        ser = t->pending_serial;
    } else if (t->src >= 0) {
        /* a mirrored source's object that came without a serial (a
         * dump): into its base, never into its journal */
        if (t->next_base == 0) {
            uint64_t last;
            rc = store_source_last(t, DB_BASE, &last, err);
            if (rc)
                return rc;
            t->next_base = last ? last + 1 : STORE_BASE_BIT + 1;
        }
        ser = t->next_base;
        db = DB_BASE;
    } else if (t->next_serial == 0) {
        MDB_cursor *c = NULL;
        rc = store_env_cur_acquire(t, DB_JOURNAL, &c, err);
        if (rc)
            return rc;
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
        store_env_cur_release(t, DB_JOURNAL, c);
        if (rc == MDB_NOTFOUND)
            t->next_serial = 1;
        else if (rc)
            return store_env_fail(t, err, rc, "read journal");
        else if (k.mv_size != 8)
            return err_set(err, ERR_STORE, "store: corrupt journal key");
        else
            t->next_serial = get_be64(k.mv_data) + 1;
        ser = t->next_serial;
    } else {
        ser = t->next_serial;
    }
    put_be64(sk, ser);
    put_be64(tb, (uint64_t)(int64_t)when);
    /* written straight into the page (no copy of a large text) */
    k.mv_data = sk;
    k.mv_size = 8;
    v.mv_data = NULL;
    v.mv_size = 1 + 8 + oklen + len;
    rc = mdb_put(t->txn, t->dbi[db], &k, &v, MDB_APPEND | MDB_RESERVE);
    if (rc)
        return store_env_fail(t, err, rc, "write journal");
    {
        uint8_t *d = v.mv_data;
        d[0] = (uint8_t)op;
        memcpy(d + 1, tb, 8);
        memcpy(d + 9, okey, oklen);
        if (len > 0)
            memcpy(d + 9 + oklen, text, len);
    }
    k.mv_data = (void *)okey;
    k.mv_size = oklen;
    v.mv_data = sk;
    v.mv_size = 8;
    rc = mdb_put(t->txn, t->dbi[DB_HISTORY], &k, &v, 0);
    if (rc)
        return store_env_fail(t, err, rc, "write history");
    if (serial != NULL)
        *serial = ser;
    if (db == DB_BASE)
        t->next_base++;
    else if (t->src >= 0)
        t->pending_serial = 0;
    else
        t->next_serial++;
    return 0;
}

/* ---------------------------------------------------------------------
 * Reading the journal
 */

int store_journal_range(store_txn_t *txn, uint64_t *first, uint64_t *last,
                        err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    *first = *last = 0;
    rc = store_env_cur_acquire(txn, DB_JOURNAL, &c, err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    if (rc == 0 && k.mv_size == 8) {
        *first = get_be64(k.mv_data);
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
        if (rc == 0 && k.mv_size == 8)
            *last = get_be64(k.mv_data);
    }
    store_env_cur_release(txn, DB_JOURNAL, c);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return store_env_fail(txn, err, rc, "read journal");
    if (k.mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt journal key");
    return 0;
}

/**
 * Decode the journal value @v of entry @serial into @je.
 * @return 0, or ERR_STORE for a value that is no journal entry.
 */
static int journal_decode(const store_txn_t *txn, uint64_t serial,
                          const MDB_val *v, store_journal_t *je, err_t *err)
{
    const uint8_t *p = v->mv_data, *nul;
    int cls;

    if (v->mv_size < 11 || (p[0] != STORE_OP_ADD && p[0] != STORE_OP_DEL))
        goto corrupt;
    cls = txn->st->cls_of[p[9]];
    nul = memchr(p + 10, 0, v->mv_size - 10);
    if ((cls < 0 && p[9] != STORE_CODE_OTHER) || nul == NULL)
        goto corrupt;
    je->serial = serial;
    je->op = (enum store_op)p[0];
    je->when = (time_t)(int64_t)get_be64(p + 1);
    je->cls = cls;
    je->pkey = (const char *)p + 10;
    je->text = (const char *)nul + 1;
    je->len = v->mv_size - (size_t)(nul + 1 - p);
    return 0;
corrupt:
    return err_set(err, ERR_STORE, "store: corrupt journal entry %llu",
                   (unsigned long long)serial);
}

int store_journal_get(store_txn_t *txn, uint64_t serial, store_journal_t *je,
                      err_t *err)
{
    uint8_t sk[8];
    MDB_val k, v;
    int rc;

    put_be64(sk, serial);
    k.mv_data = sk;
    k.mv_size = 8;
    if ((serial & STORE_BASE_BIT) && txn->src < 0)
        return err_set(err, ERR_NOTFOUND, "no journal entry %llu",
                       (unsigned long long)serial);
    rc = mdb_get(txn->txn, txn->dbi[serial & STORE_BASE_BIT ? DB_BASE :
                                    DB_JOURNAL], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no journal entry %llu",
                       (unsigned long long)serial);
    if (rc)
        return store_env_fail(txn, err, rc, "read journal");
    return journal_decode(txn, serial, &v, je, err);
}

/* ---------------------------------------------------------------------
 * Walking the journal
 */

int store_journal_open(store_txn_t *txn, uint64_t from,
                       store_journal_it_t **out, err_t *err)
{
    store_journal_it_t *it;
    int rc;

    *out = NULL;
    it = xcalloc(1, sizeof *it);
    it->txn = txn;
    it->from = from;
    rc = store_env_cur_acquire(txn, DB_JOURNAL, &it->c, err);
    if (rc) {
        free(it);
        return rc;
    }
    *out = it;
    return 0;
}

int store_journal_next(store_journal_it_t *it, store_journal_t *je,
                       err_t *err)
{
    uint8_t sk[8];
    MDB_val k, v;
    int rc;

    if (it->done)
        return err_set(err, ERR_NOTFOUND, "end of the journal");
    if (!it->started) {
        put_be64(sk, it->from);
        k.mv_data = sk;
        k.mv_size = 8;
        rc = mdb_cursor_get(it->c, &k, &v, MDB_SET_RANGE);
        it->started = 1;
    } else {
        rc = mdb_cursor_get(it->c, &k, &v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND) {
        it->done = 1;
        return err_set(err, ERR_NOTFOUND, "end of the journal");
    }
    if (rc)
        return store_env_fail(it->txn, err, rc, "read journal");
    if (k.mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt journal key");
    return journal_decode(it->txn, get_be64(k.mv_data), &v, je, err);
}

void store_journal_close(store_journal_it_t *it)
{
    if (it == NULL)
        return;
    store_env_cur_release(it->txn, DB_JOURNAL, it->c);
    free(it);
}

/* ---------------------------------------------------------------------
 * Object history
 */

int store_history(store_txn_t *txn, int cls, const char *pkey,
                  int (*fn)(const store_journal_t *je, void *arg), void *arg,
                  err_t *err)
{
    MDB_cursor *c = NULL;
    store_journal_t je;
    buf_t ok;
    MDB_val k, v;
    int rc;

    buf_init(&ok);
    rc = cls == -1 ? store_obj_other_key(txn->st, pkey, &ok)
                   : store_obj_key(txn->st, cls, pkey, strlen(pkey), &ok);
    if (rc == ERR_USAGE) {
        rc = err_set(err, ERR_USAGE, "store: invalid class %d", cls);
        goto leave;
    }
    if (rc) {
        rc = err_set(err, ERR_NOTFOUND, "no history");
        goto leave;
    }
    rc = store_env_cur_acquire(txn, DB_HISTORY, &c, err);
    if (rc)
        goto leave;
    k.mv_data = ok.s;
    k.mv_size = ok.len;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        rc = err_set(err, ERR_NOTFOUND, "no history");
        goto leave;
    }
    /* A mirrored source's dumped versions (serials with STORE_BASE_BIT,
     * which sort last) came first: two passes, those, then the others. */
    for (int pass = 0; pass < 2; pass++) {
        uint8_t bb[8];
        put_be64(bb, STORE_BASE_BIT);
        k.mv_data = ok.s;
        k.mv_size = ok.len;
        v.mv_data = bb;
        v.mv_size = 8;
        rc = mdb_cursor_get(c, &k, &v, pass == 0 ? MDB_GET_BOTH_RANGE
                                                 : MDB_SET_KEY);
        while (rc == 0) {
            uint64_t ser;
            if (v.mv_size != 8) {
                rc = err_set(err, ERR_STORE, "store: corrupt history entry");
                goto leave;
            }
            ser = get_be64(v.mv_data);
            if (pass == 1 && (ser & STORE_BASE_BIT))
                break;
            rc = store_journal_get(txn, ser, &je, err);
            if (rc)
                goto leave;
            rc = fn(&je, arg);
            if (rc)
                goto leave;
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
        }
        if (rc != 0 && rc != MDB_NOTFOUND) {
            rc = store_env_fail(txn, err, rc, "read history");
            goto leave;
        }
        rc = 0;
    }
leave:
    store_env_cur_release(txn, DB_HISTORY, c);
    buf_free(&ok);
    return rc;
}

/* ---------------------------------------------------------------------
 * Keys ever used (AUTO-n)
 */

/**
 * Every primary key of class @cls starting with @prefix that was ever
 * used.  Every version of every object has a history entry, so one
 * prefix scan of history (one step per key) covers current and deleted
 * objects alike.
 */
int store_keys_used(store_txn_t *txn, int cls, const char *prefix,
                    int (*fn)(const char *pkey, void *arg), void *arg,
                    err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    buf_t pre;
    int rc;

    if (cls < 0 || cls >= SC__COUNT)
        return err_set(err, ERR_USAGE, "store: invalid class %d", cls);
    buf_init(&pre);
    buf_putc(&pre, txn->st->code_of[cls]);
    put_upper(&pre, prefix, strlen(prefix));
    rc = store_env_cur_acquire(txn, DB_HISTORY, &c, err);
    if (rc)
        goto leave;
    k.mv_data = pre.s;
    k.mv_size = pre.len;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        const char *p = k.mv_data;
        if (k.mv_size < pre.len + 1 || memcmp(p, pre.s, pre.len) != 0)
            break;
        if (p[k.mv_size - 1] == 0) {
            rc = fn(p + 1, arg);
            if (rc)
                goto leave;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = store_env_fail(txn, err, rc, "read history");
leave:
    store_env_cur_release(txn, DB_HISTORY, c);
    buf_free(&pre);
    return rc;
}
