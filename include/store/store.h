/*
 * store.h - the registry store: current objects, their secondary
 * indexes, the serial journal and object history, in one LMDB
 * environment.  This is the only module that knows LMDB.
 *
 * Contents (named databases of one environment):
 *  - objects:  (class, upper-case primary key) -> the serial of its
 *    current journal entry (which holds the text)
 *  - inverse:  (attribute name, upper-case value, object key) -> empty
 *  - lookup:   (upper-case lookup value, object key) -> empty
 *    (format 3: one plain key per pair; values are indexed by their
 *    first 254 bytes, primary keys have at most 254 characters)
 *  - address indexes for inetnum, inet6num, route, route6 and reverse
 *    domains, so that exact, one-level and all less- and more-specific
 *    look-ups are logarithmic (plus output size), never scans
 *  - journal:  serial -> (ADD|DEL, time, class, primary key, text); the
 *    serials are gapless, start at 1 and never go down
 *  - history:  object key -> serials of every version (ADD and DEL)
 *  - meta:     named counters and values (format version, ...)
 * Class and attribute names, not the build's numeric ids, are what
 * reaches the disk.
 *
 * Transactions: all writes happen inside store_write(), which runs a
 * caller-defined unit of work in one write transaction and commits it, or
 * commits nothing.  When the map is full it aborts, grows the map and runs
 * the unit again, so a unit must not have effects outside the store that
 * it cannot repeat.  Readers (store_read_begin) never block the writer
 * and see one consistent snapshot.  LMDB serialises concurrent writers
 * (several robots delivering at once).
 *
 * Ownership: store_t and store_txn_t are opaque.  Text handed to
 * callbacks points into the map and is valid only during the callback.
 */
#ifndef AUTODBM_STORE_H
#define AUTODBM_STORE_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"

typedef struct store store_t;
typedef struct store_txn store_txn_t;

/** store_open() flags. */
enum store_open_flags {
    STORE_RDONLY = 1 << 0,  /**< open read-only (queries) */
    STORE_BULK   = 1 << 1   /**< bulk load: no fsync per commit (the loader
                                 syncs once at the end with store_sync) */
};

/**
 * Open (creating if needed) the store in directory @dir.
 * @param dir    the LMDB directory; created (mode 0750) if missing unless
 *               STORE_RDONLY
 * @param flags  enum store_open_flags
 * @param out    receives the handle; close with store_close()
 * @param err    error text on failure
 * @return 0; ERR_IO if the directory cannot be created or opened;
 *         ERR_TEMP if the store is locked or busy; ERR_STORE for other
 *         LMDB failures (the message carries mdb_strerror()).
 */
int store_open(const char *dir, unsigned flags, store_t **out, err_t *err);

/**
 * As store_open() with an explicit initial map size (store_open() uses
 * 1 GiB).  The map grows by doubling when it fills up (see
 * store_write()), so a small size only costs some remapping; tests use
 * it to exercise that growth.  An existing store whose recorded map size
 * is larger keeps the larger size.
 * @param dir      the LMDB directory (see store_open())
 * @param flags    enum store_open_flags
 * @param mapsize  the initial map size in bytes (LMDB rounds it up to
 *                 whole pages and to the size of the data present)
 * @param out      receives the handle; close with store_close()
 * @param err      error text on failure
 * @return 0; ERR_IO if the directory cannot be created or opened;
 *         ERR_TEMP if the store is locked or busy; ERR_STORE for other
 *         LMDB failures (the message carries mdb_strerror()).
 */
int store_open_size(const char *dir, unsigned flags, size_t mapsize,
                    store_t **out, err_t *err);

/**
 * Take the store's writer lock: a lock file ("writer.lock") in the store
 * directory, held until store_close().  Writers that take it first never
 * wait on LMDB's own writer mutex, which has no timeout, so a stuck
 * writer makes the others give up (and the MTA retry) instead of hanging
 * until the MTA kills them.
 * @param timeout  seconds to wait for it; < 0 waits as long as it takes
 * @return 0; ERR_TEMP when another writer still holds it after @timeout
 *         seconds or the lock file cannot be opened for lack of
 *         permission; ERR_IO for other failures.
 */
int store_lock(store_t *st, int timeout, err_t *err);

/** Release the writer lock taken by store_lock() (no-op if not held). */
void store_unlock(store_t *st);

/** Close the store (and release its writer lock).  NULL is accepted.  No
 *  transaction may be open. */
void store_close(store_t *st);

/** Flush everything to disk (after a STORE_BULK load). @return 0 or ERR_IO. */
int store_sync(store_t *st, err_t *err);

/**
 * A unit of work run inside a write transaction.
 * @return 0 to commit; any other status aborts the transaction and is
 *         returned by store_write().
 */
typedef int (*store_unit_fn)(store_txn_t *txn, void *arg, err_t *err);

/**
 * Run @fn in one write transaction and commit.  On MDB_MAP_FULL (from
 * @fn's writes or from the commit) the transaction is aborted, the map is
 * doubled and @fn runs again from the start.
 * @return 0 when committed; the status @fn returned (nothing committed);
 *         ERR_TEMP when the store is busy/unwritable/cannot grow;
 *         ERR_STORE for other LMDB failures.
 */
int store_write(store_t *st, store_unit_fn fn, void *arg, err_t *err);

/**
 * Begin a read-only snapshot.  End it with store_read_end().
 * @return 0, ERR_TEMP (too many readers), ERR_STORE.
 */
int store_read_begin(store_t *st, store_txn_t **txn, err_t *err);

/** End a read-only snapshot.  NULL is accepted. */
void store_read_end(store_txn_t *txn);

/**
 * Fetch the current object (class @cls, primary key @pkey, any case).
 * @param text  receives the object text (appended), may be NULL to test
 *              existence only
 * @return 0 if found, ERR_NOTFOUND if not, ERR_STORE on failure.
 */
int store_obj_get(store_txn_t *txn, int cls, const char *pkey, buf_t *text,
                  err_t *err);

/**
 * Fetch and parse the current object.
 * @param out  receives a classified rpsl_obj_t the caller frees
 * @return 0, ERR_NOTFOUND, ERR_STORE.
 */
int store_obj_load(store_txn_t *txn, int cls, const char *pkey,
                   rpsl_obj_t **out, err_t *err);

/**
 * Create or replace an object (write transactions only).  The object must
 * be classified (schema_classify) and carry a valid primary key.  Its
 * text (rpsl_print with RPSL_PRINT_DISPLAY) is stored; the indexes of the
 * previous version, if any, are removed and the new ones added; a journal
 * ADD entry and a history entry are written.
 * @param when    the time recorded in the journal
 * @param serial  receives the journal serial (may be NULL)
 * @return 0; ERR_SYNTAX if the object has no usable key or address range;
 *         ERR_TEMP / ERR_STORE on LMDB failures (map full is ERR_TEMP and
 *         is handled by store_write()).
 */
int store_obj_put(store_txn_t *txn, const rpsl_obj_t *obj, time_t when,
                  uint64_t *serial, err_t *err);

/*
 * Bulk loading (autodbm-load).  The work of store_obj_put() is split in
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

/** A batch of objects prepared for the store (opaque). */
typedef struct store_batch store_batch_t;

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

/**
 * Delete the current object (class @cls, key @pkey), its indexes; write a
 * journal DEL entry (carrying the deleted text) and a history entry.
 * @return 0, ERR_NOTFOUND, ERR_TEMP, ERR_STORE.
 */
int store_obj_del(store_txn_t *txn, int cls, const char *pkey, time_t when,
                  uint64_t *serial, err_t *err);

/**
 * Called for each object found by a look-up.
 * @param cls   class id
 * @param pkey  primary key as stored (NUL-terminated, upper-case)
 * @param text  object text (not NUL-terminated), @len bytes
 * @return 0 to go on, non-zero to stop (store functions then return it).
 */
typedef int (*store_hit_fn)(int cls, const char *pkey, const char *text,
                            size_t len, void *arg);

/**
 * Every object whose attribute @aid (an inverse key) has the value
 * @value (case-insensitive), in key order.
 * @return 0, the non-zero value of @fn, or ERR_STORE.
 */
int store_inverse(store_txn_t *txn, int aid, const char *value,
                  store_hit_fn fn, void *arg, err_t *err);

/**
 * Every object with a lookup key (primary key or lookup attribute:
 * person:, role:, e-mail:, netname:, org-name:) equal to @value,
 * case-insensitive.  Classes in @cls_mask only (bit 1<<cls; 0 = all).
 * @return 0, the non-zero value of @fn, or ERR_STORE.
 */
int store_lookup(store_txn_t *txn, const char *value, unsigned long cls_mask,
                 store_hit_fn fn, void *arg, err_t *err);

/** Address look-up relations (RIPE whois flags in brackets). */
enum store_rel {
    STORE_EXACT,        /**< (-x) the same range */
    STORE_LESS_ONE,     /**< (-l) the smallest range strictly containing it */
    STORE_LESS_ALL,     /**< (-L) every range containing it, exact included */
    STORE_MORE_ONE,     /**< (-m) the largest ranges strictly inside it,
                             one level down */
    STORE_MORE_ALL,     /**< (-M) every range strictly inside it */
    STORE_BEST          /**< (no flag) exact match, else the smallest
                             containing range */
};

/**
 * Address look-up among objects of class @cls (SC_INETNUM, SC_INET6NUM,
 * SC_ROUTE, SC_ROUTE6, SC_DOMAIN).  Results are ordered from the largest
 * range to the smallest for the LESS relations and by start address (then
 * largest first) for the others; objects with the same range (routes with
 * different origins) come in key order.
 * @return 0, the non-zero value of @fn, ERR_USAGE for a class without
 *         address index, ERR_STORE.
 */
int store_addr(store_txn_t *txn, int cls, const ip_range_t *r,
               enum store_rel rel, store_hit_fn fn, void *arg, err_t *err);

/**
 * Every current object of class @cls (-1: all classes), in key order.
 * @return 0, the non-zero value of @fn, ERR_STORE.
 */
int store_each(store_txn_t *txn, int cls, store_hit_fn fn, void *arg,
               err_t *err);

/** Number of current objects of class @cls (-1: all). */
size_t store_count(store_txn_t *txn, int cls);

/** Journal operations. */
enum store_op { STORE_OP_ADD = 1, STORE_OP_DEL = 2 };

/** One journal entry, as returned by store_journal_get(). */
typedef struct store_journal {
    uint64_t serial;
    enum store_op op;
    time_t when;
    int cls;
    const char *pkey;   /**< points into the map; valid while txn lives */
    const char *text;   /**< object text, not NUL-terminated */
    size_t len;
} store_journal_t;

/** The first and last serial in the journal (0, 0 when empty). */
int store_serial_range(store_txn_t *txn, uint64_t *first, uint64_t *last,
                       err_t *err);

/** Fetch journal entry @serial.  @return 0, ERR_NOTFOUND, ERR_STORE. */
int store_journal_get(store_txn_t *txn, uint64_t serial, store_journal_t *je,
                      err_t *err);

/**
 * Every version of object (@cls, @pkey), oldest first, as journal
 * entries (deleted objects keep their history).
 * @param fn  called per entry; non-zero stops
 * @return 0, the non-zero value of @fn, ERR_NOTFOUND (no history),
 *         ERR_STORE.
 */
int store_history(store_txn_t *txn, int cls, const char *pkey,
                  int (*fn)(const store_journal_t *je, void *arg), void *arg,
                  err_t *err);

/**
 * Read and write named meta values (small binary blobs).
 * store_meta_get: @return 0 and appends to @out, ERR_NOTFOUND, ERR_STORE.
 * store_meta_put: write transactions only; @return 0, ERR_TEMP, ERR_STORE.
 */
int store_meta_get(store_txn_t *txn, const char *name, buf_t *out, err_t *err);
int store_meta_put(store_txn_t *txn, const char *name, const void *val,
                   size_t len, err_t *err);


/*
 * The outgoing mail queue (mailout.h).  Messages are queued in the same
 * transaction as the update they belong to and removed once delivered.
 */

/**
 * Queue a message for one recipient (write transactions only).
 * @param rcpt  the envelope recipient
 * @param data  the RFC 5322 message, @len bytes
 * @param id    receives the queue id (monotonic, never reused; may be NULL)
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_queue_put(store_txn_t *txn, const char *rcpt, const void *data,
                    size_t len, uint64_t *id, err_t *err);

/**
 * Queue a message of @len bytes for one recipient, written in place by the
 * caller (write transactions only): no copy of a large message is made.
 * @param rcpt  the envelope recipient
 * @param dst   receives where the @len bytes of the message go; valid
 *              until the next write in @txn, which must not come before
 *              they are all written (NULL on failure)
 * @param id    receives the queue id (as store_queue_put; may be NULL)
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_queue_reserve(store_txn_t *txn, const char *rcpt, size_t len,
                        void **dst, uint64_t *id, err_t *err);

/** Called per queued message; non-zero stops the walk and is returned. */
typedef int (*store_queue_fn)(uint64_t id, const char *rcpt, const char *data,
                              size_t len, void *arg);

/** Every queued message, oldest first. @return 0, @fn's value, ERR_STORE. */
int store_queue_each(store_txn_t *txn, store_queue_fn fn, void *arg,
                     err_t *err);

/** Remove queued message @id. @return 0, ERR_NOTFOUND, ERR_TEMP, ERR_STORE. */
int store_queue_del(store_txn_t *txn, uint64_t id, err_t *err);

/*
 * Handled mails: an id of every mail whose effects were committed, with
 * a small record of the outcome, so a redelivered mail is neither
 * applied nor answered twice.  The ids are the caller's (the robot's:
 * a digest of the mail, and its Message-ID, see src/robot/main.c); an id is
 * compared on its first maxkey (511) bytes.
 */

/** Look up a handled mail. @return 0 (info appended), ERR_NOTFOUND, ERR_STORE. */
int store_seen_get(store_txn_t *txn, const char *id, buf_t *info, err_t *err);

/** Record a handled mail (write transactions). @return 0, ERR_TEMP, ERR_STORE. */
int store_seen_put(store_txn_t *txn, const char *id, const void *info,
                   size_t len, err_t *err);

/**
 * Every primary key of class @cls that starts with @prefix
 * (case-insensitive) and was ever used: current objects and deleted ones
 * that have history.  For AUTO-n key generation ("handles already used are
 * never reissued").  @fn gets the key (upper-case) and @arg.
 * @return 0, @fn's non-zero value, ERR_STORE.
 */
int store_keys_used(store_txn_t *txn, int cls, const char *prefix,
                    int (*fn)(const char *pkey, void *arg), void *arg,
                    err_t *err);

/*
 * Signatures that authorised a change (replay detection, issue 4): the
 * replay record of each (cred_t.digest, pgp.h: keyed on signing key,
 * creation time, hash algorithm and signed text since issue 10; records
 * written before, over the packet bytes, match nothing any more, which
 * matters for at most signature_max_age after the upgrade), written in
 * the same transaction as the changes it authorised.
 */

/**
 * Was the signature with hex digest @digest used before?
 * @return 0 (yes), ERR_NOTFOUND (no), ERR_STORE.
 */
int store_sig_seen(store_txn_t *txn, const char *digest, err_t *err);

/**
 * Record the signature @digest as used, with a small @info record (write
 * transactions).  @return 0, ERR_TEMP, ERR_STORE.
 */
int store_sig_put(store_txn_t *txn, const char *digest, const void *info,
                  size_t len, err_t *err);

#endif
