/*
 * bulk.c - bulk loads (store_bulk_*, store/bulk.h) of batches of prepared
 * objects (batch.c).
 *
 * Into an empty store the journal is appended (MDB_APPEND) as batches
 * come; object keys and index keys are kept in memory (about 200 bytes
 * per object; inverse and lookup keys, which repeat, are interned: each
 * distinct key once, and 8 bytes per entry) and at the end sorted per
 * database (distinct keys by their bytes, then the entries as integers,
 * key rank and object rank) and appended in order with MDB_APPEND /
 * MDB_APPENDDUP, a few hundred thousand entries per transaction,
 * prefetching the keys of the entries a little ahead.  Appending fills
 * pages completely and never searches the tree, which is several times
 * faster than random puts.  A second thread sorts the next database
 * while one is appended.  Into a store with data, batches are applied
 * like store_obj_put() (store_obj_rec_put, obj.c).
 *
 * The result on disk is the same as store_obj_put() of every object in
 * order (store/internal.h has the format).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store/bulk.h"
#include "store/internal.h"

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
    char *source;           /**< the mirrored source, NULL: the own */
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

/** Select the source of the load in a unit's transaction @t. */
static int bulk_source(store_txn_t *t, const store_bulk_t *bk, err_t *err)
{
    return bk->source == NULL ? 0
                              : store_source_select(t, bk->source, 1, err);
}

/** Store unit of store_bulk_begin(): is the source empty? Mark it. */
static int bulk_begin_unit(store_txn_t *t, void *arg, err_t *err)
{
    store_bulk_t *bk = arg;
    MDB_stat ms;
    int rc;

    rc = bulk_source(t, bk, err);
    if (rc)
        return rc;
    bk->fresh = 1;
    /* the data databases: objects up to history, and a mirrored
     * source's base */
    for (int db = 0; db < SRC_DB_COUNT; db++) {
        if (db == DB_BASE && bk->source == NULL)
            continue;
        rc = mdb_stat(t->txn, t->dbi[db], &ms);
        if (rc)
            return store_env_fail(t, err, rc, "stat");
        if (ms.ms_entries > 0)
            bk->fresh = 0;
    }
    if (!bk->fresh)
        return 0;
    /* a mirrored source's dump goes to its base (store/internal.h) */
    bk->first = bk->source != NULL ? STORE_BASE_BIT + 1 : 1;
    return store_source_mark(t, 1, err);
}

int store_bulk_begin(store_t *st, time_t when, store_bulk_t **out,
                     err_t *err)
{
    return store_bulk_begin_source(st, NULL, when, out, err);
}

int store_bulk_begin_source(store_t *st, const char *source, time_t when,
                            store_bulk_t **out, err_t *err)
{
    store_bulk_t *bk;
    int rc;

    *out = NULL;
    bk = xcalloc(1, sizeof *bk);
    bk->st = st;
    bk->source = source != NULL && *source ? xstrdup(source) : NULL;
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
    free(bk->source);
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
    int rc = bulk_source(t, u->bk, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < u->b->n; i++) {
        rc = store_obj_rec_put(t, u->b, &u->b->v[i], u->bk->when, NULL,
                               err);
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
    /* a mirrored source's dumped objects go to its base */
    int db = u->bk->source != NULL ? DB_BASE : DB_JOURNAL;
    uint8_t sk[8], tb[8];
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = bulk_source(t, u->bk, err);
    if (rc)
        return rc;
    rc = store_env_cur_acquire(t, db, &c, err);
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
            rc = store_env_fail(t, err, rc, "write journal");
            break;
        }
        ((uint8_t *)v.mv_data)[0] = STORE_OP_ADD;
        memcpy((uint8_t *)v.mv_data + 1, tb, 8);
        memcpy((uint8_t *)v.mv_data + 9, base, r->oklen + r->tlen);
    }
    store_env_cur_release(t, db, c);
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
            store_batch_ent_first(&it, b, r);
        }
        do {
            more = r != NULL &&
                   store_batch_ent_next(&it, &tag, &aux, &key, &klen);
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

    rc = bulk_source(t, u->bk, err);
    if (rc == 0)
        rc = store_env_cur_acquire(t, DB_HISTORY, &ch, err);
    if (rc == 0)
        rc = store_env_cur_acquire(t, DB_OBJECTS, &co, err);
    for (size_t i = u->from; rc == 0 && i < u->to; i++) {
        const struct bent *e = &ok->v[i];
        put_be64(sk, u->bk->first + e->obj);
        k.mv_data = u->bk->okr.s + u->bk->okr_off[i];
        k.mv_size = u->bk->okr_off[i + 1] - u->bk->okr_off[i];
        v.mv_data = sk;
        v.mv_size = 8;
        rc = mdb_cursor_put(ch, &k, &v, MDB_APPENDDUP);
        if (rc) {
            rc = store_env_fail(t, err, rc, "write history");
            break;
        }
        if (u->bk->dead[i])
            continue;
        rc = mdb_cursor_put(co, &k, &v, MDB_APPEND);
        if (rc)
            rc = store_env_fail(t, err, rc, "write object");
    }
    if (co != NULL)
        store_env_cur_release(t, DB_OBJECTS, co);
    if (ch != NULL)
        store_env_cur_release(t, DB_HISTORY, ch);
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

    rc = bulk_source(t, bk, err);
    if (rc == 0)
        rc = store_env_cur_acquire(t, u->db, &cur, err);
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
            store_obj_ix_compose(&t->key, t->st, c->bytes.s + ik->off,
                                 ik->len, ok, oklen);
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
            rc = store_env_fail(t, err, rc, "write index entry");
    }
    if (cur != NULL)
        store_env_cur_release(t, u->db, cur);
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
    const store_bulk_t *bk = arg;
    int rc = bulk_source(t, bk, err);

    if (rc)
        return rc;
    return store_source_mark(t, 0, err);
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
            u.db = store_batch_ent_db[tag];
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
        rc = store_write(bk->st, bulk_unmark_unit, bk, err);
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
