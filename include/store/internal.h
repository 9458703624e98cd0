/*
 * internal.h - what the files of the store share: the handle and
 * transaction structures, the named databases and the on-disk format,
 * prepared objects, and the functions one file offers the others.
 *
 * PRIVATE to src/store: no file outside that folder includes it (programs
 * and tests use store/store.h, store/journal.h, store/bulk.h,
 * store/queue.h and store/seen.h).  It includes <lmdb.h>; the store is
 * the only part of autodbm that knows LMDB.
 *
 * The files, one concern each (the public header of each in brackets):
 *   env.c      the environment: opening and the format check, map
 *              growth, the writer lock, transactions and their cursors,
 *              meta values, LMDB error codes              (store.h)
 *   obj.c      objects: get, put, delete, their inverse and lookup index
 *              entries, look-ups through those indexes, walking and
 *              counting                                   (store.h)
 *   addr.c     the address index: its keys and look-ups   (store.h)
 *   batch.c    prepared objects: the object key, text and index keys of
 *              an object, computed without a transaction  (bulk.h)
 *   journal.c  the journal and object history: appending, reading, the
 *              journal iterator, keys ever used           (journal.h)
 *   source.c   mirrored sources: their records and databases, selecting
 *              a transaction's source, serials            (store.h)
 *   bulk.c     bulk loads                                 (bulk.h)
 *   queue.c    the outgoing mail queue                    (queue.h)
 *   seen.c     handled mails and signatures used          (seen.h)
 *
 * Prefixes: store_env_, store_obj_, store_addr_, store_batch_,
 * store_journal_ and store_source_, each named after the file that
 * defines it.
 *
 * Names: what a file offers the other files is declared below and named
 * after that file: store_env_* (env.c), store_obj_* (obj.c),
 * store_addr_* (addr.c), store_batch_* (batch.c), store_journal_*
 * (journal.c), store_source_* (source.c).  The small inline helpers at
 * the end (put_be64, get_be64, put_upper, is_addr_class) belong to no
 * file.
 *
 * On-disk format 4.  One LMDB environment holds these named databases
 * (the registry's own source's set; mirrored sources: below):
 *
 *   objects      okey -> serial (8 bytes BE) of the object's current
 *                journal entry, which holds its text (RPSL_PRINT_DISPLAY
 *                form); format 1 kept a second copy of the text here
 *   inverse      attr-name NUL UPPER(value) NUL okey -> empty
 *   lookup       UPPER(value) NUL okey -> empty
 *                (lookup attributes other than the primary key;
 *                store_lookup() probes objects for the primary key)
 *                Format 2 had these two as DUPSORT databases (attr-name
 *                NUL UPPER(value) -> okeys); plain composite keys append
 *                several times faster when one value has many objects.
 *                The part before the okey (the index key) is at most
 *                ixkey_max bytes and holds no other NUL than the one after
 *                the attribute name (values are cut at a NUL byte), so the
 *                okey is what follows the index key and its NUL.
 *   addr_start   code af lo ~hi -> okeys                        (DUPSORT)
 *   addr_bucket  code af len(B) net(B) lo ~hi -> okeys          (DUPSORT)
 *   journal      serial (8 bytes big-endian) -> op(1) time(8, BE)
 *                code(1) PKEY NUL text                          (MDB_APPEND)
 *   history      okey -> serials (8 bytes BE)         (DUPSORT|DUPFIXED)
 *   meta         name -> blob ("store.format" = 4 bytes BE, the format;
 *                "store.queue.next" = 8 bytes BE, the next queue id;
 *                "store.bulk" present while a bulk load into an empty
 *                store is unfinished: such a store is refused;
 *                "store.sources" = 4 bytes BE, the number of mirrored
 *                sources; "store.source.NAME" = 8 bytes BE per mirrored
 *                source NAME, the serial it is up to
 *                (store_source_serial_set); "store.bulk.NAME" present
 *                while a bulk load into the empty mirrored source NAME is
 *                unfinished: that source is refused)
 *   queue        id (8 bytes BE) -> recipient NUL message
 *   seen         mail id (first maxkey bytes) -> outcome record; the
 *                robot's ids (src/robot/robot.c) are "mail:" + SHA-256 hex of
 *                the mail without its delivery headers -> outcome, and
 *                "mid:" + Message-ID -> the "mail:" id of the first mail
 *                that carried it.  Before issue 10 the robot wrote
 *                "mid:" + Message-ID -> "TIME ok=N failed=N" (or "help",
 *                "limit") and "fnv:..." for mails without a Message-ID;
 *                such records are read as they are, no conversion (the
 *                format stays 3).  "sig:" keys: store_sig_put().
 *
 * Mirrored sources (format 4).  Each mirrored source NAME (upper case,
 * [A-Z0-9_-], 1..64 characters; at most STORE_MAX_SOURCES) has its own
 * set of the data databases above, named "<db>@NAME": objects@NAME,
 * inverse@NAME, lookup@NAME, addr_start@NAME, addr_bucket@NAME,
 * journal@NAME, history@NAME, in the formats above, plus
 *   base@NAME    serial (8 bytes BE, >= 2^63) -> a journal entry (same
 *                value format as journal)                    (MDB_APPEND)
 * meta, queue and seen are global.  The journal of a mirrored source
 * holds only what came by NRTM, under the origin's serials (strictly
 * increasing, gaps allowed: store_txn_next_serial).  Objects that came
 * without a serial, from a dump (autodbm-load --source), are written to
 * base@NAME instead, under serials from 2^63 + 1 up (STORE_BASE_BIT):
 * the objects and history entries point at them exactly as at journal
 * serials (store_journal_get reads either database by the bit), but they
 * never appear in the journal, so they can never collide with a serial
 * the origin sends later, and NRTM (which walks the journal) never serves
 * them.  When an NRTM ADD or DEL replaces a dumped object, its base entry
 * stays (its history refers to it).
 *
 * Format 3 is format 4 without mirrored sources (no "@" databases, no
 * source meta records): store_open() reads it as it is read-only and
 * upgrades it in place read-write, which only writes the format number.
 *
 * Objects of classes the schema does not know (a community registry's
 * own classes, kept from mirrored dumps) have the class code
 * STORE_CODE_OTHER (255, which class_codes[] never gives) and the okey
 * 255 UPPER(class-name ":" first value) NUL; their only index entry is
 * the lookup entry of that value.  Look-ups, store_each and store_count
 * pass them by (their callers know only classes of the schema);
 * store_other_get and store_other_each read them, and the journal
 * reports them with class -1.

 * An object key (okey) is the class code byte, the upper-case primary key
 * and a terminating NUL byte, so a key taken from the map is already a C
 * string after its first byte.  Class codes come from the append-only
 * table class_codes[] in env.c, keyed by class NAME, so reordering enum
 * schema_class never breaks a store.  Attributes reach the disk by name.
 *
 * Addresses: af is 4 or 6; lo and hi are 4 (IPv4) or 16 (IPv6) bytes in
 * network order; ~hi is the bitwise complement of hi, so for one start
 * the larger ranges sort first.  B(R) is the smallest CIDR prefix that
 * contains the range R (addr.c says how the look-ups use this).
 *
 * Limits: LMDB keys (and DUPSORT values) are at most mdb_env_get_maxkeysize
 * bytes (511).  An okey is at most okey_max bytes (half of that plus one,
 * 256: primary keys of up to 254 characters; longer ones are refused), so
 * that an inverse or lookup entry has room for an index key of
 * ixkey_max = maxkey - 1 - okey_max bytes (254): longer inverse and lookup
 * index keys are cut to that (look-ups cut the same way, so such values
 * may also find others sharing that prefix).
 *
 * Any change to the above is a change of format: STORE_FORMAT goes up and
 * stores of another format are refused by store_open() (env.c).
 * tests/tools/storetool.c reads this format directly.
 */
#ifndef AUTODBM_STORE_INTERNAL_H
#define AUTODBM_STORE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/store.h"

/** The on-disk format written in meta "store.format". */
#define STORE_FORMAT 4
/** The older format still read (read-only) and upgraded (read-write). */
#define STORE_FORMAT_OLD 3
/** Meta value present while a bulk load into an empty store is unfinished. */
#define STORE_META_BULK "store.bulk"
/** Name of the format meta value. */
#define STORE_META_FORMAT "store.format"
/** Name of the meta value holding the next mail queue id. */
#define STORE_META_QUEUE "store.queue.next"
/** Prefix of the meta records of mirrored sources ("store.source.NAME"). */
#define STORE_META_SOURCE "store.source."
/** Meta value: the number of mirrored sources (4 bytes BE). */
#define STORE_META_NSOURCES "store.sources"
/** Prefix of the meta mark of an unfinished bulk load into a mirrored
 *  source ("store.bulk.NAME"). */
#define STORE_META_BULK_SOURCE "store.bulk."
/** Most mirrored sources in one store (each has SRC_DB_COUNT databases). */
#define STORE_MAX_SOURCES 64
/** Longest mirrored source name. */
#define STORE_SOURCE_NAME_MAX 64
/** Serials with this bit are those of dumped objects of a mirrored
 *  source, kept in its base database (never in its journal). */
#define STORE_BASE_BIT ((uint64_t)1 << 63)
/** The class code of objects of classes the schema does not know (kept
 *  from mirrored dumps; store_other_get in store/store.h). */
#define STORE_CODE_OTHER 0xff
/** Largest address key: code af len net lo ~hi for IPv6. */
#define AKEY_MAX (3 + 3 * 16)

/** The named databases (their names and flags: db_defs[] in env.c). */
enum db_id {
    DB_OBJECTS, DB_INVERSE, DB_LOOKUP, DB_ADDR_START, DB_ADDR_BUCKET,
    DB_JOURNAL, DB_HISTORY, DB_BASE, DB_META, DB_QUEUE, DB_SEEN, DB__COUNT
};

/** The databases each source has, DB_OBJECTS up to DB_BASE (the own
 *  source has no base: its dbi[DB_BASE] is never used). */
#define SRC_DB_COUNT (DB_BASE + 1)

/** A mirrored source whose databases this process has opened. */
struct store_src {
    char name[STORE_SOURCE_NAME_MAX + 1];   /**< upper case */
    MDB_dbi dbi[SRC_DB_COUNT];
};

/** The store handle (store_t), set up by store_open_size(). */
struct store {
    MDB_env *env;
    MDB_dbi dbi[DB__COUNT];
    unsigned flags;             /**< enum store_open_flags */
    size_t maxkey;              /**< mdb_env_get_maxkeysize() */
    size_t okey_max;            /**< longest object key: maxkey / 2 + 1 */
    size_t ixkey_max;           /**< longest inverse/lookup index key:
                                     maxkey - 1 - okey_max */
    unsigned readers;           /**< open snapshots (they forbid remapping) */
    pthread_mutex_t lock;       /**< guards readers and the map adoption
                                     of store_read_begin/_end (snapshots
                                     begun in several threads) */
    uint8_t code_of[SC__COUNT]; /**< class id -> disk code */
    int cls_of[256];            /**< disk code -> class id, -1 if none */
    int lockfd;                 /**< writer lock file (store_lock), or -1 */
    struct store_src *src;      /**< mirrored sources with open handles */
    _Atomic size_t nsrc;        /**< entries of src (room for
                                     STORE_MAX_SOURCES, taken once: it never
                                     moves; an entry is written before nsrc
                                     counts it, so threads may read entries
                                     below nsrc without st->lock) */
    size_t nsrc_committed;      /**< of those, the ones whose handles are
                                     not private to the open write
                                     transaction (they survive its abort) */
};

/** A transaction (store_txn_t): made by store_write(), store_read_begin(). */
struct store_txn {
    store_t *st;
    MDB_txn *txn;
    int rdonly;
    int map_full;               /**< an operation hit MDB_MAP_FULL */
    uint64_t next_serial;       /**< next journal serial, 0 = not loaded
                                     (own source) */
    MDB_dbi dbi[DB__COUNT];     /**< the databases of the selected source
                                     and the global ones */
    int src;                    /**< selected source: -1 own, else an
                                     index of st->src */
    uint64_t pending_serial;    /**< mirrored: the serial the next journal
                                     entry gets (store_txn_next_serial),
                                     0 = none: it goes to the base */
    uint64_t next_base;         /**< mirrored: next base serial, 0 = not
                                     loaded */
    MDB_cursor *cur[DB__COUNT]; /**< cached cursors, opened on demand */
    int busy[DB__COUNT];        /**< cached cursor in use */
    buf_t okey;                 /**< object key being written */
    buf_t key;                  /**< index key being written */
    buf_t text;                 /**< new object text */
    buf_t old;                  /**< copy of the replaced object text */
    buf_t val;                  /**< journal value */
    store_batch_t *scratch;     /**< prepared object (store_obj_put) */
};

/* ---------------------------------------------------------------------
 * env.c: LMDB errors and cursors
 */

/**
 * Report an LMDB failure.
 * @param t     the transaction (may be NULL); MDB_MAP_FULL marks it so
 *              that store_write() grows the map
 * @param err   filled with "store: WHAT: mdb_strerror(rc)"
 * @param rc    the LMDB return code
 * @param what  the operation
 * @return ERR_TEMP for full/busy/locked/unwritable conditions and a lack
 *         of memory (they may pass: the robot's mail is retried), else
 *         ERR_STORE (the robot answers an internal error).
 */
int store_env_fail(store_txn_t *t, err_t *err, int rc, const char *what);

/**
 * Get a cursor on database @db: the cached one if free, else a temporary
 * one.  Give it back with store_env_cur_release() before the transaction
 * ends.
 * @return 0, or ERR_STORE/ERR_TEMP.
 */
int store_env_cur_acquire(store_txn_t *t, int db, MDB_cursor **c,
                          err_t *err);

/** Give back a cursor from store_env_cur_acquire().  NULL is accepted. */
void store_env_cur_release(store_txn_t *t, int db, MDB_cursor *c);

/* ---------------------------------------------------------------------
 * source.c: mirrored sources (the handles, selecting, load marks)
 */

/**
 * The number of mirrored sources recorded in the store (meta
 * "store.sources"; 0 when absent).
 * @return 0, ERR_STORE, ERR_TEMP.
 */
int store_source_recorded(const store_t *st, MDB_txn *txn, size_t *n,
                          err_t *err);

/**
 * Open in @txn the databases of every recorded mirrored source that
 * st->src does not have yet and add them there (they are private to
 * @txn until it commits: call store_source_txn_end() when it ends).
 * @return 0, ERR_STORE (a source without its databases), ERR_TEMP.
 */
int store_source_open_all(store_t *st, MDB_txn *txn, err_t *err);

/**
 * A transaction that may have opened source handles ended: keep them
 * (@committed) or forget those it opened (LMDB closed them).
 */
void store_source_txn_end(store_t *st, int committed);

/** Select the own source's databases in a new transaction wrapper. */
void store_source_txn_init(store_txn_t *t);

/**
 * store_txn_source(), but with @force also a source whose bulk load is
 * unfinished (for that load itself, bulk.c).
 * @return 0, ERR_NOTFOUND, ERR_STORE, ERR_USAGE, ERR_TEMP.
 */
int store_source_select(store_txn_t *t, const char *source, int force,
                        err_t *err);

/**
 * The last key (a serial) of database @db (DB_JOURNAL or DB_BASE) of the
 * selected source, 0 if empty.
 * @return 0, ERR_STORE, ERR_TEMP.
 */
int store_source_last(store_txn_t *t, int db, uint64_t *last, err_t *err);

/**
 * Set (@on) or clear the mark of an unfinished bulk load of the selected
 * source: STORE_META_BULK for the own source (the whole store is refused
 * while it is set), "store.bulk.NAME" for a mirrored one (that source is
 * refused by store_txn_source).
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_source_mark(store_txn_t *t, int on, err_t *err);

/* ---------------------------------------------------------------------
 * batch.c: prepared objects
 */

/* Entry tags of a prepared record (struct store_batch). */
enum { ENT_INVERSE, ENT_LOOKUP, ENT_START, ENT_BUCKET, ENT__COUNT };

/** The database of each entry tag. */
extern const int store_batch_ent_db[ENT__COUNT];

/** One prepared object in a batch: offsets into store_batch.data. */
struct brec {
    size_t off;         /**< okey (oklen bytes), text, entries */
    uint32_t oklen;     /**< object key length (code, PKEY, NUL) */
    uint32_t tlen;      /**< text length */
    uint32_t elen;      /**< bytes of entries after the text */
};

/*
 * A batch of prepared objects.  Each entry after a record's text is:
 * tag (1 byte), aux (1 byte: for inverse keys the length of the
 * attribute name, whose NUL follows it), key length (2 bytes, little
 * endian; at most maxkey), the key bytes.
 */
struct store_batch {
    buf_t data;
    struct brec *v;
    size_t n, cap;
};

/** How store_batch_build() prepares an object (bits). */
enum {
    BATCH_KEYS_ONLY = 1,    /**< for removing an old version's entries: no
                                 text, and an unusable range only means no
                                 address entries */
    BATCH_UNRANGED = 2      /**< an unusable range only means no address
                                 entries (store_batch_add_unranged) */
};

/**
 * Prepare @obj and append it to @b: object key, display text (unless
 * BATCH_KEYS_ONLY), index entries (lookup and inverse keys, address keys).
 * @param how  0 or enum BATCH_* bits
 * @return 0; ERR_SYNTAX (nothing added) for an object without a usable
 *         primary key or (with @how 0) an address object without a valid
 *         range.
 */
int store_batch_build(store_batch_t *b, const store_t *st,
                      const rpsl_obj_t *obj, unsigned how, err_t *err);

/** Iterator over the entries of a prepared record. */
struct ent_it {
    const uint8_t *p, *end;
};

/** Start iterating the entries of record @r of @b. */
void store_batch_ent_first(struct ent_it *it, const store_batch_t *b,
                           const struct brec *r);

/**
 * The next entry.
 * @return 1 and sets @tag, @aux, @key, @klen; 0 at the end.
 */
int store_batch_ent_next(struct ent_it *it, int *tag, unsigned *aux,
                         const uint8_t **key, size_t *klen);

/* ---------------------------------------------------------------------
 * obj.c: objects and their index entries
 */

/**
 * Build an object key: class code, upper-case @pkey (@len bytes), NUL.
 * @param out  reset and filled
 * @return 0; ERR_USAGE for an invalid class; ERR_NOTFOUND if the key is
 *         empty, contains NUL or is too long to be stored.
 */
int store_obj_key(const store_t *st, int cls, const char *pkey, size_t len,
                  buf_t *out);

/**
 * Build the object key of an object of a class the schema does not know
 * from its "CLASS:VALUE" (store_other_pkey): STORE_CODE_OTHER, upper-case
 * @pkey, NUL.
 * @param out  reset and filled
 * @return 0; ERR_NOTFOUND if @pkey has no ':' with text on both sides or
 *         is too long to be stored.
 */
int store_obj_other_key(const store_t *st, const char *pkey, buf_t *out);

/**
 * Fetch the object of an index entry and pass it to @fn.
 * @param ok    the object key (code, PKEY, NUL), @oklen bytes
 * @param mask  class mask (bit 1 << cls), 0 = all
 * @return 0, the non-zero value of @fn, ERR_STORE (corrupt index).
 */
int store_obj_emit(store_txn_t *t, const void *ok, size_t oklen,
                   unsigned long mask, store_hit_fn fn, void *arg,
                   err_t *err);

/**
 * Build the entry key of inverse or lookup index key @key (@klen bytes,
 * cut to ixkey_max) and object key @okey in @out: key NUL okey.
 */
void store_obj_ix_compose(buf_t *out, const store_t *st, const void *key,
                          size_t klen, const void *okey, size_t oklen);

/**
 * Write prepared record @r of @b: drop the old version's index entries,
 * journal and history entries, the objects entry, the new index entries.
 * @param serial  receives the journal serial (may be NULL)
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_obj_rec_put(store_txn_t *t, const store_batch_t *b,
                      const struct brec *r, time_t when, uint64_t *serial,
                      err_t *err);

/* ---------------------------------------------------------------------
 * addr.c: address keys, and collected hits (address look-ups sort them;
 * store_lookup uses them without ranges to merge its two sources)
 */

/**
 * addr_start key of range [@lo, @hi] (@n bytes each): code af lo ~hi.
 * @param k  room for AKEY_MAX bytes
 * @return the key length.
 */
size_t store_addr_start_key(uint8_t *k, uint8_t code, int af, size_t n,
                            const uint8_t *lo, const uint8_t *hi);

/**
 * addr_bucket key of range [@lo, @hi]: its smallest covering prefix, lo,
 * ~hi.
 * @param k  room for AKEY_MAX bytes
 * @return the key length.
 */
size_t store_addr_bucket_key(uint8_t *k, uint8_t code, int af, size_t n,
                             const uint8_t *lo, const uint8_t *hi);

/** One collected hit: a range and an object key (in ahits.keys). */
struct ahit {
    uint8_t lo[16];
    uint8_t hi[16];
    size_t off;             /**< object key offset in ahits.keys */
    size_t len;             /**< object key length */
    const char *ok;         /**< object key, set by store_addr_hits_fix() */
};

/** Collected hits, sorted before they are emitted.  Start zeroed, with
 *  buf_init(&keys); free with store_addr_hits_free(). */
struct ahits {
    struct ahit *v;
    size_t n, cap;
    buf_t keys;
};

/**
 * Add a hit: object key @ok (@len bytes) with range [@lo, @hi] (@n
 * bytes each; n may be 0 for hits without range).
 */
void store_addr_hits_push(struct ahits *h, const void *ok, size_t len,
                          const uint8_t *lo, const uint8_t *hi, size_t n);

/** Point each hit at its object key (after the last push). */
void store_addr_hits_fix(struct ahits *h);

/** Compare the object keys of two hits as LMDB does (memcmp, then
 *  length). */
int store_addr_hit_cmp(const struct ahit *a, const struct ahit *b);

/** Free the collected hits. */
void store_addr_hits_free(struct ahits *h);

/* ---------------------------------------------------------------------
 * journal.c: appending
 */

/**
 * Append a journal entry and its history entry (write transactions).
 * @param okey     object key (code, PKEY, NUL), @oklen bytes
 * @param text     the object text, @len bytes
 * @param serial   receives the serial (may be NULL)
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int store_journal_add(store_txn_t *t, enum store_op op, time_t when,
                      const void *okey, size_t oklen, const char *text,
                      size_t len, uint64_t *serial, err_t *err);

/* ---------------------------------------------------------------------
 * Small helpers
 */

/** Write @v as 8 bytes big-endian at @p. */
static inline void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

/** Read 8 bytes big-endian at @p. */
static inline uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/** Append @n bytes of @s to @b with ASCII letters in upper case. */
static inline void put_upper(buf_t *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        b->s[b->len + i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    b->len += n;
    b->s[b->len] = 0;
}

/** 1 if @cls has an address index. */
static inline int is_addr_class(int cls)
{
    return cls == SC_INETNUM || cls == SC_INET6NUM || cls == SC_ROUTE ||
           cls == SC_ROUTE6 || cls == SC_DOMAIN;
}

#endif
