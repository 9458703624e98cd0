/*
 * store.h - the registry store: current objects, their secondary
 * indexes, the serial journal and object history, in one LMDB
 * environment.  The store (src/store) is the only part of autodbm that
 * knows LMDB.  This header is its core: the handle, transactions, objects
 * and the look-ups; the rest of its API has headers of its own:
 *   store/journal.h  the journal (and the iterator NRTM reads), object
 *                    history, primary keys ever used (AUTO-n)
 *   store/bulk.h     prepared objects and bulk loads (autodbm-load)
 *   store/queue.h    the outgoing mail queue
 *   store/seen.h     handled mails and signatures used (replays)
 *
 * Sources: the store holds the objects of several sources.  The
 * registry's own (authoritative: written by the robot) is selected by
 * default; each MIRRORED source (another registry's, written only by the
 * mirror client and autodbm-load) has its own objects, indexes, journal
 * and history, so one key may exist in several sources at once.  A
 * transaction works on one source at a time, chosen with
 * store_txn_source(); every object, look-up, journal and history
 * function below and in store/journal.h works on the selected source.
 * The own source's journal serials are gapless from 1; a mirrored
 * source's journal keeps the serials of its origin (strictly increasing,
 * gaps allowed: store_txn_next_serial), and objects loaded into it from
 * a dump take no journal serial at all (they are kept apart, so they
 * never collide with the serials that come later by NRTM).
 *
 * Contents (named databases of one environment; each mirrored source has
 * its own set of the first seven, and a base):
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
 *    own source's serials are gapless, start at 1 and never go down
 *  - history:  object key -> serials of every version (ADD and DEL)
 *  - base (mirrored sources only): the dumped objects' versions, in the
 *    journal's format, outside the journal
 *  - meta:     named counters and values (format version, the mirrored
 *    sources and their serials, ...)
 *  - queue, seen: the mail queue, handled mails and signatures
 * Class and attribute names, not the build's numeric ids, are what
 * reaches the disk (the exact format: include/store/internal.h, private
 * to src/store).
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
 *
 * Where the functions live, and why some names are not those of their
 * file: src/store/env.c has the handle's own functions, which keep the
 * layer's bare prefix (store_open ... store_read_end), and store_meta_*
 * (meta holds the format that store_open checks); src/store/obj.c has
 * store_obj_* and the object look-ups named for what they search:
 * store_inverse, store_lookup, store_each, store_count; src/store/addr.c
 * has store_addr; src/store/source.c has store_source_* and the two
 * functions that set up a transaction's source, store_txn_source and
 * store_txn_next_serial.
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
/** An object prepared for the store (opaque; store/bulk.h). */
typedef struct store_batch store_batch_t;

/** Journal operations: what happened to an object (the values are on
 * disk; store/journal.h reads the journal). */
enum store_op { STORE_OP_ADD = 1, STORE_OP_DEL = 2 };

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
 * Begin a read-only snapshot.  End it with store_read_end().  Several
 * threads may begin and end snapshots of one store_t at once; a snapshot
 * is used by one thread at a time, and may pass from one thread to
 * another (autodbm-whoisd's worker threads).
 * @return 0, ERR_TEMP (too many readers), ERR_STORE.
 */
int store_read_begin(store_t *st, store_txn_t **txn, err_t *err);

/** End a read-only snapshot.  NULL is accepted. */
void store_read_end(store_txn_t *txn);

/* ---------------------------------------------------------------------
 * Sources
 */

/**
 * Select the source the following calls on @txn work on: objects,
 * look-ups, store_each/store_count, the journal (range, get, walks),
 * history and keys used.  A new transaction works on the own source.
 * @param txn     a read or write transaction, with no journal walk open
 * @param source  NULL or "": the registry's own source; else the name of
 *                a mirrored source (case-insensitive)
 * @return 0; ERR_NOTFOUND: no such mirrored source in this transaction's
 *         snapshot (also for a name that cannot be one); ERR_STORE: the
 *         source's load was interrupted (the message says the command to
 *         run) or LMDB failed; ERR_USAGE: a journal walk is open on @txn.
 */
int store_txn_source(store_txn_t *txn, const char *source, err_t *err);

/**
 * The mirrored source @txn works on (upper case; valid while @txn
 * lives), or NULL for the own source.
 */
const char *store_txn_source_name(const store_txn_t *txn);

/**
 * Create mirrored source @name (write transactions): its databases and
 * its record (serial 0).  Does not select it.  An already open read-only
 * handle (another process's too) sees it from its next snapshot on.
 * @param name  1 to 64 of A-Z, 0-9, _ and - (lower case letters are
 *              taken as upper case)
 * @return 0, also if it already exists; ERR_USAGE for a bad name, a read
 *         transaction, or more than 64 mirrored sources; ERR_TEMP,
 *         ERR_STORE.
 */
int store_source_add(store_txn_t *txn, const char *name, err_t *err);

/**
 * Call @fn for every mirrored source of @txn's snapshot, upper case, in
 * name order (the own source is not one of them).
 * @return 0, @fn's non-zero value, ERR_STORE, ERR_TEMP.
 */
int store_source_each(store_txn_t *txn,
                      int (*fn)(const char *name, void *arg),
                      void *arg, err_t *err);

/**
 * The serial the selected MIRRORED source is up to (0: none yet): what
 * autodbm-mirror asks for next is this + 1.  store_source_serial_set
 * records it (write transactions: autodbm-load --serial, autodbm-mirror
 * after a batch, with the last serial of the %START range); it is not
 * checked against the journal (store_txn_next_serial is).
 * @return 0; ERR_USAGE on the own source, in a read transaction (_set),
 *         or a serial of 2^63 or more (_set); ERR_TEMP, ERR_STORE.
 */
int store_source_serial_get(store_txn_t *txn, uint64_t *serial,
                            err_t *err);
int store_source_serial_set(store_txn_t *txn, uint64_t serial,
                            err_t *err);

/**
 * Mirrored sources only: the journal serial the NEXT store_obj_put or
 * store_obj_del on @txn records (the serial of the NRTM ADD or DEL).  It
 * applies to that one call; a put or delete on a mirrored source without
 * it is a DUMPED object's: kept outside the journal (not walked by
 * store_journal_open, not counted by store_journal_range), with a serial
 * of 2^63 or more in its history.
 * @param serial  greater than the source's last journal serial, less
 *                than 2^63
 * @return 0; ERR_USAGE: the own source, a read transaction, a serial not
 *         greater than the last one (going backwards or repeated) or out
 *         of range; ERR_TEMP, ERR_STORE.
 */
int store_txn_next_serial(store_txn_t *txn, uint64_t serial, err_t *err);

/**
 * Empty mirrored source @source (write transactions) and select it: its
 * objects, indexes, journal, history and dumped objects go; its serial
 * goes back to 0 and the mark of an interrupted load (which makes
 * store_txn_source refuse it) is cleared.  The source stays.  Nothing
 * else may be in progress on @txn (no journal walk).
 * @return 0; ERR_NOTFOUND (no such mirrored source); ERR_USAGE (NULL or
 *         "": the own source; read transaction; walk open); ERR_TEMP,
 *         ERR_STORE.
 */
int store_source_clear(store_txn_t *txn, const char *source, err_t *err);

/* ---------------------------------------------------------------------
 * Objects
 */

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

/**
 * Delete the current object (class @cls, key @pkey), its indexes; write a
 * journal DEL entry (carrying the deleted text) and a history entry.
 * @cls -1 deletes an object of a class the schema does not know (see
 * below): @pkey is then "CLASS:VALUE" as store_other_pkey() makes it.
 * @return 0, ERR_NOTFOUND; ERR_SYNTAX (@cls -1 only) for a @pkey that
 *         is no such key or is longer than the store's keys; ERR_TEMP,
 *         ERR_STORE.
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

/*
 * Objects of classes the schema does not know.  A mirrored registry may
 * have classes of its own (dn42: schema, registry, tinc-key); a
 * non-strict load keeps such objects as text.  store_obj_put() takes an
 * UNCLASSIFIED object (o->cls -1) as one of those: its key is its class
 * name (its first attribute's name) and its first value.  Look-ups,
 * store_each and store_count pass them by (their callbacks get class
 * ids of the schema only); the journal reports them with cls -1 and
 * pkey "CLASS:VALUE" (upper case).
 */

/**
 * The key an object of an unknown class (o->cls -1) is stored under, as
 * the journal reports it and store_obj_del() takes it: its class name
 * (its first attribute's name), ":", its first value without the blanks
 * around it, upper case; appended to @out.  Whether the store can hold
 * a key that long is store_obj_put's (and store_obj_del's) business.
 * @return 0, or ERR_SYNTAX when the object has no name or value to key
 *         it by (nothing appended).
 */
int store_other_pkey(const rpsl_obj_t *o, buf_t *out);

/**
 * Fetch the object of unknown class @cls_name with first value @key
 * (both case-insensitive).
 * @param text  receives the text (appended); NULL tests existence
 * @return 0, ERR_NOTFOUND, ERR_STORE.
 */
int store_other_get(store_txn_t *txn, const char *cls_name, const char *key,
                    buf_t *text, err_t *err);

/**
 * Called by store_other_each() with the class name and key (upper case,
 * valid during the call) and the text (@len bytes).
 * @return 0 to go on, non-zero to stop.
 */
typedef int (*store_other_fn)(const char *cls_name, const char *key,
                              const char *text, size_t len, void *arg);

/**
 * Every object of an unknown class of the selected source, in key order.
 * @return 0, @fn's non-zero value, ERR_STORE.
 */
int store_other_each(store_txn_t *txn, store_other_fn fn, void *arg,
                     err_t *err);

/**
 * Every class name of the objects of unknown classes of the selected
 * source (upper case, valid during the call), each once, in the order
 * of store_other_each() (by "NAME:", so "A-B" before "A" before "AB"):
 * one seek per class, however many objects it has (what a query needs
 * to look a key up in each such class with store_other_get()).
 * @return 0, @fn's non-zero value, ERR_STORE.
 */
int store_other_classes(store_txn_t *txn,
                        int (*fn)(const char *cls_name, void *arg),
                        void *arg, err_t *err);

/**
 * Read and write named meta values (small binary blobs).
 * store_meta_get: @return 0 and appends to @out, ERR_NOTFOUND, ERR_STORE.
 * store_meta_put: write transactions only; @return 0, ERR_TEMP, ERR_STORE.
 */
int store_meta_get(store_txn_t *txn, const char *name, buf_t *out, err_t *err);
int store_meta_put(store_txn_t *txn, const char *name, const void *val,
                   size_t len, err_t *err);

#endif
