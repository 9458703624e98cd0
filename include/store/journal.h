/*
 * journal.h - the store's serial journal and object history
 * (src/store/journal.c).
 *
 * Every change store_obj_put() or store_obj_del() makes is one journal
 * entry: a serial, ADD (created or modified: the new text) or DEL
 * (deleted: the text it had), the time, the class and primary key.
 * Each source has its own journal; every function here works on the
 * source selected on the transaction (store_txn_source in
 * store/store.h).  The own source's serials start at 1, go up by one per
 * entry, never go down and have no gaps; a mirrored source's are its
 * origin's (store_txn_next_serial: strictly increasing, gaps allowed),
 * and its objects loaded from a dump have no journal entry (their
 * history shows them with a serial of 2^63 or more, which
 * store_journal_get also reads).  The journal is never cut.  This is what NRTM serves: a mirror
 * asks for the entries from a serial on, and the server walks them with
 * the iterator below (store_journal_open / _next / _close) inside one read
 * snapshot, in memory that does not depend on how many there are.
 *
 * The history database lists the serials of every version of each object
 * (current or deleted), written with each journal entry: store_history()
 * walks one object's, store_keys_used() every primary key ever used with
 * a prefix.  These two keep names of their own (not store_journal_*):
 * they read the history, which journal.c keeps.
 *
 * Ownership: a store_journal_t points into the map and is valid while its
 * transaction lives (for the iterator: until the next call on it).
 *
 * Prefixes: store_journal_, and store_history and store_keys_ for the
 * history database, which journal.c writes with each journal entry.
 */
#ifndef AUTODBM_STORE_JOURNAL_H
#define AUTODBM_STORE_JOURNAL_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"
#include "store/store.h"


/** One journal entry (store_journal_get, store_journal_next). */
typedef struct store_journal {
    uint64_t serial;
    enum store_op op;
    time_t when;
    int cls;
    const char *pkey;   /**< points into the map; valid while txn lives */
    const char *text;   /**< object text, not NUL-terminated */
    size_t len;
} store_journal_t;

/**
 * The first and last serial in the journal.
 * @param first  receives the first serial (0 when the journal is empty)
 * @param last   receives the last serial (0 when the journal is empty)
 * @return 0; ERR_STORE for a corrupt journal or another LMDB failure,
 *         ERR_TEMP (LMDB's temporary failures).
 */
int store_journal_range(store_txn_t *txn, uint64_t *first, uint64_t *last,
                        err_t *err);

/**
 * Fetch journal entry @serial.
 * @param je  filled (pointing into the map)
 * @return 0, ERR_NOTFOUND, ERR_STORE (corrupt entry or LMDB failure).
 */
int store_journal_get(store_txn_t *txn, uint64_t serial, store_journal_t *je,
                      err_t *err);

/** A walk over the journal in serial order (opaque). */
typedef struct store_journal_it store_journal_it_t;

/**
 * Start a walk over the journal at serial @from: the first entry it
 * returns is the one with the smallest serial >= @from.  It holds one
 * cursor and a small fixed structure, whatever the length of the walk.
 * @param txn   the transaction to read in (a read snapshot: the walk sees
 *              the journal as it was when the snapshot began); it must
 *              outlive the walk, and a write transaction must not write
 *              while a walk in it is open
 * @param from  the first serial wanted (0 or 1: from the start)
 * @param out   receives the walk; end it with store_journal_close()
 *              before the transaction ends
 * @return 0; ERR_TEMP, ERR_STORE (LMDB failures; *out is NULL then).
 */
int store_journal_open(store_txn_t *txn, uint64_t from,
                       store_journal_it_t **out, err_t *err);

/**
 * The next entry of the walk.
 * @param je  filled; its pointers are valid until the next call on @it
 * @return 0; ERR_NOTFOUND past the last entry (and on every call after
 *         that); ERR_STORE for a corrupt entry or another LMDB failure.
 */
int store_journal_next(store_journal_it_t *it, store_journal_t *je,
                       err_t *err);

/** End a walk and free it.  NULL is accepted. */
void store_journal_close(store_journal_it_t *it);

/**
 * Every version of object (@cls, @pkey), oldest first, as journal
 * entries (deleted objects keep their history).  @cls -1: an object of a
 * class the schema does not know, @pkey "CLASS:VALUE" (store/store.h).
 * @param fn  called per entry; non-zero stops
 * @return 0, the non-zero value of @fn, ERR_NOTFOUND (no history),
 *         ERR_USAGE (invalid class), ERR_STORE.
 */
int store_history(store_txn_t *txn, int cls, const char *pkey,
                  int (*fn)(const store_journal_t *je, void *arg), void *arg,
                  err_t *err);

/**
 * Every primary key of class @cls that starts with @prefix
 * (case-insensitive) and was ever used: current objects and deleted ones
 * that have history.  For AUTO-n key generation ("handles already used are
 * never reissued").  @fn gets the key (upper-case) and @arg.
 * @return 0, @fn's non-zero value, ERR_USAGE (invalid class), ERR_STORE.
 */
int store_keys_used(store_txn_t *txn, int cls, const char *prefix,
                    int (*fn)(const char *pkey, void *arg), void *arg,
                    err_t *err);

#endif
