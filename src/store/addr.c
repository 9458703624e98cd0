/*
 * addr.c - the store's address index (store/store.h: store_addr): the
 * keys of inetnum, inet6num, route, route6 and reverse domain objects
 * in addr_start and addr_bucket (written by obj.c, made here), and the
 * look-ups by range.
 *
 * Keys (store/internal.h has the format): addr_start holds code af lo ~hi,
 * addr_bucket code af len(B) net(B) lo ~hi, where B(R) is the smallest
 * CIDR prefix that contains the range R.  Every range containing a query
 * Q has its bucket B among the prefixes containing B(Q) (at most 33 or
 * 129 of them), and all ranges in one bucket straddle its midpoint, so
 * with properly nested data a bucket is a short chain.  Look-ups:
 *   EXACT     one seek in addr_start;
 *   MORE_ALL  seek addr_start to (Q.lo, ~Q.hi), scan while lo <= Q.hi;
 *   MORE_ONE  the same scan, but after emitting a range R the scan seeks
 *             past R's end; ranges that start inside R and end beyond it
 *             (legacy partial overlaps) are found first by probing the
 *             buckets of the prefixes containing [R.hi, R.hi+1];
 *   LESS_*    for each prefix length 0..len(B(Q)), scan the bucket of the
 *             prefix of Q.lo while lo <= Q.lo, keep hi >= Q.hi.
 *
 * The hits of the LESS and MORE_ONE look-ups are collected and sorted
 * before they are emitted (struct ahits, store/internal.h); store_lookup
 * (obj.c) collects its hits the same way, without ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/internal.h"

/* ---------------------------------------------------------------------
 * Address keys: byte strings of n (4 or 16) bytes
 */

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

size_t store_addr_start_key(uint8_t *k, uint8_t code, int af, size_t n,
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

size_t store_addr_bucket_key(uint8_t *k, uint8_t code, int af, size_t n,
                             const uint8_t *lo, const uint8_t *hi)
{
    size_t p = bucket_prefix(k, code, af, n, addr_cpl(lo, hi, n), lo);
    memcpy(k + p, lo, n);
    addr_not(k + p + n, hi, n);
    return p + 2 * n;
}

/* ---------------------------------------------------------------------
 * Emitting and collecting hits
 */

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
        rc = store_obj_emit(t, v.mv_data, v.mv_size, mask, fn, arg, err);
        if (rc)
            return rc;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc != MDB_NOTFOUND)
        return store_env_fail(t, err, rc, "read index");
    return 0;
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

void store_addr_hits_push(struct ahits *h, const void *ok, size_t len,
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
        store_addr_hits_push(h, v.mv_data, v.mv_size, lo, hi, aq->n);
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc != MDB_NOTFOUND)
        return store_env_fail(aq->t, aq->err, rc, "read address index");
    return 0;
}

void store_addr_hits_fix(struct ahits *h)
{
    for (size_t i = 0; i < h->n; i++)
        h->v[i].ok = h->keys.s + h->v[i].off;
}

int store_addr_hit_cmp(const struct ahit *a, const struct ahit *b)
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
        c = store_addr_hit_cmp(a, b);
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
        c = store_addr_hit_cmp(a, b);
    return c;
}

/** 1 if hits @a and @b have the same range. */
static int same_range(const struct ahit *a, const struct ahit *b)
{
    return memcmp(a->lo, b->lo, 16) == 0 && memcmp(a->hi, b->hi, 16) == 0;
}

void store_addr_hits_free(struct ahits *h)
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

    k.mv_size = store_addr_start_key(key, aq->code, aq->af, aq->n, aq->q->lo,
                                     aq->q->hi);
    k.mv_data = key;
    rc = store_env_cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        rc = 0;
    } else if (rc) {
        rc = store_env_fail(aq->t, aq->err, rc, "read address index");
    } else {
        if (found != NULL)
            *found = 1;
        rc = emit_dups(aq->t, c, 0, aq->fn, aq->arg, aq->err);
    }
    store_env_cur_release(aq->t, DB_ADDR_START, c);
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
    rc = store_env_cur_acquire(aq->t, DB_ADDR_BUCKET, &c, aq->err);
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
            rc = store_env_fail(aq->t, aq->err, rc, "read address index");
            goto leave;
        }
        rc = 0;
    }
    store_env_cur_release(aq->t, DB_ADDR_BUCKET, c);
    c = NULL;
    store_addr_hits_fix(&h);
    if (h.n > 1)
        qsort(h.v, h.n, sizeof *h.v, cmp_size);
    if (one && h.n > 0) {
        /* The smallest containing range: the last group in this order. */
        first = h.n - 1;
        while (first > 0 && same_range(&h.v[first - 1], &h.v[h.n - 1]))
            first--;
    }
    for (size_t i = first; i < h.n; i++) {
        rc = store_obj_emit(aq->t, h.v[i].ok, h.v[i].len, 0, aq->fn, aq->arg,
                            aq->err);
        if (rc)
            break;
    }
leave:
    store_env_cur_release(aq->t, DB_ADDR_BUCKET, c);
    store_addr_hits_free(&h);
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

    rc = store_env_cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        return rc;
    k.mv_size = store_addr_start_key(key, aq->code, aq->af, aq->n, q->lo,
                                     q->hi);
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
        rc = store_env_fail(aq->t, aq->err, rc, "read address index");
leave:
    store_env_cur_release(aq->t, DB_ADDR_START, c);
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
            return store_env_fail(aq->t, aq->err, rc, "read address index");
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
    rc = store_env_cur_acquire(aq->t, DB_ADDR_START, &c, aq->err);
    if (rc)
        goto leave;
    k.mv_size = store_addr_start_key(key, aq->code, aq->af, aq->n, q->lo,
                                     q->hi);
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
            rc = store_env_cur_acquire(aq->t, DB_ADDR_BUCKET, &bc, aq->err);
            if (rc)
                goto leave;
        }
        h.n = 0;
        buf_reset(&h.keys);
        rc = crossing(aq, bc, maxhi, lo, &h);
        if (rc)
            goto leave;
        store_addr_hits_fix(&h);
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
            rc = store_obj_emit(aq->t, h.v[i].ok, h.v[i].len, 0, aq->fn,
                                aq->arg, aq->err);
            if (rc)
                goto leave;
            memcpy(maxhi, h.v[i].hi, aq->n);
        }
        /* next > the old maxhi, which is below q->hi: no wrap. */
        addr_inc(next, aq->n);
        k.mv_size = store_addr_start_key(key, aq->code, aq->af, aq->n, next,
                                         next);
        memset(key + 2 + aq->n, 0, aq->n);
        k.mv_data = key;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = store_env_fail(aq->t, aq->err, rc, "read address index");
leave:
    store_env_cur_release(aq->t, DB_ADDR_BUCKET, bc);
    store_env_cur_release(aq->t, DB_ADDR_START, c);
    store_addr_hits_free(&h);
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
