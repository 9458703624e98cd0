/*
 * obj.c - objects in the store (store/store.h): fetching, writing and
 * deleting them with their inverse and lookup index entries (the address
 * entries are written here too, their keys made by addr.c), the look-ups
 * through those indexes, walking and counting.
 *
 * An object's text is kept once, in its current journal entry; the
 * objects database maps its key to that serial (store/internal.h has the
 * format).  A put or delete first removes every index entry of the
 * version it replaces (computed again from the stored text), then writes
 * the journal and history entries (journal.c) and the new entries.
 *
 * Besides store_obj_*, this file has the look-ups named for what they
 * search (store_inverse, store_lookup, store_each, store_count; see
 * store/store.h) and, for the other files, store_obj_* helpers
 * (store/internal.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/bulk.h"
#include "store/internal.h"
#include "store/journal.h"

/* ---------------------------------------------------------------------
 * Object keys
 */

int store_obj_key(const store_t *st, int cls, const char *pkey,
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

int store_obj_other_key(const store_t *st, const char *pkey, buf_t *out)
{
    const char *colon = strchr(pkey, ':');

    buf_reset(out);
    buf_putc(out, STORE_CODE_OTHER);
    put_upper(out, pkey, strlen(pkey));
    buf_putc(out, 0);
    if (colon == NULL || colon == pkey || colon[1] == 0 ||
        out->len > st->okey_max)
        return ERR_NOTFOUND;
    return 0;
}

/* ---------------------------------------------------------------------
 * Emitting hits
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

int store_obj_emit(store_txn_t *t, const void *ok, size_t oklen,
                   unsigned long mask, store_hit_fn fn, void *arg,
                   err_t *err)
{
    const uint8_t *p = ok;
    MDB_val k, v;
    int cls, rc;

    if (oklen < 2 || p[oklen - 1] != 0)
        return err_set(err, ERR_STORE, "store: corrupt object key in index");
    cls = t->st->cls_of[p[0]];
    if (cls < 0 && p[0] == STORE_CODE_OTHER)
        return 0;       /* not for look-ups (store/internal.h) */
    if (cls < 0)
        return err_set(err, ERR_STORE, "store: unknown class code %u",
                       (unsigned)p[0]);
    if (mask != 0 && !(mask & (1UL << cls)))
        return 0;
    k.mv_data = (void *)ok;
    k.mv_size = oklen;
    rc = mdb_get(t->txn, t->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_STORE, "store: index refers to missing "
                       "object %s", (const char *)p + 1);
    if (rc)
        return store_env_fail(t, err, rc, "get object");
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
    rc = store_env_cur_acquire(t, db, &c, err);
    if (rc) {
        buf_free(&pre);
        return rc;
    }
    rc = ix_step(c, &pre, MDB_SET_RANGE, &ok);
    while (rc == 0) {
        rc = store_obj_emit(t, ok.mv_data, ok.mv_size, mask, fn, arg, err);
        if (rc)
            goto leave;
        rc = ix_step(c, &pre, MDB_NEXT, &ok);
    }
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else
        rc = store_env_fail(t, err, rc, "read index");
leave:
    store_env_cur_release(t, db, c);
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
    rc = store_obj_key(txn->st, cls, pkey, strlen(pkey), &ok);
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
    rc = mdb_get(txn->txn, txn->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND) {
        rc = err_set(err, ERR_NOTFOUND, "no such object");
        goto leave;
    }
    if (rc) {
        rc = store_env_fail(txn, err, rc, "get object");
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

void store_obj_ix_compose(buf_t *out, const store_t *st, const void *key,
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
        store_obj_ix_compose(&t->key, t->st, key, klen, okey->mv_data,
                             okey->mv_size);
        k.mv_data = t->key.s;
        k.mv_size = t->key.len;
        v.mv_data = (void *)"";
        v.mv_size = 0;
        rc = del ? mdb_del(t->txn, t->dbi[db], &k, NULL)
                 : mdb_put(t->txn, t->dbi[db], &k, &v, 0);
        if (rc == MDB_NOTFOUND && del)
            rc = 0;
    } else if (del) {
        rc = mdb_del(t->txn, t->dbi[db], &k, &v);
        if (rc == MDB_NOTFOUND)
            rc = 0;
    } else {
        rc = mdb_put(t->txn, t->dbi[db], &k, &v, MDB_NODUPDATA);
        if (rc == MDB_KEYEXIST)
            rc = 0;
    }
    if (rc)
        return store_env_fail(t, err, rc, del ? "delete index entry" :
                              "write index entry");
    return 0;
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

    store_batch_ent_first(&it, b, r);
    while (store_batch_ent_next(&it, &tag, &aux, &key, &klen)) {
        rc = ix_pair(t, store_batch_ent_db[tag], key, klen, okey, del, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Writing objects
 */

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
        (schema_classify(o, NULL) != 0 &&
         ((const uint8_t *)okey->mv_data)[0] != STORE_CODE_OTHER)) {
        rpsl_obj_free(o);
        return err_set(err, ERR_STORE, "store: stored object does not parse");
    }
    if (t->scratch == NULL)
        t->scratch = store_batch_new();
    store_batch_clear(t->scratch);
    rc = store_batch_build(t->scratch, t->st, o, BATCH_KEYS_ONLY, err);
    rpsl_obj_free(o);
    if (rc)
        return err_set(err, ERR_STORE, "store: stored object has no key");
    return rec_index(t, t->scratch, &t->scratch->v[0], okey, 1, err);
}


int store_obj_rec_put(store_txn_t *t, const store_batch_t *b,
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
    rc = mdb_get(t->txn, t->dbi[DB_OBJECTS], &k, &v);
    if (rc == 0) {
        /* A new version: drop the old version's index entries. */
        rc = unindex_current(t, &v, &k, err);
        if (rc)
            return rc;
    } else if (rc != MDB_NOTFOUND) {
        return store_env_fail(t, err, rc, "get object");
    }
    rc = store_journal_add(t, STORE_OP_ADD, when, base, r->oklen,
                           base + r->oklen, r->tlen, &ser, err);
    if (rc)
        return rc;
    put_be64(sv, ser);
    v.mv_data = sv;
    v.mv_size = 8;
    rc = mdb_put(t->txn, t->dbi[DB_OBJECTS], &k, &v, 0);
    if (rc)
        return store_env_fail(t, err, rc, "write object");
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
    rc = store_batch_build(t->scratch, t->st, obj, 0, err);
    if (rc)
        return rc;
    /* store_obj_rec_put() reuses t->scratch for the old version: keep a
     * copy */
    {
        store_batch_t *mine = t->scratch;
        t->scratch = NULL;
        rc = store_obj_rec_put(t, mine, &mine->v[0], when, serial, err);
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
    if (cls == -1) {
        /* an object of a class the schema does not know: CLASS:VALUE */
        if (store_obj_other_key(t->st, pkey, &t->okey) != 0)
            return err_set(err, ERR_SYNTAX, "store: no usable key of an "
                           "object of an unknown class");
        rc = 0;
    } else {
        rc = store_obj_key(t->st, cls, pkey, strlen(pkey), &t->okey);
    }
    if (rc == ERR_USAGE)
        return err_set(err, ERR_USAGE, "store: invalid class %d", cls);
    if (rc)
        return err_set(err, ERR_NOTFOUND, "no such object");
    k.mv_data = t->okey.s;
    k.mv_size = t->okey.len;
    rc = mdb_get(t->txn, t->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no such object");
    if (rc)
        return store_env_fail(t, err, rc, "get object");
    rc = unindex_current(t, &v, &k, err);
    if (rc)
        return rc;
    rc = mdb_del(t->txn, t->dbi[DB_OBJECTS], &k, NULL);
    if (rc)
        return store_env_fail(t, err, rc, "delete object");
    return store_journal_add(t, STORE_OP_DEL, when, t->okey.s, t->okey.len,
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
    rc = store_env_cur_acquire(txn, DB_OBJECTS, &c, err);
    if (rc)
        return rc;
    rc = each_first(txn, c, cls, &code, &k, &v);
    while (rc == 0) {
        const uint8_t *p = k.mv_data;
        if (cls >= 0 && p[0] != code)
            break;
        if (p[0] == STORE_CODE_OTHER)   /* the last ones: not for us */
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
        rc = store_env_fail(txn, err, rc, "read objects");
leave:
    store_env_cur_release(txn, DB_OBJECTS, c);
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
        uint8_t other = STORE_CODE_OTHER;
        if (mdb_stat(txn->txn, txn->dbi[DB_OBJECTS], &ms) != 0)
            return 0;
        n = ms.ms_entries;
        /* less the objects of unknown classes, which sort last */
        if (store_env_cur_acquire(txn, DB_OBJECTS, &c, NULL) != 0)
            return n;
        k.mv_data = &other;
        k.mv_size = 1;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        while (rc == 0 && n > 0) {
            n--;
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
        }
        store_env_cur_release(txn, DB_OBJECTS, c);
        return n;
    }
    if (cls >= SC__COUNT ||
        store_env_cur_acquire(txn, DB_OBJECTS, &c, NULL) != 0)
        return 0;
    rc = each_first(txn, c, cls, &code, &k, &v);
    while (rc == 0 && ((const uint8_t *)k.mv_data)[0] == code) {
        n++;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    store_env_cur_release(txn, DB_OBJECTS, c);
    return n;
}

/* ---------------------------------------------------------------------
 * Plain look-ups
 */

/** qsort order of hits by object key. */
static int cmp_okey(const void *pa, const void *pb)
{
    return store_addr_hit_cmp(pa, pb);
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
        if (store_obj_key(txn->st, cls, value, len, &k) != 0)
            break;
        kv.mv_data = k.s;
        kv.mv_size = k.len;
        rc = mdb_get(txn->txn, txn->dbi[DB_OBJECTS], &kv, &v);
        if (rc == 0)
            store_addr_hits_push(&h, k.s, k.len, NULL, NULL, 0);
        else if (rc != MDB_NOTFOUND)
            goto lmdb_fail;
        rc = 0;
    }
    buf_reset(&k);
    put_upper(&k, value, len);
    if (ix_prefix(txn->st, k.s, k.len, &pre) == 0) {
        rc = store_env_cur_acquire(txn, DB_LOOKUP, &c, err);
        if (rc)
            goto leave;
        rc = ix_step(c, &pre, MDB_SET_RANGE, &v);
        while (rc == 0) {
            const uint8_t *p = v.mv_data;
            int cls = v.mv_size > 0 ? txn->st->cls_of[p[0]] : -1;
            if (cls >= 0 && (cls_mask == 0 || (cls_mask & (1UL << cls))))
                store_addr_hits_push(&h, v.mv_data, v.mv_size, NULL, NULL, 0);
            rc = ix_step(c, &pre, MDB_NEXT, &v);
        }
        if (rc != MDB_NOTFOUND)
            goto lmdb_fail;
        rc = 0;
    }
    store_addr_hits_fix(&h);
    if (h.n > 1)
        qsort(h.v, h.n, sizeof *h.v, cmp_okey);
    for (size_t i = 0; i < h.n; i++) {
        if (i > 0 && store_addr_hit_cmp(&h.v[i], &h.v[i - 1]) == 0)
            continue;
        rc = store_obj_emit(txn, h.v[i].ok, h.v[i].len, 0, fn, arg, err);
        if (rc)
            goto leave;
    }
    goto leave;

lmdb_fail:
    rc = store_env_fail(txn, err, rc, "read lookup index");
leave:
    store_env_cur_release(txn, DB_LOOKUP, c);
    buf_free(&k);
    buf_free(&pre);
    store_addr_hits_free(&h);
    return rc;
}

/* ---------------------------------------------------------------------
 * Objects of classes the schema does not know
 */

int store_other_get(store_txn_t *txn, const char *cls_name, const char *key,
                    buf_t *text, err_t *err)
{
    buf_t ok;
    MDB_val k, v;
    int rc;

    buf_init(&ok);
    buf_putc(&ok, STORE_CODE_OTHER);
    put_upper(&ok, cls_name, strlen(cls_name));
    buf_putc(&ok, ':');
    put_upper(&ok, key, strlen(key));
    buf_putc(&ok, 0);
    k.mv_data = ok.s;
    k.mv_size = ok.len;
    rc = ok.len > txn->st->okey_max ? MDB_NOTFOUND
         : mdb_get(txn->txn, txn->dbi[DB_OBJECTS], &k, &v);
    if (rc == MDB_NOTFOUND) {
        rc = err_set(err, ERR_NOTFOUND, "no such object");
    } else if (rc) {
        rc = store_env_fail(txn, err, rc, "get object");
    } else if (text != NULL) {
        const char *s;
        size_t len;
        rc = obj_text(txn, &v, &s, &len, err);
        if (rc == 0)
            buf_put(text, s, len);
    }
    buf_free(&ok);
    return rc;
}

int store_other_each(store_txn_t *txn, store_other_fn fn, void *arg,
                     err_t *err)
{
    uint8_t other = STORE_CODE_OTHER;
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = store_env_cur_acquire(txn, DB_OBJECTS, &c, err);
    if (rc)
        return rc;
    k.mv_data = &other;
    k.mv_size = 1;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        const char *p = k.mv_data, *colon;
        const char *text;
        size_t len;
        buf_t name;
        if (k.mv_size < 3 || p[k.mv_size - 1] != 0 ||
            (colon = memchr(p + 1, ':', k.mv_size - 2)) == NULL) {
            rc = err_set(err, ERR_STORE, "store: corrupt object key");
            goto leave;
        }
        rc = obj_text(txn, &v, &text, &len, err);
        if (rc)
            goto leave;
        buf_init(&name);
        buf_put(&name, p + 1, (size_t)(colon - p - 1));
        rc = fn(name.s, colon + 1, text, len, arg);
        buf_free(&name);
        if (rc)
            goto leave;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = store_env_fail(txn, err, rc, "read objects");
leave:
    store_env_cur_release(txn, DB_OBJECTS, c);
    return rc;
}

int store_other_classes(store_txn_t *txn,
                        int (*fn)(const char *cls_name, void *arg),
                        void *arg, err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    buf_t seek;
    int rc;

    rc = store_env_cur_acquire(txn, DB_OBJECTS, &c, err);
    if (rc)
        return rc;
    buf_init(&seek);
    buf_putc(&seek, STORE_CODE_OTHER);
    k.mv_data = seek.s;
    k.mv_size = seek.len;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        const char *p = k.mv_data, *colon;
        if (k.mv_size < 3 || p[k.mv_size - 1] != 0 ||
            (colon = memchr(p + 1, ':', k.mv_size - 2)) == NULL) {
            rc = err_set(err, ERR_STORE, "store: corrupt object key");
            goto leave;
        }
        /* CODE NAME ";" sorts after every CODE NAME ":" VALUE key; the
         * names NAME is a prefix of with a byte below ':' next sort
         * before those keys */
        buf_reset(&seek);
        buf_putc(&seek, STORE_CODE_OTHER);
        buf_put(&seek, p + 1, (size_t)(colon - p - 1));
        rc = fn(seek.s + 1, arg);
        if (rc)
            goto leave;
        buf_putc(&seek, ';');
        k.mv_data = seek.s;
        k.mv_size = seek.len;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    }
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else
        rc = store_env_fail(txn, err, rc, "read objects");
leave:
    store_env_cur_release(txn, DB_OBJECTS, c);
    buf_free(&seek);
    return rc;
}
