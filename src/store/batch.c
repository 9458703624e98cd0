/*
 * batch.c - prepared objects (store_batch_t, store/bulk.h): everything
 * the store writes for an object that needs no transaction: its object
 * key, its display text, and the keys of its index entries (inverse,
 * lookup, and the address keys made by addr.c).  store_obj_put (obj.c)
 * prepares its object here; the bulk loader prepares whole batches on
 * another thread than the writer (bulk.c).
 *
 * The layout of a batch: struct store_batch in store/internal.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpsl/schema.h"
#include "store/bulk.h"
#include "store/internal.h"

const int store_batch_ent_db[ENT__COUNT] = {
    DB_INVERSE, DB_LOOKUP, DB_ADDR_START, DB_ADDR_BUCKET
};

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

/** State of the schema_each_key() walk of store_batch_build(). */
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

/** schema_each_key() callback of store_batch_build(): one secondary key. */
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

/** @s (@n bytes) without leading and trailing blanks: sets *@n. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

/**
 * An inet6num written as a range "LO - HI" (as community registries such
 * as dn42 write them; RIPE's are prefixes).
 * @return 0 and fills @r; ERR_SYNTAX if it is not one.
 */
static int v6_range(const rpsl_obj_t *o, ip_range_t *r)
{
    long idx = rpsl_obj_find_aid(o, SA_INET6NUM, 0);
    const char *v, *dash, *lo, *hi;
    size_t nlo, nhi;

    if (idx < 0)
        return ERR_SYNTAX;
    v = o->attrs[idx].value;
    dash = strchr(v, '-');
    if (dash == NULL)
        return ERR_SYNTAX;
    nlo = (size_t)(dash - v);
    lo = trim(v, &nlo);
    nhi = strlen(dash + 1);
    hi = trim(dash + 1, &nhi);
    memset(r, 0, sizeof *r);
    r->af = 6;
    if (ip_parse_v6(lo, nlo, r->lo) != 0 || ip_parse_v6(hi, nhi, r->hi) != 0)
        return ERR_SYNTAX;
    return 0;
}

int store_other_pkey(const rpsl_obj_t *o, buf_t *out)
{
    const char *v;
    size_t n;

    if (o->nattrs == 0 || o->attrs[0].name == NULL ||
        o->attrs[0].name[0] == 0 || o->attrs[0].value == NULL)
        return ERR_SYNTAX;
    n = strlen(o->attrs[0].value);
    v = trim(o->attrs[0].value, &n);
    if (n == 0)
        return ERR_SYNTAX;
    put_upper(out, o->attrs[0].name, strlen(o->attrs[0].name));
    buf_putc(out, ':');
    put_upper(out, v, n);
    return 0;
}

/**
 * The key of an object of a class the schema does not know (store.h:
 * store_other_get), appended to @out: STORE_CODE_OTHER, then
 * store_other_pkey(); its value part in *@val, *@vlen (offsets in @out).
 * @return 0, or ERR_SYNTAX when it has no value to key it by.
 */
static int other_key(const rpsl_obj_t *o, buf_t *out, size_t *val,
                     size_t *vlen)
{
    size_t start = out->len;
    const char *colon;

    buf_putc(out, STORE_CODE_OTHER);
    if (store_other_pkey(o, out) != 0) {
        buf_truncate(out, start);
        return ERR_SYNTAX;
    }
    /* a class name has no ':' (the parser cut the line there) */
    colon = memchr(out->s + start + 1, ':', out->len - start - 1);
    *val = (size_t)(colon + 1 - out->s);
    *vlen = out->len - *val;
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
    if (o->cls < 0 || !is_addr_class(o->cls))
        return 0;
    rc = schema_obj_range(o, r);
    if (rc == ERR_SYNTAX && o->cls == SC_INET6NUM)
        rc = v6_range(o, r);
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

int store_batch_build(store_batch_t *b, const store_t *st,
                      const rpsl_obj_t *obj, unsigned how, err_t *err)
{
    size_t start = b->data.len;
    struct brec *r;
    struct key_walk w;
    ip_range_t range;
    int has = 0;
    size_t tpos, epos;

    size_t val = 0, vlen = 0;

    if (obj->cls >= SC__COUNT)
        return err_set(err, ERR_SYNTAX, "store: object is not classified");
    if (obj->cls < 0) {
        /* a class the schema does not know: kept as text (store.h) */
        if (other_key(obj, &b->data, &val, &vlen) != 0) {
            buf_truncate(&b->data, start);
            return err_set(err, ERR_SYNTAX, "store: object without a "
                           "class name and value");
        }
    } else {
        buf_putc(&b->data, st->code_of[obj->cls]);
    }
    if ((obj->cls >= 0 && schema_pkey(obj, &b->data) != 0) ||
        b->data.len - start < 2 ||
        memchr(b->data.s + start + 1, 0, b->data.len - start - 1) != NULL) {
        buf_truncate(&b->data, start);
        return err_set(err, ERR_SYNTAX, "store: %s object without a "
                       "primary key", obj->cls >= 0 ?
                       schema_class_name(obj->cls) : "unknown class");
    }
    for (size_t i = start + 1; i < b->data.len; i++)
        if (b->data.s[i] >= 'a' && b->data.s[i] <= 'z')
            b->data.s[i] = (char)(b->data.s[i] - 'a' + 'A');
    buf_putc(&b->data, 0);
    if (b->data.len - start > st->okey_max) {
        buf_truncate(&b->data, start);
        return err_set(err, ERR_SYNTAX, "store: primary key too long");
    }
    int keys_only = (how & BATCH_KEYS_ONLY) != 0;
    if (obj_range(obj, &has, &range, how ? NULL : err) != 0) {
        if (!how) {
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
    if (obj->cls >= 0) {
        schema_each_key(obj, ix_key_cb, &w);
    } else {
        /* one lookup entry: its value, to find it by (store_lookup skips
         * such objects; store_other_get finds them) */
        buf_t v;
        buf_init(&v);
        buf_put(&v, b->data.s + val, vlen);
        ix_key_cb(SCHEMA_KEY_LOOKUP, -1, v.s, v.len, &w);
        buf_free(&v);
    }
    if (has) {
        uint8_t k[AKEY_MAX];
        uint8_t code = st->code_of[obj->cls];
        size_t n = ip_addr_len(range.af);
        size_t klen = store_addr_start_key(k, code, range.af, n, range.lo,
                                           range.hi);
        ent_put(&b->data, st->maxkey, ENT_START, 0, k, klen, "", 0, 0);
        klen = store_addr_bucket_key(k, code, range.af, n, range.lo, range.hi);
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
    return store_batch_build(b, st, obj, 0, err);
}

int store_batch_add_unranged(store_batch_t *b, const store_t *st,
                             const rpsl_obj_t *obj, err_t *err)
{
    return store_batch_build(b, st, obj, BATCH_UNRANGED, err);
}

void store_batch_ent_first(struct ent_it *it, const store_batch_t *b,
                           const struct brec *r)
{
    it->p = (const uint8_t *)b->data.s + r->off + r->oklen + r->tlen;
    it->end = it->p + r->elen;
}

int store_batch_ent_next(struct ent_it *it, int *tag, unsigned *aux,
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
