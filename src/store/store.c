/*
 * store.c - the registry store on LMDB (see store.h).
 *
 * This is the only module that knows LMDB.  One environment holds these
 * named databases (on-disk format 3):
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
 *                store is unfinished: such a store is refused)
 *   queue        id (8 bytes BE) -> recipient NUL message
 *   seen         mail id (first maxkey bytes) -> outcome record; the
 *                robot's ids (src/robot/main.c) are "mail:" + SHA-256 hex of
 *                the mail without its delivery headers -> outcome, and
 *                "mid:" + Message-ID -> the "mail:" id of the first mail
 *                that carried it.  Before issue 10 the robot wrote
 *                "mid:" + Message-ID -> "TIME ok=N failed=N" (or "help",
 *                "limit") and "fnv:..." for mails without a Message-ID;
 *                such records are read as they are, no conversion (the
 *                format stays 3).  "sig:" keys: store_sig_put().
 *
 * An object key (okey) is the class code byte, the upper-case primary key
 * and a terminating NUL byte, so a key taken from the map is already a C
 * string after its first byte.  Class codes come from the append-only
 * table class_codes[] below, keyed by class NAME, so reordering enum
 * schema_class never breaks a store.  Attributes reach the disk by name.
 *
 * Addresses: af is 4 or 6; lo and hi are 4 (IPv4) or 16 (IPv6) bytes in
 * network order; ~hi is the bitwise complement of hi, so for one start
 * the larger ranges sort first.  B(R) is the smallest CIDR prefix that
 * contains the range R.  Every range containing a query Q has its bucket
 * B among the prefixes containing B(Q) (at most 33 or 129 of them), and
 * all ranges in one bucket straddle its midpoint, so with properly nested
 * data a bucket is a short chain.  Look-ups:
 *   EXACT     one seek in addr_start;
 *   MORE_ALL  seek addr_start to (Q.lo, ~Q.hi), scan while lo <= Q.hi;
 *   MORE_ONE  the same scan, but after emitting a range R the scan seeks
 *             past R's end; ranges that start inside R and end beyond it
 *             (legacy partial overlaps) are found first by probing the
 *             buckets of the prefixes containing [R.hi, R.hi+1];
 *   LESS_*    for each prefix length 0..len(B(Q)), scan the bucket of the
 *             prefix of Q.lo while lo <= Q.lo, keep hi >= Q.hi.
 *
 * Transactions: a store_txn_t wraps an MDB_txn with one cached cursor per
 * database (a nested call while the cached cursor is in use gets a
 * temporary one) and scratch buffers, so a bulk load allocates little per
 * object.  Map growth and MDB_MAP_RESIZED are handled by store_write().
 *
 * Limits: LMDB keys (and DUPSORT values) are at most mdb_env_get_maxkeysize
 * bytes (511).  An okey is at most okey_max bytes (half of that plus one,
 * 256: primary keys of up to 254 characters; longer ones are refused), so
 * that an inverse or lookup entry has room for an index key of
 * ixkey_max = maxkey - 1 - okey_max bytes (254): longer inverse and lookup
 * index keys are cut to that (look-ups cut the same way, so such values
 * may also find others sharing that prefix).
 *
 * Bulk loads (store_bulk_*): into an empty store the journal is appended
 * (MDB_APPEND) as batches come; object keys and index keys are kept in
 * memory (about 200 bytes per object; inverse and lookup keys, which
 * repeat, are interned: each distinct key once, and 8 bytes per entry)
 * and at the end sorted per database (distinct keys by their bytes, then
 * the entries as integers, key rank and object rank) and appended in
 * order with MDB_APPEND / MDB_APPENDDUP, a few hundred thousand entries
 * per transaction, prefetching the keys of the entries a little ahead.
 * Appending fills pages completely and never searches the tree, which is
 * several times faster than random puts.  A second thread sorts the
 * next database while one is appended.  Into a store with data, batches
 * are applied like store_obj_put().
 *
 * STORE_BULK opens with MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD and
 * the loader syncs once (store_sync).  MDB_WRITEMAP was measured slower
 * for loads here (every first touch of a page of the file mapping faults
 * and the kernel zero-fills it), so it is not used.
 *
 * A store_t is meant for one thread; its snapshots may be opened in any
 * number (MDB_NOTLS).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/store.h"

/** The on-disk format written in meta "store.format". */
#define STORE_FORMAT 3
/** Meta value present while a bulk load into an empty store is unfinished. */
#define STORE_META_BULK "store.bulk"
/** Name of the format meta value. */
#define STORE_META_FORMAT "store.format"
/** Name of the meta value holding the next mail queue id. */
#define STORE_META_QUEUE "store.queue.next"
/** Default map size of store_open(): 1 GiB. */
#define STORE_DEFAULT_MAPSIZE ((size_t)1 << 30)
/** How often store_write() grows the map or re-adopts it before giving up. */
#define STORE_MAX_RETRIES 40
/** Largest address key: code af len net lo ~hi for IPv6. */
#define AKEY_MAX (3 + 3 * 16)

/** The named databases. */
enum db_id {
    DB_OBJECTS, DB_INVERSE, DB_LOOKUP, DB_ADDR_START, DB_ADDR_BUCKET,
    DB_JOURNAL, DB_HISTORY, DB_META, DB_QUEUE, DB_SEEN, DB__COUNT
};

/** Name and flags of each database. */
static const struct db_def {
    const char *name;
    unsigned flags;
} db_defs[DB__COUNT] = {
    { "objects", 0 },
    { "inverse", 0 },
    { "lookup", 0 },
    { "addr_start", MDB_DUPSORT },
    { "addr_bucket", MDB_DUPSORT },
    { "journal", 0 },
    { "history", MDB_DUPSORT | MDB_DUPFIXED },
    { "meta", 0 },
    { "queue", 0 },
    { "seen", 0 }
};

/**
 * Class codes on disk.  APPEND ONLY: never change or reuse a code; a new
 * class gets the next free number.  Code 0 is never used.
 */
static const struct class_code {
    const char *name;
    uint8_t code;
} class_codes[] = {
    { "as-block", 1 }, { "as-set", 2 }, { "aut-num", 3 }, { "domain", 4 },
    { "filter-set", 5 }, { "inet-rtr", 6 }, { "inet6num", 7 },
    { "inetnum", 8 }, { "irt", 9 }, { "key-cert", 10 }, { "mntner", 11 },
    { "organisation", 12 }, { "peering-set", 13 }, { "person", 14 },
    { "poem", 15 }, { "poetic-form", 16 }, { "role", 17 }, { "route", 18 },
    { "route-set", 19 }, { "route6", 20 }, { "rtr-set", 21 }
};

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB__COUNT];
    unsigned flags;             /**< enum store_open_flags */
    size_t maxkey;              /**< mdb_env_get_maxkeysize() */
    size_t okey_max;            /**< longest object key: maxkey / 2 + 1 */
    size_t ixkey_max;           /**< longest inverse/lookup index key:
                                     maxkey - 1 - okey_max */
    unsigned readers;           /**< open snapshots (they forbid remapping) */
    uint8_t code_of[SC__COUNT]; /**< class id -> disk code */
    int cls_of[256];            /**< disk code -> class id, -1 if none */
    int lockfd;                 /**< writer lock file (store_lock), or -1 */
};

struct store_txn {
    store_t *st;
    MDB_txn *txn;
    int rdonly;
    int map_full;               /**< an operation hit MDB_MAP_FULL */
    uint64_t next_serial;       /**< next journal serial, 0 = not loaded */
    MDB_cursor *cur[DB__COUNT]; /**< cached cursors, opened on demand */
    int busy[DB__COUNT];        /**< cached cursor in use */
    buf_t okey;                 /**< object key being written */
    buf_t key;                  /**< index key being written */
    buf_t text;                 /**< new object text */
    buf_t old;                  /**< copy of the replaced object text */
    buf_t val;                  /**< journal value */
    store_batch_t *scratch;     /**< prepared object (store_obj_put) */
};

/* Entry tags of a prepared record (struct store_batch). */
enum { ENT_INVERSE, ENT_LOOKUP, ENT_START, ENT_BUCKET, ENT__COUNT };

/** The database of each entry tag. */
static const int ent_db[ENT__COUNT] = {
    DB_INVERSE, DB_LOOKUP, DB_ADDR_START, DB_ADDR_BUCKET
};

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

/* ---------------------------------------------------------------------
 * Errors
 */

/**
 * The status for an LMDB or system error code.
 * @return ERR_TEMP for full/busy/locked/unwritable conditions and a lack
 *         of memory (they may pass: the robot's mail is retried), else
 *         ERR_STORE (the robot answers an internal error).
 */
static int lmdb_status(int rc)
{
    switch (rc) {
    case MDB_MAP_FULL:
    case MDB_MAP_RESIZED:
    case MDB_READERS_FULL:
    case EAGAIN:
    case EACCES:
    case EROFS:
    case EBUSY:
    case ENOLCK:
    case EDEADLK:
    case ENOSPC:
    case EIO:
    case ENOMEM:
        return ERR_TEMP;
    default:
        return ERR_STORE;
    }
}

/**
 * Report an LMDB failure.
 * @param t     the transaction (may be NULL); MDB_MAP_FULL marks it so
 *              that store_write() grows the map
 * @param err   filled with "store: WHAT: mdb_strerror(rc)"
 * @param rc    the LMDB return code
 * @param what  the operation
 * @return ERR_TEMP or ERR_STORE (see lmdb_status()).
 */
static int fail(store_txn_t *t, err_t *err, int rc, const char *what)
{
    if (t != NULL && rc == MDB_MAP_FULL)
        t->map_full = 1;
    return err_set(err, lmdb_status(rc), "store: %s: %s", what,
                   mdb_strerror(rc));
}

/* ---------------------------------------------------------------------
 * Small helpers
 */

/** Write @v as 8 bytes big-endian at @p. */
static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

/** Read 8 bytes big-endian at @p. */
static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/** Append @n bytes of @s to @b with ASCII letters in upper case. */
static void put_upper(buf_t *b, const char *s, size_t n)
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
static int is_addr_class(int cls)
{
    return cls == SC_INETNUM || cls == SC_INET6NUM || cls == SC_ROUTE ||
           cls == SC_ROUTE6 || cls == SC_DOMAIN;
}

/**
 * Build an object key: class code, upper-case @pkey, NUL.
 * @param out  reset and filled
 * @return 0; ERR_USAGE for an invalid class; ERR_NOTFOUND if the key is
 *         empty, contains NUL or is too long to be stored.
 */
static int make_okey(const store_t *st, int cls, const char *pkey,
                     size_t len, buf_t *out)
{
    if (cls < 0 || cls >= SC__COUNT)
        return ERR_USAGE;
    buf_reset(out);
    buf_putc(out, st->code_of[cls]);
    put_upper(out, pkey, len);
    buf_putc(out, 0);
    if (len == 0 || memchr(pkey, 0, len) != NULL || out->len > st->okey_max)
        return ERR_NOTFOUND;
    return 0;
}

/* Address byte strings of n (4 or 16) bytes. */

/** Add one to @a; @return 1 if it wrapped around (was all ones). */
static int addr_inc(uint8_t *a, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (++a[i] != 0)
            return 0;
    return 1;
}

/** Number of leading bits @a and @b have in common (8*n if equal). */
static unsigned addr_cpl(const uint8_t *a, const uint8_t *b, size_t n)
{
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = a[i] ^ b[i];
        if (x == 0) {
            bits += 8;
            continue;
        }
        while (!(x & 0x80)) {
            bits++;
            x = (uint8_t)(x << 1);
        }
        break;
    }
    return bits;
}

/** @out = @a with every bit after the first @len cleared. */
static void addr_mask(uint8_t *out, const uint8_t *a, unsigned len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (len >= 8 * (i + 1))
            out[i] = a[i];
        else if (len <= 8 * i)
            out[i] = 0;
        else
            out[i] = (uint8_t)(a[i] & (0xff << (8 - (len - 8 * i))));
    }
}

/** Append the complement of @a. */
static void addr_not(uint8_t *out, const uint8_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)~a[i];
}

/** @out = @hi - @lo over 16 bytes (the size of the range minus one). */
static void addr_sub(uint8_t out[16], const uint8_t hi[16], const uint8_t lo[16])
{
    int borrow = 0;
    for (int i = 15; i >= 0; i--) {
        int d = (int)hi[i] - (int)lo[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/**
 * addr_start key: code af lo ~hi.
 * @return the key length.
 */
static size_t start_key(uint8_t *k, uint8_t code, int af, size_t n,
                        const uint8_t *lo, const uint8_t *hi)
{
    k[0] = code;
    k[1] = (uint8_t)af;
    memcpy(k + 2, lo, n);
    addr_not(k + 2 + n, hi, n);
    return 2 + 2 * n;
}

/**
 * addr_bucket key prefix: code af len net (net = @a masked to @len).
 * @return the prefix length (3 + n).
 */
static size_t bucket_prefix(uint8_t *k, uint8_t code, int af, size_t n,
                            unsigned len, const uint8_t *a)
{
    k[0] = code;
    k[1] = (uint8_t)af;
    k[2] = (uint8_t)len;
    addr_mask(k + 3, a, len, n);
    return 3 + n;
}

/**
 * addr_bucket key of range [@lo, @hi]: its smallest covering prefix, lo, ~hi.
 * @return the key length.
 */
static size_t bucket_key(uint8_t *k, uint8_t code, int af, size_t n,
                         const uint8_t *lo, const uint8_t *hi)
{
    size_t p = bucket_prefix(k, code, af, n, addr_cpl(lo, hi, n), lo);
    memcpy(k + p, lo, n);
    addr_not(k + p + n, hi, n);
    return p + 2 * n;
}

/* ---------------------------------------------------------------------
 * Transactions and cursors
 */

/** A new transaction wrapper for @txn. */
static store_txn_t *txn_new(store_t *st, MDB_txn *txn, int rdonly)
{
    store_txn_t *t = xcalloc(1, sizeof *t);
    t->st = st;
    t->txn = txn;
    t->rdonly = rdonly;
    buf_init(&t->okey);
    buf_init(&t->key);
    buf_init(&t->text);
    buf_init(&t->old);
    buf_init(&t->val);
    return t;
}

/** Close the cached cursors of @t (before its MDB_txn ends). */
static void txn_close_cursors(store_txn_t *t)
{
    for (int i = 0; i < DB__COUNT; i++) {
        if (t->cur[i] != NULL)
            mdb_cursor_close(t->cur[i]);
        t->cur[i] = NULL;
        t->busy[i] = 0;
    }
}

/** Free the wrapper (its MDB_txn must have ended). */
static void txn_free(store_txn_t *t)
{
    if (t == NULL)
        return;
    buf_free(&t->okey);
    buf_free(&t->key);
    buf_free(&t->text);
    buf_free(&t->old);
    buf_free(&t->val);
    store_batch_free(t->scratch);
    free(t);
}

/**
 * Get a cursor on database @db: the cached one if free, else a temporary
 * one.  Give it back with cur_release().
 * @return 0, or ERR_STORE/ERR_TEMP.
 */
static int cur_acquire(store_txn_t *t, int db, MDB_cursor **c, err_t *err)
{
    int rc;

    if (t->cur[db] == NULL) {
        rc = mdb_cursor_open(t->txn, t->st->dbi[db], &t->cur[db]);
        if (rc)
            return fail(t, err, rc, "cursor open");
    } else if (t->busy[db]) {
        rc = mdb_cursor_open(t->txn, t->st->dbi[db], c);
        if (rc)
            return fail(t, err, rc, "cursor open");
        return 0;
    }
    t->busy[db] = 1;
    *c = t->cur[db];
    return 0;
}

/** Give back a cursor from cur_acquire().  NULL is accepted. */
static void cur_release(store_txn_t *t, int db, MDB_cursor *c)
{
    if (c == NULL)
        return;
    if (c == t->cur[db])
        t->busy[db] = 0;
    else
        mdb_cursor_close(c);
}

/* ---------------------------------------------------------------------
 * Opening and growing
 */

/**
 * Double the map size.  Only possible while no snapshot of this process
 * is open.
 * @return 0, or ERR_TEMP when the map cannot grow.
 */
static int grow_map(store_t *st, err_t *err)
{
    MDB_envinfo info;
    int rc;

    if (st->readers > 0)
        return err_set(err, ERR_TEMP, "store: the map is full and cannot "
                       "grow while read snapshots are open");
    rc = mdb_env_info(st->env, &info);
    if (rc)
        return fail(NULL, err, rc, "env info");
    if (info.me_mapsize > SIZE_MAX / 2)
        return err_set(err, ERR_TEMP, "store: the map is full");
    rc = mdb_env_set_mapsize(st->env, info.me_mapsize * 2);
    if (rc)
        return err_set(err, ERR_TEMP, "store: cannot grow the map: %s",
                       mdb_strerror(rc));
    return 0;
}

/**
 * Adopt a map size grown by another process (after MDB_MAP_RESIZED).
 * @return 0, or ERR_TEMP while snapshots of this process are open.
 */
static int adopt_map(store_t *st, err_t *err)
{
    int rc;

    if (st->readers > 0)
        return err_set(err, ERR_TEMP, "store: the map was resized by "
                       "another process while snapshots are open");
    rc = mdb_env_set_mapsize(st->env, 0);
    if (rc)
        return fail(NULL, err, rc, "adopt map size");
    return 0;
}

/**
 * Begin an LMDB transaction, adopting a map grown by another process.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int begin(store_t *st, unsigned flags, MDB_txn **txn, err_t *err)
{
    int rc;

    for (int i = 0; i < STORE_MAX_RETRIES; i++) {
        rc = mdb_txn_begin(st->env, NULL, flags, txn);
        if (rc != MDB_MAP_RESIZED)
            break;
        rc = adopt_map(st, err);
        if (rc)
            return rc;
        rc = MDB_MAP_RESIZED;
    }
    if (rc)
        return fail(NULL, err, rc, "begin transaction");
    return 0;
}

/**
 * Open every database and check (or, for a new store, write) the format.
 * Runs in its own transaction, growing the map if it is too small.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int open_dbis(store_t *st, err_t *err)
{
    int rdonly = (st->flags & STORE_RDONLY) != 0;
    MDB_txn *txn = NULL;
    int rc = 0;

    for (int tries = 0; tries < STORE_MAX_RETRIES; tries++) {
        MDB_val k, v;
        uint8_t fmt[4] = { 0, 0, 0, STORE_FORMAT };

        rc = begin(st, rdonly ? MDB_RDONLY : 0, &txn, err);
        if (rc)
            return rc;
        for (int i = 0; i < DB__COUNT; i++) {
            rc = mdb_dbi_open(txn, db_defs[i].name,
                              db_defs[i].flags | (rdonly ? 0 : MDB_CREATE),
                              &st->dbi[i]);
            if (rc == MDB_NOTFOUND) {
                rc = err_set(err, ERR_STORE, "store: not an autodbm store "
                             "(no %s database)", db_defs[i].name);
                goto abort;
            }
            if (rc)
                goto lmdb_fail;
        }
        k.mv_data = (void *)STORE_META_FORMAT;
        k.mv_size = strlen(STORE_META_FORMAT);
        rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
        if (rc == 0) {
            if (v.mv_size != sizeof fmt || memcmp(v.mv_data, fmt, sizeof fmt)) {
                rc = err_set(err, ERR_STORE, "store: unsupported store "
                             "format (this build reads format %d)",
                             STORE_FORMAT);
                goto abort;
            }
            k.mv_data = (void *)STORE_META_BULK;
            k.mv_size = strlen(STORE_META_BULK);
            rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
            if (rc == 0) {
                rc = err_set(err, ERR_STORE, "store: an unfinished bulk "
                             "load left this store incomplete; remove it "
                             "and load again");
                goto abort;
            }
            if (rc != MDB_NOTFOUND)
                goto lmdb_fail;
        } else if (rc == MDB_NOTFOUND && !rdonly) {
            v.mv_data = fmt;
            v.mv_size = sizeof fmt;
            rc = mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
            if (rc)
                goto lmdb_fail;
        } else if (rc == MDB_NOTFOUND) {
            rc = err_set(err, ERR_STORE, "store: not an autodbm store "
                         "(no format)");
            goto abort;
        } else {
            goto lmdb_fail;
        }
        rc = mdb_txn_commit(txn);
        txn = NULL;
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc)
            return fail(NULL, err, rc, "open databases");
        return 0;

    lmdb_fail:
        mdb_txn_abort(txn);
        txn = NULL;
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        return fail(NULL, err, rc, "open databases");
    }
    return err_set(err, ERR_TEMP, "store: cannot make the map large enough");

abort:
    mdb_txn_abort(txn);
    return rc;
}

/*
 * The file of the environment @dir that mdb_env_open() with @envflags
 * could not open as it needs it, for its error message: lock.mdb
 * (read-write, opened first), then data.mdb (read-write, read-only
 * under MDB_RDONLY); else @dir itself (a missing file it could not
 * create there, or another cause).  Malloc'd.
 */
static char *env_culprit(const char *dir, unsigned envflags)
{
    static const char *const files[] = { "lock.mdb", "data.mdb" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = xasprintf("%s/%s", dir, files[i]);
        int mode = i == 1 && (envflags & MDB_RDONLY) ? R_OK : R_OK | W_OK;
        if (access(path, mode) != 0 && errno != ENOENT)
            return path;
        free(path);
    }
    return xstrdup(dir);
}

int store_open_size(const char *dir, unsigned flags, size_t mapsize,
                    store_t **out, err_t *err)
{
    store_t *st = NULL;
    unsigned envflags = MDB_NOTLS;
    MDB_envinfo info;
    struct stat sb;
    int rc;

    *out = NULL;
    if (!(flags & STORE_RDONLY) && mkdir(dir, 0750) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "store: cannot create %s: %s", dir,
                       strerror(errno));
    if (stat(dir, &sb) != 0)
        return err_set(err, ERR_IO, "store: %s: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return err_set(err, ERR_IO, "store: %s: not a directory", dir);

    st = xcalloc(1, sizeof *st);
    st->lockfd = -1;
    st->flags = flags;
    for (int i = 0; i < 256; i++)
        st->cls_of[i] = -1;
    for (int c = 0; c < SC__COUNT; c++) {
        const char *name = schema_class_name(c);
        size_t i;
        for (i = 0; i < sizeof class_codes / sizeof class_codes[0]; i++)
            if (name != NULL && strcmp(class_codes[i].name, name) == 0)
                break;
        if (i == sizeof class_codes / sizeof class_codes[0]) {
            rc = err_set(err, ERR_SOFTWARE, "store: class %s has no disk "
                         "code", name ? name : "?");
            goto leave;
        }
        st->code_of[c] = class_codes[i].code;
        st->cls_of[class_codes[i].code] = c;
    }

    rc = mdb_env_create(&st->env);
    if (rc) {
        rc = fail(NULL, err, rc, "create environment");
        goto leave;
    }
    rc = mdb_env_set_maxdbs(st->env, DB__COUNT + 4);
    if (rc == 0)
        rc = mdb_env_set_mapsize(st->env, mapsize);
    if (rc) {
        rc = fail(NULL, err, rc, "configure environment");
        goto leave;
    }
    if (flags & STORE_RDONLY)
        envflags |= MDB_RDONLY;
    else if (flags & STORE_BULK)
        envflags |= MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD;
    rc = mdb_env_open(st->env, dir, envflags, 0640);
    if (rc) {
        char *what = env_culprit(dir, envflags);
        rc = err_set(err, rc == ENOENT || rc == ENOTDIR ? ERR_IO : lmdb_status(rc),
                     "store: %s: %s", what, mdb_strerror(rc));
        free(what);
        goto leave;
    }
    /* Adopt the size recorded in the store (it may have grown), but never
     * go below the size asked for. */
    rc = mdb_env_set_mapsize(st->env, 0);
    if (rc == 0)
        rc = mdb_env_info(st->env, &info);
    if (rc == 0 && info.me_mapsize < mapsize)
        rc = mdb_env_set_mapsize(st->env, mapsize);
    if (rc) {
        rc = fail(NULL, err, rc, "set map size");
        goto leave;
    }
    st->maxkey = (size_t)mdb_env_get_maxkeysize(st->env);
    st->okey_max = st->maxkey / 2 + 1;
    st->ixkey_max = st->maxkey - 1 - st->okey_max;
    rc = open_dbis(st, err);
    if (rc)
        goto leave;
    *out = st;
    return 0;

leave:
    if (st->env != NULL)
        mdb_env_close(st->env);
    free(st);
    return rc;
}

int store_open(const char *dir, unsigned flags, store_t **out, err_t *err)
{
    return store_open_size(dir, flags, STORE_DEFAULT_MAPSIZE, out, err);
}

void store_close(store_t *st)
{
    if (st == NULL)
        return;
    mdb_env_close(st->env);
    if (st->lockfd >= 0)
        close(st->lockfd);      /* releases the writer lock */
    free(st);
}

int store_lock(store_t *st, int timeout, err_t *err)
{
    if (st->lockfd >= 0)
        return 0;
    const char *dir = NULL;
    if (mdb_env_get_path(st->env, &dir) != 0 || dir == NULL)
        return err_set(err, ERR_STORE, "store: no path for the writer lock");
    char *path = xasprintf("%s/writer.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        int e = errno;
        int rc = err_set(err, e == EACCES || e == EROFS ? ERR_TEMP : ERR_IO,
                         "store: %s: %s", path, strerror(e));
        free(path);
        return rc;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(fd, LOCK_EX | (timeout < 0 ? 0 : LOCK_NB)) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int rc = err_set(err, ERR_IO, "store: %s: %s", path, strerror(errno));
            close(fd);
            free(path);
            return rc;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (timeout >= 0 && now.tv_sec - start.tv_sec >= timeout) {
            int rc = err_set(err, ERR_TEMP, "store: still locked by another writer after %d s",
                             timeout);
            close(fd);
            free(path);
            return rc;
        }
        struct timespec nap = { 0, 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    free(path);
    st->lockfd = fd;
    return 0;
}

void store_unlock(store_t *st)
{
    if (st && st->lockfd >= 0) {
        close(st->lockfd);
        st->lockfd = -1;
    }
}

int store_sync(store_t *st, err_t *err)
{
    int rc = mdb_env_sync(st->env, 1);
    if (rc)
        return err_set(err, ERR_IO, "store: sync: %s", mdb_strerror(rc));
    return 0;
}

int store_write(store_t *st, store_unit_fn fn, void *arg, err_t *err)
{
    MDB_txn *txn = NULL;
    store_txn_t *t = NULL;
    int rc;

    if (st->flags & STORE_RDONLY)
        return err_set(err, ERR_USAGE, "store: opened read-only");
    for (int tries = 0; tries < STORE_MAX_RETRIES; tries++) {
        rc = begin(st, 0, &txn, err);
        if (rc)
            return rc;
        t = txn_new(st, txn, 0);
        rc = fn(t, arg, err);
        txn_close_cursors(t);
        if (t->map_full) {
            mdb_txn_abort(txn);
            txn_free(t);
            err_free(err);
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc) {
            mdb_txn_abort(txn);
            txn_free(t);
            return rc;
        }
        txn_free(t);
        rc = mdb_txn_commit(txn);
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc)
            return fail(NULL, err, rc, "commit");
        return 0;
    }
    return err_set(err, ERR_TEMP, "store: cannot make the map large enough");
}

int store_read_begin(store_t *st, store_txn_t **txn, err_t *err)
{
    MDB_txn *mt = NULL;
    int rc;

    *txn = NULL;
    rc = begin(st, MDB_RDONLY, &mt, err);
    if (rc)
        return rc;
    *txn = txn_new(st, mt, 1);
    st->readers++;
    return 0;
}

void store_read_end(store_txn_t *txn)
{
    if (txn == NULL)
        return;
    txn_close_cursors(txn);
    mdb_txn_abort(txn->txn);
    txn->st->readers--;
    txn_free(txn);
}

/* ---------------------------------------------------------------------
 * Emitting hits
 */

static int obj_text(store_txn_t *t, const MDB_val *ov, const char **text,
                    size_t *len, err_t *err);

/**
 * Fetch the object of an index entry and pass it to @fn.
 * @param ok    the object key (code, PKEY, NUL), @oklen bytes
 * @param mask  class mask (bit 1 << cls), 0 = all
 * @return 0, the non-zero value of @fn, ERR_STORE (corrupt index).
 */
static int emit_okey(store_txn_t *t, const void *ok, size_t oklen,
                     unsigned long mask, store_hit_fn fn, void *arg,
                     err_t *err)
{
    const uint8_t *p = ok;
    MDB_val k, v;
    int cls, rc;

    if (oklen < 2 || p[oklen - 1] != 0)
        return err_set(err, ERR_STORE, "store: corrupt object key in index");
    cls = t->st->cls_of[p[0]];
    if (cls < 0)
        return err_set(err, ERR_STORE, "store: unknown class code %u",
                       (unsigned)p[0]);
    if (mask != 0 && !(mask & (1UL << cls)))
        return 0;
    k.mv_data = (void *)ok;
    k.mv_size = oklen;
    rc = mdb_get(t->txn, t->st->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_STORE, "store: index refers to missing "
                       "object %s", (const char *)p + 1);
    if (rc)
        return fail(t, err, rc, "get object");
    {
        const char *text;
        size_t len;
        rc = obj_text(t, &v, &text, &len, err);
        if (rc)
            return rc;
        return fn(cls, (const char *)p + 1, text, len, arg);
    }
}

/**
 * Emit every duplicate (object key) at the cursor position.
 * @return 0, the non-zero value of @fn, ERR_STORE.
 */
static int emit_dups(store_txn_t *t, MDB_cursor *c, unsigned long mask,
                     store_hit_fn fn, void *arg, err_t *err)
{
    MDB_val k, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_GET_CURRENT);

    while (rc == 0) {
        rc = emit_okey(t, v.mv_data, v.mv_size, mask, fn, arg, err);
        if (rc)
            return rc;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc != MDB_NOTFOUND)
        return fail(t, err, rc, "read index");
    return 0;
}

/**
 * The entry prefix of index key @key (@klen bytes) of inverse or lookup:
 * the key cut to ixkey_max, and its NUL, in @pre.
 * @return 0, or ERR_NOTFOUND for an empty key (nothing is indexed so).
 */
static int ix_prefix(const store_t *st, const void *key, size_t klen,
                     buf_t *pre)
{
    buf_reset(pre);
    if (klen == 0)
        return ERR_NOTFOUND;
    if (klen > st->ixkey_max)
        klen = st->ixkey_max;
    buf_put(pre, key, klen);
    buf_putc(pre, 0);
    return 0;
}

/**
 * Step cursor @c of inverse or lookup through the entries with prefix
 * @pre (see ix_prefix): @op MDB_SET_RANGE for the first, MDB_NEXT for the
 * next ones.
 * @param ok  receives the object key of the entry (pointing into the map)
 * @return 0; MDB_NOTFOUND past the last; another LMDB error.
 */
static int ix_step(MDB_cursor *c, const buf_t *pre, MDB_cursor_op op,
                   MDB_val *ok)
{
    MDB_val k, v;
    int rc;

    k.mv_data = pre->s;
    k.mv_size = pre->len;
    rc = mdb_cursor_get(c, &k, &v, op);
    if (rc)
        return rc;
    if (k.mv_size <= pre->len || memcmp(k.mv_data, pre->s, pre->len) != 0)
        return MDB_NOTFOUND;
    ok->mv_data = (uint8_t *)k.mv_data + pre->len;
    ok->mv_size = k.mv_size - pre->len;
    return 0;
}

/**
 * Emit every object indexed under index key @key in inverse or lookup
 * (@db), in object key order.
 * @return 0, the non-zero value of @fn, ERR_STORE.
 */
static int emit_ix(store_txn_t *t, int db, const void *key, size_t klen,
                   unsigned long mask, store_hit_fn fn, void *arg,
                   err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val ok;
    buf_t pre;
    int rc;

    buf_init(&pre);
    if (ix_prefix(t->st, key, klen, &pre) != 0)
        return 0;
    rc = cur_acquire(t, db, &c, err);
    if (rc) {
        buf_free(&pre);
        return rc;
    }
    rc = ix_step(c, &pre, MDB_SET_RANGE, &ok);
    while (rc == 0) {
        rc = emit_okey(t, ok.mv_data, ok.mv_size, mask, fn, arg, err);
        if (rc)
            goto leave;
        rc = ix_step(c, &pre, MDB_NEXT, &ok);
    }
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else
        rc = fail(t, err, rc, "read index");
leave:
    cur_release(t, db, c);
    buf_free(&pre);
    return rc;
}

/* ---------------------------------------------------------------------
 * Objects
 */

int store_obj_get(store_txn_t *txn, int cls, const char *pkey, buf_t *text,
                  err_t *err)
{
    buf_t ok;
    MDB_val k, v;
    int rc;

    buf_init(&ok);
    rc = make_okey(txn->st, cls, pkey, strlen(pkey), &ok);
    if (rc == ERR_USAGE) {
        rc = err_set(err, ERR_USAGE, "store: invalid class %d", cls);
        goto leave;
    }
    if (rc) {
        rc = err_set(err, ERR_NOTFOUND, "no such object");
        goto leave;
    }
    k.mv_data = ok.s;
    k.mv_size = ok.len;
    rc = mdb_get(txn->txn, txn->st->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND) {
        rc = err_set(err, ERR_NOTFOUND, "no such object");
        goto leave;
    }
    if (rc) {
        rc = fail(txn, err, rc, "get object");
        goto leave;
    }
    if (text != NULL) {
        const char *s;
        size_t len;
        rc = obj_text(txn, &v, &s, &len, err);
        if (rc)
            goto leave;
        buf_put(text, s, len);
    }
leave:
    buf_free(&ok);
    return rc;
}

/**
 * Parse stored object text into a classified object.
 * @return 0, or ERR_STORE if the text is not an object any more.
 */
static int parse_text(const char *text, size_t len, rpsl_obj_t **out,
                      err_t *err)
{
    rpsl_obj_t *o = NULL;

    *out = NULL;
    if (rpsl_parse(text, len, 1, 0, &o, NULL) != 0 || o == NULL)
        return err_set(err, ERR_STORE, "store: stored object does not parse");
    if (schema_classify(o, NULL) != 0) {
        rpsl_obj_free(o);
        return err_set(err, ERR_STORE, "store: stored object has no class");
    }
    *out = o;
    return 0;
}

int store_obj_load(store_txn_t *txn, int cls, const char *pkey,
                   rpsl_obj_t **out, err_t *err)
{
    buf_t text;
    int rc;

    *out = NULL;
    buf_init(&text);
    rc = store_obj_get(txn, cls, pkey, &text, err);
    if (rc == 0)
        rc = parse_text(text.s, text.len, out, err);
    buf_free(&text);
    return rc;
}

/**
 * Build the entry key of inverse or lookup index key @key (@klen bytes,
 * cut to ixkey_max) and object key @okey in @out: key NUL okey.
 */
static void ix_compose(buf_t *out, const store_t *st, const void *key,
                       size_t klen, const void *okey, size_t oklen)
{
    if (klen > st->ixkey_max)
        klen = st->ixkey_max;
    buf_reset(out);
    buf_put(out, key, klen);
    buf_putc(out, 0);
    buf_put(out, okey, oklen);
}

/**
 * Put or delete one (key, object key) pair of an index: an entry key
 * NUL okey -> empty in inverse and lookup, a duplicate of a DUPSORT key
 * in the others.  Keys longer than LMDB allows are truncated; empty keys
 * are skipped.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int ix_pair(store_txn_t *t, int db, const void *key, size_t klen,
                   const MDB_val *okey, int del, err_t *err)
{
    MDB_val k, v = *okey;
    int rc;

    if (klen == 0)
        return 0;
    if (klen > t->st->maxkey)
        klen = t->st->maxkey;
    k.mv_data = (void *)key;
    k.mv_size = klen;
    if (db == DB_INVERSE || db == DB_LOOKUP) {
        ix_compose(&t->key, t->st, key, klen, okey->mv_data, okey->mv_size);
        k.mv_data = t->key.s;
        k.mv_size = t->key.len;
        v.mv_data = (void *)"";
        v.mv_size = 0;
        rc = del ? mdb_del(t->txn, t->st->dbi[db], &k, NULL)
                 : mdb_put(t->txn, t->st->dbi[db], &k, &v, 0);
        if (rc == MDB_NOTFOUND && del)
            rc = 0;
    } else if (del) {
        rc = mdb_del(t->txn, t->st->dbi[db], &k, &v);
        if (rc == MDB_NOTFOUND)
            rc = 0;
    } else {
        rc = mdb_put(t->txn, t->st->dbi[db], &k, &v, MDB_NODUPDATA);
        if (rc == MDB_KEYEXIST)
            rc = 0;
    }
    if (rc)
        return fail(t, err, rc, del ? "delete index entry" :
                    "write index entry");
    return 0;
}

/* ---------------------------------------------------------------------
 * Prepared objects (store_batch_t)
 */

store_batch_t *store_batch_new(void)
{
    store_batch_t *b = xcalloc(1, sizeof *b);
    buf_init(&b->data);
    return b;
}

void store_batch_free(store_batch_t *b)
{
    if (b == NULL)
        return;
    buf_free(&b->data);
    free(b->v);
    free(b);
}

void store_batch_clear(store_batch_t *b)
{
    buf_reset(&b->data);
    b->n = 0;
}

size_t store_batch_count(const store_batch_t *b)
{
    return b->n;
}

size_t store_batch_bytes(const store_batch_t *b)
{
    return b->data.len;
}

/** State of the schema_each_key() walk of build_rec(). */
struct key_walk {
    const store_t *st;
    buf_t *out;
};

/**
 * Append one entry (see struct store_batch) with key @pre (@plen bytes)
 * followed by the upper-cased @value (@len bytes), truncated to @max
 * bytes.
 */
static void ent_put(buf_t *out, size_t max, int tag, size_t aux,
                    const void *pre, size_t plen, const char *value,
                    size_t len, int upper)
{
    size_t klen = plen + len;
    uint8_t h[4];

    if (klen > max)
        klen = max;
    if (len > klen - plen)
        len = klen - plen;
    h[0] = (uint8_t)tag;
    h[1] = (uint8_t)(aux > 255 ? 255 : aux);
    h[2] = (uint8_t)(klen & 0xff);
    h[3] = (uint8_t)(klen >> 8);
    buf_put(out, h, 4);
    buf_put(out, pre, plen);
    if (upper)
        put_upper(out, value, len);
    else
        buf_put(out, value, len);
}

/** schema_each_key() callback of build_rec(): one secondary key. */
static int ix_key_cb(enum schema_keykind kind, int aid, const char *value,
                     size_t len, void *arg)
{
    struct key_walk *w = arg;
    const char *name, *nul;

    /* an index key holds no NUL byte of its own (see the top) */
    if ((nul = memchr(value, 0, len)) != NULL)
        len = (size_t)(nul - value);
    while (len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    if (len == 0)
        return 0;
    if (kind == SCHEMA_KEY_INVERSE) {
        name = schema_attr_name(aid);
        if (name == NULL)
            return 0;
        /* the name and its NUL are the key's prefix */
        ent_put(w->out, w->st->ixkey_max, ENT_INVERSE, strlen(name), name,
                strlen(name) + 1, value, len, 1);
    } else if (kind == SCHEMA_KEY_LOOKUP) {
        ent_put(w->out, w->st->ixkey_max, ENT_LOOKUP, 0, "", 0, value, len,
                1);
    }
    return 0;
}

/**
 * The address range an object of class @o->cls is indexed under.
 * @param has  receives 1 if there is one, 0 if not (non-address class,
 *             e164.arpa or non-reverse domain)
 * @return 0, or ERR_SYNTAX for an address class with an invalid range.
 */
static int obj_range(const rpsl_obj_t *o, int *has, ip_range_t *r,
                     err_t *err)
{
    int rc;

    *has = 0;
    if (!is_addr_class(o->cls))
        return 0;
    rc = schema_obj_range(o, r);
    if (rc == 0 && (r->af == 4 || r->af == 6) &&
        memcmp(r->lo, r->hi, ip_addr_len(r->af)) <= 0) {
        *has = 1;
        return 0;
    }
    if (rc == ERR_NOTFOUND || o->cls == SC_DOMAIN)
        return 0;
    return err_set(err, ERR_SYNTAX, "store: %s object without a valid "
                   "address range", schema_class_name(o->cls));
}

/**
 * Prepare @obj and append it to @b: object key, display text (unless
 * @keys_only), index entries (lookup and inverse keys, address keys).
 * @param keys_only  for removing an old version's entries: no text, and
 *                   an unusable range only means no address entries
 * @return 0; ERR_SYNTAX (nothing added) for an unclassified object, one
 *         without a usable primary key or (unless @keys_only) an address
 *         object without a valid range.
 */
static int build_rec(store_batch_t *b, const store_t *st,
                     const rpsl_obj_t *obj, int keys_only, err_t *err)
{
    size_t start = b->data.len;
    struct brec *r;
    struct key_walk w;
    ip_range_t range;
    int has = 0;
    size_t tpos, epos;

    if (obj->cls < 0 || obj->cls >= SC__COUNT)
        return err_set(err, ERR_SYNTAX, "store: object is not classified");
    buf_putc(&b->data, st->code_of[obj->cls]);
    if (schema_pkey(obj, &b->data) != 0 || b->data.len - start < 2 ||
        memchr(b->data.s + start + 1, 0, b->data.len - start - 1) != NULL) {
        buf_truncate(&b->data, start);
        return err_set(err, ERR_SYNTAX, "store: %s object without a "
                       "primary key", schema_class_name(obj->cls));
    }
    for (size_t i = start + 1; i < b->data.len; i++)
        if (b->data.s[i] >= 'a' && b->data.s[i] <= 'z')
            b->data.s[i] = (char)(b->data.s[i] - 'a' + 'A');
    buf_putc(&b->data, 0);
    if (b->data.len - start > st->okey_max) {
        buf_truncate(&b->data, start);
        return err_set(err, ERR_SYNTAX, "store: primary key too long");
    }
    if (obj_range(obj, &has, &range, keys_only ? NULL : err) != 0) {
        if (!keys_only) {
            buf_truncate(&b->data, start);
            return ERR_SYNTAX;
        }
        has = 0;
    }
    tpos = b->data.len;
    if (!keys_only)
        rpsl_print(obj, &b->data, RPSL_PRINT_DISPLAY);
    epos = b->data.len;
    w.st = st;
    w.out = &b->data;
    schema_each_key(obj, ix_key_cb, &w);
    if (has) {
        uint8_t k[AKEY_MAX];
        uint8_t code = st->code_of[obj->cls];
        size_t n = ip_addr_len(range.af);
        size_t klen = start_key(k, code, range.af, n, range.lo, range.hi);
        ent_put(&b->data, st->maxkey, ENT_START, 0, k, klen, "", 0, 0);
        klen = bucket_key(k, code, range.af, n, range.lo, range.hi);
        ent_put(&b->data, st->maxkey, ENT_BUCKET, 0, k, klen, "", 0, 0);
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    r = &b->v[b->n++];
    r->off = start;
    r->oklen = (uint32_t)(tpos - start);
    r->tlen = (uint32_t)(epos - tpos);
    r->elen = (uint32_t)(b->data.len - epos);
    return 0;
}

int store_batch_add(store_batch_t *b, const store_t *st,
                    const rpsl_obj_t *obj, err_t *err)
{
    return build_rec(b, st, obj, 0, err);
}

/** Iterator over the entries of a prepared record. */
struct ent_it {
    const uint8_t *p, *end;
};

/** Start iterating the entries of record @r of @b. */
static void ent_first(struct ent_it *it, const store_batch_t *b,
                      const struct brec *r)
{
    it->p = (const uint8_t *)b->data.s + r->off + r->oklen + r->tlen;
    it->end = it->p + r->elen;
}

/**
 * The next entry.
 * @return 1 and sets @tag, @aux, @key, @klen; 0 at the end.
 */
static int ent_next(struct ent_it *it, int *tag, unsigned *aux,
                    const uint8_t **key, size_t *klen)
{
    if (it->p >= it->end)
        return 0;
    *tag = it->p[0];
    *aux = it->p[1];
    *klen = (size_t)it->p[2] | ((size_t)it->p[3] << 8);
    *key = it->p + 4;
    it->p += 4 + *klen;
    return 1;
}

/**
 * Put or delete every index entry of record @r of @b under its object key.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int rec_index(store_txn_t *t, const store_batch_t *b,
                     const struct brec *r, const MDB_val *okey, int del,
                     err_t *err)
{
    struct ent_it it;
    const uint8_t *key;
    size_t klen;
    unsigned aux;
    int tag, rc;

    ent_first(&it, b, r);
    while (ent_next(&it, &tag, &aux, &key, &klen)) {
        rc = ix_pair(t, ent_db[tag], key, klen, okey, del, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Writing objects
 */

/**
 * The text of an object from its objects value (a journal serial).
 * @return 0 and sets @text, @len (pointing into the map); ERR_STORE.
 */
static int obj_text(store_txn_t *t, const MDB_val *ov, const char **text,
                    size_t *len, err_t *err)
{
    store_journal_t je;
    int rc;

    if (ov->mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt object entry");
    rc = store_journal_get(t, get_be64(ov->mv_data), &je, err);
    if (rc == ERR_NOTFOUND)
        return err_set(err, ERR_STORE, "store: object refers to a missing "
                       "journal entry");
    if (rc)
        return rc;
    *text = je.text;
    *len = je.len;
    return 0;
}

/**
 * Remove the index entries of the current version of object @okey, whose
 * objects value is @ov; a copy of its text is left in t->old.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int unindex_current(store_txn_t *t, const MDB_val *ov,
                           const MDB_val *okey, err_t *err)
{
    rpsl_obj_t *o = NULL;
    const char *text;
    size_t len;
    int rc;

    rc = obj_text(t, ov, &text, &len, err);
    if (rc)
        return rc;
    buf_reset(&t->old);
    buf_put(&t->old, text, len);
    if (rpsl_parse(t->old.s, t->old.len, 1, 0, &o, NULL) != 0 || o == NULL ||
        schema_classify(o, NULL) != 0) {
        rpsl_obj_free(o);
        return err_set(err, ERR_STORE, "store: stored object does not parse");
    }
    if (t->scratch == NULL)
        t->scratch = store_batch_new();
    store_batch_clear(t->scratch);
    rc = build_rec(t->scratch, t->st, o, 1, err);
    rpsl_obj_free(o);
    if (rc)
        return err_set(err, ERR_STORE, "store: stored object has no key");
    return rec_index(t, t->scratch, &t->scratch->v[0], okey, 1, err);
}

/**
 * Append a journal entry and its history entry.
 * @param okey     object key (code, PKEY, NUL)
 * @param serial   receives the serial (may be NULL)
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int journal_add(store_txn_t *t, enum store_op op, time_t when,
                       const void *okey, size_t oklen, const char *text,
                       size_t len, uint64_t *serial, err_t *err)
{
    uint8_t sk[8], tb[8];
    MDB_val k, v;
    int rc;

    if (t->next_serial == 0) {
        MDB_cursor *c = NULL;
        rc = cur_acquire(t, DB_JOURNAL, &c, err);
        if (rc)
            return rc;
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
        cur_release(t, DB_JOURNAL, c);
        if (rc == MDB_NOTFOUND)
            t->next_serial = 1;
        else if (rc)
            return fail(t, err, rc, "read journal");
        else if (k.mv_size != 8)
            return err_set(err, ERR_STORE, "store: corrupt journal key");
        else
            t->next_serial = get_be64(k.mv_data) + 1;
    }
    put_be64(sk, t->next_serial);
    put_be64(tb, (uint64_t)(int64_t)when);
    /* written straight into the page (no copy of a large text) */
    k.mv_data = sk;
    k.mv_size = 8;
    v.mv_data = NULL;
    v.mv_size = 1 + 8 + oklen + len;
    rc = mdb_put(t->txn, t->st->dbi[DB_JOURNAL], &k, &v,
                 MDB_APPEND | MDB_RESERVE);
    if (rc)
        return fail(t, err, rc, "write journal");
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
    rc = mdb_put(t->txn, t->st->dbi[DB_HISTORY], &k, &v, 0);
    if (rc)
        return fail(t, err, rc, "write history");
    if (serial != NULL)
        *serial = t->next_serial;
    t->next_serial++;
    return 0;
}

/**
 * Write prepared record @r of @b: drop the old version's index entries,
 * journal and history entries, the objects entry, the new index entries.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int rec_put(store_txn_t *t, const store_batch_t *b,
                   const struct brec *r, time_t when, uint64_t *serial,
                   err_t *err)
{
    const char *base = b->data.s + r->off;
    uint64_t ser = 0;
    uint8_t sv[8];
    MDB_val k, v;
    int rc;

    k.mv_data = (void *)base;
    k.mv_size = r->oklen;
    rc = mdb_get(t->txn, t->st->dbi[DB_OBJECTS], &k, &v);
    if (rc == 0) {
        /* A new version: drop the old version's index entries. */
        rc = unindex_current(t, &v, &k, err);
        if (rc)
            return rc;
    } else if (rc != MDB_NOTFOUND) {
        return fail(t, err, rc, "get object");
    }
    rc = journal_add(t, STORE_OP_ADD, when, base, r->oklen, base + r->oklen,
                     r->tlen, &ser, err);
    if (rc)
        return rc;
    put_be64(sv, ser);
    v.mv_data = sv;
    v.mv_size = 8;
    rc = mdb_put(t->txn, t->st->dbi[DB_OBJECTS], &k, &v, 0);
    if (rc)
        return fail(t, err, rc, "write object");
    rc = rec_index(t, b, r, &k, 0, err);
    if (rc)
        return rc;
    if (serial != NULL)
        *serial = ser;
    return 0;
}

int store_obj_put(store_txn_t *txn, const rpsl_obj_t *obj, time_t when,
                  uint64_t *serial, err_t *err)
{
    store_txn_t *t = txn;
    int rc;

    if (t->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    /* Everything that can make the object unusable is checked before
     * the first write, so that a refused object leaves no trace. */
    if (t->scratch == NULL)
        t->scratch = store_batch_new();
    store_batch_clear(t->scratch);
    rc = build_rec(t->scratch, t->st, obj, 0, err);
    if (rc)
        return rc;
    /* rec_put() reuses t->scratch for the old version: keep a copy */
    {
        store_batch_t *mine = t->scratch;
        t->scratch = NULL;
        rc = rec_put(t, mine, &mine->v[0], when, serial, err);
        if (t->scratch == NULL)
            t->scratch = mine;
        else
            store_batch_free(mine);
    }
    return rc;
}

int store_obj_del(store_txn_t *txn, int cls, const char *pkey, time_t when,
                  uint64_t *serial, err_t *err)
{
    store_txn_t *t = txn;
    MDB_val k, v;
    int rc;

    if (t->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    rc = make_okey(t->st, cls, pkey, strlen(pkey), &t->okey);
    if (rc == ERR_USAGE)
        return err_set(err, ERR_USAGE, "store: invalid class %d", cls);
    if (rc)
        return err_set(err, ERR_NOTFOUND, "no such object");
    k.mv_data = t->okey.s;
    k.mv_size = t->okey.len;
    rc = mdb_get(t->txn, t->st->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no such object");
    if (rc)
        return fail(t, err, rc, "get object");
    rc = unindex_current(t, &v, &k, err);
    if (rc)
        return rc;
    rc = mdb_del(t->txn, t->st->dbi[DB_OBJECTS], &k, NULL);
    if (rc)
        return fail(t, err, rc, "delete object");
    return journal_add(t, STORE_OP_DEL, when, t->okey.s, t->okey.len,
                       t->old.s, t->old.len, serial, err);
}

/* ---------------------------------------------------------------------
 * Secondary look-ups
 */

int store_inverse(store_txn_t *txn, int aid, const char *value,
                  store_hit_fn fn, void *arg, err_t *err)
{
    const char *name = schema_attr_name(aid);
    buf_t k;
    int rc;

    if (name == NULL)
        return err_set(err, ERR_USAGE, "store: invalid attribute %d", aid);
    buf_init(&k);
    buf_puts(&k, name);
    buf_putc(&k, 0);
    put_upper(&k, value, strlen(value));
    rc = emit_ix(txn, DB_INVERSE, k.s, k.len, 0, fn, arg, err);
    buf_free(&k);
    return rc;
}

/* ---------------------------------------------------------------------
 * Address look-ups
 */

/** An address query. */
struct aquery {
    store_txn_t *t;
    uint8_t code;           /**< class code */
    int af;                 /**< 4 or 6 */
    size_t n;               /**< address bytes */
    const ip_range_t *q;    /**< the query range */
    store_hit_fn fn;
    void *arg;
    err_t *err;
};

/** One collected hit: a range and an object key (in hits.keys). */
struct ahit {
    uint8_t lo[16];
    uint8_t hi[16];
    size_t off;             /**< object key offset in hits.keys */
    size_t len;             /**< object key length */
    const char *ok;         /**< object key, set by hits_fix() */
};

/** Collected hits, sorted before they are emitted. */
struct ahits {
    struct ahit *v;
    size_t n, cap;
    buf_t keys;
};

/**
 * Add a hit: object key @ok (@len bytes) with range [@lo, @hi] (@n
 * bytes each; n may be 0 for hits without range).
 */
static void hits_push(struct ahits *h, const void *ok, size_t len,
                      const uint8_t *lo, const uint8_t *hi, size_t n)
{
    struct ahit *e;

    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    e = &h->v[h->n++];
    memset(e, 0, sizeof *e);
    if (n > 0) {
        memcpy(e->lo, lo, n);
        memcpy(e->hi, hi, n);
    }
    e->off = h->keys.len;
    e->len = len;
    buf_put(&h->keys, ok, len);
}

/** Add every duplicate at cursor @c under range [@lo, @hi] to @h. */
static int hits_add_dups(struct aquery *aq, MDB_cursor *c, struct ahits *h,
                         const uint8_t *lo, const uint8_t *hi)
{
    MDB_val k, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_GET_CURRENT);

    while (rc == 0) {
        hits_push(h, v.mv_data, v.mv_size, lo, hi, aq->n);
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc != MDB_NOTFOUND)
        return fail(aq->t, aq->err, rc, "read address index");
    return 0;
}

/** Point each hit at its object key (after the last hits_add_dups). */
static void hits_fix(struct ahits *h)
{
    for (size_t i = 0; i < h->n; i++)
        h->v[i].ok = h->keys.s + h->v[i].off;
}

/** Compare two object keys as LMDB does (memcmp, then length). */
static int okey_cmp(const struct ahit *a, const struct ahit *b)
{
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->ok, b->ok, m);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/** qsort order: larger ranges first, then by start, then by key. */
static int cmp_size(const void *pa, const void *pb)
{
    const struct ahit *a = pa, *b = pb;
    uint8_t sa[16], sb[16];
    int c;

    addr_sub(sa, a->hi, a->lo);
    addr_sub(sb, b->hi, b->lo);
    c = memcmp(sb, sa, 16);
    if (c == 0)
        c = memcmp(a->lo, b->lo, 16);
    if (c == 0)
        c = okey_cmp(a, b);
    return c;
}

/** qsort order: by start, larger ranges first, then by key. */
static int cmp_start(const void *pa, const void *pb)
{
    const struct ahit *a = pa, *b = pb;
    int c = memcmp(a->lo, b->lo, 16);

    if (c == 0)
        c = memcmp(b->hi, a->hi, 16);
    if (c == 0)
        c = okey_cmp(a, b);
    return c;
}

/** 1 if hits @a and @b have the same range. */
static int same_range(const struct ahit *a, const struct ahit *b)
{
    return memcmp(a->lo, b->lo, 16) == 0 && memcmp(a->hi, b->hi, 16) == 0;
}

/** Free the collected hits. */
static void hits_free(struct ahits *h)
{
    free(h->v);
    buf_free(&h->keys);
}

/**
 * Decode an addr_start key of the query's class and family.
 * @return 1 and fills @lo/@hi (n bytes), or 0 if the key is another's.
 */
static int start_decode(const struct aquery *aq, const MDB_val *k,
                        uint8_t *lo, uint8_t *hi)
{
    const uint8_t *p = k->mv_data;

    if (k->mv_size != 2 + 2 * aq->n || p[0] != aq->code ||
        p[1] != (uint8_t)aq->af)
        return 0;
    memcpy(lo, p + 2, aq->n);
    addr_not(hi, p + 2 + aq->n, aq->n);
    return 1;
}

/**
 * Decode an addr_bucket key inside the bucket of prefix @pre (@plen bytes).
 * @return 1 and fills @lo/@hi, or 0 if the key is outside the bucket.
 */
static int bucket_decode(const struct aquery *aq, const MDB_val *k,
                         const uint8_t *pre, size_t plen, uint8_t *lo,
                         uint8_t *hi)
{
    const uint8_t *p = k->mv_data;

    if (k->mv_size != plen + 2 * aq->n || memcmp(p, pre, plen) != 0)
        return 0;
    memcpy(lo, p + plen, aq->n);
    addr_not(hi, p + plen + aq->n, aq->n);
    return 1;
}

/**
 * EXACT: every object with the query's range.
 * @param found  set to 1 if there was at least one (may be NULL)
 * @return 0, the non-zero value of the callback, ERR_STORE.
 */
static int addr_exact(struct aquery *aq, int *found)
{
    uint8_t key[AKEY_MAX];
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    k.mv_size = start_key(key, aq->code, aq->af, aq->n, aq->q->lo, aq->q->hi);
    k.mv_data = key;
    rc = cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        rc = 0;
    } else if (rc) {
        rc = fail(aq->t, aq->err, rc, "read address index");
    } else {
        if (found != NULL)
            *found = 1;
        rc = emit_dups(aq->t, c, 0, aq->fn, aq->arg, aq->err);
    }
    cur_release(aq->t, DB_ADDR_START, c);
    return rc;
}

/**
 * LESS_ALL / LESS_ONE: the ranges containing the query, from each bucket
 * on the path from the root prefix down to the query's own prefix.
 * @return 0, the non-zero value of the callback, ERR_STORE.
 */
static int addr_less(struct aquery *aq, int one)
{
    const ip_range_t *q = aq->q;
    unsigned qlen = addr_cpl(q->lo, q->hi, aq->n);
    struct ahits h;
    MDB_cursor *c = NULL;
    uint8_t key[AKEY_MAX], lo[16], hi[16];
    size_t first = 0;
    int rc;

    memset(&h, 0, sizeof h);
    buf_init(&h.keys);
    rc = cur_acquire(aq->t, DB_ADDR_BUCKET, &c, aq->err);
    if (rc)
        goto leave;
    for (unsigned len = 0; len <= qlen; len++) {
        size_t plen = bucket_prefix(key, aq->code, aq->af, aq->n, len, q->lo);
        MDB_val k, v;
        k.mv_data = key;
        k.mv_size = plen;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        while (rc == 0 && bucket_decode(aq, &k, key, plen, lo, hi)) {
            if (memcmp(lo, q->lo, aq->n) > 0)
                break;
            if (memcmp(hi, q->hi, aq->n) >= 0 &&
                !(one && memcmp(lo, q->lo, aq->n) == 0 &&
                  memcmp(hi, q->hi, aq->n) == 0)) {
                rc = hits_add_dups(aq, c, &h, lo, hi);
                if (rc)
                    goto leave;
            }
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
        }
        if (rc != 0 && rc != MDB_NOTFOUND) {
            rc = fail(aq->t, aq->err, rc, "read address index");
            goto leave;
        }
        rc = 0;
    }
    cur_release(aq->t, DB_ADDR_BUCKET, c);
    c = NULL;
    hits_fix(&h);
    if (h.n > 1)
        qsort(h.v, h.n, sizeof *h.v, cmp_size);
    if (one && h.n > 0) {
        /* The smallest containing range: the last group in this order. */
        first = h.n - 1;
        while (first > 0 && same_range(&h.v[first - 1], &h.v[h.n - 1]))
            first--;
    }
    for (size_t i = first; i < h.n; i++) {
        rc = emit_okey(aq->t, h.v[i].ok, h.v[i].len, 0, aq->fn, aq->arg,
                       aq->err);
        if (rc)
            break;
    }
leave:
    cur_release(aq->t, DB_ADDR_BUCKET, c);
    hits_free(&h);
    return rc;
}

/**
 * MORE_ALL: every range strictly inside the query, by start address then
 * largest first.
 * @return 0, the non-zero value of the callback, ERR_STORE.
 */
static int addr_more_all(struct aquery *aq)
{
    const ip_range_t *q = aq->q;
    uint8_t key[AKEY_MAX], lo[16], hi[16];
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        return rc;
    k.mv_size = start_key(key, aq->code, aq->af, aq->n, q->lo, q->hi);
    k.mv_data = key;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && start_decode(aq, &k, lo, hi)) {
        if (memcmp(lo, q->hi, aq->n) > 0)
            break;
        if (memcmp(hi, q->hi, aq->n) <= 0 &&
            !(memcmp(lo, q->lo, aq->n) == 0 && memcmp(hi, q->hi, aq->n) == 0)) {
            rc = emit_dups(aq->t, c, 0, aq->fn, aq->arg, aq->err);
            if (rc)
                goto leave;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = fail(aq->t, aq->err, rc, "read address index");
leave:
    cur_release(aq->t, DB_ADDR_START, c);
    return rc;
}

/**
 * Collect the ranges strictly inside the query that start at or after
 * @from and contain both @m and @m + 1 (they cross the end @m of the
 * ranges emitted so far), from the buckets that can hold them.
 * @return 0, ERR_STORE.
 */
static int crossing(struct aquery *aq, MDB_cursor *c, const uint8_t *m,
                    const uint8_t *from, struct ahits *h)
{
    const ip_range_t *q = aq->q;
    uint8_t m1[16], key[AKEY_MAX], lo[16], hi[16];
    unsigned lmin, lmax;
    int rc = 0;

    memcpy(m1, m, aq->n);
    addr_inc(m1, aq->n);
    lmin = addr_cpl(from, q->hi, aq->n);
    lmax = addr_cpl(m, m1, aq->n);
    for (unsigned len = lmin; len <= lmax; len++) {
        size_t plen = bucket_prefix(key, aq->code, aq->af, aq->n, len, m);
        MDB_val k, v;
        memcpy(key + plen, from, aq->n);
        memset(key + plen + aq->n, 0, aq->n);
        k.mv_data = key;
        k.mv_size = plen + 2 * aq->n;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        while (rc == 0 && bucket_decode(aq, &k, key, plen, lo, hi)) {
            if (memcmp(lo, m, aq->n) > 0)
                break;
            if (memcmp(hi, m, aq->n) > 0 && memcmp(hi, q->hi, aq->n) <= 0 &&
                !(memcmp(lo, q->lo, aq->n) == 0 &&
                  memcmp(hi, q->hi, aq->n) == 0)) {
                rc = hits_add_dups(aq, c, h, lo, hi);
                if (rc)
                    return rc;
            }
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return fail(aq->t, aq->err, rc, "read address index");
        rc = 0;
    }
    return rc;
}

/**
 * MORE_ONE: the maximal ranges strictly inside the query (those not
 * inside another range strictly inside it), by start address.
 *
 * A sweep in addr_start order keeps maxhi, the largest end emitted so
 * far; a range is maximal exactly when it ends after maxhi.  On the first
 * range that does not, everything starting up to maxhi is skipped with
 * one seek, after collecting (from the buckets) the ranges there that end
 * after maxhi.
 * @return 0, the non-zero value of the callback, ERR_STORE.
 */
static int addr_more_one(struct aquery *aq)
{
    const ip_range_t *q = aq->q;
    uint8_t key[AKEY_MAX], lo[16], hi[16], maxhi[16], next[16];
    MDB_cursor *c = NULL, *bc = NULL;
    struct ahits h;
    int have_max = 0, emitted;
    MDB_val k, v;
    int rc;

    memset(&h, 0, sizeof h);
    buf_init(&h.keys);
    rc = cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        goto leave;
    k.mv_size = start_key(key, aq->code, aq->af, aq->n, q->lo, q->hi);
    k.mv_data = key;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && start_decode(aq, &k, lo, hi)) {
        if (memcmp(lo, q->hi, aq->n) > 0)
            break;
        if (memcmp(hi, q->hi, aq->n) > 0 ||
            (memcmp(lo, q->lo, aq->n) == 0 && memcmp(hi, q->hi, aq->n) == 0)) {
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
            continue;
        }
        if (!have_max || memcmp(hi, maxhi, aq->n) > 0) {
            rc = emit_dups(aq->t, c, 0, aq->fn, aq->arg, aq->err);
            if (rc)
                goto leave;
            memcpy(maxhi, hi, aq->n);
            have_max = 1;
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP);
            continue;
        }
        /* Inside an emitted range: nothing ending at or before maxhi can
         * be maximal any more. */
        if (memcmp(maxhi, q->hi, aq->n) >= 0)
            break;
        if (bc == NULL) {
            rc = cur_acquire(aq->t, DB_ADDR_BUCKET, &bc, aq->err);
            if (rc)
                goto leave;
        }
        h.n = 0;
        buf_reset(&h.keys);
        rc = crossing(aq, bc, maxhi, lo, &h);
        if (rc)
            goto leave;
        hits_fix(&h);
        if (h.n > 1)
            qsort(h.v, h.n, sizeof *h.v, cmp_start);
        memcpy(next, maxhi, aq->n);
        emitted = 0;
        for (size_t i = 0; i < h.n; i++) {
            if (i > 0 && same_range(&h.v[i], &h.v[i - 1])) {
                /* Another object with the previous range: as it. */
                if (!emitted)
                    continue;
            } else if (memcmp(h.v[i].hi, maxhi, aq->n) > 0) {
                emitted = 1;
            } else {
                emitted = 0;
                continue;
            }
            rc = emit_okey(aq->t, h.v[i].ok, h.v[i].len, 0, aq->fn, aq->arg,
                           aq->err);
            if (rc)
                goto leave;
            memcpy(maxhi, h.v[i].hi, aq->n);
        }
        /* next > the old maxhi, which is below q->hi: no wrap. */
        addr_inc(next, aq->n);
        k.mv_size = start_key(key, aq->code, aq->af, aq->n, next, next);
        memset(key + 2 + aq->n, 0, aq->n);
        k.mv_data = key;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = fail(aq->t, aq->err, rc, "read address index");
leave:
    cur_release(aq->t, DB_ADDR_BUCKET, bc);
    cur_release(aq->t, DB_ADDR_START, c);
    hits_free(&h);
    return rc;
}

int store_addr(store_txn_t *txn, int cls, const ip_range_t *r,
               enum store_rel rel, store_hit_fn fn, void *arg, err_t *err)
{
    struct aquery aq;
    int found = 0;
    int rc;

    if (!is_addr_class(cls))
        return err_set(err, ERR_USAGE, "store: class %s has no address "
                       "index", schema_class_name(cls) ? schema_class_name(cls)
                       : "?");
    if (r == NULL || (r->af != 4 && r->af != 6) ||
        memcmp(r->lo, r->hi, ip_addr_len(r->af)) > 0)
        return err_set(err, ERR_USAGE, "store: invalid address range");
    aq.t = txn;
    aq.code = txn->st->code_of[cls];
    aq.af = r->af;
    aq.n = ip_addr_len(r->af);
    aq.q = r;
    aq.fn = fn;
    aq.arg = arg;
    aq.err = err;
    switch (rel) {
    case STORE_EXACT:
        return addr_exact(&aq, NULL);
    case STORE_LESS_ONE:
        return addr_less(&aq, 1);
    case STORE_LESS_ALL:
        return addr_less(&aq, 0);
    case STORE_MORE_ONE:
        return addr_more_one(&aq);
    case STORE_MORE_ALL:
        return addr_more_all(&aq);
    case STORE_BEST:
        rc = addr_exact(&aq, &found);
        if (rc || found)
            return rc;
        return addr_less(&aq, 1);
    }
    return err_set(err, ERR_USAGE, "store: invalid address relation %d",
                   (int)rel);
}

/* ---------------------------------------------------------------------
 * Walking and counting
 */

/**
 * Position @c on the first object of class @cls (-1: the first object).
 * @param code  receives the class code (0 for -1)
 * @return the mdb_cursor_get() status.
 */
static int each_first(store_txn_t *t, MDB_cursor *c, int cls, uint8_t *code,
                      MDB_val *k, MDB_val *v)
{
    if (cls < 0) {
        *code = 0;
        return mdb_cursor_get(c, k, v, MDB_FIRST);
    }
    *code = t->st->code_of[cls];
    k->mv_data = code;
    k->mv_size = 1;
    return mdb_cursor_get(c, k, v, MDB_SET_RANGE);
}

int store_each(store_txn_t *txn, int cls, store_hit_fn fn, void *arg,
               err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    uint8_t code;
    int rc;

    if (cls < -1 || cls >= SC__COUNT)
        return err_set(err, ERR_USAGE, "store: invalid class %d", cls);
    rc = cur_acquire(txn, DB_OBJECTS, &c, err);
    if (rc)
        return rc;
    rc = each_first(txn, c, cls, &code, &k, &v);
    while (rc == 0) {
        const uint8_t *p = k.mv_data;
        if (cls >= 0 && p[0] != code)
            break;
        if (k.mv_size < 2 || p[k.mv_size - 1] != 0 ||
            txn->st->cls_of[p[0]] < 0) {
            rc = err_set(err, ERR_STORE, "store: corrupt object key");
            goto leave;
        }
        {
            const char *text;
            size_t len;
            rc = obj_text(txn, &v, &text, &len, err);
            if (rc)
                goto leave;
            rc = fn(txn->st->cls_of[p[0]], (const char *)p + 1, text, len,
                    arg);
        }
        if (rc)
            goto leave;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = fail(txn, err, rc, "read objects");
leave:
    cur_release(txn, DB_OBJECTS, c);
    return rc;
}

size_t store_count(store_txn_t *txn, int cls)
{
    MDB_cursor *c = NULL;
    MDB_stat ms;
    MDB_val k, v;
    uint8_t code;
    size_t n = 0;
    int rc;

    if (cls < 0) {
        if (mdb_stat(txn->txn, txn->st->dbi[DB_OBJECTS], &ms) != 0)
            return 0;
        return ms.ms_entries;
    }
    if (cls >= SC__COUNT || cur_acquire(txn, DB_OBJECTS, &c, NULL) != 0)
        return 0;
    rc = each_first(txn, c, cls, &code, &k, &v);
    while (rc == 0 && ((const uint8_t *)k.mv_data)[0] == code) {
        n++;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    cur_release(txn, DB_OBJECTS, c);
    return n;
}

/* ---------------------------------------------------------------------
 * Journal and history
 */

int store_serial_range(store_txn_t *txn, uint64_t *first, uint64_t *last,
                       err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    *first = *last = 0;
    rc = cur_acquire(txn, DB_JOURNAL, &c, err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    if (rc == 0 && k.mv_size == 8) {
        *first = get_be64(k.mv_data);
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
        if (rc == 0 && k.mv_size == 8)
            *last = get_be64(k.mv_data);
    }
    cur_release(txn, DB_JOURNAL, c);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return fail(txn, err, rc, "read journal");
    if (k.mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt journal key");
    return 0;
}

int store_journal_get(store_txn_t *txn, uint64_t serial, store_journal_t *je,
                      err_t *err)
{
    uint8_t sk[8];
    const uint8_t *p, *nul;
    MDB_val k, v;
    int cls, rc;

    put_be64(sk, serial);
    k.mv_data = sk;
    k.mv_size = 8;
    rc = mdb_get(txn->txn, txn->st->dbi[DB_JOURNAL], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no journal entry %llu",
                       (unsigned long long)serial);
    if (rc)
        return fail(txn, err, rc, "read journal");
    p = v.mv_data;
    if (v.mv_size < 11 || (p[0] != STORE_OP_ADD && p[0] != STORE_OP_DEL))
        goto corrupt;
    cls = txn->st->cls_of[p[9]];
    nul = memchr(p + 10, 0, v.mv_size - 10);
    if (cls < 0 || nul == NULL)
        goto corrupt;
    je->serial = serial;
    je->op = (enum store_op)p[0];
    je->when = (time_t)(int64_t)get_be64(p + 1);
    je->cls = cls;
    je->pkey = (const char *)p + 10;
    je->text = (const char *)nul + 1;
    je->len = v.mv_size - (size_t)(nul + 1 - p);
    return 0;
corrupt:
    return err_set(err, ERR_STORE, "store: corrupt journal entry %llu",
                   (unsigned long long)serial);
}

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
    rc = make_okey(txn->st, cls, pkey, strlen(pkey), &ok);
    if (rc == ERR_USAGE) {
        rc = err_set(err, ERR_USAGE, "store: invalid class %d", cls);
        goto leave;
    }
    if (rc) {
        rc = err_set(err, ERR_NOTFOUND, "no history");
        goto leave;
    }
    rc = cur_acquire(txn, DB_HISTORY, &c, err);
    if (rc)
        goto leave;
    k.mv_data = ok.s;
    k.mv_size = ok.len;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        rc = err_set(err, ERR_NOTFOUND, "no history");
        goto leave;
    }
    while (rc == 0) {
        if (v.mv_size != 8) {
            rc = err_set(err, ERR_STORE, "store: corrupt history entry");
            goto leave;
        }
        rc = store_journal_get(txn, get_be64(v.mv_data), &je, err);
        if (rc)
            goto leave;
        rc = fn(&je, arg);
        if (rc)
            goto leave;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else
        rc = fail(txn, err, rc, "read history");
leave:
    cur_release(txn, DB_HISTORY, c);
    buf_free(&ok);
    return rc;
}

/* ---------------------------------------------------------------------
 * Meta values
 */

int store_meta_get(store_txn_t *txn, const char *name, buf_t *out, err_t *err)
{
    MDB_val k, v;
    int rc;

    if (name == NULL || *name == 0 || strlen(name) > txn->st->maxkey)
        return err_set(err, ERR_USAGE, "store: invalid meta name");
    k.mv_data = (void *)name;
    k.mv_size = strlen(name);
    rc = mdb_get(txn->txn, txn->st->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no meta value %s", name);
    if (rc)
        return fail(txn, err, rc, "read meta");
    buf_put(out, v.mv_data, v.mv_size);
    return 0;
}

int store_meta_put(store_txn_t *txn, const char *name, const void *val,
                   size_t len, err_t *err)
{
    MDB_val k, v;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    if (name == NULL || *name == 0 || strlen(name) > txn->st->maxkey)
        return err_set(err, ERR_USAGE, "store: invalid meta name");
    k.mv_data = (void *)name;
    k.mv_size = strlen(name);
    v.mv_data = (void *)val;
    v.mv_size = len;
    rc = mdb_put(txn->txn, txn->st->dbi[DB_META], &k, &v, 0);
    if (rc)
        return fail(txn, err, rc, "write meta");
    return 0;
}

/* ---------------------------------------------------------------------
 * Plain look-ups
 */

/** qsort order of hits by object key. */
static int cmp_okey(const void *pa, const void *pb)
{
    return okey_cmp(pa, pb);
}

/**
 * Plain look-up: the objects whose primary key is @value (one probe of
 * objects per class) and those with a lookup attribute equal to it (the
 * lookup index), merged in object key order without duplicates.
 */
int store_lookup(store_txn_t *txn, const char *value, unsigned long cls_mask,
                 store_hit_fn fn, void *arg, err_t *err)
{
    size_t len = strlen(value);
    MDB_cursor *c = NULL;
    struct ahits h;
    buf_t k, pre;
    MDB_val kv, v;
    int rc = 0;

    memset(&h, 0, sizeof h);
    buf_init(&h.keys);
    buf_init(&k);
    buf_init(&pre);
    for (int cls = 0; cls < SC__COUNT; cls++) {
        if (cls_mask != 0 && !(cls_mask & (1UL << cls)))
            continue;
        if (make_okey(txn->st, cls, value, len, &k) != 0)
            break;
        kv.mv_data = k.s;
        kv.mv_size = k.len;
        rc = mdb_get(txn->txn, txn->st->dbi[DB_OBJECTS], &kv, &v);
        if (rc == 0)
            hits_push(&h, k.s, k.len, NULL, NULL, 0);
        else if (rc != MDB_NOTFOUND)
            goto lmdb_fail;
        rc = 0;
    }
    buf_reset(&k);
    put_upper(&k, value, len);
    if (ix_prefix(txn->st, k.s, k.len, &pre) == 0) {
        rc = cur_acquire(txn, DB_LOOKUP, &c, err);
        if (rc)
            goto leave;
        rc = ix_step(c, &pre, MDB_SET_RANGE, &v);
        while (rc == 0) {
            const uint8_t *p = v.mv_data;
            int cls = v.mv_size > 0 ? txn->st->cls_of[p[0]] : -1;
            if (cls >= 0 && (cls_mask == 0 || (cls_mask & (1UL << cls))))
                hits_push(&h, v.mv_data, v.mv_size, NULL, NULL, 0);
            rc = ix_step(c, &pre, MDB_NEXT, &v);
        }
        if (rc != MDB_NOTFOUND)
            goto lmdb_fail;
        rc = 0;
    }
    hits_fix(&h);
    if (h.n > 1)
        qsort(h.v, h.n, sizeof *h.v, cmp_okey);
    for (size_t i = 0; i < h.n; i++) {
        if (i > 0 && okey_cmp(&h.v[i], &h.v[i - 1]) == 0)
            continue;
        rc = emit_okey(txn, h.v[i].ok, h.v[i].len, 0, fn, arg, err);
        if (rc)
            goto leave;
    }
    goto leave;

lmdb_fail:
    rc = fail(txn, err, rc, "read lookup index");
leave:
    cur_release(txn, DB_LOOKUP, c);
    buf_free(&k);
    buf_free(&pre);
    hits_free(&h);
    return rc;
}

/* ---------------------------------------------------------------------
 * Mail queue
 */

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
    rc = mdb_get(txn->txn, txn->st->dbi[DB_META], &k, &v);
    if (rc == 0 && v.mv_size == 8)
        next = get_be64(v.mv_data);
    else if (rc != 0 && rc != MDB_NOTFOUND)
        return fail(txn, err, rc, "read queue id");
    put_be64(ik, next + 1);
    v.mv_data = ik;
    v.mv_size = 8;
    rc = mdb_put(txn->txn, txn->st->dbi[DB_META], &k, &v, 0);
    if (rc)
        return fail(txn, err, rc, "write queue id");

    /* room in the page: the caller writes the message in place */
    put_be64(ik, next);
    k.mv_data = ik;
    k.mv_size = 8;
    v.mv_data = NULL;
    v.mv_size = rlen + 1 + len;
    rc = mdb_put(txn->txn, txn->st->dbi[DB_QUEUE], &k, &v,
                 MDB_NOOVERWRITE | MDB_RESERVE);
    if (rc)
        return fail(txn, err, rc, "queue message");
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

    rc = cur_acquire(txn, DB_QUEUE, &c, err);
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
        rc = fail(txn, err, rc, "read queue");
leave:
    cur_release(txn, DB_QUEUE, c);
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
    rc = mdb_del(txn->txn, txn->st->dbi[DB_QUEUE], &k, NULL);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no queued message %llu",
                       (unsigned long long)id);
    if (rc)
        return fail(txn, err, rc, "delete queued message");
    return 0;
}

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
    rc = mdb_get(txn->txn, txn->st->dbi[DB_SEEN], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "mail not handled yet");
    if (rc)
        return fail(txn, err, rc, "read handled mails");
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
    rc = mdb_put(txn->txn, txn->st->dbi[DB_SEEN], &k, &v, 0);
    if (rc)
        return fail(txn, err, rc, "record handled mail");
    return 0;
}

/* ---------------------------------------------------------------------
 * Keys ever used
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
    rc = cur_acquire(txn, DB_HISTORY, &c, err);
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
        rc = fail(txn, err, rc, "read history");
leave:
    cur_release(txn, DB_HISTORY, c);
    buf_free(&pre);
    return rc;
}

/* ---------------------------------------------------------------------
 * Bulk loads
 */

/** Puts per write transaction when appending sorted keys. */
#define BULK_TXN_PUTS 500000
/** How many index entries ahead bulk_index_unit() prefetches. */
#define BULK_PREFETCH 8

/** One collected key for the sorted appends. */
struct bent {
    uint64_t pfx;       /**< the first key bytes, big-endian (see bent_pfx) */
    size_t off;         /**< key offset in the collection's bytes */
    uint32_t klen;      /**< key length */
    uint32_t obj;       /**< object ordinal (its serial - bulk.first) */
};

/** A growing array of collected keys and their bytes. */
struct bcol {
    struct bent *v;
    size_t n, cap;
    buf_t keys;
};

/** One distinct index key of a struct ixcol. */
struct ikey {
    size_t off;         /**< offset in ixcol.bytes */
    uint32_t len;       /**< length */
    uint32_t hash;      /**< low bits of its hash (ik_hash) */
};

/**
 * The index keys of one database collected by a fresh bulk load: each
 * distinct key once (inverse and lookup keys are interned through an
 * open-addressing hash table; address keys, nearly all distinct, are
 * not), and per entry a 64-bit word key id << 32 | object ordinal.
 * Before the append the keys are sorted (equal ones get the same rank),
 * the words rewritten as key rank << 32 | object rank and sorted as
 * integers (radix sort).
 */
struct ixcol {
    buf_t bytes;            /**< distinct key bytes */
    struct ikey *keys;      /**< by id */
    uint32_t nkeys, capkeys;
    uint64_t *slots;        /**< hash table: hash << 32 | (id + 1), 0 =
                                 empty */
    size_t mask;            /**< table size - 1 (a power of two) */
    uint64_t *ent;          /**< entries */
    size_t n, cap;
    uint32_t *order;        /**< after sorting: key ids by rank */
};

struct store_bulk {
    store_t *st;
    time_t when;
    int fresh;              /**< the store was empty: collect, then append */
    size_t count;           /**< objects written */
    uint64_t first;         /**< serial of object ordinal 0 (fresh) */
    struct bcol okeys;      /**< object keys by ordinal (fresh) */
    buf_t okr;              /**< object keys by rank, packed (finish) */
    size_t *okr_off;        /**< rank -> offset in okr (finish); n + 1 */
    struct ixcol ix[ENT__COUNT]; /**< index keys (fresh) */
    uint8_t *dead;          /**< per rank: replaced by a later version */
};

/** Big-endian value of the first (up to) @want bytes of @p, zero padded. */
static uint64_t bent_pfx(const uint8_t *p, size_t n, size_t want)
{
    uint64_t v = 0;

    for (size_t i = 0; i < want; i++)
        v = (v << 8) | (i < n ? p[i] : 0);
    return v;
}

/** Append a key (and its sort prefix) to @c. */
static void bcol_push(struct bcol *c, const uint8_t *key, size_t klen,
                      uint64_t pfx, uint32_t obj)
{
    struct bent *e;

    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 65536;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    e = &c->v[c->n++];
    e->pfx = pfx;
    e->off = c->keys.len;
    e->klen = (uint32_t)klen;
    e->obj = obj;
    buf_put(&c->keys, key, klen);
}

/** Free the memory of @c. */
static void bcol_free(struct bcol *c)
{
    free(c->v);
    buf_free(&c->keys);
    memset(c, 0, sizeof *c);
    buf_init(&c->keys);
}

/** A hash of @n bytes at @p (for interning; not for the disk). */
static uint64_t ik_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h;
}

/** Double the hash table of @c (or make the first one). */
static void ix_grow(struct ixcol *c)
{
    size_t size = c->mask ? 2 * (c->mask + 1) : 65536;

    free(c->slots);
    c->slots = xcalloc(size, sizeof *c->slots);
    c->mask = size - 1;
    for (uint32_t id = 0; id < c->nkeys; id++) {
        size_t i = c->keys[id].hash & c->mask;
        while (c->slots[i] != 0)
            i = (i + 1) & c->mask;
        c->slots[i] = (uint64_t)c->keys[id].hash << 32 | (id + 1);
    }
}

/**
 * Add entry (@key, object ordinal @obj) to @c.
 * @param intern  look the key up among those seen (for keys that repeat:
 *                inverse and lookup); else it is taken as a new one
 *                (address keys are nearly all distinct)
 * @param h       (interned keys) (uint32_t)ik_hash(key, klen)
 */
static void ix_add(struct ixcol *c, const uint8_t *key, size_t klen,
                   uint32_t obj, int intern, uint32_t h)
{
    uint32_t id = UINT32_MAX;
    size_t i = 0;

    if (intern) {
        if (2 * ((size_t)c->nkeys + 1) > c->mask)
            ix_grow(c);
        for (i = h & c->mask; c->slots[i] != 0; i = (i + 1) & c->mask) {
            const struct ikey *k;
            if ((uint32_t)(c->slots[i] >> 32) != h)
                continue;
            k = &c->keys[(uint32_t)c->slots[i] - 1];
            if (k->len == klen &&
                memcmp(c->bytes.s + k->off, key, klen) == 0) {
                id = (uint32_t)c->slots[i] - 1;
                break;
            }
        }
    }
    if (id == UINT32_MAX) {
        if (c->nkeys == c->capkeys) {
            c->capkeys = c->capkeys ? 2 * c->capkeys : 65536;
            c->keys = xrealloc(c->keys, c->capkeys * sizeof *c->keys);
        }
        id = c->nkeys++;
        c->keys[id].off = c->bytes.len;
        c->keys[id].len = (uint32_t)klen;
        c->keys[id].hash = h;
        buf_put(&c->bytes, key, klen);
        if (intern)
            c->slots[i] = (uint64_t)h << 32 | (id + 1);
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 65536;
        c->ent = xrealloc(c->ent, c->cap * sizeof *c->ent);
    }
    c->ent[c->n++] = (uint64_t)id << 32 | obj;
}

/** Free the memory of @c. */
static void ix_free(struct ixcol *c)
{
    buf_free(&c->bytes);
    free(c->keys);
    free(c->slots);
    free(c->ent);
    free(c->order);
    memset(c, 0, sizeof *c);
    buf_init(&c->bytes);
}

/** Compare byte strings as LMDB's default comparison does. */
static int memn_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/** qsort_r order: key (prefix first), then obj.  @arg is the bcol. */
static int bent_cmp(const void *pa, const void *pb, void *arg)
{
    const struct bent *a = pa, *b = pb;
    const struct bcol *c = arg;
    int r;

    if (a->pfx != b->pfx)
        return a->pfx < b->pfx ? -1 : 1;
    r = memn_cmp(c->keys.s + a->off, a->klen, c->keys.s + b->off, b->klen);
    if (r)
        return r;
    return (a->obj > b->obj) - (a->obj < b->obj);
}

/** Store unit of store_bulk_begin(): is the store empty? Mark it. */
static int bulk_begin_unit(store_txn_t *t, void *arg, err_t *err)
{
    static const int data_dbs[] = {
        DB_OBJECTS, DB_INVERSE, DB_LOOKUP, DB_ADDR_START, DB_ADDR_BUCKET,
        DB_JOURNAL, DB_HISTORY
    };
    store_bulk_t *bk = arg;
    MDB_stat ms;
    MDB_val k, v;
    int rc;

    bk->fresh = 1;
    for (size_t i = 0; i < sizeof data_dbs / sizeof data_dbs[0]; i++) {
        rc = mdb_stat(t->txn, t->st->dbi[data_dbs[i]], &ms);
        if (rc)
            return fail(t, err, rc, "stat");
        if (ms.ms_entries > 0)
            bk->fresh = 0;
    }
    if (!bk->fresh)
        return 0;
    k.mv_data = (void *)STORE_META_BULK;
    k.mv_size = strlen(STORE_META_BULK);
    v.mv_data = (void *)"1";
    v.mv_size = 1;
    rc = mdb_put(t->txn, t->st->dbi[DB_META], &k, &v, 0);
    if (rc)
        return fail(t, err, rc, "mark bulk load");
    return 0;
}

int store_bulk_begin(store_t *st, time_t when, store_bulk_t **out,
                     err_t *err)
{
    store_bulk_t *bk;
    int rc;

    *out = NULL;
    bk = xcalloc(1, sizeof *bk);
    bk->st = st;
    bk->when = when;
    bk->first = 1;
    buf_init(&bk->okeys.keys);
    buf_init(&bk->okr);
    for (int i = 0; i < ENT__COUNT; i++)
        buf_init(&bk->ix[i].bytes);
    rc = store_write(st, bulk_begin_unit, bk, err);
    if (rc) {
        store_bulk_free(bk);
        return rc;
    }
    *out = bk;
    return 0;
}

void store_bulk_free(store_bulk_t *bk)
{
    if (bk == NULL)
        return;
    bcol_free(&bk->okeys);
    buf_free(&bk->okr);
    free(bk->okr_off);
    for (int i = 0; i < ENT__COUNT; i++)
        ix_free(&bk->ix[i]);
    free(bk->dead);
    free(bk);
}

size_t store_bulk_count(const store_bulk_t *bk)
{
    return bk->count;
}

/** Arguments of the bulk store units. */
struct bulk_unit {
    store_bulk_t *bk;
    const store_batch_t *b;
    const struct bcol *c;   /**< object keys in key order */
    const struct ixcol *ix; /**< sorted index entries to append */
    int db;                 /**< their database */
    size_t from, to;        /**< the range of c->v or ix->ent */
};

/** Store unit: write a batch into a store with data (as store_obj_put). */
static int bulk_put_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct bulk_unit *u = arg;

    for (size_t i = 0; i < u->b->n; i++) {
        int rc = rec_put(t, u->b, &u->b->v[i], u->bk->when, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
}

/** Store unit: append a batch's journal entries (fresh bulk load). */
static int bulk_journal_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct bulk_unit *u = arg;
    uint64_t serial = u->bk->first + u->bk->count;
    uint8_t sk[8], tb[8];
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = cur_acquire(t, DB_JOURNAL, &c, err);
    if (rc)
        return rc;
    put_be64(tb, (uint64_t)(int64_t)u->bk->when);
    for (size_t i = 0; i < u->b->n; i++) {
        const struct brec *r = &u->b->v[i];
        const char *base = u->b->data.s + r->off;
        put_be64(sk, serial++);
        k.mv_data = sk;
        k.mv_size = 8;
        v.mv_data = NULL;
        v.mv_size = 9 + (size_t)r->oklen + r->tlen;
        /* room in the page, filled in place (as journal_add writes it) */
        rc = mdb_cursor_put(c, &k, &v, MDB_APPEND | MDB_RESERVE);
        if (rc) {
            rc = fail(t, err, rc, "write journal");
            break;
        }
        ((uint8_t *)v.mv_data)[0] = STORE_OP_ADD;
        memcpy((uint8_t *)v.mv_data + 1, tb, 8);
        memcpy((uint8_t *)v.mv_data + 9, base, r->oklen + r->tlen);
    }
    cur_release(t, DB_JOURNAL, c);
    return rc;
}

/** Collect the object key and index keys of a journalled batch. */
static void bulk_collect(store_bulk_t *bk, const store_batch_t *b)
{
    /* Index keys go through a window: a key is hashed and its hash slot
     * fetched when it enters, and added when it leaves (BULK_PREFETCH
     * keys later), so that the slot reads, cache misses, overlap. */
    struct {
        const uint8_t *key;
        size_t klen;
        int tag;
        uint32_t h, obj;
    } w[BULK_PREFETCH];
    size_t nw = 0, head = 0;
    struct ent_it it = { NULL, NULL };
    const uint8_t *key;
    size_t klen;
    unsigned aux;
    int tag;

    for (size_t i = 0; i <= b->n; i++) {
        const struct brec *r = i < b->n ? &b->v[i] : NULL;
        uint32_t obj = (uint32_t)(bk->count + i);
        int more;

        if (r != NULL) {
            const uint8_t *ok = (const uint8_t *)b->data.s + r->off;
            bcol_push(&bk->okeys, ok, r->oklen, bent_pfx(ok, r->oklen, 8),
                      obj);
            ent_first(&it, b, r);
        }
        do {
            more = r != NULL && ent_next(&it, &tag, &aux, &key, &klen);
            if (nw == BULK_PREFETCH || (!more && r == NULL && nw > 0)) {
                /* the oldest leaves */
                ix_add(&bk->ix[w[head].tag], w[head].key, w[head].klen,
                       w[head].obj, w[head].tag == ENT_INVERSE ||
                       w[head].tag == ENT_LOOKUP, w[head].h);
                head = (head + 1) % BULK_PREFETCH;
                nw--;
            }
            if (more) {
                size_t j = (head + nw) % BULK_PREFETCH;
                const struct ixcol *c = &bk->ix[tag];
                w[j].key = key;
                w[j].klen = klen;
                w[j].tag = tag;
                w[j].obj = obj;
                w[j].h = 0;
                if (tag == ENT_INVERSE || tag == ENT_LOOKUP) {
                    w[j].h = (uint32_t)ik_hash(key, klen);
                    if (c->slots != NULL)
                        __builtin_prefetch(&c->slots[w[j].h & c->mask]);
                }
                nw++;
            }
        } while (more || (r == NULL && nw > 0));
    }
}

int store_bulk_put(store_bulk_t *bk, const store_batch_t *b, err_t *err)
{
    struct bulk_unit u;
    int rc;

    if (b->n == 0)
        return 0;
    memset(&u, 0, sizeof u);
    u.bk = bk;
    u.b = b;
    if (!bk->fresh) {
        rc = store_write(bk->st, bulk_put_unit, &u, err);
    } else if (bk->count + b->n > UINT32_MAX) {
        rc = err_set(err, ERR_STORE, "store: too many objects for one "
                     "bulk load");
    } else {
        rc = store_write(bk->st, bulk_journal_unit, &u, err);
        if (rc == 0)
            bulk_collect(bk, b);
    }
    if (rc == 0)
        bk->count += b->n;
    return rc;
}

/**
 * Store unit: append history and objects entries [from, to) of the
 * object keys in key order (u->c; obj is the ordinal).
 */
static int bulk_objects_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct bulk_unit *u = arg;
    const struct bcol *ok = u->c;
    MDB_cursor *ch = NULL, *co = NULL;
    uint8_t sk[8];
    MDB_val k, v;
    int rc;

    rc = cur_acquire(t, DB_HISTORY, &ch, err);
    if (rc == 0)
        rc = cur_acquire(t, DB_OBJECTS, &co, err);
    for (size_t i = u->from; rc == 0 && i < u->to; i++) {
        const struct bent *e = &ok->v[i];
        put_be64(sk, u->bk->first + e->obj);
        k.mv_data = u->bk->okr.s + u->bk->okr_off[i];
        k.mv_size = u->bk->okr_off[i + 1] - u->bk->okr_off[i];
        v.mv_data = sk;
        v.mv_size = 8;
        rc = mdb_cursor_put(ch, &k, &v, MDB_APPENDDUP);
        if (rc) {
            rc = fail(t, err, rc, "write history");
            break;
        }
        if (u->bk->dead[i])
            continue;
        rc = mdb_cursor_put(co, &k, &v, MDB_APPEND);
        if (rc)
            rc = fail(t, err, rc, "write object");
    }
    if (co != NULL)
        cur_release(t, DB_OBJECTS, co);
    if (ch != NULL)
        cur_release(t, DB_HISTORY, ch);
    return rc;
}

/**
 * Store unit: append index entries [from, to) of u->ix to u->db (each
 * key rank << 32 | object rank, see sort_tag).  Inverse and lookup
 * entries are key NUL okey -> empty (in the order of (key, okey), which
 * is theirs), the others DUPSORT pairs.
 */
static int bulk_index_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct bulk_unit *u = arg;
    const struct ixcol *c = u->ix;
    const store_bulk_t *bk = u->bk;
    int composite = u->db == DB_INVERSE || u->db == DB_LOOKUP;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc;

    rc = cur_acquire(t, u->db, &cur, err);
    for (size_t i = u->from; rc == 0 && i < u->to; i++) {
        const struct ikey *ik = &c->keys[c->order[c->ent[i] >> 32]];
        uint32_t rank = (uint32_t)c->ent[i];
        /* the keys and object keys are read out of order: fetch those of
         * the entries a little ahead early (cache misses overlap) */
        if (i + BULK_PREFETCH < u->to) {
            uint64_t e = c->ent[i + BULK_PREFETCH];
            const struct ikey *pk = &c->keys[c->order[e >> 32]];
            __builtin_prefetch(c->bytes.s + pk->off);
            __builtin_prefetch(bk->okr.s + bk->okr_off[(uint32_t)e]);
        }
        if (i + 2 * BULK_PREFETCH < u->to) {
            uint64_t e = c->ent[i + 2 * BULK_PREFETCH];
            __builtin_prefetch(&c->keys[c->order[e >> 32]]);
            __builtin_prefetch(&bk->okr_off[(uint32_t)e]);
        }
        const char *ok = bk->okr.s + bk->okr_off[rank];
        size_t oklen = bk->okr_off[rank + 1] - bk->okr_off[rank];
        if (composite) {
            ix_compose(&t->key, t->st, c->bytes.s + ik->off, ik->len, ok,
                       oklen);
            k.mv_data = t->key.s;
            k.mv_size = t->key.len;
            v.mv_data = (void *)"";
            v.mv_size = 0;
            rc = mdb_cursor_put(cur, &k, &v, MDB_APPEND);
        } else {
            k.mv_data = c->bytes.s + ik->off;
            k.mv_size = ik->len;
            v.mv_data = (void *)ok;
            v.mv_size = oklen;
            rc = mdb_cursor_put(cur, &k, &v, MDB_APPENDDUP);
        }
        if (rc)
            rc = fail(t, err, rc, "write index entry");
    }
    if (cur != NULL)
        cur_release(t, u->db, cur);
    return rc;
}

/** Run @fn over [0, @n) in transactions of BULK_TXN_PUTS. */
static int bulk_chunks(store_bulk_t *bk, store_unit_fn fn,
                       struct bulk_unit *u, size_t n, err_t *err)
{
    for (size_t from = 0; from < n; from += BULK_TXN_PUTS) {
        int rc;
        u->from = from;
        u->to = n - from > BULK_TXN_PUTS ? from + BULK_TXN_PUTS : n;
        rc = store_write(bk->st, fn, u, err);
        if (rc)
            return rc;
    }
    return 0;
}

/** Store unit: clear the bulk load mark. */
static int bulk_unmark_unit(store_txn_t *t, void *arg, err_t *err)
{
    MDB_val k;
    int rc;

    (void)arg;
    k.mv_data = (void *)STORE_META_BULK;
    k.mv_size = strlen(STORE_META_BULK);
    rc = mdb_del(t->txn, t->st->dbi[DB_META], &k, NULL);
    if (rc && rc != MDB_NOTFOUND)
        return fail(t, err, rc, "unmark bulk load");
    return 0;
}

/**
 * The index key sorter of bulk_finish(): runs on its own thread (it
 * touches no LMDB state) so that sorting one database overlaps with
 * appending the previous one.
 */
struct sorter {
    store_bulk_t *bk;
    const uint32_t *rank;       /**< object ordinal -> rank in key order */
    const uint8_t *dead;        /**< by rank */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done[ENT__COUNT];
};

/** A distinct key to sort: its first bytes (big-endian) and its id. */
struct kpfx {
    uint64_t pfx;
    uint32_t id;
};

/** qsort_r order of distinct keys: bytes as LMDB compares them. */
static int kpfx_cmp(const void *pa, const void *pb, void *arg)
{
    const struct kpfx *a = pa, *b = pb;
    const struct ixcol *c = arg;
    const struct ikey *ka = &c->keys[a->id], *kb = &c->keys[b->id];

    if (a->pfx != b->pfx)
        return a->pfx < b->pfx ? -1 : 1;
    return memn_cmp(c->bytes.s + ka->off, ka->len, c->bytes.s + kb->off,
                    kb->len);
}

/** Sort @n 64-bit words of @v in place (LSD radix sort, 16-bit digits;
 * @tmp has room for @n words). */
static void radix_sort64(uint64_t *v, uint64_t *tmp, size_t n)
{
    size_t *count = xmalloc(65536 * sizeof *count);

    for (unsigned shift = 0; shift < 64; shift += 16) {
        size_t sum = 0;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(v[i] >> shift) & 0xffff]++;
        if (n == 0 || count[(v[0] >> shift) & 0xffff] == n)
            continue;       /* one digit value: this pass changes nothing */
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i] >> shift) & 0xffff]++] = v[i];
        memcpy(v, tmp, n * sizeof *v);
    }
    free(count);
}

/**
 * Sort @n elements of @size bytes at @v by the uint64_t each starts with
 * (a stable LSD radix sort, 16-bit digits), then each run of elements
 * with the same number by @cmp (qsort_r with @arg): a sort by @cmp when
 * the number is a prefix of what @cmp compares (struct bent, struct
 * kpfx), with most comparisons integer ones and no random reads.
 */
static void prefix_sort(void *v, size_t n, size_t size,
                        int (*cmp)(const void *, const void *, void *),
                        void *arg)
{
    unsigned char *a = v, *b, *t;
    size_t *count;
    uint64_t k, k2;

    if (n < 2)
        return;
    count = xmalloc(65536 * sizeof *count);
    b = xmalloc(n * size);
    t = b;
    for (unsigned shift = 0; shift < 64; shift += 16) {
        size_t sum = 0;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) {
            memcpy(&k, a + i * size, 8);
            count[(k >> shift) & 0xffff]++;
        }
        memcpy(&k, a, 8);
        if (count[(k >> shift) & 0xffff] == n)
            continue;       /* one digit value: this pass changes nothing */
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            memcpy(&k, a + i * size, 8);
            memcpy(b + count[(k >> shift) & 0xffff]++ * size, a + i * size,
                   size);
        }
        t = a;
        a = b;
        b = t;
    }
    if (a != v) {
        memcpy(v, a, n * size);
        b = a;
    }
    free(b);
    free(count);
    a = v;
    for (size_t i = 0, j; i < n; i = j) {
        memcpy(&k, a + i * size, 8);
        for (j = i + 1; j < n; j++) {
            memcpy(&k2, a + j * size, 8);
            if (k2 != k)
                break;
        }
        if (j - i > 1)
            qsort_r(a + i * size, j - i, size, cmp, arg);
    }
}

/**
 * Sort the index entries of tag @tag by key, then object key: the
 * distinct keys are sorted by their bytes (c->order: ids by rank), each
 * entry becomes key rank << 32 | object rank and the entries are sorted
 * as integers; those of replaced versions and repeated ones are dropped.
 */
static void sort_tag(store_bulk_t *bk, int tag, const uint32_t *rank,
                     const uint8_t *dead)
{
    struct ixcol *c = &bk->ix[tag];
    struct kpfx *kp = xmalloc((c->nkeys ? c->nkeys : 1) * sizeof *kp);
    uint32_t *krank = xmalloc((c->nkeys ? c->nkeys : 1) * sizeof *krank);
    uint64_t *tmp;
    size_t n = 0;

    free(c->slots);         /* no more interning */
    c->slots = NULL;
    for (uint32_t id = 0; id < c->nkeys; id++) {
        kp[id].pfx = bent_pfx((const uint8_t *)c->bytes.s + c->keys[id].off,
                              c->keys[id].len, 8);
        kp[id].id = id;
    }
    prefix_sort(kp, c->nkeys, sizeof *kp, kpfx_cmp, c);
    /* keys not interned (address keys) may be equal: they share the
     * rank of the first of them */
    c->order = xmalloc((c->nkeys ? c->nkeys : 1) * sizeof *c->order);
    for (uint32_t r = 0; r < c->nkeys; r++) {
        c->order[r] = kp[r].id;
        if (r > 0 && kpfx_cmp(&kp[r - 1], &kp[r], c) == 0)
            krank[kp[r].id] = krank[kp[r - 1].id];
        else
            krank[kp[r].id] = r;
    }
    free(kp);
    for (size_t i = 0; i < c->n; i++) {
        uint32_t orank = rank[(uint32_t)c->ent[i]];
        if (dead[orank])
            continue;
        c->ent[n++] = (uint64_t)krank[c->ent[i] >> 32] << 32 | orank;
    }
    free(krank);
    tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    radix_sort64(c->ent, tmp, n);
    free(tmp);
    c->n = 0;
    for (size_t i = 0; i < n; i++)
        if (c->n == 0 || c->ent[c->n - 1] != c->ent[i])
            c->ent[c->n++] = c->ent[i];
}

/** The sorter thread: every tag in order, signalling each. */
static void *sorter_main(void *arg)
{
    struct sorter *so = arg;

    for (int tag = 0; tag < ENT__COUNT; tag++) {
        sort_tag(so->bk, tag, so->rank, so->dead);
        pthread_mutex_lock(&so->mu);
        so->done[tag] = 1;
        pthread_cond_broadcast(&so->cv);
        pthread_mutex_unlock(&so->mu);
    }
    return NULL;
}


/** Append objects, history and the indexes of a fresh bulk load. */
static int bulk_finish(store_bulk_t *bk, err_t *err)
{
    struct bulk_unit u;
    struct sorter so;
    uint32_t *rank;
    size_t n = bk->okeys.n;
    pthread_t th;
    int threaded, rc;

    /* object keys in key order, versions in serial order; the ordinal of
     * okeys.v[i] is i until they are sorted */
    prefix_sort(bk->okeys.v, n, sizeof *bk->okeys.v, bent_cmp, &bk->okeys);
    /* ranks, and the keys packed in rank order (read in that order by
     * every append below) */
    rank = xmalloc((n ? n : 1) * sizeof *rank);
    bk->okr_off = xmalloc((n + 1) * sizeof *bk->okr_off);
    buf_reserve(&bk->okr, bk->okeys.keys.len);
    for (size_t i = 0; i < n; i++) {
        const struct bent *e = &bk->okeys.v[i];
        rank[e->obj] = (uint32_t)i;
        bk->okr_off[i] = bk->okr.len;
        buf_put(&bk->okr, bk->okeys.keys.s + e->off, e->klen);
    }
    bk->okr_off[n] = bk->okr.len;
    buf_free(&bk->okeys.keys);
    bk->dead = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i + 1 < n; i++)
        if (memn_cmp(bk->okr.s + bk->okr_off[i],
                     bk->okr_off[i + 1] - bk->okr_off[i],
                     bk->okr.s + bk->okr_off[i + 1],
                     bk->okr_off[i + 2] - bk->okr_off[i + 1]) == 0)
            bk->dead[i] = 1;
    memset(&so, 0, sizeof so);
    so.bk = bk;
    so.rank = rank;
    so.dead = bk->dead;
    pthread_mutex_init(&so.mu, NULL);
    pthread_cond_init(&so.cv, NULL);
    threaded = pthread_create(&th, NULL, sorter_main, &so) == 0;
    if (!threaded)
        sorter_main(&so);

    memset(&u, 0, sizeof u);
    u.bk = bk;
    u.c = &bk->okeys;
    rc = bulk_chunks(bk, bulk_objects_unit, &u, n, err);
    for (int tag = 0; tag < ENT__COUNT; tag++) {
        pthread_mutex_lock(&so.mu);
        while (!so.done[tag])
            pthread_cond_wait(&so.cv, &so.mu);
        pthread_mutex_unlock(&so.mu);
        if (rc == 0) {
            u.ix = &bk->ix[tag];
            u.db = ent_db[tag];
            rc = bulk_chunks(bk, bulk_index_unit, &u, bk->ix[tag].n, err);
        }
        ix_free(&bk->ix[tag]);
    }
    if (threaded)
        pthread_join(th, NULL);
    pthread_mutex_destroy(&so.mu);
    pthread_cond_destroy(&so.cv);
    free(rank);
    if (rc == 0)
        rc = store_write(bk->st, bulk_unmark_unit, NULL, err);
    return rc;
}

int store_bulk_end(store_bulk_t *bk, err_t *err)
{
    int rc = 0;

    if (bk->fresh)
        rc = bulk_finish(bk, err);
    store_bulk_free(bk);
    return rc;
}

/* ---------------------------------------------------------------------
 * Signatures seen (issue 4: replay detection).  Kept in the handled-mails
 * database under "sig:" + digest, a key space that mail identities
 * ("mid:", "fnv:") never use.
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
