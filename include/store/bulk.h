/*
 * bulk.h - bulk loading of the store (autodbm-load, src/load/main.c):
 * prepared objects (store_batch_*, src/store/batch.c) and bulk loads
 * (store_bulk_*, src/store/bulk.c).
 *
 * Prefixes: store_batch_ (batch.c) and store_bulk_ (bulk.c), the two
 * files of this header.
 *
 * A store_batch_t (declared in store/store.h) is an object prepared for the store: its key, text and
 * index keys, computed without a transaction (store_obj_put prepares its
 * object the same way).
 */
#ifndef AUTODBM_STORE_BULK_H
#define AUTODBM_STORE_BULK_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"
#include "rpsl/rpsl.h"
#include "store/store.h"

/*
 * The work of store_obj_put() is split in
 * two: store_batch_add() does everything that needs no transaction (key,
 * address range, the printed text, every index key) and may run on
 * another thread than the writer; store_bulk_put() writes whole batches.
 *
 * Into an EMPTY store (no objects, journal or history yet) the bulk load
 * writes the journal as batches arrive and keeps only the object keys and
 * index keys in memory; store_bulk_end() then sorts them and appends
 * objects, history and the indexes in key order (much faster than
 * random inserts).  Until store_bulk_end() has succeeded the store is
 * marked incomplete and store_open() refuses it (an interrupted load must
 * be done again into an empty directory).  Into a store with data the
 * batches are written as store_obj_put() would, one write transaction per
 * batch.  Either way the result is the same as store_obj_put() of every
 * object in order (a key seen twice: the later version is current, both
 * are in journal and history).
 */


/** A new empty batch.  Free with store_batch_free(). */
store_batch_t *store_batch_new(void);

/** Free @b.  NULL is accepted. */
void store_batch_free(store_batch_t *b);

/** Empty @b for reuse (keeps its memory). */
void store_batch_clear(store_batch_t *b);

/** Number of objects in @b. */
size_t store_batch_count(const store_batch_t *b);

/** Bytes of object text and keys held by @b. */
size_t store_batch_bytes(const store_batch_t *b);

/**
 * Prepare object @obj for the store and add it to @b (the object is not
 * referenced afterwards: the caller may free it at once).
 * Thread safety: only reads what store_open() set up in @st, so it may run
 * on any thread while another thread writes to @st; @b must not be used
 * by two threads at once.
 * @param st   the store the batch is for (class codes, key size limit)
 * @param obj  a classified object with a valid primary key
 * @return 0; ERR_SYNTAX (with a message; nothing added) for the objects
 *         store_obj_put() refuses: no class, no usable primary key, an
 *         address class object without a valid range.
 */
int store_batch_add(store_batch_t *b, const store_t *st,
                    const rpsl_obj_t *obj, err_t *err);

/**
 * As store_batch_add(), but an address object whose range is not valid
 * (an inetnum whose end is before its start, ...) is prepared without
 * address index entries: found by its key, not by address look-ups
 * (autodbm-load keeps such objects of a mirrored registry's dump, with a
 * warning, after store_batch_add() refused them).
 * @return 0; ERR_SYNTAX for an object without a usable primary key.
 */
int store_batch_add_unranged(store_batch_t *b, const store_t *st,
                             const rpsl_obj_t *obj, err_t *err);

/** A bulk load in progress (opaque). */
typedef struct store_bulk store_bulk_t;

/**
 * Start a bulk load into @st (on the thread that will write).
 * @param when  the time recorded in the journal entries
 * @param out   receives the handle; finish with store_bulk_end(), or drop
 *              with store_bulk_free()
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_bulk_begin(store_t *st, time_t when, store_bulk_t **out,
                     err_t *err);

/**
 * As store_bulk_begin(), into source @source: NULL or "" the own source,
 * else a mirrored source (store_source_add; case-insensitive).  Into a
 * mirrored source the objects are dumped ones: they take no journal
 * serials (store_txn_source in store/store.h says where they go); a load
 * into an empty mirrored source that is not finished marks that source
 * only (store_txn_source refuses it until it is loaded again after
 * store_source_clear), not the whole store.
 * @return 0; ERR_NOTFOUND (no such mirrored source), ERR_TEMP, ERR_STORE.
 */
int store_bulk_begin_source(store_t *st, const char *source, time_t when,
                            store_bulk_t **out, err_t *err);

/**
 * Write the objects of batch @b (in its order).  @b may be cleared or
 * freed on return.
 * @return 0; ERR_TEMP / ERR_STORE when the store cannot be written (then
 *         nothing of @b was written; with an empty store at the start the
 *         store stays marked incomplete).
 */
int store_bulk_put(store_bulk_t *bk, const store_batch_t *b, err_t *err);

/** Number of objects written by store_bulk_put() so far. */
size_t store_bulk_count(const store_bulk_t *bk);

/**
 * Finish the load (into an empty store: write objects, history and the
 * indexes, then clear the incomplete mark) and free @bk.
 * @return 0, ERR_TEMP, ERR_STORE (the store stays marked incomplete).
 */
int store_bulk_end(store_bulk_t *bk, err_t *err);

/** Free @bk without finishing it.  NULL is accepted. */
void store_bulk_free(store_bulk_t *bk);

#endif
